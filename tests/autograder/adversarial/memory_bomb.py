"""count_quadratic_terms allocates 80 GB: MemoryError under the address-space limit (memory, 0)."""

SOLUTIONS = {
    'count_quadratic_terms': 'def count_quadratic_terms(n_features):\n    big = np.ones((100_000, 100_000))\n    return n_features * (n_features + 1) // 2 + int(big[0, 0]) - 1\n',
}

EXPECTED = {
    'count_quadratic_terms': 'memory',
}
