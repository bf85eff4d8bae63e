"""Finding submissions without trusting them, fingerprinting the grader, and the resumable store of results.

Discovery (``discover_submissions``, ``read_task``) reads ``submitted/<student>/<assignment>/`` as hostile input:
every entry is ``lstat``-ed and opened relative to its already-opened parent with ``O_NOFOLLOW`` (a path cannot
be swapped for a link between the check and the read); a symbolic link at any level (student folder, assignment
folder, any file), a FIFO, a socket or a device refuses the whole submission; so does a file over
``MAX_FILE_BYTES``, a folder over ``MAX_SUBMISSION_BYTES`` or ``MAX_FILES`` files, all checked from ``lstat``
BEFORE anything is read. Names starting with a dot (``.ipynb_checkpoints``, ``.git``) are never read. A refused
submission still gets its rows (``error``, with the reason), and the rest of the class is graded.

The store (``ResultStore``) keeps one JSON file per submission, ``OUT_DIR/submissions/<student>/<assignment>.json``,
written atomically (temporary file + ``os.replace``), with an HMAC-SHA256 digest under a key that only the grading
process reads (``OUT_DIR/submissions/.store-key``, mode 0600; no worker ever sees the output folder or receives
the key). A stored result is reused when its digest verifies AND its ``key`` equals the submission's content key
(the SHA-256 of its files and of the grader's fingerprint: the code of the autograder and of the answer key, the
instructor's source notebooks, the configuration). A result that fails verification was changed by someone else:
it is regraded and reported.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from autograder import learner_text

from .records import SubmissionResult, SubmissionTask

__all__ = ["Found", "Refused", "ResultStore", "atomic_write_text", "discover_submissions", "fingerprint",
           "read_folder", "read_regular", "read_submission_files", "read_task"]

#: Bump when the meaning of stored results changes without any hashed file changing.
STORE_FORMAT = "2"
MAX_FILE_BYTES = 20 * 2**20  # the largest notebook the sandbox accepts
MAX_SUBMISSION_BYTES = 50 * 2**20
MAX_FILES = 200
MAX_DEPTH = 4
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class Refused(Exception):
    """A submission folder that is not graded; the message (learner-facing) says why."""


@dataclasses.dataclass(frozen=True)
class Found:
    """A submission folder found by discovery; ``refused`` says why it will not be read (else empty)."""

    student_id: str
    assignment: str
    refused: str = ""


# --------------------------------------------------------------------------------------------------
# discovery
# --------------------------------------------------------------------------------------------------
def _shown(name: str) -> str:
    """A learner-chosen file name (a path inside the submission) as it may appear in a message: each part
    through ``learner_text.label`` (letters, digits, ``_ - .``, the rest ``?``, bounded), quoted."""
    return "'" + "/".join(learner_text.label(part, 60) for part in name.split("/")[:4]) + "'"


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _entries(dir_fd: int) -> list[tuple[str, os.stat_result]]:
    """(name, lstat) of every entry of an open folder whose name does not start with a dot, sorted by name."""
    with os.scandir(dir_fd) as scan:
        names = sorted(entry.name for entry in scan if not entry.name.startswith("."))
    return [(name, os.stat(name, dir_fd=dir_fd, follow_symlinks=False)) for name in names]


def discover_submissions(submitted_dir: Path, assignments: Iterable[str] | None = None,
                         known: Iterable[str] = ()) -> list[Found]:
    """Every ``submitted/<student>/<assignment>/`` (``Found``), sorted, found without following any link: a folder
    holding a notebook, or named like a ``known`` assignment (an empty one is graded: every notebook missing).
    A student folder that is a symbolic link is refused for each assignment the rest of the class submitted;
    an assignment folder that is one is refused."""
    wanted = set(assignments) if assignments else None
    known = set(known)
    found: list[Found] = []
    linked_students: list[str] = []
    top = os.open(Path(submitted_dir), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for student, st in _entries(top):
            if stat.S_ISLNK(st.st_mode):
                linked_students.append(student)
                continue
            if not stat.S_ISDIR(st.st_mode):
                continue
            try:
                student_fd = os.open(student, _OPEN_DIR, dir_fd=top)
            except OSError:
                continue
            try:
                for assignment, ast in _entries(student_fd):
                    if wanted is not None and assignment not in wanted:
                        continue
                    if stat.S_ISLNK(ast.st_mode):
                        found.append(Found(student, assignment, "the assignment folder is a symbolic link; "
                                                                "submit the folder itself"))
                    elif stat.S_ISDIR(ast.st_mode) and (assignment in known
                                                        or _holds_notebook(student_fd, assignment)):
                        found.append(Found(student, assignment))
            finally:
                os.close(student_fd)
    finally:
        os.close(top)
    names = sorted({f.assignment for f in found} | (wanted or set()))
    for student in linked_students:
        found += [Found(student, a, "the student folder is a symbolic link; submit the folder itself")
                  for a in names]
    return sorted(found, key=lambda f: (f.student_id, f.assignment))


def _holds_notebook(parent_fd: int, name: str) -> bool:
    try:
        fd = os.open(name, _OPEN_DIR, dir_fd=parent_fd)
    except OSError:
        return False
    try:
        with os.scandir(fd) as scan:
            return any(e.name.endswith(".ipynb") and not e.name.startswith(".") for e in scan)
    finally:
        os.close(fd)


def read_task(submitted_dir: Path, found: Found, grader_fingerprint: str,
              expected: tuple[str, ...] = ()) -> SubmissionTask:
    """Read one submission folder into a task whose key hashes its files and the grader fingerprint; a folder
    that breaks a rule of the module docstring becomes a refused task (no files, the reason)."""
    refused = found.refused
    files: tuple[tuple[str, bytes], ...] = ()
    if not refused:
        try:
            files = tuple(read_submission_files(Path(submitted_dir), found.student_id, found.assignment))
        except Refused as exc:
            refused = str(exc)
    digest = hashlib.sha256(grader_fingerprint.encode())
    digest.update(f"\0refused\0{refused}".encode("utf-8", "surrogateescape"))
    for name, content in files:
        digest.update(f"\0{name}\0{len(content)}\0".encode("utf-8", "surrogateescape"))
        digest.update(content)
    return SubmissionTask(student_id=found.student_id, assignment=found.assignment, files=files,
                          key=digest.hexdigest(), expected=tuple(expected),
                          refused=f"this submission was not graded: {refused}" if refused else "")


def read_submission_files(submitted_dir: Path, student: str, assignment: str) -> list[tuple[str, bytes]]:
    """(relative path, bytes) of every file of ``submitted_dir/student/assignment/`` that discovery accepts (see
    the module docstring); ``Refused`` (its message says why) when the folder breaks a rule."""
    top = os.open(submitted_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fds = []
        try:
            for name, what in ((student, "the student folder"), (assignment, "the assignment folder")):
                try:
                    fds.append(os.open(name, _OPEN_DIR, dir_fd=fds[-1] if fds else top))
                except OSError as exc:
                    raise Refused(f"{what} cannot be opened as a plain folder ({exc.strerror})") from None
            return _read_open_folder(fds[-1])
        finally:
            for fd in fds:
                os.close(fd)
    finally:
        os.close(top)


def read_folder(folder: Path) -> list[tuple[str, bytes]]:
    """(relative path, bytes) of every file under ``folder`` (itself not a link), read with the rules of
    submission folders (the module docstring): a Gradescope upload is read exactly like ``submitted/``'s."""
    try:
        fd = os.open(folder, _OPEN_DIR)
    except OSError as exc:
        raise Refused(f"the submission folder cannot be opened as a plain folder ({exc.strerror})") from None
    try:
        return _read_open_folder(fd)
    finally:
        os.close(fd)


def _read_open_folder(dir_fd: int) -> list[tuple[str, bytes]]:
    budget = {"bytes": MAX_SUBMISSION_BYTES, "files": MAX_FILES}
    out: list[tuple[str, bytes]] = []
    _read_tree(dir_fd, "", 0, budget, out)
    return out


def _read_tree(dir_fd: int, prefix: str, depth: int, budget: dict, out: list) -> None:
    for name, st in _entries(dir_fd):
        rel = prefix + name
        if stat.S_ISDIR(st.st_mode):
            if depth + 1 >= MAX_DEPTH:
                raise Refused(f"{_shown(rel)} is nested more than {MAX_DEPTH} folders deep")
            try:
                fd = os.open(name, _OPEN_DIR, dir_fd=dir_fd)
            except OSError as exc:
                raise Refused(f"the folder {_shown(rel)} cannot be opened ({exc.strerror})") from None
            try:
                _read_tree(fd, rel + "/", depth + 1, budget, out)
            finally:
                os.close(fd)
            continue
        if not stat.S_ISREG(st.st_mode):
            raise Refused(f"{_shown(rel)} is {_kind(st.st_mode)}; submit plain files only")
        if st.st_size > MAX_FILE_BYTES:
            raise Refused(f"{_shown(rel)} is {_size(st.st_size)}, over the {_size(MAX_FILE_BYTES)} limit for one "
                          "file")
        budget["files"] -= 1
        budget["bytes"] -= st.st_size
        if budget["files"] < 0:
            raise Refused(f"the folder holds more than {MAX_FILES} files")
        if budget["bytes"] < 0:
            raise Refused(f"the folder holds more than {_size(MAX_SUBMISSION_BYTES)}, the limit for one submission")
        try:
            out.append((rel, read_regular(name, MAX_FILE_BYTES, dir_fd=dir_fd)))
        except (OSError, ValueError) as exc:
            raise Refused(f"{_shown(rel)} cannot be read as a plain file ({exc})") from None


def read_regular(path: str | Path, cap: int, dir_fd: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes, opened without following a link and without
    blocking (a FIFO put in its place is refused, never waited on); ValueError otherwise."""
    fd = os.open(path, _OPEN_FILE, dir_fd=dir_fd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"it is {_kind(st.st_mode)}")
        if st.st_size > cap:
            raise ValueError(f"it is {_size(st.st_size)}, over {_size(cap)}")
        chunks, total = [], 0
        while chunk := os.read(fd, min(1 << 20, cap + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise ValueError(f"it grew over {_size(cap)} while being read")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _size(n: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


# --------------------------------------------------------------------------------------------------
# the grader's fingerprint
# --------------------------------------------------------------------------------------------------
def _files_under(folder: Path) -> list[Path]:
    return sorted(path for path in Path(folder).rglob("*")
                  if path.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                                for part in path.relative_to(folder).parts))


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


# --------------------------------------------------------------------------------------------------
# the store
# --------------------------------------------------------------------------------------------------
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
    """One digest-protected JSON file per submission under ``root`` (``<student>/<assignment>.json``).

    ``state(task)`` says what a rerun does with a submission: ``"current"`` (stored, verified, same content
    key: skip it), ``"stale"`` (the submission or the grader changed), ``"absent"`` or ``"forged"`` (the stored
    file does not verify: someone other than the grader wrote it).
    """

    KEY_NAME = ".store-key"
    MAX_RESULT_BYTES = 16 * 2**20

    def __init__(self, root: Path):
        self.root = Path(root)
        self._key: bytes | None = None

    def path(self, student_id: str, assignment: str) -> Path:
        return self.root / student_id / f"{assignment}.json"

    def _secret(self) -> bytes:
        """The store's key: read once, made on first use (32 random bytes, mode 0600, never a link)."""
        if self._key is None:
            self.root.mkdir(parents=True, exist_ok=True)
            path = self.root / self.KEY_NAME
            try:
                key = read_regular(path, 64)
            except FileNotFoundError:
                key = b""
            except (OSError, ValueError):  # not a plain file: whatever it is, results signed with it are void
                os.unlink(path)
                key = b""
            if len(key) != 32:
                key = secrets.token_bytes(32)
                fd, tmp = tempfile.mkstemp(prefix=".store-key.", dir=self.root)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(key)
                os.replace(tmp, path)
            self._key = key
        return self._key

    def _digest(self, plain: dict) -> str:
        text = json.dumps(plain, sort_keys=True, separators=(",", ":"))
        return hmac.new(self._secret(), text.encode("utf-8"), hashlib.sha256).hexdigest()

    def save(self, result: SubmissionResult) -> Path:
        plain = result.to_plain()
        path = self.path(result.student_id, result.assignment)
        atomic_write_text(path, json.dumps({"format": STORE_FORMAT, "digest": self._digest(plain),
                                            "result": plain}, indent=1, sort_keys=True))
        return path

    def read(self, student_id: str, assignment: str) -> tuple[SubmissionResult | None, str]:
        """(the stored result, "ok") when it verifies; (None, "absent") or (None, "forged") otherwise."""
        try:
            raw = read_regular(self.path(student_id, assignment), self.MAX_RESULT_BYTES)
        except FileNotFoundError:
            return None, "absent"
        except (OSError, ValueError):
            return None, "forged"
        try:
            data = json.loads(raw.decode("utf-8"))
            plain = data["result"]
            if data.get("format") != STORE_FORMAT:
                return None, "absent"  # written by another version of the grader: simply regraded
            if not hmac.compare_digest(str(data["digest"]), self._digest(plain)):
                return None, "forged"
            result = SubmissionResult.from_plain(plain)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None, "forged"
        if (result.student_id, result.assignment) != (student_id, assignment):
            return None, "forged"
        return result, "ok"

    def load(self, student_id: str, assignment: str) -> SubmissionResult | None:
        """The stored result when it verifies, else None (it is then regraded)."""
        return self.read(student_id, assignment)[0]

    def state(self, task: SubmissionTask) -> str:
        result, state = self.read(task.student_id, task.assignment)
        if result is None:
            return state
        return "current" if result.key == task.key else "stale"
