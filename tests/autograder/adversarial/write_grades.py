"""Tries to write OUT_DIR/grades.csv, the gradebook and the honest student's notebook; every write must fail. If any succeeded, count_quadratic_terms would return a wrong value: full marks prove they all failed."""

SOLUTIONS = {
    'count_quadratic_terms': 'def count_quadratic_terms(n_features):\n    if n_features < 0:\n        raise ValueError(n_features)\n    return -1 if WROTE else n_features * (n_features + 1) // 2\n',
}
INSERT_AFTER = {
    'sigmoid': "import os\nWROTE = []\nfor target in (@OUT_DIR@ + '/grades.csv', @OUT_DIR@ + '/pwned.txt', @GRADEBOOK@, @VICTIM@):\n    try:\n        with open(target, 'a') as fh:\n            fh.write('honest,01_neuron_model,x,sigmoid,0,2,failed,pwned\\n')\n        WROTE.append(target)\n    except OSError:\n        pass\n",
}

EXPECTED = {
}
