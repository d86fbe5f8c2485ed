#!/usr/bin/env bash
# `npm start`: the centre with a demo, doing its own set-up on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
wanted=()
[ -n "${INFLUX_URL:-}" ] || wanted+=(influxd:influxdb)
bash scripts/ensure-deps.sh "${wanted[@]}"
exec bin/quantrac start --demo "$@"
