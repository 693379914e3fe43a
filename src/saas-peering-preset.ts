import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Options of the Confluent Cloud preset.
 */
export interface ConfluentCloudPresetOptions {
  /**
   * The connections Confluent Cloud's managed connectors may open into your VPC: the ports of the data sources and
   * sinks they read and write there (your database, say `ec2.AclTraffic.tcpPort(5432)`).
   *
   * Managed connectors of a VPC-peered cluster reach sources and sinks in the peered VPCs when the firewall rules let
   * them in.
   *
   * @default - managed connectors may open no connection into your VPC
   * @see https://docs.confluent.io/cloud/current/networking/peering/aws-peering.html
   */
  readonly allowManagedConnectorsInbound?: ec2.AclTraffic[];
}

/**
 * The traffic a SaaS vendor's peering needs, as the vendor documents it: pass presets to `VpcPeeringExternal`'s
 * `presets`, where they add to `allowOutbound` and `allowInbound`.
 *
 * @example
 * import { SaasPeeringPreset } from 'cdk-vpc-peering-external';
 *
 * new VpcPeeringExternal(this, 'Atlas', {
 *   vpc,
 *   vpcPeeringConnectionId: 'pcx-0123456789abcdef0',
 *   externalCidrBlocks: ['192.168.248.0/21'],
 *   presets: [SaasPeeringPreset.mongoDbAtlas()],
 * });
 */
export class SaasPeeringPreset {
  /**
   * MongoDB Atlas (dedicated clusters with network peering): your subnets open connections to the cluster's nodes on
   * TCP 27015-27017.
   *
   * Atlas requests the peering; your VPC needs DNS hostnames and DNS resolution enabled so that the cluster's
   * hostnames resolve to private IPs.
   *
   * @see https://www.mongodb.com/docs/atlas/security-vpc-peering/
   */
  public static mongoDbAtlas(): SaasPeeringPreset {
    return new SaasPeeringPreset('MongoDB Atlas', [ec2.AclTraffic.tcpPortRange(27015, 27017)], []);
  }

  /**
   * Confluent Cloud (a network of the "VPC Peering" type): your subnets open connections to the Kafka brokers on TCP
   * 9092 and to Schema Registry, the Kafka REST API and the metrics API on TCP 443.
   *
   * Confluent requests the peering. Its managed connectors may connect into your VPC: give their ports in
   * `allowManagedConnectorsInbound`.
   *
   * @see https://docs.confluent.io/cloud/current/networking/peering/aws-peering.html
   * @see https://docs.confluent.io/cloud/current/networking/networking-faq.html
   */
  public static confluentCloud(options: ConfluentCloudPresetOptions = {}): SaasPeeringPreset {
    return new SaasPeeringPreset('Confluent Cloud', [ec2.AclTraffic.tcpPort(9092), ec2.AclTraffic.tcpPort(443)],
      [...options.allowManagedConnectorsInbound ?? []]);
  }

  /**
   * Redis Cloud Pro: your subnets open connections to the database endpoints, TCP 10000-19999 (the range Redis Cloud
   * assigns database ports from).
   *
   * Redis Cloud requests the peering (Redis Cloud Essentials has no VPC peering).
   *
   * @see https://redis.io/docs/latest/operate/rc/security/vpc-peering/
   */
  public static redisCloud(): SaasPeeringPreset {
    return new SaasPeeringPreset('Redis Cloud', [ec2.AclTraffic.tcpPortRange(10000, 19999)], []);
  }

  /** The vendor's name. */
  public readonly vendor: string;

  /** The connections your subnets open towards the vendor's VPC. */
  public readonly allowOutbound: ec2.AclTraffic[];

  /** The connections the vendor's VPC opens into your subnets. */
  public readonly allowInbound: ec2.AclTraffic[];

  private constructor(vendor: string, allowOutbound: ec2.AclTraffic[], allowInbound: ec2.AclTraffic[]) {
    this.vendor = vendor;
    this.allowOutbound = allowOutbound;
    this.allowInbound = allowInbound;
  }
}
