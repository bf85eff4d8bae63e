"""Valid JSON that is not a notebook: error, 0."""


def raw(data, ctx):
    return b'{"cells": 5}'

EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
