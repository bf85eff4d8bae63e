"""05_training_breast_cancer: load_breast_cancer_csv, split_and_scale, accuracy, NeuralNet (behaviour)."""

from __future__ import annotations

from unittest import mock

import numpy as np

from ..encode import encode, file_arg
from ..properties import HINTS
from ..results import Case
from . import A, ExerciseSpec, Mutant, R, S

ASSIGNMENT = "05_training_breast_cancer"
HERE = "autograder.exercises.training_breast_cancer"


# ----- load_breast_cancer_csv -----------------------------------------------------------------------------------

def _csv_lines():
    from course_lib.data import BREAST_CANCER_CSV
    with open(BREAST_CANCER_CSV, encoding="utf-8") as fh:
        return fh.read().splitlines()


def csv_cases(rng):
    lines = _csv_lines()
    header, rows = lines[0], lines[1:]
    cases = [Case("the first 25 rows of the course file", (file_arg("breast_cancer.csv",
                                                                    "\n".join([header] + rows[:25]) + "\n"),))]
    for k in (int(rng.integers(2, 6)), int(rng.integers(30, 80))):
        pick = rng.choice(len(rows), size=k, replace=False)
        cases.append(Case(f"{k} rows in shuffled order", (file_arg("data.csv",
                                                                    "\n".join([header] + [rows[i] for i in pick])
                                                                    + "\n"),)))
    bad = [rows[i] for i in rng.choice(len(rows), size=6, replace=False)]
    row = bad[int(rng.integers(0, 6))].split(",")
    row[1] = "X"
    bad[int(rng.integers(0, 6))] = ",".join(row)
    cases.append(Case("a diagnosis 'X'", (file_arg("bad.csv", "\n".join([header] + bad) + "\n"),),
                      grades="raises-diagnosis",
                      options={"raises_because": "a diagnosis other than M or B cannot be encoded as 0/1; mapping it "
                                                 "to 0, 1 or NaN silently would corrupt the labels"}))
    return cases


def _ref_load(path):
    from course_lib.data import load_breast_cancer
    return load_breast_cancer(path)


def load_inverted(path):
    X, y = _ref_load(path)
    return X, 1 - y


def load_keep_unnamed(path):
    import pandas as pd
    raw = pd.read_csv(path).set_index("id")
    y = (raw.pop("diagnosis") == "B").astype("int64").rename("diagnosis")
    return raw, y


def load_no_index(path):
    X, y = _ref_load(path)
    return X.reset_index(drop=True), y.reset_index(drop=True)


def load_bool_labels(path):
    X, y = _ref_load(path)
    return X, (y == 1)


LOAD_BREAST_CANCER_CSV = ExerciseSpec(
    "load_breast_cancer_csv", ASSIGNMENT, 2, "course_lib.data:load_breast_cancer", csv_cases,
    mutants=(
        Mutant("inverted", "the course encodes malignant M as 0 and benign B as 1", load_inverted,
               second_hint=('count your labels: the data have 212 malignant and 357 benign tumours, so y should hold '
                            '212 zeros')),
        Mutant("unnamed", "every line ends with a comma, so pandas adds an all-empty 'Unnamed: 32' column: drop it",
               load_keep_unnamed,
               second_hint=('print X.shape: 30 feature columns are expected; look at the name of the extra one and at'
                            ' the end of each line of the file')),
        Mutant("no_index", "index X and y by the 'id' column (df.set_index('id')), so rows keep their identity",
               load_no_index,
               second_hint="print X.index[:3]: the patients' ids are expected, not 0, 1, 2"),
        Mutant("bool", "y holds the integers 0 and 1 (e.g. .astype(int) or .map({'M': 0, 'B': 1}))",
               load_bool_labels,
               second_hint='print y.dtype: an integer type is expected; comparing strings gives booleans'),
    ),
    output_names=("X", "y"), arg_names=("path",), rtol=1e-12, atol=0.0,
    requirements=(
        R("values", "Return `(X, y)` where `X` is a DataFrame", "indexed by `id`", by="values"),
        R("drop-empty", "Drop any column that is entirely empty", by="values"),
        R("raises-diagnosis", "raise a `ValueError` if `diagnosis` holds anything other than", by="raises-diagnosis"),
    ),
)


# ----- split_and_scale ------------------------------------------------------------------------------------------

def split_cases(rng):
    import pandas as pd
    cases = []
    for m, n, ts in ((int(rng.integers(30, 60)), int(rng.integers(3, 6)), 0.2),
                     (int(rng.integers(60, 120)), int(rng.integers(2, 5)), float(rng.choice([0.25, 0.3, 0.35])))):
        X = rng.normal(0, 1, (m, n)) * rng.uniform(0.5, 20, n) + rng.uniform(-50, 50, n)
        X[:, 0] = np.arange(m, dtype=float)  # row ids: lets the judge find every row after scaling
        y = rng.integers(0, 2, m)
        idx = pd.Index(rng.choice(100000, size=m, replace=False), name="id")
        Xdf = pd.DataFrame(X, index=idx, columns=[f"feature_{j}" for j in range(n)])
        ys = pd.Series(y.astype(np.int64), index=idx, name="diagnosis")
        seed = int(rng.integers(0, 10000))
        cases.append(Case(f"{m} rows, {n} features, test_size={ts}", (encode(Xdf), encode(ys), S(ts)),
                          probe="split_and_scale", options={"seed": seed, "other_seed": seed + 1},
                          kind=f"{m} rows, {n} features"))
    return cases


def _split_var(X, y, test_size, seed, fit_all=False, scale=True, misalign=False, fixed_seed=False, order=False):
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    X, y = np.asarray(X, dtype=float), np.asarray(y).astype(np.int64)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=test_size, random_state=0 if fixed_seed else seed)
    if misalign:
        ytr, yte = y[: len(ytr)], y[len(ytr):]
    if scale:
        sc = StandardScaler().fit(X if fit_all else Xtr)
        Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)
    return (Xtr, ytr, Xte, yte) if order else (Xtr, Xte, ytr, yte)


SPLIT_AND_SCALE = ExerciseSpec(
    "split_and_scale", ASSIGNMENT, 2, "course_lib.data:split_and_scale", split_cases,
    mutants=(
        Mutant("leakage", HINTS["split_leakage"], lambda X, y, t, s: _split_var(X, y, t, s, fit_all=True)),
        Mutant("unscaled", HINTS["split_unscaled"], lambda X, y, t, s: _split_var(X, y, t, s, scale=False)),
        Mutant("misaligned", HINTS["split_misaligned"], lambda X, y, t, s: _split_var(X, y, t, s, misalign=True)),
        Mutant("seed", HINTS["split_seed"], lambda X, y, t, s: _split_var(X, y, t, s, fixed_seed=True)),
        Mutant("order", HINTS["split_order"], lambda X, y, t, s: _split_var(X, y, t, s, order=True)),
    ),
    judge_kind="split_and_scale", arg_names=("X", "y", "test_size", "seed"),
    requirements=(
        R("split-scale", "Use `train_test_split(X, y, test_size=test_size, random_state=seed)`",
          "fit a `StandardScaler` on the training features only", "return four NumPy arrays",
          "then standardise with statistics of the training part only", by="judge:split_and_scale"),
    ),
)


# ----- accuracy -------------------------------------------------------------------------------------------------

def accuracy_ref(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim != 1 or y_pred.shape != y_true.shape:
        raise ValueError(f"y_true and y_pred must be flat vectors of the same shape (m,), got {y_true.shape} and "
                         f"{y_pred.shape}")
    return float(np.mean(y_true == y_pred))


def accuracy_cases(rng):
    m = int(rng.integers(5, 40))
    yt = rng.integers(0, 2, m)
    yp = yt.copy()
    flip = rng.choice(m, size=int(rng.integers(1, m)), replace=False)
    yp[flip] = 1 - yp[flip]
    return [
        Case(f"random labels (m = {m})", (A(yt, int), A(yp, int))),
        Case("all correct", (A(yt, int), A(yt.copy(), int))),
        Case("all wrong", (A(yt, int), A(1 - yt, int))),
        Case("m = 1", (A([1], int), A([1], int))),
        Case("m = 3, one mistake", (A([0, 1, 1], int), A([0, 1, 0], int))),
        Case("y_pred a column (m, 1)", (A([0, 1, 1], int), A([[0], [1], [0]], int)), grades="raises-shapes",
             options={"raises_because": "y_pred is an (m, 1) column: compared with the (m,) y_true it broadcasts to "
                                        "an (m, m) table and the mean is a wrong accuracy"}),
        Case("both columns (m, 1)", (A([[0], [1]], int), A([[0], [1]], int)), grades="raises-shapes",
             options={"raises_because": "both inputs must be one-dimensional (m,)"}),
        Case("different lengths", (A([0, 1, 1], int), A([0, 1], int)), grades="raises-shapes",
             options={"raises_because": "y_true and y_pred have different lengths"}),
    ]


ACCURACY = ExerciseSpec(
    "accuracy", ASSIGNMENT, 1, accuracy_ref, accuracy_cases,
    mutants=(
        Mutant("percent", "return the accuracy as a fraction in [0, 1], not a percentage",
               lambda a, b: 100 * accuracy_ref(a, b),
               second_hint='your accuracy for a perfect prediction is 100, not 1.0'),
        Mutant("error_rate", "the accuracy is the fraction of CORRECT predictions (y_true == y_pred)",
               lambda a, b: 1 - accuracy_ref(a, b),
               second_hint='your accuracy for a perfect prediction is 0: you count the mistakes'),
        Mutant("count", "divide the number of correct predictions by the number of samples",
               lambda a, b: int(np.sum(np.asarray(a) == np.asarray(b))),
               second_hint='your result grows with the number of samples: it is a fraction of them'),
        Mutant("broadcast", "an (m, 1) column compared with an (m,) vector broadcasts to an (m, m) table: compare "
                            "two flat (m,) vectors", lambda a, b: float(np.mean(np.asarray(a).reshape(-1, 1)
                                                                                 == np.asarray(b))),
               second_hint=('print (y_true == y_pred).shape in your function: (m,) is expected, yours is (m, m) for a'
                            ' column against a flat vector')),
    ),
    arg_names=("y_true", "y_pred"), rtol=1e-12, atol=1e-12,
    requirements=(
        R("values", "a Python `float` in $[0, 1]$ (not a percentage", by="values"),
        R("raises-shapes", "raise a `ValueError` if the shapes differ or are not one-dimensional", by="raises-shapes"),
    ),
)


# ----- NeuralNet ------------------------------------------------------------------------------------------------

def net_cases(rng):
    m, n = 48, 4
    centers = rng.normal(0, 1, (2, n))
    centers[1] = centers[0] + 2.5 * rng.choice([-1, 1], n)
    y = (np.arange(m) % 3 == 0).astype(np.int64)  # unbalanced (1/3 ones): even zero init has a gradient
    X = centers[y] + rng.normal(0, 1, (m, n))
    X = (X - X.mean(0)) / X.std(0)
    seed = int(rng.integers(0, 1000))
    layers = (n, 3, 1)
    scen = [
        {"name": "zeros", "kwargs": {"layers": layers, "learning_rate": 0.5, "iterations": 25, "init": "zeros",
                                     "seed": 0}, "compare": True},
        {"name": "zeros_column_y", "kwargs": {"layers": layers, "learning_rate": 0.5, "iterations": 25,
                                              "init": "zeros", "seed": 0}, "y": "column", "compare": True},
        {"name": "normal", "kwargs": {"layers": (n, 5, 1), "learning_rate": 0.5, "iterations": 30,
                                      "init": "normal", "seed": seed}},
        {"name": "normal_same_seed", "kwargs": {"layers": (n, 5, 1), "learning_rate": 0.5, "iterations": 30,
                                                "init": "normal", "seed": seed}, "same_as": "normal"},
        {"name": "normal_other_seed", "kwargs": {"layers": (n, 5, 1), "learning_rate": 0.5, "iterations": 30,
                                                 "init": "normal", "seed": seed + 1}, "differs_from": "normal"},
        {"name": "mini_batches", "kwargs": {"layers": (n, 4, 2, 1), "learning_rate": 0.5, "iterations": 20,
                                            "batch_size": 16, "init": "xavier", "seed": seed}},
        {"name": "labels_0_2", "kwargs": {"layers": layers, "learning_rate": 0.5, "iterations": 5, "init": "zeros",
                                          "seed": 0}, "y": "bad_labels", "expect_error": "ValueError"},
        {"name": "layers_mismatch", "kwargs": {"layers": (n + 1, 3, 1), "learning_rate": 0.5, "iterations": 5,
                                               "init": "zeros", "seed": 0}, "expect_error": "ValueError"},
    ]
    return [Case(f"two separable blobs (m = {m}, n = {n})", (A(X), A(y, np.int64)), probe="neural_net",
                 options={"scenarios": scen})]


def __getattr__(name):
    """Mutant classes are built on first use (course_lib.model is imported lazily)."""
    from course_lib import model
    base = model.NeuralNet

    class AscentNet(base):
        def fit(self, X, y):
            original = model.fast_gradient_descent

            def ascent(X, Y, params, learning_rate, *args, **kwargs):
                return original(X, Y, params, -learning_rate, *args, **kwargs)
            with mock.patch.object(model, "fast_gradient_descent", ascent):
                return super().fit(X, y)

    class SummedNet(base):
        def fit(self, X, y):
            original = model.fast_gradient_descent
            m = len(X)

            def summed(X, Y, params, learning_rate, *args, **kwargs):
                return original(X, Y, params, learning_rate * m, *args, **kwargs)
            with mock.patch.object(model, "fast_gradient_descent", summed):
                return super().fit(X, y)

    class PercentNet(base):
        def score(self, X, y, sample_weight=None):
            return 100.0 * super().score(X, y)

    class SwappedProbaNet(base):
        def predict_proba(self, X):
            return super().predict_proba(X)[:, ::-1].copy()

        def predict(self, X):
            return (super().predict_proba(X)[:, 1] >= 0.5).astype(int)

    class ProbaPredictNet(base):
        def predict(self, X):
            return super().predict_proba(X)[:, 1]

    class FrozenNet(base):
        """fit computes everything but never changes the parameters (the seed article's own bug)."""

        def fit(self, X, y):
            from course_lib.initializers import init_params
            from course_lib.losses import binary_cross_entropy
            from course_lib.network import forward_propagation
            super().fit(X, y)
            X, Y = np.asarray(X, float), np.asarray(y, float).reshape(-1, 1)
            params = init_params(list(self.layers), self.init, np.random.default_rng(self.seed))
            cost = binary_cross_entropy(Y, forward_propagation(X, params)[0])
            self.params_, self.cost_history_ = params, [cost] * len(self.cost_history_)
            return self

    class GlobalSeedNet(base):
        def fit(self, X, y):
            seed, self.seed = self.seed, int(np.random.randint(0, 2**31 - 1))
            try:
                return super().fit(X, y)
            finally:
                self.seed = seed

    table = {c.__name__: c for c in (AscentNet, SummedNet, PercentNet, SwappedProbaNet, ProbaPredictNet, GlobalSeedNet,
                                     FrozenNet)}
    if name in table:
        return table[name]
    raise AttributeError(name)


NEURAL_NET = ExerciseSpec(
    "NeuralNet", ASSIGNMENT, 5, "course_lib.model:NeuralNet", net_cases,
    mutants=(
        Mutant("ascent", HINTS["nn_ascent"], f"{HERE}:AscentNet",
               second_hint=('print cost_history_[:5] after fit: the costs must decrease; yours increase, so the step '
                            'points the wrong way')),
        Mutant("summed", HINTS["nn_summed"], f"{HERE}:SummedNet",
               second_hint=('train on a batch and on the same batch repeated twice: the trajectories of a mean cost '
                            'are the same, yours are not; the 1/m belongs to the first dZ')),
        Mutant("percent", HINTS["nn_percent"], f"{HERE}:PercentNet",
               second_hint='on data your model classifies perfectly, score returns 1.0; yours returns 100'),
        Mutant("proba_order", HINTS["nn_proba_order"], f"{HERE}:SwappedProbaNet",
               second_hint=("predict_proba(X).sum(axis=1) is 1 for both orders; compare column 1 with the network's "
                            'output h instead, it is P(y = 1)')),
        Mutant("predict_proba", HINTS["nn_predict_labels"], f"{HERE}:ProbaPredictNet",
               second_hint='print predict(X)[:5]: labels 0 and 1 are expected, yours are numbers between 0 and 1'),
        Mutant("global_seed", HINTS["nn_seed"], f"{HERE}:GlobalSeedNet", reproducible=False,
               second_hint=('fit two models with the same seed and compare their params_: they must be equal, yours '
                            'differ')),
        Mutant("frozen", HINTS["nn_frozen"], f"{HERE}:FrozenNet",
               second_hint=('print cost_history_[:3] after fit: equal numbers mean self.params_ never changes; check '
                            'what you do with the value update_params returns')),
    ),
    judge_kind="neural_net",
    requirements=(
        R("behaviour", "Implement the bodies of `fit`, `predict_proba`, `predict` and `score`",
          "using the provided `init_params`", "It is graded by behaviour", "Labels of shape (m,), int 0/1",
          "Accuracy (a fraction in [0, 1])", "predict gives 0/1 labels of shape (m,)", "Learn params_ from X (m, n) and y (m,) or (m, 1) of 0/1 labels",
          by="judge:neural_net"),
        R("checks", "check the shapes, that the labels are 0/1, that `layers` starts with the number of features",
          by="judge:neural_net"),
        R("batch-order", "choose the order of the rows", "seeds the initial weights and the mini-batch order",
          by="judge:neural_net"),
    ),
)

SPECS = [LOAD_BREAST_CANCER_CSV, SPLIT_AND_SCALE, ACCURACY, NEURAL_NET]
