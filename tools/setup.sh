#!/usr/bin/env bash
# Sets up this machine for the stack: Debian packages (only those missing), npm packages, build.
# Idempotent; run as root. quickstart.sh runs it for the product, test.sh with --test-tools.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: run as root (the stack creates namespaces, mounts and cgroups)" >&2
  exit 1
fi

# Debian packages the product needs at run time (tools/quickstart.sh installs only these).
packages=(
  busybox-static          # the hello-world and busybox images' only binary
  iptables nftables iproute2 containernetworking-plugins   # bridge networking, ports, CNI for CRI
  libseccomp2 uidmap procps tini   # seccomp, user namespaces, top/ps, the static init behind --init
)
# With --test-tools (tools/test.sh, the benchmarks): the reference stack the differential tests and
# benchmarks compare against, and the tools the tests drive. Never used by the product.
if [ "${1:-}" = "--test-tools" ]; then
  packages+=(
    docker-registry         # registry fixture (CNCF distribution)
    skopeo umoci            # independent readers of our OCI output
    runc crun containerd docker.io   # reference stack
    hyperfine wrk           # benchmarks
    psmisc tmux curl jq     # used by tests
    gcc libc6-dev           # static probes the seccomp differential tests compile
  )
elif [ $# -gt 0 ]; then
  echo "usage: tools/setup.sh [--test-tools]" >&2
  exit 2
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The package scripts of containerd/docker.io do not start services here, but make sure no
# stock daemon holds the default sockets our tests compare against.
modprobe overlay 2>/dev/null || true

# npm packages exactly as locked (npm ci fails if package.json and the lockfile disagree);
# skipped when node_modules already matches the lockfile. --prefer-offline: the npm cache
# answers when it can, so a re-run on this machine needs no registry.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.lock-sum 2>/dev/null)" != "$lock_sum" ]; then
  npm ci --prefer-offline --no-audit --no-fund
  echo "$lock_sum" > node_modules/.lock-sum
fi

npm run build --silent
