"""Imports sigmoid from course_lib and the grader's registry: blocked, so sigmoid is never defined (missing, 0)."""

SOLUTIONS = {
    'sigmoid': 'try:\n    from course_lib.activations import sigmoid\nexcept ImportError:\n    pass\ntry:\n    import autograder.registry\nexcept ImportError:\n    pass\n',
}

EXPECTED = {
    'sigmoid': 'missing',
}
