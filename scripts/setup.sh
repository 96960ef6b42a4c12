#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh Debian machine, idempotently:
# system packages (docker, compose v1, busybox, nginx, prometheus, mtail, blackbox exporter,
# chromium), a running dockerd with the
# local busybox image, and node_modules. Safe to run again.
# `--node-only` skips the system part (the demo needs only Node).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--node-only" ]; then

missing=()
command -v docker >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
[ -x /bin/busybox ] || missing+=(busybox-static)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
# njs: the gateway renames target's model names with it (and the tests that check that).
[ -e /usr/lib/nginx/modules/ngx_http_js_module.so ] || missing+=(libnginx-mod-http-js)
command -v prometheus >/dev/null || missing+=(prometheus)
command -v mtail >/dev/null || missing+=(mtail)
command -v prometheus-blackbox-exporter >/dev/null || missing+=(prometheus-blackbox-exporter)
command -v curl >/dev/null || missing+=(curl)
command -v chromium >/dev/null || missing+=(chromium)
command -v script >/dev/null || missing+=(bsdutils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts nginx, prometheus, mtail and the blackbox exporter as services on install; the tests start their own.
(service nginx stop || true; service prometheus stop || true; pkill -x prometheus || true
 service mtail stop || true; service prometheus-blackbox-exporter stop || true) >/dev/null 2>&1

bash .ci/docker.sh
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
