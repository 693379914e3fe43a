"""Consumer test: a Python CDK app that uses the built wheel of cdk-vpc-peering-external, as a user would.

It rebuilds the example stack (``NewVpcExampleStack`` in example/stacks.ts) in Python and checks that the template
equals the one the TypeScript example synthesizes (written by test/consumers/reference.ts), and that a bad input
fails with an error that names the prop.
"""
import json
import os
import sys
from pathlib import Path

import pytest
from aws_cdk import App, CfnParameter, Stack, assertions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_vpc_peering_external import PeeringWarnings, VpcPeeringExternal

from template_diff import template_diff

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "test" / "consumers"))
from readme_snippets import blocks  # noqa: E402

README = Path(os.environ.get("CONSUMER_README", ROOT / "README.md"))

REFERENCE = Path(os.environ.get(
    "CONSUMER_REFERENCE_TEMPLATE",
    Path(__file__).resolve().parent.parent / ".ci-work" / "reference.json",
))


class NewVpcExampleStack(Stack):
    """The Python twin of NewVpcExampleStack (example/stacks.ts). ``overrides`` replaces props, for the error tests."""

    def __init__(self, scope: Construct, construct_id: str, *, overrides=None, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        vpc = ec2.Vpc(self, "Vpc",
            ip_addresses=ec2.IpAddresses.cidr("10.0.0.0/16"),
            max_azs=2,
            nat_gateways=1,
            flow_logs={
                "all": ec2.FlowLogOptions(
                    destination=ec2.FlowLogDestination.to_cloud_watch_logs(
                        logs.LogGroup(self, "FlowLogs", retention=logs.RetentionDays.ONE_MONTH),
                    ),
                ),
            },
        )

        props = dict(
            vpc=vpc,
            vpc_peering_connection_id="pcx-0123456789abcdef0",
            external_cidr_blocks=["10.200.0.0/16"],
            allow_outbound=[ec2.AclTraffic.tcp_port(443), ec2.AclTraffic.tcp_port(9200)],
        )
        props.update(overrides or {})
        self.peering = VpcPeeringExternal(self, "Elasticsearch", **props)


def synth(tmp_path, **overrides) -> dict:
    app = App(outdir=str(tmp_path / "cdk.out"))
    stack = NewVpcExampleStack(app, "PeeringNewVpcExample", overrides=overrides)
    return assertions.Template.from_stack(stack).to_json()


def test_template_equals_typescript_example(tmp_path):
    assert REFERENCE.is_file(), f"no reference template at {REFERENCE}: run test/consumers/run.sh (or reference.ts)"
    expected = json.loads(REFERENCE.read_text())
    actual = synth(tmp_path)
    (tmp_path / "python-template.json").write_text(json.dumps(actual, indent=2))

    differences = template_diff(expected, actual)
    assert not differences, (
        f"the Python template differs from the TypeScript example's ({REFERENCE}) in {len(differences)} places:\n  "
        + "\n  ".join(differences[:60])
    )
    assert any(r["Type"] == "AWS::EC2::NetworkAclEntry" for r in actual["Resources"].values())


@pytest.mark.parametrize("prop, overrides", [
    ("vpc_peering_connection_id", {"vpc_peering_connection_id": "abc"}),
    ("external_cidr_blocks", {"external_cidr_blocks": ["10.0.0.0/33"]}),
])
def test_bad_input_names_the_prop_as_python_writes_it(tmp_path, prop, overrides):
    # jsii re-raises the construct's JavaScript error in Python as a RuntimeError; the construct writes it in Python
    # terms (it knows the caller's language from the jsii runtime).
    with pytest.raises(RuntimeError) as caught:
        synth(tmp_path, **overrides)
    message = str(caught.value)
    assert prop in message, f"the error should name {prop}: {type(caught.value).__name__}: {message}"
    camel = "vpcPeeringConnectionId" if prop.startswith("vpc") else "externalCidrBlocks"
    assert camel not in message, f"the error should not name the TypeScript prop {camel}: {message}"


def test_an_error_shows_the_fix_in_python(tmp_path):
    with pytest.raises(RuntimeError) as caught:
        synth(tmp_path, external_cidr_blocks=[])
    message = str(caught.value)
    assert 'e.g. external_cidr_blocks=["10.200.0.0/16"]' in message, message
    with pytest.raises(RuntimeError) as caught:
        synth(tmp_path, allow_outbound=[])
    assert "allow_outbound=[ec2.AclTraffic.tcp_port(443)]" in str(caught.value), str(caught.value)


def test_token_peering_id_and_public_properties(tmp_path):
    """A CfnParameter token crosses the jsii boundary as the peering id; the construct's properties are readable."""
    app = App(outdir=str(tmp_path / "cdk.out"))
    stack = Stack(app, "TokenStack")
    peering_id = CfnParameter(stack, "PeeringId").value_as_string
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)
    peering = VpcPeeringExternal(stack, "Peering",
        vpc=vpc,
        vpc_peering_connection_id=peering_id,
        external_cidr_blocks=["10.200.0.0/16"],
        allow_outbound=[ec2.AclTraffic.tcp_port(443)],
        ephemeral_port_range=ec2.AclPortRange(from_=32768, to=60999),
    )
    template = assertions.Template.from_stack(stack)
    template.has_resource_properties("AWS::EC2::Route", {"VpcPeeringConnectionId": {"Ref": "PeeringId"}})
    template.has_resource_properties("AWS::EC2::NetworkAclEntry", {"PortRange": {"From": 32768, "To": 60999}})
    entries = template.find_resources("AWS::EC2::NetworkAclEntry")
    assert len(peering.routes) == 2  # one per private subnet's route table
    assert len(peering.network_acl_entries) == len(entries)
    assert PeeringWarnings.SHADOWED_BY_LOWER_RULE.startswith("cdk-vpc-peering-external:")


README_PYTHON = blocks(README, "python")


@pytest.mark.parametrize("line, code", README_PYTHON, ids=[f"README.md:{line}" for line, _ in README_PYTHON])
def test_readme_python_snippet_synthesizes(tmp_path, line, code):
    """Each ```python block of README.md runs as the body of a Stack's __init__ (``self`` is the stack) and synthesizes."""
    app = App(outdir=str(tmp_path / "cdk.out"))
    stack = Stack(app, f"ReadmeLine{line}")
    exec(compile(code, f"README.md:{line}", "exec"), {"self": stack, "__name__": "readme_snippet"})
    assertions.Template.from_stack(stack)


def test_readme_has_python_snippets():
    assert README_PYTHON, f"{README} has no ```python block"
