/**
 * Rule numbers: which number each entry of each peering gets in one NACL and direction.
 *
 * An entry that the last plan numbered keeps its number (`PreviousNumbers`, from the rule-number record): an edit of
 * one peering never renumbers another's entries, nor its own unchanged ones. New entries take free numbers: allows the
 * lowest, denies the highest, each allow below the deny of its block. A number the last plan gave up stays reserved
 * while others are free (its entry may still exist when the next update creates new ones).
 *
 * - A peering with a band of its own (`firstRuleNumber`/`lastRuleNumber`) numbers its entries in its band.
 * - The others share the free numbers of `AUTOMATIC_BAND` (those no explicit band, entry of the app or declared rule
 *   holds), peerings in a stable order (their lowest external CIDR block by address, then the peering connection).
 *
 * Without a record this gives each peering's allows the lowest free numbers and its denies the highest, so each
 * peering's allows precede every deny, and all of them precede whatever the NACL holds above the band (the default
 * NACL's allow-all at 100). Allows are in a canonical order (IPv4 blocks, then IPv6, each by address; per block the
 * merged traffic in canonical order); denies one per block in the same order.
 */
import {
  AUTOMATIC_BAND, compare, dirName, entryMeaning, ExternalCidr, Finding, HeldRule, NaclFacts, PlannedEntry, PlannerPeering,
  PreviousNumbers, RuleBand, sortCidrs,
} from './types';
import { PeeringWarnings } from '../../warnings';
import { allowedIn } from '../core/policy';
import { listFew } from '../core/text';
import { Protocol, Traffic } from '../core/traffic';

/** The entries one peering needs in one NACL and direction: its allows (access NACLs only) and its denies. */
export interface Demand {
  readonly peering: PlannerPeering;
  readonly allows: Array<ExternalCidr & { readonly traffic: Traffic }>;
  readonly denies: ExternalCidr[];
}

/** An entry with its number, for one peering, before it is put in its NACL. */
export interface Numbered {
  readonly peering: PlannerPeering;
  readonly entry: Omit<PlannedEntry, 'acl'>;
}

/** What `peering` needs in one NACL and direction, its blocks in canonical order. */
export function demandOf(peering: PlannerPeering, withAllows: boolean, egress: boolean): Demand {
  const { policy, externalCidrs } = peering.rules;
  const cidrs = sortCidrs(externalCidrs);
  return {
    peering,
    allows: withAllows ? cidrs.flatMap(c => allowedIn(policy, egress, c.family).map(traffic => ({ ...c, traffic }))) : [],
    denies: policy.blanketDeny ? cidrs : [],
  };
}

/** One entry to number. */
interface Slot {
  readonly peering: PlannerPeering;
  readonly entry: Omit<PlannedEntry, 'acl' | 'ruleNumber'>;
  /** `entryMeaning` of the entry. */
  readonly meaning: string;
  /** The block key, which ties a block's allows to its deny. */
  readonly block: string;
  ruleNumber?: number;
}

/**
 * Numbers the demands of one NACL and direction: explicit bands first, then the automatic peerings in the free
 * numbers. `previous` is what the last plan gave this NACL's entries.
 */
export function allocate(
  demands: Demand[], facts: NaclFacts, egress: boolean, previous: PreviousNumbers | undefined, findings: Finding[],
): Numbered[] {
  const held = new Map<number, HeldRule>();
  facts.held.filter(h => h.egress === egress).forEach(h => held.set(h.ruleNumber, held.get(h.ruleNumber) ?? h));
  const direction = egress ? 'Egress' : 'Ingress';
  const retired = new Set((previous?.retired ?? []).filter(r => r.meaning.startsWith(direction)).map(r => r.ruleNumber));
  const out: Numbered[] = [];
  /** Numbers of the explicit bands, which the automatic peerings step around. */
  const explicit = new Set<number>();

  // A band of its own is numbered as given: a number another band or a rule of the NACL holds is a clash the checks
  // report, not something to step around.
  for (const d of demands.filter(x => x.peering.rules.band)) {
    const context = { direction, held, retired, previous, facts, findings };
    const numbered = numberRange(slotsOf([d], egress), rangeOf(d.peering.rules.band!), () => false, context);
    numbered.forEach(n => explicit.add(n.entry.ruleNumber));
    out.push(...numbered);
  }
  const automatic = demands.filter(x => !x.peering.rules.band)
    .sort((a, b) => compare(a.peering.rules.orderKey, b.peering.rules.orderKey) || compare(a.peering.id, b.peering.id));
  if (automatic.length > 0) {
    const taken = (n: number) => explicit.has(n) || held.has(n);
    const slots = slotsOf(automatic, egress);
    const free = rangeOf(AUTOMATIC_BAND).filter(n => !taken(n));
    if (slots.length > free.length) {
      const who = listFew(automatic.map(d => `${d.peering.id} (${d.allows.length + d.denies.length})`));
      findings.push({
        peering: automatic[0].peering.id,
        level: 'error',
        message:
          `Network ACL ${facts.name} has ${free.length} free ${dirName(egress)} rule numbers in ${AUTOMATIC_BAND.first}-${AUTOMATIC_BAND.last}, ` +
          `but the VpcPeeringExternal constructs that number their rules automatically need ${slots.length}: ${who}. ` +
          'Allow fewer port ranges, give some of them a band of their own (firstRuleNumber/lastRuleNumber), or put their subnets on separate Network ACLs',
      });
    } else {
      out.push(...numberRange(slots, rangeOf(AUTOMATIC_BAND), taken, { direction, held, retired, previous, facts, findings }));
    }
  }
  return out;
}

interface NumberingContext {
  /** 'Ingress' or 'Egress', as meanings start. */
  readonly direction: string;
  readonly held: Map<number, HeldRule>;
  /** Numbers the last plans gave up: used only when no other is free. */
  readonly retired: Set<number>;
  readonly previous?: PreviousNumbers;
  readonly facts: NaclFacts;
  readonly findings: Finding[];
}

/**
 * Numbers slots in `range`, keeping what the last plan gave them, avoiding `taken`, and never taking a number an entry
 * of the last plan holds: that entry still exists until the update's cleanup, so a new one on its number would fail
 * (NetworkAclEntryAlreadyExists).
 */
function numberRange(slots: Slot[], range: number[], taken: (n: number) => boolean, ctx: NumberingContext): Numbered[] {
  keep(slots, range.filter(n => !taken(n)), ctx);
  const kept = new Set(slots.filter(s => s.ruleNumber !== undefined).map(s => s.ruleNumber!));
  const leaving = new Set([...ctx.previous?.numbers ?? []].filter(([meaning]) => meaning.startsWith(ctx.direction)).map(([, n]) => n));
  const open = range.filter(n => !taken(n) && !kept.has(n) && !leaving.has(n));
  const fresh = open.filter(n => !ctx.retired.has(n));
  const toNumber = slots.filter(s => s.ruleNumber === undefined);
  // Reserved numbers are used only when the fresh ones run out.
  const free = [...fresh, ...open.filter(n => ctx.retired.has(n)).slice(0, Math.max(0, toNumber.length - fresh.length))].sort((a, b) => a - b);
  if (toNumber.length > free.length && range.filter(n => !taken(n) && !kept.has(n)).length >= toNumber.length) {
    // There would be room once the entries this update drops are gone: the edit needs two deploys.
    const peering = toNumber[0].peering;
    ctx.findings.push({
      peering: peering.id,
      level: 'error',
      message:
        `Network ACL ${ctx.facts.name} has no ${dirName(toNumber[0].entry.egress)} rule number free for the new entries of ` +
        `${listFew([...new Set(toNumber.map(s => s.peering.id))])} until the entries this update removes are deleted ` +
        '(CloudFormation deletes them last, so a new entry on their numbers would fail with NetworkAclEntryAlreadyExists). ' +
        'Deploy the change in two steps: first the edit that removes entries, then the one that adds them; or give ' +
        `${peering.id} a wider band (firstRuleNumber/lastRuleNumber)`,
    });
    return [];
  }
  placeNew(slots, free, ctx);
  return slots.filter(s => s.ruleNumber !== undefined).map(s => ({ peering: s.peering, entry: { ...s.entry, ruleNumber: s.ruleNumber! } }));
}

/** The entries of the demands in numbering order: every allow (peering by peering), then every deny. */
function slotsOf(demands: Demand[], egress: boolean): Slot[] {
  const slot = (peering: PlannerPeering, c: ExternalCidr, entry: Omit<PlannedEntry, 'acl' | 'ruleNumber'>): Slot => ({
    peering, entry, block: `${peering.id} ${c.sortKey ?? c.cidr}`, meaning: entryMeaning({ ...entry, acl: '', ruleNumber: 0 }),
  });
  return [
    ...demands.flatMap(d => d.allows.map(a => slot(d.peering, a,
      { egress, action: 'allow', traffic: a.traffic, cidr: a.cidr, family: a.family, cidrName: a.name }))),
    ...demands.flatMap(d => d.denies.map(c => slot(d.peering, c,
      { egress, action: 'deny', traffic: { protocol: Protocol.ALL, reasons: ['blanket deny'] }, cidr: c.cidr, family: c.family, cidrName: c.name }))),
  ];
}

/**
 * Gives each slot the number the last plan gave its meaning, when it still may have it: in its range and not taken
 * since. An entry of the app on such a number is an error (the deploy would create it while the construct's entry
 * still holds the number); a block's allows stay below its deny.
 */
function keep(slots: Slot[], allowed: number[], ctx: NumberingContext): void {
  if (!ctx.previous) {
    return;
  }
  for (const s of slots) {
    const n = ctx.previous.numbers.get(s.meaning);
    if (n === undefined) continue;
    const holder = ctx.held.get(n);
    if (holder?.entryPath !== undefined) {
      ctx.findings.push({
        peering: s.peering.id,
        level: 'error',
        message:
          `${holder.entryPath} takes ${dirName(s.entry.egress)} rule number ${n} of Network ACL ${ctx.facts.name}, which the entry ` +
          `${s.meaning} of ${s.peering.id} holds since the last deploy (the rule-number record says so): the update would ` +
          'create it while that entry still holds the number (NetworkAclEntryAlreadyExists). Give your rule another number',
      });
    } else if (allowed.includes(n)) {
      s.ruleNumber = n;
    }
  }
  // A kept deny under a kept allow of its block (a record edited by hand) is numbered anew.
  for (const deny of slots.filter(s => s.entry.action === 'deny' && s.ruleNumber !== undefined)) {
    if (slots.some(a => a.block === deny.block && a.entry.action === 'allow' && a.ruleNumber !== undefined && a.ruleNumber > deny.ruleNumber!)) {
      deny.ruleNumber = undefined;
    }
  }
}

/**
 * Numbers the slots that have none yet from `free` (ascending): allows the lowest number below the deny of their block
 * (when that deny keeps its number), denies the highest above every allow of their block. A kept deny with no free
 * number below it for a new allow moves up (a warning says so): CloudFormation creates it at its new number before it
 * deletes the old one.
 */
function placeNew(slots: Slot[], free: number[], ctx: NumberingContext): void {
  const take = (n: number) => free.splice(free.indexOf(n), 1);
  const denyOf = (s: Slot) => slots.find(x => x.block === s.block && x.entry.action === 'deny');
  const short = (s: Slot) => ctx.findings.push({
    peering: s.peering.id,
    level: 'error',
    message:
      `Network ACL ${ctx.facts.name} has no free ${dirName(s.entry.egress)} rule number left for ${s.meaning} of ${s.peering.id} ` +
      '(its allows must come before its deny): give it a wider band (firstRuleNumber/lastRuleNumber), allow fewer port ranges, ' +
      'or put its subnets on a Network ACL of their own',
  });
  for (const allow of slots.filter(s => s.entry.action === 'allow' && s.ruleNumber === undefined)) {
    const deny = denyOf(allow);
    const below = free.find(n => deny?.ruleNumber === undefined || n < deny.ruleNumber);
    const n = below ?? free[0];
    if (n === undefined) {
      short(allow);
      continue;
    }
    if (below === undefined && deny?.ruleNumber !== undefined) {
      ctx.findings.push({
        peering: deny.peering.id,
        level: 'warning',
        warningId: PeeringWarnings.RULE_RENUMBERED,
        message:
          `${deny.meaning} of ${deny.peering.id} moves from rule number ${deny.ruleNumber} of Network ACL ${ctx.facts.name} to a ` +
          `higher one: no free number is left below it for ${allow.meaning}. CloudFormation creates it at its new number ` +
          'before it deletes the old entry, so the block stays denied throughout; cdk diff shows it replaced',
      });
      // Its old number stays held by the old entry until the update's cleanup: not free for anything else.
      deny.ruleNumber = undefined;
    }
    allow.ruleNumber = n;
    take(n);
  }
  for (const deny of slots.filter(s => s.entry.action === 'deny' && s.ruleNumber === undefined)) {
    const highestAllow = Math.max(0, ...slots.filter(a => a.block === deny.block && a.entry.action === 'allow' && a.ruleNumber !== undefined)
      .map(a => a.ruleNumber!));
    const n = [...free].reverse().find(x => x > highestAllow);
    if (n === undefined) {
      short(deny);
      continue;
    }
    deny.ruleNumber = n;
    take(n);
  }
}

/** The numbers of a band, ascending. */
export function rangeOf(band: RuleBand): number[] {
  return Array.from({ length: band.last - band.first + 1 }, (_, k) => band.first + k);
}

/** The numbers of `band` that `taken` does not hold, in order. */
export function freeNumbers(band: RuleBand, taken: Set<number>): number[] {
  return rangeOf(band).filter(n => !taken.has(n));
}
