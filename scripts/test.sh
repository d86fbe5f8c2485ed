#!/usr/bin/env bash
# `npm test`: every test (typecheck, lint, unit, integration, e2e), doing its own set-up on a fresh
# machine. Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

wanted=(/usr/bin/chromium:chromium openssl:openssl victoria-metrics:victoria-metrics cluster)
[ -n "${INFLUX_URL:-}" ] || wanted+=(influxd:influxdb)
bash scripts/ensure-deps.sh "${wanted[@]}" || exit 1

npm run --silent build || { echo "0 passed, 1 failed"; exit 1; }
if ! npm run --silent typecheck; then
  echo "typecheck failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# Style before the tests (eslint, prettier --check, madge for import cycles): a violation fails
# the run and counts as one failure in the summary line, but the tests still run, so one report
# tells everything.
lint_failed=0
if ! npm run --silent lint; then
  echo "lint failed: see above (npm run format fixes formatting; the rest is by hand)"
  lint_failed=1
fi

mkdir -p test-results
rm -f test-results/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
status=$?
node scripts/test-summary.mjs test-results/vitest.json "$lint_failed" || status=1
[ "$lint_failed" -eq 0 ] || status=1
exit $status
