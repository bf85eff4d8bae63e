"""The notebook is handed in under another file name (a copy saved by Jupyter): nbgrader's layout needs the
released name, so every exercise is missing (0) and the message names the file that was found."""

RENAME_TO = "01_neuron_model-Copy1.ipynb"

EXPECTED = {
    'sigmoid': 'missing',
    'neuron_output': 'missing',
    'count_quadratic_terms': 'missing',
}
