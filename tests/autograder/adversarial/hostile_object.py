"""neuron_output returns an object whose __repr__, __len__, __iter__, __getattr__ and __array__ raise: none of them is called (failed, 0)."""

SOLUTIONS = {
    'neuron_output': "class Bomb:\n    def __repr__(self):\n        raise RuntimeError('repr')\n    __str__ = __repr__\n    def __len__(self):\n        raise RuntimeError('len')\n    def __iter__(self):\n        raise RuntimeError('iter')\n    def __getattr__(self, name):\n        raise RuntimeError('getattr')\n    def __array__(self, *a, **k):\n        raise RuntimeError('array')\ndef neuron_output(X, theta, b):\n    return Bomb()\n",
}

EXPECTED = {
    'neuron_output': 'failed',
}
