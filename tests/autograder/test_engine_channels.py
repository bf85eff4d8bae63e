"""A misconception's diagnosis reaches every channel of `autograder grade` (the console script, in a subprocess):
grades.csv and the learner's Markdown/HTML feedback carry the message AND the hint of the mutant it matches."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
from student_version import submission

from autograder.registry import EXERCISES

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01_neuron_model"


def graded_rows(tmp_path: Path) -> dict[str, dict]:
    """`autograder grade` on tmp_path/submitted (the console script, in a subprocess): grades.csv rows by exercise."""
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(tmp_path / "submitted"), "--out",
                           str(tmp_path / "out"), "--source", str(REPO / "notebooks"), "--no-progress"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(tmp_path / "out" / "grades.csv", newline="", encoding="utf-8") as handle:
        return {r["exercise"]: r for r in csv.DictReader(handle)}


def test_a_mutants_hint_reaches_grades_csv_and_the_feedback(tmp_path):
    hint = next(m.hint for m in EXERCISES["count_quadratic_terms"].mutants if m.name == "ordered")
    folder = tmp_path / "submitted" / "bob" / ASSIGNMENT
    folder.mkdir(parents=True)
    wrong = ("def count_quadratic_terms(n_features):\n    if n_features < 0:\n        raise ValueError('negative')\n"
             "    return n_features ** 2\n")
    nbformat.write(submission({"count_quadratic_terms": wrong}), folder / f"{ASSIGNMENT}.ipynb")
    rows = graded_rows(tmp_path)
    row = rows["count_quadratic_terms"]
    assert row["status"] == "failed" and float(row["score"]) == 0
    assert hint in " ".join(row.values()), row
    assert rows["sigmoid"]["status"] == "passed" and rows["neuron_output"]["status"] == "passed", rows
    feedback = list((tmp_path / "out").rglob("feedback.md")) + list((tmp_path / "out").rglob("*.html"))
    assert feedback, sorted(p.name for p in (tmp_path / "out").rglob("*"))
    for path in feedback:
        text = path.read_text(encoding="utf-8")
        assert "unordered pairs" in text, path


def test_a_forbidden_method_costs_half_the_points_through_autograder_grade(tmp_path):
    """matmul_loops written with `@` gives the right values; the grader reads the learner's cell (never runs it
    for this) and applies the documented policy: half the points, status failed, a hint naming `@` and its line."""
    assignment = "07_matmul_five_ways"
    folder = tmp_path / "submitted" / "eve" / assignment
    folder.mkdir(parents=True)
    shortcut = ("def matmul_loops(a, b):\n    a, b = as_matrices(a, b)\n    return a @ b\n")
    nb = submission({"matmul_loops": shortcut}, REPO / "notebooks" / assignment / f"{assignment}.ipynb")
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    rows = graded_rows(tmp_path)
    row = rows["matmul_loops"]
    assert row["status"] == "failed", row
    assert float(row["score"]) == float(row["max_score"]) / 2, row
    assert "`@`" in row["message"] and "line 3" in row["message"], row
    assert "line 3" in row["hint"], row
    assert rows["matmul_einsum"]["status"] == "passed", rows["matmul_einsum"]


def test_a_valueerror_without_the_shapes_is_refused_through_autograder_grade(tmp_path):
    """The sandbox never shows a learner's message on hidden cases, yet "a ValueError that names the shapes" is
    graded there too (from the message's numbers, compared with the case's own shapes): the same verdict as the
    in-notebook check."""
    folder = tmp_path / "submitted" / "ann" / ASSIGNMENT
    folder.mkdir(parents=True)
    vague = ("def neuron_output(X, theta, b):\n    X, theta = np.asarray(X, float), np.asarray(theta, float)\n"
             "    if X.ndim != 2 or theta.ndim != 1 or X.shape[1] != theta.shape[0]:\n"
             "        raise ValueError('wrong shapes')\n    return sigmoid(X @ theta + b)\n")
    nbformat.write(submission({"neuron_output": vague}), folder / f"{ASSIGNMENT}.ipynb")
    rows = graded_rows(tmp_path)
    row = rows["neuron_output"]
    assert row["status"] == "failed" and float(row["score"]) == 0, row
    assert "does not name the shape of the refused input" in row["message"], row
    assert "wrong shapes" not in row["message"], row   # the learner's own words stay out of hidden feedback
    assert rows["sigmoid"]["status"] == "passed", rows["sigmoid"]
