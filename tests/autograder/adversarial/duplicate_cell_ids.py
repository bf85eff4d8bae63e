"""Every cell carries the same cell id (invalid nbformat 4.5): still graded, full marks."""


def edit(nb, ctx):
    for cell in nb.cells:
        cell["id"] = "same"

EXPECTED = {
}
