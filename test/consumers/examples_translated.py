#!/usr/bin/env python3
"""The released packages show the examples in their own language (issue 18, part 2b).

jsii-pacmak translates the TypeScript examples of README.md and of the API docs from the tablet jsii-rosetta writes
(.jsii.tabl.json); the packaging tasks write it first (.projenrc.ts, `rosetta:tablet`). Checked on the packages the
consumer stage built: the wheel's module source (its docstrings) and the Java sources jar (the javadoc).

    examples_translated.py DIST JUNIT_OUT [python] [java]

JUnit: one test case per package; exits 1 when a check fails.
"""
from __future__ import annotations

import glob
import os
import sys
import xml.etree.ElementTree as ET
import zipfile

TS = "externalCidrBlocks:"  # a TypeScript object literal: an untranslated example
CHECKS = {
    "python": ("the wheel's docstrings show Python examples", "python/*.whl", "cdk_vpc_peering_external/__init__.py",
               "external_cidr_blocks="),
    # README.md goes to package-info.java, the API docs' examples to the classes' javadoc
    "java": ("the Java sources' javadoc shows Java examples", "java/**/*-sources.jar", None, ".externalCidrBlocks("),
}


def problems(dist: str, pattern: str, member: str | None, want: str) -> list[str]:
    """What is wrong with the archive DIST/PATTERN: WANT missing from MEMBER (or from every source), TS anywhere."""
    archives = glob.glob(os.path.join(dist, pattern), recursive=True)
    if len(archives) != 1:
        return [f"want one archive {pattern}, found {archives}"]
    with zipfile.ZipFile(archives[0]) as z:
        sources = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".py", ".java"))}
    if member is not None and member not in sources:
        return [f"{archives[0]} has no {member}"]
    out = []
    if not any(want in src for name, src in sources.items() if member in (None, name)):
        out.append(f"{member or archives[0]} has no {want!r}: the examples were not translated")
    out += [f"{name}: {src.count(TS)} untranslated example line(s) ({TS!r})" for name, src in sorted(sources.items())
            if TS in src]
    return out


def main(dist: str, junit: str, languages: list[str]) -> int:
    suite = ET.Element("testsuite", name="consumer-examples")
    failed = 0
    for language in languages or list(CHECKS):
        title, pattern, member, want = CHECKS[language]
        found = problems(dist, pattern, member, want)
        case = ET.SubElement(suite, "testcase", classname="consumer-examples", name=f"{language}: {title}")
        if found:
            failed += 1
            ET.SubElement(case, "failure", message=found[0]).text = "\n".join(found)
        print(f"{'FAIL' if found else 'ok  '} {language}: {title}" + "".join(f"\n     {p}" for p in found))
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failed))
    ET.indent(suite)
    ET.ElementTree(suite).write(junit, encoding="utf-8", xml_declaration=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
