"""sigmoid calls sys.exit(): reported as an error raised by the function (error, 0)."""

SOLUTIONS = {
    'sigmoid': 'import sys\ndef sigmoid(z):\n    sys.exit(0)\n',
}

EXPECTED = {
    'sigmoid': 'error',
}
