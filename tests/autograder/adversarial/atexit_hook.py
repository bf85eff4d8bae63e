"""An atexit hook that would overwrite the worker's answer: the worker leaves with os._exit, so it never runs; full marks."""

INSERT_AFTER = {
    'sigmoid': "import atexit\natexit.register(lambda: open('response.json', 'w').write('{}'))\n",
}

EXPECTED = {
}
