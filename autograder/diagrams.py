"""Schematic figures of the course, drawn with matplotlib so that they are code, run with the notebooks and are tested
(PUBLIC runtime: learners re-run these cells, so the module ships in the student bundle; it never imports course_lib).

* ``draw_neuron``: one logistic unit, inputs to output.
* ``draw_network``: a small network with every weight matrix and bias vector named with its shape, in the course's
  convention (``theta_l`` of shape ``(n_{l-1}, n_l)``, ``bl`` of shape ``(n_l,)``).
* ``backprop_graph`` / ``draw_computation_graph``: the computation graph of a ``[n0, n1, 1]`` sigmoid network for one
  sample, each edge labelled with the value that flows forward along it (black) and, once backpropagation has
  reached it, the gradient of the loss with respect to that value (red). ``BACKPROP_STEPS`` lists the steps in the
  order backpropagation takes them; ``draw_backprop_summary`` numbers every gradient with its step in one figure and
  ``backprop_stepper`` shows the steps with a slider where widgets run (the summary everywhere else).

The numbers on the graph come from the forward and backward propagation functions passed in (the notebook's own, the
course's in the tests): for one sample (m = 1) the gradients with respect to z2 and z1 ARE db2 and db1, and the
other two follow by one chain-rule factor each, so this module holds no backpropagation of its own.
Figures are deterministic: fixed layout and sizes, no timestamps, no randomness.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np

__all__ = [
    "BACKPROP_STEPS",
    "BackpropStepper",
    "GraphValues",
    "backprop_graph",
    "backprop_stepper",
    "draw_backprop_summary",
    "draw_computation_graph",
    "draw_broadcast",
    "draw_network",
    "draw_neuron",
    "format_array",
    "worked_example",
]

INK, GRADIENT_INK, NODE_FILL, PARAM_FILL = "black", "#c0392b", "#eaf2fb", "#fdf2e2"


def _figure(size):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=size)
    ax.set_axis_off()
    return fig, ax


def _node(ax, xy, text, fill=NODE_FILL, size=11, **kwargs):
    return ax.text(*xy, text, ha="center", va="center", fontsize=size, zorder=3,
                   bbox={"boxstyle": "round,pad=0.35", "facecolor": fill, "edgecolor": INK}, **kwargs)


def _arrow(ax, start, end, shrink=22, color=INK, start_shrink=None):
    """An arrow from start to end; shrink (in points) keeps its ends off the boxes drawn there."""
    ax.annotate("", xy=end, xytext=start, zorder=1,
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.2, "shrinkB": shrink,
                            "shrinkA": shrink if start_shrink is None else start_shrink})


# ---------------------------------------------------------------------------------------------------------------
# The neuron
# ---------------------------------------------------------------------------------------------------------------

def draw_neuron(n_inputs=3):
    """One logistic unit: inputs x_j, weights theta_j, bias b, weighted sum z, activation g, output h.

    Parameters
    ----------
    n_inputs : int, >= 1

    Returns
    -------
    matplotlib.figure.Figure
    """
    if int(n_inputs) != n_inputs or n_inputs < 1:
        raise ValueError(f"n_inputs must be a positive integer, got {n_inputs!r}")
    n = int(n_inputs)
    fig, ax = _figure((8.5, 3.4))
    ys = np.linspace(3.2, 0.4, n) if n > 1 else np.array([1.8])
    z_xy, g_xy, h_xy, b_xy = (4.0, 1.8), (6.5, 1.8), (8.9, 1.8), (4.0, 3.7)
    z_left = (3.1, 1.8)
    for j, y in enumerate(ys, start=1):
        _node(ax, (0.6, y), f"$x_{{{j}}}$")
        _arrow(ax, (0.6, y), z_left, shrink=0, start_shrink=14)
        t = 0.45   # label the weight near the input, where the edges are apart
        ax.text(0.6 + t * (z_left[0] - 0.6), y + t * (z_left[1] - y) + 0.1, rf"$\theta_{{{j}}}$", fontsize=12,
                ha="center", va="bottom", color=INK)
    _node(ax, b_xy, "$b$", fill=PARAM_FILL)
    _arrow(ax, b_xy, (4.0, 2.2), shrink=0, start_shrink=14)
    _node(ax, z_xy, r"$z = \sum_j \theta_j x_j + b$", size=12)
    _node(ax, g_xy, r"$g(z) = 1 / (1 + e^{-z})$", size=12)
    _node(ax, h_xy, "$h = g(z)$", size=12)
    _arrow(ax, (4.95, 1.8), (5.25, 1.8), shrink=0)
    _arrow(ax, (7.8, 1.8), (8.2, 1.8), shrink=0, start_shrink=0)
    ax.text(h_xy[0], h_xy[1] - 0.6, "P(label 1)", ha="center", fontsize=10)
    ax.text(0.6, -0.35, "inputs (one sample)", ha="center", fontsize=10)
    ax.text(4.0, 4.3, "bias", ha="center", fontsize=10)
    ax.set_xlim(-0.1, 9.6)
    ax.set_ylim(-0.6, 4.5)
    ax.set_title("A logistic unit: a weighted sum, then the sigmoid", fontsize=12)
    return fig


# ---------------------------------------------------------------------------------------------------------------
# A network with its parameter shapes
# ---------------------------------------------------------------------------------------------------------------

def _layer_ys(n, top=3.4, bottom=0.4):
    return np.linspace(top, bottom, n) if n > 1 else np.array([(top + bottom) / 2])


def draw_network(layers=(3, 3, 1), symmetric=False):
    """A fully connected network, every theta_l and bl named with its shape in the course's convention.

    Parameters
    ----------
    layers : sequence of int
        Layer sizes [n0, n1, ..., nL], at most 6 units per layer (the figure is a schematic).
    symmetric : bool
        Draw a [n0, n1, 1] network whose hidden units all start equal (notebook 4): every hidden unit reads the
        same weights u_i, has the same bias beta and the same outgoing weight v, so all compute the same a.

    Returns
    -------
    matplotlib.figure.Figure
    """
    layers = [int(n) for n in layers]
    if len(layers) < 2 or min(layers) < 1 or max(layers) > 6:
        raise ValueError(f"layers must hold at least two sizes between 1 and 6, got {layers}")
    if symmetric and (len(layers) != 3 or layers[-1] != 1):
        raise ValueError(f"a symmetric network is drawn for [n0, n1, 1], got {layers}")
    gap = 3.6
    fig, ax = _figure((2.6 * len(layers) + 1.5, 4.4))
    positions = [[(l * gap, y) for y in _layer_ys(n)] for l, n in enumerate(layers)]
    for l in range(1, len(layers)):
        for i, start in enumerate(positions[l - 1]):
            for k, end in enumerate(positions[l]):
                _arrow(ax, start, end, shrink=14, color="#555555")
        # the weights into unit 1 of the layer, so that the index order (input i, unit k) is visible
        for i, start in enumerate(positions[l - 1]):
            end = positions[l][0]
            t = 0.25
            label = (f"$u_{{{i + 1}}}$" if l == 1 else "$v$") if symmetric else rf"$\Theta^{{[{l}]}}_{{{i + 1}1}}$"
            ax.text(start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]) + 0.06, label, fontsize=10, ha="center", va="bottom",
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"}, zorder=2)
        mid = (l - 0.5) * gap
        ax.text(mid, -0.45, rf"theta_{l}: $\Theta^{{[{l}]}}$ of shape ({layers[l - 1]}, {layers[l]})",
                ha="center", fontsize=11)
        ax.text(mid, -0.9, f"b{l}: shape ({layers[l]},)", ha="center", fontsize=11)
    for l, column in enumerate(positions):
        for k, xy in enumerate(column, start=1):
            name = f"$x_{{{k}}}$" if l == 0 else rf"$a^{{[{l}]}}_{{{k}}}$"
            if symmetric and l == 1:
                name = "$a$"
            if l == len(layers) - 1 and layers[-1] == 1:
                name = "$h$"
            fill = PARAM_FILL if l == 0 else ("#d5e8d4" if symmetric and l == 1 else NODE_FILL)
            _node(ax, xy, name, fill=fill, size=11)
            if l:   # every unit has its own bias, entry k of bl
                bias = r"+ $\beta$" if symmetric and l == 1 else f"+ $b^{{[{l}]}}_{{{k}}}$"
                ax.text(xy[0], xy[1] + 0.3, bias, fontsize=10, color="#7a4a00", ha="center", va="bottom")
        title = "input" if l == 0 else ("output" if l == len(layers) - 1 else f"hidden layer {l}")
        ax.text(l * gap, 4.15, f"{title}\n$n_{{{l}}} = {layers[l]}$", ha="center", fontsize=10)
    ax.set_xlim(-0.8, (len(layers) - 1) * gap + 0.8)
    ax.set_ylim(-1.2, 4.9)
    title = f"A {layers} network: unit k of layer l reads column k of theta_l"
    if symmetric:
        title = (f"A symmetric start: every column of theta_1 is u, every hidden unit computes the same a,\n"
                 f"so the output sees {layers[1]} copies of one feature")
    ax.set_title(title, fontsize=11)
    return fig


# ---------------------------------------------------------------------------------------------------------------
# Broadcasting
# ---------------------------------------------------------------------------------------------------------------

def _grid(ax, x0, y_top, rows, cols, size, fill, dashed=False, label=None, alpha=1.0):
    from matplotlib.patches import Rectangle
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((x0 + c * size, y_top - (r + 1) * size), size, size, facecolor=fill,
                                   edgecolor=INK, lw=1.0, ls="--" if dashed else "-", alpha=alpha))
    if label:
        ax.text(x0 + cols * size / 2, y_top - rows * size - 0.35, label, ha="center", va="top", fontsize=11)


def draw_broadcast(column_rows=3, columns=4):
    """How NumPy multiplies a (k, 1) column by a (k, p) matrix: the column is stretched along the missing axis.

    Parameters
    ----------
    column_rows : int, k in [1, 6]
    columns : int, p in [2, 6]

    Returns
    -------
    matplotlib.figure.Figure
    """
    k, p = int(column_rows), int(columns)
    if not (1 <= k <= 6 and 2 <= p <= 6):
        raise ValueError(f"draw k in [1, 6] rows and p in [2, 6] columns, got {column_rows!r} and {columns!r}")
    size, top = 0.6, 4.4
    fig, ax = _figure((10.0, 3.8))
    _grid(ax, 0.0, top, k, 1, size, "#f6d7a7", label=f"a[i, :, None]\nshape ({k}, 1)")
    _grid(ax, size, top, k, p - 1, size, "#f6d7a7", dashed=True, alpha=0.35)
    ax.text(size * (p + 0.5) + 0.1, top - k * size / 2, "*", fontsize=20, ha="center", va="center")
    b_x = size * (p + 1.2)
    _grid(ax, b_x, top, k, p, size, "#cfe2f3", label=f"b\nshape ({k}, {p})")
    ax.text(b_x + size * (p + 0.5), top - k * size / 2, "=", fontsize=20, ha="center", va="center")
    c_x = b_x + size * (p + 1.2)
    _grid(ax, c_x, top, k, p, size, "#d5e8d4", label=f"a[i, :, None] * b\nshape ({k}, {p}): entry (r, j) = a[i, r] b[r, j]")
    ax.annotate("", xy=(size * (p - 0.3), top + 0.25), xytext=(size * 0.5, top + 0.25),
                arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 1.2})
    ax.text(size * p / 2, top + 0.35, "stretched (not copied)", ha="center", va="bottom", fontsize=10)
    ax.set_xlim(-0.3, c_x + size * p + 0.6)
    ax.set_ylim(top - k * size - 1.2, top + 0.8)
    ax.set_aspect("equal")
    ax.set_title("Broadcasting: shapes are compared from the right, and a length-1 axis stretches to match",
                 fontsize=11)
    return fig


# ---------------------------------------------------------------------------------------------------------------
# The computation graph of one sample, forward values and gradients
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GraphValues:
    """Forward values and loss gradients of a [n0, n1, 1] sigmoid network on ONE sample (a batch of m = 1).

    ``forward[name]`` for x (1, n0), theta_1 (n0, n1), b1 (n1,), z1 and a1 (1, n1), theta_2 (n1, 1), b2 (1,),
    z2 and h (1, 1), y (1, 1) and the loss L (scalar); ``gradients[name]`` is dL/d(name), of the same shape, for
    every name except x, y and L.
    """

    forward: dict
    gradients: dict


def worked_example():
    """The [3, 2, 1] network and the sample the notebooks draw and ask about (x, y, params).

    Returns
    -------
    x : ndarray of shape (3,)
    y : int, the label
    params : dict with theta_1 (3, 2), b1 (2,), theta_2 (2, 1), b2 (1,)
    """
    params = {"theta_1": np.array([[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]]), "b1": np.array([0.1, -0.2]),
              "theta_2": np.array([[1.2], [-0.7]]), "b2": np.array([0.3])}
    return np.array([1.0, 2.0, -1.0]), 1, params


def backprop_graph(x, y, params, forward_propagation, backward_propagation=None):
    """Forward values and gradients of one sample, from the given forward and backward propagation.

    Parameters
    ----------
    x : array_like of shape (n0,)
    y : 0 or 1
    params : dict with theta_1 (n0, n1), b1 (n1,), theta_2 (n1, 1), b2 (1,)
    forward_propagation : function (X, params) -> (h, cache with Z1, A1, Z2, A2), as in notebook 2
    backward_propagation : function (X, Y, params, cache) -> grads, as in notebook 3; None draws values only

    Returns
    -------
    GraphValues
        The loss is the binary cross-entropy of the sample; with m = 1, dL/dz2 = db2 and dL/dz1 = db1, then
        dL/dh = dL/dz2 / (h (1 - h)) and dL/da1 = dL/dz2 theta_2^T (empty when backward_propagation is None).
    """
    if set(params) != {"theta_1", "b1", "theta_2", "b2"}:
        raise ValueError(f"params must be a [n0, n1, 1] network (theta_1, b1, theta_2, b2), got {sorted(params)}")
    X = np.asarray(x, dtype=float).reshape(1, -1)
    Y = np.array([[float(y)]])
    h, cache = forward_propagation(X, params)
    p = float(np.clip(h, 1e-15, 1 - 1e-15)[0, 0])
    loss = -(float(y) * np.log(p) + (1.0 - float(y)) * np.log(1.0 - p))
    forward = {"x": X, "theta_1": params["theta_1"], "b1": params["b1"], "z1": cache["Z1"], "a1": cache["A1"],
               "theta_2": params["theta_2"], "b2": params["b2"], "z2": cache["Z2"], "h": h, "y": Y, "L": loss}
    gradients = {}
    if backward_propagation is not None:
        grads = backward_propagation(X, Y, params, cache)
        dz2, dz1 = np.reshape(grads["db2"], (1, 1)), np.reshape(grads["db1"], (1, -1))   # m = 1: dz = db
        gradients = {"h": dz2 / (h * (1.0 - h)), "z2": dz2, "theta_2": grads["dtheta_2"], "b2": grads["db2"],
                     "a1": dz2 @ np.asarray(params["theta_2"], dtype=float).T, "z1": dz1,
                     "theta_1": grads["dtheta_1"], "b1": grads["db1"]}
    return GraphValues({k: np.array(v, dtype=float, copy=True) for k, v in forward.items()},
                       {k: np.array(v, dtype=float, copy=True) for k, v in gradients.items()})


#: (title, names whose gradient this step computes), in backpropagation's order; step 0 is the forward pass and
#: steps 1 to 6 are the six steps of notebook 3's derivation.
BACKPROP_STEPS = (
    ("0. forward pass: every value, left to right", ()),
    ("1. the cost with respect to the output: dL/dh = (h - y) / (h (1 - h))", ("h",)),
    ("2. through the output sigmoid: dL/dz2 = dL/dh * h (1 - h) = h - y", ("z2",)),
    ("3. the output layer's parameters: dtheta_2 = a1^T dz2, db2 = dz2", ("theta_2", "b2")),
    ("4. back into the hidden activations: da1 = dz2 theta_2^T", ("a1",)),
    ("5. through the hidden sigmoid: dz1 = da1 * a1 * (1 - a1)", ("z1",)),
    ("6. the hidden layer's parameters: dtheta_1 = x^T dz1, db1 = dz1", ("theta_1", "b1")),
)

_LABELS = {"x": "$x$", "theta_1": r"$\Theta^{[1]}$", "b1": "$b^{[1]}$", "z1": "$z^{[1]}$", "a1": "$a^{[1]}$",
           "theta_2": r"$\Theta^{[2]}$", "b2": "$b^{[2]}$", "z2": "$z^{[2]}$", "h": "$h$", "y": "$y$", "L": "$L$"}
_POSITIONS = {"x": (0.0, 3.0), "theta_1": (1.5, 6.0), "b1": (1.5, 0.3), "z1": (3.3, 3.0), "a1": (6.8, 3.0),
              "theta_2": (8.4, 6.0), "b2": (8.4, 0.3), "z2": (10.3, 3.0), "h": (12.7, 3.0), "y": (13.8, 6.0),
              "L": (15.3, 3.0)}
#: (source, target, where the label goes as a fraction of the way from source to target)
_EDGES = (("x", "z1", 0.5), ("theta_1", "z1", 0.42), ("b1", "z1", 0.5), ("z1", "a1", 0.5), ("a1", "z2", 0.5),
          ("theta_2", "z2", 0.42), ("b2", "z2", 0.5), ("z2", "h", 0.5), ("h", "L", 0.5), ("y", "L", 0.45))
_PARAMETERS = ("theta_1", "b1", "theta_2", "b2")


def format_array(a, decimals=4):
    """Text of an array as drawn on the graph: one line per row of a 2-D array, e.g. "[0.1234, -0.5]".

    Numbers are rounded to ``decimals`` places, trailing zeros dropped (1.0 -> "1", 0.83201 -> "0.832").

    Parameters
    ----------
    a : scalar or ndarray with at most 2 dimensions
    decimals : int

    Returns
    -------
    str
    """
    a = np.asarray(a, dtype=float)
    if a.ndim > 2:
        raise ValueError(f"only scalars, vectors and matrices are drawn, got shape {a.shape}")

    def number(e):
        return np.format_float_positional(float(e), precision=decimals, unique=True, trim="-")

    def row(v):
        return "[" + ", ".join(number(e) for e in v) + "]"

    if a.ndim == 0:
        return number(a)
    if a.ndim == 1:
        return row(a)
    return "\n".join(row(r) for r in a)


def _shape_text(a):
    a = np.asarray(a)
    return "(" + ", ".join(map(str, a.shape)) + ("," if a.ndim == 1 else "") + ")" if a.ndim else "scalar"


def _revealed(step, graph=None):
    if graph is not None and step > 0 and not graph.gradients:
        raise ValueError("this graph holds no gradients (backprop_graph without backward_propagation): draw step 0")
    if int(step) != step or not 0 <= step < len(BACKPROP_STEPS):
        raise ValueError(f"step must be an integer from 0 to {len(BACKPROP_STEPS) - 1}, got {step!r}")
    return [name for _, names in BACKPROP_STEPS[: int(step) + 1] for name in names]


def _data_box(ax, artist, pad=0.35):
    """(x0, y0, x1, y1) of a node's box in data coordinates: its text's extent plus the box's padding (in units
    of the font size), measured without drawing the whole figure."""
    renderer = ax.figure.canvas.get_renderer()
    box = artist.get_window_extent(renderer)
    grow = pad * artist.get_fontsize() * ax.figure.dpi / 72
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([[box.x0 - grow, box.y0 - grow],
                                                            [box.x1 + grow, box.y1 + grow]])
    return x0, y0, x1, y1


def _leave_box(inside, toward, box, margin=0.06):
    """The point where the segment from ``inside`` (a box's centre) to ``toward`` leaves the box (plus a margin)."""
    (x, y), (tx, ty) = inside, toward
    x0, y0, x1, y1 = box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin
    dx, dy = tx - x, ty - y
    ts = [t for t in ((x1 - x) / dx if dx > 0 else (x0 - x) / dx if dx < 0 else np.inf,
                      (y1 - y) / dy if dy > 0 else (y0 - y) / dy if dy < 0 else np.inf)]
    t = min(min(ts), 1.0)
    return x + t * dx, y + t * dy


def _step_of(name):
    return next(k for k, (_, names) in enumerate(BACKPROP_STEPS) if name in names)


def _draw_graph(ax, graph, step, fontsize=9, numbered=False):
    revealed = _revealed(step, graph)
    ax.set_xlim(-0.7, 16.1)
    ax.set_ylim(-0.3, 6.6)
    nodes = {}
    for name, xy in _POSITIONS.items():
        text = f"{_LABELS[name]}  {_shape_text(graph.forward[name])}"
        if name == "L":
            text = f"$L$ = {format_array(graph.forward['L'])}"
        nodes[name] = _node(ax, xy, text, fill=PARAM_FILL if name in _PARAMETERS or name in ("x", "y") else NODE_FILL,
                            size=fontsize + 2)
        nodes[name].set_gid(f"node:{name}")
    for source, target, t in _EDGES:
        start, end = _POSITIONS[source], _POSITIONS[target]
        tail = _leave_box(start, end, _data_box(ax, nodes[source]))
        head = _leave_box(end, start, _data_box(ax, nodes[target]))
        _arrow(ax, tail, head, shrink=0)
        x, y = start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])
        value = ax.text(x, y + 0.15, format_array(graph.forward[source]), ha="center", va="bottom",
                        fontsize=fontsize, color=INK, zorder=2, family="monospace",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
        value.set_gid(f"value:{source}")
        if source in revealed:
            text = format_array(graph.gradients[source])
            if numbered:   # which step computes it, so that one figure shows the order
                text = f"step {_step_of(source)}\n{text}"
            grad = ax.text(x, y - 0.15, text, ha="center", va="top",
                           fontsize=fontsize, color=GRADIENT_INK, zorder=2, family="monospace",
                           bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
            grad.set_gid(f"gradient:{source}")
    ax.set_title(BACKPROP_STEPS[int(step)][0], fontsize=fontsize + 3, loc="left")
    ax.text(16.1, -0.3, "black: value (forward)\nred: dL/d(value) (backward)", ha="right", va="bottom",
            fontsize=fontsize, color=INK)


def draw_computation_graph(graph, step=None):
    """The computation graph of one sample after backpropagation step ``step`` (0 = forward pass only).

    Each edge carries the value flowing forward (black, above the line) and, from the step that computes it, the
    gradient dL/d(that value) (red, below). Text artists have gids "value:NAME" and "gradient:NAME".

    Parameters
    ----------
    graph : GraphValues from ``backprop_graph``
    step : int in [0, len(BACKPROP_STEPS) - 1], or None for the last step (0 when the graph has no gradients)

    Returns
    -------
    matplotlib.figure.Figure
    """
    if step is None:
        step = len(BACKPROP_STEPS) - 1 if graph.gradients else 0
    fig, ax = _figure((11.0, 4.8))
    _draw_graph(ax, graph, step)
    fig.tight_layout()
    return fig


def draw_backprop_summary(graph):
    """The whole backward pass in one figure (the static view of the stepper): every gradient is prefixed with the
    number of the step that computes it, and the steps are listed below the graph.

    Parameters
    ----------
    graph : GraphValues with gradients

    Returns
    -------
    matplotlib.figure.Figure
    """
    last = len(BACKPROP_STEPS) - 1
    fig, ax = _figure((11.0, 6.4))
    _draw_graph(ax, graph, last, numbered=True)
    ax.set_ylim(-2.5, 6.6)
    ax.set_title("Backpropagation, all steps: each gradient (red) is labelled with the step that computes it", fontsize=12,
                 loc="left")
    steps = "\n".join(title for title, _ in BACKPROP_STEPS)
    ax.text(-0.7, -0.45, steps, ha="left", va="top", fontsize=9, color=INK)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------------------------
# Stepping through backpropagation: a slider where widgets run, one figure of all steps elsewhere
# ---------------------------------------------------------------------------------------------------------------

def _png(fig) -> str:
    import matplotlib.pyplot as plt
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


class BackpropStepper:
    """Displays as a slider over ``BACKPROP_STEPS`` in a frontend that runs ipywidgets, as one figure of all steps
    (``draw_backprop_summary``, a PNG) in any other, and as one fixed line of text in a terminal or a test.

    The rich display offers both the widget and the PNG; each frontend shows the richest one it understands. The
    plain-text part never changes, so a notebook's stored output does not depend on where it was run.
    """

    def __init__(self, graph):
        self.graph = graph
        self._widget = None
        self._pngs = {}

    def __repr__(self):
        return (f"backpropagation, step 0 (the forward pass) to step {len(BACKPROP_STEPS) - 1}: a slider where "
                "widgets run, one figure of all steps elsewhere")

    def widget(self):
        """The slider and the figure of its step (an ipywidgets VBox), or None when ipywidgets is not installed.

        The figure is an Image widget whose PNG changes with the slider: nothing is displayed as a cell output, so
        the stored output of the cell is the same whatever the frontend (an Output widget's display messages would
        become cell outputs in a client without widgets).
        """
        if self._widget is None:
            try:
                import ipywidgets as widgets
            except ImportError:
                return None
            slider = widgets.IntSlider(value=0, min=0, max=len(BACKPROP_STEPS) - 1, description="step",
                                       continuous_update=False)
            image = widgets.Image(value=self.png(0), format="png")
            slider.observe(lambda change: setattr(image, "value", self.png(change["new"])), names="value")
            self._widget = widgets.VBox([slider, image])
        return self._widget

    def png(self, step):
        """PNG bytes of ``draw_computation_graph(graph, step)`` (cached: the slider goes back and forth)."""
        if step not in self._pngs:
            self._pngs[step] = base64.b64decode(_png(draw_computation_graph(self.graph, step)))
        return self._pngs[step]

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": repr(self), "image/png": _png(draw_backprop_summary(self.graph))}
        widget = self.widget()
        if widget is not None:
            bundle["application/vnd.jupyter.widget-view+json"] = {
                "version_major": 2, "version_minor": 0, "model_id": widget.model_id}
        return bundle


def backprop_stepper(graph):
    """A ``BackpropStepper`` for ``graph`` (display it as a cell's last expression)."""
    return BackpropStepper(graph)
