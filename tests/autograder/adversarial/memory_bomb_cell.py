"""A cell that grows a bytes object until memory runs out: the cell fails, no exercise is touched."""

INSERT_AFTER = {
    'sigmoid': "s = b'x'\nwhile True:\n    s = s + s\n",
}

EXPECTED = {
}
