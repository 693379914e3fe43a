import { assertUpdatable, classifyUpdate, duplicateKeys, physicalKey, simulateUpdate } from '../../src/analysis/cfn-update';
import { CfnTemplate } from '../../src/analysis/template';

const ACL = { 'Fn::GetAtt': ['Vpc8378EB38', 'DefaultNetworkAcl'] };
const RTB = { Ref: 'VpcAppSubnet1RouteTable' };
const PCX = 'pcx-0123456789abcdef0';

/** A NetworkAclEntry (ingress unless `Egress` is given) in the default NACL. */
function entry(ruleNumber: number | string, props: Record<string, unknown> = {}) {
  return {
    Type: 'AWS::EC2::NetworkAclEntry',
    Properties: { NetworkAclId: ACL, RuleNumber: ruleNumber, Protocol: 6, PortRange: { From: 443, To: 443 }, CidrBlock: '10.1.0.0/16', RuleAction: 'allow', ...props },
  };
}
function route(destination: string, props: Record<string, unknown> = {}) {
  const key = destination.includes(':') ? 'DestinationIpv6CidrBlock' : 'DestinationCidrBlock';
  return { Type: 'AWS::EC2::Route', Properties: { RouteTableId: RTB, [key]: destination, VpcPeeringConnectionId: PCX, ...props } };
}
function template(resources: Record<string, unknown>): CfnTemplate {
  return { Resources: resources } as CfnTemplate;
}

describe('simulateUpdate classification', () => {
  test('sorts logical ids into added, removed, replaced, updated in place and unchanged', () => {
    const before = template({
      Same: entry(10),
      Renumbered: entry(20),
      Redirected: entry(30, { CidrBlock: '10.2.0.0/16' }),
      Retyped: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' } } },
      Gone: route('10.1.0.0/16'),
    });
    const after = template({
      Same: entry(10),
      Renumbered: entry(21),
      Redirected: entry(30, { CidrBlock: '10.3.0.0/16' }),
      Retyped: { Type: 'AWS::EC2::NetworkAclEntry', Properties: { VpcId: { Ref: 'Vpc' } } },
      New: route('10.9.0.0/16'),
    });
    expect(simulateUpdate(before, after)).toEqual({
      added: ['New'], removed: ['Gone'], replaced: ['Renumbered', 'Retyped'], updatedInPlace: ['Redirected'], unchanged: ['Same'], conflicts: [],
    });
  });

  test.each([
    ['CidrBlock', { CidrBlock: '10.2.0.0/16' }],
    ['PortRange', { PortRange: { From: 443, To: 444 } }],
    ['RuleAction', { RuleAction: 'deny' }],
    ['Protocol and PortRange', { Protocol: -1, PortRange: undefined }],
    ['CIDR family', { CidrBlock: undefined, Ipv6CidrBlock: '2001:db8::/32' }],
    ['RuleNumber 10 → "10"', { RuleNumber: '10' }],
    ['Egress absent → false', { Egress: false }],
  ])('a NACL entry change of %s is not a replacement', (_name, change) => {
    const result = simulateUpdate(template({ E: entry(10) }), template({ E: entry(10, change) }));
    expect(result.replaced).toEqual([]);
    expect(result.updatedInPlace).toEqual(['E']);
    expect(result.conflicts).toEqual([]);
  });

  test.each([
    ['RuleNumber', { RuleNumber: 11 }],
    ['Egress', { Egress: 'true' }],
    ['NetworkAclId', { NetworkAclId: { Ref: 'CustomAcl' } }],
  ])('a NACL entry change of %s is a replacement', (_name, change) => {
    const result = simulateUpdate(template({ E: entry(10) }), template({ E: entry(10, change) }));
    expect(result.replaced).toEqual(['E']);
    expect(result.conflicts).toEqual([]);
  });

  test('a route target change updates in place, a destination or table change replaces', () => {
    const before = template({ Target: route('10.1.0.0/16'), Dest: route('10.2.0.0/16'), Table: route('10.3.0.0/16') });
    const after = template({
      Target: route('10.1.0.0/16', { VpcPeeringConnectionId: 'pcx-0ffffffffffffffff' }),
      Dest: route('10.4.0.0/16'),
      Table: route('10.3.0.0/16', { RouteTableId: { Ref: 'OtherTable' } }),
    });
    expect(simulateUpdate(before, after)).toMatchObject({ updatedInPlace: ['Target'], replaced: ['Dest', 'Table'], conflicts: [] });
  });
});

describe('simulateUpdate conflicts', () => {
  test('a new logical id reusing an old (NACL, direction, rule number) fails', () => {
    const before = template({ PeerHttpsRule10: entry(10) });
    const after = template({ PeerHttpsAndSshRule10: entry(10, { PortRange: { From: 22, To: 22 } }) });
    const result = simulateUpdate(before, after);
    expect(result).toMatchObject({ added: ['PeerHttpsAndSshRule10'], removed: ['PeerHttpsRule10'] });
    expect(result.conflicts).toEqual([{
      reason: 'held-by-old-template',
      error: 'NetworkAclEntryAlreadyExists',
      key: `AWS::EC2::NetworkAclEntry ${JSON.stringify(ACL)} ingress #10`,
      logicalId: 'PeerHttpsAndSshRule10',
      heldBy: 'PeerHttpsRule10',
    }]);
    expect(() => assertUpdatable(before, after)).toThrow(
      /1 conflict\(s\)\):\n {2}- NetworkAclEntryAlreadyExists: creating PeerHttpsAndSshRule10 while PeerHttpsRule10 of the old template still holds .* ingress #10/);
  });

  test('the same rule number in another direction or NACL is free', () => {
    const before = template({ Old: entry(10) });
    const after = template({ EgressTen: entry(10, { Egress: true }), OtherAcl: entry('10', { NetworkAclId: 'acl-0abc' }) });
    expect(assertUpdatable(before, after)).toMatchObject({ added: ['EgressTen', 'OtherAcl'], removed: ['Old'], conflicts: [] });
  });

  test('a renumbered entry is a replacement that fails when another old entry holds its new number', () => {
    // A port was added in front: every rule moved one slot down, logical ids stayed with the contents.
    const before = template({ Https: entry(10), Postgres: entry(20, { PortRange: { From: 5432, To: 5432 } }) });
    const after = template({
      Ssh: entry(10, { PortRange: { From: 22, To: 22 } }),
      Https: entry(20),
      Postgres: entry(30, { PortRange: { From: 5432, To: 5432 } }),
    });
    const result = simulateUpdate(before, after);
    expect(result).toMatchObject({ added: ['Ssh'], replaced: ['Https', 'Postgres'] });
    expect(result.conflicts.map((c) => [c.logicalId, c.heldBy])).toEqual([['Ssh', 'Https'], ['Https', 'Postgres']]);
    expect(() => assertUpdatable(before, after)).toThrow(/2 conflict\(s\)/);
  });

  test('a renumbered entry moving to a free number is a conflict-free replacement', () => {
    const result = assertUpdatable(template({ Https: entry(10) }), template({ Https: entry(15) }));
    expect(result.replaced).toEqual(['Https']);
  });

  test('swapping the contents of two slots is conflict-free when logical ids are tied to slots, not to contents', () => {
    const https = { PortRange: { From: 443, To: 443 } };
    const ssh = { PortRange: { From: 22, To: 22 }, RuleAction: 'deny' };
    const bySlot = simulateUpdate(
      template({ Rule10: entry(10, https), Rule20: entry(20, ssh) }),
      template({ Rule10: entry(10, ssh), Rule20: entry(20, https) }),
    );
    expect(bySlot).toMatchObject({ updatedInPlace: ['Rule10', 'Rule20'], replaced: [], conflicts: [] });

    const byContent = simulateUpdate(
      template({ Https: entry(10, https), Ssh: entry(20, ssh) }),
      template({ Https: entry(20, https), Ssh: entry(10, ssh) }),
    );
    expect(byContent.replaced).toEqual(['Https', 'Ssh']);
    expect(byContent.conflicts.map((c) => [c.logicalId, c.heldBy])).toEqual([['Https', 'Ssh'], ['Ssh', 'Https']]);
  });

  test('a route for the same table and destination under a new logical id fails with RouteAlreadyExists', () => {
    const before = template({ PeerRoute0: route('10.1.0.0/16'), PeerRoute6: route('2001:db8::/32') });
    const after = template({ PeerRouteA: route('10.1.0.0/16'), PeerRouteB: route('2001:DB8:0::/32'), PeerRouteC: route('10.1.0.0/16', { RouteTableId: 'rtb-1' }) });
    const result = simulateUpdate(before, after);
    expect(result.conflicts).toEqual([
      expect.objectContaining({ error: 'RouteAlreadyExists', logicalId: 'PeerRouteA', heldBy: 'PeerRoute0', key: `AWS::EC2::Route ${JSON.stringify(RTB)} -> 10.1.0.0/16` }),
      expect.objectContaining({ error: 'RouteAlreadyExists', logicalId: 'PeerRouteB', heldBy: 'PeerRoute6', key: `AWS::EC2::Route ${JSON.stringify(RTB)} -> 2001:db8::/32` }),
    ]);
  });

  test('a replacement that keeps its physical key collides with its own old half', () => {
    const result = simulateUpdate(template({ R: route('2001:db8::/32') }), template({ R: route('2001:DB8::/32') }));
    expect(result.replaced).toEqual(['R']);
    expect(result.conflicts).toEqual([expect.objectContaining({ logicalId: 'R', heldBy: 'R', error: 'RouteAlreadyExists' })]);
  });

  test('duplicates within the new template are conflicts even on a fresh create', () => {
    const result = simulateUpdate(template({}), template({ A: entry(10), B: entry('10', { Egress: false, CidrBlock: '10.9.0.0/16' }) }));
    expect(result.added).toEqual(['A', 'B']);
    expect(result.conflicts).toEqual([expect.objectContaining({ reason: 'duplicate-in-new-template', logicalId: 'B', heldBy: 'A', error: 'NetworkAclEntryAlreadyExists' })]);
    expect(() => assertUpdatable(template({}), template({ A: entry(10), B: entry('10') }))).toThrow(/B while A of the new template also holds/);
  });
});

describe('duplicateKeys and physicalKey', () => {
  test('finds NACL entries and routes sharing an identity within one template', () => {
    const t = template({
      A: entry(10),
      B: entry('10', { Egress: 'false' }),
      C: entry(10, { Egress: true }),
      D: entry(10, { Ipv6CidrBlock: '::/0', CidrBlock: undefined }),
      R1: route('10.1.0.0/16'),
      R2: route('10.1.0.0/16', { VpcPeeringConnectionId: 'pcx-other' }),
      R3: route('10.1.0.0/16', { RouteTableId: { Ref: 'OtherTable' } }),
      Acl: { Type: 'AWS::EC2::NetworkAcl', Properties: {} },
    });
    expect(duplicateKeys(t)).toEqual([
      { error: 'NetworkAclEntryAlreadyExists', key: `AWS::EC2::NetworkAclEntry ${JSON.stringify(ACL)} ingress #10`, logicalIds: ['A', 'B', 'D'] },
      { error: 'RouteAlreadyExists', key: `AWS::EC2::Route ${JSON.stringify(RTB)} -> 10.1.0.0/16`, logicalIds: ['R1', 'R2'] },
    ]);
    expect(duplicateKeys(template({ A: entry(10), C: entry(10, { Egress: true }), R3: route('10.1.0.0/16') }))).toEqual([]);
  });

  test('keys prefix lists and other resources', () => {
    expect(physicalKey({ Type: 'AWS::EC2::Route', Properties: { RouteTableId: 'rtb-1', DestinationPrefixListId: 'pl-123' } }))
      .toBe('AWS::EC2::Route "rtb-1" -> pl-123');
    expect(physicalKey({ Type: 'AWS::EC2::NetworkAcl', Properties: {} })).toBeUndefined();
  });
});

describe('classifyUpdate: the resources the transition analysis models, and replacements passed on by references', () => {
  const acl = (props: Record<string, unknown> = {}) => ({ Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: { Ref: 'Vpc' }, ...props } });
  const association = (props: Record<string, unknown> = {}) => ({
    Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: 'subnet-1', NetworkAclId: { Ref: 'Acl' }, ...props },
  });
  const acceptance = (props: Record<string, unknown> = {}) => ({ Type: 'Custom::VpcPeeringAcceptance', Properties: { VpcPeeringConnectionId: PCX, Accept: 'true', ...props } });

  test.each([
    ['an association SubnetId', { A: association() }, { A: association({ SubnetId: 'subnet-2' }) }, 'replaced'],
    ['an association NetworkAclId', { A: association() }, { A: association({ NetworkAclId: 'acl-1' }) }, 'replaced'],
    ['a NACL VpcId', { A: acl() }, { A: acl({ VpcId: 'vpc-1' }) }, 'replaced'],
    ['a NACL tag', { A: acl() }, { A: acl({ Tags: [{ Key: 'Name', Value: 'app' }] }) }, 'updatedInPlace'],
    ['a custom resource VpcPeeringConnectionId', { A: acceptance() }, { A: acceptance({ VpcPeeringConnectionId: 'pcx-0ffffffffffffffff' }) }, 'replaced'],
    ['another custom resource property', { A: acceptance() }, { A: acceptance({ Accept: 'false' }) }, 'updatedInPlace'],
    ['an AWS::CloudFormation::CustomResource VpcPeeringConnectionId',
      { A: { ...acceptance(), Type: 'AWS::CloudFormation::CustomResource' } },
      { A: { ...acceptance({ VpcPeeringConnectionId: 'pcx-1' }), Type: 'AWS::CloudFormation::CustomResource' } }, 'replaced'],
  ])('a change of %s is %s', (_name, before, after, expected) => {
    expect(classifyUpdate(template(before), template(after))).toMatchObject({ [expected as string]: ['A'] });
  });

  test('a replacement replaces what names it in a create-only property and updates what names it elsewhere', () => {
    const vpc = (cidr: string) => ({ Type: 'AWS::EC2::VPC', Properties: { CidrBlock: cidr } });
    const before = template({
      Vpc: vpc('10.0.0.0/16'),
      Acl: acl(),
      Entry: entry(10, { NetworkAclId: { Ref: 'Acl' } }),
      Association: association(),
      Tagged: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: 'vpc-1', Tags: [{ Key: 'Acl', Value: { 'Fn::Sub': '${Acl}' } }] } },
      After: { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: 'vpc-1' }, DependsOn: 'Acl' },
    });
    const after = template({ ...before.Resources, Vpc: vpc('10.1.0.0/16') });
    expect(classifyUpdate(before, after)).toEqual({
      added: [], removed: [], replaced: ['Acl', 'Association', 'Entry', 'Vpc'], updatedInPlace: ['Tagged'], unchanged: ['After'],
    });
    // The entry in the replaced NACL holds its key in a new physical NACL: no conflict with its old half.
    expect(simulateUpdate(before, after).conflicts).toEqual([]);
  });
});
