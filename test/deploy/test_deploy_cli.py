"""The imported-VPC example deployed as users deploy it: with the CDK CLI (the aws-cdk devDependency) on the emulator.

`cdk bootstrap`, `cdk deploy --method=direct` of the example stack, a `cdk deploy` that adds a port, a `cdk deploy`
with nothing changed, and `cdk destroy --force`; EC2 state read back through boto3 after each step, as in
test_deploy.py. The stacks use the default synthesizer, so the CLI does everything it does on AWS: it assumes the
bootstrap roles (deploy, file publishing), reads the bootstrap version from SSM, uploads the template to the staging
bucket and passes CloudFormation a TemplateURL.

Everything runs in an account of its own (moto keys the account off the STS credentials the CLI gets), which
`cdk bootstrap` bootstraps from scratch: nothing is shared with the API-driven tests but the server and the third
party's account.

Emulator specifics, both documented in EMULATOR.md: the CLI builds the TemplateURL from
`AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION` (set to `http://localhost:<port>`, the form moto resolves against its own S3),
and moto_ext makes `UsePreviousValue` work for the defaulted `BootstrapVersion` parameter the CLI sends on updates.
"""
from __future__ import annotations

import os
import subprocess
from typing import Any
from urllib.parse import urlparse

import pytest

import emu
from test_deploy import ROOT, SYNTH_OUT, THEIR_CIDRS, World, assert_vpc_matches, expected_state, synth, vpc_state

CLI_ACCOUNT = "444455556666"
STACK = "PeeringImportedVpcExample"  # the example app's stack name


class Cli:
    """`npx cdk` with the emulator's endpoint and temporary credentials of CLI_ACCOUNT issued by moto's STS."""

    def __init__(self, home: str) -> None:
        creds = emu.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{CLI_ACCOUNT}:role/deployer", RoleSessionName="cdk-cli")["Credentials"]
        endpoint = emu.endpoint()  # refuses anything but loopback
        port = urlparse(endpoint).port
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_"))}
        self.env.update({
            "AWS_ENDPOINT_URL": endpoint,
            # the URL the CLI hands CloudFormation for the uploaded template; moto reads `localhost` URLs from its S3
            "AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION": f"http://localhost:{port}",
            "AWS_REGION": emu.REGION, "AWS_DEFAULT_REGION": emu.REGION, "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"],
            "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "CDK_HOME": home,  # the CLI's account cache and notices, away from ~/.cdk
            "CDK_DISABLE_CLI_TELEMETRY": "true",
        })

    def __call__(self, *args: str) -> str:
        cmd = ["npx", "--no", "cdk", *args, "--no-notices", "--ci"]
        r = subprocess.run(cmd, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=180)
        out = r.stdout + r.stderr
        assert r.returncode == 0, f"{' '.join(cmd)} exited {r.returncode}:\n{out[-4000:]}"
        return out


@pytest.fixture(scope="module")
def world() -> World:
    return World(CLI_ACCOUNT, fake_bootstrap=False)  # `cdk bootstrap` writes the version parameter


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    return Cli(str(tmp_path_factory.mktemp("cdk-home")))


def stack_status(w: World) -> str:
    return emu.stack_status(w.cfn, STACK)


class TestCdkCli:
    state: dict[str, Any] = {}

    def test_bootstrap(self, world: World, cli: Cli) -> None:
        out = cli("bootstrap", f"aws://{CLI_ACCOUNT}/{emu.REGION}")
        assert "bootstrapped" in out, out
        version = emu.client("ssm", CLI_ACCOUNT).get_parameter(Name="/cdk-bootstrap/hnb659fds/version")
        assert int(version["Parameter"]["Value"]) >= 6  # what the default synthesizer requires
        buckets = {b["Name"] for b in emu.client("s3", CLI_ACCOUNT).list_buckets()["Buckets"]}
        assert f"cdk-hnb659fds-assets-{CLI_ACCOUNT}-{emu.REGION}" in buckets

    def test_deploy(self, world: World, cli: Cli) -> None:
        w, s = world, self.state
        s["baseline"] = vpc_state(w.ec2, w.vpc)
        variants = [
            {"kind": "example-imported", "assembly": "cli-0", "stackName": STACK, "imported": w.imported_props()},
            # a port added: the example's props plus 443 out (outside the ephemeral range, so a new entry)
            {"kind": "imported", "assembly": "cli-1", "stackName": STACK, "imported": w.imported_props(),
             "allowOutbound": ["tcp:5432", "tcp:443"], "previous": STACK},  # synthesized with cli-0's record
        ]
        templates = synth(variants)
        s["templates"] = [templates[f"{v['assembly']}/{STACK}"] for v in variants]
        s["apps"] = [os.path.join(SYNTH_OUT, v["assembly"]) for v in variants]  # cloud assemblies: `--app <dir>`

        out = cli("deploy", "--app", s["apps"][0], "--method=direct", "--require-approval", "never", STACK)
        assert f"✅  {STACK}" in out, out
        assert stack_status(w) == "CREATE_COMPLETE"
        assert_vpc_matches(w.ec2, w.vpc, expected_state(s["baseline"], s["templates"][0], {}, w.ec2))
        private = vpc_state(w.ec2, w.vpc)["entries"][w.private_acl]
        assert (True, 99, "deny", "-1", THEIR_CIDRS[0], None, None, None) in private
        assert (THEIR_CIDRS[0], w.pcx_imported) in vpc_state(w.ec2, w.vpc)["routes"][w.private_rtb]
        s["deployed"] = True

    def test_update_port_added(self, world: World, cli: Cli) -> None:
        w, s = world, self.state
        if not s.get("deployed"):
            pytest.skip("the deploy failed")
        out = cli("deploy", "--app", s["apps"][1], "--method=direct", "--require-approval", "never", STACK)
        assert f"✅  {STACK}" in out, out
        assert stack_status(w) == "UPDATE_COMPLETE"
        assert_vpc_matches(w.ec2, w.vpc, expected_state(s["baseline"], s["templates"][1], {}, w.ec2))
        private = vpc_state(w.ec2, w.vpc)["entries"][w.private_acl]
        assert any(e[0] and e[2] == "allow" and e[4] == THEIR_CIDRS[0] and e[6] == (443, 443) for e in private)

        # the same assembly again: the CLI compares template and parameters and leaves the stack alone
        out = cli("deploy", "--app", s["apps"][1], "--method=direct", "--require-approval", "never", STACK)
        assert "(no changes)" in out, out
        assert stack_status(w) == "UPDATE_COMPLETE"
        assert_vpc_matches(w.ec2, w.vpc, expected_state(s["baseline"], s["templates"][1], {}, w.ec2))

    def test_destroy(self, world: World, cli: Cli) -> None:
        w, s = world, self.state
        if not s.get("deployed"):
            pytest.skip("the deploy failed")
        out = cli("destroy", "--app", s["apps"][1], "--force", STACK)
        assert "destroyed" in out, out
        assert STACK not in {x["StackName"] for x in w.cfn.list_stacks()["StackSummaries"]
                             if x["StackStatus"] != "DELETE_COMPLETE"}
        assert_vpc_matches(w.ec2, w.vpc, s["baseline"])  # entries, routes and associations as before

