"""Mutation testing of the judges: ``python -m autograder mutants [UNIT ...]`` (issue 13, §2).

Each exercise's reference solution — the unit notebook's answer cell with grade id ``answer_<check>`` — is
mutated one small change at a time (the slips real students make), and every mutant is graded by the check's
own probe and judge (``check.grade``). A judge that passes a mutant has a hole, unless the mutant is
*equivalent* (behaves exactly like the reference on every input the contract allows).

**What is mutated.** Every function defined in the answer cell (top-level functions and the methods of
top-level classes; nested functions belong to their enclosing function), docstrings excluded; when the cell
has ``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers, only code between them (what the student writes).
Operators (one change per mutant; ``OPERATORS`` lists their names):

========================  ====================================================================================
``binop`` / ``augop``     ``+ ↔ -``, ``* ↔ /``, ``** → *``, ``// ↔ /`` (also in ``x += ...`` statements)
``compare``               ``< ↔ <=``, ``> ↔ >=``, ``< ↔ >``, ``== ↔ !=``, ``is ↔ is not``, ``in ↔ not in``
``boolop`` / ``not``      ``and ↔ or``; ``not x → x``
``unary``                 ``-x → x``
``const``                 a number ``c`` → ``c + 1``, ``c - 1``, ``2c``, ``c / 2`` (``c // 2`` for ints)
``index`` / ``slice``     ``x[i] → x[i + 1]``; ``a:b → a + 1:b``, ``a:b → a:b - 1`` (string keys untouched)
``axis``                  ``axis=k → k + 1``, ``k - 1``, dropped; ``axis=None → 0``
``drop``                  a term or factor dropped: ``a + b → a``, ``a + b → b``, ``a - b → a``,
                          ``a * b → a``, ``a * b → b``, ``a / b → a``
``rng_global``            ``rng.<draw>(...) → np.random.<draw>(...)`` (the global generator)
``rng_fixed``             ``rng.<draw>(...) → np.random.default_rng(0).<draw>(...)`` (a fixed seed)
``generator``             ``generator=g`` dropped from a call (torch's global generator)
``copy``                  ``x.copy()`` / ``x.clone()`` / ``np.copy(x)`` / ``copy.deepcopy(x)`` → ``x``
``swap``                  two adjacent positional arguments of a call swapped (not in ``raise``/``print``,
                          nor of symmetric functions such as ``max`` or ``np.logaddexp``)
``early_return``          ``return`` after the first statement of the body (the name it assigned, or None)
``range``                 ``range(n) → range(n - 1)``, ``range(a, b) → range(a, b - 1)``
``minmax`` / ``mean``     ``min ↔ max`` (also ``argmin``, ``minimum``, ...); ``np.mean`` / ``.mean()`` → sum
========================  ====================================================================================

Mutants that do not compile, that change nothing (identical ``ast.dump``) or that duplicate an earlier mutant
of the same check are skipped, not counted.

**Ids.** ``<function>:<line in function>:<operator>:<description>`` — the line counted from the ``def`` line
(1), e.g. ``msd:9:binop:- -> +`` or
``random_walk:17:rng_global:rng.integers(...) -> np.random.randint(...)``; a ``#2``, ``#3``… suffix when two
mutants would share an id. Ids depend only on the source, so they are stable across runs; editing a function
shifts the lines of what follows (stale entries are then reported).

**Judging.** For each mutant a child process is forked from a process holding the unit's reference namespace
(setup cell and all answer cells executed, as in :mod:`autograder.reference`); the child compiles the mutated
function or class into that same namespace (so helpers and globals resolve, and other functions calling it see
the mutant), then calls ``check.grade(*functions)``. Killed = the verdict did not pass, or the child raised,
crashed, exceeded its memory limit (``RLIMIT_AS``: 4 GiB above what was mapped at fork) or its time limit
(default 10 × the reference's own grading time in a child + 5 s; ``--timeout`` overrides). The reference is
graded the same way first; if it fails there, the check's mutants are not judged (the row says so).

**Equivalent and accepted mutants** — ``autograder/judges/<slug_with_underscores>.equivalent.toml``::

    # reviewed: every entry says why
    [[equivalent]]
    check = "msd"
    mutant = "msd:9:const:0 -> 1"
    reason = "squared.mean(axis=...) is only reached for 2-d input, where axis 0 and ..."

    [[survivor]]
    check = "msd"
    mutant = "msd:11:axis:axis=0 -> dropped"
    reason = "known hole, issue NN: the probe never passes ... (accepted until ...)"

Only the two tables ``equivalent`` and ``survivor`` are allowed, each entry has exactly the three non-empty
string keys ``check``, ``mutant`` and ``reason`` (one line), and a (check, mutant) pair appears once;
anything else is an error (:class:`EquivalenceFileError`). An *equivalent* mutant is left out of the kill rate
``killed / (mutants − equivalent)``; if a judge kills it anyway the report warns (the judge rejects a program
that behaves like the reference: a false reject, or a wrong entry). A *survivor* entry is a known, reviewed
survivor: it still counts as survived in the kill rate, but the CI sample (tests/test_mutants.py) accepts it.
Entries whose check or mutant id no longer exists are reported as stale.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import dataclasses
import functools
import io
import json
import math
import os
import random
import re
import resource
import select
import signal
import sys
import time
import tomllib
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from autograder import course
from autograder.checks import Check

OPERATORS = (
    "binop",
    "augop",
    "compare",
    "boolop",
    "not",
    "unary",
    "const",
    "index",
    "slice",
    "axis",
    "drop",
    "rng_global",
    "rng_fixed",
    "generator",
    "copy",
    "swap",
    "early_return",
    "range",
    "minmax",
    "mean",
)

MEMORY_LIMIT = 4 << 30  # bytes of address space a mutant may add to what its parent had mapped
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"

# -- operators ------------------------------------------------------------------------------------------
_BINOP_SWAPS: dict[type, tuple[type, ...]] = {
    ast.Add: (ast.Sub,),
    ast.Sub: (ast.Add,),
    ast.Mult: (ast.Div,),
    ast.Div: (ast.Mult, ast.FloorDiv),
    ast.FloorDiv: (ast.Div,),
    ast.Pow: (ast.Mult,),
}
_CMP_SWAPS: dict[type, tuple[type, ...]] = {
    ast.Lt: (ast.LtE, ast.Gt),
    ast.LtE: (ast.Lt,),
    ast.Gt: (ast.GtE, ast.Lt),
    ast.GtE: (ast.Gt,),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
}
_SYMBOL = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Pow: "**",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.And: "and",
    ast.Or: "or",
}
#: numpy Generator methods that draw (the legacy global API has most of them under the same name)
RNG_DRAWS = frozenset(
    "beta binomial bytes chisquare choice dirichlet exponential f gamma geometric gumbel hypergeometric "
    "integers laplace logistic lognormal logseries multinomial multivariate_hypergeometric "
    "multivariate_normal negative_binomial noncentral_chisquare noncentral_f normal pareto permutation "
    "permuted poisson power random rayleigh shuffle standard_cauchy standard_exponential standard_gamma "
    "standard_normal standard_t triangular uniform vonmises wald weibull zipf".split()
)
_LEGACY_NAME = {"integers": "randint"}  # Generator name → np.random (legacy global) name
_NO_LEGACY = {"permuted", "multivariate_hypergeometric"}
_MINMAX = {
    "min": "max",
    "max": "min",
    "argmin": "argmax",
    "argmax": "argmin",
    "minimum": "maximum",
    "maximum": "minimum",
    "amin": "amax",
    "amax": "amin",
    "nanmin": "nanmax",
    "nanmax": "nanmin",
}
_NO_SWAP_CALLS = {"print", "isinstance", "issubclass", "getattr", "setattr", "hasattr", "format", "warn"}
#: symmetric in their first two arguments: swapping them is an equivalent mutant, not generated
_COMMUTATIVE = {
    "min",
    "max",
    "minimum",
    "maximum",
    "fmin",
    "fmax",
    "logaddexp",
    "logaddexp2",
    "add",
    "multiply",
    "hypot",
    "isclose",
    "allclose",
    "array_equal",
    "gcd",
    "lcm",
    "union",
    "intersection",
    "logical_and",
    "logical_or",
    "logical_xor",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "equal",
    "not_equal",
}
_MODULE_NAMES = {"np", "numpy", "torch", "math", "random", "scipy", "nn", "F", "jclub"}


def _desc(node: ast.AST, limit: int = 48) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _call_desc(node: ast.Call) -> str:
    return _desc(node.func) + "(...)"


def _num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _const(value: Any) -> ast.expr:
    if _num(value) and value < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value)


def _plus(node: ast.expr, k: int) -> ast.expr:
    """``node + k`` (folded when node is a number)."""
    if isinstance(node, ast.Constant) and _num(node.value):
        return _const(node.value + k)
    return ast.BinOp(copy.deepcopy(node), ast.Add() if k > 0 else ast.Sub(), ast.Constant(abs(k)))


def _const_value(node: ast.AST) -> Any:
    """The number a constant or a negated constant spells, else None."""
    if isinstance(node, ast.Constant) and _num(node.value):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        if isinstance(node.operand, ast.Constant) and _num(node.operand.value):
            return -node.operand.value
    return None


Make = Callable[[ast.AST], ast.AST | None]  # applied to the node's copy; returns the replacement


@dataclasses.dataclass(frozen=True)
class Site:
    operator: str
    description: str
    make: Make


def _operators(node: ast.AST, parent: ast.AST | None, func: ast.AST) -> Iterator[Site]:
    """The mutations applicable at ``node`` (its parent given for context)."""
    if isinstance(node, ast.BinOp):
        for new in _BINOP_SWAPS.get(type(node.op), ()):
            yield Site(
                "binop",
                f"{_SYMBOL[type(node.op)]} -> {_SYMBOL[new]}",
                lambda n, new=new: ast.BinOp(n.left, new(), n.right),
            )
        if isinstance(node.op, (ast.Add, ast.Mult)):
            yield Site("drop", f"{_desc(node)} -> {_desc(node.left)}", lambda n: n.left)
            yield Site("drop", f"{_desc(node)} -> {_desc(node.right)}", lambda n: n.right)
        elif isinstance(node.op, (ast.Sub, ast.Div)):
            yield Site("drop", f"{_desc(node)} -> {_desc(node.left)}", lambda n: n.left)
    elif isinstance(node, ast.AugAssign):
        for new in _BINOP_SWAPS.get(type(node.op), ()):
            yield Site(
                "augop",
                f"{_SYMBOL[type(node.op)]}= -> {_SYMBOL[new]}=",
                lambda n, new=new: ast.AugAssign(n.target, new(), n.value),
            )
    elif isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            for new in _CMP_SWAPS.get(type(op), ()):

                def make(n: ast.AST, i: int = i, new: type = new) -> ast.AST:
                    assert isinstance(n, ast.Compare)
                    ops = list(n.ops)
                    ops[i] = new()
                    return ast.Compare(n.left, ops, n.comparators)

                yield Site("compare", f"{_SYMBOL[type(op)]} -> {_SYMBOL[new]}", make)
    elif isinstance(node, ast.BoolOp):
        new = ast.Or if isinstance(node.op, ast.And) else ast.And
        yield Site(
            "boolop",
            f"{_SYMBOL[type(node.op)]} -> {_SYMBOL[new]}",
            lambda n, new=new: ast.BoolOp(new(), n.values),
        )
    elif isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.USub) and _const_value(node) is None:
            yield Site("unary", f"{_desc(node)} -> {_desc(node.operand)}", lambda n: n.operand)
        elif isinstance(node.op, ast.Not):
            yield Site("not", f"{_desc(node)} -> {_desc(node.operand)}", lambda n: n.operand)
    elif isinstance(node, ast.Call):
        yield from _call_operators(node, parent)
    elif isinstance(node, ast.Subscript):
        yield from _subscript_operators(node)
    elif isinstance(node, ast.keyword) and node.arg == "axis":
        k = _const_value(node.value)
        if isinstance(k, int):
            for new in (k + 1, k - 1):
                yield Site("axis", f"axis={k} -> {new}", lambda n, new=new: ast.keyword("axis", _const(new)))
        elif isinstance(node.value, ast.Constant) and node.value.value is None:
            yield Site("axis", "axis=None -> 0", lambda n: ast.keyword("axis", ast.Constant(0)))
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node is func:
        yield from _early_return(node)
    if _const_value(node) is not None and not (isinstance(parent, ast.UnaryOp) and _const_value(parent)):
        c = _const_value(node)
        news: list[Any] = [c + 1, c - 1, 2 * c, c // 2 if isinstance(c, int) else c / 2]
        seen = {c}
        for new in news:
            if new in seen or (isinstance(new, float) and not math.isfinite(new)):
                continue
            seen.add(new)
            yield Site("const", f"{c!r} -> {new!r}", lambda n, new=new: _const(new))


def _call_operators(node: ast.Call, parent: ast.AST | None) -> Iterator[Site]:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    owner = func.value if isinstance(func, ast.Attribute) else None
    owner_name = owner.id if isinstance(owner, ast.Name) else None
    # rng.<draw>(...) on a generator-like receiver (not np, np.random, torch, ...)
    if (
        isinstance(func, ast.Attribute)
        and name in RNG_DRAWS
        and owner_name not in _MODULE_NAMES
        and not (isinstance(owner, ast.Attribute) and owner.attr == "random")
        and isinstance(owner, (ast.Name, ast.Attribute))
    ):
        if name not in _NO_LEGACY:
            legacy = _LEGACY_NAME.get(name, name)

            def to_global(n: ast.AST, legacy: str = legacy) -> ast.AST:
                assert isinstance(n, ast.Call)
                np_random = ast.Attribute(ast.Name("np", ast.Load()), "random", ast.Load())
                return ast.Call(ast.Attribute(np_random, legacy, ast.Load()), n.args, n.keywords)

            yield Site("rng_global", f"{_call_desc(node)} -> np.random.{legacy}(...)", to_global)

        def to_fixed(n: ast.AST, name: str = name) -> ast.AST:
            assert isinstance(n, ast.Call)
            np_random = ast.Attribute(ast.Name("np", ast.Load()), "random", ast.Load())
            fixed = ast.Call(ast.Attribute(np_random, "default_rng", ast.Load()), [ast.Constant(0)], [])
            return ast.Call(ast.Attribute(fixed, name, ast.Load()), n.args, n.keywords)

        yield Site("rng_fixed", f"{_call_desc(node)} -> np.random.default_rng(0).{name}(...)", to_fixed)
    for i, kw in enumerate(node.keywords):
        if kw.arg == "generator":

            def drop_generator(n: ast.AST, i: int = i) -> ast.AST:
                assert isinstance(n, ast.Call)
                return ast.Call(n.func, n.args, [k for j, k in enumerate(n.keywords) if j != i])

            yield Site("generator", f"{_call_desc(node)}: generator= dropped", drop_generator)
        if kw.arg == "axis" and _const_value(kw.value) is not None:

            def drop_axis(n: ast.AST, i: int = i) -> ast.AST:
                assert isinstance(n, ast.Call)
                return ast.Call(n.func, n.args, [k for j, k in enumerate(n.keywords) if j != i])

            yield Site("axis", f"axis={_desc(kw.value)} -> dropped", drop_axis)
    # copies removed
    if isinstance(func, ast.Attribute) and name in ("copy", "clone") and not node.args and not node.keywords:
        if owner_name not in _MODULE_NAMES:
            yield Site("copy", f"{_desc(node)} -> {_desc(func.value)}", lambda n: n.func.value)
    if name in ("copy", "deepcopy") and owner_name in ("np", "numpy", "copy") and len(node.args) == 1:
        yield Site("copy", f"{_desc(node)} -> {_desc(node.args[0])}", lambda n: n.args[0])
    # range(n) → range(n - 1)
    if isinstance(func, ast.Name) and name == "range" and 1 <= len(node.args) <= 2 and not node.keywords:
        k = len(node.args) - 1

        def shorter(n: ast.AST, k: int = k) -> ast.AST:
            assert isinstance(n, ast.Call)
            args = list(n.args)
            args[k] = _plus(args[k], -1)
            return ast.Call(n.func, args, [])

        yield Site("range", f"{_desc(node)} -> range(... - 1)", shorter)
    # min ↔ max, mean → sum
    if name in _MINMAX and (isinstance(func, ast.Name) and name in ("min", "max") or owner is not None):
        new = _MINMAX[name]
        if isinstance(func, ast.Name):
            yield Site(
                "minmax",
                f"{name} -> {new}",
                lambda n, new=new: ast.Call(ast.Name(new, ast.Load()), n.args, n.keywords),
            )
        else:
            yield Site(
                "minmax",
                f"{_desc(func)} -> {_desc(func.value)}.{new}",
                lambda n, new=new: ast.Call(ast.Attribute(n.func.value, new, ast.Load()), n.args, n.keywords),
            )
    if isinstance(func, ast.Attribute) and name in ("mean", "nanmean"):
        new = "sum" if name == "mean" else "nansum"
        yield Site(
            "mean",
            f"{_desc(func)} -> {_desc(func.value)}.{new}",
            lambda n, new=new: ast.Call(ast.Attribute(n.func.value, new, ast.Load()), n.args, n.keywords),
        )
    # adjacent positional arguments swapped
    callee = name or ""
    in_raise = isinstance(parent, ast.Raise)
    if (
        not in_raise
        and callee not in _NO_SWAP_CALLS
        and callee not in _COMMUTATIVE
        and not re.search(r"(Error|Exception|Warning)$", callee)
        and not any(isinstance(a, ast.Starred) for a in node.args)
    ):
        for i in range(len(node.args) - 1):
            if ast.dump(node.args[i]) == ast.dump(node.args[i + 1]):
                continue

            def swap(n: ast.AST, i: int = i) -> ast.AST:
                assert isinstance(n, ast.Call)
                args = list(n.args)
                args[i], args[i + 1] = args[i + 1], args[i]
                return ast.Call(n.func, args, n.keywords)

            yield Site("swap", f"{_call_desc(node)}: args {i + 1}, {i + 2} swapped", swap)


def _subscript_operators(node: ast.Subscript) -> Iterator[Site]:
    sl = node.slice
    parts = list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]
    for i, part in enumerate(parts):
        where = f"[{i}]" if len(parts) > 1 else ""

        def replace(n: ast.AST, new: ast.AST, i: int = i) -> ast.AST:
            assert isinstance(n, ast.Subscript)
            if isinstance(n.slice, ast.Tuple):
                elts = list(n.slice.elts)
                elts[i] = new
                return ast.Subscript(n.value, ast.Tuple(elts, ast.Load()), n.ctx)
            return ast.Subscript(n.value, new, n.ctx)

        if isinstance(part, ast.Slice):
            if part.step is not None:
                continue
            lower = part.lower if part.lower is not None else ast.Constant(0)

            def lower_plus(n: ast.AST, i: int = i, lower: ast.expr = lower) -> ast.AST:
                p = _part(n, i)
                return replace(n, ast.Slice(_plus(lower, 1), p.upper, None))

            yield Site("slice", f"{_desc(node)}: lower{where} + 1", lower_plus)
            upper = part.upper if part.upper is not None else None

            def upper_minus(n: ast.AST, i: int = i, upper: ast.expr | None = upper) -> ast.AST:
                p = _part(n, i)
                return replace(n, ast.Slice(p.lower, _plus(upper, -1) if upper else _const(-1), None))

            yield Site("slice", f"{_desc(node)}: upper{where} - 1", upper_minus)
        elif isinstance(part, ast.Constant) and not _num(part.value):
            continue  # string keys, None (newaxis), Ellipsis
        elif isinstance(part, (ast.Starred, ast.JoinedStr, ast.Tuple, ast.List)):
            continue
        else:
            yield Site(
                "index",
                f"{_desc(node)}: index{where} + 1",
                lambda n, i=i, part=part: replace(n, _plus(_part(n, i), 1)),
            )


def _part(n: ast.AST, i: int) -> Any:
    assert isinstance(n, ast.Subscript)
    return n.slice.elts[i] if isinstance(n.slice, ast.Tuple) else n.slice


def _early_return(func: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[Site]:
    body = _body_without_docstring(func)
    if len(body) < 2 or isinstance(body[0], (ast.Return, ast.Raise)):
        return
    first = body[0]
    names = [
        t.id for t in getattr(first, "targets", [getattr(first, "target", None)]) if isinstance(t, ast.Name)
    ]
    value: ast.expr = ast.Name(names[-1], ast.Load()) if names else ast.Constant(None)

    def make(n: ast.AST, value: ast.expr = value) -> ast.AST:
        assert isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        new = copy.copy(n)
        offset = len(n.body) - len(_body_without_docstring(n))
        new.body = [*n.body[: offset + 1], ast.Return(copy.deepcopy(value)), *n.body[offset + 1 :]]
        return new

    yield Site("early_return", f"return {_desc(value)} after the first statement", make)


def _body_without_docstring(func: ast.AST) -> list[ast.stmt]:
    body = list(getattr(func, "body", []))
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            return body[1:]
    return body


# -- generating mutants ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Mutant:
    """One mutant of an answer cell: ``unit_source`` is the mutated top-level def/class, to exec."""

    id: str
    function: str  # qualified name of the mutated function, e.g. "msd" or "DeviceLoader.__iter__"
    operator: str
    line: int  # line in the cell
    original: str  # the original source line
    mutated: str  # the mutated statement (first line), unparsed
    module: ast.Module = dataclasses.field(repr=False, compare=False)  # what the child compiles


def solution_lines(source: str) -> set[int] | None:
    """Lines (1-based) between BEGIN/END SOLUTION markers, or None when the cell has no markers."""
    lines = source.splitlines()
    inside, found, out = False, False, set()
    for i, line in enumerate(lines, start=1):
        s = line.strip()
        if s.startswith(BEGIN_SOLUTION):
            inside = found = True
        elif s.startswith(END_SOLUTION):
            inside = False
        elif inside:
            out.add(i)
    return out if found else None


def _functions_of(top: ast.stmt) -> list[tuple[str, ast.AST]]:
    if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [(top.name, top)]
    if isinstance(top, ast.ClassDef):
        return [
            (f"{top.name}.{f.name}", f)
            for f in top.body
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
    return []


def _excluded(func: ast.AST) -> set[int]:
    """ids of nodes never mutated: docstrings, annotations, f-strings, decorators, and their subtrees."""
    out: set[int] = set()

    def skip(n: ast.AST | None) -> None:
        if n is not None:
            out.update(id(m) for m in ast.walk(n))

    for node in ast.walk(func):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip(body[0])
            for d in node.decorator_list:
                skip(d)
            if not isinstance(node, ast.ClassDef):
                skip(node.returns)
                for a in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
                    skip(a.annotation)
        elif isinstance(node, (ast.JoinedStr, ast.AnnAssign)):
            skip(node.annotation if isinstance(node, ast.AnnAssign) else node)
    return out


def _parents(tree: ast.AST) -> dict[int, tuple[ast.AST, str, int | None]]:
    out: dict[int, tuple[ast.AST, str, int | None]] = {}
    for node in ast.walk(tree):
        for field, value in ast.iter_fields(node):
            if isinstance(value, list):
                for i, v in enumerate(value):
                    if isinstance(v, ast.AST):
                        out[id(v)] = (node, field, i)
            elif isinstance(value, ast.AST):
                out[id(value)] = (node, field, None)
    return out


def _set(parent: ast.AST, field: str, index: int | None, new: ast.AST) -> None:
    if index is None:
        setattr(parent, field, new)
    else:
        getattr(parent, field)[index] = new


def mutants_of_source(source: str, only_lines: set[int] | None | str = "auto") -> list[Mutant]:
    """Every mutant of the functions a cell's ``source`` defines (deterministic order, unique ids).

    ``only_lines``: mutate only nodes starting on these lines; ``"auto"`` (default) = the SOLUTION region
    when the cell has markers, else everything.
    """
    lines_allowed = solution_lines(source) if only_lines == "auto" else only_lines
    tree = ast.parse(source)
    src_lines = source.splitlines()
    out: list[Mutant] = []
    counts: dict[str, int] = {}
    seen_dumps: set[str] = set()
    for top in tree.body:
        funcs = _functions_of(top)
        if not funcs:
            continue
        original_dump = ast.dump(top)
        for qualname, func in funcs:
            excluded = _excluded(func)
            parents = _parents(top)
            nodes = list(ast.walk(top))
            for idx, node in enumerate(nodes):
                if id(node) in excluded or not _inside(node, func, parents):
                    continue
                line = getattr(node, "lineno", None)
                if line is None and isinstance(node, ast.keyword):
                    line = node.value.lineno
                if line is None:
                    continue
                if lines_allowed is not None and line not in lines_allowed and node is not func:
                    continue
                parent = parents.get(id(node), (None, "", None))[0]
                for site in _operators(node, parent, func):
                    mutated_top = copy.deepcopy(top)
                    copy_nodes = list(ast.walk(mutated_top))
                    target = copy_nodes[idx]
                    new = site.make(target)
                    if new is None:
                        continue
                    if hasattr(target, "lineno"):
                        ast.copy_location(new, target)
                    if target is mutated_top:
                        mutated_top = new  # type: ignore[assignment]
                    else:
                        p, field, i = _parents(mutated_top)[id(target)]
                        _set(p, field, i, new)
                    ast.fix_missing_locations(mutated_top)
                    dump = ast.dump(mutated_top)
                    if dump == original_dump or dump in seen_dumps:
                        continue
                    module = ast.Module([mutated_top], type_ignores=[])
                    try:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            compile(module, "<mutant>", "exec")
                    except (SyntaxError, ValueError, TypeError):
                        continue
                    seen_dumps.add(dump)
                    rel = (line - func.lineno + 1) if node is not func else 1
                    base = f"{qualname}:{rel}:{site.operator}:{site.description}"
                    counts[base] = counts.get(base, 0) + 1
                    mid = base if counts[base] == 1 else f"{base}#{counts[base]}"
                    stmt = _statement_of(new, mutated_top) if node is not func else site.description
                    out.append(
                        Mutant(
                            id=mid,
                            function=qualname,
                            operator=site.operator,
                            line=line,
                            original=src_lines[line - 1].strip() if line <= len(src_lines) else "",
                            mutated=stmt,
                            module=module,
                        )
                    )
    return out


def _inside(node: ast.AST, func: ast.AST, parents: dict[int, tuple[ast.AST, str, int | None]]) -> bool:
    """Whether ``node`` is ``func`` or lies within it (methods of a class: only their own subtree)."""
    n: ast.AST | None = node
    while n is not None:
        if n is func:
            return True
        n = parents.get(id(n), (None, "", None))[0]
    return False


def _statement_of(new: ast.AST, top: ast.AST) -> str:
    """First line of the unparsed innermost statement holding ``new``."""
    parents = _parents(top)
    n: ast.AST | None = new
    while n is not None and not isinstance(n, ast.stmt):
        n = parents.get(id(n), (None, "", None))[0]
    if n is None:
        return _desc(new, 120)
    text = ast.unparse(n).splitlines()
    return text[0] if text else ""


# -- the reference cells ---------------------------------------------------------------------------------
def answer_source(unit: course.Unit, check: Check) -> str | None:
    """Source of the unit notebook's ``answer_<check.name>`` cell, or None if there is none."""
    path = unit.notebook
    return _answer_cells(str(path), path.stat().st_mtime_ns).get(f"answer_{check.name}")


@functools.lru_cache(maxsize=32)
def _answer_cells(path: str, mtime_ns: int) -> dict[str, str]:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    out = {}
    for cell in nb.cells:
        grade_id = course.nbgrader_meta(cell).get("grade_id", "")
        if cell.cell_type == "code" and grade_id.startswith("answer_"):
            out[grade_id] = cell.source
    return out


def check_mutants(unit: course.Unit, check: Check) -> list[Mutant]:
    source = answer_source(unit, check)
    return [] if source is None else mutants_of_source(source)


def sample(mutants: Sequence[Mutant], n: int | None, key: str) -> list[Mutant]:
    """A deterministic sample of ``n`` mutants (seeded by ``key``, the check name), in their order."""
    if n is None or n >= len(mutants):
        return list(mutants)
    chosen = set(random.Random(key).sample(range(len(mutants)), n))
    return [m for i, m in enumerate(mutants) if i in chosen]


# -- equivalence files -----------------------------------------------------------------------------------
class EquivalenceFileError(ValueError):
    """A malformed ``<slug>.equivalent.toml``."""


@dataclasses.dataclass(frozen=True)
class Accepted:
    """The reviewed entries of a unit: (check, mutant id) → reason."""

    equivalent: dict[tuple[str, str], str]
    survivor: dict[tuple[str, str], str]

    def kind(self, check: str, mutant: str) -> str | None:
        key = (check, mutant)
        return "equivalent" if key in self.equivalent else "survivor" if key in self.survivor else None


def equivalence_path(unit: course.Unit) -> Path:
    return course.root() / "autograder" / "judges" / f"{unit.slug.replace('-', '_')}.equivalent.toml"


def parse_equivalence(text: str, where: str = "<equivalent.toml>") -> Accepted:
    """Parse and validate an equivalence file (format: see the module docstring)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise EquivalenceFileError(f"{where}: not valid TOML ({err})") from err
    unknown = set(data) - {"equivalent", "survivor"}
    if unknown:
        raise EquivalenceFileError(f"{where}: unknown table(s) {sorted(unknown)}")
    out: dict[str, dict[tuple[str, str], str]] = {"equivalent": {}, "survivor": {}}
    seen: set[tuple[str, str]] = set()
    for kind in ("equivalent", "survivor"):
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            raise EquivalenceFileError(f"{where}: {kind} must be an array of tables ([[{kind}]])")
        for i, entry in enumerate(entries, start=1):
            label = f"{where}: [[{kind}]] entry {i}"
            if not isinstance(entry, dict):
                raise EquivalenceFileError(f"{label} is not a table")
            keys = set(entry)
            if keys != {"check", "mutant", "reason"}:
                raise EquivalenceFileError(
                    f"{label} must have exactly check, mutant, reason (has {sorted(keys)})"
                )
            for k in ("check", "mutant", "reason"):
                if not isinstance(entry[k], str) or not entry[k].strip():
                    raise EquivalenceFileError(f"{label}: {k} must be a non-empty string")
            if "\n" in entry["reason"]:
                raise EquivalenceFileError(f"{label}: reason must be one line")
            key = (entry["check"], entry["mutant"])
            if key in seen:
                raise EquivalenceFileError(f"{label}: {key[0]} / {key[1]} is listed twice")
            seen.add(key)
            out[kind][key] = entry["reason"]
    return Accepted(out["equivalent"], out["survivor"])


def load_equivalence(unit: course.Unit) -> Accepted:
    path = equivalence_path(unit)
    if not path.is_file():
        return Accepted({}, {})
    return parse_equivalence(path.read_text(encoding="utf-8"), str(path.relative_to(course.root())))


# -- judging in forked children --------------------------------------------------------------------------
@dataclasses.dataclass
class Outcome:
    """What happened to one mutant (or the reference, ``mutant=None``)."""

    mutant: str | None
    killed: bool
    how: str  # "passed", "failed", "raised", "timeout", "crashed"
    seconds: float
    detail: str = ""


def _vm_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(ns: dict[str, Any], check: Check, module: ast.Module | None, fd: int) -> None:
    """Runs in the forked child: compile the mutant into ``ns``, grade, write a JSON line, exit."""
    status = 1
    try:
        os.setpgid(0, 0)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        limit = _vm_bytes() + MEMORY_LIMIT
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        t0 = time.perf_counter()
        try:
            if module is not None:
                warnings.simplefilter("ignore", SyntaxWarning)
                exec(compile(module, f"<mutant of {check.name}>", "exec"), ns)  # noqa: S102
            verdict = check.grade(*(ns[f] for f in check.functions))
            result = {"passed": verdict.passed, "how": "passed" if verdict.passed else "failed"}
            result["detail"] = "; ".join(verdict.messages)[:300]
        except BaseException as err:  # noqa: BLE001 - anything the mutant does is a kill
            result = {"passed": False, "how": "raised", "detail": f"{type(err).__name__}: {err}"[:300]}
        result["seconds"] = time.perf_counter() - t0
        os.write(fd, (json.dumps(result) + "\n").encode())
        status = 0
    finally:
        os._exit(status)


@dataclasses.dataclass
class _Running:
    pid: int
    fd: int
    mutant: str | None
    start: float
    deadline: float
    buffer: bytes = b""


def judge_all(
    ns: dict[str, Any],
    check: Check,
    mutants: Sequence[Mutant | None],
    timeout: float,
    workers: int = 1,
) -> list[Outcome]:
    """Grade each mutant (None = the unmodified reference) in its own forked child, ``workers`` at a time."""
    pending = list(mutants)
    running: list[_Running] = []
    done: dict[str | None, Outcome] = {}
    order = [m.id if m is not None else None for m in mutants]
    while pending or running:
        while pending and len(running) < max(1, workers):
            m = pending.pop(0)
            r, w = os.pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                os.close(r)
                _child(ns, check, m.module if m is not None else None, w)
            os.close(w)
            now = time.monotonic()
            running.append(_Running(pid, r, m.id if m is not None else None, now, now + timeout))
        fds = [p.fd for p in running]
        ready, _, _ = select.select(fds, [], [], 0.05)
        now = time.monotonic()
        for p in list(running):
            if p.fd in ready:
                chunk = os.read(p.fd, 65536)
                if chunk:
                    p.buffer += chunk
                    continue
                # EOF: the child has exited (or closed the pipe)
                os.close(p.fd)
                _, status = os.waitpid(p.pid, 0)
                _kill_group(p.pid)
                running.remove(p)
                done[p.mutant] = _outcome(p, status, now)
            elif now > p.deadline:
                _kill_group(p.pid)
                os.close(p.fd)
                os.waitpid(p.pid, 0)
                running.remove(p)
                done[p.mutant] = Outcome(p.mutant, True, "timeout", now - p.start, f"over {timeout:.0f} s")
    return [done[k] for k in order]


def _kill_group(pid: int) -> None:
    for target in (-pid, pid):
        try:
            os.kill(target, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _outcome(p: _Running, status: int, now: float) -> Outcome:
    try:
        result = json.loads(p.buffer.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        code = os.waitstatus_to_exitcode(status)
        return Outcome(p.mutant, True, "crashed", now - p.start, f"exit status {code}")
    return Outcome(
        p.mutant,
        not result["passed"],
        result["how"],
        float(result.get("seconds", now - p.start)),
        result["detail"],
    )


# -- the run ---------------------------------------------------------------------------------------------
@dataclasses.dataclass
class CheckReport:
    unit: str
    check: str
    mutants: int = 0
    killed: int = 0
    survived: int = 0
    equivalent: int = 0
    accepted: int = 0  # survivors listed in [[survivor]]
    seconds: float = 0.0
    reference_seconds: float = 0.0
    sampled_from: int | None = None
    problem: str = ""
    survivors: list[dict[str, str]] = dataclasses.field(default_factory=list)
    equivalent_killed: list[str] = dataclasses.field(default_factory=list)
    stale: list[str] = dataclasses.field(default_factory=list)

    @property
    def kill_rate(self) -> float | None:
        denom = self.mutants - self.equivalent
        return self.killed / denom if denom > 0 else None


def _pin_threads() -> None:
    """One thread for torch and BLAS in this process and its children (fork-safe and fair on a busy box)."""
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover
        pass
    try:
        import threadpoolctl

        threadpoolctl.threadpool_limits(1)
    except ImportError:  # pragma: no cover
        pass


def run_unit(
    unit: course.Unit,
    *,
    check_names: Sequence[str] | None = None,
    n_sample: int | None = None,
    timeout: float | None = None,
    workers: int = 1,
    log: Callable[[str], None] | None = None,
) -> list[CheckReport]:
    """Mutation-test every check of ``unit`` (or those named); one report per check."""
    from autograder.reference import reference_namespace

    _pin_threads()
    accepted = load_equivalence(unit)
    ns = reference_namespace(unit)
    reports = []
    known_checks = {c.name for c in unit.checks}
    all_ids: dict[str, set[str]] = {}
    for check in unit.checks:
        if check_names and check.name not in check_names:
            continue
        t0 = time.perf_counter()
        rep = CheckReport(unit.name, check.name)
        every = check_mutants(unit, check)
        all_ids[check.name] = {m.id for m in every}
        chosen = sample(every, n_sample, check.name)
        if len(chosen) < len(every):
            rep.sampled_from = len(every)
        try:  # warm up here: lazy imports (torch.optim, scipy.stats...) then happen once, not in every child
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                check.grade(*(ns[f] for f in check.functions))
        except Exception:  # noqa: BLE001 - judged again below, in a child
            pass
        (ref,) = judge_all(ns, check, [None], timeout=max(timeout or 0.0, 600.0))
        rep.reference_seconds = ref.seconds
        if ref.killed:
            rep.problem = f"the reference fails under the harness ({ref.how}: {ref.detail[:120]})"
        elif answer_source(unit, check) is None:
            rep.problem = f"no answer_{check.name} cell"
        else:
            limit = timeout if timeout is not None else 10 * ref.seconds + 5.0
            outcomes = judge_all(ns, check, chosen, timeout=limit, workers=workers)
            by_id = {m.id: m for m in chosen}
            for o in outcomes:
                assert o.mutant is not None
                kind = accepted.kind(check.name, o.mutant)
                rep.mutants += 1
                if kind == "equivalent":
                    rep.equivalent += 1
                    if o.killed:
                        rep.equivalent_killed.append(o.mutant)
                elif o.killed:
                    rep.killed += 1
                else:
                    rep.survived += 1
                    rep.accepted += kind == "survivor"
                    m = by_id[o.mutant]
                    rep.survivors.append(
                        {
                            "id": m.id,
                            "line": m.original,
                            "mutated": m.mutated,
                            "accepted": str(kind == "survivor"),
                        }
                    )
        rep.seconds = time.perf_counter() - t0
        if log:
            rate = "-" if rep.kill_rate is None else f"{100 * rep.kill_rate:.0f}%"
            extra = f" [{rep.problem}]" if rep.problem else ""
            log(
                f"{unit.name}:{check.name}: {rep.mutants} mutants, {rep.killed} killed, "
                f"{rep.survived} survived, {rep.equivalent} equivalent, kill rate {rate}, "
                f"{rep.seconds:.1f} s{extra}"
            )
        reports.append(rep)
    for check_name, line in stale_entries(accepted, known_checks, all_ids):
        target = next((r for r in reports if r.check == check_name), reports[0] if reports else None)
        if target is not None:
            target.stale.append(line)
    return reports


def stale_entries(
    accepted: Accepted, known_checks: set[str], ids_by_check: dict[str, set[str]]
) -> list[tuple[str, str]]:
    """(check, message) for every entry naming an unknown check, or a mutant id that a check no longer has
    (only checks in ``ids_by_check``, i.e. whose mutants were generated in this run, are tested for ids)."""
    out = []
    for kind, entries in (("equivalent", accepted.equivalent), ("survivor", accepted.survivor)):
        for check_name, mid in entries:
            if check_name not in known_checks:
                out.append((check_name, f"[[{kind}]] {check_name} / {mid}: no such check"))
            elif check_name in ids_by_check and mid not in ids_by_check[check_name]:
                out.append((check_name, f"[[{kind}]] {check_name} / {mid}: no such mutant"))
    return out


def select_units(names: Sequence[str]) -> list[course.Unit]:
    """Units by full name or by number prefix (``01``); all units when ``names`` is empty."""
    units = course.units()
    if not names:
        return units
    chosen = []
    for name in names:
        match = [u for u in units if u.name == name or u.name.split("-", 1)[0] == name]
        if not match:
            raise KeyError(f"no unit {name!r}; units are {[u.name for u in units]}")
        chosen.extend(m for m in match if m not in chosen)
    return chosen


def _rate(r: float | None) -> str:
    return "–" if r is None else f"{100 * r:.1f} %"


def totals(reports: Sequence[CheckReport], label: str) -> CheckReport:
    t = CheckReport(label, "")
    for r in reports:
        for f in ("mutants", "killed", "survived", "equivalent", "accepted"):
            setattr(t, f, getattr(t, f) + getattr(r, f))
        t.seconds += r.seconds
    return t


def markdown_table(reports: Sequence[CheckReport]) -> str:
    """Per check rows, a subtotal per unit and a total, as a Markdown table."""
    head = "| unit | check | mutants | killed | survived | equivalent | kill rate | seconds |"
    rows = [head, "|---|---|---:|---:|---:|---:|---:|---:|"]
    by_unit: dict[str, list[CheckReport]] = {}
    for r in reports:
        by_unit.setdefault(r.unit, []).append(r)

    def row(r: CheckReport, unit: str, check: str) -> str:
        note = ""
        if r.sampled_from:
            note = f" (sample of {r.sampled_from})"
        if r.problem:
            note += f" ({r.problem})"
        if r.accepted:
            note += f" ({r.accepted} accepted survivor{'s' if r.accepted > 1 else ''})"
        return (
            f"| {unit} | {check}{note} | {r.mutants} | {r.killed} | {r.survived} | {r.equivalent} | "
            f"{_rate(r.kill_rate)} | {r.seconds:.1f} |"
        )

    for unit, reps in by_unit.items():
        for r in reps:
            rows.append(row(r, unit, f"`{r.check}`"))
        if len(by_unit) > 1 or len(reps) > 1:
            rows.append(row(totals(reps, unit), f"**{unit}**", "**all**"))
    if len(by_unit) > 1:
        rows.append(row(totals(reports, "total"), "**total**", ""))
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None, parser: argparse.ArgumentParser | None = None) -> int:
    """``python -m autograder mutants``: see :func:`add_arguments` for the options."""
    if parser is None:
        parser = argparse.ArgumentParser(
            prog="python -m autograder mutants", description=__doc__.splitlines()[0]
        )
        add_arguments(parser)
    args = parser.parse_args(argv)
    return run_from_args(args)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("units", nargs="*", help="unit names or numbers (default: every unit)")
    p.add_argument("--check", action="append", default=None, help="only this check (repeatable)")
    p.add_argument("--list", action="store_true", help="list mutant ids only, no judging")
    p.add_argument("--sample", type=int, default=None, help="a deterministic sample of N mutants per check")
    p.add_argument("--timeout", type=float, default=None, help="seconds per mutant (default 10 × ref + 5)")
    p.add_argument("--workers", type=int, default=1, help="mutants judged in parallel (default 1)")
    p.add_argument("--json", type=Path, default=None, help="write the per-check results as JSON here")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table (for benchmarks/)")
    p.add_argument("--show-survivors", action="store_true", help="print each survivor's id and mutated line")


def run_from_args(args: argparse.Namespace) -> int:
    try:
        units = select_units(args.units)
    except KeyError as err:
        print(f"mutants: {err}", file=sys.stderr)
        return 2
    if args.list:
        for u in units:
            for check in u.checks:
                if args.check and check.name not in args.check:
                    continue
                for m in sample(check_mutants(u, check), args.sample, check.name):
                    print(f"{u.name}\t{check.name}\t{m.id}")
        return 0
    reports: list[CheckReport] = []
    try:
        for u in units:
            reports += run_unit(
                u,
                check_names=args.check,
                n_sample=args.sample,
                timeout=args.timeout,
                workers=args.workers,
                log=lambda line: print(line, file=sys.stderr, flush=True),
            )
            if args.json:  # after every unit, so that a long run interrupted keeps what it measured
                args.json.parent.mkdir(parents=True, exist_ok=True)
                payload = [dataclasses.asdict(r) | {"kill_rate": r.kill_rate} for r in reports]
                text = json.dumps(payload, indent=1, ensure_ascii=False) + "\n"
                args.json.write_text(text, encoding="utf-8")
    except EquivalenceFileError as err:
        print(f"mutants: {err}", file=sys.stderr)
        return 2
    if args.markdown:
        print(markdown_table(reports))
    else:
        for name in dict.fromkeys(r.unit for r in reports):
            u = totals([r for r in reports if r.unit == name], name)
            print(
                f"{name}: {u.mutants} mutants, {u.killed} killed, {u.survived} survived, "
                f"{u.equivalent} equivalent, kill rate {_rate(u.kill_rate)}, {u.seconds:.0f} s"
            )
        t = totals(reports, "total")
        print(
            f"{len(reports)} checks: {t.mutants} mutants, {t.killed} killed, {t.survived} survived, "
            f"{t.equivalent} equivalent, kill rate {_rate(t.kill_rate)}, {t.seconds:.0f} s"
        )
    for r in reports:
        for s in r.stale:
            print(f"stale entry in {r.unit}: {s}", file=sys.stderr)
        for mid in r.equivalent_killed:
            print(
                f"warning: {r.unit}:{r.check}: equivalent mutant {mid} was killed by the judge",
                file=sys.stderr,
            )
        if args.show_survivors:
            for s in r.survivors:
                flag = " (accepted)" if s["accepted"] == "True" else ""
                print(f"{r.unit}:{r.check}: {s['id']}{flag}\n    was: {s['line']}\n    now: {s['mutated']}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
