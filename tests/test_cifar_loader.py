"""The CIFAR-10 loader of jclub.cnn, on a tiny CIFAR-format archive made here (no network)."""

from __future__ import annotations

import hashlib
import io
import math
import os
import pickle
import tarfile

import numpy as np
import pytest
import torch

import jclub.cnn as cnn

N_PER_BATCH = 3


def _batch_bytes(data: np.ndarray, labels: list[int], legacy_numpy_path: bool = False) -> bytes:
    """A pickled batch as the CIFAR-10 python version stores it (a dict with bytes keys, protocol 2)."""
    raw = pickle.dumps(
        {b"batch_label": b"test", b"labels": labels, b"data": data, b"filenames": []}, protocol=2
    )
    if legacy_numpy_path:  # what a pickle written with NumPy 1 (like the real files) names
        raw = raw.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    return raw


def make_archive(path, seed=0):
    """cifar-10-batches-py/{data_batch_1..5, test_batch, batches.meta}, random images; returns the truth."""
    rng = np.random.default_rng(seed)
    truth = {"train_images": [], "train_labels": [], "test_images": [], "test_labels": []}
    members = {}
    for i, name in enumerate([f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]):
        data = rng.integers(0, 256, size=(N_PER_BATCH, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, size=N_PER_BATCH).tolist()
        members[name] = _batch_bytes(data, labels, legacy_numpy_path=i % 2 == 0)
        split = "test" if name == "test_batch" else "train"
        truth[f"{split}_images"].append(data)
        truth[f"{split}_labels"].append(labels)
    members["batches.meta"] = pickle.dumps(
        {b"label_names": [c.encode() for c in cnn.CIFAR10_CLASSES]}, protocol=2
    )
    with tarfile.open(path, "w:gz") as tar:
        for name, raw in members.items():
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return {k: np.concatenate(v) for k, v in truth.items()}


def md5(path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def archive(tmp_path):
    path = tmp_path / "served" / "cifar-10-python.tar.gz"
    path.parent.mkdir()
    truth = make_archive(path)
    return path, truth


def test_download_parse_and_cache(archive, tmp_path):
    path, truth = archive
    root = tmp_path / "data" / "cifar10"
    data = cnn.load_cifar10(root, download_if_missing=True, url=path.as_uri(), md5=md5(path))
    assert data["train_images"].shape == (5 * N_PER_BATCH, 3, 32, 32)
    assert data["test_images"].shape == (N_PER_BATCH, 3, 32, 32)
    assert data["train_images"].dtype == torch.uint8 and data["train_labels"].dtype == torch.int64
    # pixel (c, row, col) of image i is data[i, 1024 c + 32 row + col]: red, green, blue planes, row-major
    want = truth["train_images"].reshape(-1, 3, 32, 32)
    assert np.array_equal(data["train_images"].numpy(), want)
    assert data["train_images"][4, 2, 7, 30].item() == truth["train_images"][4, 2 * 1024 + 7 * 32 + 30]
    assert data["train_labels"].tolist() == truth["train_labels"].tolist()
    assert data["test_labels"].tolist() == truth["test_labels"].tolist()
    assert (root / "cifar-10-python.tar.gz").is_file()
    assert (root / "cifar10-uint8.pt").is_file()
    assert (root / ".gitignore").read_text().splitlines()[-1] == "*"
    assert not list(root.glob("*.part"))


def test_second_call_uses_the_cache(archive, tmp_path):
    path, truth = archive
    root = tmp_path / "cifar"
    first = cnn.load_cifar10(root, download_if_missing=True, url=path.as_uri(), md5=md5(path))
    (root / "cifar-10-python.tar.gz").unlink()
    path.unlink()  # neither archive is needed any more
    again = cnn.load_cifar10(root, download_if_missing=True, url=path.as_uri(), md5="0" * 32)
    for key in first:
        assert torch.equal(first[key], again[key])


def test_wrong_checksum_is_refused_and_nothing_kept(archive, tmp_path):
    path, _ = archive
    root = tmp_path / "cifar"
    with pytest.raises(cnn.DataChecksumError):
        cnn.load_cifar10(root, download_if_missing=True, url=path.as_uri(), md5="0" * 32)
    assert not (root / "cifar-10-python.tar.gz").exists()
    assert not list(root.glob("*.part")) and not (root / "cifar10-uint8.pt").exists()


def test_existing_archive_is_checked_not_downloaded_again(archive, tmp_path, monkeypatch):
    path, _ = archive
    root = tmp_path / "cifar"
    root.mkdir()
    (root / "cifar-10-python.tar.gz").write_bytes(path.read_bytes())

    def no_network(*args, **kwargs):
        raise AssertionError("downloaded although a verified archive was there")

    monkeypatch.setattr(cnn.urllib.request, "urlopen", no_network)
    data = cnn.load_cifar10(
        root, download_if_missing=True, url="https://example.invalid/x.tar.gz", md5=md5(path)
    )
    assert data["train_images"].shape[0] == 5 * N_PER_BATCH


def test_missing_archive_without_download(tmp_path):
    with pytest.raises(FileNotFoundError, match="download_if_missing"):
        cnn.load_cifar10(tmp_path / "nothing")


def test_corrupt_local_archive_is_refused(archive, tmp_path):
    path, _ = archive
    root = tmp_path / "cifar"
    root.mkdir()
    (root / "cifar-10-python.tar.gz").write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(cnn.DataChecksumError):
        cnn.load_cifar10(root, md5=md5(path))


class _Exploit:
    def __reduce__(self):
        return (os.system, ("echo owned",))


def test_pickles_naming_other_globals_are_refused():
    evil = pickle.dumps({b"data": _Exploit(), b"labels": []}, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="posix.system|os.system|nt.system"):
        cnn.read_cifar_batch(io.BytesIO(evil))


@pytest.mark.parametrize(
    "batch",
    [
        {b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]},  # wrong image size
        {b"data": np.zeros((2, 3072), np.uint8), b"labels": [0]},  # one label missing
        {b"data": np.zeros((1, 3072), np.uint8), b"labels": [10]},  # not a CIFAR-10 class
        [1, 2, 3],  # not a dict
    ],
)
def test_malformed_batches_are_refused(batch):
    with pytest.raises(ValueError):
        cnn.read_cifar_batch(io.BytesIO(pickle.dumps(batch, protocol=2)))


def make_batch_folder(root, n_per_batch=8, seed=0):
    """root/cifar-10-batches-py/ with the six standard pickles (random images), as the archive unpacks."""
    rng = np.random.default_rng(seed)
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    for name in [f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, size=(n_per_batch, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n_per_batch).tolist()
        (folder / name).write_bytes(_batch_bytes(data, labels))
    return folder


def test_benchmark_reads_the_cifar10_pickles(tmp_path):
    """benchmarks/cnn_speedrun.py --data cifar10 trains every recipe on a tiny CIFAR-format folder."""
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import cnn_speedrun

    make_batch_folder(tmp_path / "cifar")
    out = tmp_path / "result.json"
    args = ["--data", "cifar10", "--data-dir", str(tmp_path / "cifar"), "--device", "cpu", "--threads", "1"]
    args += ["--n-train", "24", "--n-test", "8", "--width", "2", "--batch", "16", "--epochs", "1"]
    args += ["--runs", "2", "--tune-runs", "1", "--lr-factors", "1", "--workers", "0", "--json", str(out)]
    assert cnn_speedrun.main(args) == 0
    result = json.loads(out.read_text())
    assert result["data"] == "cifar10" and result["config"]["image_size"] == 32
    assert result["config"]["n_train"] == 24 and result["config"]["flip"] is True
    names = [r["name"] for r in result["rows"]]
    assert names[0] == "naive" and "full recipe" in names
    assert sum(name.startswith("full − ") for name in names) == len(result["levers"])
    for row in result["rows"]:
        assert row["runs"] == 2 and len(row["finals"]) == 2 and row["images_per_s"] > 0
        if math.isfinite(row["time_to_target"]):  # the three columns agree by construction
            assert math.isclose(row["time_to_target"], row["images_to_target"] / row["images_per_s"])
    with pytest.raises(SystemExit):
        cnn_speedrun.main(["--data", "cifar10"])  # needs --data-dir
