"""sigmoid renamed to my_sigmoid: missing, 0; the other exercises are unaffected."""

SOLUTIONS = {
    'sigmoid': 'def my_sigmoid(z):\n    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))\n',
}

EXPECTED = {
    'sigmoid': 'missing',
}
