#!/usr/bin/env bash
# Unit 11 on one lent GPU, in one go (about 8 minutes on one H100/A100-class card).
#
#   bash benchmarks/gpu.sh [OUT_DIR]      # default OUT_DIR: $OUT if set, else benchmarks/gpu-results
#
# Writes into OUT_DIR: machine.txt (card, driver, torch and CUDA versions), speedrun.json / speedrun.md (the
# fair benchmark: every recipe tuned on the same learning-rate grid, then 3 runs each, 20,000 synthetic
# 32 × 32 images, 4 epochs), compile.md (torch.compile default / reduce-overhead / max-autotune: compile
# time and images/s, separately), epoch_time.txt (absolute time per epoch of the full recipe at the
# 32 × 32 / 50k scale), ddp*.json + ddp.md (torchrun over every visible
# GPU, NCCL, SyncBatchNorm), and log.txt. Each stage has its own time limit, so one slow stage cannot eat
# the others; a stage that fails is logged and the script goes on.
set -u
cd "$(dirname "$0")/.."
OUT_DIR="${1:-${OUT:-benchmarks/gpu-results}}"
mkdir -p "$OUT_DIR"
PY="${PYTHON:-python}"
[ -x .venv/bin/python ] && PY=.venv/bin/python
TORCHRUN="$(dirname "$(command -v "$PY")")/torchrun"
[ -x "$TORCHRUN" ] || TORCHRUN=torchrun
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT_DIR/log.txt"; }

log "machine"
{
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1
  "$PY" - <<'PY'
import torch
print("torch", torch.__version__, "CUDA", torch.version.cuda, "cuDNN", torch.backends.cudnn.version())
print("device", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none",
      "bf16", torch.cuda.is_available() and torch.cuda.is_bf16_supported(), "GPUs", torch.cuda.device_count())
PY
} > "$OUT_DIR/machine.txt" 2>&1
cat "$OUT_DIR/machine.txt" | tee -a "$OUT_DIR/log.txt"

log "fair benchmark (limit 280 s)"
timeout 280 "$PY" benchmarks/cnn_speedrun.py --device cuda --n-train 20000 --n-test 5000 --epochs 4 --runs 3 \
  --tune-runs 1 --json "$OUT_DIR/speedrun.json" --note "benchmarks/gpu.sh" > "$OUT_DIR/speedrun.md" 2>&1 \
  || log "fair benchmark: exit $?"
tail -30 "$OUT_DIR/speedrun.md" | tee -a "$OUT_DIR/log.txt"

log "torch.compile modes: compile time and images/s of the full recipe's step (limit 100 s)"
timeout 100 "$PY" - > "$OUT_DIR/compile.md" 2>&1 <<'PY' || log "compile: exit $?"
import sys, time
sys.path.insert(0, "benchmarks")
import torch
import torch.nn.functional as F
import cnn_speedrun as b
torch.backends.cudnn.benchmark = True
dev = torch.device("cuda")
x = torch.rand(512, 3, 32, 32, device=dev).contiguous(memory_format=torch.channels_last)
y = torch.randint(0, 10, (512,), device=dev)
print("| mode | compile + first step (s) | images/s after warm-up |\n|---|---|---|")
for mode in (None, "default", "reduce-overhead", "max-autotune"):
    model = b.build_model(16, 0.0, 0).to(dev).to(memory_format=torch.channels_last)
    step_model = torch.compile(model, mode=mode) if mode else model
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = F.cross_entropy(step_model(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    torch.cuda.synchronize(); t = time.perf_counter(); step(); torch.cuda.synchronize()
    first = time.perf_counter() - t
    for _ in range(5):
        step()
    torch.cuda.synchronize(); t = time.perf_counter()
    for _ in range(50):
        step()
    torch.cuda.synchronize()
    print(f"| {mode or 'eager'} | {first:.1f} | {50 * 512 / (time.perf_counter() - t):,.0f} |", flush=True)
PY
cat "$OUT_DIR/compile.md" | tee -a "$OUT_DIR/log.txt"

log "time per epoch, full recipe, 50,000 images of 32 x 32 (limit 40 s)"
timeout 40 "$PY" - > "$OUT_DIR/epoch_time.txt" 2>&1 <<'PY' || log "epoch time: exit $?"
import sys, time
sys.path.insert(0, "benchmarks")
import torch
import cnn_speedrun as b
torch.backends.cudnn.benchmark = True
dev = torch.device("cuda")
cfg = dict(b.DEFAULTS["cuda"], workers=0, augment=True, flip=False)
data = b.load_data(type("A", (), {"data": "synthetic"})(), cfg, dev)
recipe = b.recipe_with(b.LEVERS, cfg["batch"])
b.run(recipe, recipe["base_lr"], data, cfg, dev, 0, 1, max_steps=20)  # warm-up
t = b.run(recipe, recipe["base_lr"], data, cfg, dev, 1, 2)["curve"]
print(f"full recipe, width {cfg['width']}, batch {cfg['batch']}: epoch 1 {t[0]['seconds']:.2f} s, "
      f"epoch 2 {t[1]['seconds'] - t[0]['seconds']:.2f} s for {cfg['n_train']} images of 32 x 32")
PY
cat "$OUT_DIR/epoch_time.txt" | tee -a "$OUT_DIR/log.txt"

log "DDP scaling over the visible GPUs (limit 40 s each)"
N="$("$PY" -c 'import torch; print(max(1, torch.cuda.device_count()))')"
for n in 1 "$N"; do
  timeout 40 "$TORCHRUN" --nproc_per_node "$n" benchmarks/ddp_scaling.py --batch 256 --image-size 32 \
    --width 16 --n-train 20000 --steps 30 --json "$OUT_DIR/ddp$n.json" >> "$OUT_DIR/log.txt" 2>&1 \
    || log "ddp $n: exit $?"
  [ "$N" = 1 ] && break
done
"$PY" benchmarks/ddp_scaling.py --report "$OUT_DIR"/ddp*.json > "$OUT_DIR/ddp.md" 2>&1
cat "$OUT_DIR/ddp.md" | tee -a "$OUT_DIR/log.txt"
log "done"
