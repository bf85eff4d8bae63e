"""Write (and verify) ``autograder/public_data`` from the live references (INSTRUCTOR side).

``python -m autograder.publicgen --write`` (or ``autograder build-public``) regenerates every file;
``--check`` (or ``verify()``) recomputes everything and reports files that no longer match course_lib.

Files: ``index.json`` (assignments -> exercises, points), ``<exercise>.json`` + ``.npz`` (the Check, the public
cases, the reference's observation per case, and each mutant's observation per case with its hint and second
hint), and
``gradient_check.json`` + ``.npz`` for ``check_gradients``. Arrays go through ``encode.write_channel``
(``allow_pickle=False`` on load). Property-judged exercises whose judge does not need the reference's output
(init_params, split_and_scale) store no reference/mutant observations: their judges name the misconception.

The files are deterministic: regenerating them on the same machine gives the same bytes (``build(out_dir)`` into
another folder and compare; ``tests/autograder/test_engine_public.py`` does): the trees are built in a fixed order,
``.npz`` members carry numpy's fixed zip timestamps, and a mutant that is random by design
(``Mutant.reproducible=False``, e.g. a NeuralNet that ignores its seed) is not shipped: its draw could never match a
learner's, and its misconception is named by the property judge instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from .encode import encode, read_channel, to_channel, write_channel
from .public import DATA_DIR, GRADIENT_CHECK
from .results import Case

__all__ = ["build", "main", "verify"]

_NO_REFERENCE_NEEDED = ("init_params", "split_and_scale")   # their property judges need no reference data
_PLACEHOLDER = {"output": {"t": "none"}, "error": None, "warnings": [], "stdout": "", "mutated": [],
                "seconds": 0.0}


def _strip(obs: dict) -> dict:
    """Keep only what judging needs (no timings, no exception text, which may name a temporary file: regenerated
    files stay byte-identical; judging an exception looks at its type only)."""
    error = obs["error"]
    if type(error) is dict:
        error = {**error, "message": ""}
    return {"output": obs["output"], "error": error, "warnings": list(obs["warnings"]), "stdout": "",
            "mutated": list(obs["mutated"]), "seconds": 0.0}


def exercise_tree(spec) -> dict:
    cases = spec.public_cases()
    light = spec.judge_kind in _NO_REFERENCE_NEEDED
    # a property judge needs no reference observation, but a plain call (a case that must raise) does
    expected = [_PLACEHOLDER if light and c.probe != "call" else _strip(spec.expected(c)) for c in cases]
    mutants = [] if light else [
        {"name": m.name, "hint": m.hint, "second_hint": m.second_hint,
         "observations": [_strip(obs) for obs in _mutant_obs(spec.name, m, cases)]}
        for m in shipped_mutants(spec)]
    return {"check": spec.check.to_plain(), "cases": [c.to_plain() for c in cases], "expected": expected,
            "mutants": mutants}


def shipped_mutants(spec) -> list:
    """The mutants whose observations go into the public data: every one that is reproducible (see module doc)."""
    return [m for m in spec.mutants if m.reproducible]


def _mutant_obs(spec_name: str, mutant, cases):
    from .exercises import resolve
    from .probes import probe
    fn = resolve(mutant.fn)
    for c in cases:
        yield probe(spec_name, fn, c)


def gradient_tree() -> dict:
    """A small fixed [3, 4, 1] network and central-difference gradients of its mean BCE cost."""
    from course_lib.gradcheck import numerical_gradient
    from course_lib.losses import binary_cross_entropy
    from course_lib.network import forward_propagation
    rng = np.random.default_rng(7)
    X = rng.normal(0, 1, (6, 3))
    Y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0], [0.0]])
    params = {"theta_1": rng.normal(0, 1, (3, 4)), "b1": rng.normal(0, 1, 4), "theta_2": rng.normal(0, 1, (4, 1)),
              "b2": rng.normal(0, 1, 1)}
    _, cache = forward_propagation(X, params)
    numeric = {}
    for key in params:
        def cost(v, key=key):
            p = dict(params)
            p[key] = v
            return binary_cross_entropy(Y, forward_propagation(X, p)[0])
        numeric[f"d{key}"] = numerical_gradient(cost, params[key].copy(), 1e-5)
    case = Case("a [3, 4, 1] network, m = 6", (encode(X), encode(Y), encode(params), encode(cache)))
    return {"case": case.to_plain(), "numeric": encode(numeric)}


def index_tree() -> dict:
    from .registry import ASSIGNMENTS, EXERCISES
    return {"version": 1, "assignments": {a: list(n) for a, n in ASSIGNMENTS.items()},
            "exercises": {n: {"assignment": s.assignment, "points": s.points} for n, s in EXERCISES.items()}}


def build(out_dir: Path = DATA_DIR, names=None) -> list[Path]:
    """Regenerate the public data files; return the paths written."""
    from .registry import EXERCISES
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in EXERCISES.items():
        if names and name not in names:
            continue
        write_channel(str(out_dir / name), exercise_tree(spec), compress=True)
        written.append(out_dir / f"{name}.json")
    write_channel(str(out_dir / GRADIENT_CHECK), gradient_tree(), compress=True)
    with open(out_dir / "index.json", "w", encoding="utf-8") as fh:
        json.dump(index_tree(), fh, indent=1, sort_keys=True)
        fh.write("\n")
    return written


def _same(a, b) -> bool:
    da, aa = to_channel(a)
    db, ab = to_channel(b)
    if json.dumps(da, sort_keys=True) != json.dumps(db, sort_keys=True) or aa.keys() != ab.keys():
        return False
    return all(aa[k].shape == ab[k].shape and aa[k].dtype == ab[k].dtype and
               np.allclose(aa[k], ab[k], rtol=1e-12, atol=1e-14, equal_nan=True) if aa[k].dtype.kind in "fc"
               else np.array_equal(aa[k], ab[k]) for k in aa)


def verify(data_dir: Path = DATA_DIR, names=None) -> list[str]:
    """Names of public data files that differ from what the live references give now (empty list = all good)."""
    from .registry import EXERCISES
    data_dir = Path(data_dir)
    stale = []
    for name, spec in EXERCISES.items():
        if names and name not in names:
            continue
        if not (data_dir / f"{name}.json").exists() or not _same(read_channel(str(data_dir / name)),
                                                                  exercise_tree(spec)):
            stale.append(name)
    if not names:
        if not _same(read_channel(str(data_dir / GRADIENT_CHECK)), gradient_tree()):
            stale.append(GRADIENT_CHECK)
        with open(data_dir / "index.json", encoding="utf-8") as fh:
            if json.load(fh) != json.loads(json.dumps(index_tree())):
                stale.append("index")
    return stale


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.publicgen",
                                     description="Generate or verify the public check data from course_lib.")
    parser.add_argument("--write", action="store_true", help="regenerate autograder/public_data")
    parser.add_argument("--check", action="store_true", help="verify the files against course_lib")
    parser.add_argument("--out", type=Path, default=DATA_DIR,
                        help="folder to write (or verify); default: the shipped autograder/public_data")
    args = parser.parse_args(argv)
    if args.write:
        paths = build(args.out)
        print(f"wrote {len(paths)} exercises to {args.out}")
    if args.check or not args.write:
        stale = verify(args.out)
        print("public data up to date" if not stale else f"stale: {', '.join(stale)}")
        return 1 if stale else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
