"""Not JSON at all: every exercise error, 0."""


def raw(data, ctx):
    return b"this is not a notebook {"

EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
