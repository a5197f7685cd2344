"""Plausible wrong answers (must fail) and alternative correct answers (must pass) for unit 11.

Each entry maps a check name to functions (or classes) with the student's signature.
"""

from __future__ import annotations

import collections
import math
import time
from fractions import Fraction

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import jclub.cnn

# --- pick_device -----------------------------------------------------------------------------------------


def pd_returns_string():
    """Returns the device name as a string instead of a torch.device."""
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def pd_mps_first():
    """Prefers mps over cuda."""
    if torch.backends.mps.is_available():
        return torch.device("mps")
    if torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def pd_ignores_mps():
    """Forgets Apple GPUs: cuda or cpu only."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def pd_mps_is_built():
    """Tests whether PyTorch was built with MPS, not whether an Apple GPU is available."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_built():
        return torch.device("mps")
    return torch.device("cpu")


def pd_cuda_version():
    """Picks cuda when PyTorch was compiled with CUDA (torch.version.cuda), device or not."""
    if torch.version.cuda is not None:
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def pd_device_count():
    """Alternative correct: counts CUDA devices, then walks a list of candidates."""
    candidates = [("cuda", torch.cuda.device_count() > 0), ("mps", torch.backends.mps.is_available())]
    for name, available in candidates:
        if available:
            return torch.device(name)
    return torch.device("cpu")


# --- build_cnn -------------------------------------------------------------------------------------------


def _norm_layer(norm, channels):
    if norm == "batch":
        return nn.BatchNorm2d(channels)
    if norm == "group":
        return nn.GroupNorm(1, channels)
    if norm == "none":
        return nn.Identity()
    raise ValueError(f"unknown norm {norm!r}")


def _block(c_in, c_out, norm):
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=norm == "none"), _norm_layer(norm, c_out), nn.ReLU()
    )


class _Res(nn.Module):
    def __init__(self, channels, norm):
        super().__init__()
        self.f = nn.Sequential(_block(channels, channels, norm), _block(channels, channels, norm))

    def forward(self, x):
        return x + self.f(x)


def _init_from(model, generator):
    if generator is not None:
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, generator=generator)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
    return model


def cnn_no_residual(width, n_classes, norm="batch", generator=None, dropout=0.0):
    """A plain stack of conv blocks: no residual connection."""
    w = width
    model = nn.Sequential(
        _block(3, w, norm),
        _block(w, 2 * w, norm),
        nn.MaxPool2d(2),
        _block(2 * w, 2 * w, norm),
        _block(2 * w, 4 * w, norm),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Dropout(dropout),
        nn.Linear(4 * w, n_classes),
    )
    return _init_from(model, generator)


def cnn_fixed_size_head(width, n_classes, norm="batch", generator=None, dropout=0.0):
    """Flattens a 4×4 feature map into the linear layer: only 32×32 images work."""
    w = width
    model = nn.Sequential(
        _block(3, w, norm),
        nn.MaxPool2d(2),
        _Res(w, norm),
        _block(w, 2 * w, norm),
        nn.MaxPool2d(2),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(2 * w * 4 * 4, n_classes),
    )
    return _init_from(model, generator)


def cnn_ignores_norm(width, n_classes, norm="batch", generator=None, dropout=0.0):
    """Always uses BatchNorm, whatever `norm` says."""
    return cnn_basic_blocks(width, n_classes, "batch", generator, dropout)


def cnn_ignores_generator(width, n_classes, norm="batch", generator=None, dropout=0.0):
    """Draws the weights from torch's global generator even when a generator is given."""
    return cnn_basic_blocks(width, n_classes, norm, None, dropout)


def cnn_first_layer_wide(width, n_classes, norm="batch", generator=None, dropout=0.0):
    """The first convolution has 2·width channels."""
    return cnn_basic_blocks(2 * width, n_classes, norm, generator, dropout)


class _TwoBranches(nn.Module):
    """conv_a(x) + conv_b(x): an add node, but not a residual connection x + f(x)."""

    def __init__(self, channels, norm):
        super().__init__()
        self.a, self.b = _block(channels, channels, norm), _block(channels, channels, norm)

    def forward(self, x):
        return self.a(x) + self.b(x)


def cnn_parallel_branches(width, n_classes, norm="batch", generator=None, dropout=0.0):
    """Adds two parallel convolution branches (Inception-like) and calls it residual."""
    if norm not in ("batch", "group", "none"):
        raise ValueError(norm)
    w = width
    model = nn.Sequential(
        _block(3, w, norm), _TwoBranches(w, norm), nn.MaxPool2d(2), _block(w, 2 * w, norm),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(2 * w, n_classes),
    )  # fmt: skip
    return _init_from(model, generator)


def cnn_four_pools(width, n_classes, norm="batch", generator=None, dropout=0.0):
    """Halves the resolution four times: an 8×8 image shrinks to nothing."""
    if norm not in ("batch", "group", "none"):
        raise ValueError(norm)
    w = width
    model = nn.Sequential(
        _block(3, w, norm), nn.MaxPool2d(2), _Res(w, norm), nn.MaxPool2d(2), _block(w, 2 * w, norm),
        nn.MaxPool2d(2), nn.MaxPool2d(2), nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Dropout(dropout),
        nn.Linear(2 * w, n_classes),
    )  # fmt: skip
    return _init_from(model, generator)


def cnn_ignores_dropout(width, n_classes, norm="batch", generator=None, dropout=0.0):
    """Never adds the dropout layer."""
    return cnn_basic_blocks(width, n_classes, norm, generator, 0.0)


class _AlwaysDrop(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        return F.dropout(x, self.p, training=True)


def cnn_dropout_in_eval(width, n_classes, norm="batch", generator=None, dropout=0.0):
    """Functional dropout with training=True: it drops in eval mode too."""
    model = cnn_basic_blocks(width, n_classes, norm, generator, dropout)
    model[-2] = _AlwaysDrop(max(dropout, 0.1))
    return model


def cnn_two_convs(width, n_classes, norm="batch", generator=None, dropout=0.0):
    """Alternative correct: the smallest model the contract allows — two convolutions, one residual."""
    if norm not in ("batch", "group", "none"):
        raise ValueError(norm)

    class Skip(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = _block(width, width, norm)

        def forward(self, x):
            return torch.add(x, self.body(x))

    model = nn.Sequential(
        _block(3, width, norm), nn.MaxPool2d(2), Skip(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Dropout(dropout), nn.Linear(width, n_classes),
    )  # fmt: skip
    return _init_from(model, generator)


def cnn_basic_blocks(width, n_classes, norm="batch", generator=None, dropout=0.0):
    """Alternative correct: ResNet basic blocks, GroupNorm with one group, average pooling, Kaiming."""
    if norm not in ("batch", "group", "none"):
        raise ValueError(norm)
    w = width
    model = nn.Sequential(
        _block(3, w, norm),
        _Res(w, norm),
        nn.AvgPool2d(2),
        _block(w, 2 * w, norm),
        _Res(2 * w, norm),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Dropout(dropout),
        nn.Linear(2 * w, n_classes),
    )
    return _init_from(model, generator)


# --- init_weights ----------------------------------------------------------------------------------------


def _check_prior(model, class_prior):
    last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    prior = torch.as_tensor(np.asarray(class_prior, dtype=float))
    if prior.shape != last.bias.shape or not bool((prior > 0).all()) or abs(float(prior.sum()) - 1) > 1e-6:
        raise ValueError("bad class_prior")
    return last, prior


def _init(model, class_prior, generator, weight_fn, bias_fn=None):
    if class_prior is not None:
        last, prior = _check_prior(model, class_prior)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                weight_fn(m.weight, generator)
                if m.bias is not None:
                    m.bias.zero_()
        if class_prior is not None:
            last.bias.copy_((bias_fn or torch.log)(prior))
    return model


def init_uniform(model, class_prior=None, generator=None):
    """Kaiming *uniform* weights (right variance, wrong distribution)."""
    return _init(
        model,
        class_prior,
        generator,
        lambda w, g: nn.init.kaiming_uniform_(w, nonlinearity="relu", generator=g),
    )


def init_fan_out(model, class_prior=None, generator=None):
    """Kaiming normal in fan_out mode."""
    return _init(
        model,
        class_prior,
        generator,
        lambda w, g: nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", generator=g),
    )


def init_gain_one(model, class_prior=None, generator=None):
    """Variance 1/fan_in: forgets the ReLU gain √2."""
    return _init(
        model,
        class_prior,
        generator,
        lambda w, g: nn.init.kaiming_normal_(w, nonlinearity="linear", generator=g),
    )


def init_sigmoid_prior(model, class_prior=None, generator=None):
    """Sets the last bias to the sigmoid (focal-loss) prior −log((1 − π)/π), not the softmax prior log π."""
    return _init(
        model,
        class_prior,
        generator,
        lambda w, g: nn.init.kaiming_normal_(w, nonlinearity="relu", generator=g),
        bias_fn=lambda p: -torch.log((1 - p) / p),
    )


def init_open_interval_check(model, class_prior=None, generator=None):
    """Validates 0 < π < 1 only (the sigmoid rule): frequencies that do not sum to 1 are accepted."""
    with torch.no_grad():
        layers = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
        if class_prior is not None:
            p = torch.as_tensor(np.asarray(class_prior, dtype=float))
            if p.shape != layers[-1].bias.shape or not bool(((p > 0) & (p < 1)).all()):
                raise ValueError("bad class_prior")
        for m in layers:
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu", generator=generator)
            if m.bias is not None:
                m.bias.zero_()
        if class_prior is not None:
            layers[-1].bias.copy_(torch.log(p))
    return model


def init_global_reseed(model, class_prior=None, generator=None):
    """Reseeds torch's global generator from `generator` and draws from the global one."""
    if generator is not None:
        torch.manual_seed(generator.initial_seed())
    return _init(model, class_prior, None, lambda w, g: nn.init.kaiming_normal_(w, nonlinearity="relu"))


def init_log_in_place(model, class_prior=None, generator=None):
    """Takes the log of the caller's prior array in place (np.log(..., out=...))."""
    if class_prior is not None and isinstance(class_prior, np.ndarray):
        _check_prior(model, class_prior)
        np.log(class_prior, out=class_prior)
        logs = class_prior
    else:
        logs = None if class_prior is None else np.log(np.asarray(class_prior, dtype=float))
    model = _init(
        model, None, generator, lambda w, g: nn.init.kaiming_normal_(w, nonlinearity="relu", generator=g)
    )
    if logs is not None:
        last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
        with torch.no_grad():
            last.bias.copy_(torch.as_tensor(np.asarray(logs, dtype=float)))
    return model


def init_resets_norms(model, class_prior=None, generator=None):
    """Also resets the normalization layers (weight 1, bias 0), which it should leave alone."""
    model = init_manual_normal(model, class_prior, generator)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_parameters()
    return model


def init_ignores_generator(model, class_prior=None, generator=None):
    """Draws from torch's global generator."""
    return _init(model, class_prior, generator, lambda w, g: nn.init.kaiming_normal_(w, nonlinearity="relu"))


def init_no_validation(model, class_prior=None, generator=None):
    """Never raises: a prior of the wrong length is silently broadcast or truncated."""
    with torch.no_grad():
        layers = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
        for m in layers:
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu", generator=generator)
            if m.bias is not None:
                m.bias.zero_()
        if class_prior is not None:
            p = torch.as_tensor(np.asarray(class_prior, dtype=float)).clamp(1e-6, 1 - 1e-6)
            n = layers[-1].bias.numel()
            layers[-1].bias.copy_(torch.log(p)[:n].expand(n) if p.numel() >= n else p.log().mean())
    return model


def init_manual_normal(model, class_prior=None, generator=None):
    """Alternative correct: normal_ with σ = √(2/fan_in) computed by hand; the prior bias log π − mean(log π)
    (a constant shift, which the softmax ignores)."""
    if class_prior is not None:
        last, prior = _check_prior(model, class_prior)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.normal_(0.0, math.sqrt(2.0 / fan_in), generator=generator)
                if m.bias is not None:
                    m.bias.fill_(0.0)
        if class_prior is not None:
            last.bias.copy_(torch.log(prior) - torch.log(prior).mean())
    return model


# --- DeviceLoader ----------------------------------------------------------------------------------------


class DLReference:
    """Vectorised crops and flips (shared by the wrong variants below)."""

    pad = 4
    offset_high = 9
    reflect = False
    per_batch_offsets = False
    reshuffle = True
    keep_last = True
    shuffle = True
    scale = 255.0

    def __init__(self, X, y, batch_size, device, augment, generator, flip=True):
        self.X, self.y = X.to(device), y.to(device)
        self.batch_size, self.device, self.augment, self.flip, self.g = (
            batch_size,
            torch.device(device),
            augment,
            flip,
            generator,
        )
        self.order = torch.randperm(len(y), generator=generator) if self.shuffle else torch.arange(len(y))

    def __len__(self):
        n = len(self.y)
        return math.ceil(n / self.batch_size) if self.keep_last else n // self.batch_size

    def __iter__(self):
        n = len(self.y)
        order = self.order
        if self.reshuffle and self.shuffle:
            order = torch.randperm(n, generator=self.g)
        stop = n if self.keep_last else n - n % self.batch_size
        for lo in range(0, stop, self.batch_size):
            idx = order[lo : lo + self.batch_size].to(self.device)
            x = self.X[idx].float() / self.scale
            if self.augment:
                x = self._augment(x)
            yield x, self.y[idx]

    def _augment(self, x):
        b, _, h, w = x.shape
        p = self.pad
        padded = F.pad(x, (p, p, p, p), mode="reflect" if self.reflect else "constant")
        if self.per_batch_offsets:
            offsets = torch.randint(0, self.offset_high, (1, 2), generator=self.g).expand(b, 2)
        else:
            offsets = torch.randint(0, self.offset_high, (b, 2), generator=self.g)
        out = torch.stack(
            [padded[i, :, dy : dy + h, dx : dx + w] for i, (dy, dx) in enumerate(offsets.tolist())]
        )
        if self.flip:
            mirror = torch.rand(b, generator=self.g) < 0.5
            out = torch.where(mirror[:, None, None, None], out.flip(3), out)
        return out


class DLNoShuffle(DLReference):
    """Never shuffles: samples come in their stored order."""

    shuffle = False


class DLSameOrderEveryEpoch(DLReference):
    """Shuffles once in __init__ and repeats that order every epoch."""

    reshuffle = False


class DLDropLast(DLReference):
    """Drops the last, partial batch."""

    keep_last = False


class DLReflectPad(DLReference):
    """Pads by reflection instead of with zeros."""

    reflect = True


class DLOffsetOffByOne(DLReference):
    """Crop offsets from {0, …, 7}: never shifts by +4."""

    offset_high = 8


class DLOffsetPerBatch(DLReference):
    """One crop offset for the whole batch."""

    per_batch_offsets = True


class DLNotScaled(DLReference):
    """Returns pixel values 0–255 as floats (forgets / 255)."""

    scale = 1.0


class DLGlobalAugment(DLReference):
    """Draws the crops and flips from torch's global generator (only the order uses `generator`)."""

    def _augment(self, x):
        g, self.g = self.g, None
        try:
            return DLReference._augment(self, x)
        finally:
            self.g = g


class DLFixedSeedAugment(DLReference):
    """Draws the crops and flips from a generator of its own with a fixed seed."""

    def __iter__(self):
        self.aug = torch.Generator().manual_seed(0)
        return super().__iter__()

    def _augment(self, x):
        g, self.g = self.g, self.aug
        try:
            return DLReference._augment(self, x)
        finally:
            self.g = g


class DLAugmentOnce(DLReference):
    """Draws every image's crop and flip once, in __init__, and reuses them every epoch."""

    def __init__(self, X, y, batch_size, device, augment, generator, flip=True):
        super().__init__(X, y, batch_size, device, augment, generator, flip)
        n = len(y)
        self.offsets = torch.randint(0, 9, (n, 2), generator=generator)
        self.mirror = torch.rand(n, generator=generator) < 0.5

    def __iter__(self):
        n = len(self.y)
        order = torch.randperm(n, generator=self.g)
        for lo in range(0, n, self.batch_size):
            idx = order[lo : lo + self.batch_size]
            x = self.X[idx].float() / 255
            if self.augment:
                h, w = x.shape[-2:]
                padded = F.pad(x, (4, 4, 4, 4))
                out = torch.stack(
                    [
                        padded[i, :, dy : dy + h, dx : dx + w]
                        for i, (dy, dx) in enumerate(self.offsets[idx].tolist())
                    ]
                )
                if self.flip:
                    out = torch.where(self.mirror[idx][:, None, None, None], out.flip(3), out)
                x = out
            yield x, self.y[idx]


class DLSameOffsetBothAxes(DLReference):
    """Draws one offset per image and uses it for both axes (a diagonal shift only)."""

    def _augment(self, x):
        b, _, h, w = x.shape
        padded = F.pad(x, (4, 4, 4, 4))
        d = torch.randint(0, 9, (b,), generator=self.g).tolist()
        out = torch.stack([padded[i, :, k : k + h, k : k + w] for i, k in enumerate(d)])
        if self.flip:
            out = torch.where((torch.rand(b, generator=self.g) < 0.5)[:, None, None, None], out.flip(3), out)
        return out


class DLFlipPerBatch(DLReference):
    """Flips the whole batch or none of it."""

    def _augment(self, x):
        flip, self.flip = self.flip, False
        try:
            out = DLReference._augment(self, x)
        finally:
            self.flip = flip
        if self.flip and bool(torch.rand((), generator=self.g) < 0.5):
            out = out.flip(3)
        return out


class DLNumpyShuffle(DLReference):
    """Shuffles with NumPy's global generator (np.random.permutation)."""

    def __iter__(self):
        self.order = torch.from_numpy(np.random.permutation(len(self.y)))
        self.reshuffle = False
        return super().__iter__()


class DLLoop:
    """Alternative correct: a per-image loop on the device, fresh permutation per epoch, draws per batch."""

    def __init__(self, X, y, batch_size, device, augment, generator, flip=True):
        self.device = torch.device(device)
        self.X = X.to(self.device)
        self.y = y.to(self.device)
        self.batch_size = batch_size
        self.augment = augment
        self.flip = flip
        self.generator = generator

    def __len__(self):
        return -(-len(self.y) // self.batch_size)

    def __iter__(self):
        perm = torch.randperm(len(self.y), generator=self.generator).tolist()
        for start in range(0, len(perm), self.batch_size):
            chunk = perm[start : start + self.batch_size]
            images = []
            for i in chunk:
                img = self.X[i].float().div(255)
                if self.augment:
                    flip = self.flip and bool(torch.rand((), generator=self.generator) < 0.5)
                    dy, dx = torch.randint(9, (2,), generator=self.generator).tolist()
                    h, w = img.shape[-2:]
                    img = F.pad(img, (4, 4, 4, 4))[:, dy : dy + h, dx : dx + w]
                    if flip:
                        img = img.flip(-1)
                images.append(img)
            yield torch.stack(images), self.y[torch.tensor(chunk, device=self.device)]


# --- train -----------------------------------------------------------------------------------------------


def _make_train(
    *,
    adam_l2=False,
    schedule_per_epoch=False,
    schedule_first=False,
    unweighted_loss=False,
    ignore_amp=False,
    ignore_channels_last=False,
    no_early_stop=False,
    ignore_generator=False,
    strict_target=False,
    seconds_include_eval=False,
    seconds_per_epoch=False,
    mutate_batches=False,
):
    def train(
        model,
        loader,
        epochs,
        max_lr,
        weight_decay,
        amp,
        channels_last,
        generator=None,
        optimizer="adamw",
        eval_data=None,
        target_accuracy=None,
    ):
        device = next(model.parameters()).device
        if generator is not None and not ignore_generator:
            torch.manual_seed(int(torch.randint(2**62, (1,), generator=generator)))
        use_cl = channels_last and not ignore_channels_last
        if use_cl:
            model.to(memory_format=torch.channels_last)
        if optimizer == "adamw":
            cls = torch.optim.Adam if adam_l2 else torch.optim.AdamW
            opt = cls(model.parameters(), lr=max_lr, weight_decay=weight_decay)
            total = epochs if schedule_per_epoch else epochs * len(loader)
            sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=total)
        else:
            opt = torch.optim.SGD(model.parameters(), lr=max_lr, momentum=0.9, weight_decay=weight_decay)
            sched = None
        hist = {"loss": [], "accuracy": [], "seconds": [], "lr": []}
        if eval_data is not None:
            hist["eval_accuracy"] = []
        elapsed = 0.0
        for _ in range(epochs):
            model.train()
            t0 = time.perf_counter()
            losses, sizes, correct = [], [], 0
            for x, y in loader:
                x, y = x.to(device), y.to(device)
                if mutate_batches:
                    x.mul_(1.0)  # "normalise" in place: harmless here, but it writes into the caller's data
                    x.clamp_(0.0, 0.999)
                if use_cl:
                    x = x.contiguous(memory_format=torch.channels_last)
                if sched is not None and schedule_first and not schedule_per_epoch:
                    sched.step()
                hist["lr"].append(opt.param_groups[0]["lr"])
                with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp and not ignore_amp):
                    logits = model(x)
                    loss = F.cross_entropy(logits, y)
                opt.zero_grad()
                loss.backward()
                opt.step()
                if sched is not None and not schedule_first and not schedule_per_epoch:
                    sched.step()
                losses.append(loss.item())
                sizes.append(len(y))
                correct += int((logits.argmax(1) == y).sum())
            if sched is not None and schedule_per_epoch:
                sched.step()
            if not seconds_include_eval:
                elapsed = (0.0 if seconds_per_epoch else elapsed) + time.perf_counter() - t0
            n = sum(sizes)
            hist["loss"].append(
                float(np.mean(losses)) if unweighted_loss else float(np.dot(losses, sizes) / n)
            )
            hist["accuracy"].append(correct / n)
            if not seconds_include_eval:
                hist["seconds"].append(elapsed)
            if eval_data is not None:
                acc = jclub.cnn.evaluate_accuracy(model, *eval_data, channels_last=use_cl, amp=amp)
                hist["eval_accuracy"].append(acc)
            if seconds_include_eval:
                elapsed += time.perf_counter() - t0
                hist["seconds"].append(elapsed)
            if eval_data is not None:
                reached = acc > target_accuracy if strict_target else acc >= target_accuracy
                if target_accuracy is not None and reached and not no_early_stop:
                    break
        return hist

    return train


train_adam_l2 = _make_train(adam_l2=True)
train_adam_l2.__name__, train_adam_l2.__doc__ = "train_adam_l2", "Adam with L2 weight decay instead of AdamW."
train_schedule_per_epoch = _make_train(schedule_per_epoch=True)
train_schedule_per_epoch.__name__ = "train_schedule_per_epoch"
train_schedule_per_epoch.__doc__ = "Steps OneCycleLR once per epoch (total_steps = epochs)."
train_schedule_first = _make_train(schedule_first=True)
train_schedule_first.__name__ = "train_schedule_first"
train_schedule_first.__doc__ = (
    "Steps the scheduler before the optimizer: every learning rate is one step late."
)
train_unweighted_loss = _make_train(unweighted_loss=True)
train_unweighted_loss.__name__ = "train_unweighted_loss"
train_unweighted_loss.__doc__ = "Averages the batch losses without weighting the last, partial batch."
train_ignores_amp = _make_train(ignore_amp=True)
train_ignores_amp.__name__, train_ignores_amp.__doc__ = "train_ignores_amp", "Never switches autocast on."
train_ignores_channels_last = _make_train(ignore_channels_last=True)
train_ignores_channels_last.__name__ = "train_ignores_channels_last"
train_ignores_channels_last.__doc__ = "Ignores channels_last."
train_no_early_stop = _make_train(no_early_stop=True)
train_no_early_stop.__name__ = "train_no_early_stop"
train_no_early_stop.__doc__ = "Keeps training after the target accuracy is reached."
train_ignores_generator = _make_train(ignore_generator=True)
train_ignores_generator.__name__ = "train_ignores_generator"
train_ignores_generator.__doc__ = "Ignores the generator: dropout masks are not reproducible."


train_strict_target = _make_train(strict_target=True)
train_strict_target.__name__ = "train_strict_target"
train_strict_target.__doc__ = "Stops only once the accuracy is strictly above the target (> instead of ≥)."
train_seconds_include_eval = _make_train(seconds_include_eval=True)
train_seconds_include_eval.__name__ = "train_seconds_include_eval"
train_seconds_include_eval.__doc__ = "Counts the evaluation time in 'seconds'."
train_seconds_per_epoch = _make_train(seconds_per_epoch=True)
train_seconds_per_epoch.__name__ = "train_seconds_per_epoch"
train_seconds_per_epoch.__doc__ = "Records each epoch's own duration, not the cumulative time."
train_mutates_batches = _make_train(mutate_batches=True)
train_mutates_batches.__name__ = "train_mutates_batches"
train_mutates_batches.__doc__ = "Clamps the batches in place, writing into the loader's data."


def train_plain_loop(
    model,
    loader,
    epochs,
    max_lr,
    weight_decay,
    amp,
    channels_last,
    generator=None,
    optimizer="adamw",
    eval_data=None,
    target_accuracy=None,
):
    """Alternative correct: model.zero_grad before the forward pass, sums kept as Python floats,
    time.monotonic, and the scheduler created with epochs and steps_per_epoch."""
    device = next(model.parameters()).device
    if generator is not None:
        torch.manual_seed(int(torch.randint(2**62, (1,), generator=generator)))
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    if optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=max_lr, momentum=0.9, weight_decay=weight_decay)
        sched = None
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=max_lr, weight_decay=weight_decay)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr, epochs=epochs, steps_per_epoch=len(loader))
    history = collections.defaultdict(list)
    total_time = 0.0
    for _ in range(epochs):
        model.train()
        tic = time.monotonic()
        loss_sum = n_correct = n_seen = 0.0
        for images, labels in loader:
            images = images.to(device)
            labels = labels.to(device)
            if channels_last:
                images = images.to(memory_format=torch.channels_last)
            model.zero_grad()
            history["lr"].append(opt.param_groups[0]["lr"])
            with torch.amp.autocast(device.type, dtype=torch.bfloat16, enabled=amp):
                out = model(images)
                loss = F.cross_entropy(out, labels, reduction="mean")
            loss.backward()
            opt.step()
            if sched:
                sched.step()
            loss_sum += loss.item() * labels.numel()
            n_correct += (out.argmax(-1) == labels).sum().item()
            n_seen += labels.numel()
        total_time += time.monotonic() - tic
        history["loss"].append(loss_sum / n_seen)
        history["accuracy"].append(n_correct / n_seen)
        history["seconds"].append(total_time)
        if eval_data is not None:
            history["eval_accuracy"].append(
                jclub.cnn.evaluate_accuracy(model, *eval_data, channels_last=channels_last, amp=amp)
            )
            if target_accuracy is not None and history["eval_accuracy"][-1] >= target_accuracy:
                break
    return dict(history)


# --- throughput ------------------------------------------------------------------------------------------


def _make_throughput(
    *, include_warmup=False, per_batch=False, forward_only=False, ignore_amp=False, no_zero_grad=False,
    momentum=0.0, lr=1e-6,
):  # fmt: skip
    def throughput(model, batch_size, device, amp, channels_last, image_size=32, warmup=3, steps=10):
        device = torch.device(device)
        model = model.to(device).train()
        x = torch.rand(batch_size, 3, image_size, image_size, device=device)
        if channels_last:
            model = model.to(memory_format=torch.channels_last)
            x = x.contiguous(memory_format=torch.channels_last)
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
        labels = None
        start = time.perf_counter()
        for i in range(warmup + steps):
            if i == warmup and not include_warmup:
                start = time.perf_counter()
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp and not ignore_amp):
                logits = model(x)
                if labels is None:
                    labels = torch.randint(0, logits.shape[1], (batch_size,))
                loss = F.cross_entropy(logits, labels)
            if not forward_only:
                if not no_zero_grad:
                    opt.zero_grad()
                loss.backward()
                opt.step()
        elapsed = time.perf_counter() - start
        return (1 if per_batch else batch_size) * steps / elapsed

    return throughput


tp_includes_warmup = _make_throughput(include_warmup=True)
tp_includes_warmup.__name__, tp_includes_warmup.__doc__ = "tp_includes_warmup", "Times the warm-up steps too."
tp_batches_per_second = _make_throughput(per_batch=True)
tp_batches_per_second.__name__ = "tp_batches_per_second"
tp_batches_per_second.__doc__ = "Returns batches (steps) per second, not images per second."
tp_forward_only = _make_throughput(forward_only=True)
tp_forward_only.__name__, tp_forward_only.__doc__ = "tp_forward_only", "Measures inference: no backward pass."
tp_ignores_amp = _make_throughput(ignore_amp=True)
tp_ignores_amp.__name__, tp_ignores_amp.__doc__ = "tp_ignores_amp", "Never switches autocast on."


tp_no_zero_grad = _make_throughput(no_zero_grad=True)
tp_no_zero_grad.__name__, tp_no_zero_grad.__doc__ = "tp_no_zero_grad", "Never zeroes the gradients."
tp_momentum = _make_throughput(momentum=0.9)
tp_momentum.__name__, tp_momentum.__doc__ = "tp_momentum", "SGD with momentum 0.9."
tp_large_lr = _make_throughput(lr=1e-3)
tp_large_lr.__name__, tp_large_lr.__doc__ = "tp_large_lr", "A learning rate of 1e-3 instead of 1e-6."


def tp_step_timer(model, batch_size, device, amp, channels_last, image_size=32, warmup=3, steps=10):
    """Alternative correct: times each step separately and sums the durations."""
    model.to(device)
    if channels_last:
        model.to(memory_format=torch.channels_last)
    memory = torch.channels_last if channels_last else torch.contiguous_format
    x = torch.rand(batch_size, 3, image_size, image_size, device=device).contiguous(memory_format=memory)
    opt = torch.optim.SGD(model.parameters(), lr=1e-6)
    durations = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        with torch.autocast(torch.device(device).type, dtype=torch.bfloat16, enabled=amp):
            logits = model(x)
        y = torch.zeros(batch_size, dtype=torch.long, device=device)
        loss = F.cross_entropy(logits.float(), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if i >= warmup:
            durations.append(time.perf_counter() - t0)
    return batch_size * steps / sum(durations)


# --- progressive_sizes -----------------------------------------------------------------------------------


def _validate(epochs, start, end):
    if epochs < 1 or start % 2 or end % 2 or start < 2 or start > end:
        raise ValueError("bad arguments")


def ps_float_steps(epochs, start, end):
    """Adds k·step in floating point: 31.999… rounds down to 30."""
    _validate(epochs, start, end)
    if epochs == 1:
        return [end]
    step = (end - start) / (epochs - 1)
    return [int(start + k * step) // 2 * 2 for k in range(epochs)]


def ps_round_nearest(epochs, start, end):
    """Rounds to the nearest even number instead of down."""
    _validate(epochs, start, end)
    if epochs == 1:
        return [end]
    return [2 * round((start + (end - start) * k / (epochs - 1)) / 2) for k in range(epochs)]


def ps_no_validation(epochs, start, end):
    """Computes the ramp but never raises ValueError."""
    if epochs <= 1:
        return [end]
    return [2 * ((start + (end - start) * k // (epochs - 1)) // 2) for k in range(epochs)]


def ps_one_epoch_start(epochs, start, end):
    """With one epoch returns [start] instead of [end]."""
    _validate(epochs, start, end)
    if epochs == 1:
        return [start]
    return [2 * ((start + (end - start) * k // (epochs - 1)) // 2) for k in range(epochs)]


def ps_no_minimum(epochs, start, end):
    """Checks evenness and order but allows a start of 0."""
    if epochs < 1 or start % 2 or end % 2 or start > end:
        raise ValueError("bad arguments")
    if epochs == 1:
        return [end]
    return [2 * ((start + (end - start) * k // (epochs - 1)) // 2) for k in range(epochs)]


def ps_fractions(epochs, start, end):
    """Alternative correct: exact rational arithmetic with fractions.Fraction."""
    if not (isinstance(epochs, int) and epochs >= 1) or start % 2 or end % 2 or start < 2 or start > end:
        raise ValueError("invalid schedule")
    if epochs == 1:
        return [end]
    out = []
    for k in range(epochs):
        size = Fraction(start) + Fraction(end - start, epochs - 1) * k
        out.append(int(size) - int(size) % 2)
    return out


# --- repeat_factors --------------------------------------------------------------------------------------


def rf_counts(labels, threshold):
    """Uses the class count instead of the class fraction."""
    labels = np.asarray(labels)
    _, inv, counts = np.unique(labels, return_inverse=True, return_counts=True)
    return np.maximum(1.0, np.sqrt(threshold / counts))[inv]


def rf_no_sqrt(labels, threshold):
    """Forgets the square root: r = max(1, t / f_c)."""
    labels = np.asarray(labels)
    _, inv, counts = np.unique(labels, return_inverse=True, return_counts=True)
    return np.maximum(1.0, threshold / (counts / labels.size))[inv]


def rf_no_floor(labels, threshold):
    """Forgets max(1, ·): frequent classes get factors below 1."""
    labels = np.asarray(labels)
    _, inv, counts = np.unique(labels, return_inverse=True, return_counts=True)
    return np.sqrt(threshold / (counts / labels.size))[inv]


def rf_per_class(labels, threshold):
    """Returns one factor per class, not per sample."""
    labels = np.asarray(labels)
    _, counts = np.unique(labels, return_counts=True)
    return np.maximum(1.0, np.sqrt(threshold / (counts / labels.size)))


def rf_reindex_in_place(labels, threshold):
    """Shifts the caller's labels in place to start at 0 (for np.bincount)."""
    labels = np.asarray(labels)
    labels -= labels.min()
    counts = np.bincount(labels)
    return np.maximum(1.0, np.sqrt(threshold / (counts[labels] / labels.size)))


def rf_integer_result(labels, threshold):
    """Rounds the factors to integers (repeat counts) instead of returning floats."""
    labels = np.asarray(labels)
    _, inv, counts = np.unique(labels, return_inverse=True, return_counts=True)
    return np.ceil(np.maximum(1.0, np.sqrt(threshold / (counts / labels.size)))).astype(int)[inv]


def rf_float32(labels, threshold):
    """Alternative correct: float32 arithmetic (the contract allows a float32 array)."""
    labels = np.asarray(labels)
    _, inv, counts = np.unique(labels, return_inverse=True, return_counts=True)
    frac = (counts / labels.size).astype(np.float32)
    return np.maximum(np.float32(1), np.sqrt(np.float32(threshold) / frac))[inv]


def rf_counter(labels, threshold):
    """Alternative correct: collections.Counter and a Python loop."""
    labels = list(np.asarray(labels).tolist())
    counts = collections.Counter(labels)
    n = len(labels)
    return np.array([max(1.0, math.sqrt(threshold * n / counts[c])) for c in labels])


# --- ddp_step --------------------------------------------------------------------------------------------


def ddp_local_only(model, x, y, lr):
    """Steps on the local gradient: the processes never talk to each other."""
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss = F.cross_entropy(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def ddp_sum_not_mean(model, x, y, lr):
    """All-reduces the gradients with SUM but forgets to divide by the number of processes."""
    import torch.distributed as dist

    loss = F.cross_entropy(model(x), y)
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            dist.all_reduce(p.grad)
            p -= lr * p.grad
    return loss.item()


def ddp_global_loss(model, x, y, lr):
    """Right step, but returns the loss averaged over all processes instead of the local one."""
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    ddp = DistributedDataParallel(model)
    opt = torch.optim.SGD(ddp.parameters(), lr=lr)
    loss = F.cross_entropy(ddp(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    total = loss.detach().clone()
    dist.all_reduce(total)
    return float(total) / dist.get_world_size()


def ddp_rank0_gradient(model, x, y, lr):
    """Broadcasts rank 0's gradient to every process instead of averaging."""
    import torch.distributed as dist

    loss = F.cross_entropy(model(x), y)
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            dist.broadcast(p.grad, src=0)
            p -= lr * p.grad
    return loss.item()


def ddp_loss_after_step(model, x, y, lr):
    """Right step, but returns the local loss recomputed after the update."""
    from torch.nn.parallel import DistributedDataParallel

    ddp = DistributedDataParallel(model)
    opt = torch.optim.SGD(ddp.parameters(), lr=lr)
    loss = F.cross_entropy(ddp(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    with torch.no_grad():
        return float(F.cross_entropy(model(x), y))


def ddp_average_parameters(model, x, y, lr):
    """Alternative correct: a local SGD step, then average the parameters (the same, from equal weights)."""
    import torch.distributed as dist

    loss = F.cross_entropy(model(x), y)
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
            dist.all_reduce(p)
            p /= dist.get_world_size()
    return loss.item()


def ddp_manual_allreduce(model, x, y, lr):
    """Alternative correct: all-reduce each gradient and divide by the world size, then step by hand."""
    import torch.distributed as dist

    loss = F.cross_entropy(model(x), y)
    model.zero_grad()
    loss.backward()
    world = dist.get_world_size()
    with torch.no_grad():
        for p in model.parameters():
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            p.add_(p.grad / world, alpha=-lr)
    return float(loss.detach())


# --- whitening_weights -----------------------------------------------------------------------------------


def _patches(images, p, channel_last=False):
    x = images.detach().double().unfold(2, p, 1).unfold(3, p, 1)  # (N, C, H', W', p, p)
    order = (0, 2, 3, 4, 5, 1) if channel_last else (0, 2, 3, 1, 4, 5)
    return x.permute(*order).reshape(-1, images.shape[1] * p * p)


def _make_whitening(*, centred=True, use_eps=True, sqrt=True, ascending=False, columns=False,
                    channel_last=False, validate=True, in_place=False):  # fmt: skip
    def whitening_weights(images, patch_size=2, eps=5e-4):
        if validate and (patch_size < 1 or eps < 0):
            raise ValueError("bad arguments")
        p, c = patch_size, images.shape[1]
        if in_place:
            images.sub_(images.mean())  # centres the caller's images
        patches = _patches(images, p, channel_last)
        if centred:
            cov = torch.cov(patches.T)
        else:
            cov = patches.T @ patches / (len(patches) - 1)
        lam, vec = torch.linalg.eigh(cov)
        if not ascending:
            lam, vec = lam.flip(0), vec.flip(1)
        scale = (lam + eps) if use_eps else lam.clamp_min(1e-12)
        scale = scale.sqrt() if sqrt else scale
        w = (vec / scale[None, :]) if columns else (vec.T / scale[:, None])
        return w.reshape(-1, c, p, p).float()  # with channel_last the rows were (row, column, channel)

    return whitening_weights


def _named(fn, name, doc):
    fn.__name__, fn.__doc__ = name, doc
    return fn


wh_uncentred = _named(
    _make_whitening(centred=False), "wh_uncentred", "Second moments instead of the covariance."
)
wh_no_eps = _named(_make_whitening(use_eps=False), "wh_no_eps", "Divides by √λ, ignoring eps.")
wh_no_sqrt = _named(
    _make_whitening(sqrt=False), "wh_no_sqrt", "Divides by λ + eps instead of its square root."
)
wh_ascending = _named(_make_whitening(ascending=True), "wh_ascending", "Keeps eigh's increasing order.")
wh_columns = _named(_make_whitening(columns=True), "wh_columns", "Uses V Λ^-1/2 (eigenvectors as columns).")
wh_channel_last = _named(
    _make_whitening(channel_last=True), "wh_channel_last", "Flattens patches as (row, column, channel)."
)
wh_no_validation = _named(_make_whitening(validate=False), "wh_no_validation", "Never raises ValueError.")
wh_in_place = _named(_make_whitening(in_place=True), "wh_in_place", "Centres the caller's images in place.")


def wh_svd(images, patch_size=2, eps=5e-4):
    """Alternative correct: an SVD of the centred patch matrix in float32, F.unfold for the patches."""
    if patch_size < 1 or eps < 0:
        raise ValueError("bad arguments")
    c, p = images.shape[1], patch_size
    cols = F.unfold(images.float(), p)  # (N, C·p·p, L), rows in (channel, row, column) order
    patches = cols.permute(0, 2, 1).reshape(-1, c * p * p)
    centred = patches - patches.mean(0)
    _, s, vh = torch.linalg.svd(centred, full_matrices=False)  # decreasing singular values
    lam = s**2 / (len(patches) - 1)
    return (vh / torch.sqrt(lam + eps)[:, None]).reshape(c * p * p, c, p, p)


# --- smoothed_cross_entropy ------------------------------------------------------------------------------


def sce_other_classes(logits, labels, smoothing):
    """Spreads ε over the K − 1 wrong classes only (the other convention)."""
    if not 0 <= smoothing < 1:
        raise ValueError("bad smoothing")
    k = logits.shape[1]
    q = torch.full_like(logits, smoothing / (k - 1))
    q[torch.arange(len(labels)), labels] = 1 - smoothing
    return -(q * torch.log_softmax(logits, 1)).sum(1).mean()


def sce_naive_log(logits, labels, smoothing):
    """log(softmax(z)): −inf for large logits."""
    if not 0 <= smoothing < 1:
        raise ValueError("bad smoothing")
    k = logits.shape[1]
    q = (1 - smoothing) * F.one_hot(labels, k) + smoothing / k
    return -(q * torch.softmax(logits, 1).log()).sum(1).mean()


def sce_sum(logits, labels, smoothing):
    """Sums over the batch instead of averaging."""
    if not 0 <= smoothing < 1:
        raise ValueError("bad smoothing")
    return F.cross_entropy(logits, labels, label_smoothing=smoothing, reduction="sum")


def sce_scaled_only(logits, labels, smoothing):
    """Multiplies the cross-entropy by (1 − ε) and forgets the uniform part."""
    if not 0 <= smoothing < 1:
        raise ValueError("bad smoothing")
    return (1 - smoothing) * F.cross_entropy(logits, labels)


def sce_no_validation(logits, labels, smoothing):
    """Never raises: any ε is accepted."""
    return F.cross_entropy(logits, labels, label_smoothing=min(max(smoothing, 0.0), 1.0))


def sce_in_place(logits, labels, smoothing):
    """Subtracts the row maximum from the caller's logits in place (for stability)."""
    if not 0 <= smoothing < 1:
        raise ValueError("bad smoothing")
    with torch.no_grad():
        logits.sub_(logits.max(dim=1, keepdim=True).values)
    return F.cross_entropy(logits, labels, label_smoothing=smoothing)


def sce_detached(logits, labels, smoothing):
    """Returns a Python float: the loss can no longer be backpropagated."""
    if not 0 <= smoothing < 1:
        raise ValueError("bad smoothing")
    return torch.tensor(float(F.cross_entropy(logits, labels, label_smoothing=smoothing)))


def sce_builtin(logits, labels, smoothing):
    """Alternative correct: PyTorch's own label_smoothing argument."""
    if not 0 <= smoothing < 1:
        raise ValueError("smoothing must lie in [0, 1)")
    return F.cross_entropy(logits, labels, label_smoothing=smoothing)


# --- ema_update ------------------------------------------------------------------------------------------


def _ema_pairs(ema_model, model, buffers=True):
    pairs = list(zip(ema_model.parameters(), model.parameters(), strict=True))
    if buffers:
        pairs += list(zip(ema_model.buffers(), model.buffers(), strict=True))
    return pairs


def ema_swapped(ema_model, model, decay):
    """Weights the model by decay and the average by 1 − decay."""
    if not 0 <= decay <= 1:
        raise ValueError("bad decay")
    with torch.no_grad():
        for e, p in _ema_pairs(ema_model, model):
            if e.is_floating_point():
                e.mul_(1 - decay).add_(p, alpha=decay)
            else:
                e.copy_(p)


def ema_parameters_only(ema_model, model, decay):
    """Averages the parameters but leaves BatchNorm's running statistics behind."""
    if not 0 <= decay <= 1:
        raise ValueError("bad decay")
    with torch.no_grad():
        for e, p in _ema_pairs(ema_model, model, buffers=False):
            e.mul_(decay).add_(p, alpha=1 - decay)


def ema_aliased(ema_model, model, decay):
    """Points the EMA's .data at a new tensor built from the model's (decay = 0 shares storage with it)."""
    if not 0 <= decay <= 1:
        raise ValueError("bad decay")
    for e, p in _ema_pairs(ema_model, model):
        if e.is_floating_point():
            e.data = p.data if decay == 0 else decay * e.data + (1 - decay) * p.data
        else:
            e.data = p.data


def ema_moves_model(ema_model, model, decay):
    """Averages both ways: the model is pulled towards the EMA as well."""
    if not 0 <= decay <= 1:
        raise ValueError("bad decay")
    with torch.no_grad():
        for e, p in _ema_pairs(ema_model, model):
            if e.is_floating_point():
                new = decay * e + (1 - decay) * p
                e.copy_(new)
                p.copy_(new)
            else:
                e.copy_(p)


def ema_no_validation(ema_model, model, decay):
    """Never raises: a decay outside [0, 1] is clipped."""
    ema_update_reference(ema_model, model, min(max(decay, 0.0), 1.0))


def ema_ignores_integers(ema_model, model, decay):
    """Averages num_batches_tracked as a float and truncates it, instead of copying it."""
    if not 0 <= decay <= 1:
        raise ValueError("bad decay")
    with torch.no_grad():
        for e, p in _ema_pairs(ema_model, model):
            if e.is_floating_point():
                e.mul_(decay).add_(p, alpha=1 - decay)
            else:
                e.copy_((decay * e.double() + (1 - decay) * p.double()).long())


def ema_update_reference(ema_model, model, decay):
    if not 0 <= decay <= 1:
        raise ValueError("bad decay")
    with torch.no_grad():
        for e, p in zip(ema_model.state_dict().values(), model.state_dict().values(), strict=True):
            if e.is_floating_point():
                e.mul_(decay).add_(p, alpha=1 - decay)
            else:
                e.copy_(p)


def ema_lerp(ema_model, model, decay):
    """Alternative correct: torch.lerp_ over named parameters and buffers."""
    if decay < 0 or decay > 1:
        raise ValueError("decay must lie in [0, 1]")
    live = dict(model.named_parameters()) | dict(model.named_buffers())
    with torch.no_grad():
        for name, e in [*ema_model.named_parameters(), *ema_model.named_buffers()]:
            if e.is_floating_point():
                e.lerp_(live[name], 1 - decay)
            else:
                e.copy_(live[name])


WRONG = {
    "pick_device": [pd_returns_string, pd_mps_first, pd_ignores_mps, pd_mps_is_built, pd_cuda_version],
    "build_cnn": [
        cnn_no_residual,
        cnn_fixed_size_head,
        cnn_ignores_norm,
        cnn_ignores_generator,
        cnn_first_layer_wide,
        cnn_parallel_branches,
        cnn_four_pools,
        cnn_ignores_dropout,
        cnn_dropout_in_eval,
    ],
    "init_weights": [
        init_uniform,
        init_fan_out,
        init_gain_one,
        init_sigmoid_prior,
        init_ignores_generator,
        init_no_validation,
        init_open_interval_check,
        init_global_reseed,
        init_log_in_place,
        init_resets_norms,
    ],
    "DeviceLoader": [
        DLNoShuffle,
        DLSameOrderEveryEpoch,
        DLDropLast,
        DLReflectPad,
        DLOffsetOffByOne,
        DLOffsetPerBatch,
        DLNotScaled,
        DLGlobalAugment,
        DLFixedSeedAugment,
        DLAugmentOnce,
        DLSameOffsetBothAxes,
        DLFlipPerBatch,
        DLNumpyShuffle,
    ],
    "train": [
        train_adam_l2,
        train_schedule_per_epoch,
        train_schedule_first,
        train_unweighted_loss,
        train_ignores_amp,
        train_ignores_channels_last,
        train_no_early_stop,
        train_ignores_generator,
        train_strict_target,
        train_seconds_include_eval,
        train_seconds_per_epoch,
        train_mutates_batches,
    ],
    "throughput": [
        tp_includes_warmup,
        tp_batches_per_second,
        tp_forward_only,
        tp_ignores_amp,
        tp_no_zero_grad,
        tp_momentum,
        tp_large_lr,
    ],
    "progressive_sizes": [
        ps_float_steps,
        ps_round_nearest,
        ps_no_validation,
        ps_one_epoch_start,
        ps_no_minimum,
    ],
    "repeat_factors": [
        rf_counts,
        rf_no_sqrt,
        rf_no_floor,
        rf_per_class,
        rf_reindex_in_place,
        rf_integer_result,
    ],
    "ddp_step": [ddp_local_only, ddp_sum_not_mean, ddp_global_loss, ddp_rank0_gradient, ddp_loss_after_step],
    "whitening_weights": [
        wh_uncentred,
        wh_no_eps,
        wh_no_sqrt,
        wh_ascending,
        wh_columns,
        wh_channel_last,
        wh_no_validation,
        wh_in_place,
    ],
    "smoothed_cross_entropy": [
        sce_other_classes,
        sce_naive_log,
        sce_sum,
        sce_scaled_only,
        sce_no_validation,
        sce_in_place,
        sce_detached,
    ],
    "ema_update": [
        ema_swapped,
        ema_parameters_only,
        ema_aliased,
        ema_moves_model,
        ema_no_validation,
        ema_ignores_integers,
    ],
}

CORRECT = {
    "pick_device": [pd_device_count],
    "build_cnn": [cnn_basic_blocks, cnn_two_convs],
    "init_weights": [init_manual_normal],
    "DeviceLoader": [DLLoop, DLReference],
    "train": [train_plain_loop],
    "throughput": [tp_step_timer],
    "progressive_sizes": [ps_fractions],
    "repeat_factors": [rf_counter, rf_float32],
    "ddp_step": [ddp_manual_allreduce, ddp_average_parameters],
    "whitening_weights": [wh_svd],
    "smoothed_cross_entropy": [sce_builtin],
    "ema_update": [ema_lerp],
}
