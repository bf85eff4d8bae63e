"""A cell closes stdout, stderr and every other descriptor it can find (the grader's pipes among them), then
keeps going. The grader loses sight of the worker during that cell, so it counts the cell as the one that broke
the run and grades again without it: full marks (the functions are correct), nothing hangs or survives."""

INSERT_AFTER = {
    'count_quadratic_terms': "import os\nfor fd in range(0, 256):\n    try:\n        os.close(fd)\n    except OSError:\n        pass\n",
}

EXPECTED = {}
