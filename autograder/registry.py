"""EXERCISES (grade_id -> ExerciseSpec) and ASSIGNMENTS (assignment -> ordered grade_ids), per the contract.

INSTRUCTOR side: the specs reference course_lib (imported lazily, when a reference or mutant is first used).
"""

from __future__ import annotations

from .exercises import (
    ExerciseSpec,
    backpropagation,
    cross_verification,
    forward_propagation,
    matmul_five_ways,
    neuron_model,
    questions,
    relu_mse_mnist,
    softmax_mnist,
    training_breast_cancer,
    zero_initialization,
)

_MODULES = (neuron_model, forward_propagation, backpropagation, zero_initialization, training_breast_cancer,
            cross_verification, matmul_five_ways, relu_mse_mnist, softmax_mnist, questions)

EXERCISES: dict[str, ExerciseSpec] = {spec.name: spec for mod in _MODULES for spec in mod.SPECS}

ASSIGNMENTS: dict[str, list[str]] = {}
for _spec in EXERCISES.values():
    ASSIGNMENTS.setdefault(_spec.assignment, []).append(_spec.name)

__all__ = ["ASSIGNMENTS", "EXERCISES", "get"]


def get(name: str) -> ExerciseSpec:
    """The spec of exercise ``name`` (KeyError naming the known exercises otherwise)."""
    try:
        return EXERCISES[name]
    except KeyError:
        raise KeyError(f"unknown exercise {name!r}; known: {', '.join(EXERCISES)}") from None
