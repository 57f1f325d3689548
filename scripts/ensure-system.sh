#!/usr/bin/env bash
# Makes sure what sera-eval needs from the system is there, on a bare Debian machine (root):
#   docker    - docker.io (a daemon that answers; started here if none does) and debootstrap
#   podman    - Debian's podman and debootstrap, with podman's Docker-compatible API service
#               (`podman system service`) started here if it does not answer: rootful (as root) on
#               unix:///run/sera-eval/podman/podman.sock, and rootless, as the user sera-podman
#               (created here, with subordinate ids), on unix:///tmp/sera-eval-podman-rootless/podman.sock
#   chromium  - Debian's chromium, for the HTML report test
#   slurm     - slurm-wlm and munge, configured as a one-node cluster and started (munged, slurmctld,
#               slurmd) unless sinfo already answers; for the shard-worker test, which stops them again
# Used by .ci/run, `npm run demo` and `npm test`; a no-op when everything is present.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

want=("$@")
declare -A PACKAGE_OF=([dockerd]=docker.io [docker]=docker.io [debootstrap]=debootstrap [git]=git [tar]=tar [chromium]=chromium
  [podman]=podman [catatonit]=catatonit [newuidmap]=uidmap [slirp4netns]=slirp4netns [runuser]=util-linux
  [slurmctld]=slurm-wlm [slurmd]=slurm-wlm [sbatch]=slurm-wlm [munged]=munge)
commands=()
for what in "${want[@]}"; do
  case "$what" in
    docker) commands+=(dockerd docker debootstrap git tar) ;;
    # catatonit is podman's init for containers started with Init (sera-eval's always are)
    podman) commands+=(podman catatonit newuidmap slirp4netns runuser debootstrap git tar) ;;
    chromium) commands+=(chromium) ;;
    slurm) commands+=(slurmctld slurmd sbatch munged) ;;
    *) echo "ensure-system: unknown component '$what' (expected docker, podman, chromium or slurm)" >&2; exit 2 ;;
  esac
done

missing=()
for command in "${commands[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${PACKAGE_OF[$command]}")
done
if ((${#missing[@]})); then
  packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-system: missing Debian packages: $packages- install them as root (apt-get install -y $packages)" >&2
    exit 1
  fi
  echo "ensure-system: installing $packages"
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $packages >/dev/null
fi

if [[ " ${want[*]} " == *" docker "* ]] && ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-system: no Docker daemon answers; start one (e.g. sudo dockerd &)" >&2
    exit 1
  fi
  echo "ensure-system: starting dockerd (log: /tmp/sera-eval-dockerd.log)"
  nohup dockerd >/tmp/sera-eval-dockerd.log 2>&1 &
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    echo "ensure-system: dockerd did not answer within 60 s; last lines of its log:" >&2
    tail -n 20 /tmp/sera-eval-dockerd.log >&2
    exit 1
  fi
fi

if [[ " ${want[*]} " == *" podman "* ]]; then
  bash "$(dirname "$0")/start-podman-service.sh"
fi

if [[ " ${want[*]} " == *" slurm "* ]] && ! timeout 10 sinfo >/dev/null 2>&1; then
  bash "$(dirname "$0")/start-slurm.sh"
fi
