"""The sandbox grader against the adversarial corpus (tests/autograder/adversarial/, one submission per case).

The whole class is graded in ONE call of ``grade_submissions`` (module fixture), as an instructor would; each
case then asserts its exact outcome: status and score of every exercise. Other tests check what no single case
can: nobody else's grade moved, no process survived, nothing was written where it must not be, the feedback
reveals nothing hidden and escapes learner text.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import socket
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.sandbox import SandboxConfig, grade_submissions
from autograder.sandbox.config import STATUSES
from autograder.sandbox.isolation import processes_of_uid, running_as_root
from autograder.sandbox.notebook import released_version

pytestmark = pytest.mark.filterwarnings("ignore:Non-unique cell id")

HERE = Path(__file__).parent
CORPUS = HERE / "adversarial"
sys.path.insert(0, str(CORPUS))
import _course

CASES = sorted(p.stem for p in CORPUS.glob("*.py") if not p.name.startswith("_"))
PROJECT = Path(__file__).resolve().parents[2]


def _load_case(name):
    spec = importlib.util.spec_from_file_location(f"adversarial_{name}", CORPUS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build_class(root: Path, cases, ctx_extra=None):
    source_dir = root / "course" / "source"
    (source_dir / _course.ASSIGNMENT).mkdir(parents=True)
    src_path = source_dir / _course.ASSIGNMENT / f"{_course.ASSIGNMENT}.ipynb"
    src = _course.source_notebook()
    nbformat.write(src, src_path)
    released = released_version(src)
    gradebook = root / "course" / "gradebook.db"
    gradebook.write_bytes(b"SQLite format 3\x00 (stand-in gradebook)")
    submitted = root / "submitted"
    out = root / "out"
    victim = submitted / "honest" / _course.ASSIGNMENT / f"{_course.ASSIGNMENT}.ipynb"
    import course_lib

    ctx = {"OUT_DIR": str(out), "SUBMITTED": str(submitted), "VICTIM": str(victim), "SOURCE": str(src_path),
           "GRADEBOOK": str(gradebook), "ROOT": running_as_root(), "COURSE_LIB": str(Path(course_lib.__file__).parent), "PROJECT": str(PROJECT),
           **(ctx_extra or {})}

    def fill(text):
        for key, value in ctx.items():
            text = text.replace(f"@{key}@", repr(value) if key not in ("PORT", "ROOT") else str(value))
        return text

    symlinks = []
    for name in cases:
        mod = _load_case(name)
        nb = _course.honest_submission(released)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in getattr(mod, "SOLUTIONS", {}) and cell.metadata["nbgrader"].get("solution"):
                cell.source = fill(mod.SOLUTIONS[gid])
        for gid, code in getattr(mod, "INSERT_AFTER", {}).items():
            pos = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
            nb.cells.insert(pos + 1, nbformat.v4.new_code_cell(fill(code)))
        if hasattr(mod, "edit"):
            mod.edit(nb, ctx)
        folder = submitted / name / _course.ASSIGNMENT
        folder.mkdir(parents=True)
        path = folder / getattr(mod, "RENAME_TO", f"{_course.ASSIGNMENT}.ipynb")
        if getattr(mod, "NO_NOTEBOOK", False):
            continue
        if getattr(mod, "SYMLINK_TO_VICTIM", False):
            symlinks.append(path)
            continue
        data = nbformat.writes(nb).encode("utf-8")
        if hasattr(mod, "raw"):
            data = mod.raw(data, ctx)
        path.write_bytes(data)
    for path in symlinks:
        path.symlink_to(victim)
    return source_dir, submitted, out, gradebook, victim


# uid_base apart from the default: other graders may run on this machine at the same time (their workers are
# not ours to count in test_no_process_survives).
CONFIG = {"timeout": 30, "step_timeout": 4, "memory_mb": 1024, "uid_base": 63000}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("sandbox")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    source_dir, submitted, out, gradebook, victim = _build_class(
        root, CASES, {"PORT": listener.getsockname()[1]})
    before = {"victim": _sha(victim), "gradebook": _sha(gradebook), "source": _sha(
        source_dir / _course.ASSIGNMENT / f"{_course.ASSIGNMENT}.ipynb")}
    config = SandboxConfig(source_dir=source_dir, hide_paths=(gradebook.parent,), **CONFIG)
    results = grade_submissions(submitted, out, config, provider=_course.provider())
    listener.close()
    rows = {}
    with open(out / "grades.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            rows.setdefault(row["student_id"], {})[row["exercise"]] = row
    return {"results": results, "rows": rows, "out": out, "victim": victim, "gradebook": gradebook,
            "source": source_dir / _course.ASSIGNMENT / f"{_course.ASSIGNMENT}.ipynb", "before": before,
            "config": config}


def _expected(name):
    mod = _load_case(name)
    want = {}
    for ex, pts in _course.POINTS.items():
        exp = mod.EXPECTED.get(ex, "passed")
        if isinstance(exp, (list, tuple)):
            want[ex] = (exp[0], float(exp[1]))
        else:
            want[ex] = (exp, float(pts) if exp == "passed" else 0.0)
    return want


@pytest.mark.parametrize("case", CASES)
def test_corpus_case_gets_its_exact_outcome(graded, case):
    rows = graded["rows"][case]
    got = {ex: (rows[ex]["status"], float(rows[ex]["score"])) for ex in _course.POINTS}
    messages = {ex: rows[ex]["message"] for ex in _course.POINTS}
    assert got == _expected(case), messages
    if case == "renamed_notebook":
        assert "01_neuron_model-Copy1.ipynb" in messages["sigmoid"]
    for ex, pts in _course.POINTS.items():
        assert float(rows[ex]["max_score"]) == pts
        assert rows[ex]["message"].strip()


def test_grades_csv_has_the_documented_columns_and_statuses(graded):
    with open(graded["out"] / "grades.csv", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["student_id", "assignment", "notebook", "exercise", "score", "max_score",
                                     "status", "message", "hint", "misconception"]
        rows = list(reader)
    assert len(rows) == len(CASES) * len(_course.POINTS)
    assert {r["status"] for r in rows} <= set(STATUSES)


def test_nobody_else_was_touched(graded):
    assert _sha(graded["victim"]) == graded["before"]["victim"]
    assert _sha(graded["gradebook"]) == graded["before"]["gradebook"]
    assert _sha(graded["source"]) == graded["before"]["source"]
    assert not (graded["out"] / "pwned.txt").exists()
    assert "pwned" not in (graded["out"] / "grades.csv").read_text()


def test_no_process_survives(graded):
    """Fork bomb, setsid escape, threads, ignored signals: every process of this class's worker uids is gone.
    (Without root the workers run as the grader's uid and only their sessions can be checked: see the
    degraded-mode test.)"""
    config = graded["config"]
    if not running_as_root():
        pytest.skip("workers only get their own uids when the grader is root")
    for uid in range(config.uid_base, config.uid_base + 64):
        assert processes_of_uid(uid) == [], uid


def test_feedback_per_student_reveals_nothing_hidden_and_escapes_learner_text(graded):
    out = graded["out"]
    source_text = graded["source"].read_text()
    secrets = ["BEGIN HIDDEN TESTS", "check_hidden", "BEGIN SOLUTION", "tanh(0.5 * z))\n    ### END"]
    for case in CASES:
        md = (out / "feedback" / case / "feedback.md").read_text()
        html = (out / "feedback" / case / "feedback.html").read_text()
        for text in (md, html):
            for secret in secrets:
                assert secret not in text, (case, secret)
            assert "course_lib" not in text or case == "import_answer_key"
        assert "BEGIN HIDDEN" in source_text  # the secret really exists
    html = (out / "feedback" / "crafted_message" / "feedback.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    md = (out / "feedback" / "crafted_message" / "feedback.md").read_text()
    assert "\n| count_quadratic_terms | 1 / 1 | passed |" not in md  # fenced as an indented block


def test_feedback_explains_failures_with_the_misconception_hint(graded):
    md = (graded["out"] / "feedback" / "monkeypatch_numpy" / "feedback.md").read_text()
    assert "### `sigmoid`: failed" in md
    honest = (graded["out"] / "feedback" / "honest" / "feedback.md").read_text()
    assert "5 / 5" in honest


def test_hidden_inputs_do_not_reach_the_feedback(graded):
    import numpy as np

    from autograder.registry import EXERCISES
    from autograder.sandbox.judging import case_seed

    for case in ("monkeypatch_numpy", "always_equal", "mutating_inputs", "exfiltrate_inputs"):
        md = (graded["out"] / "feedback" / case / "feedback.md").read_text()
        for ex in ("sigmoid", "neuron_output"):
            cases = EXERCISES[ex].hidden_cases(np.random.default_rng(case_seed(case, _course.ASSIGNMENT, ex)))
            for c in cases:
                for arg in c.args:
                    values = np.atleast_1d(arg.get("v", 0.0)).ravel()[:3] if arg["t"] == "ndarray" else []
                    for v in values:
                        if float(v) != round(float(v)):  # random draws (integers such as 0 or 1e3 are labels)
                            assert f"{abs(v):.4g}" not in md, (case, v)


def test_feedback_names_hidden_cases_by_number_and_has_no_routine_notes(graded):
    md = (graded["out"] / "feedback" / "monkeypatch_numpy" / "feedback.md").read_text()
    assert "On hidden case " in md and "expected" in md and " but 0.5 is expected" not in md
    for path in (graded["out"] / "feedback").rglob("feedback.md"):  # every submission skips the demo cells
        assert "demonstration cell" not in path.read_text(), path


def test_results_are_written_per_submission_for_resumable_runs(graded):
    import json

    from autograder.sandbox.grading import SubmissionResult

    files = sorted((graded["out"] / "results").rglob("*.json"))
    assert len(files) == len(CASES)
    res = SubmissionResult.from_json(json.loads(files[0].read_text()))
    assert len(res.key) == 64 and res.rows


def test_isolation_layers_are_reported_when_refused(graded):
    notes = {n for r in graded["results"] for n in r.isolation}
    if running_as_root():
        assert notes == set(), notes  # every layer worked on this machine
    else:
        assert any("not root" in n for n in notes)


# ------------------------------------------------------------------------------------------------------------
# the course's real notebooks: the instructor's own solutions, submitted through the release, get full marks
# ------------------------------------------------------------------------------------------------------------
REAL_SOURCES = sorted((PROJECT / "notebooks").glob("*/*.ipynb"))


def _perfect_submission(source_path: Path):
    """The released notebook with the instructor's solutions typed in (markers removed), as a learner would."""
    src = nbformat.read(source_path, as_version=4)
    released = released_version(src)
    for orig, cell in zip(src.cells, released.cells):
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            cell.source = "\n".join(line for line in orig.source.splitlines()
                                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return released


@pytest.mark.skipif(not REAL_SOURCES, reason="the course notebooks have not landed yet")
def test_real_notebooks_perfect_submissions_get_full_marks(tmp_path):
    from autograder.sandbox.judging import registry_provider

    submitted = tmp_path / "submitted"
    for path in REAL_SOURCES:
        folder = submitted / "perfect" / path.parent.name
        folder.mkdir(parents=True)
        nbformat.write(_perfect_submission(path), folder / path.name)
        folder = submitted / "blank" / path.parent.name  # the released notebook, handed in untouched
        folder.mkdir(parents=True)
        nbformat.write(released_version(nbformat.read(path, as_version=4)), folder / path.name)
    config = SandboxConfig(source_dir=PROJECT / "notebooks", timeout=120, memory_mb=2048)
    results = grade_submissions(submitted, tmp_path / "out", config, provider=registry_provider)
    rows = [(r.submission.student_id, r.submission.assignment, row) for r in results for row in r.rows]
    bad = [(a, row.exercise, row.status, row.message) for s, a, row in rows if s == "perfect" and row.status != "passed"]
    assert len(results) == 2 * len(REAL_SOURCES) and not bad, bad
    blank = [(a, row.exercise, row.status, row.message) for s, a, row in rows if s == "blank"
             and (row.status != "missing" or row.score != 0)]
    assert not blank, blank
