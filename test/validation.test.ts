import { CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BASE, importedVpcStack, newVpcStack, Overrides, resourcesOfType, synthNewVpc } from './fixtures';
import { PeeringConnectionAccepter, VpcPeeringExternal, VpcPeeringExternalProps } from '../src';
import { recordTemplate } from './support/record-template';
import { synthErrors } from './support/synth-errors';

describe('bad input is refused at synth time with a message that names the prop, shows the value and says the fix', () => {
  test.each<[string, Overrides, string]>([
    ['invalid CIDR syntax', { externalCidrBlocks: ['10.200.0.0'] },
      "externalCidrBlocks[0] '10.200.0.0' is not a valid IPv4 CIDR block (no prefix length: write it as 10.200.0.0/16)"],
    ['octet over 255', { externalCidrBlocks: ['10.256.0.0/16'] },
      "externalCidrBlocks[0] '10.256.0.0/16' is not a valid IPv4 CIDR block (octet 256 is over 255)"],
    ['prefix over 32', { externalCidrBlocks: ['10.200.0.0/16', '10.0.0.0/33'] },
      "externalCidrBlocks[1] '10.0.0.0/33' is not a valid IPv4 CIDR block (prefix length must be 0-32)"],
    ['host bits set', { externalCidrBlocks: ['10.200.1.0/16'] },
      "externalCidrBlocks[0] '10.200.1.0/16' is not a valid IPv4 CIDR block (host bits are set: the network is 10.200.0.0/16)"],
    ['garbage', { externalCidrBlocks: ['my-vpc/16'] },
      "externalCidrBlocks[0] 'my-vpc/16' is not a valid IPv4 CIDR block (expected four decimal octets such as 10.200.0.0)"],
    ['IPv6 block in the IPv4 list', { externalCidrBlocks: ['2600:1f18::/56'] },
      "externalCidrBlocks[0] '2600:1f18::/56' is not a valid IPv4 CIDR block (it is an IPv6 block: put it in externalIpv6CidrBlocks)"],
    ['no external CIDR', { externalCidrBlocks: [] },
      "externalCidrBlocks is empty (and so is externalIpv6CidrBlocks): give every CIDR block of the external VPC, e.g. externalCidrBlocks: ['10.200.0.0/16']"],
    ['duplicate CIDR', { externalCidrBlocks: ['10.200.0.0/16', '10.200.0.0/16'] },
      "externalCidrBlocks[1] '10.200.0.0/16' is listed twice (also externalCidrBlocks[0]): list each CIDR block once"],
    ['overlapping external CIDRs', { externalCidrBlocks: ['10.200.0.0/16', '10.200.8.0/24'] },
      "externalCidrBlocks[1] '10.200.8.0/24' overlaps externalCidrBlocks[0] '10.200.0.0/16': the CIDR blocks of one VPC never overlap, so one of them is wrong; list each block of the external VPC exactly as it is"],
    ['leading zero in an octet', { externalCidrBlocks: ['010.200.0.0/16'] },
      "externalCidrBlocks[0] '010.200.0.0/16' is not a valid IPv4 CIDR block (octet '010' has a leading zero, which some tools read as octal: write 10)"],
    ['leading zero in the prefix', { externalCidrBlocks: ['10.200.0.0/016'] },
      "externalCidrBlocks[0] '10.200.0.0/016' is not a valid IPv4 CIDR block (prefix length must be 0-32)"],
    ['the whole internet', { externalCidrBlocks: ['0.0.0.0/0'] },
      "externalCidrBlocks[0] '0.0.0.0/0' is not a valid IPv4 CIDR block (/0 is wider than any VPC: a VPC's IPv4 blocks are /16 or narrower, so list the external VPC's blocks one by one)"],
    ['wider than a VPC', { externalCidrBlocks: ['10.200.0.0/15'] },
      "externalCidrBlocks[0] '10.200.0.0/15' is not a valid IPv4 CIDR block (/15 is wider than any VPC: a VPC's IPv4 blocks are /16 or narrower, so list the external VPC's blocks one by one)"],
    ['an empty networkAcls list', { networkAcls: [] },
      'networkAcls is empty, so the peering would be routed with no Network ACL rule at all: leave networkAcls out to use the NACLs of the selected subnets, or list the NACLs that get the allow and deny rules'],
    ['empty pcx id', { vpcPeeringConnectionId: '' },
      "vpcPeeringConnectionId is empty: pass the id ('pcx-…') of the peering connection you accepted"],
    ['not a pcx id', { vpcPeeringConnectionId: 'vpc-0123456789abcdef0' },
      "vpcPeeringConnectionId 'vpc-0123456789abcdef0' is not a VPC peering connection id: expected 'pcx-' and 8 or 17 lowercase hexadecimal characters, as 'aws ec2 describe-vpc-peering-connections' shows it"],
    ['port over 65535', { allowOutbound: [ec2.AclTraffic.tcpPort(443), ec2.AclTraffic.tcpPort(70000)] },
      "allowOutbound[1] port 70000 ('from') is outside 0-65535: ports are whole numbers from 0 to 65535"],
    ['negative port', { allowInbound: [ec2.AclTraffic.udpPortRange(-1, 53)] },
      "allowInbound[0] port -1 ('from') is outside 0-65535: ports are whole numbers from 0 to 65535"],
    ['reversed port range', { allowOutbound: [ec2.AclTraffic.tcpPortRange(9300, 9200)] },
      "allowOutbound[0] 9300-9200 is reversed: 'from' (9300) must not be above 'to' (9200); write { from: 9200, to: 9300 }"],
    ['no traffic at all', { allowOutbound: [] },
      'allowOutbound is empty (and so is allowInbound): name the traffic the private subnets may open to the external VPC, e.g. allowOutbound: [ec2.AclTraffic.tcpPort(443)], or what the external VPC may open to them in allowInbound'],
    ['reversed ephemeral range', { ephemeralPortRange: { from: 65535, to: 1024 } },
      "ephemeralPortRange 65535-1024 is reversed: 'from' (65535) must not be above 'to' (1024); write { from: 1024, to: 65535 }"],
    ['ephemeral range without an end', { ephemeralPortRange: { from: 1024 } },
      "ephemeralPortRange needs both 'from' and 'to', e.g. { from: 1024, to: 65535 }"],
    ['ICMPv6 without IPv6 blocks', { allowOutbound: [ec2.AclTraffic.icmpv6({ type: 128, code: -1 })] },
      'allowOutbound[0] (icmpv6 type 128) only applies to IPv6, but externalIpv6CidrBlocks is empty: use ec2.AclTraffic.icmp() or add the external IPv6 blocks'],
    ['an ephemeral range below 1024 (the replies would let the peer reach ssh)', { ephemeralPortRange: { from: 0, to: 65535 } },
      "ephemeralPortRange 0-65535 reaches below 1024: the replies' allow rules would let the external VPC open connections to the well-known ports of your subnets too (ssh 22, smb 445, ...), and no client sends from them. Use EphemeralPorts.ALL_CLIENTS (1024-65535), EphemeralPorts.LINUX (32768-60999) or EphemeralPorts.WINDOWS (49152-65535), or a range that starts at 1024 or above"],
    ['an IPv4-mapped IPv6 block', { externalIpv6CidrBlocks: ['::ffff:10.200.0.0/112'] },
      "externalIpv6CidrBlocks[0] '::ffff:10.200.0.0/112' is not a valid IPv6 CIDR block (it overlaps ::ffff:0:0/96, IPv4-mapped: IPv4 addresses written as IPv6, which IPv4 traffic never matches, which no VPC can have: give the external VPC's own blocks)"],
    ['a NAT64 block', { externalIpv6CidrBlocks: ['64:ff9b::/96'] },
      "externalIpv6CidrBlocks[0] '64:ff9b::/96' is not a valid IPv6 CIDR block (it overlaps 64:ff9b::/96, NAT64 (IPv4 addresses translated into IPv6), which no VPC can have: give the external VPC's own blocks)"],
    ['a link-local IPv6 block', { externalIpv6CidrBlocks: ['fe80::/64'] },
      "externalIpv6CidrBlocks[0] 'fe80::/64' is not a valid IPv6 CIDR block (it overlaps fe80::/10, link-local, which no VPC can have: give the external VPC's own blocks)"],
    ['the link-local IPv4 block (metadata, DNS)', { externalCidrBlocks: ['169.254.0.0/16'] },
      "externalCidrBlocks[0] '169.254.0.0/16' is not a valid IPv4 CIDR block (it overlaps 169.254.0.0/16, link-local (the instance metadata service, the Amazon DNS server), which no VPC can have: give the external VPC's own blocks)"],
    ['a loopback block', { externalCidrBlocks: ['127.0.0.0/16'] },
      "externalCidrBlocks[0] '127.0.0.0/16' is not a valid IPv4 CIDR block (it overlaps 127.0.0.0/8, loopback, which no VPC can have: give the external VPC's own blocks)"],
    ['rule number out of range', { firstRuleNumber: 0 },
      'firstRuleNumber 0 is not a rule number: Network ACL rule numbers are whole numbers from 1 to 32766'],
    ['empty band', { firstRuleNumber: 90, lastRuleNumber: 80 },
      'firstRuleNumber 90 is above lastRuleNumber 80: the band [firstRuleNumber, lastRuleNumber] is empty'],
    ['quota above 40', { maxRulesPerNetworkAcl: 41 },
      'maxRulesPerNetworkAcl 41 is not a possible quota: AWS allows 20 rules per Network ACL, direction and address family by default, and at most 40 after a quota increase'],
    ['band too small', { firstRuleNumber: 90, lastRuleNumber: 91 },
      'firstRuleNumber 90 to lastRuleNumber 91 holds 2 rule numbers, but 3 ingress entries are needed in one Network ACL (2 allow, 1 deny): widen the band, allow fewer port ranges or use fewer CIDR blocks'],
  ])('%s', (_, overrides, message) => {
    expect(() => synthNewVpc(overrides)).toThrow(new Error(message));
  });
});

/** Synthesizes a new-VPC stack with the construct and returns the validation errors. */
function newVpcErrors(overrides: Overrides): string[] {
  const { stack, vpc } = newVpcStack();
  new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, ...overrides });
  return synthErrors(stack);
}

const BEHIND_100 = "[Test/Peering] lastRuleNumber 120 puts rules at or above 100 in the VPC's default Network ACL " +
  'Vpc8378EB38.DefaultNetworkAcl, whose allow-all rule 100 holds that number and decides all traffic first: those rules ' +
  'would never apply (and 100 itself would fail the deploy). Keep lastRuleNumber at 99 or below';

describe('input that only the complete app shows wrong fails synth, each problem once, on the construct, all together', () => {
  test.each<[string, Overrides, string[]]>([
    ['external CIDR overlapping the VPC', { externalCidrBlocks: ['10.0.128.0/17'] },
      ["[Test/Peering] externalCidrBlocks[0] '10.0.128.0/17' overlaps the VPC's CIDR block 10.0.0.0/16: AWS cannot peer VPCs whose CIDR blocks overlap; check the CIDR blocks of the external VPC"]],
    ['no subnet of the selected type: says what the VPC has', { subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } },
      ["[Test/Peering] subnets { subnetType: Isolated } selects no subnet of the VPC Test/Vpc (There are no 'Isolated' subnet groups in this VPC. Available types: Deprecated_Private_NAT,Private,Deprecated_Private,Public). " +
       "The VPC has 2 PRIVATE_WITH_EGRESS (group 'Private'), 2 PUBLIC (group 'Public') subnets: select the private app subnets, e.g. subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } or { subnetGroupName: 'Private' } or { subnetType: ec2.SubnetType.PUBLIC } or { subnetGroupName: 'Public' }"]],
    ['band behind the default NACL allow-all', { firstRuleNumber: 90, lastRuleNumber: 120 }, [BEHIND_100]],
    ['band on the default NACL allow-all without deny', { firstRuleNumber: 100, lastRuleNumber: 120, blanketDeny: false }, [BEHIND_100]],
    ['IPv6 blocks for an IPv4-only VPC', { externalIpv6CidrBlocks: ['2600:1f18:abcd::/56'] },
      ['[Test/Peering] externalIpv6CidrBlocks is given, but the VPC Test/Vpc has no IPv6 CIDR block, so IPv6 traffic cannot flow over the peering: create the VPC with ipProtocol: ec2.IpProtocol.DUAL_STACK (or give it an ec2.CfnVPCCidrBlock with amazonProvidedIpv6CidrBlock), or leave externalIpv6CidrBlocks out']],
  ])('%s', (_, overrides, errors) => {
    expect(newVpcErrors(overrides)).toEqual(errors);
  });

  test('more rules than the quota, counting the default NACL allow-all rule and the implicit deny', () => {
    // Egress: 18 allows + 1 deny = 19, plus the allow-all at 100 and the implicit deny = 21 > 20.
    const allowOutbound = Array.from({ length: 18 }, (_, i) => ec2.AclTraffic.tcpPort(1000 + 2 * i));
    expect(newVpcErrors({ allowOutbound })).toEqual([
      '[Test/Peering] Network ACL Vpc8378EB38.DefaultNetworkAcl would hold 21 IPv4 egress rules (19 from Test/Peering, 1 already there, and the implicit deny rule), ' +
      'over maxRulesPerNetworkAcl 20: merge ports into ranges or allow fewer, use fewer CIDR blocks, raise the quota "Rules per network ACL" ' +
      "(at most 40) and set maxRulesPerNetworkAcl to it, or put the vendors' subnets on separate Network ACLs",
    ]);
    // The same fits once the quota is raised.
    expect(newVpcErrors({ allowOutbound, maxRulesPerNetworkAcl: 25 })).toEqual([]);
  });

  test('an imported VPC with several problems reports them all in one synth', () => {
    const { stack } = importedVpcStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'NoRtb', {
      vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa9'],
    });
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    expect(synthErrors(stack)).toEqual([
      "[Test/Peering] subnets: subnet 'subnet-0aaaaaaaaaaaaaaa9' (Test/NoRtb/PrivateSubnet1) has no route table id, so no route to the external VPC can be added for them. " +
      'Import the subnets with their route tables: ec2.Vpc.fromVpcAttributes({ ..., privateSubnetRouteTableIds }) or ec2.Subnet.fromSubnetAttributes({ subnetId, routeTableId })',
      "[Test/Peering] networkAcls is required: subnet 'subnet-0aaaaaaaaaaaaaaa9' (Test/NoRtb/PrivateSubnet1) is imported, and imported subnets carry no Network ACL (nor does the app associate one with them). " +
      "Pass the NACLs of the selected subnets, e.g. networkAcls: [ec2.NetworkAcl.fromNetworkAclId(this, 'AppAcl', 'acl-0123456789abcdef0')]",
    ]);
  });

  test('an imported VPC that knows no subnets: the error says how to list them', () => {
    const { stack, acl } = importedVpcStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Bare', { vpcId: 'vpc-2', availabilityZones: ['us-east-1a'] });
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, networkAcls: [acl] });
    expect(synthErrors(stack)).toEqual([expect.stringMatching(
      /^\[Test\/Peering\] subnets \(default \{ subnetType: PRIVATE_WITH_EGRESS \}\) selects no subnet of the VPC Test\/Bare .*The VPC knows no subnets \(an imported VPC without subnet ids\): list the private app subnets with subnets: \{ subnets: \[ec2.Subnet.fromSubnetAttributes/)]);
  });

  test('an external CIDR overlapping a selected subnet of an imported VPC without vpcCidrBlock', () => {
    const { stack, acl } = importedVpcStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'NoCidr', {
      vpcId: 'vpc-1',
      availabilityZones: ['us-east-1a'],
      privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa9'],
      privateSubnetRouteTableIds: ['rtb-1'],
      privateSubnetIpv4CidrBlocks: ['10.9.1.0/24'],
    });
    new VpcPeeringExternal(stack, 'Peering', { vpc, networkAcls: [acl], ...BASE, externalCidrBlocks: ['10.9.0.0/16'] });
    expect(synthErrors(stack)).toEqual([expect.stringContaining(
      "externalCidrBlocks[0] '10.9.0.0/16' overlaps the CIDR block of subnet 'subnet-0aaaaaaaaaaaaaaa9' (Test/NoCidr/PrivateSubnet1) 10.9.1.0/24")]);
  });

  test('the same NACL twice in networkAcls gets its rules once', () => {
    const { stack, vpc, acl } = importedVpcStack();
    const again = ec2.NetworkAcl.fromNetworkAclId(stack, 'Again', 'acl-0ccccccccccccccc1');
    const construct = new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, networkAcls: [acl, again] });
    expect(construct.networkAclIds).toEqual(['acl-0ccccccccccccccc1']);
    expect(construct.networkAclEntries).toHaveLength(5);
  });

  test('an external CIDR overlapping the imported VPC', () => {
    const { stack, vpc, acl } = importedVpcStack();
    new VpcPeeringExternal(stack, 'Peering', { vpc, networkAcls: [acl], ...BASE, externalCidrBlocks: ['10.1.128.0/17'] });
    expect(synthErrors(stack)).toEqual([expect.stringContaining("externalCidrBlocks[0] '10.1.128.0/17' overlaps the VPC's CIDR block 10.1.0.0/16")]);
  });
});

describe('unresolved tokens are accepted', () => {
  test('a CfnParameter CIDR and an imported pcx id', () => {
    const { stack, vpc } = newVpcStack();
    const cidr = new CfnParameter(stack, 'ExternalCidr', { type: 'String' });
    new VpcPeeringExternal(stack, 'Peering', {
      vpc,
      vpcPeeringConnectionId: Fn.importValue('SaasPeeringId'),
      externalCidrBlocks: [cidr.valueAsString],
      allowOutbound: [ec2.AclTraffic.tcpPort(443)],
    });
    const template = recordTemplate(Template.fromStack(stack).toJSON());
    const routes = resourcesOfType(template, 'AWS::EC2::Route').filter(([, p]) => p.VpcPeeringConnectionId);
    expect(routes.map(([, p]) => p.DestinationCidrBlock)).toEqual([{ Ref: 'ExternalCidr' }, { Ref: 'ExternalCidr' }]);
    expect(routes[0][1].VpcPeeringConnectionId).toEqual({ 'Fn::ImportValue': 'SaasPeeringId' });
    const entries = resourcesOfType(template, 'AWS::EC2::NetworkAclEntry');
    expect(entries.every(([, p]) => JSON.stringify(p.CidrBlock) === '{"Ref":"ExternalCidr"}')).toBe(true);
    // The construct id of a token CIDR comes from what it resolves to, so it is stable.
    expect(routes[0][0]).toBe('RouteVpcPrivateSubnet1RouteTableB2C5B500ToExternalCidr');
    // Guarded before the deploy touches anything: a Rule refuses every address as the parameter's value.
    expect(template.Rules.VpcPeeringExternalBlockExternalCidr).toEqual({
      Assertions: [{
        Assert: { 'Fn::Not': [{ 'Fn::Contains': [['0.0.0.0/0', '::/0', '10.0.0.0/16'], { Ref: 'ExternalCidr' }] }] },
        AssertDescription: 'ExternalCidr is an external CIDR block of a VPC peering: it must be the external VPC\'s block, not 0.0.0.0/0, ::/0, 10.0.0.0/16 (every address, or this VPC\'s own block)',
      }],
    });
  });

  test('a token port is kept as given, next to the merged ones', () => {
    const { stack, vpc } = newVpcStack();
    const port = new CfnParameter(stack, 'Port', { type: 'Number' });
    new VpcPeeringExternal(stack, 'Peering', {
      vpc, ...BASE, allowOutbound: [ec2.AclTraffic.tcpPort(443), ec2.AclTraffic.tcpPort(port.valueAsNumber)],
    });
    const egress = resourcesOfType(recordTemplate(Template.fromStack(stack).toJSON()), 'AWS::EC2::NetworkAclEntry')
      .filter(([, p]) => p.Egress && p.RuleAction === 'allow');
    expect(egress.map(([, p]) => p.PortRange)).toEqual([{ From: 443, To: 443 }, { From: { Ref: 'Port' }, To: { Ref: 'Port' } }]);
  });
});

test('ICMP traffic without a type and code is refused, not widened to all of ICMP', () => {
  const noType = { toTrafficConfig: () => ({ protocol: 1 }) } as unknown as ec2.AclTraffic;
  expect(() => synthNewVpc({ allowOutbound: [noType] })).toThrow(new Error(
    'allowOutbound[0] (icmp) needs an ICMP type and code: e.g. ec2.AclTraffic.icmp({ type: 8, code: -1 }) for echo requests, or { type: -1, code: -1 } for all of icmp',
  ));
  expect(() => synthNewVpc({ allowOutbound: [ec2.AclTraffic.icmp({ type: 3 })] })).toThrow('allowOutbound[0] (icmp) needs an ICMP type and code');
});

describe('props of the wrong shape (JavaScript, Python None, a string for a construct) get a message, not a TypeError', () => {
  const stack = () => newVpcStack();
  test.each<[string, (vpc: ec2.IVpc) => unknown, string]>([
    ['no props at all', () => undefined,
      'VpcPeeringExternal needs its props, got nothing: pass at least { vpc, vpcPeeringConnectionId }'],
    ['null props', () => null, 'VpcPeeringExternal needs its props, got null'],
    ['vpc null', () => ({ ...BASE, vpc: null }),
      "vpc is required, got nothing: pass the VPC whose subnets peer, e.g. ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: 'vpc-…' }) or a new ec2.Vpc"],
    ['vpc given as its id', () => ({ ...BASE, vpc: 'vpc-0a1b2c3d4e5f60718' }),
      "vpc is 'vpc-0a1b2c3d4e5f60718', not a VPC (ec2.IVpc): pass the VPC whose subnets peer"],
    ['no connection id', (vpc) => ({ ...BASE, vpc, vpcPeeringConnectionId: undefined }),
      "vpcPeeringConnectionId is required, got nothing: pass the id of the peering connection, e.g. 'pcx-0123456789abcdef0'"],
    ['a hole in externalCidrBlocks', (vpc) => ({ ...BASE, vpc, externalCidrBlocks: ['10.200.0.0/16', null] }),
      'externalCidrBlocks[1] is null: remove it, or pass 10.200.0.0/16'],
    ['a block as a number', (vpc) => ({ ...BASE, vpc, externalCidrBlocks: [10] }),
      'externalCidrBlocks[0] is 10, not a string: pass 10.200.0.0/16'],
    ['one block, not a list', (vpc) => ({ ...BASE, vpc, externalCidrBlocks: '10.200.0.0/16' }),
      "externalCidrBlocks is '10.200.0.0/16', not a list: pass a list such as ['10.200.0.0/16']"],
    ['a port number as traffic', (vpc) => ({ ...BASE, vpc, allowOutbound: [443] }),
      'allowOutbound[0] is 443, not a construct with toTrafficConfig: pass ec2.AclTraffic.tcpPort(443)'],
    ['a NACL id as a NACL', (vpc) => ({ ...BASE, vpc, networkAcls: ['acl-0123'] }),
      "networkAcls[0] is 'acl-0123', not a construct with networkAclId: pass ec2.NetworkAcl.fromNetworkAclId(this, 'Acl', 'acl-…')"],
    ['a flag as a string', (vpc) => ({ ...BASE, vpc, createNetworkAcl: 'yes' }),
      "createNetworkAcl is 'yes', not true or false: pass true or false"],
  ])('%s', (_, props, message) => {
    const { stack: s, vpc } = stack();
    expect(() => new VpcPeeringExternal(s, 'Peering', props(vpc) as any)).toThrow(message);
  });

  test('an optional prop given as null (Python None) counts as not given', () => {
    const { stack: s, vpc } = stack();
    new VpcPeeringExternal(s, 'Peering', { ...BASE, vpc, allowInbound: null, createNetworkAcl: null, subnets: null } as any);
    expect(synthErrors(s)).toEqual([]);
  });

  test('PeeringConnectionAccepter: the same', () => {
    const { stack: s } = stack();
    expect(() => new PeeringConnectionAccepter(s, 'A', { vpc: undefined, vpcPeeringConnectionId: 'pcx-0123456789abcdef0' } as any))
      .toThrow('vpc is required, got nothing');
  });
});

describe('denyOtherNetworkAcls that adds no Network ACL says so', () => {
  test('GIVEN a new VPC whose tiers all share the default NACL THEN a warning: the other tiers get the allows too', () => {
    const { stack, vpc } = newVpcStack();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, denyOtherNetworkAcls: true });
    expect(synthErrors(stack)).toEqual([]);
    const [warning] = Annotations.fromStack(stack).findWarning('/Test/Peering', Match.stringLikeRegexp('denyOtherNetworkAclsAddsNothing'));
    expect(warning.entry.data).toContain('every Network ACL of the VPC that the app knows already gets the rules');
  });

  test('GIVEN an imported VPC THEN a warning: the app knows none of its NACLs', () => {
    const { stack, vpc, acl } = importedVpcStack();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, networkAcls: [acl], denyOtherNetworkAcls: true });
    const [warning] = Annotations.fromStack(stack).findWarning('/Test/Peering', Match.stringLikeRegexp('denyOtherNetworkAclsAddsNothing'));
    expect(warning.entry.data).toContain('the app knows no other Network ACL of the VPC');
  });

  test('GIVEN a NACL of its own for the app subnets THEN no warning: the default NACL of the other tiers gets the denies', () => {
    const { stack, vpc } = newVpcStack();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, createNetworkAcl: true, denyOtherNetworkAcls: true });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('denyOtherNetworkAclsAddsNothing'))).toEqual([]);
  });
});

describe('a message stays readable whatever the app: lists name the first few and count the rest', () => {
  const vendors = (stack: Stack, vpc: ec2.IVpc, n: number, extra: (i: number) => Partial<VpcPeeringExternalProps>) => {
    for (let i = 0; i < n; i++) {
      new VpcPeeringExternal(stack, `Vendor${i}`, {
        vpc,
        vpcPeeringConnectionId: `pcx-${i.toString(16).padStart(17, '0')}`,
        externalCidrBlocks: [`10.${100 + Math.floor(i / 250)}.${i % 250}.0/24`],
        allowOutbound: [ec2.AclTraffic.tcpPort(443)],
        ...extra(i),
      });
    }
    return synthErrors(stack);
  };

  test('GIVEN 120 peerings numbered automatically on one NACL THEN the error names five and counts the rest', () => {
    const { stack, vpc } = newVpcStack();
    const errors = vendors(stack, vpc, 120, () => ({}));
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(
      /need 360: Test\/Vendor0 \(3\), Test\/Vendor1 \(3\), Test\/Vendor2 \(3\), Test\/Vendor3 \(3\), Test\/Vendor4 \(3\) and 115 more\./)]));
    expect(Math.max(...errors.map(e => e.length))).toBeLessThan(1000);
  });

  test('GIVEN 120 peerings with bands of their own on one NACL THEN the quota error is a few lines', () => {
    const { stack, vpc, acl } = importedVpcStack();
    const errors = vendors(stack, vpc, 120, i => ({ networkAcls: [acl], firstRuleNumber: 3 * i + 1, lastRuleNumber: 3 * i + 3 }));
    const quota = errors.find(e => e.includes('over maxRulesPerNetworkAcl'));
    expect(quota).toMatch(/would hold 361 IPv4 ingress rules \(3 from Test\/Vendor0, .* and 115 more, 0 already there/);
    expect(Math.max(...errors.map(e => e.length))).toBeLessThan(1500);
  });
});
