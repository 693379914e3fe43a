"""`PeeringConnectionAccepter` deployed on the emulator: the third party's request, accepted by the deploy.

The third party's VPC lives in a second moto account and requests a peering to our VPC (an existing VPC, imported by
the stack). The stacks come from synth_accepter.ts (the public API); their function's asset is uploaded to the asset
bucket as `cdk deploy` would, and the stacks go through the CloudFormation API. moto cannot run Lambda functions
(no containers here): moto_ext runs the function's own code from that asset with node, against this server, with the
credentials of the function's role (see `CfnNodeCustomResource` in moto_ext.py). Everything is read back through the
EC2 API, from both accounts.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from typing import Any

import pytest

import emu

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SYNTH_OUT = os.path.join(os.environ.get("DEPLOY_SYNTH_OUT", os.path.join(ROOT, "test", "deploy", "cdk.out")),
                         "accepter")
THEIR_CIDR = "10.210.0.0/16"
OUR_CIDR = "10.3.0.0/16"


def synth(variants: list[dict[str, Any]]) -> dict[str, str]:
    """Synthesizes each variant into `<SYNTH_OUT>/<stackName>/`; returns the assembly directories by stack name."""
    os.makedirs(SYNTH_OUT, exist_ok=True)
    env = dict(os.environ, TS_NODE_TRANSPILE_ONLY="true", AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
    subprocess.run(
        ["npx", "ts-node", "--project", "test/tsconfig.json", "test/deploy/synth_accepter.ts", SYNTH_OUT,
         json.dumps(variants)],
        cwd=ROOT, env=env, check=True,
    )
    return {v["stackName"]: os.path.join(SYNTH_OUT, v["stackName"]) for v in variants}


def template_of(assembly: str, stack: str) -> dict[str, Any]:
    with open(os.path.join(assembly, f"{stack}.template.json")) as f:
        return json.load(f)


def publish_assets(assembly: str, stack: str, account: str) -> int:
    """What `cdk deploy` does before the deploy: each file asset, zipped, into the bootstrap asset bucket."""
    s3 = emu.client("s3", account)
    with open(os.path.join(assembly, f"{stack}.assets.json")) as f:
        manifest = json.load(f)
    count = 0
    for asset in manifest.get("files", {}).values():
        source = os.path.join(assembly, asset["source"]["path"])
        for dest in asset["destinations"].values():
            bucket = dest["bucketName"].replace("${AWS::AccountId}", account).replace("${AWS::Region}", emu.REGION)
            key = dest["objectKey"]
            if asset["source"].get("packaging") == "zip":
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w") as z:
                    for folder, _, files in os.walk(source):
                        for name in files:
                            full = os.path.join(folder, name)
                            z.write(full, os.path.relpath(full, source))
                body = buf.getvalue()
            else:
                with open(source, "rb") as f:
                    body = f.read()
            if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
                s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key=key, Body=body)
            count += 1
    return count


class World:
    """Our VPC (DNS hostnames and resolution on) in our account, theirs in the third party's."""

    def __init__(self) -> None:
        self.account = emu.OUR_ACCOUNT
        self.cfn, self.ec2 = emu.client("cloudformation"), emu.client("ec2")
        self.their_ec2 = emu.client("ec2", emu.THIRD_PARTY_ACCOUNT)
        self.their_vpc = self.their_ec2.create_vpc(CidrBlock=THEIR_CIDR)["Vpc"]["VpcId"]
        self.vpc = self.ec2.create_vpc(CidrBlock=OUR_CIDR)["Vpc"]["VpcId"]
        for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
            self.ec2.modify_vpc_attribute(VpcId=self.vpc, **{attribute: {"Value": True}})
        assert self.their_vpc not in {v["VpcId"] for v in self.ec2.describe_vpcs()["Vpcs"]}, "not a second account"

    def request(self, vpc: str | None = None) -> str:
        """The third party requests a peering to our VPC (or `vpc`); we do not accept it."""
        pcx = self.their_ec2.create_vpc_peering_connection(
            VpcId=self.their_vpc, PeerVpcId=vpc or self.vpc, PeerOwnerId=self.account,
        )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        assert self.status(pcx) == "pending-acceptance"
        return pcx

    def connection(self, pcx: str) -> dict[str, Any]:
        return self.ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]

    def status(self, pcx: str) -> str:
        return self.connection(pcx)["Status"]["Code"]

    def dns_option(self, pcx: str) -> bool:
        return bool(self.connection(pcx)["AccepterVpcInfo"].get("PeeringOptions", {})
                    .get("AllowDnsResolutionFromRemoteVpc", False))

    def deploy(self, assembly: str, stack: str, create: bool) -> str:
        publish_assets(assembly, stack, self.account)
        template = template_of(assembly, stack)
        return (emu.create_stack if create else emu.update_stack)(self.cfn, stack, template)


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def physical_id(cfn: Any, stack: str, resource_type: str) -> str:
    resources = cfn.describe_stack_resources(StackName=stack)["StackResources"]
    found = [r["PhysicalResourceId"] for r in resources if r["ResourceType"] == resource_type]
    assert len(found) == 1, resources
    return found[0]


STACK = "PeeringAccepter"


class TestAccept:
    state: dict[str, Any] = {}

    def test_deploy_accepts_the_request_and_sets_the_dns_option(self, world: World) -> None:
        w, s = world, self.state
        s["pcx"] = pcx = w.request()
        assert not w.dns_option(pcx)
        requester = {"accountId": emu.THIRD_PARTY_ACCOUNT, "vpcId": w.their_vpc}
        base = {"vpcId": w.vpc, "pcx": pcx, "allowDnsResolutionFromRemoteVpc": True}
        s["assemblies"] = synth([
            {**base, "stackName": STACK, "expectedRequester": {"accountId": emu.THIRD_PARTY_ACCOUNT}},
            {**base, "stackName": f"{STACK}-2", "expectedRequester": requester},
        ])
        status = w.deploy(s["assemblies"][STACK], STACK, create=True)
        assert status == "CREATE_COMPLETE", emu.failure_reasons(w.cfn, STACK)
        assert w.status(pcx) == "active"
        assert w.dns_option(pcx) is True  # read back: the accepter side allows DNS resolution from their VPC
        # the requester's side is the third party's: untouched
        theirs = w.their_ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]
        assert theirs["Status"]["Code"] == "active"
        assert not theirs["RequesterVpcInfo"].get("PeeringOptions", {}).get("AllowDnsResolutionFromRemoteVpc", False)
        # the physical id says this creation accepted it: a rollback of it would delete the connection again
        assert physical_id(w.cfn, STACK, "Custom::VpcPeeringAcceptance") == f"{pcx}:accepted"

    def test_second_deploy_with_the_connection_already_active(self, world: World) -> None:
        w, s = world, self.state
        if "assemblies" not in s:
            pytest.skip("the first deploy failed")
        # the update changes the acceptance's properties (the requester's VPC is now expected too): an Update event
        # on an active connection, which succeeds without accepting again
        template = template_of(s["assemblies"][f"{STACK}-2"], f"{STACK}-2")
        publish_assets(s["assemblies"][f"{STACK}-2"], f"{STACK}-2", w.account)
        status = emu.update_stack(w.cfn, STACK, template)
        assert status == "UPDATE_COMPLETE", emu.failure_reasons(w.cfn, STACK)
        assert w.status(s["pcx"]) == "active"
        assert w.dns_option(s["pcx"]) is True

    def test_delete_turns_dns_off_then_deletes_the_connection(self, world: World) -> None:
        """removalPolicy DESTROY (the default): deleting the stack deletes the connection, after the DNS resolution's
        Delete turned the option off (dependents first)."""
        w, s = world, self.state
        if "pcx" not in s:
            pytest.skip("the first deploy failed")
        with emu.recording():
            emu.delete_stack(w.cfn, STACK)
            calls = [s["call"] for s in emu.trail(STACK) if s.get("call") in (
                "ModifyVpcPeeringConnectionOptions", "DeleteVpcPeeringConnection")]
        assert calls == ["ModifyVpcPeeringConnectionOptions", "DeleteVpcPeeringConnection"], calls
        assert w.status(s["pcx"]) == "deleted"

    def test_removal_policy_retain_leaves_the_connection_active_and_turns_dns_off(self, world: World) -> None:
        w = world
        pcx = w.request()
        stack = "PeeringAccepterRetained"
        assembly = synth([{"stackName": stack, "vpcId": w.vpc, "pcx": pcx, "allowDnsResolutionFromRemoteVpc": True,
                           "expectedRequester": {"accountId": emu.THIRD_PARTY_ACCOUNT}, "removalPolicy": "retain"}])[stack]
        assert w.deploy(assembly, stack, create=True) == "CREATE_COMPLETE", emu.failure_reasons(w.cfn, stack)
        assert w.dns_option(pcx) is True
        emu.delete_stack(w.cfn, stack)
        assert w.status(pcx) == "active"
        assert w.dns_option(pcx) is False


class TestRefuse:
    def test_a_request_from_another_account_than_expected_fails_and_stays_pending(self, world: World) -> None:
        w = world
        pcx = w.request()
        stack = "PeeringAccepterWrongRequester"
        assembly = synth([{"stackName": stack, "vpcId": w.vpc, "pcx": pcx,
                           "expectedRequester": {"accountId": "111122223333"}}])[stack]
        assert w.deploy(assembly, stack, create=True) == "ROLLBACK_COMPLETE"
        reasons = " ".join(emu.failure_reasons(w.cfn, stack))
        assert f"VPC peering connection {pcx} was requested by account {emu.THIRD_PARTY_ACCOUNT}, not by the " \
               "expected requester account 111122223333" in reasons, reasons
        assert w.status(pcx) == "pending-acceptance"

    def test_a_request_for_another_vpc_fails_and_stays_pending(self, world: World) -> None:
        w = world
        other_vpc = w.ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
        pcx = w.request(other_vpc)
        stack = "PeeringAccepterWrongVpc"
        assembly = synth([{"stackName": stack, "vpcId": w.vpc, "pcx": pcx, "expectedRequester": {"accountId": emu.THIRD_PARTY_ACCOUNT}}])[stack]
        assert w.deploy(assembly, stack, create=True) == "ROLLBACK_COMPLETE"
        reasons = " ".join(emu.failure_reasons(w.cfn, stack))
        assert f"VPC peering connection {pcx} is not for this VPC: its accepter VPC is {other_vpc}, not {w.vpc}" \
            in reasons, reasons
        assert w.status(pcx) == "pending-acceptance"

    def test_a_rejected_request_fails_with_its_status(self, world: World) -> None:
        w = world
        pcx = w.request()
        w.ec2.reject_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        stack = "PeeringAccepterRejected"
        assembly = synth([{"stackName": stack, "vpcId": w.vpc, "pcx": pcx, "expectedRequester": {"accountId": emu.THIRD_PARTY_ACCOUNT}}])[stack]
        assert w.deploy(assembly, stack, create=True) == "ROLLBACK_COMPLETE"
        reasons = " ".join(emu.failure_reasons(w.cfn, stack))
        assert f"VPC peering connection {pcx} is rejected" in reasons, reasons


class TestRollback:
    def test_a_failure_after_the_dns_option_sends_the_custom_resources_their_delete(self, world: World) -> None:
        """A resource made after the DNS resolution fails (an injected fault): the create rolls back by deleting what it
        made, dependents first: the DNS resolution's Delete turns the option off again, then the acceptance's Delete
        undoes its acceptance (it deletes the connection: a failed deploy leaves no connection it accepted) — read back
        through EC2, the stack events and the trail of snapshots."""
        w = world
        pcx = w.request()
        stack = "PeeringAccepterRolledBack"
        assembly = synth([{"stackName": stack, "vpcId": w.vpc, "pcx": pcx, "allowDnsResolutionFromRemoteVpc": True,
                           "expectedRequester": {"accountId": emu.THIRD_PARTY_ACCOUNT}}])[stack]
        publish_assets(assembly, stack, w.account)
        template = template_of(assembly, stack)
        (dns,) = [k for k, v in template["Resources"].items() if v["Type"] == "Custom::VpcPeeringDnsResolution"]
        (acceptance,) = [k for k, v in template["Resources"].items() if v["Type"] == "Custom::VpcPeeringAcceptance"]
        template["Resources"]["Late"] = {"Type": "AWS::EC2::NetworkAcl", "Properties": {"VpcId": w.vpc},
                                         "DependsOn": [dns]}
        with emu.recording():
            emu.inject_fault("Late", "create", stack_name=stack)
            assert emu.create_stack(w.cfn, stack, template) == "ROLLBACK_COMPLETE"
            snapshots = emu.trail(stack)
        assert w.status(pcx) == "deleted"
        events = [(e["LogicalResourceId"], e["ResourceStatus"])
                  for e in w.cfn.describe_stack_events(StackName=stack)["StackEvents"][::-1]]
        rollback = events[events.index((stack, "ROLLBACK_IN_PROGRESS")):]
        assert rollback.index((dns, "DELETE_COMPLETE")) < rollback.index((acceptance, "DELETE_COMPLETE"))
        calls = [(s["phase"], s["logicalId"], s["call"]) for s in snapshots if s["logicalId"] in (dns, acceptance)]
        assert calls == [("create", acceptance, "AcceptVpcPeeringConnection"),
                         ("create", dns, "ModifyVpcPeeringConnectionOptions"),
                         ("rollback", dns, "ModifyVpcPeeringConnectionOptions"),
                         ("rollback", acceptance, "DeleteVpcPeeringConnection")], calls
        options = [p["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"]
                   for s in snapshots for p in s["vpcPeeringConnections"] if p["VpcPeeringConnectionId"] == pcx]
        assert options[0] is False and True in options and options[-1] is False
