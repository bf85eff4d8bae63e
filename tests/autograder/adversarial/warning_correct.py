"""Correct code that emits warnings (a UserWarning and a DeprecationWarning): full marks."""

SOLUTIONS = {
    'sigmoid': "import warnings\ndef sigmoid(z):\n    warnings.warn('this sigmoid is only a teaching version')\n    warnings.warn('old style', DeprecationWarning)\n    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))\n",
}

EXPECTED = {
}
