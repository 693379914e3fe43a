"""The deploy checks the peering it is given (issue 17): every CIDR block of the requester's VPC, IPv4 and IPv6, must
lie in the external blocks the Network ACL rules lock down. A block they do not cover would be decided by the NACL's
other rules (the hand-made NACL's allow-all at 100 here), so the deploy fails before the request is accepted and
before any route exists; a block the vendor adds later is caught by the next deploy that checks again
(`-c cdk-vpc-peering-external:recheck=…`), and that failed update rolls back cleanly.

The stacks are `VpcPeeringExternal` on our existing VPC (vendor_world.py), synthesized by synth.ts from src/.
"""
from __future__ import annotations

from typing import Any

import pytest

import emu
from test_deploy import synth
from vendor_world import VendorWorld

THIRD = emu.THIRD_PARTY_ACCOUNT
PCX = "pcx-0eeeeeeeeeeeeeee1"


def variant(name: str, vendor: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"kind": "vendors", "stackName": name, "assembly": name, "imported": VendorWorld.placeholder_imported(),
            "vendors": [{"id": "Search", "pcx": PCX, "allowOutbound": ["tcp:443"],
                         "expectedRequester": {"accountId": THIRD}, **vendor}], **extra}


ACCEPTING = {"acceptPeeringConnection": True}


@pytest.fixture(scope="module")
def templates() -> dict[str, dict[str, Any]]:
    return synth([
        variant("Blocks-primary-only", {**ACCEPTING, "externalCidrBlocks": ["10.200.0.0/16"]}),
        variant("Blocks-both", {**ACCEPTING, "externalCidrBlocks": ["10.200.0.0/16", "10.201.0.0/16"]}),
        variant("Blocks-both-recheck", {**ACCEPTING, "externalCidrBlocks": ["10.200.0.0/16", "10.201.0.0/16"]},
                context={"cdk-vpc-peering-external:recheck": "1"}),
        variant("Blocks-ipv4-only", {"acceptPeeringConnection": False, "externalCidrBlocks": ["10.200.0.0/16"]}),
    ])


def deploy(world: VendorWorld, templates: dict[str, dict[str, Any]], name: str, stack: str, create: bool) -> str:
    template = world.with_ids(templates[f"{name}/{name}"], {PCX: "search"})
    return (emu.create_stack if create else emu.update_stack)(world.cfn, stack, template)


def routes_to(world: VendorWorld, cidr: str) -> list[dict[str, Any]]:
    (table,) = world.ec2.describe_route_tables(RouteTableIds=[world.private_rtb])["RouteTables"]
    return [r for r in table["Routes"] if r.get("DestinationCidrBlock") == cidr]


def entries_for(world: VendorWorld, cidr: str) -> list[tuple]:
    return [e for e in world.entries(world.private_acl) if cidr in e]


def test_a_secondary_block_not_listed_fails_the_deploy_before_accepting_and_routing(templates: dict[str, Any]) -> None:
    world = VendorWorld({"search": "10.200.0.0/16"}, pending=("search",))
    world.add_vendor_cidr("search", "10.201.0.0/16")
    stack = emu.unique("blocks")
    status = deploy(world, templates, "Blocks-primary-only", stack, create=True)
    assert status == "ROLLBACK_COMPLETE", status
    reasons = " ".join(emu.failure_reasons(world.cfn, stack))
    assert "10.201.0.0/16" in reasons and "add 10.201.0.0/16 to externalCidrBlocks" in reasons, reasons
    assert "Nothing was accepted or routed" in reasons, reasons
    assert world.status(world.pcx["search"]) == "pending-acceptance"
    assert routes_to(world, "10.200.0.0/16") == [] and entries_for(world, "10.200.0.0/16") == []

    # listed, the same request is accepted; then the vendor adds a block: a deploy that checks again fails, and rolls
    # back without touching the connection or the lockdown
    emu.delete_stack(world.cfn, stack)
    stack = emu.unique("blocks")
    assert deploy(world, templates, "Blocks-both", stack, create=True) == "CREATE_COMPLETE"
    assert world.status(world.pcx["search"]) == "active"
    before = world.entries(world.private_acl)
    world.add_vendor_cidr("search", "10.202.0.0/16")
    status = deploy(world, templates, "Blocks-both-recheck", stack, create=False)
    assert status == "UPDATE_ROLLBACK_COMPLETE", status
    reasons = " ".join(emu.failure_reasons(world.cfn, stack))
    assert "add 10.202.0.0/16 to externalCidrBlocks" in reasons, reasons
    assert world.status(world.pcx["search"]) == "active"
    assert world.entries(world.private_acl) == before
    emu.delete_stack(world.cfn, stack)


def test_an_ipv6_block_of_the_requester_fails_the_deploy_also_when_accepted_by_hand(templates: dict[str, Any]) -> None:
    world = VendorWorld({"search": "10.200.0.0/16"}, pending=("search",))
    world.their_ec2.associate_vpc_cidr_block(VpcId=world.vendor_vpcs["search"], AmazonProvidedIpv6CidrBlock=True)
    world.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=world.pcx["search"])
    stack = emu.unique("blocks")
    status = deploy(world, templates, "Blocks-ipv4-only", stack, create=True)
    assert status == "ROLLBACK_COMPLETE", status
    reasons = " ".join(emu.failure_reasons(world.cfn, stack))
    assert "to externalIpv6CidrBlocks" in reasons, reasons
    assert routes_to(world, "10.200.0.0/16") == []
    # accepted by hand before: the failed deploy leaves the connection as it was
    assert world.status(world.pcx["search"]) == "active"
