#!/usr/bin/env bash
# Makes sure this machine has what the test suite needs, installing or starting what is missing (idempotent):
# PostgreSQL on 127.0.0.1:5432 with the database `test`, the PostgreSQL server binaries ReliabilityIT runs a cluster
# of its own with, Debian's Chromium for the page test, nginx for the deployment check, Node.js/npm for playwright-core.
# Called by ./test.sh (the README's test command) and by .ci/run.
set -euo pipefail

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "prepare-test-machine: needs root to run: $*" >&2; return 1; fi
}
apt_install() {
  echo "prepare-test-machine: installing $* (apt-get)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v pg_isready >/dev/null 2>&1 || missing+=(postgresql)
command -v git >/dev/null 2>&1 || missing+=(git)
if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[@]}"
fi

echo "== PostgreSQL on 127.0.0.1:5432"
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p 5432
for db in test; do
  if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    createdb -h 127.0.0.1 -U postgres "$db"
  fi
done
# ReliabilityIT stops a PostgreSQL of its own (initdb + pg_ctl of the installed server, run as user postgres)
ls /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/pg_ctl >/dev/null
command -v runuser >/dev/null
echo "prepare-test-machine: ready (chromium, nginx, npm, PostgreSQL)"
