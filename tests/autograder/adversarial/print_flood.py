"""A 200,000-line print: the output is capped and dropped; full marks."""

INSERT_AFTER = {
    'sigmoid': "for i in range(200_000):\n    print('line', i)\n",
}

EXPECTED = {
}
