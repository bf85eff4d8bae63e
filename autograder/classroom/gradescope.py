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
import os
import re
import time
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from .records import SubmissionResult
from .store import atomic_write_text

__all__ = ["RESULTS_PATH", "SUBMISSION_DIR", "canonical_stem", "late_line", "match_upload", "results_json",
           "run_autograder", "upload_names", "write_results_json"]

SUBMISSION_DIR = Path("/autograder/submission")
RESULTS_PATH = Path("/autograder/results/results.json")
METADATA_NAME = "submission_metadata.json"
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


def _test_output(row, grade=None) -> str:
    parts = [row.message] if row.message else []
    if row.hint:
        parts.append(f"Hint: {row.hint}")
    if row.status == "tampered":
        parts.insert(0, "Status: tampered (the test cell was modified); scored by the grader's own checks and "
                        "flagged for the instructor's review")
    elif row.status not in ("passed", "failed"):
        parts.insert(0, f"Status: {row.status}")
    if grade is not None and grade.manual_score is not None:
        parts.insert(0, f"Score of record: {_fmt(grade.score)}/{_fmt(grade.max_score)} given by a grader "
                        f"(automatic score {_fmt(grade.auto_score or 0.0)})")
    return "\n".join(parts)


def _fmt(x: float) -> str:
    return f"{float(x):g}"


def late_line(record) -> str:
    """One line on lateness for a student (empty when on time): when, how late, the penalty and its effect."""
    if record is None or record.seconds_late <= 0:
        return ""
    hours = record.seconds_late / 3600
    return (f"Late: submitted {record.timestamp}, {hours:.1f} h after the due date; late penalty "
            f"{_fmt(record.penalty)} point(s): {_fmt(record.raw_score)} - {_fmt(record.penalty)} = "
            f"{_fmt(record.score)}.")


def results_json(result: SubmissionResult, *, visibility: str = "visible",
                 execution_time: float | None = None, record=None) -> dict[str, Any]:
    """One student x assignment as Gradescope's results.json (one test per exercise, in notebook order).

    record : the gradebook's ``nbgrader_io.ScoreOfRecord`` for this submission, if there is a gradebook: the
        tests then show the score that counts (a grader's manual score where given, labelled as such) and the
        top-level score is the final one, after the late penalty. Without it, the automatic scores.
    A test's status follows its score (full points: passed), so that a tampered exercise whose function is
    right never shows full points as "failed"; its output says it is flagged for review.
    """
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {VISIBILITIES}, got {visibility!r}")
    tests = []
    many = len(result.notebooks) > 1
    for notebook in result.notebooks:
        for row in notebook.rows:
            grade = record.grade(notebook.notebook, row.exercise) if record is not None else None
            score = grade.score if grade is not None else float(row.score)
            passed = row.passed or score >= float(row.max_score) > 0
            tests.append({
                "name": f"{notebook.notebook}: {row.exercise}" if many else row.exercise,
                "score": float(score),
                "max_score": float(row.max_score),
                "status": "passed" if passed else "failed",
                "output": _test_output(row, grade),
                "visibility": visibility,
            })
    notes = [note for nb in result.notebooks for note in nb.notes]
    total = record.score if record is not None else float(result.score)
    summary = f"{result.assignment}: {total:g} / {result.max_score:g} points over {len(tests)} exercise(s)."
    late = late_line(record)
    return {
        "score": float(total),
        "execution_time": round(float(result.seconds if execution_time is None else execution_time), 3),
        "output": "\n".join([summary, *([late] if late else []), *notes]),
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def write_results_json(result: SubmissionResult, path: Path, **kwargs) -> Path:
    atomic_write_text(Path(path), json.dumps(results_json(result, **kwargs), indent=2))
    return Path(path)


def upload_names(submission_dir: Path) -> list[str]:
    """Relative paths of every entry under the upload, links included, read from the folders alone (no file is
    opened, no link followed): enough to tell which assignment a refused upload was meant for."""
    names = []
    for folder, dirs, entries in os.walk(submission_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(folder).relative_to(submission_dir)
        names += [(rel / e).as_posix() for e in sorted(entries + dirs) if not e.startswith(".")]
    return names


def _student_id(submission_dir: Path) -> str:
    """The Gradescope user (id, else email) from submission_metadata.json next to the submission folder."""
    from .store import read_regular

    for candidate in (submission_dir.parent / METADATA_NAME, submission_dir / METADATA_NAME):
        try:
            users = json.loads(read_regular(candidate, 2**20).decode("utf-8")).get("users") or []
        except (OSError, ValueError, AttributeError):
            continue
        for user in users:
            for field in ("id", "sid", "email"):
                if user.get(field):
                    return str(user[field])
    return "gradescope"


#: what browsers append to a file name that already exists in the downloads folder: " (1)", "(1)", "-1"
BROWSER_COPY = re.compile(r"^(?P<stem>.+?)(?: ?\((?P<paren>\d+)\)|-(?P<dash>\d+))$")


def canonical_stem(stem: str, known: Iterable[str]) -> tuple[str | None, int]:
    """The source notebook an uploaded file's stem stands for, and its copy number (0 for the exact name).

    ``01_neuron_model (1)`` (Chrome), ``01_neuron_model(1)`` (Firefox) and ``01_neuron_model-1`` stand for
    ``01_neuron_model`` when that is a known stem and the upload's own name is not; (None, -1) otherwise.
    """
    known = set(known)
    if stem in known:
        return stem, 0
    match = BROWSER_COPY.match(stem.strip())
    if match and match["stem"].strip() in known:
        return match["stem"].strip(), int(match["paren"] or match["dash"])
    return None, -1


def _choose_uploads(notebooks: Sequence[Path], stems: Iterable[str]) -> dict[str, Path]:
    """stem -> the uploaded file graded as that source notebook: the exact name, else the latest browser copy."""
    chosen: dict[str, tuple[int, Path]] = {}
    for path in notebooks:
        stem, copy = canonical_stem(path.stem, stems)
        if stem is None:
            continue
        best = chosen.get(stem)
        if best is None or (copy == 0) or (best[0] != 0 and copy > best[0]):
            chosen[stem] = (copy, path)
    return {stem: path for stem, (_, path) in sorted(chosen.items())}


def match_upload(notebooks: Sequence[Path], source_dir: Path | None, assignment: str | None
                 ) -> tuple[str, dict[str, Path], list[str]]:
    """(assignment, {source stem: uploaded file}, notes) for an upload.

    The assignment is the one given, else the one whose source notebook names the uploads carry (allowing for
    browser-renamed copies). The instructor's source notebooks of the assignment must exist: without them no
    test cell could be checked against tampering, so that is an error, never a silent downgrade. With
    ``assignment`` given and a one-notebook assignment, a single upload under any name is graded as it (noted).
    """
    folder = Path(source_dir) if source_dir is not None else None
    known = {p.stem: p.parent.name for p in folder.glob("*/*.ipynb") if not p.name.startswith(".")} if folder else {}
    uploaded = ", ".join(nb.name for nb in notebooks) or "none"
    if assignment:
        stems = sorted(stem for stem, owner in known.items() if owner == assignment)
        if not stems:
            raise ValueError(f"there is no source notebook of assignment {assignment!r} in {folder}; the grader "
                             "needs it to check the test cells for tampering")
    else:
        matched = [stem for stem in (canonical_stem(nb.stem, known)[0] for nb in notebooks) if stem]
        if not matched:
            names = ", ".join(sorted(known)) or "none"
            raise ValueError(f"none of the uploaded notebooks ({uploaded}) is named like an assignment notebook "
                             f"({names})")
        assignment = known[matched[0]]
        stems = sorted(stem for stem, owner in known.items() if owner == assignment)
    chosen = _choose_uploads(notebooks, stems)
    notes = []
    if not chosen and len(stems) == 1 and len(notebooks) == 1:
        chosen = {stems[0]: notebooks[0]}
    for stem, path in chosen.items():
        if path.stem != stem:
            notes.append(f"Graded the upload {path.name} as {stem}.ipynb.")
    ignored = sorted(nb.name for nb in notebooks if nb not in chosen.values())
    if ignored:
        notes.append(f"Not graded (not a notebook of {assignment}, or an older copy): {', '.join(ignored)}.")
    return assignment, chosen, notes


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

    The notebook's file name picks the assignment (``01_neuron_model.ipynb`` -> 01_neuron_model, browser copies
    such as ``01_neuron_model (1).ipynb`` included) unless ``assignment`` is given. The upload is read by the
    same discovery as ``submitted/`` (``store.read_folder``): a symbolic link at any level, a FIFO, a device, a
    file or folder over the size caps refuses it, and every exercise is then an ``error`` saying why; names
    starting with a dot are never read. Whatever goes wrong, a results.json explaining it is written (score 0), since
    Gradescope shows nothing useful to the student otherwise.
    """
    from .records import SubmissionTask
    from .runner import GradingContext, default_config, grade_task
    from .store import Refused, read_folder

    started = time.monotonic()
    submission_dir = Path(submission_dir)
    config = config if config is not None else default_config()
    refused = ""
    try:
        try:  # the upload is read as discovery reads submitted/ (store.py): one place decides what it is
            files, refused = dict(read_folder(submission_dir)), ""
        except Refused as exc:
            files, refused = {}, f"this submission was not graded: {exc}"
        notebooks = [PurePosixPath(rel) for rel in (files or upload_names(submission_dir))
                     if rel.endswith(".ipynb")]
        name, chosen, notes = match_upload(notebooks, getattr(config, "source_dir", None), assignment)
        graded = tuple((f"{stem}.ipynb", files[str(path)]) for stem, path in chosen.items() if not refused)
        extras = tuple((rel, content) for rel, content in files.items()
                       if "/" not in rel and not rel.endswith(".ipynb"))
        expected = tuple(sorted(p.stem for p in (Path(config.source_dir) / name).glob("*.ipynb")
                                if not p.name.startswith(".")))
        task = SubmissionTask(student_id=student_id or _student_id(submission_dir), assignment=name,
                              files=graded + extras, key="gradescope", expected=expected, refused=refused)
        context = GradingContext(config, grade_notebook) if grade_notebook else GradingContext(config)
        result = grade_task(task, context)
        data = results_json(result, visibility=visibility, execution_time=time.monotonic() - started)
        if notes:
            data["output"] = "\n".join([data["output"], *notes])
    except Exception as exc:  # noqa: BLE001 - the student must see why, not an empty Gradescope page
        detail = refused or "".join(traceback.format_exception_only(type(exc), exc)).strip()
        data = {"score": 0.0, "execution_time": round(time.monotonic() - started, 3),
                "output": f"The autograder could not grade this submission: {detail}",
                "visibility": visibility, "stdout_visibility": "hidden", "tests": []}
    atomic_write_text(Path(results_path), json.dumps(data, indent=2))
    return data
