"""Shared input generators for exercise specs (instructor side)."""

from __future__ import annotations

import numpy as np

from . import A


def params_for(rng: np.random.Generator, layers, scale: float = 1.0) -> dict:
    """Random params dict {theta_l: (n_{l-1}, n_l), bl: (n_l,)} as plain arrays."""
    p = {}
    for i in range(1, len(layers)):
        p[f"theta_{i}"] = rng.normal(0, scale, (layers[i - 1], layers[i]))
        p[f"b{i}"] = rng.normal(0, scale, layers[i])
    return p


def enc_dict(d: dict) -> dict:
    """Encode a dict of arrays (keys kept in order)."""
    return {"t": "dict", "keys": list(d), "values": [A(v) for v in d.values()]}


def labels(rng: np.random.Generator, m: int, both: bool = True) -> np.ndarray:
    """(m, 1) float 0/1 labels; with both=True and m >= 2 both classes appear."""
    y = rng.integers(0, 2, (m, 1)).astype(float)
    if both and m >= 2:
        y[0, 0], y[1, 0] = 0.0, 1.0
    return y


def network_shapes(rng: np.random.Generator, depth_max: int = 3):
    """A few layer lists, including the edge cases m = 1 and a single hidden unit.

    depth_max >= 3 adds a network of three layers of weights; depth_max >= 4 also one of four (for exercises whose
    text says "any number of layers": a solution written for one hidden layer fails them)."""
    n0 = int(rng.integers(2, 7))
    shapes = [
        ("m = 1", 1, [n0, int(rng.integers(2, 5)), 1]),
        ("a single hidden unit", int(rng.integers(3, 9)), [n0, 1, 1]),
        ("random", int(rng.integers(5, 20)), [n0, int(rng.integers(2, 9)), 1]),
        ("random", int(rng.integers(5, 20)), [int(rng.integers(2, 7)), int(rng.integers(2, 9)), 1]),
    ]
    if depth_max >= 3:
        shapes.append(("three layers", int(rng.integers(3, 10)), [n0, int(rng.integers(2, 6)),
                                                                  int(rng.integers(2, 5)), int(rng.integers(1, 3))]))
    if depth_max >= 4:
        shapes.append(("four layers", int(rng.integers(3, 10)), [n0] + [int(x) for x in rng.integers(2, 5, 3)] + [1]))
    return shapes
