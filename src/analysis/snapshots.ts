/**
 * Checks a recorded deploy: EC2 snapshots taken after every API call (in the shape `DescribeNetworkAcls` returns, plus
 * the blocks of the active peering connections), each intermediate one against the first (before) and the last
 * (after), with the definitions of `transition.ts`: a packet denied in the first and the last snapshot but allowed in
 * between is **more open**, one allowed in both but denied in between is an **outage**. Packets are complete
 * representative sets (`packets.ts`) of the rules of every snapshot, so no window between two snapshots' rules is
 * missed; each snapshot is evaluated by {@link evaluateEc2State}.
 *
 * Views: every subnet of an association in any snapshot, through the NACL it is on; every default NACL on its own,
 * and every other NACL that exists in the first and the last snapshot (a NACL created or deleted during the deploy only
 * carries traffic through the subnets it holds, which the subnet views cover). A subnet or NACL missing from a
 * snapshot carries nothing there (verdict `absent`, a deny).
 *
 * A deploy that failed and rolled back ends where it began, so everything it did on the way to its template would
 * look like a window: its `targets` (the state a deploy of the same template reaches when it goes through) are
 * further references, and only what neither the first snapshot nor a target shows is a violation.
 */
import { Ec2State, evaluateEc2State, NetworkAclState, PeeringState, StateVerdict, StateView } from './ec2-state';
import { packetText, PortRange } from './messages';
import { checkRule, NaclRule, Packet, protocolMatches } from './nacl-evaluator';
import { addressClasses, addressRangeText, cidrRange, rangeContains, trafficClasses } from './packets';

/** One entry of `DescribeNetworkAcls` (`NetworkAcls[].Entries[]`). */
export interface DescribedNetworkAclEntry {
  readonly RuleNumber: number;
  readonly Egress: boolean;
  readonly RuleAction: string;
  /** `'-1'`, `'6'`, … (EC2 answers strings); numbers and `tcp`/`udp`/`icmp`/`icmpv6`/`all` are accepted too. */
  readonly Protocol: string | number;
  readonly PortRange?: { readonly From?: number; readonly To?: number };
  readonly IcmpTypeCode?: { readonly Type?: number; readonly Code?: number };
  readonly CidrBlock?: string;
  readonly Ipv6CidrBlock?: string;
}

/** One NACL of `DescribeNetworkAcls` (`NetworkAcls[]`). */
export interface DescribedNetworkAcl {
  readonly NetworkAclId: string;
  readonly IsDefault?: boolean;
  readonly VpcId?: string;
  readonly Entries?: readonly DescribedNetworkAclEntry[];
  readonly Associations?: ReadonlyArray<{ readonly SubnetId?: string }>;
}

/** The EC2 state at one instant of a deploy. */
export interface Ec2Snapshot {
  /** What just happened (e.g. the API call after which the snapshot was taken), for messages. */
  readonly Label?: string;
  readonly NetworkAcls: readonly DescribedNetworkAcl[];
  /** The CIDR blocks (of the peer VPC) of every peering connection that is active now. */
  readonly ActivePeeringCidrBlocks?: readonly string[];
  /** The CIDR blocks of peering connections that exist but are not active (optional: blocks active in any snapshot are known anyway). */
  readonly PeeringCidrBlocks?: readonly string[];
}

/** A NACL or subnet checked across the snapshots. */
export interface SnapshotView {
  readonly kind: 'nacl' | 'subnet';
  readonly id: string;
  readonly label: string;
}

/** A packet whose verdict in some intermediate snapshots differs from its verdict in the first and the last. */
export interface SnapshotViolation {
  readonly kind: 'more-open' | 'outage';
  readonly view: SnapshotView;
  readonly packet: Packet;
  /** The remote addresses the packet stands for: a CIDR block when they are exactly one, else `first-last`. */
  readonly remoteText: string;
  /** TCP/UDP: the ports the packet stands for (inclusive). */
  readonly portRange?: PortRange;
  readonly before: StateVerdict;
  readonly after: StateVerdict;
  /** Indexes of the intermediate snapshots where it differs. */
  readonly snapshots: number[];
  /** The verdict in the first of those snapshots. */
  readonly during: StateVerdict;
  readonly message: string;
}

/** The result of {@link checkSnapshots}. */
export interface SnapshotReport {
  readonly views: SnapshotView[];
  readonly packetsChecked: number;
  readonly violations: SnapshotViolation[];
}

/** A snapshot as a {@link Ec2State}: entries normalised (the implicit `*` deny dropped), peering blocks as connections. */
export function ec2StateFromSnapshot(snapshot: Ec2Snapshot, peeringBlocks: readonly string[] = []): Ec2State {
  const active = new Set(snapshot.ActivePeeringCidrBlocks ?? []);
  const blocks = new Set([...peeringBlocks, ...active, ...(snapshot.PeeringCidrBlocks ?? [])]);
  return {
    networkAcls: snapshot.NetworkAcls.map((acl): NetworkAclState => ({
      networkAclId: acl.NetworkAclId,
      entries: (acl.Entries ?? []).flatMap((e) => {
        const rule = ruleOf(e, acl.NetworkAclId);
        return rule ? [rule] : [];
      }),
      subnetIds: (acl.Associations ?? []).flatMap((a) => (a.SubnetId ? [a.SubnetId] : [])),
    })),
    peerings: [...blocks].map((cidr): PeeringState => ({ cidrBlocks: [cidr], active: active.has(cidr), vpcPeeringConnectionId: `to ${cidr}` })),
  };
}

/** Options of {@link checkSnapshots}. */
export interface CheckSnapshotsOptions {
  /**
   * States the deploy was meant to reach, for a deploy that failed and rolled back: its last snapshot is the state
   * before again, and what it went through on the way to the template it was given is no window. An intermediate
   * verdict that is the verdict of one of these states is not a violation.
   * @default - none: the first and the last snapshot are the only references
   */
  readonly targets?: readonly Ec2Snapshot[];
}

/**
 * Checks every intermediate snapshot against the first (before) and the last (after), and the `targets` if any; see
 * the file comment. Needs at least two snapshots.
 */
export function checkSnapshots(snapshots: readonly Ec2Snapshot[], options: CheckSnapshotsOptions = {}): SnapshotReport {
  if (snapshots.length < 2) throw new Error(`checkSnapshots needs the snapshots before and after the deploy, got ${snapshots.length}`);
  const targets = options.targets ?? [];
  const everything = [...snapshots, ...targets];
  const peeringBlocks = [...new Set(everything.flatMap((s) => [...(s.ActivePeeringCidrBlocks ?? []), ...(s.PeeringCidrBlocks ?? [])]))].sort();
  peeringBlocks.forEach((b) => cidrRange(b));
  const allStates = everything.map((s) => ec2StateFromSnapshot(s, peeringBlocks));
  const states = allStates.slice(0, snapshots.length);
  const first = states[0];
  const last = states[states.length - 1];

  const aclIds = new Set<string>();
  const defaults = new Set<string>();
  const subnets = new Map<string, Set<string>>();
  snapshots.forEach((s) => s.NetworkAcls.forEach((acl) => {
    aclIds.add(acl.NetworkAclId);
    if (acl.IsDefault) defaults.add(acl.NetworkAclId);
    for (const a of acl.Associations ?? []) {
      if (a.SubnetId) subnets.set(a.SubnetId, (subnets.get(a.SubnetId) ?? new Set()).add(acl.NetworkAclId));
    }
  }));
  const inBoth = (id: string) => [first, last].every((st) => st.networkAcls.some((a) => a.networkAclId === id));
  const views: Array<{ view: SnapshotView; stateView: StateView; acls: string[] }> = [
    ...[...aclIds].filter((id) => defaults.has(id) || inBoth(id)).sort().map((id) => ({
      view: { kind: 'nacl' as const, id, label: `NACL ${id}` }, stateView: { networkAclId: id }, acls: [id],
    })),
    ...[...subnets.keys()].sort().map((id) => ({
      view: { kind: 'subnet' as const, id, label: `subnet ${id}` }, stateView: { subnetId: id }, acls: [...subnets.get(id)!],
    })),
  ];

  const violations: SnapshotViolation[] = [];
  let packetsChecked = 0;
  for (const { view, stateView, acls } of views) {
    for (const direction of ['ingress', 'egress'] as const) {
      for (const family of ['ipv4', 'ipv6'] as const) {
        const rules = distinctRules(allStates.flatMap((st) => st.networkAcls.filter((a) => acls.includes(a.networkAclId)).flatMap((a) => a.entries)))
          .filter((r) => r.egress === (direction === 'egress') && (r.ipv6CidrBlock !== undefined) === (family === 'ipv6'));
        const ranges = rules.map((r) => cidrRange((r.cidrBlock ?? r.ipv6CidrBlock)!));
        const peeringRanges = peeringBlocks.map((b) => cidrRange(b));
        const blocks = [...rules.map((r) => (r.cidrBlock ?? r.ipv6CidrBlock)!), ...peeringBlocks];
        const traffic = trafficClasses(family, rules);
        const cache = new Map<string, StateVerdict[]>();
        for (const address of addressClasses(family, blocks)) {
          const atAddress = rules.map((_, i) => i).filter((i) => rangeContains(ranges[i], family, address.first));
          const behind = peeringRanges.map((_, i) => i).filter((i) => rangeContains(peeringRanges[i], family, address.first));
          for (const { lastPort, ...t } of traffic) {
            const packet: Packet = { direction, ...t, remote: address.representative };
            packetsChecked++;
            const signature = `${atAddress.filter((i) => protocolMatches(rules[i], packet)).join(',')}|${behind.join(',')}`;
            let verdicts = cache.get(signature);
            if (!verdicts) {
              verdicts = allStates.map((st) => evaluateEc2State(st, stateView, packet));
              cache.set(signature, verdicts);
            }
            const portRange = lastPort === undefined ? undefined : { from: packet.port!, to: lastPort };
            const violation = snapshotViolation(view, packet, verdicts.slice(0, snapshots.length), snapshots,
              addressRangeText(family, address.first, address.last), portRange, verdicts.slice(snapshots.length));
            if (violation) violations.push(violation);
          }
        }
      }
    }
  }
  return { views: views.map((v) => v.view), packetsChecked, violations };
}

function snapshotViolation(
  view: SnapshotView, packet: Packet, verdicts: readonly StateVerdict[], snapshots: readonly Ec2Snapshot[], remote: string,
  portRange: PortRange | undefined, targets: readonly StateVerdict[],
): SnapshotViolation | undefined {
  const before = verdicts[0];
  const after = verdicts[verdicts.length - 1];
  if (before.decision !== after.decision) return undefined;
  const meant = (v: StateVerdict) => targets.some((t) => t.decision === v.decision);
  const indexes = verdicts.map((_, i) => i)
    .filter((i) => i > 0 && i < verdicts.length - 1 && verdicts[i].decision !== before.decision && !meant(verdicts[i]));
  if (indexes.length === 0) return undefined;
  const kind = before.decision === 'deny' ? 'more-open' : 'outage';
  const during = verdicts[indexes[0]];
  const at = indexes.map((i) => (snapshots[i].Label ? `${i} (${snapshots[i].Label})` : String(i))).join(', ');
  const why = during.reason === 'rule' ? `by rule ${during.ruleNumber} of ${during.networkAclId}`
    : during.reason === 'implicit-deny' ? `by the implicit deny (*) of ${during.networkAclId}`
      : during.reason === 'absent' ? `because ${view.label} does not exist` : `because peering ${during.vpcPeeringConnectionId} is not active`;
  const word = (v: StateVerdict) => (v.decision === 'allow' ? 'allowed' : 'denied');
  return {
    kind,
    view,
    packet,
    remoteText: remote,
    portRange,
    before,
    after,
    snapshots: indexes,
    during,
    message: `${kind === 'more-open' ? 'more open' : 'outage'} in snapshot ${at}: ${packetText(packet, view.label, remote, portRange)} is `
      + `${word(during)} ${why}; ${word(before)} in the first and the last`,
  };
}

function distinctRules(rules: readonly NaclRule[]): NaclRule[] {
  const byJson = new Map<string, NaclRule>();
  for (const r of rules) {
    byJson.set(JSON.stringify([r.egress, r.ruleNumber, r.action, r.protocol, r.portRange, r.icmp, r.cidrBlock, r.ipv6CidrBlock]), r);
  }
  return [...byJson.values()];
}

const PROTOCOL_NAMES: Record<string, number> = { all: -1, tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

/** An entry as a rule; `undefined` for the implicit `*` deny (rule number 32767, both families). */
function ruleOf(e: DescribedNetworkAclEntry, aclId: string): NaclRule | undefined {
  if (e.RuleNumber >= 32767) return undefined;
  const protocolText = String(e.Protocol).toLowerCase();
  const protocol = PROTOCOL_NAMES[protocolText] ?? Number(protocolText);
  const tcpOrUdp = protocol === 6 || protocol === 17;
  const rule: NaclRule = {
    egress: e.Egress,
    ruleNumber: e.RuleNumber,
    action: e.RuleAction.toLowerCase() === 'allow' ? 'allow' : 'deny',
    protocol,
    portRange: tcpOrUdp && e.PortRange ? { from: e.PortRange.From ?? 0, to: e.PortRange.To ?? 65535 } : undefined,
    icmp: e.IcmpTypeCode && !tcpOrUdp ? { type: e.IcmpTypeCode.Type ?? -1, code: e.IcmpTypeCode.Code ?? -1 } : undefined,
    cidrBlock: e.CidrBlock,
    ipv6CidrBlock: e.Ipv6CidrBlock,
  };
  if (!/^(allow|deny)$/i.test(e.RuleAction)) throw new Error(`${aclId} ${e.Egress ? 'egress' : 'ingress'} rule ${e.RuleNumber}: RuleAction ${JSON.stringify(e.RuleAction)} is neither allow nor deny`);
  checkRule(rule, `${aclId} ${e.Egress ? 'egress' : 'ingress'} rule ${e.RuleNumber}`);
  return rule;
}
