"""Method requirements, graded from the learner's own source text (PUBLIC runtime: stdlib ``ast`` only).

Some exercises prescribe HOW to compute a result ("three explicit loops, no ``@``", "one call to np.einsum", "one
matrix product, no Python loop"). Values cannot show that, so the learner's source is parsed here, in the trusted
process, and never run: ``ast.parse`` only builds a tree.

Interface
---------
``MethodRule`` (frozen): ``forbid`` (construct names from ``CONSTRUCTS``), ``require`` (at least one of these must
    appear), ``min_loops`` / ``max_loops`` (depth of nested loops: ``for``, ``while`` and each ``for`` clause of a
    comprehension count as one level, except a loop over a literal tuple or list such as
    ``for v in (A_prev, theta, b)``), ``says`` (the exercise's own words, quoted in the hint).
    ``to_plain`` / ``from_plain`` carry it in ``Check.method`` (public data, sandbox).
``method_findings(source, name, rule, first_line=1) -> list[Finding]``
    Pure: the source text of a cell (or of the function alone) -> every way it breaks the rule. The function ``name``
    is analysed together with the functions of the same source that it calls (a helper in the same cell that uses
    ``@`` counts). A source that does not parse, or that does not define ``name``, gives no finding (nothing to
    say: the value checks report a missing function).
``apply_findings(result, findings) -> Result``
    The point policy (below) applied to one exercise's verdict.
``source_of(obj) -> (source, first_line) | None``: ``inspect.getsource`` where the object was defined in a file or
    a Jupyter cell (used by the in-notebook ``check``); None when the source cannot be found.

Point policy
------------
A method requirement is a requirement of the exercise like any other, but a learner who computes the RIGHT values
in a forbidden way has understood the mathematics. So:

* right values, forbidden method: HALF the points, ``passed=False`` (status ``failed``), the message says the values
  are right, and the hint names the construct and the line ("line 7 of your cell uses `@` ...");
* wrong values: the value verdict stands (0 points); the method finding is added as a note;
* no finding: the verdict is unchanged.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass, replace
from typing import Any

from .results import Result

__all__ = ["CONSTRUCTS", "Finding", "MethodRule", "apply_findings", "method_findings", "source_of"]

#: construct name -> how a hint names it
CONSTRUCTS = {
    "@": "the matrix-product operator `@`",
    "np.dot": "`np.dot` (or `.dot`, `np.inner`, `np.vdot`, `np.tensordot`)",
    "np.matmul": "`np.matmul`",
    "np.einsum": "`np.einsum`",
    "sum of a product": "a `.sum()` (or `np.sum`/`sum`) over an element-wise product",
}
_DOT_NAMES = {"dot", "inner", "vdot", "tensordot"}
_SUM_NAMES = {"sum", "fsum", "nansum"}


@dataclass(frozen=True)
class MethodRule:
    forbid: tuple[str, ...] = ()
    require: tuple[str, ...] = ()
    min_loops: int = 0
    max_loops: int | None = None
    says: str = ""

    def to_plain(self) -> dict:
        return {"forbid": list(self.forbid), "require": list(self.require), "min_loops": self.min_loops,
                "max_loops": self.max_loops, "says": self.says}

    @classmethod
    def from_plain(cls, d: dict) -> MethodRule:
        mx = d.get("max_loops")
        return cls(tuple(str(x) for x in d.get("forbid", ())), tuple(str(x) for x in d.get("require", ())),
                   int(d.get("min_loops", 0)), None if mx is None else int(mx), str(d.get("says", "")))


@dataclass(frozen=True)
class Finding:
    """One way the source breaks the rule: what, and on which line (0 when it is about the whole function)."""

    what: str
    line: int
    text: str   # the sentence shown to the learner

    def to_plain(self) -> dict:
        return {"what": self.what, "line": self.line, "text": self.text}


# ---------------------------------------------------------------------------------------------------------------
# Reading the source
# ---------------------------------------------------------------------------------------------------------------

def _call_name(node: ast.Call) -> str:
    f = node.func
    if isinstance(f, ast.Attribute):
        return f.attr
    if isinstance(f, ast.Name):
        return f.id
    return ""


def _has_product(node: ast.AST) -> bool:
    """An element-wise product inside ``node`` that is not itself inside a comprehension (an explicit loop)."""
    if isinstance(node, (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp, ast.Lambda)):
        return False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return True
    if isinstance(node, ast.Call) and _call_name(node) == "multiply":
        return True
    return any(_has_product(child) for child in ast.iter_child_nodes(node))


def _constructs(fn: ast.AST) -> list[tuple[str, int]]:
    """(construct, line) for every construct of ``CONSTRUCTS`` used inside ``fn``."""
    found = []
    for node in ast.walk(fn):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            found.append(("@", node.lineno))
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.MatMult):
            found.append(("@", node.lineno))
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            if name in _DOT_NAMES:
                found.append(("np.dot", node.lineno))
            elif name == "matmul":
                found.append(("np.matmul", node.lineno))
            elif name == "einsum":
                found.append(("np.einsum", node.lineno))
            elif name in _SUM_NAMES:
                target = node.func.value if isinstance(node.func, ast.Attribute) and not node.args else (
                    node.args[0] if node.args else None)
                if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                        and node.func.value.id in ("np", "numpy", "math") and node.args:
                    target = node.args[0]
                if target is not None and _has_product(target):
                    found.append(("sum of a product", node.lineno))
    return found


def _over_data(iterable: ast.AST) -> bool:
    """A loop over a literal tuple/list (``for v in (A, theta, b)``) walks the arguments, not the data."""
    return not isinstance(iterable, (ast.Tuple, ast.List, ast.Set))


def _loop_depth(node: ast.AST) -> int:
    """Deepest nesting of loops below ``node`` (for/while statements, and each for-clause of a comprehension);
    loops over a literal tuple or list of names do not count."""
    here = 0
    if isinstance(node, (ast.For, ast.AsyncFor)):
        here = int(_over_data(node.iter))
    elif isinstance(node, ast.While):
        here = 1
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        here = sum(1 for g in node.generators if _over_data(g.iter))
    inner = max((_loop_depth(c) for c in ast.iter_child_nodes(node)), default=0)
    return here + inner


def _functions(tree: ast.Module) -> dict[str, ast.AST]:
    """Top-level functions and classes of a source, by name (the last definition wins, as when it runs)."""
    out: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out[node.name] = node
    return out


def _reachable(name: str, defs: dict[str, ast.AST]) -> list[ast.AST]:
    """The definition of ``name`` and of every same-source function it calls, directly or not."""
    seen, todo, out = set(), [name], []
    while todo:
        n = todo.pop()
        if n in seen or n not in defs:
            continue
        seen.add(n)
        out.append(defs[n])
        for node in ast.walk(defs[n]):
            if isinstance(node, ast.Name) and node.id in defs:
                todo.append(node.id)
    return out


def _parse(source: str) -> ast.Module | None:
    # IPython magics and shell escapes are not Python: blank them (line numbers are kept)
    lines = ["" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines()]
    try:
        return ast.parse(textwrap.dedent("\n".join(lines)))
    except (SyntaxError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------------------------
# Findings and the point policy
# ---------------------------------------------------------------------------------------------------------------

def method_findings(source: str, name: str, rule: MethodRule | dict | None, first_line: int = 1) -> list[Finding]:
    """Every way ``name``'s source breaks ``rule`` (see module docstring); ``first_line`` numbers the source's first
    line (e.g. where a function starts inside its cell)."""
    if rule is None or not isinstance(source, str):
        return []
    rule = MethodRule.from_plain(rule) if isinstance(rule, dict) else rule
    tree = _parse(source)
    if tree is None:
        return []
    defs = _reachable(name, _functions(tree))
    if not defs:
        return []
    shift = first_line - 1
    used = [(c, line + shift) for fn in defs for c, line in _constructs(fn)]
    says = f" (the exercise says: {rule.says})" if rule.says else ""
    findings = []
    for construct, line in used:
        if construct in rule.forbid:
            findings.append(Finding(construct, line, f"line {line} of your code uses {CONSTRUCTS[construct]}, "
                                                      f"which this exercise rules out{says}"))
    if rule.require and not any(c in rule.require for c, _ in used):
        wanted = " or ".join(CONSTRUCTS[c] for c in rule.require)
        findings.append(Finding("require", 0, f"`{name}` does not use {wanted}{says}"))
    depth = max((_loop_depth(fn) for fn in defs), default=0)
    if depth < rule.min_loops:
        findings.append(Finding("loops", 0, f"`{name}` nests {depth} loop(s) where {rule.min_loops} nested loops "
                                            f"are asked for{says}"))
    if rule.max_loops is not None and depth > rule.max_loops:
        limit = "no Python loop" if rule.max_loops == 0 else f"at most {rule.max_loops} nested loop(s)"
        findings.append(Finding("loops", 0, f"`{name}` nests {depth} loop(s) where {limit} is asked for{says}"))
    unique: list[Finding] = []
    for f in findings:
        if f not in unique:
            unique.append(f)
    return unique


def apply_findings(result: Result, findings: list[Finding]) -> Result:
    """The point policy of the module docstring applied to one exercise's verdict."""
    if not findings:
        return result
    text = "; ".join(f.text for f in findings)
    if result.passed:
        return replace(result, passed=False, score=result.max_score / 2,
                       message=f"the values are right, but the method is not the one the exercise asks for: "
                               f"{findings[0].text}. Half of the points.",
                       hint=_method_hint(findings), candidates=())
    return replace(result, notes=result.notes + (f"also, the method: {text}",))


def _method_hint(findings: list[Finding]) -> str:
    f = findings[0]
    if f.what == "loops" or f.what == "require":
        return (f"{f.text}. The point of this exercise is the computation itself: look at how the loops (or the "
                f"one NumPy call) of your function are structured.")
    return (f"{f.text}. The point of this exercise is to compute the same thing without that shortcut: look at "
            f"line {f.line} and write the sum it computes in the way the exercise describes.")


def source_of(obj: Any) -> tuple[str, int] | None:
    """(source, first line) of a function or class defined in a file or a Jupyter cell, else None."""
    try:
        lines, first = inspect.getsourcelines(obj)
    except (OSError, TypeError):
        return None
    return "".join(lines), max(int(first), 1)
