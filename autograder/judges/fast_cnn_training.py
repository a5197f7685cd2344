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
from autograder.probes import guarded_call, require_dtype_kind, require_unmodified


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

    # "available" and "built" are different capabilities: a case may have a backend compiled in but no device
    mps = getattr(torch.backends, "mps", None)
    mps_module = getattr(torch, "mps", None)
    cuda_backend = getattr(torch.backends, "cuda", None)
    patched = [
        (torch.cuda, "is_available", "cuda"),
        (torch.cuda, "device_count", "cuda_count"),
        (mps, "is_available", "mps"),
        (mps, "is_built", "mps_built"),
        (mps_module, "is_available", "mps"),
        (mps_module, "device_count", "mps_count"),
        (cuda_backend, "is_built", "cuda_built"),
    ]
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in patched if hasattr(obj, name)]
    saved_version = torch.version.cuda
    out = []
    try:
        for case in cases:
            values = {
                "cuda": case["cuda"],
                "cuda_count": int(case["cuda"]),
                "mps": case["mps"],
                "mps_count": int(case["mps"]),
                "mps_built": case.get("mps_built", case["mps"]),
                "cuda_built": case.get("cuda_built", case["cuda"]),
            }
            for obj, name, key in patched:
                if hasattr(obj, name):
                    setattr(obj, name, lambda v=values[key]: v)
            torch.version.cuda = "12.4" if values["cuda_built"] else None
            try:
                device = pick_device()
            except Exception as err:
                out.append({"error": type(err).__name__})
                continue
            out.append(
                {"type": str(getattr(device, "type", device)), "is_device": isinstance(device, torch.device)}
            )
    finally:
        for obj, name, value in saved:
            setattr(obj, name, value)
        torch.version.cuda = saved_version
    return out


def judge_pick_device(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, _require_list(data, "result"), strict=True):
        got = _require_dict(got, "result")
        want = "cuda" if case["cuda"] else "mps" if case["mps"] else "cpu"
        if not f.require("error" not in got, "pick_device raised an error"):
            continue
        f.require(got.get("is_device") is True, "pick_device must return a torch.device, not a string")
        built_only = (
            case.get("mps_built", case["mps"]) != case["mps"]
            or case.get("cuda_built", case["cuda"]) != (case["cuda"])
        )
        f.require(
            got.get("type") == want,
            "the device is not the first available of cuda → mps → cpu (case: cuda "
            + ("available" if case["cuda"] else "absent")
            + ", mps "
            + ("available" if case["mps"] else "absent")
            + (
                ", a backend compiled in but without a usable device: test is_available()"
                if built_only
                else ""
            )
            + ")",
        )
    return f.verdict()


PICK_DEVICE_CASES = [
    {"cuda": True, "mps": True},
    {"cuda": True, "mps": False},
    {"cuda": False, "mps": True},
    {"cuda": False, "mps": False},
    {"cuda": False, "mps": False, "mps_built": True},
    {"cuda": False, "mps": True, "cuda_built": True},
    {"cuda": False, "mps": False, "cuda_built": True},
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
    add_functions = (operator.add, operator.iadd, torch.add)

    def make(case, seed):
        generator = torch.Generator().manual_seed(seed)
        return build_cnn(
            case["width"], case["n_classes"], norm=case["norm"], generator=generator, dropout=case["dropout"]
        )

    def residual_adds(model):
        # an add node x + f(x): one operand is an ancestor of the other, with a convolution in between
        traced = torch.fx.symbolic_trace(copy.deepcopy(model))
        modules = dict(traced.named_modules())
        ancestors = {}
        for node in traced.graph.nodes:  # topological order
            seen = set()
            for parent in node.all_input_nodes:
                seen.add(parent)
                seen |= ancestors[parent]
            ancestors[node] = seen
        count = 0
        for node in traced.graph.nodes:
            is_add = (node.op == "call_function" and node.target in add_functions) or (
                node.op == "call_method" and node.target in ("add", "add_")
            )
            operands = [v for v in node.args[:2] if isinstance(v, torch.fx.Node)]
            if not is_add or len(operands) != 2:
                continue
            for skip, branch in (operands, operands[::-1]):
                path = [n for n in ancestors[branch] | {branch} if skip in ancestors[n]]
                if any(n.op == "call_module" and isinstance(modules.get(n.target), nn.Conv2d) for n in path):
                    count += 1
                    break
        return count

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
        small = [torch.rand(4, 3, h, w, generator=g) for h, w in case["other_sizes"]]
        model.eval()
        with torch.no_grad():
            y32 = model(x32)
            again = model(x32)
            small_shapes = [list(model(x).shape) for x in small]
            fast = copy.deepcopy(model).to(memory_format=torch.channels_last)
            y_cl = fast(x32.contiguous(memory_format=torch.channels_last))
        try:
            adds = residual_adds(model)
        except Exception as err:
            adds = "untraceable: " + type(err).__name__
        model.train()
        state = torch.get_rng_state()
        with torch.no_grad():
            train_a, train_b = model(x32), model(x32)
        torch.set_rng_state(state)
        zero_logits = int((train_a == 0).sum() + (train_b == 0).sum())  # dropout applied to the scores
        model.zero_grad()
        model(x32).square().mean().backward()
        return {
            "layers": layers,
            "y32": y32.tolist(),
            "eval_repeat_equal": bool(torch.equal(y32, again)),
            "train_repeat_equal": bool(torch.equal(train_a, train_b)),
            "zero_logits": zero_logits,
            "small_shapes": small_shapes,
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
            [list(s) for s in _require_list(got["small_shapes"], "shapes")]
            == [[4, k]] * len(case["other_sizes"]),
            "the model must accept any H, W ≥ 8, square or not (pool globally before the linear layer; "
            "at most three halvings)",
        )
        layers = _require_list(got["layers"], "layers")
        convs = [lay for lay in layers if lay[0] == "conv"]
        linears = [lay for lay in layers if lay[0] == "linear"]
        norms = [lay[1] for lay in layers if lay[0] == "norm"]
        if not f.require(convs and linears, "the model needs convolutions and a linear head"):
            continue
        f.require(
            convs[0][1] == 3 and convs[0][2] == width and list(convs[0][3]) == [3, 3],
            "the first layer must be a 3×3 convolution from the 3 colour channels to `width` channels",
        )
        f.require(linears[-1][2] == k, "the last linear layer must have n_classes outputs")
        n_3x3 = sum(1 for c in convs if list(c[3]) == [3, 3])
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
            f.require(
                int(adds) >= 1,
                "the model has no residual connection x + f(x) (an input added to a convolution branch "
                "computed from it)",
            )
        f.require(
            as_float(got["channels_last_diff"], "difference") <= 1e-4 * (1 + float(np.abs(y32).max())),
            "the model gives other outputs for channels_last inputs (use flatten, not .view, on activations)",
        )
        f.require(got["eval_repeat_equal"] is True, "in eval mode the model must be deterministic")
        if case["dropout"] > 0:
            f.require(
                got["train_repeat_equal"] is False,
                "with dropout > 0 the model must drop activations in training mode (nn.Dropout(dropout))",
            )
        else:
            f.require(
                got["train_repeat_equal"] is True, "with dropout=0 (the default) nothing may be dropped"
            )
        f.require(
            int(got["zero_logits"]) == 0, "dropout must act before the final linear layer, not on its outputs"
        )
        f.require(int(got["no_grad"]) == 0, "some parameters receive no gradient (unused layers)")
        f.require(got["same_seed_same"] is True, "the same generator seed must build identical parameters")
        f.require(
            got["other_seed_differs"] is True, "parameters must be drawn from `generator` when it is given"
        )
    return f.verdict()


BUILD_CNN_CASES = [
    {"width": 4, "n_classes": 10, "norm": "batch", "dropout": 0.0, "other_sizes": [[8, 8], [13, 11]],
     "gen_seed": 1101},
    {"width": 6, "n_classes": 3, "norm": "group", "dropout": 0.5, "other_sizes": [[16, 9]], "gen_seed": 1102},
    {"width": 4, "n_classes": 7, "norm": "none", "dropout": 0.0, "other_sizes": [[9, 20]], "gen_seed": 1103},
    {"width": 4, "n_classes": 10, "norm": "layer-ish", "dropout": 0.0, "bad": True},
]  # fmt: skip


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

    def make_prior(case):
        if case["prior"] is None:
            return None
        prior = np.asarray(case["prior"], dtype=case.get("prior_dtype", "float64"))
        return prior.tolist() if case.get("prior_as_list") else prior

    def run(case, seed):
        prior = make_prior(case)
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
        prior = make_prior(case)
        pristine = None if prior is None else np.array(prior, dtype=float, copy=True)
        model = make_init_model(case)
        torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()[1].copy()
        returned = init_weights(
            model, class_prior=prior, generator=torch.Generator().manual_seed(case["seed"])
        )
        global_untouched = bool(
            torch.equal(torch_state, torch.get_rng_state())
            and np.array_equal(numpy_state, np.random.get_state()[1])
        )
        prior_unchanged = pristine is None or bool(np.array_equal(np.asarray(prior, dtype=float), pristine))
        twin, _ = run(case, case["seed"])
        other, _ = run(case, case["seed"] + 1)
        layers = []
        norms_untouched = True
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                w = m.weight.detach().reshape(-1)[: case["max_weights"]]
                layers.append(
                    {
                        "shape": list(m.weight.shape),
                        "w": [float(f"{v:.4g}") for v in w.tolist()],
                        "b": None if m.bias is None else m.bias.detach().double().tolist(),
                    }
                )
            elif isinstance(m, nn.BatchNorm2d):
                norms_untouched = norms_untouched and all(bool((p == 0.3).all()) for p in m.parameters())
        same = all(torch.equal(a, b) for a, b in zip(model.parameters(), twin.parameters(), strict=True))
        differ = any(not torch.equal(a, b) for a, b in zip(weights(model), weights(other), strict=True))
        return {
            "layers": layers,
            "returns_model": returned is model,
            "same_seed_same": same,
            "other_seed_differs": differ,
            "global_untouched": global_untouched,
            "prior_unchanged": prior_unchanged,
            "norms_untouched": norms_untouched,
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
                # a softmax head: softmax(b) = π, i.e. b_c = log π_c up to one constant shared by all classes
                shift = b - np.log(np.asarray(case["prior"], dtype=float))
                f.require(
                    np.all(np.isfinite(shift)) and float(np.ptp(shift)) <= 1e-5,
                    "the last layer's bias is not the softmax prior log π_c (softmax(b) must equal π)",
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
        f.require(
            got["global_untouched"] is True,
            "with a generator given, the global torch and NumPy generators must not be used or reseeded",
        )
        f.require(got["prior_unchanged"] is True, "init_weights must not modify the class_prior it is given")
        f.require(got["norms_untouched"] is True, "normalization layers must be left alone")
    return f.verdict()


_SKEWED_PRIOR = [0.3, 0.2, 0.15, 0.1, 0.08, 0.06, 0.05, 0.03, 0.02, 0.01]
INIT_CASES = [
    {"channels": 16, "hidden": 48, "n_classes": 10, "prior": _SKEWED_PRIOR, "max_weights": 1200,
     "seed": 1111},
    {"channels": 8, "hidden": 24, "n_classes": 4, "prior": None, "max_weights": 400, "seed": 1112},
    {"channels": 6, "hidden": 16, "n_classes": 3, "prior": [0.9, 0.09, 0.01], "prior_as_list": True,
     "max_weights": 400, "seed": 1113},
    {"channels": 6, "hidden": 16, "n_classes": 4, "prior": [0.625, 0.25, 0.0625, 0.0625],
     "prior_dtype": "float32", "max_weights": 400, "seed": 1114},
    {"channels": 4, "hidden": 8, "n_classes": 3, "prior": [0.5, 0.3, 0.1, 0.1],
     "bad": "one frequency per class", "max_weights": 0},
    {"channels": 4, "hidden": 8, "n_classes": 3, "prior": [0.5, 0.3, 0.2000015], "bad": "a sum of 1 + 1.5e-6",
     "max_weights": 0},
    {"channels": 6, "hidden": 16, "n_classes": 3, "prior": [0.5, 0.3, 0.2000007], "max_weights": 400,
     "seed": 1115},  # a sum 7e-7 above 1: within the stated 1e-6, so accepted
    {"channels": 4, "hidden": 8, "n_classes": 3, "prior": [0.0, 0.5, 0.5], "bad": "a frequency of 0",
     "max_weights": 0},
    {"channels": 4, "hidden": 8, "n_classes": 3, "prior": [1.2, -0.1, -0.1], "bad": "a negative frequency",
     "max_weights": 0},
    {"channels": 4, "hidden": 8, "n_classes": 3, "prior": [0.5, 0.3, 0.3], "bad": "a sum of 1.1",
     "max_weights": 0},
]  # fmt: skip


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
    import hashlib

    import numpy as np
    import torch

    def make(case, seed, x, y):
        extra = {} if case["flip"] else {"flip": False}
        generator = torch.Generator().manual_seed(seed)
        return DeviceLoader(
            x, y, case["batch_size"], torch.device("cpu"), case["augment"], generator, **extra
        )

    def first_epoch(loader):
        # the order, and {label: hash of its image}, so two runs compare image by image whatever the order
        order, hashes = [], {}
        for xb, yb in loader:
            pixels = torch.round(xb.detach().float() * 255).to(torch.int64).numpy()
            for img, lab in zip(pixels, yb.tolist(), strict=True):
                order.append(int(lab))
                hashes[str(int(lab))] = hashlib.sha1(np.ascontiguousarray(img).tobytes()).hexdigest()[:12]
        return order, hashes

    def run_case(case):
        images, labels = make_loader_data(case)
        x, y = torch.from_numpy(images.copy()), torch.from_numpy(labels.copy())
        torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()[1].copy()
        loader = make(case, case["seed"], x, y)
        epochs, hashes = [], []
        for epoch in range(case["epochs"]):
            batches, epoch_hashes = [], {}
            for xb, yb in loader:
                item = {
                    "shape": list(xb.shape),
                    "dtype": str(xb.dtype),
                    "device": xb.device.type,
                    "y": yb.tolist(),
                }
                scaled = xb.detach().float() * 255
                pixels = torch.round(scaled).to(torch.int64)
                for img, lab in zip(pixels.numpy(), yb.tolist(), strict=True):
                    epoch_hashes[str(int(lab))] = hashlib.sha1(
                        np.ascontiguousarray(img).tobytes()
                    ).hexdigest()[:12]
                if epoch < case["pixel_epochs"]:
                    item["x"] = pixels.reshape(-1).tolist()
                    item["rounding"] = float((scaled - pixels).abs().max()) if xb.numel() else 0.0
                batches.append(item)
            epochs.append(batches)
            hashes.append(epoch_hashes)
        global_untouched = bool(
            torch.equal(torch_state, torch.get_rng_state())
            and np.array_equal(numpy_state, np.random.get_state()[1])
        )
        inputs_unchanged = bool(np.array_equal(x.numpy(), images) and np.array_equal(y.numpy(), labels))
        again = make(case, case["seed"], torch.from_numpy(images.copy()), torch.from_numpy(labels.copy()))
        other = make(case, case["seed"] + 1, torch.from_numpy(images.copy()), torch.from_numpy(labels.copy()))
        same_order, same_hashes = first_epoch(again)
        other_order, other_hashes = first_epoch(other)
        return {
            "len": len(loader),
            "epochs": epochs,
            "hashes": hashes,
            "same_seed": same_order,
            "other_seed": other_order,
            "same_seed_hashes": same_hashes,
            "other_seed_hashes": other_hashes,
            "global_untouched": global_untouched,
            "inputs_unchanged": inputs_unchanged,
        }

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
        orders, by_position = [], []
        flips, offsets = [], []
        for batches in _require_list(got["epochs"], "epochs"):
            positions = []
            by_position.append(positions)
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
                batch_offsets, batch_flips = set(), []
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
                    positions.append(found)
                    batch_offsets.add(found[1:])
                    batch_flips.append(found[0])
                if case["augment"] and len(bt["y"]) >= 8:
                    f.require(len(batch_offsets) > 1, "crop offsets must be drawn per image, not per batch")
                if case["augment"] and case["flip"] and len(batch_flips) >= 24:
                    f.require(len(set(batch_flips)) == 2, "flips must be drawn per image, not per batch")
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
        if len(by_position) >= 2 and len(by_position[0]) == len(by_position[1]) == n:
            # a generator reseeded each epoch repeats the same crops position by position (P = 1/162 each)
            repeats = sum(1 for a, b in zip(by_position[0], by_position[1], strict=True) if a == b)
            f.require(repeats <= n / 4, "the augmentation must not repeat the same draws every epoch")
        hashes = [_require_dict(h, "hashes") for h in _require_list(got["hashes"], "hashes")]
        if hashes and case["augment"]:
            first = hashes[0]
            same, other = (
                _require_dict(got["same_seed_hashes"], "h"),
                _require_dict(got["other_seed_hashes"], "h"),
            )
            f.require(same == first, "the same generator seed must give the same augmented images")
            # two independent augmentations of an image coincide with probability ≤ 1/81 (flips aside)
            changed = sum(1 for lab, h in first.items() if other.get(lab) != h)
            f.require(changed > len(first) / 2, "the augmentation must be drawn from `generator`")
            if len(hashes) >= 2:
                fresh = sum(1 for lab, h in first.items() if hashes[1].get(lab) != h)
                f.require(fresh > len(first) / 2, "the augmentation must be drawn afresh every epoch")
        f.require(
            got["global_untouched"] is True,
            "all randomness must come from `generator` (the global torch and NumPy generators stay unused)",
        )
        f.require(got["inputs_unchanged"] is True, "the loader must not modify the X and y it is given")
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
            p = 1 / span
            for axis, name in ((0, "vertical"), (1, "horizontal")):
                counts = np.bincount([o[axis] for o in offsets], minlength=span)
                f.require(
                    len(counts) == span
                    and (m * p < 30 or np.all(counts > 0))  # an empty bin: P ≤ 18·(8/9)^270 if m/9 ≥ 30
                    and np.all(np.abs(counts - m * p) <= K_SIGMA * math.sqrt(m * p * (1 - p))),
                    f"the {name} crop offset is not uniform over the {span} possible positions",
                )
            # the two offsets are independent: equal with probability 1/9
            equal = sum(1 for dy, dx in offsets if dy == dx)
            f.require(
                abs(equal - m * p) <= K_SIGMA * math.sqrt(m * p * (1 - p)),
                "the vertical and horizontal crop offsets must be drawn independently",
            )
    return f.verdict()


LOADER_CASES = [
    {"n": 50, "channels": 3, "size": 4, "batch_size": 16, "augment": False, "flip": True, "pad": 4,
     "epochs": 2, "pixel_epochs": 2, "data_seed": 1121, "seed": 1131},
    {"n": 360, "channels": 1, "size": 8, "batch_size": 48, "augment": True, "flip": True, "pad": 4,
     "epochs": 2, "pixel_epochs": 2, "data_seed": 1122, "seed": 1132},
    {"n": 60, "channels": 2, "size": 6, "batch_size": 30, "augment": True, "flip": False, "pad": 4,
     "epochs": 1, "pixel_epochs": 1, "data_seed": 1123, "seed": 1133},
]  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# train(model, loader, epochs, max_lr, weight_decay, amp, channels_last, generator=None, optimizer="adamw",
#       eval_data=None, target_accuracy=None) -> history
# ---------------------------------------------------------------------------------------------------------
def make_train_setup(case):
    import time

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
            if case.get("sleep_s"):  # makes training and evaluation take a known minimum time
                time.sleep(case["sleep_s"] * (1 if self.training else case["eval_sleep_factor"]))
            h = torch.relu(self.norm(h)).mean(dim=(2, 3))
            return self.head(self.drop(h))

    model = TinyNet()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(0.5 * torch.randn(p.shape, generator=g))
    return model, batches, eval_data


def probe_train(train, cases):
    import time

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
        pristine = [(x.clone(), y.clone()) for x, y in batches]
        start = time.perf_counter()
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
        wall = time.perf_counter() - start
        unchanged = all(
            torch.equal(x, x0) and torch.equal(y, y0)
            for (x, y), (x0, y0) in zip(batches, pristine, strict=True)
        )
        keys = ("loss", "accuracy", "seconds", "lr", "eval_accuracy")
        weight = model.conv.weight
        return {
            "wall": wall,
            "batches_unchanged": bool(unchanged),
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


def _reference_train(case: Mapping[str, Any], seed: int | None = None) -> dict[str, Any]:
    import torch
    import torch.nn.functional as F

    model, batches, (xe, ye) = make_train_setup({**case, "sleep_s": 0})
    if seed is not None:
        torch.manual_seed(int(torch.randint(2**62, (1,), generator=torch.Generator().manual_seed(seed))))
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
            with torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=case["amp"]):
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
                acc = int((model(xe.float() / 255).argmax(1) == ye).sum()) / len(ye)
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
        seeds = case["generator_seeds"] or [None]
        refs = {seed: _reference_train(case, seed) for seed in set(seeds)}
        ref = refs[seeds[0]]
        n_epochs = len(ref["loss"])
        n_steps = len(ref["lr"])
        for seed, run in zip(seeds, runs, strict=True):
            ref = refs[seed]
            run = _require_dict(run, "run")
            f.require(run.get("batches_unchanged") is True, "train must not modify the batches of the loader")
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
            if case.get("sleep_s"):
                # every training forward pass sleeps sleep_s, every evaluation sleep_s × eval_sleep_factor
                per_epoch = len(ref["lr"]) // n_epochs * case["sleep_s"]
                f.require(
                    np.all(np.diff(np.concatenate([[0.0], seconds])) >= 0.9 * per_epoch),
                    "'seconds' must be the cumulative training time at the end of each epoch",
                )
                if case["target"] is not None:
                    evals = n_epochs * case["sleep_s"] * case["eval_sleep_factor"]
                    f.require(
                        seconds[-1] <= as_float(run["wall"], "wall time") - 0.9 * evals,
                        "'seconds' must not count the time spent evaluating",
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
            if case["amp"]:  # bfloat16 rounding: the same computation, compared loosely
                f.require(
                    np.allclose(params, ref["params"], rtol=2e-2, atol=2e-3),
                    "with amp=True the parameters differ from the same training under torch.autocast "
                    "(bfloat16 on the CPU)",
                )
                f.require(
                    np.allclose(loss, ref["loss"], rtol=2e-2, atol=1e-3), "with amp=True 'loss' is wrong"
                )
                continue
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
    {
        **_TRAIN_BASE,
        "data_seed": 1144,
        "epochs": 5,
        "target": 1.01,
        "sleep_s": 0.002,
        "eval_sleep_factor": 20,
    },
    {**_TRAIN_BASE, "data_seed": 1145, "epochs": 5, "target": 0.0},
    {
        **_TRAIN_BASE,
        "data_seed": 1148,
        "epochs": 5,
        "n_eval": 64,
        "target": 0.65625,
    },  # 42/64: reached exactly in epoch 3
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
            self.gain = nn.Parameter(torch.zeros(1))  # starts at 0: a 1e-6 step is resolved exactly
            self.calls = []
            self.backward_calls = []
            self.gain_grads = []
            self.conv.weight.register_hook(self._backward)
            self.gain.register_hook(self._gain_grad)

        def _gain_grad(self, grad):
            self.gain_grads.append(float(grad.detach().float().sum()))
            return grad

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
            return self.head(torch.relu(h * (1 + self.gain)).mean(dim=(2, 3)))

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
            "gain": float(model.gain.detach().float().sum()),
            "gain_grads": model.gain_grads,
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
        # plain SGD at lr 1e-6 with the gradients zeroed every step moves a parameter by −1e-6 · Σ_t g_t
        grads = np.asarray([as_float(g, "gradient") for g in _require_list(got["gain_grads"], "gradients")])
        step = as_float(got["gain"], "parameter")
        want = -1e-6 * float(grads.sum())
        f.require(
            len(grads) == warmup + steps and abs(step - want) <= 1e-3 * abs(want) + 1e-12,
            "each step must zero the gradients, backpropagate and take one plain SGD step (lr 1e-6, no "
            "momentum) on the model's parameters",
        )
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
    {"epochs": -2, "start": 16, "end": 32, "bad": "epochs < 1"},
    {"epochs": 4, "start": 0, "end": 32, "bad": "a start below 2"},
    {"epochs": 6, "start": 10, "end": 20},
    {"epochs": 4, "start": 8, "end": 10},
    {"epochs": 2, "start": 2, "end": 2},
]


# ---------------------------------------------------------------------------------------------------------
# repeat_factors(labels, threshold) -> (n,) float
# ---------------------------------------------------------------------------------------------------------
def make_long_tail_labels(case):
    import numpy as np

    rng = np.random.default_rng(case["seed"])
    k = case["n_classes"]
    p = 1.0 / np.arange(1, k + 1) ** case["zipf"]
    values = np.arange(k) * case["label_step"] + case.get("label_offset", 0)
    return rng.choice(values, size=case["n"], p=p / p.sum())


def probe_repeat_factors(repeat_factors, cases):
    import numpy as np

    out = []
    for case in cases:
        labels = make_long_tail_labels(case)
        if case["as_list"]:
            labels = labels.tolist()
        r, modified = guarded_call(repeat_factors, labels, case["threshold"])
        r = np.asarray(r)
        out.append({"r": r.astype(float).reshape(-1).tolist(), "kind": r.dtype.kind, "modified": modified})
    return out


def judge_repeat_factors(data: Any, cases: Cases) -> Verdict:
    f = Findings()
    for case, got in zip(cases, _require_list(data, "result"), strict=True):
        labels = np.asarray(make_long_tail_labels(case))
        values, counts = np.unique(labels, return_counts=True)
        freq = dict(zip(values.tolist(), (counts / labels.size).tolist(), strict=True))
        want = np.array([max(1.0, math.sqrt(case["threshold"] / freq[v])) for v in labels.tolist()])
        got = _require_dict(got, "result")
        r = as_array(got["r"], (labels.size,), "repeat factors")
        require_dtype_kind(f, got["kind"], "f", "the result of repeat_factors")
        f.require(
            np.allclose(r, want, rtol=1e-6, atol=0),  # float32 results are accepted (their eps is 1.2e-7)
            "the factors are not max(1, √(t / f_c)) with f_c the fraction of samples in the sample's class",
        )
        require_unmodified(f, got["modified"], "repeat_factors")
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
    {"n": 200, "n_classes": 8, "zipf": 1.2, "label_step": -5, "label_offset": 3, "threshold": 0.2,
     "as_list": False, "seed": 1154},
    {"n": 120, "n_classes": 5, "zipf": 2.0, "label_step": 1, "threshold": 1.0, "as_list": True, "seed": 1155},
]  # fmt: skip


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


# ---------------------------------------------------------------------------------------------------------
# smoothed_cross_entropy(logits, labels, smoothing) -> 0-dim tensor
# ---------------------------------------------------------------------------------------------------------
def make_smoothing_case(case):
    import torch

    g = torch.Generator().manual_seed(case["seed"])
    n, k = case["n"], case["n_classes"]
    dtype = getattr(torch, case["dtype"])
    logits = (case["scale"] * torch.randn(n, k, generator=g, dtype=torch.float64)).to(dtype)
    labels = torch.randint(0, k, (n,), generator=g)
    return logits, labels


def probe_smoothed_cross_entropy(smoothed_cross_entropy, cases):
    import torch

    def run_case(case):
        logits, labels = make_smoothing_case(case)
        if case.get("bad"):
            try:
                smoothed_cross_entropy(logits, labels, case["smoothing"])
                return {"error": None}
            except Exception as err:
                return {"error": type(err).__name__}
        x = logits.clone().requires_grad_(True)
        loss, modified = guarded_call(smoothed_cross_entropy, x, labels, case["smoothing"])
        is_tensor = isinstance(loss, torch.Tensor)
        out = {"modified": modified, "is_tensor": is_tensor, "shape": list(loss.shape) if is_tensor else None}
        if is_tensor and loss.requires_grad:
            loss.backward()
        out["value"] = float(loss.detach()) if is_tensor else float(loss)
        out["grad"] = None if x.grad is None else x.grad.double().reshape(-1).tolist()
        return out

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return [run_case(case) for case in cases]
    finally:
        torch.set_num_threads(threads)


def judge_smoothed_cross_entropy(data: Any, cases: Cases) -> Verdict:
    import torch

    f = Findings()
    for case, got in zip(cases, _require_list(data, "result"), strict=True):
        got = _require_dict(got, "result")
        if case.get("bad"):
            f.require(got.get("error") == "ValueError", f"{case['bad']} must raise ValueError")
            continue
        logits, labels = make_smoothing_case(case)
        z = logits.double()
        n, k, eps = case["n"], case["n_classes"], case["smoothing"]
        # q = (1 − ε)·one-hot + ε/K; loss = mean over samples of −Σ_c q_c log softmax(z)_c
        q = torch.full((n, k), eps / k, dtype=torch.float64)
        q[torch.arange(n), labels] += 1 - eps
        logp = torch.log_softmax(z, dim=1)
        want = float(-(q * logp).sum(1).mean())
        grad = ((logp.exp() - q) / n).reshape(-1).numpy()
        tol = 1e-9 if case["dtype"] == "float64" else 2e-5
        require_unmodified(f, got["modified"], "smoothed_cross_entropy")
        f.require(
            got["is_tensor"] is True and got["shape"] == [],
            "smoothed_cross_entropy must return a 0-dim torch tensor (the batch mean)",
        )
        value = as_float(got["value"], "loss")
        f.require(
            math.isfinite(value) and abs(value - want) <= tol * (1 + abs(want)),
            "the loss is not the batch mean of −Σ_c q_c log softmax(z)_c with q = (1 − ε)·one-hot + ε/K "
            "(compute it with log_softmax, which stays finite for large logits)",
        )
        if f.require(got["grad"] is not None, "the loss must be differentiable with respect to the logits"):
            g = as_array(got["grad"], (n * k,), "gradient")
            f.require(
                np.allclose(g, grad, rtol=0, atol=tol * (1 + float(np.abs(grad).max()))),
                "the gradient of the loss with respect to the logits is wrong",
            )
    return f.verdict()


SMOOTHING_CASES = [
    {"n": 40, "n_classes": 10, "smoothing": 0.2, "scale": 2.0, "dtype": "float64", "seed": 1171},
    {"n": 25, "n_classes": 4, "smoothing": 0.0, "scale": 3.0, "dtype": "float32", "seed": 1172},
    {
        "n": 16,
        "n_classes": 7,
        "smoothing": 0.5,
        "scale": 1e4,
        "dtype": "float32",
        "seed": 1173,
    },  # exp overflows
    {"n": 33, "n_classes": 2, "smoothing": 0.1, "scale": 1.0, "dtype": "float64", "seed": 1174},
    {
        "n": 4,
        "n_classes": 3,
        "smoothing": 1.0,
        "scale": 1.0,
        "dtype": "float32",
        "seed": 1,
        "bad": "smoothing = 1",
    },
    {
        "n": 4,
        "n_classes": 3,
        "smoothing": -0.1,
        "scale": 1.0,
        "dtype": "float32",
        "seed": 1,
        "bad": "a negative smoothing",
    },
]


# ---------------------------------------------------------------------------------------------------------
# ema_update(ema_model, model, decay) -> None, in place
# ---------------------------------------------------------------------------------------------------------
def make_ema_models(case):
    import torch
    import torch.nn as nn

    g = torch.Generator().manual_seed(case["seed"])

    def net():
        return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4, 3))

    models = [net() for _ in range(case["steps"] + 1)]
    with torch.no_grad():
        for m in models:
            for t in [*m.parameters(), *m.buffers()]:
                if t.is_floating_point():
                    t.copy_(
                        torch.randn(t.shape, generator=g).abs()
                        if t.dim() == 1
                        else torch.randn(t.shape, generator=g)
                    )
                else:
                    t.fill_(int(torch.randint(1, 100, (1,), generator=g)))
    return models[0], models[1:]


def probe_ema_update(ema_update, cases):
    import torch

    def state(m):
        return [t.detach().double().reshape(-1).tolist() for t in [*m.parameters(), *m.buffers()]]

    def run_case(case):
        if case.get("bad"):
            ema, models = make_ema_models(case)
            try:
                ema_update(ema, models[0], case["decay"])
                return {"error": None}
            except Exception as err:
                return {"error": type(err).__name__}
        ema, models = make_ema_models(case)
        ids = [id(p) for p in ema.parameters()]
        modified, returned = [], []
        for m in models:
            result, changed = guarded_call(ema_update, ema, m, case["decay"])
            modified += [c for c in changed if c != 0]  # the EMA model (argument 0) is meant to change
            returned.append(result is None)
        after = state(ema)
        with torch.no_grad():  # an EMA that shares storage with the model follows it
            for p in models[-1].parameters():
                p.add_(1.0)
        aliased = state(ema) != after
        return {
            "state": after,
            "modified": modified,
            "returns_none": all(returned),
            "same_objects": [id(p) for p in ema.parameters()] == ids,
            "aliased": aliased,
        }

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return [run_case(case) for case in cases]
    finally:
        torch.set_num_threads(threads)


def judge_ema_update(data: Any, cases: Cases) -> Verdict:

    f = Findings()
    for case, got in zip(cases, _require_list(data, "result"), strict=True):
        got = _require_dict(got, "result")
        if case.get("bad"):
            f.require(got.get("error") == "ValueError", f"{case['bad']} must raise ValueError")
            continue
        ema, models = make_ema_models(case)
        d = case["decay"]
        want = [t.detach().double().clone() for t in [*ema.parameters(), *ema.buffers()]]
        for m in models:
            for i, t in enumerate([*m.parameters(), *m.buffers()]):
                # floating tensors: e ← d·e + (1 − d)·p; integer buffers (num_batches_tracked) are copied
                floating = t.is_floating_point()
                t = t.detach().double()
                want[i] = d * want[i] + (1 - d) * t if floating else t
        names = [n for n, _ in ema.named_parameters()] + [n for n, _ in ema.named_buffers()]
        state = _require_list(got["state"], "state")
        if not f.require(len(state) == len(want), "the EMA model must keep all its parameters and buffers"):
            continue
        for name, w, g in zip(names, want, state, strict=True):
            g = as_array(g, (w.numel(),), "state")
            ok = np.allclose(g, w.reshape(-1).numpy(), rtol=1e-5, atol=1e-6)
            if "running" in name or "num_batches" in name:
                f.require(
                    ok, "buffers (BatchNorm's running statistics) must be averaged too, integer ones copied"
                )
            else:
                f.require(ok, "the parameters are not updated as e ← decay·e + (1 − decay)·p")
        require_unmodified(f, got["modified"], "ema_update (the model, argument 2)")
        f.require(got["returns_none"] is True, "ema_update updates in place and returns None")
        f.require(
            got["same_objects"] is True,
            "ema_update must update the EMA model's tensors in place, not replace them",
        )
        f.require(got["aliased"] is False, "the EMA model must not share storage with the model")
    return f.verdict()


EMA_CASES = [
    {"steps": 3, "decay": 0.9, "seed": 1181},
    {"steps": 2, "decay": 0.0, "seed": 1182},
    {"steps": 2, "decay": 1.0, "seed": 1183},
    {"steps": 4, "decay": 0.35, "seed": 1184},
    {"steps": 1, "decay": 1.5, "seed": 1, "bad": "a decay above 1"},
    {"steps": 1, "decay": -0.2, "seed": 1, "bad": "a negative decay"},
]


# ---------------------------------------------------------------------------------------------------------
# whitening_weights(images, patch_size=2, eps=5e-4) -> (C·p·p, C, p, p) tensor
# ---------------------------------------------------------------------------------------------------------
def make_whitening_images(case):
    import torch

    g = torch.Generator().manual_seed(case["seed"])
    n, c, s = case["n"], case["channels"], case["size"]
    z = torch.rand(n, c, s, s, generator=g, dtype=torch.float64)
    z = z + 0.7 * torch.roll(z, 1, dims=3) + 0.3 * torch.roll(z, 1, dims=2)  # anisotropic spatial correlation
    mixing = torch.eye(c, dtype=torch.float64) + 0.5 * torch.rand(c, c, generator=g, dtype=torch.float64)
    x = torch.einsum("kc,nchw->nkhw", mixing, z) / c  # correlated channels, no symmetry between them
    x = x + case["offset"]
    return x.to(getattr(torch, case["dtype"]))


def probe_whitening_weights(whitening_weights, cases):
    import torch

    def run_case(case):
        images = make_whitening_images(case)
        kwargs = {} if case["patch_size"] == 2 else {"patch_size": case["patch_size"]}
        if case.get("eps") is not None:
            kwargs["eps"] = case["eps"]
        if case.get("bad"):
            try:
                whitening_weights(images, **kwargs)
                return {"error": None}
            except Exception as err:
                return {"error": type(err).__name__}
        w, modified = guarded_call(whitening_weights, images, **kwargs)
        return {
            "w": w.detach().double().reshape(-1).tolist(),
            "shape": list(w.shape),
            "is_float": bool(w.is_floating_point()),
            "modified": modified,
        }

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return [run_case(case) for case in cases]
    finally:
        torch.set_num_threads(threads)


def judge_whitening_weights(data: Any, cases: Cases) -> Verdict:
    import torch

    f = Findings()
    for case, got in zip(cases, _require_list(data, "result"), strict=True):
        got = _require_dict(got, "result")
        if case.get("bad"):
            f.require(got.get("error") == "ValueError", f"{case['bad']} must raise ValueError")
            continue
        x = make_whitening_images(case).double()
        p, c = case["patch_size"], case["channels"]
        d = c * p * p
        eps = 5e-4 if case.get("eps") is None else case["eps"]
        # all p×p patches (stride 1), flattened in conv-weight order (channel, row, column)
        patches = x.unfold(2, p, 1).unfold(3, p, 1).permute(0, 2, 3, 1, 4, 5).reshape(-1, d)
        cov = torch.cov(patches.T)
        lam, vec = torch.linalg.eigh(cov)
        lam, vec = lam.flip(0), vec.flip(1)  # decreasing eigenvalues
        want = (vec.T / torch.sqrt(lam + eps)[:, None]).numpy()
        if not f.require(
            list(got["shape"]) == [d, c, p, p] and got["is_float"] is True,
            "the weights must be a float tensor of shape (C·p·p, C, p, p), one filter per eigenvector",
        ):
            continue
        w = as_array(got["w"], (d * d,), "weights").reshape(d, d)
        tol = 2e-3  # float32 results (or float32 arithmetic) are accepted for float64 images too
        rows_ok = [
            min(np.abs(w[i] - want[i]).max(), np.abs(w[i] + want[i]).max()) <= tol * np.abs(want[i]).max()
            for i in range(d)
        ]
        f.require(
            all(rows_ok),
            "filter k must be v_kᵀ/√(λ_k + eps) for the eigenpairs of the patch covariance (centred, "
            "divisor M − 1), in decreasing order of λ, patches flattened as (channel, row, column); "
            "any sign is accepted",
        )
        require_unmodified(f, got["modified"], "whitening_weights")
    return f.verdict()


WHITENING_CASES = [
    {
        "n": 12,
        "channels": 3,
        "size": 8,
        "patch_size": 2,
        "eps": None,
        "offset": 0.0,
        "dtype": "float32",
        "seed": 1191,
    },
    {
        "n": 6,
        "channels": 2,
        "size": 9,
        "patch_size": 3,
        "eps": 1e-2,
        "offset": 0.5,
        "dtype": "float64",
        "seed": 1192,
    },
    {
        "n": 5,
        "channels": 1,
        "size": 6,
        "patch_size": 2,
        "eps": 0.0,
        "offset": -0.2,
        "dtype": "float64",
        "seed": 1193,
    },
    {
        "n": 4,
        "channels": 3,
        "size": 5,
        "patch_size": 1,
        "eps": 1e-3,
        "offset": 0.1,
        "dtype": "float32",
        "seed": 1194,
    },
    {
        "n": 3,
        "channels": 3,
        "size": 6,
        "patch_size": 2,
        "eps": -1.0,
        "offset": 0.0,
        "dtype": "float32",
        "seed": 1,
        "bad": "a negative eps",
    },
    {
        "n": 3,
        "channels": 3,
        "size": 6,
        "patch_size": 0,
        "eps": None,
        "offset": 0.0,
        "dtype": "float32",
        "seed": 1,
        "bad": "a patch size of 0",
    },
]


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
        helpers=(make_long_tail_labels, guarded_call),
    ),
    Check(
        "ddp_step", ("ddp_step",), 3, DDP_CASES, probe_ddp_step, judge_ddp_step, helpers=(make_ddp_problem,)
    ),
    Check(
        "whitening_weights",
        ("whitening_weights",),
        2,
        WHITENING_CASES,
        probe_whitening_weights,
        judge_whitening_weights,
        helpers=(make_whitening_images, guarded_call),
    ),
    Check(
        "smoothed_cross_entropy",
        ("smoothed_cross_entropy",),
        1,
        SMOOTHING_CASES,
        probe_smoothed_cross_entropy,
        judge_smoothed_cross_entropy,
        helpers=(make_smoothing_case, guarded_call),
    ),
    Check(
        "ema_update",
        ("ema_update",),
        1,
        EMA_CASES,
        probe_ema_update,
        judge_ema_update,
        helpers=(make_ema_models, guarded_call),
    ),
]
