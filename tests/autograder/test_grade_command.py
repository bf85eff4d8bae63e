"""``autograder grade`` as an instructor types it: targeting, the gradebook switch, help text, Ctrl-C twice.

Everything runs the console command in a subprocess on a class tree laid out as nbgrader's ``submitted/``.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from student_version import submission
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import ordinary_user  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01_neuron_model"
SOURCE = REPO / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
AUTOGRADER = [sys.executable, "-m", "autograder.cli"]



def answered(extra: str = "") -> nbformat.NotebookNode:
    released = submission()
    if extra:
        released.cells.insert(0, nbformat.v4.new_code_cell(extra))
    return released


def make_class(root: Path, students, extra: str = "") -> Path:
    for student in students:
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(answered(extra), folder / f"{ASSIGNMENT}.ipynb")
    return root


def test_grade_help_names_the_files_it_writes():
    done = subprocess.run([*AUTOGRADER, "grade", "--help"], capture_output=True, text=True, timeout=120, check=True)
    text = " ".join(done.stdout.split())
    assert "OUT_DIR/submissions/" in text and "OUT_DIR/results/" not in text and "OUT_DIR/autograded/" in text
    for option in ("--student", "--assignment", "--no-gradebook"):
        assert option in text


def test_student_and_assignment_filters_and_no_gradebook(tmp_path):
    course = make_class(tmp_path, ("ada", "bob"))
    shutil.copy2(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    (course / "notebooks" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy2(SOURCE, course / "notebooks" / ASSIGNMENT)
    other = course / "submitted" / "ada" / "99_other"  # an assignment that --assignment leaves out
    other.mkdir()
    nbformat.write(nbformat.v4.new_notebook(), other / "99_other.ipynb")

    done = subprocess.run([*AUTOGRADER, "grade", "submitted", "--out", "graded", "--student", "bob",
                           "--assignment", ASSIGNMENT, "--no-gradebook", "--no-progress"], cwd=course,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(course / "graded" / "grades.csv", newline="") as handle:
        graded = {(r["student_id"], r["assignment"]) for r in csv.DictReader(handle)}
    assert graded == {("bob", ASSIGNMENT)}
    assert not (course / "gradebook.db").exists() and not (course / "autograded").exists()


@pytest.mark.parametrize("mode", ordinary_user.MODES)
def test_two_ctrl_c_leave_no_temporary_copy_of_student_work(mode):
    """As root and as an ordinary user (the grader's two modes: its own temporary folders differ)."""
    if reason := ordinary_user.skip_reason(mode):
        pytest.skip(reason)
    root = ordinary_user.class_root("ctrl-c-class-")
    temp = Path(tempfile.mkdtemp(prefix="ctrl-c-"))  # short: multiprocessing puts a socket path in it
    try:
        course = make_class(root, [f"s{i}" for i in range(6)], extra="import time\ntime.sleep(6)")
        shutil.copytree(REPO / "notebooks" / ASSIGNMENT, course / "source" / ASSIGNMENT)
        ordinary_user.hand_over(mode, root)
        ordinary_user.hand_over(mode, temp)
        interrupt_twice(course, temp, mode)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)


def session_processes(sid: int) -> list[str]:
    """The processes still in session ``sid`` (every process the grader started stays in its session unless it
    calls setsid, which the sandbox's workers cannot do unseen: they live in PID namespaces the grader kills)."""
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text.rpartition(")")[2].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            left.append(text.partition(" ")[2][:60])
    return left


def test_sigterm_abandons_the_run_and_leaves_nothing_behind():
    """``kill PID`` or a scheduler's time limit signals the grader alone (not its process group): it abandons the
    submissions in progress as after a second Ctrl-C, and no pool process, zygote, worker or temporary copy
    outlives it."""
    root = ordinary_user.class_root("sigterm-class-")
    temp = Path(tempfile.mkdtemp(prefix="sigterm-"))
    try:
        course = make_class(root, [f"s{i}" for i in range(4)], extra="import time\ntime.sleep(6)")
        shutil.copytree(REPO / "notebooks" / ASSIGNMENT, course / "source" / ASSIGNMENT)
        env = {**ordinary_user.grader_env(ordinary_user.current_mode(), course / "home"), "TMPDIR": str(temp)}
        argv = [sys.executable, "-m", "autograder.cli", "grade", "submitted", "--out", "graded", "--jobs", "2",
                "--source", "source", "--no-progress"]
        process = subprocess.Popen(argv, cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and len(list(temp.iterdir())) < 2:  # grading under way
            time.sleep(0.1)
        time.sleep(1.0)
        assert process.poll() is None, process.communicate()
        os.kill(process.pid, signal.SIGTERM)
        out, err = process.communicate(timeout=120)
        assert process.returncode == 130, out + err
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (session_processes(process.pid) or list(temp.iterdir())):
            time.sleep(0.2)
        assert session_processes(process.pid) == []
        assert sorted(str(p.relative_to(temp)) for p in temp.rglob("*")) == []
    finally:
        shutil.rmtree(temp, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)


def interrupt_twice(course: Path, temp: Path, mode: str) -> None:
    env = {**ordinary_user.grader_env(mode, course / "home"), "TMPDIR": str(temp)}
    argv = ordinary_user.grader_command(mode) + ["grade", "submitted", "--out", "graded", "--jobs", "2",
                                                 "--source", "source", "--no-progress"]
    process = subprocess.Popen(argv, cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(temp.iterdir())) < 2:  # grading under way
        time.sleep(0.1)
    time.sleep(1.0)
    assert process.poll() is None, process.communicate()
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal signals the whole foreground group
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, out + err
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and list(temp.iterdir()):
        time.sleep(0.2)
    left = sorted(str(p.relative_to(temp)) for p in temp.rglob("*"))
    assert left == [], left


def test_learner_chosen_notebook_names_reach_no_output_raw(tmp_path):
    """Without source notebooks for the assignment, each submitted notebook is graded under its own file name,
    which the learner chose: control bytes, Markdown and HTML in it must not reach grades.csv or the feedback,
    and two names that show alike are both graded."""
    folder = tmp_path / "submitted" / "ada" / ASSIGNMENT
    folder.mkdir(parents=True)
    names = ("x\x1b[31m# RED <b>`", "x\x07[31m# RED <b>`")
    for name in names:
        nbformat.write(answered(), folder / f"{name}.ipynb")
    (tmp_path / "no-source" / ASSIGNMENT).mkdir(parents=True)

    done = subprocess.run([*AUTOGRADER, "grade", "submitted", "--out", "graded", "--source", "no-source",
                           "--no-progress"], cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = [done.stdout, done.stderr] + [p.read_text(encoding="utf-8") for p in
                                            [tmp_path / "graded" / "grades.csv",
                                             *sorted((tmp_path / "graded" / "feedback").rglob("feedback.*"))]]
    for text in outputs:
        assert "\x1b" not in text and "\x07" not in text and "RED <b>" not in text
    with open(tmp_path / "graded" / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["notebook"] for r in rows} == {"x??31m??RED??b??", "x??31m??RED??b??-2"}
    assert {r["status"] for r in rows} == {"passed"}
