"""Names a learner's value chooses carry the hidden inputs out: sigmoid returns a dict whose keys are its input's
values, neuron_output a dict whose keys spell X's values in letters, with control bytes. Both fail (0), and no
message says any key (asserted by test_hidden_inputs_do_not_reach_the_feedback and
test_learner_chosen_names_are_not_shown_for_hidden_checks)."""

SOLUTIONS = {
    'sigmoid': "def sigmoid(z):\n"
               "    return {f'{abs(v):.4g}': 1.0 for v in np.ravel(z)[:8]}\n",
    'neuron_output': "def neuron_output(X, theta, b):\n"
                     "    spell = str.maketrans('0123456789.-', 'abcdefghijPM')\n"
                     "    return {'SMUGGLE\\x1b[2J' + f'{v:.6g}'.translate(spell): v for v in np.ravel(X)[:8]}\n",
}

EXPECTED = {
    'sigmoid': 'failed',
    'neuron_output': 'failed',
}
