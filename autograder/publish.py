"""``autograder publish DIR``: the student copy — release, jclub, data and a jclub-only environment.

The folder can be pushed as a public repository and used as a Binder target; the book's launch buttons point
at it. It holds nothing of ``autograder`` (no judge, no pipeline) and no solution.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from autograder import course
from autograder.notebooks import leaks
from autograder.release import release, scan_release

# What a student needs: the notebooks' imports, JupyterLab, and nbgrader for the Validate button.
STUDENT_PACKAGES = (
    "jupyterlab",
    "nbgrader",
    "numpy",
    "scipy",
    "matplotlib",
    "scikit-learn",
    "torch",
    "tqdm",
    "threadpoolctl",
    "ipywidgets",
    "ipykernel",
)
CONDA_NAMES = {"torch": "pytorch"}


def _pins() -> dict[str, str]:
    """name → version spec, from the instructor's pyproject.toml (one source of pins)."""
    data = tomllib.loads((course.root() / "pyproject.toml").read_text(encoding="utf-8"))
    pins = {}
    for dep in data["project"]["dependencies"]:
        name = dep.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip()
        pins[name] = dep[len(name) :].strip()
    return pins


def student_requirements() -> list[str]:
    pins = _pins()
    return [f"{name}{pins.get(name, '')}" for name in STUDENT_PACKAGES]


def _conda_line(req: str) -> str:
    for name, conda in CONDA_NAMES.items():
        if req.startswith(name):
            return "pytorch=2.13.*=cpu_*" if name == "torch" else conda + req[len(name) :]
    return req


POST_BUILD = "#!/bin/bash\nset -e\npip install --no-deps -e .\n"
# Binder builds with repo2docker: a binder/ folder, when present, is the only configuration it reads
# (a top-level environment.yml would otherwise take precedence over requirements.txt and go through conda).
BINDER_PYTHON = "python-3.11"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"  # PyPI's Linux torch wheel is a multi-GB CUDA build


def write_binder(folder: Path, reqs: list[str]) -> None:
    """repo2docker's Python build pack: ``runtime.txt``, ``requirements.txt`` (CPU torch), ``postBuild``.

    repo2docker runs ``pip install -r binder/requirements.txt`` from the repository root, then
    ``binder/postBuild`` there, and starts JupyterLab in the repository root — so the book's launch links
    (``urlpath=lab/tree/units/<unit>/<notebook>.ipynb``) open the released notebook.
    """
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    (folder / "runtime.txt").write_text(BINDER_PYTHON + "\n")
    (folder / "requirements.txt").write_text(
        "# Binder (repo2docker) environment of this student copy: CPU-only PyTorch.\n"
        f"--extra-index-url {TORCH_CPU_INDEX}\n" + "\n".join(reqs) + "\n"
    )
    (folder / "postBuild").write_text(POST_BUILD)
    (folder / "postBuild").chmod(0o755)


def publish(dest: Path, do_release: bool = True) -> Path:
    """Write the student copy into ``dest`` (replacing what a previous publish wrote there)."""
    root = course.root()
    dest = dest.resolve()
    if dest == root or root in dest.parents and dest.name in {"units", "autograder"}:
        raise ValueError(f"refusing to publish into {dest}")
    if do_release:
        release(log=False)
    dest.mkdir(parents=True, exist_ok=True)
    for sub in ("units", "jclub", "data"):
        if (dest / sub).exists():
            shutil.rmtree(dest / sub)
    shutil.copytree(root / "release", dest / "units")
    shutil.copytree(root / "jclub", dest / "jclub", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(root / "data", dest / "data", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(root / "LICENSE", dest / "LICENSE")
    reqs = student_requirements()
    (dest / "pyproject.toml").write_text(
        "\n".join(
            [
                "[build-system]",
                'requires = ["setuptools>=68"]',
                'build-backend = "setuptools.build_meta"',
                "",
                "[project]",
                'name = "jclub"',
                'version = "0.1.0"',
                'description = "Helpers for the Journal Club for Credit notebooks (no solutions, no judges)"',
                'requires-python = ">=3.11"',
                'dependencies = ["numpy", "matplotlib", "tqdm"]',
                "",
                "[tool.setuptools]",
                'packages = ["jclub"]',
                "",
                "[tool.setuptools.package-data]",
                'jclub = ["*.mplstyle"]',
                "",
            ]
        )
    )
    (dest / "requirements.txt").write_text("\n".join(reqs) + "\n-e .\n")
    env_lines = ["name: jclub-student", "channels:", "  - conda-forge", "dependencies:", "  - python=3.11"]
    env_lines += [f"  - {_conda_line(r)}" for r in reqs]
    (dest / "environment.yml").write_text("\n".join(env_lines) + "\n")
    (dest / "postBuild").write_text(POST_BUILD)
    (dest / "postBuild").chmod(0o755)
    write_binder(dest / "binder", reqs)
    units_list = "\n".join(f"- `units/{u.name}/{u.notebook.name}` — {u.title}" for u in course.units())
    (dest / "README.md").write_text(STUDENT_README.format(units=units_list))
    problems = scan_release(dest / "units")
    for p in (dest / "jclub").rglob("*.py"):
        if leaks(p.read_text(encoding="utf-8")):
            problems.append(str(p))
    if (dest / "autograder").exists():
        problems.append("autograder/ in the student copy")
    if problems:
        raise RuntimeError("the student copy leaks:\n" + "\n".join(problems))
    return dest


STUDENT_README = """# Journal Club for Credit — student copy

Computational neuroscience, biophysics and deep learning through papers and notebooks.
This folder is what students receive: the unit notebooks with exercise stubs, the `jclub` helper package
and the data sets. It holds no solutions.

## Start

```bash
python3 -m venv .venv && . .venv/bin/activate
pip install -r requirements.txt      # or: conda env create -f environment.yml
jupyter lab
```

Or open it on Binder (the book's launch buttons do this).

## Units

{units}

Open a unit, read, fill in every cell that says `YOUR CODE HERE` / `YOUR ANSWER HERE`, run the visible
checks below each exercise, then use *Validate* (nbgrader toolbar) and submit the way your instructor says.
Visible checks are only a first test: graded checks call your functions on other inputs.

Code: MIT licence. Text: CC BY 4.0. See LICENSE.
"""
