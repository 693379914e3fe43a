/**
 * Checks made at synth time with everything else in the stack: rule numbers taken twice, entries that decide the
 * external traffic before ours, the quota with other entries counted, and security groups open to "anywhere".
 */
import { App, Annotations as CoreAnnotations, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BASE } from './fixtures';
import { PeeringWarnings, VpcPeeringExternal } from '../src';
import { recordApp } from './support/record-template';

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
  const appAcl = new ec2.NetworkAcl(stack, 'AppAcl', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
  return { app, stack, vpc, appAcl };
}

describe('rule numbers taken twice in one NACL', () => {
  test('an entry of another construct on a number the construct uses is an error naming both', () => {
    const { app, stack, vpc, appAcl } = setup();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    appAcl.addEntry('Mine', { ruleNumber: 99, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.EGRESS });
    expect(() => app.synth()).toThrow(
      'Test/AppAcl/Mine/Resource takes egress rule number 99 of Network ACL AppAcl6CB102E3, which Test/Peering/Entry-AppAcl6CB102E3-Egress-99 uses too; ' +
      'the deploy would fail with NetworkAclEntryAlreadyExists. Give one of them another number (firstRuleNumber/lastRuleNumber set the band of this construct)',
    );
  });

  test('two constructs for two SaaS peers in one NACL collide with the same band and pass with separate bands', () => {
    const collide = setup();
    new VpcPeeringExternal(collide.stack, 'Elastic', { vpc: collide.vpc, ...BASE });
    new VpcPeeringExternal(collide.stack, 'Mongo', { vpc: collide.vpc, ...BASE, externalCidrBlocks: ['10.210.0.0/16'] });
    expect(() => collide.app.synth()).toThrow(/Test\/Mongo\/Entry-AppAcl6CB102E3-Ingress-50 takes ingress rule number 50/);

    const apart = setup();
    new VpcPeeringExternal(apart.stack, 'Elastic', { vpc: apart.vpc, ...BASE, firstRuleNumber: 50, lastRuleNumber: 69 });
    new VpcPeeringExternal(apart.stack, 'Mongo', { vpc: apart.vpc, ...BASE, externalCidrBlocks: ['10.210.0.0/16'], firstRuleNumber: 70, lastRuleNumber: 89 });
    expect(() => apart.app.synth()).not.toThrow();
    recordApp(apart.app);
  });

  test('the same number in the other direction or another NACL is fine', () => {
    const { app, stack, vpc, appAcl } = setup();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, blanketDeny: false });
    appAcl.addEntry('Mine', { ruleNumber: 99, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.EGRESS });
    expect(() => app.synth()).not.toThrow();
    recordApp(app);
  });
});

describe('collisions with entries whose CIDR is a token, and across stacks', () => {
  test('an "allow my VPC" entry (CIDR token) on a number the construct uses is still a collision', () => {
    const { app, stack, vpc } = setup();
    const defaultAcl = ec2.NetworkAcl.fromNetworkAclId(stack, 'DefaultAcl', vpc.vpcDefaultNetworkAcl);
    new ec2.NetworkAclEntry(stack, 'AllowVpc', {
      networkAcl: defaultAcl,
      ruleNumber: 50,
      cidr: ec2.AclCidr.ipv4(vpc.vpcCidrBlock),
      traffic: ec2.AclTraffic.allTraffic(),
      direction: ec2.TrafficDirection.INGRESS,
    });
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, subnets: { subnetType: ec2.SubnetType.PUBLIC } });
    expect(() => app.synth()).toThrow(/Test\/AllowVpc\/Resource takes ingress rule number 50 of Network ACL Vpc8378EB38.DefaultNetworkAcl/);
  });

  test('two constructs in two stacks writing to one VPC\'s default NACL collide', () => {
    const app = new App();
    const network = new Stack(app, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    new VpcPeeringExternal(new Stack(app, 'Elastic'), 'Peering', { vpc, ...BASE });
    new VpcPeeringExternal(new Stack(app, 'Mongo'), 'Peering', { vpc, ...BASE, externalCidrBlocks: ['10.210.0.0/16'] });
    expect(() => app.synth()).toThrow(/Mongo\/Peering\/Entry-Network.Vpc8378EB38.DefaultNetworkAcl-Ingress-50 takes ingress rule number 50/);
  });

  test('an entry made on a subnet\'s default-NACL token lands in the default NACL and collides too', () => {
    const { app, stack } = setup();
    const vpc = new ec2.Vpc(stack, 'Other', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), maxAzs: 1, natGateways: 1 });
    (vpc.privateSubnets[0] as ec2.Subnet).networkAcl.addEntry('Mine', {
      ruleNumber: 99, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.EGRESS,
    });
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    expect(() => app.synth()).toThrow(/takes egress rule number 99 of Network ACL Other[0-9A-F]{8}.DefaultNetworkAcl/);
  });
});

describe('entries numbered below ours that decide the external traffic first', () => {
  test('an allow-all at 10 before our deny is a warning with an id users can acknowledge', () => {
    const { stack, vpc, appAcl } = setup();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    appAcl.addEntry('AllowAll', { ruleNumber: 10, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.INGRESS });
    Annotations.fromStack(stack).hasWarning('/Test/AppAcl/AllowAll/Resource', Match.stringLikeRegexp(
      '^Rule #10 allow all traffic ingress from 0.0.0.0/0 of Network ACL AppAcl6CB102E3 is evaluated before #99 deny all traffic ingress from 10.200.0.0/16 .*never applies.*' +
      '\\[ack: cdk-vpc-peering-external:shadowedByLowerRule\\]$',
    ));
    recordApp(stack);
  });

  test('a lower entry that does not touch the external CIDR, or agrees with our action, is no warning', () => {
    const { stack, vpc, appAcl } = setup();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    appAcl.addEntry('Internet', { ruleNumber: 10, cidr: ec2.AclCidr.ipv4('52.0.0.0/8'), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.INGRESS });
    appAcl.addEntry('DenyMore', { ruleNumber: 11, cidr: ec2.AclCidr.ipv4('10.200.0.0/16'), traffic: ec2.AclTraffic.tcpPort(22), direction: ec2.TrafficDirection.INGRESS, ruleAction: ec2.Action.DENY });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('shadowedByLowerRule'));
    recordApp(stack);
  });

  test('the warning can be acknowledged', () => {
    const { stack, vpc, appAcl } = setup();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    const entry = appAcl.addEntry('AllowAll', { ruleNumber: 10, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.INGRESS });
    CoreAnnotations.of(entry).acknowledgeWarning(PeeringWarnings.SHADOWED_BY_LOWER_RULE, 'on purpose');
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('shadowedByLowerRule'));
    recordApp(stack);
  });
});

describe('the quota with the other entries of the app counted', () => {
  test('other entries in the NACL count towards maxRulesPerNetworkAcl', () => {
    const { app, stack, vpc, appAcl } = setup();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    // The construct puts 2 egress rules in the NACL (allow 443, deny); with the implicit deny 17 others fit the quota
    // of 20, 18 do not.
    for (let i = 0; i < 18; i++) {
      appAcl.addEntry(`Rule${i}`, { ruleNumber: 200 + i, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.tcpPort(i), direction: ec2.TrafficDirection.EGRESS });
    }
    expect(() => app.synth()).toThrow(
      'Network ACL AppAcl6CB102E3 would hold 21 IPv4 egress rules (2 from this construct, 19 already there, the implicit deny rule included), over maxRulesPerNetworkAcl 20');
  });

  test('17 other entries and the construct fit the quota of 20', () => {
    const { app, stack, vpc, appAcl } = setup();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    for (let i = 0; i < 17; i++) {
      appAcl.addEntry(`Rule${i}`, { ruleNumber: 200 + i, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.tcpPort(i), direction: ec2.TrafficDirection.EGRESS });
    }
    expect(() => app.synth()).not.toThrow();
    recordApp(app);
  });
});

describe('security groups open to "anywhere", which now includes the external VPC', () => {
  test('a security group of the VPC open on a port the NACLs let the SaaS reach is a warning', () => {
    const { stack, vpc } = setup();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    const sg = new ec2.SecurityGroup(stack, 'AppSg', { vpc });
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(8080));
    Annotations.fromStack(stack).hasWarning('/Test/AppSg/Resource', Match.stringLikeRegexp(
      '^Security group Test/AppSg/Resource allows tcp 8080-8080 from 0.0.0.0/0, and the Network ACLs let the external VPC in on #50 allow tcp 1024-65535 .*' +
      '\\[ack: cdk-vpc-peering-external:securityGroupOpenToAnywhere\\]$',
    ));
    recordApp(stack);
  });

  test('a port the NACLs keep closed to the SaaS (443 below the ephemeral range) is no warning', () => {
    const { stack, vpc } = setup();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    const sg = new ec2.SecurityGroup(stack, 'LbSg', { vpc });
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('securityGroupOpenToAnywhere'));
    recordApp(stack);
  });
});
