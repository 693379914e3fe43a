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
import { AddressFamily, cidrsOverlap, isCidr } from './cidr';
import { PeeringWarnings } from '../warnings';
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

/** The policy of one vendor: validated, normalised props. NACLs and route tables are opaque keys. */
export interface PolicyInput {
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
}

/** The policy of one vendor with a band of its own. */
export interface PlanInput extends PolicyInput {
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
export function allowedTraffic(input: PolicyInput, egress: boolean, family: AddressFamily): Traffic[] {
  const [opened, answered] = egress ? [input.allowOutbound, input.allowInbound] : [input.allowInbound, input.allowOutbound];
  const replyReason = egress ? 'replies to inbound' : 'replies to outbound';
  const traffic = [
    ...opened,
    ...answered.flatMap(t => repliesTo(t, input.ephemeralPortRange, replyReason, input.ephemeralOpaque)),
    ...(!egress && input.allowPathMtuDiscovery ? PATH_MTU : []),
  ];
  return mergeTraffic(traffic.filter(t => appliesToFamily(t, family)));
}

/**
 * Throws when the band `[firstRuleNumber, lastRuleNumber]` cannot hold the entries the input needs in one NACL and
 * direction. Depends on the props alone, so the construct checks it when it is created.
 */
export function checkBandHolds(input: PlanInput): void {
  const { firstRuleNumber: first, lastRuleNumber: last } = input;
  const cidrs = sortCidrs(input.externalCidrs);
  for (const egress of [false, true]) {
    const { allows, denies } = demandOf(input, cidrs, true, egress);
    const needed = allows.length + denies.length;
    if (needed > last - first + 1) {
      throw new Error(
        `firstRuleNumber ${first} to lastRuleNumber ${last} holds ${last - first + 1} rule numbers, but ` +
        `${needed} ${dirName(egress)} entries are needed in one Network ACL ` +
        `(${allows.length} allow, ${denies.length} deny): widen the band, allow fewer port ranges or use fewer CIDR blocks`,
      );
    }
  }
}

/** Every NACL entry of one vendor with a band of its own, alone in its NACLs. Throws when the band cannot hold them. */
export function planNetworkAclEntries(input: PlanInput): PlannedEntry[] {
  checkBandHolds(input);
  const vendor: VendorInput = {
    ...input,
    id: 'vendor',
    stack: 'stack',
    band: { first: input.firstRuleNumber, last: input.lastRuleNumber },
    maxRules: Number.MAX_SAFE_INTEGER,
    routeTables: [],
    orderKey: '',
  };
  return planApp([vendor], new Map()).entries[0];
}

/** A band of rule numbers, inclusive at both ends. */
export interface RuleBand {
  readonly first: number;
  readonly last: number;
}

/**
 * The band that instances without `firstRuleNumber`/`lastRuleNumber` share in every NACL: below the default NACL's
 * allow-all at 100 (and the usual catch-all of hand-made NACLs), above the low numbers people use for their own rules.
 */
export const AUTOMATIC_BAND: RuleBand = { first: 50, last: 99 };

/** One `VpcPeeringExternal` as the app-wide plan sees it: its validated props and what it resolved from the app. */
export interface VendorInput extends PolicyInput {
  /** The construct path, for messages. */
  readonly id: string;
  /** The stack it creates its resources in: resources of different stacks are deployed one stack at a time. */
  readonly stack: string;
  /** `firstRuleNumber`/`lastRuleNumber` when given; otherwise the vendor shares `AUTOMATIC_BAND` with the others. */
  readonly band?: RuleBand;
  readonly maxRules: number;
  /** The distinct route tables of its subnets. */
  readonly routeTables: string[];
  /** Orders the vendors that share the automatic band (`vendorOrderKey`). */
  readonly orderKey: string;
}

/** A rule a NACL holds that no vendor of the plan creates. */
export interface HeldRule {
  readonly egress: boolean;
  readonly ruleNumber: number;
  /** The families whose quota it counts towards. */
  readonly families: AddressFamily[];
  /** What it is, for messages: a construct path or "the default NACL's allow-all rule". */
  readonly what: string;
  /** The entry, when it is one of the app whose traffic is known (for the shadowing check). */
  readonly entry?: PlannedEntry;
  /** An opaque reference for findings about it (the index of a foreign entry of the app). */
  readonly ref?: number;
}

/** What the app says about one NACL that vendors write to. */
export interface NaclFacts {
  readonly key: string;
  readonly name: string;
  readonly held: HeldRule[];
  /**
   * What the NACL is when its allow-all at 100 (101 for IPv6) is known, which decides everything after it: the default
   * NACL of a VPC made in this app ("the VPC's default Network ACL"), or the NACL `createNetworkAcl` makes.
   * @default - no allow-all known at 100
   */
  readonly allowAllAt100?: string;
  /** A NACL the app imports (its rules are unknown but for those declared). */
  readonly imported: boolean;
}

/** A route of the app that no vendor of the plan creates. */
export interface HeldRoute {
  readonly routeTable: string;
  readonly cidr: string;
  readonly what: string;
}

/** A problem of the plan, reported once, on one vendor (or, for warnings, on a foreign entry). */
export interface Finding {
  readonly vendor: number;
  readonly level: 'error' | 'warning';
  /** The id of a warning (`PeeringWarnings`). */
  readonly warningId?: string;
  readonly message: string;
  /** The `HeldRule.ref` of the foreign entry a warning belongs on. */
  readonly foreignRef?: number;
}

/** The plan of the whole app. */
export interface AppPlan {
  /** Per vendor (same index as the input), its NACL entries. */
  readonly entries: PlannedEntry[][];
  /** Per vendor, its routes. */
  readonly routes: PlannedRoute[][];
  readonly findings: Finding[];
}

interface Demand {
  readonly vendor: number;
  readonly allows: Array<ExternalCidr & { traffic: Traffic }>;
  readonly denies: ExternalCidr[];
}

/** The entries one vendor needs in one NACL and direction: its allows (access NACLs only) and its denies. */
function demandOf(input: PolicyInput, cidrs: ExternalCidr[], withAllows: boolean, egress: boolean): Omit<Demand, 'vendor'> {
  return {
    allows: withAllows ? cidrs.flatMap(c => allowedTrafficOnce(input, egress, c.family).map(traffic => ({ ...c, traffic }))) : [],
    denies: input.blanketDeny ? cidrs : [],
  };
}

/**
 * `allowedTraffic`, computed once per policy, direction and family. A construct asks for it three times (the band check
 * and the warnings when it is created, the plan at synth) with inputs that are different objects made from one
 * validated intent: policies are the same when they hold the same traffic arrays and equal ranges and flags. The
 * result is shared: callers do not modify it.
 */
export function allowedTrafficOnce(input: PolicyInput, egress: boolean, family: AddressFamily): Traffic[] {
  let memos = ALLOWED.get(input.allowOutbound);
  if (!memos) {
    memos = [];
    ALLOWED.set(input.allowOutbound, memos);
  }
  let memo = memos.find(m => samePolicy(m.input, input));
  if (!memo) {
    memo = { input, byKey: new Map() };
    memos.push(memo);
  }
  const key = `${egress}/${family}`;
  let traffic = memo.byKey.get(key);
  if (!traffic) {
    traffic = allowedTraffic(input, egress, family);
    memo.byKey.set(key, traffic);
  }
  return traffic;
}

/** Whether two inputs ask for the same allowed traffic (what `allowedTraffic` reads). */
function samePolicy(a: PolicyInput, b: PolicyInput): boolean {
  return a.allowOutbound === b.allowOutbound && a.allowInbound === b.allowInbound &&
    a.ephemeralPortRange.from === b.ephemeralPortRange.from && a.ephemeralPortRange.to === b.ephemeralPortRange.to &&
    a.ephemeralOpaque === b.ephemeralOpaque && a.allowPathMtuDiscovery === b.allowPathMtuDiscovery;
}

/** By the `allowOutbound` array of the inputs. */
const ALLOWED = new WeakMap<Traffic[], Array<{ readonly input: PolicyInput; readonly byKey: Map<string, Traffic[]> }>>();

/** The NACLs a vendor writes to: its access NACLs (allows and denies), then its deny-only NACLs. */
function aclsOf(v: { accessAcls: string[]; denyAcls: string[] }): Array<{ acl: string; withAllows: boolean }> {
  const access = [...new Set(v.accessAcls)];
  return [
    ...access.map(acl => ({ acl, withAllows: true })),
    ...[...new Set(v.denyAcls)].filter(acl => !access.includes(acl)).map(acl => ({ acl, withAllows: false })),
  ];
}

/** The most entries the vendor needs in any one NACL and direction. */
export function entriesNeeded(input: PolicyInput): number {
  const cidrs = sortCidrs(input.externalCidrs);
  return Math.max(...[true, false].map(egress => {
    const d = demandOf(input, cidrs, true, egress);
    return d.allows.length + d.denies.length;
  }));
}

const dirName = (egress: boolean) => (egress ? 'egress' : 'ingress');
const familyName = (f: AddressFamily) => (f === 'ipv4' ? 'IPv4' : 'IPv6');

/**
 * The plan of every vendor of the app together.
 *
 * In every NACL and direction, vendors with a band of their own number their entries in it (allows up from the bottom,
 * denies down from the top); the others share the free numbers of `AUTOMATIC_BAND` (those no explicit band, foreign
 * entry or declared rule holds): first the allows of every automatic vendor, up from the bottom, then their denies,
 * down from the top, vendors in a stable order (their lowest external CIDR block, then the peering id). So each
 * vendor's allows precede every deny, and a vendor added after the others in that order changes none of their numbers.
 */
export function planApp(
  vendors: VendorInput[], nacls: Map<string, NaclFacts>, heldRoutes: HeldRoute[] = [], routeTableNames = new Map<string, string>(),
): AppPlan {
  const findings: Finding[] = [];
  const entries: PlannedEntry[][] = vendors.map(() => []);
  const sorted = vendors.map(v => sortCidrs(v.externalCidrs));
  const byPath = (a: number, b: number) => compare(vendors[a].id, vendors[b].id);

  // Who writes to which NACL.
  const writers = new Map<string, Array<{ vendor: number; withAllows: boolean }>>();
  vendors.forEach((v, i) => aclsOf(v).forEach(({ acl, withAllows }) => {
    writers.set(acl, [...(writers.get(acl) ?? []), { vendor: i, withAllows }]);
  }));

  for (const [acl, ws] of writers) {
    const facts = nacls.get(acl) ?? { key: acl, name: acl, held: [], imported: false };
    const crossStack = checkAcrossStacks(vendors, ws.map(w => w.vendor), facts);
    if (crossStack) {
      findings.push(crossStack);
      continue;
    }
    const numbered = [false, true].flatMap(egress => {
      const demands: Demand[] = ws.map(w => ({ vendor: w.vendor, ...demandOf(vendors[w.vendor], sorted[w.vendor], w.withAllows, egress) }));
      return allocate(vendors, demands, facts, egress, findings);
    });
    for (const e of numbered) {
      entries[e.vendor].push({ ...e.entry, acl });
    }
    checkNumbers(vendors, facts, numbered, findings, byPath);
    checkQuota(vendors, facts, ws.map(w => w.vendor), entries, findings, byPath);
    checkShadowing(vendors, facts, [...new Set(ws.map(w => w.vendor))], entries, findings);
    checkAt100(vendors, facts, ws.map(w => w.vendor), entries, findings);
  }

  const routes = planAllRoutes(vendors, sorted, heldRoutes, findings, byPath, routeTableNames);
  // Each problem once: the same message on the same vendor is one finding.
  const unique = [...new Map(findings.map(f => [JSON.stringify([f.vendor, f.level, f.message, f.foreignRef]), f])).values()];
  // Each vendor's entries in a stable order: its NACLs as it lists them, ingress first, by rule number.
  entries.forEach((es, i) => {
    const aclOrder = aclsOf(vendors[i]).map(a => a.acl);
    es.sort((a, b) => aclOrder.indexOf(a.acl) - aclOrder.indexOf(b.acl) || Number(a.egress) - Number(b.egress) || a.ruleNumber - b.ruleNumber);
  });
  return { entries, routes, findings: unique };
}

/**
 * Vendors of different stacks on one NACL cannot share automatic numbers: the stacks deploy one at a time, and a
 * number one stack gives up could be taken by the other before the first stack's update frees it. Returns an error
 * that proposes disjoint bands when some of them have no band of their own.
 */
function checkAcrossStacks(vendors: VendorInput[], ids: number[], facts: NaclFacts): Finding | undefined {
  const stacks = new Set(ids.map(i => vendors[i].stack));
  const automatic = ids.filter(i => !vendors[i].band);
  if (stacks.size < 2 || automatic.length === 0) {
    return undefined;
  }
  const ordered = [...ids].sort((a, b) => compare(vendors[a].id, vendors[b].id));
  const bands = proposeBands(ordered.map(i => vendors[i]), facts);
  const proposal = ordered.map((i, k) => `${vendors[i].id} (stack ${vendors[i].stack}): ` +
    (bands ? `firstRuleNumber: ${bands[k].first}, lastRuleNumber: ${bands[k].last}` : 'a band of its own')).join('; ');
  return {
    vendor: automatic.sort((a, b) => compare(vendors[a].id, vendors[b].id))[0],
    level: 'error',
    message:
      `Network ACL ${facts.name} gets peering rules from VpcPeeringExternal constructs in ${stacks.size} stacks ` +
      `(${[...stacks].sort().join(', ')}), and ${automatic.map(i => vendors[i].id).join(', ')} ` +
      `${automatic.length === 1 ? 'numbers its' : 'number their'} rules automatically: stacks deploy one at a time, so ` +
      'numbers shared across stacks could collide during an ' +
      `update (NetworkAclEntryAlreadyExists). Give each a band of its own, e.g. ${proposal}`,
  };
}

/** Disjoint bands inside the automatic band, one per vendor in the given order, sized to their needs plus an even share of the rest. */
function proposeBands(vs: VendorInput[], facts: NaclFacts): RuleBand[] | undefined {
  const held = new Set(facts.held.map(h => h.ruleNumber));
  const free: number[] = [];
  for (let n = AUTOMATIC_BAND.first; n <= AUTOMATIC_BAND.last; n++) {
    if (!held.has(n)) free.push(n);
  }
  const needs = vs.map(v => entriesNeeded(v));
  const total = needs.reduce((a, b) => a + b, 0);
  if (total > free.length) {
    return undefined;
  }
  const extra = Math.floor((free.length - total) / vs.length);
  const bands: RuleBand[] = [];
  let at = 0;
  vs.forEach((_, k) => {
    const size = needs[k] + extra;
    bands.push({ first: free[at], last: free[at + size - 1] });
    at += size;
  });
  return bands;
}

interface Numbered {
  readonly vendor: number;
  readonly entry: Omit<PlannedEntry, 'acl'>;
}

/** Numbers the demands of one NACL and direction: explicit bands first, then the automatic vendors in the free numbers. */
function allocate(vendors: VendorInput[], demands: Demand[], facts: NaclFacts, egress: boolean, findings: Finding[]): Numbered[] {
  const out: Numbered[] = [];
  const toEntries = (d: Demand, allowNumbers: number[], denyNumbers: number[]) => {
    d.allows.forEach((a, k) => out.push({ vendor: d.vendor, entry: { egress, ruleNumber: allowNumbers[k], action: 'allow', traffic: a.traffic, cidr: a.cidr, family: a.family } }));
    d.denies.forEach((c, k) => out.push({
      vendor: d.vendor,
      entry: { egress, ruleNumber: denyNumbers[k], action: 'deny', traffic: { protocol: Protocol.ALL, reasons: ['blanket deny'] }, cidr: c.cidr, family: c.family },
    }));
  };
  for (const d of demands.filter(x => vendors[x.vendor].band)) {
    const { first, last } = vendors[d.vendor].band!;
    toEntries(d, d.allows.map((_, k) => first + k), d.denies.map((_, k) => last - k));
  }
  const automatic = demands.filter(x => !vendors[x.vendor].band)
    .sort((a, b) => compare(vendors[a.vendor].orderKey, vendors[b.vendor].orderKey) || compare(vendors[a.vendor].id, vendors[b.vendor].id));
  if (automatic.length === 0) {
    return out;
  }
  const taken = new Set([...facts.held.filter(h => h.egress === egress).map(h => h.ruleNumber), ...out.map(o => o.entry.ruleNumber)]);
  const free: number[] = [];
  for (let n = AUTOMATIC_BAND.first; n <= AUTOMATIC_BAND.last; n++) {
    if (!taken.has(n)) free.push(n);
  }
  const allows = automatic.reduce((n, d) => n + d.allows.length, 0);
  const denies = automatic.reduce((n, d) => n + d.denies.length, 0);
  if (allows + denies > free.length) {
    const who = automatic.map(d => `${vendors[d.vendor].id} (${d.allows.length + d.denies.length})`).join(', ');
    findings.push({
      vendor: automatic[0].vendor,
      level: 'error',
      message:
        `Network ACL ${facts.name} has ${free.length} free ${dirName(egress)} rule numbers in ${AUTOMATIC_BAND.first}-${AUTOMATIC_BAND.last}, ` +
        `but the VpcPeeringExternal constructs that number their rules automatically need ${allows + denies}: ${who}. ` +
        'Allow fewer port ranges, give some of them a band of their own (firstRuleNumber/lastRuleNumber), or put their subnets on separate Network ACLs',
    });
    return out;
  }
  let low = 0;
  let high = free.length - 1;
  for (const d of automatic) {
    toEntries({ ...d, denies: [] }, d.allows.map(() => free[low++]), []);
  }
  for (const d of automatic) {
    toEntries({ ...d, allows: [] }, [], d.denies.map(() => free[high--]));
  }
  return out;
}

/**
 * Rule numbers taken twice in one NACL and direction: by two vendors, or by a vendor and a rule the NACL holds. The
 * same clash in both directions is one problem.
 */
function checkNumbers(
  vendors: VendorInput[], facts: NaclFacts, numbered: Numbered[], findings: Finding[], byPath: (a: number, b: number) => number,
): void {
  // A slot is (rule number, direction), as one number: 2n + 1 for egress, 2n for ingress.
  const slot = (egress: boolean, ruleNumber: number) => ruleNumber * 2 + (egress ? 1 : 0);
  const holders = new Map<number, Array<{ vendor?: number; what: string }>>();
  let shared = false;
  const add = (egress: boolean, ruleNumber: number, holder: { vendor?: number; what: string }) => {
    const key = slot(egress, ruleNumber);
    const list = holders.get(key);
    if (!list) {
      holders.set(key, [holder]);
    } else if (!list.some(l => l.what === holder.what)) {
      list.push(holder);
      shared = true;
    }
  };
  facts.held.forEach(h => add(h.egress, h.ruleNumber, { what: h.what }));
  numbered.forEach(n => add(n.entry.egress, n.entry.ruleNumber, { vendor: n.vendor, what: vendors[n.vendor].id }));
  if (!shared) {
    return;
  }
  const clashes = new Map<string, { ruleNumber: number; reporter: { vendor?: number; what: string }; others: string[]; directions: string[] }>();
  for (const [key, list] of holders) {
    const [ruleNumber, egress] = [Math.floor(key / 2), Math.abs(key % 2) === 1];
    const ours = list.filter(l => l.vendor !== undefined).sort((a, b) => byPath(a.vendor!, b.vendor!));
    // At or above 100 in a default NACL is one problem of its own (checkAt100), not a collision to report too.
    if (list.length < 2 || ours.length === 0 || (facts.allowAllAt100 && ruleNumber >= 100)) {
      continue;
    }
    const reporter = ours[ours.length - 1];
    const others = list.filter(l => l !== reporter).map(l => l.what);
    const id = JSON.stringify([ruleNumber, reporter.what, others]);
    const clash = clashes.get(id) ?? { ruleNumber, reporter, others, directions: [] };
    clash.directions.push(dirName(egress));
    clashes.set(id, clash);
  }
  for (const { ruleNumber, reporter, others, directions } of clashes.values()) {
    findings.push({
      vendor: reporter.vendor!,
      level: 'error',
      message:
        `${reporter.what} and ${others.join(' and ')} both take ${directions.sort().reverse().join(' and ')} rule number ${ruleNumber} ` +
        `of Network ACL ${facts.name}; the deploy would fail with NetworkAclEntryAlreadyExists. ` +
        (vendors[reporter.vendor!].band
          ? `Give ${reporter.what} a band that holds none of the other's numbers (firstRuleNumber/lastRuleNumber), or leave both props out to number it automatically`
          : 'Give the other rule another number'),
    });
  }
}

/** The AWS quota of rules per NACL, direction and address family, with every vendor and held rule counted. */
function checkQuota(
  vendors: VendorInput[], facts: NaclFacts, ids: number[], entries: PlannedEntry[][], findings: Finding[],
  byPath: (a: number, b: number) => number,
): void {
  const maxRules = Math.max(...ids.map(i => vendors[i].maxRules));
  const over: string[] = [];
  for (const egress of [false, true]) {
    for (const family of ['ipv4', 'ipv6'] as AddressFamily[]) {
      const per = ids.map(i => ({ i, n: entries[i].filter(e => e.acl === facts.key && e.egress === egress && e.family === family).length }))
        .filter(x => x.n > 0);
      if (per.length === 0) {
        continue;
      }
      const held = facts.held.filter(h => h.egress === egress && h.families.includes(family)).length;
      const total = per.reduce((a, x) => a + x.n, 0) + held + 1;
      if (total > maxRules) {
        over.push(
          `${total} ${familyName(family)} ${dirName(egress)} rules (${per.map(x => `${x.n} from ${vendors[x.i].id}`).join(', ')}, ` +
          `${held} already there, and the implicit deny rule)`,
        );
      }
    }
  }
  if (over.length > 0) {
    const reporter = [...ids].sort(byPath)[0];
    findings.push({
      vendor: reporter,
      level: 'error',
      message:
        `Network ACL ${facts.name} would hold ${over.join('; ')}, over maxRulesPerNetworkAcl ${maxRules}: merge ports into ` +
        'ranges or allow fewer, use fewer CIDR blocks, raise the quota "Rules per network ACL" (at most 40) and set ' +
        'maxRulesPerNetworkAcl to it, or put the vendors\' subnets on separate Network ACLs',
    });
  }
}

/** Warns about a lower-numbered rule that decides some of a vendor's traffic first with the opposite action. */
function checkShadowing(vendors: VendorInput[], facts: NaclFacts, ids: number[], entries: PlannedEntry[][], findings: Finding[]): void {
  // A vendor's own entries never shadow each other (its allows come first, its denies only take its own blocks).
  if (ids.length < 2 && !facts.held.some(h => h.entry)) {
    return;
  }
  const mine = ids.flatMap(vendor => entries[vendor].filter(e => e.acl === facts.key).map(entry => ({ vendor, entry })));
  const others = [
    ...facts.held.filter(h => h.entry).map(h => ({ entry: h.entry!, what: h.what, ref: h.ref, vendor: undefined as number | undefined })),
    ...mine.map(m => ({ entry: m.entry, what: vendors[m.vendor].id, ref: undefined as number | undefined, vendor: m.vendor })),
  ];
  // Only entries of one direction and family can decide each other's traffic.
  const group = (e: PlannedEntry) => `${e.egress}/${e.family}`;
  const mineByGroup = new Map<string, typeof mine>();
  mine.forEach(m => mineByGroup.set(group(m.entry), [...(mineByGroup.get(group(m.entry)) ?? []), m]));
  for (const o of others) {
    const shadowed = (mineByGroup.get(group(o.entry)) ?? []).find(m => m.vendor !== o.vendor && decidesFirst(o.entry, m.entry));
    if (shadowed) {
      findings.push({
        vendor: o.vendor ?? shadowed.vendor,
        level: 'warning',
        warningId: PeeringWarnings.SHADOWED_BY_LOWER_RULE,
        foreignRef: o.ref,
        message:
          `Rule ${describeEntry(o.entry)} of Network ACL ${facts.name} (${o.what}) is evaluated before ` +
          `${describeEntry(shadowed.entry)} of ${vendors[shadowed.vendor].id} and decides that traffic first, so the ` +
          'peering rule never applies. Number the peering rules below it (firstRuleNumber/lastRuleNumber) or renumber that rule',
      });
    }
  }
}

/** Rules at or above 100: dead behind a known allow-all at 100 (an error), unknown on an imported NACL (a warning). */
function checkAt100(vendors: VendorInput[], facts: NaclFacts, ids: number[], entries: PlannedEntry[][], findings: Finding[]): void {
  for (const i of ids) {
    const high = entries[i].filter(e => e.acl === facts.key && e.ruleNumber >= 100);
    if (high.length === 0) {
      continue;
    }
    if (facts.allowAllAt100) {
      findings.push({
        vendor: i,
        level: 'error',
        message:
          `lastRuleNumber ${vendors[i].band?.last} puts rules at or above 100 in ${facts.allowAllAt100} ${facts.name}, ` +
          'whose allow-all rule 100 holds that number and decides all traffic first: those rules would never apply (and ' +
          '100 itself would fail the deploy). Keep lastRuleNumber at 99 or below',
      });
    } else if (facts.imported) {
      findings.push({
        vendor: i,
        level: 'warning',
        warningId: PeeringWarnings.RULES_AT_OR_ABOVE_100_ON_IMPORTED_NACL,
        message:
          `${vendors[i].id} numbers ${high.length} rule(s) of the imported Network ACL ${facts.name} at or above 100 ` +
          `(${high.map(e => `${dirName(e.egress)} ${e.ruleNumber}`).join(', ')}). If it is a VPC's default NACL, its ` +
          'allow-all rule 100 decides all traffic before them (and 100 itself fails the deploy); a hand-made NACL often has ' +
          'a catch-all there too. Keep lastRuleNumber at 99 or below, and declare the rules the NACL holds with existingNetworkAclRules',
      });
    }
  }
}

/** The routes of every vendor; a (route table, destination) taken twice in the app is an error, and only the first is made. */
function planAllRoutes(
  vendors: VendorInput[], sorted: ExternalCidr[][], heldRoutes: HeldRoute[], findings: Finding[],
  byPath: (a: number, b: number) => number, routeTableNames: Map<string, string>,
): PlannedRoute[][] {
  const holders = new Map<string, string>();
  const key = (routeTable: string, c: { cidr: string; sortKey?: string }) => JSON.stringify([routeTable, c.sortKey ?? c.cidr]);
  for (const h of heldRoutes) {
    holders.set(key(h.routeTable, h), h.what);
  }
  const routes: PlannedRoute[][] = vendors.map(() => []);
  const order = vendors.map((_, i) => i).sort(byPath);
  for (const i of order) {
    for (const routeTable of [...new Set(vendors[i].routeTables)]) {
      for (const c of sorted[i]) {
        const k = key(routeTable, c);
        const holder = holders.get(k);
        if (holder) {
          findings.push({
            vendor: i,
            level: 'error',
            message:
              `${vendors[i].id} and ${holder} both route ${c.cidr} from route table ${routeTableNames.get(routeTable) ?? routeTable}; the deploy would fail ` +
              'with RouteAlreadyExists. A route table holds one route per destination: if both peer with the same VPC, ' +
              'keep one of them; if the two external VPCs really overlap, they cannot both be reached from these subnets',
          });
          continue;
        }
        holders.set(k, vendors[i].id);
        routes[i].push({ routeTable, cidr: c.cidr, family: c.family });
      }
    }
  }
  return routes;
}

/** Whether `theirs`, numbered lower, matches some of the traffic of `ours` with the opposite action. */
export function decidesFirst(theirs: PlannedEntry, ours: PlannedEntry): boolean {
  if (theirs.acl !== ours.acl || theirs.egress !== ours.egress || theirs.family !== ours.family) {
    return false;
  }
  if (theirs.ruleNumber >= ours.ruleNumber || theirs.action === ours.action) {
    return false;
  }
  if (!isCidr(theirs.cidr) || !isCidr(ours.cidr) || !cidrsOverlap(theirs.cidr, ours.cidr)) {
    return false;
  }
  return trafficOverlaps(theirs.traffic, ours.traffic);
}

/** Whether two traffic specs share any packet. */
export function trafficOverlaps(ta: Traffic, tb: Traffic): boolean {
  if (ta.protocol === Protocol.ALL || tb.protocol === Protocol.ALL) {
    return true;
  }
  if (ta.protocol !== tb.protocol) {
    return false;
  }
  if (ta.portRange && tb.portRange) {
    return ta.portRange.from <= tb.portRange.to && tb.portRange.from <= ta.portRange.to;
  }
  if (ta.icmp && tb.icmp) {
    const match = (a: number, b: number) => a === -1 || b === -1 || a === b;
    return match(ta.icmp.type, tb.icmp.type) && match(ta.icmp.code, tb.icmp.code);
  }
  return true;
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

/** The key that orders vendors in the automatic band: their lowest external block (IPv4 first). */
export function vendorOrderKey(cidrs: ExternalCidr[], peeringId: string): string {
  const first = sortCidrs(cidrs)[0];
  return JSON.stringify([first ? (first.family === 'ipv4' ? 0 : 1) : 2, first ? (first.sortKey ?? first.cidr) : '', peeringId]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
