"""The SQLite gradebook lock: graders queue on it, the formgrader's long-lived server never takes it.

A regression test for a deadlock found by tests/test_hub_browser.py: nbgrader's formgrader keeps one
``Gradebook`` open for its server's whole life; when it took the grading lock (``nbgrader_config.py`` applies
it in every nbgrader process), every later ``grade`` waited on ``gradebook.db.lock`` forever.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_grader_process_holds_the_lock_while_its_gradebook_is_open(tmp_path):
    out = _run(
        f"""
        import fcntl, os
        from autograder.nbg import serialize_sqlite_gradebook
        from nbgrader.api import Gradebook
        url = "sqlite:///{tmp_path}/gradebook.db"
        serialize_sqlite_gradebook(url)
        gb = Gradebook(url, "jclub")
        fd = os.open("{tmp_path}/gradebook.db.lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            print("free")
        except BlockingIOError:
            print("held")
        gb.close()
        """
    )
    assert out == "held"  # another process (a second grader) would wait for it


def test_a_jupyter_server_never_takes_the_lock(tmp_path):
    out = _run(
        f"""
        import os
        from jupyter_server.serverapp import ServerApp
        ServerApp.instance()  # as in the instructor's server, where the formgrader runs
        from autograder.nbg import serialize_sqlite_gradebook
        from nbgrader.api import Gradebook
        url = "sqlite:///{tmp_path}/gradebook.db"
        serialize_sqlite_gradebook(url)
        gb = Gradebook(url, "jclub")  # kept open, as the formgrader keeps it
        print(getattr(Gradebook, "_jclub_serialized", False), os.path.exists("{tmp_path}/gradebook.db.lock"))
        """
    )
    assert out == "False False"
