# shellcheck shell=bash
# Sourced, not run: `source scripts/containers/podman.sh`
#
# Podman as this project's container engine where there is no Docker engine. Installs podman, runc and
# debootstrap from Debian once (as root), then defines `hearth_podman`, which runs podman with the flags
# that work on this kind of host:
#   - runc, not crun: crun fails on a cgroup v1 / hybrid host ("cgroups in hybrid mode not supported");
#   - cgroupfs, not systemd: there is no systemd session to manage scopes;
# and `hearth_ulimits`, the rlimits to pass to `build` and `run`: a container may not raise them above
# the caller's, and podman's defaults do (EPERM on RLIMIT_NOFILE), so they are the caller's own.
# HEARTH_PODMAN_FLAGS replaces the engine flags (for example empty, where podman's defaults work).

hearth_podman_install() {
  local missing=()
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    printf 'containers: %s missing: install with sudo apt-get install -y %s\n' "${missing[*]}" "${missing[*]}" >&2
    return 1
  fi
  printf 'containers: installing %s from Debian (once)\n' "${missing[*]}" >&2
  apt-get update -qq >/dev/null || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || return 1
}

hearth_podman_flags="${HEARTH_PODMAN_FLAGS---runtime runc --cgroup-manager cgroupfs}"
hearth_podman() {
  # shellcheck disable=SC2086 # the flags are separate words on purpose
  podman $hearth_podman_flags "$@"
}

hearth_podman_install || return 1
# The caller's own limits; nproc is also capped at 32768, since runc here refuses (EPERM) to set the
# host's full value even when it equals the current one.
hearth_limit() {
  local v
  v="$(ulimit "$1")"
  [ "$v" = unlimited ] && v="${2:--1}"
  [ -n "${2:-}" ] && [ "$v" -gt "$2" ] && v="$2"
  printf '%s' "$v"
}
hearth_ulimits=(
  --ulimit "nofile=$(hearth_limit -Sn):$(hearth_limit -Hn)"
  --ulimit "nproc=$(hearth_limit -Su 32768):$(hearth_limit -Hu 32768)"
)
if ! hearth_podman info >/dev/null 2>"${TMPDIR:-/tmp}/hearth-podman-info.err"; then
  printf 'containers: podman cannot start here (podman info): %s\n' "$(tail -n 3 "${TMPDIR:-/tmp}/hearth-podman-info.err")" >&2
  return 1
fi
