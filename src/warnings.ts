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
   * A security group rule of the VPC lets in a CIDR block that contains or overlaps an external CIDR block
   * (`0.0.0.0/0`, `::/0`, `10.0.0.0/8` for a `10.200.0.0/16` peer) on ports the NACLs leave open to the external VPC:
   * the third party is let in. `securityGroupCheck` chooses warn, error or off.
   */
  public static readonly SECURITY_GROUP_OPEN_TO_ANYWHERE = 'cdk-vpc-peering-external:securityGroupOpenToAnywhere';

  /**
   * The construct numbers rules at or above 100 in a NACL the app imports: if it is a VPC's default NACL, its
   * allow-all rule 100 decides all traffic first (and rule 100 itself fails the deploy); declare the rules the NACL
   * holds with `existingNetworkAclRules` and keep the band below them.
   */
  public static readonly RULES_AT_OR_ABOVE_100_ON_IMPORTED_NACL = 'cdk-vpc-peering-external:rulesAtOrAbove100OnImportedNetworkAcl';

  /**
   * A reply range makes a direction allow more than the traffic listed for it: with `allowOutbound: [tcp 5432]` and
   * `allowInbound: [tcp 8443]` the replies to inbound make egress tcp 1024-65535 (the subnets may open any port from
   * 1024 up in the external VPC) and the replies to outbound make ingress tcp 1024-65535 (the external VPC may start
   * connections to any port from 1024 up in your subnets). Network ACLs are stateless and match destination ports
   * only, so they cannot tell a reply from a new connection; narrow `ephemeralPortRange` (`EphemeralPorts.LINUX`) and
   * rely on security groups. A direction with nothing listed (ingress with only `allowOutbound`) carries just the
   * replies the user asked for and is not reported.
   */
  public static readonly BROADER_THAN_ASKED = 'cdk-vpc-peering-external:broaderThanAsked';

  /**
   * A route table that gets the routes to the external VPC also serves subnets outside the selection (the main route
   * table a `Vpc.fromLookup` fills in, a table shared by hand): those subnets are routed to the peer too.
   */
  public static readonly ROUTE_TABLE_SHARED_WITH_OTHER_SUBNETS = 'cdk-vpc-peering-external:routeTableSharedWithOtherSubnets';

  /**
   * An edit could not keep every unchanged entry of the peering on its number: the deny of a block moves to a higher
   * number to make room for new allows below it. The update creates it at its new number before it deletes the old
   * entry (the block stays denied throughout), but `cdk diff` shows the deny replaced.
   */
  public static readonly RULE_RENUMBERED = 'cdk-vpc-peering-external:ruleRenumbered';

  /**
   * The NACL `createNetworkAcl` made held the peering rules at the last synth (the rule-number record says so) and
   * holds none now (`createNetworkAcl` turned off, or the construct removed): the deploy deletes it, and AWS puts its
   * subnets on the VPC's default NACL, not on the NACL they had before. Unless the default NACL gets the rules in the
   * same deploy (in `networkAcls`; an imported VPC's default NACL is not known to the app), nothing denies the external
   * VPC there once the NACL is gone.
   */
  public static readonly DEDICATED_NETWORK_ACL_DELETED = 'cdk-vpc-peering-external:dedicatedNetworkAclDeleted';

  /**
   * The peering request is accepted from any account (`acceptAnyRequesterReason` instead of `expectedRequester`):
   * anyone who knows the VPC could send a request the deploy accepts. The warning repeats the reason given.
   */
  public static readonly REQUESTER_NOT_CHECKED = 'cdk-vpc-peering-external:requesterNotChecked';

  /**
   * A context lookup is pending (`Vpc.fromLookup`, or the availability zones of a stack with an account and a region):
   * the app is synthesized with placeholder values, the construct's plan is made from them (or not at all), and only
   * the problems the lookup cannot change are reported. The CDK CLI looks up and synthesizes again; a unit test that
   * sees this is not looking at the template that deploys.
   */
  public static readonly LOOKUP_PENDING = 'cdk-vpc-peering-external:lookupPending';

  /**
   * `denyOtherNetworkAcls` adds no NACL: every NACL of the VPC the app knows already gets the rules (all tiers share
   * the default NACL, so the other tiers get the peering's allows too), or the app knows none (an imported VPC).
   */
  public static readonly DENY_OTHER_NETWORK_ACLS_ADDS_NOTHING = 'cdk-vpc-peering-external:denyOtherNetworkAclsAddsNothing';

  /** `denyNetworkAcls` is given with `blanketDeny: false`, so those NACLs get no rule at all. */
  public static readonly DENY_NETWORK_ACLS_WITHOUT_DENY = 'cdk-vpc-peering-external:denyNetworkAclsWithoutDeny';

  /**
   * `allowDnsResolutionFromRemoteVpc` is set on a `new ec2.Vpc` that has `enableDnsHostnames` or `enableDnsSupport`
   * turned off: the option then has no effect, the remote VPC keeps resolving your hostnames to public IPs.
   */
  public static readonly DNS_RESOLUTION_WITHOUT_VPC_DNS = 'cdk-vpc-peering-external:dnsResolutionWithoutVpcDns';

  private constructor() {}
}
