"""Writes to /dev/tty, floods stderr and the raw file descriptors 1 and 2: none of it affects grading (full marks)."""

INSERT_AFTER = {
    'sigmoid': "import os, sys\ntry:\n    open('/dev/tty', 'w').write('hello')\nexcept OSError:\n    pass\nfor _ in range(20_000):\n    sys.stderr.write('E' * 100 + '\\n')\nos.write(1, b'X' * 1_000_000)\nos.write(2, b'Y' * 1_000_000)\nsys.__stderr__.write('Z' * 100_000)\n",
}

EXPECTED = {
}
