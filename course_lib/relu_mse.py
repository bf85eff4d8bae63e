"""The second seed article's regression network: [784, 50, 1] with a ReLU hidden layer and MSE loss.

Pure functions in the cs231n style; ``relu`` and ``mse`` come from ``course_lib.activations`` and
``course_lib.losses``, and the linear layer is the sigmoid network's own ``dense_forward`` / ``dense_backward``
pair (the notebook's exercise passes A_prev and theta explicitly instead of a cache).

Shapes: X (m, 784), y (m, 1) (a COLUMN: the article's squeeze/unsqueeze dance is what the column avoids),
theta_1 (784, 50), b1 (50,), theta_2 (50, 1), b2 (1,). The loss is the MEAN squared error; the linear layers'
gradients are SUMS over the batch, the 1/m lives in ``mse_backward``.
"""

from course_lib._validation import as_float_array, check_column, check_params, n_layers
from course_lib.activations import relu
from course_lib.losses import mse, mse_backward
from course_lib.network import dense_backward, dense_forward


def linear_forward(A_prev, theta, b):
    """Affine layer Z = A_prev @ theta + b.

    Parameters
    ----------
    A_prev : array_like of shape (m, n_in)
    theta : array_like of shape (n_in, n_out)
    b : array_like of shape (n_out,)

    Returns
    -------
    Z : ndarray of shape (m, n_out)
    """
    Z, _ = dense_forward(A_prev, theta, b)
    return Z


def linear_backward(dZ, A_prev, theta):
    """Backward pass of ``linear_forward``: ``course_lib.network.dense_backward`` with its cache spelt out.

    Parameters
    ----------
    dZ : array_like of shape (m, n_out)
        Gradient of the loss with respect to the layer output.
    A_prev : array_like of shape (m, n_in)
        The layer input.
    theta : array_like of shape (n_in, n_out)

    Returns
    -------
    dA_prev : ndarray of shape (m, n_in)
        dZ @ theta.T
    dtheta : ndarray of shape (n_in, n_out)
        A_prev.T @ dZ (summed over the batch)
    db : ndarray of shape (n_out,)
        dZ summed over the batch
    """
    return dense_backward(dZ, (A_prev, theta))


def relu_backward(dA, Z):
    """Backward pass of ReLU: the upstream gradient where Z > 0, else 0 (also at Z == 0).

    Parameters
    ----------
    dA : array_like
        Gradient with respect to relu(Z).
    Z : array_like, same shape as dA
        The input of the ReLU.

    Returns
    -------
    ndarray, same shape as Z
    """
    dA = as_float_array(dA, "dA")
    Z = as_float_array(Z, "Z")
    if dA.shape != Z.shape:
        raise ValueError(f"dA and Z must have the same shape, got {dA.shape} and {Z.shape}")
    return dA * (Z > 0)


def forward_and_backward(X, y, params):
    """Loss and gradients of the [n0, n1, 1] ReLU + MSE network on a batch.

    Forward: Z1 = X theta_1 + b1, A1 = relu(Z1), out = A1 theta_2 + b2, loss = mean((out - y)**2).
    Backward: the same steps in reverse, each with its own backward function.

    Parameters
    ----------
    X : array_like of shape (m, n0)
    y : array_like of shape (m, 1)
        Regression targets as a COLUMN vector.
    params : dict
        theta_1 (n0, n1), b1 (n1,), theta_2 (n1, 1), b2 (1,).

    Returns
    -------
    loss : float
    grads : dict
        dtheta_1, db1, dtheta_2, db2, shaped like the params.
    """
    X = as_float_array(X, "X", ndim=2)
    y = check_column(y, "y", m=X.shape[0])
    params = check_params(params, n_features=X.shape[1])
    if n_layers(params) != 2 or params["theta_2"].shape[1] != 1:
        raise ValueError("params must describe a [n0, n1, 1] network: theta_1, b1, theta_2 (n1, 1), b2 (1,)")
    theta_1, b1, theta_2, b2 = params["theta_1"], params["b1"], params["theta_2"], params["b2"]

    Z1 = linear_forward(X, theta_1, b1)
    A1 = relu(Z1)
    out = linear_forward(A1, theta_2, b2)
    loss = mse(out, y)

    dout = mse_backward(out, y)
    dA1, dtheta_2, db2 = linear_backward(dout, A1, theta_2)
    dZ1 = relu_backward(dA1, Z1)
    _, dtheta_1, db1 = linear_backward(dZ1, X, theta_1)
    return loss, {"dtheta_1": dtheta_1, "db1": db1, "dtheta_2": dtheta_2, "db2": db2}
