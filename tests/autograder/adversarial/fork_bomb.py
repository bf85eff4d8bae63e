"""A fork bomb in a free cell: bounded by RLIMIT_NPROC on the worker's own uid, killed at the step limit with all its children; nothing survives (asserted separately)."""

INSERT_AFTER = {
    'sigmoid': 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n',
}

EXPECTED = {
}
