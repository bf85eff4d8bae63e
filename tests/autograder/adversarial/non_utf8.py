"""The notebook re-encoded as UTF-16: error, 0."""


def raw(data, ctx):
    return data.decode("utf-8").replace("tanh", "tanhé").encode("utf-16")

EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
