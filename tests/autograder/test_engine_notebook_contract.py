"""The course notebooks and the autograder agree: solution grade_ids, test cells and points follow the contract."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder.contract_names import CONTRACT_EXERCISES

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@pytest.mark.parametrize("assignment", list(CONTRACT_EXERCISES))
def test_notebook_cells_match_the_registry(assignment):
    path = NOTEBOOKS / assignment / f"{assignment}.ipynb"
    assert path.exists(), f"{path.name} is missing: every assignment of the contract has its notebook"
    nb = nbformat.read(path, as_version=4)
    meta = [(c.metadata.get("nbgrader") or {}) for c in nb.cells]
    solutions = [m["grade_id"] for m in meta if m.get("solution") and m.get("grade_id") in
                 {n for n, _ in CONTRACT_EXERCISES[assignment]}]
    tests = {m["grade_id"]: m.get("points") for m in meta if m.get("grade") and m.get("grade_id", "").startswith("test_")}
    for name, points in CONTRACT_EXERCISES[assignment]:
        assert name in solutions, f"no solution cell with grade_id {name!r}"
        assert tests.get(f"test_{name}") == points, f"test_{name} should carry {points} points"
