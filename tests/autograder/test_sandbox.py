"""The adversarial corpus (tests/autograder/adversarial/, one student per case) through ``autograder grade``.

The whole class is graded by ONE run of the command, in a subprocess, as an instructor runs it (relative
``--source`` and ``--hide`` paths, a real ``--gradebook``), once on a class tree under /tmp and once on one
outside /tmp, and once per grader mode (``_class.GRADER_MODES``). Each case then asserts its exact outcome:
status and score of every exercise. Other tests check what no single case can: nobody else's grade moved, no
process survived, nothing was written or copied where it must not be, the feedback reveals nothing hidden and
escapes learner text, a forged stored result is caught and regraded.
"""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import sys
import time
from pathlib import Path

import nbformat
import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "adversarial"))
import _class
import ordinary_user  # noqa: E402
import _course  # noqa: E402

from autograder.sandbox.isolation import _alive, processes_of_uid  # noqa: E402
from autograder.sandbox.records import STATUSES  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Non-unique cell id")

CASES = _class.CASES
# Worker uids of this session only: other graders (other test sessions of this very file among them) may run on
# this machine at the same time, and their workers are not ours to count in test_no_process_survives.
UID_BASE = 64000 + 64 * (os.getpid() % 400)
FORGED = "monkeypatch_numpy"  # a student whose stored result is forged (sigmoid set to passed) between runs


@pytest.fixture(scope="module", params=_class.GRADER_MODES, ids=lambda g: g.name)
def grader(request):
    return request.param


@pytest.fixture(scope="module", params=["under-tmp", "outside-tmp"])
def graded(request, grader, tmp_path_factory):
    root = _class.make_root(request.param, tmp_path_factory)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    try:
        ctx = _class.build(root, CASES, {"PORT": listener.getsockname()[1], "ROOT": grader.as_root})
        grader.prepare(root)
        protected = [Path(ctx[k]) for k in ("VICTIM", "GRADEBOOK", "SOURCE", "PRIVATE")]
        before = {p: _class.sha(p) for p in protected}
        first = _class.run(grader, root, "--uid-base", str(UID_BASE), "--jobs", "3")
        rows = _class.read_rows(root / "out")
        after = {p: _class.sha(p) for p in protected}
        # A stored result rewritten by someone else (learner code, when it could reach the output folder) is
        # caught by its digest and regraded; the others stay up to date.
        stored = root / "out" / "submissions" / FORGED / f"{_course.ASSIGNMENT}.json"
        data = json.loads(stored.read_text())
        for nb in data["result"]["notebooks"]:
            for row in nb["rows"]:
                row.update(status="passed", score=row["max_score"], message="all cases passed")
        stored.write_text(json.dumps(data))
        second = _class.run(grader, root, "--uid-base", str(UID_BASE), "--jobs", "3")
        yield {"root": root, "ctx": ctx, "rows": rows, "out": root / "out", "first": first, "second": second,
               "before": before, "after": after, "rows_after_forgery": _class.read_rows(root / "out")}
    finally:
        listener.close()
        _class.remove(root)


@pytest.mark.parametrize("case", CASES)
def test_corpus_case_gets_its_exact_outcome(graded, case):
    rows = graded["rows"][case]
    got = {ex: (rows[ex]["status"], float(rows[ex]["score"])) for ex in _course.POINTS}
    messages = {ex: rows[ex]["message"] for ex in _course.POINTS}
    assert got == _class.expected(case), messages
    for ex, pts in _course.POINTS.items():
        assert float(rows[ex]["max_score"]) == pts
        assert rows[ex]["message"].strip()


@pytest.mark.parametrize(("case", "words"), [
    ("renamed_notebook", "01_neuron_model-Copy1.ipynb"),
    ("symlink_to_victim", "symbolic link"),
    ("symlink_student_folder", "student folder is a symbolic link"),
    ("symlink_assignment_to_source", "assignment folder is a symbolic link"),
    ("symlink_extra_file", "'notes.txt' is a symbolic link"),
    ("fifo_in_submission", "is a FIFO"),
    ("sparse_file", "over the 20 MiB limit"),
    ("many_cells", "100000 cells, more than the 2000 accepted"),  # (counted from the raw bytes, before parsing)
    ("ref_amplification", "its answer was unusable (array 'a0' is referenced more than once)"),
])
def test_a_refused_submission_says_why(graded, case, words):
    assert all(words in row["message"] for row in graded["rows"][case].values()), graded["rows"][case]


def test_grades_csv_has_the_documented_columns_and_statuses(graded):
    with open(graded["out"] / "grades.csv", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["student_id", "assignment", "notebook", "exercise", "score", "max_score",
                                     "status", "message", "hint", "misconception", "auto_score", "manual_score",
                                     "timestamp", "seconds_late", "penalty"]
        rows = list(reader)
    assert len(rows) == len(CASES) * len(_course.POINTS)
    assert {r["status"] for r in rows} <= set(STATUSES)


def test_nobody_else_was_touched(graded):
    assert graded["after"] == graded["before"]
    assert not (graded["out"] / "pwned.txt").exists()
    assert "pwned" not in (graded["out"] / "grades.csv").read_text()


def test_nothing_of_a_linked_file_is_copied_anywhere(grader, tmp_path_factory):
    """notes.txt -> the instructor's private notes, in a submission graded with --gradebook (which copies each
    submission folder into autograded/): the submission is refused, and no output (grades, feedback, store,
    gradebook, autograded/ notebooks) holds a byte of the target. (A class of its own: writing autograded/
    costs seconds per student.)"""
    root = _class.make_root("outside-tmp", tmp_path_factory)
    try:
        _class.build(root, ["honest", "symlink_extra_file"], {"ROOT": grader.as_root})
        grader.prepare(root)
        _class.run(grader, root, "--gradebook", "grades/gradebook.db", "--uid-base", str(UID_BASE))
        rows = _class.read_rows(root / "out")
        assert {r["status"] for r in rows["symlink_extra_file"].values()} == {"error"}
        assert not (root / "out" / "autograded" / "symlink_extra_file").exists()
        assert (root / "out" / "autograded" / "honest").is_dir()  # the others were written
        for folder in (root / "out", root / "grades"):
            for path in folder.rglob("*"):
                if path.is_file() and not path.is_symlink():
                    assert _class.SECRET.encode() not in path.read_bytes(), path
    finally:
        _class.remove(root)


def test_no_process_survives(graded, grader):
    """Fork bomb, setsid escape, threads, ignored signals: when the command returns, no process it started is
    alive. Counted exactly where the test may (root: each run in a cgroup of its own, ``_class.Tracker``), else
    by uid: this class's worker uids, or the ordinary account's processes."""
    for run in (graded["first"], graded["second"]):
        if run.survivors is not None:
            assert run.survivors == [], run.survivors
    if graded["first"].survivors is not None:
        return
    if not grader.as_root:  # the workers ran as the test's ordinary account: none of its processes is left
        user = ordinary_user.account()
        assert [pid for pid in processes_of_uid(user.pw_uid) if _alive(pid)] == []
        return
    for uid in range(UID_BASE, UID_BASE + 64):
        # (a process killed by the cleanup may still be a zombie waiting for init to reap it)
        alive = [pid for pid in processes_of_uid(uid) if _alive(pid)]
        assert alive == [], (uid, [_class._command(pid) for pid in alive[:5]])


def test_the_process_count_sees_a_process_that_left_its_session():
    """``_class.Tracker`` (what test_no_process_survives counts) finds a ``setsid`` + background process."""
    import subprocess

    with _class.Tracker() as tracker:
        if tracker.path is None:
            pytest.skip("processes are tracked by cgroup only as root")
        subprocess.run(["sh", "-c", "setsid sleep 30 >/dev/null 2>&1 & exit 0"], preexec_fn=tracker.join,
                       check=True)
        for _ in range(100):  # (until the background shell has become the sleep)
            found = [line.split(": ", 1)[1].split(" [")[0].strip() for line in tracker.alive()]
            if found == ["sleep 30"]:
                break
            time.sleep(0.02)
        assert found == ["sleep 30"]


def _start_zygote() -> list[int]:
    from autograder.sandbox.zygote import _ZYGOTES, prepare_warm_start

    prepare_warm_start()
    return [z.proc.pid for z in _ZYGOTES]


def test_a_closed_pool_leaves_no_helper_running():
    """What made test_no_process_survives flaky: a pool process (``--jobs``) ends without atexit, so its zygote
    ended only after it, and the forkserver and resource tracker only after the grader itself. All three are
    now stopped, and waited for, when the pool closes, before the command returns."""
    from multiprocessing import forkserver, resource_tracker

    from autograder.classroom.runner import _Local

    local = _Local(2)
    zygotes = local.submit(_start_zygote).result(timeout=120)
    helpers = [forkserver._forkserver._forkserver_pid, resource_tracker._resource_tracker._pid]
    local.close()
    assert zygotes and all(helpers)
    assert [pid for pid in zygotes + helpers if _alive(pid)] == []


def test_a_forged_stored_result_is_caught_and_regraded(graded):
    second = graded["second"].stdout
    assert f"FORGED RESULT {FORGED}/{_course.ASSIGNMENT}" in second, second
    assert "Graded 1 submission(s)" in second and f"{len(CASES) - 1} up to date" in second, second
    assert graded["rows_after_forgery"] == graded["rows"]  # the regrade gives back exactly the true grades


def test_feedback_per_student_reveals_nothing_hidden_and_escapes_learner_text(graded):
    out = graded["out"]
    source_text = Path(graded["ctx"]["SOURCE"]).read_text()
    secrets = ["BEGIN HIDDEN TESTS", "check_hidden", "BEGIN SOLUTION", "tanh(0.5 * z))\n    ### END"]
    assert "BEGIN HIDDEN" in source_text  # the secret really exists
    for case in CASES:
        md = (out / "feedback" / case / "feedback.md").read_text()
        html = (out / "feedback" / case / "feedback.html").read_text()
        for text in (md, html):
            for secret in secrets:
                assert secret not in text, (case, secret)
            assert "course_lib" not in text or case == "import_answer_key"
    html = (out / "feedback" / "crafted_message" / "feedback.html").read_text()
    assert "<script>" not in html and "script" not in html  # the learner's message never reaches feedback
    md = (out / "feedback" / "crafted_message" / "feedback.md").read_text()
    assert "\n| count_quadratic_terms | 1 / 1 | passed |" not in md  # fenced as an indented block


@pytest.mark.parametrize(("case", "shown"), [
    ("markdown_grade_id", re.compile(r"`cell \d+ \((x\?[A-Za-z0-9_.?-]{0,38})\.\.\.\)`")),
    ("markup_cell_type", re.compile(r"was turned into a (\?{4}count_quadratic_\.\.\.) cell")),
    ("renamed_notebook_markup", re.compile(r"found (01_neuron_model\?\?2J[A-Za-z0-9_.?-]{0,41}\.\.\.) instead")),
])
def test_learner_labels_are_inert_and_bounded(graded, case, shown):
    """Issue 10 finding 6 and every other label the learner chooses (a cell's grade_id, its cell type, a file
    name): each output shows it through ``learner_text.label``: no Markdown, HTML or control byte survives (no
    forged heading, score, image, link or comment), and it is bounded."""
    md = (graded["out"] / "feedback" / case / "feedback.md").read_text()
    html = (graded["out"] / "feedback" / case / "feedback.html").read_text()
    messages = " ".join(row["message"] for row in graded["rows"][case].values())
    stored = (graded["out"] / "submissions" / case / f"{_course.ASSIGNMENT}.json").read_text()
    found = shown.search(md)
    assert found and len(found.group(1)) <= 63, md  # the label is shown, bounded...
    assert case == "markdown_grade_id" or shown.search(messages), messages
    headings = [line for line in md.splitlines() if line.startswith("#")]
    forged = ("pwned", "sigmoid: 5", "count_quadratic_terms: 1 / 1", "5 of 5")
    assert not any(word in line for line in headings for word in forged), headings  # ...and forges nothing
    for text in (md, html, messages, stored):
        for injected in ("<img", "](http", "<!--", "\x1b", "\x07", "\u202e", "\\u001b", "\\u0007"):
            assert injected not in text, (injected, text[:3000])


def test_feedback_explains_failures_with_the_misconception_hint(graded):
    md = (graded["out"] / "feedback" / "monkeypatch_numpy" / "feedback.md").read_text()
    assert "### `sigmoid`: failed" in md
    honest = (graded["out"] / "feedback" / "honest" / "feedback.md").read_text()
    assert "5 / 5" in honest


def test_hidden_inputs_do_not_reach_the_feedback(graded):
    import numpy as np

    from autograder.registry import EXERCISES
    from autograder.sandbox.judging import case_seed

    for case in ("monkeypatch_numpy", "always_equal", "mutating_inputs", "exfiltrate_inputs", "dict_keys_smuggle"):
        md = (graded["out"] / "feedback" / case / "feedback.md").read_text()
        for ex in ("sigmoid", "neuron_output"):
            cases = EXERCISES[ex].hidden_cases(np.random.default_rng(case_seed(case, _course.ASSIGNMENT, ex)))
            for c in cases:
                for arg in c.args:
                    values = np.atleast_1d(arg.get("v", 0.0)).ravel()[:3] if arg["t"] == "ndarray" else []
                    for v in values:
                        if float(v) != round(float(v)):  # random draws (integers such as 0 or 1e3 are labels)
                            assert f"{abs(v):.4g}" not in md, (case, v)


def test_learner_chosen_names_are_not_shown_for_hidden_checks(graded):
    """Dict keys the learner's function returned (made from the hidden input) are counted, never shown."""
    case = "dict_keys_smuggle"
    md = (graded["out"] / "feedback" / case / "feedback.md").read_text()
    html = (graded["out"] / "feedback" / case / "feedback.html").read_text()
    messages = [row["message"] for row in graded["rows"][case].values()]
    assert any("is a dict with 1 key but" in m for m in messages), messages  # the problem is still named
    for text in (md, html, *messages):
        for leaked in ("SMUGGLE", "dict with keys", "\x1b", "\\x1b"):
            assert leaked not in text, (leaked, text[:2000])


def test_feedback_names_hidden_cases_by_number_and_has_no_routine_notes(graded):
    md = (graded["out"] / "feedback" / "monkeypatch_numpy" / "feedback.md").read_text()
    assert "On hidden case " in md and "expected" in md and " but 0.5 is expected" not in md
    for path in (graded["out"] / "feedback").rglob("feedback.md"):  # every submission skips the demo cells
        assert "demonstration cell" not in path.read_text(), path


def test_results_are_stored_per_submission_with_a_digest(graded):
    from autograder.classroom.store import ResultStore

    store = ResultStore(graded["out"] / "submissions")
    files = sorted((graded["out"] / "submissions").glob("*/*.json"))
    assert len(files) == len(CASES)
    for path in files:
        assert "digest" in json.loads(path.read_text())
        result = store.load(path.parent.name, path.stem)
        assert result is not None and len(result.key) == 64 and result.rows


def test_isolation_layers_are_reported_when_refused(graded, grader):
    lines = [line for line in graded["first"].stdout.splitlines() if line.startswith("isolation: ")]
    bounds = [line for line in lines if line.startswith("isolation: processes bounded by")]
    assert len(bounds) == 1, lines  # the bound in force, said once
    assert [line for line in lines if line not in bounds] == [], lines  # every layer worked, in both modes


# ------------------------------------------------------------------------------------------------------------
# the course's real notebooks: the instructor's own solutions, submitted through the release, get full marks
# ------------------------------------------------------------------------------------------------------------
REAL_SOURCES = sorted((_class.PROJECT / "notebooks").glob("*/*.ipynb"))


def _perfect_submission(source_path: Path):
    """The released notebook with the instructor's solutions typed in (markers removed), as a learner would."""
    from autograder.sandbox.notebook import released_version

    src = nbformat.read(source_path, as_version=4)
    released = released_version(src)
    for orig, cell in zip(src.cells, released.cells):
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            cell.source = "\n".join(line for line in orig.source.splitlines()
                                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return released


def test_real_notebooks_perfect_submissions_get_full_marks(grader):
    from autograder.sandbox.notebook import released_version

    assert REAL_SOURCES, "the course notebooks are missing"
    tmp_path = ordinary_user.class_root("autograder-real-")  # reachable by an ordinary-user grader too
    submitted = tmp_path / "submitted"
    for path in REAL_SOURCES:
        folder = submitted / "perfect" / path.parent.name
        folder.mkdir(parents=True)
        nbformat.write(_perfect_submission(path), folder / path.name)
        folder = submitted / "blank" / path.parent.name  # the released notebook, handed in untouched
        folder.mkdir(parents=True)
        nbformat.write(released_version(nbformat.read(path, as_version=4)), folder / path.name)
    grader.prepare(tmp_path)
    import subprocess

    done = subprocess.run([*grader.command, "grade", "submitted", "--out", "out", "--source",
                           str(_class.PROJECT / "notebooks"), "--timeout", "120", "--no-progress"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=1800, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [(s, r["assignment"], r) for s, by_ex in _rows_by_student(tmp_path / "out").items() for r in by_ex]
    bad = [(a, r["exercise"], r["status"], r["message"]) for s, a, r in rows if s == "perfect" and r["status"] != "passed"]
    assert {a for s, a, _ in rows if s == "perfect"} == {p.parent.name for p in REAL_SOURCES} and not bad, bad
    blank = [(a, r["exercise"], r["status"], r["message"]) for s, a, r in rows if s == "blank"
             and (r["status"] != "missing" or float(r["score"]) != 0)]
    assert not blank, blank


def _rows_by_student(out: Path) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    with open(out / "grades.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            rows.setdefault(row["student_id"], []).append(row)
    return rows
