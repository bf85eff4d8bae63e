"""A wrong count_quadratic_terms with autograder.check, verdict.judge, compare.compare and probes.probe patched to report success: the worker's copies do not judge, so failed, 0."""

SOLUTIONS = {
    'count_quadratic_terms': "import autograder, autograder.compare, autograder.verdict, autograder.probes\nfrom autograder.results import Result\nautograder.check = lambda *a, **k: None\nautograder.verdict.judge = lambda check, *a, **k: Result(check.name, True, check.points, check.points, 'passed')\nautograder.compare.compare = lambda *a, **k: (None, [])\n_real_probe = autograder.probes.probe\nautograder.probes.probe = lambda name, obj, case: _real_probe(name, obj, case)\ndef count_quadratic_terms(n_features):\n    return n_features * n_features\n",
}

EXPECTED = {
    'count_quadratic_terms': 'failed',
}
