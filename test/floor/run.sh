#!/usr/bin/env bash
# The aws-cdk-lib range the package declares, tested at both ends: the floor (the minimum of the peer range in
# package.json, with the minimum of the constructs peer range) and the newest aws-cdk-lib release on npm (with the
# newest constructs). For each, in a separate install under test/floor/.ci-work (the project's node_modules stay as
# they are):
#   - the sources type-check against that version's declarations (tsc --noEmit);
#   - every jest unit test runs with aws-cdk-lib and constructs taken from that install (test/floor/jest.config.js),
#     plus test/floor/versions.floor.ts: the redirection took effect, and the example stack's routes and Network ACL
#     entries equal the ones the project's own aws-cdk-lib synthesizes.
#
#   test/floor/run.sh                 # from anywhere; needs node_modules (npm ci) and the npm registry
#   FLOOR_VERSIONS="2.172.0 2.200.0" test/floor/run.sh   # other aws-cdk-lib versions (constructs: the floor's)
#
# JUnit: test-reports/floor-<version>-junit.xml (jest), test-reports/floor-typecheck-junit.xml (tsc).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
HERE="$ROOT/test/floor"
WORK="$HERE/.ci-work"
REPORTS="$ROOT/test-reports"
# The projen tasks' environment (AWS_REGION, ...), for a run outside `npx projen test:floor`.
source "$ROOT/scripts/env.sh"
mkdir -p "$WORK" "$REPORTS"
rm -f "$REPORTS"/floor-*-junit.xml

min_of() { node -p "require('semver').minVersion(require('./package.json').peerDependencies['$1']).version"; }
CDK_FLOOR="$(min_of aws-cdk-lib)" || exit 1
CONSTRUCTS_FLOOR="$(min_of constructs)" || exit 1
if [ -n "${FLOOR_VERSIONS:-}" ]; then
  RUNS=()
  for v in $FLOOR_VERSIONS; do RUNS+=("$v $CONSTRUCTS_FLOOR"); done
else
  CDK_NEWEST="$(npm view aws-cdk-lib@latest version)" || { echo "npm view aws-cdk-lib failed" >&2; exit 1; }
  CONSTRUCTS_NEWEST="$(npm view constructs@latest version)" || { echo "npm view constructs failed" >&2; exit 1; }
  RUNS=("$CDK_FLOOR $CONSTRUCTS_FLOOR" "$CDK_NEWEST $CONSTRUCTS_NEWEST")
fi

# install VERSION CONSTRUCTS: aws-cdk-lib@VERSION and constructs@CONSTRUCTS in $WORK/aws-cdk-lib-VERSION (kept between
# runs; reinstalled when a version differs).
install() {
  local dir="$WORK/aws-cdk-lib-$1"
  if [ "$(node -p "try { require('$dir/node_modules/aws-cdk-lib/package.json').version + ' ' + require('$dir/node_modules/constructs/package.json').version } catch { '' }")" == "$1 $2" ]; then
    return 0
  fi
  rm -rf "$dir" && mkdir -p "$dir" && echo '{ "private": true }' >"$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --ignore-scripts --no-package-lock --loglevel=error \
    "aws-cdk-lib@$1" "constructs@$2")
}

# typecheck VERSION: tsc --noEmit over src/ with aws-cdk-lib and constructs resolved in that install.
typecheck() {
  local dir="$WORK/aws-cdk-lib-$1" config="$WORK/tsconfig-$1.json"
  cat >"$config" <<JSON
{
  "extends": "$ROOT/tsconfig.json",
  "compilerOptions": {
    "noEmit": true,
    "rootDir": "$ROOT/src",
    "typeRoots": ["$ROOT/node_modules/@types"],
    "paths": {
      "aws-cdk-lib": ["$dir/node_modules/aws-cdk-lib"],
      "aws-cdk-lib/*": ["$dir/node_modules/aws-cdk-lib/*"],
      "constructs": ["$dir/node_modules/constructs"]
    }
  },
  "include": ["$ROOT/src/**/*.ts"]
}
JSON
  npx tsc -p "$config"
}

TYPECHECK_CASES=""
junit_case() { # junit_case NAME FAILURE-OUTPUT-OR-EMPTY
  local body=""
  [ -z "$2" ] || body="<failure message=\"tsc failed\"><![CDATA[$2]]></failure>"
  TYPECHECK_CASES+="<testcase classname=\"floor typecheck\" name=\"$1\">$body</testcase>"
}

REFERENCE="$WORK/reference.json"
rc=0
TS_NODE_TRANSPILE_ONLY=true npx ts-node --project test/tsconfig.json test/consumers/reference.ts "$REFERENCE" || rc=1
for run in "${RUNS[@]}"; do
  read -r cdk_version constructs_version <<<"$run"
  echo "::: aws-cdk-lib $cdk_version, constructs $constructs_version"
  if ! install "$cdk_version" "$constructs_version"; then
    junit_case "install aws-cdk-lib@$cdk_version constructs@$constructs_version" "npm install failed"
    rc=1
    continue
  fi
  if out="$(typecheck "$cdk_version" 2>&1)"; then
    junit_case "src/ type-checks against aws-cdk-lib $cdk_version, constructs $constructs_version" ""
  else
    echo "$out"
    junit_case "src/ type-checks against aws-cdk-lib $cdk_version, constructs $constructs_version" "$out"
    rc=1
  fi
  FLOOR_CDK_DIR="$WORK/aws-cdk-lib-$cdk_version" FLOOR_LABEL="$cdk_version" FLOOR_CDK_VERSION="$cdk_version" \
    FLOOR_CONSTRUCTS_VERSION="$constructs_version" FLOOR_REFERENCE_TEMPLATE="$REFERENCE" \
    npx jest --config test/floor/jest.config.js || rc=1
done
printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="floor typecheck">%s</testsuite></testsuites>\n' \
  "$TYPECHECK_CASES" >"$REPORTS/floor-typecheck-junit.xml"
exit $rc
