"""A student's path in a real browser: JupyterLab opens a released unit, runs it, sees the stub fail, types an
answer, sees the visible check pass, and uses nbgrader's Validate button.

JupyterLab runs on a free local port with token authentication; Debian's chromium is driven through
chromedriver (selenium). Nothing is downloaded at run time. On failure, a screenshot is saved to
_build/test-screenshots/ and its path is in the assertion message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from labserver import start, stop

from autograder import course
from autograder.simulate import solution_text

pytestmark = pytest.mark.browser
UNIT = "01-standard-diffusion"
TYPED_EXERCISE = "stokes_einstein"
TYPED_ANSWER = (
    "BOLTZMANN_J_PER_K = 1.380649e-23; stokes_einstein = lambda temperature_k, viscosity_pa_s, "
    "radius_m: BOLTZMANN_J_PER_K * temperature_k / (6 * np.pi * viscosity_pa_s * radius_m)"
)
IDLE = (
    "const w = window.jupyterapp && jupyterapp.shell.currentWidget; return !!(w && w.sessionContext && "
    "w.sessionContext.session && w.sessionContext.session.kernel && "
    "w.sessionContext.session.kernel.status === 'idle')"
)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    for name in ("units", "data", "jclub", "nbgrader_config.py"):
        src = course.root() / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    env = dict(os.environ, JCLUB_ROOT=str(root))
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", UNIT, "--force"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    ws = tmp_path_factory.mktemp("student")  # what a student's home folder holds after fetching the unit
    shutil.copytree(root / "release" / UNIT, ws / UNIT)
    shutil.copytree(root / "data", ws / "data")
    jdirs = tmp_path_factory.mktemp("jupyter")
    env.update(
        JUPYTER_CONFIG_DIR=str(jdirs / "config"),
        JUPYTER_RUNTIME_DIR=str(jdirs / "runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(jdirs / "workspaces"),
    )
    env.pop("MPLBACKEND", None)
    proc, url, token = start(
        [sys.executable, "-m", "jupyterlab"],
        ws,
        env,
        f"--ServerApp.root_dir={ws}",
        "--LabApp.expose_app_in_browser=True",
        "--allow-root",
    )
    yield url, token, ws
    stop(proc)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
        "--window-size=1400,1000",
    ):
        opts.add_argument(arg)
    drv = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts
    )
    yield drv
    drv.quit()


def _shot(drv, name: str) -> str:
    out = course.root() / "_build" / "test-screenshots"
    out.mkdir(parents=True, exist_ok=True)
    drv.save_screenshot(str(out / f"{name}.png"))
    return str(out / f"{name}.png")


def test_student_session_in_jupyterlab(lab, driver):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    url, token, _ = lab
    d = driver

    def wait(script, timeout=90, *args):
        try:
            return WebDriverWait(d, timeout).until(lambda d: d.execute_script(script, *args))
        except Exception:
            raise AssertionError(
                f"timed out waiting for: {script[:80]} — screenshot {_shot(d, 'jupyterlab')}"
            ) from None

    def run_cell(k):
        d.execute_script(
            "const nb = jupyterapp.shell.currentWidget.content; nb.activeCellIndex = arguments[0];"
            "return jupyterapp.commands.execute('notebook:run-cell')",
            k,
        )
        time.sleep(0.3)
        wait(IDLE)

    def outputs(k):
        return d.execute_script(
            "return jupyterapp.shell.currentWidget.content.widgets[arguments[0]].model"
            ".outputs.toJSON().map(o => o.text || (o.data && o.data['text/plain']) || "
            "(o.ename + ': ' + o.evalue)).join('\\n')",
            k,
        )

    def index(grade_id):
        return d.execute_script(
            "return jupyterapp.shell.currentWidget.content.widgets.findIndex(c => "
            "(c.model.getMetadata('nbgrader') || {}).grade_id === arguments[0])",
            grade_id,
        )

    u = course.unit(UNIT)
    d.get(f"{url}/lab/tree/{UNIT}/{u.notebook.name}?token={token}")
    wait(IDLE)

    # 1. run everything: the first exercise's stub raises NotImplementedError (JupyterLab stops there)
    d.execute_script("return jupyterapp.commands.execute('notebook:run-all-cells')")
    time.sleep(1)
    wait(IDLE)
    first = index(f"check_{u.checks[0].name}")
    assert "NotImplementedError" in outputs(first), _shot(d, "jupyterlab-stub")

    # 2. type an answer into an exercise cell with the keyboard, run it and its visible check
    k = index(f"answer_{TYPED_EXERCISE}")
    d.execute_script(
        "const nb = jupyterapp.shell.currentWidget.content; nb.activeCellIndex = arguments[0];"
        "nb.scrollToItem(arguments[0]);",
        k,
    )
    editor = wait(
        "return jupyterapp.shell.currentWidget.content.widgets[arguments[0]].node"
        ".querySelector('.cm-content')",
        30,
        k,
    )
    editor.click()
    ActionChains(d).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(
        Keys.DELETE
    ).perform()
    ActionChains(d).send_keys(TYPED_ANSWER).perform()
    typed = d.execute_script(
        "return jupyterapp.shell.currentWidget.content.widgets[arguments[0]].model.sharedModel.getSource()", k
    )
    assert typed == TYPED_ANSWER, typed
    run_cell(k)
    run_cell(k + 1)
    assert f"✓ {TYPED_EXERCISE}: visible checks passed" in outputs(k + 1), _shot(d, "jupyterlab-typed")

    # 3. complete the rest (model edits stand in for typing long functions), save, and Validate
    for cell in u.read().cells:
        gid = course.nbgrader_meta(cell).get("grade_id", "")
        if (gid.startswith("answer_") and gid != f"answer_{TYPED_EXERCISE}") or gid.startswith("written_"):
            text = solution_text(cell.source).split("**Mark scheme")[0].strip()
            d.execute_script(
                "jupyterapp.shell.currentWidget.content.widgets[arguments[0]].model.sharedModel"
                ".setSource(arguments[1])",
                index(gid),
                text,
            )
    d.execute_script("return jupyterapp.commands.execute('docmanager:save')")
    wait("return !jupyterapp.shell.currentWidget.context.model.dirty", 30)
    buttons = [
        b
        for b in d.find_elements("css selector", "jp-button, button")
        if (b.text or b.get_attribute("title") or "").strip() == "Validate"
    ]
    assert buttons, f"no Validate button: {_shot(d, 'jupyterlab-toolbar')}"
    buttons[0].click()
    result = wait(
        "const x = document.querySelector('.jp-Dialog');"
        "return x && !/Validating/.test(x.innerText) && x.innerText",
        240,
    )
    assert "Success" in result and "failed" not in result, (
        f"{result[:400]} — {_shot(d, 'jupyterlab-validate')}"
    )
