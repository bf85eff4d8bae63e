"""Learner values -> plain tagged trees, and the no-code channel format (PUBLIC runtime).

Interface (used by probes, the judges and the sandbox)
------------------------------------------------------
``encode(value) -> tree``
    A tree is made of dicts with a tag ``"t"``; nothing in it can run learner code. The type of the learner's value is
    detected with ``type(x) is ...`` before anything else, so no method of a learner object (``__eq__``, ``__array__``,
    ``__len__``, ``__iter__``, ``__repr__`` ...) is ever called. Arrays are copied at once (a view that changes later
    cannot affect the verdict). Tags:

    ======================  ===========================================================================
    none / bool / int / float / str   ``{"t": "float", "v": 1.5}``
    npscalar                ``{"t": "npscalar", "dtype": "float64", "v": 1.5}`` (numpy scalar of a builtin numpy type)
    ndarray                 ``{"t": "ndarray", "v": <np.ndarray>}`` (exactly ``numpy.ndarray``, numeric/bool dtype)
    list / tuple            ``{"t": "list", "items": [...]}``
    dict                    ``{"t": "dict", "keys": ["a", ...], "values": [...]}`` (str keys only; others counted)
                            (subclasses of dict/list/tuple such as OrderedDict or a namedtuple are read through the
                            base type's own C methods and carry ``"subclass": "pkg.Class"``)
    dataframe / series      pandas objects of exactly those types (columns, index, values, dtypes, names)
    object                  ``{"t": "object", "type": "pkg.Class", "kind": "ndarray-subclass" | "matrix" | ...}``
    exception               ``{"t": "exception", "type": "ValueError", "mro": [...], "message": "..."}``
    missing                 the learner object does not exist
    truncated               nesting/size limit reached
    ======================  ===========================================================================

    Case arguments use the same trees plus three input-only tags materialised by ``materialize``:
    ``rng`` ({"seed": int} -> ``np.random.default_rng(seed)``), ``file`` ({"name", "text"} -> path of a fresh
    temporary file holding the text), ``function`` ({"kind", "params"} -> a deterministic numpy function from
    ``FUNCTIONS``; used for numerical_gradient).

``materialize(tree, tmpdir=None) -> python value``: a fresh, independent Python/numpy object for a case argument.

``to_channel(tree) -> (json_dict, arrays)`` / ``from_channel(json_dict, arrays) -> tree``
    The process-boundary format: a JSON-serialisable dict in which each array is replaced by ``{"t": "ndarray",
    "ref": "a3"}`` and a dict of numpy arrays (save with ``np.savez``, load with ``np.load(allow_pickle=False)``).
    ``from_channel`` validates everything (known tags, field types, array references, no object dtype) and raises
    ``ChannelError`` otherwise. ``write_channel(path_stem, tree)`` / ``read_channel(path_stem)`` do the file I/O.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from typing import Any

import numpy as np

__all__ = [
    "FUNCTIONS",
    "ChannelError",
    "encode",
    "encode_exception",
    "file_arg",
    "from_channel",
    "function_arg",
    "materialize",
    "read_channel",
    "rng_arg",
    "to_channel",
    "trees_equal",
    "type_name",
    "write_channel",
]

MAX_DEPTH = 8
MAX_ITEMS = 10_000          # list/dict items per container
MAX_STR = 2_000
MAX_ARRAY_BYTES = 256 * 2**20

_SCALAR_KINDS = "biufc"
_NUMPY_SCALAR_TYPES = frozenset(
    t for t in set(np.sctypeDict.values()) if issubclass(t, np.generic) and np.dtype(t).kind in _SCALAR_KINDS
)
_ARRAY_KINDS = "biufcUS"


class ChannelError(ValueError):
    """The channel data is not a valid encoded tree."""


def type_name(obj: Any) -> str:
    """'module.QualName' of obj's type, read from the type object (no instance method is called)."""
    cls = type(obj)
    mod = type.__getattribute__(cls, "__module__") if isinstance(cls, type) else "?"
    qual = type.__getattribute__(cls, "__qualname__") if isinstance(cls, type) else "?"
    if mod in ("builtins",):
        return str(qual)
    return f"{mod}.{qual}"


def _str(s: Any) -> str:
    s = str.__str__(s) if type(s) is str else "?"
    return s if len(s) <= MAX_STR else s[:MAX_STR] + "..."


def _encode_array(x: np.ndarray) -> dict:
    if x.dtype.kind not in _ARRAY_KINDS or x.dtype.hasobject:
        return {"t": "object", "type": "numpy.ndarray", "kind": f"array of dtype {x.dtype.str}"
                if x.dtype.kind != "O" else "array of dtype object"}
    if x.nbytes > MAX_ARRAY_BYTES:
        return {"t": "truncated", "why": f"array of {x.nbytes} bytes"}
    return {"t": "ndarray", "v": np.array(x, copy=True, order="C")}


def encode(value: Any, _depth: int = 0) -> dict:
    """Encode a learner value into a plain tagged tree (see module docstring). Never raises."""
    if _depth > MAX_DEPTH:
        return {"t": "truncated", "why": "nested too deeply"}
    cls = type(value)
    if value is None:
        return {"t": "none"}
    if cls is bool:
        return {"t": "bool", "v": bool(value)}
    if cls is int:
        if abs(value) > 2**62:
            return {"t": "float", "v": float(value)} if abs(value) < 1e308 else {"t": "truncated", "why": "huge int"}
        return {"t": "int", "v": int(value)}
    if cls is float:
        return {"t": "float", "v": float(value)}
    if cls is str:
        return {"t": "str", "v": _str(value)}
    if cls is np.ndarray:
        return _encode_array(value)
    if cls in _NUMPY_SCALAR_TYPES:
        kind = np.dtype(cls).kind
        v = value.item()
        if kind == "c":
            return {"t": "npscalar", "dtype": np.dtype(cls).name, "v": [float(v.real), float(v.imag)]}
        return {"t": "npscalar", "dtype": np.dtype(cls).name, "v": v if kind in "biu" else float(v)}
    if cls is list or cls is tuple:
        items = list.__iter__(value) if cls is list else tuple.__iter__(value)
        out = []
        for i, item in enumerate(items):
            if i >= MAX_ITEMS:
                return {"t": "truncated", "why": f"{cls.__name__} longer than {MAX_ITEMS}"}
            out.append(encode(item, _depth + 1))
        return {"t": cls.__name__, "items": out}
    if cls is dict:
        keys, values, nonstr = [], [], 0
        for i, (k, v) in enumerate(dict.items(value)):
            if i >= MAX_ITEMS:
                return {"t": "truncated", "why": f"dict larger than {MAX_ITEMS}"}
            if type(k) is not str:
                nonstr += 1
                continue
            keys.append(_str(k))
            values.append(encode(v, _depth + 1))
        tree = {"t": "dict", "keys": keys, "values": values}
        if nonstr:
            tree["nonstr_keys"] = nonstr
        return tree
    pd = sys.modules.get("pandas")
    if pd is not None and (cls is pd.DataFrame or cls is pd.Series):
        return _encode_pandas(value, pd, _depth)
    if issubclass(cls, (dict, list, tuple)) and not issubclass(cls, np.ndarray):
        # OrderedDict, defaultdict, namedtuple ...: read the underlying storage with the BASE class's C methods
        # (dict.items, tuple.__iter__), so no method the subclass defines (__eq__, __iter__, items) is called.
        base = dict if issubclass(cls, dict) else (list if issubclass(cls, list) else tuple)
        plain = dict(dict.items(value)) if base is dict else base(base.__iter__(value))
        tree = encode(plain, _depth)
        tree["subclass"] = type_name(value)
        return tree
    return _encode_other(value)


def _encode_other(value: Any) -> dict:
    cls = type(value)
    name = type_name(value)
    kind = "object"
    if issubclass(cls, np.ndarray):
        kind = "matrix" if issubclass(cls, np.matrix) else (
            "masked-array" if issubclass(cls, np.ma.MaskedArray) else "ndarray-subclass")
    elif issubclass(cls, (float, int, str, list, tuple, dict)):
        kind = f"{next(b for b in (float, int, str, list, tuple, dict) if issubclass(cls, b)).__name__}-subclass"
    elif issubclass(cls, np.generic):
        kind = "numpy-scalar"
    elif issubclass(cls, BaseException):
        kind = "exception"
    elif callable(value):  # checks the type's call slot; calls nothing
        kind = "callable"
    return {"t": "object", "type": name, "kind": kind}


def _index_tree(index, pd, depth) -> dict:
    if type(index) is pd.RangeIndex:
        return {"t": "range", "start": int(index.start), "stop": int(index.stop), "step": int(index.step),
                "name": _name(index.name)}
    values = index.to_numpy()
    enc = _encode_array(values) if values.dtype.kind in "biuf" else {"t": "object", "type": "index",
                                                                     "kind": f"index of dtype {values.dtype}"}
    return {"t": "index", "values": enc, "name": _name(index.name)}


def _name(n) -> Any:
    if n is None:
        return None
    return _str(n) if type(n) is str else f"<{type_name(n)}>"


def _encode_pandas(value, pd, depth) -> dict:
    try:
        if type(value) is pd.Series:
            vals = value.to_numpy()
            venc = _encode_array(vals) if vals.dtype.kind in "biufb" else {
                "t": "object", "type": "values", "kind": f"dtype {value.dtype}"}
            return {"t": "series", "name": _name(value.name), "dtype": str(value.dtype),
                    "index": _index_tree(value.index, pd, depth), "values": venc}
        columns = [(_str(c) if type(c) is str else f"<{type_name(c)}>") for c in value.columns]
        dtypes = [str(d) for d in value.dtypes]
        numeric = all(np.dtype(d).kind in "biuf" if isinstance(d, np.dtype) else False for d in value.dtypes)
        venc = _encode_array(value.to_numpy(dtype=float)) if numeric and value.shape[1] else {"t": "none"}
        return {"t": "dataframe", "columns": columns, "dtypes": dtypes, "shape": list(value.shape),
                "index": _index_tree(value.index, pd, depth), "values": venc}
    except Exception as exc:  # a broken pandas object is a learner problem, not a crash  # noqa: BLE001
        return {"t": "object", "type": type_name(value), "kind": f"unreadable pandas object ({type(exc).__name__})"}


def encode_exception(exc: BaseException) -> dict:
    """Exception -> {"t": "exception", "type", "mro", "message"} (message str()'d defensively)."""
    cls = type(exc)
    try:
        msg = str(exc)
    except Exception:  # noqa: BLE001
        msg = "<unprintable message>"
    mro = [c.__name__ for c in cls.__mro__ if isinstance(c, type)]
    return {"t": "exception", "type": cls.__name__, "mro": mro[:12], "message": msg[:MAX_STR]}


# ---------------------------------------------------------------------------------------------------------------
# Case-only argument tags and their materialisation
# ---------------------------------------------------------------------------------------------------------------

def rng_arg(seed: int) -> dict:
    return {"t": "rng", "seed": int(seed)}


def file_arg(name: str, text: str) -> dict:
    return {"t": "file", "name": str(name), "text": str(text)}


def function_arg(kind: str, **params) -> dict:
    return {"t": "function", "kind": kind, "params": encode(params)}


def _fn_sin_quad(p):
    w, v = p["w"], p["v"]

    def f(x):
        x = np.asarray(x, dtype=float)
        return float(np.sum(np.sin(w * x)) + 0.5 * np.sum((v * x) ** 2) + np.sum(x) ** 3 / 10.0)
    return f


def _fn_logistic(p):
    X, y = p["X"], p["y"]

    def f(theta):
        z = X @ np.asarray(theta, dtype=float).reshape(-1)
        return float(np.mean(np.logaddexp(0.0, -y * z)))
    return f


def _fn_cubic(p):
    a = p["a"]

    def f(x):
        x = np.asarray(x, dtype=float)
        return float(np.sum(a * x ** 3) + np.prod(np.cos(x)))
    return f


FUNCTIONS = {"sin_quad": _fn_sin_quad, "logistic": _fn_logistic, "cubic": _fn_cubic}
"""Deterministic scalar functions a case can hand to the learner (numerical_gradient). Built from plain params."""


def materialize(tree: dict, tmpdir: str | None = None) -> Any:
    """Build a fresh Python object from an encoded case tree (arrays are copied; files are written anew)."""
    t = tree["t"]
    if t == "none":
        return None
    if t in ("bool", "int", "float", "str"):
        return tree["v"]
    if t == "npscalar":
        return np.dtype(tree["dtype"]).type(tree["v"] if not isinstance(tree["v"], list) else complex(*tree["v"]))
    if t == "ndarray":
        return np.array(tree["v"], copy=True)
    if t == "list":
        return [materialize(i, tmpdir) for i in tree["items"]]
    if t == "tuple":
        return tuple(materialize(i, tmpdir) for i in tree["items"])
    if t == "dict":
        return {k: materialize(v, tmpdir) for k, v in zip(tree["keys"], tree["values"])}
    if t == "rng":
        return np.random.default_rng(tree["seed"])
    if t == "file":
        d = tmpdir or tempfile.mkdtemp(prefix="autograder-case-")
        path = os.path.join(d, os.path.basename(tree["name"]) or "data.csv")
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(tree["text"])
        return path
    if t == "function":
        return FUNCTIONS[tree["kind"]](materialize(tree["params"], tmpdir))
    if t in ("dataframe", "series"):
        import pandas as pd
        index = _materialize_index(tree["index"], pd)
        if t == "series":
            return pd.Series(np.array(tree["values"]["v"], copy=True), index=index, name=tree["name"])
        return pd.DataFrame(np.array(tree["values"]["v"], copy=True), index=index, columns=tree["columns"])
    raise ChannelError(f"cannot materialise a {t!r} tree")


def _materialize_index(tree, pd):
    if tree["t"] == "range":
        return pd.RangeIndex(tree["start"], tree["stop"], tree["step"], name=tree["name"])
    return pd.Index(np.array(tree["values"]["v"], copy=True), name=tree["name"])


# ---------------------------------------------------------------------------------------------------------------
# Comparison helper for trees (exact, used for mutation detection)
# ---------------------------------------------------------------------------------------------------------------

def trees_equal(a: Any, b: Any) -> bool:
    """Exact structural equality of two trees (arrays: same shape, dtype and values, NaN equal to NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (type(a) is np.ndarray and type(b) is np.ndarray):
            return False
        return a.shape == b.shape and a.dtype == b.dtype and bool(
            np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return a.keys() == b.keys() and all(trees_equal(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(trees_equal(x, y) for x, y in zip(a, b))
    if type(a) is float and math.isnan(a) and math.isnan(b):
        return True
    return a == b


# ---------------------------------------------------------------------------------------------------------------
# Channel: JSON + arrays, validated on decode
# ---------------------------------------------------------------------------------------------------------------

def to_channel(tree: Any) -> tuple[Any, dict[str, np.ndarray]]:
    """Replace every array by a reference; return (JSON-serialisable structure, {ref: array})."""
    arrays: dict[str, np.ndarray] = {}

    def walk(node):
        if type(node) is np.ndarray:
            key = f"a{len(arrays)}"
            arrays[key] = node
            return {"$ref": key}
        if type(node) is dict:
            return {str(k): walk(v) for k, v in node.items()}
        if type(node) in (list, tuple):
            return [walk(v) for v in node]
        if node is None or type(node) in (bool, int, float, str):
            return node
        raise ChannelError(f"value of type {type_name(node)} cannot go through the channel")

    return walk(tree), arrays


_ALLOWED_TAGS = {"none", "bool", "int", "float", "str", "npscalar", "ndarray", "list", "tuple", "dict", "dataframe",
                 "series", "object", "exception", "missing", "truncated", "rng", "file", "function", "range",
                 "index", "probe", "returned"}


MAX_CHANNEL_DEPTH = 64
MAX_CHANNEL_NODES = 1_000_000  # JSON values (containers, numbers, strings) in one channel message


def parse_channel_json(raw: bytes, max_nodes: int = MAX_CHANNEL_NODES) -> Any:
    """``json.loads`` for a message written by a process that ran learner code: the number of JSON values is
    bounded BEFORE any Python object is built (64 MiB of ``[[],[],...]`` would otherwise cost gigabytes and
    seconds first), and the nesting while parsing (the parser's recursion limit), then by ``from_channel``.

    Raises ``ChannelError``.
    """
    if type(raw) is not bytes:
        raise ChannelError("a channel message is bytes")
    # Every value but the first follows a ',' or a ':' or opens a container: an upper bound that costs a few
    # passes at C speed. Only when it is exceeded are the characters inside strings left out of the count.
    if _value_bound(raw) > max_nodes and _values_outside_strings(raw) > max_nodes:
        raise ChannelError(f"the answer holds more than {max_nodes} values")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ChannelError(f"the answer is not valid JSON ({type(exc).__name__})") from None
    except RecursionError:
        raise ChannelError("the answer is nested too deeply") from None


def _value_bound(raw: bytes) -> int:
    return raw.count(b"[") + raw.count(b"{") + raw.count(b",") + raw.count(b":") + 1


_STRUCTURAL = np.zeros(256, dtype=bool)
_STRUCTURAL[list(b"[{,:")] = True


def _values_outside_strings(raw: bytes) -> int:
    """The exact count of ``[ { , :`` outside JSON strings, plus one (vectorised: no Python loop per byte)."""
    plain = np.frombuffer(raw.replace(b"\\\\", b"").replace(b'\\"', b""), dtype=np.uint8)
    inside = np.cumsum(plain == ord('"'), dtype=np.uint8) & 1  # parity survives the uint8 wrap-around
    structural = _STRUCTURAL[plain]
    return int(np.count_nonzero(structural & (inside == 0))) + 1


def from_channel(data: Any, arrays: dict[str, np.ndarray], *, max_nodes: int = MAX_CHANNEL_NODES) -> Any:
    """Inverse of ``to_channel``; validates structure and arrays (raises ``ChannelError``).

    What decoding may materialise is bounded: at most ``max_nodes`` values, nesting of ``MAX_CHANNEL_DEPTH``,
    and each array reference used once (a message naming one 16 MiB array 100,000 times would otherwise be
    copied 100,000 times), so the arrays built never exceed the arrays received.
    """
    return _Decoder(arrays, max_nodes).decode(data, 0)


class _Decoder:
    """One ``from_channel`` call: the arrays not yet referenced and the values still allowed."""

    def __init__(self, arrays: dict[str, np.ndarray], max_nodes: int):
        self.arrays, self.unused, self.left = arrays, set(arrays), max_nodes

    def decode(self, data: Any, depth: int) -> Any:
        if depth > MAX_CHANNEL_DEPTH:
            raise ChannelError("structure nested too deeply")
        self.left -= 1
        if self.left < 0:
            raise ChannelError("the message holds too many values")
        if data is None or type(data) in (bool, int, str, float):
            return data
        if type(data) is list:
            if len(data) > 10 * MAX_ITEMS:
                raise ChannelError("list too long")
            return [self.decode(v, depth + 1) for v in data]
        if type(data) is dict:
            if set(data) == {"$ref"}:
                return self.array(data["$ref"])
            out = {}
            for k, v in data.items():
                if type(k) is not str:
                    raise ChannelError("non-string key")
                out[k] = self.decode(v, depth + 1)
            if "t" in out:
                _validate_node(out)
            return out
        raise ChannelError(f"unexpected JSON value of type {type(data).__name__}")

    def array(self, key: Any) -> np.ndarray:
        if type(key) is not str or key not in self.arrays:
            raise ChannelError(f"unknown array reference {str(key)[:40]!r}")
        if key not in self.unused:
            raise ChannelError(f"array {key[:40]!r} is referenced more than once")
        self.unused.discard(key)
        arr = self.arrays[key]
        if type(arr) is not np.ndarray or arr.dtype.hasobject or arr.dtype.kind not in _ARRAY_KINDS:
            raise ChannelError(f"array {key[:40]!r} has a forbidden type or dtype")
        return np.array(arr, copy=True)


def _validate_node(node: dict) -> None:
    t = node["t"]
    if type(t) is not str or t not in _ALLOWED_TAGS:
        raise ChannelError(f"unknown tag {t!r}")
    if t == "ndarray" and type(node.get("v")) is not np.ndarray:
        raise ChannelError("ndarray node without an array")
    if t in ("list", "tuple") and type(node.get("items")) is not list:
        raise ChannelError(f"{t} node without items")
    if t == "dict":
        keys, values = node.get("keys"), node.get("values")
        if type(keys) is not list or type(values) is not list or len(keys) != len(values) or any(
                type(k) is not str for k in keys):
            raise ChannelError("malformed dict node")
    if t == "float" and type(node.get("v")) not in (float, int):
        raise ChannelError("float node without a number")
    if t == "int" and type(node.get("v")) is not int:
        raise ChannelError("int node without an int")
    if t == "exception" and (type(node.get("type")) is not str or type(node.get("message")) is not str):
        raise ChannelError("malformed exception node")


def dumps(data: Any) -> str:
    return json.dumps(data, allow_nan=True)


def write_channel(stem: str, tree: Any, compress: bool = False) -> None:
    """Write ``stem.json`` and ``stem.npz`` (never pickled)."""
    data, arrays = to_channel(tree)
    with open(stem + ".json", "w", encoding="utf-8") as fh:
        fh.write(dumps(data))
    with open(stem + ".npz", "wb") as fh:
        (np.savez_compressed if compress else np.savez)(fh, **arrays)


def read_channel(stem: str) -> Any:
    """Read and validate what ``write_channel`` wrote (``allow_pickle=False``)."""
    with open(stem + ".json", encoding="utf-8") as fh:
        data = json.load(fh)
    with np.load(stem + ".npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return from_channel(data, arrays)
