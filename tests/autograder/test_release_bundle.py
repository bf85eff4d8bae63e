"""``autograder release``: the student bundle installs into a fresh virtual environment without the answer key,
and its checker passes a correct notebook and explains a wrong one.

The fresh environment is made offline and in about a second: ``python -m venv --without-pip``, a ``.pth`` file
that exposes only the folders holding the third-party packages the notebooks import (numpy, pandas, ...; the
course's editable install is NOT among them: its ``.pth`` hook is not processed from there), the bundle's wheel
installed by pip with ``--no-index``, and a kernel spec that runs that environment's interpreter.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.classroom.release import INSTRUCTOR_MODULES, build_release

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "01_neuron_model"
THIRD_PARTY = ("numpy", "pandas", "sklearn", "matplotlib", "mlxtend", "scipy", "ipykernel", "nbclient",
               "nbformat", "jupyter_client")
KERNEL = "course-bundle"
SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?", re.DOTALL | re.MULTILINE)

needs_public_data = pytest.mark.skipif(
    not (REPO / "autograder" / "public_data" / "index.json").is_file(),
    reason="the engine's public_data/ has not been generated yet (autograder build-public)",
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "release"
    report = build_release(out, source_dir=REPO / "notebooks", data_dir=REPO / "data",
                           config_file=REPO / "nbgrader_config.py")
    assert report.wheel is not None and report.wheel.is_file()
    return out


def test_bundle_has_every_student_notebook_and_no_answer_key(bundle):
    sources = sorted(p.parent.name for p in (REPO / "notebooks").glob("*/*.ipynb") if p.stem == p.parent.name)
    assert sorted(p.name for p in (bundle / "notebooks").iterdir()) == sources
    for notebook in (bundle / "notebooks").glob("*/*.ipynb"):
        text = notebook.read_text()
        for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "check_hidden", "course_lib"):
            assert secret not in text, f"{notebook.name} contains {secret!r}"
    assert (bundle / "data" / "breast_cancer_wisconsin.csv").is_file() and (bundle / "README.md").is_file()

    shipped = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*.py"))
    wheel = next((bundle / "wheels").glob("*.whl"))
    shipped += zipfile.ZipFile(wheel).namelist()
    for name in shipped:
        assert "course_lib" not in name
        assert not any(f"autograder/{m}" in name for m in INSTRUCTOR_MODULES), name
    assert "autograder/public.py" in shipped and "autograder/__init__.py" in shipped


def _fresh_env(root: Path, wheel: Path) -> Path:
    """A venv that sees the third-party packages but not this repository, with the checker wheel installed."""
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    folders = {str(Path(importlib.util.find_spec(name).origin).parent.parent) for name in THIRD_PARTY}
    assert not any((Path(f) / "course_lib").exists() or (Path(f) / "autograder").exists() for f in folders)
    (site / "_course_third_party.pth").write_text("\n".join(sorted(folders)) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", "--no-deps",
                    "--disable-pip-version-check", "--quiet", str(wheel)], check=True, timeout=300)
    kernel = root / "share" / "jupyter" / "kernels" / KERNEL
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "course bundle", "language": "python"}))
    return python


@pytest.fixture(scope="module")
def env_python(bundle, tmp_path_factory) -> Path:
    return _fresh_env(tmp_path_factory.mktemp("venv") / "env", next((bundle / "wheels").glob("*.whl")))


def test_course_lib_cannot_be_imported_in_the_fresh_environment(env_python):
    probe = ("import importlib.util, autograder; "
             "print(importlib.util.find_spec('course_lib'), importlib.util.find_spec('autograder.exercises'), "
             "autograder.__file__)")
    out = subprocess.run([str(env_python), "-c", probe], check=True, capture_output=True, text=True,
                         cwd=env_python.parents[1]).stdout.split()
    assert out[:2] == ["None", "None"]
    assert out[2].startswith(str(env_python.parents[1]))  # the installed checker, not the repository's


RUNNER = """
import sys, nbformat
from nbclient import NotebookClient
path, kernel = sys.argv[1], sys.argv[2]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, kernel_name=kernel, timeout=300, allow_errors=True,
               resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
nbformat.write(nb, path)
"""


def _solved(released: Path, source: Path, wrong: dict[str, str]) -> nbformat.NotebookNode:
    """The released notebook with each solution cell replaced by the source's solution (markers removed),
    or by ``wrong[grade_id]``; demonstration cells dropped to keep the run short; a final cell that reports
    whether the answer key is importable."""
    src = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source
           for c in nbformat.read(source, as_version=4).cells}
    notebook = nbformat.read(released, as_version=4)
    cells = []
    for cell in notebook.cells:
        if "demo" in cell.metadata.get("tags", []):
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            cell.source = wrong.get(meta["grade_id"]) or SOLUTION.sub(r"\1", src[meta["grade_id"]])
        cells.append(cell)
    cells.append(nbformat.v4.new_code_cell(
        "import importlib.util, sys\nprint('COURSE_LIB', importlib.util.find_spec('course_lib'), sys.prefix)"))
    notebook.cells = cells
    return notebook


def _test_outputs(notebook) -> dict[str, str]:
    texts = {}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith("test_"):
            parts = []
            for output in cell.get("outputs", []):
                parts.append(output.get("text", "") or output.get("data", {}).get("text/plain", "")
                             or f"{output.get('ename')}: {output.get('evalue')}")
            texts[grade_id[5:]] = "\n".join(parts)
    return texts


@needs_public_data
def test_released_notebook_passes_when_right_and_hints_when_wrong(bundle, env_python, tmp_path):
    released = bundle / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source = REPO / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    wrong_sigmoid = ("import numpy as np\n\ndef sigmoid(z):\n    return 1.0 / (1.0 + np.exp(z))\n")
    runs = {}
    for label, wrong in (("right", {}), ("wrong", {"sigmoid": wrong_sigmoid})):
        path = released.parent / f"{label}.ipynb"  # next to the released one, so data/ is found upwards
        nbformat.write(_solved(released, source, wrong), path)
        subprocess.run([str(env_python), "-c", RUNNER, str(path), KERNEL], check=True, timeout=600,
                       cwd=path.parent, capture_output=True)
        runs[label] = nbformat.read(path, as_version=4)

    right = _test_outputs(runs["right"])
    assert right and all("error" not in o.get("output_type", "") for c in runs["right"].cells
                         if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_")
                         for o in c.get("outputs", [])), right
    assert "PASSED" in right["sigmoid"].upper()
    errors = [(c.metadata.get("nbgrader", {}).get("grade_id"), o.get("ename")) for c in runs["right"].cells
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors          # every cell runs in the bundle, the diagrams (autograder.diagrams) included

    wrong = _test_outputs(runs["wrong"])
    assert "FAILED" in wrong["sigmoid"].upper() and "Hint" in wrong["sigmoid"], wrong["sigmoid"]
    assert "PASSED" in wrong["neuron_output"].upper() or "neuron_output" in wrong

    for run in runs.values():
        last = "".join(o.get("text", "") for o in run.cells[-1].outputs)
        assert "COURSE_LIB None" in last and str(env_python.parents[1]) in last


@needs_public_data
def test_the_bundle_has_the_learners_command_line_without_the_answer_key(bundle, env_python, tmp_path):
    """`autograder check NOTEBOOK` from the installed wheel's console script, in the fresh environment."""
    released = bundle / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source = REPO / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    command = env_python.parent / "autograder"
    assert command.is_file()
    help_text = subprocess.run([str(command), "--help"], check=True, capture_output=True, text=True).stdout
    assert "{check}" in help_text  # no instructor subcommand (grade, release, report, ...)

    wrong_sigmoid = "import numpy as np\n\ndef sigmoid(z):\n    return 1.0 / (1.0 + np.exp(z))\n"
    path = released.parent / "cli-wrong.ipynb"
    nbformat.write(_solved(released, source, {"sigmoid": wrong_sigmoid}), path)
    env = {"PATH": f"{env_python.parent}:/usr/bin:/bin", "HOME": str(tmp_path),
           "JUPYTER_PATH": str(env_python.parents[1] / "share" / "jupyter")}
    done = subprocess.run([str(command), "check", str(path), "--json"], capture_output=True, text=True,
                          timeout=600, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    results = {r["exercise"]: r for r in json.loads(done.stdout)}
    assert set(results) == {"sigmoid", "neuron_output", "count_quadratic_terms", "predict_naive_sigmoid",
                            "quadratic_model_weights"}
    assert not results["sigmoid"]["passed"] and results["count_quadratic_terms"]["passed"]
    assert results["predict_naive_sigmoid"]["passed"] and results["quadratic_model_weights"]["passed"]  # digests only
    assert results["count_quadratic_terms"]["score"] == results["count_quadratic_terms"]["max_score"] > 0

    hidden = subprocess.run([str(command), "check", str(path), "--hidden"], capture_output=True, text=True,
                            timeout=600, cwd=tmp_path, env=env)
    assert "hidden checks are not available here" in hidden.stdout and "Traceback" not in hidden.stderr
