#!/usr/bin/env bash
# Sets up the machine (tools/setup.sh) and runs the main job: a container from a local busybox image.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh
exec node tools/dist/src/quickstart/main.js "$@"
