"""Ignores SIGTERM, SIGALRM, SIGINT and SIGXCPU, then loops in count_quadratic_terms: SIGKILL still ends it (timeout, 0)."""

SOLUTIONS = {
    'count_quadratic_terms': 'import signal\nfor s in (signal.SIGTERM, signal.SIGALRM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU):\n    signal.signal(s, signal.SIG_IGN)\ndef count_quadratic_terms(n_features):\n    while True:\n        pass\n',
}

EXPECTED = {
    'count_quadratic_terms': 'timeout',
}
