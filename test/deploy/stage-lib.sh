# Sourced by test/deploy/run.sh and test/terraform/run.sh, which set VENV (the deploy stage's virtualenv) and ROOT
# (the repository).

# start_emulator LOG: starts the moto server (server.py, with moto_ext) on a free port of 127.0.0.1, logging to
# test-reports/LOG, stops it when the calling script exits, and exports AWS_ENDPOINT_URL.
start_emulator() {
  local log="$ROOT/test-reports/$1"
  mkdir -p "$ROOT/test-reports"
  EMULATOR_PORT_FILE="$(mktemp)"
  rm -f "$EMULATOR_PORT_FILE"
  "$VENV/bin/python" "$ROOT/test/deploy/server.py" --port-file "$EMULATOR_PORT_FILE" > "$log" 2>&1 &
  EMULATOR_PID=$!
  trap 'kill "$EMULATOR_PID" 2>/dev/null || true; wait "$EMULATOR_PID" 2>/dev/null || true; rm -f "$EMULATOR_PORT_FILE"' EXIT
  for _ in $(seq 1 300); do
    [ -s "$EMULATOR_PORT_FILE" ] && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || { cat "$log"; echo "moto server did not start" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$EMULATOR_PORT_FILE" ] || { cat "$log"; echo "moto server did not report its port" >&2; exit 1; }
  export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$EMULATOR_PORT_FILE")"
}

# print_summary NAME JUNIT: prints `NAME: N passed, N failed, N skipped` from a pytest JUnit report.
print_summary() {
  "$VENV/bin/python" - "$1" "$2" <<'PY' || true
import sys
import xml.etree.ElementTree as ET
name, report = sys.argv[1:3]
r = ET.parse(report).getroot()
s = r if r.tag == "testsuite" else r.find("testsuite")
t, f, e, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
print(f"{name}: {t - f - e - sk} passed, {f + e} failed, {sk} skipped")
PY
}
