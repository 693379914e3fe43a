"""Off the Terraform module and onto the construct, on the emulator, with the real Terraform CLI (issue 11, part 2).

The module's worked example (README "Coming from Terraform"): route tables
[rtb-pub, rtb-app-a, rtb-app-b], access NACL [acl-app], all NACLs [acl-pub, acl-app, acl-persist], tcp 443,
starts 10, high starts 50, external 10.200.0.0/16; every NACL also allows everything at rule 100, as hand-made NACLs do.

Migration, the README's procedure, one test per step, each reading the EC2 state back and deciding a table of packets
on it the way AWS does (test/support/nacl-evaluator.ts): Terraform applies the module; the construct cannot deploy
while Terraform holds the routes, nor in a band holding the module's numbers (controls); Terraform lets go of the
routes the construct takes over; the construct deploys in the band below the module's numbers; the module's block is
removed and the plan, read first, applied (the root module also holds a VPC, which stays). The policy holds after every
step, and at the end nothing of the module's is left.

Parity: the same inputs through the construct (its default band) on a twin VPC decide the packet table as Terraform's
rules did.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from typing import Any

import pytest

import emu
import tf
from conftest import ROOT, Evaluator
from test_deploy import expected_state, assert_vpc_matches, vpc_state

SYNTH_OUT = os.environ.get("TERRAFORM_SYNTH_OUT", os.path.join(ROOT, "test", "terraform", "cdk.out"))
EXTERNAL = "10.200.0.0/16"
PEER_HOST, OWN_HOST, OTHER_HOST = "10.200.7.7", "10.1.50.5", "10.99.0.5"  # in the peer, in our VPC, elsewhere
ROLES = ("pub", "app", "persist")
MODULE_NUMBERS = {10, 50, 55, 60}  # the worked example's rule numbers
BAND = (1, 9)  # the construct's band in the migration: below the module's lowest number (10)


def tcp(direction: str, port: int, remote: str = PEER_HOST) -> dict[str, Any]:
    return {"direction": direction, "protocol": 6, "port": port, "remote": remote}


# (name, packet, roles whose NACL lets it through under the module's policy)
PACKETS: list[tuple[str, dict[str, Any], set[str]]] = [
    ("tcp 443 out", tcp("egress", 443), {"app"}),
    ("tcp 22 out", tcp("egress", 22), set()),
    ("tcp 80 out", tcp("egress", 80), set()),
    ("tcp 442 out", tcp("egress", 442), set()),
    ("udp 443 out", {"direction": "egress", "protocol": 17, "port": 443, "remote": PEER_HOST}, set()),
    ("icmp echo out", {"direction": "egress", "protocol": 1, "icmpType": 8, "icmpCode": 0, "remote": PEER_HOST}, set()),
    ("reply in, tcp 1024", tcp("ingress", 1024), {"app"}),
    ("reply in, tcp 33000", tcp("ingress", 33000), {"app"}),
    ("reply in, tcp 65535", tcp("ingress", 65535), {"app"}),
    ("unsolicited in, tcp 22", tcp("ingress", 22), set()),
    ("unsolicited in, tcp 443", tcp("ingress", 443), set()),
    ("unsolicited in, tcp 1023", tcp("ingress", 1023), set()),
    ("udp 33000 in", {"direction": "ingress", "protocol": 17, "port": 33000, "remote": PEER_HOST}, set()),
    ("all-protocol 47 in", {"direction": "ingress", "protocol": 47, "remote": PEER_HOST}, set()),
    ("reply out, tcp 33000", tcp("egress", 33000), set()),
    ("icmp fragmentation needed in",
     {"direction": "ingress", "protocol": 1, "icmpType": 3, "icmpCode": 4, "remote": PEER_HOST}, set()),
    ("tcp 22 out, own VPC", tcp("egress", 22, OWN_HOST), set(ROLES)),
    ("tcp 22 in, not the peer", tcp("ingress", 22, OTHER_HOST), set(ROLES)),
]
MTU = "icmp fragmentation needed in"


def policy(extra_app: set[str] = frozenset()) -> dict[str, dict[str, str]]:
    """The decisions a policy gives: the module's, plus `extra_app` packets allowed in acl-app."""
    return {role: {name: "allow" if role in roles or (role == "app" and name in extra_app) else "deny"
                   for name, _, roles in PACKETS} for role in ROLES}


MODULE_POLICY = policy()
CONSTRUCT_POLICY = policy({MTU})  # the construct lets path MTU discovery in by default (allowPathMtuDiscovery)
EVERYTHING_ALLOWED = {role: {name: "allow" for name, _, _ in PACKETS} for role in ROLES}


# --- the worked example's VPC ----------------------------------------------------------------------------------------

class WorkedExample:
    """Our VPC as the module's worked example has it, the third party's VPC in its own account, the accepted peering."""

    def __init__(self) -> None:
        self.ec2 = ec2 = emu.client("ec2")
        self.cfn = emu.client("cloudformation")
        their_ec2 = emu.client("ec2", emu.THIRD_PARTY_ACCOUNT)
        their_vpc = their_ec2.create_vpc(CidrBlock=EXTERNAL)["Vpc"]["VpcId"]
        self.vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]

        def subnet(cidr: str, az: str) -> str:
            return ec2.create_subnet(VpcId=self.vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]

        def route_table(subnet_id: str) -> str:
            rtb = ec2.create_route_table(VpcId=self.vpc)["RouteTable"]["RouteTableId"]
            ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet_id)
            return rtb

        def nacl(subnets: list[str]) -> str:
            acl = ec2.create_network_acl(VpcId=self.vpc)["NetworkAcl"]["NetworkAclId"]
            for egress in (False, True):
                ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow",
                                             Egress=egress, CidrBlock="0.0.0.0/0")
            for s in subnets:
                association = [a for a in emu.acl(ec2, emu.acl_of_subnet(ec2, s))["Associations"] if a["SubnetId"] == s]
                ec2.replace_network_acl_association(AssociationId=association[0]["NetworkAclAssociationId"],
                                                    NetworkAclId=acl)
            return acl

        self.subnets = {"pub": subnet("10.1.101.0/24", "us-east-1a"), "app-a": subnet("10.1.1.0/24", "us-east-1a"),
                        "app-b": subnet("10.1.2.0/24", "us-east-1b"), "persist": subnet("10.1.201.0/24", "us-east-1a")}
        self.rtbs = {name: route_table(self.subnets[name]) for name in ("pub", "app-a", "app-b")}
        self.acls = {"pub": nacl([self.subnets["pub"]]), "app": nacl([self.subnets["app-a"], self.subnets["app-b"]]),
                     "persist": nacl([self.subnets["persist"]])}
        self.pcx = emu.peering(their_vpc, emu.THIRD_PARTY_ACCOUNT, self.vpc, emu.OUR_ACCOUNT)

    def module_inputs(self, route_tables: list[str] | None = None) -> dict[str, Any]:
        return {
            "vpc_peering_connection_id": self.pcx,
            "internal_vpc_route_table_ids": [self.rtbs[n] for n in (route_tables or ["pub", "app-a", "app-b"])],
            "external_vpc_cidr_blocks": [EXTERNAL],
            "network_acl_ids_with_external_vpc_access": [self.acls["app"]],
            "all_network_acl_ids": [self.acls[r] for r in ROLES],
            "protocol": "tcp", "outbound_from_port": 443, "outbound_to_port": 443,
            "ephemeral_from_port": 1024, "ephemeral_to_port": 65535,
            "egress_starting_rule_number": 10, "ingress_starting_rule_number": 10,
            "egress_high_starting_rule_number": 50, "ingress_high_starting_rule_number": 50,
            "enable_blanket_deny": True,
        }

    def vpc_attributes(self) -> dict[str, Any]:
        """The imported VPC the construct gets: the private app subnets and their route tables."""
        return {"vpcId": self.vpc, "vpcCidrBlock": "10.1.0.0/16", "availabilityZones": ["us-east-1a", "us-east-1b"],
                "privateSubnetIds": [self.subnets["app-a"], self.subnets["app-b"]],
                "privateSubnetRouteTableIds": [self.rtbs["app-a"], self.rtbs["app-b"]]}

    def peer_routes(self) -> dict[str, set[tuple]]:
        """The routes to the peering connection, by route table name."""
        return {name: {r for r in emu.routes(self.ec2, rtb) if r[1] == self.pcx} for name, rtb in self.rtbs.items()}

    def rules(self, role: str) -> list[dict[str, Any]]:
        """The NACL's entries as read back from EC2, in the evaluator's form (moto lists no implicit `*` rules)."""
        out = []
        for e in emu.acl(self.ec2, self.acls[role])["Entries"]:
            pr, icmp = e.get("PortRange"), e.get("IcmpTypeCode")
            rule = {"egress": bool(e["Egress"]), "ruleNumber": int(e["RuleNumber"]), "action": e["RuleAction"],
                    "protocol": int(e["Protocol"])}
            rule.update({"cidrBlock": e["CidrBlock"]} if e.get("CidrBlock") else {"ipv6CidrBlock": e["Ipv6CidrBlock"]})
            if pr:
                rule["portRange"] = {"from": int(pr["From"]), "to": int(pr["To"])}
            if icmp:
                rule["icmp"] = {"type": int(icmp["Type"]), "code": int(icmp["Code"])}
            out.append(rule)
        return out

    def verdicts(self, evaluator: Evaluator) -> dict[str, dict[str, dict[str, Any]]]:
        """Every packet of the table decided by every NACL, on the EC2 state: {role: {packet: verdict}}."""
        packets = [p for _, p, _ in PACKETS]
        return {role: dict(zip([n for n, _, _ in PACKETS], evaluator.verdicts(self.rules(role), packets)))
                for role in ROLES}


def decisions(verdicts: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, str]]:
    return {role: {name: v["decision"] for name, v in by_packet.items()} for role, by_packet in verdicts.items()}


def assert_policy(got: dict[str, dict[str, dict[str, Any]]], want: dict[str, dict[str, str]]) -> None:
    wrong = [f"{role}: {name} is {d}, want {want[role][name]}"
             for role, by_packet in decisions(got).items() for name, d in by_packet.items() if d != want[role][name]]
    assert not wrong, "\n".join(wrong)


def deciding_numbers(verdicts: dict[str, dict[str, dict[str, Any]]]) -> set[Any]:
    """The rule numbers that decide the packets to and from the peer."""
    peer = {name for name, p, _ in PACKETS if p["remote"] == PEER_HOST}
    return {v["ruleNumber"] for by_packet in verdicts.values() for name, v in by_packet.items() if name in peer}


def synth(variants: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """test/terraform/synth.ts once for all variants; the templates by stack name."""
    os.makedirs(SYNTH_OUT, exist_ok=True)
    spec = os.path.join(SYNTH_OUT, "variants.json")
    with open(spec, "w") as f:
        json.dump(variants, f, indent=1)
    env = dict(os.environ, TS_NODE_TRANSPILE_ONLY="true", AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
    subprocess.run(["npx", "--no", "--", "ts-node", "--project", "test/tsconfig.json", "test/terraform/synth.ts",
                    SYNTH_OUT, spec], cwd=ROOT, env=env, check=True)
    emu.publish_assets(SYNTH_OUT, emu.OUR_ACCOUNT)  # the accepter's function, as `cdk deploy` publishes it
    out = {}
    for v in variants:
        with open(os.path.join(SYNTH_OUT, f"{v['stackName']}.template.json")) as f:
            out[v["stackName"]] = json.load(f)
    return out


@pytest.fixture(scope="module")
def world() -> WorkedExample:
    return WorkedExample()


@pytest.fixture(scope="module")
def twin() -> WorkedExample:
    return WorkedExample()


@pytest.fixture(scope="module")
def templates(world: WorkedExample, twin: WorkedExample) -> dict[str, dict[str, Any]]:
    emu.client("ssm").put_parameter(Name="/cdk-bootstrap/hnb659fds/version", Value="30", Type="String",
                                    Overwrite=True)  # what `cdk bootstrap` leaves, read by synthesized templates
    return synth([
        # the migration: the band below the module's numbers
        {"stackName": "Migrated", "vpc": world.vpc_attributes(), "module": world.module_inputs(),
         "firstRuleNumber": BAND[0], "lastRuleNumber": BAND[1]},
        # the control: the band starting at the module's first rule number, which the module's allow rules hold
        {"stackName": "ModuleStart", "vpc": world.vpc_attributes(), "module": world.module_inputs(),
         "firstRuleNumber": 10},
        # parity: the same inputs, the construct's defaults, without and with path MTU discovery
        {"stackName": "ParityNoMtu", "vpc": twin.vpc_attributes(), "module": twin.module_inputs(),
         "allowPathMtuDiscovery": False},
        {"stackName": "Parity", "vpc": twin.vpc_attributes(), "module": twin.module_inputs()},
    ])


@pytest.fixture(scope="module")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> tf.Terraform:
    t = tf.Terraform(str(tmp_path_factory.mktemp("terraform")))
    t.init()
    return t


# --- the migration ---------------------------------------------------------------------------------------------------

MIGRATED = "PeeringMigratedFromTerraform"


class TestMigration:
    state: dict[str, Any] = {}

    def test_1_terraform_applies_the_module(self, world: WorkedExample, terraform: tf.Terraform,
                                            evaluator: Evaluator) -> None:
        s = self.state
        s["baseline"] = vpc_state(world.ec2, world.vpc)
        assert_policy(world.verdicts(evaluator), EVERYTHING_ALLOWED)  # nothing decides the table before the module
        terraform.apply(world.module_inputs())

        # the documented table of the worked example, entry by entry
        def deny(egress: bool, n: int) -> tuple:
            return (egress, n, "deny", "-1", EXTERNAL, None, (0, 0), None)

        added = {role: emu.entries(world.ec2, world.acls[role]) - s["baseline"]["entries"][world.acls[role]]
                 for role in ROLES}
        assert added == {
            "app": {(True, 10, "allow", "6", EXTERNAL, None, (443, 443), None),
                    (False, 10, "allow", "6", EXTERNAL, None, (1024, 65535), None), deny(True, 55), deny(False, 55)},
            "pub": {deny(True, 50), deny(False, 50)},
            "persist": {deny(True, 60), deny(False, 60)},
        }
        assert world.peer_routes() == {name: {(EXTERNAL, world.pcx)} for name in world.rtbs}
        verdicts = world.verdicts(evaluator)
        assert_policy(verdicts, MODULE_POLICY)
        s["terraform"] = vpc_state(world.ec2, world.vpc)
        s["module verdicts"] = verdicts

    def test_2_routes_collide_while_terraform_holds_them(self, world: WorkedExample, templates: dict[str, Any],
                                                         evaluator: Evaluator) -> None:
        """Control: the construct's routes are the module's (route table, destination): while Terraform holds them,
        the create fails with RouteAlreadyExists and rolls back. Nothing changes, the module's policy holds."""
        self.assert_collides(world, templates["Migrated"], "RouteAlreadyExists", self.state["terraform"], evaluator)

    @staticmethod
    def assert_collides(world: WorkedExample, template: dict[str, Any], error: str, before: dict[str, Any],
                        evaluator: Evaluator) -> None:
        stack = f"Control{error}"
        assert emu.create_stack(world.cfn, stack, template) == "ROLLBACK_COMPLETE"
        reasons = emu.failure_reasons(world.cfn, stack)
        assert any(error in r for r in reasons), reasons
        emu.delete_stack(world.cfn, stack)
        assert vpc_state(world.ec2, world.vpc) == before
        assert_policy(world.verdicts(evaluator), MODULE_POLICY)

    def test_3_terraform_lets_go_of_the_routes(self, world: WorkedExample, terraform: tf.Terraform,
                                               evaluator: Evaluator) -> None:
        """internal_vpc_route_table_ids keeps only the route tables the construct does not route (rtb-pub)."""
        terraform.apply(world.module_inputs(route_tables=["pub"]))
        assert world.peer_routes() == {"pub": {(EXTERNAL, world.pcx)}, "app-a": set(), "app-b": set()}
        state = vpc_state(world.ec2, world.vpc)
        assert state["entries"] == self.state["terraform"]["entries"]
        assert_policy(world.verdicts(evaluator), MODULE_POLICY)
        self.state["routes released"] = state

    def test_4_a_band_holding_the_module_numbers_collides(self, world: WorkedExample, templates: dict[str, Any],
                                                          evaluator: Evaluator) -> None:
        """Control: a band that starts at the module's starting rule number (10-99) puts the construct's first allow
        rules on the module's (acl-app, egress 10 and ingress 10): the create fails with NetworkAclEntryAlreadyExists
        and rolls back. Nothing changes, the module's policy holds."""
        self.assert_collides(world, templates["ModuleStart"], "NetworkAclEntryAlreadyExists",
                             self.state["routes released"], evaluator)

    def test_5_the_construct_deploys_alongside(self, world: WorkedExample, templates: dict[str, Any],
                                               evaluator: Evaluator) -> None:
        s, template = self.state, templates["Migrated"]
        status = emu.create_stack(world.cfn, MIGRATED, template)
        assert status == "CREATE_COMPLETE", emu.failure_reasons(world.cfn, MIGRATED)
        assert_vpc_matches(world.ec2, world.vpc, expected_state(s["routes released"], template, {}, world.ec2))
        assert world.peer_routes() == {name: {(EXTERNAL, world.pcx)} for name in world.rtbs}
        verdicts = world.verdicts(evaluator)
        assert_policy(verdicts, CONSTRUCT_POLICY)
        # the construct's rules, ahead of the module's, decide every packet to and from the peer
        assert deciding_numbers(verdicts) <= set(range(BAND[0], BAND[1] + 1)), deciding_numbers(verdicts)

    def test_6_terraform_removes_the_module(self, world: WorkedExample, terraform: tf.Terraform,
                                            templates: dict[str, Any], evaluator: Evaluator) -> None:
        """README step 4, as written, in a root module that also holds a VPC: delete the module's block,
        `terraform plan -out=tfplan`, check the plan (only module.peering.*, all destroyed, `0 to add, 0 to change`),
        `terraform apply tfplan`. The module's rules and routes go; the root module's VPC stays."""
        other_vpc = self.other_vpc(world, terraform)
        assert other_vpc, f"{tf.OTHER_RESOURCE} ({tf.OTHER_CIDR}) is not in EC2 before step 4"
        module_resources = [a for a in terraform.state_list() if a.startswith("module.peering.")]
        assert module_resources and tf.OTHER_RESOURCE in terraform.state_list()

        terraform.remove_module_block()
        printed = terraform.plan_to_file("tfplan")
        # the check the README asks for, on the plan as Terraform prints it ...
        assert f"Plan: 0 to add, 0 to change, {len(module_resources)} to destroy." in printed, printed[-3000:]
        # every resource the plan lists ("# <address> will be destroyed", "... will be created", "... must be
        # replaced", ...; not the "# (because ...)" notes under them)
        listed = [m.groups() for m in re.finditer(r"^\s*# ([^\s(]\S*) ((?:will|must) be .+)$", printed, re.M)]
        assert sorted(a for a, _ in listed) == sorted(module_resources), listed
        assert all(a.startswith("module.peering.") and action == "will be destroyed" for a, action in listed), listed
        # ... and on the saved plan itself: exactly the module's resources, each deleted
        changes = {c["address"]: c["change"]["actions"] for c in terraform.show_plan("tfplan")["resource_changes"]
                   if c["change"]["actions"] != ["no-op"]}
        assert changes == {a: ["delete"] for a in module_resources}
        terraform.apply_plan("tfplan")

        assert terraform.state_list() == [tf.OTHER_RESOURCE]
        assert self.other_vpc(world, terraform) == other_vpc  # the root module's VPC survives
        # exactly what was there before Terraform, plus the construct's entries and routes: no module number left
        assert_vpc_matches(world.ec2, world.vpc, expected_state(self.state["baseline"], templates["Migrated"], {},
                                                                world.ec2))
        assert not {e[1] for role in ROLES for e in emu.entries(world.ec2, world.acls[role])} & MODULE_NUMBERS
        assert world.peer_routes() == {"pub": set(), "app-a": {(EXTERNAL, world.pcx)},
                                       "app-b": {(EXTERNAL, world.pcx)}}
        assert_policy(world.verdicts(evaluator), CONSTRUCT_POLICY)

    @staticmethod
    def other_vpc(world: WorkedExample, terraform: tf.Terraform) -> list[str]:
        """The id of the root module's own VPC as EC2 lists it (found by its CIDR block)."""
        vpcs = world.ec2.describe_vpcs(Filters=[{"Name": "cidr-block-association.cidr-block",
                                                 "Values": [tf.OTHER_CIDR]}])["Vpcs"]
        return [v["VpcId"] for v in vpcs]


# --- parity ----------------------------------------------------------------------------------------------------------

class TestParity:
    def test_same_inputs_same_verdicts(self, twin: WorkedExample, templates: dict[str, Any],
                                       evaluator: Evaluator) -> None:
        """The module's inputs through the construct (default band 50-99, path MTU discovery off) decide every packet
        as Terraform's rules did, read back from EC2 (TestMigration step 1)."""
        module_verdicts = TestMigration.state.get("module verdicts")
        assert module_verdicts, "TestMigration::test_1 did not record Terraform's verdicts"
        assert emu.create_stack(twin.cfn, "Parity", templates["ParityNoMtu"]) == "CREATE_COMPLETE", \
            emu.failure_reasons(twin.cfn, "Parity")
        verdicts = twin.verdicts(evaluator)
        assert decisions(verdicts) == decisions(module_verdicts)
        assert_policy(verdicts, MODULE_POLICY)
        # routes: the module's, but for rtb-pub, whose subnet the construct does not select
        assert twin.peer_routes() == {"pub": set(), "app-a": {(EXTERNAL, twin.pcx)}, "app-b": {(EXTERNAL, twin.pcx)}}

    def test_path_mtu_discovery_is_the_one_difference(self, twin: WorkedExample, templates: dict[str, Any],
                                                      evaluator: Evaluator) -> None:
        """With the construct's default (allowPathMtuDiscovery), ICMP "fragmentation needed" from the peer reaches the
        app subnets; every other verdict is the module's."""
        assert emu.update_stack(twin.cfn, "Parity", templates["Parity"]) == "UPDATE_COMPLETE", \
            emu.failure_reasons(twin.cfn, "Parity")
        assert_policy(twin.verdicts(evaluator), CONSTRUCT_POLICY)
        assert CONSTRUCT_POLICY != MODULE_POLICY
