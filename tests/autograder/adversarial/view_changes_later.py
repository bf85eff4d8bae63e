"""sigmoid returns a view into a module-level buffer that the next call overwrites: each output is copied when returned, so the values judged are the right ones (full marks)."""

SOLUTIONS = {
    'sigmoid': '_buf = np.zeros(10_000)\ndef sigmoid(z):\n    z = np.asarray(z, dtype=float)\n    out = _buf[:z.size].reshape(z.shape)\n    out[...] = 0.5 * (1.0 + np.tanh(0.5 * z))\n    return out\n',
}

EXPECTED = {
}
