#!/usr/bin/env bash
# The whole test suite, as CI runs it: the JavaScript build (compile, API.md, jest, eslint, integ snapshots), the
# check that the build changed no committed file, the Python/Java/Go consumer tests, and the deploy tests on a local
# AWS emulator with cfn-lint. Every stage runs even when an earlier one failed; the last line is `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."

export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CDK_DISABLE_CLI_TELEMETRY=true
# As in CI: projen's build then packages JavaScript only; the consumer stage builds the Python, Java and Go packages
# itself (its Go step works around the Go checksum database, which this network does not reach).
export CI="${CI:-true}"

rm -rf test-reports && mkdir -p test-reports
stage() {
  local name="$1"; shift
  echo "::: ${name}: $*"
  local start=$SECONDS
  if "$@"; then
    echo "pass ${name}" >> test-reports/stages.txt
  else
    echo "fail ${name}" >> test-reports/stages.txt
    echo "::: ${name} FAILED"
  fi
  echo "::: ${name} took $((SECONDS - start)) s"
}

# Stages whose tests are counted from their own JUnit report are recorded as one more stage line each, so that a
# crash before any report is written still shows as a failure.
# The build records the templates its jest tests synthesize (test/support/record-template.ts) for the deploy stage's
# cfn-lint (test/deploy/test_cfn_lint.py); only the build, so that later stages add none.
RECORD_TEMPLATES_DIR=test-reports/jest-templates \
  stage "build (compile, API.md, jest, eslint, integ snapshots)" npx projen build
unchanged_tree() {
  local changes
  changes=$(git status --porcelain --untracked-files=all)
  [ -z "$changes" ] || { echo "the build changed or added files that must be committed:"; echo "$changes"; return 1; }
}
stage "no generated file out of date (self-mutation)" unchanged_tree
stage "README TypeScript examples compile (jsii-rosetta --strict)" npx projen rosetta:extract
stage "example app synthesizes" npx projen example
if [ -f test/consumers/run.sh ]; then
  stage "python, java and go consumer packages" bash test/consumers/run.sh
fi
if [ -f test/deploy/run.sh ]; then
  stage "deploy on the local AWS emulator, cfn-lint" bash test/deploy/run.sh
fi
if [ -f test/terraform/run.sh ]; then
  stage "migration off the Terraform module and parity (Terraform CLI on the emulator)" bash test/terraform/run.sh
fi

node scripts/junit-summary.js test-reports
