/**
 * What each NACL that peerings write to already holds, for the plan: the allow-all of a VPC's default NACL or of the
 * NACL `createNetworkAcl` made, the rules `existingNetworkAclRules` declares, and the entries other code of the app
 * creates in it.
 */
import { naclKey } from '../cdk/nacl-refs';
import { ValueIdentity } from '../cdk/value-identity';
import { AllowAll, HeldRule, NaclFacts } from '../plan/types';
import { AppModel, NaclRef, Peering, ResolvedPeering } from '../stage-types';
import { vpcHasIpv6 } from './resolve-peering';

export function naclFacts(model: AppModel, peerings: Array<{ peering: Peering; resolved: ResolvedPeering }>): Map<string, NaclFacts> {
  const refs = new Map<string, NaclRef>();
  for (const { resolved } of peerings) {
    [...resolved.accessAcls, ...resolved.denyAcls].forEach(a => refs.set(a.key, refs.get(a.key) ?? a));
  }
  const declared = new Map<string, HeldRule[]>();
  for (const { peering } of peerings) {
    for (const rules of peering.intent.existingNetworkAclRules) {
      const key = naclKey(rules.networkAcl.networkAclId, peering.construct);
      const held: HeldRule[] = [
        ...(rules.ruleNumbers ?? []).map(n => ({ n, families: ['ipv4' as const] })),
        ...(rules.ipv6RuleNumbers ?? []).map(n => ({ n, families: ['ipv6' as const] })),
      ].flatMap(({ n, families }) => [false, true].map(egress => ({
        egress, ruleNumber: n, families, what: `rule ${n} that ${peering.construct.node.path} declares in existingNetworkAclRules`,
      })));
      declared.set(key, [...(declared.get(key) ?? []), ...held]);
    }
  }
  const foreignByAcl = new Map<string, HeldRule[]>();
  for (const { entry, resource } of model.foreignEntries) {
    const path = resource.node.path;
    const rule: HeldRule = { egress: entry.egress, ruleNumber: entry.ruleNumber, families: [entry.family], what: path, entry, entryPath: path };
    foreignByAcl.set(entry.acl, [...(foreignByAcl.get(entry.acl) ?? []), rule]);
  }

  const facts = new Map<string, NaclFacts>();
  for (const [key, ref] of refs) {
    const held: HeldRule[] = [];
    const dedicated = peerings.map(x => x.peering)
      .find(p => p.dedicatedNetworkAcl && naclKey(p.dedicatedNetworkAcl.networkAclId, p.construct) === key);
    const vpc = ref.defaultOf ?? dedicated?.intent.vpc;
    let allowAll: AllowAll | undefined;
    if (vpc && (ref.defaultOf || dedicated)) {
      const ipv6 = vpcHasIpv6(vpc, model, ValueIdentity.of(vpc)) === true;
      allowAll = ref.defaultOf ? { kind: 'vpc-default', ipv6 } : { kind: 'dedicated', owner: dedicated!.construct.node.path, ipv6 };
      const whose = ref.defaultOf ? 'the default NACL' : 'the dedicated NACL';
      for (const egress of [false, true]) {
        held.push({ egress, ruleNumber: 100, families: ['ipv4'], what: `${whose}'s allow-all rule 100` });
        if (ipv6) held.push({ egress, ruleNumber: 101, families: ['ipv6'], what: `${whose}'s IPv6 allow-all rule 101` });
      }
    }
    // A rule declared by several constructs is one rule.
    const seen = new Set<string>();
    for (const h of declared.get(key) ?? []) {
      const id = `${h.egress}/${h.ruleNumber}/${h.families}`;
      if (!seen.has(id) && !held.some(x => x.egress === h.egress && x.ruleNumber === h.ruleNumber)) {
        seen.add(id);
        held.push(h);
      }
    }
    held.push(...foreignByAcl.get(key) ?? []);
    facts.set(key, { key, name: ref.name, held, allowAll, imported: ref.imported });
  }
  return facts;
}
