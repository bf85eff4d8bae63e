"""The classroom commands with the real sandbox and a real course notebook, through the console script.

``autograder grade --jobs 2 --gradebook --gradescope`` on a small class of ``01_neuron_model`` submissions (the
released notebook with the instructor's solutions typed in, and the same with a wrong sigmoid), then
``autograder gradescope`` on one upload laid out as Gradescope does.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import nbformat
from student_version import submission

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01_neuron_model"
WRONG_SIGMOID = "import numpy as np\n\ndef sigmoid(z):\n    return 1.0 / (1.0 + np.exp(z))\n"
AUTOGRADER = [sys.executable, "-m", "autograder.cli"]


def autograder(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([*AUTOGRADER, *args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_grade_a_class_with_the_sandbox_into_csv_gradebook_and_gradescope(tmp_path):
    for student, wrong in (("ada", {}), ("bob", {"sigmoid": WRONG_SIGMOID})):
        folder = tmp_path / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(submission(wrong), folder / f"{ASSIGNMENT}.ipynb")
    args = ("grade", str(tmp_path / "submitted"), "--out", str(tmp_path / "out"), "--source", str(REPO / "notebooks"),
            "--jobs", "2", "--gradebook", str(tmp_path / "gradebook.db"), "--gradescope", "--no-progress")
    out = autograder(*args, cwd=tmp_path).stdout
    assert "Graded 2 submission(s)" in out and "mean score" in out

    with open(tmp_path / "out" / "grades.csv", newline="") as handle:
        rows = {(r["student_id"], r["exercise"]): r for r in csv.DictReader(handle)}
    assert {r["status"] for (s, _), r in rows.items() if s == "ada"} == {"passed"}
    assert rows[("bob", "sigmoid")]["status"] == "failed"

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        scores = {s.student.id: s.score for s in gradebook.assignment_submissions(ASSIGNMENT)}
        maximum = gradebook.find_assignment(ASSIGNMENT).max_score
    bob = sum(float(r["score"]) for (s, _), r in rows.items() if s == "bob")
    assert scores["ada"] == maximum and scores["bob"] == bob <= maximum - 2  # neuron_output uses the sigmoid

    data = json.loads((tmp_path / "out" / "gradescope" / "bob" / ASSIGNMENT / "results.json").read_text())
    sigmoid = next(t for t in data["tests"] if t["name"] == "sigmoid")
    assert sigmoid["status"] == "failed" and sigmoid["score"] == 0 and "Hint" in sigmoid["output"]
    assert (tmp_path / "out" / "autograded" / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()

    again = autograder(*args, cwd=tmp_path).stdout  # unchanged: nothing regraded
    assert "Graded 0 submission(s)" in again and "2 up to date" in again


def test_gradescope_entry_point_grades_an_upload(tmp_path):
    (tmp_path / "submission").mkdir()
    nbformat.write(submission({}), tmp_path / "submission" / f"{ASSIGNMENT}.ipynb")
    (tmp_path / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "ada@example.org"}]}))
    results = tmp_path / "results" / "results.json"
    autograder("gradescope", "--submission", str(tmp_path / "submission"), "--results", str(results),
               "--source", str(REPO / "notebooks"), cwd=tmp_path)
    data = json.loads(results.read_text())
    assert data["tests"] and all(t["status"] == "passed" for t in data["tests"]), data
    assert data["score"] == sum(t["max_score"] for t in data["tests"])
