"""The assignment folder holds no notebook: missing, 0."""


NO_NOTEBOOK = True

EXPECTED = {
    'sigmoid': 'missing',
    'neuron_output': 'missing',
    'count_quadratic_terms': 'missing',
}
