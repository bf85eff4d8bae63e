"""Issue 10 finding 6: a cell whose nbgrader grade_id is Markdown (a fake "5 / 5" heading, an image with an
onerror handler, a link, an HTML comment that would hide what follows) and control bytes (ESC, BEL, a
right-to-left override, a carriage return), and that raises, so that its label is shown in the feedback. Full marks
(the cell defines nothing graded); the label forges nothing and carries no control byte (asserted in
test_sandbox.py: test_learner_labels_are_inert_and_bounded)."""

import nbformat

GRADE_ID = ("x)\n\n## sigmoid: 5 / 5 (pwned)\x1b[2J\x07\u202e\r\n<img src=x onerror=alert(1)> "
            "[more](http://evil.example) <!-- everything after this is hidden")


def edit(nb, ctx):
    cell = nbformat.v4.new_code_cell("raise RuntimeError('see my label')")
    cell.metadata["nbgrader"] = {"grade_id": GRADE_ID, "grade": False, "solution": False, "locked": False,
                                 "schema_version": 3}
    nb.cells.append(cell)


EXPECTED = {}
