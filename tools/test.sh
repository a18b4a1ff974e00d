#!/usr/bin/env bash
# Sets up the machine (tools/setup.sh) and runs every test of every package; jest prints the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh --test-tools
exec npx jest "$@"
