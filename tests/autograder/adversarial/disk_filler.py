"""Writes 64 MB files until the disk is full (each file within RLIMIT_FSIZE): the worker directory is its own
512 MB tmpfs, so the writes stop there with ENOSPC, the grader's disk is untouched, and the correct functions
get full marks."""

INSERT_AFTER = {
    'sigmoid': "import os\nblock = b'x' * (1 << 20)\nfor i in range(10_000):\n    try:\n        with open(f'fill_{i}.bin', 'wb') as fh:\n            for _ in range(63):\n                fh.write(block)\n    except OSError:\n        break\nfor tmp in ('/tmp', '/var/tmp', '/dev/shm'):\n    try:\n        with open(os.path.join(tmp, 'fill.bin'), 'wb') as fh:\n            for _ in range(600):\n                fh.write(block)\n    except OSError:\n        pass\n",
}

EXPECTED = {}
