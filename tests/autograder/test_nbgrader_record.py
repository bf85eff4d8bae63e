"""The score of record in an nbgrader course, through ``autograder grade`` as an instructor runs it.

A course is laid out as nbgrader expects (``nbgrader_config.py``, ``notebooks/<assignment>/``, ``submitted/``),
the assignment is released with ``nbgrader generate_assignment`` and given a due date with ``nbgrader db``, and
``autograder grade submitted --out graded`` is run in the course folder (the course's gradebook by default).
The oracle for late penalties is nbgrader itself: ``nbgrader autograde`` on a copy of the same course.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
from student_version import submission
import pytest

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01_neuron_model"
SOURCE = REPO / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
WRONG_SIGMOID = "import numpy as np\n\ndef sigmoid(z):\n    return 1.0 / (1.0 + np.exp(z))\n"
DUE = "2026-01-14 08:00:00 UTC"
#: student: (wrong solutions, timestamp); bob is 33 h late like the issue's example, cy 2.5 h late
CLASS = {
    "ada": ({}, "2026-01-14 07:59:00.000000 UTC"),
    "bob": ({}, "2026-01-15 17:00:00.000000 UTC"),
    "cy": ({"sigmoid": WRONG_SIGMOID}, "2026-01-14 10:30:00.000000 UTC"),
}
#: a custom plugin kept next to nbgrader_config.py: 1 point per started 12 hours late
PLUGIN = '''
import math

from nbgrader.plugins import BasePlugin


class HalfDayPenalty(BasePlugin):
    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return float(math.ceil(total_seconds_late / (12 * 3600)))
'''


@pytest.fixture(autouse=True)
def alembic_on_path(monkeypatch):
    """nbgrader creates a gradebook by running ``alembic`` from its environment's bin folder."""
    import os

    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "nbgrader", *args], course)


def autograder(course: Path, *args: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "autograder.cli", *args], course)


def set_due_date(course: Path) -> None:
    """What ``nbgrader db assignment add ASSIGNMENT --duedate=DUE`` does (in this process: nbgrader's API)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "nn-from-scratch") as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate=DUE)


def make_course(folder: Path, late_config: str, files: dict[str, str] | None = None, *, students=CLASS) -> Path:
    """An nbgrader course with the repository's config plus ``late_config``, the assignment due at DUE."""
    (folder / "notebooks" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy2(SOURCE, folder / "notebooks" / ASSIGNMENT)
    config = (REPO / "nbgrader_config.py").read_text(encoding="utf-8")
    (folder / "nbgrader_config.py").write_text(config + "\n" + textwrap.dedent(late_config), encoding="utf-8")
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    set_due_date(folder)
    for student in students:
        wrong, timestamp = CLASS[student]
        target = folder / "submitted" / student / ASSIGNMENT
        target.mkdir(parents=True)
        nbformat.write(submission(wrong), target / f"{ASSIGNMENT}.ipynb")
        (target / "timestamp.txt").write_text(timestamp, encoding="utf-8")
    return folder


def exported(course: Path) -> dict[str, dict[str, float]]:
    """nbgrader's CSV export of the course's gradebook (its own plugin): raw score, penalty and score."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "nn-from-scratch") as gradebook:
        CsvExportPlugin(to=str(course / "export.csv")).export(gradebook)
    with open(course / "export.csv", newline="") as handle:
        return {row["student_id"]: {key: float(row[key]) for key in ("raw_score", "late_submission_penalty", "score")}
                for row in csv.DictReader(handle)}


def grades_csv(course: Path) -> list[dict[str, str]]:
    with open(course / "graded" / "grades.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_penalty_method_zero_from_the_course_config_zeroes_late_submissions(tmp_path):
    course = make_course(tmp_path / "course", 'c.LateSubmissionPlugin.penalty_method = "zero"\n',
                         students=("ada", "bob"))
    autograder(course, "grade", "submitted", "--out", "graded", "--jobs", "2", "--no-progress")
    scores = exported(course)
    assert scores["ada"]["late_submission_penalty"] == 0.0 and scores["ada"]["score"] == scores["ada"]["raw_score"]
    for late in ("bob",):  # 'zero': the penalty is the whole score
        assert scores[late]["raw_score"] > 0
        assert scores[late]["late_submission_penalty"] == scores[late]["raw_score"]
        assert scores[late]["score"] == 0.0


def test_a_custom_plugin_class_gives_the_same_penalties_as_nbgrader_autograde(tmp_path):
    setting = 'c.AssignLatePenalties.plugin_class = "late_policy.HalfDayPenalty"\n'
    ours = make_course(tmp_path / "ours", setting, {"late_policy.py": PLUGIN}, students=("bob", "cy"))
    theirs = tmp_path / "theirs"
    shutil.copytree(ours, theirs)
    nbgrader(theirs, "generate_assignment", ASSIGNMENT, "--force")  # nbgrader autograde needs its release
    set_due_date(theirs)

    autograder(ours, "grade", "submitted", "--out", "graded", "--jobs", "2", "--no-progress")
    nbgrader(theirs, "autograde", ASSIGNMENT)

    expected = exported(theirs)
    assert expected["bob"]["late_submission_penalty"] == 3.0  # 33 h: three started half days
    assert expected["cy"]["late_submission_penalty"] == 1.0
    assert exported(ours) == expected


def test_a_plugin_that_cannot_be_imported_is_one_clear_error_before_grading(tmp_path):
    course = make_course(tmp_path / "course", 'c.AssignLatePenalties.plugin_class = "late_policy.Missing"\n',
                         {"late_policy.py": PLUGIN}, students=("bob",))
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", "submitted", "--out", "graded",
                           "--no-progress"], cwd=course, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode != 0
    assert "late_policy.Missing" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not (course / "graded" / "submissions").exists()  # nothing graded for nothing


def test_results_json_shows_the_gradebook_score_of_record_with_each_part_labelled(tmp_path):
    import json

    from nbgrader.api import Gradebook

    setting = 'c.AssignLatePenalties.plugin_class = "late_policy.HalfDayPenalty"\n'
    course = make_course(tmp_path / "course", setting, {"late_policy.py": PLUGIN}, students=("bob",))
    args = ("grade", "submitted", "--out", "graded", "--gradescope", "--no-progress")
    autograder(course, *args)
    results = course / "graded" / "gradescope" / "bob" / ASSIGNMENT / "results.json"
    data = json.loads(results.read_text())
    automatic = sum(t["score"] for t in data["tests"])
    assert data["score"] == automatic - 3.0 == exported(course)["bob"]["score"]
    assert "Late: submitted 2026-01-15T17:00:00+00:00, 33.0 h after the due date; late penalty 3" in data["output"]

    # A grader overrides one exercise in formgrader (nbgrader's API does what formgrader does).
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "nn-from-scratch") as gradebook:
        grade = gradebook.find_grade("test_sigmoid", ASSIGNMENT, ASSIGNMENT, "bob")
        grade.manual_score = 0.5
        gradebook.db.commit()
    again = autograder(course, *args).stdout
    assert "1 up to date" in again  # nothing regraded: the override is the grader's, not ours
    data = json.loads(results.read_text())
    sigmoid = next(t for t in data["tests"] if t["name"] == "sigmoid")
    assert sigmoid["score"] == 0.5 and "given by a grader" in sigmoid["output"]
    assert data["score"] == exported(course)["bob"]["score"] == automatic - sigmoid["max_score"] + 0.5 - 3.0

    # grades.csv and the feedback show the same score of record, each part labelled
    rows = {r["exercise"]: r for r in grades_csv(course)}
    assert float(rows["sigmoid"]["score"]) == 0.5 and float(rows["sigmoid"]["manual_score"]) == 0.5
    assert float(rows["sigmoid"]["auto_score"]) == sigmoid["max_score"]
    assert {(r["timestamp"], float(r["seconds_late"]), float(r["penalty"])) for r in rows.values()} == {
        ("2026-01-15T17:00:00+00:00", 33 * 3600.0, 3.0)}
    assert sum(float(r["score"]) for r in rows.values()) - 3.0 == data["score"]
    feedback = (course / "graded" / "feedback" / "bob" / "feedback.md").read_text()
    assert f": {data['score']:g} / " in feedback and "sigmoid: 0.5 given by a grader" in feedback
    assert "33.0 h after the due date; late penalty 3" in feedback


def test_a_tampered_exercise_is_flagged_for_manual_grading_in_the_gradebook(tmp_path):
    """A learner who edits a test cell gets the grader's own verdict as the automatic score, and formgrader's
    "needs manual grade" flag on that cell (read back with nbgrader's API), so the instructor decides."""
    from nbgrader.api import Gradebook

    course = make_course(tmp_path / "course", "", students=("ada", "cy"))
    target = course / "submitted" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(target, as_version=4)
    test_cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_sigmoid")
    test_cell.source = "pass  # the checks are gone"
    nbformat.write(notebook, target)
    autograder(course, "grade", "submitted", "--out", "graded", "--gradebook", str(tmp_path / "gb.db"),
               "--no-progress")

    with Gradebook(f"sqlite:///{tmp_path / 'gb.db'}", "nn-from-scratch") as gradebook:
        flags = {(g.student.id, g.name): g.needs_manual_grade
                 for s in gradebook.assignment_submissions(ASSIGNMENT) for nb in s.notebooks for g in nb.grades}
        tampered = gradebook.find_grade("test_sigmoid", ASSIGNMENT, ASSIGNMENT, "ada")
        assert tampered.auto_score == tampered.max_score  # the grader's own checks passed the right function
        assert gradebook.find_submission(ASSIGNMENT, "ada").needs_manual_grade
        assert not gradebook.find_submission(ASSIGNMENT, "cy").needs_manual_grade
    assert {key for key, flagged in flags.items() if flagged} == {("ada", "test_sigmoid")}
    rows = {(r["student_id"], r["exercise"]): r["status"] for r in grades_csv(course)}
    assert rows[("ada", "sigmoid")] == "tampered" and rows[("cy", "sigmoid")] == "failed"
