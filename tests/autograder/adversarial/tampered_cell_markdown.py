"""The test cell of count_quadratic_terms is turned into markdown, with a wrong answer: tampered, 0."""

SOLUTIONS = {
    'count_quadratic_terms': 'def count_quadratic_terms(n_features):\n    return n_features * n_features\n',
}

from nbformat.v4 import new_markdown_cell


def edit(nb, ctx):
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_count_quadratic_terms":
            md = new_markdown_cell(cell.source, metadata=cell.metadata)
            nb.cells[i] = md

EXPECTED = {
    'count_quadratic_terms': ['tampered', 0],
}
