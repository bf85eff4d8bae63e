"""Tries to kill its parent (the grader) and every process it can see: the worker's uid owns none of them; full marks."""

INSERT_AFTER = {
    'sigmoid': "import os, signal\nfor pid in [os.getppid()] + [int(p) for p in os.listdir('/proc') if p.isdigit()]:\n    if pid != os.getpid():\n        try:\n            os.kill(pid, signal.SIGKILL)\n        except OSError:\n            pass\n",
}

EXPECTED = {
}
