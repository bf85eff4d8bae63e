"""The tree diff: one encoded tree against another, exact types first, then shapes, then values (PUBLIC runtime).

Interface
---------
``compare(expected, observed, rtol, atol, path="output") -> (problem: str | None, notes: list[str])``
    Compare two encoded trees (``autograder.encode``). ``expected`` comes from the reference (live or public data),
    ``observed`` from the learner. Only trees are inspected: no learner code can run here.
``values_match(expected_obs, observed_obs, check) -> bool``: two probe observations agree (same exception type, or
    outputs that compare equal); used to recognise a known-wrong mutant.
``describe(tree, reveal=True)``, ``mask_numbers(text)``: how messages name a value, and hide learner-written numbers.

The verdict for one case (missing object, exceptions, warnings, purity, then this diff or a property judge) is
``autograder.verdict.judge``.

Rules (each has its own message): an ndarray must be exactly ``numpy.ndarray`` (a subclass, np.matrix, masked
array, list or object with ``__array__`` is named as such); shapes must match exactly, with a dedicated message when
they would broadcast ((m,) against (m, 1)); a scalar may be a Python float/int, a numpy scalar or a 0-d array, but a
(1, 1) array gets its own message; dicts are compared over the EXPECTED keys (missing keys are named, an empty dict
fails, extra keys are noted); messages give NaN/inf positions, the first differing index with both values, and the
largest absolute and relative errors.

``reveal=False`` (hidden cases): the same checks, but messages keep shapes, dtypes, NaN/inf positions, the first
differing index and the largest absolute/relative errors while leaving out every value: the expected one, the
learner's own (a function could return its input) and numbers in learner-written text. Public cases keep the values.

Names the learner's value chose (dict keys, DataFrame column names, a Series' or index's name) go through
``names_shown``: on a public case each is a bounded, cleaned ``repr`` (``learner_text.clean``); on a hidden case only
a name that is also an expected one is shown, the others are counted (a key can be any string the learner's code
made from the hidden input).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from . import learner_text
from .results import Check

__all__ = ["compare", "describe", "mask_numbers", "values_match"]

# decimals, exponents and integers of 4+ digits (small integers such as shapes and counts stay readable)
_NUMBER = re.compile(r"[-+]?(?:\d*\.\d+|\d+\.|\d{4,}|\d+(?=[eE][-+]?\d))(?:[eE][-+]?\d+)?")


def mask_numbers(text: str) -> str:
    """Learner-written text (exception/warning messages, printed lines) with its precise numbers replaced by #."""
    return _NUMBER.sub("#", text)


# ---------------------------------------------------------------------------------------------------------------
# Describing trees
# ---------------------------------------------------------------------------------------------------------------

def _shape(a: np.ndarray) -> str:
    return "(" + ", ".join(str(s) for s in a.shape) + ("," if a.ndim == 1 else "") + ")"


MAX_NAMES = 8  # learner-chosen names shown in one message
MAX_NAME = 40  # characters of one


def name_shown(name: Any, reveal: bool, expected: tuple = ()) -> str:
    """One name the learner's value chose, as a message may show it (see ``names_shown``)."""
    if type(name) is str and name in expected:
        return repr(name)
    if not reveal:
        return "a name other than the expected ones"
    return repr(learner_text.clean(name, MAX_NAME)) if type(name) is str else "a name that is not a string"


def names_shown(names: Any, reveal: bool, expected: tuple = ()) -> str:
    """Names the learner's value chose (dict keys, column names): on a public case a list of at most
    ``MAX_NAMES`` cleaned, bounded ``repr`` s; on a hidden case those that are also ``expected`` and a count of the
    others, never their text."""
    names = list(names) if type(names) in (list, tuple) else []
    if reveal:
        shown = [name_shown(n, True, expected) for n in names[:MAX_NAMES]]
        return "[" + ", ".join(shown + ([f"... {len(names) - MAX_NAMES} more"] if len(names) > MAX_NAMES else [])) + "]"
    known = [repr(n) for n in names if type(n) is str and n in expected][:MAX_NAMES]
    others = len(names) - len(known)
    parts = known + ([f"{others} other name{'s' if others != 1 else ''} (not shown for hidden checks)"] if others else [])
    return "[" + ", ".join(parts) + "]"


def describe(tree: Any, reveal: bool = True) -> str:
    """Short human description of an encoded tree ("an ndarray of shape (3, 1) and dtype float64").

    reveal=False: scalars and strings without their value, exception messages with numbers masked."""
    if type(tree) is not dict or "t" not in tree:
        return "an unexpected value"
    t = tree["t"]
    if t == "ndarray":
        a = tree["v"]
        return f"an ndarray of shape {_shape(a)} and dtype {a.dtype}"
    if t in ("float", "int", "bool", "str"):
        v = tree["v"]
        if not reveal:
            return {"float": "a float", "int": "an int", "bool": "a bool", "str": "a string"}[t]
        return f"the {dict(float='float', int='int', bool='bool', str='string')[t]} {v!r}"[:120]
    if t == "npscalar":
        return f"a numpy {tree['dtype']} scalar" + (f" ({tree['v']!r})" if reveal else "")
    if t == "none":
        return "None (did you forget a `return`?)"
    if t in ("list", "tuple"):
        return f"a {t} of length {len(tree['items'])}"
    if t == "dict":
        keys = tree["keys"]
        return "an empty dict" if not keys else (f"a dict with keys {names_shown(keys, True)}" if reveal
                                                 else f"a dict with {len(keys)} key{'s' if len(keys) != 1 else ''}")
    if t == "dataframe":
        return f"a pandas DataFrame of shape {tuple(tree['shape'])}"
    if t == "series":
        return "a pandas Series"
    if t == "object":
        kind = tree.get("kind", "")
        if kind == "matrix":
            return "a numpy.matrix (np.matrix is a subclass of ndarray with its own rules for * and shapes)"
        if kind == "masked-array":
            return "a numpy masked array"
        if kind == "ndarray-subclass":
            return f"an instance of {tree['type']}, a subclass of numpy.ndarray"
        if kind.endswith("-subclass"):
            return f"an instance of {tree['type']}, a subclass of {kind[:-9]}"
        if kind.startswith("array of dtype"):
            return f"an ndarray with {kind[9:]}"
        return f"an object of type {tree['type']}"
    if t == "exception":
        return f"an exception {tree['type']}: {tree['message'] if reveal else mask_numbers(str(tree['message']))}"
    if t == "missing":
        return "nothing (the object is not defined)"
    if t == "truncated":
        return f"a value too large to check ({tree.get('why', '')})"
    return f"a {t}"


_ARRAY_FIX = {
    "list": "you returned a list: build a numpy array instead (e.g. np.array(...))",
    "tuple": "you returned a tuple: build a numpy array instead",
}


def _index(idx) -> str:
    return "(" + ", ".join(str(int(i)) for i in idx) + ("," if len(idx) == 1 else "") + ")"


def _fmtv(x) -> str:
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.10g}"
    return repr(x.item() if isinstance(x, np.generic) else x)


# ---------------------------------------------------------------------------------------------------------------
# Arrays
# ---------------------------------------------------------------------------------------------------------------

def _broadcasts(a: tuple, b: tuple) -> tuple | None:
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        return None


def _compare_arrays(e: np.ndarray, o: np.ndarray, rtol: float, atol: float, path: str,
                    reveal: bool = True) -> tuple[str | None, list]:
    notes: list[str] = []
    if o.shape != e.shape:
        msg = f"{path} has shape {_shape(o)} but shape {_shape(e)} is expected."
        b = _broadcasts(o.shape, e.shape)
        if b is not None and o.size != 0:
            msg += (f" These two shapes broadcast together to {b}, so arithmetic or np.allclose between them would "
                    f"silently give wrong results instead of an error.")
            if sorted(o.shape) == sorted(e.shape) or o.size == e.size:
                want = "a column vector, e.g. x.reshape(-1, 1)" if e.ndim == 2 and e.shape[-1] == 1 else (
                    "a flat vector, e.g. x.ravel() or x[:, 0]" if e.ndim == 1 else f"shape {_shape(e)}")
                msg += f" Return {want}."
            if e.ndim == 1 and o.ndim == 2 and 1 in o.shape:
                msg += " (keepdims=True, or a column vector where a flat one is needed, gives this extra axis.)"
        elif o.size == e.size and o.ndim == 2 and e.ndim == 2 and o.shape == e.shape[::-1]:
            msg += " It is the transpose of the expected shape: check the order of the factors of your matrix product."
        return msg, notes
    ek, ok = e.dtype.kind, o.dtype.kind
    if ek == "f" and ok not in "f":
        if ok in "iu":
            return (f"{path} has integer dtype {o.dtype} but floating point values are expected: the fractional parts "
                    f"were lost (create the result with a float dtype, e.g. np.zeros(shape) rather than "
                    f"np.zeros(shape, dtype=int))."), notes
        return f"{path} has dtype {o.dtype} but a floating point array is expected.", notes
    if ek in "iu" and ok not in "iu":
        return f"{path} has dtype {o.dtype} but an integer array is expected (e.g. .astype(int)).", notes
    if ek == "b" and ok != "b":
        return f"{path} has dtype {o.dtype} but a boolean array is expected.", notes
    if ek == "f" and o.dtype != e.dtype:
        notes.append(f"{path} has dtype {o.dtype} (float64 expected); precision may suffer.")
    if o.size == 0:
        return None, notes
    if ok in "biu" and ek in "biu":
        diff = o != e
        if not diff.any():
            return None, notes
        first = np.argwhere(diff)[0]
        if not reveal:
            return f"{path}: {int(diff.sum())} of {o.size} entries differ; first at index {_index(first)}.", notes
        return (f"{path}: {int(diff.sum())} of {o.size} entries differ; first at index {_index(first)}: got "
                f"{_fmtv(o[tuple(first)])}, expected {_fmtv(e[tuple(first)])}."), notes
    of = o.astype(np.float64) if ok not in "fc" else o
    ef = e.astype(np.float64) if ek not in "fc" else e
    o_nan, e_nan = np.isnan(of), np.isnan(ef)
    o_inf, e_inf = np.isinf(of), np.isinf(ef)
    bad_nan = o_nan & ~e_nan
    bad_inf = o_inf & ~(e_inf & (np.sign(of) == np.sign(ef)))
    if bad_nan.any() or bad_inf.any():
        parts = []
        for mask, what in ((bad_nan, "NaN"), (bad_inf, "inf")):
            if mask.any():
                pos = [_index(p) for p in np.argwhere(mask)[:5]]
                parts.append(f"{what} at {int(mask.sum())} position{'s' if mask.sum() > 1 else ''} "
                             f"({', '.join(pos)}{', ...' if mask.sum() > 5 else ''})")
        return (f"{path} contains {' and '.join(parts)} where the expected values are finite. Look for log(0), "
                f"0/0, or exp of a large number."), notes
    with np.errstate(all="ignore"):
        both_special = (o_nan & e_nan) | (o_inf & e_inf & (np.sign(of) == np.sign(ef)))
        err = np.where(both_special, 0.0, np.abs(of - ef))
        close = err <= atol + rtol * np.where(both_special, 0.0, np.abs(ef))
        # a finite expected value must be matched by a finite observed one (and the converse)
        close &= ~(e_nan & ~o_nan) & ~(e_inf & ~o_inf)
    if close.all():
        return None, notes
    n_bad = int((~close).sum())
    first = np.argwhere(~close)[0]
    with np.errstate(all="ignore"):
        rel = np.where(np.abs(ef) > 0, err / np.abs(ef), np.where(err > 0, np.inf, 0.0))
    ia = np.unravel_index(int(np.nanargmax(np.where(np.isfinite(err), err, -1))), err.shape)
    ir = np.unravel_index(int(np.nanargmax(np.where(np.isfinite(rel), rel, -1))), rel.shape)
    at_first = f": got {_fmtv(o[tuple(first)])}, expected {_fmtv(e[tuple(first)])}" if reveal else ""
    msg = (f"{path}: {n_bad} of {o.size} entries differ from the expected values (tolerance rtol={rtol:g}, "
           f"atol={atol:g}). First at index {_index(first)}{at_first}. Largest absolute error {float(err[ia]):.3g} "
           f"at {_index(ia)}; largest relative error {float(rel[ir]):.3g} at {_index(ir)}.")
    ratio = _common_ratio(of, ef)
    if ratio is not None:
        msg += f" Every entry is {ratio:g} times the expected one."
    return msg, notes


def _common_ratio(o: np.ndarray, e: np.ndarray) -> float | None:
    mask = np.abs(e) > 1e-12
    if mask.sum() < 2 or not np.isfinite(o).all():
        return None
    r = o[mask] / e[mask]
    if np.allclose(r, r[0], rtol=1e-6, atol=0) and not math.isclose(r[0], 1.0, rel_tol=1e-6):
        return float(np.round(r[0], 6))
    return None


# ---------------------------------------------------------------------------------------------------------------
# Scalars
# ---------------------------------------------------------------------------------------------------------------

def _as_number(tree: dict):
    """(value, kind) for a scalar-like tree, or None."""
    t = tree.get("t")
    if t in ("float", "int", "bool"):
        return tree["v"], {"float": "f", "int": "i", "bool": "b"}[t]
    if t == "npscalar":
        kind = np.dtype(tree["dtype"]).kind
        return (complex(*tree["v"]) if kind == "c" else tree["v"]), kind
    if t == "ndarray" and tree["v"].ndim == 0:
        return tree["v"].item(), tree["v"].dtype.kind
    return None


def _compare_scalars(e: dict, o: dict, rtol: float, atol: float, path: str,
                     reveal: bool = True) -> tuple[str | None, list]:
    ev, ek = _as_number(e)
    got = _as_number(o)
    if got is None:
        if o.get("t") == "ndarray":
            a = o["v"]
            if a.size == 1:
                return (f"{path} is an array of shape {_shape(a)} but a single number is expected: return a scalar, "
                        f"e.g. float(x) or x.item() (a product like Y.T @ np.log(h) gives a (1, 1) array)."), []
            return f"{path} is {describe(o)} but a single number is expected.", []
        return f"{path} is {describe(o, reveal)} but a single number is expected.", []
    ov, ok = got
    if ek in "iu" and ok not in "iu":
        if ok == "f" and isinstance(ov, float) and ov.is_integer():
            return (f"{path} is {f'the float {ov!r}' if reveal else 'a float'} but an int is expected (use integer "
                    f"division // instead of /, or int(...))."), []
        return f"{path} is {describe(o, reveal)} but an int is expected.", []
    if ek in "fiu" and ok == "b":
        return f"{path} is a boolean{f' ({ov!r})' if reveal else ''} but a number is expected.", []
    if ek == "f" and ok not in "fiu":
        return f"{path} is {describe(o, reveal)} but a real number is expected.", []
    if ek in "iu":
        if ov != ev:
            if not reveal:  # an int's absolute error can be an input itself (n instead of n(n+1)/2 - ...)
                return (f"{path} is not the expected int: it is too {'large' if ov > ev else 'small'} (relative "
                        f"error {abs(ov - ev) / abs(ev) if ev else math.inf:.3g}).{_times(ov, ev)}"), []
            return f"{path} is {ov!r} but {ev!r} is expected.", []
        return None, []
    if ek == "b":
        if bool(ov) == bool(ev):
            return None, []
        return (f"{path} is {ov!r} but {ev!r} is expected." if reveal else f"{path} is not the expected bool."), []
    ov, ev = float(ov), float(ev)
    if math.isnan(ev) and math.isnan(ov):
        return None, []
    if math.isnan(ov) or math.isinf(ov):
        if ov != ev:
            value = f" {ev:.10g}" if reveal else ""
            return (f"{path} is {ov} but the expected value{value} is finite. Look for log(0), 0/0, or exp of a "
                    f"large number."), []
        return None, []
    if not abs(ov - ev) <= atol + rtol * abs(ev):
        errors = (f"absolute error {abs(ov - ev):.3g}, relative error "
                  f"{abs(ov - ev) / abs(ev) if ev else math.inf:.3g}")
        if not reveal:
            return f"{path} is not the expected value ({errors}).{_times(ov, ev)}", []
        msg = f"{path} is {ov:.10g} but {ev:.10g} is expected ({errors})."
        return msg + _times(ov, ev), []
    return None, []


def _times(ov, ev) -> str:
    """" That is 3 times the expected value." when the observed value is a whole multiple of the expected one."""
    ov, ev = float(ov), float(ev)
    if ev and abs(ev) > 1e-12 and ov / ev not in (1.0,) and abs(ov / ev - round(ov / ev)) < 1e-9:
        return f" That is {round(ov / ev):g} times the expected value."
    return ""


# ---------------------------------------------------------------------------------------------------------------
# Trees
# ---------------------------------------------------------------------------------------------------------------

def _is_scalar_tree(tree: dict) -> bool:
    return tree.get("t") in ("float", "int", "npscalar", "bool") or (
        tree.get("t") == "ndarray" and tree["v"].ndim == 0)


def _index_values(tree: dict) -> np.ndarray | None:
    if tree.get("t") == "range":
        return np.arange(tree["start"], tree["stop"], tree["step"])
    if tree.get("t") == "index" and tree["values"].get("t") == "ndarray":
        return tree["values"]["v"]
    return None


def compare(expected: Any, observed: Any, rtol: float = 1e-7, atol: float = 1e-10, path: str = "output",
            names: Sequence[str] = (), reveal: bool = True) -> tuple[str | None, list[str]]:
    """First problem found comparing ``observed`` with ``expected`` (None when they match), plus notes.

    reveal=False (hidden cases): the message shows no value, only shapes, positions and error sizes."""
    if type(expected) is not dict or "t" not in expected:
        return _compare_plain(expected, observed, rtol, atol, path, reveal)
    if type(observed) is not dict or "t" not in observed:
        return f"{path} is not a value the checker understands.", []
    et, ot = expected["t"], observed["t"]
    if ot == "truncated":
        return f"{path} is {describe(observed, reveal)}.", []
    if _is_scalar_tree(expected) and et != "bool":
        return _compare_scalars(expected, observed, rtol, atol, path, reveal)
    if et == "ndarray":
        e = expected["v"]
        if ot != "ndarray":
            if _is_scalar_tree(observed):
                return f"{path} is a single number but an ndarray of shape {_shape(e)} is expected.", []
            fix = _ARRAY_FIX.get(ot, "return a plain numpy.ndarray (e.g. np.asarray(result))")
            return f"{path} is {describe(observed, reveal)} but a numpy.ndarray of shape {_shape(e)} is expected: {fix}.", []
        return _compare_arrays(e, observed["v"], rtol, atol, path, reveal)
    if et in ("tuple", "list"):
        if ot not in ("tuple", "list"):
            what = f"a tuple of {len(expected['items'])} values" + (f" ({', '.join(names)})" if names else "")
            return f"{path} is {describe(observed, reveal)} but {what} is expected.", []
        ei, oi = expected["items"], observed["items"]
        if len(ei) != len(oi):
            what = f" ({', '.join(names)})" if names else ""
            return f"{path} has {len(oi)} items but {len(ei)} are expected{what}.", []
        notes: list[str] = []
        for i, (e, o) in enumerate(zip(ei, oi)):
            sub = names[i] if i < len(names) else f"{path}[{i}]"
            problem, n = compare(e, o, rtol, atol, sub, reveal=reveal)
            notes += n
            if problem:
                return problem, notes
        return None, notes
    if et == "dict":
        if ot != "dict":
            return f"{path} is {describe(observed, reveal)} but a dict with keys {expected['keys']} is expected.", []
        okeys = observed["keys"]
        if not okeys and expected["keys"]:
            return f"{path} is an empty dict; expected keys {expected['keys']}.", []
        missing = [k for k in expected["keys"] if k not in okeys]
        known = tuple(expected["keys"])
        if missing:
            return (f"{path} is missing the key{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} "
                    f"(it has {names_shown(okeys, reveal, known)}; expected {expected['keys']})."), []
        notes = []
        extra = [k for k in okeys if k not in expected["keys"]]
        if extra:
            notes.append(f"{path} has extra keys {names_shown(extra, reveal, known)} (ignored).")
        if observed.get("nonstr_keys"):
            notes.append(f"{path} has {observed['nonstr_keys']} non-string keys (ignored).")
        ovals = dict(zip(okeys, observed["values"]))
        for k, e in zip(expected["keys"], expected["values"]):
            problem, n = compare(e, ovals[k], rtol, atol, f"{path}[{k!r}]", reveal=reveal)
            notes += n
            if problem:
                return problem, notes
        return None, notes
    if et in ("dataframe", "series"):
        return _compare_pandas(expected, observed, rtol, atol, path, reveal)
    if et in ("str", "bool", "none"):
        if ot != et or observed.get("v") != expected.get("v"):
            if not reveal and ot == et:
                return f"{path} is not the expected {describe(expected, False).split(' ', 1)[1]}.", []
            return f"{path} is {describe(observed, reveal)} but {describe(expected, reveal)} is expected.", []
        return None, []
    if et == "exception":
        if ot == "exception" and expected["type"] in observed.get("mro", [observed["type"]]):
            return None, []
        return f"{path} is {describe(observed, reveal)} but {describe(expected, reveal)} is expected.", []
    # generic tagged structure (probe summaries): same tag, compare the other fields
    if ot != et:
        return f"{path} is {describe(observed, reveal)} but {describe(expected, reveal)} is expected.", []
    return _compare_plain({k: v for k, v in expected.items() if k != "t"},
                          {k: v for k, v in observed.items() if k != "t"}, rtol, atol, path, reveal)


def _compare_plain(e: Any, o: Any, rtol: float, atol: float, path: str,
                   reveal: bool = True) -> tuple[str | None, list]:
    if type(e) is dict and "t" in e:
        return compare(e, o, rtol, atol, path, reveal=reveal)
    if type(e) is np.ndarray:
        if type(o) is not np.ndarray:
            return f"{path} differs.", []
        return _compare_arrays(e, o, rtol, atol, path, reveal)
    if type(e) is dict:
        if type(o) is not dict:
            return f"{path} differs.", []
        notes = []
        for k in e:
            if k not in o:
                return f"{path}: {k!r} is missing.", []
            p, n = _compare_plain(e[k], o[k], rtol, atol, f"{path}.{k}", reveal)
            notes += n
            if p:
                return p, notes
        return None, notes
    if type(e) is list:
        if type(o) is not list or len(o) != len(e):
            return f"{path} differs.", []
        for i, (a, b) in enumerate(zip(e, o)):
            p, n = _compare_plain(a, b, rtol, atol, f"{path}[{i}]", reveal)
            if p:
                return p, n
        return None, []
    if type(e) is float and type(o) in (float, int):
        if abs(o - e) <= atol + rtol * abs(e) or (math.isnan(e) and math.isnan(o)):
            return None, []
        if not reveal:
            rel = abs(o - e) / abs(e) if e else math.inf
            return f"{path} is not the expected value (absolute error {abs(o - e):.3g}, relative error {rel:.3g}).", []
        return f"{path} is {o!r}, expected {e!r}.", []
    if type(e) is type(o) and e == o:
        return None, []
    return (f"{path} is {o!r}, expected {e!r}." if reveal else f"{path} is not the expected value."), []


def _compare_pandas(e: dict, o: dict, rtol: float, atol: float, path: str,
                    reveal: bool = True) -> tuple[str | None, list]:
    et = e["t"]
    kind = "DataFrame" if et == "dataframe" else "Series"
    if o.get("t") != et:
        return f"{path} is {describe(o, reveal)} but a pandas {kind} is expected.", []
    if et == "dataframe":
        known = tuple(e["columns"])
        if tuple(o["shape"]) != tuple(e["shape"]):
            extra = [c for c in o["columns"] if c not in e["columns"]]
            missing = [c for c in e["columns"] if c not in o["columns"]]
            msg = f"{path} has shape {tuple(o['shape'])} but {tuple(e['shape'])} is expected."
            if extra:
                msg += f" Unexpected columns: {names_shown(extra[:5], reveal, known)}."
            if missing:
                msg += f" Missing columns: {missing[:5]}."
            return msg, []
        if o["columns"] != e["columns"]:
            bad = [(a, b) for a, b in zip(o["columns"], e["columns"]) if a != b]
            return (f"{path} has different column names; first difference: {name_shown(bad[0][0], reveal, known)} "
                    f"instead of {bad[0][1]!r}."), []
    if o.get("name") != e.get("name"):
        return f"{path} is named {_optional_name(o.get('name'), reveal)} but {e.get('name')!r} is expected.", []
    ei, oi = _index_values(e["index"]), _index_values(o["index"])
    if e["index"].get("name") != o["index"].get("name"):
        return (f"{path} has index named {_optional_name(o['index'].get('name'), reveal)} but "
                f"{e['index'].get('name')!r} is expected (use the id column as the index)."), []
    if ei is not None:
        if oi is None or oi.shape != ei.shape or not np.array_equal(oi, ei):
            return f"{path} has a different index than expected (it should be the ids, in file order).", []
    if et == "series":
        ek = np.dtype(e["dtype"]).kind if e["dtype"] in np.sctypeDict or _is_dtype(e["dtype"]) else "?"
        ok = np.dtype(o["dtype"]).kind if _is_dtype(o["dtype"]) else "?"
        if ek in "iu" and ok not in "iu":
            return f"{path} has dtype {learner_text.clean(o['dtype'], MAX_NAME)} but integer labels (0/1) are expected.", []
    else:
        bad = [(c, d) for c, d in zip(o["columns"], o["dtypes"]) if not (_is_dtype(d) and np.dtype(d).kind in "fiu")]
        if bad:
            return (f"{path} has non-numeric column {name_shown(bad[0][0], reveal, tuple(e['columns']))} "
                    f"(dtype {learner_text.clean(bad[0][1], MAX_NAME)})."), []
    return compare(e["values"], o["values"], rtol, atol, f"{path} values", reveal=reveal)


def _optional_name(name: Any, reveal: bool) -> str:
    """A Series' or index's name the learner chose (None: unnamed)."""
    return "None" if name is None else name_shown(name, reveal)


def _is_dtype(s: str) -> bool:
    try:
        np.dtype(s)
        return True
    except TypeError:
        return False


def values_match(expected_obs: dict, observed_obs: dict, check: Check) -> bool:
    """True when two probe observations agree (both raised the same exception type, or outputs compare equal)."""
    ee, oe = expected_obs.get("error"), observed_obs.get("error")
    if ee or oe:
        return bool(ee and oe and ee["type"] in oe.get("mro", [oe["type"]]))
    problem, _ = compare(expected_obs["output"], observed_obs["output"], check.rtol, check.atol,
                         names=check.output_names)
    return problem is None
