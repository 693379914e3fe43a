"""cfn-lint (pinned) and the construct's own validation on the same mistakes (issue 5, item 4).

(a) Hand-made templates, each one valid NACL entry and route with one mistake, go through cfn-lint; the test pins what
    the pinned cfn-lint actually reports, resource by resource. Observed with cfn-lint 1.58.0: it flags only malformed
    CIDR blocks (E3002 `ipv4-network` / `ipv6-network`, prefix length and host bits included) in `CidrBlock`,
    `Ipv6CidrBlock` and the route's `DestinationCidrBlock`. It misses rule numbers outside 1-32766, ports outside
    0-65535, reversed port ranges, TCP without `PortRange`, ICMP without `Icmp`, ICMP types over 255, a malformed
    `DestinationIpv6CidrBlock` on a route and a malformed peering connection id.
(b) The construct refuses the equivalent props at synth time (synth_bad.ts), with a message that names the prop
    (an `AclTraffic` that carries only protocol 1 or 58, no type and code, included). And every synthesized template
    under test (the example's cdk.out, the integ snapshots, the deploy test's templates) is checked for the rules
    cfn-lint lacks: every ICMP entry has `Icmp`, every
    RuleNumber is in 1-32766, every PortRange is within 0-65535 with From <= To, every CIDR block is a network.
(c) On those valid templates cfn-lint reports no error (test_cfn_lint.py, which also lints the integ snapshots).
"""
from __future__ import annotations

import copy
import glob
import ipaddress
import json
import os
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest
from cfnlint.api import lint

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SYNTH_OUT = os.environ.get("DEPLOY_SYNTH_OUT", os.path.join(ROOT, "test", "deploy", "cdk.out"))

ENTRY = {
    "NetworkAclId": "acl-12345678", "RuleNumber": 50, "Protocol": 6, "RuleAction": "allow", "Egress": True,
    "CidrBlock": "10.200.0.0/16", "PortRange": {"From": 443, "To": 443},
}
ROUTE = {"RouteTableId": "rtb-12345678", "DestinationCidrBlock": "10.200.0.0/16", "VpcPeeringConnectionId": "pcx-12345678"}
DROP = object()


def template(entry: dict[str, Any] | None = None, route: dict[str, Any] | None = None) -> dict[str, Any]:
    """One valid NACL entry and route (what the construct emits for tcp:443 to 10.200.0.0/16), with changes."""
    def patched(base: dict[str, Any], changes: dict[str, Any] | None) -> dict[str, Any]:
        out = copy.deepcopy(base)
        for k, v in (changes or {}).items():
            if v is DROP:
                out.pop(k, None)
            else:
                out[k] = v
        return out
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Entry": {"Type": "AWS::EC2::NetworkAclEntry", "Properties": patched(ENTRY, entry)},
            "Route": {"Type": "AWS::EC2::Route", "Properties": patched(ROUTE, route)},
        },
    }


def cfn_lint(t: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(resource, rule id, message) of every match, errors and warnings alike."""
    out = set()
    for m in lint(json.dumps(t, indent=1), regions=["us-east-1"]):
        path = list(getattr(m, "path", None) or [])
        resource = str(path[1]) if len(path) > 1 and path[0] == "Resources" else "?"
        out.add((resource, m.rule.id, m.message))
    return out


@dataclass
class Case:
    name: str
    entry: dict[str, Any] | None  # the template's mistake
    route: dict[str, Any] | None
    props: dict[str, Any]  # the same mistake as props of the construct
    lint: set[tuple[str, str]]  # (resource, rule id) cfn-lint reports: observed with the pinned cfn-lint
    error: list[str]  # what the construct's message must contain; it starts with the first (the prop)
    ipv6: bool = False
    lint_mentions: str = ""  # the bad value, which cfn-lint's messages must show when it reports anything


V6 = {"CidrBlock": DROP, "Ipv6CidrBlock": "2600:1f18::/56"}
V6_ROUTE = {"DestinationCidrBlock": DROP, "DestinationIpv6CidrBlock": "2600:1f18::/56"}

CASES = [
    Case("rule-number-0", {"RuleNumber": 0}, None, {"firstRuleNumber": 0}, set(),
         ["firstRuleNumber", "0 is not a rule number", "1 to 32766"]),
    Case("rule-number-32767", {"RuleNumber": 32767}, None, {"lastRuleNumber": 32767}, set(),
         ["lastRuleNumber", "32767 is not a rule number"]),
    Case("rule-number-40000", {"RuleNumber": 40000}, None, {"lastRuleNumber": 40000}, set(),
         ["lastRuleNumber", "40000 is not a rule number"]),
    Case("port-70000", {"PortRange": {"From": 70000, "To": 70000}}, None, {"allowOutbound": ["tcp:70000"]}, set(),
         ["allowOutbound[0]", "70000", "outside 0-65535"]),
    Case("ephemeral-port-70000", {"Egress": False, "PortRange": {"From": 1024, "To": 70000}}, None,
         {"ephemeralPortRange": {"from": 1024, "to": 70000}}, set(),
         ["ephemeralPortRange", "70000", "outside 0-65535"]),
    Case("reversed-port-range-9300-9200", {"PortRange": {"From": 9300, "To": 9200}}, None,
         {"allowOutbound": ["tcp:9300-9200"]}, set(),
         ["allowOutbound[0]", "9300-9200 is reversed"]),
    Case("tcp-without-PortRange", {"PortRange": DROP}, None, {"allowOutbound": ["raw:6"]}, set(),
         ["allowOutbound[0]", "has no port range"]),
    Case("icmp-type-300", {"Protocol": 1, "PortRange": DROP, "Icmp": {"Type": 300, "Code": 0}}, None,
         {"allowOutbound": ["icmp:300:0"]}, set(),
         ["allowOutbound[0]", "ICMP type 300 is not valid"]),
    Case("cidr-prefix-33", {"CidrBlock": "10.200.0.0/33"}, {"DestinationCidrBlock": "10.200.0.0/33"},
         {"externalCidrBlocks": ["10.200.0.0/33"]}, {("Entry", "E3002"), ("Route", "E3002")},
         ["externalCidrBlocks[0]", "'10.200.0.0/33'", "prefix length"], lint_mentions="10.200.0.0/33"),
    Case("route-to-octet-300", {"CidrBlock": "10.300.0.0/16"}, {"DestinationCidrBlock": "10.300.0.0/16"},
         {"externalCidrBlocks": ["10.300.0.0/16"]}, {("Entry", "E3002"), ("Route", "E3002")},
         ["externalCidrBlocks[0]", "'10.300.0.0/16'", "octet 300"], lint_mentions="10.300.0.0/16"),
    Case("route-to-host-bits", {"CidrBlock": "10.200.0.1/16"}, {"DestinationCidrBlock": "10.200.0.1/16"},
         {"externalCidrBlocks": ["10.200.0.1/16"]}, {("Entry", "E3002"), ("Route", "E3002")},
         ["externalCidrBlocks[0]", "host bits are set"], lint_mentions="10.200.0.1/16"),
    Case("ipv6-prefix-129", {**V6, "Ipv6CidrBlock": "2600:1f18::/129"},
         {**V6_ROUTE, "DestinationIpv6CidrBlock": "2600:1f18::/129"},
         {"externalIpv6CidrBlocks": ["2600:1f18::/129"]}, {("Entry", "E3002")},  # the route's is not checked
         ["externalIpv6CidrBlocks[0]", "'2600:1f18::/129'", "prefix length"], ipv6=True,
         lint_mentions="2600:1f18::/129"),
    Case("route-to-bad-pcx-id", None, {"VpcPeeringConnectionId": "pcx-zz"}, {"vpcPeeringConnectionId": "pcx-zz"},
         set(), ["vpcPeeringConnectionId", "'pcx-zz'", "is not a VPC peering connection id"]),
    Case("icmp-without-Icmp", {"Protocol": 1, "PortRange": DROP}, None, {"allowOutbound": ["raw:1"]}, set(),
         ["allowOutbound[0]", "(icmp) needs an ICMP type and code"]),
    Case("icmpv6-without-Icmp", {**V6, "Protocol": 58, "PortRange": DROP}, V6_ROUTE,
         {"externalIpv6CidrBlocks": ["2600:1f18::/56"], "allowOutbound": ["raw:58"]}, set(),
         ["allowOutbound[0]", "(icmpv6) needs an ICMP type and code"], ipv6=True),
]

VALID = [
    Case("valid-ipv4", None, None, {}, set(), []),
    Case("valid-dual-stack", None, None, {"externalIpv6CidrBlocks": ["2600:1f18::/56"],
                                          "allowOutbound": ["tcp:443", "icmp:8:-1", "icmpv6:128:-1"]}, set(), [],
         ipv6=True),
]


@pytest.fixture(scope="module")
def construct() -> dict[str, dict[str, Any]]:
    """synth_bad.ts once for every case: the construct's error or synthesized entries and routes, by case name."""
    cases = [{"name": c.name, "props": c.props, **({"ipv6": True} if c.ipv6 else {})} for c in CASES + VALID]
    env = dict(os.environ, TS_NODE_TRANSPILE_ONLY="true", AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
    env.pop("CDK_OUTDIR", None)
    proc = subprocess.run(
        ["npx", "ts-node", "--project", "test/tsconfig.json", "test/deploy/synth_bad.ts", json.dumps(cases)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    return {r["name"]: r for r in results}


# --- (a) what cfn-lint says ------------------------------------------------------------------------------------------

def test_cfn_lint_passes_the_unbroken_template() -> None:
    assert cfn_lint(template()) == set()
    assert cfn_lint(template(V6, V6_ROUTE)) == set()


def logical_id(case: Case) -> str:
    return "".join(w.capitalize() for w in case.name.replace("-", " ").replace("_", " ").split())


@pytest.fixture(scope="module")
def linted() -> dict[str, set[tuple[str, str, str]]]:
    """cfn-lint once over one template that holds every case's entry and route (`Entry<Case>`, `Route<Case>`): the
    rules involved look at one resource at a time, and one run costs about what one small template does."""
    combined = template()
    combined["Resources"] = {}
    for case in CASES:
        for name, resource in template(case.entry, case.route)["Resources"].items():
            combined["Resources"][name + logical_id(case)] = resource
    by_case: dict[str, set[tuple[str, str, str]]] = {c.name: set() for c in CASES}
    for resource, rule, message in cfn_lint(combined):
        case = next(c for c in CASES if resource in (f"Entry{logical_id(c)}", f"Route{logical_id(c)}"))
        by_case[case.name].add((resource[: -len(logical_id(case))], rule, message))
    return by_case


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_cfn_lint_on_broken_template(case: Case, linted: dict[str, set[tuple[str, str, str]]]) -> None:
    found = linted[case.name]
    print(case.name, "cfn-lint:", sorted(found) or "nothing")
    assert {(r, rule) for r, rule, _ in found} == case.lint
    for _, _, message in found:
        assert case.lint_mentions in message


# --- (b) what the construct says -------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_construct_refuses_the_same_mistake(case: Case, construct: dict[str, dict[str, Any]]) -> None:
    result = construct[case.name]
    assert "error" in result, f"the construct accepted {case.props}: {result}"
    print(case.name, "construct:", result["error"])
    assert result["error"].startswith(f"{case.error[0]} "), f"the message does not start with the prop: {result['error']}"
    for part in case.error:
        assert part in result["error"]


@pytest.mark.parametrize("case", VALID, ids=lambda c: c.name)
def test_construct_accepts_the_valid_props(case: Case, construct: dict[str, dict[str, Any]]) -> None:
    result = construct[case.name]
    assert "entries" in result, result.get("error")
    assert ec2_violations(result["entries"], result["routes"]) == []


def network(value: Any, version: int) -> str | None:
    if not isinstance(value, str):
        return None  # a token: resolved at deploy time
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as e:
        return f"{value!r} is not a CIDR block: {e}"
    return None if net.version == version else f"{value!r} is not IPv{version}"


def ec2_violations(entries: list[dict[str, Any]], routes: list[dict[str, Any]]) -> list[str]:
    """The EC2 rules cfn-lint does not check (and the construct's own), over literal values; tokens pass."""
    bad = []
    for p in entries:
        where = f"entry {p.get('RuleNumber')} {'egress' if p.get('Egress') else 'ingress'}"
        rn = p.get("RuleNumber")
        if not isinstance(rn, dict) and not (isinstance(rn, int) and 1 <= rn <= 32766):
            bad.append(f"{where}: RuleNumber {rn!r} outside 1-32766")
        proto = p.get("Protocol")
        proto = int(proto) if isinstance(proto, (int, str)) else proto
        if proto in (6, 17):
            pr = p.get("PortRange")
            if not pr:
                bad.append(f"{where}: protocol {proto} without PortRange")
            elif all(isinstance(pr.get(k), int) for k in ("From", "To")):
                if not 0 <= pr["From"] <= pr["To"] <= 65535:
                    bad.append(f"{where}: PortRange {pr} not within 0-65535 with From <= To")
        if proto in (1, 58):
            icmp = p.get("Icmp")
            if not icmp:
                bad.append(f"{where}: protocol {proto} without Icmp")
            else:
                for k in ("Type", "Code"):
                    if isinstance(icmp.get(k), int) and not -1 <= icmp[k] <= 255:
                        bad.append(f"{where}: Icmp {k} {icmp[k]} outside -1..255")
            family = "CidrBlock" if proto == 1 else "Ipv6CidrBlock"
            if family not in p:
                bad.append(f"{where}: protocol {proto} needs a {family}, it never matches the other family")
        if ("CidrBlock" in p) == ("Ipv6CidrBlock" in p):
            bad.append(f"{where}: exactly one of CidrBlock and Ipv6CidrBlock")
        bad += [f"{where}: {m}" for m in (network(p.get("CidrBlock"), 4), network(p.get("Ipv6CidrBlock"), 6)) if m]
    for r in routes:
        bad += [f"route: {m}" for m in (network(r.get("DestinationCidrBlock"), 4),
                                         network(r.get("DestinationIpv6CidrBlock"), 6)) if m]
    return bad


def resources(path: str, type_: str) -> list[dict[str, Any]]:
    with open(path) as f:
        t = json.load(f)
    return [r.get("Properties", {}) for r in t.get("Resources", {}).values() if r.get("Type") == type_]


def check_templates(paths: list[str]) -> tuple[int, list[str]]:
    count, bad = 0, []
    for path in paths:
        entries = resources(path, "AWS::EC2::NetworkAclEntry")
        count += len(entries)
        bad += [f"{os.path.relpath(path, ROOT)}: {v}" for v in ec2_violations(entries, resources(path, "AWS::EC2::Route"))]
    return count, bad


def static_templates() -> list[str]:
    found = glob.glob(os.path.join(ROOT, "example", "cdk.out", "*.template.json"))
    found += glob.glob(os.path.join(ROOT, "test", "*.snapshot", "*.template.json"))
    return sorted(found)


def test_synthesized_templates_obey_the_rules_cfn_lint_lacks() -> None:
    """The example's and the integ snapshots' templates: what the construct emits in real apps."""
    paths = static_templates()
    snapshots = [p for p in paths if ".snapshot" in p]
    assert snapshots, "no test/*.snapshot/*.template.json"
    if not any("example" in p for p in paths):
        pytest.skip("no example/cdk.out: run.sh synthesizes the example first")
    count, bad = check_templates(paths)
    print(f"{count} NACL entries in {len(paths)} templates")
    assert count > 0
    assert bad == [], "\n".join(bad)


def test_deploy_templates_obey_the_rules_cfn_lint_lacks() -> None:
    """The templates test_deploy.py synthesized and deployed (it runs before this file)."""
    paths = sorted(glob.glob(os.path.join(SYNTH_OUT, "**", "*.template.json"), recursive=True))
    if not paths:
        pytest.skip(f"no deploy templates under {SYNTH_OUT}")
    count, bad = check_templates(paths)
    print(f"{count} NACL entries in {len(paths)} deploy templates")
    assert count > 0
    assert bad == [], "\n".join(bad)


def test_the_checker_catches_each_broken_template() -> None:
    """The rules above are not vacuous: each hand-made mistake, cfn-lint's misses included, is caught by them,
    except the peering connection id, which is no part of them."""
    for case in CASES:
        t = template(case.entry, case.route)["Resources"]
        found = ec2_violations([t["Entry"]["Properties"]], [t["Route"]["Properties"]])
        assert bool(found) == (case.name != "route-to-bad-pcx-id"), (case.name, found)
