#!/usr/bin/env bash
# Makes the laptop app's AOT cache (JDK 24 or newer; about halves the start, README Benchmarks) with a training run
# on a throwaway database, and points the systemd unit at it. Run it as root after installing or upgrading the app or
# the JDK (a cache made by another JDK or for another build is not used):
#   deploy/laptop-aot-cache.sh [aot-app dir] [cache dir]
# Defaults: /opt/collect-offline/sync-client/aot-app (the aot-jar build: mvn -B package -pl sync-client -DskipTests
# -Dquarkus.package.jar.type=aot-jar -Dquarkus.package.output-directory=aot-app), /var/lib/collect-offline-client.
# The JDK is the unit's, /usr/bin/java (JAVA overrides it, for a test only: the unit starts /usr/bin/java). Writes <cache dir>/app.aot and /etc/collect-offline/client-aot.env (AOT_ENV_FILE overrides), which
# the unit reads: JAVA_AOT (the cache option) and CLIENT_JAR (the aot-jar build's jar). With an older JDK it removes
# both, and the unit starts the usual build without a cache. The training run answers on 127.0.0.1 only, enters one
# record with unsealed payloads into a temporary database and reads pages; nothing leaves the machine.
set -euo pipefail
app=${1:-/opt/collect-offline/sync-client/aot-app}
cache_dir=${2:-/var/lib/collect-offline-client}
java=${JAVA:-/usr/bin/java}
env_file=${AOT_ENV_FILE:-/etc/collect-offline/client-aot.env}
cache="$cache_dir/app.aot"
version=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${version%%.*}" -lt 24 ]; then
  echo "JDK $version has no AOT cache (24 or newer needed): the laptop app starts without one"
  rm -f "$cache" "$env_file"
  exit 0
fi
[ -f "$app/quarkus-run.jar" ] || { echo "no aot-jar build in $app (see the comment at the top)" >&2; exit 1; }
work=$(mktemp -d)
port=${AOT_TRAINING_PORT:-18981}
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
# the unit's options: a cache is used only with the garbage collector it was made with
"$java" -XX:AOTCacheOutput="$work/app.aot" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx128m -Xss512k \
  -Dquarkus.http.port="$port" -Dquarkus.http.host=127.0.0.1 -Dsync.client.db-path="$work/db/client" \
  -Dsync.client.payload.codec=plain-json -Dsync.client.device-id=aot-training -Dsync.client.push.interval=off -Dsync.client.users.login=off \
  -Dsync.client.server.url=http://127.0.0.1:9 -jar "$app/quarkus-run.jar" > "$work/training.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
  curl -sf "$base/q/health/ready" > /dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/training.log" >&2; echo "the training run stopped" >&2; exit 1; }
  sleep 1
done
curl -sf "$base/q/health/ready" > /dev/null || { echo "the training run did not get ready" >&2; exit 1; }
curl -sf -X POST -H 'Content-Type: application/json' -d '{"householdIdentifier":"AOT-1","village":"Training"}' \
  "$base/api/v1/records/study.household" > /dev/null
for page in /api/v1/records/study.household /api/v1/status /api/v1/models /; do
  curl -sf "$base$page" > /dev/null
done
kill -TERM "$pid"
wait "$pid" || true # the JVM writes the cache as it exits
pid=
[ -s "$work/app.aot" ] || { cat "$work/training.log" >&2; echo "the training run wrote no AOT cache" >&2; exit 1; }
install -d "$cache_dir" "$(dirname "$env_file")"
install -m 0644 "$work/app.aot" "$cache"
printf 'JAVA_AOT=-XX:AOTCache=%s\nCLIENT_JAR=%s\n' "$cache" "$app/quarkus-run.jar" > "$env_file"
echo "AOT cache $cache made with JDK $version; the unit uses it from its next start ($env_file)"
