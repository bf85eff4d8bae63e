"""Issue 9 finding 1: the student's folder is a symbolic link to the honest student's folder. Discovery never
follows it: every exercise is an error saying why, and the honest student's grade is unaffected."""

import shutil


def populate(student_dir, ctx):
    shutil.rmtree(student_dir)
    student_dir.symlink_to(student_dir.parent / "honest")


EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
