"""The course's schematic figures: the numbers on the computation graph are the course's own forward values and
gradients (checked here against central differences too), every step shows what it says, the network figure names
every parameter with its shape, and every figure is deterministic."""

from __future__ import annotations

import io
import re
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from autograder import diagrams  # noqa: E402
from course_lib.activations import sigmoid  # noqa: E402
from course_lib.gradcheck import numerical_gradient  # noqa: E402
from course_lib.losses import binary_cross_entropy  # noqa: E402
from course_lib.network import backward_propagation, forward_propagation  # noqa: E402

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def example_graph(seed=None):
    if seed is None:
        x, y, params = diagrams.worked_example()
    else:
        rng = np.random.default_rng(seed)
        n0, n1 = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        x, y = rng.normal(0, 1, n0), int(rng.integers(0, 2))
        params = {"theta_1": rng.normal(0, 1, (n0, n1)), "b1": rng.normal(0, 1, n1),
                  "theta_2": rng.normal(0, 1, (n1, 1)), "b2": rng.normal(0, 1, 1)}
    return x, y, params, diagrams.backprop_graph(x, y, params, forward_propagation, backward_propagation)


def drawn(fig) -> dict[str, np.ndarray]:
    """gid -> the numbers drawn in that text artist."""
    return {t.get_gid(): np.array([float(v) for v in NUMBER.findall(t.get_text())])
            for ax in fig.axes for t in ax.texts if t.get_gid() and ":" in t.get_gid()
            and t.get_gid().split(":")[0] in ("value", "gradient")}


def loss_through(name, value, x, y, params):
    """The sample's loss as a function of one node's value, the rest of the graph fixed (an independent forward)."""
    X, Y = np.reshape(x, (1, -1)), np.array([[float(y)]])
    p = dict(params)
    if name in p:
        p[name] = value
        return binary_cross_entropy(Y, forward_propagation(X, p)[0])
    z1 = value if name == "z1" else X @ p["theta_1"] + p["b1"]
    a1 = value if name == "a1" else sigmoid(z1)
    z2 = value if name == "z2" else a1 @ p["theta_2"] + p["b2"]
    h = value if name == "h" else sigmoid(z2)
    return binary_cross_entropy(Y, h)


@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_the_gradients_are_the_courses_and_match_central_differences(seed):
    x, y, params, graph = example_graph(seed)
    X, Y = np.reshape(x, (1, -1)), np.array([[float(y)]])
    h, cache = forward_propagation(X, params)
    grads = backward_propagation(X, Y, params, cache)
    for key in params:
        np.testing.assert_array_equal(graph.gradients[key], grads[f"d{key}"])
    for name, gradient in graph.gradients.items():
        value = graph.forward[name]
        numeric = numerical_gradient(lambda v, name=name: loss_through(name, v, x, y, params), value.copy(), 1e-6)
        np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-9, err_msg=name)
    assert graph.forward["L"] == pytest.approx(binary_cross_entropy(Y, h), rel=1e-12)


def test_the_numbers_drawn_are_the_graphs_values_and_gradients():
    _, _, _, graph = example_graph()
    texts = drawn(diagrams.draw_computation_graph(graph))
    sources = {name for name, _, _ in diagrams._EDGES}
    assert {k.split(":")[1] for k in texts if k.startswith("value:")} == sources
    for gid, numbers in texts.items():
        kind, name = gid.split(":")
        expected = (graph.forward if kind == "value" else graph.gradients)[name]
        np.testing.assert_allclose(numbers, np.ravel(expected), atol=5e-5, err_msg=gid)
    assert {k.split(":")[1] for k in texts if k.startswith("gradient:")} == set(graph.gradients)


def test_each_step_shows_exactly_the_gradients_computed_so_far():
    _, _, _, graph = example_graph()
    shown_before: set[str] = set()
    for step, (title, names) in enumerate(diagrams.BACKPROP_STEPS):
        fig = diagrams.draw_computation_graph(graph, step)
        shown = {k.split(":")[1] for k in drawn(fig) if k.startswith("gradient:")}
        assert shown == shown_before | set(names), title
        assert fig.axes[0].get_title(loc="left") == title
        shown_before = shown
    assert shown_before == set(graph.gradients)
    with pytest.raises(ValueError, match="step must be an integer from 0 to 6"):
        diagrams.draw_computation_graph(graph, 7)


def test_the_summary_labels_every_gradient_with_the_step_that_computes_it():
    _, _, _, graph = example_graph()
    fig = diagrams.draw_backprop_summary(graph)
    gradients = {t.get_gid().split(":")[1]: t.get_text() for t in fig.axes[0].texts
                 if (t.get_gid() or "").startswith("gradient:")}
    assert set(gradients) == set(graph.gradients)
    for step, (_, names) in enumerate(diagrams.BACKPROP_STEPS):
        for name in names:
            first, _, rest = gradients[name].partition("\n")
            assert first == f"step {step}"
            np.testing.assert_allclose([float(v) for v in NUMBER.findall(rest)], np.ravel(graph.gradients[name]),
                                       atol=5e-5)


def test_a_graph_without_backward_pass_draws_the_forward_values_only():
    x, y, params = diagrams.worked_example()
    graph = diagrams.backprop_graph(x, y, params, forward_propagation)
    texts = drawn(diagrams.draw_computation_graph(graph))
    assert texts and not any(k.startswith("gradient:") for k in texts)
    with pytest.raises(ValueError, match="holds no gradients"):
        diagrams.draw_computation_graph(graph, 2)
    with pytest.raises(ValueError, match=r"\[n0, n1, 1\] network"):
        diagrams.backprop_graph(x, y, {**params, "theta_3": np.ones((1, 1))}, forward_propagation)


@pytest.mark.parametrize("layers", [(3, 3, 1), (4, 2, 3, 1), (1, 1)])
def test_the_network_names_every_parameter_with_its_shape(layers):
    text = " ".join(t.get_text() for t in diagrams.draw_network(layers).axes[0].texts)
    for l in range(1, len(layers)):
        assert f"theta_{l}: $\\Theta^{{[{l}]}}$ of shape ({layers[l - 1]}, {layers[l]})" in text
        assert f"b{l}: shape ({layers[l]},)" in text
        for k in range(1, layers[l] + 1):
            assert f"$b^{{[{l}]}}_{{{k}}}$" in text        # every unit's own bias
    with pytest.raises(ValueError, match="layers must hold"):
        diagrams.draw_network((3, 7, 1))


def test_the_symmetric_network_gives_every_hidden_unit_the_same_parameters():
    text = [t.get_text() for t in diagrams.draw_network([3, 4, 1], symmetric=True).axes[0].texts]
    assert text.count("$a$") == 4 and text.count("+ $\\beta$") == 4
    assert [t for t in text if t.startswith("$u_")] == ["$u_{1}$", "$u_{2}$", "$u_{3}$"] and text.count("$v$") == 4
    with pytest.raises(ValueError, match=r"\[n0, n1, 1\]"):
        diagrams.draw_network([3, 3, 2], symmetric=True)


def test_the_broadcast_drawing_names_the_three_shapes():
    text = " ".join(t.get_text() for t in diagrams.draw_broadcast(3, 4).axes[0].texts)
    assert "shape (3, 1)" in text and text.count("shape (3, 4)") == 2
    with pytest.raises(ValueError, match="rows"):
        diagrams.draw_broadcast(7, 4)


def test_the_neuron_has_one_input_and_one_weight_per_feature():
    text = [t.get_text() for t in diagrams.draw_neuron(4).axes[0].texts]
    assert [t for t in text if t.startswith("$x_")] == [f"$x_{{{j}}}$" for j in range(1, 5)]
    assert [t for t in text if t.startswith("$\\theta_")] == [f"$\\theta_{{{j}}}$" for j in range(1, 5)]
    with pytest.raises(ValueError, match="positive integer"):
        diagrams.draw_neuron(0)


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def test_figures_are_deterministic():
    _, _, _, graph = example_graph()
    for draw in (diagrams.draw_neuron, diagrams.draw_network, lambda: diagrams.draw_network(symmetric=True),
                 lambda: diagrams.draw_broadcast(3, 4), lambda: diagrams.draw_computation_graph(graph, 3)):
        assert _png(draw()) == _png(draw())


def test_format_array_rounds_and_drops_trailing_zeros():
    assert diagrams.format_array(1.0) == "1"
    assert diagrams.format_array(np.array([0.83201, -0.05247545])) == "[0.832, -0.0525]"
    assert diagrams.format_array(np.array([[1.2], [-0.7]])) == "[1.2]\n[-0.7]"


def test_the_stepper_shows_a_fixed_text_a_png_summary_and_a_widget_when_ipywidgets_exists(monkeypatch):
    pytest.importorskip("ipywidgets")
    _, _, _, graph = example_graph()
    stepper = diagrams.backprop_stepper(graph)
    bundle = stepper._repr_mimebundle_()
    assert bundle["text/plain"] == repr(stepper) == repr(diagrams.backprop_stepper(example_graph()[3]))
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == stepper.widget().model_id
    slider, image = stepper.widget().children
    assert (slider.min, slider.max, slider.value) == (0, len(diagrams.BACKPROP_STEPS) - 1, 0)
    assert image.value == stepper.png(0)
    slider.value = 2                                                # moving the slider redraws the figure
    assert image.value == stepper.png(2) != stepper.png(0)

    monkeypatch.setitem(sys.modules, "ipywidgets", None)      # as if ipywidgets were not installed
    without = diagrams.backprop_stepper(graph)._repr_mimebundle_()
    assert set(without) == {"text/plain", "image/png"}
    assert without["image/png"] == bundle["image/png"]            # the same summary, byte for byte


def test_the_diagrams_ship_in_the_student_checker_without_the_answer_key():
    from pathlib import Path

    import autograder
    from autograder.classroom.release import public_modules
    modules, _ = public_modules(Path(autograder.__file__).parent)
    assert "diagrams" in modules
    source = Path(diagrams.__file__).read_text()
    assert "course_lib" not in source.replace("never imports course_lib", "")
