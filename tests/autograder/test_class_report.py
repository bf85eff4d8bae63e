"""The instructor's class view, through the commands an instructor types: ``autograder grade`` then
``autograder report`` on a small real class, in subprocesses.

The class (the real course notebooks, released by nbgrader's own preprocessors, answered):

- ``01_neuron_model``: ada (all correct), bob (sigmoid with the sign flipped: the ``sign`` misconception),
  cy (neuron without the bias: ``no_bias``), dee (sigmoid left blank and a test cell edited: missing + tampered),
  eve (a syntax error in the sigmoid cell: error).
- ``07_matmul_five_ways`` (a different maximum): ada (correct), bob (``matmul_loops`` transposed).
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
AUTOGRADER = [sys.executable, "-m", "autograder.cli"]
SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?", re.DOTALL | re.MULTILINE)

SIGN_SIGMOID = "import numpy as np\n\ndef sigmoid(z):\n    return 1.0 / (1.0 + np.exp(z))\n"
NO_BIAS_NEURON = "def neuron_output(X, theta, b):\n    return sigmoid(X @ theta)\n"
BROKEN_SIGMOID = "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-z)\n"
TRANSPOSED_LOOPS = ("import numpy as np\n\ndef matmul_loops(A, B):\n"
                    "    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)\n"
                    "    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:\n"
                    "        raise ValueError('the shapes do not match')\n"
                    "    return (A @ B).T.copy()\n")

#: student -> assignment -> (answers replacing the solution, solution cells left blank, test cells edited)
CLASS = {
    "ada": {"01_neuron_model": ({}, (), ()), "07_matmul_five_ways": ({}, (), ())},
    "bob": {"01_neuron_model": ({"sigmoid": SIGN_SIGMOID}, (), ()),
            "07_matmul_five_ways": ({"matmul_loops": TRANSPOSED_LOOPS}, (), ())},
    "cy": {"01_neuron_model": ({"neuron_output": NO_BIAS_NEURON}, (), ())},
    "dee": {"01_neuron_model": ({}, ("sigmoid",), ("test_count_quadratic_terms",))},
    "eve": {"01_neuron_model": ({"sigmoid": BROKEN_SIGMOID}, (), ())},
}


def answered(assignment: str, answers: dict[str, str], blank=(), tampered=()) -> nbformat.NotebookNode:
    """The student version of ``assignment`` (nbgrader's preprocessors), answered with the instructor's solutions
    except ``answers``; ``blank`` solution cells keep the released stub, ``tampered`` test cells are replaced."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    source = nbformat.read(REPO / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    solutions = {c.metadata.get("nbgrader", {}).get("grade_id"): SOLUTION.sub(r"\1", c.source) for c in source.cells}
    released, _ = ClearSolutions().preprocess(source, {"language": "python"})
    released, _ = ClearHiddenTests().preprocess(released, {})
    for cell in released.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if meta.get("solution") and cell.cell_type == "code" and grade_id not in blank:
            cell.source = answers.get(grade_id) or solutions[grade_id]
        if meta.get("grade") and grade_id in tampered:
            cell.source = "pass  # the check was in my way\n"
    return released


def autograder(*args: str, cwd: Path, expect: int = 0) -> subprocess.CompletedProcess:
    done = subprocess.run([*AUTOGRADER, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=900,
                          check=False)
    assert done.returncode == expect, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory) -> Path:
    """The class above graded by ``autograder grade`` into ``<root>/graded``; returns the root."""
    root = tmp_path_factory.mktemp("class")
    for student, work in CLASS.items():
        for assignment, (answers, blank, tampered) in work.items():
            folder = root / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(answered(assignment, answers, blank, tampered), folder / f"{assignment}.ipynb")
    autograder("grade", "submitted", "--out", "graded", "--source", REPO / "notebooks", "--jobs", "2",
               "--no-progress", cwd=root)
    return root


def grade_rows(root: Path) -> dict[tuple[str, str], dict[str, str]]:
    with open(root / "graded" / "grades.csv", newline="") as handle:
        return {(row["student_id"], row["exercise"]): row for row in csv.DictReader(handle)}


def test_grades_csv_names_the_misconception_each_wrong_answer_matched(graded_class):
    rows = grade_rows(graded_class)
    assert rows[("bob", "sigmoid")]["misconception"] == "sign"
    assert "minus sign" in rows[("bob", "sigmoid")]["hint"]
    assert rows[("cy", "neuron_output")]["misconception"] == "no_bias"
    assert rows[("bob", "matmul_loops")]["misconception"] == "transposed"
    assert rows[("ada", "sigmoid")]["misconception"] == "" and rows[("ada", "sigmoid")]["status"] == "passed"
    # a failure no known misconception explains has no id (bob's neuron_output fails through his sigmoid)
    assert rows[("bob", "neuron_output")]["status"] == "failed"
    assert rows[("bob", "neuron_output")]["misconception"] == ""
