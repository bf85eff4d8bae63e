"""Issue 10 finding 7: a notebook of 100,000 tiny cells (7 MiB) once took seconds of the grading process to
parse. The cells are counted from the raw bytes before the JSON parse (an upper bound; exactly right after it),
ahead of the cap on JSON values: error, 0."""

import json


def raw(data, ctx):
    cells = [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": "x = 1", "outputs": [],
              "execution_count": None} for i in range(100_000)]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}).encode()


EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
