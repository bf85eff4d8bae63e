"""Tests for the shipped breast cancer CSV, its generator script and the loaders in course_lib.data."""

from __future__ import annotations

import importlib.util
import socket

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_lib import data
from course_lib.data import (
    BREAST_CANCER_CSV,
    DATA_DIR,
    FEATURE_NAMES,
    load_breast_cancer,
    load_circles,
    load_mnist,
    split_and_scale,
)


def _load_generator_script():
    spec = importlib.util.spec_from_file_location(
        "make_breast_cancer_csv", DATA_DIR / "make_breast_cancer_csv.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the committed CSV --------------------------------------------------------------------------------------


def test_committed_csv_is_exactly_what_the_script_writes(tmp_path):
    script = _load_generator_script()
    regenerated = script.write_csv(tmp_path / "regenerated.csv")
    assert regenerated.read_bytes() == BREAST_CANCER_CSV.read_bytes(), (
        "data/breast_cancer_wisconsin.csv is stale: run `python data/make_breast_cancer_csv.py` and commit it"
    )


def test_csv_has_the_common_export_layout():
    text = BREAST_CANCER_CSV.read_text(encoding="ascii")
    lines = text.splitlines()
    assert len(lines) == 1 + 569
    assert lines[0].startswith("id,diagnosis,radius_mean,texture_mean,")
    assert all(line.endswith(",") for line in lines), "every line ends with the empty trailing field"

    raw = pd.read_csv(BREAST_CANCER_CSV)
    assert list(raw.columns) == ["id", "diagnosis", *FEATURE_NAMES, "Unnamed: 32"]
    assert raw["Unnamed: 32"].isna().all()
    assert raw["id"].tolist() == list(range(1, 570)), "id is the row number"
    assert raw["diagnosis"].value_counts().to_dict() == {"B": 357, "M": 212}


def test_feature_names_follow_the_uci_order():
    assert len(FEATURE_NAMES) == 30 == len(set(FEATURE_NAMES))
    assert FEATURE_NAMES[0] == "radius_mean" and FEATURE_NAMES[-1] == "fractal_dimension_worst"
    assert [name.rsplit("_", 1)[1] for name in FEATURE_NAMES] == ["mean"] * 10 + ["se"] * 10 + ["worst"] * 10


def test_csv_values_match_scikit_learn_bundle():
    from sklearn.datasets import load_breast_cancer as sklearn_load

    bunch = sklearn_load()
    raw = pd.read_csv(BREAST_CANCER_CSV)
    # Spot-check the mapping of names: scikit-learn calls radius_se "radius error" and concave points_worst
    # "worst concave points".
    names = list(bunch.feature_names)
    for ours, theirs in [
        ("radius_mean", "mean radius"),
        ("radius_se", "radius error"),
        ("concave points_worst", "worst concave points"),
        ("fractal_dimension_se", "fractal dimension error"),
    ]:
        np.testing.assert_array_equal(raw[ours].to_numpy(), bunch.data[:, names.index(theirs)])
    np.testing.assert_array_equal(raw[list(FEATURE_NAMES)].to_numpy().shape, (569, 30))
    np.testing.assert_array_equal((raw["diagnosis"] == "B").to_numpy().astype(int), bunch.target)


# --- load_breast_cancer -------------------------------------------------------------------------------------


def test_load_breast_cancer_cleans_the_file():
    X, y = load_breast_cancer()
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert X.shape == (569, 30)
    assert list(X.columns) == list(FEATURE_NAMES)
    assert X.index.name == "id" and y.index.name == "id"
    assert X.index.equals(y.index)
    assert X.index[0] == 1 and X.index[-1] == 569
    assert (X.dtypes == np.float64).all()
    assert y.name == "diagnosis" and y.dtype == np.int64
    assert y.value_counts().to_dict() == {1: 357, 0: 212}, "M -> 0 (212 malignant), B -> 1 (357 benign)"
    assert not X.isna().any().any()


def test_load_breast_cancer_maps_m_to_zero_and_b_to_one():
    raw = pd.read_csv(BREAST_CANCER_CSV)
    _, y = load_breast_cancer()
    assert (y.to_numpy()[raw["diagnosis"].eq("M").to_numpy()] == 0).all()
    assert (y.to_numpy()[raw["diagnosis"].eq("B").to_numpy()] == 1).all()


def test_load_breast_cancer_accepts_an_explicit_path_without_the_trailing_column(tmp_path):
    raw = pd.read_csv(BREAST_CANCER_CSV).drop(columns="Unnamed: 32").head(10)
    path = tmp_path / "ten.csv"
    raw.to_csv(path, index=False)
    X, y = load_breast_cancer(path)
    assert X.shape == (10, 30) and y.shape == (10,)


def _write_variant(tmp_path, edit):
    raw = pd.read_csv(BREAST_CANCER_CSV).head(20)
    raw = edit(raw)
    path = tmp_path / "variant.csv"
    raw.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d.drop(columns="radius_mean"), "radius_mean"),
        (lambda d: d.drop(columns="id"), "'id'"),
        (lambda d: d.assign(extra=1.0), "extra"),
        (lambda d: d.assign(diagnosis=["X"] + d["diagnosis"].tolist()[1:]), "diagnosis"),
        (
            lambda d: d.assign(texture_mean=["oops"] + d["texture_mean"].astype(str).tolist()[1:]),
            "texture_mean",
        ),
        (lambda d: d.assign(area_mean=[np.nan] + d["area_mean"].tolist()[1:]), "area_mean"),
        (lambda d: d.assign(id=[1] * len(d)), "id"),
    ],
    ids=[
        "missing-feature",
        "missing-id",
        "extra-column",
        "bad-diagnosis",
        "text-feature",
        "empty-feature",
        "repeated-id",
    ],
)
def test_load_breast_cancer_rejects_malformed_files(tmp_path, edit, message):
    path = _write_variant(tmp_path, edit)
    with pytest.raises(ValueError, match=message):
        load_breast_cancer(path)


def test_load_breast_cancer_rejects_a_file_that_is_not_the_data_set(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="layout"):
        load_breast_cancer(path)


def test_load_breast_cancer_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_breast_cancer(tmp_path / "nowhere.csv")


# --- split_and_scale ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def breast_cancer():
    return load_breast_cancer()


def test_split_sizes_and_types(breast_cancer):
    X, y = breast_cancer
    X_train, X_test, y_train, y_test = split_and_scale(X, y)
    assert X_train.shape == (455, 30) and X_test.shape == (114, 30)
    assert y_train.shape == (455,) and y_test.shape == (114,)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert all(isinstance(a, np.ndarray) for a in (X_train, X_test, y_train, y_test))


def test_split_has_no_leakage(breast_cancer):
    X, y = breast_cancer
    X_np, y_np = X.to_numpy(), y.to_numpy()
    X_train, X_test, y_train, y_test = split_and_scale(X, y, seed=3)

    # The contract fixes the split to train_test_split(random_state=seed): replay it on row numbers.
    train_rows, test_rows = train_test_split(np.arange(len(X_np)), test_size=0.2, random_state=3)
    assert set(train_rows).isdisjoint(test_rows) and len(train_rows) + len(test_rows) == 569
    np.testing.assert_array_equal(y_train, y_np[train_rows])
    np.testing.assert_array_equal(y_test, y_np[test_rows])

    # Both parts are scaled with the TRAINING rows' mean and standard deviation ...
    mean, std = X_np[train_rows].mean(axis=0), X_np[train_rows].std(axis=0)
    np.testing.assert_allclose(X_train, (X_np[train_rows] - mean) / std, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(X_test, (X_np[test_rows] - mean) / std, rtol=1e-10, atol=1e-12)
    # ... so the training part is exactly standardised and the test part is not (scaling it by its own
    # statistics would be the leak).
    np.testing.assert_allclose(X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X_train.std(axis=0), 1.0, rtol=1e-12)
    assert np.abs(X_test.mean(axis=0)).max() > 1e-2
    assert np.abs(X_test.std(axis=0) - 1.0).max() > 1e-2
    own = StandardScaler().fit(X_np[test_rows])
    assert not np.allclose(X_test, own.transform(X_np[test_rows]))


def test_split_is_deterministic_by_seed(breast_cancer):
    X, y = breast_cancer
    first = split_and_scale(X, y, seed=7)
    again = split_and_scale(X, y, seed=7)
    other = split_and_scale(X, y, seed=8)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_split_accepts_arrays_and_pandas_alike(breast_cancer):
    X, y = breast_cancer
    from_pandas = split_and_scale(X, y, seed=1)
    from_numpy = split_and_scale(X.to_numpy(), y.to_numpy(), seed=1)
    for a, b in zip(from_pandas, from_numpy):
        np.testing.assert_array_equal(a, b)


def test_split_does_not_modify_its_inputs(breast_cancer):
    X, y = breast_cancer
    X_copy, y_copy = X.copy(), y.copy()
    split_and_scale(X, y)
    pd.testing.assert_frame_equal(X, X_copy)
    pd.testing.assert_series_equal(y, y_copy)


@pytest.mark.parametrize(
    "X, y, message",
    [
        (np.zeros(5), np.zeros(5, dtype=int), "2-D"),
        (np.zeros((5, 2)), np.zeros((5, 1), dtype=int), r"\(m,\)"),
        (np.zeros((5, 2)), np.zeros(4, dtype=int), "same number of rows"),
        (np.array([[np.nan, 1.0]] * 5), np.zeros(5, dtype=int), "NaN"),
        (np.zeros((5, 2)), np.full(5, 0.5), "integer"),
    ],
    ids=["X-1d", "y-column", "length-mismatch", "nan", "fractional-labels"],
)
def test_split_rejects_bad_input(X, y, message):
    with pytest.raises(ValueError, match=message):
        split_and_scale(X, y)


# --- circles and MNIST --------------------------------------------------------------------------------------


def test_circles_are_seeded():
    X, y = load_circles()
    assert X.shape == (400, 2) and y.shape == (400,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [200, 200]
    X_again, y_again = load_circles()
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    X_other, _ = load_circles(seed=1)
    assert not np.array_equal(X, X_other)
    # factor=0.4: the inner circle (label 1) sits well inside the outer one (label 0).
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.median(radius[y == 1]) < 0.6 < np.median(radius[y == 0])


def test_mnist_loads_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network access is disabled in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)

    X, y = load_mnist()
    assert X.shape == (5000, 784) and y.shape == (5000,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert sorted(np.unique(y).tolist()) == list(range(10))
    assert np.bincount(y).tolist() == [500] * 10

    X_raw, _ = load_mnist(scale=False)
    assert X_raw.max() == 255.0
    np.testing.assert_allclose(X_raw / 255.0, X)


def test_data_dir_is_the_repository_data_folder():
    assert DATA_DIR.name == "data"
    assert (DATA_DIR / "README.md").is_file()
    assert data.BREAST_CANCER_CSV.parent == DATA_DIR
