"""sigmoid returns an object whose __array__ gives the right values: not an ndarray (failed, 0)."""

SOLUTIONS = {
    'sigmoid': 'class Lazy:\n    def __init__(self, z):\n        self.z = np.asarray(z, dtype=float)\n    def __array__(self, dtype=None, copy=None):\n        return 0.5 * (1.0 + np.tanh(0.5 * self.z))\ndef sigmoid(z):\n    return Lazy(z)\n',
}

EXPECTED = {
    'sigmoid': 'failed',
}
