"""Read a schemathesis NDJSON report: fail on any contract failure.

Every check gates (exit 1 when any failure is found): server errors, undocumented status codes,
responses outside their documented schema, content type or headers, Allow mismatches, accepted
requests without authentication, schema-valid requests refused (ST202), schema-violating requests
accepted (ST201) and missing required headers accepted (ST203); and a run that stopped (a fatal
error) or did not finish. Rules a schema cannot state are allowed per operation, with the reason,
in tests/openapi/schemathesis.toml.
"""
import collections
import json
import sys

failures = collections.OrderedDict()
engine_finished = False
for line in open(sys.argv[1]):
    event = json.loads(line)
    if "FatalError" in event:
        sys.exit(f"schemathesis stopped with a fatal error: {json.dumps(event['FatalError'])[:2000]}")
    engine_finished = engine_finished or "EngineFinished" in event
    finished = event.get("ScenarioFinished")
    if not finished:
        continue
    recorder = finished["recorder"]
    for checks in recorder.get("checks", {}).values():
        for check in checks:
            if check["status"] != "failure":
                continue
            f = check["failure_info"]["failure"]
            key = (f["code"], f["operation"], f["message"].split("\n")[0][:120])
            failures.setdefault(key, f["title"])

if not engine_finished:
    sys.exit("schemathesis did not finish its run (no EngineFinished event)")
counts = collections.Counter(k[0] for k in failures)
print("schemathesis failures by code:", dict(counts) or "none")
if failures:
    print(f"failures ({len(failures)}):", file=sys.stderr)
    for code, op, msg in failures:
        print(f"  {code} {failures[(code, op, msg)]}: {op}: {msg}", file=sys.stderr)
    sys.exit(1)
