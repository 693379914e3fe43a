#!/usr/bin/env bash
# The deploy test of issue 5: moto (pinned, with moto_ext) on 127.0.0.1, the extension's tests, the traps of stock moto
# that the extension exists for (test_stock_moto.py, on a stock server of its own), the example stacks
# deployed, updated and destroyed through the CloudFormation API and (the imported-VPC example) through the CDK CLI
# (test_deploy_cli.py), the peering accepter accepting a second account's request (test_deploy_accepter.py, its
# function run with node by moto_ext), the requester's CIDR blocks checked by the deploy (test_requester_blocks.py), cfn-lint over every template, and cfn-lint next to the construct's own validation on broken
# templates (test_cfn_lint_agreement.py), the windows of the construct at 3e92760 caught by the emulator's seeded
# CloudFormation order and the snapshot evaluator (test_windows_before_fix.py), and the construct of src/ taken through
# realistic edits without a more open or outage window (test_transitions.py; WINDOW_SEEDS / TRANSITION_SEEDS seeds).
# Run from anywhere; scripts/test-all.sh calls it from the repo root.
# JUnit: test-reports/deploy-junit.xml. Needs python3 (3.9+), node/npm with node_modules installed (npm ci), PyPI.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/test/deploy"
VENV="$HERE/.venv"
cd "$ROOT"

# Never a real AWS endpoint: no metadata service, one region (the projen tasks' environment, for a run outside
# `npx projen test:deploy`), dummy credentials; the endpoint is set below.
source "$ROOT/scripts/env.sh"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE MOTO_ACCOUNT_ID
export TS_NODE_TRANSPILE_ONLY=true
export DEPLOY_SYNTH_OUT="$HERE/cdk.out"

start=$(date +%s)
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$HERE/requirements.txt"

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
# the example's templates, for cfn-lint (synth only: offline, no account)
if ! ls example/cdk.out/*.template.json >/dev/null 2>&1; then
  CDK_OUTDIR="$ROOT/example/cdk.out" npx ts-node --project example/tsconfig.json example/app.ts >/dev/null
fi
rm -rf "$DEPLOY_SYNTH_OUT"

mkdir -p test-reports
# shellcheck source=test/deploy/stage-lib.sh
source "$ROOT/test/deploy/stage-lib.sh"
start_emulator deploy-server.log
echo "moto $("$VENV/bin/python" -c 'import moto; print(moto.__version__)') with moto_ext on $AWS_ENDPOINT_URL"


rc=0
# DEPLOY_TESTS: a space-separated subset of the files below (for a quick run while working on one of them)
read -r -a tests <<< "${DEPLOY_TESTS:-test_moto_ext.py test_stock_moto.py test_deploy.py test_deploy_accepter.py test_deploy_cli.py test_requester_blocks.py test_windows_before_fix.py test_transitions.py test_cfn_lint.py test_cfn_lint_agreement.py}"
"$VENV/bin/python" -m pytest -p no:cacheprovider -q -rs \
  --junitxml=test-reports/deploy-junit.xml -o junit_suite_name=deploy \
  "${tests[@]/#/$HERE/}" || rc=$?

print_summary deploy test-reports/deploy-junit.xml
echo "test/deploy/run.sh took $(( $(date +%s) - start ))s"
exit $rc
