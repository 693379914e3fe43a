/**
 * `createNetworkAcl`: a NACL of the construct's own for the selected subnets, the peering rules and then an allow-all,
 * so the rest of the VPC is untouched.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BASE } from './fixtures';
import { VpcPeeringExternal } from '../src';
import { evaluate, naclEntriesFromTemplate, Packet } from './support/nacl-evaluator';
import { synthErrors } from './support/synth-errors';

function setup(vpcProps: Partial<ec2.VpcProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1, ...vpcProps });
  return { stack, vpc };
}

describe('createNetworkAcl', () => {
  test('the selected subnets get a NACL of their own with the peering rules, then an allow-all; the default NACL gets nothing', () => {
    const { stack, vpc } = setup();
    const peering = new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, createNetworkAcl: true });
    expect(synthErrors(stack)).toEqual([]);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NetworkAcl', 1);
    template.resourceCountIs('AWS::EC2::SubnetNetworkAclAssociation', 2);
    const aclRef = stack.resolve(peering.networkAcl!.networkAclId);
    for (const subnet of vpc.privateSubnets) {
      template.hasResourceProperties('AWS::EC2::SubnetNetworkAclAssociation', { SubnetId: stack.resolve(subnet.subnetId), NetworkAclId: aclRef });
    }
    const entries = naclEntriesFromTemplate(template.toJSON());
    expect(entries.every(e => e.aclKey === JSON.stringify(aclRef))).toBe(true);
    const verdict = (p: Packet) => evaluate(entries, p).decision;
    // Peer traffic per policy.
    expect(verdict({ direction: 'egress', protocol: 6, port: 443, remote: '10.200.1.1' })).toBe('allow');
    expect(verdict({ direction: 'egress', protocol: 6, port: 22, remote: '10.200.1.1' })).toBe('deny');
    expect(verdict({ direction: 'ingress', protocol: 6, port: 22, remote: '10.200.1.1' })).toBe('deny');
    // Everything else unchanged, as on the default NACL.
    expect(verdict({ direction: 'egress', protocol: 6, port: 22, remote: '52.1.2.3' })).toBe('allow');
    expect(verdict({ direction: 'ingress', protocol: 17, port: 53, remote: '10.0.3.3' })).toBe('allow');
    expect(entries.filter(e => e.ruleNumber === 100).map(e => [e.egress, e.cidrBlock, e.protocol])).toEqual([[false, '0.0.0.0/0', -1], [true, '0.0.0.0/0', -1]]);
    expect(peering.networkAclIds).toEqual([peering.networkAcl!.networkAclId]);
  });

  test('with IPv6, an IPv6 allow-all at 101 follows too, and the scanners are told why the allow-alls exist', () => {
    const { stack, vpc } = setup({ ipProtocol: ec2.IpProtocol.DUAL_STACK });
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, createNetworkAcl: true });
    const template = Template.fromStack(stack).toJSON();
    const allowAlls = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::EC2::NetworkAclEntry' && r.Properties.RuleNumber >= 100);
    expect(allowAlls.map(r => [r.Properties.RuleNumber, r.Properties.CidrBlock ?? r.Properties.Ipv6CidrBlock]).sort())
      .toEqual([[100, '0.0.0.0/0'], [100, '0.0.0.0/0'], [101, '::/0'], [101, '::/0']]);
    expect(allowAlls.every(r => r.Metadata.guard.SuppressedRules[0] === 'EC2_NETWORK_ACL_PROTOCOL_RULE')).toBe(true);
    expect(allowAlls[0].Metadata.cfn_nag.rules_to_suppress[0].reason).toMatch(/createNetworkAcl/);
  });

  test('the quota counts the allow-all', () => {
    const { stack, vpc } = setup();
    // 18 allows + 1 deny + the allow-all at 100 + the implicit deny = 21.
    new VpcPeeringExternal(stack, 'Saas', {
      vpc, ...BASE, createNetworkAcl: true, allowOutbound: Array.from({ length: 18 }, (_, i) => ec2.AclTraffic.tcpPort(1000 + 2 * i)),
    });
    expect(synthErrors(stack)).toEqual([expect.stringContaining('would hold 21 IPv4 egress rules (19 from Test/Saas, 1 already there, and the implicit deny rule)')]);
  });

  test('a band reaching 100 collides with the allow-all: one error', () => {
    const { stack, vpc } = setup();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, createNetworkAcl: true, firstRuleNumber: 90, lastRuleNumber: 110 });
    expect(synthErrors(stack)).toEqual([expect.stringMatching(/^\[Test\/Saas\] lastRuleNumber 110 puts rules at or above 100 in the Network ACL made by createNetworkAcl, /)]);
  });

  test('not with networkAcls', () => {
    const { stack, vpc } = setup();
    expect(() => new VpcPeeringExternal(stack, 'Saas', {
      vpc, ...BASE, createNetworkAcl: true, networkAcls: [ec2.NetworkAcl.fromNetworkAclId(stack, 'Acl', 'acl-1')],
    })).toThrow('createNetworkAcl and networkAcls are both given');
  });
});
