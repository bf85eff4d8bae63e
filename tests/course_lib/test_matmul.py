"""The four hand-written matrix products against NumPy's @, on shapes drawn by hypothesis."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib.matmul import MATMULS, matmul_broadcast, matmul_einsum, matmul_elementwise, matmul_loops

pytestmark = pytest.mark.filterwarnings("error")

FUNCS = [matmul_loops, matmul_elementwise, matmul_broadcast, matmul_einsum]


@st.composite
def matrix_pairs(draw):
    n, k, p = draw(st.integers(1, 6)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    elements = st.floats(-100, 100, allow_nan=False, width=64)
    return draw(arrays(np.float64, (n, k), elements=elements)), draw(arrays(np.float64, (k, p), elements=elements))


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
@settings(max_examples=40, deadline=None)
@given(pair=matrix_pairs())
def test_matches_numpy(func, pair):
    a, b = pair
    out = func(a, b)
    assert out.shape == (a.shape[0], b.shape[1])
    assert np.allclose(out, a @ b, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_mnist_sized_product(func):
    rng = np.random.default_rng(0)
    a, b = rng.random((5, 784)), rng.normal(size=(784, 10))
    assert np.allclose(func(a, b), a @ b, rtol=1e-12)


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_mismatched_inner_dimension_raises(func):
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 2\)"):
        func(np.ones((2, 3)), np.ones((4, 2)))


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_non_matrix_input_raises(func):
    with pytest.raises(ValueError, match="2-D"):
        func(np.ones(3), np.ones((3, 2)))


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_inputs_are_not_modified(func):
    a, b = np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(3, 4)
    a0, b0 = a.copy(), b.copy()
    func(a, b)
    assert np.array_equal(a, a0) and np.array_equal(b, b0)


def test_table_has_the_five_ways():
    assert len(MATMULS) == 5
    a, b = np.ones((2, 3)), np.ones((3, 2))
    assert all(np.array_equal(f(a, b), a @ b) for f in MATMULS.values())
