"""A learner-controlled label in a message: the test cell of count_quadratic_terms gets a made-up cell type
holding Markdown and control bytes (nbformat does not refuse an unknown type), with a wrong answer. It is
tampered (0), and the message naming the new type shows it only as an inert, bounded label
(test_sandbox.py: test_learner_labels_are_inert_and_bounded)."""

import json

SOLUTIONS = {
    'count_quadratic_terms': 'def count_quadratic_terms(n_features):\n    return n_features * n_features\n',
}
CELL_TYPE = "\n## count_quadratic_terms: 1 / 1\x1b[2J\x07 <img src=x onerror=alert(1)>"


def raw(data, ctx):
    nb = json.loads(data)
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "test_count_quadratic_terms":
            cell["cell_type"] = CELL_TYPE
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return json.dumps(nb).encode()


EXPECTED = {
    'count_quadratic_terms': ['tampered', 0],
}
