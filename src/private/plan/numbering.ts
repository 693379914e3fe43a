/**
 * Rule numbers: which number each entry of each peering gets in one NACL and direction.
 *
 * - A peering with a band of its own (`firstRuleNumber`/`lastRuleNumber`) numbers its allows up from the bottom of the
 *   band and its denies down from the top.
 * - The others share the free numbers of `AUTOMATIC_BAND` (those no explicit band, entry of the app or declared rule
 *   holds): first the allows of every such peering, up from the bottom, then their denies, down from the top, peerings
 *   in a stable order (their lowest external CIDR block, then the peering connection).
 *
 * So each peering's allows precede every deny, and all of them precede whatever the NACL holds above the band (the
 * default NACL's allow-all at 100). Allows are in a canonical order (IPv4 blocks, then IPv6, each sorted; per block the
 * merged traffic in canonical order); denies one per block in the same order.
 */
import {
  AUTOMATIC_BAND, compare, dirName, ExternalCidr, Finding, NaclFacts, PlannedEntry, PlannerPeering, RuleBand, sortCidrs,
} from './types';
import { allowedIn } from '../core/policy';
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

/** Numbers the demands of one NACL and direction: explicit bands first, then the automatic peerings in the free numbers. */
export function allocate(demands: Demand[], facts: NaclFacts, egress: boolean, findings: Finding[]): Numbered[] {
  const out: Numbered[] = [];
  const toEntries = (d: Demand, allowNumbers: number[], denyNumbers: number[]) => {
    d.allows.forEach((a, k) => out.push({
      peering: d.peering,
      entry: { egress, ruleNumber: allowNumbers[k], action: 'allow', traffic: a.traffic, cidr: a.cidr, family: a.family },
    }));
    d.denies.forEach((c, k) => out.push({
      peering: d.peering,
      entry: { egress, ruleNumber: denyNumbers[k], action: 'deny', traffic: { protocol: Protocol.ALL, reasons: ['blanket deny'] }, cidr: c.cidr, family: c.family },
    }));
  };
  for (const d of demands.filter(x => x.peering.rules.band)) {
    const { first, last } = d.peering.rules.band!;
    toEntries(d, d.allows.map((_, k) => first + k), d.denies.map((_, k) => last - k));
  }
  const automatic = demands.filter(x => !x.peering.rules.band)
    .sort((a, b) => compare(a.peering.rules.orderKey, b.peering.rules.orderKey) || compare(a.peering.id, b.peering.id));
  if (automatic.length === 0) {
    return out;
  }
  const taken = new Set([...facts.held.filter(h => h.egress === egress).map(h => h.ruleNumber), ...out.map(o => o.entry.ruleNumber)]);
  const free = freeNumbers(AUTOMATIC_BAND, taken);
  const allows = automatic.reduce((n, d) => n + d.allows.length, 0);
  const denies = automatic.reduce((n, d) => n + d.denies.length, 0);
  if (allows + denies > free.length) {
    const who = automatic.map(d => `${d.peering.id} (${d.allows.length + d.denies.length})`).join(', ');
    findings.push({
      peering: automatic[0].peering.id,
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

/** The numbers of `band` that `taken` does not hold, in order. */
export function freeNumbers(band: RuleBand, taken: Set<number>): number[] {
  const free: number[] = [];
  for (let n = band.first; n <= band.last; n++) {
    if (!taken.has(n)) free.push(n);
  }
  return free;
}
