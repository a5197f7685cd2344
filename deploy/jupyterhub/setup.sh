#!/usr/bin/env bash
# A JupyterHub for one class on one machine (run as root). See deploy/README.md.
#
#   deploy/jupyterhub/setup.sh            install + class + up (the one-command stand-up)
#   deploy/jupyterhub/setup.sh install    hub environment: Python venv (JupyterHub, JupyterLab, nbgrader) from
#                                         /usr/bin/python3, configurable-http-proxy from npm
#   deploy/jupyterhub/setup.sh class      nbgrader exchange, unix users (instructor + students, homes 0700), the
#                                         instructor's course folder (a copy of this repository), per-user
#                                         nbgrader config (course id jclub, the exchange)
#   deploy/jupyterhub/setup.sh up         run JupyterHub in the foreground (deploy/jupyterhub/jupyterhub_config.py)
#   deploy/jupyterhub/setup.sh grade UNIT collected submissions → `python -m autograder grade UNIT` (sandboxed,
#                                         as root, the course's own .venv), then hands results to the instructor
#   deploy/jupyterhub/setup.sh remove     delete the class's unix users and their homes, the exchange, the state
#
# Settings (environment): JCLUB_HUB_PREFIX (/opt/jclub-hub: venv + proxy), JCLUB_HUB_STATE (/srv/jclub-hub: hub
# database, cookie secret, class.json), JCLUB_EXCHANGE (/srv/nbgrader/exchange), JCLUB_INSTRUCTOR (instructor),
# JCLUB_STUDENTS ("student1 student2 student3"), JCLUB_COURSE_DIR (/home/$JCLUB_INSTRUCTOR/jclub),
# JCLUB_HUB_IP (0.0.0.0), JCLUB_HUB_PORT (8000), JCLUB_GRADEBOOK_URL (PostgreSQL instead of SQLite, optional).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO/deploy/jupyterhub"
PREFIX="${JCLUB_HUB_PREFIX:-/opt/jclub-hub}"
STATE="${JCLUB_HUB_STATE:-/srv/jclub-hub}"
EXCHANGE="${JCLUB_EXCHANGE:-/srv/nbgrader/exchange}"
INSTRUCTOR="${JCLUB_INSTRUCTOR:-instructor}"
STUDENTS="${JCLUB_STUDENTS:-student1 student2 student3}"
COURSE_DIR="${JCLUB_COURSE_DIR:-/home/$INSTRUCTOR/jclub}"
# The hub environment matches the course's nbgrader; numpy is needed to load the course's nbgrader_config.py.
HUB_PACKAGES=("jupyterhub>=5,<7" "jupyterlab>=4,<5" "nbgrader==0.9.6" "numpy")
COURSE_FILES=(units data jclub autograder nbgrader_config.py pyproject.toml LICENSE)
CHP=proxy/node_modules/configurable-http-proxy/bin/configurable-http-proxy

die() { echo "setup.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (it creates unix users and spawns servers as them)"

install() {
  command -v npm >/dev/null || die "npm (Node.js >= 18) is needed for configurable-http-proxy"
  if [ ! -x "$PREFIX/venv/bin/jupyterhub" ]; then
    echo "hub environment → $PREFIX/venv"
    /usr/bin/python3 -m venv "$PREFIX/venv"
    "$PREFIX/venv/bin/pip" install -q "${HUB_PACKAGES[@]}"
  fi
  if [ ! -x "$PREFIX/$CHP" ]; then
    echo "configurable-http-proxy → $PREFIX/proxy"
    npm install -q --prefix "$PREFIX/proxy" configurable-http-proxy >/dev/null
  fi
  chmod -R go+rX "$PREFIX"
}

_home() { getent passwd "$1" | cut -d: -f6; }

_user() {  # name → a system user with a private home
  id "$1" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash --user-group "$1"
  chmod 0700 "$(_home "$1")"
}

class() {
  [ -x "$PREFIX/venv/bin/jupyterhub" ] || die "run '$0 install' first"
  mkdir -p "$EXCHANGE"
  chmod 1777 "$EXCHANGE"  # nbgrader's exchange: writable by all; sticky so nobody removes another's folder
  for u in $STUDENTS "$INSTRUCTOR"; do
    _user "$u"
    local uh
    uh="$(_home "$u")"
    mkdir -p "$uh/.jupyter"
    # per-user nbgrader configuration: the course and the exchange (the instructor's also: the course folder)
    printf 'c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = "jclub"\nc.Exchange.root = "%s"\n' \
      "$EXCHANGE" >"$uh/.jupyter/nbgrader_config.py"
    chown -R "$u:$u" "$uh/.jupyter"
  done
  local ih
  ih="$(_home "$INSTRUCTOR")"
  if [ ! -d "$COURSE_DIR/units" ]; then
    echo "course folder → $COURSE_DIR"
    mkdir -p "$COURSE_DIR"
    for f in "${COURSE_FILES[@]}"; do
      [ -e "$REPO/$f" ] && cp -a "$REPO/$f" "$COURSE_DIR/"
    done
    find "$COURSE_DIR" -name __pycache__ -prune -exec rm -rf {} +
  fi
  printf 'c.CourseDirectory.root = "%s"\n' "$COURSE_DIR" >>"$ih/.jupyter/nbgrader_config.py"
  chown -R "$INSTRUCTOR:$INSTRUCTOR" "$COURSE_DIR" "$ih/.jupyter"
  chmod 0700 "$COURSE_DIR"  # solutions, hidden checks, judges, gradebook: instructor (and root) only
  for s in $STUDENTS; do  # students: no formgrader, no course list
    local sh
    sh="$(_home "$s")"
    cat >"$sh/.jupyter/jupyter_server_config.json" <<'EOF'
{"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": false,
                                       "nbgrader.server_extensions.course_list": false}}}
EOF
    chown -R "$s:$s" "$sh/.jupyter"
  done
  mkdir -p "$STATE"
  chmod 0700 "$STATE"
  "$PREFIX/venv/bin/python" - "$STATE/class.json" "$INSTRUCTOR" "$COURSE_DIR" "$EXCHANGE" "$PREFIX" $STUDENTS <<'EOF'
import json, sys
path, instructor, course_dir, exchange, prefix, *students = sys.argv[1:]
json.dump({"instructor": instructor, "students": students, "course_dir": course_dir, "exchange": exchange,
           "prefix": prefix}, open(path, "w"), indent=2)
EOF
  echo "class: instructor $INSTRUCTOR, students $STUDENTS; course folder $COURSE_DIR"
}

up() {
  [ -f "$STATE/class.json" ] || die "run '$0 class' first"
  cd "$STATE"
  export JCLUB_HUB_STATE="$STATE"
  exec "$PREFIX/venv/bin/jupyterhub" -f "$HERE/jupyterhub_config.py" "$@"
}

grade() {
  [ $# -ge 1 ] || die "grade UNIT [...]"
  local py="$REPO/.venv/bin/python"
  [ -x "$py" ] || die "the course environment $REPO/.venv is missing (./course setup)"
  (cd "$COURSE_DIR" && JCLUB_ROOT="$COURSE_DIR" PATH="$REPO/.venv/bin:$PATH" "$py" -m autograder grade "$@")
  chown -R "$INSTRUCTOR:$INSTRUCTOR" "$COURSE_DIR"
}

remove() {
  for u in $STUDENTS "$INSTRUCTOR"; do
    if id "$u" >/dev/null 2>&1; then
      pkill -KILL -u "$u" 2>/dev/null || true
      userdel --remove "$u" 2>/dev/null || true
    fi
  done
  rm -rf "$EXCHANGE" "$STATE"
}

case "${1:-}" in
  "") install; class; up ;;
  install|class|remove) "$1" ;;
  up|grade) cmd="$1"; shift; "$cmd" "$@" ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
