"""Tries to read the honest student's submission, the instructor's source notebook, the answer key (course_lib), the exercises registry, the test suite and root's home; every read must fail (full marks prove it)."""

SOLUTIONS = {
    'count_quadratic_terms': 'def count_quadratic_terms(n_features):\n    if n_features < 0:\n        raise ValueError(n_features)\n    return -1 if READ else n_features * (n_features + 1) // 2\n',
}
INSERT_AFTER = {
    'sigmoid': "import os, glob\nREAD = []\nfor target in (@VICTIM@, @SOURCE@, @COURSE_LIB@ + '/activations.py', @PROJECT@ + '/autograder/registry.py', @PROJECT@ + '/tests', @PROJECT@ + '/.git/HEAD', '/root/.bashrc'):\n    try:\n        if os.path.isdir(target):\n            if os.listdir(target):\n                READ.append(target)\n        else:\n            with open(target, 'rb') as fh:\n                if fh.read(10):\n                    READ.append(target)\n    except OSError:\n        pass\n",
}

EXPECTED = {
}
