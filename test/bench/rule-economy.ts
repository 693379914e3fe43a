/**
 * Rule economy: how many NACL entries a realistic policy costs, per NACL and direction, with the construct, with the
 * Terraform module it replaces (vpc-peering-external, as documented: one protocol and one port range per instance,
 * each instance adding an allow per direction on the access NACLs and a deny per direction on every NACL), and at the
 * minimum any tool could reach.
 *
 * The layout is the module's worked example reduced to two NACLs: the private App subnets on a NACL of their own
 * (with the usual allow-all at 100), which gets the allows and the denies, and the public subnets on the VPC's default
 * NACL, which gets only the denies. One external CIDR block; replies on the ephemeral range 1024–65535.
 *
 * The construct's counts come from its synthesized template (entries found by type and property, grouped by NACL and
 * direction). The module's and the minimum are computed here from their definitions, independently of the construct.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { VpcPeeringExternal } from '../../src';

type Proto = 'tcp' | 'udp';
interface Service { readonly protocol: Proto; readonly from: number; readonly to: number }

export interface Policy {
  readonly name: string;
  readonly services: Service[];
}

const tcp = (from: number, to = from): Service => ({ protocol: 'tcp', from, to });
const udp = (from: number, to = from): Service => ({ protocol: 'udp', from, to });

export const POLICIES: Policy[] = [
  { name: 'Web API (tcp 443)', services: [tcp(443)] },
  { name: 'Elasticsearch (tcp 443, 9200–9300)', services: [tcp(443), tcp(9200, 9300)] },
  { name: 'Database + DNS (tcp 5432; tcp and udp 53)', services: [tcp(5432), tcp(53), udp(53)] },
  {
    name: '12 scattered ports (tcp)',
    services: [21, 25, 110, 143, 389, 636, 993, 995, 1433, 3306, 6379, 11211].map(p => tcp(p)),
  },
];

/** Entries per direction on the access NACL (allows + denies) and on a deny-only NACL. */
export interface Counts {
  readonly accessEgress: number;
  readonly accessIngress: number;
  readonly denyOnlyEgress: number;
  readonly denyOnlyIngress: number;
}

/**
 * The default quota is 20 rules per NACL and direction, and it counts the implicit deny (*); the allow-all at 100 of a
 * default NACL (or of the App NACL here) takes one more: 18 are left for the peering.
 */
export const ENTRIES_LEFT_UNDER_DEFAULT_QUOTA = 18;

function synthConstruct(policy: Policy, allowPathMtuDiscovery: boolean): Counts {
  const stack = new Stack(new App({ analyticsReporting: false }), 'Economy');
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
  });
  const appAcl = new ec2.NetworkAcl(stack, 'AppAcl', { vpc, subnetSelection: { subnetGroupName: 'App' } });
  for (const direction of [ec2.TrafficDirection.EGRESS, ec2.TrafficDirection.INGRESS]) {
    appAcl.addEntry(`AllowAll${direction}`, { ruleNumber: 100, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction });
  }
  new VpcPeeringExternal(stack, 'Peering', {
    vpc,
    vpcPeeringConnectionId: 'pcx-0123456789abcdef0',
    externalCidrBlocks: ['10.200.0.0/16'],
    subnets: { subnetGroupName: 'App' },
    allowOutbound: policy.services.map(s => s.protocol === 'tcp'
      ? (s.from === s.to ? ec2.AclTraffic.tcpPort(s.from) : ec2.AclTraffic.tcpPortRange(s.from, s.to))
      : (s.from === s.to ? ec2.AclTraffic.udpPort(s.from) : ec2.AclTraffic.udpPortRange(s.from, s.to))),
    denyNetworkAcls: [ec2.NetworkAcl.fromNetworkAclId(stack, 'PublicAcl', vpc.vpcDefaultNetworkAcl)],
    allowPathMtuDiscovery,
    maxRulesPerNetworkAcl: 40,
  });
  const appAclId = JSON.stringify(stack.resolve(appAcl.networkAclId));
  const resources = Object.values(Template.fromStack(stack).toJSON().Resources) as Array<{ Type: string; Properties: Record<string, unknown> }>;
  const entries = resources.filter(r => r.Type === 'AWS::EC2::NetworkAclEntry' && r.Properties.CidrBlock === '10.200.0.0/16');
  const count = (onAccess: boolean, egress: boolean) => entries.filter(e =>
    (JSON.stringify(e.Properties.NetworkAclId) === appAclId) === onAccess && Boolean(e.Properties.Egress) === egress).length;
  return {
    accessEgress: count(true, true),
    accessIngress: count(true, false),
    denyOnlyEgress: count(false, true),
    denyOnlyIngress: count(false, false),
  };
}

/**
 * The Terraform module: one instance per protocol and port range. `denyOnce`: `enable_blanket_deny = false` on all
 * instances but one, the most a user can save; otherwise every instance writes its own deny rules.
 */
export function moduleCounts(policy: Policy, denyOnce: boolean): Counts {
  const instances = policy.services.length;
  const denies = denyOnce ? 1 : instances;
  // Each instance: egress allow (protocol, its port range) and ingress allow (protocol, ephemeral range) on the access NACL.
  return { accessEgress: instances + denies, accessIngress: instances + denies, denyOnlyEgress: denies, denyOnlyIngress: denies };
}

/**
 * The fewest entries that express the policy (first match wins, and the NACL allows everything after the peering's
 * rules): egress, one allow per maximal port interval of each protocol and one deny; ingress, one reply allow on the
 * ephemeral range per protocol and one deny; a deny-only NACL, one deny per direction.
 */
export function minimumCounts(policy: Policy): Counts {
  let intervals = 0;
  const protocols = [...new Set(policy.services.map(s => s.protocol))];
  for (const protocol of protocols) {
    const ranges = policy.services.filter(s => s.protocol === protocol).map(s => [s.from, s.to]).sort((a, b) => a[0] - b[0]);
    let end = -2;
    for (const [from, to] of ranges) {
      if (from > end + 1) {
        intervals++;
      }
      end = Math.max(end, to);
    }
  }
  return { accessEgress: intervals + 1, accessIngress: protocols.length + 1, denyOnlyEgress: 1, denyOnlyIngress: 1 };
}

export interface EconomyRow {
  readonly policy: string;
  readonly construct: Counts;
  /** The construct with its default `allowPathMtuDiscovery: true`: the ICMP "fragmentation needed" entries added. */
  readonly constructWithPathMtu: Counts;
  readonly module: Counts;
  readonly moduleDenyOnce: Counts;
  readonly minimum: Counts;
}

export function ruleEconomy(): EconomyRow[] {
  return POLICIES.map(policy => ({
    policy: policy.name,
    construct: synthConstruct(policy, false),
    constructWithPathMtu: synthConstruct(policy, true),
    module: moduleCounts(policy, false),
    moduleDenyOnce: moduleCounts(policy, true),
    minimum: minimumCounts(policy),
  }));
}
