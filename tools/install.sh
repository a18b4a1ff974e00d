#!/usr/bin/env bash
# Installs the built stack on PATH (see tools/src/install/install.ts): tools/install.sh [--prefix DIR] [--state-root DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
exec node tools/dist/src/install/main.js install "$@"
