"""Findings 4 and 5 of the confinement issue: one sanitiser for every string learner code chose.

Masking digits let a message spell the hidden inputs in letters, and the progress pipe's ``fatal`` line reached
grades.csv and the feedback with ESC/BEL bytes. The end-to-end cases (through ``autograder grade``, both grader
modes) are in test_isolation_modes.py; these pin the sanitiser's own rules.
"""

from __future__ import annotations

import numpy as np
import pandas  # noqa: F401 - loaded, as in the grader: its type names can be checked
import pytest

from autograder import learner_text
from autograder.sandbox.channel import validate_observation

SECRET = "0.7310585786300049"
SPELLED = SECRET.translate(str.maketrans("0123456789", "abcdefghij"))


def test_an_exception_message_never_survives_only_its_type_and_a_fixed_phrase():
    for message in (f"input was {SECRET}", f"input was {SPELLED}", "SMUGGLE zero seven three"):
        shown, phrase = learner_text.exception("ValueError", message)
        assert shown == "ValueError"
        assert phrase in {p for _, _, p in learner_text.PHRASES} | {"(its message is not shown for hidden checks)"}
        assert SPELLED not in phrase and "SMUGGLE" not in phrase and "seven" not in phrase
    assert learner_text.exception("ValueError", "operands could not be broadcast together with shapes (3,) (4,)") \
        == ("ValueError", "array shapes do not broadcast together")


def test_a_made_up_exception_class_is_named_by_its_built_in_base():
    assert learner_text.exception_type("Leak_abcdhij", ["Leak_abcdhij", "KeyError", "LookupError",
                                                        "Exception", "BaseException", "object"]) \
        == "KeyError (a subclass)"
    assert learner_text.exception_type("Leak_abcdhij", ["Leak_abcdhij", "Exception2"]) == "an exception"


def test_type_names_pass_only_when_the_library_really_has_them():
    assert learner_text.type_name("numpy.ndarray") == "numpy.ndarray"
    assert learner_text.type_name("pandas.core.frame.DataFrame") == "pandas.core.frame.DataFrame"
    assert learner_text.type_name("numpy.hgfedcba") == "a class defined in the notebook"  # __module__ forged
    assert learner_text.type_name("__main__.Secret123") == "a class defined in the notebook"


def test_the_fatal_line_keeps_no_learner_word_and_no_control_character():
    shown = learner_text.fatal("ValueError: SMUGGLED zero one two \x1b[31m red \x07 bell")
    assert shown == "ValueError: a value was not acceptable"


def test_clean_removes_controls_bidi_and_zero_width_and_bounds_length():
    text = "a\x1b]0;title\x07b\u202ec\u200bd\r\ne\tf" + "x" * 500
    out = learner_text.clean(text, 60)
    assert all(ch.isprintable() for ch in out) and "\u202e" not in out and "\u200b" not in out
    assert out.startswith("a]0;titlebcd e f") and len(out) == 60 and out.endswith("...")


def test_label_keeps_only_a_name():
    assert learner_text.label("sigmoid\n### 5 / 5 <img src=x>") == "sigmoid?????5???5??img?src?x?"
    assert learner_text.label("test_sigmoid-2.v1") == "test_sigmoid-2.v1"  # a real grade_id as it is
    assert learner_text.label("a\x1b[2J\x07\u202eb\u200b") == "a??2J??b?"
    assert learner_text.label("x" * 50, 40) == "x" * 40 + "..."
    assert learner_text.label(None) == learner_text.label(["sigmoid"]) == ""


def test_an_observation_from_the_worker_loses_every_learner_chosen_word():
    obs = {"output": {"t": "list", "items": [{"t": "object", "type": f"numpy.{SPELLED}", "kind": "object"},
                                             {"t": "dict", "keys": [], "values": [],
                                              "subclass": f"__main__.{SPELLED}"}]},
           "error": {"t": "exception", "type": f"E{SPELLED}", "mro": [f"E{SPELLED}", "ValueError", "Exception"],
                     "message": f"{SPELLED}"},
           "warnings": [f"UserWarning: {SPELLED}"], "stdout": f"{SPELLED}\n" * 3, "mutated": [], "seconds": 0.0}
    clean = validate_observation(obs)
    assert SPELLED not in repr(clean)
    assert clean["error"]["type"] == "ValueError" and "ValueError" in clean["error"]["mro"]
    assert clean["stdout"] == learner_text.PRINTED
    assert clean["warnings"] == ["UserWarning: (message not shown)"]


def _dict(keys):
    return {"t": "dict", "keys": list(keys), "values": [{"t": "float", "v": 1.0} for _ in keys]}


def _frame(columns, name=None):
    return {"t": "dataframe", "columns": list(columns), "dtypes": ["float64"] * len(columns),
            "shape": [2, len(columns)], "index": {"t": "range", "start": 0, "stop": 2, "step": 1, "name": name},
            "values": {"t": "ndarray", "v": np.zeros((2, len(columns)))}}


@pytest.mark.parametrize(("expected", "observed"), [
    (_dict(["W1", "b1"]), _dict(["W1", f"{SPELLED}\x1b[2J"])),  # a missing key: the keys it has
    (_dict(["W1"]), _dict(["W1", f"{SPELLED}\x1b[2J"])),  # an extra key (noted)
    ({"t": "float", "v": 0.5}, _dict([f"{SPELLED}\x1b[2J"])),  # not a dict at all
    (_frame(["a", "b"]), _frame(["a", f"{SPELLED}\x1b[2J"])),  # a column of another name
    (_frame(["a", "b"]), _frame(["a", "b", f"{SPELLED}\x1b[2J"])),  # an extra column
    (_frame(["a", "b"], name="id"), _frame(["a", "b"], name=f"{SPELLED}\x1b[2J")),  # the index's name
])
def test_names_a_learner_value_chose_are_not_shown_on_hidden_cases(expected, observed):
    """Dict keys, column and index names come from the learner's code, which saw the hidden input: on a hidden
    case a message names only the expected ones; on a public case they are shown cleaned and bounded."""
    from autograder.compare import compare

    hidden = " ".join(filter(None, [compare(expected, observed, 1e-7, 1e-9, reveal=False)[0],
                                    *compare(expected, observed, 1e-7, 1e-9, reveal=False)[1]]))
    public = " ".join(filter(None, [compare(expected, observed, 1e-7, 1e-9)[0],
                                    *compare(expected, observed, 1e-7, 1e-9)[1]]))
    assert hidden and public
    assert SPELLED[:12] not in hidden and "\x1b" not in hidden, hidden
    assert "\x1b" not in public and "\\x1b" not in public, public
    assert SPELLED[:12] in public or "a dict with keys" not in public, public  # shown (cleaned) when public
