"""course_lib: the reference implementations (the answer key) of the course "neural networks from scratch".

Conventions, pinned once here and followed by every module, notebook and grader:

* Rows are samples. X has shape (m, n): m samples, n features.
* Labels / targets given to the network functions are COLUMN vectors Y of shape (m, 1). A flat (m,) vector
  where (m, 1) is needed raises ValueError (h - Y would silently broadcast to (m, m)). Only the
  scikit-learn-style estimator ``NeuralNet`` and the data loaders take or return y of shape (m,).
* With K > 2 classes (``softmax``), the labels are one-hot ROWS Y of shape (m, K), made from y (m,) by
  ``one_hot``; the network's K outputs form logits Z (m, K), and the softmax normalises each row (axis 1).
* Weights follow the seed article's notation, for any number of layers L:
  ``params = {"theta_1": (n0, n1), "b1": (n1,), "theta_2": (n1, n2), "b2": (n2,), ...}``;
  gradients use the same shapes under ``dtheta_1, db1, ...``. In formulas, ``theta_l`` is written
  Theta^[l] (square brackets: the layer), an (n_{l-1}, n_l) matrix, and a layer computes
  Z^[l] = A^[l-1] Theta^[l] + b^[l] with A^[0] = X. (The first seed article's Theta^(j) is a different object:
  an s_{j+1} x (s_j + 1) matrix with the bias folded in as a first column, acting on column vectors.)
* Costs are the MEAN over the batch, so the 1/m appears once, in the gradient of the loss; dense layers
  SUM over the batch. (The seed article sums, so its learning rate 0.001 on 455 samples is 0.455 here.)
* Label 1 = benign, 0 = malignant (the article's B -> 1, M -> 0).
* Randomness comes only from a seed or a ``numpy.random.Generator`` passed in; nothing touches NumPy's
  global random state.
* Functions are pure: they return new arrays and never modify their inputs. Public functions raise
  ValueError / TypeError naming the offending shape or value.

Modules: activations, losses, initializers, network, model (NeuralNet and its readable training loop),
fast_training (the speed-tuned loop NeuralNet.fit runs by default), gradcheck, symmetry, matmul, relu_mse,
softmax (the capstone's softmax classifier), sklearn_bridge, data.
"""

import importlib

from course_lib.activations import (
    ACTIVATIONS,
    DERIVATIVES,
    identity,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)
from course_lib.gradcheck import gradient_check, numerical_gradient, relative_error
from course_lib.initializers import INITIALIZERS, init_params
from course_lib.losses import binary_cross_entropy, binary_cross_entropy_gradient, mse, mse_backward
from course_lib.model import NeuralNet
from course_lib.network import (
    backward_propagation,
    dense_backward,
    dense_forward,
    forward_one_sample,
    forward_propagation,
    layer_forward,
    update_params,
)
from course_lib.symmetry import hidden_unit_spread

_DATA_NAMES = ("load_breast_cancer", "split_and_scale", "load_circles", "load_mnist", "DATA_DIR")

__all__ = [
    "ACTIVATIONS",
    "DATA_DIR",
    "DERIVATIVES",
    "INITIALIZERS",
    "NeuralNet",
    "backward_propagation",
    "binary_cross_entropy",
    "binary_cross_entropy_gradient",
    "dense_backward",
    "dense_forward",
    "forward_one_sample",
    "forward_propagation",
    "gradient_check",
    "hidden_unit_spread",
    "identity",
    "init_params",
    "layer_forward",
    "load_breast_cancer",
    "load_circles",
    "load_mnist",
    "mse",
    "mse_backward",
    "numerical_gradient",
    "relative_error",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "split_and_scale",
    "tanh",
    "tanh_derivative",
    "update_params",
]


def __getattr__(name):
    # The data loaders are imported on first use, so that importing course_lib stays light and does not
    # depend on pandas or the data files.
    if name in _DATA_NAMES:
        return getattr(importlib.import_module("course_lib.data"), name)
    raise AttributeError(f"module 'course_lib' has no attribute {name!r}")
