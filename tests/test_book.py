"""The web book: built from the executed sources, stripped like the release, offline math, alt text, search.

The browser test drives Debian's chromium through chromedriver (selenium); nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest
from conftest import UNITS

from autograder import course
from autograder.book import build, scan_site
from autograder.checks import case_literal
from autograder.simulate import SOLUTION_RE


@pytest.fixture(scope="module")
def site() -> Path:
    return build(log=False)


def _solution_lines(min_len: int = 25) -> list[str]:
    """Distinctive lines of every solution region (what must never reach a reader).

    Lines that also occur in the student's version of the notebook (a demo that calls the same function the
    same way, a task statement that quotes the call) are not secrets and are left out.
    """
    from autograder.notebooks import strip_for_students

    lines = []
    for u in UNITS:
        nb = u.read()
        public = "\n".join(c.source for c in strip_for_students(nb, keep_outputs=False).cells)
        for cell in nb.cells:
            for m in SOLUTION_RE.finditer(cell.source):
                for line in m.group(1).splitlines():
                    s = line.strip()
                    trivial = s.startswith(("#", "return", '"""'))
                    if len(s) >= min_len and not trivial and s not in public:
                        lines.append(s)
    return lines


def _site_text(site: Path) -> str:
    texts = []
    for p in site.rglob("*"):
        if (
            p.is_file()
            and p.parts[len(site.parts)] != "mathjax"
            and p.suffix in {".html", ".js", ".ipynb", ".txt", ".md"}
        ):
            texts.append(p.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


def test_no_marker_anywhere_in_the_site(site):
    assert scan_site(site) == []


def test_no_solution_code_anywhere_in_the_site(site):
    text = _site_text(site)
    import html

    text = html.unescape(text)
    found = [line for line in _solution_lines() if line in text]
    assert not found, found[:5]


def test_no_hidden_case_or_judge_anywhere_in_the_site(site):
    text = _site_text(site)
    for u in UNITS:
        for check in u.checks:
            assert check.probe.__name__ not in text
            assert case_literal(check) not in text


def test_only_toc_files_are_published(site):
    assert not (site / "units" / "01-standard-diffusion" / "INTEGRATION.md").exists()
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    toc = (course.root() / "_toc.yml").read_text()
    for u in UNITS:
        assert f"units/{u.name}/{u.notebook.stem}" in toc, f"{u.name} missing from _toc.yml"
        assert f"units/{u.name}/{u.notebook.stem}.html" in pages
    assert not any(p.startswith(("autograder", "tests", "release")) for p in pages)


def test_every_figure_has_alt_text(site):
    for u in UNITS:
        page = (site / "units" / u.name / f"{u.notebook.stem}.html").read_text()
        imgs = re.findall(r"<img [^>]*>", page)
        figures = [i for i in imgs if "_images/" in i]
        assert figures, f"{u.name} has no figure"
        for img in figures:
            alt = re.search(r'alt="([^"]*)"', img)
            assert alt and len(alt.group(1)) > 20 and "_images" not in alt.group(1), img


def test_launch_buttons_point_at_the_student_copy(site):
    """Every unit's Binder button opens that unit's released notebook in the student copy, in JupyterLab.

    The student copy (``autograder publish``) holds the release at ``units/<unit>/<notebook>.ipynb`` —
    the same path as the source here — and tests/test_binder.py opens exactly these paths in a Binder-like
    build of it.
    """
    for u in UNITS:
        page = (site / "units" / u.name / f"{u.notebook.stem}.html").read_text()
        binder = set(
            re.findall(r"https://mybinder.org/v2/gh/([^/]+/[^/]+)/([^?\"]+)\?urlpath=([^\"&]+)", page)
        )
        assert binder, f"{u.name}: no Binder button"
        for repo, _branch, urlpath in binder:
            assert repo.endswith("-student"), repo
            assert urlpath == f"lab/tree/units/{u.name}/{u.notebook.name}", urlpath


def test_math_is_served_locally(site):
    page = (site / "units" / UNITS[0].name / f"{UNITS[0].notebook.stem}.html").read_text()
    srcs = re.findall(r'<script[^>]*src="([^"]*MathJax[^"]*)"', page)
    assert srcs and not any(s.startswith("http") for s in srcs), srcs
    assert (site / "mathjax" / "MathJax.js").is_file()


# ---------------------------------------------------------------------------------------------------------
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(site):
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    assert chromium and driver_path, "install Debian's chromium and chromium-driver (./course test does)"
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    profile = tmp_path_factory.mktemp("chromium-profile")
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,2000",
    ):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(driver_path), options=opts)
    yield drv
    drv.quit()


def _wait(drv, script: str, timeout: float = 30.0):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(drv, timeout).until(lambda d: d.execute_script(script))


def _shot(drv, name: str) -> Path:
    out = course.root() / "_build" / "test-screenshots"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    drv.save_screenshot(str(path))
    return path


@pytest.mark.browser
@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_browser_sees_typeset_math_and_figures(browser, served, unit):
    browser.get(f"{served}/units/{unit.name}/{unit.notebook.stem}.html")
    try:
        n_math = _wait(
            browser,
            "return window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 "
            "&& document.querySelectorAll('.MathJax, .MathJax_Display').length",
        )
        loaded = browser.execute_script(
            "return Array.from(document.images).filter(i => i.src.includes('_images/'))"
            ".map(i => i.complete && i.naturalWidth > 0)"
        )
    except Exception:
        raise AssertionError(f"math did not typeset; screenshot: {_shot(browser, unit.name)}") from None
    assert n_math > 5, f"only {n_math} typeset formulas; screenshot: {_shot(browser, unit.name)}"
    assert loaded and all(loaded), f"figures did not load; screenshot: {_shot(browser, unit.name)}"


@pytest.mark.browser
def test_browser_search_finds_a_unit(browser, served):
    browser.get(f"{served}/search.html?q=Avogadro")
    try:
        hits = _wait(
            browser,
            "const r = document.querySelectorAll('#search-results li, ul.search li');"
            "return r.length > 0 ? r.length : false",
        )
    except Exception:
        raise AssertionError(f"search found nothing; screenshot: {_shot(browser, 'search')}") from None
    text = browser.find_element("css selector", "#search-results").text
    assert hits >= 1 and "Standard diffusion" in text
