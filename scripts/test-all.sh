#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run, and the GitHub workflows `build` and `release`): every stage is a projen
# task of its own (CONTRIBUTING.md says what each needs), run here one after the other. Every stage runs even when an
# earlier one failed; the last line is `N passed, N failed`. The environment (AWS_REGION, ...) comes from the projen
# tasks (.projenrc.ts).
set -uo pipefail
cd "$(dirname "$0")/.."

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
stage "checkov on the example, integ and case templates" npx projen test:checkov
stage "npm package holds the library and the command only, the release's SBOMs" npx projen test:package
stage "GitHub workflows (actionlint, whole suite in CI)" npx projen test:workflows
stage "aws-cdk-lib floor and newest release" npx projen test:floor
stage "python, java and go consumer packages" npx projen test:consumers
stage "deploy on the local AWS emulator, cfn-lint" npx projen test:deploy
stage "migration off the Terraform module and parity (Terraform CLI on the emulator)" npx projen test:terraform

node scripts/junit-summary.js test-reports
