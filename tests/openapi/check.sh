#!/usr/bin/env bash
# The OpenAPI document is a contract: this checks it the way a client generator and a fuzzer do.
#  1. openapi-spec-validator: valid OpenAPI 3.1;
#  2. openapi-python-client: generates a client with no warning;
#  3. schemathesis (every check, seed 1, 15 examples per operation, as the admin) against the
#     debug binary: no server error, no undocumented status, no answer outside its schema, a run
#     that finished, no schema-valid request refused nor schema-violating one accepted
#     (tests/openapi/gate.py).
# Usage: tests/openapi/check.sh [path/to/neuromancer]   (default target/debug/neuromancer)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-$PWD/target/debug/neuromancer}"
venv="$PWD/target/openapi-venv"
if ! "$venv/bin/python" -c 'import schemathesis' 2>/dev/null \
   || ! cmp -s tests/openapi/requirements.txt "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r tests/openapi/requirements.txt
  cp tests/openapi/requirements.txt "$venv/requirements.txt"
fi
work="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
server=""

"$bin" openapi > "$work/openapi.json"
"$venv/bin/python" - "$work/openapi.json" <<'PY'
import json, sys
from openapi_spec_validator import OpenAPIV31SpecValidator
errors = list(OpenAPIV31SpecValidator(json.load(open(sys.argv[1]))).iter_errors())
for e in errors[:20]:
    print("openapi: invalid:", e.message[:300], file=sys.stderr)
if errors:
    sys.exit(f"openapi: {len(errors)} validation errors")
print("openapi: valid OpenAPI 3.1")
PY

# The generator formats its output with ruff, a dependency installed beside it in the venv.
(cd "$work" && PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate --path openapi.json --meta none > gen.log 2>&1) || {
  cat "$work/gen.log" >&2; echo "openapi: openapi-python-client failed" >&2; exit 1; }
if grep -qi "warning" "$work/gen.log"; then
  cat "$work/gen.log" >&2; echo "openapi: openapi-python-client warned" >&2; exit 1
fi
echo "openapi: openapi-python-client generated a client without warnings"

port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --bind "127.0.0.1:$port" --data "$work/data" --rate-limit 0 --login-rate 100000 \
  --public-rate 0 --admin-email admin@example.com --admin-password 'Contract-Check-1' \
  --log warn > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@example.com","password":"Contract-Check-1"}' \
  | "$venv/bin/python" -c 'import sys,json; print(json.load(sys.stdin)["access_token"])')

# The checked-in config, plus the operations whose 404 may name a resource other than the one
# a link reached (computed from the document: tests/openapi/reference_ops.py).
cp tests/openapi/schemathesis.toml "$work/schemathesis.toml"
"$venv/bin/python" tests/openapi/reference_ops.py "$work/openapi.json" >> "$work/schemathesis.toml"

# Operations that end the admin's own session (password change, sign-out, MFA toggles, editing
# or deactivating users) would turn every later request into a 401: they have their own tests.
set +e
# Run from the scratch dir: schemathesis keeps a cache of past failures in its working directory
# and replays them, which would make one run depend on the last.
(cd "$work" && "$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run \
  "http://127.0.0.1:$port/api/v1/openapi.json" --checks all --seed 1 --workers 2 \
  -H "Authorization: Bearer $token" \
  --exclude-path-regex 'password|logout|/mfa/(enable|disable)|/users/\{id\}' \
  --report ndjson --report-ndjson-path "$work/run.ndjson" --no-color > "$work/schemathesis.txt" 2>&1)
set -e
sed -n '/^=* SUMMARY =*/,$p' "$work/schemathesis.txt"
# Gating: every failure schemathesis finds (tests/openapi/gate.py), and a run that finished.
"$venv/bin/python" tests/openapi/gate.py "$work/run.ndjson" || {
  sed -n '1,/^=* SUMMARY =*/p' "$work/schemathesis.txt" | tail -n 200 >&2
  echo "openapi: schemathesis found contract failures (above)" >&2
  exit 1
}
echo "openapi: schemathesis passed its gate"
