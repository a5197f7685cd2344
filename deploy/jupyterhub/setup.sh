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
#   deploy/jupyterhub/setup.sh instructor CMD ...   run CMD as the instructor in the course folder, with the
#                                         hub environment's nbgrader and Python (release, deadlines, collect, export)
#   deploy/jupyterhub/setup.sh remove     delete the class's unix users and their homes, the exchange, the state
#   deploy/jupyterhub/setup.sh roster FILE  check a roster (no root needed): its ids, or why it is refused
#
# A roster: JCLUB_ROSTER=roster.csv (nbgrader's student CSV: a header with at least `id`; also first_name,
# last_name, email) makes the ids the class's students (unix user names) and imports the roster into the
# gradebook; ids that cannot be unix user names, duplicates and system accounts are refused before anything
# changes. After `class`, the other verbs read the class (instructor, students, folders) from class.json.
#
# Settings (environment): JCLUB_HUB_PREFIX (/opt/jclub-hub: venv + proxy), JCLUB_HUB_STATE (/srv/jclub-hub: hub
# database, cookie secret, class.json), JCLUB_EXCHANGE (/srv/nbgrader/exchange), JCLUB_INSTRUCTOR (instructor),
# JCLUB_STUDENTS ("student1 student2 student3") or JCLUB_ROSTER (above), JCLUB_COURSE_DIR
# (/home/$JCLUB_INSTRUCTOR/jclub), JCLUB_HUB_IP (0.0.0.0), JCLUB_HUB_PORT (8000), JCLUB_GRADEBOOK_URL
# (PostgreSQL instead of SQLite, optional).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO/deploy/jupyterhub"
PREFIX="${JCLUB_HUB_PREFIX:-/opt/jclub-hub}"
STATE="${JCLUB_HUB_STATE:-/srv/jclub-hub}"
EXCHANGE="${JCLUB_EXCHANGE:-/srv/nbgrader/exchange}"
INSTRUCTOR="${JCLUB_INSTRUCTOR:-instructor}"
STUDENTS="${JCLUB_STUDENTS:-student1 student2 student3}"
COURSE_DIR="${JCLUB_COURSE_DIR:-/home/$INSTRUCTOR/jclub}"
# The hub environment matches the course's nbgrader; numpy is needed to load the course's nbgrader_config.py,
# psycopg for a PostgreSQL gradebook (JCLUB_GRADEBOOK_URL) in the instructor's formgrader.
HUB_PACKAGES=("jupyterhub>=5,<7" "jupyterlab>=4,<5" "nbgrader==0.9.6" "numpy" "psycopg[binary]>=3.2")
COURSE_FILES=(units data jclub autograder nbgrader_config.py pyproject.toml LICENSE)
ROSTER="${JCLUB_ROSTER:-}"
CHP=proxy/node_modules/configurable-http-proxy/bin/configurable-http-proxy

die() { echo "setup.sh: $*" >&2; exit 1; }

install() {
  command -v npm >/dev/null || die "npm (Node.js >= 18) is needed for configurable-http-proxy"
  if [ ! -x "$PREFIX/venv/bin/jupyterhub" ] || ! "$PREFIX/venv/bin/python" -c "import psycopg" 2>/dev/null; then
    echo "hub environment → $PREFIX/venv"
    [ -x "$PREFIX/venv/bin/python" ] || /usr/bin/python3 -m venv "$PREFIX/venv"
    "$PREFIX/venv/bin/pip" install -q "${HUB_PACKAGES[@]}"
  fi
  if [ ! -x "$PREFIX/$CHP" ]; then
    echo "configurable-http-proxy → $PREFIX/proxy"
    npm install -q --prefix "$PREFIX/proxy" configurable-http-proxy >/dev/null
  fi
  chmod -R go+rX "$PREFIX"
}

_home() { getent passwd "$1" | cut -d: -f6; }

_roster_ids() {  # roster.csv [instructor] → its student ids, one line; or a refusal that says why
  /usr/bin/python3 - "$1" "${2:-}" <<'EOF'
import collections, csv, pwd, re, sys
path, instructor = sys.argv[1], sys.argv[2]
def refuse(why):
    sys.exit(f"roster {path}: {why}")
try:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
except (OSError, UnicodeDecodeError, csv.Error) as err:
    refuse(f"cannot be read as a UTF-8 CSV file ({err})")
if not rows or "id" not in rows[0]:
    refuse("needs a header row with an 'id' column and one row per student (nbgrader's student CSV: "
           "id,first_name,last_name,email)")
ids = [r["id"] or "" for r in rows]
bad = [i for i in ids if not re.fullmatch(r"[a-z_][a-z0-9_-]{0,31}", i)]
if bad:
    refuse(f"these ids cannot be unix user names: {', '.join(map(repr, bad))}. An id must start with a lower "
           "case letter or _ and hold only lower case letters, digits, - and _ (at most 32), e.g. s2023001 "
           "for a student number; the id is the student's login name")
dup = sorted(i for i, n in collections.Counter(ids).items() if n > 1)
if dup:
    refuse(f"duplicate ids: {', '.join(dup)}")
def system(name):
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return False
    return uid < 1000 or uid == 65534
taken = [i for i in ids if system(i) or i == instructor]
if taken:
    refuse(f"these ids are system accounts or the instructor, not students: {', '.join(taken)}")
print(" ".join(ids))
EOF
}

roster() {  # FILE: check a roster before `class` (its student ids, or why it is refused); needs no root
  [ $# -eq 1 ] || die "roster FILE"
  [ -f "$1" ] || die "roster $1: no such file"
  _roster_ids "$1" "$INSTRUCTOR"
}

_load_class() {  # instructor, students and folders as `class` recorded them
  [ -f "$STATE/class.json" ] || die "run '$0 class' first"
  eval "$(/usr/bin/python3 - "$STATE/class.json" <<'EOF'
import json, shlex, sys
c = json.load(open(sys.argv[1]))
print(f"INSTRUCTOR={shlex.quote(c['instructor'])} COURSE_DIR={shlex.quote(c['course_dir'])} "
      f"EXCHANGE={shlex.quote(c['exchange'])} STUDENTS={shlex.quote(' '.join(c['students']))}")
EOF
)"
}

instructor() {  # CMD ... as the instructor, in the course folder, with the hub environment first on PATH
  [ -n "${_CLASS_LOADED:-}" ] || _load_class
  [ $# -ge 1 ] || die "instructor CMD [ARGS ...]"
  local ih
  ih="$(_home "$INSTRUCTOR")"
  local keep=()  # a PostgreSQL gradebook only when one is set (an empty URL is not SQLite's default for all tools)
  [ -z "${JCLUB_GRADEBOOK_URL:-}" ] || keep=(JCLUB_GRADEBOOK_URL="$JCLUB_GRADEBOOK_URL")
  (cd "$COURSE_DIR" && runuser -u "$INSTRUCTOR" -- env -i HOME="$ih" USER="$INSTRUCTOR" LOGNAME="$INSTRUCTOR" \
    LANG=C.UTF-8 PATH="$PREFIX/venv/bin:/usr/local/bin:/usr/bin:/bin" "${keep[@]}" "$@")
}

_user() {  # name → a system user with a private home
  id "$1" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash --user-group "$1"
  chmod 0700 "$(_home "$1")"
}

class() {
  [ -x "$PREFIX/venv/bin/jupyterhub" ] || die "run '$0 install' first"
  if [ -n "$ROSTER" ]; then
    [ -f "$ROSTER" ] || die "roster $ROSTER: no such file"
    STUDENTS="$(_roster_ids "$ROSTER" "$INSTRUCTOR")" || die "the roster was refused (nothing was changed)"
  fi
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
  if [ -n "$ROSTER" ]; then  # names and e-mails into the gradebook (nbgrader db student import)
    command install -o "$INSTRUCTOR" -g "$INSTRUCTOR" -m 0600 "$ROSTER" "$COURSE_DIR/roster.csv"  # not the verb
    _CLASS_LOADED=1 instructor nbgrader db student import roster.csv >/dev/null
  fi
  echo "class: instructor $INSTRUCTOR, students $STUDENTS; course folder $COURSE_DIR"
}

up() {
  _load_class
  cd "$STATE"
  export JCLUB_HUB_STATE="$STATE"
  exec "$PREFIX/venv/bin/jupyterhub" -f "$HERE/jupyterhub_config.py" "$@"
}

grade() {
  _load_class
  [ $# -ge 1 ] || die "grade UNIT [...]"
  local py="$REPO/.venv/bin/python"
  [ -x "$py" ] || die "the course environment $REPO/.venv is missing (./course setup)"
  (cd "$COURSE_DIR" && JCLUB_ROOT="$COURSE_DIR" PATH="$REPO/.venv/bin:$PATH" "$py" -m autograder grade "$@")
  chown -R "$INSTRUCTOR:$INSTRUCTOR" "$COURSE_DIR"
}

remove() {
  if [ -f "$STATE/class.json" ]; then _load_class; fi
  for u in $STUDENTS "$INSTRUCTOR"; do
    if id "$u" >/dev/null 2>&1; then
      pkill -KILL -u "$u" 2>/dev/null || true
      userdel --remove "$u" 2>/dev/null || true
    fi
  done
  rm -rf "$EXCHANGE" "$STATE"
}

case "${1:-}" in
  roster) shift; roster "$@"; exit ;;
  ""|install|class|remove|up|grade|instructor)
    [ "$(id -u)" -eq 0 ] || die "run as root (it creates unix users and spawns servers as them)" ;;
esac
case "${1:-}" in
  "") install; class; up ;;
  install|class|remove) "$1" ;;
  up|grade|instructor) cmd="$1"; shift; "$cmd" "$@" ;;
  *) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
