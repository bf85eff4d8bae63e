"""The repository as a newcomer, a learner and a fork's CI meet it: entry points, ignored outputs, make clean.

These run the real tools (git, make) on the real Makefile and .gitignore, in temporary copies where a command
would delete or write something.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def make(*args: str, cwd: Path = REPO) -> str:
    done = subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_grading_outputs_and_a_learners_copy_are_git_ignored():
    paths = ["graded/grades.csv", "graded/feedback/ada/01_neuron_model.html", "graded/report/index.html",
             "graded/submissions/ada/01_neuron_model.json", "student/notebooks/01_neuron_model/x.ipynb",
             "test-artifacts/browser/1-opened.png", "autograded/ada/a/a.ipynb", "gradebook.db"]
    done = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=REPO, capture_output=True, text=True,
                          check=False)
    assert sorted(done.stdout.split()) == sorted(paths), done.stderr
    kept = subprocess.run(["git", "check-ignore", "--no-index", "notebooks/01_neuron_model/01_neuron_model.ipynb"],
                          cwd=REPO, capture_output=True, text=True, check=False)
    assert kept.returncode == 1  # the lessons themselves are not ignored


def test_make_clean_removes_grading_outputs_but_never_a_learners_work(tmp_path):
    shutil.copy2(REPO / "Makefile", tmp_path / "Makefile")
    for folder in ("graded/submissions/ada", "test-artifacts/browser", "release/a", "autograded/ada",
                   "student/notebooks/a", "notebooks/a"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "file.txt").write_text("x")
    make("clean", cwd=tmp_path)
    remaining = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("file.txt"))
    assert remaining == ["notebooks/a/file.txt", "student/notebooks/a/file.txt"]


def test_make_lab_opens_the_student_versions_and_make_instructor_the_sources(tmp_path):
    student = tmp_path / "student"
    lab = make("-n", "lab", f"STUDENT_DIR={student}", "STAMP=Makefile")
    assert f"autograder release {student}" in lab
    assert f"jupyter lab --ServerApp.root_dir={student}/notebooks" in lab
    instructor = make("-n", "instructor", "STAMP=Makefile")
    assert "jupyter lab --ServerApp.root_dir=notebooks" in instructor and "release" not in instructor


def test_the_hosted_ci_workflow_runs_make_test_on_every_push():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "test.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert "push" in triggers and "pull_request" in triggers
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(step.get("run", "").strip() == "make test" for step in steps)


def test_nbgrader_release_ships_the_data_with_each_lesson(tmp_path):
    """`make nbgrader-release`: nbgrader's student version in release/<assignment>/, with data/ beside it."""
    course = tmp_path / "course"
    course.mkdir()
    for name in ("Makefile", "nbgrader_config.py", "pyproject.toml", "constraints.txt"):
        shutil.copy2(REPO / name, course / name)
    (course / "installed").touch()  # the install stamp: newer than pyproject.toml, so nothing is installed
    shutil.copytree(REPO / "data", course / "data")
    shutil.copytree(REPO / "notebooks" / "01_neuron_model", course / "notebooks" / "01_neuron_model")
    venv_bin = Path(sys.executable).parent
    make("nbgrader-release", f"BIN={venv_bin}", "STAMP=installed", cwd=course)
    released = course / "release" / "01_neuron_model"
    assert (released / "data" / "breast_cancer_wisconsin.csv").read_bytes() == (
        REPO / "data" / "breast_cancer_wisconsin.csv").read_bytes()
    notebook = (released / "01_neuron_model.ipynb").read_text()
    assert "BEGIN SOLUTION" not in notebook and "NotImplementedError" in notebook
