"""The learner strips the demo tag from the 30-second demonstration cell: demo cells are decided from the instructor's source, so it is still skipped (full marks, fast)."""


def edit(nb, ctx):
    for cell in nb.cells:
        cell.metadata.pop("tags", None)

EXPECTED = {
}
