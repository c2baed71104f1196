#!/usr/bin/env bash
# Compares the laptop's start of two builds, as the systemd unit starts it with an AOT cache, in alternating pairs on
# one machine (the apps table of bench/run.sh times one build at a time, and this machine's speed drifts by a fifth
# between its runs). Prints, for each build, the median time to ready and CPU seconds at ready on a fresh database and
# on a restart of that database, and the RSS 3 s after the restart was ready.
#   bench/start-compare.sh <aot-app dir A> <aot-app dir B> [pairs, default 8]
# A_OPTS and B_OPTS add JVM options to one build's starts (the same dir twice compares options, e.g. B_OPTS=-Xms16m).
# Each dir is an aot-jar build (bench/run.sh apps makes sync-client/target/aot-app; copy it aside before building the
# other commit); its cache is made here with deploy/laptop-aot-cache.sh. JDK: BENCH_JDK25 (default: a Temurin 25).
# Needs the server's packaged jar of either build (../sync-server/target/quarkus-app) for a server key.
set -euo pipefail
cd "$(dirname "$0")/.."
a=$(realpath "$1"); b=$(realpath "$2"); pairs=${3:-8}
jdk=${BENCH_JDK25:-$(ls -d /usr/lib/jvm/temurin-2[5-9]-jdk-* 2>/dev/null | head -1)}
java="$jdk/bin/java"
# the unit's JVM options, read from the unit (between $JAVA_AOT and -jar)
unit_opts=$(sed -n 's/^ExecStart=[^ ]* $JAVA_AOT \(.*\) -jar .*/\1/p' deploy/systemd/collect-offline-client.service)
[ -n "$unit_opts" ] || { echo "no JVM options found in the unit's ExecStart" >&2; exit 1; }
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
(cd "$work" && java -jar "$OLDPWD/sync-server/target/quarkus-app/quarkus-run.jar" keys generate > /dev/null \
  && java -jar "$OLDPWD/sync-server/target/quarkus-app/quarkus-run.jar" keys current > server-key.json)
for build in a b; do
  mkdir -p "$work/cache-$build"
  JAVA="$java" AOT_ENV_FILE="$work/cache-$build/env" deploy/laptop-aot-cache.sh "${!build}" "$work/cache-$build" \
    > /dev/null
done
# one start of build $1 on database dir $2: prints "ready_ms cpu_ms rss_kb"
start() {
  local app=${!1} port=$((18000 + RANDOM % 1000)) begun ended cpu rss opts
  if [ "$1" = a ]; then opts=${A_OPTS:-}; else opts=${B_OPTS:-}; fi
  begun=$(date +%s%N)
  # shellcheck disable=SC2086 # the options are words
  "$java" -XX:AOTCache="$work/cache-$1/app.aot" $unit_opts $opts \
    -Dquarkus.http.port="$port" -Dsync.client.db-path="$2/db/client" -Dsync.client.device-id=compare \
    -Dsync.client.payload.public-key-file="$work/server-key.json" -Dsync.client.server.url=http://127.0.0.1:9 \
    -Dsync.client.push.interval=off -Dquarkus.log.level=WARN -jar "$app/quarkus-run.jar" > "$2/log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/q/health/ready" > /dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$2/log" >&2; echo "build $1 stopped before it was ready" >&2; exit 1; }
    sleep 0.005
  done
  ended=$(date +%s%N)
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat")
  sleep 3 # idle, as the apps table measures it
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" || true; pid=
  echo "$(( (ended - begun) / 1000000 )) $cpu $rss"
}
for i in $(seq 1 "$pairs"); do
  for build in a b; do
    dir="$work/db-$build-$i"; mkdir -p "$dir"
    echo "$build fresh $(start $build "$dir")" >> "$work/times"
    echo "$build restart $(start $build "$dir")" >> "$work/times"
  done
done
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo "Laptop start with the AOT cache and the unit's options, $pairs alternating pairs (medians)"
echo "| build | fresh database: ready | CPU | restart: ready | CPU | idle RSS (3 s after the restart) |"
echo "|---|---:|---:|---:|---:|---:|"
for build in a b; do
  opts_var=${build^^}_OPTS
  row="| ${!build}${!opts_var:+ ${!opts_var}}"
  for kind in fresh restart; do
    for col in 3 4; do
      row="$row | $(awk -v b=$build -v k=$kind -v c=$col '$1 == b && $2 == k {print $c}' "$work/times" | median) ms"
    done
  done
  rss=$(awk -v b=$build '$1 == b && $2 == "restart" {print $5}' "$work/times" | median)
  echo "$row | $((rss / 1024)) MB |"
done
