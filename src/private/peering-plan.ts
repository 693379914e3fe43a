/**
 * The rule and route plan: which routes and which Network ACL entries, with which numbers. Pure functions, no CDK:
 * everything the construct creates is decided here, and the construct only turns it into CloudFormation resources.
 *
 * Numbering, in every NACL and direction, within the band [firstRuleNumber, lastRuleNumber]:
 * - allow entries take the numbers from the bottom of the band up, in a canonical order (IPv4 CIDRs, then IPv6,
 *   each sorted; per CIDR the merged traffic in canonical order);
 * - deny entries take the numbers from the top of the band down, one per CIDR in the same order.
 * So every allow precedes every deny, and all of them precede whatever the NACL holds above the band (the default
 * NACL's allow-all at 100). Resources are named after their slot (NACL, direction, number), which makes a stack
 * update unable to create an entry on a slot that an entry of the previous template still holds: the same slot is the
 * same resource, updated in place.
 */
import { AddressFamily } from './cidr';
import { appliesToFamily, describeTraffic, mergeTraffic, PortRange, Protocol, repliesTo, Traffic } from './traffic';

/** One external CIDR block. `cidr` may be an unresolved token (then it was not validated). */
export interface ExternalCidr {
  readonly cidr: string;
  readonly family: AddressFamily;
  /**
   * What orders the blocks: the canonical block, or for a token what it resolves to, never the token's string (which
   * changes whenever unrelated code makes tokens).
   * @default - the cidr
   */
  readonly sortKey?: string;
}

/** What the plan is computed from: validated, normalised props. NACLs and route tables are opaque keys. */
export interface PlanInput {
  readonly externalCidrs: ExternalCidr[];
  readonly allowOutbound: Traffic[];
  readonly allowInbound: Traffic[];
  readonly ephemeralPortRange: PortRange;
  /** True when the ephemeral range holds unresolved tokens. */
  readonly ephemeralOpaque?: boolean;
  /** NACLs that get allow and deny entries. */
  readonly accessAcls: string[];
  /** NACLs that get only deny entries (an access NACL listed here too gets its denies once). */
  readonly denyAcls: string[];
  readonly blanketDeny: boolean;
  readonly allowPathMtuDiscovery: boolean;
  readonly firstRuleNumber: number;
  readonly lastRuleNumber: number;
}

/** One planned NACL entry. */
export interface PlannedEntry {
  readonly acl: string;
  readonly egress: boolean;
  readonly ruleNumber: number;
  readonly action: 'allow' | 'deny';
  readonly traffic: Traffic;
  readonly cidr: string;
  readonly family: AddressFamily;
}

/** One planned route. */
export interface PlannedRoute {
  readonly routeTable: string;
  readonly cidr: string;
  readonly family: AddressFamily;
}

/** Path MTU discovery messages: ICMP "fragmentation needed" and ICMPv6 "packet too big". */
const PATH_MTU: Traffic[] = [
  { protocol: Protocol.ICMP, icmp: { type: 3, code: 4 }, reasons: ['path MTU discovery'] },
  { protocol: Protocol.ICMPV6, icmp: { type: 2, code: 0 }, reasons: ['path MTU discovery'] },
];

/** One route per distinct route table and external CIDR block. */
export function planRoutes(routeTables: string[], externalCidrs: ExternalCidr[]): PlannedRoute[] {
  const tables = [...new Set(routeTables)];
  return tables.flatMap(routeTable => sortCidrs(externalCidrs).map(c => ({ routeTable, cidr: c.cidr, family: c.family })));
}

/**
 * The traffic allowed in one direction, merged to the fewest entries: the connections of that direction plus the
 * replies to the connections of the other one (plus path MTU discovery coming in).
 */
export function allowedTraffic(input: PlanInput, egress: boolean, family: AddressFamily): Traffic[] {
  const [opened, answered] = egress ? [input.allowOutbound, input.allowInbound] : [input.allowInbound, input.allowOutbound];
  const replyReason = egress ? 'replies to inbound' : 'replies to outbound';
  const traffic = [
    ...opened,
    ...answered.flatMap(t => repliesTo(t, input.ephemeralPortRange, replyReason, input.ephemeralOpaque)),
    ...(!egress && input.allowPathMtuDiscovery ? PATH_MTU : []),
  ];
  return mergeTraffic(traffic.filter(t => appliesToFamily(t, family)));
}

/** Every NACL entry of the plan. Throws when the band cannot hold them. */
export function planNetworkAclEntries(input: PlanInput): PlannedEntry[] {
  const { firstRuleNumber: first, lastRuleNumber: last } = input;
  const cidrs = sortCidrs(input.externalCidrs);
  const accessAcls = [...new Set(input.accessAcls)];
  const denyOnly = [...new Set(input.denyAcls)].filter(acl => !accessAcls.includes(acl));
  const entries: PlannedEntry[] = [];

  for (const acl of [...accessAcls, ...denyOnly]) {
    const withAllows = accessAcls.includes(acl);
    for (const egress of [false, true]) {
      const allows = withAllows
        ? cidrs.flatMap(c => allowedTraffic(input, egress, c.family).map(traffic => ({ ...c, traffic })))
        : [];
      const denies = input.blanketDeny ? cidrs : [];
      const needed = allows.length + denies.length;
      if (needed > last - first + 1) {
        throw new Error(
          `firstRuleNumber ${first} to lastRuleNumber ${last} holds ${last - first + 1} rule numbers, but ` +
          `${needed} ${egress ? 'egress' : 'ingress'} entries are needed in one Network ACL ` +
          `(${allows.length} allow, ${denies.length} deny): widen the band, allow fewer port ranges or use fewer CIDR blocks`,
        );
      }
      allows.forEach((a, i) => entries.push({
        acl, egress, ruleNumber: first + i, action: 'allow', traffic: a.traffic, cidr: a.cidr, family: a.family,
      }));
      denies.forEach((c, i) => entries.push({
        acl,
        egress,
        ruleNumber: last - i,
        action: 'deny',
        traffic: { protocol: Protocol.ALL, reasons: ['blanket deny'] },
        cidr: c.cidr,
        family: c.family,
      }));
    }
  }
  return entries;
}

/** Rules that a NACL holds already, per direction and family (the default NACL's allow-all rules). */
export interface ExistingRuleCount {
  readonly ipv4: number;
  readonly ipv6: number;
}

/**
 * Checks the AWS quota of rules per NACL, direction and address family; returns one message per overflow.
 * `existing` counts the rules each NACL already holds in every direction; the quota counts the implicit deny rule too.
 */
export function quotaViolations(
  entries: PlannedEntry[],
  existing: (acl: string, egress: boolean) => ExistingRuleCount,
  maxRules: number,
  aclName: (acl: string) => string,
): string[] {
  const counts = new Map<string, { acl: string; egress: boolean; family: AddressFamily; count: number }>();
  for (const e of entries) {
    const key = JSON.stringify([e.acl, e.egress, e.family]);
    const c = counts.get(key) ?? { acl: e.acl, egress: e.egress, family: e.family, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  const messages: string[] = [];
  for (const c of counts.values()) {
    const already = existing(c.acl, c.egress)[c.family];
    if (c.count + already > maxRules) {
      messages.push(
        `Network ACL ${aclName(c.acl)} would hold ${c.count + already} ${c.family === 'ipv4' ? 'IPv4' : 'IPv6'} ` +
        `${c.egress ? 'egress' : 'ingress'} rules (${c.count} from this construct` +
        `, ${already} already there, the implicit deny rule included), over maxRulesPerNetworkAcl ${maxRules}: ` +
        'allow fewer port ranges, use fewer CIDR blocks, or raise the quota "Rules per network ACL" (at most 40) ' +
        'and set maxRulesPerNetworkAcl to it',
      );
    }
  }
  return messages;
}

/** A one-line description of an entry, for tables and messages. */
export function describeEntry(e: PlannedEntry): string {
  const dir = e.egress ? 'egress to' : 'ingress from';
  return `#${e.ruleNumber} ${e.action} ${describeTraffic(e.traffic)} ${dir} ${e.cidr}`;
}

function sortCidrs(cidrs: ExternalCidr[]): ExternalCidr[] {
  const familyOrder = (f: AddressFamily) => (f === 'ipv4' ? 0 : 1);
  const key = (c: ExternalCidr) => c.sortKey ?? c.cidr;
  const unique = [...new Map(cidrs.map(c => [key(c), c])).values()];
  return unique.sort((a, b) => familyOrder(a.family) - familyOrder(b.family) || compare(key(a), key(b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
