"""count_quadratic_terms raises, with sys.excepthook, showtraceback and a custom exception handler silenced: error, 0."""

SOLUTIONS = {
    'count_quadratic_terms': "import sys\nsys.excepthook = lambda *a: None\nip = get_ipython()\nip.showtraceback = lambda *a, **k: None\nip.set_custom_exc((Exception,), lambda *a, **k: None)\ndef count_quadratic_terms(n_features):\n    raise ValueError('nope')\n",
}

EXPECTED = {
    'count_quadratic_terms': 'error',
}
