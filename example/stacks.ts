import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { VpcPeeringExternal } from '../src';

/**
 * The VPC of the main example: 10.0.0.0/16 in two AZs, public and private subnets, one NAT gateway, flow logs.
 */
export function exampleVpc(scope: Construct): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: 2,
    natGateways: 1,
    flowLogs: {
      all: {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(
          new logs.LogGroup(scope, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH }),
        ),
      },
    },
  });
}

/**
 * The main example: a new VPC whose private app subnets talk to a SaaS Elasticsearch cluster over HTTPS (443) and its
 * REST port (9200), and nothing else. The SaaS may reach nothing in the VPC but the replies to those connections.
 *
 * The Python, Java and Go consumer tests rebuild exactly this stack and compare templates: keep them in step.
 */
export interface NewVpcExampleStackProps extends StackProps {
  /**
   * The peering connection the SaaS requested (the deploy test passes a real one).
   * @default 'pcx-0123456789abcdef0'
   */
  readonly vpcPeeringConnectionId?: string;
}

export class NewVpcExampleStack extends Stack {
  public readonly peering: VpcPeeringExternal;

  constructor(scope: Construct, id: string, props: NewVpcExampleStackProps = {}) {
    super(scope, id, props);

    const vpc = exampleVpc(this);

    this.peering = new VpcPeeringExternal(this, 'Elasticsearch', {
      vpc,
      vpcPeeringConnectionId: props.vpcPeeringConnectionId ?? 'pcx-0123456789abcdef0',
      externalCidrBlocks: ['10.200.0.0/16'],
      allowOutbound: [ec2.AclTraffic.tcpPort(443), ec2.AclTraffic.tcpPort(9200)],
    });
  }
}

/**
 * What an existing VPC looks like to the example of an imported VPC. The deploy test passes the ids of a VPC it made
 * on the emulator; `example/app.ts` passes placeholders.
 */
export interface ImportedVpcExampleStackProps extends StackProps {
  /** The VPC's id. */
  readonly vpcId: string;
  /** The VPC's primary IPv4 CIDR block. */
  readonly vpcCidrBlock: string;
  /** One Availability Zone per private subnet. */
  readonly availabilityZones: string[];
  /** The private app subnets. */
  readonly privateSubnetIds: string[];
  /** Their route tables, one per subnet (repeat the id when subnets share a table). */
  readonly privateSubnetRouteTableIds: string[];
  /** The NACL of the private app subnets. */
  readonly privateNetworkAclId: string;
  /** NACLs of other tiers, which get only the deny rules. */
  readonly otherNetworkAclIds: string[];
  /** The accepted peering connection. */
  readonly vpcPeeringConnectionId: string;
  /** The CIDR blocks of the external VPC. */
  readonly externalCidrBlocks: string[];
}

/** Placeholder ids for the imported example, for synth without an AWS account (the deploy test passes real ones). */
export const PLACEHOLDER_IMPORTED_VPC: ImportedVpcExampleStackProps = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcCidrBlock: '10.1.0.0/16',
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
  privateSubnetRouteTableIds: ['rtb-0bbbbbbbbbbbbbbb1', 'rtb-0bbbbbbbbbbbbbbb1'],
  privateNetworkAclId: 'acl-0ccccccccccccccc1',
  otherNetworkAclIds: ['acl-0ccccccccccccccc2'],
  vpcPeeringConnectionId: 'pcx-0ddddddddddddddd1',
  externalCidrBlocks: ['10.210.0.0/16', '10.211.0.0/16'],
};

/**
 * The second example: an existing VPC (imported), whose private subnets share one route table and whose NACLs already
 * allow everything at rule 100. A SaaS database (PostgreSQL, 5432) is reached from the private subnets, and the SaaS
 * may call one webhook port (8443) in.
 */
export class ImportedVpcExampleStack extends Stack {
  public readonly peering: VpcPeeringExternal;

  constructor(scope: Construct, id: string, props: ImportedVpcExampleStackProps) {
    super(scope, id, props);

    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: props.vpcId,
      vpcCidrBlock: props.vpcCidrBlock,
      availabilityZones: props.availabilityZones,
      privateSubnetIds: props.privateSubnetIds,
      privateSubnetRouteTableIds: props.privateSubnetRouteTableIds,
    });

    this.peering = new VpcPeeringExternal(this, 'Database', {
      vpc,
      vpcPeeringConnectionId: props.vpcPeeringConnectionId,
      externalCidrBlocks: props.externalCidrBlocks,
      allowOutbound: [ec2.AclTraffic.tcpPort(5432)],
      allowInbound: [ec2.AclTraffic.tcpPort(8443)],
      networkAcls: [ec2.NetworkAcl.fromNetworkAclId(this, 'PrivateAcl', props.privateNetworkAclId)],
      denyNetworkAcls: props.otherNetworkAclIds.map((aclId, i) => ec2.NetworkAcl.fromNetworkAclId(this, `OtherAcl${i}`, aclId)),
    });
  }
}
