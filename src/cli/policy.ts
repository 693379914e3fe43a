/**
 * The policy one NACL applies to a peering's blocks, and how it changes between two templates, in terms a reviewer
 * reads: "egress tcp 443 to 10.200.0.0/16 allowed by rule 50". Every packet is decided by the project's evaluator
 * (`evaluate` of `src/analysis/nacl-evaluator.ts`: lowest rule number first, implicit deny), over complete sets of
 * representative packets (`trafficClasses` / `addressClasses` of `src/analysis/packets.ts`), so rules written by hand
 * or by other tools on the same NACL count as much as the construct's.
 */
import { NaclInfo } from './stack-model';
import { trafficText } from '../analysis/messages';
import { naclDecider, NaclRule, Packet, Verdict } from '../analysis/nacl-evaluator';
import { AddressClass, AddressFamily, addressClasses, addressRangeText, cidrRange, rangeContains, TrafficClass, trafficClasses } from '../analysis/packets';

/** A packet's direction, seen from the subnet. */
export type Direction = 'ingress' | 'egress';

/** What allowed traffic is for. */
export type TrafficKind =
  /** TCP/UDP to one port or a narrow range: a service (the peer's, for egress; yours, for ingress). */
  | 'service'
  /** TCP/UDP to a wide range of ports from 1024 up: replies to connections started on the other side. */
  | 'replies'
  /** ICMP / ICMPv6. */
  | 'icmp'
  /** Every protocol (a rule with protocol -1). */
  | 'all'
  /** One other IP protocol. */
  | 'protocol';

/** Where the rule that decides comes from. */
export type RuleOrigin = 'template' | 'default-nacl' | 'assumed' | 'implicit-deny';

/** One line of a NACL's policy for a peering: what one rule decides for the peering's blocks. */
export interface PolicyLine {
  readonly direction: Direction;
  readonly action: 'allow' | 'deny';
  /** `tcp 443`, `tcp 1024-65535`, `icmp type 3 code 4`, `all traffic`, `all other traffic`. */
  readonly traffic: string;
  readonly kind: TrafficKind;
  /** The external addresses it applies to: the peering's blocks, or parts of them. */
  readonly remote: string;
  /** The deciding rule, `'*'` for the implicit deny. */
  readonly ruleNumber: number | '*';
  /** Logical id of the deciding template entry. */
  readonly logicalId?: string;
  readonly origin: RuleOrigin;
  /** Why the deciding entry exists, as the construct wrote it in its metadata (`replies to outbound, inbound`). */
  readonly purpose?: string;
}

/** A packet class whose verdict differs between two versions of a scope. */
export interface PolicyChange {
  readonly direction: Direction;
  /** `added`: allowed after, not before (a widening); `removed`: allowed before, not after. */
  readonly change: 'added' | 'removed';
  /** `tcp 80`, `udp 53`, `icmp type 3 code 4`, `protocol 47`. */
  readonly traffic: string;
  readonly remote: string;
}

/** One version of a scope for {@link policyChanges}: the NACL it is on (`undefined`: no traffic flows) and the peering's blocks then. */
export interface ScopeVersion {
  readonly nacl?: NaclInfo;
  readonly cidrBlocks: readonly string[];
}

const DIRECTIONS: readonly Direction[] = ['egress', 'ingress'];
const FAMILIES: readonly AddressFamily[] = ['ipv4', 'ipv6'];

interface Decided {
  readonly address: AddressClass;
  readonly traffic: TrafficClass;
  readonly verdict: Verdict;
}

/** What the NACL does with every packet to (egress) and from (ingress) the blocks, one line per deciding rule and traffic. */
export function naclPolicy(nacl: NaclInfo, cidrBlocks: readonly string[]): PolicyLine[] {
  const lines: PolicyLine[] = [];
  for (const direction of DIRECTIONS) {
    const rules = rulesOf(nacl, direction);
    for (const family of FAMILIES) {
      const decided: Decided[] = [];
      const decide = naclDecider(nacl.entries, { extraEntries: nacl.heldRules });
      for (const { address, traffic, packet } of packetsFor(rules, cidrBlocks, family, direction)) {
        decided.push({ address, traffic, verdict: decide(packet) });
      }
      lines.push(...linesOf(nacl, direction, rules, decided));
    }
  }
  // AWS's order: per direction, lowest rule number first (the implicit deny last).
  const order = (l: PolicyLine) => (l.ruleNumber === '*' ? 32767 : l.ruleNumber);
  return lines.sort((a, b) => DIRECTIONS.indexOf(a.direction) - DIRECTIONS.indexOf(b.direction) || order(a) - order(b));
}

/** The packet classes allowed in one version and not in the other, both directions, merged into port ranges. */
export function policyChanges(before: ScopeVersion, after: ScopeVersion): PolicyChange[] {
  const changes: PolicyChange[] = [];
  const blocks = [...new Set([...before.cidrBlocks, ...after.cidrBlocks])];
  for (const direction of DIRECTIONS) {
    const rules = [...(before.nacl ? rulesOf(before.nacl, direction) : []), ...(after.nacl ? rulesOf(after.nacl, direction) : [])];
    for (const family of FAMILIES) {
      const differing: Array<{ address: AddressClass; traffic: TrafficClass; packet: Packet; change: PolicyChange['change'] }> = [];
      const [wasAllowed, isAllowed] = [allowedIn(before), allowedIn(after)];
      for (const { address, traffic, packet } of packetsFor(rules, blocks, family, direction)) {
        const was = wasAllowed(address, packet);
        const is = isAllowed(address, packet);
        if (was !== is) differing.push({ address, traffic, packet, change: is ? 'added' : 'removed' });
      }
      const classCount = trafficClasses(family, rules.filter((r) => (r.ipv6CidrBlock !== undefined) === (family === 'ipv6'))).length;
      const named = new Set(rules.map((r) => r.protocol));
      const byTraffic = new Map<string, { change: PolicyChange['change']; traffic: string; remotes: string[] }>();
      const add = (change: PolicyChange['change'], traffic: string, remote: string) => {
        const key = `${change}|${traffic}`;
        const group = byTraffic.get(key) ?? { change, traffic, remotes: [] };
        if (!group.remotes.includes(remote)) group.remotes.push(remote);
        byTraffic.set(key, group);
      };
      for (const run of portRuns(differing, (d) => `${addressText(d.address)}|${d.change}`)) {
        const first = run[0];
        const remote = addressText(first.address);
        const all = differing.filter((d) => d.change === first.change && addressText(d.address) === remote);
        if (all.length === classCount) {
          add(first.change, 'all traffic', remote);
          continue;
        }
        const ports = first.traffic.lastPort === undefined ? undefined : { from: first.traffic.port!, to: run[run.length - 1].traffic.lastPort! };
        add(first.change, classText(first.packet, ports, named, rules), remote);
      }
      for (const g of byTraffic.values()) changes.push({ direction, change: g.change, traffic: g.traffic, remote: g.remotes.join(', ') });
    }
  }
  return changes;
}

/** Whether the NACL allows anything to or from the blocks. */
export function allowsAny(lines: readonly PolicyLine[]): boolean {
  return lines.some((l) => l.action === 'allow');
}

/** Whether the version allows a packet (its remote in the address class), the NACL's rules prepared once. */
function allowedIn(version: ScopeVersion): (address: AddressClass, packet: Packet) => boolean {
  const nacl = version.nacl;
  if (nacl === undefined || !nacl.exists) return () => false;
  const ranges = version.cidrBlocks.map(cidrRange);
  const decide = naclDecider(nacl.entries, { extraEntries: nacl.heldRules });
  return (address, packet) => ranges.some((r) => rangeContains(r, address.family, address.first)) && decide(packet).decision === 'allow';
}

function rulesOf(nacl: NaclInfo, direction: Direction): NaclRule[] {
  return [...nacl.entries, ...nacl.heldRules].filter((r) => r.egress === (direction === 'egress'));
}

/** A complete set of representative packets of one direction and family whose remote is in one of the blocks. */
function packetsFor(rules: readonly NaclRule[], cidrBlocks: readonly string[], family: AddressFamily, direction: Direction) {
  const blocks = cidrBlocks.filter((b) => cidrRange(b).family === family);
  if (blocks.length === 0) return [];
  const own = rules.filter((r) => (r.ipv6CidrBlock !== undefined) === (family === 'ipv6'));
  const cuts = [...own.map((r) => (r.cidrBlock ?? r.ipv6CidrBlock)!), ...blocks];
  const addresses = addressClasses(family, cuts).filter((a) => blocks.some((b) => rangeContains(cidrRange(b), family, a.first)));
  const traffic = trafficClasses(family, own);
  return addresses.flatMap((address) => traffic.map((t) => {
    const { lastPort: _, ...protocolPart } = t;
    const packet: Packet = { direction, ...protocolPart, remote: address.representative };
    return { address, traffic: t, packet };
  }));
}

function linesOf(nacl: NaclInfo, direction: Direction, rules: readonly NaclRule[], decided: readonly Decided[]): PolicyLine[] {
  const byRule = new Map<number | '*', Decided[]>();
  for (const d of decided) {
    const group = byRule.get(d.verdict.ruleNumber);
    if (group) group.push(d);
    else byRule.set(d.verdict.ruleNumber, [d]);
  }
  const numbers = [...byRule.keys()].sort((a, b) => (a === '*' ? 1 : b === '*' ? -1 : a - b));
  const lines: PolicyLine[] = [];
  for (const ruleNumber of numbers) {
    const group = byRule.get(ruleNumber)!;
    const rule = ruleNumber === '*' ? undefined : rules.find((r) => r.ruleNumber === ruleNumber);
    const verdict = group[0].verdict;
    const origin: RuleOrigin = rule === undefined ? 'implicit-deny'
      : verdict.logicalId !== undefined ? 'template' : nacl.origin === 'default-nacl' ? 'default-nacl' : 'assumed';
    const purpose = verdict.logicalId === undefined ? undefined : nacl.purposes[verdict.logicalId];
    const base = { direction, action: verdict.decision, ruleNumber, logicalId: verdict.logicalId, origin, purpose };
    const remote = [...new Set(group.map((d) => addressText(d.address)))].join(', ');
    if (rule === undefined || rule.protocol === -1) {
      lines.push({ ...base, traffic: numbers.length > 1 ? 'all other traffic' : 'all traffic', kind: 'all', remote });
    } else if (rule.protocol === 6 || rule.protocol === 17) {
      // One line per port range, naming the addresses whose run it is (a rule may decide other ports for other addresses).
      const byText = new Map<string, { from: number; to: number; remotes: string[] }>();
      for (const run of portRuns(group, (d) => addressText(d.address))) {
        const from = run[0].traffic.port!;
        const to = run[run.length - 1].traffic.lastPort!;
        const text = `${rule.protocol === 6 ? 'tcp' : 'udp'} ${from === to ? from : `${from}-${to}`}`;
        const runRemote = addressText(run[0].address);
        const line = byText.get(text) ?? { from, to, remotes: [] };
        if (!line.remotes.includes(runRemote)) line.remotes.push(runRemote);
        byText.set(text, line);
      }
      for (const [text, { from, to, remotes }] of byText) {
        lines.push({ ...base, traffic: text, kind: from >= 1024 && to - from >= 1000 ? 'replies' : 'service', remote: remotes.join(', ') });
      }
    } else if (rule.icmp !== undefined && (rule.protocol === 1 || rule.protocol === 58)) {
      const name = rule.protocol === 1 ? 'icmp' : 'icmpv6';
      const what = rule.icmp.type === -1 ? 'all types' : `type ${rule.icmp.type} ${rule.icmp.code === -1 ? 'all codes' : `code ${rule.icmp.code}`}`;
      lines.push({ ...base, traffic: `${name} ${what}`, kind: 'icmp', remote });
    } else {
      lines.push({ ...base, traffic: `protocol ${rule.protocol}`, kind: 'protocol', remote });
    }
  }
  return lines;
}

/**
 * Runs of TCP/UDP classes with consecutive ports (same protocol, same `key`), in port order; every other class is a
 * run of its own.
 */
function portRuns<T extends { readonly traffic: TrafficClass }>(items: readonly T[], key: (item: T) => string): T[][] {
  const runs: T[][] = [];
  const sorted = [...items].sort((a, b) => key(a).localeCompare(key(b)) || a.traffic.protocol - b.traffic.protocol
    || (a.traffic.port ?? 0) - (b.traffic.port ?? 0) || (a.traffic.icmpType ?? 0) - (b.traffic.icmpType ?? 0)
    || (a.traffic.icmpCode ?? 0) - (b.traffic.icmpCode ?? 0));
  for (const item of sorted) {
    const run = runs[runs.length - 1];
    const prev = run?.[run.length - 1];
    if (prev && key(prev) === key(item) && prev.traffic.protocol === item.traffic.protocol
      && prev.traffic.lastPort !== undefined && item.traffic.port === prev.traffic.lastPort + 1) {
      run.push(item);
    } else {
      runs.push([item]);
    }
  }
  return runs;
}

/** {@link trafficText}, saying so when the packet stands for protocols or ICMP types that no rule names. */
function classText(packet: Packet, ports: { from: number; to: number } | undefined, named: ReadonlySet<number>, rules: readonly NaclRule[]): string {
  if (!named.has(packet.protocol)) return 'every protocol no rule names (e.g. protocol ' + packet.protocol + ')';
  if (packet.icmpType !== undefined && !rules.some((r) => r.protocol === packet.protocol && r.icmp?.type === packet.icmpType)) {
    return `${packet.protocol === 1 ? 'icmp' : 'icmpv6'} types no rule names (e.g. type ${packet.icmpType})`;
  }
  return trafficText(packet, ports);
}

function addressText(address: AddressClass): string {
  return addressRangeText(address.family, address.first, address.last);
}
