#!/usr/bin/env bash
# Consumer tests: build the Python, Java and Go packages of cdk-vpc-peering-external, then use each one as a user
# would (a venv with the wheel, a Maven project with the jar, a Go module with a replace to the generated package),
# rebuild the example stack NewVpcExampleStack (example/stacks.ts) in that language and check that its template equals
# the TypeScript example's, and that a bad input raises an error naming the prop. The ```python and ```java blocks of
# README.md run too (TypeScript blocks are checked by jsii-rosetta), and the wheel's and the Java sources' examples are
# in Python and Java (examples_translated.py).
#
#   test/consumers/run.sh            # from the repo root, after the JS build (needs .jsii: `npx projen compile`)
#
# JUnit XML: test-reports/consumer-{python,java,go,examples}-junit.xml. Exits non-zero if a build or a test fails.
# Caches reused when present: ~/.m2/repository, the Go module and build caches, and a wheelhouse
# (~/.cache/cdk-vpc-peering-external-consumers/wheels; PyPI's answers here are not cached by pip itself).
# Env: CONSUMERS_SKIP_PACKAGE=1 reuses dist/{python,java,go}; CONSUMERS_ONLY="python java go" picks suites.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
HERE="$ROOT/test/consumers"
WORK="$HERE/.ci-work"
REPORTS="$ROOT/test-reports"
mkdir -p "$WORK" "$REPORTS"
rm -f "$REPORTS"/consumer-*-junit.xml "$WORK/reference.json"

# The projen tasks' environment (AWS_REGION, ...), for a run outside `npx projen test:consumers`.
source "$ROOT/scripts/env.sh"
export CI="${CI:-true}"
# sum.golang.org cannot be reached here (the proxy answers 404 for it): go.sum, committed, pins the hashes instead.
export GOSUMDB="${GOSUMDB:-off}"
export GOTOOLCHAIN=local

ONLY="${CONSUMERS_ONLY:-python java go}"
VERSION="$(node -p "require('./package.json').version")"
JSII_VERSION="$(node -p "require('jsii-pacmak/package.json').version")"
START=$(date +%s)
TIMES=()
FAILED=()

step() { # step NAME COMMAND...: run, time, record a failure
  local name="$1" t0 rc
  shift
  echo "::: $name"
  t0=$(date +%s)
  "$@"
  rc=$?
  TIMES+=("$(printf '%-26s %4ss%s' "$name" $(( $(date +%s) - t0 )) "$([ $rc -eq 0 ] || echo "  FAILED (exit $rc)")")")
  [ $rc -eq 0 ] || FAILED+=("$name")
  return $rc
}

wants() { [[ " $ONLY " == *" $1 "* ]]; }

# ---------------------------------------------------------------------------------------------------------------------
# 1. Packages. `npx projen package:go` runs `go mod tidy` on the generated module, which needs
#    github.com/aws/aws-cdk-go/awscdk/v2 at exactly the minimum version (v2.245.0): the Go module proxy reachable here
#    refuses that version (403), so that check cannot pass on these machines. The Go package is source only: the same
#    jsii-pacmak generates it with --code-only, and the Go consumer test below compiles it (with awscdk v2.257.0, the
#    oldest >= 2.245.0 the proxy serves) and runs it.
# ---------------------------------------------------------------------------------------------------------------------
build_packages() {
  if [ ! -f .jsii ]; then
    step "compile" npx projen compile || return 1
  fi
  if wants python; then
    rm -rf dist/python
    step "package:python" npx projen package:python || return 1
  fi
  if wants java; then
    rm -rf dist/java
    # pacmak's Maven build otherwise uses a throw-away local repository and downloads aws-cdk-lib again every run.
    step "package:java" env MAVEN_OPTS="${MAVEN_OPTS:-} -Dmaven.repo.local=$HOME/.m2/repository" npx projen package:java || return 1
  fi
  if wants go; then
    rm -rf dist/go
    step "package:go (code only)" npx jsii-pacmak -v --target go --code-only || return 1
  fi
}

reference() {
  TS_NODE_TRANSPILE_ONLY=true npx ts-node --project test/tsconfig.json test/consumers/reference.ts "$WORK/reference.json"
}

# ---------------------------------------------------------------------------------------------------------------------
# 2. Python: a venv with the built wheel, aws-cdk-lib==2.245.0 from PyPI, pytest.
# ---------------------------------------------------------------------------------------------------------------------
python_suite() {
  local venv="$HERE/python/.venv" wheelhouse="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-vpc-peering-external-consumers/wheels"
  local wheel
  wheel="$(ls dist/python/cdk_vpc_peering_external-"$VERSION"-*.whl 2>/dev/null | head -1)"
  [ -n "$wheel" ] || { echo "no wheel for version $VERSION in dist/python" >&2; return 1; }
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv" || return 1
  local pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)
  # --no-compile: byte-compiling all of aws-cdk-lib costs ~25 s; the tests compile only the modules they import.
  local reqs=(-r "$HERE/python/requirements.txt" "jsii==$JSII_VERSION")
  "${pip[@]}" uninstall -y cdk-vpc-peering-external >/dev/null 2>&1
  # The wheel and its dependencies, as `pip install` resolves them for a user; from the wheelhouse when it has them all.
  if ! "${pip[@]}" install --no-compile --no-index --find-links "$wheelhouse" "$wheel" "${reqs[@]}" 2>/dev/null; then
    mkdir -p "$wheelhouse"
    "${pip[@]}" download -d "$wheelhouse" "$wheel" "${reqs[@]}" || return 1
    rm -f "$wheelhouse"/cdk_vpc_peering_external-*.whl
    "${pip[@]}" install --no-compile --no-index --find-links "$wheelhouse" "$wheel" "${reqs[@]}" || return 1
  fi
  "${pip[@]}" check || return 1
  (cd "$HERE/python" && CONSUMER_REFERENCE_TEMPLATE="$WORK/reference.json" \
    "$venv/bin/python" -m pytest -p no:cacheprovider -q -rA --junitxml="$REPORTS/consumer-python-junit.xml" \
    -o junit_suite_name=consumer-python .)
}

# ---------------------------------------------------------------------------------------------------------------------
# 3. Java: a Maven project with the built jar (dist/java as a file:// repository), aws-cdk-lib 2.245.0, JUnit 5.
# ---------------------------------------------------------------------------------------------------------------------
java_suite() {
  # The jar's version does not change between builds (0.0.0): drop the copy Maven cached from an earlier run.
  rm -rf "$HOME/.m2/repository/io/github/vpcpeeringexternal/cdk-vpc-peering-external"
  rm -f "$REPORTS/consumer-java-junit.xml"
  python3 "$HERE/readme_snippets.py" README.md java \
    "$HERE/java/src/test/java/io/github/vpcpeeringexternal/consumer/readme/ReadmeSnippets.java" || return 1
  (cd "$HERE/java" && CONSUMER_REFERENCE_TEMPLATE="$WORK/reference.json" \
    mvn -B -ntp -q -Dstyle.color=never clean test -Dcdkvpe.version="$VERSION" -Djsii.version="$JSII_VERSION")
  local rc=$?
  python3 "$HERE/merge-junit.py" "$REPORTS/consumer-java-junit.xml" consumer-java "$HERE"/java/target/surefire-reports/TEST-*.xml \
    || rc=1
  return $rc
}

# ---------------------------------------------------------------------------------------------------------------------
# 4. Go: a module with a replace to dist/go/cdkvpcpeeringexternal, go test.
# ---------------------------------------------------------------------------------------------------------------------
go_suite() {
  [ -f dist/go/cdkvpcpeeringexternal/go.mod ] || { echo "no Go package in dist/go/cdkvpcpeeringexternal" >&2; return 1; }
  (cd "$HERE/go" && CONSUMER_REFERENCE_TEMPLATE="$WORK/reference.json" \
    go test -mod=mod -count=1 -json ./... >"$WORK/go-test.json")
  local rc=$?
  python3 "$HERE/go2junit.py" "$WORK/go-test.json" >"$REPORTS/consumer-go-junit.xml" || rc=1
  return $rc
}

if [ -z "${CONSUMERS_SKIP_PACKAGE:-}" ]; then
  build_packages || echo "package build failed" >&2
fi
if [ ${#FAILED[@]} -eq 0 ]; then
  step "reference template (TS)" reference
  # The packages show README.md's and the API docs' examples in their own language (the packaging tasks write the
  # rosetta tablet first): the wheel's docstrings, the javadoc of the sources jar.
  translated=()
  wants python && translated+=(python)
  wants java && translated+=(java)
  [ ${#translated[@]} -eq 0 ] || step "consumer: examples translated" \
    python3 "$HERE/examples_translated.py" "$ROOT/dist" "$REPORTS/consumer-examples-junit.xml" "${translated[@]}"
  wants python && step "consumer: python" python_suite
  wants java && step "consumer: java" java_suite
  wants go && step "consumer: go" go_suite
fi

echo
echo "::: consumer tests: times"
printf '  %s\n' "${TIMES[@]}"
echo "  total                      $(( $(date +%s) - START ))s"
# Steps that failed without a JUnit report of their own (a package build, the reference) count as failures too.
NOREPORT=0
for f in "${FAILED[@]}"; do [[ "$f" == consumer:* ]] || NOREPORT=$((NOREPORT + 1)); done
[ ${#FAILED[@]} -eq 0 ] || echo "  FAILED: ${FAILED[*]}"
python3 "$HERE/merge-junit.py" --summary --extra-failed "$NOREPORT" $(ls "$REPORTS"/consumer-*-junit.xml 2>/dev/null)
[ ${#FAILED[@]} -eq 0 ]
