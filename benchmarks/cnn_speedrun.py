"""A fair benchmark of unit 11's levers: every recipe tuned, many runs, a fixed budget, one consistent table.

Every recipe trains the same ResNet-9-like network (Kaiming initialization) for the same fixed budget of
``--epochs`` epochs. For each recipe:

1. **learning rate**: the same grid (``--lr-factors`` × the recipe's base rate: 0.02·√(batch/32) for SGD,
   1e-2 for AdamW) is tried with ``--tune-runs`` seeds; the rate with the best mean final test accuracy is
   kept (the grid and every tuning result are recorded);
2. **runs**: ``--runs`` more seeds at that rate (interleaved across recipes, so a change in machine load hits
   all alike). After every epoch the test accuracy is evaluated (not timed);
3. **warm-up**: one untimed short run first (kernel selection, worker start-up, ``torch.compile``), shown as
   its own column.

The primary metric is the **test accuracy at the budget, mean ± sd** over the runs. From the same runs:
*images to target* (the training images until the first epoch at which the test accuracy, averaged over the
runs, reaches the target; the target defaults to the naive recipe's mean final accuracy, which that recipe
reaches at its last epoch by definition), *images/s* (all the recipe's training
images ÷ all its training seconds) and *time to target* = images to target ÷ images/s, so the three columns
agree by construction; the speed-up is the naive recipe's time to target ÷ the recipe's.

Recipes: the naive one (float32, SGD with momentum at a constant rate, batches of 32 from a per-image
``DataLoader`` with as many worker processes as cores, pinned memory on CUDA, persistent workers,
dropout 0.1);
the cumulative ablation (each row adds one lever to the row above, ending in the full recipe); and the
leave-one-out ablation (the full recipe minus each lever); with ``--compile MODE ...`` the full recipe under
``torch.compile`` in each mode too.

    python benchmarks/cnn_speedrun.py                                  # defaults for this device
    python benchmarks/cnn_speedrun.py --data cifar10 --data-dir DIR    # DIR/cifar-10-batches-py/*
    python benchmarks/cnn_speedrun.py --quick                          # a smoke test

``--data cifar10`` reads the standard CIFAR-10 python pickles (``data_batch_1`` … ``data_batch_5``,
``test_batch``), which you download yourself from the dataset's page; nothing is downloaded here.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jclub.cnn  # noqa: E402

LEVERS = (
    "data on the device",
    "larger batch",
    "AdamW + one-cycle",
    "mixed precision",
    "channels_last",
    "no dropout",
)
NAIVE = dict(
    loader="per-image",
    batch=32,
    optimizer="sgd",
    weight_decay=5e-4,
    amp=False,
    channels_last=False,
    dropout=0.1,
    compile=None,
)
DEFAULTS = {
    "cpu": dict(n_train=1024, n_test=500, image_size=16, width=8, batch=128, epochs=3, runs=10, tune_runs=1),
    "cuda": dict(
        n_train=50000, n_test=10000, image_size=32, width=16, batch=512, epochs=8, runs=10, tune_runs=2
    ),
    "mps": dict(
        n_train=50000, n_test=10000, image_size=32, width=16, batch=512, epochs=8, runs=5, tune_runs=1
    ),
}
QUICK = dict(n_train=256, n_test=128, image_size=16, width=4, epochs=1, runs=2, tune_runs=1)


def pick_device(name: str) -> torch.device:
    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


class Residual(nn.Module):
    def __init__(self, body: nn.Module) -> None:
        super().__init__()
        self.body = body

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def build_model(width: int, dropout: float, seed: int) -> nn.Module:
    def block(c_in: int, c_out: int) -> nn.Module:
        return nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()
        )

    w = width
    model = nn.Sequential(
        block(3, w),
        block(w, 2 * w),
        nn.MaxPool2d(2),
        Residual(nn.Sequential(block(2 * w, 2 * w), block(2 * w, 2 * w))),
        block(2 * w, 4 * w),
        nn.MaxPool2d(2),
        block(4 * w, 8 * w),
        nn.MaxPool2d(2),
        Residual(nn.Sequential(block(8 * w, 8 * w), block(8 * w, 8 * w))),
        nn.AdaptiveMaxPool2d(1),
        nn.Flatten(),
        nn.Dropout(dropout),
        nn.Linear(8 * w, 10),
    )
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu", generator=g)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model


def device_batches(
    images: torch.Tensor, labels: torch.Tensor, batch: int, g: torch.Generator, augment: bool, flip: bool
):
    """One epoch of shuffled batches made on the data's device (4-pixel padded crops, flips if asked)."""
    n, (h, w), dev = len(labels), images.shape[-2:], images.device
    order = torch.randperm(n, generator=g).to(dev)
    offsets = torch.randint(0, 9, (n, 2), generator=g).to(dev)
    mirror = (torch.rand(n, generator=g) < 0.5).to(dev)
    rows, cols = torch.arange(h, device=dev), torch.arange(w, device=dev)
    for lo in range(0, n, batch):
        idx = order[lo : lo + batch]
        x = images[idx].float() / 255
        if augment:
            b = len(idx)
            x = F.pad(x, (4, 4, 4, 4))
            r = (offsets[lo : lo + b, 0, None] + rows)[:, None, :, None]
            c = (offsets[lo : lo + b, 1, None] + cols)[:, None, None, :]
            x = x[
                torch.arange(b, device=dev)[:, None, None, None],
                torch.arange(3, device=dev)[None, :, None, None],
                r,
                c,
            ]
            if flip:
                x = torch.where(mirror[lo : lo + b, None, None, None], x.flip(3), x)
        yield x, labels[idx]


def autocast_dtype(device: torch.device) -> torch.dtype:
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float16 if device.type == "mps" else torch.bfloat16


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()
    elif device.type == "mps":
        torch.mps.synchronize()


def recipe_with(levers: tuple[str, ...], batch: int) -> dict[str, Any]:
    r = dict(NAIVE)
    if "data on the device" in levers:
        r["loader"] = "device"
    if "larger batch" in levers:
        r["batch"] = batch
    if "AdamW + one-cycle" in levers:
        r.update(optimizer="adamw", weight_decay=0.05)
    r["amp"] = "mixed precision" in levers
    r["channels_last"] = "channels_last" in levers
    if "no dropout" in levers:
        r["dropout"] = 0.0
    r["base_lr"] = 1e-2 if r["optimizer"] == "adamw" else 0.02 * math.sqrt(r["batch"] / 32)
    return r


def arms(levers: tuple[str, ...], compile_modes: list[str], batch: int) -> list[tuple[str, dict]]:
    out = [("naive", recipe_with((), batch))]
    for i, lever in enumerate(levers):
        name = "full recipe" if i == len(levers) - 1 else f"+ {lever}"
        out.append((name, recipe_with(levers[: i + 1], batch)))
    for lever in levers:
        out.append((f"full − {lever}", recipe_with(tuple(v for v in levers if v != lever), batch)))
    for mode in compile_modes:
        out.append((f"full + compile({mode})", {**recipe_with(levers, batch), "compile": mode}))
    return out


@torch.no_grad()
def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, recipe: dict) -> float:
    model.eval()
    correct = 0
    for lo in range(0, len(labels), 1000):
        x = images[lo : lo + 1000].float() / 255
        if recipe["channels_last"]:
            x = x.contiguous(memory_format=torch.channels_last)
        with torch.autocast(images.device.type, dtype=autocast_dtype(images.device), enabled=recipe["amp"]):
            correct += int((model(x).argmax(1) == labels[lo : lo + 1000]).sum())
    model.train()
    return correct / len(labels)


def run(
    recipe: dict,
    lr: float,
    data: dict,
    cfg: dict,
    device: torch.device,
    seed: int,
    epochs: int,
    max_steps: int | None = None,
) -> dict:
    """Train for `epochs` epochs (or `max_steps` steps: the warm-up); per-epoch test accuracy and seconds."""
    torch.manual_seed(seed)
    model = build_model(cfg["width"], recipe["dropout"], seed).to(device)
    if recipe["channels_last"]:
        model = model.to(memory_format=torch.channels_last)
    step_model = torch.compile(model, mode=recipe["compile"]) if recipe["compile"] else model
    steps = epochs * math.ceil(cfg["n_train"] / recipe["batch"])
    if recipe["optimizer"] == "adamw":
        opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=recipe["weight_decay"])
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=recipe["weight_decay"])
        sched = None
    dtype = autocast_dtype(device)
    scaler = torch.amp.GradScaler(
        "cuda", enabled=recipe["amp"] and device.type == "cuda" and dtype == torch.float16
    )
    g = torch.Generator().manual_seed(seed)
    if recipe["loader"] == "per-image":  # a sane per-image pipeline: workers, pinned memory, persistent
        dataset = jclub.cnn.PerSampleDataset(
            data["X_cpu"], data["y_cpu"], augment=cfg["augment"], flip=cfg["flip"]
        )
        workers = cfg["workers"]
        loader = torch.utils.data.DataLoader(
            dataset,
            batch_size=recipe["batch"],
            shuffle=True,
            num_workers=workers,
            generator=g,
            pin_memory=device.type == "cuda",
            persistent_workers=workers > 0,
        )
    curve, trained_s, done = [], 0.0, 0
    for _ in range(epochs):
        batches = (
            loader
            if recipe["loader"] == "per-image"
            else device_batches(data["X"], data["y"], recipe["batch"], g, cfg["augment"], cfg["flip"])
        )
        synchronize(device)
        start = time.perf_counter()
        seen = 0
        for x, y in batches:
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            if recipe["channels_last"]:
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device.type, dtype=dtype, enabled=recipe["amp"]):
                loss = F.cross_entropy(step_model(x), y)
            opt.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            if sched is not None:
                sched.step()
            seen += len(y)
            done += 1
            if max_steps is not None and done >= max_steps:
                break
        synchronize(device)
        trained_s += time.perf_counter() - start
        if max_steps is not None:
            return {"seconds": trained_s}
        curve.append(
            {
                "images": seen * (len(curve) + 1),
                "seconds": trained_s,
                "accuracy": accuracy(model, data["X_test"], data["y_test"], recipe),
            }
        )
    return {"curve": curve}


def load_data(args: argparse.Namespace, cfg: dict, device: torch.device) -> dict:
    if args.data == "cifar10":
        folder = Path(args.data_dir) / "cifar-10-batches-py"
        parts = {}
        for split, names in (("train", [f"data_batch_{i}" for i in range(1, 6)]), ("test", ["test_batch"])):
            xs, ys = [], []
            for name in names:
                with open(folder / name, "rb") as fh:
                    x, y = jclub.cnn.read_cifar_batch(fh)
                xs.append(x)
                ys.append(y)
            parts[split] = (torch.from_numpy(np.concatenate(xs)), torch.from_numpy(np.concatenate(ys)))
        (X, y), (X_test, y_test) = parts["train"], parts["test"]
        X, y, X_test, y_test = (
            X[: cfg["n_train"]],
            y[: cfg["n_train"]],
            X_test[: cfg["n_test"]],
            y_test[: cfg["n_test"]],
        )
        cfg["n_train"], cfg["n_test"], cfg["image_size"] = len(y), len(y_test), 32
    else:
        s = cfg["image_size"]
        X, y = jclub.cnn.synthetic_digits(cfg["n_train"], "train", seed=11, size=s)
        X_test, y_test = jclub.cnn.synthetic_digits(cfg["n_test"], "test", seed=11, size=s)
    return {
        "X": X.to(device),
        "y": y.to(device),
        "X_cpu": X.cpu(),
        "y_cpu": y.cpu(),
        "X_test": X_test.to(device),
        "y_test": y_test.to(device),
    }


def summarise(
    name: str, recipe: dict, tuned: dict, curves: list[list[dict]], warm_s: float, target: float, n_train: int
) -> dict:
    finals = [c[-1]["accuracy"] for c in curves]
    images, seconds = sum(c[-1]["images"] for c in curves), sum(c[-1]["seconds"] for c in curves)
    rate = images / seconds
    reached = [r for r in (next((p for p in c if p["accuracy"] >= target), None) for c in curves) if r]
    # the first epoch at which the mean test accuracy over the runs reaches the target
    mean_curve = [statistics.fmean(c[k]["accuracy"] for c in curves) for k in range(len(curves[0]))]
    epoch = next((k + 1 for k, a in enumerate(mean_curve) if a >= target - 1e-12), None)
    to_target = float("nan") if epoch is None else float(epoch * n_train)
    return {
        "name": name,
        "recipe": recipe,
        "lr": tuned["lr"],
        "grid": tuned["grid"],
        "acc_mean": statistics.fmean(finals),
        "acc_sd": statistics.stdev(finals) if len(finals) > 1 else 0.0,
        "runs": len(curves),
        "reached": len(reached),
        "images_to_target": to_target,
        "images_per_s": rate,
        "time_to_target": to_target / rate,
        "warmup_s": warm_s,
        "finals": finals,
        "mean_curve": mean_curve,
    }


def table(rows: list[dict]) -> str:
    base = rows[0]["time_to_target"]
    head = [
        "recipe",
        "lr (of grid)",
        "test accuracy at budget, mean ± sd",
        "images to target (runs reaching it)",
        "images/s",
        "time to target (s)",
        "speed-up",
        "warm-up (s)",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        ok = math.isfinite(r["time_to_target"])
        cells = [
            r["name"],
            f"{r['lr']:.3g}",
            f"{r['acc_mean']:.3f} ± {r['acc_sd']:.3f} (n = {r['runs']})",
            (f"{r['images_to_target']:,.0f}" if ok else "–") + f" ({r['reached']}/{r['runs']})",
            f"{r['images_per_s']:,.0f}",
            f"{r['time_to_target']:.2f}" if ok else "not reached",
            f"{base / r['time_to_target']:.1f}×" if ok and math.isfinite(base) else "–",
            f"{r['warmup_s']:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="auto", help="auto (cuda → mps → cpu), cuda, mps or cpu")
    ap.add_argument("--data", choices=("synthetic", "cifar10"), default="synthetic")
    ap.add_argument(
        "--data-dir", default=None, help="folder holding cifar-10-batches-py/ (with --data cifar10)"
    )
    for key in (
        "n_train",
        "n_test",
        "image_size",
        "width",
        "batch",
        "epochs",
        "runs",
        "tune_runs",
        "workers",
    ):
        ap.add_argument("--" + key.replace("_", "-"), type=int)
    ap.add_argument(
        "--lr-factors", default="0.5,1,2", help="the learning-rate grid, × each recipe's base rate"
    )
    ap.add_argument("--target", type=float, help="default: the naive recipe's mean final accuracy")
    ap.add_argument("--compile", nargs="*", default=[], help="torch.compile modes to add as rows")
    ap.add_argument("--no-augment", action="store_true", help="no random crops (default for 16×16 images)")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--quick", action="store_true", help="a smoke test: tiny data, nothing recorded")
    ap.add_argument("--json", default=None, help="write the results as JSON here")
    ap.add_argument("--note", action="append", default=[])
    args = ap.parse_args(argv)
    if args.data == "cifar10" and not args.data_dir:
        ap.error("--data cifar10 needs --data-dir")
    device = pick_device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    cfg = dict(DEFAULTS[device.type])
    if args.quick:
        cfg.update(QUICK)
    for key in (
        "n_train",
        "n_test",
        "image_size",
        "width",
        "batch",
        "epochs",
        "runs",
        "tune_runs",
        "workers",
    ):
        if getattr(args, key) is not None:
            cfg[key] = getattr(args, key)
    cfg.setdefault("workers", os.cpu_count() or 1)
    cfg["flip"] = args.data == "cifar10"  # a mirrored digit is not a digit
    cfg["augment"] = not args.no_augment and (args.data == "cifar10" or cfg["image_size"] >= 32)
    factors = [float(v) for v in args.lr_factors.split(",")]
    amp_ok = device.type != "cpu" or jclub.cnn.cpu_bf16_fast()
    levers = tuple(v for v in LEVERS if amp_ok or v != "mixed precision")
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(jclub.cnn.machine_description(device), flush=True)
    data = load_data(args, cfg, device)
    print(f"config: {cfg}; data: {args.data}; lr factors: {factors}; load before: {load[0]:.1f}", flush=True)
    plan = arms(levers, args.compile, cfg["batch"])
    t_start = time.perf_counter()
    warm, tuned = {}, {}
    for name, recipe in plan:
        warm[name] = run(recipe, recipe["base_lr"], data, cfg, device, 99, 1, max_steps=5)["seconds"]
        grid = []
        for f in factors:
            lr = recipe["base_lr"] * f
            accs = [
                run(recipe, lr, data, cfg, device, 10_000 + s, cfg["epochs"])["curve"][-1]["accuracy"]
                for s in range(cfg["tune_runs"])
            ]
            grid.append({"lr": lr, "accuracy": statistics.fmean(accs)})
        best = max(grid, key=lambda g: g["accuracy"])
        tuned[name] = {"lr": best["lr"], "grid": grid}
        print(
            f"tuned {name}: lr {best['lr']:.3g} ("
            + ", ".join(f"{g['lr']:.3g}: {g['accuracy']:.3f}" for g in grid)
            + ")",
            flush=True,
        )
    curves: dict[str, list] = {name: [] for name, _ in plan}
    for seed in range(cfg["runs"]):  # interleaved: load changes hit every recipe alike
        for name, recipe in plan:
            curves[name].append(
                run(recipe, tuned[name]["lr"], data, cfg, device, seed, cfg["epochs"])["curve"]
            )
        print(f"run {seed + 1}/{cfg['runs']} done ({time.perf_counter() - t_start:.0f} s)", flush=True)
    naive_final = statistics.fmean(c[-1]["accuracy"] for c in curves["naive"])
    target = args.target if args.target is not None else naive_final
    rows = [
        summarise(name, recipe, tuned[name], curves[name], warm[name], target, cfg["n_train"])
        for name, recipe in plan
    ]
    text = table(rows)
    load_after = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"\ntarget test accuracy {target:.3f} (the naive recipe's mean final accuracy unless --target)\n")
    print(text)
    full = next(r for r in rows if r["name"] == "full recipe")
    ratio = rows[0]["time_to_target"] / full["time_to_target"]
    print(f"\nfull recipe vs naive baseline: {ratio:.1f}× sooner to the target (time to target, both tuned)")
    print(
        f"load average before {load[0]:.1f}, after {load_after[0]:.1f}; {time.perf_counter() - t_start:.0f} s"
    )
    if args.json:
        out = {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="minutes"),
            "machine": jclub.cnn.machine_description(device),
            "device": device.type,
            "data": args.data,
            "config": cfg,
            "lr_factors": factors,
            "target": target,
            "levers": list(levers),
            "load_before": load[0],
            "load_after": load_after[0],
            "speedup_full": ratio,
            "table": text,
            "notes": args.note,
            "rows": [{k: v for k, v in r.items() if k != "recipe"} for r in rows],
            "torch": torch.__version__,
            "cuda": torch.version.cuda,
        }
        Path(args.json).write_text(json.dumps(out, indent=1, default=float), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
