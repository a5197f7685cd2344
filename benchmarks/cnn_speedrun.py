"""The training-time ablation of unit 11 (Training CNNs fast): time to a target accuracy, lever by lever.

Starting from a naive recipe — float32, SGD with momentum at a constant learning rate, batches of 32 from a
per-image CPU ``DataLoader`` with augmentation, dropout — each row adds one lever to the row above:

    data on the device → a larger batch → AdamW + one-cycle → mixed precision (where the hardware has it)
    → channels_last → no dropout (the full recipe) → torch.compile (reported separately)

Every recipe trains the same ResNet-9-like network (Kaiming initialization) on ``jclub.cnn.synthetic_digits``
(32 × 32 RGB, random crops with 4-pixel zero padding) until the test accuracy, evaluated every
``--eval-every`` training images (evaluation time not counted), first reaches ``--target``. Each recipe runs
``--repeats`` times (interleaved, so a change in machine load hits all recipes alike); the table reports
medians, and the speed-up of each recipe is the ratio of the baseline's median time to its own, measured in
the same run. On a GPU it also reports the achieved TFLOP/s (3 × the forward FLOPs per image × images/s).

    python benchmarks/cnn_speedrun.py                      # this machine: cuda → mps → cpu, its defaults
    python benchmarks/cnn_speedrun.py --quick              # a smoke test (about a minute on a CPU)
    python benchmarks/cnn_speedrun.py --device cuda        # the GPU configuration: 50,000 images

Results go to ``units/11-fast-cnn-training/speedrun_results.json`` (the notebook shows them; a run replaces an
earlier one on the same kind of device) and ``benchmarks/cnn_speedrun_results.md`` is regenerated from it.
This script has its own copies of the functions the unit's exercises ask for: it measures the recipe, not a
student's code, and must not import the notebook.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jclub.cnn  # noqa: E402

RESULTS_JSON = ROOT / "units" / "11-fast-cnn-training" / "speedrun_results.json"
RESULTS_MD = ROOT / "benchmarks" / "cnn_speedrun_results.md"

# per device type: data, network and schedule sizes (overridable on the command line)
DEFAULTS = {
    "cpu": dict(n_train=8192, n_test=2000, width=8, target=0.88, max_epochs=10, cycle_epochs=2,
                eval_every=1024, workers=0, batch=128),
    "mps": dict(n_train=50000, n_test=10000, width=16, target=0.95, max_epochs=12, cycle_epochs=4,
                eval_every=5000, workers=2, batch=512),
    "cuda": dict(n_train=50000, n_test=10000, width=16, target=0.95, max_epochs=12, cycle_epochs=4,
                 eval_every=5000, workers=2, batch=512),
}  # fmt: skip
QUICK = dict(n_train=1024, n_test=500, target=0.0, max_epochs=2, cycle_epochs=1, eval_every=512)


# -- the recipe's parts (own copies; see the module docstring) ---------------------------------------------
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


def build_model(width: int, n_classes: int, dropout: float) -> nn.Module:
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
        nn.Linear(8 * w, n_classes),
    )
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model


def device_batches(
    images: torch.Tensor, labels: torch.Tensor, batch: int, generator: torch.Generator, flip: bool = False
):
    """One epoch of shuffled, augmented batches made on the data's device (4-pixel padded crops)."""
    n, (h, w), dev = len(labels), images.shape[-2:], images.device
    order = torch.randperm(n, generator=generator).to(dev)
    offsets = torch.randint(0, 9, (n, 2), generator=generator).to(dev)
    mirror = (torch.rand(n, generator=generator) < 0.5).to(dev)
    rows, cols = torch.arange(h, device=dev), torch.arange(w, device=dev)
    for lo in range(0, n, batch):
        idx = order[lo : lo + batch]
        b = len(idx)
        x = F.pad(images[idx].float() / 255, (4, 4, 4, 4))
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


def recipes(amp_available: bool, compile_row: bool, batch: int) -> list[tuple[str, dict]]:
    """The cumulative recipes: (name, settings)."""
    current = dict(
        loader="per-image", batch=32, optimizer="sgd", lr=0.02, weight_decay=5e-4, amp=False,
        channels_last=False, dropout=0.1, compile=False,
    )  # fmt: skip
    changes = [
        ("naive baseline", {}),
        ("+ data on the device", dict(loader="device")),
        (f"+ batch {batch}", dict(batch=batch, lr=0.02 * math.sqrt(batch / 32))),
        ("+ AdamW, one-cycle", dict(optimizer="adamw", lr=1e-2, weight_decay=0.05)),
    ]
    if amp_available:
        changes.append(("+ mixed precision", dict(amp=True)))
    changes += [("+ channels_last", dict(channels_last=True)), ("− dropout (full recipe)", dict(dropout=0.0))]
    if compile_row:
        changes.append(("+ torch.compile", dict(compile=True)))
    out = []
    for name, change in changes:
        current = {**current, **change}
        out.append((name, dict(current)))
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


def run(recipe: dict, data: dict, cfg: dict, device: torch.device, seed: int) -> dict:
    """Train one recipe until the target accuracy (or the epoch budget); return its measurements."""
    torch.manual_seed(seed)
    model = build_model(cfg["width"], 10, recipe["dropout"]).to(device)
    if recipe["channels_last"]:
        model = model.to(memory_format=torch.channels_last)
    step_model = torch.compile(model) if recipe["compile"] else model
    epochs = cfg["cycle_epochs"] if recipe["optimizer"] == "adamw" else cfg["max_epochs"]
    steps_per_epoch = math.ceil(cfg["n_train"] / recipe["batch"])
    if recipe["optimizer"] == "adamw":
        opt = torch.optim.AdamW(model.parameters(), lr=recipe["lr"], weight_decay=recipe["weight_decay"])
        sched = torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=recipe["lr"], total_steps=epochs * steps_per_epoch
        )
    else:
        opt = torch.optim.SGD(
            model.parameters(), lr=recipe["lr"], momentum=0.9, weight_decay=recipe["weight_decay"]
        )
        sched = None
    dtype = autocast_dtype(device)
    scaler = torch.amp.GradScaler(
        "cuda", enabled=recipe["amp"] and device.type == "cuda" and dtype == torch.float16
    )
    generator = torch.Generator().manual_seed(seed)
    if recipe["loader"] == "per-image":
        loader = jclub.cnn.naive_loader(
            data["X_cpu"], data["y_cpu"], recipe["batch"], num_workers=cfg["workers"], flip=False
        )
    trained_s, seen, next_eval, curve, reached_s = 0.0, 0, cfg["eval_every"], [], float("nan")
    start = time.perf_counter()
    for _ in range(epochs):
        batches = (
            loader
            if recipe["loader"] == "per-image"
            else device_batches(data["X"], data["y"], recipe["batch"], generator)
        )
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
            if seen >= next_eval:
                next_eval += cfg["eval_every"]
                synchronize(device)
                trained_s += time.perf_counter() - start
                acc = accuracy(model, data["X_test"], data["y_test"], recipe)
                curve.append((seen, round(trained_s, 3), acc))
                start = time.perf_counter()
                if acc >= cfg["target"]:
                    reached_s = trained_s
                    break
        if reached_s == reached_s:
            break
    synchronize(device)
    trained_s += time.perf_counter() - start
    if reached_s != reached_s:  # not reached during the epochs: evaluate at the very end too
        acc = accuracy(model, data["X_test"], data["y_test"], recipe)
        curve.append((seen, round(trained_s, 3), acc))
        reached_s = trained_s if acc >= cfg["target"] else float("nan")
    return {"seconds": reached_s, "images": seen, "images_per_s": seen / trained_s, "accuracy": curve[-1][2],
            "curve": curve}  # fmt: skip


def forward_flops_per_image(width: int, size: int) -> float:
    from torch.utils.flop_counter import FlopCounterMode

    model = build_model(width, 10, 0.0).eval()
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.rand(2, 3, size, size))
    return counter.get_total_flops() / 2


def without_notes(args: list[str]) -> list[str]:
    """The command line without its --note texts (they are recorded separately)."""
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a == "--note":
            skip = True
        elif not a.startswith("--note="):
            out.append(a)
    return out


def finite(value: object) -> object:
    """NaN → None, recursively (JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def fmt_seconds(values: list[float]) -> str:
    done = [v for v in values if v == v]
    if not done:
        return "not reached"
    text = f"{statistics.median(done):.1f}"
    if len(done) > 1:
        text += f" ({min(done):.1f}–{max(done):.1f})"
    if len(done) < len(values):
        text += f", reached {len(done)}/{len(values)}"
    return text


def table(rows: list[dict], gpu: bool) -> str:
    header = ["recipe", "seconds to target, median (range)", "images trained", "images/s", "speed-up"]
    if gpu:
        header.append("TFLOP/s")
    base = rows[0]["median_s"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        speedup = (
            f"{base / r['median_s']:.1f}×" if math.isfinite(base) and math.isfinite(r["median_s"]) else "–"
        )
        cells = [
            r["name"],
            fmt_seconds(r["seconds"]),
            f"{r['median_images']:,.0f}",
            f"{r['images_per_s']:,.0f}",
            speedup,
        ]
        if gpu:
            cells.append(f"{r['tflops']:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_markdown(results: dict) -> None:
    out = [
        "# CNN training speedrun: recorded results",
        "",
        "Written by `benchmarks/cnn_speedrun.py` from `units/11-fast-cnn-training/speedrun_results.json`",
        "(the unit's notebook shows the same tables). Each row adds one lever to the row above; times are",
        "training seconds until the test accuracy first reached the target (evaluation excluded), medians",
        "over the repeats; the speed-up is the baseline's median over the row's median, in the same run.",
        "",
    ]
    for run_ in results["runs"]:
        out += [
            f"## {run_['device']}: {run_['machine']}",
            "",
            f"- date: {run_['date']}; command: `{run_['command']}`",
            f"- data: {run_['n_train']:,} training and {run_['n_test']:,} test images of "
            f"{run_['image_size']} × {run_['image_size']} (synthetic digits), random 4-pixel crops; "
            f"network width {run_['width']}; "
            f"target test accuracy {run_['target']:.0%}; {run_['repeats']} repeats",
            f"- levers available: {', '.join(run_['levers'])}",
            *(
                [
                    f"- torch threads: {run_['threads']}; load average (1 min) before / after: "
                    f"{run_['load_average'][0]} / {run_['load_average'][1]}"
                ]
                if run_.get("threads")
                else []
            ),
            f"- full recipe vs naive baseline: **{run_['full_speedup']}** faster to the target",
            "",
            run_["table"],
            "",
        ]
        out += [f"- {note}" for note in run_.get("notes", [])] + [""]
    out += [f"{note}" for note in results.get("notes", [])]
    RESULTS_MD.write_text("\n".join(out).rstrip() + "\n", encoding="utf-8")


GPU_MISSING = (
    "No GPU run is recorded yet (GPU numbers not measured): the GPU rows — target: the full recipe ≥ 10× "
    "faster than the same baseline at 32 × 32 on 50,000 images — appear after "
    "`python benchmarks/cnn_speedrun.py --device cuda` has run on one."
)


def save(results: dict) -> None:
    """Write the JSON the notebook reads and regenerate the Markdown table from it."""
    has_gpu = any(r.get("device_type") in ("cuda", "mps") for r in results["runs"])
    results["notes"] = [n for n in results.get("notes", []) if n != GPU_MISSING] + (
        [] if has_gpu else [GPU_MISSING]
    )
    RESULTS_JSON.write_text(json.dumps(finite(results), indent=1, allow_nan=False) + "\n", encoding="utf-8")
    write_markdown(results)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--device", default="auto", help="auto (cuda → mps → cpu), cuda, mps or cpu")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument(
        "--quick", action="store_true", help="a smoke test: tiny data, one repeat, nothing recorded"
    )
    ap.add_argument("--no-compile", action="store_true", help="skip the torch.compile row")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--no-record", action="store_true", help="print the table only")
    ap.add_argument("--note", action="append", default=[], help="a note to record with this run (repeatable)")
    ap.add_argument("--render", action="store_true", help="only regenerate the Markdown from the JSON")
    for key in ("n_train", "n_test", "width", "max_epochs", "cycle_epochs", "eval_every", "workers", "batch"):
        ap.add_argument("--" + key.replace("_", "-"), type=int)
    ap.add_argument("--target", type=float)
    args = ap.parse_args(argv)
    if args.render:
        save(json.loads(RESULTS_JSON.read_text()))
        return 0

    device = pick_device(args.device)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = dict(DEFAULTS[device.type], image_size=32)
    if args.quick:
        cfg.update(QUICK)
        args.repeats, args.no_record = 1, True
    for key in (
        "n_train",
        "n_test",
        "width",
        "max_epochs",
        "cycle_epochs",
        "eval_every",
        "workers",
        "batch",
        "target",
    ):
        if getattr(args, key) is not None:
            cfg[key] = getattr(args, key)

    amp_available = device.type != "cpu" or jclub.cnn.cpu_bf16_fast()
    compile_row = not args.no_compile and not args.quick
    levers = ["data on the device", "larger batch", "AdamW + one-cycle"]
    levers += ["bf16 autocast" if device.type == "cpu" else "mixed precision"] if amp_available else []
    levers += ["channels_last", "no dropout"] + (["torch.compile"] if compile_row else [])
    print(jclub.cnn.machine_description(device), flush=True)
    print(f"config: {cfg}; levers: {', '.join(levers)}", flush=True)

    t0 = time.perf_counter()
    X, y = jclub.cnn.synthetic_digits(cfg["n_train"], "train", seed=11, size=32, device=device)
    X_test, y_test = jclub.cnn.synthetic_digits(cfg["n_test"], "test", seed=11, size=32, device=device)
    data = {"X": X, "y": y, "X_cpu": X.cpu(), "y_cpu": y.cpu(), "X_test": X_test, "y_test": y_test}
    print(f"data: {time.perf_counter() - t0:.1f} s", flush=True)

    plan = recipes(amp_available, compile_row, cfg["batch"])
    measured: dict[str, list[dict]] = {name: [] for name, _ in plan}
    for rep in range(args.repeats):
        for name, recipe in plan:
            try:
                result = run(recipe, data, cfg, device, seed=rep)
            except Exception as err:  # noqa: BLE001 - e.g. torch.compile without a working compiler
                print(f"  {name}: failed ({type(err).__name__}: {err})", flush=True)
                result = {"seconds": float("nan"), "images": 0, "images_per_s": float("nan"), "accuracy": 0.0,
                          "curve": [], "error": f"{type(err).__name__}"}  # fmt: skip
            measured[name].append(result)
            print(
                f"  repeat {rep + 1}: {name:28s} {result['seconds']:7.1f} s to target, "
                f"{result['images_per_s']:8.0f} images/s, final accuracy {result['accuracy']:.3f}",
                flush=True,
            )

    flops = forward_flops_per_image(cfg["width"], 32)
    rows = []
    for name, _ in plan:
        results = measured[name]
        seconds = [r["seconds"] for r in results]
        done = [s for s in seconds if s == s]
        rates = [r["images_per_s"] for r in results if r["images_per_s"] == r["images_per_s"]]
        rate = statistics.median(rates) if rates else float("nan")
        rows.append({
            "name": name,
            "seconds": seconds,
            "median_s": statistics.median(done) if len(done) * 2 > len(seconds) else float("nan"),
            "median_images": statistics.median([r["images"] for r in results]),
            "images_per_s": rate,
            "tflops": 3 * flops * rate / 1e12,
        })  # fmt: skip
    gpu = device.type in ("cuda", "mps")
    md = table(rows, gpu)
    print(md)
    full = next(r for r in rows if r["name"].startswith("− dropout"))
    speedup = rows[0]["median_s"] / full["median_s"]
    print(f"full recipe vs naive baseline: {speedup:.1f}× faster to {cfg['target']:.0%}", flush=True)
    if args.no_record:
        return 0

    record = {
        "device": device.type if device.type != "cuda" else torch.cuda.get_device_name(device),
        "machine": jclub.cnn.machine_description(device),
        "date": datetime.date.today().isoformat(),
        "command": "python benchmarks/cnn_speedrun.py "
        + " ".join(without_notes(argv if argv is not None else sys.argv[1:])),
        "python": platform.python_version(),
        "target": cfg["target"],
        "n_train": cfg["n_train"],
        "n_test": cfg["n_test"],
        "image_size": 32,
        "width": cfg["width"],
        "repeats": args.repeats,
        "levers": levers,
        "full_speedup": f"{speedup:.1f}×" if math.isfinite(speedup) else "not measured",
        "table": md,
        "rows": [{k: v for k, v in r.items()} for r in rows],
        "curves": {name: [r["curve"] for r in results] for name, results in measured.items()},
        "device_type": device.type,
        "threads": torch.get_num_threads() if device.type == "cpu" else None,
        "load_average": [
            round(load_before, 2),
            round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        ],
        "notes": args.note,
    }
    results = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.is_file() else {"runs": [], "notes": []}
    results["runs"] = [r for r in results["runs"] if r.get("device_type") != device.type] + [record]
    save(results)
    print(f"recorded in {RESULTS_JSON.relative_to(ROOT)} and {RESULTS_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
