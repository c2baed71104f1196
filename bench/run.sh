#!/usr/bin/env bash
# Benchmarks (not tests): builds the apps, then prints tables of figures. Needs PostgreSQL on 127.0.0.1:5432
# (creates databases bench and bench_large).
#   bench/run.sh                          # everything (about 30 minutes on 2 cores; the 1M push is most of it)
#   bench/run.sh server|e2e|forward|apps|downsync|export|floors # one part
#   bench/run.sh slowlink                 # not in "all": 10k changes over 32 and 256 kbit/s (about 25 minutes)
# The laptop's start of two builds, alternating (copy each build's sync-client/target/aot-app aside first):
#   bench/start-compare.sh <aot-app A> <aot-app B> [pairs]
#   BENCH_ARGS="-Dbench.n=20000 -Dbench.scaleStored=0 -Dbench.pending=0" bench/run.sh   # quicker
# JDK 24+ for the AOT-cache row of the apps table: BENCH_JDK25=/path/to/jdk (default: a Temurin 25 if installed).
set -euo pipefail
cd "$(dirname "$0")/.."
part=${1:-all}
for db in bench bench_large; do
  psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres "$db"
done
mvn -B -q install -DskipTests
jdk25=${BENCH_JDK25:-$(ls -d /usr/lib/jvm/temurin-2[5-9]-jdk-* 2>/dev/null | head -1 || true)}
if [ "$part" = all ] || [ "$part" = apps ]; then
  # a Quarkus app of the laptop's extensions and nothing of ours, to compare starts with (not a module of the build)
  mvn -B -q package -f bench/minimal-laptop/pom.xml -DskipTests
fi
if [ -n "$jdk25" ] && { [ "$part" = all ] || [ "$part" = apps ]; }; then
  # the classpath layout the JDK's AOT cache needs, next to the normal fast-jar
  mvn -B -q package -pl sync-client -DskipTests -Dquarkus.package.jar.type=aot-jar \
    -Dquarkus.package.output-directory=aot-app
  mvn -B -q package -f bench/minimal-laptop/pom.xml -DskipTests -Dquarkus.package.jar.type=aot-jar \
    -Dquarkus.package.output-directory=aot-app
fi
cd bench
if [ "$part" = all ] || [ "$part" = server ]; then
  mvn -B -q exec:java ${BENCH_ARGS:-}
fi
if [ "$part" = all ] || [ "$part" = e2e ]; then
  mvn -B -q exec:java -Dbench.main=io.collectoffline.bench.EndToEndBench ${BENCH_ARGS:-}
fi
if [ "$part" = all ] || [ "$part" = forward ]; then
  mvn -B -q exec:java -Dbench.main=io.collectoffline.bench.ForwardBench ${BENCH_ARGS:-}
fi
if [ "$part" = all ] || [ "$part" = downsync ]; then
  mvn -B -q exec:java -Dbench.main=io.collectoffline.bench.DownSyncBench ${BENCH_ARGS:-}
fi
if [ "$part" = slowlink ]; then
  mvn -B -q exec:java -Dbench.main=io.collectoffline.bench.SlowLinkBench ${BENCH_ARGS:-}
fi
if [ "$part" = all ] || [ "$part" = export ]; then
  mvn -B -q exec:java -Dbench.main=io.collectoffline.bench.ExportBench ${BENCH_ARGS:-}
fi
if [ "$part" = all ] || [ "$part" = floors ]; then
  mvn -B -q exec:java -Dbench.main=io.collectoffline.bench.FloorsBench ${BENCH_ARGS:-}
fi
if [ "$part" = all ] || [ "$part" = apps ]; then
  mvn -B -q exec:java -Dbench.main=io.collectoffline.bench.ClientBench ${jdk25:+-Dbench.jdk25=$jdk25} ${BENCH_ARGS:-}
fi
