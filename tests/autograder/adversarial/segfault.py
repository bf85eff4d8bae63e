"""neuron_output dereferences NULL with ctypes: the worker crashes with SIGSEGV while checking it (error, 0); the re-run grades the rest."""

SOLUTIONS = {
    'neuron_output': 'import ctypes\ndef neuron_output(X, theta, b):\n    return ctypes.string_at(0)\n',
}

EXPECTED = {
    'neuron_output': 'error',
}
