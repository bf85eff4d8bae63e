"""sigmoid recurses without end: RecursionError (error, 0)."""

SOLUTIONS = {
    'sigmoid': 'def sigmoid(z):\n    return sigmoid(z)\n',
}

EXPECTED = {
    'sigmoid': 'error',
}
