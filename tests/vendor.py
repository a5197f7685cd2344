"""Test-only third-party files fetched from a package registry (never at grading or build time).

axe-core (the accessibility engine) comes from the npm registry as its published tarball, pinned by version
and checked against the registry's sha512 integrity before use; it is cached under ``_build/vendor``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

from autograder import course

AXE_VERSION = "4.14.1"
AXE_TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
AXE_INTEGRITY = (
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)


def axe_core_js() -> str:
    """The source of ``axe.min.js`` (downloaded once, verified, cached)."""
    cache = course.root() / "_build" / "vendor" / f"axe-core-{AXE_VERSION}.min.js"
    if not cache.is_file():
        with urllib.request.urlopen(AXE_TARBALL, timeout=60) as resp:  # noqa: S310 - pinned registry URL
            blob = resp.read()
        digest = "sha512-" + base64.b64encode(hashlib.sha512(blob).digest()).decode()
        if digest != AXE_INTEGRITY:
            raise RuntimeError(f"axe-core {AXE_VERSION}: tarball integrity {digest} != {AXE_INTEGRITY}")
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
            member = tar.extractfile("package/axe.min.js")
            assert member is not None
            source = member.read()
        cache.parent.mkdir(parents=True, exist_ok=True)
        Path(cache).write_bytes(source)
    return cache.read_text(encoding="utf-8")
