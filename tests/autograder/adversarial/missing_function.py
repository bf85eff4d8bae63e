"""The solution cell of neuron_output is deleted: missing, 0."""


def edit(nb, ctx):
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "neuron_output"]

EXPECTED = {
    'neuron_output': 'missing',
}
