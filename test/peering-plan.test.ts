/**
 * The pure rule plan, without CDK: unit tests of the merge and numbering, and a property-based test that evaluates the
 * planned entries the way AWS does against an oracle written from the policy's definition.
 */
import * as fc from 'fast-check';
import { evaluate, NaclRule, Packet } from './support/nacl-evaluator';
import { planApp, PlanInput, planNetworkAclEntries, planRoutes } from './support/planner';
import { mergeTraffic, Protocol, Traffic } from '../src/private/core/traffic';
import { ExternalCidr, NaclFacts, PlannedEntry } from '../src/private/plan/types';

const TCP = Protocol.TCP;
const UDP = Protocol.UDP;

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    externalCidrs: [{ cidr: '10.200.0.0/16', family: 'ipv4' }],
    allowOutbound: [{ protocol: TCP, portRange: { from: 443, to: 443 }, reasons: ['outbound'] }],
    allowInbound: [],
    ephemeralPortRange: { from: 1024, to: 65535 },
    accessAcls: ['acl-a'],
    denyAcls: [],
    blanketDeny: true,
    allowPathMtuDiscovery: true,
    firstRuleNumber: 50,
    lastRuleNumber: 99,
    ...overrides,
  };
}

function toRule(e: PlannedEntry): NaclRule {
  return {
    egress: e.egress,
    ruleNumber: e.ruleNumber,
    action: e.action,
    protocol: e.traffic.protocol,
    portRange: e.traffic.portRange,
    icmp: e.traffic.icmp,
    ...(e.family === 'ipv4' ? { cidrBlock: e.cidr } : { ipv6CidrBlock: e.cidr }),
  };
}

describe('mergeTraffic', () => {
  const t = (protocol: number, from: number, to = from): Traffic => ({ protocol, portRange: { from, to }, reasons: ['x'] });

  test('tcp 80, 443, 8080-8089, 8090 become three entries', () => {
    expect(mergeTraffic([t(TCP, 80), t(TCP, 443), t(TCP, 8080, 8089), t(TCP, 8090)]).map(m => m.portRange))
      .toEqual([{ from: 80, to: 80 }, { from: 443, to: 443 }, { from: 8080, to: 8090 }]);
  });

  test('overlapping and contained ranges merge; other protocols stay apart; order does not matter', () => {
    const merged = mergeTraffic([t(UDP, 53), t(TCP, 1000, 2000), t(TCP, 1500, 2500), t(TCP, 1600), t(UDP, 53)]);
    expect(merged.map(m => [m.protocol, m.portRange])).toEqual([[TCP, { from: 1000, to: 2500 }], [UDP, { from: 53, to: 53 }]]);
    expect(mergeTraffic([t(TCP, 1600), t(UDP, 53), t(TCP, 1500, 2500), t(TCP, 1000, 2000)])).toEqual(merged);
  });

  test('all traffic swallows everything; ICMP all types swallows single types', () => {
    expect(mergeTraffic([t(TCP, 1), { protocol: Protocol.ALL, reasons: ['y'] }])).toEqual([{ protocol: Protocol.ALL, reasons: ['x', 'y'] }]);
    const icmp = (type: number, code: number): Traffic => ({ protocol: Protocol.ICMP, icmp: { type, code }, reasons: ['i'] });
    expect(mergeTraffic([icmp(3, 4), icmp(-1, -1)]).map(m => m.icmp)).toEqual([{ type: -1, code: -1 }]);
    expect(mergeTraffic([icmp(3, 4), icmp(3, -1), icmp(0, -1)]).map(m => m.icmp)).toEqual([{ type: 0, code: -1 }, { type: 3, code: -1 }]);
  });
});

describe('planNetworkAclEntries', () => {
  test('the Terraform module worked example: allow 443 out, ephemeral in, deny all both ways', () => {
    const entries = planNetworkAclEntries(input({ allowPathMtuDiscovery: false, denyAcls: ['acl-pub', 'acl-a', 'acl-persist'] }));
    expect(entries.map(e => [e.acl, e.egress ? 'out' : 'in', e.ruleNumber, e.action, e.traffic.protocol, e.traffic.portRange]))
      .toEqual([
        ['acl-a', 'in', 50, 'allow', TCP, { from: 1024, to: 65535 }],
        ['acl-a', 'in', 99, 'deny', -1, undefined],
        ['acl-a', 'out', 50, 'allow', TCP, { from: 443, to: 443 }],
        ['acl-a', 'out', 99, 'deny', -1, undefined],
        ['acl-pub', 'in', 99, 'deny', -1, undefined],
        ['acl-pub', 'out', 99, 'deny', -1, undefined],
        ['acl-persist', 'in', 99, 'deny', -1, undefined],
        ['acl-persist', 'out', 99, 'deny', -1, undefined],
      ]);
  });

  test('routes: one per distinct table and CIDR', () => {
    const cidrs: ExternalCidr[] = [{ cidr: '10.201.0.0/16', family: 'ipv4' }, { cidr: '2600::/56', family: 'ipv6' }, { cidr: '10.200.0.0/16', family: 'ipv4' }];
    expect(planRoutes(['t1', 't2', 't1'], cidrs).map(r => `${r.routeTable} ${r.cidr}`))
      .toEqual(['t1 10.200.0.0/16', 't1 10.201.0.0/16', 't1 2600::/56', 't2 10.200.0.0/16', 't2 10.201.0.0/16', 't2 2600::/56']);
  });

  test('the quota counts per NACL, direction and family, with what the NACL already holds', () => {
    const allowOutbound = [1, 3, 5].map(p => ({ protocol: TCP, portRange: { from: p, to: p }, reasons: [] }));
    // egress: 3 allows + 1 deny + the implicit deny = 5; ingress: reply + PMTU + deny + implicit deny = 4.
    const vendor = { ...input({ allowOutbound }), id: 'V', stack: 'S', maxRules: 5, routeTables: [], orderKey: '' };
    const held = (families: Array<'ipv4' | 'ipv6'>) => new Map([['acl-a', {
      key: 'acl-a',
      name: 'acl-a',
      imported: true,
      held: [{ egress: true, ruleNumber: 200, families, what: 'a rule' }],
    }]]);
    const quotaErrors = (facts: Map<string, NaclFacts>) => planApp([vendor], facts).findings.filter(f => f.level === 'error');
    expect(quotaErrors(new Map())).toEqual([]);
    expect(quotaErrors(held(['ipv4'])).map(f => f.message)).toEqual([expect.stringMatching(
      /^Network ACL acl-a would hold 6 IPv4 egress rules \(4 from V, 1 already there, and the implicit deny rule\), over maxRulesPerNetworkAcl 5/)]);
    expect(quotaErrors(held(['ipv6']))).toEqual([]);
  });
});

// ---- property-based: the planned entries allow exactly the intended traffic, with the fewest entries ----

const portRange = fc.oneof(
  fc.integer({ min: 0, max: 65535 }).map(p => ({ from: p, to: p })),
  fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 3000 }))
    .map(([from, len]) => ({ from, to: Math.min(65535, from + len) })),
);
const traffic = fc.record({ protocol: fc.constantFrom(TCP, UDP), portRange }).map(t => ({ ...t, reasons: ['r'] }) as Traffic);
const ephemeral = fc.tuple(fc.integer({ min: 1, max: 60000 }), fc.integer({ min: 0, max: 65535 }))
  .map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));
interface Scenario {
  outbound: Traffic[];
  inbound: Traffic[];
  cidrCount: number;
  ephemeral: { from: number; to: number };
  pmtu: boolean;
}
const scenario: fc.Arbitrary<Scenario> = fc.record({
  outbound: fc.array(traffic, { maxLength: 5 }),
  inbound: fc.array(traffic, { maxLength: 4 }),
  cidrCount: fc.integer({ min: 1, max: 3 }),
  ephemeral,
  pmtu: fc.boolean(),
}).filter(s => s.outbound.length + s.inbound.length > 0);

function cidrsOf(count: number): ExternalCidr[] {
  return Array.from({ length: count }, (_, i) => ({ cidr: `10.${200 + i}.0.0/16`, family: 'ipv4' as const }));
}

/** The fewest entries for a set of port ranges: the number of maximal runs of allowed ports, per protocol. */
function minimalCount(ranges: Array<{ protocol: number; from: number; to: number }>): number {
  let count = 0;
  for (const protocol of [TCP, UDP]) {
    const open = new Uint8Array(65537);
    for (const r of ranges.filter(x => x.protocol === protocol)) {
      open.fill(1, r.from, r.to + 1);
    }
    for (let port = 0; port <= 65535; port++) {
      if (open[port] && !open[port + 1]) {
        count++;
      }
    }
  }
  return count;
}

describe('property: the plan uses each slot once, stays in the band, and needs the fewest entries', () => {
  test('no two entries share a (NACL, direction, number); all are in the band; the count is minimal', () => {
    fc.assert(fc.property(scenario, fc.integer({ min: 1, max: 3 }), (s, aclCount) => {
      const cidrs = cidrsOf(s.cidrCount);
      const acls = Array.from({ length: aclCount }, (_, i) => `acl-${i}`);
      const entries = planNetworkAclEntries(input({
        externalCidrs: cidrs,
        allowOutbound: s.outbound,
        allowInbound: s.inbound,
        ephemeralPortRange: s.ephemeral,
        allowPathMtuDiscovery: s.pmtu,
        accessAcls: acls,
        denyAcls: ['acl-deny', ...acls],
      }));
      const slots = entries.map(e => `${e.acl}/${e.egress}/${e.ruleNumber}`);
      expect(new Set(slots).size).toBe(slots.length);
      expect(entries.every(e => e.ruleNumber >= 50 && e.ruleNumber <= 99)).toBe(true);
      for (const acl of acls) {
        for (const egress of [false, true]) {
          const [opened, answered] = egress ? [s.outbound, s.inbound] : [s.inbound, s.outbound];
          const ranges = [
            ...opened.map(t => ({ protocol: t.protocol, ...t.portRange! })),
            ...[...new Set(answered.map(t => t.protocol))].map(protocol => ({ protocol, ...s.ephemeral })),
          ];
          const perCidr = minimalCount(ranges) + (!egress && s.pmtu ? 1 : 0);
          const ours = entries.filter(e => e.acl === acl && e.egress === egress);
          expect(ours.filter(e => e.action === 'allow')).toHaveLength(perCidr * cidrs.length);
          expect(ours.filter(e => e.action === 'deny')).toHaveLength(cidrs.length);
          expect(Math.max(...ours.filter(e => e.action === 'allow').map(e => e.ruleNumber), 0))
            .toBeLessThan(Math.min(...ours.filter(e => e.action === 'deny').map(e => e.ruleNumber)));
        }
      }
      const denyOnly = entries.filter(e => e.acl === 'acl-deny');
      expect(denyOnly.every(e => e.action === 'deny')).toBe(true);
      expect(denyOnly).toHaveLength(2 * cidrs.length);
    }), { numRuns: 200 });
  });
});

// ---- property-based, all families and protocols: IPv4 and IPv6 blocks, ICMP and ICMPv6, all traffic ----

interface Spec { protocol: number; from?: number; to?: number; type?: number; code?: number }

const anyTraffic: fc.Arbitrary<Spec> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ protocol: fc.constantFrom(TCP, UDP), from: fc.integer({ min: 0, max: 2000 }), len: fc.integer({ min: 0, max: 500 }) })
      .map(({ protocol, from, len }) => ({ protocol, from, to: from + len })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      protocol: fc.constantFrom(Protocol.ICMP, Protocol.ICMPV6), type: fc.constantFrom(-1, 0, 3, 8, 128, 129, 2), code: fc.constantFrom(-1, 0, 4),
    }).map(t => (t.type === -1 ? { ...t, code: -1 } : t)),
  },
  { weight: 1, arbitrary: fc.constant({ protocol: Protocol.ALL }) },
);

function toTraffic(s: Spec): Traffic {
  if (s.protocol === TCP || s.protocol === UDP) {
    return { protocol: s.protocol, portRange: { from: s.from!, to: s.to! }, reasons: ['r'] };
  }
  if (s.protocol === Protocol.ALL) {
    return { protocol: s.protocol, reasons: ['r'] };
  }
  return { protocol: s.protocol, icmp: { type: s.type!, code: s.code! }, reasons: ['r'] };
}

interface AnyPacket {
  direction: 'ingress' | 'egress';
  kind: 'tcp' | 'udp' | 'icmp';
  port: number;
  type: number;
  code: number;
  v6: boolean;
  /** Which external block (IPv4: 0-2, all in the same IPv6 block) the remote is in, or -1 for an address outside them. */
  block: number;
}

const anyPacket: fc.Arbitrary<AnyPacket> = fc.record({
  direction: fc.constantFrom<'ingress' | 'egress'>('ingress', 'egress'),
  kind: fc.constantFrom<'tcp' | 'udp' | 'icmp'>('tcp', 'udp', 'icmp'),
  port: fc.oneof(fc.integer({ min: 0, max: 2600 }), fc.integer({ min: 0, max: 65535 }), fc.constantFrom(1023, 1024, 32768, 49152, 60999, 65535)),
  type: fc.constantFrom(0, 2, 3, 8, 128, 129),
  code: fc.constantFrom(0, 4),
  v6: fc.boolean(),
  block: fc.integer({ min: -1, max: 2 }),
});

/** One vendor's policy for the oracle. */
interface Policy { outbound: Spec[]; inbound: Spec[]; pmtu: boolean; ephemeral: { from: number; to: number } }

const policy: fc.Arbitrary<Policy> = fc.record({
  outbound: fc.array(anyTraffic, { maxLength: 4 }),
  inbound: fc.array(anyTraffic, { maxLength: 3 }),
  pmtu: fc.boolean(),
  ephemeral: ephemeral,
}).filter(p => p.outbound.length + p.inbound.length > 0);

/**
 * The oracle: the intended decision for a packet to or from the external VPC, from the definition of the policy (not
 * from the plan). Traffic of other addresses is left to the default NACL's allow-all.
 */
function intendedAny(policyOf: Policy, p: AnyPacket): 'allow' | 'deny' {
  const { outbound, inbound, pmtu, ephemeral: eph } = policyOf;
  const protocol = p.kind === 'tcp' ? TCP : p.kind === 'udp' ? UDP : p.v6 ? Protocol.ICMPV6 : Protocol.ICMP;
  const icmpMatches = (s: Spec, type: number, code: number) =>
    s.protocol === protocol && (s.type === -1 || (s.type === type && (s.code === -1 || s.code === code)));
  const covers = (s: Spec) => s.protocol === Protocol.ALL ||
    (p.kind !== 'icmp' ? s.protocol === protocol && s.from! <= p.port && p.port <= s.to! : icmpMatches(s, p.type, p.code));
  const inEphemeral = eph.from <= p.port && p.port <= eph.to;
  const answers = (s: Spec) => {
    if (p.kind !== 'icmp') {
      return (s.protocol === Protocol.ALL || s.protocol === protocol) && inEphemeral;
    }
    if (s.protocol === Protocol.ALL) {
      return true;
    }
    if (s.protocol !== protocol) {
      return false;
    }
    const [request, reply] = protocol === Protocol.ICMP ? [8, 0] : [128, 129];
    return s.type === -1 || (s.type === request && p.type === reply);
  };
  const [opened, answered] = p.direction === 'egress' ? [outbound, inbound] : [inbound, outbound];
  const pathMtu = p.direction === 'ingress' && pmtu && p.kind === 'icmp' &&
    (p.v6 ? p.type === 2 && p.code === 0 : p.type === 3 && p.code === 4);
  return opened.some(covers) || answered.some(answers) || pathMtu ? 'allow' : 'deny';
}

function toPacket(p: AnyPacket, remote: string): Packet {
  const protocol = p.kind === 'tcp' ? TCP : p.kind === 'udp' ? UDP : p.v6 ? Protocol.ICMPV6 : Protocol.ICMP;
  return p.kind === 'icmp'
    ? { direction: p.direction, protocol, icmpType: p.type, icmpCode: p.code, remote }
    : { direction: p.direction, protocol, port: p.port, remote };
}

const toInput = (pol: Policy, externalCidrs: ExternalCidr[]) => input({
  externalCidrs,
  allowOutbound: pol.outbound.map(toTraffic),
  allowInbound: pol.inbound.map(toTraffic),
  allowPathMtuDiscovery: pol.pmtu,
  ephemeralPortRange: pol.ephemeral,
});

describe('property: the plan, evaluated as AWS does, allows exactly the intended traffic', () => {
  test('one vendor: every protocol both ways, 1-3 IPv4 blocks and an IPv6 block, any ephemeral range; random packets', () => {
    const packets30 = fc.array(anyPacket, { minLength: 30, maxLength: 30 });
    fc.assert(fc.property(policy, fc.integer({ min: 1, max: 3 }), packets30, (pol, cidrCount, packets) => {
      const cidrs = [...cidrsOf(cidrCount), { cidr: '2600:1f18:abcd::/56', family: 'ipv6' as const }];
      const rules = planNetworkAclEntries(toInput(pol, cidrs)).map(toRule);
      for (const p of packets) {
        const inside = p.block >= 0 && (p.v6 || p.block < cidrCount);
        const remote = p.v6 ? (p.block >= 0 ? '2600:1f18:abcd:7::9' : '2600:1f18:abce::9') : `10.${p.block >= 0 ? 200 + p.block : 199}.3.4`;
        const expected = inside ? intendedAny(pol, p) : 'allow';
        expect([p, evaluate(rules, toPacket(p, remote), { defaultNaclRules: true }).decision]).toEqual([p, expected]);
      }
    }), { numRuns: 300 });
  });

  test('several vendors on one NACL, numbered automatically: each gets exactly its own policy', () => {
    const packets30 = fc.array(anyPacket, { minLength: 30, maxLength: 30 });
    fc.assert(fc.property(fc.array(policy, { minLength: 1, maxLength: 3 }), packets30, (policies, packets) => {
      const vendors = policies.map((pol, i) => ({
        ...toInput(pol, [{ cidr: `10.${200 + i}.0.0/16`, family: 'ipv4' as const }]),
        id: `V${i}`,
        stack: 'S',
        maxRules: 40,
        routeTables: [],
        orderKey: `${2 - i}`,
      }));
      const plan = planApp(vendors, new Map());
      // The only findings such vendors can cause are more rules than the shared band or the quota holds.
      expect(plan.findings.filter(f => !/free (ingress|egress) rule numbers|over maxRulesPerNetworkAcl/.test(f.message))).toEqual([]);
      fc.pre(plan.findings.length === 0);
      const rules = plan.entries.flat().map(toRule);
      const slots = plan.entries.flat().map(e => `${e.acl}/${e.egress}/${e.ruleNumber}`);
      expect(new Set(slots).size).toBe(slots.length);
      expect(plan.entries.flat().every(e => e.ruleNumber >= 50 && e.ruleNumber <= 99)).toBe(true);
      for (const p of packets.filter(x => !x.v6 || x.kind !== 'icmp')) {
        const remote = `10.${p.block >= 0 ? 200 + p.block : 199}.3.4`;
        const owner = p.block >= 0 && p.block < policies.length ? policies[p.block] : undefined;
        const expected = owner ? intendedAny(owner, { ...p, v6: false }) : 'allow';
        expect([p, evaluate(rules, toPacket({ ...p, v6: false }, remote), { defaultNaclRules: true }).decision]).toEqual([p, expected]);
      }
    }), { numRuns: 200 });
  });
});
