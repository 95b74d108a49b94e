#!/usr/bin/env bash
# Every test: build the web app, run the Rust suites (unit + integration, which also builds the
# debug binary with the SPA embedded), then the browser journeys against that binary.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  npm --prefix web ci --no-audit --no-fund
fi
npm --prefix web run build

cargo test --locked

npm --prefix web test
NEUROMANCER_BIN="$PWD/target/debug/neuromancer" npm --prefix web run e2e
