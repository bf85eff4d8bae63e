"""06_cross_verification: make_equivalent_mlp (graded by behaviour: its loss curve from given weights)."""

from __future__ import annotations

import numpy as np

from ..encode import encode
from ..properties import HINTS
from ..results import Case
from . import ExerciseSpec, Mutant, R, S

ASSIGNMENT = "06_cross_verification"


def mlp_cases(rng):
    cases = []
    for n_samples, hidden, iterations, kind in (
            (int(rng.integers(30, 80)), int(rng.integers(2, 6)), 15, "fewer than 200 samples"),
            (int(rng.integers(201, 260)), int(rng.integers(3, 8)), 10,
             "more than 200 samples, where batch_size='auto' would use mini-batches")):
        n = int(rng.integers(2, 6))
        X = rng.normal(0, 1, (n_samples, n))
        y = (X @ rng.normal(0, 1, n) + rng.normal(0, 0.5, n_samples) > 0).astype(np.int64)
        y[:2] = [0, 1]
        lr = float(np.round(rng.uniform(0.1, 1.0), 2))
        coefs = [rng.normal(0, 1, (n, hidden)), rng.normal(0, 1, (hidden, 1))]
        intercepts = [rng.normal(0, 1, hidden), rng.normal(0, 1, 1)]
        cases.append(Case(f"hidden={hidden}, learning_rate={lr}, iterations={iterations}, n_samples={n_samples}",
                          (S(hidden), S(lr), S(iterations), S(n_samples)), probe="mlp",
                          kind=f"a hidden layer of {hidden} units, {kind}",
                          options={"X": encode(X), "y": encode(y), "coefs": [encode(c) for c in coefs],
                                   "intercepts": [encode(c) for c in intercepts]}))
    for what, args in (("learning rate", (3, -0.1, 10, 50)), ("number of iterations", (3, 0.5, 0, 50)),
                       ("sample count", (3, 0.5, 10, 0)), ("hidden size", (0, 0.5, 10, 50))):
        cases.append(Case(f"a non-positive {what}", tuple(S(a) for a in args), grades="raises-non-positive",
                          options={"raises_because": f"a {what} must be positive; scikit-learn would only "
                                                     f"complain later, at fit time, or not at all"}))
    return cases


def _variant(**changes):
    def make(hidden, learning_rate, iterations, n_samples):
        from course_lib.sklearn_bridge import make_equivalent_mlp
        return make_equivalent_mlp(hidden, learning_rate, iterations, n_samples).set_params(**changes)
    return make


MAKE_EQUIVALENT_MLP = ExerciseSpec(
    "make_equivalent_mlp", ASSIGNMENT, 3, "course_lib.sklearn_bridge:make_equivalent_mlp", mlp_cases,
    mutants=(
        Mutant("alpha", HINTS["mlp_alpha"], _variant(alpha=1e-4),
               second_hint=("print the model's get_params() and compare every option with what our network does: one "
                            'of them adds a penalty to the cost')),
        Mutant("momentum", HINTS["mlp_momentum"], _variant(momentum=0.9, nesterovs_momentum=True),
               second_hint="print the model's get_params(): one option makes each step remember the previous one"),
        Mutant("batch", HINTS["mlp_batch"], _variant(batch_size="auto"),
               second_hint="print the model's get_params(): how many samples does each of its steps use?"),
        Mutant("activation", HINTS["mlp_activation"], _variant(activation="relu"),
               second_hint="print the model's get_params(): which function does its hidden layer apply?"),
        Mutant("solver", HINTS["mlp_solver"], _variant(solver="adam"),
               second_hint="print the model's get_params(): which optimiser does it use?"),
    ),
    judge_kind="mlp", arg_names=("hidden", "learning_rate", "iterations", "n_samples"),
    requirements=(
        R("trajectory", "Return an **unfitted** `MLPClassifier` that, started from the same weights, follows our "
          "full-batch trajectory exactly", "the optimiser: plain **SGD**", "no L2 penalty", "without shuffling",
          "exactly `iterations` epochs", "a fixed `random_state`", "MLPClassifier (not fitted)",
          by="judge:mlp"),
        R("raises-non-positive", "Raise a `ValueError` for a non-positive learning rate, number of iterations, "
          "sample count or hidden size", by="raises-non-positive"),
    ),
)

SPECS = [MAKE_EQUIVALENT_MLP]
