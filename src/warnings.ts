/**
 * Ids of the warnings `VpcPeeringExternal` emits at synth time. Acknowledge one with
 * `Annotations.of(scope).acknowledgeWarning(PeeringWarnings.SHADOWED_BY_LOWER_RULE, 'reason')`.
 */
export class PeeringWarnings {
  /**
   * Another entry of a NACL the construct writes to is numbered lower than the construct's rules and decides some of
   * the external traffic first (an allow-all at 10 before the deny at 99), so the peering rule never applies.
   */
  public static readonly SHADOWED_BY_LOWER_RULE = 'cdk-vpc-peering-external:shadowedByLowerRule';

  /**
   * A security group of the VPC lets 0.0.0.0/0 or ::/0 in on ports the NACLs leave open to the external VPC:
   * "anywhere" now includes the third party.
   */
  public static readonly SECURITY_GROUP_OPEN_TO_ANYWHERE = 'cdk-vpc-peering-external:securityGroupOpenToAnywhere';

  /**
   * The construct numbers rules at or above 100 in a NACL the app imports: if it is a VPC's default NACL, its
   * allow-all rule 100 decides all traffic first (and rule 100 itself fails the deploy); declare the rules the NACL
   * holds with `existingNetworkAclRules` and keep the band below them.
   */
  public static readonly RULES_AT_OR_ABOVE_100_ON_IMPORTED_NACL = 'cdk-vpc-peering-external:rulesAtOrAbove100OnImportedNetworkAcl';

  /** `denyNetworkAcls` is given with `blanketDeny: false`, so those NACLs get no rule at all. */
  public static readonly DENY_NETWORK_ACLS_WITHOUT_DENY = 'cdk-vpc-peering-external:denyNetworkAclsWithoutDeny';

  private constructor() {}
}
