"""count_quadratic_terms starts a detached process in a new session (setsid) that would outlive a process-group kill: it is killed through the worker's uid; full marks (the function is correct)."""

SOLUTIONS = {
    'count_quadratic_terms': "import subprocess\n_p = subprocess.Popen(['sleep', '1000'], start_new_session=True)\ndef count_quadratic_terms(n_features):\n    if n_features < 0:\n        raise ValueError(n_features)\n    return n_features * (n_features + 1) // 2\n",
}

EXPECTED = {
}
