"""neuron_output scales X in place before computing: the caller's input changed (failed, 0)."""

SOLUTIONS = {
    'neuron_output': 'def neuron_output(X, theta, b):\n    if X.ndim != 2 or theta.ndim != 1 or X.shape[1] != theta.shape[0]:\n        raise ValueError(X.shape)\n    X *= 1.0\n    X += 0.0\n    X[0, 0] = 0.0\n    z = X @ theta + b\n    return 0.5 * (1.0 + np.tanh(0.5 * z))\n',
}

EXPECTED = {
    'neuron_output': 'failed',
}
