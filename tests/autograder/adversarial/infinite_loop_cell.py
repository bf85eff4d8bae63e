"""A top-level infinite loop after the definition, in the cell that defines count_quadratic_terms.

The cell is stopped at the step limit and skipped on the re-run, so the function is never defined: timeout, 0."""

SOLUTIONS = {
    'count_quadratic_terms': 'def count_quadratic_terms(n_features):\n    return n_features * (n_features + 1) // 2\nwhile True:\n    pass\n',
}

EXPECTED = {
    'count_quadratic_terms': 'timeout',
}
