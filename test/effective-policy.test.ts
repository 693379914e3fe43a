/**
 * The effective policy, stated honestly: packet tables of what the synthesized Network ACL entries let through in both
 * directions (outbound only, inbound only, both), and the "broader than asked" findings for the same cases: a
 * direction whose listed ports a reply range swallows is reported; a direction with nothing listed carries only the
 * replies that were asked for and is not.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { synthNewVpc } from './fixtures';
import { EphemeralPorts, VpcPeeringExternalProps } from '../src';
import { aclKeys, evaluate, naclEntriesFromTemplate, Packet } from './support/nacl-evaluator';
import { PlanInput } from './support/planner';
import { AddressFamily } from '../src/private/core/cidr';
import { broaderThanAsked, broaderThanAskedMessage, compareDirection, subtract } from '../src/private/core/effective-policy';
import { policyOf } from '../src/private/core/policy';
import { PortRange, Protocol, Traffic } from '../src/private/core/traffic';

const PEER = '10.200.7.9';
const { TCP, UDP, ICMP, ICMPV6, ALL } = Protocol;

type Row = [string, Packet, 'allow' | 'deny'];

/** Evaluates a packet against the one NACL (the VPC's default NACL, with its allow-all at 100) the construct wrote to. */
function verdicts(props: Partial<VpcPeeringExternalProps>): (packet: Packet) => 'allow' | 'deny' {
  const { template } = synthNewVpc(props);
  const keys = aclKeys(template);
  expect(keys).toHaveLength(1);
  const entries = naclEntriesFromTemplate(template).filter(e => e.aclKey === keys[0]);
  return packet => evaluate(entries, packet, { defaultNaclRules: true }).decision;
}

const out = (port: number, protocol: number = TCP): Packet => ({ direction: 'egress', protocol, port, remote: PEER });
const into = (port: number, protocol: number = TCP): Packet => ({ direction: 'ingress', protocol, port, remote: PEER });

const tcp = (from: number, to = from): Traffic => ({ protocol: TCP, portRange: { from, to }, reasons: [] });
const udp = (from: number, to = from): Traffic => ({ protocol: UDP, portRange: { from, to }, reasons: [] });
const icmp = (type: number, code = -1): Traffic => ({ protocol: ICMP, icmp: { type, code }, reasons: [] });
const all: Traffic = { protocol: ALL, reasons: [] };

function plan(allowOutbound: Traffic[], allowInbound: Traffic[], overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    externalCidrs: [{ cidr: '10.200.0.0/16', family: 'ipv4' }],
    allowOutbound,
    allowInbound,
    ephemeralPortRange: { from: 1024, to: 65535 },
    accessAcls: ['acl'],
    denyAcls: [],
    blanketDeny: true,
    allowPathMtuDiscovery: true,
    firstRuleNumber: 50,
    lastRuleNumber: 99,
    ...overrides,
  };
}

function findings(input: PlanInput) {
  return broaderThanAsked(input.externalCidrs, policyOf(input, input.blanketDeny));
}

/** The findings as [direction, family, beyond] rows, ranges written out. */
function summary(input: PlanInput): Array<[string, AddressFamily, string[]]> {
  const text = (t: Traffic) => `${t.protocol}:${t.portRange ? `${t.portRange.from}-${t.portRange.to}` : t.icmp ? `icmp${t.icmp.type}/${t.icmp.code}` : '*'}`;
  return findings(input).map(f => [f.egress ? 'egress' : 'ingress', f.family, f.beyond.map(text)]);
}

describe('outbound only: tcp 5432 to the SaaS (default ephemeral range 1024-65535)', () => {
  const decide = verdicts({ allowOutbound: [ec2.AclTraffic.tcpPort(5432)] });
  test.each<Row>([
    ['the listed port out', out(5432), 'allow'],
    ['another port out', out(5433), 'deny'],
    ['an ephemeral port out (not a reply of anything)', out(40000), 'deny'],
    ['a reply in, on an ephemeral port', into(40000), 'allow'],
    ['a connection started by the SaaS to 5432 in your subnets: the reply rule admits it', into(5432), 'allow'],
    ['a connection started by the SaaS to ssh', into(22), 'deny'],
    ['udp in on an ephemeral port', into(40000, UDP), 'deny'],
  ])('%s', (_, packet, expected) => {
    expect(decide(packet)).toBe(expected);
  });

  test('is not broader than asked: ingress lists nothing, its reply range is the reply path that was asked for', () => {
    expect(summary(plan([tcp(5432)], []))).toEqual([]);
  });
});

describe('inbound only: the SaaS connects to tcp 8443', () => {
  const decide = verdicts({ allowOutbound: undefined, allowInbound: [ec2.AclTraffic.tcpPort(8443)] });
  test.each<Row>([
    ['the listed port in', into(8443), 'allow'],
    ['another port in', into(8444), 'deny'],
    ['a reply out, to the SaaS client\'s ephemeral port', out(40000), 'allow'],
    ['a connection your subnets start to 5432 in the SaaS VPC: the reply rule admits it', out(5432), 'allow'],
    ['a connection your subnets start to 443 (below the range)', out(443), 'deny'],
  ])('%s', (_, packet, expected) => {
    expect(decide(packet)).toBe(expected);
  });

  test('is not broader than asked: egress lists nothing', () => {
    expect(summary(plan([], [tcp(8443)]))).toEqual([]);
  });
});

describe('both: tcp 5432 out and tcp 8443 in (the issue\'s example)', () => {
  const decide = verdicts({ allowOutbound: [ec2.AclTraffic.tcpPort(5432)], allowInbound: [ec2.AclTraffic.tcpPort(8443)] });
  test.each<Row>([
    ['the listed port out', out(5432), 'allow'],
    ['an unlisted port out: the replies to inbound swallow it', out(8080), 'allow'],
    ['a port out below the range', out(443), 'deny'],
    ['the listed port in', into(8443), 'allow'],
    ['an unlisted port in: the replies to outbound swallow it', into(5432), 'allow'],
    ['ssh in', into(22), 'deny'],
  ])('%s', (_, packet, expected) => {
    expect(decide(packet)).toBe(expected);
  });

  test('is broader than asked in both directions, by the ports around the listed ones', () => {
    expect(summary(plan([tcp(5432)], [tcp(8443)]))).toEqual([
      ['egress', 'ipv4', ['6:1024-5431', '6:5433-65535']],
      ['ingress', 'ipv4', ['6:1024-8442', '6:8444-65535']],
    ]);
  });

  test('the findings name the widened entries and what was listed', () => {
    const [egress, ingress] = findings(plan([tcp(5432)], [tcp(8443)]));
    expect(egress).toMatchObject({ egress: true, cidrs: ['10.200.0.0/16'], listed: [tcp(5432)], widened: [{ protocol: TCP, portRange: { from: 1024, to: 65535 } }] });
    expect(ingress).toMatchObject({ egress: false, listed: [tcp(8443)], widened: [{ protocol: TCP, portRange: { from: 1024, to: 65535 } }] });
  });

  test('the message says what the peer can reach and how to narrow it', () => {
    const message = broaderThanAskedMessage('Stack/Peering', findings(plan([tcp(5432)], [tcp(8443)])));
    expect(message).toBe(
      'Stack/Peering allows more than listed, because replies share the rules of new connections (Network ACLs are ' +
      'stateless and match destination ports only): egress to 10.200.0.0/16 allows tcp 1024-65535 where allowOutbound ' +
      'lists tcp 5432, so the subnets may open connections to tcp 1024-5431, tcp 5433-65535 in the external VPC; ' +
      'ingress from 10.200.0.0/16 allows tcp 1024-65535 where allowInbound lists tcp 8443, so the external VPC may ' +
      'start connections to tcp 1024-8442, tcp 8444-65535 in your subnets (only security groups stop them). To narrow ' +
      'it, set ephemeralPortRange to the range your clients and the third party\'s actually use (EphemeralPorts.LINUX ' +
      'is 32768-60999, EphemeralPorts.WINDOWS 49152-65535), and let the security groups of your subnets allow in only ' +
      'the ports and sources you trust',
    );
  });
});

describe('both, narrowed with EphemeralPorts.LINUX', () => {
  const decide = verdicts({
    allowOutbound: [ec2.AclTraffic.tcpPort(5432)],
    allowInbound: [ec2.AclTraffic.tcpPort(8443)],
    ephemeralPortRange: EphemeralPorts.LINUX,
  });
  test.each<Row>([
    ['the listed port out', out(5432), 'allow'],
    ['8080 out is no longer allowed', out(8080), 'deny'],
    ['a reply out to a Linux ephemeral port', out(40000), 'allow'],
    ['5432 in is no longer allowed', into(5432), 'deny'],
    ['a reply in on a Linux ephemeral port', into(32768), 'allow'],
    ['a port above the Linux range in', into(61000), 'deny'],
  ])('%s', (_, packet, expected) => {
    expect(decide(packet)).toBe(expected);
  });

  test('still reports the (narrower) reply ranges', () => {
    expect(summary(plan([tcp(5432)], [tcp(8443)], { ephemeralPortRange: EphemeralPorts.LINUX as PortRange }))).toEqual([
      ['egress', 'ipv4', ['6:32768-60999']],
      ['ingress', 'ipv4', ['6:32768-60999']],
    ]);
  });
});

describe('broaderThanAsked: presence and absence', () => {
  test.each<[string, Traffic[], Traffic[], Array<[string, AddressFamily, string[]]>]>([
    ['listed ranges that cover the replies in both directions', [tcp(1024, 65535)], [tcp(1024, 65535)], []],
    ['a reply of another protocol than the direction lists', [udp(53)], [tcp(8443)], [
      ['egress', 'ipv4', ['6:1024-65535']],
      ['ingress', 'ipv4', ['17:1024-65535']],
    ]],
    ['all traffic out: egress lists everything, ingress gets every reply protocol', [all], [tcp(8443)], [
      ['ingress', 'ipv4', ['6:1024-8442', '6:8444-65535', '17:1024-65535', '1:icmp-1/-1']],
    ]],
    ['an icmp echo out answered by an echo reply in; path MTU discovery is not a reply range', [icmp(8, 0)], [tcp(8443)], [
      ['egress', 'ipv4', ['6:1024-65535']],
      ['ingress', 'ipv4', ['1:icmp0/-1']],
    ]],
    ['an icmp echo out whose echo reply in is listed too', [icmp(8, 0)], [tcp(8443), icmp(0)], [
      ['egress', 'ipv4', ['6:1024-65535']],
    ]],
    ['all of icmp in is answered by all of icmp out, beyond the echo request listed out', [icmp(8, 0)], [icmp(-1)], [
      ['egress', 'ipv4', ['1:icmp-1/-1']],
    ]],
  ])('%s', (_, outbound, inbound, expected) => {
    expect(summary(plan(outbound, inbound))).toEqual(expected);
  });

  test('each address family against its own entries; ICMP only counts for IPv4 and ICMPv6 for IPv6', () => {
    const input = plan([tcp(443), { protocol: ICMPV6, icmp: { type: 128, code: -1 }, reasons: [] }], [tcp(8443)], {
      externalCidrs: [{ cidr: '10.200.0.0/16', family: 'ipv4' }, { cidr: '2600:1f18:abcd::/56', family: 'ipv6' }],
    });
    expect(summary(input)).toEqual([
      ['egress', 'ipv4', ['6:1024-65535']],
      ['egress', 'ipv6', ['6:1024-65535']],
      ['ingress', 'ipv4', ['6:1024-8442', '6:8444-65535']],
      ['ingress', 'ipv6', ['6:1024-8442', '6:8444-65535', '58:icmp129/-1']],
    ]);
    expect(findings(input).map(f => f.cidrs)).toEqual([['10.200.0.0/16'], ['2600:1f18:abcd::/56'], ['10.200.0.0/16'], ['2600:1f18:abcd::/56']]);
  });

  test('a family whose direction lists only traffic of the other family counts as listing nothing', () => {
    expect(compareDirection(true, 'ipv6', ['2600:1f18:abcd::/56'], [icmp(8, 0)], [tcp(1024, 65535)])).toBeUndefined();
  });

  test('no message without findings', () => {
    expect(broaderThanAskedMessage('Stack/Peering', [])).toBeUndefined();
  });
});

describe('subtract', () => {
  test.each<[string, Traffic, Traffic[], Traffic[]]>([
    ['a range minus a port inside it', tcp(1024, 65535), [tcp(5432)], [tcp(1024, 5431), tcp(5433, 65535)]],
    ['a range minus its low end', tcp(1024, 65535), [tcp(1000, 2000)], [tcp(2001, 65535)]],
    ['a range minus a covering range', tcp(1024, 2048), [tcp(0, 65535)], []],
    ['a range minus another protocol', tcp(1024, 2048), [udp(1024, 2048)], [tcp(1024, 2048)]],
    ['anything minus all traffic', udp(53), [all], []],
    ['all traffic minus a port', all, [tcp(443)], [all]],
    ['an icmp type minus all of icmp', icmp(0), [icmp(-1)], []],
    ['an icmp type minus the same type, any code', icmp(3, 4), [icmp(3)], []],
    ['an icmp type minus another type', icmp(0), [icmp(8)], [icmp(0)]],
  ])('%s', (_, t, cover, expected) => {
    expect(subtract(t, cover)).toEqual(expected);
  });

  test('traffic with unresolved ports is covered only by the same traffic', () => {
    const unresolved: Traffic = { protocol: TCP, portRange: { from: 1024, to: 65535 }, reasons: [], unresolved: true };
    expect(subtract(unresolved, [{ ...unresolved }])).toEqual([]);
    expect(subtract(unresolved, [tcp(443)])).toEqual([unresolved]);
  });
});
