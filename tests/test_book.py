"""The web book: built from the executed sources, stripped like the release, offline math, alt text, search.

The browser test drives Debian's chromium through chromedriver (selenium); nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import re
import shutil
import threading
import urllib.parse
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
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
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


# ---------------------------------------------------------------------------------------------------------
# Every page as a reader meets it: links, widgets, raw TeX, console errors, images, accessibility, a phone.
def _pages(site: Path) -> list[Path]:
    skip = {"search.html", "genindex.html"}
    return sorted(
        p
        for p in site.rglob("*.html")
        if p.parts[len(site.parts)] not in {"_sources", "_static", "mathjax", "_images"}
        and p.name not in skip
    )


class _Anchors(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")


@functools.cache
def _parsed(path: Path) -> _Anchors:
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_and_anchor_resolves(site):
    broken = []
    for page in _pages(site):
        for href in _parsed(page).links:
            parts = urllib.parse.urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue  # external: not followed offline
            target = (page.parent / urllib.parse.unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {href} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                if urllib.parse.unquote(parts.fragment) not in _parsed(target).ids:
                    broken.append(f"{page.relative_to(site)}: {href} (no such anchor)")
    assert not broken, "\n".join(broken[:40])


def test_no_widget_state_is_embedded(site):
    """Widgets saved in a page are stale (no kernel behind them): explorers and bars draw static output."""
    found = [
        str(p.relative_to(site))
        for p in site.rglob("*")
        if p.suffix in {".html", ".ipynb"}
        and "application/vnd.jupyter.widget" in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert not found, found


_RAW_TEX_JS = r"""
const root = document.querySelector('main') || document.body;
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
const skip = 'script,style,pre,code,textarea,.MathJax,.MathJax_Display,.MathJax_Preview,.MathJax_CHTML,'
  + '.MathJax_SVG,mjx-container,.highlight,.cell_input,.cell_output,.output';
const cmd = '\\\\(frac|begin|end|langle|rangle|sum|int|mathrm|mathbf|left|right|partial|sqrt'
  + '|cdot|approx|le|ge)';
const tex = new RegExp('\\$|' + cmd + '(?![A-Za-z])');  // a dollar or a TeX command left as text
const bad = [];
while (walker.nextNode()) {
  const n = walker.currentNode;
  if (!n.parentElement || n.parentElement.closest(skip)) continue;
  const t = n.textContent;
  if (tex.test(t)) bad.push(t.trim().slice(0, 140));
}
return bad;
"""


def _load(drv, url: str) -> None:
    drv.get(url)
    _wait(
        drv,
        "return document.readyState === 'complete' && (!window.MathJax || !MathJax.Hub "
        "|| MathJax.Hub.queue.pending === 0)",
    )


@pytest.fixture(scope="module")
def pages(site):
    return [str(p.relative_to(site)) for p in _pages(site)]


@pytest.mark.browser
def test_every_page_renders_clean(browser, served, pages):
    """No raw TeX outside MathJax, no JavaScript console error, every image loaded and described."""
    problems = []
    for rel in pages:
        browser.get_log("browser")  # drop what earlier pages logged
        _load(browser, f"{served}/{rel}")
        raw = browser.execute_script(_RAW_TEX_JS)
        if raw:
            problems.append(f"{rel}: raw TeX outside MathJax: {raw[:3]}")
        errors = [e["message"] for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
        if errors:
            problems.append(f"{rel}: console errors: {errors[:3]}")
        images = browser.execute_script(
            "return Array.from(document.images).map(i => [i.getAttribute('src'), "
            "i.complete && i.naturalWidth > 0, (i.getAttribute('alt') || '').trim().length > 0])"
        )
        for src, loaded, described in images:
            if not loaded:
                problems.append(f"{rel}: image {src} did not load")
            if not described:
                problems.append(f"{rel}: image {src} has no alt text")
        if problems and problems[-1].startswith(rel):
            _shot(browser, rel.replace("/", "_"))
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_accessibility_scan_finds_nothing_serious(browser, served, pages):
    """axe-core (WCAG 2 A/AA rules), injected into each page: no serious or critical violation."""
    from vendor import axe_core_js

    axe = axe_core_js()
    problems = []
    browser.set_script_timeout(60)
    for rel in pages:
        _load(browser, f"{served}/{rel}")
        browser.execute_script(axe)
        result = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
            ".then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.length,"
            " v.nodes.slice(0, 2).map(n => n.target.join(' '))])))"
            ".catch(e => done([['axe-error', 'critical', 0, [String(e)]]]));"
        )
        for rule, impact, count, where in result:
            if impact in ("serious", "critical"):
                problems.append(f"{rel}: {rule} ({impact}, {count} nodes, e.g. {where})")
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_pages_fit_a_phone(browser, served, pages):
    """At a phone's width (390 px) no page scrolls sideways and the text column is not cut off."""
    browser.set_window_size(390, 844)
    problems = []
    try:
        for rel in pages:
            _load(browser, f"{served}/{rel}")
            width, inner, article = browser.execute_script(
                "const a = document.querySelector('main article, article, main');"
                "return [document.documentElement.scrollWidth, window.innerWidth,"
                " a ? a.getBoundingClientRect().width : 0];"
            )
            if width > inner + 2:
                problems.append(f"{rel}: page is {width} px wide in a {inner} px window")
                _shot(browser, "phone_" + rel.replace("/", "_"))
            if article < 0.8 * inner - 40:
                problems.append(f"{rel}: the text column is only {article:.0f} px of {inner}")
    finally:
        browser.set_window_size(1280, 2000)
    assert not problems, "\n".join(problems)


def _distinctive_term(unit) -> str:
    """A word of the unit's title a reader would search for (the longest one)."""
    words = re.findall(r"[A-Za-zÀ-ž]{4,}", unit.title)
    return max(words, key=len)


@pytest.mark.browser
@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_search_finds_each_unit(browser, served, unit):
    term = _distinctive_term(unit)
    browser.get(f"{served}/search.html?q={urllib.parse.quote(term)}")
    try:
        _wait(
            browser,
            "const r = document.querySelectorAll('#search-results li, ul.search li');"
            "return r.length > 0 ? r.length : false",
        )
    except Exception:
        raise AssertionError(
            f"search for {term!r} found nothing; {_shot(browser, 'search-' + unit.name)}"
        ) from None
    links = browser.execute_script(
        "return Array.from(document.querySelectorAll('#search-results li a'))"
        ".map(a => a.getAttribute('href'))"
    )
    assert any(unit.name in (h or "") for h in links), (
        f"search for {term!r} does not list {unit.name}: {links}"
    )
