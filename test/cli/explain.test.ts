/**
 * `cdk-vpc-peering-external explain`: on the committed integ snapshots and on an app synthesized here with two peerings,
 * a hand-written NACL entry and a Stage (a nested assembly).
 */
import * as path from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { appVpc, cli, tempDir } from './support';
import { RuleNumberRecord, VpcPeeringExternal } from '../../src';
import { ExplainReport, NaclExplanation, PeeringExplanation } from '../../src/cli/explain';

const SNAPSHOT = (name: string) => path.join(__dirname, '..', `integ.${name}.ts.snapshot`);

function explainJson(dir: string): ExplainReport {
  const run = cli('explain', dir, '--format', 'json');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

function peering(report: ExplainReport, stack: string, label: string): PeeringExplanation {
  const found = report.stacks.find((s) => s.displayName === stack)?.peerings.find((p) => p.label === label);
  if (!found) throw new Error(`no peering ${label} in stack ${stack}: ${JSON.stringify(report.stacks.map((s) => [s.displayName, s.peerings.map((p) => p.label)]))}`);
  return found;
}

/** `direction action traffic remote rule` per line, the shape a reviewer reads. */
function lines(nacl: NaclExplanation): string[] {
  return nacl.policy.map((l) => `${l.direction} ${l.action} ${l.traffic} ${l.remote} ${l.ruleNumber}`);
}

describe('explain on the integ snapshots', () => {
  test('a new VPC: the private subnets on the default NACL, what each direction allows and the deny after it', () => {
    const p = peering(explainJson(SNAPSHOT('new-vpc')), 'VpcPeeringExternalNewVpc', '10.200.0.0/16');
    expect(p.acceptedBy).toEqual(['VpcPeeringAcceptancePeering']);
    expect(p.routeTables.map((t) => t.subnets)).toEqual([['Private in AZ #1'], ['Private in AZ #2']]);
    expect(p.networkAcls).toHaveLength(1);
    const [acl] = p.networkAcls;
    expect(acl.networkAcl).toBe('Vpc8378EB38.DefaultNetworkAcl');
    expect(acl.origin).toBe('default-nacl');
    expect(acl.routedSubnets).toEqual(['Private subnets in AZ #1, AZ #2']);
    expect(acl.otherSubnets).toEqual(['Public subnets in AZ #1, AZ #2']);
    expect(lines(acl)).toEqual([
      'egress allow tcp 443 10.200.0.0/16 50',
      'egress allow tcp 9200 10.200.0.0/16 51',
      'egress deny all other traffic 10.200.0.0/16 99',
      'ingress allow tcp 1024-65535 10.200.0.0/16 50',
      'ingress allow icmp type 3 code 4 10.200.0.0/16 51',
      'ingress deny all other traffic 10.200.0.0/16 99',
    ]);
    expect(acl.policy.filter((l) => l.action === 'allow').map((l) => l.kind)).toEqual(['service', 'service', 'replies', 'icmp']);
  });

  test('the table names the subnets, the rules, their entries and why the construct wrote them', () => {
    const run = cli('explain', SNAPSHOT('new-vpc'));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Stack VpcPeeringExternalNewVpc: peering 10.200.0.0/16');
    expect(run.stdout).toContain('routed subnets on it: Private subnets in AZ #1, AZ #2');
    expect(run.stdout).toMatch(/\| egress +\| allow +\| tcp 443 +\| outbound +\| 10\.200\.0\.0\/16 +\| 50 +\| NaclVpc8378EB38DefaultNetworkAclEgressAllowTcp443To10x200x0x0x16 +\|/);
    expect(run.stdout).toMatch(/\| ingress +\| allow +\| tcp 1024-65535 +\| replies to outbound +\|/);
    expect(run.stdout).toMatch(/\| ingress +\| deny +\| all other traffic +\| blanket deny +\| 10\.200\.0\.0\/16 +\| 99 +\|/);
    expect(run.stdout).toContain('Stacks without a peering: NewVpc/DefaultTest/DeployAssert');
  });

  test('an imported VPC: the NACL that allows, the NACL that only denies, and what is assumed of rules outside the template', () => {
    const p = peering(explainJson(SNAPSHOT('imported-vpc')), 'VpcPeeringExternalImportedVpc', '10.210.0.0/16');
    expect(p.networkAcls.map((n) => n.networkAcl)).toEqual(['import VpcPeeringExternalNetwork:ExportsOutputRefPrivateAclF2D0DB5FD35292C7']);
    expect(lines(p.networkAcls[0])).toContain('egress allow tcp 5432 10.210.0.0/16 50');
    expect(p.networkAcls[0].origin).toBe('assumed-allow-all');
    expect(p.denyOnlyNetworkAcls).toEqual([{
      networkAcl: 'import VpcPeeringExternalNetwork:ExportsOutputRefPublicAclE679141F3D65BB60', subnets: [], rules: ['egress 99', 'ingress 99'],
    }]);
    expect(p.notes.join('\n')).toMatch(/its subnets are not in this template/);
    expect(p.notes.join('\n')).toMatch(/taken as an allow-all at 100\/101/);
  });

  test('an IPv6 block known at deploy time only is evaluated and shown as the value it is', () => {
    const report = explainJson(SNAPSHOT('inbound-ipv6'));
    const p = peering(report, 'VpcPeeringExternalInboundIpv6', '10.200.0.0/16, SaasVpcD1E6DC9D.Ipv6CidrBlocks[0]');
    const [acl] = p.networkAcls;
    expect(acl.networkAcl).toBe('AppAcl6CB102E3');
    expect(acl.origin).toBe('template-nacl');
    expect(lines(acl)).toEqual(expect.arrayContaining([
      'egress allow tcp 443 SaasVpcD1E6DC9D.Ipv6CidrBlocks[0] 52',
      'egress deny all other traffic SaasVpcD1E6DC9D.Ipv6CidrBlocks[0] 98',
      'ingress allow icmpv6 type 2 code 0 SaasVpcD1E6DC9D.Ipv6CidrBlocks[0] 53',
      'ingress allow tcp 1024-65535 10.200.0.0/16 50',
    ]));
    expect(JSON.stringify(report)).not.toContain('2001:db8');
  });
});

describe('explain on an app with two peerings, a hand-written rule and a Stage', () => {
  const outdir = tempDir('explain');
  const app = new App({ outdir, context: { [RuleNumberRecord.CONTEXT_KEY]: false } });
  const network = new Stack(app, 'Network');
  const vpc = appVpc(network);
  new VpcPeeringExternal(network, 'Search', {
    vpc,
    vpcPeeringConnectionId: 'pcx-0aaaaaaaaaaaaaaa1',
    externalCidrBlocks: ['10.200.0.0/16'],
    subnets: { subnetGroupName: 'App' },
    allowOutbound: [ec2.AclTraffic.tcpPort(443)],
  });
  new VpcPeeringExternal(network, 'Atlas', {
    vpc,
    vpcPeeringConnectionId: 'pcx-0aaaaaaaaaaaaaaa2',
    externalCidrBlocks: ['10.150.0.0/16'],
    subnets: { subnetGroupName: 'App' },
    allowOutbound: [ec2.AclTraffic.tcpPortRange(27015, 27017)],
  });
  // A rule written by hand on the same NACL, numbered before the construct's: the explanation must show it.
  new ec2.CfnNetworkAclEntry(network, 'HandWrittenSsh', {
    networkAclId: vpc.vpcDefaultNetworkAcl,
    ruleNumber: 10,
    egress: true,
    protocol: 6,
    ruleAction: 'allow',
    cidrBlock: '10.150.0.0/16',
    portRange: { from: 22, to: 22 },
  });
  const prod = new Stage(app, 'Prod');
  const staged = new Stack(prod, 'Network');
  const stagedVpc = new ec2.Vpc(staged, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), maxAzs: 1, natGateways: 0 });
  new VpcPeeringExternal(staged, 'Redis', {
    vpc: stagedVpc,
    vpcPeeringConnectionId: 'pcx-0aaaaaaaaaaaaaaa3',
    externalCidrBlocks: ['10.160.0.0/16'],
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    allowOutbound: [ec2.AclTraffic.tcpPortRange(10000, 19999)],
    createNetworkAcl: true,
  });
  app.synth();

  const report = explainJson(outdir);

  test('every peering of every stack, the Stage\'s nested assembly included', () => {
    expect(report.stacks.map((s) => [s.displayName, s.peerings.map((p) => p.label)]).sort()).toEqual([
      ['Network', ['10.150.0.0/16', '10.200.0.0/16']],
      ['Prod/Network', ['10.160.0.0/16']],
    ]);
  });

  test('each peering allows its own ports on the App subnets, and the hand-written rule counts', () => {
    const search = peering(report, 'Network', '10.200.0.0/16');
    const atlas = peering(report, 'Network', '10.150.0.0/16');
    expect(search.networkAcls[0].routedSubnets).toEqual(['App subnets (Isolated) in AZ #1, AZ #2']);
    expect(search.networkAcls[0].policy.filter((l) => l.direction === 'egress' && l.action === 'allow').map((l) => [l.traffic, l.remote]))
      .toEqual([['tcp 443', '10.200.0.0/16']]);
    const atlasAllows = atlas.networkAcls[0].policy.filter((l) => l.direction === 'egress' && l.action === 'allow');
    expect(atlasAllows.map((l) => [l.traffic, l.ruleNumber, l.origin])).toEqual([['tcp 22', 10, 'template'], ['tcp 27015-27017', expect.any(Number), 'template']]);
    expect(atlasAllows[0].logicalId).toMatch(/^HandWrittenSsh/);
    // Not one of the other vendor's ports: each deny keeps its own vendor's block.
    expect(lines(atlas.networkAcls[0]).join('\n')).not.toContain('tcp 443');
  });

  test('a NACL of its own in the Stage: the subnets moved onto it', () => {
    const redis = peering(report, 'Prod/Network', '10.160.0.0/16');
    expect(redis.networkAcls.map((n) => [n.origin, n.routedSubnets])).toEqual([['template-nacl', ['Isolated subnets in AZ #1']]]);
    expect(lines(redis.networkAcls[0])).toContain('egress allow tcp 10000-19999 10.160.0.0/16 50');
  });

  test('mermaid: one subgraph per stack, the NACLs and what each direction allows', () => {
    const run = cli('explain', outdir, '--format=mermaid');
    expect(run.code).toBe(0);
    const out = run.stdout.trim().split('\n');
    expect(out[0]).toBe('flowchart LR');
    expect(out.filter((l) => /^ {2}subgraph stack\d+\["stack [^"]+"\]$/.test(l))).toHaveLength(2);
    expect(out.filter((l) => l === '  end')).toHaveLength(2);
    expect(run.stdout).toMatch(/nacl\d+ -- "egress allows tcp 22, tcp 27015-27017" --> peering\d+/);
    expect(run.stdout).toMatch(/peering\d+ -- "ingress allows tcp 1024-65535, icmp type 3 code 4" --> nacl\d+/);
    // Mermaid's entity for '#': "AZ #1" would otherwise start an entity.
    expect(run.stdout).toContain('App subnets (Isolated) in AZ #35;1');
  });

  test('json: one object per stack and peering, every policy line complete', () => {
    for (const stack of report.stacks) {
      expect(Object.keys(stack).sort()).toEqual(['displayName', 'notes', 'peerings', 'stackName']);
      for (const p of stack.peerings) {
        expect(Object.keys(p).sort()).toEqual(['acceptedBy', 'cidrBlocks', 'connection', 'denyOnlyNetworkAcls', 'label', 'networkAcls', 'notes', 'routeTables']);
        for (const line of p.networkAcls.flatMap((n) => n.policy)) {
          expect(['ingress', 'egress']).toContain(line.direction);
          expect(['allow', 'deny']).toContain(line.action);
          expect(['service', 'replies', 'icmp', 'all', 'protocol']).toContain(line.kind);
          expect(line.ruleNumber === '*' || Number.isInteger(line.ruleNumber)).toBe(true);
          expect(typeof line.traffic).toBe('string');
        }
      }
    }
  });
});
