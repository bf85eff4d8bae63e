"""sigmoid returns an object whose __eq__ is always True (and __ne__ False): failed, 0."""

SOLUTIONS = {
    'sigmoid': 'class Yes:\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n        return False\n    __hash__ = object.__hash__\ndef sigmoid(z):\n    return Yes()\n',
}

EXPECTED = {
    'sigmoid': 'failed',
}
