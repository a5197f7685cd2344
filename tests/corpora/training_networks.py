"""Plausible wrong answers (must fail) and alternative correct answers (must pass) for unit 08,
training networks.

Each entry maps a check name to functions with the student's signature.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

# --- sgd_momentum_step -----------------------------------------------------------------------------------


def sgd_dampened(param, grad, velocity, lr, momentum, weight_decay=0.0):
    """Averages the velocity, v ← μv + (1 − μ)g (dampening = momentum), unlike torch's default."""
    g = grad + weight_decay * param
    v = momentum * velocity + (1 - momentum) * g
    return param - lr * v, v


def sgd_decoupled_decay(param, grad, velocity, lr, momentum, weight_decay=0.0):
    """Applies the weight decay to the parameters directly (AdamW-style), not added to the gradient."""
    v = momentum * velocity + grad
    return param * (1 - lr * weight_decay) - lr * v, v


def sgd_nesterov(param, grad, velocity, lr, momentum, weight_decay=0.0):
    """Nesterov momentum: steps along g + μv' instead of v'."""
    g = grad + weight_decay * param
    v = momentum * velocity + g
    return param - lr * (g + momentum * v), v


def sgd_in_place(param, grad, velocity, lr, momentum, weight_decay=0.0):
    """Right numbers, but updates the caller's param and velocity arrays in place."""
    velocity *= momentum
    velocity += grad + weight_decay * param
    param -= lr * velocity
    return param, velocity


def sgd_velocity_includes_lr(param, grad, velocity, lr, momentum, weight_decay=0.0):
    """The other momentum convention, v ← μv + lr·g, θ ← θ − v: same path at constant lr, but the velocity
    returned is lr times torch's momentum buffer."""
    v = momentum * velocity + lr * (grad + weight_decay * param)
    return param - v, v


def sgd_copies(param, grad, velocity, lr, momentum, weight_decay=0.0):
    """Alternative correct: in-place arithmetic on copies."""
    p = np.array(param, dtype=float, copy=True)
    v = np.array(velocity, dtype=float, copy=True)
    d = np.add(grad, p * weight_decay)
    v *= momentum
    v += d
    p -= lr * v
    return p, v


# --- adamw_step ------------------------------------------------------------------------------------------


def _moments(grad, state, betas):
    b1, b2 = betas
    return state["step"] + 1, b1 * state["m"] + (1 - b1) * grad, b2 * state["v"] + (1 - b2) * grad**2


def adam_l2(param, grad, state, lr, betas, eps, weight_decay):
    """Adam with an L2 penalty (decay added to the gradient), not AdamW's decoupled decay."""
    g = grad + weight_decay * param
    t, m, v = _moments(g, state, betas)
    m_hat, v_hat = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), {"step": t, "m": m, "v": v}


def adamw_no_bias_correction(param, grad, state, lr, betas, eps, weight_decay):
    """Forgets the bias corrections of m and v."""
    t, m, v = _moments(grad, state, betas)
    return param * (1 - lr * weight_decay) - lr * m / (np.sqrt(v) + eps), {"step": t, "m": m, "v": v}


def adamw_eps_inside_sqrt(param, grad, state, lr, betas, eps, weight_decay):
    """Puts eps under the square root."""
    t, m, v = _moments(grad, state, betas)
    m_hat, v_hat = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)
    return param * (1 - lr * weight_decay) - lr * m_hat / np.sqrt(v_hat + eps), {"step": t, "m": m, "v": v}


def adamw_decay_after_step(param, grad, state, lr, betas, eps, weight_decay):
    """Decays the already-updated parameters instead of decaying before the Adam step."""
    t, m, v = _moments(grad, state, betas)
    m_hat, v_hat = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)
    stepped = param - lr * m_hat / (np.sqrt(v_hat) + eps)
    return stepped * (1 - lr * weight_decay), {"step": t, "m": m, "v": v}


def adamw_decay_without_lr(param, grad, state, lr, betas, eps, weight_decay):
    """Decays by weight_decay alone, not lr·weight_decay."""
    t, m, v = _moments(grad, state, betas)
    m_hat, v_hat = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)
    return param * (1 - weight_decay) - lr * m_hat / (np.sqrt(v_hat) + eps), {"step": t, "m": m, "v": v}


def adamw_mutates_state(param, grad, state, lr, betas, eps, weight_decay):
    """Right numbers, but updates the given state dict and its arrays in place."""
    b1, b2 = betas
    state["step"] += 1
    state["m"] *= b1
    state["m"] += (1 - b1) * grad
    state["v"] *= b2
    state["v"] += (1 - b2) * grad**2
    t = state["step"]
    m_hat, v_hat = state["m"] / (1 - b1**t), state["v"] / (1 - b2**t)
    return param * (1 - lr * weight_decay) - lr * m_hat / (np.sqrt(v_hat) + eps), state


def adamw_stores_corrected(param, grad, state, lr, betas, eps, weight_decay):
    """Stores the bias-corrected moments in the state, so later steps start from the wrong averages."""
    t, m, v = _moments(grad, state, betas)
    m_hat, v_hat = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)
    new = param * (1 - lr * weight_decay) - lr * m_hat / (np.sqrt(v_hat) + eps)
    return new, {"step": t, "m": m_hat, "v": v_hat}


def adamw_torch_order(param, grad, state, lr, betas, eps, weight_decay):
    """Alternative correct: torch's own arithmetic (lerp for m, √v/√bc2 + eps, step size lr/bc1)."""
    b1, b2 = betas
    t = int(state["step"]) + 1
    p = np.array(param, dtype=float) * (1 - lr * weight_decay)
    m = state["m"] + (grad - state["m"]) * (1 - b1)
    v = state["v"] * b2 + (1 - b2) * grad * grad
    denom = np.sqrt(v) / math.sqrt(1 - b2**t) + eps
    return p - (lr / (1 - b1**t)) * (m / denom), {"step": t, "m": m, "v": v}


# --- one_cycle_lr ----------------------------------------------------------------------------------------


def _one_cycle(step, total, max_lr, pct_start, div, final_div, peak_offset=1.0, anneal="cos", end_offset=1.0):
    if not 0 <= step < total:
        raise ValueError("step out of range")
    lo = max_lr / div
    floor = lo / final_div
    peak = pct_start * total - peak_offset
    if step <= peak:
        a, b, pct = lo, max_lr, step / peak
    else:
        a, b, pct = max_lr, floor, (step - peak) / (total - end_offset - peak)
    if anneal == "cos":
        return b + (a - b) / 2 * (1 + math.cos(math.pi * pct))
    return a + (b - a) * pct


def oc_peak_at_product(step, total_steps, max_lr, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    """Peaks at step pct_start·total_steps instead of torch's pct_start·total_steps − 1."""
    return _one_cycle(step, total_steps, max_lr, pct_start, div_factor, final_div_factor, peak_offset=0.0)


def oc_linear(step, total_steps, max_lr, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    """Linear warm-up and annealing instead of cosine."""
    return _one_cycle(step, total_steps, max_lr, pct_start, div_factor, final_div_factor, anneal="linear")


def oc_wrong_floor(step, total_steps, max_lr, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    """Anneals to max_lr/final_div_factor instead of max_lr/(div_factor·final_div_factor)."""
    return _one_cycle(step, total_steps, max_lr, pct_start, div_factor, final_div_factor / div_factor)


def oc_ends_one_late(step, total_steps, max_lr, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    """Reaches the minimum at step total_steps instead of total_steps − 1."""
    return _one_cycle(step, total_steps, max_lr, pct_start, div_factor, final_div_factor, end_offset=0.0)


def oc_no_range_check(step, total_steps, max_lr, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    """Right inside the range, but extrapolates instead of raising for steps outside it."""
    return _one_cycle(
        max(0, min(step, total_steps - 1)), total_steps, max_lr, pct_start, div_factor, final_div_factor
    )


def oc_cos_squared(step, total_steps, max_lr, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    """Alternative correct: (1 + cos πx)/2 written as cos²(πx/2), with numpy."""
    if step < 0 or step >= total_steps:
        raise ValueError("step outside [0, total_steps)")
    start = max_lr / div_factor
    end = start / final_div_factor
    peak = pct_start * total_steps - 1
    if step <= peak:
        a, b, pct = start, max_lr, step / peak
    else:
        a, b, pct = max_lr, end, (step - peak) / (total_steps - 1 - peak)
    return float(b + (a - b) * np.cos(np.pi * pct / 2) ** 2)


# --- kaiming_normal --------------------------------------------------------------------------------------


def km_lecun(fan_in, fan_out, rng):
    """LeCun scale: standard deviation √(1/fan_in) (misses the ReLU factor 2)."""
    return rng.normal(0, math.sqrt(1 / fan_in), size=(fan_out, fan_in))


def km_fan_out(fan_in, fan_out, rng):
    """Uses fan_out in the variance."""
    return rng.normal(0, math.sqrt(2 / fan_out), size=(fan_out, fan_in))


def km_transposed(fan_in, fan_out, rng):
    """Shape (fan_in, fan_out) instead of (fan_out, fan_in)."""
    return rng.normal(0, math.sqrt(2 / fan_in), size=(fan_in, fan_out))


def km_uniform(fan_in, fan_out, rng):
    """Kaiming *uniform*: the right variance, the wrong distribution."""
    bound = math.sqrt(6 / fan_in)
    return rng.uniform(-bound, bound, size=(fan_out, fan_in))


def km_global_rng(fan_in, fan_out, rng):
    """Ignores rng and draws from numpy's global generator."""
    return np.random.normal(0, math.sqrt(2 / fan_in), size=(fan_out, fan_in))


def km_standard_scaled(fan_in, fan_out, rng):
    """Alternative correct: standard normals scaled."""
    return rng.standard_normal((fan_out, fan_in)) * math.sqrt(2.0 / fan_in)


def km_box_muller(fan_in, fan_out, rng):
    """Alternative correct: Box–Muller from uniforms."""
    u1 = 1.0 - rng.random((fan_out, fan_in))
    u2 = rng.random((fan_out, fan_in))
    return np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2) * math.sqrt(2.0 / fan_in)


# --- xavier_uniform --------------------------------------------------------------------------------------


def xu_normal(fan_in, fan_out, rng):
    """Xavier *normal*: the right variance, the wrong distribution."""
    return rng.normal(0, math.sqrt(2 / (fan_in + fan_out)), size=(fan_out, fan_in))


def xu_fan_in_only(fan_in, fan_out, rng):
    """Bound √(3/fan_in) (LeCun uniform) instead of √(6/(fan_in + fan_out))."""
    bound = math.sqrt(3 / fan_in)
    return rng.uniform(-bound, bound, size=(fan_out, fan_in))


def xu_positive_only(fan_in, fan_out, rng):
    """Draws on [0, a] instead of [−a, a]."""
    return rng.uniform(0, math.sqrt(6 / (fan_in + fan_out)), size=(fan_out, fan_in))


def xu_transposed(fan_in, fan_out, rng):
    """Shape (fan_in, fan_out) instead of (fan_out, fan_in)."""
    bound = math.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


def xu_global_rng(fan_in, fan_out, rng):
    """Ignores rng."""
    bound = math.sqrt(6 / (fan_in + fan_out))
    return np.random.uniform(-bound, bound, size=(fan_out, fan_in))


def xu_affine(fan_in, fan_out, rng):
    """Alternative correct: (2u − 1)·a from rng.random."""
    return (2 * rng.random((fan_out, fan_in)) - 1) * math.sqrt(6.0 / (fan_in + fan_out))


# --- orthogonal ------------------------------------------------------------------------------------------


def or_identity(n, rng):
    """Returns the identity: orthogonal, but not random."""
    return np.eye(n)


def or_no_sign_fix(n, rng):
    """QR without fixing the signs: orthogonal, but not uniformly distributed."""
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return q


def or_normalised_columns(n, rng):
    """Gaussian columns scaled to unit length: not orthogonal."""
    a = rng.normal(size=(n, n))
    return a / np.linalg.norm(a, axis=0)


def or_global_rng(n, rng):
    """Ignores rng."""
    q, r = np.linalg.qr(np.random.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def or_polar(n, rng):
    """Alternative correct: the orthogonal factor of the polar decomposition, U Vᵀ."""
    u, _, vt = np.linalg.svd(rng.normal(size=(n, n)))
    return u @ vt


def or_gram_schmidt(n, rng):
    """Alternative correct: modified Gram–Schmidt on Gaussian columns."""
    a = rng.normal(size=(n, n))
    q = np.zeros((n, n))
    for j in range(n):
        v = a[:, j].copy()
        for i in range(j):
            v -= (q[:, i] @ v) * q[:, i]
        q[:, j] = v / np.linalg.norm(v)
    return q


def or_scipy(n, rng):
    """Alternative correct: scipy's Haar sampler."""
    return stats.ortho_group.rvs(n, random_state=rng)


# --- focal_bias_init -------------------------------------------------------------------------------------


def fb_sign_flipped(prior):
    """log((1 − π)/π): the wrong sign."""
    if not 0 < prior < 1:
        raise ValueError
    return math.log((1 - prior) / prior)


def fb_log_prior(prior):
    """log π instead of the log-odds."""
    if not 0 < prior < 1:
        raise ValueError
    return math.log(prior)


def fb_no_check(prior):
    """No range check: numpy returns ±inf or nan instead of raising."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.log((1 - prior) / np.float64(prior)))


def fb_logit(prior):
    """Alternative correct: scipy's logit."""
    if not 0.0 < prior < 1.0:
        raise ValueError("prior must be in (0, 1)")
    return float(special.logit(prior))


def fb_log_difference(prior):
    """Alternative correct: log π − log(1 − π)."""
    if prior <= 0 or prior >= 1:
        raise ValueError("prior must be in (0, 1)")
    return math.log(prior) - math.log1p(-prior)


# --- issue 13: "NumPy only", the uniform-matrix QR, fixed seeds, clipped priors ---------------------------


def sgd_torch_inside(param, grad, velocity, lr, momentum, weight_decay=0.0):
    """Computes the step with torch.optim.SGD inside the function (the exercise says NumPy only)."""
    import torch

    p = torch.tensor(np.asarray(param, dtype=float), requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr, momentum=momentum, weight_decay=weight_decay)
    opt.state[p]["momentum_buffer"] = torch.tensor(np.asarray(velocity, dtype=float))
    p.grad = torch.tensor(np.asarray(grad, dtype=float))
    if not np.any(velocity):
        opt.state[p].pop("momentum_buffer")  # torch starts the buffer at g on the first step
    opt.step()
    buf = opt.state[p].get("momentum_buffer")
    vel = buf.numpy().copy() if buf is not None else np.asarray(grad) + weight_decay * np.asarray(param)
    return p.detach().numpy().copy(), vel


def adamw_torch_tensors(param, grad, state, lr, betas, eps, weight_decay):
    """Right formulas, written with torch tensors and returning torch tensors (not NumPy)."""
    import torch

    b1, b2 = betas
    p, g = torch.as_tensor(np.asarray(param, dtype=float)), torch.as_tensor(np.asarray(grad, dtype=float))
    t = state["step"] + 1
    m = b1 * torch.as_tensor(np.asarray(state["m"], dtype=float)) + (1 - b1) * g
    v = b2 * torch.as_tensor(np.asarray(state["v"], dtype=float)) + (1 - b2) * g * g
    new = p * (1 - lr * weight_decay) - lr * (m / (1 - b1**t)) / (torch.sqrt(v / (1 - b2**t)) + eps)
    return new, {"step": t, "m": m, "v": v}


def or_uniform_qr(n, rng):
    """QR of a matrix of uniform(−1, 1) entries, signs fixed: orthogonal, right trace moments, not Haar."""
    q, r = np.linalg.qr(rng.uniform(-1.0, 1.0, size=(n, n)))
    return q * np.sign(np.diag(r))


def or_fixed_seed(n, rng):
    """Ignores rng and draws from a generator seeded once per call: every call gives the same matrix."""
    q, r = np.linalg.qr(np.random.default_rng(0).normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def fb_clipped(prior):
    """Clips the prior into (0, 1) instead of raising ValueError for invalid priors."""
    p = min(max(float(prior), 1e-12), 1 - 1e-12)
    return -math.log((1 - p) / p)


def fb_np_log_lower_check_only(prior):
    """Checks only prior ≤ 0, and np.log returns inf for prior = 1 instead of raising."""
    if prior <= 0:
        raise ValueError("prior must be positive")
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.log((1 - prior) / prior))


WRONG = {
    "sgd_momentum_step": [
        sgd_dampened,
        sgd_decoupled_decay,
        sgd_nesterov,
        sgd_in_place,
        sgd_velocity_includes_lr,
        sgd_torch_inside,
    ],
    "adamw_step": [
        adam_l2,
        adamw_no_bias_correction,
        adamw_eps_inside_sqrt,
        adamw_decay_after_step,
        adamw_decay_without_lr,
        adamw_mutates_state,
        adamw_stores_corrected,
        adamw_torch_tensors,
    ],
    "one_cycle_lr": [oc_peak_at_product, oc_linear, oc_wrong_floor, oc_ends_one_late, oc_no_range_check],
    "kaiming_normal": [km_lecun, km_fan_out, km_transposed, km_uniform, km_global_rng],
    "xavier_uniform": [xu_normal, xu_fan_in_only, xu_positive_only, xu_transposed, xu_global_rng],
    "orthogonal": [
        or_identity,
        or_no_sign_fix,
        or_normalised_columns,
        or_global_rng,
        or_uniform_qr,
        or_fixed_seed,
    ],
    "focal_bias_init": [fb_sign_flipped, fb_log_prior, fb_no_check, fb_clipped, fb_np_log_lower_check_only],
}

CORRECT = {
    "sgd_momentum_step": [sgd_copies],
    "adamw_step": [adamw_torch_order],
    "one_cycle_lr": [oc_cos_squared],
    "kaiming_normal": [km_standard_scaled, km_box_muller],
    "xavier_uniform": [xu_affine],
    "orthogonal": [or_polar, or_gram_schmidt, or_scipy],
    "focal_bias_init": [fb_logit, fb_log_difference],
}
