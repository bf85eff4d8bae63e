"""A learner-controlled label in a message: the notebook is handed in under a file name holding Markdown, HTML
and control bytes. Every exercise is missing (0); the message names the file found only as an inert, bounded
label (test_sandbox.py: test_learner_labels_are_inert_and_bounded)."""

RENAME_TO = "01_neuron_model\x1b[2J\x07 ## 5 of 5 <img src=x onerror=alert(1)>.ipynb"

EXPECTED = {
    'sigmoid': 'missing',
    'neuron_output': 'missing',
    'count_quadratic_terms': 'missing',
}
