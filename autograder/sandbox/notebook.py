"""Instructor source notebooks and learner submissions: what runs, what is skipped, what was tampered with.

Everything the grader decides about a submission's cells is decided from the instructor's SOURCE notebook:
which cells are tests (skipped: the grader runs its own checks), which are demonstrations (tag ``demo``,
skipped), which are locked (the released text is run, whatever the submission holds) and what each locked or
test cell must hash to (nbgrader's ``compute_checksum`` of the released cell). The submission's own metadata
only says which cell is which (its ``grade_id``); lying about it can only make a learner lose points.
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import hashlib
import json
import warnings
from pathlib import Path

import nbformat

from autograder import learner_text

MAX_NOTEBOOK_BYTES = 20 * 2**20
#: More cells than any course notebook has by far; bounds the time nbformat spends on one submission.
MAX_CELLS = 2000
#: Bound on the JSON values of a notebook (counted from its commas and opening brackets before parsing): the
#: course's notebooks have under 3000; it bounds the time of the plain JSON parse, which otherwise reaches
#: seconds on 20 MiB of ``[],[],[]...``.
MAX_JSON_VALUES = 500_000
#: Bound on the text of all cells together (sources, not outputs): the course's notebooks have under 40 000
#: characters; it bounds nbformat's validation and every later look at the sources.
MAX_SOURCE_CHARS = 2 * 2**20
#: Longest grade_id shown in a cell's label (the learner controls it).
MAX_LABEL_ID = 40
SKIP_TAGS = ("demo",)


@dataclasses.dataclass(frozen=True)
class SourceCell:
    index: int
    cell_type: str
    kind: str  # "solution" | "test" | "locked" | "demo" | "other"
    grade_id: str | None
    cell_id: str | None
    source: str  # as released to learners (hidden tests and solutions stripped)
    checksum: str | None  # nbgrader checksum of the released cell (locked and test cells)
    points: float | None = None


@dataclasses.dataclass(frozen=True)
class SourceNotebook:
    assignment: str
    name: str  # file stem, e.g. "01_neuron_model"
    cells: tuple[SourceCell, ...]
    sha256: str

    @property
    def exercises(self) -> tuple[str, ...]:
        return tuple(c.grade_id for c in self.cells if c.kind == "solution" and c.grade_id)

    def test_cell_of(self, exercise: str) -> SourceCell | None:
        for c in self.cells:
            if c.kind == "test" and c.grade_id in (f"test_{exercise}", exercise):
                return c
        return None

    def by_grade_id(self) -> dict[str, SourceCell]:
        return {c.grade_id: c for c in self.cells if c.grade_id}


def _metadata(cell) -> dict:
    md = cell.get("metadata") if isinstance(cell, dict) else None
    return md if isinstance(md, dict) else {}


def _nbgrader_md(cell) -> dict:
    md = _metadata(cell).get("nbgrader")
    return md if isinstance(md, dict) else {}


def _source_text(cell) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def _kind(cell) -> str:
    md = _nbgrader_md(cell)
    tags = _metadata(cell).get("tags")
    tags = tags if isinstance(tags, list) else []
    if md.get("grade") and not md.get("solution"):
        return "test"
    if md.get("solution"):
        return "solution"
    if any(t in SKIP_TAGS for t in tags if isinstance(t, str)):
        return "demo"
    if md.get("locked"):
        return "locked"
    return "other"


def released_version(nb):
    """The student version nbgrader would release (solutions and hidden tests stripped, cells locked)."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions, ComputeChecksums, LockCells

    nb = copy.deepcopy(nb)
    resources: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for pre in (ClearSolutions, ClearHiddenTests, LockCells, ComputeChecksums):
            nb, resources = pre().preprocess(nb, resources)
    return nb


def load_source(path: Path, assignment: str | None = None) -> SourceNotebook:
    """Read an instructor source notebook (trusted) and precompute what grading needs from it."""
    from nbgrader.utils import compute_checksum

    path = Path(path)
    raw = path.read_bytes()
    nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    original = nb
    released = released_version(nb)
    cells = []
    for i, (orig, cell) in enumerate(zip(original.cells, released.cells)):
        kind = _kind(orig)
        md = _nbgrader_md(orig)
        gid = md.get("grade_id") if isinstance(md.get("grade_id"), str) else None
        checksum = compute_checksum(cell) if (gid and kind in ("test", "locked", "demo") and md) else None
        points = float(md.get("points", 0)) if kind == "test" else None
        cells.append(SourceCell(i, cell.cell_type, kind, gid, cell.get("id"), _source_text(cell), checksum, points))
    return SourceNotebook(assignment or path.parent.name, path.stem, tuple(cells), hashlib.sha256(raw).hexdigest())


# --------------------------------------------------------------------------------------------------
# submissions
# --------------------------------------------------------------------------------------------------
class UnreadableNotebook(ValueError):
    """The submitted file is not a notebook we can grade; the message says why (learner-facing)."""


def read_submission(raw: bytes):
    """Parse a submitted notebook's bytes defensively. Raises ``UnreadableNotebook`` with a learner-facing reason.

    The work is bounded before anything expensive runs: the size (``MAX_NOTEBOOK_BYTES``), then, after the plain
    JSON parse, the number of cells (``MAX_CELLS``); nbformat's conversion and validation only ever see a
    notebook within both limits, reduced to what planning reads (``_grading_view``: no outputs, since the worker
    runs the cells itself, and no metadata but nbgrader's and the tags), since validating hundreds of thousands of
    tiny outputs or metadata values would take seconds. The worst case the limits allow parses in well under a
    second (the sandbox README has the figures).
    """
    size = len(raw)
    if size > MAX_NOTEBOOK_BYTES:
        raise UnreadableNotebook(f"the notebook is {size / 2**20:.0f} MiB, larger than the "
                                 f"{MAX_NOTEBOOK_BYTES // 2**20} MiB accepted (clear large outputs and resubmit)")
    if not raw.strip():
        raise UnreadableNotebook("the notebook file is empty")
    cells = raw.count(b'"cell_type"')  # an upper bound on the cells, before parsing (escaped text never matches)
    if cells > MAX_CELLS:
        raise UnreadableNotebook(f"the notebook has {cells} cells, more than the {MAX_CELLS} accepted")
    values = raw.count(b",") + raw.count(b"[") + raw.count(b"{")
    if values > MAX_JSON_VALUES:
        raise UnreadableNotebook(f"the notebook holds about {values} JSON values, more than the {MAX_JSON_VALUES} "
                                 "accepted (clear large outputs and resubmit)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableNotebook(f"the notebook is not valid UTF-8 (byte {exc.start}); it may be corrupted") from None
    try:
        data = load_json(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise UnreadableNotebook(f"the notebook is not valid JSON{where}; it may be truncated or "
                                 "edited outside Jupyter") from None
    if not isinstance(data, dict) or not isinstance(data.get("nbformat"), int):
        raise UnreadableNotebook("the file is JSON but not a Jupyter notebook (no 'nbformat' field)")
    cells = _cell_count(data)
    if cells > MAX_CELLS:
        raise UnreadableNotebook(f"the notebook has {cells} cells, more than the {MAX_CELLS} accepted")
    chars = _grading_view(data)
    if chars > MAX_SOURCE_CHARS:
        raise UnreadableNotebook(f"the notebook's cells hold {chars / 2**20:.1f} MiB of text, more than the "
                                 f"{MAX_SOURCE_CHARS // 2**20} MiB accepted")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(json.dumps(data), as_version=4, capture_validation_error={})
    except Exception as exc:  # noqa: BLE001 - nbformat raises many types on garbage
        raise UnreadableNotebook(f"the notebook cannot be read as nbformat 4 ({type(exc).__name__})") from None
    if not isinstance(nb.get("cells"), list):
        raise UnreadableNotebook("the notebook has no list of cells")
    return nb


#: What planning reads of a cell (nbformat 4 and 3 keys); everything else is dropped before nbformat sees it.
_CELL_KEYS = ("cell_type", "id", "metadata", "source", "execution_count", "input", "language", "prompt_number",
              "level")
#: nbgrader's cell metadata that planning and its checksums read (scalars only).
_NBGRADER_KEYS = ("grade", "grade_id", "locked", "points", "schema_version", "solution", "task", "checksum")


def _grading_view(data: dict) -> int:
    """Reduce a parsed notebook (in place) to what the grader reads: each cell's type, id, source (a list of
    lines joined), nbgrader metadata (scalars) and tags; no outputs (the worker runs the cells itself), no
    attachments, no other metadata. nbformat's conversion and validation then cost little whatever the
    submission carried. Returns the number of characters of all the cells' sources."""
    data["metadata"] = {}
    chars = 0
    sheets = data.get("worksheets")
    groups = [data.get("cells")] + ([w.get("cells") for w in sheets if isinstance(w, dict)]
                                    if isinstance(sheets, list) else [])
    for cells in groups:
        for i, cell in enumerate(cells if isinstance(cells, list) else ()):
            if not isinstance(cell, dict):
                continue
            kept = {key: cell[key] for key in _CELL_KEYS if key in cell}
            for key in ("source", "input"):
                if isinstance(kept.get(key), list):
                    kept[key] = "".join(line for line in kept[key] if isinstance(line, str))
                chars += len(kept[key]) if isinstance(kept.get(key), str) else 0
            meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
            nbg, tags = meta.get("nbgrader"), meta.get("tags")
            kept["metadata"] = {}
            if isinstance(nbg, dict):
                kept["metadata"]["nbgrader"] = {k: nbg[k] for k in _NBGRADER_KEYS
                                                if isinstance(nbg.get(k), (str, int, float, bool))}
            if isinstance(tags, list):
                kept["metadata"]["tags"] = [t for t in tags[:100] if isinstance(t, str)]
            if cell.get("cell_type") == "code":
                kept["outputs"] = []
            cells[i] = kept
    return chars


def load_json(text: str):
    """``json.loads`` with the cyclic garbage collector paused: JSON makes no cycles, and hundreds of thousands
    of new containers would otherwise trigger collections that walk every object of the grading process (a
    parse of 0.05 s took 0.6 s that way)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return json.loads(text)
    finally:
        if paused:
            gc.enable()


def _cell_count(data: dict) -> int:
    """Cells of a parsed notebook, nbformat 4 (``cells``) or 3 (``worksheets[*].cells``)."""
    cells = data.get("cells")
    if isinstance(cells, list):
        return len(cells)
    sheets = data.get("worksheets")
    if isinstance(sheets, list):
        return sum(len(w["cells"]) for w in sheets if isinstance(w, dict) and isinstance(w.get("cells"), list))
    return 0


@dataclasses.dataclass(frozen=True)
class PlannedCell:
    key: str  # "c<submission position>" or "s<source position>" for a re-inserted locked cell
    label: str  # learner-facing: "cell 7 (sigmoid)"
    source: str
    grade_id: str | None


@dataclasses.dataclass
class CellPlan:
    run: list[PlannedCell]
    skipped_tests: int = 0
    skipped_demos: int = 0
    tampered: dict[str, str] = dataclasses.field(default_factory=dict)  # exercise -> reason
    notes: list[str] = dataclasses.field(default_factory=list)


def _checksum(cell) -> str | None:
    from nbgrader.utils import compute_checksum

    try:
        return compute_checksum(cell)
    except Exception:  # noqa: BLE001 - learner metadata of any shape
        return None


def plan_cells(nb, source: SourceNotebook | None) -> CellPlan:
    """Decide which cells of the submission run, in which order, with which text."""
    cells = [c for c in nb.cells if isinstance(c, dict)]
    plan = CellPlan(run=[])
    if source is None:
        plan.notes.append("no instructor source notebook: test and demo cells were recognised from the "
                          "submission's own metadata and no checksum could be verified")
        for i, cell in enumerate(cells):
            if cell.get("cell_type") != "code":
                continue
            kind = _kind(cell)
            if kind == "test":
                plan.skipped_tests += 1
            elif kind == "demo":
                plan.skipped_demos += 1
            else:
                gid = _nbgrader_md(cell).get("grade_id")
                plan.run.append(PlannedCell(f"c{i}", _label(i, gid), _source_text(cell),
                                            gid if isinstance(gid, str) else None))
        return plan

    by_gid = source.by_grade_id()
    demo_ids = {c.cell_id for c in source.cells if c.kind == "demo" and c.cell_id}
    demo_texts = {c.source.strip() for c in source.cells if c.kind == "demo" and c.source.strip()}
    test_texts = {c.source.strip() for c in source.cells if c.kind == "test" and c.source.strip()}
    emitted_locked: set[str] = set()
    present = {g for c in cells if isinstance(g := _nbgrader_md(c).get("grade_id"), str)}
    # Locked (non-test, non-demo) source cells the learner deleted are re-inserted where they belong.
    pending = [c for c in source.cells if c.kind == "locked" and c.cell_type == "code" and c.grade_id not in present]

    def flush(before_index: int) -> None:
        while pending and pending[0].index < before_index:
            sc = pending.pop(0)
            plan.run.append(PlannedCell(f"s{sc.index}", f"locked cell {sc.grade_id!r} (restored)", sc.source,
                                        sc.grade_id))

    for i, cell in enumerate(cells):
        gid = _nbgrader_md(cell).get("grade_id")
        gid = gid if isinstance(gid, str) else None
        sc = by_gid.get(gid) if gid else None
        if sc is not None:
            flush(sc.index)
        if cell.get("cell_type") != "code":
            continue
        text = _source_text(cell)
        if sc is not None:
            if sc.kind == "test":
                plan.skipped_tests += 1
            elif sc.kind == "demo":
                plan.skipped_demos += 1
            elif sc.kind == "locked":
                if gid not in emitted_locked and sc.cell_type == "code":
                    emitted_locked.add(gid)
                    plan.run.append(PlannedCell(f"c{i}", _label(i, gid), sc.source, gid))
            else:  # solution or a free cell the instructor named
                plan.run.append(PlannedCell(f"c{i}", _label(i, gid), text, gid))
            continue
        if (cell.get("id") in demo_ids) or (text.strip() and text.strip() in demo_texts):
            plan.skipped_demos += 1
            continue
        if text.strip() and text.strip() in test_texts:
            plan.skipped_tests += 1
            continue
        plan.run.append(PlannedCell(f"c{i}", _label(i, gid), text, gid))
    flush(len(source.cells) + 1)
    _check_tampering(cells, source, plan)
    return plan


def _label(i: int, gid: str | None) -> str:
    """Learner-facing name of a cell: "cell 7 (sigmoid)"; the grade_id is the submission's own metadata, so it
    goes through ``learner_text.label`` (at most ``MAX_LABEL_ID`` characters of letters, digits, ``_ - .``)."""
    return f"cell {i + 1} ({learner_text.label(gid, MAX_LABEL_ID)})" if gid else f"cell {i + 1}"


def _check_tampering(cells, source: SourceNotebook, plan: CellPlan) -> None:
    by_gid: dict[str, list] = {}
    for cell in cells:
        gid = _nbgrader_md(cell).get("grade_id")
        if isinstance(gid, str):
            by_gid.setdefault(gid, []).append(cell)
    for sc in source.cells:
        if sc.kind not in ("test", "locked") or not sc.grade_id or sc.checksum is None:
            continue
        copies = by_gid.get(sc.grade_id, [])
        if any(_checksum(c) == sc.checksum for c in copies):
            reason = None
            if len(copies) > 1:
                plan.notes.append(f"the locked cell {sc.grade_id!r} appears {len(copies)} times; "
                                  "the original was used once")
        elif not copies:
            reason = "was deleted"
        elif all(c.get("cell_type") != sc.cell_type for c in copies):
            reason = f"was turned into a {learner_text.label(copies[0].get('cell_type'), 20)} cell"
        else:
            reason = "was modified"
        if not copies or not any(_checksum(c) == sc.checksum for c in copies):
            if sc.kind == "test":
                exercise = sc.grade_id.removeprefix("test_")
                plan.tampered[exercise] = f"its test cell {sc.grade_id!r} {reason}"
            else:
                plan.notes.append(f"the locked cell {sc.grade_id!r} {reason}; the original was run instead")
