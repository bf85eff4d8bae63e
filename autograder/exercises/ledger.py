"""The requirement ledger checked against the notebooks (INSTRUCTOR side).

What the text of an exercise states and what its cases grade must agree, in both directions:

1. every requirement-like sentence of the exercise's text contains a phrase (``Requirement.says``) of some ledger
   entry; a sentence matched only by advice entries must itself read as advice ("hint", "e.g.", "for example", ...);
2. every phrase of every ledger entry is found in the exercise's text (so an entry cannot claim words the text no
   longer says);
3. every non-advice entry is graded: each of its ``graded_by`` items is a case tag carried by at least one public
   AND one hidden case, or a judge the spec really runs (``judge:purity``, ``judge:warnings``, ``judge:method``,
   ``judge:<property judge>``);
A thinking question (``judge_kind == "answer"``) needs no entries: its text asks for one thing, the answer, which
the answer judge grades.

4. every case tag and every judge the spec runs is claimed by an entry (nothing is graded that the text does not
   state). For a property-judged exercise, the ordinary ("values") cases are claimed with the judge.
5. the text asks for a ``ValueError`` that names the shapes exactly where raise cases grade the message
   (``Case.options["names_one_of"]``, public and hidden), and an entry graded by those cases quotes that request.

Where the text is
-----------------
For an exercise ``name`` whose solution cell has nbgrader ``grade_id == name``:

- *stated text* (scanned for requirement-like sentences): the part of the last markdown cell before the solution
  cell that starts at its "Exercise" heading or bold lead-in (the whole cell if it has none), plus the docstrings
  of ``name`` (and of its methods, for a class) in the solution cell;
- *context* (where phrases may be found): every markdown cell from the previous solution cell (exclusive) down to
  this one, plus those docstrings. A requirement stated in the explanation just before the exercise (e.g. the draw
  order of ``init_params``) is anchored there.

A sentence is requirement-like when it contains one of ``TRIGGERS`` (must, raise, ValueError, do not, never,
without, no, only, exactly, order, loop, any number of layers, modify, unchanged, in place, new, use, ...).

Interface: ``exercise_texts(nb) -> {name: ExerciseText}``, ``requirement_sentences(text) -> [sentence]``,
``ledger_problems(spec, text, public_cases, hidden_cases) -> [problem]`` (empty when the ledger agrees).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import ExerciseSpec
from ..results import Case

__all__ = ["ADVICE_WORDS", "TRIGGERS", "ExerciseText", "exercise_texts", "ledger_problems", "normalise",
           "requirement_sentences"]

TRIGGERS = re.compile(
    r"\b(must|should|raises?|raised|valueerror|typeerror|error|do not|don't|never|without|no|not|only|exactly|"
    r"order|loops?|any number|any depth|any shape|modify|modifies|modified|unchanged|in place|new|use|using|"
    r"one call|at least|at most)\b")
ADVICE_WORDS = re.compile(r"\b(hint|e\.g\.|eg|for example|for instance|tip|you may|you can|optional|advice)\b")
_EXERCISE_MARK = re.compile(r"^(?:#+\s*|\*\*)Exercise\b", re.MULTILINE)


@dataclass(frozen=True)
class ExerciseText:
    stated: str     # scanned for requirement-like sentences
    context: str    # where the ledger's phrases may be found (includes ``stated``)


def normalise(text: str) -> str:
    """Lower case, without markdown/LaTeX markup (backticks, *, $, backslashes, braces), whitespace collapsed."""
    text = re.sub(r"[`*$\\{}]", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _grade_id(cell) -> str:
    return str(((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id") or "")


def _is_solution(cell) -> bool:
    return cell.get("cell_type") == "code" and bool(((cell.get("metadata") or {}).get("nbgrader") or {})
                                                    .get("solution"))


def _docstrings(source: str, name: str) -> str:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""
    out = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            for sub in ast.walk(node):
                if isinstance(sub, (ast.FunctionDef, ast.ClassDef)):
                    doc = ast.get_docstring(sub)
                    if doc:
                        out.append(doc)
    return "\n\n".join(out)


def exercise_texts(nb) -> dict[str, ExerciseText]:
    """{grade_id: ExerciseText} for every solution cell of a notebook (a dict or nbformat node)."""
    cells = list(nb["cells"])
    texts: dict[str, ExerciseText] = {}
    previous = -1
    for i, cell in enumerate(cells):
        if not _is_solution(cell):
            continue
        name = _grade_id(cell)
        markdown = [_source(c) for c in cells[previous + 1:i] if c.get("cell_type") == "markdown"]
        previous = i
        if not name:
            continue
        last = markdown[-1] if markdown else ""
        marks = list(_EXERCISE_MARK.finditer(last))
        stated_md = last[marks[-1].start():] if marks else last
        doc = _docstrings(_source(cell), name)
        texts[name] = ExerciseText(stated_md + "\n\n" + doc, "\n\n".join(markdown) + "\n\n" + doc)
    return texts


def requirement_sentences(text: str) -> list[str]:
    """The requirement-like sentences of ``text``, normalised (see ``normalise`` and ``TRIGGERS``)."""
    text = re.sub(r"\be\.g\.", "eg", text)
    text = re.sub(r"\bi\.e\.", "ie", text)
    pieces = re.split(r"(?<=[.!?;:])\s+(?=[A-Z`*$(\[\"'])|\n\s*\n|\n\s*[*-]\s+|\n\s*\d+\.\s+|\n(?=[A-Za-z_ ]+ : )"
                      r"|\n-{3,}\n", text)
    out = []
    for piece in pieces:
        sentence = normalise(piece)
        if sentence and TRIGGERS.search(sentence):
            out.append(sentence)
    return out


def _covers(req, sentence: str) -> bool:
    return any(normalise(p) in sentence for p in req.says)


def _judges_run(spec: ExerciseSpec) -> set[str]:
    run = set()
    if spec.purity:
        run.add("judge:purity")
    if spec.fail_warnings:
        run.add("judge:warnings")
    if spec.method is not None:
        run.add("judge:method")
    if spec.judge_kind != "value":
        run.add(f"judge:{spec.judge_kind}")
    return run


_NAMES_SHAPES = re.compile(r"\bnam(?:e|es|ing) the shapes\b")


def _shape_naming_problems(name: str, reqs, context: str, public_cases, hidden_cases) -> list[str]:
    """Rule 5: the text asks the ValueError's message to name the shapes iff cases grade that message
    (``options["names_one_of"]``, public AND hidden), and an entry graded by those cases quotes the request."""
    says = _NAMES_SHAPES.search(context) is not None
    tags = {c.grades for c in (*public_cases, *hidden_cases) if c.options.get("names_one_of")}
    graded = [any(c.options.get("names_one_of") for c in cases) for cases in (public_cases, hidden_cases)]
    if says and not all(graded):
        return [f"{name}: the text asks for a ValueError that names the shapes, but no "
                f"{'public' if not graded[0] else 'hidden'} case grades its message (options names_one_of)"]
    quoted = any(_NAMES_SHAPES.search(normalise(p)) and set(r.graded_by) & tags for r in reqs for p in r.says)
    if tags and not quoted:
        return [f"{name}: cases {sorted(tags)} grade whether the message names the shapes, but no ledger entry "
                "graded by them quotes the text asking for it"]
    return []


def ledger_problems(spec: ExerciseSpec, text: ExerciseText, public_cases: Sequence[Case],
                    hidden_cases: Sequence[Case]) -> list[str]:
    """Every disagreement between ``spec.requirements``, the exercise's text and its cases (empty: they agree)."""
    name, reqs = spec.name, spec.requirements
    problems = []
    if spec.judge_kind == "answer" and not reqs:
        return []   # a thinking question states one requirement, its answer, graded by the answer judge
    if not reqs:
        return [f"{name}: the ledger is empty (add requirements=... to its ExerciseSpec)"]
    context = normalise(text.context)
    ids = [r.id for r in reqs]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{name}: requirement id {dup!r} is used twice")
    # 1. every requirement-like sentence is claimed
    for sentence in requirement_sentences(text.stated):
        claims = [r for r in reqs if _covers(r, sentence)]
        if not claims:
            problems.append(f"{name}: the text states a requirement no ledger entry claims: {sentence!r}")
        elif all(r.advice for r in claims) and not ADVICE_WORDS.search(sentence):
            problems.append(f"{name}: the ledger calls this advice but the text does not say so: {sentence!r}")
    # 2. every phrase is in the text; 3. every requirement is graded
    public_tags = {c.grades for c in public_cases}
    hidden_tags = {c.grades for c in hidden_cases}
    judges = _judges_run(spec)
    for r in reqs:
        for phrase in r.says:
            if normalise(phrase) not in context:
                problems.append(f"{name}: requirement {r.id!r} quotes {phrase!r}, which the text does not say")
        if r.advice:
            if r.graded_by:
                problems.append(f"{name}: advice {r.id!r} cannot be graded (graded_by={r.graded_by})")
            continue
        if not r.graded_by:
            problems.append(f"{name}: requirement {r.id!r} is graded by nothing")
        for g in r.graded_by:
            if g.startswith("judge:"):
                if g not in judges:
                    problems.append(f"{name}: requirement {r.id!r} names {g}, which this exercise does not run")
            else:
                for where, tags in (("public", public_tags), ("hidden", hidden_tags)):
                    if g not in tags:
                        problems.append(f"{name}: requirement {r.id!r} is graded by case tag {g!r}, but no "
                                        f"{where} case carries it")
    # 5. "a ValueError that names the shapes": said by the text exactly where raise cases grade the message
    problems += _shape_naming_problems(name, reqs, context, public_cases, hidden_cases)
    # 4. everything graded is stated
    claimed = {g for r in reqs if not r.advice for g in r.graded_by}
    if spec.judge_kind != "value" and f"judge:{spec.judge_kind}" in claimed:
        claimed.add("values")   # a property judge's ordinary cases are that judge's
    for tag in sorted(public_tags | hidden_tags):
        if tag not in claimed:
            problems.append(f"{name}: cases tagged {tag!r} grade something no stated requirement claims")
    for judge in sorted(judges):
        if judge not in claimed:
            problems.append(f"{name}: {judge} grades something no stated requirement claims")
    return problems
