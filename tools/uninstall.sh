#!/usr/bin/env bash
# Removes what tools/install.sh added and lists the data it keeps: tools/uninstall.sh [--prefix DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
exec node tools/dist/src/install/main.js uninstall "$@"
