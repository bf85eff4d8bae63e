"""Time NeuralNet against the equivalent scikit-learn MLPClassifier (run by hand, not a test).

Both fit the [30, 14, 1] sigmoid network on the 455-row breast cancer training split for 500 full-batch
epochs from the same initial weights, several times each, alternating so that all see the same machine
load. Only the ``fit`` calls are timed (scikit-learn's one-off preparation to accept our initial weights is
not). NeuralNet runs twice: with its default fast kernel (``course_lib.fast_training``) and with the readable
loop over the course's functions (``training_loop="readable"``). Prints the medians, the ratios, the final
losses (which must agree) and the BLAS library in use.

Some machines set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE to work around old OpenBLAS builds; they slow a
current NumPy down. To measure the kernel NumPy would pick by itself, unset both for this command only:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/train_vs_sklearn.py

Usage:  python benchmarks/train_vs_sklearn.py [--repeats 7] [--epochs 500]
"""

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info

from course_lib import NeuralNet, init_params
from course_lib.data import load_breast_cancer, split_and_scale
from course_lib.sklearn_bridge import fit_started_mlp, make_equivalent_mlp, start_mlp_from_params


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--hidden", type=int, default=14)
    args = parser.parse_args()

    X, y = load_breast_cancer()
    X_train, _, y_train, _ = split_and_scale(X, y, test_size=0.2, seed=0)
    m, n = X_train.shape
    layers = [n, args.hidden, 1]
    learning_rate = 0.001 * m  # the seed article's summed-gradient step, on the mean cost
    start = init_params(layers, "normal", np.random.default_rng(0))
    mlp = make_equivalent_mlp(args.hidden, learning_rate, args.epochs, m)

    fast, readable, theirs = [], [], []
    for _ in range(args.repeats):
        net = NeuralNet(layers, learning_rate, args.epochs, init=start)
        fast.append(time_fit(net, X_train, y_train))

        slow_net = NeuralNet(layers, learning_rate, args.epochs, init=start, training_loop="readable")
        readable.append(time_fit(slow_net, X_train, y_train))

        started = start_mlp_from_params(mlp, X_train, y_train, start)
        t0 = time.perf_counter()
        fit_started_mlp(started, X_train, y_train)
        theirs.append(time.perf_counter() - t0)

    fast_median, readable_median = statistics.median(fast), statistics.median(readable)
    theirs_median = statistics.median(theirs)
    blas = [f"{lib['internal_api']} {lib['version']} ({lib.get('architecture', '?')}, {lib['num_threads']} threads)"
            for lib in threadpool_info() if lib["user_api"] == "blas"]
    print(f"[{n}, {args.hidden}, 1] network, {m} samples, {args.epochs} full-batch epochs, "
          f"learning rate {learning_rate:g}, {args.repeats} repeats; BLAS: {', '.join(blas) or 'unknown'}")
    print(f"NeuralNet.fit (fast, default)  median {fast_median * 1e3:8.2f} ms   final loss {net.cost_history_[-1]:.12f}")
    print(f"NeuralNet.fit (readable loop)  median {readable_median * 1e3:8.2f} ms   "
          f"final loss {slow_net.cost_history_[-1]:.12f}")
    print(f"MLPClassifier.fit              median {theirs_median * 1e3:8.2f} ms   "
          f"final loss {started.loss_curve_[-1]:.12f}")
    print(f"ratio NeuralNet (fast) / MLPClassifier:     {fast_median / theirs_median:.3f}")
    print(f"ratio NeuralNet (readable) / MLPClassifier: {readable_median / theirs_median:.3f}")
    print(f"largest loss-curve difference, fast vs MLPClassifier: "
          f"{np.max(np.abs(np.asarray(net.cost_history_) - np.asarray(started.loss_curve_))):.2e}; "
          f"fast vs readable: {np.max(np.abs(np.subtract(net.cost_history_, slow_net.cost_history_))):.2e}")


def time_fit(net, X, y):
    """Seconds taken by net.fit(X, y)."""
    t0 = time.perf_counter()
    net.fit(X, y)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
