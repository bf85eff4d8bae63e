"""Not an attack: looks for descriptors the worker inherited. A worker (fresh interpreter or forked from the zygote)
must hold its standard streams and the progress pipe only: no copy of the zygote's control socket, of the grader's
files or of an earlier worker's pipes. count_quadratic_terms raises naming what it found (and would score 0)."""

INSERT_AFTER = {
    'sigmoid': """\
import os, stat
EXTRA = []
for _fd in range(3, 1024):
    try:
        _st = os.fstat(_fd)
    except OSError:
        continue
    EXTRA.append((_fd, stat.S_IFMT(_st.st_mode)))
# exactly one: the progress pipe (a FIFO) the grader reads
if len(EXTRA) != 1 or not stat.S_ISFIFO(EXTRA[0][1]):
    EXTRA = [f'fd {fd} mode {mode:o}' for fd, mode in EXTRA]
else:
    EXTRA = []
""",
}
SOLUTIONS = {
    'count_quadratic_terms': "def count_quadratic_terms(n_features):\n    if n_features < 0:\n        raise ValueError(n_features)\n    if EXTRA:\n        raise ValueError(f'inherited descriptors: {EXTRA}')\n    return n_features * (n_features + 1) // 2\n",
}

EXPECTED = {}
