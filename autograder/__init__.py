"""Autograder for the course "neural networks from scratch in NumPy".

Learner-facing (PUBLIC runtime, works without the answer key)::

    from autograder import check, check_gradients
    check(sigmoid)                      # public cases; report + AssertionError on failure
    check_gradients(backward_propagation)

Layout: results.py (Check, Case, Result), encode.py (learner values -> plain trees; the JSON + npz channel),
probes.py (how a learner object is exercised), compare.py (the tree diff: exact types, shapes, values),
verdict.py (the verdict for one case, mutant hints, and the one loop over an exercise's cases), properties.py
(property judges for behavioural exercises), methods.py (method requirements read from the learner's source with
ast), public.py (checks from shipped public_data/).
Instructor side (imports course_lib): exercises/ (specs, hidden inputs, mutants), registry.py (EXERCISES,
ASSIGNMENTS), hidden.py (check_hidden for nbgrader hidden tests), publicgen.py (writes public_data/), api.py / cli.py.
"""

from .public import check, check_gradients
from .results import Case, Check, Result

__all__ = ["check", "check_gradients", "Case", "Check", "Result"]
