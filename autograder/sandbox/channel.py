"""Reading the worker's answer as hostile data (trusted side).

The worker's ``response.json`` + ``response.npz`` were written by a process that ran learner code, so they
may be forged, truncated, huge, symlinks or FIFOs, zip bombs, arrays whose header promises terabytes, object
dtypes, NaN, or messages crafted to look like verdicts. This module reads them with hard caps, never
unpickles, parses every ``.npy`` header before allocating, and checks the response schema; anything odd is a
``ChannelError`` that costs this submission only.
"""

from __future__ import annotations

import io
import math
import os
import zipfile

import numpy as np
from numpy.lib import format as npformat

from autograder import learner_text
from autograder.encode import ChannelError, from_channel, parse_channel_json
from autograder.verdict import number_groups

from .outputs import clean_cell_outputs, exception_output
from .runner import read_capped_regular

MAX_ARRAYS = 10_000
MAX_TEXT = 4000


def _load_npz(raw: bytes, cap: int) -> dict[str, np.ndarray]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise ChannelError(f"the array file is not an npz archive ({exc})") from None
    infos = zf.infolist()
    if len(infos) > MAX_ARRAYS:
        raise ChannelError("too many arrays")
    if sum(i.file_size for i in infos) > cap:
        raise ChannelError("the arrays would expand beyond the size limit")
    arrays = {}
    for info in infos:
        if not info.filename.endswith(".npy") or "/" in info.filename:
            raise ChannelError(f"unexpected member {info.filename[:60]!r}")
        data = zf.read(info)  # bounded by file_size checked above (zipfile verifies it while reading)
        fh = io.BytesIO(data)
        try:
            version = npformat.read_magic(fh)
            if version == (1, 0):
                shape, _fortran, dtype = npformat.read_array_header_1_0(fh, max_header_size=10_000)
            elif version in ((2, 0), (3, 0)):
                shape, _fortran, dtype = npformat.read_array_header_2_0(fh, max_header_size=10_000)
            else:
                raise ChannelError("unknown npy version")
        except (ValueError, OSError) as exc:
            raise ChannelError(f"bad array header ({exc})") from None
        if dtype.hasobject or dtype.kind not in "biufcUS":
            raise ChannelError(f"array of forbidden dtype {dtype}")
        n = math.prod(shape) if shape else 1
        if n * dtype.itemsize != len(data) - fh.tell():
            raise ChannelError("array header does not match its data")
        fh.seek(0)
        arr = npformat.read_array(fh, allow_pickle=False)
        if type(arr) is not np.ndarray:
            raise ChannelError("not a plain ndarray")
        arrays[info.filename[:-4]] = arr
    return arrays


def read_response(workdir: str, cap_bytes: int) -> dict:
    """Read, decode and validate the worker's response (raises ``ChannelError``)."""
    try:
        raw_json = read_capped_regular(os.path.join(workdir, "response.json"), cap_bytes)
        raw_npz = read_capped_regular(os.path.join(workdir, "response.npz"), cap_bytes)
    except FileNotFoundError:
        raise ChannelError("the worker wrote no answer") from None
    except (OSError, ValueError) as exc:
        raise ChannelError(str(exc)) from None
    data = parse_channel_json(raw_json)
    try:
        arrays = _load_npz(raw_npz, cap_bytes)
    except ChannelError:
        raise
    except Exception as exc:  # noqa: BLE001 - zlib.error, EOFError, BadZipFile on a corrupt member ...
        raise ChannelError(f"the array file is corrupt ({type(exc).__name__})") from None
    try:
        tree = from_channel(data, arrays)
    except RecursionError:
        raise ChannelError("the answer is nested too deeply") from None
    return _validate(tree)


def _text(x, limit: int = MAX_TEXT) -> str:
    """Worker-made text that is not the learner's (keys, tags): one bounded line without control characters."""
    return learner_text.clean(x, limit)


def _validate(tree) -> dict:
    if type(tree) is not dict or tree.get("version") != 1:
        raise ChannelError("the answer has no version 1 header")
    cells = tree.get("cells")
    exercises = tree.get("exercises")
    if type(cells) is not list or type(exercises) is not dict:
        raise ChannelError("the answer lacks cells or exercises")
    clean_cells = []
    for c in cells[:10_000]:
        if type(c) is not dict or type(c.get("key")) is not str:
            raise ChannelError("malformed cell record")
        error_type = c.get("error_type")
        error = c.get("error")
        message = error.split(":", 1)[1] if type(error) is str and ":" in error else ""
        clean_cells.append({"key": _text(c["key"], 50),
                            "error": learner_text.exception_line(error_type, message) if error else None,
                            "error_type": learner_text.exception_type(error_type).split(" ")[0] if error else None})
    clean_ex = {}
    for name, obs_list in exercises.items():
        if type(obs_list) is not list:
            raise ChannelError(f"malformed observations for {name[:40]!r}")
        clean_ex[name] = [validate_observation(o) for o in obs_list]
    dropped = tree.get("output_dropped", 0)
    outputs = clean_cell_outputs(tree.get("outputs"))
    for cell in clean_cells:  # a cell's exception is shown from its sanitised record, never the worker's text
        if cell["error"] and cell["key"].startswith("c"):
            outputs.setdefault(cell["key"], []).append(exception_output(cell["error"]))
    return {"cells": clean_cells, "exercises": clean_ex,
            "output_dropped": dropped if type(dropped) is int and dropped >= 0 else 0, "outputs": outputs}


def validate_observation(obs) -> dict:
    """A probe observation (see ``autograder.probes``) with every field type-checked and bounded."""
    if type(obs) is not dict:
        raise ChannelError("an observation is not a dict")
    output = obs.get("output")
    if type(output) is not dict or type(output.get("t")) is not str:
        raise ChannelError("an observation has no encoded output")
    error = obs.get("error")
    if error is not None and (type(error) is not dict or error.get("t") != "exception"):
        raise ChannelError("an observation has a malformed error")
    if error is not None:
        error = _exception_node(error)
    warns = obs.get("warnings", [])
    mutated = obs.get("mutated", [])
    seconds = obs.get("seconds", 0.0)
    return {"output": _learner_names_hidden(output, 0), "error": error,
            "warnings": [learner_text.warning(w) for w in warns[:20]] if type(warns) is list else [],
            "stdout": learner_text.printed(obs.get("stdout")),
            "mutated": [m for m in mutated[:50] if type(m) in (int, str)] if type(mutated) is list else [],
            "seconds": float(seconds) if type(seconds) in (int, float) and math.isfinite(seconds) else 0.0}


def _exception_node(node: dict) -> dict:
    """An exception the learner's code raised: its built-in type (and built-in bases) and a fixed phrase,
    never its message (see ``autograder.learner_text``)."""
    mro = node.get("mro", [])
    mro = [m for m in mro[:12] if type(m) is str and m in learner_text.SAFE_EXCEPTIONS] if type(mro) is list else []
    shown, phrase = learner_text.exception(node.get("type"), node.get("message"), mro)
    # the whole numbers of the message, grouped, are kept for one judge only: whether a ValueError names the
    # refused shapes (autograder.verdict.shape_named); they are compared with the case's own shapes, never shown
    return {"t": "exception", "type": shown.split(" ")[0] if shown in learner_text.SAFE_EXCEPTIONS or
            shown.endswith("(a subclass)") else "Exception", "mro": mro, "message": phrase,
            "number_groups": number_groups(node.get("message"))}


def _learner_names_hidden(tree, depth: int):
    """The answer tree with every name the learner could have chosen replaced (class names, exceptions held as
    values); the values themselves are left to the judges, which never show them on hidden cases."""
    if depth > 64:
        return tree
    if type(tree) is list:
        return [_learner_names_hidden(v, depth + 1) for v in tree]
    if type(tree) is not dict:
        return tree
    out = {k: _learner_names_hidden(v, depth + 1) for k, v in tree.items()}
    tag = out.get("t")
    if tag == "object" and "type" in out:
        out["type"] = learner_text.type_name(out["type"])
    if tag == "exception":
        out = _exception_node(out)
    if "subclass" in out:
        out["subclass"] = learner_text.type_name(out["subclass"])
    return out
