/**
 * The vocabulary of the rule and route plan: what the planner is given (one `PlannerPeering` per construct, what each
 * NACL already holds) and what it decides (entries, routes, findings). Pure, no CDK: NACLs and route tables are keys,
 * strings that are equal exactly when they name the same NACL or table; a peering is named by its construct path.
 */
import { AddressFamily, isCidr, sortableCidr } from '../core/cidr';
import { PeeringPolicy } from '../core/policy';
import { describeTraffic, Protocol, protocolName, Traffic } from '../core/traffic';

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
  /**
   * How logical ids and rule-number records name the block: `10x200x0x0x16` for `10.200.0.0/16`, a token's readable
   * name (a parameter's logical id), never a token's string.
   * @default - `cidrName(cidr)`
   */
  readonly name?: string;
}

/** A band of rule numbers, inclusive at both ends. */
export interface RuleBand {
  readonly first: number;
  readonly last: number;
}

/**
 * The band that peerings without `firstRuleNumber`/`lastRuleNumber` share in every NACL: below the default NACL's
 * allow-all at 100 (and the usual catch-all of hand-made NACLs), above the low numbers people use for their own rules.
 */
export const AUTOMATIC_BAND: RuleBand = { first: 50, last: 99 };

/** What a peering's props ask of its rules, validated when the construct is created. */
export interface RuleIntent {
  /** Every external block, in the order the props give them (the planner orders them with `sortCidrs`). */
  readonly externalCidrs: ExternalCidr[];
  readonly policy: PeeringPolicy;
  /** `firstRuleNumber`/`lastRuleNumber` when given; otherwise the peering shares `AUTOMATIC_BAND` with the others. */
  readonly band?: RuleBand;
  readonly maxRules: number;
  /** Orders the peerings that share the automatic band (`orderKeyOf`). */
  readonly orderKey: string;
}

/** One peering as the planner sees it: its rule intent and what resolving it against the app found. */
export interface PlannerPeering {
  /** The construct path: names the peering in findings and messages. */
  readonly id: string;
  /** The stack it creates its resources in: resources of different stacks are deployed one stack at a time. */
  readonly stack: string;
  readonly rules: RuleIntent;
  /** NACLs that get allow and deny entries. */
  readonly accessAcls: string[];
  /** NACLs that get only deny entries (an access NACL listed here too gets its denies once). */
  readonly denyAcls: string[];
  /** The distinct route tables of its subnets. */
  readonly routeTables: string[];
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
  /** The block's name (`ExternalCidr.name`). @default - `cidrName(cidr)` */
  readonly cidrName?: string;
}

/** One planned route. */
export interface PlannedRoute {
  readonly routeTable: string;
  readonly cidr: string;
  readonly family: AddressFamily;
  /** The block's name (`ExternalCidr.name`). @default - `cidrName(cidr)` */
  readonly cidrName?: string;
}

/** A rule a NACL holds that no peering of the plan creates. */
export interface HeldRule {
  readonly egress: boolean;
  readonly ruleNumber: number;
  /** The families whose quota it counts towards. */
  readonly families: AddressFamily[];
  /** What it is, for messages: a construct path or "the default NACL's allow-all rule". */
  readonly what: string;
  /** The entry, when it is one of the app whose traffic is known (for the shadowing check). */
  readonly entry?: PlannedEntry;
  /** The construct path of that entry of the app, where a warning about it belongs. */
  readonly entryPath?: string;
}

/**
 * The allow-all a NACL holds at 100 (and 101 for IPv6), which decides everything after it: the default NACL of a VPC
 * made in this app, or the NACL `createNetworkAcl` made, whose allow-all its peering creates.
 */
export interface AllowAll {
  readonly kind: 'vpc-default' | 'dedicated';
  /** For a dedicated NACL, the peering that made it (and creates its allow-all entries). */
  readonly owner?: string;
  /** Whether it holds the IPv6 allow-all at 101 too (the VPC has IPv6). */
  readonly ipv6: boolean;
}

/** What the app says about one NACL that peerings write to. */
export interface NaclFacts {
  readonly key: string;
  readonly name: string;
  /** The rules it holds that no peering of the plan creates: its allow-all, declared rules, other entries of the app. */
  readonly held: HeldRule[];
  /** @default - no allow-all known at 100 */
  readonly allowAll?: AllowAll;
  /** A NACL the app imports (its rules are unknown but for those declared). */
  readonly imported: boolean;
}

/** A route of the app that no peering of the plan creates. */
export interface HeldRoute {
  readonly routeTable: string;
  readonly cidr: string;
  readonly what: string;
}

/** A problem of the plan, reported once, on one peering (or, for warnings, on an entry of the app). */
export interface Finding {
  /** The peering it is about (its id). */
  readonly peering: string;
  readonly level: 'error' | 'warning';
  /** The id of a warning (`PeeringWarnings`). */
  readonly warningId?: string;
  readonly message: string;
  /** The construct path of the entry of the app a warning belongs on, when it is about that entry. */
  readonly onEntry?: string;
}

/** What the planner decides for one peering. */
export interface PeeringRules {
  readonly entries: PlannedEntry[];
  readonly routes: PlannedRoute[];
}

/**
 * What the last plan gave the entries of one NACL (the rule-number record): each meaning's number (`entryMeaning`,
 * which says the direction), its address family, and the numbers of entries that plan dropped, which stay reserved.
 */
export interface PreviousNumbers {
  readonly numbers: ReadonlyMap<string, number>;
  readonly families: ReadonlyMap<string, AddressFamily>;
  /** The meanings the last plans dropped and their numbers, the longest-retired first. */
  readonly retired: ReadonlyArray<{ readonly meaning: string; readonly ruleNumber: number }>;
}

/** What the planner is given: every peering of the app and what the app says about their NACLs and route tables. */
export interface PlanRequest {
  readonly peerings: PlannerPeering[];
  readonly nacls: Map<string, NaclFacts>;
  /** By NACL key, what the last plan numbered. @default - no record: everything is numbered afresh */
  readonly previous?: Map<string, PreviousNumbers>;
  readonly heldRoutes?: HeldRoute[];
  /** Readable names of the route tables, for messages. */
  readonly routeTableNames?: Map<string, string>;
}

/** The plan of the whole app. */
export interface Plan {
  /** By peering id. */
  readonly peerings: Map<string, PeeringRules>;
  readonly findings: Finding[];
}

/**
 * What an entry means, as one name for logical ids and rule-number records: its direction, action, traffic and
 * block (`EgressAllowTcp443To10x200x0x0x16`, `IngressDenyAllFrom10x200x0x0x16`). Unique in a NACL: entries of one
 * NACL with the same meaning would be one rule. Never its rule number, so that a number can change without the entry
 * becoming another one, and never a list position or a construct path.
 */
export function entryMeaning(e: PlannedEntry): string {
  const block = e.cidrName ?? cidrName(e.cidr);
  return `${e.egress ? 'Egress' : 'Ingress'}${e.action === 'allow' ? 'Allow' : 'Deny'}${trafficName(e.traffic)}${e.egress ? 'To' : 'From'}${block}`;
}

/** A CIDR block in a name: `10.200.0.0/16` → `10x200x0x0x16`, `2600:1f18::/56` → `2600x1f18xxx56`. */
export function cidrName(cidr: string): string {
  return cidr.replace(/[.:/]/g, 'x').replace(/[^A-Za-z0-9]/g, '');
}

/** Traffic in a name: `All`, `Tcp443`, `Tcp1024to65535`, `Icmp3x4`, `IcmpAll`, `Icmpv6Type128`, or its `name` when it has tokens. */
export function trafficName(t: Traffic): string {
  const protocol = protocolName(t.protocol);
  const cap = protocol.charAt(0).toUpperCase() + protocol.slice(1);
  if (t.name !== undefined) {
    return `${cap}${t.name}`;
  }
  if (t.protocol === Protocol.ALL) {
    return 'All';
  }
  if (t.portRange) {
    const { from, to } = t.portRange;
    return from === to ? `${cap}${from}` : `${cap}${from}to${to}`;
  }
  if (t.icmp) {
    const { type, code } = t.icmp;
    return type === -1 ? `${cap}All` : code === -1 ? `${cap}Type${type}` : `${cap}${type}x${code}`;
  }
  return cap;
}

/** A one-line description of an entry, for tables and messages. */
export function describeEntry(e: PlannedEntry): string {
  const dir = e.egress ? 'egress to' : 'ingress from';
  return `#${e.ruleNumber} ${e.action} ${describeTraffic(e.traffic)} ${dir} ${e.cidr}`;
}

/** The blocks, each once (by key), IPv4 before IPv6, each family by address (blocks given as tokens last, by key). */
export function sortCidrs(cidrs: ExternalCidr[]): ExternalCidr[] {
  const familyOrder = (f: AddressFamily) => (f === 'ipv4' ? 0 : 1);
  const key = (c: ExternalCidr) => c.sortKey ?? c.cidr;
  const unique = [...new Map(cidrs.map(c => [key(c), c])).values()];
  return unique.sort((a, b) => familyOrder(a.family) - familyOrder(b.family) || compare(addressOrder(a), addressOrder(b)));
}

/** How a block sorts: by address for a literal block, after every literal one (by its key) for a token. */
function addressOrder(c: ExternalCidr): string {
  return isCidr(c.cidr) ? sortableCidr(c.cidr) : `~${c.sortKey ?? c.cidr}`;
}

/**
 * The key that orders peerings in the automatic band: their lowest external block by address (IPv4 first), then the
 * connection.
 */
export function orderKeyOf(cidrs: ExternalCidr[], peeringConnectionId: string): string {
  const first = sortCidrs(cidrs)[0];
  return JSON.stringify([first ? (first.family === 'ipv4' ? 0 : 1) : 2, first ? addressOrder(first) : '', peeringConnectionId]);
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const dirName = (egress: boolean) => (egress ? 'egress' : 'ingress');
export const familyName = (f: AddressFamily) => (f === 'ipv4' ? 'IPv4' : 'IPv6');
