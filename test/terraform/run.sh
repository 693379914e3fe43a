#!/usr/bin/env bash
# Issue 11, part 2: off the Terraform module and onto the construct, with the real Terraform CLI on the local AWS
# emulator (the deploy test's moto + moto_ext, a server of its own on 127.0.0.1). test_migration.py: the module's
# worked example applied by Terraform (an HCL reproduction of the module, test/terraform/module), the README's
# migration procedure step by step, and parity of the same inputs through Terraform and through the construct.
# JUnit: test-reports/terraform-junit.xml. Needs python3 (3.9+), node/npm with node_modules installed (npm ci), PyPI,
# the Terraform CLI (1.11) on PATH (or TERRAFORM=...) and the AWS provider 5.100.0 in a filesystem mirror
# (/opt/tf-plugins or TF_PROVIDER_MIRROR=...): missing ones are an error, never a skip.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/test/terraform"
DEPLOY="$ROOT/test/deploy"
VENV="$DEPLOY/.venv"
cd "$ROOT"

# Never a real AWS endpoint: dummy credentials, no metadata service, one region; the endpoint is set below.
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE MOTO_ACCOUNT_ID
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 TS_NODE_TRANSPILE_ONLY=true CHECKPOINT_DISABLE=1
export TERRAFORM_SYNTH_OUT="$HERE/cdk.out"

start=$(date +%s)
mkdir -p test-reports
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$DEPLOY/requirements.txt"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
# Terraform and its provider, located (not downloaded: this network reaches package registries only)
PYTHONPATH="$DEPLOY:$HERE" "$VENV/bin/python" -c \
  "import tf; print('terraform:', tf.terraform_binary(), '- AWS provider mirror:', tf.provider_mirror())" \
  || { echo "test/terraform/run.sh: Terraform or its AWS provider is missing (see above)" >&2; exit 1; }
rm -rf "$TERRAFORM_SYNTH_OUT"

# shellcheck source=test/deploy/stage-lib.sh
source "$ROOT/test/deploy/stage-lib.sh"
start_emulator terraform-server.log

rc=0
"$VENV/bin/python" -m pytest -p no:cacheprovider -q -rs \
  --junitxml=test-reports/terraform-junit.xml -o junit_suite_name=terraform \
  "$HERE/test_migration.py" || rc=$?

print_summary terraform test-reports/terraform-junit.xml
echo "test/terraform/run.sh took $(( $(date +%s) - start ))s"
exit $rc
