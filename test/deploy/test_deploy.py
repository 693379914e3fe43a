"""Deploy, update and destroy the example stacks on the emulator (moto + moto_ext), reading EC2 state back.

The third party's VPC (10.200.0.0/16 plus 10.201.0.0/16) lives in a second moto account and requests the peering;
our account accepts it. Templates come from synth.ts (plain `app.synth()`) and go through the CloudFormation API.
After every deploy and update, every NACL and route table of our VPC must hold exactly what it held before plus what
the template declares; after the destroy, exactly what it held before.
"""
from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

import emu

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SYNTH_OUT = os.environ.get("DEPLOY_SYNTH_OUT", os.path.join(ROOT, "test", "deploy", "cdk.out"))
THEIR_CIDRS = ["10.200.0.0/16", "10.201.0.0/16"]
#: the third party's IPv6 block in the variants, synthesized before it exists (EC2 picks it when the vendor adds it):
#: each template gets the real one when it is deployed
THEIR_IPV6_PLACEHOLDER = "2600:1f18:ffff:ff00::/56"


def synth(variants: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Runs synth.ts once for all variants; returns the templates by stack name (`<assembly>/<stack name>` for a
    variant synthesized into an assembly of its own)."""
    os.makedirs(SYNTH_OUT, exist_ok=True)
    spec = os.path.join(SYNTH_OUT, f"variants-{variants[0]['stackName']}.json")
    with open(spec, "w") as f:
        json.dump(variants, f, indent=1)
    env = dict(os.environ, TS_NODE_TRANSPILE_ONLY="true", AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
    subprocess.run(
        ["npx", "ts-node", "--project", "test/tsconfig.json", "test/deploy/synth.ts", SYNTH_OUT, spec],
        cwd=ROOT, env=env, check=True,
    )
    emu.publish_assets(SYNTH_OUT, emu.OUR_ACCOUNT)
    out = {}
    for v in variants:
        key = f"{v['assembly']}/{v['stackName']}" if v.get("assembly") else v["stackName"]
        with open(os.path.join(SYNTH_OUT, v.get("assembly", ""), f"{v['stackName']}.template.json")) as f:
            out[key] = json.load(f)
    return out


# --- EC2 state of one VPC --------------------------------------------------------------------------------------------

def vpc_state(ec2: Any, vpc_id: str) -> dict[str, Any]:
    vpc_filter = [{"Name": "vpc-id", "Values": [vpc_id]}]
    acls = ec2.describe_network_acls(Filters=vpc_filter)["NetworkAcls"]
    tables = ec2.describe_route_tables(Filters=vpc_filter)["RouteTables"]
    return {
        "entries": {a["NetworkAclId"]: {emu.entry_key(e) for e in a["Entries"]} for a in acls},
        "routes": {t["RouteTableId"]: emu.routes(ec2, t["RouteTableId"]) for t in tables},
        "associations": {s["SubnetId"]: a["NetworkAclId"] for a in acls for s in a["Associations"]},
    }


def resolve(value: Any, physical: dict[str, str], ec2: Any) -> str:
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return physical[value["Ref"]]
    if "Fn::GetAtt" in value and value["Fn::GetAtt"][1] == "DefaultNetworkAcl":
        vpc = physical[value["Fn::GetAtt"][0]]
        acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                  {"Name": "default", "Values": ["true"]}])["NetworkAcls"]
        return acls[0]["NetworkAclId"]
    raise AssertionError(f"cannot resolve {value}")


def expected_state(baseline: dict[str, Any], template: dict[str, Any], physical: dict[str, str], ec2: Any
                   ) -> dict[str, Any]:
    """The baseline plus every entry and peering route the template declares (moto lists no implicit * rules)."""
    want = {k: {kk: set(vv) for kk, vv in v.items()} if k != "associations" else dict(v) for k, v in baseline.items()}
    for body in template["Resources"].values():
        p = body.get("Properties", {})
        if body["Type"] == "AWS::EC2::NetworkAclEntry":
            acl = resolve(p["NetworkAclId"], physical, ec2)
            pr, icmp = p.get("PortRange"), p.get("Icmp")
            key = (bool(p.get("Egress", False)), int(p["RuleNumber"]), p["RuleAction"], str(p["Protocol"]),
                   p.get("CidrBlock"), p.get("Ipv6CidrBlock"),
                   (int(pr["From"]), int(pr["To"])) if pr else None,
                   (int(icmp["Type"]), int(icmp["Code"])) if icmp else None)
            assert key not in want["entries"].setdefault(acl, set()), f"declared twice: {acl} {key}"
            want["entries"][acl].add(key)
        elif body["Type"] == "AWS::EC2::Route" and "VpcPeeringConnectionId" in p:
            rtb = resolve(p["RouteTableId"], physical, ec2)
            dest = p.get("DestinationCidrBlock") or p.get("DestinationIpv6CidrBlock")
            want["routes"].setdefault(rtb, set()).add((dest, resolve(p["VpcPeeringConnectionId"], physical, ec2)))
    return want


def assert_vpc_matches(ec2: Any, vpc_id: str, want: dict[str, Any]) -> None:
    got = vpc_state(ec2, vpc_id)
    for acl in sorted(set(got["entries"]) | set(want["entries"])):
        missing = want["entries"].get(acl, set()) - got["entries"].get(acl, set())
        extra = got["entries"].get(acl, set()) - want["entries"].get(acl, set())
        assert not missing and not extra, f"NACL {acl}: missing {sorted(missing)}, unexpected {sorted(extra)}"
    assert got["routes"] == want["routes"]
    assert got["associations"] == want["associations"]


def physical_ids(cfn: Any, stack: str) -> dict[str, str]:
    res = cfn.describe_stack_resources(StackName=stack)["StackResources"]
    return {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in res}


def deploy(cfn: Any, stack: str, template: dict[str, Any], create: bool) -> None:
    status = (emu.create_stack if create else emu.update_stack)(cfn, stack, template)
    assert status in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), (status, emu.failure_reasons(cfn, stack))


# --- the world: their VPC in a second account, our imported VPC ------------------------------------------------------

class World:
    """`account`: ours (moto's default unless given). `fake_bootstrap`: write what `cdk bootstrap` leaves behind that a
    synthesized template reads (the BootstrapVersion parameter), for stacks deployed through the API."""

    def __init__(self, account: str = emu.OUR_ACCOUNT, fake_bootstrap: bool = True) -> None:
        self.account = account
        self.cfn, self.ec2 = emu.client("cloudformation", account), emu.client("ec2", account)
        self.their_ec2 = emu.client("ec2", emu.THIRD_PARTY_ACCOUNT)
        if fake_bootstrap:
            emu.client("ssm", account).put_parameter(Name="/cdk-bootstrap/hnb659fds/version", Value="30",
                                                     Type="String", Overwrite=True)

        # the vendor's VPC has the blocks the step lists (`vendor_has`): the deploy checks that the external blocks cover
        # every block of the requester's VPC
        self.their_vpc = self.their_ec2.create_vpc(CidrBlock=THEIR_CIDRS[0])["Vpc"]["VpcId"]
        self.their_ipv6: str | None = None
        assert self.their_vpc not in {v["VpcId"] for v in self.ec2.describe_vpcs()["Vpcs"]}, "not a second account"

        # our existing VPC: two private subnets sharing one route table, a private NACL and two other tiers' NACLs,
        # each allowing everything at rule 100 in both directions
        ec2 = self.ec2
        self.vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=self.vpc)
        subnet = lambda cidr, az: ec2.create_subnet(VpcId=self.vpc, CidrBlock=cidr, AvailabilityZone=az)[  # noqa
            "Subnet"]["SubnetId"]
        self.private_subnets = [subnet("10.1.1.0/24", "us-east-1a"), subnet("10.1.2.0/24", "us-east-1b")]
        self.public_subnet, self.data_subnet = subnet("10.1.101.0/24", "us-east-1a"), subnet("10.1.201.0/24", "us-east-1a")
        self.private_rtb = ec2.create_route_table(VpcId=self.vpc)["RouteTable"]["RouteTableId"]
        for s in self.private_subnets:
            ec2.associate_route_table(RouteTableId=self.private_rtb, SubnetId=s)
        public_rtb = ec2.create_route_table(VpcId=self.vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=public_rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2.associate_route_table(RouteTableId=public_rtb, SubnetId=self.public_subnet)
        ec2.create_route(RouteTableId=self.private_rtb, DestinationCidrBlock="10.99.0.0/16", GatewayId=igw)

        def nacl(subnets: list[str]) -> str:
            return emu.allow_all_nacl(ec2, self.vpc, subnets)

        self.private_acl = nacl(self.private_subnets)
        self.public_acl, self.data_acl = nacl([self.public_subnet]), nacl([self.data_subnet])
        self.pcx_imported = emu.peering(self.their_vpc, emu.THIRD_PARTY_ACCOUNT, self.vpc, account)

    def vendor_has(self, ipv4: list[str], ipv6: bool) -> None:
        """The vendor adds or removes blocks of its VPC (its primary block stays) until it has exactly these."""
        (vpc,) = self.their_ec2.describe_vpcs(VpcIds=[self.their_vpc])["Vpcs"]
        live = lambda a: (a.get("CidrBlockState") or a.get("Ipv6CidrBlockState") or {}).get("State", "associated") == "associated"  # noqa: E731,E501
        have4 = {a["CidrBlock"]: a["AssociationId"] for a in vpc.get("CidrBlockAssociationSet", []) if live(a)}
        have6 = {a["Ipv6CidrBlock"]: a["AssociationId"] for a in vpc.get("Ipv6CidrBlockAssociationSet", []) if live(a)}
        for cidr in ipv4:
            if cidr not in have4:
                self.their_ec2.associate_vpc_cidr_block(VpcId=self.their_vpc, CidrBlock=cidr)
        for cidr, association in have4.items():
            if cidr not in ipv4 and cidr != THEIR_CIDRS[0]:
                self.their_ec2.disassociate_vpc_cidr_block(AssociationId=association)
        if ipv6 and not have6:
            self.their_ipv6 = self.their_ec2.associate_vpc_cidr_block(
                VpcId=self.their_vpc, AmazonProvidedIpv6CidrBlock=True)["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"]
        if not ipv6:
            for association in have6.values():
                self.their_ec2.disassociate_vpc_cidr_block(AssociationId=association)
            self.their_ipv6 = None

    def for_step(self, variant: dict[str, Any], template: dict[str, Any]) -> dict[str, Any]:
        """What happens before a step's deploy: the vendor's VPC gets the blocks the step lists (the example's block when
        it lists none); the template, the vendor's real IPv6 block for the placeholder."""
        ipv4 = variant.get("externalCidrBlocks") or (variant.get("imported") or {}).get("externalCidrBlocks") or THEIR_CIDRS[:1]
        ipv6 = THEIR_IPV6_PLACEHOLDER in variant.get("externalIpv6CidrBlocks", [])
        self.vendor_has(ipv4, ipv6)
        return json.loads(json.dumps(template).replace(THEIR_IPV6_PLACEHOLDER, self.their_ipv6)) if ipv6 else template

    def imported_props(self, other_acls: list[str] | None = None) -> dict[str, Any]:
        return {
            "vpcId": self.vpc, "vpcCidrBlock": "10.1.0.0/16", "availabilityZones": ["us-east-1a", "us-east-1b"],
            "privateSubnetIds": self.private_subnets,
            "privateSubnetRouteTableIds": [self.private_rtb, self.private_rtb],
            "privateNetworkAclId": self.private_acl,
            "otherNetworkAclIds": other_acls or [self.public_acl, self.data_acl],
            "vpcPeeringConnectionId": self.pcx_imported, "externalCidrBlocks": THEIR_CIDRS[:1],
        }


@pytest.fixture(scope="module")
def world() -> World:
    return World()


# --- the edit sequence -----------------------------------------------------------------------------------------------

def imported_sequence(w: World) -> list[tuple[str, dict[str, Any]]]:
    base = {"kind": "imported", "imported": w.imported_props()}
    return [
        ("port added at the end", {**base, "allowOutbound": ["tcp:5432", "tcp:443"]}),
        ("port inserted at the front", {**base, "allowOutbound": ["tcp:22", "tcp:5432", "tcp:443"]}),
        ("CIDR added", {**base, "allowOutbound": ["tcp:22", "tcp:5432", "tcp:443"], "externalCidrBlocks": THEIR_CIDRS}),
        ("NACLs reordered", {**base, "imported": w.imported_props([w.data_acl, w.public_acl]),
                             "allowOutbound": ["tcp:22", "tcp:5432", "tcp:443"], "externalCidrBlocks": THEIR_CIDRS}),
        ("blanket deny off", {**base, "imported": w.imported_props([w.data_acl, w.public_acl]),
                              "allowOutbound": ["tcp:22", "tcp:5432", "tcp:443"], "externalCidrBlocks": THEIR_CIDRS,
                              "blanketDeny": False}),
        ("blanket deny on", {**base, "imported": w.imported_props([w.data_acl, w.public_acl]),
                             "allowOutbound": ["tcp:22", "tcp:5432", "tcp:443"], "externalCidrBlocks": THEIR_CIDRS,
                             "blanketDeny": True}),
        ("port removed", {**base, "imported": w.imported_props([w.data_acl, w.public_acl]),
                          "allowOutbound": ["tcp:5432", "tcp:443"], "externalCidrBlocks": THEIR_CIDRS}),
        ("inbound port added, UDP and ICMP", {**base, "imported": w.imported_props([w.data_acl, w.public_acl]),
                                              "allowOutbound": ["tcp:5432", "tcp:443", "udp:53", "icmp:8:0"],
                                              "allowInbound": ["tcp:8443", "tcp:443"],
                                              "externalCidrBlocks": THEIR_CIDRS}),
        ("IPv6 CIDR added", {**base, "imported": w.imported_props([w.data_acl, w.public_acl]),
                             "allowOutbound": ["tcp:5432", "tcp:443", "udp:53", "icmp:8:0"],
                             "allowInbound": ["tcp:8443", "tcp:443"], "externalCidrBlocks": THEIR_CIDRS,
                             "externalIpv6CidrBlocks": [THEIR_IPV6_PLACEHOLDER]}),
        # the vendor gives up its secondary block, and the user removes it
        ("IPv4 CIDR removed", {**base, "imported": w.imported_props([w.data_acl, w.public_acl]),
                               "allowOutbound": ["tcp:5432", "tcp:443"], "allowInbound": ["tcp:8443"],
                               "externalCidrBlocks": THEIR_CIDRS[:1], "externalIpv6CidrBlocks": [THEIR_IPV6_PLACEHOLDER]}),
    ]


def new_sequence(pcx: str) -> list[tuple[str, dict[str, Any]]]:
    base = {"kind": "new", "pcx": pcx}
    return [
        ("port added at the end", {**base, "allowOutbound": ["tcp:443", "tcp:9200", "tcp:80"]}),
        ("port inserted at the front", {**base, "allowOutbound": ["tcp:22", "tcp:443", "tcp:9200", "tcp:80"]}),
        ("CIDR added", {**base, "allowOutbound": ["tcp:22", "tcp:443", "tcp:9200", "tcp:80"],
                        "externalCidrBlocks": THEIR_CIDRS}),
        ("blanket deny off", {**base, "allowOutbound": ["tcp:22", "tcp:443", "tcp:9200", "tcp:80"],
                              "externalCidrBlocks": THEIR_CIDRS, "blanketDeny": False}),
        ("blanket deny on", {**base, "allowOutbound": ["tcp:22", "tcp:443", "tcp:9200", "tcp:80"],
                             "externalCidrBlocks": THEIR_CIDRS}),
        ("port removed", {**base, "allowOutbound": ["tcp:22", "tcp:9200", "tcp:80"], "externalCidrBlocks": THEIR_CIDRS}),
    ]


# --- imported VPC ----------------------------------------------------------------------------------------------------

IMPORTED_STACK = "PeeringImportedVpcExample"


class TestImportedVpc:
    state: dict[str, Any] = {}

    def test_deploy_example(self, world: World) -> None:
        w, s = world, self.state
        s["baseline"] = vpc_state(w.ec2, w.vpc)
        assert all((False, 100, "allow", "-1", "0.0.0.0/0", None, None, None) in s["baseline"]["entries"][a]
                   for a in (w.private_acl, w.public_acl, w.data_acl))
        steps = imported_sequence(w)
        variants = [{"kind": "example-imported", "stackName": "Imported-0", "imported": w.imported_props()}]
        # each step synthesized after the one before was deployed: with its rule-number record
        variants += [{**v, "stackName": f"Imported-{i + 1}", "previous": f"Imported-{i}"} for i, (_, v) in enumerate(steps)]
        s["templates"] = synth(variants)
        s["steps"] = [(name, v, s["templates"][f"Imported-{i + 1}"]) for i, (name, v) in enumerate(steps)]
        template = w.for_step(variants[0], s["templates"]["Imported-0"])
        deploy(w.cfn, IMPORTED_STACK, template, create=True)
        want = expected_state(s["baseline"], template, {}, w.ec2)
        assert_vpc_matches(w.ec2, w.vpc, want)
        # the example's policy, read back: deny from the top of the band, allows from the bottom, below the 100 rules
        private = vpc_state(w.ec2, w.vpc)["entries"][w.private_acl]
        ours = sorted(e for e in private if e[1] != 100)
        assert ours and all(50 <= e[1] <= 99 for e in ours)
        assert (False, 99, "deny", "-1", "10.200.0.0/16", None, None, None) in private
        assert (True, 99, "deny", "-1", "10.200.0.0/16", None, None, None) in private
        assert (False, 99, "deny", "-1", "10.200.0.0/16", None, None, None) in vpc_state(w.ec2, w.vpc)["entries"][
            w.public_acl]
        assert (THEIR_CIDRS[0], w.pcx_imported) in vpc_state(w.ec2, w.vpc)["routes"][w.private_rtb]

    @pytest.mark.parametrize("step", range(10))
    def test_update(self, world: World, step: int) -> None:
        s = self.state
        if "steps" not in s:
            pytest.skip("the deploy failed")
        name, variant, template = s["steps"][step]
        template = world.for_step(variant, template)
        deploy(world.cfn, IMPORTED_STACK, template, create=False)
        assert_vpc_matches(world.ec2, world.vpc, expected_state(s["baseline"], template, {}, world.ec2))
        s["deployed"] = template

    def test_renamed_entries_collide(self, world: World) -> None:
        """Control: the emulator catches what synth tests cannot. The last template with every entry's logical id
        changed (as position-derived ids would) must fail like AWS, NetworkAclEntryAlreadyExists, and roll back."""
        s = self.state
        if "steps" not in s:
            pytest.skip("the deploy failed")
        current = s["deployed"]
        renamed = json.loads(json.dumps(current))
        entries = {k for k, v in current["Resources"].items() if v["Type"] == "AWS::EC2::NetworkAclEntry"}
        renamed["Resources"] = {(k + "Renamed" if k in entries else k): v for k, v in renamed["Resources"].items()}
        for body in renamed["Resources"].values():  # DependsOn names the renamed entries too
            if "DependsOn" in body:
                depends = body["DependsOn"] if isinstance(body["DependsOn"], list) else [body["DependsOn"]]
                body["DependsOn"] = [d + "Renamed" if d in entries else d for d in depends]
        assert emu.update_stack(world.cfn, IMPORTED_STACK, renamed) == "UPDATE_ROLLBACK_COMPLETE"
        assert any("NetworkAclEntryAlreadyExists" in r for r in emu.failure_reasons(world.cfn, IMPORTED_STACK))
        assert_vpc_matches(world.ec2, world.vpc, expected_state(s["baseline"], current, {}, world.ec2))

    def test_destroy(self, world: World) -> None:
        emu.delete_stack(world.cfn, IMPORTED_STACK)
        assert_vpc_matches(world.ec2, world.vpc, self.state["baseline"])  # entries, routes and associations as before


# --- new VPC ---------------------------------------------------------------------------------------------------------

NEW_STACK = "PeeringNewVpcExample"


class TestNewVpc:
    state: dict[str, Any] = {}

    def test_deploy_example(self, world: World) -> None:
        w, s = world, self.state
        # the VPC exists before the peering does: deploy it alone, let the third party request a peering to it
        t0 = synth([{"kind": "new", "stackName": "New-vpc-only", "peering": False}])["New-vpc-only"]
        deploy(w.cfn, NEW_STACK, t0, create=True)
        physical = physical_ids(w.cfn, NEW_STACK)
        vpc_logical = [k for k, v in t0["Resources"].items() if v["Type"] == "AWS::EC2::VPC"][0]
        s["vpc"] = physical[vpc_logical]
        s["baseline"] = vpc_state(w.ec2, s["vpc"])
        s["pcx"] = emu.peering(w.their_vpc, emu.THIRD_PARTY_ACCOUNT, s["vpc"], emu.OUR_ACCOUNT)

        steps = new_sequence(s["pcx"])
        variants = [{"kind": "example-new", "stackName": "New-0", "pcx": s["pcx"]},
                    {"kind": "new", "stackName": "New-0-props", "pcx": s["pcx"]}]
        variants += [{**v, "stackName": f"New-{i + 1}", "previous": f"New-{i}"} for i, (_, v) in enumerate(steps)]
        templates = synth(variants)
        # synth.ts's copy of the example builds the same template (but for the Name tags, which carry the stack name)
        assert json.dumps(templates["New-0"]).replace("New-0/", "X/").replace('"New-0"', '"X"') == \
            json.dumps(templates["New-0-props"]).replace("New-0-props/", "X/").replace('"New-0-props"', '"X"')
        s["steps"] = [(name, v, templates[f"New-{i + 1}"]) for i, (name, v) in enumerate(steps)]
        template = w.for_step(variants[0], templates["New-0"])
        deploy(w.cfn, NEW_STACK, template, create=False)
        physical = physical_ids(w.cfn, NEW_STACK)
        assert_vpc_matches(w.ec2, s["vpc"], expected_state(s["baseline"], template, physical, w.ec2))
        default_acl = resolve({"Fn::GetAtt": [vpc_logical, "DefaultNetworkAcl"]}, physical, w.ec2)
        entries = vpc_state(w.ec2, s["vpc"])["entries"][default_acl]
        assert (False, 100, "allow", "-1", "0.0.0.0/0", None, None, None) in entries
        assert (True, 50, "allow", "6", "10.200.0.0/16", None, (443, 443), None) in entries
        s["physical"] = physical

    @pytest.mark.parametrize("step", range(6))
    def test_update(self, world: World, step: int) -> None:
        s = self.state
        if "steps" not in s:
            pytest.skip("the deploy failed")
        name, variant, template = s["steps"][step]
        template = world.for_step(variant, template)
        deploy(world.cfn, NEW_STACK, template, create=False)
        physical = physical_ids(world.cfn, NEW_STACK)
        assert_vpc_matches(world.ec2, s["vpc"], expected_state(s["baseline"], template, physical, world.ec2))

    def test_destroy(self, world: World) -> None:
        s = self.state
        emu.delete_stack(world.cfn, NEW_STACK)
        # moto cannot delete route tables, so the VPC may stay behind; if it does, no peering route or entry is left
        if s.get("vpc") in {v["VpcId"] for v in world.ec2.describe_vpcs()["Vpcs"]}:
            got = vpc_state(world.ec2, s["vpc"])
            assert not [r for rs in got["routes"].values() for r in rs if r[1] == s.get("pcx")]
            for acl, entries in got["entries"].items():
                assert {e[1] for e in entries} <= {100, 32767}, (acl, entries)
