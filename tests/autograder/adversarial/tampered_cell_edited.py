"""A wrong sigmoid whose test cell was replaced by `pass`: tampered, and graded by the grader's own checks (0)."""

SOLUTIONS = {
    'sigmoid': 'def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(z))\n',
}

def edit(nb, ctx):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_sigmoid":
            cell.source = "pass\n"

EXPECTED = {
    'sigmoid': ['tampered', 0],
}
