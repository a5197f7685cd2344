"""Loading the course's data sets, verified against ``data/MANIFEST.json``.

Data sets live in the repository's (or the published student copy's) ``data/`` folder next to the scripts
that generate them. ``load`` finds that folder from ``$JCLUB_DATA_DIR`` or by walking up from the current
directory, and refuses a file whose SHA-256 does not match the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

MANIFEST_NAME = "MANIFEST.json"


class DataError(RuntimeError):
    """A data set is missing or does not match its manifest entry."""


def sha256(path: Path) -> str:
    """SHA-256 hex digest of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def find_data_dir(start: Path | None = None) -> Path:
    """The data folder: ``$JCLUB_DATA_DIR``, else the first ``data/`` with a manifest above ``start``."""
    env = os.environ.get("JCLUB_DATA_DIR")
    if env:
        p = Path(env)
        if not (p / MANIFEST_NAME).is_file():
            raise DataError(f"JCLUB_DATA_DIR={env} has no {MANIFEST_NAME}")
        return p
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        for cand in (d / "data", d):
            if (cand / MANIFEST_NAME).is_file():
                return cand
    raise DataError(
        "Could not find the course data folder (a 'data/' folder with MANIFEST.json) above "
        f"{here}. Set JCLUB_DATA_DIR to its path."
    )


def manifest(data_dir: Path | None = None) -> dict[str, dict]:
    """The manifest: data-set name → entry (file, sha256, size_bytes, source, licence, ...)."""
    d = data_dir or find_data_dir()
    return json.loads((d / MANIFEST_NAME).read_text(encoding="utf-8"))["datasets"]


def path(name: str, data_dir: Path | None = None) -> Path:
    """Path of data set ``name`` after checking its size and SHA-256 against the manifest."""
    d = data_dir or find_data_dir()
    entries = manifest(d)
    if name not in entries:
        raise DataError(f"unknown data set {name!r}; known: {sorted(entries)}")
    entry = entries[name]
    p = d / entry["file"]
    if not p.is_file():
        raise DataError(f"{p} is missing; regenerate it with: {entry.get('generate', 'see data/README.md')}")
    digest = sha256(p)
    if digest != entry["sha256"]:
        raise DataError(f"{p} does not match the manifest (sha256 {digest[:12]}… ≠ {entry['sha256'][:12]}…)")
    return p


def load_npz(name: str, data_dir: Path | None = None) -> dict[str, np.ndarray]:
    """Load a verified ``.npz`` data set into a plain dict of arrays."""
    with np.load(path(name, data_dir), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}
