#!/usr/bin/env bash
# Prepares the polyglot part of the bench (bench.ts runs it; it can run alone from the repo root):
#  1. the Python wheel and the Java jar of the library, built the way test/consumers/run.sh builds them
#     (`npx projen compile`, `package:python`, `package:java`), rebuilt when missing or older than src/;
#  2. a venv with the wheel, aws-cdk-lib and constructs (PyPI, through the consumers' wheelhouse);
#  3. the Java classpath (Maven, the consumers' pom with dist/java as a repository) and the compiled bench app, which
#     reuses the consumers' NewVpcExampleStack.java.
# Prints the reason and exits non-zero when a step fails; bench.ts then records the polyglot part as not measured.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
WORK="$ROOT/test/bench/.ci-work"
mkdir -p "$WORK"
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CDK_DISABLE_CLI_TELEMETRY=true CI="${CI:-true}"
VERSION="$(node -p "require('./package.json').version")"
JSII_VERSION="$(node -p "require('jsii-pacmak/package.json').version")"
WHEEL="dist/python/cdk_vpc_peering_external-$VERSION-py3-none-any.whl"
JAR="dist/java/io/github/vpcpeeringexternal/cdk-vpc-peering-external/$VERSION/cdk-vpc-peering-external-$VERSION.jar"

stale() { [ ! -f "$1" ] || [ -n "$(find src package.json -newer "$1" -type f 2>/dev/null | head -1)" ]; }

if stale .jsii || stale lib/index.js; then
  echo "::: bench: compiling the library (jsii)"
  npx projen compile >"$WORK/compile.log" 2>&1 || { echo "jsii compile failed, see $WORK/compile.log"; exit 1; }
fi
if stale "$WHEEL"; then
  echo "::: bench: building the Python wheel (package:python)"
  rm -rf dist/python
  npx projen package:python >"$WORK/package-python.log" 2>&1 || { echo "package:python failed, see $WORK/package-python.log"; exit 1; }
  rm -rf "$WORK/venv"
fi
if stale "$JAR"; then
  echo "::: bench: building the Java jar (package:java)"
  rm -rf dist/java
  MAVEN_OPTS="${MAVEN_OPTS:-} -Dmaven.repo.local=$HOME/.m2/repository" npx projen package:java >"$WORK/package-java.log" 2>&1 \
    || { echo "package:java failed, see $WORK/package-java.log"; exit 1; }
  rm -rf "$WORK/java"
fi

# Python: the venv, reinstalled when the wheel changed.
VENV="$WORK/venv"
if [ ! -x "$VENV/bin/python" ] || [ "$WHEEL" -nt "$VENV/.installed" ]; then
  echo "::: bench: Python venv with the wheel"
  wheelhouse="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-vpc-peering-external-consumers/wheels"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  pip=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
  reqs=(aws-cdk-lib==2.245.0 constructs==10.5.1 "jsii==$JSII_VERSION")
  "${pip[@]}" uninstall -y cdk-vpc-peering-external >/dev/null 2>&1 || true
  if ! "${pip[@]}" install --no-index --find-links "$wheelhouse" "$WHEEL" "${reqs[@]}" 2>/dev/null; then
    mkdir -p "$wheelhouse"
    "${pip[@]}" download -d "$wheelhouse" "$WHEEL" "${reqs[@]}"
    rm -f "$wheelhouse"/cdk_vpc_peering_external-*.whl
    "${pip[@]}" install --no-index --find-links "$wheelhouse" "$WHEEL" "${reqs[@]}"
  fi
  touch "$VENV/.installed"
fi

# Java: the classpath of the consumers' pom, and the bench app compiled against it.
JAVA_WORK="$WORK/java"
if [ ! -f "$JAVA_WORK/classes/BenchExample.class" ] || [ "$JAR" -nt "$JAVA_WORK/classes/BenchExample.class" ] \
  || [ test/bench/polyglot/BenchExample.java -nt "$JAVA_WORK/classes/BenchExample.class" ]; then
  echo "::: bench: Java classpath and bench app"
  rm -rf "$HOME/.m2/repository/io/github/vpcpeeringexternal/cdk-vpc-peering-external"
  mkdir -p "$JAVA_WORK/classes"
  (cd test/consumers/java && mvn -B -ntp -q -Dstyle.color=never dependency:build-classpath \
    -Dmaven.repo.local="$HOME/.m2/repository" -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$JAVA_WORK/classpath.txt" -Dcdkvpe.version="$VERSION" -Djsii.version="$JSII_VERSION")
  javac -nowarn -d "$JAVA_WORK/classes" -cp "$(cat "$JAVA_WORK/classpath.txt")" \
    test/consumers/java/src/test/java/io/github/vpcpeeringexternal/consumer/NewVpcExampleStack.java \
    test/bench/polyglot/BenchExample.java
fi
echo "::: bench: polyglot apps ready"
