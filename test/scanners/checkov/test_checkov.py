"""checkov (pinned in requirements.txt) on the templates the scanners check (test/scanners/shipped-templates.ts, written
by write-templates.ts to TEMPLATES_DIR): the construct's resources have no failed check; every check the construct
skips (`checkov.skip` metadata, `{ id, comment }`) is one its resource fails without the metadata, with a reason; and
the checks it skips fail on a bad resource (the controls).

Run by run.sh, which writes the templates first. checkov runs offline (--skip-download, BC_SKIP_MAPPING).
"""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = Path(os.environ["TEMPLATES_DIR"])
MANIFEST = json.loads((TEMPLATES_DIR / "templates.json").read_text())
CHECKOV_VERSION = next(
    line.split("==")[1].strip()
    for line in (HERE / "requirements.txt").read_text().splitlines()
    if line.startswith("checkov==")
)


def run_checkov(directory):
    """The results of checkov's CloudFormation checks on every template in `directory`, by file name."""
    out = subprocess.run(
        [sys.executable, "-m", "checkov.main", "-d", str(directory), "--framework", "cloudformation",
         "-o", "json", "--compact", "--skip-download"],
        capture_output=True, text=True, env={**os.environ, "BC_SKIP_MAPPING": "TRUE"}, check=False,
    )
    # 0: nothing failed; 1: some check failed. Anything else is checkov's own error.
    assert out.returncode in (0, 1), out.stderr[-4000:]
    report = json.loads(out.stdout)
    reports = report if isinstance(report, list) else [report]
    assert [r["check_type"] for r in reports] == ["cloudformation"], out.stdout[:2000]
    results = reports[0]["results"]
    assert results["parsing_errors"] == [], results["parsing_errors"]
    by_file = {}
    for status in ("passed_checks", "failed_checks", "skipped_checks"):
        for check in results[status]:
            logical_id = check["resource"].split(".", 1)[1]
            by_file.setdefault(Path(check["file_path"]).name, []).append({
                "status": status, "id": check["check_id"], "resource": logical_id,
                "comment": check["check_result"].get("suppress_comment"),
            })
    return by_file


def without_checkov_metadata(template):
    bare = copy.deepcopy(template)
    for resource in bare["Resources"].values():
        resource.get("Metadata", {}).pop("checkov", None)
    return bare


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """checkov on each template as synthesized (`<file>`) and without the checkov metadata (`bare-<file>`): one run."""
    work = tmp_path_factory.mktemp("checkov")
    for entry in MANIFEST:
        template = json.loads((TEMPLATES_DIR / entry["file"]).read_text())
        (work / entry["file"]).write_text(json.dumps(template))
        (work / f"bare-{entry['file']}").write_text(json.dumps(without_checkov_metadata(template)))
    return run_checkov(work)


def on_construct(checks, entry, status):
    return sorted(f"{c['resource']} {c['id']}" for c in checks
                  if c["status"] == status and c["resource"] in entry["constructResources"])


def test_checkov_is_the_pinned_version():
    from checkov.version import version
    assert version == CHECKOV_VERSION


def test_every_template_is_there():
    names = [e["name"] for e in MANIFEST]
    assert sum(n.startswith("example ") for n in names) == 2
    assert sum(n.startswith("integ.") for n in names) >= 3
    assert any(n.startswith("case ") for n in names)


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["name"] for e in MANIFEST])
def test_no_failed_check_on_the_construct(results, entry):
    assert on_construct(results.get(entry["file"], []), entry, "failed_checks") == []


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["name"] for e in MANIFEST])
def test_without_the_metadata_checkov_fails_exactly_what_it_skips(results, entry):
    skipped = on_construct(results.get(entry["file"], []), entry, "skipped_checks")
    bare_failed = on_construct(results.get(f"bare-{entry['file']}", []), entry, "failed_checks")
    assert bare_failed == skipped
    if entry["constructResources"]:
        # Every template with the construct has its accepter: the function's and the log group's checks.
        assert len(skipped) >= 4


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["name"] for e in MANIFEST])
def test_every_skip_has_a_reason(results, entry):
    for check in results.get(entry["file"], []):
        if check["status"] == "skipped_checks" and check["resource"] in entry["constructResources"]:
            assert check["comment"] and len(check["comment"]) > 80, check


FUNCTION = {
    "Type": "AWS::Lambda::Function",
    "Properties": {"Runtime": "nodejs22.x", "Handler": "index.handler", "Role": "arn:aws:iam::111122223333:role/r",
                   "Code": {"ZipFile": "x"}},
}
LOG_GROUP = {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 365}}


def construct_metadata(logical_id_prefix):
    """The checkov metadata the construct writes on the resource whose logical id starts with the prefix."""
    template = json.loads((TEMPLATES_DIR / MANIFEST[0]["file"]).read_text())
    return next(r["Metadata"]["checkov"] for i, r in template["Resources"].items() if i.startswith(logical_id_prefix))


def test_controls_the_checks_fail_on_a_bad_resource_and_the_construct_s_metadata_skips_them(tmp_path):
    resources = {
        "Function": FUNCTION,
        "LogGroup": LOG_GROUP,
        # What Lambda creates by itself (/aws/lambda/<function>): no retention, kept forever.
        "LogGroupForever": {"Type": "AWS::Logs::LogGroup", "Properties": {}},
        "FunctionWithMetadata": {**FUNCTION, "Metadata": {"checkov": construct_metadata("VpcPeeringAccepterCustomResourceProviderHandler")}},
        "LogGroupWithMetadata": {**LOG_GROUP, "Metadata": {"checkov": construct_metadata("VpcPeeringAccepterCustomResourceProviderLogGroup")}},
    }
    (tmp_path / "bad.template.json").write_text(json.dumps({"Resources": resources}))
    checks = run_checkov(tmp_path)["bad.template.json"]
    failed = sorted(f"{c['resource']} {c['id']}" for c in checks if c["status"] == "failed_checks")
    skipped = sorted(f"{c['resource']} {c['id']}" for c in checks if c["status"] == "skipped_checks")
    assert failed == [
        "Function CKV_AWS_115", "Function CKV_AWS_116", "Function CKV_AWS_117",
        "LogGroup CKV_AWS_158",
        "LogGroupForever CKV_AWS_158", "LogGroupForever CKV_AWS_66",
    ]
    assert skipped == [
        "FunctionWithMetadata CKV_AWS_115", "FunctionWithMetadata CKV_AWS_116", "FunctionWithMetadata CKV_AWS_117",
        "LogGroupWithMetadata CKV_AWS_158",
    ]
