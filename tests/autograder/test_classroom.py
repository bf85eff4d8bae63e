"""The classroom layer: parallel, resumable and distributed grading, nbgrader and Gradescope outputs.

The sandbox is replaced here by a small trusted fake (``fake_grade_notebook``) that runs the solution cells of a
synthetic assignment and compares with known answers, so that these tests exercise the classroom machinery alone
(scheduling, storage, interruption, exports) and run in seconds. The sandbox itself is tested in test_sandbox*.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder.classroom import grade_directory, results_json, run_autograder
from autograder.classroom.records import ExerciseRow, NotebookGrade, NotebookSubmission
from autograder.classroom.store import ResultStore

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "00_demo"
HERE = Path(__file__).resolve().parent

# --- a synthetic nbgrader assignment and a fake, trusted grader ---------------------------------------------

EXERCISES = {"double": (2, "x", 3, 6), "halve": (1, "x", 8, 4.0)}  # name: (points, arg, input, expected)
CORRECT = {"double": "return 2 * x", "halve": "return x / 2"}
WRONG = {"double": "return x + 2", "halve": "return x // 3"}


def _meta(**nbgrader):
    return {"nbgrader": {"schema_version": 3, "locked": False, "solution": False, "grade": False, **nbgrader}}


def source_notebook() -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell("# A tiny assignment"),
             nbformat.v4.new_code_cell("import time", metadata=_meta(grade_id="setup", locked=True))]
    for name, (points, arg, value, expected) in EXERCISES.items():
        cells.append(nbformat.v4.new_code_cell(
            f"def {name}({arg}):\n    ### BEGIN SOLUTION\n    {CORRECT[name]}\n    ### END SOLUTION",
            metadata=_meta(grade_id=name, solution=True)))
        cells.append(nbformat.v4.new_code_cell(
            f"assert {name}({value}) == {expected!r}\n### BEGIN HIDDEN TESTS\nassert {name}(0) == 0\n"
            "### END HIDDEN TESTS",
            metadata=_meta(grade_id=f"test_{name}", grade=True, locked=True, points=points)))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


@dataclasses.dataclass(frozen=True)
class FakeConfig:
    source_dir: Path
    delay: float = 0.0


def fake_grade_notebook(submission: NotebookSubmission, config: FakeConfig) -> NotebookGrade:
    """Run each solution cell and compare with the known answer (stands in for the sandbox)."""
    time.sleep(config.delay)
    if submission.refused or submission.content is None:
        status = "error" if submission.refused else "missing"
        return NotebookGrade(submission.notebook, tuple(ExerciseRow(name, 0.0, points, status, submission.refused)
                                                        for name, (points, *_) in EXERCISES.items()))
    text = submission.content.decode("utf-8")
    if "RAISE_IN_GRADER" in text:
        raise RuntimeError("the grader itself broke")
    notebook = nbformat.reads(text, as_version=4)
    sources = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in notebook.cells}
    rows = []
    for name, (points, _, value, expected) in EXERCISES.items():
        namespace: dict = {}
        try:
            exec(sources.get(name, ""), namespace)  # noqa: S102 - trusted test data only
            function = namespace[name]
        except Exception:  # noqa: BLE001
            rows.append(ExerciseRow(name, 0.0, points, "missing", f"{name} is not defined"))
            continue
        try:
            ok = function(value) == expected
        except NotImplementedError:
            rows.append(ExerciseRow(name, 0.0, points, "missing", f"{name} is not implemented yet"))
            continue
        except Exception as exc:  # noqa: BLE001
            rows.append(ExerciseRow(name, 0.0, points, "error", f"{name} raised {type(exc).__name__}"))
            continue
        rows.append(ExerciseRow(name, float(points) if ok else 0.0, points, "passed" if ok else "failed",
                                "all cases passed" if ok else f"{name}({value}) is wrong",
                                "" if ok else "Check the arithmetic."))
    return NotebookGrade(notebook=submission.notebook, rows=tuple(rows))


def student_notebook(answers: dict[str, str | None], extra: str = "") -> nbformat.NotebookNode:
    """The released notebook with each solution replaced by ``answers[name]`` (None: left as the stub)."""
    notebook = source_notebook()
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            body = answers[grade_id] or "raise NotImplementedError()"
            cell.source = f"def {grade_id}(x):\n    {body}"
        elif grade_id and grade_id.startswith("test_"):
            cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0].rstrip()
    if extra:
        notebook.cells.append(nbformat.v4.new_code_cell(extra))
    return notebook


def expected_score(answers: dict[str, str | None]) -> float:
    return float(sum(EXERCISES[n][0] for n, body in answers.items() if body == CORRECT[n]))


KINDS = {
    "correct": {"double": CORRECT["double"], "halve": CORRECT["halve"]},
    "partly": {"double": CORRECT["double"], "halve": WRONG["halve"]},
    "wrong": {"double": WRONG["double"], "halve": WRONG["halve"]},
    "untouched": {"double": None, "halve": None},
}


def make_class(submitted: Path, n: int) -> dict[str, float]:
    """n students cycling through the kinds above; returns the expected total per student."""
    expected = {}
    kinds = list(KINDS)
    for i in range(n):
        student = f"s{i:03d}"
        answers = KINDS[kinds[i % len(kinds)]]
        folder = submitted / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(student_notebook(answers), folder / f"{ASSIGNMENT}.ipynb")
        (folder / "timestamp.txt").write_text("2026-01-15 10:00:00.000000 UTC")
        expected[student] = expected_score(answers)
    return expected


@pytest.fixture
def course(tmp_path) -> Path:
    """A folder with source notebooks (notebooks/00_demo/00_demo.ipynb), no nbgrader course around it."""
    folder = tmp_path / "notebooks" / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(source_notebook(), folder / f"{ASSIGNMENT}.ipynb")
    return tmp_path


def grade(course: Path, **kwargs):
    kwargs.setdefault("config", FakeConfig(source_dir=course / "notebooks"))
    kwargs.setdefault("progress", False)
    kwargs.setdefault("grade_notebook", fake_grade_notebook)
    return grade_directory(course / "submitted", course / "out", **kwargs)


def totals(run) -> dict[str, float]:
    return {r.student_id: r.score for r in run.results}


# --- parallel and resumable ---------------------------------------------------------------------------------


def test_parallel_run_grades_everyone_and_a_rerun_skips_unchanged_submissions(course, capsys):
    expected = make_class(course / "submitted", 8)
    run = grade(course, jobs=2)
    assert run.complete and len(run.report.graded) == 8 and run.reused == 0
    assert totals(run) == expected
    table = capsys.readouterr().out
    assert "submissions" in table and "mean score" in table and "failed" in table
    with open(course / "out" / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 16 and {r["status"] for r in rows} == {"passed", "failed", "missing"}

    again = grade(course, jobs=2)
    assert again.reused == 8 and not again.report.graded and totals(again) == expected

    # A changed submission is regraded, and only that one.
    changed = course / "submitted" / "s003" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nbformat.write(student_notebook(KINDS["correct"]), changed)
    third = grade(course, jobs=2)
    assert [r.student_id for r in third.report.graded] == ["s003"] and third.reused == 7
    assert totals(third)["s003"] == 3.0

    # A changed grader configuration regrades everyone, and so does --force.
    assert len(grade(course, jobs=1, config=FakeConfig(course / "notebooks", delay=0.001)).report.graded) == 8
    assert len(grade(course, jobs=2, force=True).report.graded) == 8


def test_a_grader_failure_is_reported_and_retried_not_stored(course):
    make_class(course / "submitted", 3)
    broken = course / "submitted" / "s001" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    broken.write_text(broken.read_text().replace("A tiny assignment", "RAISE_IN_GRADER"))
    run = grade(course, jobs=2)
    assert [(s, a) for s, a, _ in run.report.errors] == [("s001", ASSIGNMENT)]
    assert "the grader itself broke" in run.report.errors[0][2]
    assert ResultStore(course / "out" / "submissions").load("s001", ASSIGNMENT) is None
    assert len(grade(course, jobs=1).report.errors) == 1  # retried, not skipped


SIGINT_SCRIPT = """
import sys
from pathlib import Path
from test_classroom import FakeConfig, fake_grade_notebook
from autograder.classroom import grade_directory
course = Path(sys.argv[1])
run = grade_directory(course / "submitted", course / "out", FakeConfig(course / "notebooks", delay=0.4),
                      jobs=2, progress=False, grade_notebook=fake_grade_notebook)
sys.exit(130 if run.report.interrupted else 0)
"""


def test_ctrl_c_keeps_every_finished_result_and_a_rerun_completes_the_rest(course):
    expected = make_class(course / "submitted", 16)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen([sys.executable, "-c", SIGINT_SCRIPT, str(course)], env=env, cwd=course,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    results = course / "out" / "submissions"
    deadline = time.monotonic() + 60
    while len(list(results.glob("*/*.json"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, (out, err)
    assert "INTERRUPTED" in out and "Traceback" not in err

    stored = sorted(results.glob("*/*.json"))
    assert 3 <= len(stored) < 16, out
    for path in stored:  # every stored result is complete and right
        result = ResultStore(results).load(path.parent.name, path.stem)
        assert result.score == expected[result.student_id]
    assert not list(results.glob("*/.*.tmp"))

    rerun = grade(course, jobs=2, config=FakeConfig(course / "notebooks", delay=0.4))
    assert rerun.reused == len(stored) and len(rerun.report.graded) == 16 - len(stored)
    assert totals(rerun) == expected


def test_dask_local_cluster_grades_like_the_local_pool(course):
    distributed = pytest.importorskip("distributed")
    expected = make_class(course / "submitted", 6)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                  dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://")
        run = grade(course, scheduler=cluster.scheduler_address)
    assert run.complete and run.report.where.startswith("dask tcp://")
    assert totals(run) == expected and len(run.report.graded) == 6


# --- Gradescope ---------------------------------------------------------------------------------------------


def test_gradescope_results_json_has_the_documented_fields(course):
    make_class(course / "submitted", 4)
    run = grade(course, jobs=1, gradescope=True)
    data = json.loads((course / "out" / "gradescope" / "s001" / ASSIGNMENT / "results.json").read_text())
    assert data["score"] == 2.0 and data["visibility"] == "visible"
    assert [t["name"] for t in data["tests"]] == ["double", "halve"]
    for test in data["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in ("passed", "failed")
    halve = data["tests"][1]
    assert (halve["score"], halve["max_score"], halve["status"]) == (0.0, 1.0, "failed")
    assert "Hint: Check the arithmetic." in halve["output"]
    assert results_json(run.results[0], visibility="after_due_date")["tests"][0]["visibility"] == "after_due_date"


def test_run_autograder_reads_the_upload_and_writes_results_json(course):
    root = course / "autograder"
    (root / "submission").mkdir(parents=True)
    nbformat.write(student_notebook(KINDS["partly"]), root / "submission" / f"{ASSIGNMENT}.ipynb")
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "ada@example.org"}]}))
    data = run_autograder(root / "submission", root / "results" / "results.json",
                          config=FakeConfig(course / "notebooks"), grade_notebook=fake_grade_notebook)
    assert json.loads((root / "results" / "results.json").read_text()) == data
    assert data["score"] == 2.0 and len(data["tests"]) == 2

    # An upload with no recognisable notebook still gets a results.json that says why.
    (root / "submission" / f"{ASSIGNMENT}.ipynb").rename(root / "submission" / "renamed.ipynb")
    data = run_autograder(root / "submission", root / "results" / "results.json",
                          config=FakeConfig(course / "notebooks"), grade_notebook=fake_grade_notebook)
    assert data["score"] == 0.0 and "00_demo" in data["output"]


# --- nbgrader, end to end with nbgrader's own commands ------------------------------------------------------


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True,
                            text=True, timeout=600, check=False)
    errors = [line for line in (result.stdout + result.stderr).splitlines() if "| ERROR]" in line]
    assert result.returncode == 0 and not errors, result.stdout + result.stderr
    return result


def test_nbgrader_generate_feedback_and_export_work_on_our_grades(course):
    shutil.copy2(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    expected = make_class(course / "submitted", 4)

    run = grade(course, jobs=2)  # submitted/ of an nbgrader course: its gradebook.db and autograded/ by default
    assert run.complete and totals(run) == expected
    autograded = nbformat.read(course / "autograded" / "s001" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    outputs = {c.metadata["nbgrader"]["grade_id"]: c.outputs for c in autograded.cells
               if c.metadata.get("nbgrader", {}).get("grade")}
    assert outputs["test_double"][0]["output_type"] == "stream"
    assert outputs["test_halve"][0]["output_type"] == "error"
    assert (course / "autograded" / "s001" / ASSIGNMENT / "timestamp.txt").is_file()

    nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    html = (course / "feedback" / "s001" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "halve(8) is wrong" in html and "Check the arithmetic." in html
    assert "assert halve(0) == 0" not in html  # nbgrader hides the hidden tests in feedback

    nbgrader(course, "export", "--to", "export.csv")
    with open(course / "export.csv", newline="") as handle:
        exported = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(handle)}
    assert exported == expected


def test_autograded_copies_only_what_discovery_accepts_never_a_file_swapped_for_a_link(course):
    """write_autograded reads the submission again as discovery does (lstat, O_NOFOLLOW, caps): a file swapped
    for a link (or a FIFO) between grading and writing is not followed, and nothing of a folder that discovery
    now refuses is copied; the annotated notebook is still written."""
    from autograder.classroom.nbgrader_io import write_autograded
    from autograder.classroom.records import SubmissionResult

    expected = make_class(course / "submitted", 1)
    folder = course / "submitted" / "s000" / ASSIGNMENT
    (folder / "notes.txt").write_text("my notes")
    (folder / "data").mkdir()
    (folder / "data" / "x.csv").write_text("1,2")
    secret = course / "instructor-secret.txt"
    secret.write_text("INSTRUCTOR ONLY")
    run = grade(course, jobs=1, use_gradebook=False)
    assert totals(run) == expected
    result: SubmissionResult = run.results[0]

    target = write_autograded(result, course / "submitted", course / "autograded", course / "notebooks")
    assert (target / "notes.txt").read_text() == "my notes" and (target / "data" / "x.csv").read_text() == "1,2"
    assert (target / f"{ASSIGNMENT}.ipynb").is_file() and (target / "timestamp.txt").is_file()

    for swap in (lambda path: path.symlink_to(secret), lambda path: os.mkfifo(path)):
        (folder / "notes.txt").unlink()
        swap(folder / "notes.txt")
        target = write_autograded(result, course / "submitted", course / "autograded", course / "notebooks")
        written = [p for p in target.rglob("*")]
        assert not any(p.is_symlink() for p in written), written
        assert all("INSTRUCTOR ONLY" not in p.read_text() for p in written if p.is_file())
        assert not (target / "notes.txt").exists() and not (target / "data").exists()
        notebook = nbformat.read(target / f"{ASSIGNMENT}.ipynb", as_version=4)  # annotated from the source
        assert any(c.metadata.get("nbgrader", {}).get("grade_id") == "test_double" for c in notebook.cells)
