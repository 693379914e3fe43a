/**
 * What the user is told about security, through the construct: the effective policy when replies widen a direction,
 * and every security group rule of the app (inline or `SecurityGroupIngress`, any stack) that lets the peer in.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BASE } from './fixtures';
import { EphemeralPorts, PeeringWarnings, SecurityGroupCheck, VpcPeeringExternal } from '../src';
import { evaluate, naclEntriesFromTemplate } from './support/nacl-evaluator';
import { synthErrors } from './support/synth-errors';

function newApp() {
  const app = new App();
  const stack = new Stack(app, 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
  return { app, stack, vpc };
}

describe('the effective policy is stated when replies widen a direction', () => {
  test('outbound 5432 and inbound 8443: a warning says what each side can reach and how to narrow it', () => {
    const { stack, vpc } = newApp();
    new VpcPeeringExternal(stack, 'Db', { vpc, ...BASE, allowOutbound: [ec2.AclTraffic.tcpPort(5432)], allowInbound: [ec2.AclTraffic.tcpPort(8443)] });
    Annotations.fromStack(stack).hasWarning('/Test/Db', Match.stringLikeRegexp(
      'egress to 10.200.0.0/16 allows tcp 1024-65535 where allowOutbound lists tcp 5432.*ingress from 10.200.0.0/16 allows tcp 1024-65535 where ' +
      'allowInbound lists tcp 8443.*EphemeralPorts.LINUX.*\\[ack: cdk-vpc-peering-external:broaderThanAsked\\]'));
  });

  test('outbound only: the replies are what was asked for, no warning', () => {
    const { stack, vpc } = newApp();
    new VpcPeeringExternal(stack, 'Db', { vpc, ...BASE, allowOutbound: [ec2.AclTraffic.tcpPort(5432)] });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp(PeeringWarnings.BROADER_THAN_ASKED));
  });

  test('the Linux preset narrows the reply range of both directions', () => {
    const { stack, vpc } = newApp();
    const peering = new VpcPeeringExternal(stack, 'Db', {
      vpc,
      ...BASE,
      allowOutbound: [ec2.AclTraffic.tcpPort(5432)],
      allowInbound: [ec2.AclTraffic.tcpPort(8443)],
      ephemeralPortRange: EphemeralPorts.LINUX,
    });
    const ranges = peering.networkAclEntries.filter(e => e.ruleAction === 'allow').map(e => stack.resolve(e.portRange));
    expect(ranges).toEqual(expect.arrayContaining([{ from: 32768, to: 60999 }]));
    expect(ranges).not.toEqual(expect.arrayContaining([{ from: 1024, to: 65535 }]));
  });
});

describe('every security group rule that lets the peer in is checked', () => {
  test('an inline rule open to 10.0.0.0/8 on a port the NACLs leave open to the peer: a warning on the group naming the rule and the peer', () => {
    const { stack, vpc } = newApp();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    const sg = new ec2.SecurityGroup(stack, 'AppSg', { vpc });
    sg.addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(8080));
    Annotations.fromStack(stack).hasWarning('/Test/AppSg/Resource', Match.stringLikeRegexp('10.0.0.0/8.*10.200.0.0/16.*securityGroupOpenToAnywhere'));
  });

  test('a SecurityGroupIngress resource in another stack of the app is seen too', () => {
    const app = new App();
    const network = new Stack(app, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    const sg = new ec2.SecurityGroup(network, 'AppSg', { vpc, disableInlineRules: true });
    const apps = new Stack(app, 'Apps');
    new ec2.CfnSecurityGroupIngress(apps, 'OpenToAll', { groupId: sg.securityGroupId, ipProtocol: 'tcp', fromPort: 2000, toPort: 3000, cidrIp: '0.0.0.0/0' });
    new VpcPeeringExternal(apps, 'Saas', { vpc, ...BASE });
    expect(synthErrors(apps)).toEqual([]);
    Annotations.fromStack(apps).hasWarning('/Apps/OpenToAll', Match.stringLikeRegexp('0.0.0.0/0.*10.200.0.0/16.*securityGroupOpenToAnywhere'));
  });

  test('no overlap, or a port the NACLs keep closed to the peer: no warning', () => {
    const { stack, vpc } = newApp();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    const sg = new ec2.SecurityGroup(stack, 'AppSg', { vpc });
    sg.addIngressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(8080));
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp(PeeringWarnings.SECURITY_GROUP_OPEN_TO_ANYWHERE));
  });

  test('securityGroupCheck ERROR fails synth naming the rule; OFF says nothing', () => {
    for (const check of [SecurityGroupCheck.ERROR, SecurityGroupCheck.OFF]) {
      const { stack, vpc } = newApp();
      new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, securityGroupCheck: check });
      new ec2.SecurityGroup(stack, 'AppSg', { vpc }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(8080));
      const errors = synthErrors(stack);
      if (check === SecurityGroupCheck.ERROR) {
        expect(errors).toEqual([expect.stringMatching(/^\[Test\/Saas\] .*Test\/AppSg.*0.0.0.0\/0.*10.200.0.0\/16.*securityGroupCheck is ERROR/)]);
      } else {
        expect(errors).toEqual([]);
        Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp(PeeringWarnings.SECURITY_GROUP_OPEN_TO_ANYWHERE));
      }
    }
  });

  test('an imported security group cannot be seen and is skipped', () => {
    const { stack, vpc } = newApp();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    const imported = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Imported', 'sg-0123456789abcdef0', { mutable: true });
    imported.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(8080));
    // The rule on an imported group is a SecurityGroupIngress of the app, but the group's VPC is unknown.
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp(PeeringWarnings.SECURITY_GROUP_OPEN_TO_ANYWHERE));
  });
});

describe('every tier can be denied without listing NACLs', () => {
  const tiers = () => {
    const app = new App();
    const stack = new Stack(app, 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    // Three NACLs: App and Data have their own, Public stays on the default NACL. Each lets everything else through at 100.
    for (const name of ['App', 'Data']) {
      const acl = new ec2.NetworkAcl(stack, `${name}Acl`, { vpc, subnetSelection: { subnetGroupName: name } });
      for (const direction of [ec2.TrafficDirection.INGRESS, ec2.TrafficDirection.EGRESS]) {
        acl.addEntry(`All${direction}`, { ruleNumber: 100, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction });
      }
    }
    return { stack, vpc };
  };

  test.each([[false], [true]])('denyOtherNetworkAcls %s, evaluated in each of the three NACLs', (denyOthers) => {
    const { stack, vpc } = tiers();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, subnets: { subnetGroupName: 'App' }, denyOtherNetworkAcls: denyOthers });
    expect(synthErrors(stack)).toEqual([]);
    const template = Template.fromStack(stack).toJSON();
    const entries = naclEntriesFromTemplate(template);
    const inAcl = (id: unknown) => entries.filter(e => e.aclKey === JSON.stringify(id));
    const appAcl = inAcl({ Ref: 'AppAcl6CB102E3' });
    const dataAcl = inAcl({ Ref: 'DataAcl3153E067' });
    const publicAcl = inAcl({ 'Fn::GetAtt': ['Vpc8378EB38', 'DefaultNetworkAcl'] });
    const peerIn = { direction: 'ingress' as const, protocol: 6, port: 22, remote: '10.200.1.1' };
    // The App and Data NACLs hold their own allow-all at 100 (in the template); the default NACL its built-in one.
    expect(appAcl.some(e => e.ruleNumber === 100)).toBe(true);
    expect(evaluate(appAcl, peerIn).decision).toBe('deny');
    expect(evaluate(dataAcl, peerIn).decision).toBe(denyOthers ? 'deny' : 'allow');
    expect(evaluate(publicAcl, peerIn, { defaultNaclRules: true }).decision).toBe(denyOthers ? 'deny' : 'allow');
    // Other traffic in the other tiers is untouched.
    expect(evaluate(dataAcl, { ...peerIn, remote: '10.0.5.5' }).decision).toBe('allow');
  });

  test('routes going into a route table that also serves subnets outside the selection: a warning naming them', () => {
    const app = new App();
    const stack = new Stack(app, 'Test');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1',
      vpcCidrBlock: '10.1.0.0/16',
      availabilityZones: ['a', 'b'],
      privateSubnetIds: ['subnet-app1', 'subnet-app2'],
      privateSubnetRouteTableIds: ['rtb-main', 'rtb-main'],
      isolatedSubnetIds: ['subnet-data1', 'subnet-data2'],
      isolatedSubnetRouteTableIds: ['rtb-main', 'rtb-data'],
    });
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, networkAcls: [ec2.NetworkAcl.fromNetworkAclId(stack, 'Acl', 'acl-1')] });
    Annotations.fromStack(stack).hasWarning('/Test/Saas', Match.stringLikeRegexp(
      "^The routes to the external VPC go into route tables that also serve subnet 'subnet-data1' \\(Test/Vpc/IsolatedSubnet1\\), which is not selected.*routeTableSharedWithOtherSubnets"));
  });
});
