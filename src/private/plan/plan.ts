/**
 * The rule and route plan of every peering of the app together. Pure, no CDK: everything the construct creates —
 * routes, allow and deny entries, the allow-all of a NACL it made — is decided here, and the construct only turns the
 * plan into CloudFormation resources.
 *
 * Per NACL: who writes to it, their rule numbers (`numbering.ts`), then the checks (`checks.ts`); then the routes
 * (`routes.ts`). Resources are named after their slot (NACL, direction, number), which makes a stack update unable to
 * create an entry on a slot that an entry of the previous template still holds: the same slot is the same resource,
 * updated in place.
 */
import { checkAcrossStacks, checkAt100, checkNumbers, checkOverlappingPeers, checkQuota, checkShadowing } from './checks';
import { allocate, demandOf } from './numbering';
import { planRoutes } from './routes';
import { Finding, NaclFacts, Plan, PlannedEntry, PlannerPeering, PlanRequest } from './types';
import { Protocol } from '../core/traffic';

export function planPeerings(request: PlanRequest): Plan {
  const { peerings, nacls } = request;
  const findings: Finding[] = [];
  const entries = new Map<PlannerPeering, PlannedEntry[]>(peerings.map(p => [p, []]));
  const entriesOf = (p: PlannerPeering) => entries.get(p)!;

  // Routes first: two peerings of one destination in one route table are that problem, reported once.
  const routeFindings: Finding[] = [];
  const { routes, clashes } = planRoutes(peerings, request.heldRoutes ?? [], request.routeTableNames ?? new Map(), routeFindings);

  // Who writes to which NACL.
  const writers = new Map<string, Array<{ peering: PlannerPeering; withAllows: boolean }>>();
  for (const peering of peerings) {
    for (const { acl, withAllows } of aclsOf(peering)) {
      writers.set(acl, [...(writers.get(acl) ?? []), { peering, withAllows }]);
    }
  }

  for (const [acl, ws] of writers) {
    const facts: NaclFacts = nacls.get(acl) ?? { key: acl, name: acl, held: [], imported: false };
    const onAcl = ws.map(w => w.peering);
    const crossStack = checkAcrossStacks(onAcl, facts);
    if (crossStack) {
      findings.push(crossStack);
      continue;
    }
    const overlapping = checkOverlappingPeers(onAcl, facts, clashes);
    if (overlapping.overlap) {
      findings.push(...overlapping.findings);
      continue;
    }
    const previous = request.previous?.get(acl);
    const numbered = [false, true].flatMap(egress =>
      allocate(ws.map(w => demandOf(w.peering, w.withAllows, egress)), facts, egress, previous, findings));
    for (const n of numbered) {
      entriesOf(n.peering).push({ ...n.entry, acl });
    }
    checkNumbers(facts, numbered, findings);
    checkQuota(facts, onAcl, entriesOf, previous, findings);
    checkShadowing(facts, onAcl, entriesOf, findings);
    checkAt100(facts, onAcl, entriesOf, findings);
  }

  findings.push(...routeFindings);
  for (const peering of peerings) {
    // Each peering's entries in a stable order: its NACLs as it lists them, ingress first, by rule number; then the
    // allow-all of the NACL it made, after the peering rules.
    const aclOrder = aclsOf(peering).map(a => a.acl);
    entriesOf(peering).sort((a, b) =>
      aclOrder.indexOf(a.acl) - aclOrder.indexOf(b.acl) || Number(a.egress) - Number(b.egress) || a.ruleNumber - b.ruleNumber);
    entriesOf(peering).push(...catchAllsOf(peering, nacls));
  }
  // Each problem once: the same message on the same peering is one finding.
  const unique = [...new Map(findings.map(f => [JSON.stringify([f.peering, f.level, f.message, f.onEntry]), f])).values()];
  return {
    peerings: new Map(peerings.map(p => [p.id, { entries: entriesOf(p), routes: routes.get(p.id)! }])),
    findings: unique,
  };
}

/** The NACLs a peering writes to: its access NACLs (allows and denies), then its deny-only NACLs. */
function aclsOf(p: PlannerPeering): Array<{ acl: string; withAllows: boolean }> {
  const access = [...new Set(p.accessAcls)];
  return [
    ...access.map(acl => ({ acl, withAllows: true })),
    ...[...new Set(p.denyAcls)].filter(acl => !access.includes(acl)).map(acl => ({ acl, withAllows: false })),
  ];
}

/**
 * The allow-all entries of a NACL the peering made (`createNetworkAcl`): after the peering rules everything else
 * passes, as in the VPC's default NACL (IPv6 too when the VPC has it). Their numbers are held rules of the NACL, so
 * the numbering and the quota have counted them.
 */
function catchAllsOf(peering: PlannerPeering, nacls: Map<string, NaclFacts>): PlannedEntry[] {
  const made = [...nacls.values()].filter(f => f.allowAll?.kind === 'dedicated' && f.allowAll.owner === peering.id);
  return made.flatMap(facts => [false, true].flatMap(egress => [
    { family: 'ipv4' as const, ruleNumber: 100, cidr: '0.0.0.0/0' },
    ...(facts.allowAll!.ipv6 ? [{ family: 'ipv6' as const, ruleNumber: 101, cidr: '::/0' }] : []),
  ].map(({ family, ruleNumber, cidr }) => ({
    acl: facts.key,
    egress,
    ruleNumber,
    action: 'allow' as const,
    family,
    cidr,
    traffic: { protocol: Protocol.ALL, reasons: ['everything else (the NACL made by createNetworkAcl)'] },
  }))));
}
