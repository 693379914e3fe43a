"""The world of the transition and window tests: our existing VPC (imported by the stacks) and the VPCs of third
parties (SaaS vendors), each with a peering connection it requested to ours.

Our VPC, 10.1.0.0/16 in our account: two private subnets sharing a route table, on a private NACL; a public subnet on a
NACL of its own; both NACLs allow everything at rule 100 in both directions, as hand-made NACLs usually do. Each vendor's
VPC lives in the third party's account and requests a peering to ours; we accept it unless told not to (the stack
accepts it then).
"""
from __future__ import annotations

import json
import os
from typing import Any

import emu

OUR_CIDR = "10.1.0.0/16"

#: the placeholder ids the fixture templates were synthesized with (fixtures/windows-before-fix/variants.json)
PLACEHOLDERS = {
    "vpc": "vpc-0a1b2c3d4e5f60718",
    "subnet1": "subnet-0aaaaaaaaaaaaaaa1",
    "subnet2": "subnet-0aaaaaaaaaaaaaaa2",
    "rtb": "rtb-0bbbbbbbbbbbbbbb1",
    "private_acl": "acl-0ccccccccccccccc1",
    "public_acl": "acl-0ccccccccccccccc2",
    "default_acl": "acl-0ccccccccccccccc0",
}


class VendorWorld:
    def __init__(self, vendors: dict[str, str], pending: tuple[str, ...] = ()) -> None:
        """`vendors`: name → the CIDR block of its VPC; `pending`: the vendors whose request we leave unaccepted."""
        self.ec2 = ec2 = emu.client("ec2")
        self.cfn = emu.client("cloudformation")
        self.their_ec2 = emu.client("ec2", emu.THIRD_PARTY_ACCOUNT)
        self.vpc = ec2.create_vpc(CidrBlock=OUR_CIDR)["Vpc"]["VpcId"]
        for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
            ec2.modify_vpc_attribute(VpcId=self.vpc, **{attribute: {"Value": True}})

        def subnet(cidr: str, az: str) -> str:
            return ec2.create_subnet(VpcId=self.vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]

        self.private_subnets = [subnet("10.1.1.0/24", "us-east-1a"), subnet("10.1.2.0/24", "us-east-1b")]
        self.public_subnet = subnet("10.1.101.0/24", "us-east-1a")
        self.private_rtb = ec2.create_route_table(VpcId=self.vpc)["RouteTable"]["RouteTableId"]
        for s in self.private_subnets:
            ec2.associate_route_table(RouteTableId=self.private_rtb, SubnetId=s)
        (self.default_acl,) = [a["NetworkAclId"] for a in ec2.describe_network_acls(Filters=[
            {"Name": "vpc-id", "Values": [self.vpc]}, {"Name": "default", "Values": ["true"]}])["NetworkAcls"]]
        self.private_acl = self._nacl(self.private_subnets)
        self.public_acl = self._nacl([self.public_subnet])

        self.vendor_vpcs: dict[str, str] = {}
        self.pcx: dict[str, str] = {}
        for name, cidr in vendors.items():
            self.vendor_vpcs[name] = self.their_ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
            self.pcx[name] = self.request(name, accept=name not in pending)

    def _nacl(self, subnets: list[str]) -> str:
        return emu.allow_all_nacl(self.ec2, self.vpc, subnets)

    def request(self, vendor: str, accept: bool = True) -> str:
        """The vendor requests a (new) peering connection to our VPC; we accept it when `accept`."""
        pcx = self.their_ec2.create_vpc_peering_connection(
            VpcId=self.vendor_vpcs[vendor], PeerVpcId=self.vpc, PeerOwnerId=emu.OUR_ACCOUNT,
        )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        if accept:
            self.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        return pcx

    def add_vendor_cidr(self, vendor: str, cidr: str) -> None:
        self.their_ec2.associate_vpc_cidr_block(VpcId=self.vendor_vpcs[vendor], CidrBlock=cidr)

    def status(self, pcx: str) -> str:
        return self.ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0][
            "Status"]["Code"]

    # --- for synth.ts and the fixtures ---------------------------------------------------------------------------------
    @staticmethod
    def placeholder_imported() -> dict[str, Any]:
        """The `imported` field of a synth.ts "vendors" variant, with the placeholder ids (`with_ids` replaces them)."""
        return {
            "vpcId": PLACEHOLDERS["vpc"], "vpcCidrBlock": OUR_CIDR, "availabilityZones": ["us-east-1a", "us-east-1b"],
            "privateSubnetIds": [PLACEHOLDERS["subnet1"], PLACEHOLDERS["subnet2"]],
            "privateSubnetRouteTableIds": [PLACEHOLDERS["rtb"]] * 2,
            "privateNetworkAclId": PLACEHOLDERS["private_acl"], "otherNetworkAclIds": [PLACEHOLDERS["public_acl"]],
            "defaultNetworkAclId": PLACEHOLDERS["default_acl"],
            "vpcPeeringConnectionId": "unused", "externalCidrBlocks": [],
        }

    def with_ids(self, template: dict[str, Any], pcx_placeholders: dict[str, str]) -> dict[str, Any]:
        """A template synthesized with the placeholder ids, with this world's (`pcx_placeholders`: placeholder pcx id →
        vendor; vendors without a request yet are left). Logical ids contain the ids without their dashes: they keep
        the placeholders, so the templates of one sequence agree."""
        real = {
            PLACEHOLDERS["vpc"]: self.vpc, PLACEHOLDERS["subnet1"]: self.private_subnets[0],
            PLACEHOLDERS["subnet2"]: self.private_subnets[1], PLACEHOLDERS["rtb"]: self.private_rtb,
            PLACEHOLDERS["private_acl"]: self.private_acl, PLACEHOLDERS["public_acl"]: self.public_acl,
            PLACEHOLDERS["default_acl"]: self.default_acl,
            **{placeholder: self.pcx[vendor] for placeholder, vendor in pcx_placeholders.items() if vendor in self.pcx},
        }
        text = json.dumps(template)
        for placeholder, value in real.items():
            text = text.replace(placeholder, value)
        return json.loads(text)

    def fixture(self, path: str, pcx_placeholders: dict[str, str]) -> dict[str, Any]:
        """A fixture template (fixtures/windows-before-fix) with this world's ids."""
        with open(path) as f:
            return self.with_ids(json.load(f), pcx_placeholders)

    # --- EC2 state ----------------------------------------------------------------------------------------------------
    def entries(self, acl: str) -> set[tuple]:
        return emu.entries(self.ec2, acl)


def fixture_path(*parts: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", *parts)
