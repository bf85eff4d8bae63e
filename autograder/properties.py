"""Property judges for behavioural exercises (PUBLIC runtime: numpy only, no reference code).

Interface: ``JUDGES[name](check, case, observed, expected) -> (problem | None, hint, notes)``.
``observed`` / ``expected`` are probe observations whose output is ``{"t": "probe", "v": {...}}`` (see
``autograder.probes``). A judge checks properties that any correct implementation has (shapes and keys, exact zeros,
moments of random draws, use of the given Generator, disjoint train/test rows, a scaler fitted on the training rows
only, estimator behaviour, a loss curve that follows the reference) rather than equality with one implementation.

The ``HINTS`` table is shared with the instructor-side mutants so that a misconception is named the same way
whether it is recognised by an exact mutant match or by a failed property.

On hidden cases (``case.hidden``) messages leave out the values drawn for the case (test_size, seeds, the costs and
scores the learner's model reached on the hidden data), like ``compare.judge`` does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .compare import compare, describe, mask_numbers
from .results import Case, Check

__all__ = ["HINTS", "JUDGES"]

HINTS = {
    "init_scale": "method 'normal' draws from the standard normal distribution (like np.random.randn): no 0.01 "
                  "or other scaling factor",
    "init_fan_in": "Xavier/Glorot uses both fans: std = sqrt(2 / (n_in + n_out)), not sqrt(1 / n_in)",
    "init_he": "that is He initialisation (std = sqrt(2 / n_in)); Xavier/Glorot uses sqrt(2 / (n_in + n_out))",
    "init_global": "draw from the Generator you are given (rng.standard_normal / rng.normal), not from np.random's "
                   "global state: the same rng seed must give the same parameters",
    "init_transposed": "theta_l has shape (n_{l-1}, n_l): rows are the inputs of the layer, columns its units",
    "init_bias_shape": "biases are flat vectors of shape (n_l,), not (1, n_l) or (n_l, 1)",
    "init_zero_bias": "zeros and xavier give zero biases; only 'normal' draws the biases too",
    "init_unknown": "an unknown method name must raise ValueError naming the method, not fall back silently",
    "init_draw_order": "your parameters have the right distributions but are not the numbers the prescribed draw "
                       "order gives from the same rng: re-read the paragraph on randomness (which array is drawn "
                       "first, layer by layer, and with which Generator call)",
    "init_constant": "'zeros' means every parameter is exactly 0.0",
    "init_symmetric": "constant (or zero) weights make every hidden unit compute the same thing, and they stay "
                      "identical during training: draw the weights at random from rng",
    "init_normal_bias": "method 'normal' draws the biases from the standard normal too (as the article does)",
    "split_leakage": "fit the scaler on the training rows only, then transform both parts with it: fitting on all "
                     "rows leaks information from the test set",
    "split_unscaled": "the features must be standardised (StandardScaler fitted on the training part)",
    "split_misaligned": "keep each label with its row: shuffle/split X and y together (train_test_split(X, y, ...))",
    "split_seed": "use the seed argument (random_state=seed): the same seed must give the same split",
    "split_order": "return (X_train, X_test, y_train, y_test) in that order",
    "split_test_size": "test_size is the fraction of rows in the TEST part",
    "nn_ascent": "the cost goes up: check the sign of your update step (gradient DEscent moves against the "
                 "gradient)",
    "nn_frozen": "the cost never changes from one epoch to the next, so the parameters are never updated: look at "
                 "what fit does with the dict update_params returns (it is a NEW dict; the old one is unchanged)",
    "nn_checks": "fit must check its inputs and raise ValueError naming the bad value (labels other than 0/1, "
                 "a layers list whose first size is not the number of features)",
    "nn_summed": "your steps are m times too large: the cost is a MEAN over the batch, so its gradients are "
                 "averages too; look at where the batch size enters your backward pass",
    "nn_percent": "score returns the accuracy as a fraction in [0, 1], not a percentage",
    "nn_proba_order": "predict_proba columns are [P(y=0), P(y=1)], like scikit-learn's classes_ order",
    "nn_predict_labels": "predict returns labels 0/1 (ints), not probabilities: threshold P(y=1) at 0.5",
    "nn_seed": "draw the initial parameters from np.random.default_rng(self.seed) so that the same seed gives the "
               "same model",
    "nn_history": "cost_history_ holds one float per epoch: the mean cost of the epoch, computed in the forward pass "
                  "before each update",
    "nn_updates": "the first epoch's cost is right but the later ones drift away: the parameters change differently "
                  "from one step of gradient descent on the MEAN cost per batch; look at the gradients fit uses and at "
                  "the step it takes",
    "mlp_alpha": "scikit-learn adds an L2 penalty by default (alpha=1e-4): set alpha=0.0",
    "mlp_momentum": "plain gradient descent has no momentum: solver='sgd' with momentum=0.0",
    "mlp_batch": "full-batch training means batch_size = n_samples",
    "mlp_activation": "our network uses the logistic (sigmoid) activation in the hidden layer",
    "mlp_solver": "use solver='sgd' (adam follows a different trajectory)",
    "mlp_stop": "disable early stopping: tol=0.0 (or n_iter_no_change >= iterations) so it runs every iteration",
}


def _learner_text(text, case: Case) -> str:
    """An exception message from learner code: numbers masked on hidden cases (it may quote the inputs)."""
    return mask_numbers(str(text)) if case.hidden else text


def _v(obs: dict) -> dict:
    out = obs.get("output", {})
    return out.get("v", {}) if type(out) is dict and out.get("t") == "probe" else {}


def _arr(tree: Any) -> np.ndarray | None:
    return tree["v"] if type(tree) is dict and tree.get("t") == "ndarray" else None


def _dict(tree: Any) -> dict | None:
    if type(tree) is dict and tree.get("t") == "dict":
        return dict(zip(tree["keys"], tree["values"]))
    return None


# ---------------------------------------------------------------------------------------------------------------
# init_params
# ---------------------------------------------------------------------------------------------------------------

def _moment_problem(values: np.ndarray, std: float, what: str) -> tuple[str | None, str]:
    """Mean ~ 0 and std ~ std within 6 standard errors; hint names the likely mistake."""
    n = values.size
    if n < 200:
        return None, ""
    m, s = float(values.mean()), float(values.std())
    if abs(m) > 6 * std / math.sqrt(n) + 1e-12:
        return f"{what}: the mean of the {n} draws is {m:.4g}; a mean of 0 is expected.", ""
    if abs(s / std - 1.0) > 6 / math.sqrt(2 * (n - 1)) + 0.01:
        return f"{what}: the standard deviation of the {n} draws is {s:.4g}; {std:.4g} is expected.", ""
    return None, ""


def _init_hint(method: str, ratio: float, n_in: int, n_out: int) -> str:
    if method == "normal" and ratio < 0.5:
        return HINTS["init_scale"]
    if method == "xavier":
        fan_in = math.sqrt(1 / n_in) / math.sqrt(2 / (n_in + n_out))
        he = math.sqrt(2 / n_in) / math.sqrt(2 / (n_in + n_out))
        if abs(ratio - fan_in) < 0.05 * fan_in:
            return HINTS["init_fan_in"]
        if abs(ratio - he) < 0.05 * he:
            return HINTS["init_he"]
    return ""


def prescribed_draws(layers: list[int], method: str, seed: int) -> dict | None:
    """The parameters the notebook's prescribed procedure gives (an encoded dict), or None for other methods.

    For l = 1..L: theta_l = rng.standard_normal((n_{l-1}, n_l)) (times sqrt(2 / (n_in + n_out)) for "xavier"),
    then b_l = rng.standard_normal(n_l) for "normal" (zeros otherwise), all from np.random.default_rng(seed).
    ``tests/autograder/test_engine_ledger.py`` checks that course_lib's init_params draws exactly these.
    """
    if method not in ("normal", "xavier"):
        return None
    rng = np.random.default_rng(seed)
    keys, values = [], []
    for i in range(1, len(layers)):
        n_in, n_out = layers[i - 1], layers[i]
        theta = rng.standard_normal((n_in, n_out))
        if method == "xavier":
            theta = theta * np.sqrt(2.0 / (n_in + n_out))
        b = rng.standard_normal(n_out) if method == "normal" else np.zeros(n_out)
        keys += [f"theta_{i}", f"b{i}"]
        values += [{"t": "ndarray", "v": theta}, {"t": "ndarray", "v": b}]
    return {"t": "dict", "keys": keys, "values": values}


def judge_init_params(check: Check, case: Case, observed: dict, expected: dict):
    v = _v(observed)
    layers = [int(x) for x in case.options["layers"]]
    method = case.options["method"]
    first = _dict(v.get("first"))
    if first is None:
        return f"init_params returned {describe(v.get('first', {}))}; a dict of parameters is expected.", "", []
    want = []
    for i in range(1, len(layers)):
        want += [(f"theta_{i}", (layers[i - 1], layers[i])), (f"b{i}", (layers[i],))]
    if not first:
        return f"init_params returned an empty dict; expected keys {[k for k, _ in want]}.", "", []
    for key, shape in want:
        if key not in first:
            return f"the key {key!r} is missing (got {sorted(first)[:8]}; expected {[k for k, _ in want]}).", "", []
        a = _arr(first[key])
        if a is None:
            return f"params[{key!r}] is {describe(first[key])}; a numpy.ndarray is expected.", "", []
        if a.shape != shape:
            hint = ""
            if a.shape == shape[::-1] and len(shape) == 2:
                hint = HINTS["init_transposed"]
            elif len(shape) == 1 and a.size == shape[0]:
                hint = HINTS["init_bias_shape"]
            return f"params[{key!r}] has shape {a.shape}; {shape} is expected for layers {layers}.", hint, []
        if a.dtype.kind != "f":
            return f"params[{key!r}] has dtype {a.dtype}; floats are expected.", "", []
        if not np.isfinite(a).all():
            return f"params[{key!r}] contains NaN or inf.", "", []
    thetas = [_arr(first[f"theta_{i}"]) for i in range(1, len(layers))]
    biases = [_arr(first[f"b{i}"]) for i in range(1, len(layers))]
    if method == "zeros":
        for key, a in zip([k for k, _ in want], [x for pair in zip(thetas, biases) for x in pair]):
            if np.any(a != 0):
                return f"params[{key!r}] is not all zeros (e.g. {a.flat[np.flatnonzero(a)[0]]!r}).", \
                    HINTS["init_constant"], []
    else:
        for i, theta in enumerate(thetas, start=1):
            n_in, n_out = layers[i - 1], layers[i]
            std = 1.0 if method == "normal" else math.sqrt(2 / (n_in + n_out))
            if np.all(theta == theta.flat[0]) and theta.size > 1:
                return f"params['theta_{i}'] is constant ({theta.flat[0]!r}); random draws are expected.", \
                    HINTS["init_symmetric"], []
            problem, _ = _moment_problem(theta, std, f"params['theta_{i}'] (method {method!r})")
            if problem:
                return problem, _init_hint(method, float(theta.std()) / std, n_in, n_out), []
        if method == "normal":
            allb = np.concatenate([b.ravel() for b in biases])
            if allb.size and np.all(allb == 0):
                return "all biases are 0 but method 'normal' draws them from the standard normal.", \
                    HINTS["init_normal_bias"], []
            problem, _ = _moment_problem(allb, 1.0, "the biases (method 'normal')")
            if problem:
                return problem, HINTS["init_normal_bias"], []
        else:
            for i, b in enumerate(biases, start=1):
                if np.any(b != 0):
                    return f"params['b{i}'] is not zero; method {method!r} gives zero biases.", \
                        HINTS["init_zero_bias"], []
        if v.get("global_changed"):
            return "init_params used numpy's global random state (np.random.*) instead of the rng argument.", \
                HINTS["init_global"], []
        second, other = v.get("second"), v.get("other")
        problem, _ = compare(v["first"], second, 0.0, 0.0, reveal=not case.hidden)
        if problem:
            return ("two calls with np.random.default_rng(seed) for the same seed gave different parameters "
                    f"({problem})"), HINTS["init_global"], []
        if not compare(v["first"], other, 0.0, 0.0)[0]:
            return "two different rng seeds gave identical parameters: the rng argument is ignored.", \
                HINTS["init_global"], []
        reference = prescribed_draws(layers, method, int(case.options["seed"]))
        if reference is not None:   # the prescribed draw order, from a Generator with the same seed
            problem, _ = compare(reference, v["first"], 1e-12, 0.0, reveal=not case.hidden)
            if problem:
                return ("the parameters have the right shapes and distributions, but they are not the values the "
                        f"prescribed draw order gives from the same Generator ({problem})"), \
                    HINTS["init_draw_order"], []
    bad = v.get("bad_method", {})
    if bad.get("t") != "exception" or "ValueError" not in bad.get("mro", []):
        got = "returned a value" if bad.get("t") == "returned" else f"raised {bad.get('type')}"
        return f"init_params(layers, 'no-such-method', rng) {got}; ValueError is expected.", HINTS["init_unknown"], []
    return None, "", []


# ---------------------------------------------------------------------------------------------------------------
# split_and_scale
# ---------------------------------------------------------------------------------------------------------------

def _split_parts(tree: dict):
    if type(tree) is not dict or tree.get("t") not in ("tuple", "list") or len(tree["items"]) != 4:
        return None, f"split_and_scale returned {describe(tree)}; a tuple (X_train, X_test, y_train, y_test) is expected."
    names = ("X_train", "X_test", "y_train", "y_test")
    parts = []
    for name, item in zip(names, tree["items"]):
        a = _arr(item)
        if a is None:
            fix = " (convert with .to_numpy())" if item.get("t") in ("series", "dataframe") else ""
            return None, f"{name} is {describe(item)}; a numpy.ndarray is expected{fix}."
        parts.append(a)
    return parts, None


def judge_split_and_scale(check: Check, case: Case, observed: dict, expected: dict):
    v = _v(observed)
    X = case.args[0]["values"]["v"]
    y = case.args[1]["values"]["v"]
    test_size = float(case.args[2]["v"])
    m, n = X.shape
    parts, problem = _split_parts(v.get("first"))
    if problem:
        return problem, "", []
    Xtr, Xte, ytr, yte = parts
    if Xtr.ndim == 1 and Xte.ndim == 2 or (Xtr.ndim == 2 and Xte.ndim == 1):
        return "the four arrays are not (X_train, X_test, y_train, y_test).", HINTS["split_order"], []
    if Xtr.ndim != 2 or Xte.ndim != 2 or Xtr.shape[1:] != (n,) or Xte.shape[1:] != (n,):
        return (f"X_train / X_test have shapes {Xtr.shape} / {Xte.shape}; (rows, {n}) is expected.",
                HINTS["split_order"], [])
    if ytr.shape != (Xtr.shape[0],) or yte.shape != (Xte.shape[0],):
        return (f"y_train / y_test have shapes {ytr.shape} / {yte.shape}; flat vectors matching the X parts "
                f"({Xtr.shape[0]},) / ({Xte.shape[0]},) are expected."), "", []
    n_test_ok = {math.floor(test_size * m), math.ceil(test_size * m)}
    if Xte.shape[0] not in n_test_ok:
        hint = HINTS["split_test_size"] if Xtr.shape[0] in n_test_ok else ""
        size = f"test_size={test_size}" if not case.hidden else "this test_size"
        return (f"X_test has {Xte.shape[0]} rows; with {size} and {m} rows, "
                f"{max(n_test_ok)} are expected."), hint, []
    if Xtr.shape[0] + Xte.shape[0] != m:
        return f"the parts have {Xtr.shape[0]} + {Xte.shape[0]} rows but the data has {m}.", "", []
    if Xtr.dtype.kind != "f" or Xte.dtype.kind != "f":
        return f"X parts have dtypes {Xtr.dtype} / {Xte.dtype}; float64 is expected.", "", []
    if ytr.dtype.kind not in "iu" or yte.dtype.kind not in "iu":
        return f"y parts have dtypes {ytr.dtype} / {yte.dtype}; integer labels are expected.", "", []
    # Column 0 of X holds the row ids 0..m-1; any affine scaling keeps them recoverable from train + test together.
    s = np.concatenate([Xtr[:, 0], Xte[:, 0]])
    if not np.isfinite(s).all():
        return "the scaled features contain NaN or inf.", "", []
    order = np.sort(s)
    scale = (order[-1] - order[0]) / (m - 1)
    ids = np.rint((s - order[0]) / scale).astype(int) if scale > 0 else np.zeros(m, int)
    if scale <= 0 or not np.allclose((s - order[0]) / scale, ids, atol=1e-6) or sorted(ids) != list(range(m)):
        return ("the rows of X_train and X_test are not the rows of X (each row must appear exactly once, in one "
                "part, with its columns scaled)."), "", []
    id_tr, id_te = ids[: Xtr.shape[0]], ids[Xtr.shape[0]:]
    if not (np.array_equal(ytr, y[id_tr]) and np.array_equal(yte, y[id_te])):
        return "the labels are not aligned with their rows.", HINTS["split_misaligned"], []
    raw_tr, raw_te = X[id_tr], X[id_te]
    mu, sd = raw_tr.mean(axis=0), raw_tr.std(axis=0)
    want_tr, want_te = (raw_tr - mu) / sd, (raw_te - mu) / sd
    if not (np.allclose(Xtr, want_tr, rtol=1e-7, atol=1e-9) and np.allclose(Xte, want_te, rtol=1e-7, atol=1e-9)):
        mu_all, sd_all = X.mean(axis=0), X.std(axis=0)
        if np.allclose(Xtr, (raw_tr - mu_all) / sd_all, rtol=1e-7, atol=1e-9):
            return "the features were standardised with statistics of ALL rows.", HINTS["split_leakage"], []
        if np.allclose(Xtr, raw_tr) and np.allclose(Xte, raw_te):
            return "the features are not scaled.", HINTS["split_unscaled"], []
        if np.allclose(Xtr, want_tr, rtol=1e-7, atol=1e-9):
            return "X_test is not transformed with the scaler fitted on the training part.", \
                HINTS["split_leakage"], []
        sd1 = raw_tr.std(axis=0, ddof=1)
        if np.allclose(Xtr, (raw_tr - mu) / sd1, rtol=1e-7, atol=1e-9):
            return ("the features were divided by the sample standard deviation (ddof=1).",
                    ("StandardScaler divides by the population standard deviation (ddof=0); pandas' .std() uses "
                     "ddof=1: use StandardScaler or np.std"), [])
        return "the features are not standardised with the training part's mean and standard deviation.", "", []
    second, problem = _split_parts(v.get("second"))
    if problem or not all(np.array_equal(a, b) for a, b in zip(parts, second)):
        return "two calls with the same seed gave different splits.", HINTS["split_seed"], []
    third, problem = _split_parts(v.get("other"))
    if problem is None and all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(parts, third)):
        return "two different seeds gave the same split: the seed argument is ignored.", HINTS["split_seed"], []
    return None, "", []


# ---------------------------------------------------------------------------------------------------------------
# NeuralNet
# ---------------------------------------------------------------------------------------------------------------

def _net_call(spec: dict, case: Case) -> str:
    """"NeuralNet(layers=(4, 3, 1), ..., seed=0)"; a hidden case's drawn seed is shown as seed=..."""
    return "NeuralNet(" + ", ".join(f"{k}=..." if case.hidden and k == "seed" else f"{k}={v!r}"
                                    for k, v in spec["kwargs"].items()) + ")"


def _scenario_problem(name: str, sc: dict, case: Case, spec: dict) -> tuple[str | None, str]:
    y = case.args[1]["v"]
    m = y.shape[0]
    layers = list(spec["kwargs"].get("layers", (30, 14, 1)))
    iterations = int(spec["kwargs"].get("iterations", 100))
    where = _net_call(spec, case)
    if sc.get("error"):
        e = sc["error"]
        if e["type"] == "NotImplementedError":  # the released stub, as for every other exercise
            return "`NeuralNet` is not implemented yet (it raises NotImplementedError).", ""
        return f"{where}: fit raised {e['type']}: {_learner_text(e['message'], case)}", ""
    if not sc.get("fit_returned_self"):
        return f"{where}.fit(X, y) must return self (sklearn convention).", ""
    hist = sc.get("cost_history_", {})
    if hist.get("t") == "exception":
        return f"{where}: after fit, cost_history_ is missing ({hist['type']}).", HINTS["nn_history"]
    h = _arr(hist) if hist.get("t") == "ndarray" else None
    if h is None and hist.get("t") == "list":
        try:
            h = np.array([float(it["v"]) for it in hist["items"]])
        except (KeyError, TypeError, ValueError):
            h = None
    if h is None or h.ndim != 1:
        return f"{where}: cost_history_ is {describe(hist)}; a list of floats (one per epoch) is expected.", \
            HINTS["nn_history"]
    if h.shape[0] != iterations:
        return f"{where}: cost_history_ has {h.shape[0]} entries; one per epoch ({iterations}) is expected.", \
            HINTS["nn_history"]
    if not np.isfinite(h).all():
        return f"{where}: cost_history_ contains NaN or inf.", ""
    if iterations >= 5 and np.all(h == h[0]):
        return f"{where}: the cost is the same at every epoch: training changed nothing.", HINTS["nn_frozen"]
    if iterations >= 5 and not h[-1] < h[0]:
        costs = "" if case.hidden else f" ({h[0]:.4g} -> {h[-1]:.4g})"
        return f"{where}: the cost did not decrease{costs}.", HINTS["nn_ascent"] if h[-1] > h[0] else ""
    params = _dict(sc.get("params_"))
    if params is None:
        return f"{where}: params_ is {describe(sc.get('params_', {}))}; a dict of arrays is expected.", ""
    for i in range(1, len(layers)):
        for key, shape in ((f"theta_{i}", (layers[i - 1], layers[i])), (f"b{i}", (layers[i],))):
            a = _arr(params.get(key))
            if a is None or a.shape != shape:
                return f"{where}: params_[{key!r}] should be an array of shape {shape}.", ""
    pred, proba, score = sc.get("predict", {}), sc.get("predict_proba", {}), sc.get("score", {})
    for what, tree in (("predict", pred), ("predict_proba", proba), ("score", score)):
        if tree.get("t") == "exception":
            return f"{where}: {what} raised {tree['type']}: {_learner_text(tree['message'], case)}", ""
    P = _arr(proba)
    if P is None or P.shape != (m, 2):
        return f"{where}: predict_proba(X) is {describe(proba)}; shape ({m}, 2) is expected.", ""
    if not (np.isfinite(P).all() and (P >= 0).all() and (P <= 1).all() and np.allclose(P.sum(axis=1), 1.0)):
        return f"{where}: predict_proba rows must be probabilities that sum to 1.", ""
    p = _arr(pred)
    if p is None or p.shape != (m,):
        hint = HINTS["nn_predict_labels"] if p is not None and p.dtype.kind == "f" else ""
        return f"{where}: predict(X) is {describe(pred)}; an int array of shape ({m},) is expected.", hint
    if p.dtype.kind not in "iu" or not np.isin(p, (0, 1)).all():
        fix = " (use .astype(int))" if p.dtype.kind == "b" else ""
        return f"{where}: predict(X) must return integer labels 0/1 (got dtype {p.dtype}){fix}.", \
            HINTS["nn_predict_labels"]
    agree = p == (P[:, 1] >= 0.5)
    near = np.abs(P[:, 1] - 0.5) < 1e-9
    if not (agree | near).all():
        if ((p == (P[:, 0] >= 0.5)) | near).all():
            return f"{where}: predict disagrees with predict_proba.", HINTS["nn_proba_order"]
        return f"{where}: predict(X) must be 1 exactly where predict_proba(X)[:, 1] >= 0.5.", ""
    sv = score.get("v") if score.get("t") in ("float", "npscalar", "int") else None
    if sv is None:
        return f"{where}: score(X, y) is {describe(score)}; a float is expected.", ""
    acc = float(np.mean(p == y))
    if abs(float(sv) - acc) > 1e-9:
        hint = HINTS["nn_percent"] if abs(float(sv) - 100 * acc) < 1e-6 else ""
        if case.hidden:
            return f"{where}: score(X, y) is not the accuracy of predict(X).", hint
        return f"{where}: score(X, y) is {sv!r} but the accuracy of predict(X) is {acc!r}.", hint
    return None, ""


def _trajectory_hint(expected: dict, observed: dict) -> str:
    """Which part of training differs: the first recorded cost (what is recorded, and when) or the updates."""
    e, o = _arr(expected), _arr(observed)
    if e is None or o is None or e.shape != o.shape or e.size < 2:
        return HINTS["nn_history"]
    if not math.isclose(float(o[0]), float(e[0]), rel_tol=1e-6, abs_tol=1e-9):
        return HINTS["nn_history"]
    return HINTS["nn_updates"]


def judge_neural_net(check: Check, case: Case, observed: dict, expected: dict):
    v, ev = _v(observed), _v(expected)
    refused = {sc["name"]: sc for sc in case.options["scenarios"] if sc.get("expect_error")}
    specs = {sc["name"]: sc for sc in case.options["scenarios"] if not sc.get("expect_error")}
    for name, spec in specs.items():
        sc = v.get(name)
        if sc is None:
            return f"scenario {name!r} was not run.", "", []
        problem, hint = _scenario_problem(name, sc, case, spec)
        if problem:
            return problem, hint, []
    for name, spec in refused.items():
        err = (v.get(name) or {}).get("error")
        want = spec["expect_error"]
        if not (type(err) is dict and want in err.get("mro", [err.get("type")])):
            what = "labels other than 0/1" if spec.get("y") == "bad_labels" else \
                "a layers list whose first size is not the number of features of X"
            got = f"raised {err.get('type')}" if type(err) is dict else "accepted them"
            return (f"{_net_call(spec, case)}.fit was given {what} and {got}; {want} is expected "
                    f"(fit checks its inputs)."), HINTS["nn_checks"], []
    # Deterministic scenarios must follow the reference trajectory (zeros init, full batch: no randomness at all).
    for name, spec in specs.items():
        if not spec.get("compare"):
            continue
        where = _net_call(spec, case)
        for attr in ("cost_history_", "predict_proba"):
            e, o = ev[name][attr], v[name][attr]
            if o.get("t") == "list":
                o = {"t": "ndarray", "v": np.array([float(it["v"]) for it in o["items"]])}
            if e.get("t") == "list":
                e = {"t": "ndarray", "v": np.array([float(it["v"]) for it in e["items"]])}
            problem, _ = compare(e, o, 1e-6, 1e-9, path=attr, reveal=not case.hidden)
            if problem:
                hint = _trajectory_hint(e, o) if attr == "cost_history_" else ""
                return f"{where} does not follow the expected training trajectory: {problem}", hint, []
    same = [n for n, s in specs.items() if s.get("same_as")]
    for name in same:
        other = specs[name]["same_as"]
        if compare(v[other]["cost_history_"], v[name]["cost_history_"], 0.0, 0.0)[0]:
            return "two models with the same seed trained differently.", HINTS["nn_seed"], []
    for name, spec in specs.items():
        other = spec.get("differs_from")
        if other and not compare(v[other]["params_"], v[name]["params_"], 0.0, 0.0)[0]:
            return "two models with different seeds ended with identical parameters: the seed is ignored.", \
                HINTS["nn_seed"], []
    return None, "", []


# ---------------------------------------------------------------------------------------------------------------
# make_equivalent_mlp
# ---------------------------------------------------------------------------------------------------------------

def judge_mlp(check: Check, case: Case, observed: dict, expected: dict):
    v, ev = _v(observed), _v(expected)
    t = v.get("type", "?")
    if "params" not in v:
        return f"make_equivalent_mlp returned an object of type {t}; an unfitted sklearn MLPClassifier is expected.", \
            "", []
    hidden, lr, iterations, n_samples = (a["v"] for a in case.args)
    if "fit_error" in v:
        e = v["fit_error"]
        why = _learner_text(e["message"], case)
        return f"fitting the estimator from the given weights raised {e['type']}: {why}", \
            _mlp_param_hint(v, hidden, lr, iterations, n_samples), []
    lc, elc = v.get("loss_curve", {}), ev.get("loss_curve", {})
    lo, le = _arr(lc), _arr(elc)
    if lo is not None and le is not None and lo.shape[0] < le.shape[0]:
        problem = f"training stopped after {lo.shape[0]} of {le.shape[0]} iterations."
    else:
        problem, _ = compare(elc, lc, 1e-6, 1e-10, path="loss_curve_", reveal=not case.hidden)
    if problem:
        hint = _mlp_param_hint(v, hidden, lr, iterations, n_samples)
        return f"started from the same weights, its loss curve does not follow NeuralNet's: {problem}", hint, []
    return None, "", []


def _mlp_param_hint(v: dict, hidden, lr, iterations, n_samples) -> str:
    """Name the first hyperparameter that makes sklearn's trajectory differ from NeuralNet's."""
    p = dict(zip(v["params"]["keys"], v["params"]["values"])) if v.get("params", {}).get("t") == "dict" else {}
    val = {k: it.get("v") for k, it in p.items()}
    hls = p.get("hidden_layer_sizes", {})
    sizes = [it.get("v") for it in hls.get("items", [])] if hls.get("t") in ("tuple", "list") else [hls.get("v")]
    batch_ok = val.get("batch_size") == n_samples or (val.get("batch_size") == "auto" and n_samples <= 200)
    stop_ok = val.get("tol") in (0, 0.0) or (val.get("n_iter_no_change") or 0) >= iterations
    checks = [
        (val.get("solver") == "sgd", HINTS["mlp_solver"]),
        (val.get("activation") == "logistic", HINTS["mlp_activation"]),
        (val.get("alpha") in (0, 0.0), HINTS["mlp_alpha"]),
        (val.get("momentum") in (0, 0.0), HINTS["mlp_momentum"]),
        (batch_ok, HINTS["mlp_batch"]),
        (sizes == [hidden], f"one hidden layer of {hidden} units: hidden_layer_sizes=({hidden},)"),
        (val.get("learning_rate_init") == lr, "learning_rate_init is our learning_rate"),
        (val.get("learning_rate") == "constant", "keep the step size constant: learning_rate='constant'"),
        (val.get("max_iter") == iterations, "max_iter is our iterations"),
        (stop_ok, HINTS["mlp_stop"]),
    ]
    for ok, hint in checks:
        if not ok:
            return hint
    return ""


def judge_answer(check: Check, case: Case, observed: dict, expected: dict):
    """Thinking questions (``autograder.questions``), imported on first use: sandbox workers never judge."""
    from .questions import judge_answer as judge
    return judge(check, case, observed, expected)


JUDGES = {
    "answer": judge_answer,
    "init_params": judge_init_params,
    "split_and_scale": judge_split_and_scale,
    "neural_net": judge_neural_net,
    "mlp": judge_mlp,
}
