"""Which grader produced a result: a fingerprint computed in the process that did the grading.

A grade depends on the grader's code (``autograder``), the answer key (``course_lib``), the instructor's source
notebooks of the assignment and the grading configuration. On a Dask cluster each worker grades with whatever its
own machine has installed, so a worker with a stale answer key would flip grades without a word. Therefore every
result carries ``Provenance``: the fingerprint of those four things computed where the result was made, and the
name of the process that made it (a Dask worker's address, else host and process id). The client computes the same
fingerprint from its own files and refuses a result whose fingerprint differs (``check``): it is not stored, the
worker is reported by name, and the submission is graded again elsewhere.

The fingerprint is a SHA-256 over the files' names and bytes (``.py``, ``.json``, ``.npz``, ``.csv`` of the
packages; every source notebook of the assignment) and the configuration's text; it is cached per process and
recomputed whenever any of those files' size or modification time changes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import socket
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["Provenance", "Refusal", "check", "grader_fingerprint", "grader_packages", "stamp", "worker_name"]

#: Bump when the meaning of a fingerprint changes without any hashed file changing.
FORMAT = "grader-fingerprint 1"
HASHED_SUFFIXES = (".py", ".json", ".npz", ".csv")
IGNORED_PARTS = ("__pycache__", ".ipynb_checkpoints")


@dataclasses.dataclass(frozen=True)
class Provenance:
    """Where and with what a result was graded: ``fingerprint`` (SHA-256 hex), ``worker`` (a name for people)
    and ``address`` (the Dask worker's address, "" outside Dask)."""

    fingerprint: str
    worker: str
    address: str = ""

    def to_plain(self) -> dict[str, str]:
        return dataclasses.asdict(self)

    @classmethod
    def from_plain(cls, data: Any) -> Provenance | None:
        if not isinstance(data, dict):
            return None
        values = [data.get(k, "") for k in ("fingerprint", "worker", "address")]
        if not all(isinstance(v, str) for v in values):
            return None
        return cls(*values)


def grader_packages() -> list[Path]:
    """The folders of the code a grade depends on, as imported by THIS process: the autograder and the key."""
    import autograder

    packages = [Path(autograder.__file__).resolve().parent]
    try:
        import course_lib

        packages.append(Path(course_lib.__file__).resolve().parent)
    except ImportError:  # pragma: no cover - an instructor install always has it
        pass
    return packages


def _hashed_files(packages: Iterable[Path], source_files: Iterable[Path]) -> list[Path]:
    files = []
    for package in packages:
        for path in sorted(Path(package).rglob("*")):
            rel = path.relative_to(package).parts
            if path.suffix in HASHED_SUFFIXES and path.is_file() and not any(p in IGNORED_PARTS for p in rel):
                files.append(path)
    files.extend(sorted(Path(p) for p in source_files))
    return files


def _stat_key(files: Sequence[Path]) -> tuple:
    key = []
    for path in files:
        try:
            st = path.stat()
            key.append((str(path), st.st_size, st.st_mtime_ns))
        except OSError:
            key.append((str(path), -1, -1))
    return tuple(key)


@functools.lru_cache(maxsize=32)
def _digest(stat_key: tuple, roots: tuple[str, ...], config_text: str) -> str:
    """SHA-256 of the files named in ``stat_key`` (by their path relative to their root) and the config text."""
    digest = hashlib.sha256(f"{FORMAT}\n".encode())
    for path_text, _, _ in stat_key:
        path = Path(path_text)
        root = next((r for r in roots if path_text.startswith(r + os.sep)), None)
        name = os.path.relpath(path, Path(root).parent) if root else path.name
        digest.update(f"{name}\0".encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0unreadable\0")
    digest.update(config_text.encode())
    return digest.hexdigest()


def grader_fingerprint(config: Any, assignment: str, packages: Sequence[Path] | None = None) -> str:
    """The fingerprint of the grader that this process would grade ``assignment`` with under ``config``.

    Files are named in the hash by their path inside their package (``course_lib/network.py``), so the same code
    installed at two different places has the same fingerprint; source notebooks by their file name.
    """
    packages = [Path(p).resolve() for p in (packages if packages is not None else grader_packages())]
    if dataclasses.is_dataclass(config) and hasattr(config, "hide_paths"):
        config = dataclasses.replace(config, hide_paths=())  # which folders are hidden changes no correct grade
    source_dir = getattr(config, "source_dir", None)
    sources = sorted((Path(source_dir) / assignment).glob("*.ipynb")) if source_dir else []
    files = _hashed_files(packages, sources)
    return _digest(_stat_key(files), tuple(str(p) for p in packages), repr(config))


def worker_name() -> tuple[str, str]:
    """This process as an instructor would look for it, and its Dask address: ("name (tcp://...)", "tcp://...")
    on a Dask worker, else ("host pid N", "")."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return f"{socket.gethostname()} pid {os.getpid()}", ""
    name = str(worker.name)
    return (worker.address if name == worker.address else f"{name} ({worker.address})"), worker.address


def stamp(config: Any, assignment: str) -> Provenance:
    """The provenance of a result graded here and now (call it in the process that grades)."""
    name, address = worker_name()
    return Provenance(fingerprint=grader_fingerprint(config, assignment), worker=name, address=address)


@dataclasses.dataclass(frozen=True)
class Refusal:
    """A result refused because the grader that produced it is not the client's."""

    student_id: str
    assignment: str
    worker: str
    theirs: str  # the worker's fingerprint ("" when the result carried none)
    ours: str
    address: str = ""

    def message(self) -> str:
        theirs = self.theirs[:12] if self.theirs else "none"
        return (f"worker {self.worker} graded {self.student_id}/{self.assignment} with a different grader or "
                f"answer key (fingerprint {theirs}, this machine's {self.ours[:12]}): result refused")


def check(provenance: Provenance | None, expected: str, student_id: str, assignment: str) -> Refusal | None:
    """None when ``provenance`` proves the result was graded with the fingerprint ``expected``."""
    if provenance is not None and provenance.fingerprint == expected:
        return None
    return Refusal(student_id=student_id, assignment=assignment,
                   worker=provenance.worker if provenance is not None else "unknown",
                   theirs=provenance.fingerprint if provenance is not None else "", ours=expected,
                   address=provenance.address if provenance is not None else "")
