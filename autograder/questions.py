"""Thinking questions: a learner's prediction or derivation, judged without shipping the answer (PUBLIC runtime).

A question is an exercise like any other (an nbgrader solution cell whose grade_id is its name, a check cell,
hidden tests, ``autograder check``, the sandbox). Its "function" takes no argument and returns the answer, so a
released notebook's stub (``raise NotImplementedError()``) reads as "not implemented yet" everywhere::

    def predict_naive_sigmoid():
        \"\"\"Your prediction: "a", "b", "c" or "d".\"\"\"
        return "b"

    check(predict_naive_sigmoid)

The answer's *form* (``case.options["form"]``) says how an answer is read and normalised:

=====================================================  ========================================================
``{"kind": "choice", "choices": ["a", "b", "c"]}``     a string, one of the choices (case and spaces ignored)
``{"kind": "integer"}``                                an int (a float or numpy scalar equal to an int is fine)
``{"kind": "number", "decimals": 3}``                  a real number, compared after rounding to ``decimals``
                                                       places; one unit of the last place either way is accepted
``{"kind": "shape"}``                                  a tuple of non-negative ints, e.g. ``(3, 1)``
``{"kind": "tuple", "items": [form, ...],             several answers at once (e.g. a formula, its shape and a
 "names": ["formula", "shape", "value"]}``             value); each item is judged and reported on its own
=====================================================  ========================================================

The model answer never ships: the expected observation (public data and live reference alike) holds only, per item,
the salted SHA-256 digests of the accepted normalised answers (``answer_digests``); ``judge_answer`` normalises the
learner's answer the same way and compares digests. A number rounded to a few decimals cannot be recovered from its
digest without the reasoning the question asks for; a choice among four can of course be found by trying them all,
which the check allows, as any self-test does (the learner only cheats themselves).
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

import numpy as np

from .results import Case, Check

__all__ = ["answer_digests", "digest", "judge_answer", "normalise"]


def digest(question: str, item: int, text: str) -> str:
    """Salted SHA-256 of one normalised answer item (the question's name and the item's index are the salt)."""
    return hashlib.sha256(f"nn-course question|{question}|{item}|{text}".encode()).hexdigest()


def _items(form: dict) -> list[dict]:
    return list(form["items"]) if form.get("kind") == "tuple" else [form]


def _item_names(form: dict) -> list[str]:
    items = _items(form)
    names = list(form.get("names", ())) if form.get("kind") == "tuple" else []
    return names + [f"item {i + 1}" for i in range(len(names), len(items))]


def _scalar(tree: Any) -> tuple[float | None, str]:
    """A real number from an encoded tree (Python/numpy scalar or a size-1 array); (None, what it is) otherwise."""
    t = tree.get("t") if type(tree) is dict else None
    if t in ("int", "float", "npscalar") and type(tree.get("v")) in (int, float):
        return float(tree["v"]), ""
    if t == "ndarray" and type(tree.get("v")) is np.ndarray and tree["v"].size == 1 and tree["v"].dtype.kind in "iuf":
        return float(tree["v"].reshape(-1)[0]), ""
    if t == "ndarray":
        return None, f"an array of shape {tuple(tree['v'].shape)}"
    return None, {"str": "a string", "bool": "a bool", "none": "None", "list": "a list"}.get(t, f"a value of type {t}")


def _normalise_item(form: dict, tree: Any) -> tuple[list[str], str]:
    """(accepted normalised texts, problem). The first text is the answer itself; numbers add their neighbours."""
    kind = form["kind"]
    t = tree.get("t") if type(tree) is dict else None
    if kind == "choice":
        choices = [str(c).strip().lower() for c in form["choices"]]
        listed = ", ".join(repr(c) for c in form["choices"])
        if t != "str":
            return [], f"answer with one of {listed} (a string)"
        text = str(tree["v"]).strip().lower()
        return ([text], "") if text in choices else ([], f"{text!r} is not one of the choices {listed}")
    if kind == "integer":
        value, what = _scalar(tree)
        if t == "bool" or value is None or not math.isfinite(value) or value != int(value):
            return [], f"an integer is expected, not {what or value}"
        return [str(int(value))], ""
    if kind == "number":
        value, what = _scalar(tree)
        if t == "bool" or value is None:
            return [], f"a number is expected, not {what}"
        if not math.isfinite(value):
            return [], f"a finite number is expected, not {value}"
        units = round(value * 10 ** int(form["decimals"]))
        return [str(units), str(units - 1), str(units + 1)], ""
    if kind == "shape":
        items = tree.get("items") if t in ("list", "tuple") else None
        if items is None:
            return [], "a shape is a tuple of ints, e.g. (3, 1)"
        dims = [_scalar(i)[0] if type(i) is dict and i.get("t") in ("int", "npscalar") else None for i in items]
        if any(d is None or d < 0 or d != int(d) for d in dims):
            return [], "a shape is a tuple of non-negative ints, e.g. (3, 1)"
        return ["(" + ",".join(str(int(d)) for d in dims) + ")"], ""
    raise ValueError(f"unknown answer form {kind!r}")


def normalise(form: dict, tree: Any) -> list[tuple[list[str], str]]:
    """Per item of the form: (accepted normalised texts, problem) for the encoded answer ``tree``."""
    items = _items(form)
    if form.get("kind") != "tuple":
        return [_normalise_item(form, tree)]
    parts = tree.get("items") if type(tree) is dict and tree.get("t") in ("list", "tuple") else None
    if parts is None or len(parts) != len(items):
        names = ", ".join(_item_names(form))
        return [([], f"return a tuple of {len(items)} answers: ({names})")] * len(items)
    return [_normalise_item(f, p) for f, p in zip(items, parts)]


def answer_digests(question: str, form: dict, tree: Any) -> list[list[str]]:
    """Digests of every accepted answer, per item, from the encoded MODEL answer (instructor side calls this)."""
    digests = []
    for i, (texts, problem) in enumerate(normalise(form, tree)):
        if problem:
            raise ValueError(f"the model answer of {question!r} does not fit its form: {problem}")
        digests.append([digest(question, i, text) for text in texts])
    return digests


def judge_answer(check: Check, case: Case, observed: dict, expected: dict):
    """Property judge ``"answer"`` (see ``autograder.properties``): -> (problem | None, hint, notes)."""
    form = case.options["form"]
    accepted = expected["output"]["v"]["digests"]
    names = _item_names(form)
    results = normalise(form, observed.get("output"))
    if len(results) > 1 and all(not texts for texts, _ in results) and len({p for _, p in results}) == 1:
        return results[0][1] + ".", "", []          # not a tuple of the right length: one message, not one per item
    problems, wrong = [], []
    for i, (texts, problem) in enumerate(results):
        if problem:
            problems.append(problem if len(results) == 1 else f"{names[i]}: {problem}")
        elif digest(check.name, i, texts[0]) not in accepted[i]:
            wrong.append(names[i])
    hint = str(case.options.get("hint", ""))
    if problems:
        return "; ".join(dict.fromkeys(problems)) + ".", "", []
    if not wrong:
        return None, "", []
    if len(results) == 1:
        return "that is not the answer.", hint, []
    right = [n for n in names if n not in wrong]
    return (f"{_listing(wrong)} {'is' if len(wrong) == 1 else 'are'} not right"
            + (f" ({_listing(right)}: right)." if right else "."), hint, [])


def _listing(names: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
