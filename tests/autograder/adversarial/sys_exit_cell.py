"""sys.exit() and exit() in free cells: IPython records them; grading goes on with full marks."""

INSERT_AFTER = {
    'sigmoid': 'import sys\nsys.exit(0)\n',
    'neuron_output': 'exit()\n',
}

EXPECTED = {
}
