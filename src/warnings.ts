/**
 * Ids of the warnings `VpcPeeringExternal` and `PeeringConnectionAccepter` emit at synth time. Acknowledge one with
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

  /** `denyNetworkAcls` is given with `blanketDeny: false`, so those NACLs get no rule at all. */
  public static readonly DENY_NETWORK_ACLS_WITHOUT_DENY = 'cdk-vpc-peering-external:denyNetworkAclsWithoutDeny';

  /**
   * `allowDnsResolutionFromRemoteVpc` is set on a `new ec2.Vpc` that has `enableDnsHostnames` or `enableDnsSupport`
   * turned off: the option then has no effect, the remote VPC keeps resolving your hostnames to public IPs.
   */
  public static readonly DNS_RESOLUTION_WITHOUT_VPC_DNS = 'cdk-vpc-peering-external:dnsResolutionWithoutVpcDns';

  private constructor() {}
}
