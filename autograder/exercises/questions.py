"""Thinking questions of every notebook: predictions and derivations with a checkable answer (INSTRUCTOR side).

``question(name, assignment, points, answer, form, hint=..., description=...)`` makes an ``ExerciseSpec`` that the
engine treats like any other exercise (the public runtime's ``autograder.questions`` explains the forms and the
judge). In the notebook the learner completes a function of no argument that returns the answer; its solution cell
has grade_id ``name`` and is followed by a test cell ``test_<name>`` calling ``check(<name>)`` and, hidden,
``check_hidden(<name>)``. The model answer lives only here and in the source notebook's solution region: the
expected observation, and so the shipped public data, holds digests (``QuestionSpec.expected``).

Questions whose answer is a reason, not a number or a choice, are not registered here: they are nbgrader manually
graded Markdown cells (solution + grade, with the model answer as the cell's source in the source notebook).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..probes import probe
from ..questions import answer_digests
from ..results import Case
from . import ExerciseSpec

__all__ = ["QuestionSpec", "SPECS", "choice", "integer", "number", "question", "shape", "several"]


def choice(*choices: str) -> dict:
    return {"kind": "choice", "choices": list(choices)}


def integer() -> dict:
    return {"kind": "integer"}


def number(decimals: int) -> dict:
    return {"kind": "number", "decimals": int(decimals)}


def shape() -> dict:
    return {"kind": "shape"}


def several(**named_forms: dict) -> dict:
    """A tuple answer, e.g. several(formula=choice("a", "b"), shape=shape(), value=number(4))."""
    return {"kind": "tuple", "items": list(named_forms.values()), "names": list(named_forms)}


def _model(answer: Any):
    """The reference "function" of a question: returns the model answer (computed on first use if callable)."""
    if callable(answer):
        return answer

    def model_answer():
        return answer
    return model_answer


@dataclass(frozen=True)
class QuestionSpec(ExerciseSpec):
    """An ExerciseSpec whose expected observation holds the digests of the accepted answers, never the answer."""

    def expected(self, case: Case) -> dict:
        model = probe(self.name, self.reference_obj, case)
        form = case.options["form"]
        return {"output": {"t": "probe", "v": {"digests": answer_digests(self.name, form, model["output"])}},
                "error": None, "warnings": [], "stdout": "", "mutated": [], "seconds": 0.0}

    def mutant_observations(self, case: Case):
        return iter(())


def question(name: str, assignment: str, points: int, answer: Any, form: dict, hint: str = "",
             description: str = "") -> QuestionSpec:
    """A question whose model answer is ``answer`` (or what the callable ``answer()`` returns, so that a number can
    be computed from course_lib instead of typed in); it must fit ``form`` (checked when the digests are made)."""
    options = {"form": form, "hint": hint}

    def cases(rng):
        return [Case("your answer", (), options=options)]

    return QuestionSpec(name, assignment, points, _model(answer), cases, judge_kind="answer",
                        description=description or "a thinking question")


# ----- the questions, notebook by notebook ------------------------------------------------------------------------

# 01_neuron_model

def _quadratic_model_weights() -> int:
    from ..exercises.neuron_model import count_quadratic_terms_ref
    n = 30
    return 1 + n + count_quadratic_terms_ref(n)      # constant + linear + degree-2 weights


PREDICT_NAIVE_SIGMOID = question(
    "predict_naive_sigmoid", "01_neuron_model", 1, "b", choice("a", "b", "c", "d"),
    hint="float64 cannot hold exp(1000); think about what NumPy does with a number too large to store, and what "
         "1 / (1 + that) then is",
    description="prediction: the textbook sigmoid at z = -1000")

QUADRATIC_MODEL_WEIGHTS = question(
    "quadratic_model_weights", "01_neuron_model", 1, _quadratic_model_weights, integer(),
    hint="count the constant, the 30 linear weights and every degree-2 term once",
    description="count: the weights of a logistic regression with all terms up to degree 2")


# 02_forward_propagation

def _shapes_of_331() -> tuple:
    import numpy as np
    from course_lib.initializers import init_params
    from course_lib.network import forward_propagation
    params = init_params([3, 3, 1], "zeros", np.random.default_rng(0))
    h, cache = forward_propagation(np.zeros((5, 3)), params)
    return cache["Z1"].shape, h.shape, int(sum(p.size for p in params.values()))


PREDICT_SHAPES = question(
    "predict_shapes", "02_forward_propagation", 1, _shapes_of_331, several(Z1=shape(), h=shape(), n_params=integer()),
    hint="rows are samples; theta_l has one row per input and one column per unit; every unit has its own bias",
    description="shapes of a [3, 3, 1] network on a batch of 5")


# 03_backpropagation

def _dtheta_2_of_worked_example() -> tuple:
    from course_lib.network import backward_propagation, forward_propagation

    from ..diagrams import backprop_graph, worked_example
    graph = backprop_graph(*worked_example(), forward_propagation, backward_propagation)
    dtheta_2 = graph.gradients["theta_2"]
    return "a", dtheta_2.shape, float(dtheta_2[0, 0])


DERIVE_DTHETA_2 = question(
    "derive_dtheta_2", "03_backpropagation", 2, _dtheta_2_of_worked_example,
    several(formula=choice("a", "b", "c", "d"), shape=shape(), value=number(4)),
    hint="theta_2 connects every hidden activation to the output: its gradient has the shape of theta_2, and each "
         "entry is (the hidden activation it multiplies) x dL/dz2; dL/dz2 already contains the sigmoid's factor",
    description="derivation: dL/dtheta_2 (formula, shape, value) for the worked example")


# 04_zero_initialization

PREDICT_ZERO_START = question(
    "predict_zero_start", "04_zero_initialization", 1, "c", choice("a", "b", "c", "d"),
    hint="the proof says the 14 units stay identical, so the network is one hidden unit in disguise; how well does "
         "one logistic unit do on this data (notebook 1)?",
    description="prediction: a zero start on the breast cancer data")


# 07_matmul_five_ways

def _broadcast_shapes() -> tuple:
    import numpy as np
    a, b = np.zeros((4, 3)), np.zeros((3, 5))
    return (a[0, :, None] * b).shape, (a[:, :, None] * b[None, :, :]).shape


PREDICT_BROADCAST = question(
    "predict_broadcast", "07_matmul_five_ways", 1, _broadcast_shapes, several(row=shape(), whole=shape()),
    hint="line the shapes up from the right; a dimension of 1 stretches to match the other, a missing one counts "
         "as 1",
    description="prediction: shapes of two broadcast products")

# 05_training_breast_cancer

def _split_spread_letter() -> str:
    """The letter for the gap, in test tumours, between experiment 1's worst and best of the 20 splits."""
    from course_lib import NeuralNet
    from course_lib.data import load_breast_cancer, split_and_scale
    X, y = load_breast_cancer()
    correct = []
    for seed in range(20):
        X_train, X_test, y_train, y_test = split_and_scale(X, y, test_size=0.2, seed=seed)
        net = NeuralNet((30, 14, 1), 0.001 * len(X_train), 100, seed=seed).fit(X_train, y_train)
        correct.append(int((net.predict(X_test) == y_test).sum()))
    gap = max(correct) - min(correct)
    return "a" if gap <= 1 else "b" if gap <= 3 else "c" if gap <= 6 else "d"


PREDICT_SPLIT_SPREAD = question(
    "predict_split_spread", "05_training_breast_cancer", 1, _split_spread_letter, choice("a", "b", "c", "d"),
    hint="which 114 tumours land in the test set changes from split to split, and so do the initial weights; each "
         "tumour is worth 0.88 points, and section 4 already showed a single split's figure moving by whole tumours",
    description="prediction: how far apart 20 splits' test accuracies lie")


# 06_cross_verification

def _shuffle_full_batch_letter() -> str:
    """'b' if shuffle=True with one batch of all rows follows the unshuffled trajectory to rounding, else 'a'."""
    import numpy as np
    from course_lib import init_params
    from course_lib.data import load_breast_cancer, split_and_scale
    from course_lib.sklearn_bridge import fit_mlp_from_params, make_equivalent_mlp
    X, y = load_breast_cancer()
    X_train, _, y_train, _ = split_and_scale(X, y, test_size=0.2, seed=0)
    start = init_params([30, 14, 1], "normal", 0)
    plain = fit_mlp_from_params(make_equivalent_mlp(14, 0.5, 100, len(X_train)), X_train, y_train, start)
    shuffled = fit_mlp_from_params(make_equivalent_mlp(14, 0.5, 100, len(X_train)).set_params(shuffle=True),
                                   X_train, y_train, start)
    gap = float(np.max(np.abs(np.subtract(plain.loss_curve_, shuffled.loss_curve_))))
    return "b" if gap < 1e-10 else "a"


PREDICT_SHUFFLE_FULL_BATCH = question(
    "predict_shuffle_full_batch", "06_cross_verification", 1, _shuffle_full_batch_letter, choice("a", "b", "c"),
    hint="with one batch of all rows, what does the order of the rows change in the gradient, a sum over all of them?",
    description="prediction: shuffle=True with a single full batch")


# 08_relu_mse_mnist

PREDICT_HEDGED_OUTPUT = question(
    "predict_hedged_output", "08_relu_mse_mnist", 1, 6.5, number(1),
    hint="write the mean squared error as a function of the one output, take its derivative and set it to zero",
    description="prediction: the squared-error output for images that are half 4s, half 9s")


SPECS: list[QuestionSpec] = [PREDICT_NAIVE_SIGMOID, QUADRATIC_MODEL_WEIGHTS, PREDICT_SHAPES, DERIVE_DTHETA_2,
                             PREDICT_ZERO_START, PREDICT_BROADCAST,
                             PREDICT_SPLIT_SPREAD, PREDICT_SHUFFLE_FULL_BATCH, PREDICT_HEDGED_OUTPUT]
