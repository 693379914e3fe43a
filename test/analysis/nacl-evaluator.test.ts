import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { aclKeys, allowAllRules, evaluate, evaluateInAcl, naclEntriesFromTemplate, Packet } from '../../src/analysis/nacl-evaluator';
import { CfnTemplate } from '../../src/analysis/template';
import { recordTemplate } from '../support/record-template';

const DEFAULT_ACL = { 'Fn::GetAtt': ['Vpc8378EB38', 'DefaultNetworkAcl'] };
const DEFAULT_ACL_KEY = JSON.stringify(DEFAULT_ACL);

/** A NetworkAclEntry resource in the default NACL; `props` override or add properties. */
function entry(props: Record<string, unknown>) {
  return { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: DEFAULT_ACL, RuleAction: 'allow', ...props } };
}
function template(resources: Record<string, unknown>): CfnTemplate {
  return { Resources: resources } as CfnTemplate;
}
function decide(resources: Record<string, unknown>, packet: Packet, defaultNaclRules = false) {
  return evaluate(naclEntriesFromTemplate(template(resources)), packet, { defaultNaclRules });
}
const tcpIn = (port: number, remote = '10.1.2.3'): Packet => ({ direction: 'ingress', protocol: 6, port, remote });

describe('naclEntriesFromTemplate', () => {
  test('normalises numbers, booleans, actions and NACL ids, and ignores other resources', () => {
    const entries = naclEntriesFromTemplate(template({
      Vpc: { Type: 'AWS::EC2::VPC', Properties: {} },
      A: entry({ RuleNumber: '5', Protocol: '6', PortRange: { From: '443', To: 443 }, CidrBlock: '10.0.0.0/16', RuleAction: 'DENY' }),
      B: entry({ NetworkAclId: { Ref: 'MyAcl' }, Egress: 'true', RuleNumber: 7, Protocol: 58, Icmp: { Type: -1, Code: '-1' }, Ipv6CidrBlock: '2001:db8::/32' }),
      C: entry({ NetworkAclId: 'acl-123', Egress: false, RuleNumber: 9, Protocol: -1, CidrBlock: '0.0.0.0/0' }),
    }));
    expect(entries.map((e) => e.logicalId)).toEqual(['A', 'B', 'C']);
    const [a, b, c] = entries;
    expect(a).toEqual({ logicalId: 'A', aclKey: DEFAULT_ACL_KEY, egress: false, ruleNumber: 5, action: 'deny', protocol: 6, cidrBlock: '10.0.0.0/16', portRange: { from: 443, to: 443 } });
    expect(b).toEqual({ logicalId: 'B', aclKey: '{"Ref":"MyAcl"}', egress: true, ruleNumber: 7, action: 'allow', protocol: 58, ipv6CidrBlock: '2001:db8::/32', icmp: { type: -1, code: -1 } });
    expect([a.icmp, a.ipv6CidrBlock, b.portRange, b.cidrBlock]).toEqual([undefined, undefined, undefined, undefined]);
    expect(c).toMatchObject({ logicalId: 'C', aclKey: '"acl-123"', egress: false, ruleNumber: 9, protocol: -1 });
  });

  test.each([
    ['an invalid CIDR', { CidrBlock: '10.0.0.0/33' }, /E1: CidrBlock "10.0.0.0\/33" is not a valid IPv4 CIDR/],
    ['a CIDR without prefix', { CidrBlock: '10.0.0.1' }, /not a valid IPv4 CIDR/],
    ['an IPv6 CIDR in CidrBlock', { CidrBlock: '::/0' }, /not a valid IPv4 CIDR/],
    ['an invalid IPv6 CIDR', { Ipv6CidrBlock: '2001:zz::/32' }, /Ipv6CidrBlock "2001:zz::\/32" is not a valid IPv6 CIDR/],
    ['an intrinsic CIDR', { CidrBlock: { Ref: 'PeerCidr' } }, /not a literal string/],
    ['both CIDR kinds', { CidrBlock: '0.0.0.0/0', Ipv6CidrBlock: '::/0' }, /exactly one of CidrBlock and Ipv6CidrBlock/],
    ['no CIDR', {}, /exactly one of CidrBlock and Ipv6CidrBlock/],
    ['TCP without PortRange', { CidrBlock: '0.0.0.0/0', Protocol: 6 }, /PortRange is required for protocol 6/],
    ['ICMP without Icmp', { CidrBlock: '0.0.0.0/0', Protocol: 1 }, /Icmp is required for protocol 1/],
    ['rule number 32767', { CidrBlock: '0.0.0.0/0', RuleNumber: 32767 }, /RuleNumber 32767 is outside 1-32766/],
    ['a non-numeric rule number', { CidrBlock: '0.0.0.0/0', RuleNumber: 'x' }, /RuleNumber "x" is not an integer/],
    ['an unknown action', { CidrBlock: '0.0.0.0/0', RuleAction: 'drop' }, /RuleAction "drop"/],
  ])('throws a clear error for %s', (_name, props, message) => {
    expect(() => naclEntriesFromTemplate(template({ E1: entry({ RuleNumber: 10, Protocol: -1, ...props }) }))).toThrow(message);
  });
});

describe('evaluate', () => {
  test('the lowest matching rule number decides, whatever the template order', () => {
    const resources = {
      AllowAll: entry({ RuleNumber: 200, Protocol: -1, CidrBlock: '0.0.0.0/0' }),
      DenyPeer: entry({ RuleNumber: '50', Protocol: -1, CidrBlock: '10.1.0.0/16', RuleAction: 'deny' }),
      AllowHttps: entry({ RuleNumber: 40, Protocol: 6, PortRange: { From: 443, To: 443 }, CidrBlock: '10.1.0.0/16' }),
    };
    expect(decide(resources, tcpIn(443))).toEqual({ decision: 'allow', ruleNumber: 40, logicalId: 'AllowHttps' });
    expect(decide(resources, tcpIn(22))).toEqual({ decision: 'deny', ruleNumber: 50, logicalId: 'DenyPeer' });
    expect(decide(resources, tcpIn(22, '10.2.0.1'))).toEqual({ decision: 'allow', ruleNumber: 200, logicalId: 'AllowAll' });
  });

  test('implicit deny when nothing matches, and rules of the other direction never match', () => {
    const resources = { In: entry({ RuleNumber: 10, Protocol: -1, CidrBlock: '0.0.0.0/0' }) };
    expect(decide(resources, tcpIn(80))).toEqual({ decision: 'allow', ruleNumber: 10, logicalId: 'In' });
    expect(decide(resources, { ...tcpIn(80), direction: 'egress' })).toEqual({ decision: 'deny', ruleNumber: '*' });
    expect(evaluate([], tcpIn(80))).toEqual({ decision: 'deny', ruleNumber: '*' });
  });

  test('the default NACL allows everything at 100 (IPv4) and 101 (IPv6): only deny rules below 100 take effect', () => {
    const resources = {
      Deny90: entry({ RuleNumber: 90, Protocol: 6, PortRange: { From: 22, To: 22 }, CidrBlock: '10.1.0.0/16', RuleAction: 'deny' }),
      Deny110: entry({ RuleNumber: 110, Protocol: -1, CidrBlock: '10.1.0.0/16', RuleAction: 'deny' }),
    };
    expect(decide(resources, tcpIn(22), true)).toEqual({ decision: 'deny', ruleNumber: 90, logicalId: 'Deny90' });
    expect(decide(resources, tcpIn(23), true)).toEqual({ decision: 'allow', ruleNumber: 100 });
    expect(decide(resources, { direction: 'egress', protocol: 17, port: 53, remote: '10.1.0.2' }, true)).toEqual({ decision: 'allow', ruleNumber: 100 });
    expect(decide(resources, tcpIn(22, '2001:db8::1'), true)).toEqual({ decision: 'allow', ruleNumber: 101 });
    expect(decide(resources, tcpIn(23), false)).toEqual({ decision: 'deny', ruleNumber: 110, logicalId: 'Deny110' });
  });

  test('a template rule reusing a default NACL rule number is a deploy failure, and evaluate says so', () => {
    const resources = { R100: entry({ RuleNumber: 100, Protocol: -1, CidrBlock: '10.1.0.0/16', RuleAction: 'deny' }) };
    expect(() => decide(resources, tcpIn(22), true)).toThrow(/ingress rule number 100 is used twice.*NetworkAclEntryAlreadyExists/);
    // The other direction has no clash.
    expect(decide(resources, { ...tcpIn(22), direction: 'egress' }, true)).toEqual({ decision: 'allow', ruleNumber: 100 });
  });

  test('extra entries model a hand-made NACL that allows everything at 100', () => {
    const entries = naclEntriesFromTemplate(template({ Deny: entry({ RuleNumber: 99, Protocol: -1, CidrBlock: '10.1.0.0/16', RuleAction: 'deny' }) }));
    const extraEntries = allowAllRules(100);
    expect(evaluate(entries, tcpIn(22), { extraEntries })).toEqual({ decision: 'deny', ruleNumber: 99, logicalId: 'Deny' });
    expect(evaluate(entries, tcpIn(22, '10.2.0.1'), { extraEntries })).toEqual({ decision: 'allow', ruleNumber: 100 });
    // No IPv6 rule given: IPv6 falls through to the implicit deny.
    expect(evaluate(entries, tcpIn(22, '2001:db8::1'), { extraEntries })).toEqual({ decision: 'deny', ruleNumber: '*' });
  });

  test('CidrBlock rules only see IPv4 packets, Ipv6CidrBlock rules only IPv6 packets', () => {
    const resources = {
      DenyAllV4: entry({ RuleNumber: 10, Protocol: -1, CidrBlock: '0.0.0.0/0', RuleAction: 'deny' }),
      AllowPeerV6: entry({ RuleNumber: 20, Protocol: -1, Ipv6CidrBlock: '2001:db8:1::/48' }),
      AllowAllV4: entry({ RuleNumber: 30, Protocol: -1, CidrBlock: '0.0.0.0/0' }),
    };
    expect(decide(resources, tcpIn(443, '10.1.2.3'))).toEqual({ decision: 'deny', ruleNumber: 10, logicalId: 'DenyAllV4' });
    expect(decide(resources, tcpIn(443, '2001:db8:1::5'))).toEqual({ decision: 'allow', ruleNumber: 20, logicalId: 'AllowPeerV6' });
    expect(decide(resources, tcpIn(443, '2001:db8:2::5'))).toEqual({ decision: 'deny', ruleNumber: '*' });
    // An IPv4-mapped IPv6 address is IPv6 traffic.
    expect(decide(resources, tcpIn(443, '::ffff:10.1.2.3'))).toEqual({ decision: 'deny', ruleNumber: '*' });
  });

  test.each([
    [1023, 'deny', '*'],
    [1024, 'allow', 10],
    [2000, 'allow', 10],
    [65535, 'allow', 10],
  ])('TCP port ranges are inclusive: port %d → %s (%s)', (port, decision, ruleNumber) => {
    const resources = { Ephemeral: entry({ RuleNumber: 10, Protocol: 6, PortRange: { From: 1024, To: 65535 }, CidrBlock: '10.1.0.0/16' }) };
    expect(decide(resources, tcpIn(port))).toMatchObject({ decision, ruleNumber });
  });

  test('TCP and UDP rules match their own protocol only', () => {
    const resources = {
      Udp: entry({ RuleNumber: 10, Protocol: 17, PortRange: { From: 53, To: 53 }, CidrBlock: '0.0.0.0/0' }),
      Tcp: entry({ RuleNumber: 20, Protocol: 6, PortRange: { From: 443, To: 443 }, CidrBlock: '0.0.0.0/0' }),
    };
    expect(decide(resources, tcpIn(53))).toEqual({ decision: 'deny', ruleNumber: '*' });
    expect(decide(resources, { direction: 'ingress', protocol: 17, port: 53, remote: '10.0.0.1' })).toMatchObject({ ruleNumber: 10 });
    expect(decide(resources, { direction: 'ingress', protocol: 17, port: 443, remote: '10.0.0.1' })).toMatchObject({ ruleNumber: '*' });
  });

  test('ICMP type and code match exactly or through the -1 wildcards', () => {
    const resources = {
      FragNeeded: entry({ RuleNumber: 10, Protocol: 1, Icmp: { Type: 3, Code: 4 }, CidrBlock: '0.0.0.0/0' }),
      AnyUnreachable: entry({ RuleNumber: 20, Protocol: 1, Icmp: { Type: 3, Code: -1 }, CidrBlock: '0.0.0.0/0', RuleAction: 'deny' }),
      AnyIcmp: entry({ RuleNumber: 30, Protocol: '1', Icmp: { Type: -1, Code: -1 }, CidrBlock: '10.1.0.0/16' }),
    };
    const icmp = (icmpType: number, icmpCode: number, remote = '10.1.0.9'): Packet => ({ direction: 'ingress', protocol: 1, icmpType, icmpCode, remote });
    expect(decide(resources, icmp(3, 4))).toMatchObject({ decision: 'allow', ruleNumber: 10 });
    expect(decide(resources, icmp(3, 1))).toMatchObject({ decision: 'deny', ruleNumber: 20 });
    expect(decide(resources, icmp(8, 0))).toMatchObject({ decision: 'allow', ruleNumber: 30 });
    expect(decide(resources, icmp(8, 0, '10.2.0.9'))).toMatchObject({ decision: 'deny', ruleNumber: '*' });
    expect(decide(resources, tcpIn(443))).toMatchObject({ ruleNumber: '*' });
  });

  test('ICMPv6 matches type/code on IPv6 rules, and on protocol alone on IPv4 rules', () => {
    const resources = {
      V6PacketTooBig: entry({ RuleNumber: 10, Protocol: 58, Icmp: { Type: 2, Code: 0 }, Ipv6CidrBlock: '::/0' }),
      V4Icmpv6: entry({ RuleNumber: 20, Protocol: 58, CidrBlock: '0.0.0.0/0' }),
      V4Icmp: entry({ RuleNumber: 30, Protocol: 1, Icmp: { Type: -1, Code: -1 }, CidrBlock: '0.0.0.0/0' }),
    };
    const v6 = { direction: 'ingress' as const, protocol: 58, remote: '2001:db8::1' };
    expect(decide(resources, { ...v6, icmpType: 2, icmpCode: 0 })).toMatchObject({ decision: 'allow', ruleNumber: 10 });
    expect(decide(resources, { ...v6, icmpType: 128, icmpCode: 0 })).toMatchObject({ decision: 'deny', ruleNumber: '*' });
    expect(decide(resources, { ...v6, remote: '10.0.0.1' })).toMatchObject({ decision: 'allow', ruleNumber: 20 });
  });

  test('protocol -1 matches every protocol and ignores ports; other protocols match on the number alone', () => {
    const resources = {
      Gre: entry({ RuleNumber: 10, Protocol: 47, CidrBlock: '0.0.0.0/0', RuleAction: 'deny' }),
      All: entry({ RuleNumber: 20, Protocol: -1, PortRange: { From: 80, To: 80 }, CidrBlock: '0.0.0.0/0' }),
    };
    expect(decide(resources, { direction: 'ingress', protocol: 47, remote: '10.0.0.1' })).toMatchObject({ decision: 'deny', ruleNumber: 10 });
    expect(decide(resources, tcpIn(5432))).toMatchObject({ decision: 'allow', ruleNumber: 20 });
    expect(decide(resources, { direction: 'ingress', protocol: 50, remote: '10.0.0.1' })).toMatchObject({ decision: 'allow', ruleNumber: 20 });
    expect(decide(resources, { direction: 'ingress', protocol: 1, icmpType: 0, icmpCode: 0, remote: '10.0.0.1' })).toMatchObject({ ruleNumber: 20 });
  });

  test.each([
    ['a TCP packet without port', { direction: 'ingress', protocol: 6, remote: '10.0.0.1' }, /need a port/],
    ['an ICMP packet without type', { direction: 'ingress', protocol: 1, remote: '10.0.0.1' }, /need icmpType and icmpCode/],
    ['a bad remote address', { direction: 'ingress', protocol: -1, remote: '10.0.0' }, /remote is not an IPv4 or IPv6 address/],
    ['a CIDR as remote', { direction: 'ingress', protocol: 6, port: 1, remote: '10.0.0.0/8' }, /remote is not an IPv4 or IPv6 address/],
    ['a bad direction', { direction: 'in', protocol: 6, port: 1, remote: '10.0.0.1' }, /direction must be ingress or egress/],
  ])('rejects %s', (_name, packet, message) => {
    expect(() => evaluate([], packet as Packet)).toThrow(message);
  });
});

describe('aclKeys and evaluateInAcl', () => {
  const twoAcls = template({
    DefaultDeny: entry({ RuleNumber: 10, Protocol: -1, CidrBlock: '10.1.0.0/16', RuleAction: 'deny' }),
    CustomAllow: entry({ NetworkAclId: { Ref: 'CustomAcl' }, RuleNumber: 10, Protocol: -1, CidrBlock: '10.1.0.0/16' }),
    LiteralAllow: entry({ NetworkAclId: 'acl-0abc', RuleNumber: 10, Protocol: -1, CidrBlock: '0.0.0.0/0' }),
  });

  test('aclKeys lists each NACL once', () => {
    expect(aclKeys(twoAcls)).toEqual(['"acl-0abc"', '{"Fn::GetAtt":["Vpc8378EB38","DefaultNetworkAcl"]}', '{"Ref":"CustomAcl"}']);
    expect(aclKeys(template({}))).toEqual([]);
  });

  test('selects one NACL by key, by NetworkAclId value, or by predicate', () => {
    expect(evaluateInAcl(twoAcls, DEFAULT_ACL_KEY, tcpIn(22))).toMatchObject({ decision: 'deny', logicalId: 'DefaultDeny' });
    expect(evaluateInAcl(twoAcls, DEFAULT_ACL, tcpIn(22))).toMatchObject({ decision: 'deny', logicalId: 'DefaultDeny' });
    expect(evaluateInAcl(twoAcls, { Ref: 'CustomAcl' }, tcpIn(22))).toMatchObject({ decision: 'allow', logicalId: 'CustomAllow' });
    expect(evaluateInAcl(twoAcls, 'acl-0abc', tcpIn(22))).toMatchObject({ decision: 'allow', logicalId: 'LiteralAllow' });
    expect(evaluateInAcl(twoAcls, (k) => k.includes('CustomAcl'), tcpIn(22, '10.9.0.1'))).toEqual({ decision: 'deny', ruleNumber: '*' });
  });

  test('refuses an unknown NACL and a mix of NACLs', () => {
    expect(() => evaluateInAcl(twoAcls, { Ref: 'Typo' }, tcpIn(22))).toThrow(/no NetworkAclEntry .* NACLs in the template: .*CustomAcl/);
    expect(() => evaluateInAcl(twoAcls, () => true, tcpIn(22))).toThrow(/entries of 3 NACLs/);
    expect(() => evaluate(naclEntriesFromTemplate(twoAcls), tcpIn(22))).toThrow(/evaluate one NACL at a time/);
  });

  test('reads what aws-cdk-lib synthesizes', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1', account: '111111111111' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const acl = ec2.NetworkAcl.fromNetworkAclId(stack, 'Default', vpc.vpcDefaultNetworkAcl);
    acl.addEntry('Https', { ruleNumber: 10, cidr: ec2.AclCidr.ipv4('10.1.0.0/16'), traffic: ec2.AclTraffic.tcpPort(443) });
    acl.addEntry('Deny', { ruleNumber: 20, cidr: ec2.AclCidr.ipv4('10.1.0.0/16'), traffic: ec2.AclTraffic.allTraffic(), ruleAction: ec2.Action.DENY });
    acl.addEntry('Out', { ruleNumber: 10, cidr: ec2.AclCidr.ipv6('2001:db8::/32'), traffic: ec2.AclTraffic.tcpPortRange(1024, 65535), direction: ec2.TrafficDirection.EGRESS });
    const synthesized = recordTemplate(Template.fromStack(stack).toJSON());

    expect(aclKeys(synthesized)).toEqual([DEFAULT_ACL_KEY]);
    const opts = { defaultNaclRules: true };
    expect(evaluateInAcl(synthesized, DEFAULT_ACL, tcpIn(443), opts)).toMatchObject({ decision: 'allow', ruleNumber: 10 });
    expect(evaluateInAcl(synthesized, DEFAULT_ACL, tcpIn(80), opts)).toMatchObject({ decision: 'deny', ruleNumber: 20 });
    expect(evaluateInAcl(synthesized, DEFAULT_ACL, tcpIn(80, '10.2.0.1'), opts)).toEqual({ decision: 'allow', ruleNumber: 100 });
    expect(evaluateInAcl(synthesized, DEFAULT_ACL, { direction: 'egress', protocol: 6, port: 50000, remote: '2001:db8::1' }, opts))
      .toMatchObject({ decision: 'allow', ruleNumber: 10 });
  });
});
