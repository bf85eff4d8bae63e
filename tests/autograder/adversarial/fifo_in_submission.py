"""A FIFO in the submission folder: reading it would block the grader forever. Discovery never opens anything
that is not a regular file: refused, error, 0."""

import os


def populate(student_dir, ctx):
    os.mkfifo(student_dir / "01_neuron_model" / "pipe")


EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
