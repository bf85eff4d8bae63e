"""Method requirements graded from the learner's own source (autograder/methods.py): right values computed in a
way the exercise rules out earn half the points with a hint naming the construct and its line; every correct
alternative (each allowed construct) and every notebook's own solution keep full marks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from engine_alternatives import METHOD_VIOLATIONS

from autograder.methods import CONSTRUCTS, MethodRule, apply_findings, method_findings
from autograder.public import run_public
from autograder.registry import EXERCISES
from autograder.results import Result

ROOT = Path(__file__).resolve().parents[2]
VIOLATIONS = [(name, label, obj, word) for name, items in METHOD_VIOLATIONS.items() for label, obj, word in items]


@pytest.mark.parametrize("name,label,obj,word", VIOLATIONS, ids=[f"{n}-{l}" for n, l, _, _ in VIOLATIONS])
def test_right_values_by_a_forbidden_method_earn_half_the_points(name, label, obj, word):
    assert EXERCISES[name].grade(obj, 11).passed          # the values are right ...
    r = run_public(obj, name)                              # ... but its own source breaks the method requirement
    assert not r.passed and r.score == r.max_score / 2, r.text()
    assert "values are right" in r.message and word in r.hint, r.text()


def test_every_exercise_with_a_method_rule_has_a_violation_test():
    ruled = {name for name, spec in EXERCISES.items() if spec.method is not None}
    assert ruled == {n for n, items in METHOD_VIOLATIONS.items() if items} | {"layer_forward"}


def _solution_cells():
    for path in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            gid = (cell.metadata.get("nbgrader") or {}).get("grade_id", "")
            if cell.cell_type == "code" and gid in EXERCISES and EXERCISES[gid].method is not None:
                yield gid, cell.source


@pytest.mark.parametrize("name,source", list(_solution_cells()), ids=lambda x: x if len(x) < 30 else "")
def test_the_notebooks_own_solutions_keep_full_marks(name, source):
    assert method_findings(source, name, EXERCISES[name].method) == []


def test_each_construct_is_recognised_with_its_line():
    rule = MethodRule(forbid=tuple(CONSTRUCTS))
    src = ("def f(a, b):\n"
           "    c = a @ b\n"
           "    d = np.dot(a, b) + a.dot(b)\n"
           "    e = np.matmul(a, b)\n"
           "    g = np.einsum('ij,jk->ik', a, b)\n"
           "    return (a[0] * b[:, 0]).sum() + np.sum(a * a) + sum(x * y for x, y in zip(a, b))\n")
    found = {(f.what, f.line) for f in method_findings(src, "f", rule, first_line=10)}
    assert found == {("@", 11), ("np.dot", 12), ("np.matmul", 13), ("np.einsum", 14), ("sum of a product", 15)}


def test_a_helper_in_the_same_cell_counts_and_unparsable_code_is_left_to_the_value_checks():
    rule = MethodRule(forbid=("@",))
    src = "def helper(a, b):\n    return a @ b\n\ndef f(a, b):\n    return helper(a, b)\n"
    assert [f.line for f in method_findings(src, "f", rule)] == [2]
    assert method_findings("def f(:\n", "f", rule) == []
    assert method_findings("x = 1\n", "f", rule) == []


def test_the_point_policy():
    finding = method_findings("def f(a, b):\n    return a @ b\n", "f", MethodRule(forbid=("@",)))
    passed = Result("f", True, 4.0, 4.0, "all 3 cases passed")
    half = apply_findings(passed, finding)
    assert (half.passed, half.score) == (False, 2.0) and "line 2" in half.hint and "`@`" in half.hint
    failed = Result("f", False, 0.0, 4.0, "wrong")
    assert apply_findings(failed, finding).score == 0.0 and "`@`" in apply_findings(failed, finding).notes[-1]
    assert apply_findings(passed, []) is passed


def test_autograder_check_grades_the_method_of_the_notebook_cell(tmp_path):
    """Through the command learners use: a matmul_loops written with `@` in notebook 07 scores half, and the hint is
    printed untruncated on its own line and carried by --json."""
    src = ROOT / "notebooks" / "07_matmul_five_ways" / "07_matmul_five_ways.ipynb"
    nb = nbformat.read(src, as_version=4)
    for cell in nb.cells:
        if (cell.metadata.get("nbgrader") or {}).get("grade_id") == "matmul_loops":
            cell.source = ("def matmul_loops(a, b):\n"
                           "    # the shape check the notebook provides (its ValueError names the shapes)\n"
                           "    a, b = as_matrices(a, b)\n"
                           "\n"
                           "    return a @ b\n")
    folder = tmp_path / "07_matmul_five_ways"
    folder.mkdir()
    nbformat.write(nb, folder / "07_matmul_five_ways.ipynb")
    cmd = [sys.executable, "-m", "autograder.cli", "check", str(folder / "07_matmul_five_ways.ipynb"), "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    rows = {r["exercise"]: r for r in json.loads(out.stdout)}
    loops = rows["matmul_loops"]
    assert loops["score"] == 0.5 and not loops["passed"] and loops["cases"] == "public"
    assert "line 5" in loops["hint"] and "`@`" in loops["hint"]
    assert rows["matmul_einsum"]["score"] == 1.0
    table = subprocess.run(cmd[:-1], capture_output=True, text=True, timeout=600, cwd=ROOT).stdout
    hint_lines = [ln.strip() for ln in table.splitlines() if ln.strip().startswith("Hint: ")]
    assert any("line 5" in ln for ln in hint_lines), table
    assert "..." not in "\n".join(hint_lines)
