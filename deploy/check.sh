#!/usr/bin/env bash
# Checks the deployment files as CI does: systemd units with systemd-analyze verify (any warning fails), the nginx
# site with nginx -t inside a throwaway nginx.conf (self-signed certificate in place of the real one).
set -euo pipefail
cd "$(dirname "$0")"

echo "== systemd units"
out=$(systemd-analyze verify systemd/collect-offline-server.service systemd/collect-offline-client.service 2>&1 || true)
if [ -n "$out" ]; then
  echo "$out"
  echo "systemd-analyze verify reported problems" >&2
  exit 1
fi
echo "ok"

echo "== nginx site"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=site-01.example.org" \
  -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
sed -e "s#/etc/ssl/certs/collect-offline.crt#$work/cert.pem#" \
    -e "s#/etc/ssl/private/collect-offline.key#$work/key.pem#" nginx/collect-offline-server.conf > "$work/site.conf"
mkdir -p "$work/logs"
cat > "$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/logs/error.log;
events {}
http {
    access_log $work/logs/access.log;
    include $work/site.conf;
}
CONF
nginx -t -p "$work" -c "$work/nginx.conf"
