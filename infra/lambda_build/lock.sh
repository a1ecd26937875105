#!/usr/bin/env bash
# Pins what the Lambda artifacts ship: requirements.txt -> requirements.lock (exact versions and every file's
# sha256), for the layer and for each function that has its own requirements.txt. One universal resolution
# (Python 3.11 upwards, every platform) serves both the deployed build (python3.13, arm64) and the
# clean-environment import check on this machine. Usage: lock.sh <uv>   (`make lock` passes the tools venv's)
set -euo pipefail
cd "$(dirname "$0")/../.."
uv=${1:-uv}

# Never shipped: the runtime's own SDK and its dependencies (the function uses the runtime's copy), chalice's
# CLI (only chalice/app.py runs in Lambda) and opensearch-py's gRPC transport (we speak HTTP; 17 MB of grpcio)
never_shipped=(boto3 botocore s3transfer jmespath python-dateutil six
               click pip setuptools wheel pyyaml inquirer blessed editor jinxed ansicon readchar runs xmod wcwidth
               packaging
               opensearch-protobufs grpcio protobuf)

compile() {  # <requirements.txt> <extra uv args...>
  local input=$1; shift
  local excluded=()
  for name in "${never_shipped[@]}"; do excluded+=(--no-emit-package "$name"); done
  "$uv" pip compile --quiet --universal --python-version 3.11 --generate-hashes --no-header \
        "${excluded[@]}" "$@" -o "${input%.txt}.lock" "$input"
  echo "locked ${input%.txt}.lock: $(grep -c '==' "${input%.txt}.lock") packages"
}

compile shared/requirements.txt
# A function's own lock leaves out what the layer already ships, resolved to the layer's versions
layer_packages=()
for name in $(sed -n 's/^\([A-Za-z0-9._-]*\)==.*/\1/p' shared/requirements.lock); do
  layer_packages+=(--no-emit-package "$name")
done
for requirements in functions/*/requirements.txt; do
  compile "$requirements" --constraint shared/requirements.lock "${layer_packages[@]}"
done
