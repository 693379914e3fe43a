#!/usr/bin/env python3
"""Convert `go test -json` output (stdin or a file) into JUnit XML.

    go test -json ./... | python3 go2junit.py > consumer-go-junit.xml

One <testsuite> per Go package, one <testcase> per test (subtests too); a test's output goes into its <failure> when
it fails. A package that fails to build (no test events, a failing package result) becomes one failed test case.
Exits 1 if anything failed, and prints `N passed, N failed` to stderr.
"""
import json
import sys
import xml.etree.ElementTree as ET
from collections import OrderedDict


def main() -> int:
    src = open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin
    packages = OrderedDict()  # package -> {"tests": OrderedDict(name -> {...}), "result": ..., "output": [...]}
    build_output = {}  # ImportPath -> compiler output (Go >= 1.24 reports build errors as build-output events)
    for line in src:
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if "Package" not in ev:
            if ev.get("Action") == "build-output":
                build_output.setdefault(ev.get("ImportPath", "?"), []).append(ev.get("Output", ""))
            continue
        pkg = packages.setdefault(ev.get("Package", "?"), {"tests": OrderedDict(), "result": None, "output": [], "elapsed": 0.0})
        test, action = ev.get("Test"), ev.get("Action")
        if test:
            case = pkg["tests"].setdefault(test, {"result": None, "output": [], "elapsed": 0.0})
            if action == "output":
                case["output"].append(ev.get("Output", ""))
            elif action in ("pass", "fail", "skip"):
                case["result"], case["elapsed"] = action, ev.get("Elapsed", 0.0)
        elif action == "output":
            pkg["output"].append(ev.get("Output", ""))
        elif action in ("pass", "fail", "skip"):
            pkg["result"], pkg["elapsed"] = action, ev.get("Elapsed", 0.0)
            if ev.get("FailedBuild"):
                pkg["output"][:0] = build_output.get(ev["FailedBuild"], [])

    suites = ET.Element("testsuites", name="go test")
    passed = failed = skipped = 0
    for name, pkg in packages.items():
        cases = pkg["tests"]
        if pkg["result"] == "fail" and not any(c["result"] == "fail" for c in cases.values()):
            # Build failure, panic outside a test, or a test that never reported: make it visible.
            cases["(package)"] = {"result": "fail", "output": pkg["output"], "elapsed": pkg["elapsed"]}
        for case in cases.values():
            if case["result"] is None:  # started but never finished: the binary died (timeout, panic)
                case["result"] = "fail"
        n_fail = sum(c["result"] == "fail" for c in cases.values())
        n_skip = sum(c["result"] == "skip" for c in cases.values())
        suite = ET.SubElement(suites, "testsuite", name=name, tests=str(len(cases)), failures=str(n_fail),
                              errors="0", skipped=str(n_skip), time=f"{pkg['elapsed']:.3f}")
        for test, case in cases.items():
            tc = ET.SubElement(suite, "testcase", classname=name, name=test, time=f"{case['elapsed']:.3f}")
            text = "".join(case["output"])
            if case["result"] == "fail":
                ET.SubElement(tc, "failure", message=f"{test} failed").text = text
                sys.stderr.write(f"--- FAIL: {name} {test}\n{text}\n")
                failed += 1
            elif case["result"] == "skip":
                ET.SubElement(tc, "skipped").text = text
                skipped += 1
            else:
                passed += 1
    ET.indent(suites)
    sys.stdout.write(ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n")
    sys.stderr.write(f"go: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "") + "\n")
    return 1 if failed or not (passed or skipped) else 0


if __name__ == "__main__":
    sys.exit(main())
