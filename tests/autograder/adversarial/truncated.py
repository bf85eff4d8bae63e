"""The notebook file cut in half: error, 0 on every exercise."""


def raw(data, ctx):
    return data[: len(data) // 2]

EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
