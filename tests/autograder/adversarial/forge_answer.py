"""A wrong count_quadratic_terms that, when called, writes a forged answer file claiming every check passed, fakes the 'done' message on every open descriptor and exits: the forged answer still holds wrong values, so failed or error, never points."""

SOLUTIONS = {
    'count_quadratic_terms': "import os, json\ndef count_quadratic_terms(n_features):\n    fake = {'version': 1, 'cells': [], 'exercises': {}, 'output_dropped': 0}\n    with open('/tmp/submission/response.json', 'w') as fh:\n        json.dump(fake, fh)\n    for fd in range(3, 64):\n        try:\n            os.write(fd, b'done\\n')\n        except OSError:\n            pass\n    os._exit(0)\n",
}

EXPECTED = {
    'count_quadratic_terms': 'error',
}
