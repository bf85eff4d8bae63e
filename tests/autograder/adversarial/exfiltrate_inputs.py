"""sigmoid and neuron_output raise exceptions carrying their (hidden) inputs, to read them in the feedback:
error, 0, and the numbers are masked in every message (asserted by test_hidden_inputs_do_not_reach_the_feedback)."""

SOLUTIONS = {
    'sigmoid': "def sigmoid(z):\n    raise ValueError(repr(np.asarray(z).tolist()))\n",
    'neuron_output': "def neuron_output(X, theta, b):\n    raise ValueError('X=' + ' '.join(f'{v:.17g}' for v in np.ravel(X)) + f' b={b!r}')\n",
}

EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
}
