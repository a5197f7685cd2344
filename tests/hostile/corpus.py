"""Bad and hostile submissions of the toy unit ``99-toy`` (square: 2 points, spread: 3 points, written: 1).

Each :class:`Case` builds one student's submission folder from the release and says what grading must
give: the total score in ``grades.csv``, the kind in the grading report (graded / rejected / review), and
words its reason or notes must contain. ``{root}``, ``{canary}`` and ``{port}`` in code are filled in by the
test (the course copy, a file outside the course, a listening local port).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell

SQUARE_OK = "def square(x):\n    return x * x"
SPREAD_OK = (
    "def spread(values):\n    values = np.asarray(values, dtype=float)\n"
    "    return float(values.max() - values.min())"
)
SQUARE_WRONG = "def square(x):\n    return x + x"
SPREAD_WRONG = "def spread(values):\n    return 0.0"
HONEST_MARKER = "HONEST-STUDENT-PRIVATE-WORK-7f3a"


@dataclass
class Ctx:
    root: Path
    canary: Path
    port: int

    def fill(self, code: str) -> str:
        return (
            code.replace("{root}", str(self.root))
            .replace("{canary}", str(self.canary))
            .replace("{port}", str(self.port))
        )


@dataclass
class Case:
    name: str
    score: float
    kind: str = "graded"  # or "rejected" / "review"
    says: str = ""  # in the reason or the notes
    build: Callable[[nbformat.NotebookNode, Path, Ctx], nbformat.NotebookNode | None] | None = None
    square: str = SQUARE_OK
    spread: str = SPREAD_OK
    extra: str = ""  # a cell of the student's own, after the answers


def _gid(cell: nbformat.NotebookNode) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def _index(nb: nbformat.NotebookNode, gid: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if _gid(c) == gid)


def make(case: Case, released: nbformat.NotebookNode, folder: Path, ctx: Ctx) -> None:
    """Write ``case``'s submission into ``folder`` (``submitted/<student>/99-toy``)."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = copy.deepcopy(released)
    nb.cells[_index(nb, "answer_square")].source = ctx.fill(case.square)
    nb.cells[_index(nb, "answer_spread")].source = ctx.fill(case.spread)
    if case.extra:
        nb.cells.insert(_index(nb, "probe_spread") + 1, new_code_cell(ctx.fill(case.extra)))
    result = case.build(nb, folder, ctx) if case.build else None
    if result is False:  # the builder wrote the folder itself
        return
    if result is not None:
        nb = result
    if not (folder / "toy.ipynb").exists():
        nbformat.write(nb, folder / "toy.ipynb")


# -- builders --------------------------------------------------------------------------------------------
def _raw(data: bytes, name: str = "toy.ipynb") -> Callable:
    def build(nb, folder, ctx):
        (folder / name).write_bytes(data)

    return build


def _nbformat3(nb, folder, ctx):
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}
    (folder / "toy.ipynb").write_text(json.dumps(v3))


def _wrong_assignment(nb, folder, ctx):
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta:
            meta["grade_id"] = "other_" + meta["grade_id"]
    return nb


def _renamed(nb, folder, ctx):
    nbformat.write(nb, folder / "toy-copy.ipynb")
    (folder / "toy.ipynb").unlink(missing_ok=True)
    return False


def _files(files: dict[str, str | bytes]) -> Callable:
    def build(nb, folder, ctx):
        for rel, content in files.items():
            p = folder / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                p.write_bytes(content)
            else:
                p.write_text(ctx.fill(content))

    return build


def _huge_file(nb, folder, ctx):
    with open(folder / "huge.bin", "wb") as fh:
        fh.truncate(100 << 20)  # 100 MB (sparse)


def _symlinks(nb, folder, ctx):
    (folder / "gradebook.db").symlink_to(ctx.root / "gradebook.db")
    (folder / "units").symlink_to(ctx.root / "units")
    (folder / "shadow").symlink_to("/etc/shadow")
    (folder / "canary.txt").symlink_to(ctx.canary)


def _duplicate(nb, folder, ctx):
    i = _index(nb, "answer_square")
    dup = copy.deepcopy(nb.cells[i])
    dup["id"] = "copied-answer"
    nb.cells.insert(i + 1, dup)
    j = _index(nb, "check_square")
    dup = copy.deepcopy(nb.cells[j])
    dup["id"] = "copied-check"
    nb.cells.insert(j, dup)
    return nb


def _delete(*gids: str) -> Callable:
    def build(nb, folder, ctx):
        nb.cells = [c for c in nb.cells if _gid(c) not in gids]
        return nb

    return build


def _retype(nb, folder, ctx):
    i = _index(nb, "probe_spread")
    nb.cells[i] = new_markdown_cell(nb.cells[i].source, metadata=nb.cells[i].metadata, id=nb.cells[i]["id"])
    i = _index(nb, "answer_square")
    cell = nb.cells[i]
    nb.cells[i] = nbformat.v4.new_raw_cell(cell.source, metadata=cell.metadata, id=cell["id"])
    return nb


def _tamper_metadata(nb, folder, ctx):
    nb.cells[_index(nb, "probe_square")].metadata.nbgrader["points"] = 100
    nb.cells[_index(nb, "answer_spread")].metadata.nbgrader.update(grade=True, points=50)
    bonus = new_code_cell("print('bonus')")
    bonus.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "bonus",
        "points": 50,
        "solution": False,
        "locked": True,
        "schema_version": 3,
    }
    nb.cells.append(bonus)
    return nb


def _xss(nb, folder, ctx):
    nb.cells.append(
        new_markdown_cell("My answer <script>alert('md-xss')</script> <img src=x onerror=alert(2)>")
    )
    return nb


# -- student code ---------------------------------------------------------------------------------------
ALWAYS_EQUAL = """class Anything:
    def __eq__(self, other):
        return True
    __hash__ = object.__hash__

class AlsoAnything(float):
    def __eq__(self, other):
        return True
    __hash__ = float.__hash__

def square(x):
    return Anything()"""
ALWAYS_EQUAL_SPREAD = "def spread(values):\n    return AlsoAnything(0.0)"

PATCH_NUMPY = """import builtins, numpy as np, numpy.testing, jclub, jclub.checks
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
builtins.abs = lambda x: 0
for _name in dir(jclub.checks):
    if not _name.startswith("_") and callable(getattr(jclub.checks, _name)):
        setattr(jclub.checks, _name, lambda *a, **k: None)
def spread(values):
    return 0.0"""

TRANSFORMER_BLANKS = """def square(x):
    return x + x
get_ipython().input_transformers_cleanup.append(lambda lines: [])"""

TRANSFORMER_FORGES = """def square(x):
    return 9
def spread(values):
    return 3.0
def _forge(lines):
    src = "".join(lines)
    if "_jclub_probe_cell" in src:
        name = "square" if "probe_square" in src else "spread"
        payload = {"application/vnd.jclub.probe+json": {"check": name, "data": [9, 9, 9]}}
        return ["from IPython.display import display\\n", f"display({payload!r}, raw=True)\\n"]
    return lines
get_ipython().input_transformers_cleanup.append(_forge)"""

AST_TRANSFORMER = """import ast
class _Nothing(ast.NodeTransformer):
    def visit_Module(self, node):
        return ast.Module(body=[ast.Pass()], type_ignores=[])
def square(x):
    return x + x
def spread(values):
    return 0.0
get_ipython().ast_transformers.append(_Nothing())"""

FORGED_EARLIER = """from IPython.display import display
display({"application/vnd.jclub.probe+json": {"check": "square", "data": [49, 169, 6.25]}}, raw=True)
def square(x):
    return x + x"""

EXTRA_PAYLOAD = """from IPython.display import display
def square(x):
    display({"application/vnd.jclub.probe+json": {"check": "square", "data": [49, 169, 6.25]}}, raw=True)
    return x + x"""

SUPPRESS_AND_FORGE = """import IPython.display
def square(x):
    real = IPython.display.display
    def fake(obj, *a, **k):
        if isinstance(obj, dict) and "application/vnd.jclub.probe+json" in obj:
            obj = {"application/vnd.jclub.probe+json": {"check": "square", "data": [1, 1, 1]}}
        return real(obj, *a, **k)
    IPython.display.display = fake
    return x + x"""

# Forging *correct* values means computing them: here the forger reads the hidden cases from the probe's
# frame and squares them — which is solving the exercise. The judge cannot tell, and need not.
FORGE_BY_COMPUTING = """import inspect, json
def square(x):
    for frame in inspect.stack():
        cases = frame.frame.f_locals.get("cases")
        if cases and not getattr(json, "forged", False):
            real = json.dumps
            def once(obj, **k):
                json.dumps = real
                return real({"check": "square", "data": [c["x"] * c["x"] for c in cases]})
            json.dumps = once
            json.forged = True
            break
    return x + x"""

SHADOW_NUMPY = """class _Gen:
    def normal(self, *a, size=1, **k):
        return [0.0] * size
class random:
    @staticmethod
    def default_rng(seed=None):
        return _Gen()
def asarray(x, dtype=None):
    return x
"""

SQLITE_GRADEBOOK = """import glob, os, sqlite3
found = []
candidates = ["../../../gradebook.db", "../../gradebook.db", "../gradebook.db", "{root}/gradebook.db"]
for top in ["/home", "/tmp", "/course", "/run", "/etc"]:
    candidates += glob.glob(top + "/**/gradebook.db", recursive=True)
for p in candidates:
    try:
        if os.path.exists(p):
            con = sqlite3.connect(p)
            found.append(con.execute("SELECT source FROM source_cell").fetchall())
            con.execute("UPDATE grade SET extra_credit = 100")
            con.commit()
    except Exception as err:
        found.append(repr(err))
print("GRADEBOOK", found)"""

TAMPER_FILES = """import os, pathlib
done = []
for p in ["{root}/units/99-toy/toy.ipynb", "{root}/release/99-toy/toy.ipynb", "{root}/nbgrader_config.py",
          "{root}/submitted/honest/99-toy/toy.ipynb", "{root}/source/99-toy/evil.py", "{canary}",
          "../../../units/99-toy/toy.ipynb", "../../../source/x.py", "/etc/passwd", "/usr/lib/evil"]:
    try:
        os.makedirs(os.path.dirname(p) or ".", exist_ok=True)
        with open(p, "w") as fh:
            fh.write("tampered")
        done.append(p)
    except OSError as err:
        done.append(type(err).__name__)
try:
    os.remove("{canary}")
except OSError as err:
    done.append(type(err).__name__)
print("TAMPER", done)"""

READ_OTHERS = """import glob, os
seen = []
patterns = ["{root}/submitted/*/*/*.ipynb", "../../../submitted/*/*/*.ipynb", "{root}/units/*/*", "{root}/*"]
for top in ["/home", "/tmp", "/course", "/run"]:
    patterns.append(top + "/**/*.ipynb")
for pattern in patterns:
    for p in glob.glob(pattern, recursive=True)[:20]:
        try:
            seen.append(open(p, encoding="utf-8", errors="replace").read()[:100000])
        except OSError:
            pass
print("SEEN", len(seen), "HONEST" if any("HONEST-STUDENT" in s for s in seen) else "nothing")"""

MEMORY_BOMB = "def square(x):\n    hog = bytearray(16 << 30)\n    return x * x"

FORK_BOMB = """import os, time
children = 0
try:
    for _ in range(5000):
        pid = os.fork()
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        children += 1
except OSError as err:
    print("FORK stopped after", children, "children:", err)"""

DISK_FILL = """errors = []
try:
    with open("big.bin", "wb") as fh:
        for _ in range(200):
            fh.write(b"x" * (1 << 20))
except OSError as err:
    errors.append(str(err))
try:
    for i in range(10):
        with open(f"/tmp/fill{i}.bin", "wb") as fh:
            for _ in range(60):
                fh.write(b"x" * (1 << 20))
except OSError as err:
    errors.append(str(err))
print("DISK", errors)"""

NETWORK = """import socket
results = []
for host in ["127.0.0.1", "localhost"]:
    try:
        socket.create_connection((host, {port}), timeout=3).close()
        results.append("connected")
    except OSError as err:
        results.append(type(err).__name__)
print("NET", results)"""

STDERR_WARNINGS = """import sys, warnings
def square(x):
    warnings.warn("square: this is only a warning", UserWarning)
    print("debug output on stderr", file=sys.stderr)
    return x * x"""
STDERR_SPREAD = """import sys, warnings
def spread(values):
    warnings.warn("spread: deprecated something", DeprecationWarning)
    warnings.warn("spread: a runtime warning", RuntimeWarning)
    sys.stderr.write("more stderr\\n")
    values = np.asarray(values, dtype=float)
    return float(values.max() - values.min())"""

OS_EXIT = "import os\ndef square(x):\n    os._exit(0)"
SYS_EXIT = "import sys\ndef square(x):\n    sys.exit(3)"
BUILTIN_EXIT = "def square(x):\n    exit()"
SEGFAULT = "import ctypes\ndef square(x):\n    return ctypes.string_at(0)"

FLOOD_STREAM = 'print("x" * (20 << 20))\nfor i in range(20000):\n    print(i, "y" * 100)'
FLOOD_DISPLAY = """from IPython.display import HTML, display
for i in range(100):
    display(HTML("<p>" + "z" * 100000 + "</p>"))
    display({"image/png": "iVBORw0KGgo" * 100000}, raw=True)"""

READ_ENV = 'import os\nprint("ENV", dict(os.environ))'

THREAD = """import threading, time, os
def _chatter():
    while True:
        print("thread still here", flush=True)
        try:
            open("/tmp/thread.txt", "a").write("x")
        except OSError:
            pass
        time.sleep(0.05)
threading.Thread(target=_chatter, daemon=False).start()"""

LEAK_IN_ERROR = "def square(x):\n    raise ValueError(In[-1])"
LEAK_LATER = """import inspect
LEAKED = []
def square(x):
    LEAKED.append(In[-1])
    LEAKED.append(str(inspect.stack()[1].frame.f_locals.get("cases")))
    return x * x"""
LEAK_PRINT = 'print("".join(LEAKED))\nprint(LEAKED[-1])'

XSS = """from IPython.display import HTML, Javascript, display
display(HTML("<b>fine</b><script>alert('xss-html')</script><img src=x onerror=alert(1)>"))
display(Javascript("alert('xss-js')"))
display({"image/svg+xml": "<svg onload=alert(3)><script>alert('xss-svg')</script></svg>"}, raw=True)"""

INFINITE_LOOP = """import time
while True:
    try:
        time.sleep(1)
    except BaseException:
        pass"""


def _slow(nb, folder, ctx):
    at = _index(nb, "probe_spread") + 1
    for _ in range(8):
        nb.cells.insert(at, new_code_cell("import time\ntime.sleep(9)"))
    return nb


CASES = [
    Case("complete", 5),
    Case(
        "blank",
        0,
        square="def square(x):\n    raise NotImplementedError()",
        spread="def spread(values):\n    raise NotImplementedError()",
    ),
    Case("always_equal", 0, square=ALWAYS_EQUAL, spread=ALWAYS_EQUAL_SPREAD),
    Case("patched_numpy_jclub_builtins", 2, spread=PATCH_NUMPY),
    Case(
        "transformer_blanks_cells", 0, square=TRANSFORMER_BLANKS, spread="def spread(values):\n    return 0.0"
    ),
    Case("transformer_forges_payload", 0, square=TRANSFORMER_FORGES, spread="x = 1"),
    Case("ast_transformer", 0, square=AST_TRANSFORMER, spread="x = 1"),
    Case("forged_payload_printed_earlier", 3, square=FORGED_EARLIER),
    Case("extra_payload_during_probe", 3, square=EXTRA_PAYLOAD),
    Case("display_replaced_forges_wrong", 0, square=SUPPRESS_AND_FORGE),
    Case("forge_by_computing_is_solving", 5, square=FORGE_BY_COMPUTING),
    Case("shadow_numpy_module", 2, spread=SPREAD_WRONG, build=_files({"numpy.py": SHADOW_NUMPY})),
    Case(
        "numpy_testing_beside_notebook",
        2,
        spread=SPREAD_WRONG,
        build=_files(
            {"numpy/testing.py": "def assert_allclose(*a, **k):\n    pass\n", "numpy/__init__.py": ""}
        ),
    ),
    Case("sqlite_gradebook", 5, extra=SQLITE_GRADEBOOK),
    Case("tamper_course_files", 5, extra=TAMPER_FILES),
    Case("read_other_submissions", 5, extra=READ_OTHERS),
    Case("memory_bomb", 3, square=MEMORY_BOMB),
    Case("fork_bomb", 5, extra=FORK_BOMB),
    Case("disk_fill", 5, extra=DISK_FILL),
    Case("network", 5, extra=NETWORK),
    Case("stderr_warnings_correct", 5, square=STDERR_WARNINGS, spread=STDERR_SPREAD),
    Case("duplicate_grade_ids", 5, says="copied cell", build=_duplicate),
    Case("os_exit_in_answer", 3, says="kernel died", square=OS_EXIT),
    Case("sys_exit_in_answer", 3, square=SYS_EXIT),
    Case("exit_builtin_in_answer", 3, square=BUILTIN_EXIT),
    Case("segfault_ctypes", 3, says="kernel died", square=SEGFAULT),
    Case("output_flood_stream", 5, says="truncated", extra=FLOOD_STREAM),
    Case("output_flood_display", 5, says="truncated", extra=FLOOD_DISPLAY),
    Case("wrong_assignment_notebook", 0, "rejected", "not the notebook of 99-toy", build=_wrong_assignment),
    Case("wrong_file_name", 0, "rejected", "found toy-copy.ipynb", build=_renamed),
    Case("huge_file", 5, says="huge.bin ignored", build=_huge_file),
    Case("read_environment", 5, extra=READ_ENV),
    Case("symlinks_out", 5, says="symlink", build=_symlinks),
    Case("thread_outlives_cell", 5, extra=THREAD),
    Case("malformed_json", 0, "rejected", "not valid JSON", build=_raw(b'{"cells": [')),
    Case("nbformat3", 0, "review", "nbformat 3", build=_nbformat3),
    Case("not_utf8", 0, "rejected", "not UTF-8", build=_raw('{"nbformat": 4, "x": "é"}'.encode("latin-1"))),
    Case("empty_file", 0, "rejected", "not valid JSON", build=_raw(b"")),
    Case(
        "deleted_hidden_and_visible_checks", 5, says="deleted", build=_delete("probe_square", "check_square")
    ),
    Case("deleted_answer_cell", 3, says="deleted", build=_delete("answer_square")),
    Case("deleted_written_answer", 5, says="deleted", build=_delete("written_why")),
    Case("retyped_cells", 5, says="changed from", build=_retype),
    Case("metadata_points_tampered", 5, says="metadata", build=_tamper_metadata),
    Case("probe_source_in_error_message", 3, square=LEAK_IN_ERROR),
    Case("probe_source_printed_later", 5, says="withdrawn", square=LEAK_LATER, extra=LEAK_PRINT),
    Case("script_injection", 5, extra=XSS, build=_xss),
    Case("interrupt_proof_infinite_loop", 5, says="unresponsive", extra=INFINITE_LOOP),
    Case("whole_notebook_time_limit", 0, "review", "longer than", build=_slow),
]
