"""The submitted notebook is a symbolic link to the honest student's notebook: refused (error, 0); the honest student's grade is unaffected."""


SYMLINK_TO_VICTIM = True

EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
