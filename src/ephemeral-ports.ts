import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Ephemeral port ranges for `ephemeralPortRange`: the source ports clients pick for their connections, on which the
 * replies come back.
 *
 * Network ACLs are stateless and match destination ports only, so the rule that lets the replies through also lets
 * the other side *start* connections to any port of the range. A narrower range admits less, but a client whose
 * source port falls outside it gets no reply and its connection hangs. Pick the narrowest range that covers every
 * client on both sides of the peering: yours (replies to `allowOutbound` come back to them) and the third party's
 * (replies to `allowInbound` go back to them).
 *
 * @example
 * new VpcPeeringExternal(this, 'Elasticsearch', {
 *   vpc,
 *   vpcPeeringConnectionId: 'pcx-0123456789abcdef0',
 *   externalCidrBlocks: ['10.200.0.0/16'],
 *   allowOutbound: [ec2.AclTraffic.tcpPort(443)],
 *   ephemeralPortRange: EphemeralPorts.LINUX,
 * });
 *
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html#nacl-ephemeral-ports
 */
export class EphemeralPorts {
  /**
   * Linux clients (kernel default `net.ipv4.ip_local_port_range`): 32768-60999.
   *
   * Keeps the peer off ports 1024-32767 (most databases, brokers and application servers listen there: 3306, 5432,
   * 6379, 8080, 9092, 27017), but only works when every client on both sides is a Linux host with the default range.
   * Connections made through a NAT gateway, a load balancer or Lambda, or from Windows hosts, can pick ports outside
   * it and then get no reply.
   */
  public static readonly LINUX: ec2.AclPortRange = { from: 32768, to: 60999 };

  /**
   * Windows Server 2008 and later clients: 49152-65535 (the IANA dynamic range).
   *
   * The narrowest preset, but only right when every client on both sides is a Windows host with the default range;
   * Linux clients (from 32768), NAT gateways, load balancers and Lambda pick ports below 49152 and get no reply.
   */
  public static readonly WINDOWS: ec2.AclPortRange = { from: 49152, to: 65535 };

  /**
   * Every client, including NAT gateways, Elastic Load Balancing and AWS Lambda: 1024-65535. The default of
   * `ephemeralPortRange`, and what AWS advises for return traffic.
   *
   * Replies from any client get through, but the peer may start connections to every port from 1024 up (TCP and UDP,
   * for the protocols you allow): only security groups then stand between the third party and a service listening on
   * such a port.
   */
  public static readonly ALL_CLIENTS: ec2.AclPortRange = { from: 1024, to: 65535 };

  private constructor() {}
}
