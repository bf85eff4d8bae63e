"""autograder.api.check_notebook and the `autograder check` CLI (learner notebooks run in a Jupyter kernel)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import api
from autograder.public import CheckFailed

SETUP = "import numpy as np\nfrom autograder import check\n"
GOOD = {
    "sigmoid": "def sigmoid(z):\n    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))\n",
    "neuron_output": ("def neuron_output(X, theta, b):\n"
                      "    if X.ndim != 2 or theta.ndim != 1 or X.shape[1] != theta.shape[0]:\n"
                      "        raise ValueError(f'X {X.shape} and theta {theta.shape} do not fit')\n"
                      "    return sigmoid(X @ theta + b)\n"),
    "count_quadratic_terms": ("def count_quadratic_terms(n_features):\n"
                              "    if n_features < 0:\n"
                              "        raise ValueError('n_features must be >= 0')\n"
                              "    return n_features * (n_features + 1) // 2\n"),
    "predict_naive_sigmoid": "def predict_naive_sigmoid():\n    return 'b'\n",
    "quadratic_model_weights": "def quadratic_model_weights():\n    return 1 + 30 + count_quadratic_terms(30)\n",
}
EXERCISES_01 = ["sigmoid", "neuron_output", "count_quadratic_terms", "predict_naive_sigmoid", "quadratic_model_weights"]


def make_notebook(folder: Path, solutions: dict, extra_cells=(), name="01_neuron_model.ipynb") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell(SETUP, metadata={"nbgrader": {"grade_id": "setup", "locked": True}}))
    for gid, src in solutions.items():
        nb.cells.append(nbformat.v4.new_code_cell(src, metadata={"nbgrader": {
            "grade": False, "solution": True, "locked": False, "grade_id": gid, "schema_version": 3}}))
        nb.cells.append(nbformat.v4.new_code_cell(f"check({gid})", metadata={"nbgrader": {
            "grade": True, "solution": False, "locked": True, "grade_id": f"test_{gid}", "points": 1,
            "schema_version": 3}}))
    for src in extra_cells:
        nb.cells.append(nbformat.v4.new_code_cell(src))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, path)
    return path


def by_name(results):
    return {r.exercise: r for r in results}


def test_correct_notebook_gets_full_marks(tmp_path):
    path = make_notebook(tmp_path / "01_neuron_model", GOOD)
    results = by_name(api.check_notebook(path, timeout=60))
    assert list(results) == EXERCISES_01
    assert all(r.passed for r in results.values()), [r.text() for r in results.values()]
    assert sum(r.score for r in results.values()) == 7


def test_wrong_missing_and_crashing_cells_give_per_exercise_messages(tmp_path):
    sols = dict(GOOD)
    sols["sigmoid"] = "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n"
    del sols["count_quadratic_terms"]
    sols["neuron_output"] = "raise RuntimeError('oops')\n"
    path = make_notebook(tmp_path / "somewhere", sols, extra_cells=["while True: pass"], name="01_neuron_model.ipynb")
    results = by_name(api.check_notebook(path, timeout=5))
    assert not results["sigmoid"].passed and "minus sign" in results["sigmoid"].hint
    assert "not defined" in results["neuron_output"].message
    assert "not defined" in results["count_quadratic_terms"].message
    assert any("timed out" in n for n in results["neuron_output"].notes)


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00garbage", b""])
def test_malformed_notebook_is_a_message_not_a_traceback(tmp_path, content):
    folder = tmp_path / "03_backpropagation"
    folder.mkdir()
    path = folder / "03_backpropagation.ipynb"
    path.write_bytes(content)
    results = api.check_notebook(path)
    assert [r.exercise for r in results] == ["binary_cross_entropy", "backward_propagation", "numerical_gradient",
                                             "relative_error", "update_params", "derive_dtheta_2"]
    assert all(not r.passed and "could not be read" in r.message for r in results)


def test_cli_json_hidden_cases_and_exit_code(tmp_path):
    sols = dict(GOOD)
    sols["count_quadratic_terms"] = "def count_quadratic_terms(n_features):\n    return n_features ** 2\n"
    path = make_notebook(tmp_path / "x", sols)
    exe = Path(sys.executable).with_name("autograder")
    proc = subprocess.run([str(exe), "check", str(path), "--json", "--hidden", "--seed", "3"], capture_output=True,
                          text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [d["exercise"] for d in data] == EXERCISES_01
    assert set(data[0]) == {"exercise", "passed", "score", "max_score", "message", "hint", "notes", "cases"}
    assert all(d["cases"] == "hidden" for d in data)
    assert data[2]["passed"] is False and data[2]["score"] == 0 and data[0]["score"] == 2
    assert "unordered pairs" in data[2]["hint"]     # n**2: the "ordered" misconception's hint reaches --json


def test_cli_table_for_a_malformed_notebook(tmp_path, capsys):
    from autograder.cli import main
    folder = tmp_path / "07_matmul_five_ways"
    folder.mkdir()
    (folder / "nb.ipynb").write_text('{"nbformat": 4}')
    assert main(["check", str(folder / "nb.ipynb")]) == 0
    out = capsys.readouterr().out
    assert "matmul_loops" in out and "could not be read" in out and "total" in out


def test_plan_and_judge_plan_are_reusable_without_a_kernel():
    from engine_alternatives import relu_where

    from autograder.probes import run_probe_requests
    for hidden in (False, True):
        plans = api.plan(["relu", "mse"], hidden=hidden, seed=4)
        namespace = {"relu": relu_where, "mse": lambda o, t: float(((o - t) ** 2).sum())}
        results = []
        for p in plans:
            obs = run_probe_requests([{"exercise": p.exercise, "case": c.to_plain()} for c in p.cases], namespace)
            results.append(api.judge_plan(p, obs))
        assert results[0].passed and not results[1].passed and "MEAN" in results[1].hint


def test_check_in_a_kernel_renders_html_and_fails_the_cell_without_stderr(tmp_path):
    from nbclient import NotebookClient
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP + GOOD["sigmoid"] + "import warnings\n"),
                nbformat.v4.new_code_cell("def relu(Z):\n    warnings.warn('hm')\n    print('hi')\n"
                                          "    return np.maximum(Z, 0)\ncheck(relu)"),
                nbformat.v4.new_code_cell("check(sigmoid)"),
                nbformat.v4.new_code_cell("def mse(o, t):\n    return ((o - t) ** 2).sum()\ncheck(mse)")]
    NotebookClient(nb, timeout=60, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in nb.cells[1:]:
        assert not [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
    relu_out, sig_out, mse_out = (c.outputs for c in nb.cells[1:])
    assert relu_out[0].output_type == "display_data" and "text/html" in relu_out[0].data
    assert "passed" in relu_out[0].data["text/html"] and "Note: warnings" in relu_out[0].data["text/plain"]
    assert not [o for o in sig_out if o.output_type == "error"]
    # the report is displayed once: no second copy as the cell's Out[] value
    assert [o.output_type for o in sig_out] == ["display_data"]
    errors = [o for o in mse_out if o.output_type == "error"]
    assert [o.ename for o in errors] == ["CheckFailed"] and issubclass(CheckFailed, AssertionError)
    # the report is printed once: the error adds one line, not the report again with a traceback
    assert errors[0].traceback == ["AssertionError: mse: FAILED (0/1) (the report above says why)"]
    assert "MEAN" in mse_out[0].data["text/html"]
