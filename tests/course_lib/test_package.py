"""The package surface: every advertised name resolves, the conventions are written down once."""

import numpy as np
import pytest

import course_lib
from course_lib import NeuralNet


def test_every_name_in_all_resolves():
    for name in course_lib.__all__:
        assert getattr(course_lib, name) is not None, name


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        course_lib.no_such_thing  # noqa: B018


def test_docstring_pins_the_conventions():
    doc = course_lib.__doc__
    for phrase in ("Rows are samples", "(m, 1)", "MEAN", "benign", "theta_1"):
        assert phrase in doc


def test_neuralnet_accepts_the_loaders_pandas_output_directly():
    X, y = course_lib.load_breast_cancer()
    net = NeuralNet(learning_rate=0.455, iterations=5).fit(X, y)
    assert net.predict(X).shape == (len(X),)
    assert np.isfinite(net.cost_history_).all()
