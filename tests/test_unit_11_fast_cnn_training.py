"""Unit 11 (Training CNNs fast): its jclub.cnn helpers, the judges' closed forms, and (full tier) the
deterministic checks under other seeds, torchrun, and the benchmark's speed-up."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import reference

import jclub.cnn as cnn
from autograder import course
from autograder.judges import fast_cnn_training as judges

UNIT = "11-fast-cnn-training"
ROOT = Path(__file__).resolve().parent.parent


def test_synthetic_digits_shapes_and_determinism():
    x, y = cnn.synthetic_digits(300, seed=5, size=32)
    assert x.shape == (300, 3, 32, 32) and x.dtype == torch.uint8
    assert y.shape == (300,) and y.dtype == torch.int64 and set(y.tolist()) == set(range(10))
    x2, y2 = cnn.synthetic_digits(300, seed=5, size=32)
    assert torch.equal(x, x2) and torch.equal(y, y2)
    x3, _ = cnn.synthetic_digits(300, seed=6, size=32)
    assert not torch.equal(x, x3)
    grey, _ = cnn.synthetic_digits(20, seed=5, size=16, colour=False)
    assert grey.shape == (20, 3, 16, 16) and torch.equal(grey[:, 0], grey[:, 1])
    # light ink on a dark background: the brightest pixels are much brighter than the typical (background) one
    contrast = x.float().amax(dim=(1, 2, 3)) - x.float().flatten(1).median(dim=1).values
    assert contrast.median() > 100 and (contrast > 30).all()


def test_test_templates_come_from_other_digits():
    train, _ = cnn.digit_templates("train")
    test, _ = cnn.digit_templates("test")
    assert len(train) + len(test) == 1797
    assert not any(torch.equal(t, s) for t in test[:50] for s in train)
    with pytest.raises(ValueError):
        cnn.digit_templates("validation")


def test_naive_loader_and_evaluation():
    x, y = cnn.synthetic_digits(70, seed=1, size=16)
    batches = list(cnn.naive_loader(x, y, 32, augment=True, flip=True))
    assert [len(b[1]) for b in batches] == [32, 32, 6]
    assert batches[0][0].dtype == torch.float32 and batches[0][0].shape == (32, 3, 16, 16)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 16 * 16, 10)).train()
    acc = cnn.evaluate_accuracy(model, x, y, batch_size=25)
    assert 0.0 <= acc <= 1.0 and model.training
    assert cnn.evaluate_accuracy(model, x, y, amp=True, channels_last=True) == pytest.approx(acc, abs=0.1)


def test_markdown_table_and_machine_description():
    assert cnn.markdown_table(["a", "b"], [(1, 2)]) == "| a | b |\n|---|---|\n| 1 | 2 |"
    assert "torch" in cnn.machine_description() and 1 <= cnn.idle_cores() <= torch.get_num_threads()


def _rank_squared(rank, world_size, offset):
    import torch.distributed as dist

    t = torch.tensor([float(rank + offset)])
    dist.all_reduce(t)
    return rank**2, float(t), world_size


def _fails_on_rank_1(rank, world_size):
    if rank == 1:
        raise RuntimeError("rank one is unhappy")
    return rank


def test_launch_runs_a_process_group():
    assert cnn.launch(_rank_squared, 2, 10) == [(0, 21.0, 2), (1, 21.0, 2)]
    with pytest.raises(RuntimeError, match="rank one is unhappy"):
        cnn.launch(_fails_on_rank_1, 2, timeout_s=60)


@pytest.mark.parametrize("total", [7, 10, 24, 30, 101])
def test_one_cycle_closed_form_matches_torch(total):
    opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=total)
    got = []
    for _ in range(total):
        got.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    want = [judges.one_cycle_lr(k, total, 0.1) for k in range(total)]
    assert np.allclose(got, want, rtol=1e-12, atol=1e-15)


def test_reference_he_variance_argument():
    """The reproduction in the notebook: Kaiming keeps Var[y_30]/Var[y_1] near 1, variance 1/n gives 2^-29."""
    init_weights = reference(UNIT)["init_weights"]
    torch.manual_seed(3)
    layers = torch.nn.Sequential(*[torch.nn.Linear(512, 512) for _ in range(30)])
    init_weights(layers, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        y = layers[0](torch.randn(128, 512))
        first = float(y.var())
        for layer in layers[1:]:
            y = layer(torch.relu(y))
    assert 0.1 < float(y.var()) / first < 10


# ---------------------------------------------------------------------------------------------------------
# full tier
# ---------------------------------------------------------------------------------------------------------
DETERMINISTIC = ("build_cnn", "train", "ddp_step")


@pytest.mark.full
@pytest.mark.parametrize("name", DETERMINISTIC)
def test_deterministic_checks_pass_on_other_seeds(name):
    """The checks that compare with grader-side reference code use `data_seed`/`gen_seed` (so the CI tier
    does not repeat them 20 times); here the reference must pass with those seeds shifted too."""
    unit = course.unit(UNIT)
    check = next(c for c in unit.checks if c.name == name)
    fns = tuple(reference(UNIT)[f] for f in check.functions)
    failures = []
    for k in range(1, 11):
        cases = [
            {**case, **{key: case[key] + 1000 * k for key in ("data_seed", "gen_seed") if key in case}}
            for case in check.cases
        ]
        verdict = dataclasses.replace(check, cases=cases).grade(*fns)
        if not verdict.passed:
            failures.append((k, verdict.messages))
    assert not failures


@pytest.mark.full
def test_launch_under_torchrun(tmp_path):
    script = tmp_path / "two_ranks.py"
    script.write_text(
        textwrap.dedent(
            """
            import torch
            import torch.distributed as dist
            import jclub.cnn


            def total(rank, world_size):
                t = torch.tensor([rank + 1.0])
                dist.all_reduce(t)
                return float(t)


            print("result", jclub.cnn.launch(total, 2))
            """
        )
    )
    torchrun = Path(sys.executable).with_name("torchrun")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [str(torchrun), "--nproc_per_node", "2", str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.count("result [3.0]") == 2


@pytest.mark.full
def test_benchmark_smoke():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import cnn_speedrun

    assert cnn_speedrun.main(["--quick", "--threads", "1"]) == 0


@pytest.mark.full
def test_full_recipe_trains_faster_than_the_tuned_naive_one(tmp_path):
    """The fair CPU benchmark (every recipe tuned on the same grid, 3 runs each): the full recipe processes
    ≥ 1.3× the naive recipe's images per second, and every row's time to target is images ÷ images/s. (At
    this 3-epoch budget it does not reach the naive accuracy sooner: see benchmarks/README.md.)"""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import cnn_speedrun

    out = tmp_path / "cpu.json"
    args = ["--device", "cpu", "--threads", "1", "--runs", "3", "--tune-runs", "1", "--json", str(out)]
    assert cnn_speedrun.main(args) == 0
    rows = {r["name"]: r for r in json.loads(out.read_text())["rows"]}
    assert rows["full recipe"]["images_per_s"] >= 1.3 * rows["naive"]["images_per_s"]
    for r in rows.values():
        if math.isfinite(r["time_to_target"]):
            assert math.isclose(r["time_to_target"], r["images_to_target"] / r["images_per_s"])


@pytest.mark.full
def test_ddp_scaling_under_torchrun(tmp_path):
    """benchmarks/ddp_scaling.py: two gloo processes with a DistributedSampler report a throughput."""
    torchrun = Path(sys.executable).with_name("torchrun")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = tmp_path / "ddp2.json"
    cmd = [
        str(torchrun),
        "--nproc_per_node",
        "2",
        str(ROOT / "benchmarks" / "ddp_scaling.py"),
        "--steps",
        "4",
    ]
    done = subprocess.run([*cmd, "--json", str(out)], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["world_size"] == 2 and result["backend"] == "gloo" and result["global_batch"] == 128
    assert result["images_per_s"] > 0
