"""Issue 9 finding 1: next to an honest notebook, notes.txt is a symbolic link to the instructor's private notes
(it was /etc/shadow in the report). With --gradebook the submission folder used to be copied into autograded/,
link target included. Refused: error, 0, and nothing of the target reaches any output (asserted separately)."""

from pathlib import Path


def populate(student_dir, ctx):
    (student_dir / "01_neuron_model" / "notes.txt").symlink_to(Path(ctx["PRIVATE"]))


EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
