"""The warm start (autograder.sandbox.zygote): workers really are forked from the zygote, grade exactly as cold
workers do (same statuses, scores and messages on corpus submissions, confinement measured from inside included),
and a zygote that dies is replaced without changing any grade."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from autograder.sandbox import NotebookSubmission, SandboxConfig, grade_notebook, runner, workdir
from autograder.sandbox.zygote import Zygote, ZygoteLost
from autograder.sandbox.isolation import _alive, processes_of_uid, running_as_root

pytestmark = pytest.mark.filterwarnings("ignore:Non-unique cell id")

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "adversarial"))
import _class  # noqa: E402
import _course  # noqa: E402

# A few cases that stress what forking from a zygote could change: the confinement facts measured from inside,
# a crash, an exit, descriptors closed, a setsid escape, monkeypatched numpy, an attack on the parent process.
# (The whole corpus runs through `autograder grade`, warm, in test_sandbox.py; here one notebook at a time, so
# that the worker runs can be watched.)
CASES = ["honest", "isolation_facts", "segfault", "os_exit_cell", "close_descriptors", "escape_session",
         "monkeypatch_numpy", "kill_grader", "always_equal", "inherited_descriptors"]
CONFIG = {"timeout": 30, "step_timeout": 4, "memory_mb": 1024, "uid_base": 63300}


def _grade(root: Path, cases, **extra):
    ctx = _class.build(root, cases, {"PORT": 9})
    config = SandboxConfig(source_dir=Path(ctx["SOURCE_DIR"]),
                           hide_paths=(Path(ctx["SUBMITTED"]), Path(ctx["GRADEBOOK"]), Path(ctx["SOURCE_DIR"])),
                           **CONFIG, **extra)
    runs = []
    real = workdir.run_job

    def spy(*args, **kwargs):
        run = real(*args, **kwargs)
        runs.append(run)
        return run

    workdir.run_job = spy
    results, rows = [], {}
    try:
        for case in cases:
            path = Path(ctx["SUBMITTED"]) / case / _course.ASSIGNMENT / f"{_course.ASSIGNMENT}.ipynb"
            grade = grade_notebook(NotebookSubmission(case, _course.ASSIGNMENT, _course.ASSIGNMENT,
                                                      path.read_bytes()), config)
            results.append(grade)
            rows.update({(case, row.exercise): (row.status, row.score, row.message) for row in grade.rows})
    finally:
        workdir.run_job = real
    return results, rows, runs, config


@pytest.fixture(scope="module")
def warm_and_cold(tmp_path_factory):
    warm = _grade(tmp_path_factory.mktemp("warm"), CASES)
    zygote = Zygote._local.zygote
    cold = _grade(tmp_path_factory.mktemp("cold"), CASES, warm_start=False)
    return warm, cold, zygote


def test_workers_are_forked_from_the_zygote(warm_and_cold):
    (_results, _rows, runs, _config), _cold, zygote = warm_and_cold
    assert runs and all(run.warm for run in runs), [(run.warm, run.cause) for run in runs]
    assert zygote is not None and zygote.alive()
    # one zygote served the whole class, still single-threaded and never running as a worker uid
    status = Path(f"/proc/{zygote.pid}/status").read_text()
    assert "Threads:\t1\n" in status
    assert f"Uid:\t{os.getuid()}\t" in status


def test_cold_workers_when_asked(warm_and_cold):
    _warm, (_results, _rows, runs, _config), _zygote = warm_and_cold
    assert runs and not any(run.warm for run in runs)


def test_warm_and_cold_grade_identically(warm_and_cold):
    (_r, warm_rows, _runs, _c), (_r2, cold_rows, _runs2, _c2), _z = warm_and_cold
    assert warm_rows == cold_rows


@pytest.mark.parametrize("case", CASES)
def test_warm_corpus_case_gets_its_exact_outcome(warm_and_cold, case):
    (_r, rows, _runs, _c), _cold, _z = warm_and_cold
    got = {ex: (rows[(case, ex)][0], float(rows[(case, ex)][1])) for ex in _course.POINTS}
    assert got == _class.expected(case), {ex: rows[(case, ex)][2] for ex in _course.POINTS}


def test_every_layer_is_in_force_in_forked_workers(warm_and_cold):
    (results, _rows, _runs, config), _cold, _z = warm_and_cold
    notes = {n for r in results for n in r.isolation}
    if running_as_root():
        assert notes == set(), notes
        for uid in range(config.uid_base, config.uid_base + 8):
            # (a process killed by the cleanup may still be a zombie waiting for init to reap it)
            assert [pid for pid in processes_of_uid(uid) if _alive(pid)] == [], uid


def test_a_dead_zygote_is_replaced_and_grades_stay_the_same(tmp_path, warm_and_cold):
    (_r, warm_rows, _runs, _c), _cold, _z = warm_and_cold
    first = Zygote.for_this_thread()
    assert first is not None
    os.kill(first.pid, signal.SIGKILL)
    first.proc.wait()
    _results, rows, runs, _config = _grade(tmp_path, ["honest"])
    assert runs and all(run.warm for run in runs)
    second = Zygote._local.zygote
    assert second is not first and second.alive()
    assert rows == {k: v for k, v in warm_rows.items() if k[0] == "honest"}


def test_a_zygote_killed_under_a_running_worker_costs_nothing(tmp_path, warm_and_cold):
    """The zygote dies while its child is grading: the run is repeated cold, with the same grades."""
    (_r, warm_rows, _runs, _c), _cold, _z = warm_and_cold
    zygote = Zygote.for_this_thread()
    real_start = runner.start_warm

    def start_then_kill(workdir):
        proc, fd = real_start(workdir)
        if proc is not None:
            time.sleep(0.2)
            os.kill(proc.zygote.pid, signal.SIGKILL)
        return proc, fd

    runner.start_warm = start_then_kill
    try:
        _results, rows, runs, _config = _grade(tmp_path, ["honest"])
    finally:
        runner.start_warm = real_start
    assert rows == {k: v for k, v in warm_rows.items() if k[0] == "honest"}
    assert not zygote.alive()
    assert runs[-1].finished


def test_a_zygote_lost_after_taking_the_request_means_a_cold_rerun(tmp_path, warm_and_cold):
    """Whether it forked is unknown: that attempt is dropped (its uid's processes killed) and the job is written
    again for a cold worker; the grades do not change."""
    (_r, warm_rows, _runs, _c), _cold, _z = warm_and_cold
    real_spawn = Zygote.spawn

    def spawn_then_vanish(self, workdir, fds):
        self.close()
        exc = ZygoteLost("gone")
        exc.sent = True
        raise exc

    Zygote.spawn = spawn_then_vanish
    try:
        _results, rows, runs, _config = _grade(tmp_path, ["honest"])
    finally:
        Zygote.spawn = real_spawn
    assert rows == {k: v for k, v in warm_rows.items() if k[0] == "honest"}
    assert [run.cause for run in runs] == ["zygote", None] and not runs[1].warm and runs[1].finished
