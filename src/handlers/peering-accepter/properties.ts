/**
 * The contract between `PeeringConnectionAccepter` and its handler: the custom resource types and their properties.
 * Custom resource properties reach the handler as strings.
 */

/** Accepts the peering request (or, with `Accept` = 'false', only checks it is active and from whom it should be). */
export const ACCEPTANCE_RESOURCE_TYPE = 'Custom::VpcPeeringAcceptance';

/** Turns on `AllowDnsResolutionFromRemoteVpc` on the accepter side, and off again on delete. */
export const DNS_RESOLUTION_RESOURCE_TYPE = 'Custom::VpcPeeringDnsResolution';

/** The properties of both resource types. */
export interface AccepterProperties {
  /** `pcx-…` */
  readonly VpcPeeringConnectionId: string;
  /** The id of the VPC that must be the accepter side (ours). */
  readonly AccepterVpcId: string;
  /** 'true' to call AcceptVpcPeeringConnection when the request is pending; 'false' to only check (acceptance only). */
  readonly Accept?: string;
  /** The account the request must come from. */
  readonly ExpectedRequesterAccountId?: string;
  /** The VPC the request must come from. */
  readonly ExpectedRequesterVpcId?: string;
  /**
   * What the acceptance does with the connection when it is deleted (the construct removed, its stack deleted, its
   * connection id changed): 'destroy' deletes the connection (rejects a pending request); 'retain' leaves it (the
   * construct retains its deny entries). Either way, a deletion that rolls back the acceptance's own creation deletes the
   * connection when that creation accepted it. Acceptance only.
   */
  readonly RemovalPolicy?: string;
  /**
   * The IPv4 blocks every IPv4 block of the requester VPC must lie in; with it, every IPv6 block of the requester VPC
   * must lie in one of `RequesterIpv6CidrBlocks`. Absent: the requester's blocks are not checked. Acceptance only.
   */
  readonly RequesterCidrBlocks?: string[];
  /** The IPv6 blocks, with `RequesterCidrBlocks`. */
  readonly RequesterIpv6CidrBlocks?: string[];
  /** Any value: a new one makes CloudFormation update the acceptance, which checks the connection again. */
  readonly Recheck?: string;
}

/**
 * The physical id of an acceptance: the connection id, and `:accepted` when its creation accepted the request (so that
 * a rollback of that creation knows to undo it).
 */
export const ACCEPTED_SUFFIX = ':accepted';
