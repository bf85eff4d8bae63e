"""Public checks: data generated from course_lib (and verified against it), usable WITHOUT course_lib."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import autograder
from autograder import check_gradients
from autograder.contract_names import CONTRACT_EXERCISES
from autograder.public import DATA_DIR, load_index

PUBLIC_MODULES = ("__init__.py", "results.py", "encode.py", "probes.py", "compare.py", "properties.py", "verdict.py",
                  "methods.py", "public.py", "contract_names.py")
HERE = Path(__file__).resolve().parent


def test_public_data_matches_course_lib():
    from autograder.publicgen import verify
    assert verify() == []


def test_regenerated_public_data_are_byte_for_byte_the_committed_files(tmp_path):
    """`autograder build-public --out DIR` rewrites every file with the same bytes (no float noise, no random
    mutant's draw): what is committed is exactly what the generator gives."""
    out = tmp_path / "public_data"
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "build-public", "--out", str(out)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    committed = sorted(p.name for p in DATA_DIR.iterdir() if p.suffix in (".json", ".npz"))
    assert sorted(p.name for p in out.iterdir()) == committed
    differ = [name for name in committed if (out / name).read_bytes() != (DATA_DIR / name).read_bytes()]
    assert differ == [], f"regenerate with `autograder build-public`: {differ}"


def test_index_matches_the_contract():
    index = load_index()
    assert index["assignments"] == {a: [n for n, _ in items] for a, items in CONTRACT_EXERCISES.items()}
    assert all(index["exercises"][n]["points"] == p for items in CONTRACT_EXERCISES.values() for n, p in items)


def test_no_pickle_in_public_data():
    for f in DATA_DIR.glob("*.npz"):
        with np.load(f, allow_pickle=False) as npz:
            for k in npz.files:
                assert npz[k].dtype.kind != "O"
    assert not list(DATA_DIR.glob("*.pkl")) and not list(DATA_DIR.glob("*.pickle"))


def test_public_modules_do_not_import_the_instructor_side():
    import ast
    forbidden = {"course_lib", "exercises", "registry", "hidden", "publicgen", "api", "cli", "sandbox", "classroom"}
    for name in PUBLIC_MODULES:
        tree = ast.parse((Path(autograder.__file__).parent / name).read_text())
        for node in ast.walk(tree):
            mods = []
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mods = [(node.module or "")] + [a.name for a in node.names] if node.level else [node.module or ""]
            for m in mods:
                assert not (set(m.split(".")) & forbidden), f"{name} imports {m}"


SCRIPT = textwrap.dedent('''
    import sys, json, importlib.abc
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "course_lib" or name.startswith("course_lib."):
                raise ImportError("course_lib is not available in the student bundle")
    sys.meta_path.insert(0, Block())
    sys.modules["course_lib"] = None
    import numpy as np
    sys.path.insert(0, {alt_dir!r})
    import engine_alternatives as alt
    import autograder
    from autograder import check, check_gradients
    out = {{"file": autograder.__file__}}
    def run(obj, name=None):
        try:
            r = check(obj, name=name)
            return [r.passed, r.hint]
        except AssertionError as e:
            return [False, str(e)]
    out["sigmoid_ok"] = run(alt.sigmoid_tanh, "sigmoid")
    out["sigmoid_bad"] = run(lambda z: 1 / (1 + np.exp(-np.asarray(z, dtype=float))), "sigmoid")
    out["init_ok"] = run(alt.init_table_normal, "init_params")
    out["init_bad"] = run(lambda layers, method, rng: {{k: 0.01 * v for k, v in alt.init_standard_normal(layers, method, rng).items()}}, "init_params")
    out["split_ok"] = run(alt.split_manual, "split_and_scale")
    out["net_ok"] = run(alt.LearnerNet, "NeuralNet")
    out["bp_ok"] = run(alt.backward_einsum, "backward_propagation")
    out["bp_bad"] = run(lambda X, Y, p, c: {{k: v * len(X) for k, v in alt.backward_einsum(X, Y, p, c).items()}}, "backward_propagation")
    out["grad_ok"] = check_gradients(alt.backward_general).passed
    out["loaded"] = sorted(m for m in sys.modules if m.startswith("autograder") or m.startswith("course_lib"))
    print("RESULT" + json.dumps(out))
''')


def _run_script(cwd, env_extra=None):
    import os
    env = dict(os.environ, **(env_extra or {}))
    proc = subprocess.run([sys.executable, "-c", SCRIPT.format(alt_dir=str(HERE))], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT")][-1]
    return json.loads(line[6:]), proc


def _assert_outcomes(out):
    assert out["sigmoid_ok"][0] and out["init_ok"][0] and out["split_ok"][0], out
    assert out["net_ok"][0] and out["bp_ok"][0] and out["grad_ok"], out
    assert not out["sigmoid_bad"][0] and "overflow" in out["sigmoid_bad"][1]
    assert not out["init_bad"][0] and "standard normal" in out["init_bad"][1]
    assert not out["bp_bad"][0] and "m times too large" in out["bp_bad"][1]
    assert not [m for m in out["loaded"] if m.startswith("course_lib") and m != "course_lib"]
    assert not {"autograder.registry", "autograder.exercises", "autograder.hidden"} & set(out["loaded"])


def test_public_checks_work_with_course_lib_blocked(tmp_path):
    out, proc = _run_script(tmp_path)
    _assert_outcomes(out)
    assert proc.stderr == ""


def test_public_checks_work_from_a_copy_of_only_the_public_runtime(tmp_path):
    pkg = tmp_path / "bundle" / "autograder"
    pkg.mkdir(parents=True)
    src = Path(autograder.__file__).parent
    for name in PUBLIC_MODULES:
        shutil.copy(src / name, pkg / name)
    shutil.copytree(src / "public_data", pkg / "public_data")
    out, _ = _run_script(tmp_path, {"PYTHONPATH": str(tmp_path / "bundle")})
    assert out["file"].startswith(str(tmp_path)), out["file"]
    _assert_outcomes(out)


def test_check_gradients_names_the_wrong_array_and_entries():
    from engine_alternatives import backward_general
    assert check_gradients(backward_general).passed

    def wrong_db1(X, Y, params, cache):
        g = backward_general(X, Y, params, cache)
        g["db1"] = g["db1"].copy()
        g["db1"][2] += 0.1
        return g
    with pytest.raises(AssertionError) as info:
        check_gradients(wrong_db1)
    msg = str(info.value)
    assert "db1: relative error" in msg and "wrong entries: (2,)" in msg
    assert "dtheta_1: ok" in msg

    def no_deriv(X, Y, params, cache):
        m = len(X)
        dZ2 = (cache["A2"] - Y) / m
        dZ1 = dZ2 @ params["theta_2"].T
        return {"dtheta_1": X.T @ dZ1, "db1": dZ1.sum(0), "dtheta_2": cache["A1"].T @ dZ2, "db2": dZ2.sum(0)}
    with pytest.raises(AssertionError, match=r"dtheta_1: relative error .* wrong entries: \(0, 0\)"):
        check_gradients(no_deriv)
