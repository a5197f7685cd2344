"""Graded checks of unit 05, Temporal-difference learning: probes (student's kernel) and judges (here).

* ``tapped_delay_line``, ``td_trials`` and ``rms_error`` are deterministic: compared with grader-side
  reference code on regenerated inputs.
* The random-walk learners use the ``rng`` in ways that differ between correct implementations, so their
  judges combine **exact structural checks** that hold for any random walk (the first episode of TD(0)
  changes only the end state it left from; every-visit Monte Carlo moves each state by a whole power of
  (1 − α) towards the return; with λ = 1 the first episode of TD(λ) writes α × the visit counts of a walk)
  with **statistical checks** against reference statistics of correct implementations (mean and
  run-to-run spread of the RMS error, K_SIGMA standard errors). The reference statistics below were
  computed with :func:`simulate_runs` (vectorised, grader-side) over ``REFERENCE_RUNS`` runs; the full-tier
  test in ``tests/test_unit_05_td_learning.py`` recomputes them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.checks import K_SIGMA, Cases, Check, Findings, JudgeError, Verdict, as_array
from autograder.probes import (
    guarded_call,
    raised,
    require_dtype_kind,
    require_raises,
    require_rng_discipline,
    require_unmodified,
    rng_trials,
    with_deps,
)


# ---------------------------------------------------------------------------------------------------------
# tapped_delay_line(T, stim_time) -> (T, T)
# ---------------------------------------------------------------------------------------------------------
def probe_tapped_delay_line(tapped_delay_line, cases):
    import numpy as np

    out = []
    for case in cases:
        if case.get("bad"):
            out.append({"error": raised(lambda c=case: tapped_delay_line(c["T"], c["stim_time"]))})
            continue
        u = tapped_delay_line(case["T"], case["stim_time"])
        kind = getattr(getattr(u, "dtype", None), "kind", None)
        out.append({"u": np.asarray(u, dtype=float).tolist(), "kind": kind})
    return out


def _delay_line_reference(T: int, stim_time: int) -> np.ndarray:
    u = np.zeros((T, T))
    k = np.arange(T - stim_time)
    u[stim_time + k, k] = 1.0
    return u


def judge_tapped_delay_line(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        T, s = case["T"], case["stim_time"]
        if case.get("bad"):
            require_raises(f, got.get("error"), "tapped_delay_line with a stimulus time outside 0 … T − 1")
            continue
        if not f.require("u" in got, "tapped_delay_line raised an error on valid input"):
            continue
        require_dtype_kind(f, got.get("kind"), "f", "u")
        u = as_array(got["u"], (T, T), "u")
        f.require(
            np.array_equal(u, _delay_line_reference(T, s)),
            "u[t, k] must be 1 exactly when t = stim_time + k (rows: time, columns: delay), and 0 elsewhere",
        )
    return f.verdict()


DELAY_LINE_CASES = [
    {"T": 9, "stim_time": 3},
    {"T": 6, "stim_time": 0},
    {"T": 7, "stim_time": 6},
    {"T": 1, "stim_time": 0},
    {"T": 5, "stim_time": 5, "bad": 1},
    {"T": 5, "stim_time": -1, "bad": 1},
    {"T": 4, "stim_time": 9, "bad": 1},
]


# ---------------------------------------------------------------------------------------------------------
# td_trials(n_trials, T, stim_time, reward_time, reward=1.0, epsilon=0.2, gamma=1.0) -> (v, delta)
# ---------------------------------------------------------------------------------------------------------
def probe_td_trials(td_trials, cases):
    import numpy as np

    out = []
    for case in cases:
        kwargs = {k: case[k] for k in ("reward", "epsilon", "gamma") if k in case}
        args = (case["n_trials"], case["T"], case["stim_time"], case["reward_time"])
        if case.get("bad"):
            out.append({"error": raised(lambda a=args, k=kwargs: td_trials(*a, **k))})
            continue
        v, delta = td_trials(*args, **kwargs)
        kinds = [getattr(getattr(a, "dtype", None), "kind", None) for a in (v, delta)]
        out.append(
            {
                "v": np.asarray(v, dtype=float).tolist(),
                "delta": np.asarray(delta, dtype=float).tolist(),
                "kinds": kinds,
                "shapes": [list(np.shape(v)), list(np.shape(delta))],
            }
        )
    return out


def _td_trials_reference(
    n_trials: int, T: int, stim: int, reward_time: int, reward: float, epsilon: float, gamma: float
) -> tuple[np.ndarray, np.ndarray]:
    w = np.zeros(T)
    r = np.zeros(T)
    r[reward_time] = reward
    values = np.zeros((n_trials, T))
    errors = np.zeros((n_trials, T))
    for n in range(n_trials):
        v = np.zeros(T)
        v[stim:] = w[: T - stim]
        delta = r + gamma * np.append(v[1:], 0.0) - v
        values[n], errors[n] = v, delta
        w[: T - stim] += epsilon * delta[stim:]
    return values, errors


def judge_td_trials(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        n, T = case["n_trials"], case["T"]
        if not isinstance(got, dict):
            raise JudgeError("the probe returned no result")
        if case.get("bad"):
            require_raises(f, got.get("error"), f"td_trials with {case['bad']}")
            continue
        kinds = got.get("kinds") if isinstance(got.get("kinds"), list) else [None, None]
        require_dtype_kind(f, kinds[0], "f", "v")
        require_dtype_kind(f, kinds[-1], "f", "delta")
        if n == 0:
            f.require(
                got.get("shapes") == [[0, T], [0, T]], "with n_trials = 0, v and delta must have shape (0, T)"
            )
            continue
        want_v, want_d = _td_trials_reference(
            n,
            T,
            case["stim_time"],
            case["reward_time"],
            case.get("reward", 1.0),
            case.get("epsilon", 0.2),
            case.get("gamma", 1.0),
        )
        v = as_array(got["v"], (n, T), "v")
        d = as_array(got["delta"], (n, T), "delta")
        f.require(np.all(v[0] == 0), "row 0 must hold the first trial, before any learning (v = 0)")
        f.require(
            np.allclose(d, want_d, rtol=1e-9, atol=1e-12),
            "δ(t) is not r(t) + γ·v(t+1) − v(t) with v(T) = 0, computed with the weights at the start of "
            "each trial",
        )
        f.require(
            np.allclose(v, want_v, rtol=1e-9, atol=1e-12),
            "the values do not follow v(t) = Σ_k w[k]·u[t, k] with w[k] ← w[k] + ε·δ(t)·u[t, k]",
        )
    return f.verdict()


TD_TRIALS_CASES = [
    {"n_trials": 40, "T": 30, "stim_time": 5, "reward_time": 20, "reward": 1.0, "epsilon": 0.3, "gamma": 1.0},
    {"n_trials": 30, "T": 25, "stim_time": 3, "reward_time": 15, "reward": 2.0, "epsilon": 0.5, "gamma": 0.9},
    {"n_trials": 20, "T": 20, "stim_time": 12, "reward_time": 4, "reward": 1.5, "epsilon": 0.2, "gamma": 1.0},
    {"n_trials": 25, "T": 15, "stim_time": 0, "reward_time": 14},
    {"n_trials": 30, "T": 12, "stim_time": 2, "reward_time": 9, "reward": -1.0, "epsilon": 1.0, "gamma": 0.8},
    {"n_trials": 12, "T": 10, "stim_time": 9, "reward_time": 9, "reward": 2, "epsilon": 0.5, "gamma": 1},
    {"n_trials": 0, "T": 6, "stim_time": 1, "reward_time": 4},
    {"n_trials": 10, "T": 8, "stim_time": 0, "reward_time": 0, "reward": 1.5, "epsilon": 0.4},
    {"n_trials": 5, "T": 8, "stim_time": 2, "reward_time": 8, "bad": "reward_time = T"},
    {"n_trials": 5, "T": 8, "stim_time": 2, "reward_time": -1, "bad": "a negative reward_time"},
    {"n_trials": 5, "T": 8, "stim_time": 8, "reward_time": 3, "bad": "stim_time = T"},
]


# ---------------------------------------------------------------------------------------------------------
# rms_error(history, true_values) -> (n_rows,)
# ---------------------------------------------------------------------------------------------------------
def make_history(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    truth = np.linspace(-1.0, 1.0, case["n_states"] + 2)[1:-1]
    history = truth + rng.normal(0.0, 0.3, size=(case["n_rows"], case["n_states"])) + case["bias"]
    return history, truth


def probe_rms_error(rms_error, cases):
    import numpy as np

    out = []
    for case in cases:
        history, truth = make_history(case)
        if case.get("integer"):
            history, truth = np.rint(10 * history).astype(int), np.rint(10 * truth).astype(int)
        if case.get("lists"):
            history, truth = history.tolist(), truth.tolist()
        e, modified = guarded_call(rms_error, history, truth)
        kind = getattr(getattr(e, "dtype", None), "kind", None)
        out.append({"e": np.asarray(e, dtype=float).tolist(), "modified": modified, "kind": kind})
    return out


def judge_rms_error(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        history, truth = make_history(case)
        if case.get("integer"):
            history, truth = np.rint(10 * history).astype(int), np.rint(10 * truth).astype(int)
        want = np.sqrt(np.mean((history - truth) ** 2, axis=1))
        if not isinstance(got, dict):
            raise JudgeError("the probe returned no result")
        require_unmodified(f, got.get("modified"), "rms_error")
        require_dtype_kind(f, got.get("kind"), "f", "the RMS errors")
        got_arr = as_array(got.get("e"), (case["n_rows"],), "rms")
        f.require(
            np.allclose(got_arr, want, rtol=1e-9, atol=1e-12),
            "the error is not, for each row, the square root of the mean over states of the squared error",
        )
    return f.verdict()


RMS_CASES = [
    {"n_rows": 11, "n_states": 5, "bias": 0.0, "seed": 50_301},
    {"n_rows": 4, "n_states": 19, "bias": 0.2, "seed": 50_302},
    {"n_rows": 1, "n_states": 7, "bias": -0.1, "seed": 50_303},
    {"n_rows": 6, "n_states": 6, "bias": 0.1, "seed": 50_304, "integer": 1},
    {"n_rows": 3, "n_states": 5, "bias": 0.0, "seed": 50_305, "lists": 1},
    {"n_rows": 7, "n_states": 1, "bias": 0.3, "seed": 50_306},
]


# ---------------------------------------------------------------------------------------------------------
# Grader-side reference simulations (vectorised over runs) and their statistics
# ---------------------------------------------------------------------------------------------------------
def true_values(n_states: int, left: float, right: float) -> np.ndarray:
    """Values of the states of a symmetric walk with rewards `left`/`right` on the two exits (γ = 1)."""
    p_right = np.arange(1, n_states + 1) / (n_states + 1)
    return left + (right - left) * p_right


def simulate_runs(
    method: str, n_states: int, alpha: float, n_episodes: int, n_runs: int, seed: int, lam: float = 0.0
) -> np.ndarray:
    """Value histories ``(n_runs, n_episodes + 1, n_states)`` of many independent runs at once.

    ``method`` is ``"td0"`` or ``"mc"`` (rewards 0 left / 1 right, V₀ = 0.5, as in Sutton & Barto's
    Example 6.2) or ``"td_lambda"`` (rewards −1 / +1, V₀ = 0, online accumulating traces with parameter
    ``lam``).
    """
    rng = np.random.default_rng(seed)
    left, right, v0 = (-1.0, 1.0, 0.0) if method == "td_lambda" else (0.0, 1.0, 0.5)
    trace_decay = lam if method == "td_lambda" else 0.0
    v = np.full((n_runs, n_states), v0)
    history = np.empty((n_runs, n_episodes + 1, n_states))
    history[:, 0] = v
    every = np.arange(n_runs)
    with np.errstate(all="ignore"):
        for episode in range(n_episodes):
            state = np.full(n_runs, n_states // 2)
            active = np.ones(n_runs, dtype=bool)
            trace = np.zeros((n_runs, n_states))
            visits = np.zeros((n_runs, n_states))
            ret = np.zeros(n_runs)
            while active.any():
                idx = every[active]
                s = state[idx]
                nxt = s + np.where(rng.random(idx.size) < 0.5, 1, -1)
                exit_left, exit_right = nxt < 0, nxt >= n_states
                done = exit_left | exit_right
                if method == "mc":
                    visits[idx, s] += 1
                    ret[idx[exit_right]] = right
                    ret[idx[exit_left]] = left
                else:
                    v_next = np.where(done, 0.0, v[idx, np.clip(nxt, 0, n_states - 1)])
                    reward = np.where(exit_right, right, np.where(exit_left, left, 0.0))
                    delta = reward + v_next - v[idx, s]
                    trace[idx] *= trace_decay
                    trace[idx, s] += 1.0
                    v[idx] += alpha * delta[:, None] * trace[idx]
                state[idx] = nxt
                active[idx[done]] = False
            if method == "mc":
                v = ret[:, None] + (v - ret[:, None]) * (1.0 - alpha) ** visits
            history[:, episode + 1] = v
    return history


def reference_statistics(case: Mapping[str, Any], method: str, n_runs: int, seed: int) -> dict[str, Any]:
    """Mean and spread over runs of the per-run RMS error at the case's sampled rows (row ≥ 1), and of each
    state's value at its last sampled row: what the constants in REFERENCE hold."""
    hist = simulate_runs(
        method, case["n_states"], case["alpha"], case["n_episodes"], n_runs, seed, case.get("lam", 0.0)
    )
    truth = _truth(method, case["n_states"])
    rows = [r for r in case["rows"] if r >= 1]
    rms = np.sqrt(np.mean((hist[:, rows] - truth) ** 2, axis=2))
    last = hist[:, case["rows"][-1]]
    return {
        "rms": {r: [float(rms[:, i].mean()), float(rms[:, i].std(ddof=1))] for i, r in enumerate(rows)},
        "state_mean": [float(x) for x in last.mean(axis=0)],
        "state_sd": [float(x) for x in last.std(axis=0, ddof=1)],
    }


def _truth(method: str, n_states: int) -> np.ndarray:
    return true_values(n_states, -1.0, 1.0) if method == "td_lambda" else true_values(n_states, 0.0, 1.0)


def reference_key(method: str, case: Mapping[str, Any]) -> str:
    n, alpha, lam, episodes = case["n_states"], case["alpha"], case.get("lam", 0.0), case["n_episodes"]
    return f"{method}:n={n}:alpha={alpha}:lam={lam}:ep={episodes}"


REFERENCE_RUNS = 20_000
# Generated by reference_statistics(case, method, REFERENCE_RUNS, seed) for every case below (not the
# diverging one); regenerate them whenever a case changes.
# fmt: off
REFERENCE: dict[str, dict[str, Any]] = {
    "td0:n=5:alpha=0.05:lam=0.0:ep=100": {
        "rms": {
            1: (0.228795153406, 2.7756269531e-17),
            10: (0.174580888978, 0.00234385837464),
            25: (0.109703029926, 0.00654927252965),
            50: (0.0534034632287, 0.0136769229304),
            100: (0.0353577049992, 0.016517727836),
        },
        "state_mean": [
            0.167122868477, 0.332579461302, 0.499490492743, 0.66658436981, 0.832387658613,
        ],
        "state_sd": [
            0.0321644449388, 0.0417833637904, 0.0451798091388, 0.0418515023361, 0.0322525055661,
        ],
    },
    "td0:n=7:alpha=0.15:lam=0.0:ep=30": {
        "rms": {
            1: (0.235091167726, 0),
            5: (0.182919894621, 0.0043944431119),
            30: (0.0487849295102, 0.0237217559427),
        },
        "state_mean": [
            0.132392853838, 0.263911501517, 0.383009633654, 0.500257658085, 0.617169469011, 0.73595604448,
            0.867433503345,
        ],
        "state_sd": [
            0.0414646501646, 0.0538838084412, 0.0588497781747, 0.0613295856969, 0.0592602718471,
            0.0537530954964, 0.0415073588287,
        ],
    },
    "mc:n=5:alpha=0.02:lam=0.0:ep=100": {
        "rms": {
            1: (0.231440397199, 0.00627853689336),
            2: (0.227286800218, 0.00893350536381),
            3: (0.223158481907, 0.0110032295302),
            10: (0.197028310787, 0.0200210259644),
            50: (0.111114836567, 0.0352053119463),
            100: (0.0823705041598, 0.0396966223037),
        },
        "state_mean": [
            0.212042581995, 0.336066880572, 0.498810704607, 0.66205387838, 0.78711397608,
        ],
        "state_sd": [
            0.0573016082273, 0.0968954518556, 0.110108505128, 0.0974256542, 0.0573749320695,
        ],
    },
    "mc:n=7:alpha=0.05:lam=0.0:ep=30": {
        "rms": {
            1: (0.244022650475, 0.0209059431121),
            2: (0.237437411942, 0.0303357136868),
            3: (0.230354105293, 0.0367514149386),
            30: (0.145220748242, 0.0647999061532),
        },
        "state_mean": [
            0.209372349227, 0.262457508773, 0.375341430455, 0.498420748728, 0.621212384672, 0.734136593573,
            0.789431277261,
        ],
        "state_sd": [
            0.083866831165, 0.145156976693, 0.183703126883, 0.195870449927, 0.183430366294, 0.145823296393,
            0.0838534522038,
        ],
    },
    "td_lambda:n=19:alpha=0.3:lam=0.0:ep=10": {
        "rms": {
            1: (0.525657483038, 7.84280397451e-17),
            2: (0.505004961092, 0.00248344028153),
            5: (0.447546447517, 0.00460505540969),
            10: (0.359487932705, 0.00791142758199),
        },
        "state_mean": [
            -0.703501456364, -0.398722873598, -0.202224781617, -0.0983705443825, -0.0473311557831,
            -0.0227588268791, -0.0109178195111, -0.0051201644323, -0.00205495931489, 3.1536171886e-05,
            0.00211467149847, 0.00523155679919, 0.0110784318598, 0.0230029713651, 0.0479921675762,
            0.0999280670776, 0.205368058455, 0.401014962558, 0.705962952648,
        ],
        "state_sd": [
            0.120695110226, 0.142323393536, 0.110501236235, 0.0728264228548, 0.044485526528, 0.0260884122342,
            0.0149616951132, 0.00854323473104, 0.00515889642613, 0.00400650761354, 0.00521626607387,
            0.00884109625481, 0.0152405664791, 0.0264512435628, 0.0451169000607, 0.0738625036918,
            0.111955953456, 0.141156045274, 0.117733829714,
        ],
    },
    "td_lambda:n=19:alpha=0.3:lam=0.8:ep=10": {
        "rms": {
            1: (0.463285151835, 0.00422915775733),
            2: (0.387942622266, 0.0279760999613),
            5: (0.228315302554, 0.0759169119999),
            10: (0.190678361859, 0.0905465427548),
        },
        "state_mean": [
            -0.849649796771, -0.809774365675, -0.729346094929, -0.640749711742, -0.547183823671,
            -0.448487779775, -0.346387585939, -0.238086118, -0.121413582765, 0.00263773502721, 0.125573494568,
            0.240121261924, 0.349249397798, 0.452131860885, 0.549986695306, 0.642663208947, 0.730448178807,
            0.810838159278, 0.850004069879,
        ],
        "state_sd": [
            0.117095358907, 0.136400688924, 0.162878759083, 0.185935586232, 0.206119733717, 0.222814674029,
            0.236309661143, 0.249121734381, 0.259968377075, 0.266897208292, 0.261108195554, 0.251027653239,
            0.238400502672, 0.2237037844, 0.206684743405, 0.186808007355, 0.163977848866, 0.137180572338,
            0.117821769967,
        ],
    },
    "td_lambda:n=9:alpha=0.4:lam=0.5:ep=10": {
        "rms": {
            1: (0.422203456713, 0.00301870864241),
            2: (0.341552659814, 0.038841350417),
            5: (0.192779515937, 0.095237688505),
            10: (0.205817587572, 0.0934140608981),
        },
        "state_mean": [
            -0.845229652362, -0.680381843054, -0.482130396486, -0.257966674335, 0.000109325902217,
            0.258174890498, 0.482026878737, 0.679516677779, 0.84479322277,
        ],
        "state_sd": [
            0.120070372325, 0.181305685187, 0.229668878624, 0.264753709435, 0.285005555919, 0.264325981295,
            0.231239803049, 0.183170723187, 0.120397320346,
        ],
    },
    "td_lambda:n=19:alpha=0.02:lam=1.0:ep=10": {
        "rms": {
            1: (0.543501270294, 0.052069887402),
            2: (0.537430521515, 0.0719918874694),
            5: (0.508764886404, 0.0964235503297),
            10: (0.462421874256, 0.111278583032),
        },
        "state_mean": [
            -0.164825546248, -0.268866778189, -0.32417158407, -0.341394117832, -0.32843721749,
            -0.291253493077, -0.236169164163, -0.16634822858, -0.087562080005, -0.00247532318103,
            0.0833407005656, 0.160295747937, 0.228760239474, 0.284369501898, 0.321217542559, 0.335897075566,
            0.320251578369, 0.266609189106, 0.164240596481,
        ],
        "state_sd": [
            0.0757795548518, 0.150485995383, 0.215551624679, 0.274598780654, 0.326485289907, 0.372617808253,
            0.411237357158, 0.438177930819, 0.454267604051, 0.460579423659, 0.453091313268, 0.434965117478,
            0.407889810539, 0.371188225071, 0.325578696782, 0.272749609605, 0.214559857015, 0.150564323948,
            0.075960160268,
        ],
    },
}
# fmt: on


# ---------------------------------------------------------------------------------------------------------
# Probes shared by the three random-walk learners
# ---------------------------------------------------------------------------------------------------------
def run_learner(learner, case, lam_first):
    import warnings

    import numpy as np

    shapes, runs = [], []
    for run in range(case["n_runs"]):
        rng = np.random.default_rng([case["seed"], run])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                if lam_first:
                    h = learner(case["n_states"], case["lam"], case["alpha"], case["n_episodes"], rng)
                else:
                    h = learner(case["n_states"], case["alpha"], case["n_episodes"], rng)
        h = np.asarray(h, dtype=float)
        shapes.append(list(h.shape))
        if h.ndim != 2 or h.shape[0] <= max(case["rows"]):
            break
        runs.append(h[case["rows"]].tolist())

    def call(n_episodes, rng):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                if lam_first:
                    return learner(case["n_states"], case["lam"], case["alpha"], n_episodes, rng)
                return learner(case["n_states"], case["alpha"], n_episodes, rng)

    trials = rng_trials(lambda rng: call(min(case["n_episodes"], 10), rng), case["seed"] + 7)
    zero = np.asarray(call(0, np.random.default_rng(case["seed"])), dtype=float)
    return {"shapes": shapes, "rows": runs, "trials": trials, "zero": zero.tolist()}


def probe_random_walk_td0(random_walk_td0, cases):
    return [run_learner(random_walk_td0, case, False) for case in cases]


def probe_random_walk_mc(random_walk_mc, cases):
    return [run_learner(random_walk_mc, case, False) for case in cases]


def probe_td_lambda(td_lambda, cases):
    return [run_learner(td_lambda, case, True) for case in cases]


# ---------------------------------------------------------------------------------------------------------
# Judging helpers
# ---------------------------------------------------------------------------------------------------------
def _histories(
    f: Findings, got: Any, case: Mapping[str, Any], allow_nonfinite: bool = False, v0: float = 0.5
) -> np.ndarray | None:
    """The sampled rows of every run, (n_runs, n_rows, n_states), after checking the reported shapes, the
    rng discipline (same seed → same history, other seed → another, no global generator) and the history
    of zero episodes (one row, the initial values)."""
    if not isinstance(got, Mapping):
        raise JudgeError("the probe returned no result")
    require_rng_discipline(f, got.get("trials"), "the learner")
    zero = as_array(got.get("zero"), (1, case["n_states"]), "the history of zero episodes")
    f.require(
        np.all(zero == v0), "with n_episodes = 0 the history must be one row holding the initial values"
    )
    want = [case["n_episodes"] + 1, case["n_states"]]
    shapes = got["shapes"]
    if not f.require(
        len(shapes) == case["n_runs"] and all(list(s) == want for s in shapes),
        "the value history must have shape (n_episodes + 1, n_states)",
    ):
        return None
    shape = (case["n_runs"], len(case["rows"]), case["n_states"])
    if not allow_nonfinite:
        return as_array(got["rows"], shape, "value history")
    rows = got["rows"]
    flat = np.ravel(np.asarray(rows, dtype=object))
    if flat.size != math.prod(shape):
        raise JudgeError("the value history does not have the reported shape")
    table = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
    values = []
    for x in flat:
        if isinstance(x, str) and x in table:
            values.append(table[x])
        elif isinstance(x, (int, float)) and not isinstance(x, bool):
            values.append(float(x))
        else:
            raise JudgeError("the value history is not numeric")
    return np.array(values).reshape(shape)


def _fraction_ok(successes: float, n: int, p: float) -> bool:
    """A binomial proportion within K_SIGMA standard errors of p."""
    return abs(successes / n - p) <= K_SIGMA * math.sqrt(p * (1 - p) / n)


def _matches_reference(
    f: Findings, hist: np.ndarray, case: Mapping[str, Any], method: str, what: str, per_state: bool = True
) -> None:
    """Per-run RMS error at each sampled row ≥ 1 and each state's mean value at the last row, against the
    reference statistics (K_SIGMA standard errors of a mean over the case's runs plus the reference's own).

    Rows before ``case["stat_from"]`` are skipped, and ``per_state=False`` skips the per-state means: with few
    runs, skewed distributions (the first episodes with λ = 1; states the walk rarely reaches) would make a
    normal K_SIGMA bound too tight."""
    ref = REFERENCE[reference_key(method, case)]
    n = case["n_runs"]
    truth = _truth(method, case["n_states"])
    for i, row in enumerate(case["rows"]):
        if row < max(1, case.get("stat_from", 1)):
            continue
        mean, sd = ref["rms"][row]
        rms = np.sqrt(np.mean((hist[:, i] - truth) ** 2, axis=1))
        tol = K_SIGMA * sd * (1 / math.sqrt(n) + 1 / math.sqrt(REFERENCE_RUNS)) + 1e-9
        f.require(
            abs(rms.mean() - mean) <= tol,
            f"the RMS error averaged over runs after {row} episode{'' if row == 1 else 's'} is not what "
            f"{what} gives",
        )
    if not per_state:
        return
    last = hist[:, -1]
    mean = np.asarray(ref["state_mean"])
    sd = np.asarray(ref["state_sd"])
    tol = K_SIGMA * sd * (1 / math.sqrt(n) + 1 / math.sqrt(REFERENCE_RUNS)) + 1e-9
    f.require(
        np.all(np.abs(last.mean(axis=0) - mean) <= tol),
        f"the values learned after {case['rows'][-1]} episodes, averaged over runs, are biased "
        f"compared with {what}",
    )


def walk_consistent(counts: np.ndarray, start: int, exit_right: bool) -> bool:
    """Whether visit counts per state can come from a nearest-neighbour walk from ``start`` that leaves the
    chain once, on the right (``exit_right``) or on the left: the number of right and left crossings of every
    edge (determined by the counts) is non-negative, the exit edge is crossed once, and no visited state is
    cut off from the start."""
    c = np.asarray(counts, dtype=int)
    n = c.size
    if not exit_right:
        c, start = c[::-1], n - 1 - start
    right_prev = 0  # right crossings of the edge left of state j (the left exit: never crossed)
    crossings = []
    for j in range(n):
        right_j = c[j] - (right_prev - (1 if j - 1 >= start else 0))
        left_j = right_j - (1 if j >= start else 0)
        if right_j < 0 or left_j < 0:
            return False
        crossings.append(right_j)
        right_prev = right_j
    if crossings[-1] != 1:
        return False
    visited = np.flatnonzero(c > 0)
    if visited.size == 0 or c[start] < 1:
        return False
    return all(crossings[j] >= 1 for j in range(int(visited.min()), start))


# ---------------------------------------------------------------------------------------------------------
# random_walk_td0(n_states, alpha, n_episodes, rng) -> (n_episodes + 1, n_states)
# ---------------------------------------------------------------------------------------------------------
def judge_random_walk_td0(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        hist = _histories(f, got, case)
        if hist is None:
            continue
        alpha = case["alpha"]
        if not f.require(np.all(hist[:, 0] == 0.5), "row 0 must hold the initial values V₀ = 0.5"):
            continue
        # Episode 1 from V = 0.5 everywhere: every move between states has δ = 0; only the last step, from an
        # end state to the exit, changes one value, by α·(0 − 0.5) on the left or α·(1 − 0.5) on the right.
        change = hist[:, 1] - hist[:, 0]
        changed = np.abs(change) > 1e-12
        single = changed.sum(axis=1) == 1
        left = single & changed[:, 0] & np.isclose(change[:, 0], -0.5 * alpha, rtol=1e-9, atol=1e-12)
        right = single & changed[:, -1] & np.isclose(change[:, -1], 0.5 * alpha, rtol=1e-9, atol=1e-12)
        if not f.require(
            np.all(left | right),
            "the first episode must change only the value of the end state the walk exits from, by "
            "α·(reward + 0 − 0.5) (moves between states have δ = 0, and V(terminal) = 0)",
        ):
            continue
        f.require(
            _fraction_ok(right.sum(), case["n_runs"], 0.5),
            "walks from the middle state should exit on the right in half of the episodes",
        )
        _matches_reference(f, hist, case, "td0", "online TD(0) with constant α")
    return f.verdict()


TD0_CASES = [
    {
        "n_states": 5,
        "alpha": 0.05,
        "n_episodes": 100,
        "n_runs": 100,
        "rows": [0, 1, 10, 25, 50, 100],
        "seed": 50_401,
    },
    {"n_states": 7, "alpha": 0.15, "n_episodes": 30, "n_runs": 60, "rows": [0, 1, 5, 30], "seed": 50_402},
]


# ---------------------------------------------------------------------------------------------------------
# random_walk_mc(n_states, alpha, n_episodes, rng) -> (n_episodes + 1, n_states)
# ---------------------------------------------------------------------------------------------------------
def mc_visit_counts(old: np.ndarray, new: np.ndarray, alpha: float) -> tuple[bool, np.ndarray] | None:
    """For one every-visit constant-α MC episode with one return G ∈ {0, 1}: each state moves to
    G + (V − G)(1 − α)^m after m visits. Returns (exited right, m per state), or None if no (G, m) fits."""
    change = new - old
    changed = np.abs(change) > 1e-12
    if not changed.any():
        return None
    if np.all(change[changed] > 0):
        g = 1.0
    elif np.all(change[changed] < 0):
        g = 0.0
    else:
        return None
    counts = np.zeros(old.size, dtype=int)
    for j in np.flatnonzero(changed):
        ratio = (new[j] - g) / (old[j] - g)
        if not 0.0 < ratio < 1.0:
            return None
        m = math.log(ratio) / math.log1p(-alpha)
        k = round(m)
        if k < 1 or abs(m - k) > 1e-6 * k:
            return None
        counts[j] = k
    return g == 1.0, counts


def judge_random_walk_mc(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, data, strict=True):
        hist = _histories(f, got, case)
        if hist is None:
            continue
        n, alpha, rows = case["n_states"], case["alpha"], case["rows"]
        if not f.require(np.all(hist[:, 0] == 0.5), "row 0 must hold the initial values V₀ = 0.5"):
            continue
        pairs = [i for i in range(len(rows) - 1) if rows[i + 1] == rows[i] + 1]
        exits_right, consistent, fits = [], True, True
        for run in hist:
            for i in pairs:
                found = mc_visit_counts(run[i], run[i + 1], alpha)
                if found is None:
                    fits = False
                    break
                right, counts = found
                exits_right.append(right)
                consistent &= walk_consistent(counts, n // 2, right)
            if not fits:
                break
        if not f.require(
            fits,
            "after an episode every visited state must have moved towards the episode's return G by "
            "V ← G + (V − G)(1 − α)^m, m its number of visits (every-visit MC, constant α)",
        ):
            continue
        f.require(
            consistent,
            "the number of updates of each state in an episode does not match the visits of a random walk "
            "that starts in the middle state (every visit updates the value)",
        )
        f.require(
            _fraction_ok(sum(exits_right), len(exits_right), 0.5),
            "walks from the middle state should exit on the right in half of the episodes",
        )
        _matches_reference(f, hist, case, "mc", "every-visit Monte Carlo with constant α")
    return f.verdict()


MC_CASES = [
    {
        "n_states": 5,
        "alpha": 0.02,
        "n_episodes": 100,
        "n_runs": 100,
        "rows": [0, 1, 2, 3, 10, 50, 100],
        "seed": 50_501,
    },
    {"n_states": 7, "alpha": 0.05, "n_episodes": 30, "n_runs": 60, "rows": [0, 1, 2, 3, 30], "seed": 50_502},
]


# ---------------------------------------------------------------------------------------------------------
# td_lambda(n_states, lam, alpha, n_episodes, rng) -> (n_episodes + 1, n_states)
# ---------------------------------------------------------------------------------------------------------
def judge_td_lambda(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    final_error = {}  # (n_states, alpha, lam) -> per-run RMS errors after the last sampled episode
    for case, got in zip(cases, data, strict=True):
        diverges = bool(case.get("diverges"))
        hist = _histories(f, got, case, allow_nonfinite=diverges, v0=0.0)
        if hist is None:
            continue
        n, lam, alpha = case["n_states"], case["lam"], case["alpha"]
        if not f.require(np.all(hist[:, 0] == 0), "row 0 must hold the initial values V₀ = 0"):
            continue
        # Episode 1 from V = 0: δ = 0 until the exit, where δ = ±1; the values then change by ±α·e(s), with
        # e(s) = Σ over visits of λ^(steps since the visit): the accumulating trace at the end of the episode.
        first = hist[:, 1]
        if not f.require(np.all(np.isfinite(first)), "the first episode produced non-finite values"):
            continue
        sign = np.sign(first[np.arange(len(first)), np.abs(first).argmax(axis=1)])
        same_sign = np.all((first * sign[:, None]) >= -1e-15, axis=1) & (sign != 0)
        if not f.require(
            np.all(same_sign),
            "in the first episode every value must move in the direction of the final reward "
            "(V = 0 makes δ = 0 until the exit)",
        ):
            continue
        exit_right = sign > 0
        end = np.where(exit_right, first[:, -1], -first[:, 0])
        bound = math.inf if lam >= 1 else alpha / (1 - lam)
        mags = np.abs(first)
        f.require(
            np.all(end >= alpha * (1 - 1e-9)) and np.all(mags <= bound * (1 + 1e-9)),
            "after the first episode the end state must have moved by at least α and no state by more than "
            "α/(1 − λ) (accumulating traces decay by λ per step, the last state's trace is at least 1)",
        )
        if lam == 0:
            f.require(
                np.all((mags > 1e-15).sum(axis=1) == 1),
                "with λ = 0 the first episode must change only the end state it exits from (TD(0))",
            )
        if lam == 1:
            counts = mags / alpha
            whole = np.all(np.abs(counts - np.rint(counts)) <= 1e-6 * np.maximum(1, counts))
            if f.require(
                whole, "with λ = 1 the first episode must change each state by α × its number of visits"
            ):
                f.require(
                    all(
                        walk_consistent(np.rint(c).astype(int), n // 2, bool(r))
                        for c, r in zip(counts, exit_right, strict=True)
                    ),
                    "with λ = 1 the first episode's changes must be α × the visit counts of a walk from the "
                    "middle state (accumulating, not replacing, traces)",
                )
        f.require(
            _fraction_ok(exit_right.sum(), case["n_runs"], 0.5),
            "walks from the middle state should exit on the right in half of the episodes",
        )
        if diverges:
            truth = _truth("td_lambda", n)
            with np.errstate(all="ignore"):
                rms = np.sqrt(np.mean((hist[:, -1] - truth) ** 2, axis=1))
            blown = ~np.isfinite(rms) | (rms > 10.0)
            f.require(
                blown.mean() >= 0.8,
                f"with λ = {lam:g} and α = {alpha:g} accumulating-trace TD(λ) should diverge within "
                f"{case['n_episodes']} episodes",
            )
        else:
            what = f"online TD(λ) with accumulating traces (λ = {lam:g})"
            _matches_reference(f, hist, case, "td_lambda", what, per_state=False)
            truth = _truth("td_lambda", n)
            final_error[n, alpha, lam] = np.sqrt(np.mean((hist[:, -1] - truth) ** 2, axis=1))
    # Sutton & Barto's λ–α map: at the same step size an intermediate λ learns faster than TD(0).
    for (n, alpha, lam), errors in final_error.items():
        base = final_error.get((n, alpha, 0.0))
        if 0 < lam < 1 and base is not None:
            spread = math.hypot(
                errors.std(ddof=1) / math.sqrt(errors.size), base.std(ddof=1) / math.sqrt(base.size)
            )
            f.require(
                errors.mean() < base.mean() + K_SIGMA * spread,
                f"at α = {alpha:g}, TD(λ = {lam:g}) should learn faster than TD(0) (λ = 0)",
            )
    return f.verdict()


TD_LAMBDA_CASES = [
    {
        "n_states": 19,
        "lam": 0.0,
        "alpha": 0.3,
        "n_episodes": 10,
        "n_runs": 20,
        "rows": [0, 1, 2, 5, 10],
        "seed": 50_601,
    },
    {
        "n_states": 19,
        "lam": 0.8,
        "alpha": 0.3,
        "n_episodes": 10,
        "n_runs": 20,
        "rows": [0, 1, 2, 5, 10],
        "seed": 50_602,
    },
    {
        "n_states": 19,
        "lam": 1.0,
        "alpha": 0.5,
        "n_episodes": 10,
        "n_runs": 20,
        "rows": [0, 1, 2, 5, 10],
        "seed": 50_603,
        "diverges": 1,
    },
    {
        "n_states": 19,
        "lam": 1.0,
        "alpha": 0.02,
        "n_episodes": 10,
        "n_runs": 20,
        "rows": [0, 1, 2, 5, 10],
        "stat_from": 5,
        "seed": 50_605,
    },
    {
        "n_states": 9,
        "lam": 0.5,
        "alpha": 0.4,
        "n_episodes": 10,
        "n_runs": 20,
        "rows": [0, 1, 2, 5, 10],
        "seed": 50_604,
    },
]


CHECKS = [
    Check(
        "tapped_delay_line",
        ("tapped_delay_line",),
        1,
        DELAY_LINE_CASES,
        probe_tapped_delay_line,
        judge_tapped_delay_line,
        helpers=with_deps(raised),
    ),
    Check(
        "td_trials",
        ("td_trials",),
        3,
        TD_TRIALS_CASES,
        probe_td_trials,
        judge_td_trials,
        helpers=with_deps(raised),
    ),
    Check(
        "rms_error",
        ("rms_error",),
        1,
        RMS_CASES,
        probe_rms_error,
        judge_rms_error,
        helpers=(make_history, *with_deps(guarded_call)),
    ),
    Check(
        "random_walk_td0",
        ("random_walk_td0",),
        3,
        TD0_CASES,
        probe_random_walk_td0,
        judge_random_walk_td0,
        helpers=(run_learner, *with_deps(rng_trials)),
    ),
    Check(
        "random_walk_mc",
        ("random_walk_mc",),
        2,
        MC_CASES,
        probe_random_walk_mc,
        judge_random_walk_mc,
        helpers=(run_learner, *with_deps(rng_trials)),
    ),
    Check(
        "td_lambda",
        ("td_lambda",),
        3,
        TD_LAMBDA_CASES,
        probe_td_lambda,
        judge_td_lambda,
        helpers=(run_learner, *with_deps(rng_trials)),
    ),
]
