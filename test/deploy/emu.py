"""Helpers for tests against the moto server: clients (per account), stack operations, EC2 state read back."""
from __future__ import annotations

import atexit
import contextlib
import io
import ipaddress
import json
import os
import shutil
import subprocess
import tempfile
import threading
import urllib.request
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
import uuid
from typing import Any, Iterator
from urllib.parse import quote, urlparse

import boto3
from botocore.config import Config

OUR_ACCOUNT = "123456789012"  # moto's default account
THIRD_PARTY_ACCOUNT = "210987654321"
REGION = "us-east-1"


def endpoint() -> str:
    url = os.environ["AWS_ENDPOINT_URL"]
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost"):
        raise RuntimeError(f"refusing a non-loopback endpoint: {url}")
    return url


def client(service: str, account: str | None = None) -> Any:
    """A client for the emulator. `account` selects moto's account through its `x-moto-account-id` header."""
    c = boto3.client(
        service, endpoint_url=endpoint(), region_name=REGION,
        aws_access_key_id="testing", aws_secret_access_key="testing", aws_session_token="testing",
        config=Config(retries={"max_attempts": 1}),
    )
    if account is not None:
        def add_header(request: Any, **_: Any) -> None:
            request.headers["x-moto-account-id"] = account
        c.meta.events.register("before-sign.*.*", add_header)
    return c


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# --- stacks ----------------------------------------------------------------------------------------------------------

def stack_status(cfn: Any, name: str) -> str:
    return cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]


def failure_reasons(cfn: Any, name: str) -> list[str]:
    events = cfn.describe_stack_events(StackName=name)["StackEvents"]
    return [e.get("ResourceStatusReason", "") for e in events if e["ResourceStatus"].endswith("_FAILED")]


def create_stack(cfn: Any, name: str, template: dict[str, Any], params: dict[str, str] | None = None) -> str:
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(template), Parameters=_params(params))
    return stack_status(cfn, name)


def update_stack(cfn: Any, name: str, template: dict[str, Any], params: dict[str, str] | None = None) -> str:
    cfn.update_stack(StackName=name, TemplateBody=json.dumps(template), Parameters=_params(params))
    return stack_status(cfn, name)


def delete_stack(cfn: Any, name: str) -> None:
    cfn.delete_stack(StackName=name)
    remaining = [s for s in cfn.list_stacks()["StackSummaries"]
                 if s["StackName"] == name and s["StackStatus"] != "DELETE_COMPLETE"]
    assert not remaining, remaining


def _params(params: dict[str, str] | None) -> list[dict[str, str]]:
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in (params or {}).items()]


# --- EC2 state -------------------------------------------------------------------------------------------------------

def acl(ec2: Any, acl_id: str) -> dict[str, Any]:
    return ec2.describe_network_acls(NetworkAclIds=[acl_id])["NetworkAcls"][0]


def allow_all_nacl(ec2: Any, vpc: str, subnets: list[str]) -> str:
    """A hand-made NACL as they usually are (allow everything at rule 100 in both directions), the subnets moved onto it."""
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    for egress in (False, True):
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow",
                                     Egress=egress, CidrBlock="0.0.0.0/0")
    for s in subnets:
        current = [a for a in ec2.describe_network_acls(
            Filters=[{"Name": "association.subnet-id", "Values": [s]}])["NetworkAcls"][0]["Associations"]
            if a["SubnetId"] == s][0]
        ec2.replace_network_acl_association(AssociationId=current["NetworkAclAssociationId"], NetworkAclId=acl)
    return acl


def entries(ec2: Any, acl_id: str) -> set[tuple]:
    """Every entry of a NACL as a comparable tuple: (egress, rule, action, protocol, cidr, ipv6 cidr, ports, icmp)."""
    return {entry_key(e) for e in acl(ec2, acl_id)["Entries"]}


def entry_key(e: dict[str, Any]) -> tuple:
    pr, icmp = e.get("PortRange"), e.get("IcmpTypeCode")
    return (
        bool(e["Egress"]), int(e["RuleNumber"]), e["RuleAction"], str(e["Protocol"]),
        e.get("CidrBlock"), e.get("Ipv6CidrBlock"),
        (int(pr["From"]), int(pr["To"])) if pr else None,
        (int(icmp["Type"]), int(icmp["Code"])) if icmp else None,
    )


def acl_of_subnet(ec2: Any, subnet_id: str) -> str:
    acls = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])["NetworkAcls"]
    assert len(acls) == 1, acls
    return acls[0]["NetworkAclId"]


def routes(ec2: Any, rtb_id: str) -> set[tuple]:
    """Every route of a table: (destination, target)."""
    table = ec2.describe_route_tables(RouteTableIds=[rtb_id])["RouteTables"][0]
    out = set()
    for r in table["Routes"]:
        dest = r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") or r.get("DestinationPrefixListId")
        target = (r.get("VpcPeeringConnectionId") or r.get("GatewayId") or r.get("NatGatewayId")
                  or r.get("TransitGatewayId") or r.get("NetworkInterfaceId") or r.get("InstanceId"))
        out.add((dest, target))
    return out


def peering(owner_vpc: str, owner_account: str, peer_vpc: str, peer_account: str) -> str:
    """The third party (owner) requests a peering to our VPC (peer), we accept it. Returns the pcx id."""
    theirs, ours = client("ec2", owner_account), client("ec2", peer_account)
    pcx = theirs.create_vpc_peering_connection(VpcId=owner_vpc, PeerVpcId=peer_vpc, PeerOwnerId=peer_account)[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ours.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    status = ours.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]
    assert status["Status"]["Code"] == "active", status
    return pcx


# --- the emulator's controls: moto_ext's /moto-ext/ endpoint (seed, faults, the trail of EC2 snapshots) ---------------

def _control(method: str, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        endpoint() + path, method=method, headers={"Content-Type": "application/json"},
        data=None if body is None else json.dumps(body).encode(),
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def set_seed(seed: int | None) -> None:
    """The order of every later stack operation: `None` is the deterministic (template) order; a number seeds a random
    order the dependencies allow, the same for the same seed and change."""
    _control("POST", "/moto-ext/config", {"seed": seed})


def record_trail(on: bool = True) -> None:
    """Whether stack operations record a snapshot of their VPCs' NACLs, routes and peerings after each EC2 call."""
    _control("POST", "/moto-ext/config", {"recordTrail": on})


def inject_fault(logical_id: str, action: str, stack_name: str | None = None, message: str | None = None) -> None:
    """The next operation (on `stack_name`, or on any stack) fails `action` ("create", "update" or "delete") of that
    resource, once, before any call to EC2: a later resource failing, at a chosen point."""
    fault: dict[str, Any] = {"logicalId": logical_id, "action": action}
    if stack_name:
        fault["stackName"] = stack_name
    if message:
        fault["message"] = message
    _control("POST", "/moto-ext/faults", {"faults": [fault]})


def clear_faults() -> None:
    _control("DELETE", "/moto-ext/faults")


def trail(stack_name: str | None = None) -> list[dict[str, Any]]:
    """The recorded snapshots, oldest first (those of one stack's operations with `stack_name`)."""
    query = f"?stackName={quote(stack_name)}" if stack_name else ""
    return _control("GET", "/moto-ext/trail" + query)["snapshots"]


def clear_trail() -> None:
    _control("DELETE", "/moto-ext/trail")


@contextlib.contextmanager
def recording() -> Iterator[None]:
    """For a test: the trail recorded from an empty start; afterwards the seed and the recording as they were (the server
    may run under `MOTO_EXT_SEED`), no fault left armed, the trail forgotten."""
    before = _control("GET", "/moto-ext/config")
    record_trail(True)
    clear_trail()
    try:
        yield
    finally:
        _control("POST", "/moto-ext/config", before)
        clear_faults()
        clear_trail()


# --- the trail evaluated: test/deploy/evaluate-snapshots.ts -----------------------------------------------------------

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EVALUATOR = os.path.join(ROOT, "test", "deploy", "evaluate-snapshots.ts")


def evaluator_script() -> str | None:
    """The snapshot evaluator: `EVALUATE_SNAPSHOTS` (a path to another checkout's evaluate-snapshots.ts), else this
    checkout's; None when there is none."""
    script = os.environ.get("EVALUATE_SNAPSHOTS") or EVALUATOR
    return script if os.path.isfile(script) else None


def _blocks(info: dict[str, Any]) -> list[str]:
    return [c["CidrBlock"] for c in info.get("CidrBlockSet", [])] + \
        [c["Ipv6CidrBlock"] for c in info.get("Ipv6CidrBlockSet", [])]


def evaluator_input(snapshots: list[dict[str, Any]]) -> dict[str, Any]:
    """A trail (one operation's snapshots) in the evaluator's shape: each snapshot's NACLs as DescribeNetworkAcls
    returns them, the blocks of the remote side of every peering connection that is active then, and of those that
    exist but are not active (their packets are not delivered). A snapshot the same as the one before it for the
    evaluator (the call changed a route, a peering option, another resource) is left out: it cannot differ from it;
    the first and the last are kept."""
    out: list[dict[str, Any]] = []
    for i, s in enumerate(snapshots):
        ours = {a["VpcId"] for a in s["networkAcls"]}
        active: set[str] = set()
        inactive: set[str] = set()
        for pcx in s["vpcPeeringConnections"]:
            for mine, theirs in (("AccepterVpcInfo", "RequesterVpcInfo"), ("RequesterVpcInfo", "AccepterVpcInfo")):
                if pcx[mine]["VpcId"] in ours:
                    (active if pcx["Status"]["Code"] == "active" else inactive).update(_blocks(pcx[theirs]))
        snapshot = {
            "Label": s["step"], "NetworkAcls": s["networkAcls"],
            "ActivePeeringCidrBlocks": sorted(active), "PeeringCidrBlocks": sorted(inactive - active),
        }
        if out and _same_for_the_evaluator(out[-1], snapshot):
            if i == len(snapshots) - 1 and len(out) > 1:
                out[-1] = snapshot  # the last state was reached by the one before: keep it as the last
            elif i < len(snapshots) - 1:
                continue
        out.append(snapshot)
    return {"snapshots": out}


def _same_for_the_evaluator(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(a[k] == b[k] for k in ("NetworkAcls", "ActivePeeringCidrBlocks", "PeeringCidrBlocks"))


_COMPILED: dict[str, str | None] = {}
_COMPILE_LOCK = threading.Lock()


def _compiled(script: str, checkout: str) -> str | None:
    """The script and what it imports, compiled to JavaScript once per session by the checkout's TypeScript
    (transpiled, not type-checked: jest and the build check the types): node then starts in a tenth of the time
    ts-node takes. None (ts-node then) when that fails."""
    with _COMPILE_LOCK:
        if script not in _COMPILED:
            out = tempfile.mkdtemp(prefix="evaluate-snapshots-")
            atexit.register(shutil.rmtree, out, True)
            proc = subprocess.run(
                ["npx", "tsc", "--ignoreConfig", "--outDir", out, "--rootDir", checkout, "--module", "commonjs",
                 "--target", "es2022", "--esModuleInterop", "--skipLibCheck", "--noCheck", "--types", "node", script],
                cwd=checkout, capture_output=True, text=True, timeout=300,
            )
            js = os.path.join(out, os.path.relpath(script, checkout))[:-len(".ts")] + ".js"
            _COMPILED[script] = js if proc.returncode == 0 and os.path.isfile(js) else None
        return _COMPILED[script]


def evaluate(snapshots: list[dict[str, Any]], targets: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Runs the evaluator on one trail: `{"views", "packetsChecked", "violations": [{"kind": "more-open" | "outage",
    "view", "packet": {"direction", "protocol", "port"?, "icmpType"?, "icmpCode"?, "remote"}, "portRange"?,
    "remoteText", "before", "during", "after", "snapshots", "message", "steps"}]}` (the packet stands for a class: the
    ports of `portRange`, the addresses of `remoteText`), `steps` being the step after which each of the violation's
    snapshots was taken (`snapshots` index the evaluated, deduplicated trail). `targets`: for a deploy that failed,
    snapshots of the state the same template reaches when its deploy goes through (an intermediate state that is
    theirs is no window)."""
    script = evaluator_script()
    if script is None:
        raise FileNotFoundError(f"no snapshot evaluator at {EVALUATOR} (or EVALUATE_SNAPSHOTS)")
    checkout = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(script))))
    evaluated = evaluator_input(snapshots)
    if targets:
        evaluated["targets"] = evaluator_input(targets)["snapshots"]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(evaluated, f)
    try:
        compiled = _compiled(script, checkout)
        if compiled:
            command = ["node", compiled, f.name]
            env = dict(os.environ, NODE_PATH=os.path.join(checkout, "node_modules"))
        else:
            command = ["npx", "ts-node", "--project", os.path.join(checkout, "test", "tsconfig.json"), script, f.name]
            env = dict(os.environ, TS_NODE_TRANSPILE_ONLY="true")
        proc = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True, timeout=300)
    finally:
        os.unlink(f.name)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise RuntimeError(f"evaluate-snapshots.ts failed ({proc.returncode}): {proc.stdout[-2000:]} {proc.stderr[-2000:]}")
    if proc.returncode != 0 or "error" in report:
        raise RuntimeError(f"evaluate-snapshots.ts: {report.get('error', report)}")
    labels = [s["Label"] for s in evaluated["snapshots"]]
    for v in report["violations"]:
        v["steps"] = [labels[i] for i in v["snapshots"]]  # what each snapshot of the violation came after
    return report


_EVALUATIONS = ThreadPoolExecutor(max_workers=2)


def evaluate_later(snapshots: list[dict[str, Any]], targets: list[dict[str, Any]] | None = None) -> "Future[dict[str, Any]]":
    """`evaluate` in the background (a node process), while the test deploys the next step."""
    return _EVALUATIONS.submit(evaluate, snapshots, targets)


def covers(violation: dict[str, Any], direction: str, protocol: int | None, remote_cidr: str,
           port: int | None = None) -> bool:
    """Whether a violation's packet, which stands for a class of packets (TCP/UDP: the ports of its `portRange`, or
    `port`..`lastPort`), stands for `direction` `protocol` (None: any; a protocol no rule names is represented by
    another such one) `port` to or from an address of `remote_cidr`."""
    packet = violation["packet"]
    if packet["direction"] != direction or protocol is not None and packet["protocol"] != protocol:
        return False
    if ipaddress.ip_address(packet["remote"]) not in ipaddress.ip_network(remote_cidr):
        return False
    if port is None:
        return True
    ports = violation.get("portRange") or {"from": packet.get("port", -1),
                                           "to": packet.get("lastPort", packet.get("port", -1))}
    return ports["from"] <= port <= ports["to"]


def find_violations(report: dict[str, Any], kind: str, direction: str, protocol: int | None, remote_cidr: str,
                    port: int | None = None, view_kind: str | None = None) -> list[dict[str, Any]]:
    return [v for v in report["violations"]
            if v["kind"] == kind and (view_kind is None or v["view"]["kind"] == view_kind)
            and covers(v, direction, protocol, remote_cidr, port)]


# --- assets ------------------------------------------------------------------------------------------------------------

def publish_asset_directory(directory: str, account: str) -> str:
    """What `cdk deploy` does for a zip file asset `asset.<hash>/`: zipped into the bootstrap bucket as `<hash>.zip`."""
    s3 = client("s3", account)
    bucket = f"cdk-hnb659fds-assets-{account}-{REGION}"
    key = os.path.basename(directory.rstrip("/")).removeprefix("asset.") + ".zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for folder, _, files in os.walk(directory):
            for name in sorted(files):
                full = os.path.join(folder, name)
                z.write(full, os.path.relpath(full, directory))
    if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=buf.getvalue())
    return key


def publish_assets(out_dir: str, account: str) -> None:
    """What `cdk deploy` does first: every file asset of an assembly (the accepter's function, in nested assemblies
    too) into the account's bootstrap bucket."""
    for folder, dirs, _ in os.walk(out_dir):
        for d in [d for d in dirs if d.startswith("asset.")]:
            publish_asset_directory(os.path.join(folder, d), account)
        dirs[:] = [d for d in dirs if not d.startswith("asset.")]
