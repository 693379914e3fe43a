/**
 * The findings of template scanners (cfn_nag, cfn-guard with the AWS Guard Rules Registry) that the construct's Network
 * ACL entries trip by design, with the reason a security reviewer reads on the entry. Each entry carries these as
 * template metadata, where the scanners look for them; nothing else is suppressed.
 */
import { Protocol } from '../core/traffic';

/** One cfn_nag suppression: the rule id and why it does not apply. */
export interface CfnNagSuppression {
  readonly id: string;
  readonly reason: string;
}

/**
 * The template metadata of an entry that suppresses the scanner findings it trips by design: the key `cfn_nag`
 * (`rules_to_suppress`, read by cfn_nag and by the Guard Rules Registry rules) and the key `guard`
 * (`SuppressedRules`, read by cfn-guard). Both are absent when the entry trips nothing.
 */
export interface ScannerSuppressions {
  readonly cfn_nag?: { readonly rules_to_suppress: CfnNagSuppression[] };
  readonly guard?: { readonly SuppressedRules: string[] };
}

/** A rule both scanners know, under the name each gives it. */
interface ScannerRule {
  readonly cfnNag: string;
  readonly guard: string;
  readonly reason: string;
}

/**
 * cfn_nag W71 / EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE: "a deny entry should cover 0.0.0.0/0". The construct's
 * deny covers the external VPC's block on purpose.
 */
export const INEFFECTIVE_DENY: ScannerRule = {
  cfnNag: 'W71',
  guard: 'EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE',
  reason:
    "This deny covers only the external (peered) VPC's CIDR block on purpose: numbered after the peering's allow " +
    'entries and before the NACL\'s broader rules, it keeps the third party out of everything those allows do not ' +
    'open. A deny of 0.0.0.0/0 would cut the subnets off from all other traffic.',
};

/**
 * cfn_nag W66 / EC2_NETWORK_ACL_PROTOCOL_RULE: "an allow entry should name a protocol (6, 17, 1, 58), not -1". The
 * construct writes protocol -1 allows only for `AclTraffic.allTraffic()` in `allowOutbound` or `allowInbound`.
 */
export const ALL_PROTOCOLS_ALLOW: ScannerRule = {
  cfnNag: 'W66',
  guard: 'EC2_NETWORK_ACL_PROTOCOL_RULE',
  reason:
    'All protocols to or from the external (peered) VPC are allowed because allowOutbound or allowInbound lists ' +
    'ec2.AclTraffic.allTraffic(); the entry covers only that VPC\'s CIDR block. List the protocols and ports instead ' +
    'to narrow it.',
};

/**
 * W66 on the allow-all of the dedicated NACL (`createNetworkAcl`): after the peering rules it lets everything else
 * through, as the VPC's default NACL does.
 */
export const DEDICATED_ALLOW_ALL: ScannerRule = {
  ...ALL_PROTOCOLS_ALLOW,
  reason:
    'The Network ACL made for the peered subnets (createNetworkAcl) allows all other traffic after the peering rules, ' +
    'as the VPC\'s default NACL does: the peering rules before it decide the external VPC\'s traffic, and without ' +
    'this entry the subnets would lose all other traffic.',
};

/** What of an entry decides the scanner rules it trips. */
export interface EntryShape {
  readonly action: 'allow' | 'deny';
  readonly protocol: number;
  /** The allow-all of a dedicated NACL (`createNetworkAcl`). */
  readonly catchAll?: boolean;
}

/** The scanner rules a Network ACL entry of the construct trips by design. */
export function scannerRulesFor(entry: EntryShape): ScannerRule[] {
  if (entry.action === 'deny') {
    return [INEFFECTIVE_DENY];
  }
  if (entry.protocol !== Protocol.ALL) {
    return [];
  }
  return [entry.catchAll ? DEDICATED_ALLOW_ALL : ALL_PROTOCOLS_ALLOW];
}

/**
 * The suppression metadata of one Network ACL entry of the construct: add each key with
 * `entry.addMetadata(key, value)`. Empty for entries that trip no scanner rule (allows of a named protocol).
 */
export function suppressionsFor(entry: EntryShape): ScannerSuppressions {
  const rules = scannerRulesFor(entry);
  if (rules.length === 0) {
    return {};
  }
  return {
    cfn_nag: { rules_to_suppress: rules.map(r => ({ id: r.cfnNag, reason: r.reason })) },
    guard: { SuppressedRules: rules.map(r => r.guard) },
  };
}
