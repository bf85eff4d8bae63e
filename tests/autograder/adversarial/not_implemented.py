"""The released stub left as is (raises NotImplementedError): missing, 0."""

SOLUTIONS = {
    'count_quadratic_terms': 'def count_quadratic_terms(n_features):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n',
}

EXPECTED = {
    'count_quadratic_terms': 'missing',
}
