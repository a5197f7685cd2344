"""Data, evaluation and launch helpers for the convolutional-network units (no exercise solutions here).

* :func:`synthetic_digits` — an offline image data set: scikit-learn's bundled 8×8 digits, enlarged to
  ``size × size`` RGB images and varied by random rotations, scalings, shifts, colours and noise, generated
  on the device in chunks (50,000 images take a few seconds on a CPU).
* :func:`load_cifar10` — the real CIFAR-10 for students with a network: download with a checksum into
  ``data/cifar10/``, parse the python-pickle batches with a restricted unpickler, cache as uint8 tensors.
* :class:`PerSampleDataset` / :func:`naive_loader` — the *slow* way to serve images, for comparison: a
  ``torch.utils.data.DataLoader`` that crops and flips one image at a time on the CPU.
* :func:`evaluate_accuracy`, :func:`launch` (run a function in several processes on the gloo backend, in a
  notebook or under ``torchrun``), :func:`machine_description`, :func:`cpu_bf16_fast`, :func:`markdown_table`.

Images are ``uint8`` tensors of shape ``(n, 3, height, width)`` (values 0–255) and labels ``int64`` tensors of
shape ``(n,)``; models see ``float32`` images scaled to [0, 1].
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import math
import os
import pickle
import platform
import shutil
import socket
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

__all__ = [
    "CIFAR10_CLASSES",
    "CIFAR10_MD5",
    "CIFAR10_URL",
    "DataChecksumError",
    "PerSampleDataset",
    "cpu_bf16_fast",
    "default_cifar_dir",
    "digit_templates",
    "download",
    "evaluate_accuracy",
    "idle_cores",
    "launch",
    "load_cifar10",
    "machine_description",
    "markdown_table",
    "naive_loader",
    "read_cifar_batch",
    "synthetic_digits",
]

# ---------------------------------------------------------------------------------------------------------
# Synthetic digits
# ---------------------------------------------------------------------------------------------------------
_CHUNK = 4096  # images made at a time (memory); part of what fixes the random stream
N_TEST_TEMPLATES = 397  # the last 397 of scikit-learn's 1,797 digits (other writers) make the test images


@functools.cache
def _bundled_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's digits file, read directly (importing scikit-learn takes seconds on a busy machine)."""
    spec = importlib.util.find_spec("sklearn")
    folder = spec.submodule_search_locations[0] if spec and spec.submodule_search_locations else None
    path = Path(folder or ".", "datasets", "data", "digits.csv.gz")
    if path.is_file():
        table = np.loadtxt(path, delimiter=",")
        return table[:, :-1], table[:, -1].astype(np.int64)
    from sklearn.datasets import load_digits  # another layout: let scikit-learn find its file

    digits = load_digits()
    return digits.data, digits.target


def digit_templates(split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's bundled handwritten digits as templates: ``(images (n, 1, 8, 8) in [0, 1], labels)``.

    ``split="train"`` gives the first 1,400 digits, ``"test"`` the last 397, written by other people, so test
    images are not distortions of training templates.
    """
    pixels, target = _bundled_digits()
    images = torch.tensor(pixels, dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
    labels = torch.tensor(target, dtype=torch.int64)
    cut = len(labels) - N_TEST_TEMPLATES
    if split == "train":
        return images[:cut], labels[:cut]
    if split == "test":
        return images[cut:], labels[cut:]
    raise ValueError(f"split must be 'train' or 'test', not {split!r}")


def synthetic_digits(
    n: int,
    split: str = "train",
    seed: int = 0,
    size: int = 32,
    device: str | torch.device = "cpu",
    colour: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` random RGB digit images of ``size × size`` pixels, made on ``device``.

    Each image is a template digit (see :func:`digit_templates`) rotated by up to ±15°, scaled by 0.8–1.05,
    shifted by up to ±12 % of the image, drawn in a random light colour (each channel 0.5–1) on a random
    dark background (each channel 0–0.5), with Gaussian pixel noise (σ = 6/255). With ``colour=False`` ink
    and background are shades of grey (an easier task: networks learn it in fewer images).

    Returns ``(images uint8 (n, 3, size, size), labels int64 (n,))`` on ``device``. The same ``seed``,
    ``split`` and device type always give the same images.
    """
    if n < 1 or size < 8:
        raise ValueError(f"need n ≥ 1 and size ≥ 8, got n={n}, size={size}")
    device = torch.device(device)
    templates, template_labels = digit_templates(split)
    templates = F.pad(templates, (1, 1, 1, 1)).to(device)  # a blank border keeps strokes off the edge
    template_labels = template_labels.to(device)
    gen = torch.Generator(device=device).manual_seed(int(seed) + (0 if split == "train" else 7919))
    images = torch.empty((n, 3, size, size), dtype=torch.uint8, device=device)
    labels = torch.empty((n,), dtype=torch.int64, device=device)
    for lo in range(0, n, _CHUNK):
        m = min(_CHUNK, n - lo)

        def uniform(*shape: int, low: float, high: float, m: int = m) -> torch.Tensor:
            return low + (high - low) * torch.rand((m, *shape), generator=gen, device=device)

        pick = torch.randint(len(template_labels), (m,), generator=gen, device=device)
        angle = uniform(low=-math.pi / 12, high=math.pi / 12)
        scale = uniform(low=0.8, high=1.05)
        shift = uniform(2, low=-0.12, high=0.12)
        cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
        theta = torch.stack(
            [torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1
        )
        grid = F.affine_grid(theta, [m, 1, size, size], align_corners=False)
        ink = F.grid_sample(templates[pick], grid, mode="bilinear", padding_mode="zeros", align_corners=False)
        channels = 3 if colour else 1
        background = uniform(channels, 1, 1, low=0.0, high=0.5)  # a darker colour behind
        foreground = uniform(channels, 1, 1, low=0.5, high=1.0)  # lighter ink
        picture = background + (foreground - background) * ink  # (m, channels, size, size)
        picture = picture + (6.0 / 255.0) * torch.randn(picture.shape, generator=gen, device=device)
        pixels = (picture.clamp(0.0, 1.0) * 255.0).round().to(torch.uint8)
        images[lo : lo + m] = pixels.expand(m, 3, size, size)
        labels[lo : lo + m] = template_labels[pick]
    return images, labels


# ---------------------------------------------------------------------------------------------------------
# The naive data pipeline: per-sample transforms in a CPU DataLoader
# ---------------------------------------------------------------------------------------------------------
class PerSampleDataset(torch.utils.data.Dataset):
    """One image at a time, the way a torchvision-style pipeline serves them: convert to float, then (if
    ``augment``) pad by ``pad`` zero pixels and crop back at a random offset, and flip left–right with
    probability 1/2 (if ``flip``). Randomness comes from torch's global generator (per worker)."""

    def __init__(
        self,
        images: torch.Tensor,
        labels: torch.Tensor,
        augment: bool = True,
        flip: bool = True,
        pad: int = 4,
    ) -> None:
        self.images = images.cpu()
        self.labels = labels.cpu()
        self.augment, self.flip, self.pad = augment, flip, pad

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.images[i].float() / 255.0
        if self.augment:
            h, w = x.shape[-2:]
            padded = F.pad(x, (self.pad, self.pad, self.pad, self.pad))
            dy, dx = (int(v) for v in torch.randint(0, 2 * self.pad + 1, (2,)))
            x = padded[:, dy : dy + h, dx : dx + w]
            if self.flip and torch.rand(()) < 0.5:
                x = x.flip(-1)
        return x, self.labels[i]


def naive_loader(
    images: torch.Tensor,
    labels: torch.Tensor,
    batch_size: int,
    augment: bool = True,
    flip: bool = True,
    num_workers: int = 0,
) -> torch.utils.data.DataLoader:
    """A shuffling ``DataLoader`` over :class:`PerSampleDataset` (CPU tensors; move batches yourself)."""
    dataset = PerSampleDataset(images, labels, augment=augment, flip=flip)
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True, num_workers=num_workers)


# ---------------------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------------------
@torch.no_grad()
def evaluate_accuracy(
    model: torch.nn.Module,
    images: torch.Tensor,
    labels: torch.Tensor,
    batch_size: int = 1000,
    channels_last: bool = False,
    amp: bool = False,
) -> float:
    """Fraction of ``images`` (uint8, on the model's device) the model classifies correctly, in eval mode.

    The model is put back into training mode afterwards if it was in it. With ``amp`` the forward pass runs
    under ``torch.autocast`` in bfloat16 (CPU, or a GPU that supports it) or float16.
    """
    was_training = model.training
    model.eval()
    device = images.device
    dtype = torch.bfloat16 if device.type == "cpu" or _cuda_bf16(device) else torch.float16
    correct = 0
    try:
        for lo in range(0, len(labels), batch_size):
            x = images[lo : lo + batch_size].float() / 255.0
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device_type=device.type, dtype=dtype, enabled=amp):
                logits = model(x)
            correct += int((logits.argmax(dim=1) == labels[lo : lo + batch_size]).sum())
    finally:
        model.train(was_training)
    return correct / len(labels)


def _cuda_bf16(device: torch.device) -> bool:
    return device.type == "cuda" and torch.cuda.is_available() and torch.cuda.is_bf16_supported()


# ---------------------------------------------------------------------------------------------------------
# Hardware
# ---------------------------------------------------------------------------------------------------------
def cpu_bf16_fast() -> bool:
    """True when this CPU has native bfloat16 instructions (AVX512-BF16 or AMX), where bf16 autocast pays.

    Without them, bf16 autocast still runs on a CPU but is emulated and usually slower than float32.
    """
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def idle_cores() -> int:
    """Cores not already busy, from the 1-minute load average (at least 1, at most torch's thread count).

    PyTorch's CPU threads wait for each other after every operation; on a machine whose cores are busy with
    other programs, more threads than idle cores can make training many times slower than one thread.
    """
    threads = torch.get_num_threads()
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # not available on Windows
        return threads
    return max(1, min(threads, round((os.cpu_count() or 1) - busy)))


def cpu_name() -> str:
    """The processor's model name (from /proc/cpuinfo on Linux), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_description(device: str | torch.device = "cpu") -> str:
    """One line naming the processor (and GPU, for a CUDA device), core count and torch version."""
    device = torch.device(device)
    cpu = cpu_name()
    parts = [f"{cpu}, {os.cpu_count()} logical cores ({torch.get_num_threads()} torch threads)"]
    if device.type == "cpu":
        parts.append("bf16 instructions: " + ("yes" if cpu_bf16_fast() else "no"))
    elif device.type == "cuda":
        parts.insert(0, torch.cuda.get_device_name(device))
    elif device.type == "mps":
        parts.insert(0, "Apple GPU (mps)")
    parts.append(f"torch {torch.__version__}")
    return "; ".join(parts)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table (for ``IPython.display.Markdown`` or a results file)."""
    lines = ["| " + " | ".join(str(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# Several processes (data parallelism on one machine, gloo backend)
# ---------------------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _worker(rank: int, world_size: int, port: int, fn: Callable[..., Any], args: tuple, queue: Any) -> None:
    import torch.distributed as dist

    torch.set_num_threads(1)
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    try:
        dist.init_process_group("gloo", rank=rank, world_size=world_size)
        try:
            queue.put((rank, "ok", fn(rank, world_size, *args)))
        finally:
            dist.destroy_process_group()
    except BaseException as err:  # noqa: BLE001 - reported to the parent, which raises
        queue.put((rank, "error", f"{type(err).__name__}: {err}"))


def launch(fn: Callable[..., Any], world_size: int, *args: Any, timeout_s: float = 120.0) -> list[Any]:
    """Run ``fn(rank, world_size, *args)`` in ``world_size`` processes joined in a gloo process group.

    Returns the list of the ranks' return values (which must be picklable), in rank order.

    * Under ``torchrun --nproc_per_node N script.py`` (``RANK`` and ``WORLD_SIZE`` are set) nothing is
      started: this process joins torchrun's group (whose size replaces ``world_size``), runs ``fn`` for its
      own rank and returns ``[result]``.
      So one script runs unchanged in a notebook and under torchrun.
    * Otherwise the processes are *forked* (Linux, macOS), so ``fn`` may be defined in a notebook; each uses
      one thread. On Windows, run the code as a script under torchrun instead.
    """
    import torch.distributed as dist
    import torch.multiprocessing as mp

    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:
        if not dist.is_initialized():
            dist.init_process_group("gloo")
        return [fn(dist.get_rank(), dist.get_world_size(), *args)]
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    port = _free_port()
    procs = [
        ctx.Process(target=_worker, args=(r, world_size, port, fn, args, queue)) for r in range(world_size)
    ]
    for p in procs:
        p.start()
    results: dict[int, Any] = {}
    errors = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(results) + len(errors) < world_size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"the {world_size} processes did not finish within {timeout_s} s")
            rank, status, value = queue.get(timeout=remaining)
            if status == "ok":
                results[rank] = value
            else:
                errors.append(f"rank {rank}: {value}")
    finally:
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
    if errors:
        raise RuntimeError("; ".join(errors))
    return [results[r] for r in range(world_size)]


# ---------------------------------------------------------------------------------------------------------
# CIFAR-10
# ---------------------------------------------------------------------------------------------------------
CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"  # of cifar-10-python.tar.gz, as published with the data set
CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
_CIFAR_FOLDER = "cifar-10-batches-py"
_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
_TEST_BATCH = "test_batch"
_CACHE_NAME = "cifar10-uint8.pt"
_ARCHIVE_NAME = "cifar-10-python.tar.gz"


class DataChecksumError(RuntimeError):
    """A downloaded file does not have the published checksum."""


def _md5(path: Path) -> str:
    h = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download(url: str, destination: Path, md5: str) -> Path:
    """Download ``url`` to ``destination`` (via a temporary file) unless a file with the right MD5 is there.

    Raises :class:`DataChecksumError` (and keeps nothing) when the downloaded bytes have another MD5.
    """
    destination = Path(destination)
    if destination.is_file() and _md5(destination) == md5:
        return destination
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=destination.parent, delete=False, suffix=".part") as tmp:
        partial = Path(tmp.name)
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - a fixed https/file URL
            shutil.copyfileobj(response, tmp)
    got = _md5(partial)
    if got != md5:
        partial.unlink()
        raise DataChecksumError(f"{url} has MD5 {got}, expected {md5}: download again or check the URL")
    partial.replace(destination)
    return destination


class _CifarUnpickler(pickle.Unpickler):
    """Unpickles a CIFAR batch (dicts of numpy arrays, lists and bytes) and nothing else: a pickle can run
    arbitrary code when it names other globals, so any other global is refused."""

    _ALLOWED = {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("_codecs", "encode"),
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"a CIFAR batch should not refer to {module}.{name}")
        if module.startswith("numpy.core.") and int(np.__version__.split(".")[0]) >= 2:
            module = module.replace("numpy.core.", "numpy._core.", 1)
        return super().find_class(module, name)


def read_cifar_batch(fileobj: io.BufferedIOBase) -> tuple[np.ndarray, np.ndarray]:
    """Parse one CIFAR-10 python batch: ``(images uint8 (n, 3, 32, 32), labels int64 (n,))``.

    A batch is a pickled dict (written by Python 2, hence ``encoding="bytes"``) with ``b"data"``, an
    ``(n, 3072)`` uint8 array holding each image's red, green and blue 32×32 planes in row-major order, and
    ``b"labels"``, a list of n class indices 0–9.
    """
    batch = _CifarUnpickler(fileobj, encoding="bytes").load()
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise ValueError("not a CIFAR-10 batch: expected a dict with b'data' and b'labels'")
    data = np.asarray(batch[b"data"], dtype=np.uint8)
    labels = np.asarray(batch[b"labels"], dtype=np.int64)
    if data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or len(labels) != len(data):
        raise ValueError(
            f"a CIFAR-10 batch holds (n, 3072) pixels and n labels, not {data.shape}, {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError("CIFAR-10 labels must lie in 0–9")
    return data.reshape(-1, 3, 32, 32), labels


def default_cifar_dir() -> Path:
    """``<course data folder>/cifar10`` (see :func:`jclub.data.find_data_dir`), else ``./data/cifar10``."""
    from jclub.data import DataError, find_data_dir

    try:
        return find_data_dir() / "cifar10"
    except DataError:
        return Path("data") / "cifar10"


def load_cifar10(
    root: str | Path | None = None,
    download_if_missing: bool = False,
    url: str = CIFAR10_URL,
    md5: str = CIFAR10_MD5,
    device: str | torch.device = "cpu",
) -> dict[str, torch.Tensor]:
    """CIFAR-10 as uint8 tensors: ``{"train_images": (50000, 3, 32, 32), "train_labels": (50000,),
    "test_images": (10000, 3, 32, 32), "test_labels": (10000,)}`` on ``device``.

    The first call reads ``<root>/cifar-10-python.tar.gz`` (downloading it from ``url`` and checking its
    MD5 when ``download_if_missing``), parses the batches and caches the tensors in
    ``<root>/cifar10-uint8.pt``; later calls load the cache (about 180 MB) in well under a second.
    ``root`` defaults to :func:`default_cifar_dir`; a ``.gitignore`` there keeps the files out of git.
    """
    root = Path(root) if root is not None else default_cifar_dir()
    cache = root / _CACHE_NAME
    if cache.is_file():
        tensors = torch.load(cache, map_location=device, weights_only=True)
        return {k: v.to(device) for k, v in tensors.items()}
    archive = root / _ARCHIVE_NAME
    root.mkdir(parents=True, exist_ok=True)
    ignore = root / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# downloaded and cached data: never committed\n*\n", encoding="utf-8")
    if download_if_missing:
        download(url, archive, md5)
    elif not archive.is_file():
        raise FileNotFoundError(f"{archive} is missing: call load_cifar10(download_if_missing=True)")
    elif _md5(archive) != md5:
        raise DataChecksumError(
            f"{archive} does not have the published MD5 {md5}: delete it and download again"
        )
    parts: dict[str, np.ndarray] = {}
    with tarfile.open(archive, "r:gz") as tar:
        for split, names in (("train", _TRAIN_BATCHES), ("test", (_TEST_BATCH,))):
            images, labels = [], []
            for name in names:
                member = tar.extractfile(f"{_CIFAR_FOLDER}/{name}")
                if member is None:
                    raise ValueError(f"{archive} has no {_CIFAR_FOLDER}/{name}")
                x, y = read_cifar_batch(member)
                images.append(x)
                labels.append(y)
            parts[f"{split}_images"] = np.concatenate(images)
            parts[f"{split}_labels"] = np.concatenate(labels)
    tensors = {k: torch.from_numpy(v) for k, v in parts.items()}
    partial = cache.with_suffix(".part")
    torch.save(tensors, partial)
    partial.replace(cache)
    return {k: v.to(device) for k, v in tensors.items()}
