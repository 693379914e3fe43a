#!/usr/bin/env bash
# checkov on the templates the scanners check: the example app's stacks, the integ apps' stacks and the cases of
# test/scanners/shipped-templates.ts, written by test/scanners/write-templates.ts; test_checkov.py says what must hold.
# checkov (pinned in requirements.txt) runs in a virtualenv of its own (.venv here, ~30 s to install) and offline.
# Run from anywhere; scripts/test-all.sh runs it as `npx projen test:checkov`.
# JUnit: test-reports/checkov-junit.xml. Needs python3 (3.9+), node_modules (npm ci), `npx projen compile` (the
# accepter's handler in lib/), PyPI.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
HERE="$ROOT/test/scanners/checkov"
VENV="$HERE/.venv"
WORK="$HERE/.ci-work"
cd "$ROOT"
source "$ROOT/scripts/env.sh"

start=$(date +%s)
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$HERE/requirements.txt"
echo "checkov $("$VENV/bin/python" -c 'from checkov.version import version; print(version)') installed in $(( $(date +%s) - start ))s"

rm -rf "$WORK" && mkdir -p "$WORK" "$ROOT/test-reports"
TS_NODE_TRANSPILE_ONLY=true npx ts-node --project test/tsconfig.json test/scanners/write-templates.ts "$WORK/templates"

rc=0
TEMPLATES_DIR="$WORK/templates" "$VENV/bin/python" -m pytest -p no:cacheprovider -q -rs \
  --junitxml=test-reports/checkov-junit.xml -o junit_suite_name=checkov "$HERE/test_checkov.py" || rc=$?

"$VENV/bin/python" - test-reports/checkov-junit.xml <<'PY' || true
import sys
import xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
s = r if r.tag == "testsuite" else r.find("testsuite")
t, f, e, sk = (int(s.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
print(f"checkov: {t - f - e - sk} passed, {f + e} failed, {sk} skipped")
PY
echo "test/scanners/checkov/run.sh took $(( $(date +%s) - start ))s"
exit $rc
