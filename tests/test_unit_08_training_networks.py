"""Unit 08, Training networks: the reference optimizers and schedule against PyTorch on random settings,
and the published results the notebook reproduces."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from conftest import reference

UNIT = "08-training-networks"


def _problem(seed, size=7, n_steps=100):
    rng = np.random.default_rng(seed)
    return np.diag(rng.uniform(0.2, 3.0, size)), rng.normal(size=(n_steps, size)), rng.normal(size=size)


def _numpy_path(step, state, hessian, noise, theta):
    path = []
    for g_noise in noise:
        theta, state = step(theta, hessian @ theta + g_noise, state)
        path.append(theta)
    return np.array(path)


def _torch_path(opt_factory, hessian, noise, theta):
    p = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    opt = opt_factory([p])
    path = []
    for g_noise in noise:
        p.grad = torch.from_numpy(hessian @ p.detach().numpy() + g_noise)
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


@pytest.mark.parametrize("seed", range(8))
def test_reference_optimizers_match_torch_on_random_settings(seed):
    ns = reference(UNIT)
    rng = np.random.default_rng(100 + seed)
    lr, mom = rng.uniform(0.005, 0.2), rng.uniform(0.0, 0.95)
    wd = 0.0 if seed % 3 == 0 else rng.uniform(0.0, 0.2)
    betas, eps = (rng.uniform(0.5, 0.95), rng.uniform(0.9, 0.9999)), 10 ** rng.uniform(-9, -3)
    hessian, noise, theta = _problem(seed)

    mine = _numpy_path(
        lambda th, g, v: ns["sgd_momentum_step"](th, g, v, lr, mom, wd), np.zeros(7), hessian, noise, theta
    )
    ref = _torch_path(
        lambda ps: torch.optim.SGD(ps, lr=lr, momentum=mom, weight_decay=wd), hessian, noise, theta
    )
    assert np.allclose(mine, ref, rtol=1e-10, atol=1e-10)

    state = {"step": 0, "m": np.zeros(7), "v": np.zeros(7)}
    mine = _numpy_path(
        lambda th, g, s: ns["adamw_step"](th, g, s, lr, betas, eps, wd), state, hessian, noise, theta
    )
    ref = _torch_path(
        lambda ps: torch.optim.AdamW(ps, lr=lr, betas=betas, eps=eps, weight_decay=wd), hessian, noise, theta
    )
    assert np.allclose(mine, ref, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("total,pct", [(10, 0.3), (99, 0.25), (1000, 0.3), (37, 0.5), (250, 0.1)])
def test_reference_one_cycle_matches_torch(total, pct):
    from autograder.judges.training_networks import one_cycle_torch

    ns = reference(UNIT)
    case = {
        "total_steps": total,
        "max_lr": 0.7,
        "pct_start": pct,
        "div_factor": 20.0,
        "final_div_factor": 300.0,
    }
    want = one_cycle_torch(case)
    got = [ns["one_cycle_lr"](s, total, 0.7, pct, 20.0, 300.0) for s in range(total)]
    assert np.allclose(got, want, rtol=1e-12, atol=0)


def test_relu_signal_halves_per_layer_without_the_factor_two():
    """He et al. (2015): with weight variance 1/n a ReLU network's signal halves at every layer."""
    ns = reference(UNIT)
    rng = np.random.default_rng(0)
    n = 256
    h = rng.normal(size=(128, n))
    q = []
    for _ in range(30):
        z = h @ ns["xavier_uniform"](n, n, rng).T  # square layers: variance 1/n
        q.append(np.mean(z**2))
        h = np.maximum(z, 0)
    slope = np.polyfit(np.arange(30), np.log2(q), 1)[0]
    assert slope == pytest.approx(-1.0, abs=0.05)


def test_prior_bias_sets_the_initial_prediction_to_the_prior():
    ns = reference(UNIT)
    for prior in (1e-4, 0.01, 0.3, 0.9):
        assert 1 / (1 + math.exp(-ns["focal_bias_init"](prior))) == pytest.approx(prior, rel=1e-12)
