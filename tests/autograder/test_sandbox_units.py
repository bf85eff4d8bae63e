"""Unit tests of the sandbox's trusted-side pieces: the hostile answer reader, slots, seeds, degraded mode."""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from autograder.encode import ChannelError, to_channel
from autograder.sandbox.channel import read_response
from autograder.sandbox.isolation import blocked_ancestor, processes_of_session, worker_slot
from autograder.sandbox.judging import case_seed

CAP = 1 << 20


def _valid_answer(tmp_path: Path, tree=None) -> None:
    tree = tree or {"version": 1, "cells": [{"key": "c1", "error": None, "error_type": None}],
                    "exercises": {"sigmoid": [{"output": {"t": "ndarray", "v": np.arange(3.0)}, "error": None,
                                               "warnings": [], "stdout": "", "mutated": [], "seconds": 0.1}]},
                    "output_dropped": 0}
    data, arrays = to_channel(tree)
    (tmp_path / "response.json").write_text(json.dumps(data))
    with open(tmp_path / "response.npz", "wb") as fh:
        np.savez(fh, **arrays)


def test_a_valid_answer_is_read_back(tmp_path):
    _valid_answer(tmp_path)
    resp = read_response(str(tmp_path), CAP)
    out = resp["exercises"]["sigmoid"][0]["output"]
    assert type(out["v"]) is np.ndarray and out["v"].tolist() == [0.0, 1.0, 2.0]


def test_object_arrays_are_refused_without_unpickling(tmp_path):
    _valid_answer(tmp_path)
    buf = io.BytesIO()
    np.save(buf, np.array([object()], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(tmp_path / "response.npz", "w") as zf:
        zf.writestr("a0.npy", buf.getvalue())
    with pytest.raises(ChannelError, match="dtype"):
        read_response(str(tmp_path), CAP)


def test_an_array_header_promising_terabytes_is_refused_before_allocating(tmp_path):
    _valid_answer(tmp_path)
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
    buf.write(b"\0" * 64)
    with zipfile.ZipFile(tmp_path / "response.npz", "w") as zf:
        zf.writestr("a0.npy", buf.getvalue())
    with pytest.raises(ChannelError, match="does not match"):
        read_response(str(tmp_path), CAP)


def test_a_zip_bomb_is_refused_from_its_declared_size(tmp_path):
    _valid_answer(tmp_path)
    with zipfile.ZipFile(tmp_path / "response.npz", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a0.npy", b"\0" * (50 * CAP))
    assert (tmp_path / "response.npz").stat().st_size < CAP
    with pytest.raises(ChannelError, match="expand"):
        read_response(str(tmp_path), CAP)


@pytest.mark.parametrize("kind", ["symlink", "fifo", "huge", "missing"])
def test_answer_files_that_are_not_small_regular_files_are_refused(tmp_path, kind):
    _valid_answer(tmp_path)
    target = tmp_path / "response.json"
    target.unlink()
    if kind == "symlink":
        target.symlink_to("/etc/passwd")
    elif kind == "fifo":
        os.mkfifo(target)  # opening it for reading would block forever without O_NONBLOCK
    elif kind == "huge":
        target.write_text(" " * (CAP + 1))
    with pytest.raises(ChannelError):
        read_response(str(tmp_path), CAP)


@pytest.mark.parametrize("tree", [
    {"version": 2, "cells": [], "exercises": {}},
    {"version": 1, "cells": "x", "exercises": {}},
    {"version": 1, "cells": [], "exercises": {"sigmoid": [{"output": {"t": "pickle", "v": 1}}]}},
    {"version": 1, "cells": [], "exercises": {"sigmoid": [{"output": "passed"}]}},
    {"version": 1, "cells": [], "exercises": {"sigmoid": [{"output": {"t": "none"}, "error": "boom"}]}},
])
def test_forged_structures_are_refused(tmp_path, tree):
    _valid_answer(tmp_path, tree)
    with pytest.raises(ChannelError):
        read_response(str(tmp_path), CAP)


def test_deeply_nested_json_is_refused(tmp_path):
    _valid_answer(tmp_path)
    (tmp_path / "response.json").write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(ChannelError):
        read_response(str(tmp_path), 4 * CAP)


def test_learner_text_is_bounded_and_control_characters_removed(tmp_path):
    tree = {"version": 1, "cells": [{"key": "c1", "error": "\x1b[2J" + "x" * 10_000, "error_type": "E"}],
            "exercises": {}, "output_dropped": -5}
    _valid_answer(tmp_path, tree)
    resp = read_response(str(tmp_path), CAP)
    assert "\x1b" not in resp["cells"][0]["error"] and len(resp["cells"][0]["error"]) <= 500
    assert resp["output_dropped"] == 0


def test_seeds_are_stable_per_student_and_differ_between_students():
    a = case_seed("alice", "01_neuron_model", "sigmoid")
    assert a == case_seed("alice", "01_neuron_model", "sigmoid")
    assert a != case_seed("bob", "01_neuron_model", "sigmoid")
    assert a != case_seed("alice", "01_neuron_model", "sigmoid", salt="course secret")


def test_concurrent_graders_get_distinct_slots(tmp_path):
    with worker_slot(tmp_path) as a, worker_slot(tmp_path) as b:
        assert a != b
    with worker_slot(tmp_path) as c:
        assert c == 0


def test_blocked_ancestor_finds_private_parents(tmp_path):
    private = tmp_path / "private"
    (private / "python").mkdir(parents=True)
    private.chmod(0o700)
    assert blocked_ancestor(str(private / "python")) in (str(private), str(blocked_ancestor(str(tmp_path))))
    private.chmod(0o755)


def test_session_scan_does_not_list_the_caller():
    assert os.getpid() not in processes_of_session(os.getsid(0))


def test_config_validates_its_values():
    from autograder.sandbox import SandboxConfig

    with pytest.raises(ValueError, match="timeout"):
        SandboxConfig(timeout=0)
    with pytest.raises(ValueError, match="isolate"):
        SandboxConfig(isolate="none")
    with pytest.raises(ValueError, match="memory_mb"):
        SandboxConfig(memory_mb=10)


# ------------------------------------------------------------------------------------------------------------
# degraded mode (what a non-root instructor gets): rlimits, a fresh directory and the import guard only
# ------------------------------------------------------------------------------------------------------------
def _corpus():
    sys.path.insert(0, str(Path(__file__).parent / "adversarial"))
    import _class

    return _class


def test_rlimits_only_mode_still_contains_hangs_memory_and_crashes(tmp_path):
    _class = _corpus()
    cases = ["honest", "infinite_loop_function", "memory_bomb", "os_exit_function", "import_answer_key"]
    _class.build(tmp_path, cases)
    _class.run(_class.GRADER_MODES[0], tmp_path, "--isolate", "rlimits", "--timeout", "20", "--step-timeout", "2.5")
    got = {(s, ex): row["status"] for s, rows in _class.read_rows(tmp_path / "out").items() for ex, row in rows.items()}
    assert got[("honest", "sigmoid")] == "passed"
    assert got[("infinite_loop_function", "count_quadratic_terms")] == "timeout"
    assert got[("memory_bomb", "count_quadratic_terms")] == "memory"
    assert got[("os_exit_function", "count_quadratic_terms")] == "error"
    assert got[("os_exit_function", "sigmoid")] == "passed"
    assert got[("import_answer_key", "sigmoid")] == "missing"  # the import guard alone


def test_planning_survives_garbage_metadata():
    import nbformat

    from autograder.sandbox.notebook import plan_cells

    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_code_cell("x = 1") for _ in range(5)]
    cells[0]["metadata"] = "not a dict"
    cells[1]["metadata"] = {"tags": 5, "nbgrader": ["no"]}
    cells[2]["metadata"] = {"nbgrader": {"grade_id": 7, "grade": "yes", "points": "many"}}
    cells[3]["source"] = ["a = ", 3, "1"]
    nb.cells = cells
    plan = plan_cells(nb, None)
    assert len(plan.run) == 4 and plan.skipped_tests == 1


def test_a_grader_failure_costs_one_submission_only():
    from autograder.sandbox import NotebookSubmission, SandboxConfig, grade_notebook

    class Broken:
        name, points = "sigmoid", 2.0

        def hidden_cases(self, rng):
            raise RuntimeError("spec bug")

    content = b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}'
    res = grade_notebook(NotebookSubmission("s", "a", "nb", content), SandboxConfig(),
                         provider=lambda a: {"sigmoid": Broken()})
    assert [(r.status, r.score) for r in res.rows] == [("error", 0.0)]
    assert "internal grader error" in res.rows[0].message and "spec bug" in res.isolation[0]
    assert "spec bug" not in res.rows[0].message


def test_worker_uids_never_belong_to_an_account():
    from autograder.sandbox.isolation import uid_is_unassigned

    assert not uid_is_unassigned(0)  # root: its processes must never be swept
    assert uid_is_unassigned(61000)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_without_a_mount_namespace_a_private_python_keeps_the_worker_working(tmp_path):
    import subprocess

    from autograder.sandbox.isolation import blocked_ancestor

    if not blocked_ancestor(sys.base_prefix):
        pytest.skip("the Python installation is world-readable here")
    code = ("import os, sys, json\nfrom autograder.sandbox.isolation import ConfinePlan, confine\n"
            f"plan = ConfinePlan(workdir={str(tmp_path)!r}, uid=61999, gid=61999, namespaces=False, "
            "expose=(sys.base_prefix,))\nwd, notes = confine(plan)\nimport logging\n"
            "print(json.dumps([os.getuid(), notes]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         check=False)
    uid, notes = json.loads(out.stdout.strip().splitlines()[-1])
    assert uid == 0 and any("privilege drop" in n for n in notes), out.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="strict isolation needs root")
def test_strict_isolation_grades_normally_where_every_layer_is_available(tmp_path):
    _class = _corpus()
    _class.build(tmp_path, ["honest"])
    done = _class.run(_class.GRADER_MODES[0], tmp_path, "--isolate", "strict")
    rows = _class.read_rows(tmp_path / "out")["honest"]
    refused = [line for line in done.stdout.splitlines()
               if line.startswith("isolation:") and not line.startswith("isolation: processes bounded by")]
    assert [r["status"] for r in rows.values()] == ["passed"] * 3 and refused == [], done.stdout


# ------------------------------------------------------------------------------------------------------------
# one list of hidden modules; leftovers of a killed grader
# ------------------------------------------------------------------------------------------------------------
def test_every_hidden_module_exists_and_every_list_is_derived_from_the_one():
    import importlib.util

    from autograder.classroom.release import INSTRUCTOR_MODULES
    from autograder.sandbox.config import HIDDEN_MODULES, hidden_module_paths, is_hidden_module
    from autograder.sandbox.worker import ImportGuard

    for name in HIDDEN_MODULES:  # a stale name would hide nothing
        assert importlib.util.find_spec(name) is not None, name
        assert is_hidden_module(name + ".anything")
    with pytest.raises(ImportError):
        ImportGuard().find_spec("course_lib.activations")
    assert ImportGuard().find_spec("autograder.compare") is None
    assert {m.split(".")[1] for m in HIDDEN_MODULES if m.count(".") == 1 and m.startswith("autograder.")} <= \
        set(INSTRUCTOR_MODULES)
    paths = hidden_module_paths()
    import course_lib

    assert os.path.realpath(Path(course_lib.__file__).parent) in paths
    assert not any(p.endswith(("/compare.py", "/probes.py", "/worker.py")) for p in paths)


@pytest.mark.skipif(os.geteuid() != 0, reason="the worker's folder is a tmpfs only when the grader is root")
def test_folders_left_by_a_killed_grader_are_unmounted_and_removed(tmp_path, monkeypatch):
    """Issue 10 finding 1: a grader killed mid-run leaves its worker's tmpfs mounted; the next grader to take
    that slot clears it before anything else."""
    from autograder.sandbox import isolation, workdir

    monkeypatch.setattr(workdir, "_temp_base", lambda: str(tmp_path))
    left = tmp_path / "autograder-work-u0-s7-abc"
    left.mkdir()
    assert isolation.mount_workdir_tmpfs(str(left), 8)
    (left / "fifo").parent.mkdir(exist_ok=True)
    os.mkfifo(left / "fifo")
    other = tmp_path / "autograder-work-u0-s8-abc"  # another slot's: not ours to touch
    other.mkdir()
    assert workdir.clear_slot("autograder-work-u0-s7-") == [str(left)]
    assert not left.exists() and other.is_dir()
    assert str(left) not in Path("/proc/self/mountinfo").read_text()


class _CountingHandle:
    """An exercise whose judge counts its calls and passes exactly the observations that returned 1."""

    name, points = "f", 2.0

    def __init__(self):
        self.judged = 0

    def judge(self, case, observation):
        from autograder.verdict import judge

        self.judged += 1
        from autograder.results import Check

        return judge(Check("f", "a", 2), case, observation, {"output": {"t": "int", "v": 1}})


def _observation(output=None, error=None):
    return {"output": output if output is not None else {"t": "none"}, "error": error, "warnings": [],
            "stdout": "", "mutated": []}


_NOT_IMPLEMENTED = {"t": "exception", "type": "NotImplementedError", "message": "", "mro": ["NotImplementedError"]}


@pytest.mark.parametrize("first, status, message", [
    (_observation({"t": "missing"}), "missing", "`f` is not defined in the notebook"),
    (_observation(error=_NOT_IMPLEMENTED), "missing", "`f` is not implemented yet"),
])
def test_the_sandbox_judges_with_the_shared_loop_and_stops_at_the_first_missing_case(first, status, message):
    """The sandbox's cases go through verdict.judge_cases, as check() and `autograder check` do: judging stops at
    the first missing / not implemented case (the later cases are never judged), with the sandbox's statuses."""
    from autograder.results import Case
    from autograder.sandbox.grade import judge_exercise

    handle = _CountingHandle()
    cases = [Case(f"case {i}") for i in range(3)]
    later = [_observation({"t": "int", "v": 1})] * 2
    row = judge_exercise("f", 2.0, handle, cases, [first, *later], None)
    assert (row.status, row.score) == (status, 0.0) and row.message.startswith(message), row
    assert handle.judged == 1


def test_the_sandbox_keeps_its_statuses_on_the_shared_loop():
    from autograder.results import Case
    from autograder.sandbox.grade import judge_exercise

    cases = [Case(f"case {i}") for i in range(2)]
    right, wrong = _observation({"t": "int", "v": 1}), _observation({"t": "int", "v": 2})
    raised = _observation(error={"t": "exception", "type": "ValueError", "message": "x", "mro": ["ValueError", "Exception"]})
    memory = _observation(error={"t": "exception", "type": "MemoryError", "message": "", "mro": ["MemoryError", "Exception"]})
    grade = lambda *obs: judge_exercise("f", 2.0, _CountingHandle(), cases, list(obs), None)  # noqa: E731
    assert (grade(right, right).status, grade(right, right).score) == ("passed", 2.0)
    assert grade(right, wrong).status == "failed"
    assert grade(right, raised).status == "error"
    assert grade(memory, right).status == "memory"
    missing = _observation({"t": "missing"})
    cell_timed_out = judge_exercise("f", 2.0, _CountingHandle(), cases, [missing, missing], "timeout")
    assert cell_timed_out.status == "timeout" and "ran over the time limit" in cell_timed_out.message


def _worst_notebooks():
    """The most expensive notebooks the sandbox's caps let through, by kind of bulk."""
    from autograder.sandbox.notebook import MAX_CELLS, MAX_JSON_VALUES, MAX_NOTEBOOK_BYTES, MAX_SOURCE_CHARS

    def notebook(cells, metadata=None):
        return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": metadata or {}, "cells": cells}).encode()

    def cell(source="x = 1", outputs=(), metadata=None, i=0):
        return {"cell_type": "code", "id": f"c{i}", "metadata": metadata or {}, "source": source,
                "outputs": list(outputs), "execution_count": None}

    display = {"output_type": "display_data", "metadata": {}, "data": {"text/plain": "a"}}
    per_display = 7  # commas and opening brackets of one display_data output, with the list's comma
    lines = MAX_SOURCE_CHARS // MAX_CELLS // 6 - 1
    yield "outputs", notebook([cell(outputs=[display] * (MAX_JSON_VALUES // per_display - 100))])
    yield "metadata", notebook([], {"x": [[]] * (MAX_JSON_VALUES // 2 - 100)})
    yield "sources", notebook([cell("x = 1\n" * lines, i=i) for i in range(MAX_CELLS)])
    yield "lines", notebook([cell(["a\n"] * (MAX_JSON_VALUES - 100))])
    picture = "A" * (int(MAX_NOTEBOOK_BYTES * 0.9) // MAX_CELLS)
    yield "attachments", notebook([dict(cell(i=i), cell_type="markdown", attachments={"a.png": {"image/png": picture}})
                                   for i in range(MAX_CELLS)])


@pytest.mark.parametrize("kind, raw", list(_worst_notebooks()), ids=lambda v: v if isinstance(v, str) else "")
def test_the_worst_notebook_the_caps_allow_parses_in_well_under_a_second(kind, raw):
    """Parsing happens in the grading process: whatever a submission holds within the caps, it costs well under
    a second there (outputs and metadata never reach nbformat's validation; the JSON parse runs without the
    cyclic garbage collector walking the grader's objects). Measured figures: sandbox/README.md."""
    import time

    from autograder.sandbox.notebook import read_submission

    started = time.perf_counter()
    read_submission(raw)
    assert time.perf_counter() - started < 1.0, kind


def test_notebooks_over_the_value_or_text_caps_are_refused_before_nbformat_sees_them():
    from autograder.sandbox.notebook import MAX_JSON_VALUES, MAX_SOURCE_CHARS, UnreadableNotebook, read_submission

    many = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"x": [[]] * MAX_JSON_VALUES},
                       "cells": []}).encode()
    with pytest.raises(UnreadableNotebook, match="JSON values, more than the 500000 accepted"):
        read_submission(many)
    long = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "source": "x = 1\n" * (MAX_SOURCE_CHARS // 6 + 1), "outputs": [],
         "execution_count": None}]}).encode()
    with pytest.raises(UnreadableNotebook, match="MiB of text, more than the 2 MiB accepted"):
        read_submission(long)


def test_a_cell_too_large_to_analyse_counts_as_an_unchecked_method():
    """The method analysis walks the syntax tree in Python (seconds per MiB): a defining cell over
    MAX_METHOD_SOURCE is not analysed, and right values then earn the method policy's half points."""
    import nbformat

    from autograder.sandbox.grade import MAX_METHOD_SOURCE, judge_method
    from autograder.sandbox.judging import registry_provider
    from autograder.sandbox.records import ExerciseRow

    handle = registry_provider("07_matmul_five_ways")["matmul_loops"]
    padding = "    x = 0\n" * (MAX_METHOD_SOURCE // 10)
    source = f"def matmul_loops(A, B):\n{padding}    return A\n"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    row = judge_method(ExerciseRow("matmul_loops", 1.0, 1.0, "passed", "all 8 cases passed"), handle, nb)
    assert (row.status, row.score) == ("failed", 0.5), row
    assert "its method could not be checked" in row.hint + row.message
