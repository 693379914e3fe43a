"""Every state in between is live: the construct of this checkout (src/), taken through realistic edits on the
emulator, must never let through in the middle of a deploy what it denies before and after (more open), nor deny in the
middle what it lets through before and after (outage).

Two sequences on our existing VPC (vendor_world.py), each vendor accepting its own peering request in the deploy:

- two vendors: Search (10.200.0.0/16, tcp 443 out, DNS resolution on) created; Atlas (10.100.0.0/16, sorts first,
  preset `mongoDbAtlas`) added; a port added, then removed; a CIDR block added; an inbound service added; a preset added;
  `createNetworkAcl` on, then off (the rules going to the VPC's default NACL, where the subnets go then);
  `vpcPeeringConnectionId` switched to a new request; DNS resolution off; a vendor
  removed; the stack deleted;
- three vendors: Search and Atlas created; Redis (10.250.0.0/16, sorts last, preset `redisCloud`) added by a deploy that
  fails after its acceptance (its DNS resolution fails: rolled back, which deletes the connection it accepted), then
  added with Redis's new request; Search (the middle one) removed; the stack deleted.

The variants are synthesized once with placeholder ids by synth.ts (kind "vendors") and given each world's ids. Each
sequence runs under `TRANSITION_SEEDS` seeds (default 4: 1 … n); every deploy's trail goes to the snapshot evaluator
(evaluate-snapshots.ts), and each step's test asserts, for every seed, that the deploy ended as intended and that the
evaluator found no violation. A deploy that fails must also give back what it took: the evaluator, on the state before,
the state after the rollback and the state before again, must find nothing either (no packet passes, or is dropped,
that did not before); its own trail is checked with the state the next deploy of the same vendors reaches as a further
reference (what the failed deploy let through on its way there is what it was asked for, not a window). And a deploy that went through must not leave a subnet of our VPC on a NACL that no longer denies
a vendor's block in both directions (what the trail alone cannot show: its last state is the reference).
"""
from __future__ import annotations

import json
import os
from typing import Any, Callable

import pytest

import emu
from test_deploy import SYNTH_OUT, synth
from vendor_world import VendorWorld

SEEDS = range(1, 1 + int(os.environ.get("TRANSITION_SEEDS", "4")))
THIRD = emu.THIRD_PARTY_ACCOUNT
CIDRS = {"search": "10.200.0.0/16", "atlas": "10.100.0.0/16", "redis": "10.250.0.0/16"}
PCX = {"search": "pcx-0ddddddddddddddd1", "atlas": "pcx-0ddddddddddddddd2", "redis": "pcx-0ddddddddddddddd3",
       "search-again": "pcx-0ddddddddddddddd4", "redis-again": "pcx-0ddddddddddddddd5"}

pytestmark = pytest.mark.skipif(emu.evaluator_script() is None,
                                reason="no evaluate-snapshots.ts in this checkout (set EVALUATE_SNAPSHOTS)")


def accepting(vendor_id: str, pcx: str, cidrs: list[str], **props: Any) -> dict[str, Any]:
    return {"id": vendor_id, "pcx": PCX[pcx], "externalCidrBlocks": cidrs, "acceptPeeringConnection": True,
            "expectedRequester": {"accountId": THIRD}, **props}


SEARCH = accepting("Search", "search", [CIDRS["search"]], allowOutbound=["tcp:443"],
                   allowDnsResolutionFromRemoteVpc=True)
ATLAS = accepting("Atlas", "atlas", [CIDRS["atlas"]], presets=["mongoDbAtlas"])
REDIS = accepting("Redis", "redis", [CIDRS["redis"]], presets=["redisCloud"], allowDnsResolutionFromRemoteVpc=True)
REDIS_AGAIN = {**REDIS, "pcx": PCX["redis-again"]}


class Step:
    def __init__(self, name: str, vendors: list[dict[str, Any]] | None, before: Callable[[VendorWorld], None] | None = None,
                 fails: str | None = None) -> None:
        """`vendors` None: delete the stack. `before`: what happens in the world first (a vendor's new request, a
        block added to its VPC). `fails`: the id of a vendor whose DNS resolution fails in this deploy, after its
        acceptance."""
        self.name, self.vendors, self.before, self.fails = name, vendors, before, fails


def new_request(world: VendorWorld) -> None:
    world.pcx["search-again"] = world.request("search", accept=False)


def redis_requests_again(world: VendorWorld) -> None:
    """The rollback of the deploy that accepted Redis's request deleted the connection (an active connection without
    its lockdown is a window): Redis sends a new request."""
    assert world.status(world.pcx["redis"]) == "deleted", world.status(world.pcx["redis"])
    world.pcx["redis-again"] = world.request("redis", accept=False)


def second_block(world: VendorWorld) -> None:
    world.add_vendor_cidr("search", "10.201.0.0/16")


S2 = [CIDRS["search"], "10.201.0.0/16"]
SEARCH_FULL = {**SEARCH, "externalCidrBlocks": S2, "allowInbound": ["tcp:8443"], "presets": ["confluentCloud"]}
TWO_VENDORS = [
    Step("create, accepting the request", [SEARCH]),
    Step("a vendor whose block sorts first added", [SEARCH, ATLAS]),
    Step("a port added", [{**SEARCH, "allowOutbound": ["tcp:443", "tcp:80"]}, ATLAS]),
    Step("a port removed", [SEARCH, ATLAS]),
    Step("a CIDR block added", [{**SEARCH, "externalCidrBlocks": S2}, ATLAS], before=second_block),
    Step("an inbound service added", [{**SEARCH, "externalCidrBlocks": S2, "allowInbound": ["tcp:8443"]}, ATLAS]),
    Step("a preset added", [SEARCH_FULL, ATLAS]),
    Step("createNetworkAcl on", [{**SEARCH_FULL, "createNetworkAcl": True}, {**ATLAS, "networkAcls": "subnets"}]),
    # the subnets go to the VPC's default NACL when the NACL createNetworkAcl made is deleted (as the warning
    # dedicatedNetworkAclDeleted says): the default NACL gets the rules in the same deploy
    Step("createNetworkAcl off", [{**SEARCH_FULL, "networkAcls": "default"}, {**ATLAS, "networkAcls": "default"}]),
    Step("vpcPeeringConnectionId switched to a new request",
         [{**SEARCH_FULL, "pcx": PCX["search-again"], "networkAcls": "default"}, {**ATLAS, "networkAcls": "default"}],
         before=new_request),
    Step("DNS resolution off", [{**SEARCH_FULL, "pcx": PCX["search-again"], "networkAcls": "default",
                                 "allowDnsResolutionFromRemoteVpc": False}, {**ATLAS, "networkAcls": "default"}]),
    Step("a vendor removed", [{**SEARCH_FULL, "pcx": PCX["search-again"], "networkAcls": "default",
                              "allowDnsResolutionFromRemoteVpc": False}]),
    Step("the stack deleted", None),
]
THREE_VENDORS = [
    Step("create, accepting both requests", [SEARCH, ATLAS]),
    Step("a deploy failing after the acceptance", [SEARCH, ATLAS, REDIS], fails="Redis"),
    Step("a vendor whose block sorts last added", [SEARCH, ATLAS, REDIS_AGAIN], before=redis_requests_again),
    Step("the construct in the middle removed", [ATLAS, REDIS_AGAIN]),
    Step("the stack deleted", None),
]
SEQUENCES = {"two vendors": TWO_VENDORS, "three vendors": THREE_VENDORS}


def variants_of(sequence: str) -> list[dict[str, Any]]:
    """Each step synthesized as the next synth after the step before sees the app: with the rule-number record of
    the template synthesized before (also when that deploy failed: the record file `cdk synth` wrote is what the next
    synth reads)."""
    imported = VendorWorld.placeholder_imported()
    out: list[dict[str, Any]] = []
    for i, step in enumerate(SEQUENCES[sequence]):
        if step.vendors is None:
            continue
        previous = {"previous": out[-1]["stackName"]} if out else {}
        out.append({"kind": "vendors", "stackName": variant_name(sequence, i), "assembly": variant_name(sequence, i),
                    "imported": imported, "vendors": step.vendors, **previous})
    return out


def variant_name(sequence: str, index: int) -> str:
    return f"Transitions-{sequence.replace(' ', '-')}-{index}"


class Outcome:
    """One deploy of one seed: how it ended and what the evaluator found."""

    def __init__(self, seed: int, status: str, reasons: list[str], report: Any, restored: Any = None,
                 unguarded: set[str] | None = None) -> None:
        self.seed, self.status, self.reasons, self.report, self.restored = seed, status, reasons, report, restored
        self.unguarded = unguarded or set()


def unguarded(world: VendorWorld, step: Step, snapshot: dict[str, Any]) -> set[str]:
    """Each subnet of our VPC (the private ones, the public one) and vendor block of the step whose subnet's NACL does
    not deny that block in both directions: the lockdown is not in force there."""
    blocks = [b for v in step.vendors or [] for b in v["externalCidrBlocks"]]
    subnets = {world.private_subnets[0]: "private subnet 1", world.private_subnets[1]: "private subnet 2",
               world.public_subnet: "the public subnet"}
    out = set()
    for subnet, name in subnets.items():
        (acl,) = [a for a in snapshot["networkAcls"] if subnet in {x["SubnetId"] for x in a["Associations"]}]
        for block in blocks:
            denied = {e["Egress"] for e in acl["Entries"] if e["RuleAction"] == "deny" and e.get("CidrBlock") == block}
            if denied != {False, True}:
                where = "the VPC's default NACL" if acl["IsDefault"] else "its NACL"
                out.add(f"{name} is on {where}, which does not deny {block} both ways")
    return out


@pytest.fixture(scope="module")
def templates() -> dict[str, dict[str, Any]]:
    variants = [v for sequence in SEQUENCES for v in variants_of(sequence)]
    assemblies = synth(variants)  # one synth.ts run for every variant
    return {name: template for name, template in assemblies.items()}


def dns_resolution_of(template: dict[str, Any], vendor_id: str, pcx: str) -> str:
    """The logical id of the DNS-resolution resource of the vendor's connection (named after the connection)."""
    found = [lid for lid, body in template["Resources"].items()
             if body["Type"] == "Custom::VpcPeeringDnsResolution" and body["Properties"]["VpcPeeringConnectionId"] == pcx]
    assert len(found) == 1, (vendor_id, found)
    return found[0]


def run_sequence(sequence: str, seed: int, templates: dict[str, dict[str, Any]]) -> list[Outcome]:
    steps = SEQUENCES[sequence]
    world = VendorWorld({vendor: CIDRS[vendor] for vendor in ("search", "atlas", "redis")},
                        pending=("search", "atlas", "redis"))
    stack = emu.unique("transitions")
    outcomes: list[Outcome] = []
    jobs: list[list[Any]] = []
    created = False
    failed: tuple[int, list[dict[str, Any]]] | None = None  # a failed deploy's index and trail, until its target is known
    assemblies = [os.path.join(SYNTH_OUT, variant_name(sequence, i)) for i, step in enumerate(steps) if step.vendors]
    assets = {a: os.path.join(assembly, a) for assembly in assemblies for a in os.listdir(assembly) if a.startswith("asset.")}
    for directory in assets.values():  # the accepter's function, as `cdk deploy` publishes it
        emu.publish_asset_directory(directory, emu.OUR_ACCOUNT)
    for i, step in enumerate(steps):
        if step.before:
            step.before(world)
        emu.set_seed(seed)
        emu.clear_trail()
        if step.vendors is None:
            world.cfn.delete_stack(StackName=stack)
            status = "DELETE_COMPLETE" if not [s for s in world.cfn.list_stacks()["StackSummaries"]
                                               if s["StackName"] == stack and s["StackStatus"] != "DELETE_COMPLETE"] \
                else emu.stack_status(world.cfn, stack)
        else:
            template = world.with_ids(templates[f"{variant_name(sequence, i)}/{variant_name(sequence, i)}"],
                                      {placeholder: vendor for vendor, placeholder in PCX.items()})
            if step.fails:
                failing = next(v for v in step.vendors if v["id"] == step.fails)
                emu.inject_fault(dns_resolution_of(template, step.fails, world.pcx[next(k for k, p in PCX.items() if p == failing["pcx"])]),
                                 "create", stack_name=stack)
            status = (emu.update_stack if created else emu.create_stack)(world.cfn, stack, template)
            created = created or status == "CREATE_COMPLETE"
        emu.clear_faults()
        trail = emu.trail(stack)
        reasons = emu.failure_reasons(world.cfn, stack) if status.endswith(("FAILED", "ROLLBACK_COMPLETE")) else []
        # what the deploy left unguarded that was guarded before it (a gap an earlier step left is that step's)
        gaps = unguarded(world, step, trail[-1]) - unguarded(world, step, trail[0]) \
            if status in ("CREATE_COMPLETE", "UPDATE_COMPLETE") else set()
        jobs.append([status, reasons, gaps, emu.evaluate_later(trail) if len(trail) >= 2 and not step.fails else None,
                     emu.evaluate_later([trail[0], trail[-1], trail[0]]) if step.fails and len(trail) >= 2 else None])
        if step.fails:
            failed = (i, trail)
        elif failed and step.vendors and [v["id"] for v in step.vendors] == [v["id"] for v in steps[failed[0]].vendors]:
            jobs[failed[0]][3] = emu.evaluate_later(failed[1], targets=[trail[-1]])
            failed = None
    assert failed is None, f"step {failed[0]} failed and no later deploy of the same vendors shows what it was for"
    for status, reasons, gaps, report, restored in jobs:
        outcomes.append(Outcome(seed, status, reasons, report.result() if report else None,
                                restored.result() if restored else None, gaps))
    return outcomes


@pytest.fixture(scope="module")
def outcomes(templates: dict[str, dict[str, Any]]) -> dict[str, list[list[Outcome]]]:
    """sequence → step → the outcome of each seed."""
    with emu.recording():
        out: dict[str, list[list[Outcome]]] = {}
        for sequence, steps in SEQUENCES.items():
            out[sequence] = [[] for _ in steps]
            for seed in SEEDS:
                for i, outcome in enumerate(run_sequence(sequence, seed, templates)):
                    out[sequence][i].append(outcome)
        return out


def expected_status(step: Step, index: int) -> str:
    if step.vendors is None:
        return "DELETE_COMPLETE"
    if step.fails:
        return "UPDATE_ROLLBACK_COMPLETE"
    return "CREATE_COMPLETE" if index == 0 else "UPDATE_COMPLETE"


def describe(v: dict[str, Any]) -> str:
    p, during = v["packet"], v["during"]
    traffic = {6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6"}.get(p["protocol"], f"protocol {p['protocol']}")
    if "port" in p:
        last = (v.get("portRange") or {}).get("to", p.get("lastPort", p["port"]))
        traffic += f" {p['port']}" + (f"-{last}" if last != p["port"] else "")
    if "icmpType" in p:
        traffic += f" type {p['icmpType']} code {p.get('icmpCode')}"
    where = f"{'from' if p['direction'] == 'ingress' else 'to'} {v.get('remoteText', p['remote'])}"
    cause = f"rule {during.get('ruleNumber')}" if during.get("reason") == "rule" else during.get("reason")
    return f"{v['kind']}: {p['direction']} {traffic} {where}, {during['decision']} by {cause}"


def summary(violations: list[tuple[int, dict[str, Any]]]) -> str:
    """The distinct violations (kind, packet, what decided it in between) over the NACL and subnet views, with the
    seeds that show them and the step of the first snapshot that does."""
    seen: dict[str, tuple[list[int], set[str], str]] = {}
    for seed, v in violations:
        seeds, views, first = seen.setdefault(describe(v), ([], set(), v["steps"][0]))
        views.add(v["view"]["kind"])
        if seed not in seeds:
            seeds.append(seed)
    return "\n".join(f"  {what} ({'/'.join(sorted(views))} views; seeds {seeds}; first after: {first})"
                     for what, (seeds, views, first) in sorted(seen.items()))


CASES = [(sequence, i) for sequence, steps in SEQUENCES.items() for i in range(len(steps))]


@pytest.mark.parametrize("sequence,index", CASES, ids=[f"{s}: {SEQUENCES[s][i].name}" for s, i in CASES])
def test_transition(outcomes: dict[str, list[list[Outcome]]], sequence: str, index: int) -> None:
    step = SEQUENCES[sequence][index]
    problems = []
    for o in outcomes[sequence][index]:
        if o.status != expected_status(step, index):
            problems.append(f"seed {o.seed}: {o.status}, expected {expected_status(step, index)}: {o.reasons}")
    gaps: dict[str, list[int]] = {}
    for o in outcomes[sequence][index]:
        for gap in o.unguarded:
            gaps.setdefault(gap, []).append(o.seed)
    if gaps:
        problems.append("after the deploy, the lockdown is no longer in force:\n"
                        + "\n".join(f"  {gap} (seeds {seeds})" for gap, seeds in sorted(gaps.items())))
    violations = [(o.seed, v) for o in outcomes[sequence][index] if o.report for v in o.report["violations"]]
    if violations:
        problems.append(f"{len(violations)} violations:\n{summary(violations)}")
    left = [(o.seed, v) for o in outcomes[sequence][index] if o.restored for v in o.restored["violations"]]
    if left:
        problems.append(f"the rollback did not give back what it took ({len(left)}; 'first after' is the state the "
                        f"rollback left):\n{summary(left)}")
    assert not problems, "\n".join(problems)
