"""count_quadratic_terms calls os._exit: its checks end the worker (error, 0); the rest is graded on the re-run."""

SOLUTIONS = {
    'count_quadratic_terms': 'import os\ndef count_quadratic_terms(n_features):\n    os._exit(0)\n',
}

EXPECTED = {
    'count_quadratic_terms': 'error',
}
