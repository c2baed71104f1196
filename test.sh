#!/usr/bin/env bash
# The README's test command: prepares this machine (scripts/prepare-test-machine.sh), then runs every test.
# Extra arguments go to Maven (e.g. ./test.sh -pl sync-server -am).
set -euo pipefail
cd "$(dirname "$0")"
scripts/prepare-test-machine.sh
exec mvn -B verify "$@"
