"""Generate ``bead_tracks.npz``: simulated video-microscopy tracks of Brownian beads, in the spirit of Perrin.

Beads of radius 0.5 µm in water at 293 K diffuse with the Stokes–Einstein coefficient implied by a chosen
Avogadro number; each recorded position carries static localization noise (σ = 30 nm per axis). Unit 01
recovers N_A from these tracks. Deterministic: the same seed gives the same bytes (the manifest's sha256).

    python data/make_bead_tracks.py            # writes data/bead_tracks.npz and updates MANIFEST.json
    python data/make_bead_tracks.py --check    # regenerates in memory and compares with the manifest
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
NAME = "bead_tracks"
PARAMS = {
    "avogadro_per_mol": 6.02214076e23,
    "gas_constant_j_per_mol_k": 8.314462618,
    "temperature_k": 293.0,
    "viscosity_pa_s": 1.0e-3,
    "radius_m": 0.5e-6,
    "dt_s": 0.5,
    "n_beads": 500,
    "n_frames": 15,
    "noise_m": 30e-9,
    "seed": 1909,
}


def generate(params: dict = PARAMS) -> bytes:
    p = params
    k_b = p["gas_constant_j_per_mol_k"] / p["avogadro_per_mol"]
    d_m2_s = k_b * p["temperature_k"] / (6 * math.pi * p["viscosity_pa_s"] * p["radius_m"])
    rng = np.random.default_rng(p["seed"])
    start = rng.uniform(-30e-6, 30e-6, size=(p["n_beads"], 1, 2))
    steps = rng.normal(0.0, math.sqrt(2 * d_m2_s * p["dt_s"]), size=(p["n_beads"], p["n_frames"] - 1, 2))
    true = np.concatenate([start, start + np.cumsum(steps, axis=1)], axis=1)
    tracks = true + rng.normal(0.0, p["noise_m"], size=true.shape)
    buf = io.BytesIO()
    np.savez(
        buf,
        tracks_m=tracks,
        dt_s=np.float64(p["dt_s"]),
        temperature_k=np.float64(p["temperature_k"]),
        viscosity_pa_s=np.float64(p["viscosity_pa_s"]),
        radius_m=np.float64(p["radius_m"]),
        noise_m=np.float64(p["noise_m"]),
        true_d_m2_s=np.float64(d_m2_s),
    )
    return buf.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare a fresh generation with the manifest")
    args = ap.parse_args()
    blob = generate()
    digest = hashlib.sha256(blob).hexdigest()
    manifest_path = HERE / "MANIFEST.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"datasets": {}}
    if args.check:
        ok = manifest["datasets"].get(NAME, {}).get("sha256") == digest
        print("bead_tracks: reproducible" if ok else "bead_tracks: differs from the manifest")
        return 0 if ok else 1
    (HERE / f"{NAME}.npz").write_bytes(blob)
    manifest["datasets"][NAME] = {
        "file": f"{NAME}.npz",
        "sha256": digest,
        "size_bytes": len(blob),
        "source": "synthetic: Brownian bead tracks with localization noise (data/make_bead_tracks.py)",
        "licence": "CC0-1.0",
        "generate": "python data/make_bead_tracks.py",
        "parameters": PARAMS,
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {NAME}.npz ({len(blob)} bytes, sha256 {digest[:12]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
