"""JupyterHub for one class on one machine: an instructor and students, each server as its own unix user.

Started by ``deploy/jupyterhub/setup.sh up`` (as root, in ``$JCLUB_HUB_STATE``), which first wrote
``class.json`` there (instructor, students, course folder, exchange, hub environment prefix). See
``deploy/README.md``.

* Users log in with their system password (PAM); only the class's users may; the instructor is an admin.
* ``LocalProcessSpawner``: every single-user server (JupyterLab + nbgrader's extensions, from the hub
  environment ``$JCLUB_HUB_PREFIX/venv``) runs as that user's unix account in their home (0700), so
  students cannot read each other's files, the instructor's course folder (solutions, hidden checks,
  judges) or the gradebook.
* nbgrader: every user's ``~/.jupyter/nbgrader_config.py`` (written by ``setup.sh class``) names course id
  ``jclub`` and the exchange; the instructor's also points the formgrader at the course folder, whose
  ``nbgrader_config.py`` holds the gradebook: SQLite (``gradebook.db`` in the course folder) by default, or
  ``JCLUB_GRADEBOOK_URL`` (PostgreSQL) when set in the hub's environment (passed to the instructor only).
* ``JCLUB_HUB_SERVICE_TOKEN`` (optional) registers an automation service ``jclub-admin`` that may start and
  stop servers and call them (the tests drive the class through it).

Ports (environment): ``JCLUB_HUB_IP`` (0.0.0.0) / ``JCLUB_HUB_PORT`` (8000) public; ``JCLUB_HUB_API_PORT``
(8081) and ``JCLUB_PROXY_API_PORT`` (8001) on loopback.
"""

import json
import os
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when JupyterHub loads this file

STATE = Path(os.environ.get("JCLUB_HUB_STATE", os.getcwd())).resolve()
CLASS = json.loads((STATE / "class.json").read_text())
PREFIX = Path(CLASS["prefix"])
INSTRUCTOR: str = CLASS["instructor"]
STUDENTS: list[str] = CLASS["students"]

# -- network: public proxy port; hub and proxy APIs on loopback ------------------------------------------
ip = os.environ.get("JCLUB_HUB_IP", "0.0.0.0")
c.JupyterHub.bind_url = f"http://{ip}:{int(os.environ.get('JCLUB_HUB_PORT', '8000'))}/"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("JCLUB_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('JCLUB_PROXY_API_PORT', '8001'))}"
CHP = PREFIX / "proxy" / "node_modules" / "configurable-http-proxy" / "bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [str(CHP)]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

# -- hub state ------------------------------------------------------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server
c.JupyterHub.cleanup_proxy = True

# -- who may log in -------------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = os.environ.get("JCLUB_HUB_AUTHENTICATOR", "pam")
c.Authenticator.allowed_users = {INSTRUCTOR, *STUDENTS}
c.Authenticator.admin_users = {INSTRUCTOR}
c.LocalAuthenticator.create_system_users = False  # setup.sh creates them (homes 0700)
c.JupyterHub.load_groups = {
    "instructors": {"users": [INSTRUCTOR]},
    "students": {"users": list(STUDENTS)},
}

# -- each user's server: their own unix user, the hub environment's JupyterLab + nbgrader ---------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [str(PREFIX / "venv" / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.env_keep = ["LANG", "LC_ALL", "TZ"]  # not the hub's PATH or Python variables (root's)
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180


c.Spawner.environment = {"PATH": f"{PREFIX / 'venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin"}
if os.environ.get("JCLUB_GRADEBOOK_URL"):  # the instructor's formgrader uses the shared PostgreSQL gradebook
    c.Spawner.environment["JCLUB_GRADEBOOK_URL"] = lambda spawner: (
        os.environ["JCLUB_GRADEBOOK_URL"] if spawner.user.name == INSTRUCTOR else ""
    )

# -- automation (tests, scripts): a service token that can start, stop and call the class's servers -----
token = os.environ.get("JCLUB_HUB_SERVICE_TOKEN")
if token:
    c.JupyterHub.services = [{"name": "jclub-admin", "api_token": token}]
    c.JupyterHub.load_roles = [
        {
            "name": "jclub-admin",
            "scopes": ["admin:users", "admin:servers", "access:servers", "list:users", "read:users"],
            "services": ["jclub-admin"],
        }
    ]
