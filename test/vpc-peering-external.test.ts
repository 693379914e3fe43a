import { App, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BASE, importedVpcStack, newVpcStack, resourcesOfType, synthImported, synthNewVpc } from './fixtures';
import { SaasPeeringPreset, VpcPeeringExternal } from '../src';
import { recordTemplate } from './support/record-template';
import { synthErrors } from './support/synth-errors';

const DEFAULT_ACL = { 'Fn::GetAtt': ['Vpc8378EB38', 'DefaultNetworkAcl'] };

function peeringRoutes(template: any) {
  return resourcesOfType(template, 'AWS::EC2::Route').filter(([, p]) => p.VpcPeeringConnectionId);
}
function entries(template: any) {
  return resourcesOfType(template, 'AWS::EC2::NetworkAclEntry').map(([, p]) => p);
}
/** Entries as compact rows: [acl, direction, number, action, protocol, ports, cidr]. */
function rows(template: any) {
  return entries(template).map(p => [
    JSON.stringify(p.NetworkAclId), p.Egress ? 'egress' : 'ingress', p.RuleNumber, p.RuleAction, p.Protocol,
    p.PortRange ? `${p.PortRange.From}-${p.PortRange.To}` : p.Icmp ? `icmp ${p.Icmp.Type}/${p.Icmp.Code}` : '*',
    p.CidrBlock ?? p.Ipv6CidrBlock,
  ]).sort((a, b) => String(a).localeCompare(String(b)));
}

/** Every statement of the IAM roles' inline policies. */
function statementsOf(template: any): any[] {
  return Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::IAM::Role')
    .flatMap(r => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement));
}

describe('a new ec2.Vpc', () => {
  test('GIVEN the default props THEN one route per private route table and the Terraform module rules on the default NACL, below 100', () => {
    const { template } = synthNewVpc();
    const routes = peeringRoutes(template);
    expect(routes.map(([, p]) => p)).toEqual([
      { RouteTableId: { Ref: 'VpcPrivateSubnet1RouteTableB2C5B500' }, DestinationCidrBlock: '10.200.0.0/16', VpcPeeringConnectionId: 'pcx-0123456789abcdef0' },
      { RouteTableId: { Ref: 'VpcPrivateSubnet2RouteTableA678073B' }, DestinationCidrBlock: '10.200.0.0/16', VpcPeeringConnectionId: 'pcx-0123456789abcdef0' },
    ]);
    const acl = JSON.stringify(DEFAULT_ACL);
    expect(rows(template)).toEqual([
      [acl, 'egress', 50, 'allow', 6, '443-443', '10.200.0.0/16'],
      [acl, 'egress', 99, 'deny', -1, '*', '10.200.0.0/16'],
      [acl, 'ingress', 50, 'allow', 6, '1024-65535', '10.200.0.0/16'],
      [acl, 'ingress', 51, 'allow', 1, 'icmp 3/4', '10.200.0.0/16'],
      [acl, 'ingress', 99, 'deny', -1, '*', '10.200.0.0/16'],
    ]);
  });

  test('subnets on the default NACL name it once (not once per subnet token), so no rule number is used twice', () => {
    const { template } = synthNewVpc();
    const acls = new Set(entries(template).map(p => JSON.stringify(p.NetworkAclId)));
    expect([...acls]).toEqual([JSON.stringify(DEFAULT_ACL)]);
  });

  test('logical ids say what a resource is in EC2: a route its table and destination, an entry its NACL and meaning (not its number)', () => {
    const { template } = synthNewVpc();
    const ids = Object.entries(template.Resources as Record<string, { Type: string }>)
      .filter(([, r]) => ['AWS::EC2::NetworkAclEntry', 'AWS::EC2::Route'].includes(r.Type))
      .map(([id]) => id).filter(id => /^(Nacl|Route)/.test(id) && !id.includes('DefaultRoute')).sort();
    expect(ids).toEqual([
      'NaclVpc8378EB38DefaultNetworkAclEgressAllowTcp443To10x200x0x0x16',
      'NaclVpc8378EB38DefaultNetworkAclEgressDenyAllTo10x200x0x0x16',
      'NaclVpc8378EB38DefaultNetworkAclIngressAllowIcmp3x4From10x200x0x0x16',
      'NaclVpc8378EB38DefaultNetworkAclIngressAllowTcp1024to65535From10x200x0x0x16',
      'NaclVpc8378EB38DefaultNetworkAclIngressDenyAllFrom10x200x0x0x16',
      'RouteVpcPrivateSubnet1RouteTableB2C5B500To10x200x0x0x16',
      'RouteVpcPrivateSubnet2RouteTableA678073BTo10x200x0x0x16',
    ]);
  });

  test('the construct exposes what it created', () => {
    const { construct, stack } = synthNewVpc({ denyNetworkAcls: [] });
    expect(construct.routes).toHaveLength(2);
    expect(construct.networkAclEntries).toHaveLength(5);
    expect(construct.routes.every(r => r instanceof ec2.CfnRoute)).toBe(true);
    expect(stack.resolve(construct.routeTableIds)).toEqual([
      { Ref: 'VpcPrivateSubnet1RouteTableB2C5B500' }, { Ref: 'VpcPrivateSubnet2RouteTableA678073B' },
    ]);
    expect(stack.resolve(construct.networkAclIds)).toEqual([DEFAULT_ACL]);
    expect(construct.denyNetworkAclIds).toEqual([]);
    expect(construct.vpcPeeringConnectionId).toEqual('pcx-0123456789abcdef0');
  });

  test('GIVEN the private subnets on a custom NACL THEN the rules go to that NACL, and the default NACL gets none', () => {
    const { stack, vpc } = newVpcStack();
    new ec2.NetworkAcl(stack, 'AppAcl', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    const template = recordTemplate(Template.fromStack(stack).toJSON());
    const acls = new Set(entries(template).map(p => JSON.stringify(p.NetworkAclId)));
    expect([...acls]).toEqual([JSON.stringify({ Ref: 'AppAcl6CB102E3' })]);
  });

  test('GIVEN subnets (isolated) THEN routes go to their route tables', () => {
    const { template } = synthNewVpc(
      { subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } },
      { subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }], natGateways: 0 },
    );
    expect(peeringRoutes(template).map(([, p]) => p.RouteTableId)).toEqual([
      { Ref: 'VpcDataSubnet1RouteTable4E6A1D3A' }, { Ref: 'VpcDataSubnet2RouteTableE0A3A2B6' },
    ].map(r => expect.objectContaining({ Ref: expect.stringMatching(new RegExp(`^${r.Ref.slice(0, -8)}`)) })));
  });

  test('GIVEN a VPC without subnets of the selected type THEN the error names subnets', () => {
    expect(() => synthNewVpc({ subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }))
      .toThrow("There are no 'Isolated' subnet groups in this VPC");
  });
});

describe('an imported VPC', () => {
  test('GIVEN private subnets that share one route table THEN one route per CIDR, not one per subnet', () => {
    const { template } = synthImported({ externalCidrBlocks: ['10.200.0.0/16', '10.201.0.0/16'] });
    expect(peeringRoutes(template).map(([, p]) => [p.RouteTableId, p.DestinationCidrBlock])).toEqual([
      ['rtb-0bbbbbbbbbbbbbbb1', '10.200.0.0/16'],
      ['rtb-0bbbbbbbbbbbbbbb1', '10.201.0.0/16'],
    ]);
  });

  test('GIVEN several external CIDRs THEN each gets its own allows and deny, numbered allows up and denies down', () => {
    const { template } = synthImported({ externalCidrBlocks: ['10.201.0.0/16', '10.200.0.0/16'] });
    const egress = rows(template).filter(r => r[1] === 'egress');
    expect(egress).toEqual([
      ['"acl-0ccccccccccccccc1"', 'egress', 50, 'allow', 6, '443-443', '10.200.0.0/16'],
      ['"acl-0ccccccccccccccc1"', 'egress', 51, 'allow', 6, '443-443', '10.201.0.0/16'],
      ['"acl-0ccccccccccccccc1"', 'egress', 98, 'deny', -1, '*', '10.201.0.0/16'],
      ['"acl-0ccccccccccccccc1"', 'egress', 99, 'deny', -1, '*', '10.200.0.0/16'],
    ]);
  });

  test('GIVEN denyNetworkAcls THEN those NACLs get only the deny rules, and an access NACL listed there too gets them once', () => {
    const { stack, vpc, acl } = importedVpcStack();
    const publicAcl = ec2.NetworkAcl.fromNetworkAclId(stack, 'PublicAcl', 'acl-0ccccccccccccccc2');
    const construct = new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, networkAcls: [acl], denyNetworkAcls: [publicAcl, acl] });
    const template = recordTemplate(Template.fromStack(stack).toJSON());
    expect(rows(template).filter(r => r[0] === '"acl-0ccccccccccccccc2"')).toEqual([
      ['"acl-0ccccccccccccccc2"', 'egress', 99, 'deny', -1, '*', '10.200.0.0/16'],
      ['"acl-0ccccccccccccccc2"', 'ingress', 99, 'deny', -1, '*', '10.200.0.0/16'],
    ]);
    expect(rows(template).filter(r => r[0] === '"acl-0ccccccccccccccc1"')).toHaveLength(5);
    expect(construct.denyNetworkAclIds).toEqual(['acl-0ccccccccccccccc2']);
  });

  test('GIVEN blanketDeny: false THEN only the allow rules are created', () => {
    const { template } = synthImported({ blanketDeny: false, denyNetworkAcls: [] });
    expect(rows(template).map(r => r[3])).toEqual(['allow', 'allow', 'allow']);
  });

  test('GIVEN blanketDeny: false and denyNetworkAcls THEN the deny-only NACLs get nothing', () => {
    const { stack, vpc, acl } = importedVpcStack();
    const publicAcl = ec2.NetworkAcl.fromNetworkAclId(stack, 'PublicAcl', 'acl-0ccccccccccccccc2');
    const construct = new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, networkAcls: [acl], denyNetworkAcls: [publicAcl], blanketDeny: false });
    expect(rows(recordTemplate(Template.fromStack(stack).toJSON())).some(r => r[0] === '"acl-0ccccccccccccccc2"')).toBe(false);
    expect(construct.denyNetworkAclIds).toEqual([]);
    Annotations.fromStack(stack).hasWarning('/Test/Peering', Match.stringLikeRegexp(
      'denyNetworkAcls lists 1 NACL\\(s\\), but blanketDeny is false, so they get no rule.*denyNetworkAclsWithoutDeny'));
  });
});

describe('traffic', () => {
  test('ports of one protocol that touch or overlap become one rule; duplicates vanish', () => {
    const { template } = synthImported({
      allowOutbound: [80, 443, 443].map(p => ec2.AclTraffic.tcpPort(p))
        .concat([ec2.AclTraffic.tcpPortRange(8080, 8089), ec2.AclTraffic.tcpPort(8090), ec2.AclTraffic.udpPort(53)]),
    });
    const allows = rows(template).filter(r => r[1] === 'egress' && r[3] === 'allow');
    expect(allows.map(r => `${r[4]}:${r[5]}`).sort()).toEqual(['17:53-53', '6:443-443', '6:80-80', '6:8080-8090']);
    // Replies: one TCP and one UDP rule on the ephemeral ports.
    const replies = rows(template).filter(r => r[1] === 'ingress' && r[3] === 'allow' && r[4] !== 1);
    expect(replies.map(r => `${r[4]}:${r[5]}`).sort()).toEqual(['17:1024-65535', '6:1024-65535']);
  });

  test('allTraffic swallows every other allow of its direction', () => {
    const { template } = synthImported({ allowOutbound: [ec2.AclTraffic.tcpPort(443), ec2.AclTraffic.allTraffic()] });
    expect(rows(template).filter(r => r[1] === 'egress' && r[3] === 'allow').map(r => r[4])).toEqual([-1]);
  });

  test('GIVEN allowInbound THEN an ingress allow for it and an egress allow for the replies on the ephemeral ports', () => {
    const { template } = synthImported({
      allowOutbound: [], allowInbound: [ec2.AclTraffic.tcpPort(5432)], ephemeralPortRange: { from: 32768, to: 60999 },
    });
    expect(rows(template)).toEqual([
      ['"acl-0ccccccccccccccc1"', 'egress', 50, 'allow', 6, '32768-60999', '10.200.0.0/16'],
      ['"acl-0ccccccccccccccc1"', 'egress', 99, 'deny', -1, '*', '10.200.0.0/16'],
      ['"acl-0ccccccccccccccc1"', 'ingress', 50, 'allow', 6, '5432-5432', '10.200.0.0/16'],
      ['"acl-0ccccccccccccccc1"', 'ingress', 51, 'allow', 1, 'icmp 3/4', '10.200.0.0/16'],
      ['"acl-0ccccccccccccccc1"', 'ingress', 99, 'deny', -1, '*', '10.200.0.0/16'],
    ]);
  });

  test('GIVEN allowPathMtuDiscovery: false THEN no ICMP rule', () => {
    const { template } = synthImported({ allowPathMtuDiscovery: false });
    expect(rows(template).some(r => r[4] === 1)).toBe(false);
  });

  test('GIVEN an ICMP echo request outbound THEN echo replies come back', () => {
    const { template } = synthImported({ allowOutbound: [ec2.AclTraffic.icmp({ type: 8, code: -1 })], allowPathMtuDiscovery: false });
    expect(rows(template).filter(r => r[3] === 'allow').map(r => `${r[1]} ${r[5]}`)).toEqual(['egress icmp 8/-1', 'ingress icmp 0/-1']);
  });

  test('GIVEN firstRuleNumber and lastRuleNumber THEN every entry is numbered within the band', () => {
    const { template } = synthImported({ firstRuleNumber: 200, lastRuleNumber: 210 });
    expect(rows(template).map(r => r[2])).toEqual([200, 210, 200, 201, 210]);
  });
});

describe('IPv6', () => {
  const dualStack = { ipProtocol: ec2.IpProtocol.DUAL_STACK };

  test('GIVEN a dual-stack VPC and IPv6 external blocks THEN IPv6 routes and IPv6 entries with ICMPv6 path MTU', () => {
    const { template } = synthNewVpc({ externalIpv6CidrBlocks: ['2600:1f18:abcd::/56'] }, dualStack);
    const v6Routes = peeringRoutes(template).filter(([, p]) => p.DestinationIpv6CidrBlock);
    expect(v6Routes.map(([, p]) => p.DestinationIpv6CidrBlock)).toEqual(['2600:1f18:abcd::/56', '2600:1f18:abcd::/56']);
    const v6 = rows(template).filter(r => r[6] === '2600:1f18:abcd::/56');
    expect(v6.map(r => r.slice(1, 6))).toEqual([
      ['egress', 51, 'allow', 6, '443-443'],
      ['egress', 98, 'deny', -1, '*'],
      ['ingress', 52, 'allow', 6, '1024-65535'],
      ['ingress', 53, 'allow', 58, 'icmp 2/0'],
      ['ingress', 98, 'deny', -1, '*'],
    ]);
  });

  test('GIVEN an IPv6 block added to the VPC at stack scope THEN the VPC counts as having IPv6', () => {
    const { stack, vpc } = newVpcStack();
    new ec2.CfnVPCCidrBlock(stack, 'Ipv6Block', { vpcId: vpc.vpcId, amazonProvidedIpv6CidrBlock: true });
    const construct = new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, externalIpv6CidrBlocks: ['2600:1f18:abcd::/56'] });
    expect(construct.routes.filter(r => r.destinationIpv6CidrBlock)).toHaveLength(2);
  });

  test('GIVEN a secondary IPv4 block added at stack scope THEN an external block overlapping it is refused', () => {
    const { stack, vpc } = newVpcStack();
    new ec2.CfnVPCCidrBlock(stack, 'Secondary', { vpcId: vpc.vpcId, cidrBlock: '10.200.0.0/16' });
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    expect(synthErrors(stack)).toEqual([
      "[Test/Peering] externalCidrBlocks[0] '10.200.0.0/16' overlaps the VPC's secondary CIDR block 10.200.0.0/16: AWS cannot " +
      'peer VPCs whose CIDR blocks overlap; check the CIDR blocks of the external VPC',
    ]);
  });

  test('GIVEN only IPv6 external blocks THEN externalCidrBlocks may be empty', () => {
    const { template } = synthNewVpc({ externalCidrBlocks: [], externalIpv6CidrBlocks: ['2600:1f18:abcd::/56'] }, dualStack);
    expect(entries(template).every(p => p.Ipv6CidrBlock && !p.CidrBlock)).toBe(true);
  });

  test('an invalid IPv6 block is refused', () => {
    expect(() => synthNewVpc({ externalIpv6CidrBlocks: ['2600:1f18:abcd::1/56'] }, dualStack))
      .toThrow(new Error("externalIpv6CidrBlocks[0] '2600:1f18:abcd::1/56' is not a valid IPv6 CIDR block (host bits are set: the network is 2600:1f18:abcd::/56)"));
    expect(() => synthNewVpc({ externalIpv6CidrBlocks: ['10.200.0.0/16'] }, dualStack))
      .toThrow(new Error("externalIpv6CidrBlocks[0] '10.200.0.0/16' is not a valid IPv6 CIDR block (it is an IPv4 block: put it in externalCidrBlocks)"));
  });

  test('the quota is counted per address family: 20 IPv4 and 20 IPv6 rules fit side by side', () => {
    // Per direction and family: 17 allows + 1 deny + the default allow-all + the implicit deny = 20.
    const allowOutbound = Array.from({ length: 17 }, (_, i) => ec2.AclTraffic.tcpPort(1000 + 2 * i));
    expect(() => synthNewVpc({ allowOutbound, externalIpv6CidrBlocks: ['2600:1f18:abcd::/56'], firstRuleNumber: 1 }, dualStack)).not.toThrow();
  });
});

describe('the default NACL passed through subnet.networkAcl', () => {
  test('the per-subnet tokens of the default NACL name one NACL, which gets its rules once', () => {
    const { stack, vpc } = newVpcStack();
    const acls = vpc.privateSubnets.map(s => (s as ec2.Subnet).networkAcl);
    const construct = new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, networkAcls: acls });
    expect(stack.resolve(construct.networkAclIds)).toEqual([DEFAULT_ACL]);
    expect(construct.networkAclEntries).toHaveLength(5);
  });

  test('a public subnet\'s default NACL token in denyNetworkAcls is the same default NACL: its denies are made once', () => {
    const { stack, vpc } = newVpcStack();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, denyNetworkAcls: [(vpc.publicSubnets[0] as ec2.Subnet).networkAcl] });
    const template = recordTemplate(Template.fromStack(stack).toJSON());
    expect(new Set(entries(template).map(p => JSON.stringify(p.NetworkAclId)))).toEqual(new Set([JSON.stringify(DEFAULT_ACL)]));
    expect(entries(template).filter(p => p.RuleAction === 'deny')).toHaveLength(2);
  });
});

describe('parity with the Terraform module\'s worked example', () => {
  // Route tables [rtb-pub, rtb-app-a, rtb-app-b], access NACL [acl-app], all NACLs [acl-pub, acl-app, acl-persist],
  // tcp 443, external 10.200.0.0/16: a route in each table, allows in acl-app, a deny each way in every NACL.
  test('the same routes and the same rules (numbered below 100 here, instead of 10 and 50-60)', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      vpcCidrBlock: '10.1.0.0/16',
      availabilityZones: ['a', 'b'],
      publicSubnetIds: ['subnet-pub-a', 'subnet-pub-b'],
      publicSubnetRouteTableIds: ['rtb-pub', 'rtb-pub'],
      privateSubnetIds: ['subnet-app-a', 'subnet-app-b'],
      privateSubnetRouteTableIds: ['rtb-app-a', 'rtb-app-b'],
    });
    const acls = new Map(['acl-pub', 'acl-app', 'acl-persist'].map(id => [id, ec2.NetworkAcl.fromNetworkAclId(stack, id, id)]));
    const acl = (id: string) => acls.get(id)!;
    new VpcPeeringExternal(stack, 'Peering', {
      vpc,
      vpcPeeringConnectionId: 'pcx-0123456789abcdef0',
      externalCidrBlocks: ['10.200.0.0/16'],
      subnets: { subnets: [...vpc.publicSubnets, ...vpc.privateSubnets] },
      allowOutbound: [ec2.AclTraffic.tcpPort(443)],
      allowPathMtuDiscovery: false,
      networkAcls: [acl('acl-app')],
      denyNetworkAcls: ['acl-pub', 'acl-app', 'acl-persist'].map(acl),
    });
    const template = Template.fromStack(stack).toJSON();
    expect(peeringRoutes(template).map(([, p]) => p.RouteTableId).sort()).toEqual(['rtb-app-a', 'rtb-app-b', 'rtb-pub']);
    expect(rows(template).map(r => [r[0], r[1], r[3], r[4], r[5], r[6]])).toEqual([
      ['"acl-app"', 'egress', 'allow', 6, '443-443', '10.200.0.0/16'],
      ['"acl-app"', 'egress', 'deny', -1, '*', '10.200.0.0/16'],
      ['"acl-app"', 'ingress', 'allow', 6, '1024-65535', '10.200.0.0/16'],
      ['"acl-app"', 'ingress', 'deny', -1, '*', '10.200.0.0/16'],
      ['"acl-persist"', 'egress', 'deny', -1, '*', '10.200.0.0/16'],
      ['"acl-persist"', 'ingress', 'deny', -1, '*', '10.200.0.0/16'],
      ['"acl-pub"', 'egress', 'deny', -1, '*', '10.200.0.0/16'],
      ['"acl-pub"', 'ingress', 'deny', -1, '*', '10.200.0.0/16'],
    ]);
  });
});

describe('the whole flow: accept, DNS, presets', () => {
  test('GIVEN acceptPeeringConnection THEN the acceptance waits for every entry and every route waits for the acceptance', () => {
    const { stack, vpc } = newVpcStack();
    const peering = new VpcPeeringExternal(stack, 'Atlas', {
      vpc,
      ...BASE,
      acceptPeeringConnection: true,
      allowDnsResolutionFromRemoteVpc: true,
      expectedRequester: { accountId: '536727724300' },
    });
    const template = recordTemplate(Template.fromStack(stack).toJSON());
    const acceptance = stack.resolve((peering.accepter.acceptance.node.defaultChild as CfnResource).logicalId);
    expect(template.Resources[acceptance].Type).toBe('Custom::VpcPeeringAcceptance');
    expect(peering.accepter.dnsResolution).toBeDefined();
    const entryIds = peering.networkAclEntries.map(e => stack.resolve(e.logicalId));
    expect(entryIds).toHaveLength(5);
    // Locked down before it is active: every entry exists before the acceptance runs (and outlives its deletion).
    expect([...template.Resources[acceptance].DependsOn].sort()).toEqual([...entryIds].sort());
    const routes = peering.routes.map(r => template.Resources[stack.resolve(r.logicalId)]);
    expect(routes).toHaveLength(2);
    expect(routes.every(r => (r.DependsOn ?? []).includes(acceptance))).toBe(true);
    // An entry never waits for the acceptance.
    expect(entryIds.some(id => (template.Resources[id].DependsOn ?? []).includes(acceptance))).toBe(false);
  });

  test('GIVEN no accept prop THEN the acceptance only checks the connection (Accept false), and still waits for the lockdown', () => {
    const { template, construct, stack } = synthNewVpc();
    const acceptance = stack.resolve((construct.accepter.acceptance.node.defaultChild as CfnResource).logicalId);
    expect(template.Resources[acceptance].Properties).toEqual(expect.objectContaining({ Accept: 'false', RemovalPolicy: 'destroy' }));
    expect(template.Resources[acceptance].DependsOn).toHaveLength(5);
    expect(statementsOf(template).flatMap((s: any) => [s.Action].flat())).not.toContain('ec2:AcceptVpcPeeringConnection');
  });

  test('GIVEN removalPolicy RETAIN THEN the deny entries are retained (except when their creation rolls back) and the acceptance leaves the connection', () => {
    const { template, construct, stack } = synthNewVpc({ removalPolicy: RemovalPolicy.RETAIN });
    const acceptance = stack.resolve((construct.accepter.acceptance.node.defaultChild as CfnResource).logicalId);
    expect(template.Resources[acceptance].Properties.RemovalPolicy).toBe('retain');
    const allEntries = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::EC2::NetworkAclEntry');
    expect(allEntries.filter(r => r.Properties.RuleAction === 'deny').map(r => [r.DeletionPolicy, r.UpdateReplacePolicy]))
      .toEqual([['RetainExceptOnCreate', 'Delete'], ['RetainExceptOnCreate', 'Delete']]);
    expect(allEntries.filter(r => r.Properties.RuleAction === 'allow').every(r => r.DeletionPolicy === undefined)).toBe(true);
  });

  test('GIVEN presets with allowOutbound THEN their traffic and the user\'s compose into one policy', () => {
    const { stack, vpc } = newVpcStack();
    const peering = new VpcPeeringExternal(stack, 'Atlas', {
      vpc, ...BASE, presets: [SaasPeeringPreset.mongoDbAtlas()], allowOutbound: [ec2.AclTraffic.udpPort(53)],
    });
    const egress = peering.networkAclEntries.filter(e => e.egress && e.ruleAction === 'allow').map(e => [e.protocol, stack.resolve(e.portRange)]);
    expect(egress).toEqual([[6, { from: 27015, to: 27017 }], [17, { from: 53, to: 53 }]]);
  });
});
