#!/usr/bin/env bash
# Builds the Hearth image from the repo's unchanged Dockerfile with podman (the base image is built
# locally by base-node.sh, since no image registry is reachable here). Build layers stay in podman's
# storage, so a rebuild with the same lock file re-runs only the build stage's COPY and `npm run build`.
#
#   bash scripts/containers/image.sh [tag]      # default hearth:local; prints the tag
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

tag="${1:-hearth:local}"
bash "$here/base-node.sh" >/dev/null
started=$SECONDS
log="$(mktemp "${TMPDIR:-/tmp}/hearth-image-build.XXXXXX")"
# --format docker keeps the Dockerfile's HEALTHCHECK (the OCI format has no place for it).
if ! bash "$here/podman" build --format docker --pull=never --network host \
  --file "$repo/Dockerfile" --tag "$tag" "$repo" >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "image: podman build of $repo/Dockerfile failed (log: $log)" >&2
  exit 1
fi
rm -f "$log"
echo "image: built $tag in $((SECONDS - started)) s" >&2
echo "$tag"
