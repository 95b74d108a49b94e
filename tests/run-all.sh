#!/usr/bin/env bash
# Every test: build and type-check the web app, run the Rust suites (unit + integration, which also
# build the debug binary with the SPA embedded), check that the SPA's generated API types match
# that binary's OpenAPI document, then the web unit tests and the browser journeys.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  npm --prefix web ci --no-audit --no-fund
fi
npm --prefix web run build
npm --prefix web run check   # svelte-check: a type error anywhere in the SPA fails the suite

cargo test --locked

# The typed client cannot drift: web/src/lib/api/schema.d.ts must be exactly what
# `npm --prefix web run gen:api` generates from the binary just built.
schema_now="$(mktemp)"
trap 'rm -f "$schema_now"' EXIT
NEUROMANCER_BIN="$PWD/target/debug/neuromancer" node web/scripts/gen-api.mjs --out "$schema_now" >/dev/null
if ! cmp -s web/src/lib/api/schema.d.ts "$schema_now"; then
  diff -u web/src/lib/api/schema.d.ts "$schema_now" | head -60 >&2 || true
  echo >&2
  echo "run-all: web/src/lib/api/schema.d.ts differs from the server's OpenAPI document (diff above, truncated)." >&2
  echo "run-all: regenerate it with 'npm --prefix web run gen:api' (reads target/debug/neuromancer), fix any type errors" >&2
  echo "run-all: 'npm --prefix web run check' reports, and commit both." >&2
  exit 1
fi

# The OpenAPI document as a contract: valid 3.1, a generator accepts it, schemathesis finds no
# failure beyond tests/openapi/baseline.json.
tests/openapi/check.sh "$PWD/target/debug/neuromancer"

npm --prefix web test
NEUROMANCER_BIN="$PWD/target/debug/neuromancer" npm --prefix web run e2e
