"""Graded checks of unit 11, Training CNNs fast: probes (run in the student's kernel) and judges (run here).

Conventions as in every judge module (see CONTRIBUTING.md). This unit's exercises are PyTorch code, so its
probes import ``torch`` (inside the probe, like every import) and turn tensors into short lists; its judges
import ``torch`` lazily, inside the functions that need it, so that loading the course's checks stays cheap.

* Deterministic checks (``train``, ``ddp_step``, ``build_cnn``) name their seeds ``data_seed`` / ``gen_seed``:
  the judge repeats the computation with its own reference code and compares to floating-point tolerance,
  so re-running them under shifted seeds would only repeat the same test (``tests/test_unit_11_*`` does it
  in the full tier). Stochastic checks (``init_weights``, ``DeviceLoader``) use ``seed`` and k·σ tolerances.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from autograder.checks import K_SIGMA, Cases, Check, Findings, JudgeError, Verdict, as_array, as_float


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """Run grader-side torch code on one thread (small tensors; parallel graders share the machine)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _require_list(value: Any, name: str) -> list:
    if not isinstance(value, list):
        raise JudgeError(f"{name} is not a list")
    return value


def _require_dict(value: Any, name: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise JudgeError(f"{name} is not a dict")
    return value


# ---------------------------------------------------------------------------------------------------------
# pick_device() -> torch.device
# ---------------------------------------------------------------------------------------------------------
def probe_pick_device(pick_device, cases):
    import torch

    saved_cuda = (torch.cuda.is_available, torch.cuda.device_count)
    mps = getattr(torch.backends, "mps", None)
    saved_mps = (getattr(mps, "is_available", None), getattr(mps, "is_built", None))
    mps_module = getattr(torch, "mps", None)
    saved_mps_count = getattr(mps_module, "device_count", None)
    out = []
    try:
        for case in cases:
            cuda, apple = case["cuda"], case["mps"]
            torch.cuda.is_available = lambda v=cuda: v
            torch.cuda.device_count = lambda v=cuda: int(v)
            if mps is not None:
                mps.is_available = lambda v=apple: v
                mps.is_built = lambda v=apple: v
            if saved_mps_count is not None:
                mps_module.device_count = lambda v=apple: int(v)
            try:
                device = pick_device()
            except Exception as err:
                out.append({"error": type(err).__name__})
                continue
            out.append(
                {"type": str(getattr(device, "type", device)), "is_device": isinstance(device, torch.device)}
            )
    finally:
        torch.cuda.is_available, torch.cuda.device_count = saved_cuda
        if mps is not None:
            mps.is_available, mps.is_built = saved_mps
        if saved_mps_count is not None:
            mps_module.device_count = saved_mps_count
    return out


def judge_pick_device(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, _require_list(data, "result"), strict=True):
        got = _require_dict(got, "result")
        want = "cuda" if case["cuda"] else "mps" if case["mps"] else "cpu"
        if not f.require("error" not in got, "pick_device raised an error"):
            continue
        f.require(got.get("is_device") is True, "pick_device must return a torch.device, not a string")
        f.require(
            got.get("type") == want,
            "the device is not the first available of cuda → mps → cpu (case: cuda "
            + ("available" if case["cuda"] else "absent")
            + ", mps "
            + ("available" if case["mps"] else "absent")
            + ")",
        )
    return f.verdict()


PICK_DEVICE_CASES = [
    {"cuda": True, "mps": True},
    {"cuda": True, "mps": False},
    {"cuda": False, "mps": True},
    {"cuda": False, "mps": False},
]


# ---------------------------------------------------------------------------------------------------------
# build_cnn(width, n_classes, norm="batch", generator=None) -> nn.Module
# ---------------------------------------------------------------------------------------------------------
def probe_build_cnn(build_cnn, cases):
    import copy
    import operator

    import torch
    import torch.fx
    import torch.nn as nn

    norm_types = (nn.BatchNorm2d, nn.GroupNorm, nn.LayerNorm, nn.InstanceNorm2d, nn.LocalResponseNorm)

    def make(case, seed):
        generator = torch.Generator().manual_seed(seed)
        return build_cnn(case["width"], case["n_classes"], norm=case["norm"], generator=generator)

    def run_case(case):
        if case.get("bad"):
            try:
                build_cnn(case["width"], case["n_classes"], norm=case["norm"])
                return {"error": None}
            except Exception as err:
                return {"error": type(err).__name__}
        model, twin = make(case, case["gen_seed"]), make(case, case["gen_seed"])
        other = make(case, case["gen_seed"] + 17)
        params = list(model.parameters())
        same = all(torch.equal(a, b) for a, b in zip(params, twin.parameters(), strict=True))
        differ = any(not torch.equal(a, b) for a, b in zip(params, other.parameters(), strict=True))
        layers = []
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                layers.append(["conv", m.in_channels, m.out_channels, list(m.kernel_size)])
            elif isinstance(m, nn.Linear):
                layers.append(["linear", m.in_features, m.out_features])
            elif isinstance(m, norm_types):
                layers.append(["norm", type(m).__name__])
        g = torch.Generator().manual_seed(case["gen_seed"] + 1)
        x32 = torch.rand(4, 3, 32, 32, generator=g)
        x16 = torch.rand(4, 3, 16, 16, generator=g)
        model.eval()
        with torch.no_grad():
            y32 = model(x32)
            y16 = model(x16)
            fast = copy.deepcopy(model).to(memory_format=torch.channels_last)
            y_cl = fast(x32.contiguous(memory_format=torch.channels_last))
        try:
            graph = torch.fx.symbolic_trace(copy.deepcopy(model)).graph
            adds = sum(
                1
                for node in graph.nodes
                if (node.op == "call_function" and node.target in (operator.add, operator.iadd, torch.add))
                or (node.op == "call_method" and node.target in ("add", "add_"))
            )
        except Exception as err:
            adds = "untraceable: " + type(err).__name__
        model.train()
        model.zero_grad()
        model(x32).square().mean().backward()
        return {
            "layers": layers,
            "y32": y32.tolist(),
            "y16_shape": list(y16.shape),
            "channels_last_diff": float((y_cl - y32).abs().max()),
            "no_grad": sum(1 for p in model.parameters() if p.requires_grad and p.grad is None),
            "same_seed_same": same,
            "other_seed_differs": differ,
            "adds": adds,
        }

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small tensors: one thread is fastest, and immune to a busy machine
    try:
        return [run_case(case) for case in cases]
    finally:
        torch.set_num_threads(threads)


def judge_build_cnn(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, _require_list(data, "result"), strict=True):
        got = _require_dict(got, "result")
        if case.get("bad"):
            f.require(got.get("error") == "ValueError", "an unknown norm must raise ValueError")
            continue
        width, k, norm = case["width"], case["n_classes"], case["norm"]
        y32 = as_array(got["y32"], None, "output")
        if not f.require(
            y32.shape == (4, k), "the output must have shape (batch, n_classes) for 32×32 images"
        ):
            continue
        f.require(
            list(got["y16_shape"]) == [4, k],
            "the model must accept other image sizes (e.g. 16×16: pool globally before the linear layer)",
        )
        layers = _require_list(got["layers"], "layers")
        convs = [lay for lay in layers if lay[0] == "conv"]
        linears = [lay for lay in layers if lay[0] == "linear"]
        norms = [lay[1] for lay in layers if lay[0] == "norm"]
        if not f.require(
            len(convs) >= 3 and linears, "the model needs several convolutions and a linear head"
        ):
            continue
        f.require(
            convs[0][1] == 3 and convs[0][2] == width,
            "the first convolution must map the 3 colour channels to `width` channels",
        )
        f.require(linears[-1][2] == k, "the last linear layer must have n_classes outputs")
        n_3x3 = sum(1 for c in convs if c[3] != [1, 1])
        if norm == "batch":
            f.require(
                norms.count("BatchNorm2d") >= n_3x3 and len(norms) == norms.count("BatchNorm2d"),
                "norm='batch' needs a BatchNorm2d after every 3×3 convolution (and no other norm)",
            )
        elif norm == "group":
            f.require(
                norms.count("GroupNorm") >= n_3x3 and len(norms) == norms.count("GroupNorm"),
                "norm='group' needs a GroupNorm after every 3×3 convolution (and no BatchNorm)",
            )
        else:
            f.require(not norms, "norm='none' must build a model without normalization layers")
        adds = got["adds"]
        if f.require(
            not isinstance(adds, str),
            "the model must be traceable by torch.fx (no Python branching on tensor values)",
        ):
            f.require(int(adds) >= 1, "the model has no residual connection (x + f(x))")
        f.require(
            as_float(got["channels_last_diff"], "difference") <= 1e-4 * (1 + float(np.abs(y32).max())),
            "the model gives other outputs for channels_last inputs (use flatten, not .view, on activations)",
        )
        f.require(int(got["no_grad"]) == 0, "some parameters receive no gradient (unused layers)")
        f.require(got["same_seed_same"] is True, "the same generator seed must build identical parameters")
        f.require(
            got["other_seed_differs"] is True, "parameters must be drawn from `generator` when it is given"
        )
    return f.verdict()


BUILD_CNN_CASES = [
    {"width": 4, "n_classes": 10, "norm": "batch", "gen_seed": 1101},
    {"width": 6, "n_classes": 3, "norm": "group", "gen_seed": 1102},
    {"width": 4, "n_classes": 7, "norm": "none", "gen_seed": 1103},
    {"width": 4, "n_classes": 10, "norm": "layer-ish", "bad": True},
]


# ---------------------------------------------------------------------------------------------------------
# init_weights(model, class_prior=None, generator=None) -> model
# ---------------------------------------------------------------------------------------------------------
def make_init_model(case):
    import torch
    import torch.nn as nn

    c, k = case["channels"], case["n_classes"]
    model = nn.Sequential(
        nn.Conv2d(3, c, 3, padding=1),
        nn.BatchNorm2d(c),
        nn.ReLU(),
        nn.Conv2d(c, 2 * c, 3, padding=1, bias=False),
        nn.BatchNorm2d(2 * c),
        nn.ReLU(),
        nn.Conv2d(2 * c, 2 * c, 1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(2 * c, case["hidden"]),
        nn.ReLU(),
        nn.Linear(case["hidden"], k),
    )
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(0.3)  # so that a layer left alone is noticed
    return model


def probe_init_weights(init_weights, cases):
    import numpy as np
    import torch
    import torch.nn as nn

    def run(case, seed):
        prior = None if case["prior"] is None else np.asarray(case["prior"], dtype=float)
        model = make_init_model(case)
        returned = init_weights(model, class_prior=prior, generator=torch.Generator().manual_seed(seed))
        return model, returned is model

    def weights(model):
        return [p for name, p in model.named_parameters() if name.endswith("weight") and p.dim() > 1]

    def run_case(case):
        if case.get("bad"):
            try:
                run(case, 1)
                return {"error": None}
            except Exception as err:
                return {"error": type(err).__name__}
        model, returns_model = run(case, case["seed"])
        twin, _ = run(case, case["seed"])
        other, _ = run(case, case["seed"] + 1)
        layers = []
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                w = m.weight.detach().reshape(-1)[: case["max_weights"]]
                layers.append(
                    {
                        "shape": list(m.weight.shape),
                        "w": [float(f"{v:.4g}") for v in w.tolist()],
                        "b": None if m.bias is None else m.bias.detach().tolist(),
                    }
                )
        same = all(torch.equal(a, b) for a, b in zip(model.parameters(), twin.parameters(), strict=True))
        differ = any(not torch.equal(a, b) for a, b in zip(weights(model), weights(other), strict=True))
        return {
            "layers": layers,
            "returns_model": returns_model,
            "same_seed_same": same,
            "other_seed_differs": differ,
        }

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small tensors: one thread is fastest, and immune to a busy machine
    try:
        return [run_case(case) for case in cases]
    finally:
        torch.set_num_threads(threads)


def _fan_in(shape: Sequence[int]) -> int:
    return int(np.prod(shape[1:]))


def judge_init_weights(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, _require_list(data, "result"), strict=True):
        got = _require_dict(got, "result")
        if case.get("bad"):
            f.require(
                got.get("error") == "ValueError",
                f"an invalid class_prior ({case['bad']}) must raise ValueError",
            )
            continue
        model = make_init_model(case)
        want_shapes = [
            list(m.weight.shape) for m in model.modules() if hasattr(m, "weight") and m.weight.dim() >= 2
        ]
        layers = _require_list(got["layers"], "layers")
        if not f.require(
            [lay["shape"] for lay in layers] == want_shapes, "every convolution and linear layer must be kept"
        ):
            continue
        pooled = []
        for i, lay in enumerate(layers):
            fan_in = _fan_in(lay["shape"])
            w = as_array(lay["w"], (min(case["max_weights"], int(np.prod(lay["shape"]))),), "weights")
            n, sigma2 = w.size, 2.0 / fan_in
            var = float(np.mean(w**2))  # the mean is 0: E[w²] = σ², Var(w²) = 2σ⁴
            f.require(
                abs(var / sigma2 - 1) <= K_SIGMA * math.sqrt(2.0 / n) + 1e-3,
                "the weight variance is not 2/fan_in (Kaiming normal, fan_in mode, ReLU gain √2)",
            )
            f.require(
                abs(float(w.mean())) <= K_SIGMA * math.sqrt(sigma2 / n),
                "the weights do not have zero mean",
            )
            pooled.append(w / math.sqrt(sigma2))
            bias = lay["b"]
            last = i == len(layers) - 1
            if bias is None:
                continue
            b = as_array(bias, (lay["shape"][0],), "bias")
            if last and case["prior"] is not None:
                pi = np.asarray(case["prior"], dtype=float)
                f.require(
                    np.allclose(b, -np.log((1 - pi) / pi), rtol=1e-5, atol=1e-5),
                    "the last layer's bias is not the prior −log((1 − π)/π)",
                )
            else:
                f.require(
                    np.all(b == 0), "biases must be zero (except the last layer's when class_prior is given)"
                )
        z = np.concatenate(pooled)
        kurtosis = float(np.mean(z**4) / np.mean(z**2) ** 2)
        # the sample kurtosis of n normal draws has standard deviation √(24/n)
        f.require(
            abs(kurtosis - 3.0) <= K_SIGMA * math.sqrt(24.0 / z.size),
            "the weights are not normally distributed (Kaiming *normal*, not uniform or truncated)",
        )
        f.require(got["returns_model"] is True, "init_weights must return the model it was given")
        f.require(got["same_seed_same"] is True, "the same generator seed must give the same weights")
        f.require(got["other_seed_differs"] is True, "the weights must be drawn from `generator`")
    return f.verdict()


INIT_CASES = [
    {
        "channels": 16,
        "hidden": 48,
        "n_classes": 10,
        "prior": [0.3, 0.2, 0.15, 0.1, 0.08, 0.06, 0.05, 0.03, 0.02, 0.01],
        "max_weights": 1200,
        "seed": 1111,
    },
    {"channels": 8, "hidden": 24, "n_classes": 4, "prior": None, "max_weights": 400, "seed": 1112},
    {
        "channels": 4,
        "hidden": 8,
        "n_classes": 3,
        "prior": [0.5, 0.3, 0.1, 0.1],
        "bad": "one frequency per class",
        "max_weights": 0,
    },
    {
        "channels": 4,
        "hidden": 8,
        "n_classes": 3,
        "prior": [0.0, 0.5, 0.5],
        "bad": "a frequency of 0",
        "max_weights": 0,
    },
]


# ---------------------------------------------------------------------------------------------------------
# DeviceLoader(X, y, batch_size, device, augment, generator, flip=True)
# ---------------------------------------------------------------------------------------------------------
def make_loader_data(case):
    import numpy as np

    rng = np.random.default_rng(case["data_seed"])
    shape = (case["n"], case["channels"], case["size"], case["size"])
    images = rng.integers(1, 256, size=shape, dtype=np.uint8)  # no zeros: padding is recognisable
    labels = rng.permutation(case["n"]).astype(np.int64) + 1000  # each label names its image
    return images, labels


def probe_device_loader(DeviceLoader, cases):
    import torch

    def make(case, seed):
        images, labels = make_loader_data(case)
        extra = {} if case["flip"] else {"flip": False}
        generator = torch.Generator().manual_seed(seed)
        x, y = torch.from_numpy(images), torch.from_numpy(labels)
        return DeviceLoader(
            x, y, case["batch_size"], torch.device("cpu"), case["augment"], generator, **extra
        )

    def run_case(case):
        loader = make(case, case["seed"])
        epochs = []
        for epoch in range(case["epochs"]):
            batches = []
            for xb, yb in loader:
                item = {
                    "shape": list(xb.shape),
                    "dtype": str(xb.dtype),
                    "device": xb.device.type,
                    "y": yb.tolist(),
                }
                if epoch < case["pixel_epochs"]:
                    scaled = xb.detach().float() * 255
                    item["x"] = torch.round(scaled).to(torch.int64).reshape(-1).tolist()
                    item["rounding"] = (
                        float((scaled - torch.round(scaled)).abs().max()) if xb.numel() else 0.0
                    )
                batches.append(item)
            epochs.append(batches)
        again = [v for _, yb in make(case, case["seed"]) for v in yb.tolist()]
        other = [v for _, yb in make(case, case["seed"] + 1) for v in yb.tolist()]
        return {"len": len(loader), "epochs": epochs, "same_seed": again, "other_seed": other}

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small tensors: one thread is fastest, and immune to a busy machine
    try:
        return [run_case(case) for case in cases]
    finally:
        torch.set_num_threads(threads)


def _windows(image: np.ndarray, pad: int) -> np.ndarray:
    """All (2·pad + 1)² crops of the zero-padded image: shape (2pad+1, 2pad+1, c, h, w)."""
    c, h, w = image.shape
    padded = np.pad(image, ((0, 0), (pad, pad), (pad, pad)))
    view = np.lib.stride_tricks.sliding_window_view(padded, (h, w), axis=(1, 2))  # (c, 2p+1, 2p+1, h, w)
    return np.moveaxis(view, 0, 2)


def judge_device_loader(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, _require_list(data, "result"), strict=True):
        got = _require_dict(got, "result")
        images, labels = make_loader_data(case)
        n, b = case["n"], case["batch_size"]
        source = {int(lab): i for i, lab in enumerate(labels)}
        sizes = [b] * (n // b) + ([n % b] if n % b else [])
        f.require(
            got["len"] == len(sizes), "len(loader) must be the number of batches, the partial one included"
        )
        orders = []
        flips, offsets = [], []
        for batches in _require_list(got["epochs"], "epochs"):
            if not f.require(
                [bt["shape"][0] for bt in batches] == sizes,
                "each epoch must yield batches of batch_size, and the last, partial batch",
            ):
                break
            order = []
            for bt in batches:
                shape = [len(bt["y"]), *images.shape[1:]]
                f.require(
                    bt["shape"] == shape, "image batches must have shape (batch, channels, height, width)"
                )
                f.require(bt["dtype"] == "torch.float32", "images must be float32")
                f.require(bt["device"] == "cpu", "batches must be on the requested device")
                order += [int(v) for v in bt["y"]]
                if "x" not in bt:
                    continue
                f.require(
                    as_float(bt["rounding"], "rounding") < 1e-3, "pixels must be the uint8 values / 255"
                )
                x = as_array(bt["x"], (int(np.prod(shape)),), "pixels").reshape(shape)
                batch_offsets = set()
                for img, lab in zip(x, bt["y"], strict=True):
                    if int(lab) not in source:
                        continue
                    src = images[source[int(lab)]].astype(float)
                    if not case["augment"]:
                        f.require(
                            np.array_equal(img, src), "without augment each image must be its source / 255"
                        )
                        continue
                    found = None
                    for flipped in (False, True):
                        windows = _windows(src[:, :, ::-1] if flipped else src, case["pad"])
                        hits = np.argwhere(np.all(windows == img, axis=(2, 3, 4)))
                        if len(hits):
                            found = (flipped, int(hits[0][0]), int(hits[0][1]))
                            break
                    if not f.require(
                        found is not None,
                        "each augmented image must be a crop of its source padded with 4 zero pixels, "
                        "possibly mirrored left–right, with its own label",
                    ):
                        continue
                    flips.append(found[0])
                    offsets.append(found[1:])
                    batch_offsets.add(found[1:])
                if case["augment"] and len(bt["y"]) >= 8:
                    f.require(len(batch_offsets) > 1, "crop offsets must be drawn per image, not per batch")
            f.require(
                sorted(order) == sorted(int(v) for v in labels),
                "every epoch must visit each sample exactly once",
            )
            orders.append(order)
        if len(orders) >= 2:
            f.require(orders[0] != orders[1], "the order must be reshuffled every epoch")
        if orders:
            f.require(
                orders[0] != sorted(orders[0]) and orders[0] != list(labels), "the samples must be shuffled"
            )
            f.require(
                [int(v) for v in got["same_seed"]] == orders[0],
                "the same generator seed must give the same order",
            )
            f.require(
                [int(v) for v in got["other_seed"]] != orders[0], "the order must be drawn from `generator`"
            )
        if case["augment"] and len(offsets) == n * case["pixel_epochs"]:
            m = len(flips)
            if case["flip"]:
                f.require(
                    abs(sum(flips) - m / 2) <= K_SIGMA * math.sqrt(m / 4),
                    "images must be mirrored with probability 1/2",
                )
            else:
                f.require(sum(flips) == 0, "with flip=False no image may be mirrored")
            span = 2 * case["pad"] + 1
            for axis, name in ((0, "vertical"), (1, "horizontal")):
                counts = np.bincount([o[axis] for o in offsets], minlength=span)
                p = 1 / span
                f.require(
                    len(counts) == span
                    and np.all(np.abs(counts - m * p) <= K_SIGMA * math.sqrt(m * p * (1 - p))),
                    f"the {name} crop offset is not uniform over the {span} possible positions",
                )
    return f.verdict()


LOADER_CASES = [
    {"n": 50, "channels": 3, "size": 4, "batch_size": 16, "augment": False, "flip": True, "pad": 4,
     "epochs": 2, "pixel_epochs": 2, "data_seed": 1121, "seed": 1131},
    {"n": 220, "channels": 1, "size": 8, "batch_size": 48, "augment": True, "flip": True, "pad": 4,
     "epochs": 2, "pixel_epochs": 1, "data_seed": 1122, "seed": 1132},
    {"n": 60, "channels": 2, "size": 6, "batch_size": 30, "augment": True, "flip": False, "pad": 4,
     "epochs": 1, "pixel_epochs": 1, "data_seed": 1123, "seed": 1133},
]  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# train(model, loader, epochs, max_lr, weight_decay, amp, channels_last, generator=None, optimizer="adamw",
#       eval_data=None, target_accuracy=None) -> history
# ---------------------------------------------------------------------------------------------------------
def make_train_setup(case):
    import torch
    import torch.nn as nn

    g = torch.Generator().manual_seed(case["data_seed"])
    n, k, size, b = case["n"], case["n_classes"], case["size"], case["batch_size"]
    colours = torch.rand(k, 3, 1, 1, generator=g)

    def sample(m):
        y = torch.randint(0, k, (m,), generator=g)
        x = (colours[y] + 0.3 * torch.randn(m, 3, size, size, generator=g)).clamp(0, 1)
        return x, y

    x, y = sample(n)
    batches = [(x[i : i + b], y[i : i + b]) for i in range(0, n, b)]
    xe, ye = sample(case["n_eval"])
    eval_data = ((xe * 255).round().to(torch.uint8), ye)

    class TinyNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 6, 3, padding=1, bias=False)  # a bias before BatchNorm gets no gradient
            self.norm = nn.BatchNorm2d(6)
            self.drop = nn.Dropout(case["dropout"])
            self.head = nn.Linear(6, k)
            self.seen = []

        def forward(self, x):
            h = self.conv(x)
            channels_last = x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous()
            if self.training:
                self.seen.append([str(h.dtype).replace("torch.", ""), bool(channels_last)])
            h = torch.relu(self.norm(h)).mean(dim=(2, 3))
            return self.head(self.drop(h))

    model = TinyNet()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(0.5 * torch.randn(p.shape, generator=g))
    return model, batches, eval_data


def probe_train(train, cases):
    import torch

    def run(case, seed):
        model, batches, eval_data = make_train_setup(case)
        kwargs = {}
        if seed is not None:
            kwargs["generator"] = torch.Generator().manual_seed(seed)
        if case["optimizer"] != "adamw":
            kwargs["optimizer"] = case["optimizer"]
        if case["target"] is not None:
            kwargs["eval_data"] = eval_data
            kwargs["target_accuracy"] = case["target"]
        history = train(
            model,
            batches,
            case["epochs"],
            case["max_lr"],
            case["weight_decay"],
            amp=case["amp"],
            channels_last=case["channels_last"],
            **kwargs,
        )
        keys = ("loss", "accuracy", "seconds", "lr", "eval_accuracy")
        weight = model.conv.weight
        return {
            "history": {key: [float(v) for v in history[key]] for key in keys if key in history},
            "params": [float(v) for p in model.parameters() for v in p.detach().float().reshape(-1).tolist()],
            "seen": model.seen,
            "weight_channels_last": bool(
                weight.is_contiguous(memory_format=torch.channels_last) and not weight.is_contiguous()
            ),
        }

    def run_case(case):
        return [run(case, seed) for seed in case["generator_seeds"] or [None]]

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small tensors: one thread is fastest, and immune to a busy machine
    try:
        return [run_case(case) for case in cases]
    finally:
        torch.set_num_threads(threads)


def one_cycle_lr(step: int, total: int, max_lr: float) -> float:
    """OneCycleLR's default schedule (pct_start 0.3, cosine, div_factor 25, final_div_factor 1e4), step k."""
    initial, final = max_lr / 25.0, max_lr / 25.0 / 1e4
    end_up = 0.3 * total - 1
    if step <= end_up:
        pct, start, stop = step / end_up, initial, max_lr
    else:
        pct, start, stop = (step - end_up) / (total - 1 - end_up), max_lr, final
    return stop + (start - stop) / 2.0 * (1 + math.cos(math.pi * pct))


def _reference_train(case: Mapping[str, Any]) -> dict[str, Any]:
    import torch
    import torch.nn.functional as F

    model, batches, (xe, ye) = make_train_setup(case)
    if case["channels_last"]:
        model = model.to(memory_format=torch.channels_last)
    steps = case["epochs"] * len(batches)
    if case["optimizer"] == "adamw":
        opt = torch.optim.AdamW(model.parameters(), lr=case["max_lr"], weight_decay=case["weight_decay"])
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=case["max_lr"], total_steps=steps)
    else:
        opt = torch.optim.SGD(
            model.parameters(), lr=case["max_lr"], momentum=0.9, weight_decay=case["weight_decay"]
        )
        sched = None
    hist: dict[str, list[float]] = {"loss": [], "accuracy": [], "lr": [], "eval_accuracy": []}
    for _ in range(case["epochs"]):
        total = correct = seen = 0.0
        for x, y in batches:
            hist["lr"].append(opt.param_groups[0]["lr"])
            if case["channels_last"]:
                x = x.contiguous(memory_format=torch.channels_last)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            total += loss.item() * len(y)
            correct += float((logits.argmax(1) == y).sum())
            seen += len(y)
        hist["loss"].append(total / seen)
        hist["accuracy"].append(correct / seen)
        if case["target"] is not None:
            model.eval()
            with torch.no_grad():
                acc = float((model(xe.float() / 255).argmax(1) == ye).float().mean())
            model.train()
            hist["eval_accuracy"].append(acc)
            if acc >= case["target"]:
                break
    hist["params"] = [float(v) for p in model.parameters() for v in p.detach().reshape(-1).tolist()]
    return hist


def judge_train(data: Any, cases: Cases) -> Verdict:
    with _one_thread():
        return _judge_train(data, cases)


def _judge_train(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, runs in zip(cases, _require_list(data, "result"), strict=True):
        runs = _require_list(runs, "runs")
        if not f.require(len(runs) == max(1, len(case["generator_seeds"])), "train did not run every case"):
            continue
        ref = _reference_train(case)
        n_epochs = len(ref["loss"])
        n_steps = len(ref["lr"])
        for run in runs:
            run = _require_dict(run, "run")
            hist = _require_dict(run["history"], "history")
            missing = [key for key in ("loss", "accuracy", "seconds", "lr") if key not in hist]
            if not f.require(not missing, "the history must hold 'loss', 'accuracy', 'seconds' and 'lr'"):
                continue
            stopped = "eval_accuracy" in ref and case["target"] is not None
            if not f.require(
                len(hist["loss"]) == n_epochs
                and len(hist["accuracy"]) == n_epochs
                and len(hist["seconds"]) == n_epochs,
                "the history must have one entry per epoch trained"
                + (" (stop once the evaluation accuracy reaches the target)" if stopped else ""),
            ):
                continue
            seconds = as_array(hist["seconds"], (n_epochs,), "seconds")
            f.require(
                np.all(seconds >= 0) and np.all(np.diff(seconds) >= 0),
                "'seconds' must be the cumulative training time",
            )
            lr = as_array(hist["lr"], None, "lr")
            if f.require(lr.shape == (n_steps,), "'lr' must hold the learning rate of every optimizer step"):
                if case["optimizer"] == "adamw":
                    total = case["epochs"] * len(ref["lr"]) // n_epochs
                    want = [one_cycle_lr(k, total, case["max_lr"]) for k in range(n_steps)]
                    f.require(
                        np.allclose(lr, want, rtol=1e-6, atol=1e-12),
                        "the learning rates do not follow OneCycleLR (defaults) over epochs × batches steps, "
                        "stepped once after every optimizer step",
                    )
                else:
                    f.require(
                        np.allclose(lr, case["max_lr"]),
                        "optimizer='sgd' must keep the learning rate constant",
                    )
            seen = _require_list(run["seen"], "seen")
            f.require(len(seen) == n_steps, "the model must see one training forward pass per batch")
            dtype = "bfloat16" if case["amp"] else "float32"
            f.require(
                all(s[0] == dtype for s in seen),
                "with amp=True the forward pass must run under torch.autocast in bfloat16 on the CPU"
                if case["amp"]
                else "with amp=False the forward pass must run in float32",
            )
            if case["channels_last"]:
                f.require(all(s[1] for s in seen), "with channels_last=True the inputs must be channels_last")
                f.require(
                    run["weight_channels_last"] is True, "with channels_last=True the model must be converted"
                )
            else:
                f.require(
                    not any(s[1] for s in seen), "with channels_last=False the inputs must stay contiguous"
                )
            loss = as_array(hist["loss"], (n_epochs,), "loss")
            acc = as_array(hist["accuracy"], (n_epochs,), "accuracy")
            params = as_array(run["params"], (len(ref["params"]),), "parameters")
            if case["amp"]:
                f.require(loss[-1] < 0.8 * loss[0], "with amp=True the training loss must still fall")
                continue
            if case["generator_seeds"]:
                continue  # compared with each other below
            f.require(
                np.allclose(params, ref["params"], rtol=1e-4, atol=2e-5),
                "the trained parameters differ from AdamW + OneCycleLR (or SGD with momentum 0.9) on the "
                "mean cross-entropy, one step per batch",
            )
            f.require(
                np.allclose(loss, ref["loss"], rtol=1e-4, atol=1e-6),
                "'loss' must be the mean training loss per sample over each epoch",
            )
            f.require(
                np.all(np.abs(acc - ref["accuracy"]) <= 1.0 / case["n"] + 1e-9),
                "'accuracy' must be the fraction of training samples classified correctly during each epoch",
            )
            if case["target"] is not None:
                got_eval = as_array(hist.get("eval_accuracy"), (n_epochs,), "eval_accuracy")
                f.require(
                    np.all(np.abs(got_eval - ref["eval_accuracy"]) <= 1.0 / case["n_eval"] + 1e-9),
                    "'eval_accuracy' must be the accuracy on eval_data after each epoch (eval mode)",
                )
        if case["generator_seeds"] and len(runs) == 3:
            p = [as_array(r["params"], None, "parameters") for r in runs]
            f.require(
                np.array_equal(p[0], p[1]), "training with the same generator seed must be reproducible"
            )
            f.require(not np.array_equal(p[0], p[2]), "dropout masks must depend on `generator`")
    return f.verdict()


_TRAIN_BASE = {
    "n": 100, "n_eval": 60, "n_classes": 3, "size": 6, "batch_size": 32, "epochs": 4, "max_lr": 0.03,
    "weight_decay": 0.1, "amp": False, "channels_last": False, "optimizer": "adamw", "target": None,
    "dropout": 0.0, "generator_seeds": [],
}  # fmt: skip
TRAIN_CASES = [
    {**_TRAIN_BASE, "data_seed": 1141},
    {**_TRAIN_BASE, "data_seed": 1142, "channels_last": True, "n": 90, "batch_size": 20, "weight_decay": 0.5},
    {**_TRAIN_BASE, "data_seed": 1143, "optimizer": "sgd", "max_lr": 0.05, "weight_decay": 1e-3, "epochs": 3},
    {**_TRAIN_BASE, "data_seed": 1144, "epochs": 5, "target": 1.01},
    {**_TRAIN_BASE, "data_seed": 1145, "epochs": 5, "target": 0.0},
    {**_TRAIN_BASE, "data_seed": 1146, "amp": True, "epochs": 6, "max_lr": 0.05},
    {**_TRAIN_BASE, "data_seed": 1147, "dropout": 0.5, "epochs": 1, "n": 40, "generator_seeds": [5, 5, 6]},
]


# ---------------------------------------------------------------------------------------------------------
# throughput(model, batch_size, device, amp, channels_last, image_size=32, warmup=3, steps=10) -> images/s
# ---------------------------------------------------------------------------------------------------------
def make_timed_model(case):
    import time

    import torch
    import torch.nn as nn

    class TimedNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3, padding=1)
            self.head = nn.Linear(4, case["n_classes"])
            self.calls = []
            self.backward_calls = []
            self.conv.weight.register_hook(self._backward)

        def _backward(self, grad):
            time.sleep(case["sleep_s"])
            self.backward_calls.append(time.perf_counter())
            return grad

        def forward(self, x):
            now = time.perf_counter()
            h = self.conv(x)
            channels_last = x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous()
            self.calls.append(
                [
                    now,
                    list(x.shape),
                    str(h.dtype).replace("torch.", ""),
                    bool(channels_last),
                    torch.is_grad_enabled(),
                ]
            )
            time.sleep(case["sleep_s"])
            return self.head(torch.relu(h).mean(dim=(2, 3)))

    return TimedNet()


def probe_throughput(throughput, cases):
    import time

    import torch

    def run_case(case):
        model = make_timed_model(case)
        start = time.perf_counter()
        value = throughput(
            model,
            case["batch_size"],
            torch.device("cpu"),
            case["amp"],
            case["channels_last"],
            image_size=case["image_size"],
            warmup=case["warmup"],
            steps=case["steps"],
        )
        end = time.perf_counter()
        return {
            "value": float(value),
            "start": start,
            "end": end,
            "calls": model.calls,
            "backward_calls": model.backward_calls,
        }

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small tensors: one thread is fastest, and immune to a busy machine
    try:
        return [run_case(case) for case in cases]
    finally:
        torch.set_num_threads(threads)


def judge_throughput(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, _require_list(data, "result"), strict=True):
        got = _require_dict(got, "result")
        value = as_float(got["value"], "images per second")
        calls = [c for c in _require_list(got["calls"], "calls") if c[4]]  # forward passes with gradients
        n_b, steps, warmup, sleep = case["batch_size"], case["steps"], case["warmup"], case["sleep_s"]
        if not f.require(
            len(calls) == warmup + steps,
            "throughput must run `warmup` + `steps` training steps (forward with grad)",
        ):
            continue
        shape = [n_b, 3, case["image_size"], case["image_size"]]
        f.require(
            all(c[1] == shape for c in calls), "each step must use a batch of (batch_size, 3, size, size)"
        )
        f.require(
            len(got["backward_calls"]) >= warmup + steps,
            "each step must include the backward pass (training speed)",
        )
        dtype = "bfloat16" if case["amp"] else "float32"
        f.require(
            all(c[2] == dtype for c in calls), "amp must switch autocast (bfloat16 on the CPU) on and off"
        )
        f.require(
            all(c[3] == case["channels_last"] for c in calls),
            "the inputs must be channels_last exactly when asked",
        )
        # the timed interval lies between the end of the last warm-up step and the end of the call
        first_timed, last_timed = calls[warmup][0], calls[-1][0]
        previous = calls[warmup - 1][0] if warmup else as_float(got["start"], "start")
        longest = as_float(got["end"], "end") - previous - sleep
        shortest = last_timed - first_timed + sleep
        f.require(
            0.9 * n_b * steps / longest <= value <= 1.1 * n_b * steps / shortest,
            "the result must be images per second over the timed steps only (batch_size × steps / seconds, "
            "warm-up excluded)",
        )
    return f.verdict()


THROUGHPUT_CASES = [
    {"batch_size": 8, "image_size": 12, "amp": False, "channels_last": False, "warmup": 3, "steps": 4,
     "n_classes": 5, "sleep_s": 0.015},
    {"batch_size": 5, "image_size": 10, "amp": True, "channels_last": True, "warmup": 2, "steps": 3,
     "n_classes": 3, "sleep_s": 0.015},
]  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# progressive_sizes(epochs, start, end) -> list[int]
# ---------------------------------------------------------------------------------------------------------
def probe_progressive_sizes(progressive_sizes, cases):
    out = []
    for case in cases:
        try:
            sizes = progressive_sizes(case["epochs"], case["start"], case["end"])
        except Exception as err:
            out.append({"error": type(err).__name__})
            continue
        out.append({"sizes": [repr(s) if not isinstance(s, int) else s for s in sizes]})
    return out


def _progressive_reference(epochs: int, start: int, end: int) -> list[int]:
    if epochs == 1:
        return [end]
    return [2 * ((start + (end - start) * k // (epochs - 1)) // 2) for k in range(epochs)]


def judge_progressive_sizes(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, _require_list(data, "result"), strict=True):
        got = _require_dict(got, "result")
        if case.get("bad"):
            f.require(got.get("error") == "ValueError", f"{case['bad']} must raise ValueError")
            continue
        if not f.require("sizes" in got, "progressive_sizes raised an error on valid input"):
            continue
        sizes = got["sizes"]
        f.require(
            isinstance(sizes, list) and all(isinstance(s, int) and not isinstance(s, bool) for s in sizes),
            "the sizes must be a list of Python ints",
        )
        f.require(
            sizes == _progressive_reference(case["epochs"], case["start"], case["end"]),
            "the sizes are not the linear ramp from start to end rounded down to even numbers "
            f"(epochs={case['epochs']}, start={case['start']}, end={case['end']})",
        )
    return f.verdict()


PROGRESSIVE_CASES = [
    {"epochs": 5, "start": 16, "end": 32},
    {"epochs": 4, "start": 16, "end": 32},
    {"epochs": 10, "start": 8, "end": 32},
    {"epochs": 7, "start": 12, "end": 30},
    {"epochs": 13, "start": 2, "end": 38},
    {"epochs": 12, "start": 2, "end": 32},  # start + k·(30/11) in floating point gives 31.999… at k = 11
    {"epochs": 8, "start": 2, "end": 124},
    {"epochs": 3, "start": 24, "end": 24},
    {"epochs": 1, "start": 16, "end": 32},
    {"epochs": 5, "start": 15, "end": 32, "bad": "an odd start"},
    {"epochs": 5, "start": 16, "end": 33, "bad": "an odd end"},
    {"epochs": 5, "start": 32, "end": 16, "bad": "start > end"},
    {"epochs": 0, "start": 16, "end": 32, "bad": "epochs < 1"},
]


# ---------------------------------------------------------------------------------------------------------
# repeat_factors(labels, threshold) -> (n,) float
# ---------------------------------------------------------------------------------------------------------
def make_long_tail_labels(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    k = case["n_classes"]
    p = 1.0 / np.arange(1, k + 1) ** case["zipf"]
    return rng.choice(np.arange(k) * case["label_step"], size=case["n"], p=p / p.sum())


def probe_repeat_factors(repeat_factors, cases):
    import numpy as np

    out = []
    for case in cases:
        labels = make_long_tail_labels(case)
        if case["as_list"]:
            labels = labels.tolist()
        r = repeat_factors(labels, case["threshold"])
        out.append(np.asarray(r, dtype=float).reshape(-1).tolist())
    return out


def judge_repeat_factors(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, _require_list(data, "result"), strict=True):
        labels = np.asarray(make_long_tail_labels(case))
        values, counts = np.unique(labels, return_counts=True)
        freq = dict(zip(values.tolist(), (counts / labels.size).tolist(), strict=True))
        want = np.array([max(1.0, math.sqrt(case["threshold"] / freq[v])) for v in labels.tolist()])
        r = as_array(got, (labels.size,), "repeat factors")
        f.require(
            np.allclose(r, want, rtol=1e-9, atol=0),
            "the factors are not max(1, √(t / f_c)) with f_c the fraction of samples in the sample's class",
        )
    return f.verdict()


REPEAT_CASES = [
    {
        "n": 300,
        "n_classes": 12,
        "zipf": 1.5,
        "label_step": 1,
        "threshold": 0.05,
        "as_list": False,
        "seed": 1151,
    },
    {"n": 150, "n_classes": 6, "zipf": 1.0, "label_step": 7, "threshold": 0.3, "as_list": True, "seed": 1152},
    {
        "n": 80,
        "n_classes": 4,
        "zipf": 0.0,
        "label_step": 1,
        "threshold": 0.01,
        "as_list": False,
        "seed": 1153,
    },
]


# ---------------------------------------------------------------------------------------------------------
# ddp_step(model, x, y, lr) -> local loss, in every process of a gloo process group
# ---------------------------------------------------------------------------------------------------------
def make_ddp_problem(case):
    import torch
    import torch.nn as nn

    g = torch.Generator().manual_seed(case["data_seed"])
    k, c = case["n_classes"], case["channels"]
    model = nn.Sequential(
        nn.Conv2d(3, c, 3, padding=1),
        nn.GroupNorm(2, c),
        nn.ReLU(),
        nn.Conv2d(c, c, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(c, k),
    )
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(0.4 * torch.randn(p.shape, generator=g))
    x = torch.rand(case["batch"], 3, case["size"], case["size"], generator=g)
    y = torch.randint(0, k, (case["batch"],), generator=g)
    return model, x, y


def probe_ddp_step(ddp_step, cases):
    import multiprocessing
    import os
    import queue
    import socket

    import torch

    def work(rank, case, port, results):
        import torch.distributed as dist

        torch.set_num_threads(1)
        os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(port)
        model, x, y = make_ddp_problem(case)
        x, y = x.chunk(case["world"])[rank], y.chunk(case["world"])[rank]
        try:
            dist.init_process_group("gloo", rank=rank, world_size=case["world"])
            loss = ddp_step(model, x, y, case["lr"])
            loss = float(loss.item() if hasattr(loss, "item") else loss)
            params = [float(v) for p in model.parameters() for v in p.detach().reshape(-1).tolist()]
            results.put((rank, loss, params))
        except Exception as err:
            results.put((rank, "error", type(err).__name__ + ": " + str(err)[:200]))
        finally:
            if dist.is_initialized():
                dist.destroy_process_group()

    def run_case(case):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        ctx = multiprocessing.get_context("fork")  # the processes inherit ddp_step from this kernel
        results = ctx.Queue()
        procs = [ctx.Process(target=work, args=(r, case, port, results)) for r in range(case["world"])]
        for p in procs:
            p.start()
        ranks = {}
        try:
            for _ in procs:
                rank, loss, params = results.get(timeout=case["timeout_s"])
                ranks[rank] = {"loss": loss, "params": params}
        except queue.Empty as err:
            raise TimeoutError(
                "ddp_step did not finish in every process (a collective waiting forever?)"
            ) from err
        finally:
            for p in procs:
                p.join(timeout=5)
                if p.is_alive():
                    p.kill()
        return [ranks[r] for r in range(case["world"])]

    return [run_case(case) for case in cases]


def judge_ddp_step(data: Any, cases: Cases) -> Verdict:
    with _one_thread():
        return _judge_ddp_step(data, cases)


def _judge_ddp_step(data: Any, cases: Cases) -> Verdict:
    import torch
    import torch.nn.functional as F

    f = Findings()
    for case, ranks in zip(cases, _require_list(data, "result"), strict=True):
        ranks = _require_list(ranks, "ranks")
        if not f.require(len(ranks) == case["world"], "every process must report"):
            continue
        errors = [r["loss"] for r in ranks if r["loss"] == "error"]
        if not f.require(not errors, "ddp_step raised an error in a worker process"):
            continue
        model, x, y = make_ddp_problem(case)
        local = [
            F.cross_entropy(model(xs), ys).item()
            for xs, ys in zip(x.chunk(case["world"]), y.chunk(case["world"]), strict=True)
        ]
        loss = F.cross_entropy(model(x), y)
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= case["lr"] * p.grad
        want = np.array([float(v) for p in model.parameters() for v in p.detach().reshape(-1).tolist()])
        for rank, got in enumerate(ranks):
            params = as_array(got["params"], want.shape, "parameters")
            f.require(
                np.allclose(params, want, rtol=0, atol=1e-6),
                "after one step every process must hold the parameters of one SGD step on the whole batch "
                "(average the gradients over processes)",
            )
            f.require(
                math.isclose(as_float(got["loss"], "loss"), local[rank], rel_tol=1e-5, abs_tol=1e-6),
                "ddp_step must return the mean cross-entropy of its own process's batch",
            )
    return f.verdict()


DDP_CASES = [
    {"world": 2, "batch": 16, "size": 8, "channels": 6, "n_classes": 4, "lr": 0.5, "data_seed": 1161,
     "timeout_s": 60},
]  # fmt: skip


CHECKS = [
    Check("pick_device", ("pick_device",), 1, PICK_DEVICE_CASES, probe_pick_device, judge_pick_device),
    Check("build_cnn", ("build_cnn",), 2, BUILD_CNN_CASES, probe_build_cnn, judge_build_cnn),
    Check(
        "init_weights",
        ("init_weights",),
        2,
        INIT_CASES,
        probe_init_weights,
        judge_init_weights,
        helpers=(make_init_model,),
    ),
    Check(
        "DeviceLoader",
        ("DeviceLoader",),
        3,
        LOADER_CASES,
        probe_device_loader,
        judge_device_loader,
        helpers=(make_loader_data,),
    ),
    Check("train", ("train",), 4, TRAIN_CASES, probe_train, judge_train, helpers=(make_train_setup,)),
    Check(
        "throughput",
        ("throughput",),
        2,
        THROUGHPUT_CASES,
        probe_throughput,
        judge_throughput,
        helpers=(make_timed_model,),
    ),
    Check(
        "progressive_sizes",
        ("progressive_sizes",),
        1,
        PROGRESSIVE_CASES,
        probe_progressive_sizes,
        judge_progressive_sizes,
    ),
    Check(
        "repeat_factors",
        ("repeat_factors",),
        1,
        REPEAT_CASES,
        probe_repeat_factors,
        judge_repeat_factors,
        helpers=(make_long_tail_labels,),
    ),
    Check(
        "ddp_step", ("ddp_step",), 3, DDP_CASES, probe_ddp_step, judge_ddp_step, helpers=(make_ddp_problem,)
    ),
]
