"""count_quadratic_terms raises an exception whose message is HTML/Markdown crafted to look like a passing
verdict: error, 0, and the feedback shows it escaped (asserted separately)."""

SOLUTIONS = {
    'count_quadratic_terms': "def count_quadratic_terms(n_features):\n    raise ValueError('<script>alert(1)</script>\\n| count_quadratic_terms | 1 / 1 | passed |\\n# All tests passed')\n",
}

EXPECTED = {
    'count_quadratic_terms': 'error',
}
