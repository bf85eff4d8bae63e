"""The student version of a course notebook, answered as a learner would: what the command tests submit.

``submission(wrong, source_path)`` runs nbgrader's own preprocessors (ClearSolutions, ClearHiddenTests) on the
instructor's source notebook, as ``nbgrader generate_assignment`` does, then types into every solution cell the
instructor's solution, or the learner's code of ``wrong[grade_id]`` where given.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01_neuron_model"
SOURCE = REPO / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?", re.DOTALL | re.MULTILINE)


def submission(wrong: dict[str, str] | None = None, source_path: Path = SOURCE) -> nbformat.NotebookNode:
    """The student version (solutions and hidden tests stripped by nbgrader's own preprocessors), answered with the
    instructor's solutions except the cells named in ``wrong`` (grade_id -> the learner's source)."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    wrong = wrong or {}
    source = nbformat.read(source_path, as_version=4)
    answers = {c.metadata.get("nbgrader", {}).get("grade_id"): SOLUTION.sub(r"\1", c.source) for c in source.cells}
    released, _ = ClearSolutions().preprocess(source, {"language": "python"})
    released, _ = ClearHiddenTests().preprocess(released, {})
    for cell in released.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            cell.source = wrong.get(meta["grade_id"]) or answers[meta["grade_id"]]
    return released
