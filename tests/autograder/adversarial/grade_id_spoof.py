"""The learner's sigmoid cell claims to be the test cell of sigmoid: it is skipped like a test cell, so sigmoid is missing (0), and the real test cell is still present, so nothing is tampered."""


def edit(nb, ctx):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid":
            cell.metadata["nbgrader"]["grade_id"] = "test_sigmoid"

EXPECTED = {
    'sigmoid': 'missing',
}
