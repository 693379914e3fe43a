/**
 * The security-group check: which CIDR-sourced ingress rules let the external VPC in on ports the Network ACLs leave
 * open to it (pure), and how the rules of the app's security groups are read (inline, `SecurityGroupIngress`
 * resources, across stacks, imported groups, tokens).
 */
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SecurityGroupCheck } from '../src';
import {
  checkSecurityGroupRules, describeRule, PeerBlock, protocolNumber, SecurityGroupRuleInput, securityGroupRulesOf, vpcKeyOf,
} from '../src/private/checks/security-group-rules';
import { AddressFamily } from '../src/private/core/cidr';
import { Protocol, Traffic } from '../src/private/core/traffic';

const { TCP, UDP, ICMP, ICMPV6, ALL } = Protocol;
const tcp = (from: number, to = from): Traffic => ({ protocol: TCP, portRange: { from, to }, reasons: [] });
const udp = (from: number, to = from): Traffic => ({ protocol: UDP, portRange: { from, to }, reasons: [] });

const PEER_V4: PeerBlock = { cidr: '10.200.0.0/16', family: 'ipv4' };
const PEER_V6: PeerBlock = { cidr: '2600:1f18:abcd::/56', family: 'ipv6' };

/** What the default plan lets in from the peer: replies on 1024-65535 (tcp), path MTU discovery. */
const REPLIES_IN: Record<AddressFamily, Traffic[]> = {
  ipv4: [tcp(1024, 65535), { protocol: ICMP, icmp: { type: 3, code: 4 }, reasons: [] }],
  ipv6: [tcp(1024, 65535), { protocol: ICMPV6, icmp: { type: 2, code: 0 }, reasons: [] }],
};

function rule(overrides: Partial<SecurityGroupRuleInput>): SecurityGroupRuleInput {
  return { group: 'App/Db/SecurityGroup/Resource', rulePath: 'App/Db/SecurityGroup/Resource', protocol: 'tcp', fromPort: 5432, toPort: 5432, ...overrides };
}

function check(r: Partial<SecurityGroupRuleInput>, peers = [PEER_V4], naclIngress = REPLIES_IN) {
  return checkSecurityGroupRules([rule(r)], peers, family => naclIngress[family]);
}

describe('checkSecurityGroupRules: which CIDR blocks admit the peer', () => {
  test.each<[string, string, 'contains' | 'within' | 'equal' | 'none']>([
    ['anywhere', '0.0.0.0/0', 'contains'],
    ['a private /8 that contains the peer', '10.0.0.0/8', 'contains'],
    ['the peer\'s own block', '10.200.0.0/16', 'equal'],
    ['a block inside the peer', '10.200.5.0/24', 'within'],
    ['a neighbouring block', '10.201.0.0/16', 'none'],
    ['another private range', '192.168.0.0/16', 'none'],
    ['your own VPC', '10.0.0.0/16', 'none'],
  ])('%s (%s)', (_, cidrIpv4, relation) => {
    const found = check({ cidrIpv4 });
    expect(found.map(f => f.relation)).toEqual(relation === 'none' ? [] : [relation]);
  });

  test('the finding names the group, the rule and the peer\'s block', () => {
    const [f] = check({ cidrIpv4: '10.0.0.0/8', ruleDescription: 'database clients' });
    expect(f).toMatchObject({ ruleCidr: '10.0.0.0/8', peerCidr: '10.200.0.0/16', family: 'ipv4', reachable: [tcp(5432)] });
    expect(f.message).toBe(
      'Security group App/Db/SecurityGroup/Resource allows tcp 5432 from 10.0.0.0/8 "database clients", which contains ' +
      'the external VPC\'s block 10.200.0.0/16, and the Network ACLs let the external VPC in on tcp 5432: the third ' +
      'party can reach those ports. Allow only the security groups or CIDR blocks you trust, or acknowledge the ' +
      'warning if the external VPC is meant to reach them',
    );
  });

  test('a rule written as a SecurityGroupIngress resource names that resource too', () => {
    const [f] = check({ cidrIpv4: '0.0.0.0/0', rulePath: 'App/Db/SecurityGroup/from 0.0.0.0_0:5432' });
    expect(f.message).toMatch(/^Security group App\/Db\/SecurityGroup\/Resource \(rule App\/Db\/SecurityGroup\/from 0\.0\.0\.0_0:5432\) allows tcp 5432 from 0\.0\.0\.0\/0, which contains/);
  });

  test('one finding per external block the rule admits', () => {
    const found = check({ cidrIpv4: '10.0.0.0/8' }, [PEER_V4, { cidr: '10.201.0.0/16', family: 'ipv4' }, { cidr: '172.16.0.0/16', family: 'ipv4' }]);
    expect(found.map(f => f.peerCidr)).toEqual(['10.200.0.0/16', '10.201.0.0/16']);
  });
});

describe('checkSecurityGroupRules: each address family against its own blocks and entries', () => {
  test('::/0 is not compared with IPv4 blocks', () => {
    expect(check({ cidrIpv6: '::/0' }, [PEER_V4])).toEqual([]);
  });

  test('::/0 admits an IPv6 peer, on the IPv6 entries', () => {
    const found = check({ cidrIpv6: '::/0', protocol: '-1' }, [PEER_V4, PEER_V6]);
    expect(found.map(f => [f.family, f.peerCidr, f.reachable])).toEqual([['ipv6', '2600:1f18:abcd::/56', REPLIES_IN.ipv6]]);
  });

  test('0.0.0.0/0 is not compared with IPv6 blocks', () => {
    expect(check({ cidrIpv4: '0.0.0.0/0' }, [PEER_V6])).toEqual([]);
  });

  test('a rule with both families is checked for each', () => {
    const found = check({ cidrIpv4: '0.0.0.0/0', cidrIpv6: '::/0' }, [PEER_V4, PEER_V6]);
    expect(found.map(f => f.family)).toEqual(['ipv4', 'ipv6']);
  });
});

describe('checkSecurityGroupRules: ports intersected with what the NACLs let in', () => {
  test.each<[string, Partial<SecurityGroupRuleInput>, Traffic[], string[]]>([
    ['a port the NACLs let in', { protocol: 'tcp', fromPort: 5432, toPort: 5432 }, REPLIES_IN.ipv4, ['tcp 5432']],
    ['a port below the reply range: the NACLs stop it', { protocol: 'tcp', fromPort: 22, toPort: 22 }, REPLIES_IN.ipv4, []],
    ['a range across the reply range\'s low end', { protocol: 'tcp', fromPort: 0, toPort: 2000 }, REPLIES_IN.ipv4, ['tcp 1024-2000']],
    ['udp while the NACLs let only tcp in', { protocol: 'udp', fromPort: 53, toPort: 53 }, [tcp(1024, 65535)], []],
    ['udp as a number', { protocol: '17', fromPort: 5000, toPort: 5000 }, [udp(1024, 65535)], ['udp 5000']],
    ['all traffic: what the NACLs let in', { protocol: '-1', fromPort: undefined, toPort: undefined }, REPLIES_IN.ipv4, ['tcp 1024-65535', 'icmp type 3 code 4']],
    ['"all" as written by hand', { protocol: 'all' }, [tcp(8443)], ['tcp 8443']],
    ['tcp with port -1 means every port', { protocol: 'tcp', fromPort: -1, toPort: -1 }, [tcp(8443)], ['tcp 8443']],
    ['tcp as the number 6', { protocol: 6, fromPort: 0, toPort: 65535 }, [tcp(8443)], ['tcp 8443']],
    ['icmp echo request while only path MTU messages come in', { protocol: 'icmp', fromPort: 8, toPort: -1 }, REPLIES_IN.ipv4, []],
    ['all of icmp while path MTU messages come in', { protocol: 'icmp', fromPort: -1, toPort: -1 }, REPLIES_IN.ipv4, ['icmp type 3 code 4']],
    ['icmp echo while the NACLs let all of icmp in', { protocol: '1', fromPort: 8, toPort: -1 }, [{ protocol: ICMP, icmp: { type: -1, code: -1 }, reasons: [] }], ['icmp type 8']],
    ['another protocol (ESP) while the NACLs allow everything', { protocol: '50' }, [{ protocol: ALL, reasons: [] }], ['protocol 50']],
    ['another protocol while the NACLs allow only tcp', { protocol: 50 }, [tcp(1024, 65535)], []],
  ])('%s', (_, r, naclIn, expected) => {
    const found = check({ cidrIpv4: '0.0.0.0/0', ...r }, [PEER_V4], { ipv4: naclIn, ipv6: [] });
    expect(found.flatMap(f => f.message.match(/let the external VPC in on (.*): the third party/)![1].split(', '))).toEqual(expected);
  });

  test('unresolved NACL ports are reported as the NACL has them', () => {
    const unresolved: Traffic = { protocol: TCP, portRange: { from: 1024, to: 65535 }, reasons: [], unresolved: true };
    expect(check({ cidrIpv4: '0.0.0.0/0' }, [PEER_V4], { ipv4: [unresolved], ipv6: [] }).map(f => f.reachable)).toEqual([[unresolved]]);
  });
});

describe('protocols named as people write them', () => {
  test.each<[string | number, number | undefined]>([
    ['tcp', TCP], ['TCP', TCP], ['6', TCP], [6, TCP], ['udp', UDP], ['17', UDP], ['icmp', ICMP], ['1', ICMP],
    ['icmpv6', ICMPV6], ['58', ICMPV6], ['-1', ALL], [-1, ALL], ['all', ALL], ['50', 50], ['gre', undefined], ['300', undefined],
  ])('%s is protocol %s', (written, number) => {
    expect(protocolNumber(written)).toBe(number);
  });

  test.each<[Partial<SecurityGroupRuleInput>, string]>([
    [{ protocol: '-1', fromPort: 0, toPort: 65535 }, 'all traffic'],
    [{ protocol: '-1' }, 'all traffic'],
    [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }, 'tcp 5432'],
    [{ protocol: '6', fromPort: 0, toPort: 65535 }, 'tcp 0-65535'],
    [{ protocol: 'udp', fromPort: undefined, toPort: undefined }, 'udp 0-65535'],
    [{ protocol: 'icmp', fromPort: -1, toPort: -1 }, 'icmp all types'],
    [{ protocol: 'icmp', fromPort: 3, toPort: 4 }, 'icmp type 3 code 4'],
    [{ protocol: 'icmpv6', fromPort: 128, toPort: -1 }, 'icmpv6 type 128'],
    [{ protocol: '50' }, 'protocol 50'],
    [{ protocol: 'gre' }, 'protocol gre'],
  ])('%j is "%s"', (r, text) => {
    expect(describeRule(rule(r))).toBe(text);
  });
});

describe('securityGroupRulesOf: reading the app', () => {
  function vpcStack(app = new App(), id = 'Network') {
    const stack = new Stack(app, id);
    const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 1, natGateways: 0 });
    return { app, stack, vpc };
  }
  const rulesIn = (app: App) => app.node.findAll().flatMap(c => securityGroupRulesOf(c));

  test('inline rules of a SecurityGroup', () => {
    const { app, stack, vpc } = vpcStack();
    const sg = new ec2.SecurityGroup(stack, 'Db', { vpc });
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(5432), 'anyone');
    sg.addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.allTraffic());
    sg.addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcpRange(8000, 8100));
    const rules = rulesIn(app);
    expect(rules).toEqual([
      expect.objectContaining({ group: 'Network/Db/Resource', rulePath: 'Network/Db/Resource', ruleDescription: 'anyone', protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIpv4: '0.0.0.0/0' }),
      expect.objectContaining({ group: 'Network/Db/Resource', protocol: '-1', cidrIpv4: '10.0.0.0/8' }),
      expect.objectContaining({ group: 'Network/Db/Resource', protocol: 'tcp', fromPort: 8000, toPort: 8100, cidrIpv6: '::/0' }),
    ]);
    expect(rules.every(r => JSON.stringify(r.vpcId) === JSON.stringify(stack.resolve(vpc.vpcId)))).toBe(true);
    expect(describeRule(rules[1])).toBe('all traffic');
  });

  test('disableInlineRules: the rules are SecurityGroupIngress resources, named after their group', () => {
    const { app, stack, vpc } = vpcStack();
    const sg = new ec2.SecurityGroup(stack, 'Db', { vpc, disableInlineRules: true });
    sg.addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(5432));
    const rules = rulesIn(app);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ group: 'Network/Db/Resource', protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIpv4: '10.0.0.0/8' });
    expect(rules[0].rulePath).not.toBe(rules[0].group);
    expect(rules[0].rulePath.startsWith('Network/Db/')).toBe(true);
    expect(rules[0].vpcId).toEqual(stack.resolve(vpc.vpcId));
  });

  test('a SecurityGroupIngress in another stack finds its group, and that group\'s VPC', () => {
    const { app, stack, vpc } = vpcStack();
    const sg = new ec2.SecurityGroup(stack, 'Db', { vpc });
    const other = new Stack(app, 'Clients');
    new ec2.CfnSecurityGroupIngress(other, 'DbFromCorp', {
      groupId: sg.securityGroupId, ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIp: '10.0.0.0/8',
    });
    const [r] = rulesIn(app);
    expect(r).toMatchObject({ group: 'Network/Db/Resource', rulePath: 'Clients/DbFromCorp', cidrIpv4: '10.0.0.0/8' });
    expect(r.vpcId).toEqual(stack.resolve(vpc.vpcId));
    // and the same after the app is prepared (cross-stack references become imports)
    app.synth();
    expect(rulesIn(app)).toEqual([r]);
  });

  test('an inline rule naming a security group of another stack is skipped, the others of the group are read', () => {
    const { app, stack, vpc } = vpcStack();
    const clients = new ec2.SecurityGroup(stack, 'Clients', { vpc });
    const other = new Stack(app, 'Data');
    new ec2.CfnSecurityGroup(other, 'Raw', {
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      groupDescription: 'raw',
      securityGroupIngress: [
        { ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, sourceSecurityGroupId: clients.securityGroupId },
        { ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, cidrIp: '10.0.0.0/8' },
      ],
    });
    expect(rulesIn(app)).toEqual([expect.objectContaining({ group: 'Data/Raw', cidrIpv4: '10.0.0.0/8', vpcId: 'vpc-0a1b2c3d4e5f60718' })]);
  });

  test('vpcKey tells the peered VPC\'s groups from other VPCs\' groups, in any stack', () => {
    const { app, stack, vpc } = vpcStack();
    const otherVpc = new ec2.Vpc(stack, 'OtherVpc', { ipAddresses: ec2.IpAddresses.cidr('10.9.0.0/16'), maxAzs: 1, natGateways: 0 });
    const apps = new Stack(app, 'Apps');
    new ec2.SecurityGroup(apps, 'InPeeredVpc', { vpc }).addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(5432));
    new ec2.SecurityGroup(stack, 'InOtherVpc', { vpc: otherVpc }).addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(5432));
    const imported = ec2.Vpc.fromVpcAttributes(apps, 'Imported', { vpcId: 'vpc-0a1b2c3d4e5f60718', availabilityZones: ['us-east-1a'] });
    new ec2.SecurityGroup(apps, 'InImportedVpc', { vpc: imported }).addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(5432));
    const peeringScope = new Stack(app, 'Peering');
    const ofVpc = (key: string | undefined) => rulesIn(app).filter(r => r.vpcKey === key).map(r => r.group);
    expect(ofVpc(vpcKeyOf(peeringScope, vpc.vpcId))).toEqual(['Apps/InPeeredVpc/Resource']);
    expect(ofVpc(vpcKeyOf(peeringScope, imported.vpcId))).toEqual(['Apps/InImportedVpc/Resource']);
    expect(vpcKeyOf(peeringScope, undefined)).toBeUndefined();
  });

  test('a rule added to an imported group has no known VPC: the caller skips it', () => {
    const { app, stack } = vpcStack();
    const imported = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Imported', 'sg-0123456789abcdef0');
    imported.addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(5432));
    const [r] = rulesIn(app);
    expect(r).toMatchObject({ group: 'sg-0123456789abcdef0', cidrIpv4: '10.0.0.0/8', vpcId: undefined, vpcKey: undefined });
  });

  test('rules whose source is a security group or a prefix list, or whose CIDR or ports are tokens, are skipped', () => {
    const { app, stack, vpc } = vpcStack();
    const sg = new ec2.SecurityGroup(stack, 'Db', { vpc });
    const clients = new ec2.SecurityGroup(stack, 'Clients', { vpc });
    sg.addIngressRule(clients, ec2.Port.tcp(5432));
    sg.addIngressRule(ec2.Peer.prefixList('pl-0123456789abcdef0'), ec2.Port.tcp(5432));
    const cidr = new CfnParameter(stack, 'Cidr', { default: '10.0.0.0/8' });
    sg.addIngressRule(ec2.Peer.ipv4(cidr.valueAsString), ec2.Port.tcp(5432));
    const port = new CfnParameter(stack, 'Port', { type: 'Number', default: 5432 });
    new ec2.CfnSecurityGroupIngress(stack, 'TokenPort', {
      groupId: sg.securityGroupId, ipProtocol: 'tcp', fromPort: port.valueAsNumber, toPort: port.valueAsNumber, cidrIp: '0.0.0.0/0',
    });
    sg.addIngressRule(ec2.Peer.ipv4('192.168.0.0/16'), ec2.Port.tcp(22));
    expect(rulesIn(app).map(r => r.cidrIpv4)).toEqual(['192.168.0.0/16']);
  });

  test('a CfnSecurityGroup written by hand, with numbers as strings', () => {
    const { app, stack, vpc } = vpcStack();
    new ec2.CfnSecurityGroup(stack, 'Raw', {
      vpcId: vpc.vpcId,
      groupDescription: 'raw',
      securityGroupIngress: [{ ipProtocol: '6', fromPort: '5432' as unknown as number, toPort: 5432, cidrIp: '10.0.0.0/8' }],
    });
    expect(rulesIn(app)).toEqual([expect.objectContaining({ group: 'Network/Raw', protocol: '6', fromPort: 5432, toPort: 5432 })]);
  });

  test('read rules feed the check: 10.0.0.0/8 and 0.0.0.0/0 admit a 10.200.0.0/16 peer, 192.168.0.0/16 does not', () => {
    const { app, stack, vpc } = vpcStack();
    const sg = new ec2.SecurityGroup(stack, 'Db', { vpc, disableInlineRules: true });
    sg.addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(5432));
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.allTraffic());
    sg.addIngressRule(ec2.Peer.ipv4('192.168.0.0/16'), ec2.Port.tcp(5432));
    const found = checkSecurityGroupRules(rulesIn(app), [PEER_V4], family => REPLIES_IN[family]);
    expect(found.map(f => [f.ruleCidr, describeRule(f.rule)])).toEqual([['10.0.0.0/8', 'tcp 5432'], ['0.0.0.0/0', 'all traffic']]);
  });
});

test('SecurityGroupCheck has warn, error and off', () => {
  expect(Object.values(SecurityGroupCheck)).toEqual(['WARN', 'ERROR', 'OFF']);
});
