"""Issue 9 finding 1: the assignment folder is a symbolic link to the instructor's source folder of that
assignment (solutions and hidden tests inside). Refused: error, 0 (it once scored full marks, 'tampered')."""

import shutil
from pathlib import Path


def populate(student_dir, ctx):
    folder = student_dir / "01_neuron_model"
    shutil.rmtree(folder)
    folder.symlink_to(Path(ctx["SOURCE_DIR"]) / "01_neuron_model")


EXPECTED = {
    'sigmoid': 'error',
    'neuron_output': 'error',
    'count_quadratic_terms': 'error',
}
