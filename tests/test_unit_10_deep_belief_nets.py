"""Unit 10 (deep belief nets): the binary digits helper, the greedy-training judge's power, and (full tier)
scikit-learn's RBM example and the notebook's pre-registered pretraining experiment over fresh seeds."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import reference

from autograder.checks import sigmoid
from autograder.judges import deep_belief_nets as judges
from jclub.binary_digits import load_binary_digits, to_bits, to_spins

UNIT = "10-deep-belief-nets"


def test_binary_digits_are_thresholded_at_half_the_maximum_and_split_as_documented():
    from sklearn.datasets import load_digits

    X_train, X_test, y_train, y_test = load_binary_digits()
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64)
    assert set(np.unique(X_train)) == {0.0, 1.0}
    raw, labels = load_digits(return_X_y=True)
    # every training image is the thresholded version of some raw image with the same label
    binarized = {(tuple(row), lab) for row, lab in zip((raw >= 8).astype(float), labels, strict=True)}
    assert all((tuple(row), lab) in binarized for row, lab in zip(X_train[:50], y_train[:50], strict=True))
    assert np.bincount(y_test).min() >= 43  # stratified: about 45 test images per class
    assert np.array_equal(to_bits(to_spins(X_test)), X_test)


def test_greedy_judge_needs_the_trained_layer_below():
    """Training RBM 2 on the features of the *untrained* RBM 1 is caught by the reconstruction property."""
    case = judges.TRAIN_DBN_CASES[0]
    x = judges.make_binary_data(case)
    ns = reference(UNIT)
    rng = np.random.default_rng(case["seed"] + 1)
    first = ns["train_rbm"](x, case["layer_sizes"][0], case["epochs"], case["lr"], rng)
    untrained = ns["train_rbm"](x, case["layer_sizes"][0], 0, case["lr"], rng)
    wrong_input = sigmoid(x @ untrained["W"] + untrained["b_hid"])
    second = ns["train_rbm"](wrong_input, case["layer_sizes"][1], case["epochs"], case["lr"], rng)
    right_input = sigmoid(x @ first["W"] + first["b_hid"])
    ratio = judges._recon_ratio(right_input, second["W"], second["b_vis"], second["b_hid"])
    assert ratio > 1.5 * case["max_ratio"]


@pytest.mark.full
def test_sklearn_rbm_example_reproduced_with_a_small_tolerance():
    """scikit-learn's RBM example (grey levels, 5× nudged data, 80/20 split): ≈ 0.94 on RBM features vs ≈ 0.78
    on raw pixels, and its tol=1 logistic regression stops at chance on current releases."""
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import BernoulliRBM
    from threadpoolctl import threadpool_limits

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    images = X.reshape(-1, 8, 8)
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    shifted = [
        padded[:, 1 + dy : 9 + dy, 1 + dx : 9 + dx].reshape(len(X), -1)
        for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0))
    ]
    X_all, y_all = np.concatenate([X, *shifted]), np.tile(y, 5)
    X_train, X_test, y_train, y_test = train_test_split(X_all, y_all, test_size=0.2, random_state=0)
    with threadpool_limits(1):
        rbm = BernoulliRBM(n_components=100, learning_rate=0.06, n_iter=10, random_state=0).fit(X_train)
        f_train, f_test = rbm.transform(X_train), rbm.transform(X_test)
        on_features = LogisticRegression(C=6000.0, tol=1e-4, max_iter=5000).fit(f_train, y_train)
        on_pixels = LogisticRegression(C=100.0, tol=1e-4, max_iter=5000).fit(X_train, y_train)
        stopped = LogisticRegression(C=100.0, tol=1.0, max_iter=5000).fit(X_train, y_train)
    assert on_features.score(f_test, y_test) > 0.92
    assert 0.74 < on_pixels.score(X_test, y_test) < 0.83
    assert stopped.score(X_test, y_test) < 0.2


@pytest.mark.full
def test_pretraining_experiment_holds_on_fresh_seeds():
    """The pre-registered configuration on seeds 5–9: DBN ≫ small random init, modern recipe > 0.85."""
    import torch
    from torch import nn

    ns = reference(UNIT)
    torch.set_num_threads(1)
    X_train, X_test, y_train, y_test = load_binary_digits()
    xt, yt = torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)
    xv, yv = torch.tensor(X_test, dtype=torch.float32), torch.tensor(y_test)

    def fine_tune(model, optimizer, seed):
        gen = torch.Generator().manual_seed(seed)
        for _ in range(20):
            order = torch.randperm(len(xt), generator=gen)
            for start in range(0, len(order), 64):
                idx = order[start : start + 64]
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(xt[idx]), yt[idx]).backward()
                optimizer.step()
        with torch.no_grad():
            return float((model(xv).argmax(dim=1) == yv).float().mean())

    def plain(activation, init, gen):
        sizes, layers = [64, 128, 128, 128, 10], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            lin = nn.Linear(n_in, n_out)
            init(lin.weight, gen)
            nn.init.zeros_(lin.bias)
            layers += [lin, activation()]
        return nn.Sequential(*layers[:-1])

    acc = {"a": [], "b": [], "c": []}
    for seed in range(5, 10):
        gen = torch.Generator().manual_seed(seed)
        m = plain(nn.Sigmoid, lambda w, g: nn.init.normal_(w, 0.0, 0.01, generator=g), gen)
        acc["a"].append(fine_tune(m, torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9), seed))
        stack = ns["train_dbn"](X_train, [128, 128, 128], 10, 0.05, np.random.default_rng(seed))
        m = ns["init_mlp_from_dbn"](stack, 10, generator=gen)
        acc["b"].append(fine_tune(m, torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9), seed))
        m = plain(nn.ReLU, lambda w, g: nn.init.kaiming_normal_(w, nonlinearity="relu", generator=g), gen)
        acc["c"].append(fine_tune(m, torch.optim.Adam(m.parameters(), lr=1e-3), seed))
    assert np.mean(acc["b"]) - np.mean(acc["a"]) > 0.3, acc
    assert np.mean(acc["c"]) > 0.85, acc
