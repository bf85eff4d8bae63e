"""Issue 9 finding 2: a 64 GiB sparse file in the submission folder once ended the whole run with a MemoryError
(no output for anyone). Sizes are checked before reading: this submission is an error, the class is graded."""


def populate(student_dir, ctx):
    with open(student_dir / "01_neuron_model" / "dataset.bin", "wb") as fh:
        fh.truncate(64 * 2**30)


EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
