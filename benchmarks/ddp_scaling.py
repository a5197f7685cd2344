"""Data-parallel training of unit 11's network under ``torchrun``: throughput and scaling efficiency.

    torchrun --nproc_per_node 1 benchmarks/ddp_scaling.py --json /tmp/ddp1.json
    torchrun --nproc_per_node 2 benchmarks/ddp_scaling.py --json /tmp/ddp2.json
    python benchmarks/ddp_scaling.py --report /tmp/ddp1.json /tmp/ddp2.json

Each of the N processes (ranks) started by ``torchrun`` joins one process group (``nccl`` on CUDA GPUs,
one GPU per rank; ``gloo`` on CPUs), wraps the same network in ``DistributedDataParallel`` and reads its own
shard of every epoch through a ``DistributedSampler`` (``set_epoch`` reshuffles each epoch). BatchNorm layers
become ``SyncBatchNorm`` on GPUs, so every rank normalises with the statistics of the global batch; PyTorch
refuses ``SyncBatchNorm`` for CPU modules, so on CPUs the BatchNorm statistics stay per rank (the script says
so). Weak scaling: every rank keeps ``--batch`` images per step, so the global batch grows with N. After
``--warmup`` untimed steps, ``--steps`` steps are timed (synchronised, the slowest rank counts).

Scaling efficiency = throughput(N) / (N × throughput(1)). Processes are started by ``torchrun`` itself and
the loaders use no worker processes: nothing here depends on the ``fork`` start method (which breaks on
macOS and with CUDA).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from cnn_speedrun import build_model  # noqa: E402

import jclub.cnn  # noqa: E402


def report(paths: list[str]) -> int:
    runs = sorted((json.loads(Path(p).read_text()) for p in paths), key=lambda r: r["world_size"])
    base = next((r for r in runs if r["world_size"] == 1), None)
    print("| processes | backend | SyncBatchNorm | global batch | images/s | scaling efficiency |")
    print("|---|---|---|---|---|---|")
    for r in runs:
        eff = r["images_per_s"] / (r["world_size"] * base["images_per_s"]) if base else float("nan")
        print(
            f"| {r['world_size']} | {r['backend']} | {'yes' if r['sync_bn'] else 'no'} | "
            f"{r['global_batch']} | {r['images_per_s']:,.0f} | {eff:.0%} |"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch", type=int, default=64, help="images per rank per step")
    ap.add_argument("--width", type=int, default=8)
    ap.add_argument("--image-size", type=int, default=16)
    ap.add_argument("--n-train", type=int, default=4096)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads per rank")
    ap.add_argument("--json", default=None)
    ap.add_argument("--report", nargs="+", default=None, help="print the table from these --json files")
    args = ap.parse_args(argv)
    if args.report:
        return report(args.report)
    if "RANK" not in os.environ:
        ap.error("start it with torchrun --nproc_per_node N (or use --report)")
    cuda = torch.cuda.is_available()
    backend = "nccl" if cuda else "gloo"
    dist.init_process_group(backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.set_num_threads(args.threads)
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0))) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    X, y = jclub.cnn.synthetic_digits(args.n_train, "train", seed=11, size=args.image_size)
    dataset = torch.utils.data.TensorDataset(X, y)
    sampler = torch.utils.data.distributed.DistributedSampler(dataset, num_replicas=world, rank=rank, seed=0)
    loader = torch.utils.data.DataLoader(dataset, batch_size=args.batch, sampler=sampler, drop_last=True)
    model = build_model(args.width, 0.0, seed=0).to(device)  # the same initial weights on every rank
    sync_bn = cuda
    if sync_bn:
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    elif rank == 0:
        print("CPU: SyncBatchNorm is refused for CPU modules, BatchNorm statistics stay per rank", flush=True)
    ddp = nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if cuda else None)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.05, momentum=0.9, nesterov=True)

    def batches():
        epoch = 0
        while True:
            sampler.set_epoch(epoch)  # a new shuffle of every rank's shard each epoch
            for xb, yb in loader:
                yield xb.to(device, non_blocking=True).float() / 255, yb.to(device, non_blocking=True)
            epoch += 1

    stream = batches()

    def step() -> None:
        xb, yb = next(stream)
        loss = F.cross_entropy(ddp(xb), yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()  # gradients are averaged over the ranks here
        opt.step()

    for _ in range(args.warmup):
        step()
    if cuda:
        torch.cuda.synchronize()
    dist.barrier()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    if cuda:
        torch.cuda.synchronize()
    elapsed = torch.tensor([time.perf_counter() - start])
    dist.all_reduce(elapsed, op=dist.ReduceOp.MAX)  # the slowest rank decides
    rate = world * args.batch * args.steps / float(elapsed)
    if rank == 0:
        out = {
            "world_size": world,
            "backend": backend,
            "sync_bn": sync_bn,
            "global_batch": world * args.batch,
            "images_per_s": rate,
            "seconds": float(elapsed),
            "machine": jclub.cnn.machine_description(device),
            "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        }
        print(json.dumps(out), flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(out), encoding="utf-8")
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
