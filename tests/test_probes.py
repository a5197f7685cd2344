"""The judge toolkit (autograder/probes.py): every helper on a correct and on a wrong function, the probe-side
helpers self-contained, and a Check using them round-trips through its generated hidden cell."""

from __future__ import annotations

import builtins
import inspect
import math
import textwrap

import numpy as np
import pytest

from autograder import probes
from autograder.checks import Check, Findings
from autograder.probes import (
    P_MIN,
    chi2_pvalue,
    fingerprint,
    guarded_call,
    ks_pvalue,
    moments_z,
    one_thread,
    raised,
    require_dtype_kind,
    require_raises,
    require_rng_discipline,
    require_unmodified,
    rng_trials,
    with_deps,
    z_ok,
)


# -- fingerprint ------------------------------------------------------------------------------------------
def test_fingerprint_is_content_based():
    a = np.arange(12.0).reshape(3, 4) / 7
    assert fingerprint(a) == fingerprint(a.copy())
    assert fingerprint(a) == fingerprint(a * (1 + 1e-15))  # below 12 significant digits
    assert fingerprint(a) != fingerprint(a * (1 + 1e-9))
    assert fingerprint(a) != fingerprint(a.reshape(4, 3))
    assert fingerprint(a.astype(np.float32)) == fingerprint(a.astype(np.float32).astype(np.float64))
    assert fingerprint(np.arange(3)) != fingerprint(np.arange(3.0))  # value kind is content
    assert fingerprint(-0.0) == fingerprint(0.0)
    assert fingerprint(float("nan")) == fingerprint(float("nan")) != fingerprint(float("inf"))
    assert fingerprint({"a": 1, "b": [1.0, None]}) == fingerprint({"b": [1.0, None], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": True})
    assert fingerprint([1, 2]) == fingerprint((1, 2)) != fingerprint([2, 1])
    assert fingerprint(2**100) != fingerprint(2**100 + 1)
    assert fingerprint(None) != fingerprint(0)
    assert len(fingerprint(a)) == 16 and int(fingerprint(a), 16) >= 0


def test_fingerprint_of_torch_tensors():
    torch = pytest.importorskip("torch")
    t = torch.arange(6, dtype=torch.float32).reshape(2, 3) / 3
    assert fingerprint(t) == fingerprint(t.clone())
    assert fingerprint(t) == fingerprint(t.numpy())
    assert fingerprint(t) != fingerprint(t + 1e-3)
    assert fingerprint([t, {"w": t.requires_grad_()}]) == fingerprint([t.detach(), {"w": t.detach()}])


def test_fingerprint_rounding_edge_renormalises():
    # 1 - 2^-45 rounds to a mantissa of exactly 1: must equal 1.0 itself
    assert fingerprint(1.0 - 2.0**-45) == fingerprint(1.0)
    assert fingerprint(np.array([1.0 - 2.0**-45, 3.0])) == fingerprint(np.array([1.0, 3.0]))


# -- guarded_call -----------------------------------------------------------------------------------------
def pure(x, table, *, scale=1.0):
    y = x.copy()
    y[0] += scale
    return y.sum() + len(table)


def in_place(x, table, *, scale=1.0):
    x[0] += scale
    return x.sum()


def restores_arithmetically(x, table, *, scale=1.0):
    x += 0.1
    s = x.sum()
    x -= 0.1  # x is back up to a rounding residue (≈ 1e-17)
    return s


def fills_dict(x, table, *, scale=1.0):
    table.setdefault("cache", []).append(1)
    return len(table)


def test_guarded_call_reports_in_place_modification():
    def args():
        return np.linspace(0.0, 1.0, 7) * 0.3, {"a": [1, 2]}

    x, t = args()
    result, modified = guarded_call(pure, x, t, scale=2.0)
    assert modified == [] and result == pytest.approx(pure(*args(), scale=2.0))
    x, t = args()
    assert guarded_call(in_place, x, t, scale=2.0)[1] == [0]
    x, t = args()
    assert guarded_call(fills_dict, x, t)[1] == [1]
    x, t = args()
    assert guarded_call(lambda x, table, **k: table["a"].append(3), x, t)[1] == [1]
    x, t = args()
    assert guarded_call(lambda x, table, out: out.fill(1.0), x, t, out=np.zeros(3))[1] == ["out"]


def test_guarded_call_accepts_arithmetic_restoration():
    x = np.array([0.3, 1e-5, 0.7, 0.0, -2.5])
    before = x.copy()
    _, modified = guarded_call(restores_arithmetically, x, {})
    assert not np.array_equal(x, before)  # the residue is there ...
    assert np.max(np.abs(x - before)) < 1e-15
    assert modified == []  # ... and not judged as a modification
    x = np.array([0.3, 1.0])
    _, modified = guarded_call(lambda x: x.__setitem__(1, 1.0 + 1e-9), x)
    assert modified == [0]  # a real change, however small, above 1e-12 relative


def test_guarded_call_nan_shape_dtype_and_generators():
    x = np.array([np.nan, 1.0])
    assert guarded_call(lambda x: x * 2, x)[1] == []
    assert guarded_call(lambda x: x.__setitem__(0, 0.0), x)[1] == [0]
    lst = [1, 2]
    assert guarded_call(lambda v: v.append(3), lst)[1] == [0]
    # drawing from a generator argument is not a modification
    assert guarded_call(lambda n, rng: rng.normal(size=n), 3, np.random.default_rng(1))[1] == []
    with pytest.raises(ZeroDivisionError):
        guarded_call(lambda: 1 / 0)


def test_guarded_call_torch():
    torch = pytest.importorskip("torch")
    w = torch.ones(3, 3)
    assert guarded_call(lambda w: w * 2, w)[1] == []
    assert guarded_call(lambda w: w.mul_(2), w)[1] == [0]
    model = torch.nn.Linear(2, 2)
    assert guarded_call(lambda m: m(torch.ones(1, 2)), model)[1] == []

    def step(m):
        with torch.no_grad():
            m.weight.add_(1.0)

    assert guarded_call(step, model)[1] == [0]


# -- rng_trials and require_rng_discipline ----------------------------------------------------------------
def good(n, rng):
    return rng.normal(size=n)


def global_numpy(n, rng):
    return np.random.normal(size=n)


def fixed_seed(n, rng):
    return np.random.default_rng(0).normal(size=n)


_CACHE: dict = {}


def draw_once(n, rng):
    if n not in _CACHE:
        _CACHE[n] = rng.normal(size=n)
    return _CACHE[n]


def ignores_rng(n, rng):
    return np.ones(n)


def unseeded(n, rng):
    return np.random.default_rng().normal(size=n) + 0 * rng.random()


def seeds_global(n, rng):
    np.random.seed(3)
    return rng.normal(size=n) + np.random.normal(size=n)


def torch_global(n, rng):
    import torch

    return torch.randn(n).numpy() + rng.normal(size=n)


def torch_good(n, rng):
    import torch

    g = torch.Generator().manual_seed(int(rng.integers(2**31)))
    return torch.randn(n, generator=g).numpy()


def raises(n, rng):
    raise RuntimeError("hidden detail 17")


def _judge(trials, **kw):
    f = Findings()
    ok = require_rng_discipline(f, trials, "sample", **kw)
    assert ok == (not f.failed)
    return f.failed


def test_rng_trials_correct_functions_pass():
    for fn in (good, torch_good):
        trials = rng_trials(lambda rng, fn=fn: fn(5, rng), 11)
        assert trials == {
            "same": True,
            "differs": True,
            "global_untouched": True,
            "consumed": True,
            "error": None,
        }
        assert _judge(trials) == []


@pytest.mark.parametrize(
    ("fn", "failing"),
    [
        # the global state is restored after each trial, so a global-generator function repeats itself
        (global_numpy, {"differs", "global_untouched", "consumed"}),
        (fixed_seed, {"differs", "consumed"}),
        (draw_once, {"differs", "consumed"}),
        (ignores_rng, {"differs", "consumed"}),
        (unseeded, {"same"}),
        (seeds_global, {"global_untouched"}),
        (torch_global, {"global_untouched"}),
    ],
    ids=lambda v: getattr(v, "__name__", "props"),
)
def test_rng_trials_wrong_functions_fail(fn, failing):
    import torch  # noqa: F401 - torch's global generator is watched once torch is imported

    _CACHE.clear()
    state = np.random.get_state()
    trials = rng_trials(lambda rng: fn(4, rng), 5)
    expected_true = {"same", "differs", "global_untouched", "consumed"} - failing
    assert {k for k in expected_true if trials[k] is True} == expected_true, trials
    assert {k for k in failing if trials[k] is False} == failing, trials
    assert trials["error"] is None
    assert _judge(trials)  # refused, with at least one message
    after = np.random.get_state()  # the global state is restored after every trial
    assert np.array_equal(after[1], state[1]) and after[2] == state[2]


def test_rng_trials_survives_a_raising_call_and_messages_hide_details():
    trials = rng_trials(lambda rng: raises(3, rng), 1)
    assert trials["error"].startswith("RuntimeError: hidden detail 17")
    (message,) = _judge(trials)
    assert "RuntimeError" in message and "17" not in message


def test_require_rng_discipline_options_and_garbage():
    trials = {"same": True, "differs": False, "global_untouched": True, "consumed": False, "error": None}
    assert _judge(trials, need_differs=False, need_consumed=False) == []
    assert len(_judge(trials)) == 2
    assert _judge(None) and _judge({"same": "yes"})


# -- raised / require_raises / require_unmodified / require_dtype_kind ------------------------------------
def checked_sqrt(x):
    if x < 0:
        raise ValueError("negative")
    return math.sqrt(x)


def test_raised_and_require_raises():
    assert raised(lambda: checked_sqrt(-1)) == "ValueError"
    assert raised(lambda: math.sqrt(-1)) == "ValueError"
    assert raised(lambda: checked_sqrt(4)) is None
    assert raised(lambda: [][1]) == "IndexError"
    f = Findings()
    assert require_raises(f, "ValueError", "sqrt of a negative number")
    assert not require_raises(f, None, "sqrt of a negative number")
    assert not require_raises(f, "IndexError", "sqrt of a negative number")
    assert require_raises(f, "TypeError", "x", allowed=("TypeError", "ValueError"))
    assert len(f.failed) == 2 and all("must raise ValueError" in m for m in f.failed)


def test_require_unmodified_and_dtype_kind():
    f = Findings()
    assert require_unmodified(f, [], "walk")
    assert not require_unmodified(f, [0, "out"], "walk")
    assert "argument 1" in f.failed[0] and "argument out" in f.failed[0]
    assert not require_unmodified(f, None, "walk")
    g = Findings()
    assert require_dtype_kind(g, "f", "f", "positions")
    assert require_dtype_kind(g, "i", ("i", "u"), "counts")
    assert not require_dtype_kind(g, "i", "f", "positions")
    assert not require_dtype_kind(g, None, "f", "positions")
    assert g.failed[0] == "positions must be a float array, not integer"


# -- distribution tests -----------------------------------------------------------------------------------
def test_p_min_is_the_two_sided_five_sigma_tail():
    assert P_MIN == pytest.approx(5.733e-7, rel=1e-3)


def test_ks_pvalue_power():
    from scipy import stats

    rng = np.random.default_rng(0)
    n = 20_000
    assert ks_pvalue(rng.exponential(size=n), "expon") > P_MIN
    assert ks_pvalue(rng.exponential(size=n), stats.expon.cdf) > P_MIN
    # a rate off by 5 %: maximal CDF distance ≈ 0.018 ≥ 3.6/√n = 0.025? no — use n large enough
    assert ks_pvalue(rng.exponential(1.05, size=4 * n), "expon") < P_MIN
    # normalised-cube direction component vs uniform-sphere component (uniform on [-1, 1] in 3-d)
    v = rng.uniform(-1, 1, size=(n, 3))
    cube = (v / np.linalg.norm(v, axis=1, keepdims=True))[:, 0]
    g = rng.normal(size=(n, 3))
    sphere = (g / np.linalg.norm(g, axis=1, keepdims=True))[:, 0]
    assert ks_pvalue(sphere, "uniform", args=(-1, 2)) > P_MIN
    assert ks_pvalue(cube, "uniform", args=(-1, 2)) < P_MIN
    assert ks_pvalue([], "norm") == 0.0 and ks_pvalue([np.nan, 1.0], "norm") == 0.0


def test_chi2_pvalue_power_and_merging():
    rng = np.random.default_rng(1)
    n, dt, rate = 200_000, 0.1, 2.0
    p_right = 1 - math.exp(-rate * dt)
    tumbles = rng.random(n) < p_right
    counts = [tumbles.sum(), n - tumbles.sum()]
    assert chi2_pvalue(counts, [p_right, 1 - p_right]) > P_MIN
    wrong = rng.random(n) < rate * dt  # rate·dt instead of 1 - e^(-rate·dt)
    assert chi2_pvalue([wrong.sum(), n - wrong.sum()], [p_right, 1 - p_right]) < P_MIN
    # a Poisson with a long tail of tiny bins is merged, not rejected
    lam, k = 3.0, np.arange(30)
    probs = np.exp(-lam) * lam**k / np.array([math.factorial(int(i)) for i in k])
    probs[-1] += 1 - probs.sum()
    counts = np.bincount(np.minimum(rng.poisson(lam, size=5000), 29), minlength=30)
    assert chi2_pvalue(counts, probs) > P_MIN
    assert chi2_pvalue(np.bincount(np.minimum(rng.poisson(3.3, 5000), 29), minlength=30), probs) < P_MIN
    assert chi2_pvalue([3, 1], [1.0, 0.0]) == 0.0
    with pytest.raises(ValueError):
        chi2_pvalue([1, 2], [0.5, 0.6])


def test_moments_z_sees_higher_moments():
    rng = np.random.default_rng(2)
    n = 100_000
    z = moments_z(rng.normal(size=n), 0.0, 1.0, skew=0.0, kurt=0.0)
    assert set(z) == {"mean", "var", "skew", "kurt"} and z_ok(z)
    # same mean and variance, wrong shape: a uniform of variance 1 has excess kurtosis -1.2
    u = rng.uniform(-math.sqrt(3), math.sqrt(3), size=n)
    zu = moments_z(u, 0.0, 1.0, skew=0.0, kurt=0.0)
    assert abs(zu["mean"]) < 5 and abs(zu["var"]) < 5 and not z_ok(zu)
    assert not z_ok(moments_z(rng.normal(0.05, 1.0, size=n), 0.0, 1.0))
    assert not z_ok(moments_z([1.0], 0.0, 1.0))


# -- one_thread ---------------------------------------------------------------------------------------------
def test_one_thread_pins_and_restores():
    torch = pytest.importorskip("torch")
    threadpoolctl = pytest.importorskip("threadpoolctl")
    torch.set_num_threads(2)
    try:
        with one_thread():
            assert torch.get_num_threads() == 1
            assert all(p["num_threads"] == 1 for p in threadpoolctl.threadpool_info())
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(1)


# -- self-contained probe-side helpers --------------------------------------------------------------------
PROBE_SIDE = [fingerprint, guarded_call, rng_trials, raised, one_thread]


def _isolated(fn):
    """``fn`` and its declared helper deps exec'd alone in a fresh namespace (what the hidden cell holds)."""
    ns = {"__builtins__": builtins}
    for h in with_deps(fn):
        exec(textwrap.dedent(inspect.getsource(h)), ns)  # noqa: S102
    assert set(ns) - {"__builtins__"} == {h.__name__ for h in with_deps(fn)}
    return ns[fn.__name__]


def test_probe_deps_are_declared_for_every_probe_side_helper():
    assert set(probes.PROBE_DEPS) == {h.__name__ for h in PROBE_SIDE}
    assert with_deps(rng_trials) == (fingerprint, rng_trials)
    assert with_deps(rng_trials, fingerprint, raised) == (fingerprint, rng_trials, raised)
    for h in PROBE_SIDE:
        src = inspect.getsource(h)
        assert src.startswith(f"def {h.__name__}(") and h.__doc__
        assert "depends on" in h.__doc__.lower()
        # no multi-line string literal besides the docstring
        body = src.split('"""', 2)[2]
        assert '"""' not in body and "'''" not in body


def test_probe_side_helpers_are_self_contained():
    fp = _isolated(fingerprint)
    assert fp({"a": np.arange(3.0)}) == fingerprint({"a": np.arange(3.0)})
    gc = _isolated(guarded_call)
    assert gc(in_place, np.zeros(3), {})[1] == [0] and gc(pure, np.zeros(3), {})[1] == []
    rt = _isolated(rng_trials)
    assert rt(lambda rng: good(3, rng), 4) == rng_trials(lambda rng: good(3, rng), 4)
    assert rt(lambda rng: fixed_seed(3, rng), 4)["differs"] is False
    assert _isolated(raised)(lambda: checked_sqrt(-1)) == "ValueError"
    with _isolated(one_thread)():
        pass


# -- a Check that uses them, through its generated hidden cell ------------------------------------------
def probe_sample(sample, cases):
    import numpy as np

    out = []
    for case in cases:
        x0 = np.zeros(case["n"])
        y, modified = guarded_call(sample, x0, np.random.default_rng(case["seed"]))
        trials = rng_trials(lambda rng, n=case["n"]: sample(np.zeros(n), rng), case["seed"])
        bad = raised(lambda: sample(np.zeros(0), np.random.default_rng(0)))
        out.append({"y": np.asarray(y).tolist(), "kind": np.asarray(y).dtype.kind, "modified": modified})
        out[-1].update({"trials": trials, "bad": bad, "fp": fingerprint(y)})
    return out


def judge_sample(data, cases):
    f = Findings()
    for _case, got in zip(cases, data, strict=True):
        require_unmodified(f, got["modified"], "sample")
        require_rng_discipline(f, got["trials"], "sample")
        require_raises(f, got["bad"], "sample with an empty start")
        require_dtype_kind(f, got["kind"], "f", "the result")
        f.require(ks_pvalue(np.asarray(got["y"]) - 0.0, "norm") >= P_MIN, "the draws are not standard normal")
    return f.verdict()


def sample_ok(x0, rng):
    if len(x0) == 0:
        raise ValueError("empty")
    return x0 + rng.normal(size=x0.shape)


def sample_in_place(x0, rng):
    if len(x0) == 0:
        raise ValueError("empty")
    x0 += rng.normal(size=x0.shape)
    return x0


SAMPLE = Check(
    "sample",
    ("sample",),
    1,
    [{"n": 2000, "seed": 3}],
    probe_sample,
    judge_sample,
    helpers=with_deps(guarded_call, rng_trials, raised),
)


def test_check_using_the_toolkit_round_trips_through_its_cell():
    assert SAMPLE.grade(sample_ok).passed
    verdict = SAMPLE.grade(sample_in_place)
    assert not verdict.passed and any("modify" in m for m in verdict.messages)
    assert not SAMPLE.grade(lambda x0, rng: x0 + np.random.normal(size=x0.shape)).passed
    src = SAMPLE.cell_source()
    code = compile(src, "<probe cell>", "exec")
    shown = []

    class FakeDisplay:
        @staticmethod
        def display(obj, raw=False):
            shown.append(obj)

    import sys
    import types

    fake_ipython = types.ModuleType("IPython")
    fake_display = types.ModuleType("IPython.display")
    fake_display.display = FakeDisplay.display
    saved = {k: sys.modules.get(k) for k in ("IPython", "IPython.display")}
    sys.modules.update({"IPython": fake_ipython, "IPython.display": fake_display})
    try:
        exec(code, {"__builtins__": builtins, "sample": sample_ok})  # noqa: S102
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    (payload,) = shown
    data = next(iter(payload.values()))["data"]
    assert SAMPLE.decide(data).passed
    assert data[0]["fp"] == fingerprint(sample_ok(np.zeros(2000), np.random.default_rng(3)))
