#!/usr/bin/env bash
# Starts podman's Docker-compatible API service (`podman system service`) where it does not answer:
#   rootful, as root:                     unix:///run/sera-eval/podman/podman.sock
#   rootless, as the user sera-podman:    unix:///tmp/sera-eval-podman-rootless/podman.sock
# Called by scripts/ensure-system.sh podman (which installs podman first). Both services read a
# containers.conf without default ulimits: podman's default nofile limit (1048576) is above the hard
# limit of many hosts (20000 on the CI machines), and every container then fails to start with
# "error setting rlimit type 7: operation not permitted".
set -euo pipefail

ROOTFUL_DIR=/run/sera-eval/podman
ROOTLESS_DIR=/tmp/sera-eval-podman-rootless
ROOTLESS_USER=sera-podman

answers() { podman --remote --url "unix://$1" version >/dev/null 2>&1; }

wait_for() { # socket log
  for _ in $(seq 30); do
    answers "$1" && return 0
    sleep 1
  done
  echo "ensure-system: podman's service on $1 did not answer within 30 s; last lines of $2:" >&2
  tail -n 20 "$2" >&2
  exit 1
}

require_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-system: podman's service does not answer on $1; start it as root: bash scripts/ensure-system.sh podman" >&2
    exit 1
  fi
}

write_containers_conf() { # dir
  printf '[containers]\ndefault_ulimits = []\n' >"$1/containers.conf"
}

if ! answers "$ROOTFUL_DIR/podman.sock"; then
  require_root "$ROOTFUL_DIR/podman.sock"
  mkdir -p "$ROOTFUL_DIR"
  write_containers_conf "$ROOTFUL_DIR"
  rm -f "$ROOTFUL_DIR/podman.sock"
  echo "ensure-system: starting podman system service (rootful) on unix://$ROOTFUL_DIR/podman.sock (log: /tmp/sera-eval-podman.log)"
  # The whole background job gets its own output: a job holding the caller's stdout open would keep
  # any reader of that pipe (CI's log, `| tail`) waiting forever.
  (cd / && CONTAINERS_CONF="$ROOTFUL_DIR/containers.conf" exec nohup podman system service --time 0 "unix://$ROOTFUL_DIR/podman.sock") \
    </dev/null >/tmp/sera-eval-podman.log 2>&1 &
  wait_for "$ROOTFUL_DIR/podman.sock" /tmp/sera-eval-podman.log
fi

if ! answers "$ROOTLESS_DIR/podman.sock"; then
  require_root "$ROOTLESS_DIR/podman.sock"
  if ! id -u "$ROOTLESS_USER" >/dev/null 2>&1; then
    useradd --system --create-home --home-dir "/var/lib/$ROOTLESS_USER" --shell /usr/sbin/nologin "$ROOTLESS_USER"
  fi
  home=$(getent passwd "$ROOTLESS_USER" | cut -d: -f6)
  # rootless containers map their uids onto these subordinate ranges (newuidmap/newgidmap)
  grep -q "^$ROOTLESS_USER:" /etc/subuid || usermod --add-subuids 2000000000-2000065535 "$ROOTLESS_USER"
  grep -q "^$ROOTLESS_USER:" /etc/subgid || usermod --add-subgids 2000000000-2000065535 "$ROOTLESS_USER"
  mkdir -p "$ROOTLESS_DIR/runtime"
  write_containers_conf "$ROOTLESS_DIR"
  # rootless podman picks the slow vfs driver unless told; the kernel's overlay works unprivileged
  printf '[storage]\ndriver = "overlay"\n' >"$ROOTLESS_DIR/storage.conf"
  rm -f "$ROOTLESS_DIR/podman.sock"
  chown -R "$ROOTLESS_USER:" "$ROOTLESS_DIR"
  chmod 700 "$ROOTLESS_DIR/runtime"
  echo "ensure-system: starting podman system service (rootless, as $ROOTLESS_USER) on unix://$ROOTLESS_DIR/podman.sock (log: /tmp/sera-eval-podman-rootless.log)"
  (cd / && exec runuser -u "$ROOTLESS_USER" -- env HOME="$home" XDG_RUNTIME_DIR="$ROOTLESS_DIR/runtime" \
    CONTAINERS_CONF="$ROOTLESS_DIR/containers.conf" CONTAINERS_STORAGE_CONF="$ROOTLESS_DIR/storage.conf" \
    nohup podman system service --time 0 "unix://$ROOTLESS_DIR/podman.sock") </dev/null >/tmp/sera-eval-podman-rootless.log 2>&1 &
  wait_for "$ROOTLESS_DIR/podman.sock" /tmp/sera-eval-podman-rootless.log
fi
