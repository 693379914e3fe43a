/**
 * The strongest test of the policy: the synthesized entries are evaluated the way AWS evaluates a NACL (lowest number
 * first, first match decides, implicit deny), together with the rules the NACL already holds (the default NACL's
 * allow-all at 100 and 101, or a hand-made allow-all at 100), and a table of packets must get the intended decision.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { synthImported, synthNewVpc } from './fixtures';
import { allowAllRules, evaluate, naclEntriesFromTemplate, Packet } from './support/nacl-evaluator';

const PEER = '10.200.7.9';
const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;

type Row = [string, Packet, 'allow' | 'deny'];

function decide(template: any, aclKey: string, packet: Packet, existing: 'default' | 'allow-all-100') {
  const entries = naclEntriesFromTemplate(template).filter(e => e.aclKey === aclKey);
  return existing === 'default'
    ? evaluate(entries, packet, { defaultNaclRules: true })
    : evaluate(entries, packet, { extraEntries: allowAllRules(100) });
}

describe('a new VPC: private subnets on the default NACL, tcp 443 and 9200 to the SaaS', () => {
  const { template } = synthNewVpc({ allowOutbound: [ec2.AclTraffic.tcpPort(443), ec2.AclTraffic.tcpPort(9200)] });
  const acl = JSON.stringify({ 'Fn::GetAtt': ['Vpc8378EB38', 'DefaultNetworkAcl'] });

  test.each<Row>([
    ['allowed port out', { direction: 'egress', protocol: TCP, port: 443, remote: PEER }, 'allow'],
    ['second allowed port out', { direction: 'egress', protocol: TCP, port: 9200, remote: '10.200.255.255' }, 'allow'],
    ['other tcp port out', { direction: 'egress', protocol: TCP, port: 22, remote: PEER }, 'deny'],
    ['port next to an allowed one out', { direction: 'egress', protocol: TCP, port: 9201, remote: PEER }, 'deny'],
    ['udp out', { direction: 'egress', protocol: UDP, port: 443, remote: PEER }, 'deny'],
    ['icmp echo out', { direction: 'egress', protocol: ICMP, icmpType: 8, icmpCode: 0, remote: PEER }, 'deny'],
    ['return traffic in, low end of the ephemeral range', { direction: 'ingress', protocol: TCP, port: 1024, remote: PEER }, 'allow'],
    ['return traffic in, Linux ephemeral port', { direction: 'ingress', protocol: TCP, port: 40000, remote: PEER }, 'allow'],
    ['return traffic in, top port', { direction: 'ingress', protocol: TCP, port: 65535, remote: PEER }, 'allow'],
    ['ssh in from the SaaS', { direction: 'ingress', protocol: TCP, port: 22, remote: PEER }, 'deny'],
    ['https in from the SaaS (a low port)', { direction: 'ingress', protocol: TCP, port: 443, remote: PEER }, 'deny'],
    ['port 1023 in', { direction: 'ingress', protocol: TCP, port: 1023, remote: PEER }, 'deny'],
    ['udp in from the SaaS', { direction: 'ingress', protocol: UDP, port: 40000, remote: PEER }, 'deny'],
    ['path MTU discovery in', { direction: 'ingress', protocol: ICMP, icmpType: 3, icmpCode: 4, remote: PEER }, 'allow'],
    ['other destination-unreachable in', { direction: 'ingress', protocol: ICMP, icmpType: 3, icmpCode: 1, remote: PEER }, 'deny'],
    ['ping in from the SaaS', { direction: 'ingress', protocol: ICMP, icmpType: 8, icmpCode: 0, remote: PEER }, 'deny'],
    ['internet out unchanged', { direction: 'egress', protocol: TCP, port: 22, remote: '8.8.8.8' }, 'allow'],
    ['internet in unchanged', { direction: 'ingress', protocol: UDP, port: 53, remote: '1.1.1.1' }, 'allow'],
    ['inside the VPC unchanged', { direction: 'ingress', protocol: TCP, port: 22, remote: '10.0.1.5' }, 'allow'],
    ['another peer unchanged', { direction: 'egress', protocol: UDP, port: 53, remote: '10.250.0.1' }, 'allow'],
    ['the address next to the external block unchanged', { direction: 'ingress', protocol: TCP, port: 22, remote: '10.201.0.0' }, 'allow'],
    ['IPv6 unchanged (no IPv6 blocks given)', { direction: 'ingress', protocol: TCP, port: 22, remote: '2600:1f18::1' }, 'allow'],
  ])('%s', (_, packet, decision) => {
    expect(decide(template, acl, packet, 'default').decision).toBe(decision);
  });
});

describe('an imported VPC with a hand-made NACL that allows everything at 100; two external blocks; a SaaS webhook in', () => {
  const { template } = synthImported({
    externalCidrBlocks: ['10.200.0.0/16', '10.201.0.0/16'],
    allowOutbound: [ec2.AclTraffic.tcpPort(5432)],
    allowInbound: [ec2.AclTraffic.tcpPort(443)],
    ephemeralPortRange: { from: 32768, to: 60999 },
  });
  const acl = '"acl-0ccccccccccccccc1"';

  test.each<Row>([
    ['database out to the first block', { direction: 'egress', protocol: TCP, port: 5432, remote: '10.200.0.1' }, 'allow'],
    ['database out to the secondary block', { direction: 'egress', protocol: TCP, port: 5432, remote: '10.201.9.9' }, 'allow'],
    ['other port out', { direction: 'egress', protocol: TCP, port: 5433, remote: '10.201.9.9' }, 'deny'],
    ['webhook in', { direction: 'ingress', protocol: TCP, port: 443, remote: '10.201.9.9' }, 'allow'],
    ['webhook replies out to the SaaS ephemeral ports', { direction: 'egress', protocol: TCP, port: 40000, remote: '10.201.9.9' }, 'allow'],
    ['out below the ephemeral range', { direction: 'egress', protocol: TCP, port: 32767, remote: '10.201.9.9' }, 'deny'],
    ['database replies in', { direction: 'ingress', protocol: TCP, port: 60999, remote: '10.200.0.1' }, 'allow'],
    ['in above the ephemeral range', { direction: 'ingress', protocol: TCP, port: 61000, remote: '10.200.0.1' }, 'deny'],
    ['other inbound', { direction: 'ingress', protocol: TCP, port: 22, remote: '10.200.0.1' }, 'deny'],
    ['internet unchanged', { direction: 'ingress', protocol: TCP, port: 22, remote: '52.1.2.3' }, 'allow'],
  ])('%s', (_, packet, decision) => {
    expect(decide(template, acl, packet, 'allow-all-100').decision).toBe(decision);
  });

  test('every entry precedes the allow-all at 100, so the denies are live', () => {
    expect(naclEntriesFromTemplate(template).every(e => e.ruleNumber < 100)).toBe(true);
  });
});

describe('deny-only NACLs (other tiers)', () => {
  const { template } = synthImported({ denyNetworkAcls: [] });
  test('without the deny rules the hand-made allow-all would let the SaaS in: the construct is what closes it', () => {
    const ssh: Packet = { direction: 'ingress', protocol: TCP, port: 22, remote: PEER };
    expect(evaluate([], ssh, { extraEntries: allowAllRules(100) }).decision).toBe('allow');
    expect(decide(template, '"acl-0ccccccccccccccc1"', ssh, 'allow-all-100').decision).toBe('deny');
  });
});

describe('IPv6 on a dual-stack VPC', () => {
  const { template } = synthNewVpc({ externalIpv6CidrBlocks: ['2600:1f18:abcd::/56'] }, { ipProtocol: ec2.IpProtocol.DUAL_STACK });
  const acl = JSON.stringify({ 'Fn::GetAtt': ['Vpc8378EB38', 'DefaultNetworkAcl'] });
  const PEER6 = '2600:1f18:abcd:12::5';

  test.each<Row>([
    ['https out over IPv6', { direction: 'egress', protocol: TCP, port: 443, remote: PEER6 }, 'allow'],
    ['ssh out over IPv6', { direction: 'egress', protocol: TCP, port: 22, remote: PEER6 }, 'deny'],
    ['replies in over IPv6', { direction: 'ingress', protocol: TCP, port: 50000, remote: PEER6 }, 'allow'],
    ['packet too big in', { direction: 'ingress', protocol: ICMPV6, icmpType: 2, icmpCode: 0, remote: PEER6 }, 'allow'],
    ['ICMPv6 echo in', { direction: 'ingress', protocol: ICMPV6, icmpType: 128, icmpCode: 0, remote: PEER6 }, 'deny'],
    ['ssh in over IPv6', { direction: 'ingress', protocol: TCP, port: 22, remote: PEER6 }, 'deny'],
    ['other IPv6 unchanged', { direction: 'ingress', protocol: TCP, port: 22, remote: '2600:1f18:abce::1' }, 'allow'],
    ['IPv4 peer still closed', { direction: 'ingress', protocol: TCP, port: 22, remote: PEER }, 'deny'],
  ])('%s', (_, packet, decision) => {
    expect(decide(template, acl, packet, 'default').decision).toBe(decision);
  });
});
