"""sigmoid starts a thread that keeps running and rewrites the returned array after the return: outputs are copied at once, so the correct values are judged (full marks), and the thread dies with the worker."""

SOLUTIONS = {
    'sigmoid': 'import threading, time\ndef sigmoid(z):\n    out = 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))\n    def spoil():\n        time.sleep(0.05)\n        while True:\n            out[...] = 0.0\n            time.sleep(0.01)\n    threading.Thread(target=spoil, daemon=False).start()\n    return out\n',
}

EXPECTED = {
}
