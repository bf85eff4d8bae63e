"""Finding submissions, fingerprinting the grader, and storing one result file per submission atomically.

Layout of the store (inside the grading output directory)::

    OUT_DIR/submissions/<student_id>/<assignment>.json

Each file is written to a temporary file in the same folder and moved into place with ``os.replace``, so a file
that exists is always complete, whatever interrupts the run. A stored result is reused when its ``key`` equals the
key of the submission now on disk: the SHA-256 of the submission's files and of the grader's fingerprint (the
code of the autograder and of the answer key, the instructor's source notebooks of that assignment, and the
grading configuration). Changing any of them regrades.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .records import SubmissionResult, SubmissionTask

__all__ = ["ResultStore", "atomic_write_text", "discover_submissions", "fingerprint", "read_task"]

IGNORED_PARTS = (".ipynb_checkpoints", "__pycache__", ".DS_Store")
#: Bump when the meaning of stored results changes without any hashed file changing.
STORE_FORMAT = "1"


def _files_under(folder: Path) -> list[Path]:
    return sorted(
        path for path in folder.rglob("*")
        if path.is_file() and not any(part in IGNORED_PARTS for part in path.relative_to(folder).parts)
    )


def discover_submissions(submitted_dir: Path, assignments: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(student_id, assignment) of every ``submitted/<student>/<assignment>/`` holding at least one notebook."""
    submitted_dir = Path(submitted_dir)
    wanted = set(assignments) if assignments else None
    found = []
    for student in sorted(p for p in submitted_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for assignment in sorted(p for p in student.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if wanted is not None and assignment.name not in wanted:
                continue
            if any(assignment.glob("*.ipynb")):
                found.append((student.name, assignment.name))
    return found


def fingerprint(*, packages: Iterable[Path], source_files: Iterable[Path], config_text: str) -> str:
    """SHA-256 of the grader's code, the instructor's source files and the configuration (as text)."""
    digest = hashlib.sha256(f"store-format {STORE_FORMAT}\n".encode())
    for package in packages:
        for path in _files_under(Path(package)):
            if path.suffix in (".py", ".json", ".npz", ".csv"):
                digest.update(f"{path.name}\0".encode())
                digest.update(path.read_bytes())
    for path in sorted(Path(p) for p in source_files):
        digest.update(f"{path.name}\0".encode())
        digest.update(path.read_bytes())
    digest.update(config_text.encode())
    return digest.hexdigest()


def read_task(submitted_dir: Path, student_id: str, assignment: str, grader_fingerprint: str,
              expected: tuple[str, ...] = ()) -> SubmissionTask:
    """Read one submission folder into a task whose key hashes its files and the grader fingerprint."""
    folder = Path(submitted_dir) / student_id / assignment
    files = tuple((path.relative_to(folder).as_posix(), path.read_bytes()) for path in _files_under(folder))
    digest = hashlib.sha256(grader_fingerprint.encode())
    for name, content in files:
        digest.update(f"\0{name}\0{len(content)}\0".encode())
        digest.update(content)
    return SubmissionTask(student_id=student_id, assignment=assignment, files=files, key=digest.hexdigest(),
                          expected=tuple(expected))


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a part of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


class ResultStore:
    """One JSON file per submission under ``root`` (``<student>/<assignment>.json``)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, student_id: str, assignment: str) -> Path:
        return self.root / student_id / f"{assignment}.json"

    def save(self, result: SubmissionResult) -> Path:
        path = self.path(result.student_id, result.assignment)
        atomic_write_text(path, result.to_json())
        return path

    def load(self, student_id: str, assignment: str) -> SubmissionResult | None:
        """The stored result, or None when there is none or it cannot be read (it is then regraded)."""
        try:
            return SubmissionResult.from_json(self.path(student_id, assignment).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def is_current(self, task: SubmissionTask) -> bool:
        stored = self.load(task.student_id, task.assignment)
        return stored is not None and stored.key == task.key

    def all(self) -> list[SubmissionResult]:
        results = []
        if self.root.is_dir():
            for path in sorted(self.root.glob("*/*.json")):
                result = self.load(path.parent.name, path.stem)
                if result is not None:
                    results.append(result)
        return results
