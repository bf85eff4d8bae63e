"""How a learner object is exercised on one case (PUBLIC runtime; runs wherever learner code runs).

Interface
---------
``probe(spec_name, learner_obj, case) -> observation`` (a plain tree, safe to send through ``encode.to_channel``)::

    {"output":   <encoded tree of what the learner returned, or of the probe's own plain summary>,
     "error":    None | {"t": "exception", "type", "mro", "message"},
     "warnings": [str, ...],        # warnings raised during the learner's calls ("RuntimeWarning: overflow ...")
     "stdout":   str,               # what the learner printed (stdout and stderr), truncated
     "mutated":  [int | str, ...],  # positions / names of inputs the learner changed in place
     "seconds":  float}

The learner object never receives the case's own arrays: every argument is materialised afresh from the encoded case
(``encode.materialize``) and compared, after the call, with a pristine encoding to detect mutation. Warnings and
prints inside the learner's code are captured (nothing reaches the real stderr, which nbgrader would score as zero).
``learner_obj=None`` gives ``{"output": {"t": "missing"}, ...}``.

``case.probe`` selects the driver in ``PROBES``:

- ``call``: call the function with the case's args/kwargs (most exercises; numerical_gradient gets a numpy function
  built from the case; load_breast_cancer_csv gets the path of a freshly written file).
- ``init_params``: draw twice with the same seed, once with another, once with an unknown method; note whether the
  legacy global ``np.random`` state moved.
- ``split_and_scale``: call twice with the same seed and once with another seed.
- ``neural_net``: drive the learner's class through fit / predict / predict_proba / score in several scenarios.
- ``mlp``: build the learner's MLPClassifier, start it from the case's weights, fit, report params and loss curve.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .encode import encode, encode_exception, materialize, trees_equal, type_name
from .results import Case

__all__ = ["PROBES", "missing_observation", "probe", "run_probe_requests"]

MAX_STDOUT = 4000


class _Capture:
    """Collect warnings and printed text of learner calls; report numpy overflow/divide/invalid as warnings."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.out = io.StringIO()

    @contextlib.contextmanager
    def __call__(self):
        with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"), \
                contextlib.redirect_stdout(self.out), contextlib.redirect_stderr(self.out):
            warnings.simplefilter("always")
            try:
                yield
            finally:
                for w in caught:
                    try:
                        text = f"{w.category.__name__}: {w.message}"
                    except Exception:  # noqa: BLE001
                        text = "a warning"
                    if text not in self.warnings:
                        self.warnings.append(text[:300])

    @property
    def stdout(self) -> str:
        s = self.out.getvalue()
        return s if len(s) <= MAX_STDOUT else s[:MAX_STDOUT] + "\n... (truncated)"


def _observation(output, error=None, cap: _Capture | None = None, mutated=(), seconds=0.0) -> dict:
    return {"output": output, "error": error, "warnings": list(cap.warnings) if cap else [],
            "stdout": cap.stdout if cap else "", "mutated": list(mutated), "seconds": float(seconds)}


def missing_observation() -> dict:
    return _observation({"t": "missing"})


def _safe_call(cap: _Capture, fn: Callable, *args, **kwargs):
    """Call learner code; return (value, error_tree)."""
    try:
        with cap():
            return fn(*args, **kwargs), None
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return None, encode_exception(exc)


def _encode_captured(cap: _Capture, value) -> dict:
    with cap():  # encoding a pandas object can run pandas code that warns
        return encode(value)


def probe_call(fn: Callable, case: Case, tmpdir: str) -> dict:
    args = [materialize(a, tmpdir) for a in case.args]
    kwargs = {k: materialize(v, tmpdir) for k, v in case.kwargs.items()}
    pristine = [encode(a) for a in args]
    pristine_kw = {k: encode(v) for k, v in kwargs.items()}
    cap = _Capture()
    t0 = time.perf_counter()
    value, error = _safe_call(cap, fn, *args, **kwargs)
    seconds = time.perf_counter() - t0
    output = _encode_captured(cap, value) if error is None else {"t": "none"}
    mutated: list = [i for i, a in enumerate(args) if not trees_equal(pristine[i], encode(a))]
    mutated += [k for k, v in kwargs.items() if not trees_equal(pristine_kw[k], encode(v))]
    return _observation(output, error, cap, mutated, seconds)


def _legacy_state_key() -> tuple:
    state = np.random.get_state()
    return (int(state[2]), bytes(np.asarray(state[1]).tobytes()[:64]))


def probe_init_params(fn: Callable, case: Case, tmpdir: str) -> dict:
    layers, method = materialize(case.args[0]), materialize(case.args[1])
    seed, other = int(case.options["seed"]), int(case.options["other_seed"])
    cap = _Capture()
    saved = np.random.get_state()
    t0 = time.perf_counter()
    try:
        np.random.seed(1234)
        before = _legacy_state_key()
        first, err = _safe_call(cap, fn, list(layers), method, np.random.default_rng(seed))
        global_changed = _legacy_state_key() != before
        if err is not None:
            return _observation({"t": "none"}, err, cap, (), time.perf_counter() - t0)
        np.random.seed(1234)
        second, err2 = _safe_call(cap, fn, list(layers), method, np.random.default_rng(seed))
        np.random.seed(1234)
        third, err3 = _safe_call(cap, fn, list(layers), method, np.random.default_rng(other))
        bad, bad_err = _safe_call(cap, fn, list(layers), "no-such-method", np.random.default_rng(seed))
    finally:
        np.random.set_state(saved)
    out = {"first": encode(first),
           "second": err2 if err2 is not None else encode(second),
           "other": err3 if err3 is not None else encode(third),
           "global_changed": global_changed,
           "bad_method": bad_err if bad_err is not None else {"t": "returned", "value": encode(bad)}}
    return _observation({"t": "probe", "v": out}, None, cap, (), time.perf_counter() - t0)


def probe_split_and_scale(fn: Callable, case: Case, tmpdir: str) -> dict:
    cap = _Capture()
    t0 = time.perf_counter()
    seed, other = int(case.options["seed"]), int(case.options["other_seed"])
    X, y, test_size = (materialize(a, tmpdir) for a in case.args)
    pristine = [encode(X), encode(y)]
    first, err = _safe_call(cap, fn, X, y, test_size, seed)
    mutated = [i for i, a in enumerate((X, y)) if not trees_equal(pristine[i], encode(a))]
    if err is not None:
        return _observation({"t": "none"}, err, cap, mutated, time.perf_counter() - t0)
    X, y, test_size = (materialize(a, tmpdir) for a in case.args)
    second, err2 = _safe_call(cap, fn, X, y, test_size, seed)
    X, y, test_size = (materialize(a, tmpdir) for a in case.args)
    third, err3 = _safe_call(cap, fn, X, y, test_size, other)
    out = {"first": _encode_captured(cap, first),
           "second": err2 if err2 is not None else _encode_captured(cap, second),
           "other": err3 if err3 is not None else _encode_captured(cap, third)}
    return _observation({"t": "probe", "v": out}, None, cap, mutated, time.perf_counter() - t0)


def _attempt(cap: _Capture, fn: Callable, *args) -> dict:
    value, err = _safe_call(cap, fn, *args)
    return err if err is not None else _encode_captured(cap, value)


def probe_neural_net(cls: Any, case: Case, tmpdir: str) -> dict:
    """Scenarios from case.options["scenarios"]: [{"name", "kwargs", "y": "flat" | "column"}]."""
    cap = _Capture()
    t0 = time.perf_counter()
    X0, y0 = materialize(case.args[0]), materialize(case.args[1])
    results: dict[str, Any] = {}
    for sc in case.options["scenarios"]:
        X, y = np.array(X0, copy=True), np.array(y0, copy=True)
        y_fit = y.reshape(-1, 1) if sc.get("y") == "column" else y
        if sc.get("y") == "bad_labels":   # one label 2: fit must refuse it
            y_fit = y.copy()
            y_fit[0] = 2
        model, err = _safe_call(cap, cls, **sc["kwargs"])
        if err is not None:
            results[sc["name"]] = {"error": err}
            continue
        ret, err = _safe_call(cap, model.fit, X, y_fit)
        if err is not None:
            results[sc["name"]] = {"error": err}
            continue
        obs = {"error": None, "fit_returned_self": ret is model}
        for attr in ("params_", "cost_history_", "n_iter_"):
            obs[attr] = _attempt(cap, getattr, model, attr)
        obs["predict"] = _attempt(cap, model.predict, np.array(X0, copy=True))
        obs["predict_proba"] = _attempt(cap, model.predict_proba, np.array(X0, copy=True))
        obs["score"] = _attempt(cap, model.score, np.array(X0, copy=True), np.array(y0, copy=True))
        results[sc["name"]] = obs
    return _observation({"t": "probe", "v": results}, None, cap, (), time.perf_counter() - t0)


def probe_mlp(fn: Callable, case: Case, tmpdir: str) -> dict:
    """Build the learner's estimator, start it from the case's weights, fit full batch, report what happened."""
    cap = _Capture()
    t0 = time.perf_counter()
    args = [materialize(a) for a in case.args]
    est, err = _safe_call(cap, fn, *args)
    if err is not None:
        return _observation({"t": "none"}, err, cap, (), time.perf_counter() - t0)
    out: dict[str, Any] = {"type": type_name(est)}
    try:
        from sklearn.neural_network import MLPClassifier
    except Exception:  # pragma: no cover - sklearn is a dependency  # noqa: BLE001
        MLPClassifier = None
    if MLPClassifier is None or type(est) is not MLPClassifier:
        return _observation({"t": "probe", "v": out}, None, cap, (), time.perf_counter() - t0)
    params, perr = _safe_call(cap, est.get_params, False)
    out["params"] = perr if perr is not None else encode(
        {k: v for k, v in params.items() if type(v) in (int, float, str, bool, tuple, type(None))})
    X, y = materialize(case.options["X"]), materialize(case.options["y"])
    coefs = [materialize(c) for c in case.options["coefs"]]
    intercepts = [materialize(c) for c in case.options["intercepts"]]
    fitted, ferr = _safe_call(cap, start_mlp_from, est, X, y, coefs, intercepts)
    if ferr is not None:
        out["fit_error"] = ferr
    else:
        out["loss_curve"] = encode(np.asarray(fitted.loss_curve_, dtype=float))
        out["n_iter"] = encode(int(fitted.n_iter_))
    return _observation({"t": "probe", "v": out}, None, cap, (), time.perf_counter() - t0)


def start_mlp_from(est, X, y, coefs, intercepts):
    """Fit a clone of a scikit-learn MLPClassifier starting from the given weights (harness, not an answer).

    One ``partial_fit`` creates sklearn's fitted state; the weights are then replaced, the priming epoch is
    forgotten, and ``fit`` with warm_start continues from those weights for max_iter epochs.
    """
    from sklearn.base import clone
    from sklearn.exceptions import ConvergenceWarning
    started = clone(est).set_params(warm_start=True)
    started.partial_fit(X, y, classes=np.array([0, 1]))
    started.coefs_ = [np.array(c, dtype=float, copy=True) for c in coefs]
    started.intercepts_ = [np.array(c, dtype=float, copy=True) for c in intercepts]
    started.loss_curve_ = []
    started.best_loss_ = np.inf
    started.n_iter_ = 0
    started.t_ = 0
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        started.fit(X, y)
    return started


PROBES: dict[str, Callable[[Any, Case, str], dict]] = {
    "call": probe_call,
    "init_params": probe_init_params,
    "split_and_scale": probe_split_and_scale,
    "neural_net": probe_neural_net,
    "mlp": probe_mlp,
}


def probe(spec_name: str, learner_obj: Any, case: Case | dict) -> dict:
    """Run one case against the learner object; return a plain observation (see module docstring)."""
    if isinstance(case, dict):
        case = Case.from_plain(case)
    if learner_obj is None:
        return missing_observation()
    driver = PROBES[case.probe]
    # Only a case that hands the learner a file needs a directory to put it in; making one for every case
    # would fail a correct function on a full disk (or a /tmp the learner's own code has filled).
    tmpdir = tempfile.mkdtemp(prefix="autograder-") if any(map(_has_file, (*case.args, *case.kwargs.values()))) else ""
    try:
        return driver(learner_obj, case, tmpdir)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a probe must never crash the caller: report it as the learner's error  # noqa: BLE001
        return _observation({"t": "none"}, encode_exception(exc))
    finally:
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)


def _has_file(tree: Any) -> bool:
    """Whether an encoded case tree contains a file to materialise."""
    if isinstance(tree, dict):
        return tree.get("t") == "file" or any(_has_file(v) for v in tree.values() if isinstance(v, (dict, list)))
    if isinstance(tree, list):
        return any(_has_file(v) for v in tree)
    return False


def run_probe_requests(requests: list[dict], namespace: dict) -> list[dict]:
    """Kernel/worker entry point: requests = [{"exercise": name, "case": plain case}, ...].

    Learner objects are looked up by name in ``namespace`` (the notebook's globals). Returns one observation per
    request, in order. Used by ``autograder check`` (and reusable by the sandbox worker).
    """
    out = []
    for req in requests:
        name = req["exercise"]
        obj = namespace.get(req.get("object", name))
        out.append(probe(name, obj, req["case"]))
    return out


def run_probe_files(request_stem: str, output_stem: str, namespace: dict) -> int:
    """Kernel entry point for ``autograder check``: read requests written with ``encode.write_channel``, probe the
    learner objects found in ``namespace``, write the observations next to them. Returns the number probed."""
    from .encode import read_channel, write_channel
    requests = read_channel(request_stem)
    observations = run_probe_requests(requests, namespace)
    write_channel(output_stem, observations)
    return len(observations)
