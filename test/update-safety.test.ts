/**
 * CloudFormation creates new and replacement resources before it deletes old ones, and EC2 identifies a NACL entry by
 * (NACL, direction, rule number) and a route by (table, destination). An edit of the props must therefore never make
 * an update create an entry or route whose key the previous stack still holds. These tests run every edit between
 * every pair of prop sets through a model of a CloudFormation update, each synthesized as the next synth after the
 * deploy of the one before sees the app: with that deploy's rule-number record.
 */
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { appAfter, BASE, Overrides, synthNewVpc } from './fixtures';
import { VpcPeeringExternal } from '../src';
import { duplicateKeys, simulateUpdate } from './support/cfn-update';
import { recordTemplate } from './support/record-template';

const tcp = (...ports: number[]) => ports.map(p => ec2.AclTraffic.tcpPort(p));

/** The routes and entries the construct made (their logical ids start with `Route…To` and `Nacl`). */
function peeringResources(template: any): Record<string, unknown> {
  return Object.fromEntries(Object.entries(template.Resources as Record<string, { Type: string }>)
    .filter(([id, r]) => (r.Type === 'AWS::EC2::NetworkAclEntry' && id.startsWith('Nacl')) || (r.Type === 'AWS::EC2::Route' && /^Route.*To/.test(id))));
}

/** An imported VPC with two app NACLs and a public NACL (deny only); `previous` is the template deployed before. */
function synthImported(overrides: Overrides & { aclOrder?: string[]; denyOrder?: string[] }, previous?: any): any {
  const stack = new Stack(appAfter(previous), 'Test');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    vpcCidrBlock: '10.1.0.0/16',
    availabilityZones: ['a', 'b', 'c'],
    privateSubnetIds: ['subnet-1', 'subnet-2', 'subnet-3'],
    privateSubnetRouteTableIds: ['rtb-1', 'rtb-2', 'rtb-1'],
  });
  const acl = (id: string) => ec2.NetworkAcl.fromNetworkAclId(stack, id, id);
  const { aclOrder = ['acl-app-a', 'acl-app-b'], denyOrder = ['acl-public'], ...props } = overrides;
  new VpcPeeringExternal(stack, 'Peering', {
    vpc, ...BASE, networkAcls: aclOrder.map(acl), denyNetworkAcls: denyOrder.map(acl), ...props,
  });
  return recordTemplate(Template.fromStack(stack).toJSON());
}

const IMPORTED_EDITS: Array<[string, Parameters<typeof synthImported>[0]]> = [
  ['start: tcp 443 to one CIDR', { allowOutbound: tcp(443) }],
  ['a port added at the end', { allowOutbound: tcp(443, 9200) }],
  ['a port inserted at the front', { allowOutbound: tcp(80, 443, 9200) }],
  ['a port removed', { allowOutbound: tcp(80, 9200) }],
  ['a CIDR added', { allowOutbound: tcp(80, 9200), externalCidrBlocks: ['10.200.0.0/16', '10.201.0.0/16'] }],
  ['a CIDR inserted at the front', { allowOutbound: tcp(80, 9200), externalCidrBlocks: ['10.199.0.0/16', '10.200.0.0/16', '10.201.0.0/16'] }],
  ['CIDRs reordered', { allowOutbound: tcp(80, 9200), externalCidrBlocks: ['10.201.0.0/16', '10.199.0.0/16', '10.200.0.0/16'] }],
  ['a CIDR removed', { allowOutbound: tcp(80, 9200), externalCidrBlocks: ['10.201.0.0/16'] }],
  ['NACLs reordered', { allowOutbound: tcp(443), aclOrder: ['acl-app-b', 'acl-app-a'] }],
  ['a NACL inserted at the front', { allowOutbound: tcp(443), aclOrder: ['acl-app-c', 'acl-app-b', 'acl-app-a'] }],
  ['a NACL moved from access to deny-only', { allowOutbound: tcp(443), aclOrder: ['acl-app-b'], denyOrder: ['acl-app-a', 'acl-public'] }],
  ['the deny toggled off', { allowOutbound: tcp(443), blanketDeny: false }],
  ['the deny toggled on again', { allowOutbound: tcp(443), blanketDeny: true }],
  ['the ephemeral range changed', { allowOutbound: tcp(443), ephemeralPortRange: { from: 32768, to: 60999 } }],
  ['inbound traffic added', { allowOutbound: tcp(443), allowInbound: tcp(5432) }],
  ['outbound replaced by inbound only', { allowOutbound: [], allowInbound: tcp(5432, 8443) }],
  ['path MTU discovery off', { allowOutbound: tcp(443), allowPathMtuDiscovery: false }],
  ['the band moved', { allowOutbound: tcp(443, 9200), firstRuleNumber: 60, lastRuleNumber: 80 }],
  ['the band moved again, overlapping', { allowOutbound: tcp(443, 9200), firstRuleNumber: 70, lastRuleNumber: 99 }],
  ['all traffic', { allowOutbound: [ec2.AclTraffic.allTraffic()] }],
  ['udp and ranges', { allowOutbound: [...tcp(443), ec2.AclTraffic.udpPortRange(500, 600), ec2.AclTraffic.tcpPortRange(8000, 8100)] }],
];

describe('every edit of the props of an imported VPC deploys as an update', () => {
  const templates = IMPORTED_EDITS.map(([name, props]) => [name, synthImported(props)] as const);
  const named = new Map(templates);
  /** The template of the edit with that name. */
  const edit = (name: string) => {
    const template = named.get(name);
    if (!template) throw new Error(`no edit named '${name}'`);
    return template;
  };

  test.each(templates)('%s: no two resources of the template share a key', (_, template) => {
    expect(duplicateKeys(template)).toEqual([]);
  });

  // One test per starting point; each checks the update to every other edit and names both in a failure.
  test.each(templates)('from "%s" to every other edit: no create takes a key the old stack still holds', (from, a) => {
    const failing = IMPORTED_EDITS.filter(([to]) => to !== from)
      .map(([to, props]) => ({ from, to, conflicts: simulateUpdate(a, synthImported(props, a)).conflicts }))
      .filter(u => u.conflicts.length > 0);
    expect(failing).toEqual([]);
  });

  /** The template of the edit `to`, synthesized after the one of `from` was deployed. */
  const after = (from: string, to: string) => synthImported(IMPORTED_EDITS.find(([n]) => n === to)![1], edit(from));

  test('adding a port neither replaces nor touches any route', () => {
    const start = edit('start: tcp 443 to one CIDR');
    const sim = simulateUpdate(start, after('start: tcp 443 to one CIDR', 'a port added at the end'));
    const routes = Object.keys(start.Resources).filter(id => start.Resources[id].Type === 'AWS::EC2::Route');
    expect(routes).toHaveLength(2);
    expect(sim.unchanged).toEqual(expect.arrayContaining(routes));
    expect(sim.replaced).toEqual([]);
  });

  test.each([
    ['start: tcp 443 to one CIDR', 'a port added at the end'],
    ['a port added at the end', 'a port inserted at the front'],
    ['a port removed', 'a CIDR added'],
    ['a CIDR added', 'a CIDR inserted at the front'],
    ['start: tcp 443 to one CIDR', 'inbound traffic added'],
  ])('from "%s" to "%s" only adds entries: nothing is replaced, rewritten or removed', (from, to) => {
    const sim = simulateUpdate(edit(from), after(from, to));
    expect(sim.replaced).toEqual([]);
    // A CIDR block edit updates the acceptance (it checks the requester's blocks against the new list), nothing else.
    const cidrEdit = /CIDR/.test(to);
    expect(sim.updatedInPlace).toEqual(cidrEdit ? [expect.stringMatching(/^VpcPeeringAcceptance/)] : []);
    expect(sim.removed).toEqual([]);
    expect(sim.added.length).toBeGreaterThan(0);
  });

  test('reordering the NACLs changes nothing at all', () => {
    const sim = simulateUpdate(edit('start: tcp 443 to one CIDR'), after('start: tcp 443 to one CIDR', 'NACLs reordered'));
    expect(sim.added).toEqual([]);
    expect(sim.removed).toEqual([]);
    expect(sim.updatedInPlace).toEqual([]);
  });

  test('reordering the CIDR blocks changes nothing at all, even without the record', () => {
    for (const sim of [
      simulateUpdate(edit('a CIDR inserted at the front'), after('a CIDR inserted at the front', 'CIDRs reordered')),
      simulateUpdate(edit('a CIDR inserted at the front'), edit('CIDRs reordered')),
    ]) {
      expect([...sim.added, ...sim.removed, ...sim.replaced, ...sim.updatedInPlace]).toEqual([]);
    }
  });

  test('the model itself catches a position-numbered design (a control that must fail)', () => {
    // Renumbering the same logical id to a slot held by another old entry is what position-based designs do.
    const before = edit('start: tcp 443 to one CIDR');
    const edited = JSON.parse(JSON.stringify(before));
    const [a, b] = Object.entries(edited.Resources as Record<string, any>)
      .filter(([, r]) => r.Type === 'AWS::EC2::NetworkAclEntry' && r.Properties.NetworkAclId === 'acl-app-a' && !r.Properties.Egress)
      .map(([id]) => id);
    edited.Resources[a].Properties.RuleNumber = before.Resources[b].Properties.RuleNumber;
    edited.Resources[b].Properties.RuleNumber = before.Resources[a].Properties.RuleNumber;
    expect(simulateUpdate(before, edited).conflicts.map(c => c.error)).toContain('NetworkAclEntryAlreadyExists');
  });
});

describe('a new VPC', () => {
  const edits: Array<[string, Overrides]> = [
    ['tcp 443', { allowOutbound: tcp(443) }],
    ['tcp 443 and 9200', { allowOutbound: tcp(443, 9200) }],
    ['tcp 9200 to two blocks', { allowOutbound: tcp(9200), externalCidrBlocks: ['10.200.0.0/16', '172.16.0.0/16'] }],
    ['tcp 22 and 9200 without the deny', { allowOutbound: tcp(22, 9200), blanketDeny: false }],
  ];
  const templates = edits.map(([name, e]) => [name, synthNewVpc(e).template] as const);
  test.each(templates)('from "%s" to every other edit: nothing collides, and no entry that stays is replaced', (from, a) => {
    const failing = edits.filter(([to]) => to !== from)
      .map(([to, props]) => ({ from, to, simulation: simulateUpdate(a, synthNewVpc(props, {}, a).template) }))
      .filter(u => u.simulation.conflicts.length > 0 || u.simulation.replaced.length > 0)
      .map(u => ({ from: u.from, to: u.to, conflicts: u.simulation.conflicts, replaced: u.simulation.replaced }));
    expect(failing).toEqual([]);
  });
});

describe('NACLs of other stacks with the same logical id', () => {
  test('reordering them changes nothing: names depend on the NACL alone, not on the order they were met', () => {
    const build = (order: 'xy' | 'yx') => {
      const app = new App();
      const acls = ['X', 'Y'].map(s => {
        const other = new Stack(app, `Network${s}`);
        return new ec2.NetworkAcl(other, 'Acl', { vpc: new ec2.Vpc(other, 'Vpc', { maxAzs: 1, natGateways: 0 }) });
      });
      const stack = new Stack(app, 'Test');
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-1', availabilityZones: ['a'], privateSubnetIds: ['subnet-1'], privateSubnetRouteTableIds: ['rtb-1'],
      });
      new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, networkAcls: order === 'xy' ? acls : [acls[1], acls[0]] });
      return Template.fromStack(stack).toJSON();
    };
    const [xy, yx] = [build('xy'), build('yx')];
    expect(simulateUpdate(xy, yx).conflicts).toEqual([]);
    expect(Object.keys(yx.Resources).sort()).toEqual(Object.keys(xy.Resources).sort());
    expect(Object.keys(xy.Resources).filter(id => id.includes('NetworkX')).length).toBeGreaterThan(0);
  });
});

describe('one CIDR block spelled two ways is one route', () => {
  test('upper-case and expanded IPv6 spellings give the same template', () => {
    const dualStack = { ipProtocol: ec2.IpProtocol.DUAL_STACK };
    const a = synthNewVpc({ externalIpv6CidrBlocks: ['2600:1f18:abcd::/56'] }, dualStack).template;
    const b = synthNewVpc({ externalIpv6CidrBlocks: ['2600:1F18:ABCD:0::/56'] }, dualStack).template;
    expect(b).toEqual(a);
    expect(simulateUpdate(a, b).conflicts).toEqual([]);
  });
});

describe('logical ids come from what resources are, never from token strings', () => {
  test('token CIDRs keep their slots whatever tokens were made before them', () => {
    const build = (filler: number) => {
      const stack = new Stack(new App(), 'Test');
      for (let i = 0; i < filler; i++) {
        new CfnParameter(stack, `Filler${i}`);
      }
      const cidrA = new CfnParameter(stack, 'CidrA').valueAsString;
      for (let i = 0; i < filler; i++) {
        new CfnParameter(stack, `Gap${i}`);
      }
      const cidrB = new CfnParameter(stack, 'CidrB').valueAsString;
      const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
      new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, externalCidrBlocks: [cidrA, cidrB] });
      return peeringResources(recordTemplate(Template.fromStack(stack).toJSON()));
    };
    const plain = build(0);
    expect(Object.keys(plain)).toHaveLength(4 + 10); // 2 tables × 2 blocks; per block 3 ingress and 2 egress entries
    expect(build(50)).toEqual(plain);
  });

  test('the same props give the same template whatever was built before the construct', () => {
    const plain = synthNewVpc().template;
    const stack = new Stack(new App(), 'Test');
    // Unrelated constructs made first shift every token number of the app.
    for (let i = 0; i < 3; i++) {
      new ec2.Vpc(stack, `Other${i}`, { maxAzs: 1, natGateways: 0 });
    }
    const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    const shifted = recordTemplate(Template.fromStack(stack).toJSON());
    expect(Object.keys(peeringResources(plain))).toHaveLength(7);
    expect(peeringResources(shifted)).toEqual(peeringResources(plain));
  });
});
