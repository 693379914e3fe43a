/**
 * What `VpcPeeringExternal` does when a security group of the VPC lets the external VPC in: a rule whose CIDR block
 * contains or overlaps an external CIDR block (`0.0.0.0/0`, `10.0.0.0/8` for a `10.200.0.0/16` peer), on ports the
 * Network ACLs leave open to the peer.
 *
 * Security groups the app does not define (imported with `SecurityGroup.fromSecurityGroupId`, or made outside the
 * app) cannot be seen and are not checked.
 */
export enum SecurityGroupCheck {
  /** Warn (acknowledgeable, `PeeringWarnings.SECURITY_GROUP_OPEN_TO_ANYWHERE`) and synthesize. */
  WARN = 'WARN',
  /** Fail synthesis with an error naming every such rule. */
  ERROR = 'ERROR',
  /** Do not check security groups. */
  OFF = 'OFF',
}
