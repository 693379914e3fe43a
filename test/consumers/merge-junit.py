#!/usr/bin/env python3
"""JUnit XML helpers for run.sh.

    merge-junit.py OUT SUITE_NAME IN.xml...   merge test suites (Surefire writes one file per class) into OUT;
                                              with no input, OUT holds one failed case: the build failed
    merge-junit.py --summary [--extra-failed N] FILE.xml...
                                              print the count of each file and a closing `N passed, N failed`
"""
import sys
import xml.etree.ElementTree as ET


def suites_of(path):
    root = ET.parse(path).getroot()
    return [root] if root.tag == "testsuite" else list(root.iter("testsuite"))


def merge(out, name, inputs):
    merged = ET.Element("testsuites", name=name)
    for path in inputs:
        merged.extend(suites_of(path))
    if not len(merged):
        suite = ET.SubElement(merged, "testsuite", name=name, tests="1", failures="1", errors="0", skipped="0")
        case = ET.SubElement(suite, "testcase", classname=name, name="(build)")
        ET.SubElement(case, "failure", message="the build failed before any test ran")
    ET.indent(merged)
    ET.ElementTree(merged).write(out, encoding="utf-8", xml_declaration=True)
    return 0


def counts(path):
    passed = failed = skipped = 0
    for suite in suites_of(path):
        for case in suite.iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
    return passed, failed, skipped


def summary(args):
    extra_failed = 0
    if args[:1] == ["--extra-failed"]:
        extra_failed, args = int(args[1]), args[2:]
    total = [0, extra_failed, 0]
    for path in args:
        try:
            p, f, s = counts(path)
        except (OSError, ET.ParseError) as e:
            print(f"  {path}: unreadable ({e})")
            total[1] += 1
            continue
        print(f"  {path}: {p} passed, {f} failed" + (f", {s} skipped" if s else ""))
        for i, n in enumerate((p, f, s)):
            total[i] += n
    print(f"consumers: {total[0]} passed, {total[1]} failed" + (f", {total[2]} skipped" if total[2] else ""))
    return 0


if __name__ == "__main__":
    a = sys.argv[1:]
    sys.exit(summary(a[1:]) if a[:1] == ["--summary"] else merge(a[0], a[1], a[2:]))
