"""The judge toolkit: reusable probe-side and judge-side checks, each saying what it proves (issue 13).

Two kinds of function live here.

**Probe side** (run in the student's kernel): :func:`fingerprint`, :func:`guarded_call`, :func:`rng_trials`,
:func:`raised`, :func:`one_thread`. Each is *self-contained* — its imports are inside its body and the only
outside names it uses are other probe-side helpers — because a judge module passes them in
``Check(..., helpers=(...))`` and ``python -m autograder sync`` copies their source (``inspect.getsource``)
into the hidden cell, where ``autograder`` cannot be imported. A helper that calls another needs both in
``helpers``; :func:`with_deps` adds them for you::

    from autograder.probes import rng_trials, with_deps
    Check("walk", ("walk",), 2, CASES, probe_walk, judge_walk, helpers=(make_case, *with_deps(rng_trials)))

Dependency graph (also stated in each docstring): ``rng_trials → fingerprint``; every other probe-side helper
stands alone (:data:`PROBE_DEPS`).

**Judge side** (run in the grader, normal functions): ``require_*`` add one requirement each to an
:class:`autograder.checks.Findings` with a student-facing message that names the property, never an expected
value or a hidden input; the distribution tests :func:`ks_pvalue`, :func:`chi2_pvalue`, :func:`moments_z`
come with their power stated, and :data:`P_MIN` is the p-value below which a judge rejects.

A typical stochastic check::

    def probe_walk(walk, cases):
        import numpy as np
        out = []
        for case in cases:
            x0 = np.zeros(case["n"])
            (x, modified) = guarded_call(walk, x0, case["steps"], np.random.default_rng(case["seed"]))
            # bind loop variables as defaults (ruff B023): lambda rng, c=case: ...
            trials = rng_trials(lambda rng, c=case: walk(np.zeros(c["n"]), c["steps"], rng), case["seed"])
            bad = raised(lambda c=case: walk(np.zeros(c["n"]), -1, np.random.default_rng(0)))
            out.append({"x": np.asarray(x).tolist(), "modified": modified, "trials": trials, "bad": bad})
        return out

    def judge_walk(data, cases):
        f = Findings()
        for case, got in zip(cases, data, strict=True):
            require_unmodified(f, got["modified"], "walk")
            require_rng_discipline(f, got["trials"], "walk")
            require_raises(f, got["bad"], "walk with a negative number of steps")
            ...
        return f.verdict()
"""

# Probe-side helpers are copied verbatim into notebooks: plain, unannotated, self-contained functions.
# ruff: noqa: ANN001, ANN201
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from autograder.checks import Findings

# =========================================================================================================
# Probe side: self-contained functions (copied into hidden cells)
# =========================================================================================================


def fingerprint(x):
    """A short hex digest (16 hex digits) of the canonical content of ``x``; depends on no other helper.

    Proves: two outputs with the same fingerprint have the same structure and the same values to about
    12 significant digits (floats are rounded to a 40-bit mantissa, 2^-40 ≈ 9e-13 relative; -0.0 equals
    0.0; all NaNs are equal). Handles numpy arrays and scalars (shape and value kind — bool, integer, float,
    complex — are part of the content, the exact dtype width is not: a float32 and a float64 array holding
    the same numbers agree), torch tensors (imported lazily, only when ``x`` is one), lists and tuples
    (the same content), dicts (order-independent), str, bytes, int (any size), float, bool, None, and other
    objects through their attributes (``vars``) or, failing that, their ``repr``.
    Use it to compare outputs without shipping them: ``fingerprint(f(rng1)) == fingerprint(f(rng2))``.
    Values within 1e-12 of each other can still land on two sides of a rounding edge (rare; compare arrays
    with a tolerance when two different computations must agree).
    """
    import hashlib

    import numpy as np

    h = hashlib.blake2b(digest_size=8)

    def put(tag, data=b""):
        h.update(tag.encode() + len(data).to_bytes(8, "little") + data)

    def floats(a):
        a = np.asarray(a, dtype=np.float64).ravel()
        bad = ~np.isfinite(a)
        m, e = np.frexp(np.where(bad, 0.0, a))
        m = np.rint(m * 2.0**40)
        top = np.abs(m) == 2.0**40  # the mantissa rounded up to 1: renormalise
        m = np.where(top, m / 2, m)
        e = np.where(top, e + 1, e)
        e = np.where(m == 0, 0, e)
        code = np.where(np.isnan(a), 1, np.where(np.isposinf(a), 2, np.where(np.isneginf(a), 3, 0)))
        put("m", m.astype(np.int64).tobytes())
        put("e", e.astype(np.int64).tobytes())
        put("c", code.astype(np.int8).tobytes())

    def walk(v, depth):
        if depth > 50:
            put("deep")
            return
        mod = type(v).__module__ or ""
        if mod.startswith("torch") and hasattr(v, "detach") and hasattr(v, "shape"):
            v = v.detach().cpu()
            if v.is_floating_point():
                v = v.double()
            v = v.numpy()
        if v is None:
            put("N")
        elif isinstance(v, (bool, np.bool_)):
            put("b", b"1" if v else b"0")
        elif isinstance(v, (int, np.integer)):
            put("i", str(int(v)).encode())
        elif isinstance(v, (float, np.floating)):
            put("f")
            floats([float(v)])
        elif isinstance(v, (complex, np.complexfloating)):
            put("z")
            floats([complex(v).real, complex(v).imag])
        elif isinstance(v, str):
            put("s", v.encode("utf-8", "surrogatepass"))
        elif isinstance(v, (bytes, bytearray)):
            put("y", bytes(v))
        elif isinstance(v, np.ndarray):
            put("A" + v.dtype.kind, str(v.shape).encode())
            if v.dtype.kind == "b":
                put("d", v.astype(np.int8).tobytes())
            elif v.dtype.kind in "iu":
                if v.size and (v.max() > 2**62 or v.min() < -(2**62)):
                    put("d", repr(v.tolist()).encode())
                else:
                    put("d", v.astype(np.int64).tobytes())
            elif v.dtype.kind == "f":
                floats(v)
            elif v.dtype.kind == "c":
                floats(v.real)
                floats(v.imag)
            else:
                for item in v.ravel().tolist():
                    walk(item, depth + 1)
        elif isinstance(v, (list, tuple)):
            put("L", str(len(v)).encode())
            for item in v:
                walk(item, depth + 1)
        elif isinstance(v, dict):
            items = sorted(v.items(), key=lambda kv: (type(kv[0]).__name__, repr(kv[0])))
            put("D", str(len(items)).encode())
            for k, item in items:
                walk(k, depth + 1)
                walk(item, depth + 1)
        elif isinstance(v, (set, frozenset)):
            put("S", str(len(v)).encode())
            for item in sorted(v, key=repr):
                walk(item, depth + 1)
        elif hasattr(v, "__dict__") and not callable(v):
            put("O", type(v).__name__.encode())
            walk(dict(vars(v)), depth + 1)
        else:
            put("R", (type(v).__name__ + ":" + repr(v)).encode())

    walk(x, 0)
    return h.hexdigest()


def guarded_call(fn, *args, **kwargs):
    """Call ``fn(*args, **kwargs)`` on the ORIGINAL objects and report which of them it changed in place.

    Depends on no other helper. Returns ``(result, modified)``: ``modified`` lists the positional indices
    (0-based ints) and keyword names (str) whose objects differ afterwards from a deep copy taken before the
    call. Proves: the function does not modify its inputs in place (arrays, torch tensors, lists, tuples,
    dicts — ``setdefault`` included — sets and objects' attributes, recursively; shape or dtype changes
    count). Float arrays are compared elementwise with a tight tolerance, |new − old| ≤ 1e-12·|old| +
    1e-12·max|old| + 1e-300, NaN equal to NaN, so an input restored arithmetically (a 1e-17 rounding
    residue) is not a false reject. Not compared: random generators (numpy Generator/BitGenerator/
    RandomState, torch.Generator: drawing from them is their purpose), callables and modules, and any
    argument that cannot be deep-copied. The exception ``fn`` raises propagates.
    After the call the originals may be altered: build fresh inputs for any later call of the probe.
    """
    import copy

    import numpy as np

    def skip(v):
        names = ("Generator", "BitGenerator", "RandomState", "SeedSequence", "module")
        names += ("function", "builtin_function_or_method", "method", "partial", "type")
        return type(v).__name__ in names or isinstance(v, np.random.BitGenerator)

    def as_numpy(v):
        mod = type(v).__module__ or ""
        if mod.startswith("torch") and hasattr(v, "detach") and hasattr(v, "shape"):
            t = v.detach().cpu()
            return t.double().numpy() if t.is_floating_point() else t.numpy(), str(t.dtype)
        return v, None

    def same(a, b, depth):
        if depth > 50:
            return True
        a, ta = as_numpy(a)
        b, tb = as_numpy(b)
        if ta != tb:
            return False
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
                return False
            if a.shape != b.shape or a.dtype != b.dtype:
                return False
            if a.dtype.kind in "fc":
                x, y = a.astype(np.complex128), b.astype(np.complex128)
                nan = np.isnan(x) | np.isnan(y)
                if np.any(np.isnan(x) != np.isnan(y)):
                    return False
                x, y = np.where(nan, 0, x), np.where(nan, 0, y)
                inf = ~np.isfinite(x) | ~np.isfinite(y)
                if np.any(x[inf] != y[inf]):
                    return False
                x, y = np.where(inf, 0, x), np.where(inf, 0, y)
                scale = float(np.max(np.abs(y))) if y.size else 0.0
                return bool(np.all(np.abs(x - y) <= 1e-12 * np.abs(y) + 1e-12 * scale + 1e-300))
            if a.dtype.kind == "O":
                return all(same(u, w, depth + 1) for u, w in zip(a.ravel(), b.ravel(), strict=True))
            return bool(np.array_equal(a, b))
        if type(a) is not type(b):
            return False
        if isinstance(a, dict):
            if set(a.keys()) != set(b.keys()):
                return False
            return all(same(a[k], b[k], depth + 1) for k in a)
        if isinstance(a, (list, tuple)):
            return len(a) == len(b) and all(same(u, w, depth + 1) for u, w in zip(a, b, strict=True))
        if isinstance(a, (set, frozenset, str, bytes, int, float, complex, bool, type(None))):
            if isinstance(a, float) and a != a and b != b:
                return True
            return a == b
        if isinstance(a, bytearray):
            return a == b
        if hasattr(a, "__dict__"):
            return same(dict(vars(a)), dict(vars(b)), depth + 1)
        try:
            return bool(a == b)
        except Exception:  # noqa: BLE001 - an object that cannot be compared counts as unchanged
            return True

    pristine = {}
    for key, value in [*enumerate(args), *kwargs.items()]:
        if skip(value):
            continue
        try:
            pristine[key] = copy.deepcopy(value)
        except Exception:  # noqa: BLE001 - not copyable: not compared
            continue
    result = fn(*args, **kwargs)
    modified = []
    for key, value in [*enumerate(args), *kwargs.items()]:
        if key in pristine and not same(value, pristine[key], 0):
            modified.append(key)
    return result, modified


def rng_trials(call, seed):
    """Run ``call(rng)`` three times — two fresh Generators from ``seed``, one from ``seed + 1`` — and report.

    Depends on :func:`fingerprint` (pass both in ``helpers``). ``call(rng)`` must run the student's function
    with that ``numpy.random.Generator`` (on freshly built inputs) and return its output. Returns plain data
    ``{"same", "differs", "global_untouched", "consumed", "error"}``:

    * ``same``: the two runs from ``seed`` gave identical output (fingerprints equal) — reproducible, and a
      fresh Generator per call is honoured (no hidden state carried between calls, no unseeded generator);
    * ``differs``: the run from ``seed + 1`` differs — the function draws from ``rng`` rather than from a
      fixed seed of its own or a draw made once and reused;
    * ``global_untouched``: numpy's legacy global state (``np.random.get_state``) and, if torch is already
      imported, torch's default CPU generator were unchanged by every call (they are restored after each
      call regardless, so trials do not leak into each other);
    * ``consumed``: every call advanced the Generator's bit-generator state — the ``rng`` argument is used;
    * ``error``: ``None``, or ``"ExcName: message"`` of the first exception a call raised (never raises).
    """
    import sys

    import numpy as np

    def legacy_state():
        s = np.random.get_state()
        return (s[0], s[1].copy(), *s[2:])

    def same_legacy(a, b):
        return a[0] == b[0] and np.array_equal(a[1], b[1]) and tuple(a[2:]) == tuple(b[2:])

    results = []
    error = None
    untouched = True
    consumed = True
    for s in (seed, seed, seed + 1):
        torch = sys.modules.get("torch")
        gen = np.random.default_rng(s)
        gen_before = fingerprint(gen.bit_generator.state)
        np_before = legacy_state()
        torch_before = torch.random.get_rng_state() if torch is not None else None
        out = None
        try:
            out = call(gen)
        except Exception as err:  # noqa: BLE001 - the student's code may raise anything
            if error is None:
                error = f"{type(err).__name__}: {err}"[:300]
        if not same_legacy(legacy_state(), np_before):
            untouched = False
        np.random.set_state(np_before)
        if torch_before is not None:
            if not torch.equal(torch.random.get_rng_state(), torch_before):
                untouched = False
            torch.random.set_rng_state(torch_before)
        if fingerprint(gen.bit_generator.state) == gen_before:
            consumed = False
        try:
            results.append(fingerprint(out))
        except Exception as err:  # noqa: BLE001
            results.append(f"unreadable {len(results)}")
            if error is None:
                error = f"{type(err).__name__}: {err}"[:300]
    return {
        "same": results[0] == results[1],
        "differs": results[0] != results[2],
        "global_untouched": untouched,
        "consumed": consumed,
        "error": error,
    }


def raised(call):
    """The class name of the exception ``call()`` raised (e.g. ``"ValueError"``), or ``None`` if it returned.

    Depends on no other helper. Proves, with :func:`require_raises` on the judge side, that an invalid input
    the contract forbids is refused with the stated exception (``Exception`` subclasses only).
    """
    try:
        call()
    except Exception as err:  # noqa: BLE001 - which exception is the point
        return type(err).__name__
    return None


def one_thread():
    """A context manager: torch (if importable) and BLAS/OpenMP pools (threadpoolctl, if importable) on one
    thread inside the ``with`` block, the previous settings restored on exit. Depends on no other helper.

    Use it around small tensor or matrix work so that timings and results do not depend on how busy the
    machine is (parallel graders share it): ``with one_thread(): ...``.
    """
    import contextlib

    @contextlib.contextmanager
    def pinned():
        with contextlib.ExitStack() as stack:
            try:
                import torch
            except ImportError:
                torch = None
            if torch is not None:
                threads = torch.get_num_threads()
                torch.set_num_threads(1)
                stack.callback(torch.set_num_threads, threads)
            try:
                import threadpoolctl
            except ImportError:
                threadpoolctl = None
            if threadpoolctl is not None:
                stack.enter_context(threadpoolctl.threadpool_limits(limits=1))
            yield

    return pinned()


#: Probe-side helpers and the other helpers each one calls (pass all of them in ``Check(helpers=...)``).
PROBE_DEPS: dict[str, tuple[str, ...]] = {
    "fingerprint": (),
    "guarded_call": (),
    "rng_trials": ("fingerprint",),
    "raised": (),
    "one_thread": (),
}


def with_deps(*helpers: Callable[..., Any]) -> tuple[Callable[..., Any], ...]:
    """The given probe-side helpers plus the helpers they call, each once, dependencies first.

    ``Check(..., helpers=(make_case, *with_deps(rng_trials, guarded_call)))``.
    """
    out: list[Callable[..., Any]] = []

    def add(fn: Callable[..., Any]) -> None:
        for dep in PROBE_DEPS.get(fn.__name__, ()):
            add(globals()[dep])
        if fn not in out:
            out.append(fn)

    for fn in helpers:
        add(fn)
    return tuple(out)


# =========================================================================================================
# Judge side: requirements with student-facing messages, distribution tests with stated power
# =========================================================================================================

#: Reject when a p-value falls below this: the two-sided 5σ normal tail, erfc(5/√2) ≈ 5.7e-7. A check that
#: makes m such tests on the reference has a false-failure rate of at most m·P_MIN (≤ 1e-4 for m ≤ 170).
P_MIN: float = math.erfc(5.0 / math.sqrt(2.0))

_KIND_NAMES = {
    "f": "float",
    "i": "integer",
    "u": "unsigned integer",
    "b": "boolean",
    "c": "complex",
    "O": "object",
    "U": "string",
}


def require_rng_discipline(
    findings: Findings, trials: Any, what: str, need_differs: bool = True, need_consumed: bool = True
) -> bool:
    """Require what :func:`rng_trials` measured: all randomness comes from the ``rng`` argument.

    Proves (one message per failed property): the function ran (no exception); same seed → identical
    output (reproducible; a fresh Generator per call is honoured); different seeds → different output
    (``need_differs``; it draws from ``rng``, not from a fixed seed of its own or a draw reused from an
    earlier call); NumPy's global generator and torch's were not used; the ``rng`` argument was drawn from
    (``need_consumed``). Returns True when every requirement holds. Messages never name the hidden inputs.
    """
    if not isinstance(trials, Mapping):
        return findings.require(False, f"{what}: the reproducibility test produced no result")
    error = trials.get("error")
    if error is not None:
        name = str(error).split(":", 1)[0].strip() or "an error"
        return findings.require(False, f"{what} raised {name} when called with a fresh numpy Generator")
    ok = findings.require(
        trials.get("same") is True,
        f"{what} must give identical results when called twice with Generators made from the same seed "
        "(take all randomness from the rng argument; keep no state between calls)",
    )
    if need_differs:
        ok &= findings.require(
            trials.get("differs") is True,
            f"{what} must give different results for different seeds: draw from the rng argument on every "
            "call, not from a fixed seed of its own or a draw reused from an earlier call",
        )
    ok &= findings.require(
        trials.get("global_untouched") is True,
        f"{what} must not use the global NumPy generator (np.random.*) or torch's global generator "
        "(torch.manual_seed, torch.rand, ...); draw from the rng argument",
    )
    if need_consumed:
        ok &= findings.require(
            trials.get("consumed") is True, f"{what} must draw its random numbers from the rng argument"
        )
    return bool(ok)


def require_unmodified(findings: Findings, modified: Any, what: str) -> bool:
    """Require that :func:`guarded_call` found no input modified in place (``modified`` is its list).

    Proves: the function left every (copyable, non-generator) argument as it was, up to a 1e-12 relative
    rounding residue. The message names the argument by position (1-based) or keyword, never its value.
    """
    if not isinstance(modified, list):
        return findings.require(False, f"{what}: the input-immutability test produced no result")
    names = [f"argument {k + 1}" if isinstance(k, int) else f"argument {k!s}" for k in modified]
    return findings.require(
        not modified,
        f"{what} must not modify its inputs in place ({', '.join(names)} changed); work on a copy",
    )


def require_raises(findings: Findings, got: Any, what: str, allowed: Sequence[str] = ("ValueError",)) -> bool:
    """Require that :func:`raised` saw one of the ``allowed`` exception classes (``what`` names the case).

    Proves: the invalid input the contract forbids is refused with the stated exception, not accepted
    silently and not refused by accident with another error (an IndexError from deep inside, say).
    """
    want = " or ".join(allowed)
    if got is None:
        return findings.require(False, f"{what} must raise {want}")
    return findings.require(got in allowed, f"{what} must raise {want}, not {got}")


def require_dtype_kind(findings: Findings, kind: Any, allowed: Iterable[str] | str, what: str) -> bool:
    """Require a returned array's ``dtype.kind`` (e.g. ``"f"``, reported by the probe) to be in ``allowed``.

    Proves: the result has the kind of number the contract states (``allowed="f"`` accepts float16/32/64
    alike — say so in the contract, or check the width separately).
    """
    allowed = tuple(allowed)
    names = " or ".join(_KIND_NAMES.get(k, k) for k in allowed)
    got = _KIND_NAMES.get(kind, str(kind)) if isinstance(kind, str) else "unknown"
    return findings.require(kind in allowed, f"{what} must be a {names} array, not {got}")


def require_pvalue(findings: Findings, p: float, what: str) -> bool:
    """Require a distribution test's p-value ≥ :data:`P_MIN` (``what`` names the property, e.g. "the step
    lengths do not follow the exponential distribution")."""
    return findings.require(bool(np.isfinite(p)) and p >= P_MIN, what)


def ks_pvalue(sample: Any, cdf: Callable[[np.ndarray], np.ndarray] | str, args: tuple = ()) -> float:
    """Two-sided one-sample Kolmogorov–Smirnov p-value of ``sample`` against a continuous ``cdf``.

    ``cdf`` is a vectorised callable or a scipy.stats distribution name (with ``args``). Proves, when
    ≥ :data:`P_MIN`: the whole empirical distribution is within the KS band of the stated one — the test
    sees every quantile, not only low moments. Power: at n samples it rejects (at P_MIN) a maximal CDF
    distance D ≳ 2.74/√n about half of the time and D ≳ 3.6/√n almost always (e.g. n = 10 000 detects a
    distance of 0.036; compare 1.36/√n at the 5 % level). Exact for continuous distributions with
    parameters fixed in advance; for discrete data use :func:`chi2_pvalue`. Returns 0.0 for an empty or
    non-finite sample.
    """
    from scipy import stats

    x = np.asarray(sample, dtype=float).ravel()
    if x.size == 0 or not np.all(np.isfinite(x)):
        return 0.0
    return float(stats.kstest(x, cdf, args=args).pvalue)


def chi2_pvalue(counts: Any, probs: Any, min_expected: float = 5.0) -> float:
    """Pearson χ² goodness-of-fit p-value of observed ``counts`` against category probabilities ``probs``.

    Adjacent bins (in the given order) whose expected count n·p is below ``min_expected`` are merged with
    their neighbours so the χ² approximation holds. A count in a bin of probability 0 gives p = 0. Proves,
    when ≥ :data:`P_MIN`: the frequencies match the stated distribution in every (merged) bin. Power: with k
    bins and n draws it detects a deviation whose non-centrality n·Σ(p'−p)²/p reaches about 25 + 3k (e.g.
    one probability off by δ on a bin of probability p needs n·δ²/p ≳ 25-40); for a single proportion this
    is the 5σ binomial test. Raises ValueError (a judge bug) when the shapes differ or probs do not sum to 1.
    """
    from scipy import stats

    c = np.asarray(counts, dtype=float).ravel()
    p = np.asarray(probs, dtype=float).ravel()
    if c.shape != p.shape or np.any(p < 0) or abs(p.sum() - 1.0) > 1e-9:
        raise ValueError("chi2_pvalue: counts and probs must have the same length and probs sum to 1")
    if np.any(c < 0) or not np.all(np.isfinite(c)):
        return 0.0
    if np.any((p == 0) & (c > 0)):
        return 0.0
    n = c.sum()
    if n == 0:
        return 0.0
    merged_c: list[float] = []
    merged_e: list[float] = []
    acc_c = acc_e = 0.0
    for ci, ei in zip(c, n * p, strict=True):
        acc_c += ci
        acc_e += ei
        if acc_e >= min_expected:
            merged_c.append(acc_c)
            merged_e.append(acc_e)
            acc_c = acc_e = 0.0
    if acc_e > 0 or acc_c > 0:
        if merged_e:
            merged_c[-1] += acc_c
            merged_e[-1] += acc_e
        else:
            merged_c.append(acc_c)
            merged_e.append(acc_e)
    if len(merged_e) < 2:
        return 1.0  # one bin: nothing to test (all draws are in it by construction)
    oc, ex = np.array(merged_c), np.array(merged_e)
    stat = float(np.sum((oc - ex) ** 2 / ex))
    return float(stats.chi2.sf(stat, len(ex) - 1))


def moments_z(
    sample: Any, mean: float, var: float, skew: float | None = None, kurt: float | None = None
) -> dict[str, float]:
    """z-scores of the sample's first moments against the population's ``mean``, ``var`` and optionally
    ``skew`` (standardised third moment) and ``kurt`` (excess kurtosis, 0 for a normal).

    With u = (x − mean)/√var, each z is (mean of u^k − E u^k) / (sample std of u^k / √n) for k = 1…4
    (E u = 0, E u² = 1, E u³ = skew, E u⁴ = kurt + 3): asymptotically standard normal for a correct
    sample, so require |z| ≤ K_SIGMA (5) for each. Proves: the location, scale and shape moments match —
    weaker than :func:`ks_pvalue` for continuous data (use both when a wrong variant shares the low moments,
    e.g. a cube-normalised direction vs a uniform one: test the higher moments or the whole distribution).
    Power: at n samples it detects a mean shift of about 5·σ/√n, a relative variance error of about
    5·√((kurt+2)/n) (≈ 7/√n for a normal), a skewness error of about 5·√(15/n)... for a normal
    (std of u³ = √15). Returns NaN entries for a sample with fewer than 2 finite values.
    """
    x = np.asarray(sample, dtype=float).ravel()
    out: dict[str, float] = {}
    if x.size < 2 or not np.all(np.isfinite(x)) or not var > 0:
        nan = float("nan")
        return {k: nan for k, v in (("mean", 0), ("var", 0), ("skew", skew), ("kurt", kurt)) if v is not None}
    u = (x - mean) / math.sqrt(var)
    targets = {"mean": (1, 0.0), "var": (2, 1.0)}
    if skew is not None:
        targets["skew"] = (3, float(skew))
    if kurt is not None:
        targets["kurt"] = (4, float(kurt) + 3.0)
    for name, (k, target) in targets.items():
        uk = u**k
        se = float(np.std(uk, ddof=1)) / math.sqrt(u.size)
        diff = float(np.mean(uk)) - target
        out[name] = diff / se if se > 0 else (0.0 if diff == 0 else math.inf)
    return out


def z_ok(z: Mapping[str, float] | float, k_sigma: float = 5.0) -> bool:
    """All z-scores (a :func:`moments_z` dict or one number) finite and within ±``k_sigma``."""
    values = list(z.values()) if isinstance(z, Mapping) else [z]
    return all(math.isfinite(v) and abs(v) <= k_sigma for v in values)
