"""The contract's exercise list (assignment -> [(grade_id, points)]), as plain data (PUBLIC runtime).

It is what notebooks, the registry and the shipped public data must agree on; tests check all three against it.
"""

CONTRACT_EXERCISES = {
    "01_neuron_model": [("sigmoid", 2), ("neuron_output", 2), ("count_quadratic_terms", 1),
                        ("predict_naive_sigmoid", 1), ("quadratic_model_weights", 1)],
    "02_forward_propagation": [("layer_forward", 2), ("forward_propagation", 3), ("forward_one_sample", 2),
                               ("predict_shapes", 1)],
    "03_backpropagation": [("binary_cross_entropy", 2), ("backward_propagation", 4), ("numerical_gradient", 2),
                           ("relative_error", 1), ("update_params", 1), ("derive_dtheta_2", 2)],
    "04_zero_initialization": [("init_params", 3), ("hidden_unit_spread", 1), ("predict_zero_start", 1)],
    "05_training_breast_cancer": [("load_breast_cancer_csv", 2), ("split_and_scale", 2), ("accuracy", 1),
                                  ("NeuralNet", 5), ("predict_split_spread", 1)],
    "06_cross_verification": [("make_equivalent_mlp", 3), ("predict_shuffle_full_batch", 1)],
    "07_matmul_five_ways": [("matmul_loops", 1), ("matmul_elementwise", 1), ("matmul_broadcast", 1),
                            ("matmul_einsum", 1), ("predict_broadcast", 1)],
    "08_relu_mse_mnist": [("relu", 1), ("relu_backward", 1), ("mse", 1), ("mse_backward", 1),
                          ("linear_backward", 2), ("forward_and_backward", 3), ("predict_hedged_output", 1)],
    "09_softmax_mnist": [("one_hot", 1), ("predict_softmax_change", 1), ("softmax", 2), ("cross_entropy", 2),
                         ("predict_logit_gradient", 1), ("softmax_cross_entropy_backward", 1),
                         ("softmax_forward_and_backward", 3)],
}
