#!/usr/bin/env bash
# `npm test`: every test (typecheck, unit, integration, e2e), doing its own set-up on a fresh
# machine. Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

wanted=(/usr/bin/chromium:chromium openssl:openssl victoria-metrics:victoria-metrics)
[ -n "${INFLUX_URL:-}" ] || wanted+=(influxd:influxdb)
bash scripts/ensure-deps.sh "${wanted[@]}" || exit 1

npm run --silent build || { echo "0 passed, 1 failed"; exit 1; }
if ! npm run --silent typecheck; then
  echo "typecheck failed"
  echo "0 passed, 1 failed"
  exit 1
fi

mkdir -p test-results
rm -f test-results/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
status=$?
node scripts/test-summary.mjs test-results/vitest.json || status=1
exit $status
