/**
 * The checks of the plan of one NACL: the problems that synth reports instead of a deploy failing or a rule doing
 * nothing. Each pushes findings (each problem once, on one peering); none changes the plan.
 */
import { freeNumbers, Numbered, rangeOf } from './numbering';
import { clashKey } from './routes';
import {
  AUTOMATIC_BAND, compare, describeEntry, dirName, entryMeaning, familyName, Finding, NaclFacts, PlannedEntry, PlannerPeering,
  PreviousNumbers, RuleBand,
} from './types';
import { PeeringWarnings } from '../../warnings';
import { cidrsOverlap, isCidr, AddressFamily } from '../core/cidr';
import { mostEntriesPerNacl } from '../core/policy';
import { listFew } from '../core/text';
import { Protocol, Traffic } from '../core/traffic';

const byId = (a: PlannerPeering, b: PlannerPeering) => compare(a.id, b.id);

/**
 * Peerings on one NACL whose external blocks overlap: the NACL's rules match addresses, not peerings, so one peering's
 * deny would cut the other's allowed traffic (or its allow open the other's blocks), and during an update the order of
 * their entries could open either. Returns an error for each such pair.
 */
export function checkOverlappingPeers(
  peerings: PlannerPeering[], facts: NaclFacts, routeClashes: Set<string>,
): { overlap: boolean; findings: Finding[] } {
  const findings: Finding[] = [];
  let overlap = false;
  const sorted = [...peerings].sort(byId);
  sorted.forEach((a, i) => sorted.slice(i + 1).forEach(b => {
    for (const ca of a.rules.externalCidrs.filter(c => isCidr(c.cidr))) {
      const cb = b.rules.externalCidrs.find(c => isCidr(c.cidr) && cidrsOverlap(ca.cidr, c.cidr));
      if (cb) {
        overlap = true;
        if (routeClashes.has(clashKey(a.id, b.id))) {
          return; // the same problem, reported where their routes clash
        }
        findings.push({
          peering: b.id,
          level: 'error',
          message:
            `${a.id} and ${b.id} both write rules for overlapping external blocks (${ca.cidr} and ${cb.cidr}) to Network ACL ` +
            `${facts.name}: its rules match addresses, not peerings, so each one's deny would cut the other's traffic. ` +
            'Two external VPCs that overlap cannot both be reached from one set of subnets: peer them from subnets on separate Network ACLs',
        });
        return;
      }
    }
  }));
  return { overlap, findings };
}

/** How a NACL with a known allow-all is named in messages. */
function describeAllowAll(facts: NaclFacts): string {
  return facts.allowAll?.kind === 'vpc-default' ? "the VPC's default Network ACL" : 'the Network ACL made by createNetworkAcl,';
}

/**
 * Peerings of different stacks on one NACL cannot share automatic numbers: the stacks deploy one at a time, and a
 * number one stack gives up could be taken by the other before the first stack's update frees it. Returns an error
 * that proposes disjoint bands when some of them have no band of their own.
 */
export function checkAcrossStacks(peerings: PlannerPeering[], facts: NaclFacts): Finding | undefined {
  const stacks = new Set(peerings.map(p => p.stack));
  const automatic = peerings.filter(p => !p.rules.band);
  if (stacks.size < 2 || automatic.length === 0) {
    return undefined;
  }
  const ordered = [...peerings].sort(byId);
  const bands = proposeBands(ordered, facts);
  const proposal = listFew(ordered.map((p, k) => `${p.id} (stack ${p.stack}): ` +
    (bands ? `${p.rules.band ? 'keeps ' : ''}firstRuleNumber: ${bands[k].first}, lastRuleNumber: ${bands[k].last}` : 'a band of its own')), '; ');
  return {
    peering: automatic.sort(byId)[0].id,
    level: 'error',
    message:
      `Network ACL ${facts.name} gets peering rules from VpcPeeringExternal constructs in ${stacks.size} stacks ` +
      `(${listFew([...stacks].sort())}), and ${listFew(automatic.map(p => p.id))} ` +
      `${automatic.length === 1 ? 'numbers its' : 'number their'} rules automatically: stacks deploy one at a time, so ` +
      'numbers shared across stacks could collide during an ' +
      `update (NetworkAclEntryAlreadyExists). Give each a band of its own, e.g. ${proposal}`,
  };
}

/**
 * A band for each peering, in the given order: a peering that has a band keeps it (users hold those numbers on
 * purpose: a band of 1-9 kept from a Terraform migration, say); each of the others gets a run of numbers of the
 * automatic band that no band and no rule of the NACL holds, sized to its needs plus an even share of the rest.
 * Undefined when they do not fit.
 */
function proposeBands(peerings: PlannerPeering[], facts: NaclFacts): RuleBand[] | undefined {
  const taken = new Set(facts.held.map(h => h.ruleNumber));
  peerings.filter(p => p.rules.band).forEach(p => rangeOf(p.rules.band!).forEach(n => taken.add(n)));
  // Runs of consecutive free numbers: a proposed band holds no number of another band.
  const runs: number[][] = [];
  for (const n of freeNumbers(AUTOMATIC_BAND, taken)) {
    const run = runs[runs.length - 1];
    if (run && run[run.length - 1] === n - 1) run.push(n);
    else runs.push([n]);
  }
  const automatic = peerings.filter(p => !p.rules.band);
  const needs = automatic.map(p => mostEntriesPerNacl(p.rules.policy, p.rules.externalCidrs));
  const free = runs.reduce((a, r) => a + r.length, 0);
  const extra = Math.floor((free - needs.reduce((a, b) => a + b, 0)) / Math.max(1, automatic.length));
  if (extra < 0) {
    return undefined;
  }
  const proposed = new Map<PlannerPeering, RuleBand>();
  let run = 0;
  let at = 0;
  for (const [k, p] of automatic.entries()) {
    // The first run with room for its needs; the share of the rest when that run has it.
    while (run < runs.length && runs[run].length - at < needs[k]) {
      run++;
      at = 0;
    }
    if (run >= runs.length) {
      return undefined;
    }
    const size = Math.min(needs[k] + extra, runs[run].length - at);
    proposed.set(p, { first: runs[run][at], last: runs[run][at + size - 1] });
    at += size;
  }
  return peerings.map(p => p.rules.band ?? proposed.get(p)!);
}

/**
 * Rule numbers taken twice in one NACL and direction: by two peerings, or by a peering and a rule the NACL holds. The
 * same clash in both directions is one problem.
 */
export function checkNumbers(facts: NaclFacts, numbered: Numbered[], findings: Finding[]): void {
  interface Holder { readonly peering?: PlannerPeering; readonly what: string }
  // A slot is (rule number, direction), as one number: 2n + 1 for egress, 2n for ingress.
  const slot = (egress: boolean, ruleNumber: number) => ruleNumber * 2 + (egress ? 1 : 0);
  const holders = new Map<number, Holder[]>();
  let shared = false;
  const add = (egress: boolean, ruleNumber: number, holder: Holder) => {
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
  numbered.forEach(n => add(n.entry.egress, n.entry.ruleNumber, { peering: n.peering, what: n.peering.id }));
  if (!shared) {
    return;
  }
  const clashes = new Map<string, { ruleNumber: number; reporter: Holder; others: string[]; directions: string[] }>();
  for (const [key, list] of holders) {
    const [ruleNumber, egress] = [Math.floor(key / 2), Math.abs(key % 2) === 1];
    const planned = list.filter(l => l.peering !== undefined).sort((a, b) => byId(a.peering!, b.peering!));
    // At or above 100 in a NACL with a known allow-all is one problem of its own (checkAt100), not a collision to report too.
    if (list.length < 2 || planned.length === 0 || (facts.allowAll && ruleNumber >= 100)) {
      continue;
    }
    const reporter = planned[planned.length - 1];
    const others = list.filter(l => l !== reporter).map(l => l.what);
    const id = JSON.stringify([ruleNumber, reporter.what, others]);
    const clash = clashes.get(id) ?? { ruleNumber, reporter, others, directions: [] };
    clash.directions.push(dirName(egress));
    clashes.set(id, clash);
  }
  for (const { ruleNumber, reporter, others, directions } of clashes.values()) {
    findings.push({
      peering: reporter.peering!.id,
      level: 'error',
      message:
        `${reporter.what} and ${others.join(' and ')} both take ${directions.sort().reverse().join(' and ')} rule number ${ruleNumber} ` +
        `of Network ACL ${facts.name}; the deploy would fail with NetworkAclEntryAlreadyExists. ` +
        (reporter.peering!.rules.band
          ? `Give ${reporter.what} a band that holds none of the other's numbers (firstRuleNumber/lastRuleNumber), or leave both props out to number it automatically`
          : 'Give the other rule another number'),
    });
  }
}

/**
 * The AWS quota of rules per NACL, direction and address family, with every peering and held rule counted; and, with a
 * rule-number record, during the update too: CloudFormation creates new entries before it deletes the old ones, so the
 * entries the last deploy made that this one drops or renumbers still count until the cleanup.
 */
export function checkQuota(
  facts: NaclFacts, writers: PlannerPeering[], entriesOf: (p: PlannerPeering) => PlannedEntry[], previous: PreviousNumbers | undefined,
  findings: Finding[],
): void {
  const maxRules = Math.max(...writers.map(p => p.rules.maxRules));
  const over: string[] = [];
  const during: string[] = [];
  for (const egress of [false, true]) {
    for (const family of ['ipv4', 'ipv6'] as AddressFamily[]) {
      const planned = writers.flatMap(p => entriesOf(p).filter(e => e.acl === facts.key && e.egress === egress && e.family === family)
        .map(e => ({ p, e })));
      if (planned.length === 0) {
        continue;
      }
      const per = writers.map(p => ({ p, n: planned.filter(x => x.p === p).length })).filter(x => x.n > 0);
      const held = facts.held.filter(h => h.egress === egress && h.families.includes(family)).length;
      const total = planned.length + held + 1;
      if (total > maxRules) {
        over.push(
          `${total} ${familyName(family)} ${dirName(egress)} rules (${listFew(per.map(x => `${x.n} from ${x.p.id}`))}, ` +
          `${held} already there, and the implicit deny rule)`,
        );
        continue;
      }
      const now = new Set(planned.map(({ e }) => `${entryMeaning(e)} ${e.ruleNumber}`));
      const leaving = [...previous?.numbers ?? []].filter(([meaning]) => meaning.startsWith(egress ? 'Egress' : 'Ingress') &&
        previous!.families.get(meaning) === family && !now.has(`${meaning} ${previous!.numbers.get(meaning)}`));
      if (total + leaving.length > maxRules) {
        during.push(
          `${total + leaving.length} ${familyName(family)} ${dirName(egress)} rules at once (${planned.length} of this deploy, ` +
          `${leaving.length} of the last one that it removes or renumbers, ${held} already there, and the implicit deny rule)`,
        );
      }
    }
  }
  const reporter = [...writers].sort(byId)[0];
  if (over.length > 0) {
    findings.push({
      peering: reporter.id,
      level: 'error',
      message:
        `Network ACL ${facts.name} would hold ${over.join('; ')}, over maxRulesPerNetworkAcl ${maxRules}: merge ports into ` +
        'ranges or allow fewer, use fewer CIDR blocks, raise the quota "Rules per network ACL" (at most 40) and set ' +
        'maxRulesPerNetworkAcl to it, or put the vendors\' subnets on separate Network ACLs',
    });
  } else if (during.length > 0) {
    findings.push({
      peering: reporter.id,
      level: 'error',
      message:
        `Network ACL ${facts.name} would hold ${during.join('; ')} during the update, over maxRulesPerNetworkAcl ${maxRules}: ` +
        'CloudFormation creates the new entries before it deletes the old ones. Deploy the change in two steps (first the ' +
        'edit that removes entries, then the one that adds them), or raise the quota "Rules per network ACL" (at most 40) ' +
        'and set maxRulesPerNetworkAcl to it',
    });
  }
}

/** Warns about a lower-numbered rule that decides some of a peering's traffic first with the opposite action. */
export function checkShadowing(
  facts: NaclFacts, writers: PlannerPeering[], entriesOf: (p: PlannerPeering) => PlannedEntry[], findings: Finding[],
): void {
  // A peering's own entries never shadow each other (its allows come first, its denies only take its own blocks).
  if (writers.length < 2 && !facts.held.some(h => h.entry)) {
    return;
  }
  interface Owned { readonly peering?: PlannerPeering; readonly entry: PlannedEntry; readonly what: string; readonly entryPath?: string }
  const mine: Owned[] = writers.flatMap(peering => entriesOf(peering).filter(e => e.acl === facts.key)
    .map(entry => ({ peering, entry, what: peering.id })));
  const others: Owned[] = [
    ...facts.held.filter(h => h.entry).map(h => ({ entry: h.entry!, what: h.what, entryPath: h.entryPath })),
    ...mine,
  ];
  // Only entries of one direction and family can decide each other's traffic.
  const group = (e: PlannedEntry) => `${e.egress}/${e.family}`;
  const mineByGroup = new Map<string, Owned[]>();
  mine.forEach(m => mineByGroup.set(group(m.entry), [...(mineByGroup.get(group(m.entry)) ?? []), m]));
  for (const o of others) {
    const shadowed = (mineByGroup.get(group(o.entry)) ?? []).find(m => m.peering !== o.peering && decidesFirst(o.entry, m.entry));
    if (shadowed) {
      findings.push({
        peering: (o.peering ?? shadowed.peering!).id,
        level: 'warning',
        warningId: PeeringWarnings.SHADOWED_BY_LOWER_RULE,
        onEntry: o.entryPath,
        message:
          `Rule ${describeEntry(o.entry)} of Network ACL ${facts.name} (${o.what}) is evaluated before ` +
          `${describeEntry(shadowed.entry)} of ${shadowed.what} and decides that traffic first, so the ` +
          'peering rule never applies. Number the peering rules below it (firstRuleNumber/lastRuleNumber) or renumber that rule',
      });
    }
  }
}

/** Rules at or above 100: dead behind a known allow-all at 100 (an error), unknown on an imported NACL (a warning). */
export function checkAt100(facts: NaclFacts, writers: PlannerPeering[], entriesOf: (p: PlannerPeering) => PlannedEntry[], findings: Finding[]): void {
  for (const peering of writers) {
    const high = entriesOf(peering).filter(e => e.acl === facts.key && e.ruleNumber >= 100);
    if (high.length === 0) {
      continue;
    }
    if (facts.allowAll) {
      findings.push({
        peering: peering.id,
        level: 'error',
        message:
          `lastRuleNumber ${peering.rules.band?.last} puts rules at or above 100 in ${describeAllowAll(facts)} ${facts.name}, ` +
          'whose allow-all rule 100 holds that number and decides all traffic first: those rules would never apply (and ' +
          '100 itself would fail the deploy). Keep lastRuleNumber at 99 or below',
      });
    } else if (facts.imported) {
      findings.push({
        peering: peering.id,
        level: 'warning',
        warningId: PeeringWarnings.RULES_AT_OR_ABOVE_100_ON_IMPORTED_NACL,
        message:
          `${peering.id} numbers ${high.length} rule(s) of the imported Network ACL ${facts.name} at or above 100 ` +
          `(${high.map(e => `${dirName(e.egress)} ${e.ruleNumber}`).join(', ')}). If it is a VPC's default NACL, its ` +
          'allow-all rule 100 decides all traffic before them (and 100 itself fails the deploy); a hand-made NACL often has ' +
          'a catch-all there too. Keep lastRuleNumber at 99 or below, and declare the rules the NACL holds with existingNetworkAclRules',
      });
    }
  }
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
