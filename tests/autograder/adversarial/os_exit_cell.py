"""os._exit(0) in a free cell ends the worker: the cell is skipped on the re-run; nothing else is touched."""

INSERT_AFTER = {
    'sigmoid': 'import os\nos._exit(0)\n',
}

EXPECTED = {
}
