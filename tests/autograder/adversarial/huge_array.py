"""count_quadratic_terms returns a 100 MB array: too large to check (failed, 0), and it does not sink the other answers."""

SOLUTIONS = {
    'count_quadratic_terms': 'def count_quadratic_terms(n_features):\n    return np.full(12_500_000, 1.0)\n',
}

EXPECTED = {
    'count_quadratic_terms': 'failed',
}
