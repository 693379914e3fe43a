"""cfn-lint (pinned in requirements.txt) over every synthesized template: the example app, the test snapshots and
the deploy test's own templates. Errors fail; warnings and informational matches are printed only.

cfn-lint has no rule for NACL rule-number bands, port ranges or ICMP without `Icmp`: the construct's own validation
covers those (and moto_ext checks the ICMP / port-range requirements of CreateNetworkAclEntry on deploy).
"""
from __future__ import annotations

import glob
import os

import pytest
from cfnlint.api import lint

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SYNTH_OUT = os.environ.get("DEPLOY_SYNTH_OUT", os.path.join(ROOT, "test", "deploy", "cdk.out"))


def static_templates() -> list[str]:
    found = glob.glob(os.path.join(ROOT, "example", "cdk.out", "*.template.json"))
    found += glob.glob(os.path.join(ROOT, "test", "**", "*.snapshot", "**", "*.template.json"), recursive=True)
    return sorted({os.path.relpath(p, ROOT) for p in found})


def errors_of(path: str) -> tuple[list[str], list[str]]:
    with open(path) as f:
        matches = lint(f.read(), regions=["us-east-1"])
    text = [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in matches]
    return [t for t in text if t.startswith("E")], [t for t in text if not t.startswith("E")]


@pytest.mark.parametrize("template", static_templates() or ["<none>"])
def test_cfn_lint_static(template: str) -> None:
    if template == "<none>":
        pytest.skip("no example/cdk.out or snapshot templates: run.sh synthesizes the example first")
    errors, others = errors_of(os.path.join(ROOT, template))
    for o in others:
        print(o)
    assert not errors, "\n".join(errors)


def test_cfn_lint_deploy_templates() -> None:
    """The templates test_deploy.py synthesized and deployed (it runs before this file)."""
    templates = sorted(glob.glob(os.path.join(SYNTH_OUT, "**", "*.template.json"), recursive=True))
    if not templates:
        pytest.skip(f"no deploy templates under {SYNTH_OUT}")
    failures = []
    for path in templates:
        errors, others = errors_of(path)
        for o in others:
            print(os.path.basename(path), o)
        failures += [f"{os.path.basename(path)}: {e}" for e in errors]
    print(f"linted {len(templates)} deploy templates")
    assert not failures, "\n".join(failures)
