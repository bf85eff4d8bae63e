"""An empty file: error, 0."""


def raw(data, ctx):
    return b""

EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
