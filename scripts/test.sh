#!/usr/bin/env bash
# `npm test`: every suite — unit (vitest projects shared/emulator/electron/renderer/cli), the packed CLI installed with npm
# (project package, minutes), the keychain project under a real
# gnome-keyring, then Playwright e2e in Chromium against browser mode,
# also under that keyring so the app keeps its keys in the real OS keychain. Each writes a JSON report to .reports/; the last line
# adds them up. Exits non-zero when anything failed or a suite did not run.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin
rm -rf .reports && mkdir -p .reports

"$bin/vitest" run --project shared --project emulator --project core --project electron --project renderer --project cli \
  --reporter=default --reporter=json --outputFile.json=.reports/unit.json

"$bin/vitest" run --project package --reporter=default --reporter=json --outputFile.json=.reports/package.json

bash scripts/with-keyring.sh "$bin/vitest" run --project keychain --passWithNoTests \
  --reporter=default --reporter=json --outputFile.json=.reports/keychain.json

PLAYWRIGHT_JSON_OUTPUT_NAME=.reports/e2e.json bash scripts/with-keyring.sh "$bin/playwright" test --reporter=list,json

"$bin/tsx" scripts/summarize-tests.ts .reports
