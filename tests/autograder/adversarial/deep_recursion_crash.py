"""count_quadratic_terms raises the recursion limit and recurses through a C builtin (map) until the C stack overflows: the worker crashes (error, 0), the rest is graded."""

SOLUTIONS = {
    'count_quadratic_terms': 'import sys\nsys.setrecursionlimit(10**8)\ndef count_quadratic_terms(n_features):\n    return list(map(count_quadratic_terms, [n_features + 1]))[0]\n',
}

EXPECTED = {
    'count_quadratic_terms': 'error',
}
