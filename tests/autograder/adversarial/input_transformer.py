"""A wrong sigmoid plus an IPython input transformer that empties every later cell (it defeats nbgrader, whose tests are later cells): the transformer is removed before each cell and tests never run in the notebook, so sigmoid fails (0) and the later exercises still get full marks."""

SOLUTIONS = {
    'sigmoid': 'def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(z))\nget_ipython().input_transformers_cleanup.append(lambda lines: [])\nget_ipython().input_transformers_post.append(lambda lines: [])\n',
}

EXPECTED = {
    'sigmoid': 'failed',
}
