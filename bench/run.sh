#!/usr/bin/env bash
# Benchmarks (not tests): builds the apps, then prints tables of figures. Needs PostgreSQL on 127.0.0.1:5432.
#   bench/run.sh                      # server receive+apply (100k transactions), then the laptop app's figures
#   BENCH_ARGS="-Dbench.n=20000" bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'bench'" | grep -q 1 \
  || createdb -h 127.0.0.1 -U postgres bench
mvn -B -q install -DskipTests
cd bench
mvn -B -q exec:java ${BENCH_ARGS:-}
mvn -B -q exec:java -Dbench.main=io.collectoffline.bench.ClientBench ${BENCH_ARGS:-}
