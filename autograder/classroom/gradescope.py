"""Gradescope: ``results.json`` in Gradescope's autograder format, and the ``run_autograder`` entry point.

Format (Gradescope's "Autograder Specifications"): a top-level ``score``, ``execution_time``, ``output``,
``visibility`` and ``stdout_visibility``, and ``tests``: one object per exercise with ``name``, ``score``,
``max_score``, ``status`` ("passed" or "failed"), ``output`` and ``visibility``.

On Gradescope, ``run_autograder`` runs in ``/autograder`` with the student's upload in ``/autograder/submission``
and must write ``/autograder/results/results.json``; ``autograder gradescope`` does exactly that (all three paths
can be changed, which is how the tests run it).
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .records import SubmissionResult
from .store import atomic_write_text

__all__ = ["RESULTS_PATH", "SUBMISSION_DIR", "results_json", "run_autograder", "write_results_json"]

SUBMISSION_DIR = Path("/autograder/submission")
RESULTS_PATH = Path("/autograder/results/results.json")
METADATA_NAME = "submission_metadata.json"
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


def _test_output(row) -> str:
    parts = [row.message] if row.message else []
    if row.hint:
        parts.append(f"Hint: {row.hint}")
    if row.status not in ("passed", "failed"):
        parts.insert(0, f"Status: {row.status}")
    return "\n".join(parts)


def results_json(result: SubmissionResult, *, visibility: str = "visible",
                 execution_time: float | None = None) -> dict[str, Any]:
    """One student x assignment as Gradescope's results.json (one test per exercise, in notebook order)."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {VISIBILITIES}, got {visibility!r}")
    tests = []
    for notebook in result.notebooks:
        many = len(result.notebooks) > 1
        for row in notebook.rows:
            tests.append({
                "name": f"{notebook.notebook}: {row.exercise}" if many else row.exercise,
                "score": float(row.score),
                "max_score": float(row.max_score),
                "status": "passed" if row.passed else "failed",
                "output": _test_output(row),
                "visibility": visibility,
            })
    notes = [note for nb in result.notebooks for note in nb.notes]
    summary = (f"{result.assignment}: {result.score:g} / {result.max_score:g} points over {len(tests)} "
               f"exercise(s).")
    return {
        "score": float(result.score),
        "execution_time": round(float(result.seconds if execution_time is None else execution_time), 3),
        "output": "\n".join([summary, *notes]),
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def write_results_json(result: SubmissionResult, path: Path, **kwargs) -> Path:
    atomic_write_text(Path(path), json.dumps(results_json(result, **kwargs), indent=2))
    return Path(path)


def _student_id(submission_dir: Path) -> str:
    """The Gradescope user (id, else email) from submission_metadata.json next to the submission folder."""
    for candidate in (submission_dir.parent / METADATA_NAME, submission_dir / METADATA_NAME):
        try:
            users = json.loads(candidate.read_text(encoding="utf-8")).get("users") or []
        except (OSError, ValueError, AttributeError):
            continue
        for user in users:
            for field in ("id", "sid", "email"):
                if user.get(field):
                    return str(user[field])
    return "gradescope"


def _match_assignment(notebooks: Sequence[Path], source_dir: Path, assignment: str | None) -> tuple[str, list]:
    """The assignment whose source notebook names the uploaded notebooks carry (or the one given)."""
    if assignment:
        return assignment, list(notebooks)
    known = {p.stem: p.parent.name for p in Path(source_dir).glob("*/*.ipynb")}
    matched = [nb for nb in notebooks if nb.stem in known]
    if not matched:
        names = ", ".join(sorted(known)) or "none"
        raise ValueError(f"none of the uploaded notebooks ({', '.join(nb.name for nb in notebooks) or 'none'}) "
                         f"is named like an assignment notebook ({names})")
    return known[matched[0].stem], [nb for nb in matched if known[nb.stem] == known[matched[0].stem]]


def run_autograder(
    submission_dir: Path = SUBMISSION_DIR,
    results_path: Path = RESULTS_PATH,
    *,
    config: Any = None,
    assignment: str | None = None,
    student_id: str | None = None,
    visibility: str = "visible",
    grade_notebook=None,
) -> dict[str, Any]:
    """Grade the upload in ``submission_dir`` and write Gradescope's ``results_path``; return the JSON.

    The notebook's file name picks the assignment (``01_neuron_model.ipynb`` -> 01_neuron_model) unless
    ``assignment`` is given. Whatever goes wrong, a results.json explaining it is written (score 0), since
    Gradescope shows nothing useful to the student otherwise.
    """
    from .records import SubmissionTask
    from .runner import GradingContext, default_config, grade_task
    from .store import MAX_FILE_BYTES, read_regular

    started = time.monotonic()
    submission_dir = Path(submission_dir)
    config = config if config is not None else default_config()
    try:
        notebooks = sorted(p for p in submission_dir.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        name, chosen = _match_assignment(notebooks, Path(config.source_dir), assignment)
        files = tuple((nb.name, read_regular(nb, MAX_FILE_BYTES)) for nb in chosen)  # never through a link
        for extra in sorted(submission_dir.iterdir()):
            if extra.is_file() and extra.suffix != ".ipynb":
                files += ((extra.name, read_regular(extra, MAX_FILE_BYTES)),)
        task = SubmissionTask(student_id=student_id or _student_id(submission_dir), assignment=name,
                              files=files, key="gradescope")
        context = GradingContext(config, grade_notebook) if grade_notebook else GradingContext(config)
        result = grade_task(task, context)
        data = results_json(result, visibility=visibility, execution_time=time.monotonic() - started)
    except Exception as exc:  # noqa: BLE001 - the student must see why, not an empty Gradescope page
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        data = {"score": 0.0, "execution_time": round(time.monotonic() - started, 3),
                "output": f"The autograder could not grade this submission: {detail}",
                "visibility": visibility, "stdout_visibility": "hidden", "tests": []}
    atomic_write_text(Path(results_path), json.dumps(data, indent=2))
    return data
