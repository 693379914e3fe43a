"""The CloudFormation traps of STOCK moto that moto_ext.py exists for (issue 5 §1, EMULATOR.md), shown on moto (5.2.5,
pinned in requirements.txt) without the extension: a second moto server in a subprocess of its own (loopback, a free
port) that never imports moto_ext, so the patched server the other tests use is untouched.

Each test asserts the stock behaviour, read back through the EC2 API. If one fails after a moto upgrade, moto has
fixed (or changed) that trap: the matching part of moto_ext may no longer be needed (see EMULATOR.md).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from typing import Any, Iterator

import boto3
import pytest
from botocore.config import Config

# Started with `python -c`: moto's own server, nothing of test/deploy on sys.path (cwd is a temp dir), and a check
# that moto_ext was not imported. Whatever moto requirements.txt pins (no version check here: after an upgrade these
# tests should run and say which traps remain). Prints the port; runs until terminated or its stdin closes.
SERVER = """
import os
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
assert host == "127.0.0.1", host
assert "moto_ext" not in sys.modules
print(port, flush=True)
sys.stdin.read()
os._exit(0)
"""


@pytest.fixture(scope="module")
def stock() -> Iterator[dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in ("PYTHONPATH", "MOTO_ACCOUNT_ID")}
    env.update(AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
               AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN="testing")
    with tempfile.TemporaryDirectory() as cwd, open(os.path.join(cwd, "server.log"), "w+") as log:
        proc = subprocess.Popen([sys.executable, "-c", SERVER], cwd=cwd, env=env, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        try:
            line = proc.stdout.readline()
            if not line.strip().isdigit():
                proc.kill()
                log.seek(0)
                pytest.fail(f"stock moto server did not start: {line!r}\n{log.read()}")
            url = f"http://127.0.0.1:{int(line)}"
            kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                      aws_secret_access_key="testing", aws_session_token="testing",
                      config=Config(retries={"max_attempts": 1}))
            yield {"ec2": boto3.client("ec2", **kw), "cfn": boto3.client("cloudformation", **kw), "log": log}
        finally:
            proc.terminate()  # this process only (its id); nothing of it outlives it
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdin.close()
            proc.stdout.close()


# --- helpers ---------------------------------------------------------------------------------------------------------

def create(cfn: Any, resources: dict[str, Any]) -> tuple[str, str]:
    name = f"stock-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": resources}))
    return name, cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]


def update(cfn: Any, name: str, resources: dict[str, Any]) -> str:
    cfn.update_stack(StackName=name, TemplateBody=json.dumps({"Resources": resources}))
    return cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]


def vpc(ec2: Any, cidr: str = "10.0.0.0/16") -> str:
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def default_acl(ec2: Any, vpc_id: str) -> dict[str, Any]:
    acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"]
    return next(a for a in acls if a["IsDefault"])


def vpc_with_gateway_and_table(ec2: Any) -> tuple[str, str, str]:
    vpc_id = vpc(ec2)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    return vpc_id, igw, rtb


def routes(ec2: Any, rtb: str) -> list[dict[str, Any]]:
    """The table's routes other than the local one."""
    table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    return [r for r in table["Routes"] if r.get("GatewayId") != "local"]


def route(rtb: str, dest: str, **target: str) -> dict[str, Any]:
    return {"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": rtb, "DestinationCidrBlock": dest, **target}}


# A resource stock moto creates and deletes, to keep a template's Resources non-empty.
PLACEHOLDER = {"Placeholder": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}


# --- the traps -------------------------------------------------------------------------------------------------------

def test_network_acl_is_skipped(stock: dict[str, Any]) -> None:
    """AWS::EC2::NetworkAcl: CREATE_COMPLETE, but the VPC has only its default NACL (a log warning only)."""
    ec2, cfn = stock["ec2"], stock["cfn"]
    vpc_id = vpc(ec2)
    _, status = create(cfn, {"Acl": {"Type": "AWS::EC2::NetworkAcl", "Properties": {"VpcId": vpc_id}}})
    assert status == "CREATE_COMPLETE"
    acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"]
    assert [a["IsDefault"] for a in acls] == [True]
    stock["log"].flush()
    stock["log"].seek(0)
    assert "No Moto CloudFormation support for AWS::EC2::NetworkAcl" in stock["log"].read()


def test_network_acl_entry_is_skipped(stock: dict[str, Any]) -> None:
    """AWS::EC2::NetworkAclEntry (on an existing NACL): CREATE_COMPLETE, no entry."""
    ec2, cfn = stock["ec2"], stock["cfn"]
    vpc_id = vpc(ec2)
    acl = default_acl(ec2, vpc_id)
    before = acl["Entries"]
    _, status = create(cfn, {"Entry": {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {
        "NetworkAclId": acl["NetworkAclId"], "RuleNumber": 120, "Protocol": 6, "RuleAction": "allow", "Egress": False,
        "CidrBlock": "10.9.0.0/16", "PortRange": {"From": 443, "To": 443}}}})
    assert status == "CREATE_COMPLETE"
    after = default_acl(ec2, vpc_id)["Entries"]
    assert after == before
    assert not [e for e in after if e["RuleNumber"] == 120]


def test_subnet_network_acl_association_is_skipped(stock: dict[str, Any]) -> None:
    """AWS::EC2::SubnetNetworkAclAssociation: CREATE_COMPLETE, the subnet stays on the default NACL."""
    ec2, cfn = stock["ec2"], stock["cfn"]
    vpc_id = vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    custom = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    _, status = create(cfn, {"Assoc": {"Type": "AWS::EC2::SubnetNetworkAclAssociation", "Properties": {
        "SubnetId": subnet, "NetworkAclId": custom}}})
    assert status == "CREATE_COMPLETE"
    on_subnet = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])["NetworkAcls"]
    assert [a["NetworkAclId"] for a in on_subnet] == [default_acl(ec2, vpc_id)["NetworkAclId"]]
    assert ec2.describe_network_acls(NetworkAclIds=[custom])["NetworkAcls"][0]["Associations"] == []


def test_route_ipv6_destination_is_dropped(stock: dict[str, Any]) -> None:
    """AWS::EC2::Route with DestinationIpv6CidrBlock: CREATE_COMPLETE, a route with no destination at all."""
    ec2, cfn = stock["ec2"], stock["cfn"]
    _, igw, rtb = vpc_with_gateway_and_table(ec2)
    _, status = create(cfn, {"V6": {"Type": "AWS::EC2::Route", "Properties": {
        "RouteTableId": rtb, "DestinationIpv6CidrBlock": "::/0", "GatewayId": igw}}})
    assert status == "CREATE_COMPLETE"
    [r] = routes(ec2, rtb)
    assert r["GatewayId"] == igw
    assert "DestinationIpv6CidrBlock" not in r and "DestinationCidrBlock" not in r, r


def test_route_is_never_updated(stock: dict[str, Any]) -> None:
    """A route whose destination changes (AWS replaces it) and one whose target changes (AWS updates it in place):
    UPDATE_COMPLETE, both routes as they were."""
    ec2, cfn = stock["ec2"], stock["cfn"]
    vpc_id, igw, rtb = vpc_with_gateway_and_table(ec2)
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc_id, PeerVpcId=vpc(ec2, "10.50.0.0/16"))
    pcx_id = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    name, status = create(cfn, {"Moved": route(rtb, "10.1.0.0/16", GatewayId=igw),
                                "Retargeted": route(rtb, "10.2.0.0/16", GatewayId=igw)})
    assert status == "CREATE_COMPLETE"
    before = routes(ec2, rtb)
    assert {(r["DestinationCidrBlock"], r["GatewayId"]) for r in before} == {("10.1.0.0/16", igw), ("10.2.0.0/16", igw)}
    status = update(cfn, name, {"Moved": route(rtb, "10.3.0.0/16", GatewayId=igw),
                                "Retargeted": route(rtb, "10.2.0.0/16", VpcPeeringConnectionId=pcx_id)})
    assert status == "UPDATE_COMPLETE"
    assert routes(ec2, rtb) == before


def test_route_is_never_deleted(stock: dict[str, Any]) -> None:
    """A route removed by an update, and one left for the stack's deletion: both stay in the table."""
    ec2, cfn = stock["ec2"], stock["cfn"]
    _, igw, rtb = vpc_with_gateway_and_table(ec2)
    name, status = create(cfn, {"Removed": route(rtb, "10.1.0.0/16", GatewayId=igw),
                                "Kept": route(rtb, "10.2.0.0/16", GatewayId=igw)})
    assert status == "CREATE_COMPLETE"
    assert update(cfn, name, {"Kept": route(rtb, "10.2.0.0/16", GatewayId=igw)}) == "UPDATE_COMPLETE"
    assert sorted(r["DestinationCidrBlock"] for r in routes(ec2, rtb)) == ["10.1.0.0/16", "10.2.0.0/16"]
    cfn.delete_stack(StackName=name)
    assert not [s for s in cfn.list_stacks()["StackSummaries"]
                if s["StackName"] == name and s["StackStatus"] != "DELETE_COMPLETE"]
    assert sorted(r["DestinationCidrBlock"] for r in routes(ec2, rtb)) == ["10.1.0.0/16", "10.2.0.0/16"]


def test_update_deletes_removed_resources_before_creating_new_ones(stock: dict[str, Any]) -> None:
    """A security group renamed in the template (new logical ID, same GroupName). AWS creates the new one first, which
    collides with the old one (InvalidGroup.Duplicate), and rolls back. Stock moto deletes the old one first, so the
    update succeeds: the order that would hide a NetworkAclEntry / Route moved to a new logical ID at the same rule
    number / destination."""
    ec2, cfn = stock["ec2"], stock["cfn"]
    vpc_id = vpc(ec2)

    def group(logical_id: str) -> dict[str, Any]:
        return {logical_id: {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupName": "stock-order", "GroupDescription": "order", "VpcId": vpc_id}}}

    def groups() -> list[str]:
        found = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                      {"Name": "group-name", "Values": ["stock-order"]}])
        return [g["GroupId"] for g in found["SecurityGroups"]]

    name, status = create(cfn, {**group("Old"), **PLACEHOLDER})
    assert status == "CREATE_COMPLETE"
    [old] = groups()
    # the collision the new-first order runs into, through the EC2 API
    with pytest.raises(ec2.exceptions.ClientError, match="InvalidGroup.Duplicate"):
        ec2.create_security_group(GroupName="stock-order", Description="order", VpcId=vpc_id)
    assert update(cfn, name, {**group("New"), **PLACEHOLDER}) == "UPDATE_COMPLETE"
    [new] = groups()
    assert new != old
