"""One sanitiser for every string that learner code chose and the grader may show (trusted side).

Learner code runs on the hidden inputs, so any text it makes can carry them out through the feedback: an
exception message (``raise ValueError(str(X))``, or the digits spelled as letters with ``str.translate``),
printed output, a warning, the name of a class it made up, a fatal line written on the worker's progress pipe,
a cell's nbgrader ``grade_id``. Masking digits is not enough, so for anything produced while the hidden cases
could be reached, only words from a fixed vocabulary survive:

- ``exception(type, message, mro)``: the exception's type when it is one of Python's or numpy's own
  (a class the notebook defined is named by its first built-in base), and a phrase from ``PHRASES`` chosen by
  matching the message, never the message itself;
- ``printed(stdout)``, ``warning(text)``, ``type_name(name)``, ``fatal(line)``: the same idea;
- ``clean(text, limit)``: for text that is shown as is (cell labels from the grader's own plan, notes): control
  and format characters (ESC, BEL, bidi overrides, zero-width) removed, whitespace collapsed to single spaces,
  length bounded;
- ``label(text)``: a name (a cell's nbgrader grade_id or type, a submitted file's name) as letters, digits and
  ``_ - .`` (anything else a ``?``), bounded: every cell label and file name in a message goes through it.

Nothing here calls learner code: every input is a ``str`` already (anything else counts as empty).
"""

from __future__ import annotations

import builtins
import re
import sys
import unicodedata

__all__ = ["PHRASES", "SAFE_EXCEPTIONS", "clean", "exception", "fatal", "label", "printed", "type_name",
           "warning"]

#: Exception classes whose NAME the feedback may show: Python's built-in ones and numpy's.
SAFE_EXCEPTIONS = frozenset(
    [name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)]
    + ["LinAlgError", "AxisError", "UFuncTypeError", "ComplexWarning", "DTypePromotionError"])

#: (exception types or None for any, pattern searched in the message, phrase shown instead of the message).
PHRASES: tuple[tuple[frozenset | None, re.Pattern, str], ...] = tuple(
    (frozenset(types.split()) if types else None, re.compile(pattern, re.IGNORECASE), phrase)
    for types, pattern, phrase in (
        ("NotImplementedError", r"", "not implemented yet"),
        ("ZeroDivisionError", r"", "division by zero"),
        ("RecursionError", r"", "maximum recursion depth exceeded"),
        ("MemoryError", r"", "out of memory"),
        ("NameError UnboundLocalError", r"", "a name is used before it is defined"),
        ("ImportError ModuleNotFoundError", r"not available while grading",
         "a module that is not available while grading was imported"),
        ("ImportError ModuleNotFoundError", r"", "a module could not be imported"),
        ("KeyError", r"", "a key is missing (dict or DataFrame column)"),
        ("AttributeError", r"", "an object has no attribute of that name"),
        ("AssertionError", r"", "an assert statement failed"),
        ("StopIteration", r"", "an iterator was exhausted"),
        ("IndexError", r"", "an index is out of range"),
        (None, r"could not be broadcast|broadcast", "array shapes do not broadcast together"),
        (None, r"matmul|not aligned|core dimension|mismatch in its", "the shapes of a matrix product do not match"),
        (None, r"cannot reshape|reshape", "an array cannot be reshaped to that shape"),
        (None, r"singular matrix", "the matrix is singular"),
        (None, r"positional argument|keyword argument|takes \w+ positional|required argument",
         "the function was called with other arguments than it accepts"),
        (None, r"unsupported operand|can't multiply|can only concatenate|must be str|not supported between",
         "an operation got a value of the wrong type"),
        (None, r"not subscriptable|not iterable|not callable|object is not",
         "an object was used in a way its type does not allow"),
        (None, r"truth value of an array", "an array was used as a True/False condition"),
        (None, r"could not convert|invalid literal|convert", "a value could not be converted"),
        (None, r"dimension|ndim|shape", "an array has an unexpected shape"),
        (None, r"nan|inf", "a NaN or infinite value appeared"),
        ("TypeError", r"", "a value of the wrong type was used"),
        ("ValueError", r"", "a value was not acceptable"),
        ("OSError FileNotFoundError PermissionError", r"", "a file could not be used"),
        ("TimeoutError", r"", "an operation timed out"),
        ("SystemExit", r"", "the code asked the Python process to exit"),
        ("KeyboardInterrupt", r"", "the code was interrupted"),
    ))

_WARNING_PHRASES = (
    (re.compile(r"overflow", re.IGNORECASE), "overflow encountered"),
    (re.compile(r"divide by zero", re.IGNORECASE), "divide by zero encountered"),
    (re.compile(r"invalid value", re.IGNORECASE), "invalid value encountered"),
    (re.compile(r"underflow", re.IGNORECASE), "underflow encountered"),
    (re.compile(r"deprecat", re.IGNORECASE), "a deprecated feature was used"),
    (re.compile(r"converg", re.IGNORECASE), "an iterative method did not converge"),
)

_HIDDEN_CATEGORIES = frozenset("Cc Cf Cs Co Cn Zl Zp".split())  # controls, format (bidi, zero-width), unassigned
PRINTED = "(printed text is not shown for hidden checks)"
_LIBRARY_MODULES = ("numpy", "pandas", "builtins", "collections", "decimal", "fractions", "scipy", "sklearn")


def clean(text, limit: int = 200) -> str:
    """``text`` on one line: control and format characters removed, whitespace runs collapsed to one space,
    at most ``limit`` characters (an ellipsis marks a cut). Anything but a ``str`` gives ""."""
    if type(text) is not str:
        return ""
    kept = []
    for ch in text[: 4 * limit + 16]:
        if ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch) not in _HIDDEN_CATEGORIES:
            kept.append(ch)
    out = " ".join("".join(kept).split())
    return out if len(out) <= limit else out[: max(0, limit - 3)].rstrip() + "..."


def label(text, limit: int = 40) -> str:
    """A learner-chosen name (an nbgrader grade_id, a cell type, a file name) as any output may show it: ASCII
    letters, digits and ``_ - .`` kept, every other character (Markdown, HTML, spaces, control bytes) shown as
    ``?``, at most ``limit`` characters ("..." marks a cut). Anything but a ``str`` gives ""."""
    if type(text) is not str:
        return ""
    shown = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "_-." else "?" for ch in text[:limit])
    return shown + ("..." if len(text) > limit else "")


def exception_type(name, mro=()) -> str:
    """The exception's type as the feedback may name it: a built-in or numpy name, else the first such name in
    its MRO with "(a subclass)", else "an exception"."""
    if type(name) is str and name in SAFE_EXCEPTIONS:
        return name
    for base in mro if type(mro) in (list, tuple) else ():
        if type(base) is str and base in SAFE_EXCEPTIONS and base not in ("BaseException", "object"):
            return f"{base} (a subclass)"
    return "an exception"


def exception(name, message, mro=()) -> tuple[str, str]:
    """(type, phrase) for an exception raised by learner code: nothing of its message but a fixed phrase."""
    shown = exception_type(name, mro)
    base = shown.split(" ")[0]
    text = message if type(message) is str else ""
    for types, pattern, phrase in PHRASES:
        if (types is None or base in types) and pattern.search(text[:2000]):
            return shown, phrase
    return shown, "(its message is not shown for hidden checks)"


def exception_line(name, message, mro=()) -> str:
    """"ValueError: array shapes do not broadcast together"."""
    shown, phrase = exception(name, message, mro)
    return f"{shown}: {phrase}"


def fatal(line) -> str:
    """A ``fatal TYPE: message`` line from the worker's progress pipe (learner code can write that pipe)."""
    text = line if type(line) is str else ""
    head = text.split(":", 1)[0].strip()
    if text.startswith("the worker's confinement failed"):
        return "the worker's confinement failed (the instructor's machine refused a layer)"
    return exception_line(head, text.split(":", 1)[1] if ":" in text else "")


def printed(stdout) -> str:
    """What a hidden check may say of the learner's printed output: that there was some."""
    return PRINTED if type(stdout) is str and stdout.strip() else ""


def warning(text) -> str:
    """A warning raised in learner code: its category when built in, and a fixed phrase."""
    raw = text if type(text) is str else ""
    head = raw.split(":", 1)[0].strip()
    category = head if head in SAFE_EXCEPTIONS else "Warning"
    phrase = next((p for pattern, p in _WARNING_PHRASES if pattern.search(raw[:2000])), "(message not shown)")
    return f"{category}: {phrase}"


def type_name(name) -> str:
    """A type name reported by the worker ("module.Class"): a type that really exists in a library the grader
    has loaded (numpy, pandas, builtins ...) as it is; any other name (a class the notebook made up, whose
    name and ``__module__`` the learner chose) as "a class defined in the notebook"."""
    if type(name) is not str or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]{0,100}", name):
        return "a class defined in the notebook"
    module, _, qualname = name.rpartition(".") if "." in name else ("builtins", "", name)
    root = module.split(".", 1)[0]
    found = sys.modules.get(module) if root in _LIBRARY_MODULES else None
    for part in qualname.split(".") if found is not None else ():
        found = vars(found).get(part) if hasattr(found, "__dict__") else None
    return name if isinstance(found, type) else "a class defined in the notebook"
