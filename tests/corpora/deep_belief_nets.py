"""Wrong and alternative-correct answers for unit 10 (Deep belief nets), run against its judges."""

from __future__ import annotations

import functools

import numpy as np
import torch
from scipy.special import expit
from torch import nn

# --- train_rbm -------------------------------------------------------------------------------------------


def _train_rbm(
    X,
    n_hidden,
    epochs,
    lr,
    rng,
    batch_size=20,
    *,
    sign=1.0,
    one_epoch=False,
    transpose=False,
    copy_input=True,
    draw="rng",
    order="fresh",
    norm="len",
    sample_visible=False,
    vis_init="logit",
    clip=True,
):
    X = np.asarray(X, dtype=float) if copy_input else X
    n, nv = X.shape
    p = np.clip(X.mean(axis=0), 0.001, 0.999) if clip else X.mean(axis=0)
    gen = np.random.default_rng(0) if draw == "seed" else rng
    if draw == "global":
        W = np.random.normal(0.0, 0.01, size=(nv, n_hidden))
    else:
        W = gen.normal(0.0, 0.01, size=(nv, n_hidden))
    with np.errstate(divide="ignore"):
        b_vis = np.log(p / (1 - p)) if vis_init == "logit" else np.zeros(nv)
    b_hid = np.zeros(n_hidden)
    once = gen.permutation(n) if order == "once" else None
    for _ in range(1 if one_epoch else epochs):
        if order == "none":
            perm = np.arange(n)
        elif order == "once":
            perm = once
        elif draw == "global":
            perm = np.random.permutation(n)
        else:
            perm = gen.permutation(n)
        for start in range(0, n, batch_size):
            V = X[perm[start : start + batch_size]]
            P0 = expit(V @ W + b_hid)
            u = np.random.random(P0.shape) if draw == "global" else gen.random(P0.shape)
            H = (u < P0).astype(float)
            V1 = expit(H @ W.T + b_vis)
            if sample_visible:
                V1 = (gen.random(V1.shape) < V1).astype(float)
            P1 = expit(V1 @ W + b_hid)
            m = len(V) if norm == "len" else batch_size
            W = W + sign * lr * (V.T @ P0 - V1.T @ P1) / m
            b_vis = b_vis + sign * lr * (V - V1).sum(axis=0) / m
            b_hid = b_hid + sign * lr * (P0 - P1).sum(axis=0) / m
    return {"W": W.T if transpose else W, "b_vis": b_vis, "b_hid": b_hid}


def rbm_sign_flip(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Model minus data statistics: unlearns the data."""
    return _train_rbm(X, n_hidden, epochs, lr, rng, batch_size, sign=-1.0)


def rbm_one_epoch(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Ignores `epochs` and makes a single pass over the data."""
    return _train_rbm(X, n_hidden, epochs, lr, rng, batch_size, one_epoch=True)


def rbm_transposed(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Returns W with shape (n_hidden, n_visible)."""
    return _train_rbm(X, n_hidden, epochs, lr, rng, batch_size, transpose=True)


def rbm_returns_tuple(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Returns a tuple (W, b_vis, b_hid) instead of a dict."""
    r = _train_rbm(X, n_hidden, epochs, lr, rng, batch_size)
    return r["W"], r["b_vis"], r["b_hid"]


def rbm_shuffles_input(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Shuffles the caller's X in place (rng.shuffle) to make the mini-batches."""
    rng.shuffle(X)
    return _train_rbm(X, n_hidden, epochs, lr, rng, batch_size, copy_input=False)


def rbm_global_rng(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Draws the weights, orders and samples from NumPy's global generator."""
    return _train_rbm(X, n_hidden, epochs, lr, rng, batch_size, draw="global")


def rbm_fixed_seed(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Makes its own generator with a fixed seed."""
    return _train_rbm(X, n_hidden, epochs, lr, rng, batch_size, draw="seed")


def rbm_no_shuffle(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Takes the mini-batches in the rows' own order every epoch (no permutation)."""
    return _train_rbm(X, n_hidden, epochs, lr, rng, batch_size, order="none")


def rbm_one_permutation(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Draws one order of the rows and reuses it in every epoch."""
    return _train_rbm(X, n_hidden, epochs, lr, rng, batch_size, order="once")


def rbm_divides_by_batch_size(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Divides every update by batch_size, also for a smaller last mini-batch."""
    return _train_rbm(X, n_hidden, epochs, lr, rng, batch_size, norm="batch_size")


def rbm_sampled_reconstruction(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Samples binary visible states for the reconstruction instead of using probabilities."""
    return _train_rbm(X, n_hidden, epochs, lr, rng, batch_size, sample_visible=True)


def rbm_zero_visible_bias(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Starts the visible biases at zero instead of the log-odds of the pixel frequencies."""
    return _train_rbm(X, n_hidden, epochs, lr, rng, batch_size, vis_init="zeros")


def rbm_unclipped_bias(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Forgets to clip the pixel frequencies: infinite biases for constant pixels."""
    return _train_rbm(X, n_hidden, epochs, lr, rng, batch_size, clip=False)


def rbm_torch_free_loop(X, n_hidden, epochs, lr, rng, batch_size=20):
    """Alternative correct: np.array_split batches, einsum statistics, in-place updates, log1p biases."""
    X = np.array(X, dtype=float)
    n, nv = X.shape
    p = np.clip(X.mean(axis=0), 0.001, 0.999)
    W = rng.normal(0.0, 0.01, size=(nv, n_hidden))
    b_vis, b_hid = np.log(p) - np.log1p(-p), np.zeros(n_hidden)
    for _ in range(epochs):
        order = rng.permutation(n)
        for batch in np.array_split(order, np.arange(batch_size, n, batch_size)):
            V = X[batch]
            P0 = 1.0 / (1.0 + np.exp(-(V @ W + b_hid)))
            H = np.where(rng.random(P0.shape) < P0, 1.0, 0.0)
            V1 = expit(H @ W.T + b_vis)
            P1 = expit(V1 @ W + b_hid)
            W += lr * (np.einsum("bi,bj->ij", V, P0) - np.einsum("bi,bj->ij", V1, P1)) / len(batch)
            b_vis += lr * (V - V1).mean(axis=0)
            b_hid += lr * (P0 - P1).mean(axis=0)
    return {"W": W, "b_vis": b_vis, "b_hid": b_hid}


# --- train_dbn -------------------------------------------------------------------------------------------


def dbn_all_on_raw_data(X, layer_sizes, epochs, lr, rng):
    """Trains every RBM on the raw data instead of the layer below's features."""
    return [_train_rbm(X, n, epochs, lr, rng) for n in layer_sizes]


def dbn_features_before_training(X, layer_sizes, epochs, lr, rng):
    """Passes on the features of each RBM before training it (from its random initial weights)."""
    stack, data = [], np.asarray(X, dtype=float)
    for n in layer_sizes:
        init = _train_rbm(data, n, 0, lr, rng)
        stack.append(_train_rbm(data, n, epochs, lr, rng))
        data = expit(data @ init["W"] + init["b_hid"])
    return stack


def dbn_passes_logits(X, layer_sizes, epochs, lr, rng):
    """Passes on the hidden pre-activations x W + b_hid instead of probabilities."""
    stack, data = [], np.asarray(X, dtype=float)
    for n in layer_sizes:
        rbm = _train_rbm(data, n, epochs, lr, rng)
        stack.append(rbm)
        data = data @ rbm["W"] + rbm["b_hid"]
    return stack


def dbn_top_down_order(X, layer_sizes, epochs, lr, rng):
    """Right training, but returns the stack top first."""
    stack, data = [], np.asarray(X, dtype=float)
    for n in layer_sizes:
        rbm = _train_rbm(data, n, epochs, lr, rng)
        stack.append(rbm)
        data = expit(data @ rbm["W"] + rbm["b_hid"])
    return stack[::-1]


def dbn_sampled_features(X, layer_sizes, epochs, lr, rng):
    """Trains each layer on binary samples of the features below (the contract says probabilities)."""
    stack, data = [], np.asarray(X, dtype=float)
    for n in layer_sizes:
        rbm = _train_rbm(data, n, epochs, lr, rng)
        stack.append(rbm)
        probs = expit(data @ rbm["W"] + rbm["b_hid"])
        data = (rng.random(probs.shape) < probs).astype(float)
    return stack


def dbn_spawned_generators(X, layer_sizes, epochs, lr, rng):
    """Gives every layer its own child generator (rng.spawn) instead of passing rng on."""
    stack, data = [], np.asarray(X, dtype=float)
    for n, child in zip(layer_sizes, rng.spawn(len(layer_sizes)), strict=True):
        rbm = _train_rbm(data, n, epochs, lr, child)
        stack.append(rbm)
        data = expit(data @ rbm["W"] + rbm["b_hid"])
    return stack


def dbn_global_rng(X, layer_sizes, epochs, lr, rng):
    """Seeds each layer from NumPy's global generator."""
    stack, data = [], np.asarray(X, dtype=float)
    for n in layer_sizes:
        rbm = _train_rbm(data, n, epochs, lr, np.random.default_rng(np.random.randint(2**31)))
        stack.append(rbm)
        data = expit(data @ rbm["W"] + rbm["b_hid"])
    return stack


def dbn_in_place_features(X, layer_sizes, epochs, lr, rng):
    """Writes the first layer's features back into the caller's X (out=...) to save memory."""
    stack, data = [], np.asarray(X, dtype=float)
    for k, n in enumerate(layer_sizes):
        rbm = _train_rbm(data, n, epochs, lr, rng)
        stack.append(rbm)
        feats = expit(data @ rbm["W"] + rbm["b_hid"])
        if k == 0 and feats.shape[1] <= data.shape[1]:
            data[:, : feats.shape[1]] = feats
            data = data[:, : feats.shape[1]]
        else:
            data = feats
    return stack


def dbn_recursive(X, layer_sizes, epochs, lr, rng):
    """Alternative correct: recursion on the remaining layer sizes."""
    if not layer_sizes:
        return []
    rbm = _train_rbm(X, layer_sizes[0], epochs, lr, rng)
    features = expit(np.asarray(X, dtype=float) @ rbm["W"] + rbm["b_hid"])
    return [rbm, *dbn_recursive(features, layer_sizes[1:], epochs, lr, rng)]


# --- dbn_transform ---------------------------------------------------------------------------------------


def transform_samples(stack, X):
    """Returns binary samples (thresholded at 1/2) instead of probabilities."""
    out = np.asarray(X, dtype=float)
    for rbm in stack:
        out = expit(out @ rbm["W"] + rbm["b_hid"])
    return (out > 0.5).astype(float)


def transform_first_layer_only(stack, X):
    """Stops after the first RBM."""
    return expit(np.asarray(X, dtype=float) @ stack[0]["W"] + stack[0]["b_hid"])


def transform_visible_bias(stack, X):
    """Adds each layer's visible bias instead of its hidden bias (fails on shapes or values)."""
    out = np.asarray(X, dtype=float)
    for rbm in stack:
        out = expit(out @ rbm["W"] + rbm["b_vis"][: rbm["W"].shape[1]])
    return out


def transform_no_sigmoid_on_top(stack, X):
    """Returns the top layer's pre-activations."""
    out = np.asarray(X, dtype=float)
    for k, rbm in enumerate(stack):
        out = out @ rbm["W"] + rbm["b_hid"]
        if k < len(stack) - 1:
            out = expit(out)
    return out


def transform_in_place(stack, X):
    """Overwrites the caller's X with each layer's output when the layer is square (saves memory)."""
    out = np.asarray(X, dtype=float)
    for rbm in stack:
        new = expit(out @ rbm["W"] + rbm["b_hid"])
        if new.shape == out.shape:
            out[...] = new
        else:
            out = new
    return out


def transform_reduce(stack, X):
    """Alternative correct: functools.reduce with a hand-written logistic function."""
    return functools.reduce(
        lambda x, rbm: 1.0 / (1.0 + np.exp(-(x @ rbm["W"] + rbm["b_hid"]))), stack, np.asarray(X, dtype=float)
    )


# --- init_mlp_from_dbn ------------------------------------------------------------------------------------


def _mlp(
    stack,
    n_classes,
    generator,
    *,
    act=nn.Sigmoid,
    last_act=True,
    bias_key="b_hid",
    out_init="normal",
    final=None,
    transpose=True,
):
    layers = []
    for k, rbm in enumerate(stack):
        n_in, n_out = rbm["W"].shape
        lin = nn.Linear(n_in, n_out)
        with torch.no_grad():
            lin.weight.copy_(torch.as_tensor(rbm["W"].T if transpose else rbm["W"], dtype=torch.float32))
            lin.bias.copy_(torch.as_tensor(rbm[bias_key][:n_out], dtype=torch.float32))
        layers.append(lin)
        if last_act or k < len(stack) - 1:
            layers.append(act())
    out = nn.Linear(stack[-1]["W"].shape[1], n_classes)
    if out_init == "normal":
        nn.init.normal_(out.weight, 0.0, 0.01, generator=generator)
    elif out_init == "global":
        nn.init.normal_(out.weight, 0.0, 0.01)
    elif out_init == "zeros":
        nn.init.zeros_(out.weight)
    if out_init != "default":
        nn.init.zeros_(out.bias)
    layers.append(out)
    if final is not None:
        layers.append(final)
    return nn.Sequential(*layers)


def mlp_relu(stack, n_classes, generator=None):
    """Uses ReLU hidden units: not the function the RBMs were trained to compute."""
    return _mlp(stack, n_classes, generator, act=nn.ReLU)


def mlp_visible_bias(stack, n_classes, generator=None):
    """Takes the hidden layers' biases from b_vis instead of b_hid."""
    return _mlp(stack, n_classes, generator, bias_key="b_vis")


def mlp_ignores_generator(stack, n_classes, generator=None):
    """Draws the output layer from torch's global generator, ignoring `generator`."""
    return _mlp(stack, n_classes, generator, out_init="global")


def mlp_default_output_init(stack, n_classes, generator=None):
    """Leaves the output layer at nn.Linear's default (uniform, too large) initialisation."""
    return _mlp(stack, n_classes, generator, out_init="default")


def mlp_softmax_output(stack, n_classes, generator=None):
    """Ends with a softmax: returns probabilities, not logits."""
    return _mlp(stack, n_classes, generator, final=nn.Softmax(dim=1))


def mlp_no_top_sigmoid(stack, n_classes, generator=None):
    """Forgets the sigmoid after the last RBM layer."""
    return _mlp(stack, n_classes, generator, last_act=False)


def mlp_float64_shared(stack, n_classes, generator=None):
    """Wraps the RBM arrays with torch.from_numpy: float64 parameters that share memory with the stack."""
    layers = []
    for rbm in stack:
        n_in, n_out = rbm["W"].shape
        lin = nn.Linear(n_in, n_out)
        lin.weight = nn.Parameter(torch.from_numpy(rbm["W"].T))
        lin.bias = nn.Parameter(torch.from_numpy(rbm["b_hid"]))
        layers += [lin, nn.Sigmoid()]
    out = nn.Linear(stack[-1]["W"].shape[1], n_classes, dtype=torch.float64)
    nn.init.normal_(out.weight, 0.0, 0.01, generator=generator)
    nn.init.zeros_(out.bias)
    return nn.Sequential(*layers, out)


class _DBNClassifier(nn.Module):
    def __init__(self, stack, n_classes, generator):
        super().__init__()
        self.hidden = nn.ModuleList()
        for rbm in stack:
            lin = nn.Linear(*rbm["W"].shape)
            lin.weight = nn.Parameter(torch.tensor(rbm["W"].T.copy(), dtype=torch.float32))
            lin.bias = nn.Parameter(torch.tensor(rbm["b_hid"], dtype=torch.float32))
            self.hidden.append(nn.Sequential(lin, nn.Sigmoid()))
        self.out = nn.Linear(stack[-1]["W"].shape[1], n_classes)
        with torch.no_grad():
            self.out.weight.copy_(torch.randn(self.out.weight.shape, generator=generator) * 0.01)
            self.out.bias.zero_()

    def forward(self, x):
        for layer in self.hidden:
            x = layer(x)
        return self.out(x)


def mlp_custom_module(stack, n_classes, generator=None):
    """Alternative correct: a custom nn.Module, nested Sequentials, torch.randn for the output layer."""
    return _DBNClassifier(stack, n_classes, generator)


def mlp_parameters_by_hand(stack, n_classes, generator=None):
    """Alternative correct: nn.Parameter assignments of copied tensors, torch.normal for the output layer."""
    layers = []
    for rbm in stack:
        lin = nn.Linear(*rbm["W"].shape)
        lin.weight = nn.Parameter(torch.tensor(np.ascontiguousarray(rbm["W"].T), dtype=torch.float32))
        lin.bias = nn.Parameter(torch.tensor(rbm["b_hid"], dtype=torch.float32))
        layers.extend([lin, nn.Sigmoid()])
    n_top = stack[-1]["W"].shape[1]
    out = nn.Linear(n_top, n_classes)
    out.weight = nn.Parameter(torch.normal(0.0, 0.01, size=(n_classes, n_top), generator=generator))
    out.bias = nn.Parameter(torch.zeros(n_classes))
    return nn.Sequential(*layers, out)


WRONG = {
    "train_rbm": [
        rbm_sign_flip,
        rbm_one_epoch,
        rbm_transposed,
        rbm_returns_tuple,
        rbm_shuffles_input,
        rbm_global_rng,
        rbm_fixed_seed,
        rbm_no_shuffle,
        rbm_one_permutation,
        rbm_divides_by_batch_size,
        rbm_sampled_reconstruction,
        rbm_zero_visible_bias,
        rbm_unclipped_bias,
    ],
    "train_dbn": [
        dbn_all_on_raw_data,
        dbn_features_before_training,
        dbn_passes_logits,
        dbn_top_down_order,
        dbn_sampled_features,
        dbn_spawned_generators,
        dbn_global_rng,
        dbn_in_place_features,
    ],
    "dbn_transform": [
        transform_samples,
        transform_first_layer_only,
        transform_visible_bias,
        transform_no_sigmoid_on_top,
        transform_in_place,
    ],
    "init_mlp_from_dbn": [
        mlp_relu,
        mlp_visible_bias,
        mlp_ignores_generator,
        mlp_default_output_init,
        mlp_softmax_output,
        mlp_no_top_sigmoid,
        mlp_float64_shared,
    ],
}

CORRECT = {
    "train_rbm": [rbm_torch_free_loop],
    "train_dbn": [dbn_recursive],
    "dbn_transform": [transform_reduce],
    "init_mlp_from_dbn": [mlp_custom_module, mlp_parameters_by_hand],
}
