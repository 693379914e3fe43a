"""cfn-lint (pinned in requirements.txt) over every synthesized template: the example app, the test snapshots, the
deploy test's own templates and the templates the jest tests synthesized (recorded by test/support/record-template.ts
when RECORD_TEMPLATES_DIR is set, as scripts/test-all.sh does for the build). Errors fail; warnings and informational
matches are printed only.

cfn-lint has no rule for NACL rule numbers, port ranges or ICMP without `Icmp`: the construct's own validation covers
those, and test_cfn_lint_agreement.py shows what each of the two catches and checks those rules on these templates
(moto_ext also checks the ICMP / port-range requirements of CreateNetworkAclEntry on deploy).
"""
from __future__ import annotations

import functools
import glob
import json
import os

import pytest
from cfnlint.api import ManualArgs, lint_by_config

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SYNTH_OUT = os.environ.get("DEPLOY_SYNTH_OUT", os.path.join(ROOT, "test", "deploy", "cdk.out"))
JEST_TEMPLATES = os.path.join(ROOT, os.environ.get("RECORD_TEMPLATES_DIR", os.path.join("test-reports", "jest-templates")))


def static_templates() -> list[str]:
    found = glob.glob(os.path.join(ROOT, "example", "cdk.out", "*.template.json"))
    found += glob.glob(os.path.join(ROOT, "test", "**", "*.snapshot", "**", "*.template.json"), recursive=True)
    return sorted({os.path.relpath(p, ROOT) for p in found})


def lint_all(paths: list[str]) -> dict[str, list[str]]:
    """One in-process cfn-lint run over all `paths` (a run per template costs more than the linting): each path's
    matches as "<rule> line <n>: <message>", errors (E...) first."""
    found: dict[str, list[str]] = {p: [] for p in paths}
    given = {os.path.abspath(p): p for p in paths}
    for m in lint_by_config(ManualArgs(templates=list(paths), regions=["us-east-1"])):
        path = given.get(os.path.abspath(m.filename), m.filename)
        found.setdefault(path, []).append(f"{m.rule.id} line {m.linenumber}: {m.message}")
    return {p: sorted(t, key=lambda x: not x.startswith("E")) for p, t in found.items()}


def split(matches: list[str]) -> tuple[list[str], list[str]]:
    return [t for t in matches if t.startswith("E")], [t for t in matches if not t.startswith("E")]


@functools.lru_cache(maxsize=None)
def static_results() -> dict[str, list[str]]:
    """The static templates, linted once for all of test_cfn_lint_static's cases."""
    return {os.path.relpath(p, ROOT): t for p, t in
            lint_all([os.path.join(ROOT, rel) for rel in static_templates()]).items()}


def test_integ_snapshots_are_linted() -> None:
    """The integ snapshots (test/*.snapshot, committed) are among the templates above."""
    snapshots = {os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "test", "*.snapshot", "*.template.json"))}
    assert snapshots, "no test/*.snapshot/*.template.json"
    assert snapshots <= set(static_templates())


@pytest.mark.parametrize("template", static_templates() or ["<none>"])
def test_cfn_lint_static(template: str) -> None:
    if template == "<none>":
        pytest.skip("no example/cdk.out or snapshot templates: run.sh synthesizes the example first")
    path = os.path.join(ROOT, template)
    errors, others = split(static_results()[template])
    for o in others:
        print(o)
    with open(path) as f:
        if not json.load(f).get("Resources"):
            # integ-tests' DeployAssert stacks without assertions: the CDK CLI never deploys a stack without resources
            # ("stack has no resources, skipping deployment"), so cfn-lint's missing-Resources error is the only one
            # allowed, and only here.
            print("no resources: the CDK CLI skips this stack")
            errors = [e for e in errors if not (e.startswith("E1001 ") and "'Resources' is a required property" in e)]
    assert not errors, "\n".join(errors)


def assert_no_errors(templates: list[str], what: str) -> None:
    """One cfn-lint run over all the templates (a run per template costs more than the linting); warnings printed."""
    failures = []
    for path, matches in lint_all(templates).items():
        errors, others = split(matches)
        for o in others:
            print(os.path.basename(path), o)
        failures += [f"{os.path.basename(path)}: {e}" for e in errors]
    print(f"linted {len(templates)} {what}")
    assert not failures, "\n".join(failures)


def test_cfn_lint_deploy_templates() -> None:
    """The templates test_deploy.py synthesized and deployed (it runs before this file)."""
    templates = sorted(glob.glob(os.path.join(SYNTH_OUT, "**", "*.template.json"), recursive=True))
    if not templates:
        pytest.skip(f"no deploy templates under {SYNTH_OUT}")
    assert_no_errors(templates, "deploy templates")


def test_cfn_lint_jest_templates() -> None:
    """The templates the jest tests synthesized, deduplicated by content."""
    templates = sorted(glob.glob(os.path.join(JEST_TEMPLATES, "*.json")))
    if not templates:
        pytest.fail(f"no recorded jest templates in {JEST_TEMPLATES}: run jest with RECORD_TEMPLATES_DIR set (scripts/test-all.sh does)")
    assert_no_errors(templates, "jest templates")
