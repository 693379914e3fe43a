/**
 * The security-group check of the app: every security group rule (inline or `SecurityGroupIngress`, any stack) in a
 * peering's VPC whose block takes in the external VPC on ports its NACL entries leave open is a warning on the rule,
 * or, with `securityGroupCheck: ERROR`, an error on the peering.
 */
import { IConstruct } from 'constructs';
import { checkSecurityGroupRules, SecurityGroupRuleInput, securityGroupRulesOf, vpcKeyOf } from './security-group-rules';
import { SecurityGroupCheck } from '../../security-group-check';
import { AddressFamily } from '../core/cidr';
import { Protocol, Traffic } from '../core/traffic';
import { PlannedEntry } from '../plan/types';
import { AppModel, Peering } from '../stage-types';

/** What the check found: warnings on the constructs that hold the rules, errors per peering. */
export interface SecurityGroupFindings {
  readonly warnings: Array<{ readonly scope: IConstruct; readonly message: string }>;
  readonly errors: Map<Peering, string[]>;
}

export function checkSecurityGroups(
  model: AppModel, peerings: Array<{ readonly peering: Peering; readonly entries: PlannedEntry[] }>,
): SecurityGroupFindings {
  const groups: IConstruct[] = [...model.securityGroups, ...model.securityGroupIngresses];
  const byPath = new Map(groups.map(g => [g.node.path, g]));
  const rulesByVpc = new Map<string, SecurityGroupRuleInput[]>();
  for (const rule of groups.flatMap(g => securityGroupRulesOf(g))) {
    // A rule of a group the app does not define has no known VPC: it cannot be checked.
    if (rule.vpcKey !== undefined) rulesByVpc.set(rule.vpcKey, [...(rulesByVpc.get(rule.vpcKey) ?? []), rule]);
  }
  const warnings = new Map<string, { scope: IConstruct; message: string }>();
  const errors = new Map<Peering, string[]>();
  for (const { peering, entries } of peerings) {
    const { intent, construct } = peering;
    const rules = rulesByVpc.get(vpcKeyOf(construct, intent.vpc.vpcId) ?? '') ?? [];
    if (intent.securityGroupCheck === SecurityGroupCheck.OFF || rules.length === 0) {
      continue;
    }
    const ingress = (family: AddressFamily): Traffic[] => (intent.rules.policy.blanketDeny
      ? entries.filter(e => !e.egress && e.action === 'allow' && e.family === family).map(e => e.traffic)
      : [{ protocol: Protocol.ALL, reasons: [] }]); // with no deny, the NACLs let everything in
    for (const f of checkSecurityGroupRules(rules, intent.rules.externalCidrs, ingress)) {
      if (intent.securityGroupCheck === SecurityGroupCheck.ERROR) {
        errors.set(peering, [...(errors.get(peering) ?? []),
          `${f.message} (securityGroupCheck is ERROR: allow only the sources you trust, or set it to WARN)`]);
      } else {
        warnings.set(JSON.stringify([f.rule.rulePath, f.message]), { scope: byPath.get(f.rule.rulePath) ?? construct, message: f.message });
      }
    }
  }
  return { warnings: [...warnings.values()], errors };
}
