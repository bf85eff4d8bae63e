"""A correct submission: full marks (the baseline every other case is compared with)."""


EXPECTED = {
}
