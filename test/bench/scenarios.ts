/**
 * The apps the synth benchmark measures. Each scenario is a "base" (everything but the peerings: VPCs, subnets, NACLs,
 * flow logs) and the peerings, so the same base can be completed either by the construct or by its hand-written L1 twin
 * (l1-twin.ts). Only the public API of the library is used, and explicit rule-number bands wherever two peerings share
 * a NACL, so the apps synthesize whatever the construct's internals are.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { VpcPeeringExternal, VpcPeeringExternalProps } from '../../src';

/** What a scenario's base hands to its peerings: per stack, the props of each peering (without `vpc`, which it holds). */
export interface Peering {
  readonly stack: Stack;
  readonly id: string;
  readonly props: VpcPeeringExternalProps;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Builds everything but the peerings into `app` and returns the peerings to add. */
  readonly base: (app: App) => Peering[];
}

/** An app as the bench builds it: no path metadata, no version reporting (both apps alike), written to `outdir`. */
export function newApp(outdir: string): App {
  return new App({
    outdir,
    analyticsReporting: false,
    context: { 'aws:cdk:enable-path-metadata': false },
  });
}

/** The app of a scenario with the construct: base + `new VpcPeeringExternal` per peering. */
export function buildWithConstruct(scenario: Scenario, outdir: string): App {
  const app = newApp(outdir);
  for (const p of scenario.base(app)) {
    new VpcPeeringExternal(p.stack, p.id, p.props);
  }
  return app;
}

function flowLogs(stack: Stack): ec2.VpcProps['flowLogs'] {
  return {
    all: {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(stack, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH }),
      ),
    },
  };
}

/** A custom NACL for a subnet group, with the allow-all at 100 in both directions that teams add to such NACLs. */
function groupAcl(stack: Stack, vpc: ec2.Vpc, group: string): ec2.NetworkAcl {
  const acl = new ec2.NetworkAcl(stack, `${group}Acl`, { vpc, subnetSelection: { subnetGroupName: group } });
  for (const direction of [ec2.TrafficDirection.EGRESS, ec2.TrafficDirection.INGRESS]) {
    acl.addEntry(`AllowAll${direction === ec2.TrafficDirection.EGRESS ? 'Egress' : 'Ingress'}`, {
      ruleNumber: 100,
      cidr: ec2.AclCidr.anyIpv4(),
      traffic: ec2.AclTraffic.allTraffic(),
      direction,
    });
  }
  return acl;
}

/** Three AZs without an AWS account to look them up (an environment-agnostic stack would get two). */
const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

const tcp = (...ports: number[]) => ports.map(p => ec2.AclTraffic.tcpPort(p));

/**
 * One stack of about 130 resources: a VPC in 3 AZs (public, private and isolated subnets, one NAT gateway, flow logs)
 * and four SaaS peerings on the default NACL (two CIDR blocks each; 443, 9200–9300 and one more port), in bands.
 */
export const STACK_130: Scenario = {
  name: 'stack-130',
  description: 'one stack: a VPC in 3 AZs with flow logs, 4 peerings on the default NACL',
  base: app => {
    const stack = new Stack(app, 'Network');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      availabilityZones: AZS,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      flowLogs: flowLogs(stack),
    });
    return ['Elasticsearch', 'Analytics', 'Billing', 'Search'].map((name, i) => ({
      stack,
      id: name,
      props: {
        vpc,
        vpcPeeringConnectionId: `pcx-0123456789abcdef${i}`,
        externalCidrBlocks: [`10.${200 + 2 * i}.0.0/16`, `10.${201 + 2 * i}.0.0/16`],
        subnets: { subnetGroupName: 'App' },
        allowOutbound: [...tcp(443), ec2.AclTraffic.tcpPortRange(9200, 9300), ...tcp(8000 + i)],
        firstRuleNumber: 1 + 24 * i,
        lastRuleNumber: 24 + 24 * i,
        maxRulesPerNetworkAcl: 40,
      },
    }));
  },
};

/**
 * One stack of about 340 resources: a VPC in 3 AZs with five subnet groups (public on the default NACL, four private
 * groups on NACLs of their own with an allow-all at 100), three NAT gateways, flow logs, and nine vendors, two or
 * three per private NACL (one with 12 scattered ports); every vendor denies its external VPC on all the other NACLs.
 */
export const STACK_340: Scenario = {
  name: 'stack-340',
  description: 'one stack: a VPC in 3 AZs, 5 subnet groups, 4 custom NACLs, flow logs, 9 peerings',
  base: app => {
    const stack = new Stack(app, 'Platform');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      availabilityZones: AZS,
      natGateways: 3,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'Batch', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'Analytics', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      flowLogs: flowLogs(stack),
    });
    const groups = ['App', 'Data', 'Batch', 'Analytics'] as const;
    const acls = new Map<string, ec2.INetworkAcl>(groups.map(g => [g, groupAcl(stack, vpc, g)]));
    acls.set('Public', ec2.NetworkAcl.fromNetworkAclId(stack, 'PublicAcl', vpc.vpcDefaultNetworkAcl));
    const vendors: Array<{ id: string; group: typeof groups[number]; cidrs: string[]; allowOutbound: ec2.AclTraffic[] }> = [
      { id: 'Confluent', group: 'App', cidrs: ['10.200.0.0/16'], allowOutbound: tcp(9092, 443) },
      { id: 'Scattered', group: 'App', cidrs: ['10.201.0.0/16'], allowOutbound: tcp(21, 25, 110, 143, 389, 636, 993, 995, 1433, 3306, 6379, 11211) },
      { id: 'Datadog', group: 'App', cidrs: ['10.202.0.0/16', '10.203.0.0/16'], allowOutbound: tcp(443, 10516) },
      { id: 'MongoAtlas', group: 'Data', cidrs: ['10.204.0.0/21', '10.204.8.0/21'], allowOutbound: [ec2.AclTraffic.tcpPortRange(27015, 27017)] },
      { id: 'Fivetran', group: 'Data', cidrs: ['10.212.0.0/16', '10.213.0.0/16'], allowOutbound: tcp(443) },
      { id: 'RedisCloud', group: 'Batch', cidrs: ['10.205.0.0/16', '10.206.0.0/16'], allowOutbound: [ec2.AclTraffic.tcpPortRange(10000, 19999)] },
      { id: 'ClickHouse', group: 'Batch', cidrs: ['10.207.0.0/16'], allowOutbound: tcp(8443, 9440) },
      { id: 'Snowflake', group: 'Analytics', cidrs: ['10.208.0.0/16', '10.209.0.0/16'], allowOutbound: tcp(443) },
      { id: 'Elastic', group: 'Analytics', cidrs: ['10.210.0.0/16', '10.211.0.0/16'], allowOutbound: [...tcp(443), ec2.AclTraffic.tcpPortRange(9200, 9300)] },
    ];
    // Bands below the allow-all at 100, disjoint because every vendor writes deny rules into every NACL.
    let next = 1;
    return vendors.map((v, i) => {
      const width = (v.allowOutbound.length + 3) * v.cidrs.length;
      const band = { firstRuleNumber: next, lastRuleNumber: next + width - 1 };
      next += width;
      return {
        stack,
        id: v.id,
        props: {
          vpc,
          vpcPeeringConnectionId: `pcx-0a1b2c3d4e5f6070${i}`,
          externalCidrBlocks: v.cidrs,
          subnets: { subnetGroupName: v.group },
          allowOutbound: v.allowOutbound,
          denyNetworkAcls: [...acls].filter(([g]) => g !== v.group).map(([, acl]) => acl),
          ...band,
          maxRulesPerNetworkAcl: 40,
        },
      };
    });
  },
};

/**
 * `count` stacks in one app, each a small VPC (2 AZs, isolated App subnets) with one peering: a team's services,
 * each peered with its own SaaS.
 */
export function manyStacks(count: number): Scenario {
  return {
    name: `stacks-${count}`,
    description: `${count} stacks, each a VPC in 2 AZs with 1 peering`,
    base: app => Array.from({ length: count }, (_, i) => {
      const stack = new Stack(app, `Service${i}`);
      const vpc = new ec2.Vpc(stack, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(`10.${i % 200}.0.0/16`),
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      });
      return {
        stack,
        id: 'Peering',
        props: {
          vpc,
          vpcPeeringConnectionId: `pcx-${(0x1000000 + i).toString(16).padStart(17, '0')}`,
          externalCidrBlocks: ['10.250.0.0/16'],
          subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
          allowOutbound: tcp(443, 5432),
        },
      };
    }),
  };
}

export const SCENARIOS: Record<string, Scenario> = Object.fromEntries(
  [STACK_130, STACK_340, manyStacks(60), manyStacks(120), manyStacks(240)].map(s => [s.name, s]));
