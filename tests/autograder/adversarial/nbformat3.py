"""The notebook saved as nbformat 3: converted and graded normally (full marks). Its test cells keep their text, so nothing is tampered."""


def raw(data, ctx):
    import nbformat

    nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    return nbformat.writes(nbformat.convert(nb, 3)).encode("utf-8")

EXPECTED = {
}
