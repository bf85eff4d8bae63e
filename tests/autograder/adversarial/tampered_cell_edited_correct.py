"""A correct sigmoid whose test cell was edited (points raised to 100): tampered, and the grader's checks give the normal 2 points, never 100."""


def edit(nb, ctx):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_sigmoid":
            cell.metadata["nbgrader"]["points"] = 100

EXPECTED = {
    'sigmoid': ['tampered', 2],
}
