"""Tries to reach a TCP server the grader's machine listens on (to exfiltrate answers or fetch them): the worker
has its own empty network namespace, so the connection fails and count_quadratic_terms stays correct (full
marks prove that the connection failed)."""

INSERT_AFTER = {
    'sigmoid': "import socket\nCONNECTED = False\ntry:\n    socket.create_connection(('127.0.0.1', @PORT@), timeout=1).close()\n    CONNECTED = True\nexcept OSError:\n    pass\n",
}
SOLUTIONS = {
    'count_quadratic_terms': "def count_quadratic_terms(n_features):\n    if n_features < 0:\n        raise ValueError(n_features)\n    return -1 if CONNECTED else n_features * (n_features + 1) // 2\n",
}

EXPECTED = {}
