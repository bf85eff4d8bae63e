"""sigmoid returns an ndarray subclass whose comparisons always succeed: exact types are checked first (failed, 0)."""

SOLUTIONS = {
    'sigmoid': 'class Agree(np.ndarray):\n    def __eq__(self, other):\n        return np.ones(self.shape, bool)\n    def __array_ufunc__(self, *a, **k):\n        return True\ndef sigmoid(z):\n    return np.zeros(np.shape(z)).view(Agree)\n',
}

EXPECTED = {
    'sigmoid': 'failed',
}
