"""The student bundle: ``autograder release OUT_DIR``.

What a class receives, and all it needs to work through the course and check its answers::

    OUT_DIR/
      README.md                       how to install the checker and start
      notebooks/<assignment>/...      nbgrader's student version of every source notebook (generate_assignment)
      data/                           the course data (the notebooks find it by walking up from their folder)
      checker/                        an installable package ``autograder`` holding ONLY the public runtime
      wheels/<checker>.whl            the same, built, so that it installs offline

The checker is the engine's public half: the modules that ``autograder/__init__.py``, ``autograder.public`` and
``autograder.learner_cli`` import (found by reading their imports, so a module the engine adds is picked up) and
``public_data/``, with a console script ``autograder`` whose only subcommand is ``check`` (``autograder check
NOTEBOOK`` runs the public checks of a whole notebook). It never contains the answer key (course_lib) or any
instructor module (exercises, registry, hidden tests, sandbox, classroom, publicgen, cli): ``public_modules``
refuses to build a bundle where a public module imports one at import time.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from autograder.sandbox.config import HIDDEN_MODULES

__all__ = ["CHECKER_NAME", "CONSOLE_SCRIPT", "INSTRUCTOR_MODULES", "ReleaseReport", "build_release", "public_modules"]

#: Top-level names under ``autograder`` that never ship to learners: the instructor side
#: (``autograder.sandbox.config.HIDDEN_MODULES``, the one list) and the sandbox, which only graders need.
INSTRUCTOR_MODULES = tuple(dict.fromkeys(
    [m.split(".")[1] for m in HIDDEN_MODULES if m.startswith("autograder.") and m.count(".") == 1] + ["sandbox"]))
#: Where the learner-facing closure starts: the notebook API, the learner's command line (``autograder
#: check``, which needs ``api``'s public-case path) and the figures learners re-run (diagrams).
ENTRY_MODULES = ("__init__", "public", "learner_cli", "diagrams")
#: The bundle's console script: ``autograder check NOTEBOOK`` without the answer key.
CONSOLE_SCRIPT = "autograder = autograder.learner_cli:main"
#: What the checker needs besides the standard library (the notebooks themselves need more: see the README).
CHECKER_DEPENDENCIES = ("numpy>=1.26", "pandas>=2.1", "scikit-learn>=1.4", "nbformat>=5.9", "nbclient>=0.10",
                        "ipykernel>=6.29")
CHECKER_NAME = "nn-course-checker"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".DS_Store")


class LeakError(RuntimeError):
    """A public module imports an instructor module (or the answer key) when it is imported."""


def _imports(path: Path, package: str) -> list[tuple[str, bool]]:
    """(top-level name under ``autograder``, or ``course_lib``; imported at import time?) for one module file.

    ``package`` is the dotted package the module lives in (``autograder`` for ``autograder/public.py``).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    at_import_time = set()
    for node in tree.body:  # module level, including module-level if/try blocks (not `if __name__ == ...`)
        if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
            continue
        if isinstance(node, (ast.If, ast.Try, ast.Import, ast.ImportFrom)):
            at_import_time.update(id(n) for n in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
                names = [f"{target}.{a.name}" for a in node.names] if node.module is None else [target]
            else:
                names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "course_lib":
                found.append(("course_lib", id(node) in at_import_time))
            elif parts[0] == "autograder" and len(parts) > 1:
                found.append((parts[1], id(node) in at_import_time))
    return found


def public_modules(package_dir: Path) -> tuple[list[str], list[str]]:
    """The modules of the public runtime (top-level names under ``autograder``) and notes on lazy imports.

    Follows imports from ``ENTRY_MODULES``. An import of an instructor module or of course_lib that runs when a
    public module is imported raises ``LeakError``; one inside a function (an instructor convenience, e.g. a
    ``__main__`` block that regenerates the data files) is left out of the bundle and reported as a note.
    """
    package_dir = Path(package_dir)
    seen: list[str] = []
    notes: list[str] = []
    queue = [m for m in ENTRY_MODULES if (package_dir / f"{m}.py").is_file()]
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.append(name)
        path = package_dir / f"{name}.py" if (package_dir / f"{name}.py").is_file() else package_dir / name / "__init__.py"
        for target, eager in _imports(path, "autograder"):
            if target in INSTRUCTOR_MODULES or target == "course_lib":
                if eager:
                    raise LeakError(f"autograder.{name} imports {target} when it is imported: the student "
                                    "bundle would need the instructor side")
                notes.append(f"autograder.{name} imports {target} inside a function; left out of the bundle")
            elif (package_dir / f"{target}.py").is_file() or (package_dir / target / "__init__.py").is_file():
                queue.append(target)
    return seen, notes


@dataclasses.dataclass
class ReleaseReport:
    out_dir: Path
    assignments: list[str]
    modules: list[str]
    wheel: Path | None
    notes: list[str]


def _course_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nn-from-scratch-course")
    except PackageNotFoundError:  # pragma: no cover
        return "0.0.0"


def _generate_student_notebooks(source_dir: Path, assignments: Sequence[str], config_file: Path | None,
                                out: Path) -> None:
    """nbgrader's generate_assignment (its Python API, in this process) for each assignment, in a throw-away
    course directory that gets the course's nbgrader_config.py (so stubs and options are the instructor's)."""
    from .nbgrader_io import load_course

    with tempfile.TemporaryDirectory(prefix="release-course-") as tmp:
        course = Path(tmp)
        if config_file is not None and config_file.is_file():
            shutil.copy2(config_file, course / "nbgrader_config.py")
        else:
            (course / "nbgrader_config.py").write_text("c = get_config()\n")
        info = load_course(course)
        if info.root.resolve() != course.resolve():  # a config that pins its root elsewhere: pin it here
            with open(course / "nbgrader_config.py", "a", encoding="utf-8") as handle:
                handle.write(f"\nc.CourseDirectory.root = {str(course)!r}\n")
            info = load_course(course)
        source, release = info.folder("source"), info.folder("release")
        for assignment in assignments:
            shutil.copytree(source_dir / assignment, source / assignment, ignore=IGNORE)
        from nbgrader.apps import NbGraderAPI

        api = NbGraderAPI(coursedir=info.coursedir, config=info.coursedir.config)
        for assignment in assignments:
            outcome = api.generate_assignment(assignment, force=True)
            if not outcome.get("success"):
                raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n"
                                   f"{outcome.get('error', '')}{outcome.get('log', '')}")
            shutil.copytree(release / assignment, out / assignment, ignore=IGNORE)


def _write_checker(package_dir: Path, modules: Sequence[str], checker: Path, version: str) -> None:
    target = checker / "autograder"
    target.mkdir(parents=True)
    for name in modules:
        if (package_dir / f"{name}.py").is_file():
            shutil.copy2(package_dir / f"{name}.py", target / f"{name}.py")
        else:
            shutil.copytree(package_dir / name, target / name, ignore=IGNORE)
    has_data = (package_dir / "public_data").is_dir()
    package_data = '"public_data/*"' if has_data else ""
    if has_data:
        shutil.copytree(package_dir / "public_data", target / "public_data", ignore=IGNORE)
    (checker / "pyproject.toml").write_text(
        "[build-system]\n"
        'requires = ["setuptools>=61"]\n'
        'build-backend = "setuptools.build_meta"\n\n'
        "[project]\n"
        f'name = "{CHECKER_NAME}"\n'
        f'version = "{version}"\n'
        'description = "Public checks for the course neural networks from scratch in NumPy (no answer key)"\n'
        'requires-python = ">=3.10"\n'
        f"dependencies = {json.dumps(list(CHECKER_DEPENDENCIES))}\n\n"
        "[project.scripts]\n"
        f'{CONSOLE_SCRIPT.split(" = ")[0]} = "{CONSOLE_SCRIPT.split(" = ")[1]}"\n\n'
        "[tool.setuptools]\n"
        'packages = ["autograder"]\n\n'
        "[tool.setuptools.package-data]\n"
        f"autograder = [{package_data}]\n",
        encoding="utf-8",
    )
    (checker / "README.md").write_text(
        "# Checker for the course's notebooks\n\n`from autograder import check` then `check(my_function)` in a "
        "notebook runs the public checks of that exercise\nand explains what is wrong. It holds no solution.\n",
        encoding="utf-8",
    )


def _build_wheel(checker: Path, wheels: Path, version: str) -> Path:
    """A pure-Python wheel (PEP 427) of ``checker/autograder``, written directly with zipfile.

    Building through pip would need a build backend able to make wheels offline in the instructor's
    environment, which it may lack (setuptools without the ``wheel`` package); the format is simple enough
    to write: the files, then ``METADATA``, ``WHEEL`` and a ``RECORD`` of SHA-256 digests.
    """
    import base64
    import hashlib
    import zipfile

    dist = CHECKER_NAME.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    wheels.mkdir(parents=True, exist_ok=True)
    path = wheels / f"{dist}-{version}-py3-none-any.whl"
    metadata = (f"Metadata-Version: 2.1\nName: {CHECKER_NAME}\nVersion: {version}\n"
                "Summary: Public checks for the course neural networks from scratch in NumPy (no answer key)\n"
                "Requires-Python: >=3.10\n" + "".join(f"Requires-Dist: {d}\n" for d in CHECKER_DEPENDENCIES))
    wheel_file = "Wheel-Version: 1.0\nGenerator: autograder-release\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries = [(f.relative_to(checker).as_posix(), f.read_bytes())
               for f in sorted((checker / "autograder").rglob("*")) if f.is_file()]
    entries += [(f"{info}/METADATA", metadata.encode()), (f"{info}/WHEEL", wheel_file.encode()),
                (f"{info}/top_level.txt", b"autograder\n"),
                (f"{info}/entry_points.txt", f"[console_scripts]\n{CONSOLE_SCRIPT}\n".encode())]
    record = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
            digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(content)}")
        record.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return path


STUDENT_README = """\
# Neural networks from scratch in NumPy: student bundle

## Set up (once)

You need Python {python} or newer. From this folder:

```bash
python3 -m venv .venv
.venv/bin/python -m pip install numpy pandas scikit-learn matplotlib mlxtend jupyterlab
.venv/bin/python -m pip install wheels/*.whl        # the checker (works offline)
.venv/bin/jupyter lab notebooks
```

(On Windows use `.venv\\Scripts\\` instead of `.venv/bin/`.)

## Work through the lessons

Each folder in `notebooks/` is one lesson: {assignments}.
Write your code where it says `# YOUR CODE HERE`, then run the cell below it: `check(name)` tells you
whether your function is right, and if not, what differs and what the usual mistake behind it is. From a
terminal, `.venv/bin/autograder check notebooks/<lesson>/<lesson>.ipynb` runs the notebook and checks every
exercise in it (a table of scores). The checks you
see run on fixed examples; your instructor grades with more (hidden) examples, so a function that is right in
general passes both.

`data/` holds the data sets the notebooks read; leave it next to `notebooks/`.
"""


def build_release(
    out_dir: Path,
    *,
    source_dir: Path | None = None,
    data_dir: Path | None = None,
    config_file: Path | None = None,
    assignments: Sequence[str] | None = None,
    wheel: bool = True,
) -> ReleaseReport:
    """Write the student bundle to ``out_dir`` (which must not exist or be empty); see the module docstring.

    Defaults come from the nbgrader course around the current directory (its ``nbgrader_config.py`` and
    source folder) and the ``data/`` folder next to it.
    """
    import autograder

    from .nbgrader_io import find_course_dir, load_course

    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} exists and is not empty; choose a new folder")
    course_dir = find_course_dir(Path.cwd())
    if config_file is None and course_dir is not None:
        config_file = course_dir / "nbgrader_config.py"
    if source_dir is None:
        if course_dir is None:
            raise FileNotFoundError("no source notebooks: pass source_dir or run inside an nbgrader course")
        source_dir = load_course(course_dir).folder("source")
    source_dir = Path(source_dir)
    if data_dir is None and course_dir is not None and (course_dir / "data").is_dir():
        data_dir = course_dir / "data"
    names = sorted(assignments or (p.name for p in source_dir.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))))
    if not names:
        raise FileNotFoundError(f"no assignments (folders with notebooks) under {source_dir}")

    package_dir = Path(autograder.__file__).parent
    modules, notes = public_modules(package_dir)
    if not (package_dir / "public_data" / "index.json").is_file():
        notes.append("autograder/public_data/ is missing: check() cannot work in the bundle; generate it first")
    out_dir.mkdir(parents=True, exist_ok=True)
    _generate_student_notebooks(source_dir, names, config_file, out_dir / "notebooks")
    if data_dir is not None:
        shutil.copytree(data_dir, out_dir / "data", ignore=shutil.ignore_patterns(
            "__pycache__", "*.pyc", "*.py", ".ipynb_checkpoints"))
    version = _course_version()
    _write_checker(package_dir, modules, out_dir / "checker", version)
    built = _build_wheel(out_dir / "checker", out_dir / "wheels", version) if wheel else None
    (out_dir / "README.md").write_text(STUDENT_README.format(
        python=".".join(map(str, sys.version_info[:2])) if sys.version_info < (3, 10) else "3.10",
        assignments=", ".join(f"`{n}`" for n in names)), encoding="utf-8")
    return ReleaseReport(out_dir=out_dir, assignments=names, modules=modules, wheel=built, notes=notes)
