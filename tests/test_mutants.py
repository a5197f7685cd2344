"""The mutation-testing tool (autograder/mutants.py): its operators, stable ids, the forked judging with time
limits, the equivalence-file format, and — the point of it — a CI sample of every check's mutants killed.

The full run (every mutant of every check, kill rate ≥ 95 %) is in the full tier (``-m full``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import ALL_CHECKS, check_id, reference

from autograder import course, mutants
from autograder.checks import Check, Findings
from autograder.mutants import (
    OPERATORS,
    EquivalenceFileError,
    judge_all,
    mutants_of_source,
    parse_equivalence,
    sample,
)

TOY = '''def toy(x, n, rng, g):
    """Docstring with 3 numbers 4."""
    ### BEGIN SOLUTION
    y = np.copy(x)
    w = x.copy()
    t = x.clone()
    a = y[1:n] * 2.0 / n ** 2 // 3
    if not (a > 0 or n >= 2) and n is None:
        a = -a
    for i in range(n):
        y[i] += 1
    b = rng.integers(0, n, size=3) + rng.permuted(y)
    c = torch.randn(3, generator=g)
    d = max(np.min(y, axis=0), np.mean(y)) + y.mean()
    e = f"{n + 1}" if n != 0 and n < 7 else "x"
    return combine(a, b, c)
    ### END SOLUTION


def untouched(z=5):
    return z + 1
'''

# (id, the mutated statement) — one or more per operator
EXPECTED = {
    ("toy:1:early_return:return y after the first statement", "return y after the first statement"),
    ("toy:4:copy:np.copy(x) -> x", "y = x"),
    ("toy:5:copy:x.copy() -> x", "w = x"),
    ("toy:6:copy:x.clone() -> x", "t = x"),
    ("toy:7:binop:// -> /", "a = y[1:n] * 2.0 / n ** 2 / 3"),
    ("toy:7:binop:/ -> *", "a = y[1:n] * 2.0 * n ** 2 // 3"),
    ("toy:7:binop:* -> /", "a = y[1:n] / 2.0 / n ** 2 // 3"),
    ("toy:7:binop:** -> *", "a = y[1:n] * 2.0 / (n * 2) // 3"),
    ("toy:12:binop:+ -> -", "b = rng.integers(0, n, size=3) - rng.permuted(y)"),
    ("toy:7:drop:y[1:n] * 2.0 -> y[1:n]", "a = y[1:n] / n ** 2 // 3"),
    ("toy:12:drop:rng.integers(0, n, size=3) + rng.permuted(y) -> rng.permuted(y)", "b = rng.permuted(y)"),
    ("toy:8:boolop:and -> or", "if not (a > 0 or n >= 2) or n is None:"),
    ("toy:8:boolop:or -> and", "if not (a > 0 and n >= 2) and n is None:"),
    ("toy:8:not:not (a > 0 or n >= 2) -> a > 0 or n >= 2", "if (a > 0 or n >= 2) and n is None:"),
    ("toy:8:compare:> -> >=", "if not (a >= 0 or n >= 2) and n is None:"),
    ("toy:8:compare:> -> <", "if not (a < 0 or n >= 2) and n is None:"),
    ("toy:8:compare:>= -> >", "if not (a > 0 or n > 2) and n is None:"),
    ("toy:8:compare:is -> is not", "if not (a > 0 or n >= 2) and n is not None:"),
    ("toy:15:compare:!= -> ==", "e = f'{n + 1}' if n == 0 and n < 7 else 'x'"),
    ("toy:15:compare:< -> <=", "e = f'{n + 1}' if n != 0 and n <= 7 else 'x'"),
    ("toy:9:unary:-a -> a", "a = a"),
    ("toy:7:const:3 -> 4", "a = y[1:n] * 2.0 / n ** 2 // 4"),
    ("toy:7:const:3 -> 2", "a = y[1:n] * 2.0 / n ** 2 // 2"),
    ("toy:7:const:3 -> 6", "a = y[1:n] * 2.0 / n ** 2 // 6"),
    ("toy:7:const:3 -> 1", "a = y[1:n] * 2.0 / n ** 2 // 1"),
    ("toy:7:const:2.0 -> 1.0", "a = y[1:n] * 1.0 / n ** 2 // 3"),
    ("toy:11:index:y[i]: index + 1", "y[i + 1] += 1"),
    ("toy:7:slice:y[1:n]: lower + 1", "a = y[2:n] * 2.0 / n ** 2 // 3"),
    ("toy:7:slice:y[1:n]: upper - 1", "a = y[1:n - 1] * 2.0 / n ** 2 // 3"),
    ("toy:11:augop:+= -> -=", "y[i] -= 1"),
    ("toy:10:range:range(n) -> range(... - 1)", "for i in range(n - 1):"),
    (
        "toy:12:rng_global:rng.integers(...) -> np.random.randint(...)",
        "b = np.random.randint(0, n, size=3) + rng.permuted(y)",
    ),
    (
        "toy:12:rng_fixed:rng.permuted(...) -> np.random.default_rng(0).permuted(...)",
        "b = rng.integers(0, n, size=3) + np.random.default_rng(0).permuted(y)",
    ),
    ("toy:13:generator:torch.randn(...): generator= dropped", "c = torch.randn(3)"),
    ("toy:14:axis:axis=0 -> 1", "d = max(np.min(y, axis=1), np.mean(y)) + y.mean()"),
    ("toy:14:axis:axis=0 -> -1", "d = max(np.min(y, axis=-1), np.mean(y)) + y.mean()"),
    ("toy:14:axis:axis=0 -> dropped", "d = max(np.min(y), np.mean(y)) + y.mean()"),
    ("toy:14:minmax:max -> min", "d = min(np.min(y, axis=0), np.mean(y)) + y.mean()"),
    ("toy:14:minmax:np.min -> np.max", "d = max(np.max(y, axis=0), np.mean(y)) + y.mean()"),
    ("toy:14:mean:np.mean -> np.sum", "d = max(np.min(y, axis=0), np.sum(y)) + y.mean()"),
    ("toy:14:mean:y.mean -> y.sum", "d = max(np.min(y, axis=0), np.mean(y)) + y.sum()"),
    ("toy:16:swap:combine(...): args 2, 3 swapped", "return combine(a, c, b)"),
}


def test_every_operator_produces_the_expected_mutant():
    got = {(m.id, m.mutated) for m in mutants_of_source(TOY)}
    missing = EXPECTED - got
    assert not missing, sorted(missing)
    assert {op for op in OPERATORS} == {m.id.split(":")[2] for m in mutants_of_source(TOY)}


def test_what_is_not_mutated():
    ms = mutants_of_source(TOY)
    ids = [m.id for m in ms]
    assert len(ids) == len(set(ids))
    # docstrings, f-strings and code outside the SOLUTION markers stay as they are
    assert not any(m.function == "untouched" for m in ms)
    assert not any(m.id.startswith("toy:14:swap:max") for m in ms)  # symmetric: an equivalent swap
    assert not any("3 numbers" in m.mutated or "{n + 2}" in m.mutated or "{n - 1}" in m.mutated for m in ms)
    # without markers everything is mutated; no mutant changes nothing
    plain = mutants_of_source("def f(x):\n    return x * 0 + 1\n")
    assert {m.id for m in plain} >= {"f:2:binop:* -> /", "f:2:const:1 -> 2", "f:2:drop:x * 0 + 1 -> 1"}
    assert "f:2:const:0 -> 0" not in {m.id for m in plain}


def test_each_mutant_compiles_and_differs_from_the_reference():
    import ast

    reference_dump = {ast.dump(n) for n in ast.parse(TOY).body}
    for m in mutants_of_source(TOY):
        compile(m.module, "<m>", "exec")
        assert ast.dump(m.module.body[0]) not in reference_dump


def test_ids_are_stable_across_runs():
    """The same source gives the same ids in another interpreter (another hash seed, another process)."""
    code = (
        "import json, sys; from autograder.mutants import mutants_of_source; "
        "print(json.dumps([m.id for m in mutants_of_source(sys.stdin.read())]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], input=TOY, capture_output=True, text=True, check=True, env=env
    )
    assert json.loads(out.stdout) == [m.id for m in mutants_of_source(TOY)]
    ms = mutants_of_source(TOY)
    assert [m.id for m in sample(ms, 5, "toy")] == [m.id for m in sample(mutants_of_source(TOY), 5, "toy")]
    assert len(sample(ms, 5, "toy")) == 5 and sample(ms, 5, "toy") != sample(ms, 5, "other")


def test_duplicate_ids_get_a_counter():
    ms = mutants_of_source("def f(x):\n    return (x + 1) + (x + 1)\n")
    ids = [m.id for m in ms]
    assert "f:2:binop:+ -> -" in ids and "f:2:binop:+ -> -#2" in ids and len(ids) == len(set(ids))


# -- judging in forked children --------------------------------------------------------------------------
LOOP = """def count_down(n):
    while n > 0:
        n -= 1
    return n
"""


def probe_count(count_down, cases):
    return [count_down(c["n"]) for c in cases]


def judge_count(data, cases):
    f = Findings()
    f.require(data == [0 for _ in cases], "count_down must reach 0")
    return f.verdict()


COUNT = Check("count_down", ("count_down",), 1, [{"n": 5}, {"n": 0}], probe_count, judge_count)


def test_an_infinite_loop_mutant_is_killed_by_the_timeout():
    ns: dict = {}
    exec(LOOP, ns)  # noqa: S102
    loop = [m for m in mutants_of_source(LOOP) if m.id == "count_down:3:augop:-= -> +="]
    assert loop, [m.id for m in mutants_of_source(LOOP)]
    t0 = time.monotonic()
    ref, out = judge_all(ns, COUNT, [None, loop[0]], timeout=1.5)
    assert ref.how == "passed" and not ref.killed
    assert out.killed and out.how == "timeout"
    assert time.monotonic() - t0 < 30


def probe_stat(mean_of, cases):
    import numpy as np

    return [float(mean_of(np.asarray(c["x"], dtype=float))) for c in cases]


def judge_weak(data, cases):
    f = Findings()
    for got in data:
        f.require(np.isfinite(got), "the mean must be finite")
    return f.verdict()


def judge_strong(data, cases):
    f = Findings()
    for c, got in zip(cases, data, strict=True):
        f.require(abs(got - np.mean(c["x"])) < 1e-12, "the mean is wrong")
    return f.verdict()


MEAN = "def mean_of(x):\n    return x.sum() / len(x)\n"
MEAN_CASES = [{"x": [1.0, 2.0, 4.0]}]


def test_a_weak_judge_shows_survivors_and_a_strong_one_kills_them():
    ns: dict = {"np": np}
    exec(MEAN, ns)  # noqa: S102
    ms = mutants_of_source(MEAN)
    assert len(ms) >= 3
    weak = Check("mean_of", ("mean_of",), 1, MEAN_CASES, probe_stat, judge_weak)
    strong = Check("mean_of", ("mean_of",), 1, MEAN_CASES, probe_stat, judge_strong)
    weak_out = judge_all(ns, weak, ms, timeout=20)
    strong_out = judge_all(ns, strong, ms, timeout=20, workers=2)
    assert [o.mutant for o in weak_out] == [m.id for m in ms]
    assert any(not o.killed for o in weak_out)
    assert all(o.killed for o in strong_out), [(o.mutant, o.how) for o in strong_out if not o.killed]


def test_a_crashing_or_raising_mutant_is_a_kill():
    ns: dict = {"np": np}
    exec(MEAN, ns)  # noqa: S102
    strong = Check("mean_of", ("mean_of",), 1, MEAN_CASES, probe_stat, judge_strong)

    def exits(x):
        os._exit(3)

    crash = mutants.Mutant("crash", "mean_of", "x", 1, "", "", module=_module("mean_of = exits"))
    ns["exits"] = exits
    (out,) = judge_all(ns, strong, [crash], timeout=20)
    assert out.killed and out.how == "crashed"
    boom = mutants.Mutant("boom", "mean_of", "x", 1, "", "", module=_module("def mean_of(x):\n    1 / 0\n"))
    (out,) = judge_all(ns, strong, [boom], timeout=20)
    assert out.killed and out.how in ("raised", "failed")


def _module(src):
    import ast

    return ast.parse(src)


# -- the equivalence file ----------------------------------------------------------------------------------
GOOD = """
[[equivalent]]
check = "msd"
mutant = "msd:9:const:0 -> 1"
reason = "never reached"

[[survivor]]
check = "msd"
mutant = "msd:10:axis:axis=0 -> dropped"
reason = "known hole"
"""


def test_equivalence_file_parses():
    acc = parse_equivalence(GOOD)
    assert acc.kind("msd", "msd:9:const:0 -> 1") == "equivalent"
    assert acc.kind("msd", "msd:10:axis:axis=0 -> dropped") == "survivor"
    assert acc.kind("msd", "other") is None
    assert parse_equivalence("").equivalent == {}


@pytest.mark.parametrize(
    "text",
    [
        "[[equivalent]]\ncheck = 'a'\nmutant = 'b'\n",  # no reason
        "[[equivalent]]\ncheck = 'a'\nmutant = 'b'\nreason = ''\n",  # empty reason
        "[[equivalent]]\ncheck = 'a'\nmutant = 'b'\nreason = 'r'\nnote = 'x'\n",  # unknown key
        "[[equivalent]]\ncheck = 'a'\nmutant = 3\nreason = 'r'\n",  # not a string
        "[[equivalent]]\ncheck = 'a'\nmutant = 'b'\nreason = '''two\nlines'''\n",  # multi-line reason
        "[[equivalents]]\ncheck = 'a'\nmutant = 'b'\nreason = 'r'\n",  # unknown table
        "equivalent = 'x'\n",  # not an array of tables
        "[[equivalent]]\ncheck = 'a'\nmutant = 'b'\nreason = 'r'\n[[survivor]]\ncheck = 'a'\nmutant = 'b'\n"
        "reason = 'r'\n",  # listed twice
        "[[equivalent]\ncheck = 'a'\n",  # not TOML
    ],
)
def test_equivalence_file_rejects_malformed_entries(text):
    with pytest.raises(EquivalenceFileError):
        parse_equivalence(text)


def test_every_equivalence_file_in_the_repository_is_well_formed():
    for unit in course.units():
        mutants.load_equivalence(unit)  # raises on a malformed file


# -- the CI sample: for every check, a sampled mutant must be killed (or reviewed as accepted) ---------------
N_SAMPLE_CI = 2
MAX_REFERENCE_SECONDS_CI = 2.0


@pytest.mark.parametrize("item", ALL_CHECKS, ids=check_id)
def test_sampled_mutants_are_killed(item):
    """Two mutants per check (deterministic sample seeded by the check name) must be killed or listed in the
    unit's ``<slug>.equivalent.toml``. Checks whose reference takes more than 2 s to grade here are skipped in
    CI to keep this tier cheap; the full tier (test_full_mutation_kill_rate) runs every mutant of every
    check."""
    unit, check = item
    ns = reference(unit.name)
    fns = tuple(ns[f] for f in check.functions)
    t0 = time.perf_counter()
    assert check.grade(*fns).passed
    seconds = time.perf_counter() - t0
    if seconds > MAX_REFERENCE_SECONDS_CI:
        pytest.skip(
            f"reference takes {seconds:.1f} s to grade (> {MAX_REFERENCE_SECONDS_CI} s): full tier only"
        )
    every = mutants.check_mutants(unit, check)
    assert every, f"no mutants of {check.name}: no answer_{check.name} cell?"
    chosen = sample(every, N_SAMPLE_CI, check.name)
    accepted = mutants.load_equivalence(unit)
    outcomes = judge_all(ns, check, chosen, timeout=10 * seconds + 5)
    survivors = [o.mutant for o in outcomes if not o.killed and accepted.kind(check.name, o.mutant) is None]
    assert not survivors, f"surviving mutants (strengthen the judge or list them as equivalent): {survivors}"


@pytest.mark.full
def test_full_mutation_kill_rate():
    """Every mutant of every check: kill rate ≥ 95 % of non-equivalent mutants, per check."""
    low = []
    for unit in course.units():
        for rep in mutants.run_unit(unit):
            assert not rep.problem, f"{unit.name}:{rep.check}: {rep.problem}"
            if rep.kill_rate is not None and rep.kill_rate < 0.95:
                low.append(f"{unit.name}:{rep.check} {100 * rep.kill_rate:.1f} %")
    assert not low, low


def test_stale_entries_are_reported():
    acc = parse_equivalence(
        GOOD + '\n[[equivalent]]\ncheck = "gone"\nmutant = "gone:1:x:y"\nreason = "old"\n'
    )
    ids = {"msd": {"msd:9:const:0 -> 1"}}
    stale = mutants.stale_entries(acc, {"msd"}, ids)
    assert sorted(c for c, _ in stale) == ["gone", "msd"]
    assert any("msd:10:axis:axis=0 -> dropped: no such mutant" in line for _, line in stale)
    assert any("no such check" in line for c, line in stale if c == "gone")
    assert mutants.stale_entries(acc, {"msd", "gone"}, {}) == []  # nothing generated: nothing judged stale


def test_command_line_sample_json_and_markdown(tmp_path, capsys):
    unit, check = next((u, c) for u, c in ALL_CHECKS if len(mutants.check_mutants(u, c)) >= 3)
    out = tmp_path / "m.json"
    argv = [unit.name, "--check", check.name, "--sample", "3", "--json", str(out), "--markdown"]
    assert mutants.main(argv) == 0
    (rep,) = json.loads(out.read_text())
    assert rep["check"] == check.name and rep["mutants"] == 3 and rep["killed"] + rep["survived"] == 3
    assert rep["sampled_from"] == len(mutants.check_mutants(unit, check))
    printed = capsys.readouterr()
    assert f"| {unit.name} | `{check.name}` (sample of " in printed.out
    assert f"{unit.name}:{check.name}: 3 mutants" in printed.err
    assert mutants.main([unit.name, "--check", check.name, "--list", "--sample", "2"]) == 0
    listed = capsys.readouterr().out.strip().splitlines()
    assert len(listed) == 2 and all(line.split("\t")[1] == check.name for line in listed)
