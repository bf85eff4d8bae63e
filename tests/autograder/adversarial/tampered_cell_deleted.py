"""The test cell of neuron_output is deleted (the function is correct): tampered, 2 points from the grader's checks."""


def edit(nb, ctx):
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_neuron_output"]

EXPECTED = {
    'neuron_output': ['tampered', 2],
}
