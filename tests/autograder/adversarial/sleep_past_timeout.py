"""neuron_output sleeps far past the limit: timeout on it only."""

SOLUTIONS = {
    'neuron_output': 'import time\ndef neuron_output(X, theta, b):\n    time.sleep(3600)\n    return X @ theta + b\n',
}

EXPECTED = {
    'neuron_output': 'timeout',
}
