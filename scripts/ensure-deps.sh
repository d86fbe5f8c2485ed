#!/usr/bin/env bash
# Installs what the centre and its tests need on a fresh machine: Debian packages (as root,
# with apt-get) and the npm dependencies. Arguments: the Debian packages wanted, as
# "command:package" pairs; a command already on PATH (or path that exists) is skipped. The word
# `cluster` stands for what cluster mode's tests run for real (docs/CLUSTER.md): redis-server,
# redis-sentinel and haproxy. Debian's packages may start their own services (Redis on 6379,
# Sentinel on 26379, HAProxy): the tests never use or stop them; they start their own on free ports.
set -euo pipefail
cd "$(dirname "$0")/.."

wanted=()
for arg in "$@"; do
  if [ "$arg" = cluster ]; then
    # haproxy is in /usr/sbin, which a user's PATH may lack: checked by path.
    wanted+=(redis-server:redis-server redis-sentinel:redis-sentinel /usr/sbin/haproxy:haproxy)
  else
    wanted+=("$arg")
  fi
done

missing=()
for pair in ${wanted[@]+"${wanted[@]}"}; do
  cmd=${pair%%:*}
  pkg=${pair#*:}
  if [[ "$cmd" == /* ]]; then [ -e "$cmd" ] && continue; else command -v "$cmd" >/dev/null 2>&1 && continue; fi
  missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "quantrac: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; }
  else
    echo "quantrac: missing ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run again." >&2
    exit 1
  fi
fi

# npm dependencies: install when absent or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "quantrac: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
