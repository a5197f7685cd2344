"""Intake: copy a submission's regular files, refuse the absurd fast, classify the notebook.

Everything here runs before nbgrader parses the notebook, in the grading process, and is cheap: a notebook
far beyond the release's size or cell count (limits in :mod:`autograder.settings`) goes to *review* in well
under a second instead of holding a worker for minutes.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat

from autograder import course, settings


def stage(src: Path, dest: Path, limits: settings.Settings | None = None) -> list[str]:
    """Copy a submission folder's regular files (no symlinks, bounded in number and size); return notes."""
    s = limits or settings.load()
    max_bytes, max_files = s.max_submission_bytes, s.max_submission_files
    notes: list[str] = []
    budget, count = max_bytes, 0
    dest.mkdir(parents=True)
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        rel = Path(dirpath).relative_to(src)
        for d in list(dirnames):
            if os.path.islink(os.path.join(dirpath, d)) or d.startswith(".ipynb_checkpoints"):
                if os.path.islink(os.path.join(dirpath, d)):
                    notes.append(f"symlink {rel / d} ignored")
                dirnames.remove(d)
        for d in dirnames:
            (dest / rel / d).mkdir()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if p.is_symlink() or not p.is_file():
                notes.append(f"{'symlink' if p.is_symlink() else 'special file'} {rel / name} ignored")
                continue
            size = p.stat().st_size
            if count >= max_files or size > budget:
                notes.append(
                    f"file {rel / name} ignored (the submission is limited to "
                    f"{max_files} files and {max_bytes >> 20} MB)"
                )
                continue
            budget -= size
            count += 1
            shutil.copyfile(p, dest / rel / name, follow_symlinks=False)
    return notes


def precheck(path: Path) -> str:
    """Why a submitted notebook cannot be graded, or '' when it can be handed to nbgrader."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        return f"unreadable file ({err.__class__.__name__})"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    try:
        data = json.loads(text)
    except RecursionError:
        return "not a notebook: JSON nested far deeper than any notebook (thousands of levels)"
    except json.JSONDecodeError as err:
        return f"not valid JSON (line {err.lineno})"
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        return (
            f"not an nbformat 4 notebook (nbformat={data.get('nbformat') if isinstance(data, dict) else '?'})"
        )
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except RecursionError:
        return "not a notebook: JSON nested far deeper than any notebook"
    except Exception as err:  # noqa: BLE001 - nbformat raises several kinds
        return f"not a valid notebook ({err.__class__.__name__})"
    return ""


def too_big(path: Path, released: Path, limits: settings.Settings | None = None) -> str:
    """Why a notebook is far beyond the release (size or cell count): '' when it is not. Fast: no nbformat."""
    s = limits or settings.load()
    size, ref = path.stat().st_size, released.stat().st_size
    cap = min(s.max_notebook_bytes, max(ref, 1 << 16) * s.max_notebook_size_factor)
    if size > cap:
        return (
            f"the notebook is {size / 1e6:.1f} MB, far beyond the released one ({ref / 1e6:.2f} MB; "
            f"the limit is {cap / 1e6:.1f} MB): needs manual review"
        )
    try:
        data = json.loads(path.read_bytes())
        cells = data.get("cells") if isinstance(data, dict) else None
        want = json.loads(released.read_bytes()).get("cells", [])
    except (ValueError, RecursionError, UnicodeDecodeError, OSError):
        return ""  # not JSON: precheck says what it is
    if isinstance(cells, list):
        limit = min(s.max_cells, max(200, len(want) * s.max_cells_factor))
        if len(cells) > limit:
            return (
                f"the notebook has {len(cells)} cells, far beyond the released {len(want)} "
                f"(the limit is {limit}): needs manual review"
            )
    return ""


def classify(path: Path, unit: course.Unit, limits: settings.Settings | None = None) -> tuple[str, str]:
    """('', '') when the notebook goes to nbgrader, else (kind, reason): 'rejected' or 'review'."""
    released_path = course.root() / "release" / unit.name / unit.notebook.name
    why = too_big(path, released_path, limits)
    if why:
        return "review", why
    why = precheck(path)
    if why.startswith("not an nbformat 4 notebook (nbformat=3"):
        return "review", "an nbformat 3 notebook (saved by an old Jupyter): needs manual review"
    if why:
        return "rejected", why
    nb = nbformat.read(path, as_version=4)
    released = nbformat.read(released_path, as_version=4)
    want = {course.nbgrader_meta(c).get("grade_id") for c in released.cells} - {None}
    have = {course.nbgrader_meta(c).get("grade_id") for c in nb.cells} - {None}
    if have and not have & want:
        return "rejected", f"this is not the notebook of {unit.name} (none of its cells is there)"
    return "", ""
