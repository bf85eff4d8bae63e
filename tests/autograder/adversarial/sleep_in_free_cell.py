"""A learner cell that sleeps for an hour: stopped and skipped; it attacks no exercise, so full marks."""

INSERT_AFTER = {
    'sigmoid': 'import time\ntime.sleep(3600)\n',
}

EXPECTED = {
}
