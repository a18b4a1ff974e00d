#!/usr/bin/env bash
# The README's first command: sets up the machine for the product (tools/setup.sh: its Debian and
# npm packages, the build), installs it on PATH (tools/install.sh: programs in /usr/local/bin, bash
# completion, systemd units, the hello-world and busybox images), starts the stack as a service
# (stackctl start; logs in /var/log/stack) and runs two containers. Extra arguments go to install.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh
./tools/install.sh "$@"
# The install's bin dir: --prefix DIR or --prefix=DIR, as install.sh took it.
bin=/usr/local/bin prev=
for arg in "$@"; do
  case "$arg" in --prefix=*) bin="${arg#--prefix=}/bin" ;; esac
  [ "$prev" = --prefix ] && bin="$arg/bin"
  prev=$arg
done
"$bin/stackctl" start
# The engine CLI's default socket is the product's; an install under --state-root has its own.
ENGINE_HOST="unix://$(node -p 'require(process.argv[1]).engineSocket' "$bin/../lib/container-stack/stack.json")"
export ENGINE_HOST
echo '$ engine run --rm hello-world'
"$bin/engine" run --rm hello-world
echo '$ engine run --rm busybox sh -c ...'
"$bin/engine" run --rm busybox sh -c 'echo "Hello from an engine container: pid $$, host $(hostname), $(uname -sr)"; ls /'
echo "The stack runs as a service: stackctl status|stop|restart; engine --help; docs/getting-started.md"
