#!/usr/bin/env bash
# Makes docker usable for the tests: the packages, a running dockerd, a local busybox image and
# a local nginx image (the gateway tests).
# Idempotent: each step is skipped when its result is already there. No image registry is
# reachable from CI, so the image is imported from the host's static busybox, never pulled.
set -euo pipefail

IMAGE=${MIGRATE_TEST_IMAGE:-migrate-busybox:latest}
NGINX_IMAGE=${MIGRATE_NGINX_IMAGE:-migrate-nginx:latest}
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/migrate-dockerd.log}
DOCKERD_WAIT=${DOCKERD_WAIT:-60}

log() { echo "docker.sh: $*" >&2; }

# The image has no libc, so busybox must be the statically linked one (busybox-static).
busybox_is_static() {
  [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1
}

compose_installed() {
  command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1
}

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 || missing+=(docker.io)
  compose_installed || missing+=(docker-compose)
  busybox_is_static || missing+=(busybox-static)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io docker-compose busybox-static >/dev/null
}

start_dockerd() {
  if docker info >/dev/null 2>&1; then return 0; fi
  log "starting dockerd (log: $DOCKERD_LOG)"
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  # vfs works on any filesystem (overlay may not nest here); no iptables or bridge in CI,
  # which is why the test services use network_mode: host.
  setsid dockerd --storage-driver=vfs --iptables=false --bridge=none </dev/null >>"$DOCKERD_LOG" 2>&1 &
  local waited=0
  until docker info >/dev/null 2>&1; do
    if [ "$waited" -ge "$DOCKERD_WAIT" ]; then
      log "dockerd did not answer within ${DOCKERD_WAIT}s; last lines of $DOCKERD_LOG:"
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# A subshell, so the temp root is removed on every way out.
build_image() (
  if docker image inspect "$IMAGE" >/dev/null 2>&1; then exit 0; fi
  log "importing $IMAGE from /bin/busybox"
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" "$root/root"
  mkdir -m 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  # Inside the root, --install lays the applet links where a shell expects them (/bin, /usr/bin, ...).
  chroot "$root" /bin/busybox --install -s
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["/bin/sh"]' \
    - "$IMAGE" >/dev/null
)

# Debian's nginx with the libraries ldd lists, its mime.types, the CA bundle the generated
# location names, and the directories and users it expects. Tests mount their own nginx.conf.
build_nginx_image() (
  if docker image inspect "$NGINX_IMAGE" >/dev/null 2>&1; then exit 0; fi
  if [ ! -x /usr/sbin/nginx ]; then
    log "installing nginx"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nginx >/dev/null
  fi
  log "importing $NGINX_IMAGE from /usr/sbin/nginx"
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  copy() { mkdir -p "$root$(dirname "$1")" && cp -L "$1" "$root$1"; }
  copy /usr/sbin/nginx
  for lib in $(ldd /usr/sbin/nginx | grep -o '/[^ ]*'); do copy "$lib"; done
  # njs (libnginx-mod-http-js), which the gateway loads when target names models differently;
  # at the path the official nginx image has it too.
  local njs=/usr/lib/nginx/modules/ngx_http_js_module.so
  if [ -e "$njs" ]; then
    copy "$njs"
    for lib in $(ldd "$njs" | grep -o '/[^ ]*'); do copy "$lib"; done
  fi
  copy /etc/nginx/mime.types
  copy /etc/ssl/certs/ca-certificates.crt
  mkdir -p "$root/etc/nginx/conf.d" "$root/var/log/nginx" "$root/var/lib/nginx" "$root/run"
  mkdir -m 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'CMD ["nginx", "-g", "daemon off;"]' \
    - "$NGINX_IMAGE" >/dev/null
)

install_packages
start_dockerd
build_image
build_nginx_image
log "ready: $(docker version --format '{{.Server.Version}}') with images $IMAGE and $NGINX_IMAGE"
