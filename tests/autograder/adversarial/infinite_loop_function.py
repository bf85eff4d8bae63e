"""count_quadratic_terms never returns: its checks are stopped (timeout, 0); the rest is graded."""

SOLUTIONS = {
    'count_quadratic_terms': 'def count_quadratic_terms(n_features):\n    while True:\n        n_features += 1\n',
}

EXPECTED = {
    'count_quadratic_terms': 'timeout',
}
