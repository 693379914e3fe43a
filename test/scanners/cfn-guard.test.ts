/**
 * cfn-guard with the AWS Guard Rules Registry's rules for the construct's resource types (test/scanners/guard-rules/)
 * and with the Control Tower rules bundled with @cdklabs/cdk-validator-cfnguard: each rule fires on a bad template;
 * the construct's suppression metadata silences exactly the registry findings its resources trip by design (W71 on
 * every deny, W66 on allow-all entries, the accepter's function, role and log group) and nothing else; and on the
 * example, integ and case templates, as synthesized, the construct's resources have no registry finding, while the
 * Control Tower findings — rules that read no metadata — are exactly the ones their metadata names, with a reason.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { controlTowerRules, GUARD_RULES, GuardFinding, runControlTower, runGuard } from './cfn-guard';
import { CfnTemplate, CfnTemplateResource, integAppFiles, shippedTemplates, withoutSuppressions } from './shipped-templates';
import {
  ACCEPTER_FUNCTION, ACCEPTER_LOG_GROUP, ACCEPTER_ROLE, DEDICATED_ALLOW_ALL, DEDICATED_ALLOW_ALL_INBOUND, DEDICATED_NETWORK_ACL,
  INEFFECTIVE_DENY, ALL_PROTOCOLS_ALLOW, PEERING_ENTRY, ScannerException, scannerSuppressions, suppressionsFor,
} from '../../src/private/materialize/scanner-suppressions';
import { synthImported, synthNewVpc } from '../fixtures';

type Resources = Record<string, CfnTemplateResource>;

const NACL_ENTRY = 'AWS::EC2::NetworkAclEntry';

function entry(properties: Record<string, unknown>, metadata?: Record<string, unknown>): CfnTemplateResource {
  return {
    Type: NACL_ENTRY,
    Properties: { NetworkAclId: 'acl-0ccccccccccccccc1', RuleNumber: 50, Egress: false, CidrBlock: '10.200.0.0/16', ...properties },
    ...(metadata ? { Metadata: metadata } : {}),
  };
}

const DENY = { RuleAction: 'deny', Protocol: -1 };
const ALLOW_ALL = { RuleAction: 'allow', Protocol: -1 };
const ALLOW_TCP_ALL_PORTS = { RuleAction: 'allow', Protocol: 6, PortRange: { From: 0, To: 65535 } };
const ALLOW_TCP_443 = { RuleAction: 'allow', Protocol: 6, PortRange: { From: 443, To: 443 } };

/** A Lambda function as `CustomResourceProvider` makes it: no VPC, no reserved concurrency, no dead-letter queue. */
const FUNCTION: CfnTemplateResource = {
  Type: 'AWS::Lambda::Function',
  Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler', Role: 'arn:aws:iam::111122223333:role/r', Code: { ZipFile: 'x' } },
};
/** A role with an inline policy that reads on '*'. */
const ROLE: CfnTemplateResource = {
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    Policies: [{ PolicyName: 'Inline', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeVpcPeeringConnections', Resource: '*' }] } }],
  },
};
/** A log group with a retention, without a KMS key. */
const LOG_GROUP: CfnTemplateResource = { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } };

function findingsOf(resources: Resources, run = runGuard): Array<[string, string]> {
  return run({ bad: { Resources: resources } }).map(f => [f.logicalId, f.rule] as [string, string]).sort();
}

function pairs(findings: GuardFinding[]): string[] {
  return findings.map(f => `${f.logicalId} ${f.rule}`).sort();
}

const CONTROL_TOWER_RULES = new Set(controlTowerRules().flatMap(r => r.rules));

describe('each kept registry rule fires on a bad template', () => {
  test.each<[string, Resources, string[]]>([
    ['a deny of one IPv4 block', { Entry: entry(DENY) }, ['EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE']],
    ['a deny of one IPv6 block', { Entry: entry({ ...DENY, CidrBlock: undefined, Ipv6CidrBlock: '2600:1f18:abcd::/56' }) }, ['EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE']],
    ['an allow of all protocols', { Entry: entry(ALLOW_ALL) }, ['EC2_NETWORK_ACL_PROTOCOL_RULE']],
    ['an allow of every tcp port', { Entry: entry(ALLOW_TCP_ALL_PORTS) }, ['EC2_NETWORK_ACL_PORT_RANGE_RULE']],
    ['an allow of tcp 443 (fine)', { Entry: entry(ALLOW_TCP_443) }, []],
    ['a deny of everything (fine)', { Entry: entry({ ...DENY, CidrBlock: '0.0.0.0/0' }) }, []],
    ['a Lambda function outside a VPC, without reserved concurrency or dead-letter queue', { Entry: FUNCTION }, ['LAMBDA_CONCURRENCY_CHECK', 'LAMBDA_DLQ_CHECK', 'LAMBDA_INSIDE_VPC']],
    ['a role with an inline policy on *', { Entry: ROLE }, ['IAM_NO_INLINE_POLICY_CHECK', 'IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE']],
    ['a log group without a KMS key or retention', { Entry: { Type: 'AWS::Logs::LogGroup', Properties: {} } }, ['CLOUDWATCH_LOG_GROUP_ENCRYPTED', 'CW_LOGGROUP_RETENTION_PERIOD_CHECK']],
    ['a log group without a KMS key, with a retention', { Entry: LOG_GROUP }, ['CLOUDWATCH_LOG_GROUP_ENCRYPTED']],
    ['a route from anywhere to an internet gateway', {
      Entry: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: 'rtb-1', DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' } },
    }, ['NO_UNRESTRICTED_ROUTE_TO_IGW']],
  ])('%s', (_, resources, rules) => {
    expect(findingsOf(resources)).toEqual(rules.map(r => ['Entry', r]));
  });

  test('the kept rules are the ones the tests name', () => {
    const dir = path.join(__dirname, 'guard-rules');
    const names = fs.readdirSync(dir).filter(f => f.endsWith('.guard'))
      .map(f => /^rule\s+(\w+)/m.exec(fs.readFileSync(path.join(dir, f), 'utf-8'))![1]);
    expect(names.sort()).toEqual([...GUARD_RULES].sort());
  });
});

describe('the Control Tower rules bundled with @cdklabs/cdk-validator-cfnguard', () => {
  test('are there: every service\'s rules, by control id', () => {
    const controls = controlTowerRules().map(r => r.control);
    expect(controls.length).toBeGreaterThan(100);
    expect(controls).toEqual(expect.arrayContaining(['CT.LAMBDA.PR.3', 'CT.EC2.PR.5', 'CT.CLOUDWATCH.PR.2', 'CT.CLOUDWATCH.PR.3']));
  });

  test.each<[string, Resources, string[]]>([
    ['a Lambda function outside a VPC (CT.LAMBDA.PR.3)', { R: FUNCTION }, ['lambda_inside_vpc_check']],
    ['a log group without a KMS key (CT.CLOUDWATCH.PR.3)', { R: LOG_GROUP }, ['cloudwatch_log_group_encrypted_check']],
    ['a log group kept less than a year (CT.CLOUDWATCH.PR.2, .3)', { R: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } } },
      ['cloudwatch_log_group_encrypted_check', 'cloudwatch_log_group_retention_period_check']],
    ['an inbound allow of everything from 0.0.0.0/0 (CT.EC2.PR.5)', { R: entry({ ...ALLOW_ALL, CidrBlock: '0.0.0.0/0' }) }, ['nacl_no_unrestricted_ssh_rdp_check']],
    ['an inbound allow of everything from ::/0 (CT.EC2.PR.5)', { R: entry({ ...ALLOW_ALL, CidrBlock: undefined, Ipv6CidrBlock: '::/0' }) }, ['nacl_no_unrestricted_ssh_rdp_check']],
    ['an outbound allow of everything to 0.0.0.0/0 (fine)', { R: entry({ ...ALLOW_ALL, CidrBlock: '0.0.0.0/0', Egress: true }) }, []],
    ['an inbound allow of everything from the peer (fine)', { R: entry(ALLOW_ALL) }, []],
  ])('fire on %s', (_, resources, rules) => {
    expect(findingsOf(resources, runControlTower)).toEqual(rules.map(r => ['R', r]));
  });

  test('read no metadata: the construct\'s suppressions do not silence them (their names are for the reviewer)', () => {
    const withMetadata: Resources = {
      Function: { ...FUNCTION, Metadata: scannerSuppressions(ACCEPTER_FUNCTION) as Record<string, unknown> },
      Entry: entry({ ...ALLOW_ALL, CidrBlock: '0.0.0.0/0' }, suppressionsFor({ action: 'allow', protocol: -1, catchAll: true }) as Record<string, unknown>),
    };
    expect(findingsOf(withMetadata, runControlTower)).toEqual([['Entry', 'nacl_no_unrestricted_ssh_rdp_check'], ['Function', 'lambda_inside_vpc_check']]);
  });
});

/** Every exception the construct writes, with the resource it is written on in a bad template. */
const EXCEPTIONS: Array<[string, ScannerException, CfnTemplateResource]> = [
  ...ACCEPTER_FUNCTION.map(e => ['function', e, FUNCTION] as [string, ScannerException, CfnTemplateResource]),
  ...ACCEPTER_ROLE.map(e => ['role', e, ROLE] as [string, ScannerException, CfnTemplateResource]),
  ...ACCEPTER_LOG_GROUP.map(e => ['log group', e, LOG_GROUP] as [string, ScannerException, CfnTemplateResource]),
  ['deny entry', INEFFECTIVE_DENY, entry(DENY)],
  ['allow-all entry', ALL_PROTOCOLS_ALLOW, entry(ALLOW_ALL)],
  ['dedicated allow-all entry', DEDICATED_ALLOW_ALL, entry({ ...ALLOW_ALL, CidrBlock: '0.0.0.0/0' })],
  ['dedicated inbound allow-all entry', DEDICATED_ALLOW_ALL_INBOUND, entry({ ...ALLOW_ALL, CidrBlock: '0.0.0.0/0' })],
  ['any entry', PEERING_ENTRY, entry(ALLOW_TCP_443)],
  ['dedicated NACL', DEDICATED_NETWORK_ACL, { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: 'vpc-1' } }],
];

describe('the exceptions the construct writes', () => {
  test.each(EXCEPTIONS.map(([what, e, r]) => [what, e.guard ?? [], e, r] as const))('%s %j: each guard name is a rule of the registry or of Control Tower', (_, names) => {
    for (const name of names) {
      expect([name, GUARD_RULES.includes(name as any) || CONTROL_TOWER_RULES.has(name)]).toEqual([name, true]);
    }
  });

  test.each(EXCEPTIONS.filter(([, e]) => (e.guard ?? []).some(g => GUARD_RULES.includes(g as any)))
    .map(([what, e, r]) => [what, e.guard!.filter(g => GUARD_RULES.includes(g as any)), e, r] as const))(
    '%s %j: the registry rule fires without the metadata, and the guard key alone or the cfn_nag key alone silences it',
    (_, rules, exception, resource) => {
      const fired = findingsOf({ R: resource }).map(([, rule]) => rule);
      expect(fired).toEqual(expect.arrayContaining(rules));
      const { cfn_nag: nag, guard } = scannerSuppressions([exception]);
      const silenced = (metadata: Record<string, unknown>) => findingsOf({ R: { ...resource, Metadata: metadata } }).map(([, rule]) => rule);
      expect(silenced({ guard }).filter(r => rules.includes(r))).toEqual([]);
      if (exception.cfnNag) {
        expect(silenced({ cfn_nag: nag }).filter(r => rules.includes(r))).toEqual([]);
      }
    });

  test.each(EXCEPTIONS.map(([what, e]) => [what, e] as const))('%s: the reason is a sentence a reviewer can check', (_, exception) => {
    expect(exception.reason.length).toBeGreaterThan(80);
    expect(exception.reason).toMatch(/\.$/);
  });
});

describe('suppressionsFor', () => {
  const VPC3 = { id: 'AwsSolutions-VPC3', reason: expect.stringContaining('restrict a third party\'s peered VPC') };
  test.each<['allow' | 'deny', number, Record<string, unknown>]>([
    ['deny', -1, {
      cfn_nag: { rules_to_suppress: [{ id: 'W71', reason: expect.stringContaining("only the external (peered) VPC's CIDR block on purpose") }] },
      guard: { SuppressedRules: ['EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE'] },
      cdk_nag: { rules_to_suppress: [VPC3] },
    }],
    ['allow', -1, {
      cfn_nag: { rules_to_suppress: [{ id: 'W66', reason: expect.stringContaining('ec2.AclTraffic.allTraffic()') }] },
      guard: { SuppressedRules: ['EC2_NETWORK_ACL_PROTOCOL_RULE'] },
      cdk_nag: { rules_to_suppress: [VPC3] },
    }],
    ['allow', 6, { cdk_nag: { rules_to_suppress: [VPC3] } }],
    ['allow', 17, { cdk_nag: { rules_to_suppress: [VPC3] } }],
    ['allow', 1, { cdk_nag: { rules_to_suppress: [VPC3] } }],
    ['allow', 58, { cdk_nag: { rules_to_suppress: [VPC3] } }],
  ])('%s of protocol %d', (action, protocol, expected) => {
    expect(suppressionsFor({ action, protocol })).toEqual(expected);
  });

  test.each<[boolean, string[]]>([
    [false, ['EC2_NETWORK_ACL_PROTOCOL_RULE', 'nacl_no_unrestricted_ssh_rdp_check']],
    [true, ['EC2_NETWORK_ACL_PROTOCOL_RULE']],
  ])('the allow-all of a dedicated NACL, egress %p: W66, and CT.EC2.PR.5 inbound only', (egress, guard) => {
    const suppressions = suppressionsFor({ action: 'allow', protocol: -1, catchAll: true, egress });
    expect(suppressions.guard).toEqual({ SuppressedRules: guard });
    expect(suppressions.cfn_nag!.rules_to_suppress[0].reason).toContain('createNetworkAcl');
  });

  test.each<[string, Record<string, unknown>]>([
    ['a deny', { ...DENY }],
    ['an allow of all protocols', { ...ALLOW_ALL }],
  ])('%s: either key alone silences cfn-guard (it reads both cfn_nag and guard)', (_, properties) => {
    const action = properties.RuleAction as 'allow' | 'deny';
    const { cfn_nag: nag, guard } = suppressionsFor({ action, protocol: -1 });
    expect(findingsOf({ Nag: entry(properties, { cfn_nag: nag }), Guard: entry(properties, { guard }) })).toEqual([]);
  });

  test('nothing else is suppressed: an allow of every tcp port still fires', () => {
    const metadata = suppressionsFor({ action: 'allow', protocol: 6 });
    expect(findingsOf({ Entry: entry(ALLOW_TCP_ALL_PORTS, metadata as Record<string, unknown>) })).toEqual([['Entry', 'EC2_NETWORK_ACL_PORT_RANGE_RULE']]);
  });

  test.each<[string, () => any]>([
    ['new VPC, tcp 443 out', () => synthNewVpc().template],
    ['new VPC, all traffic out, tcp 8443 and icmp in', () => synthNewVpc({
      allowOutbound: [ec2.AclTraffic.allTraffic()], allowInbound: [ec2.AclTraffic.tcpPort(8443), ec2.AclTraffic.icmp({ type: -1, code: -1 })],
    }).template],
    ['imported VPC with denyNetworkAcls', () => {
      const stack = new Stack(new App(), 'Deny');
      return synthImported({ denyNetworkAcls: [ec2.NetworkAcl.fromNetworkAclId(stack, 'Public', 'acl-0ddddddddddddddd1')] }).template;
    }],
    ['dual stack, all traffic in', () => synthNewVpc({
      externalIpv6CidrBlocks: ['2600:1f18:abcd::/56'], allowInbound: [ec2.AclTraffic.allTraffic()],
    }, { ipProtocol: ec2.IpProtocol.DUAL_STACK }).template],
  ])('%s: the construct\'s entries, with the metadata, have no finding; without it, every deny and allow-all one', (_, synth) => {
    const template = synth() as CfnTemplate;
    const entries = Object.entries(template.Resources).filter(([, r]) => r.Type === NACL_ENTRY);
    const naclFindings = (t: CfnTemplate) => runGuard({ t }).filter(f => entries.some(([id]) => id === f.logicalId));
    const expected = entries.flatMap(([id, r]) => [
      ...(r.Properties!.RuleAction === 'deny' ? [`${id} EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE`] : []),
      ...(r.Properties!.RuleAction === 'allow' && r.Properties!.Protocol === -1 ? [`${id} EC2_NETWORK_ACL_PROTOCOL_RULE`] : []),
    ]);
    expect(expected.length).toBeGreaterThan(0);
    expect(pairs(naclFindings(withoutSuppressions(template)))).toEqual(expected.sort());
    expect(naclFindings(template)).toEqual([]);
  });
});

/** The registry rules a Network ACL entry may suppress, by its properties: denies W71, allows of all protocols W66. */
function justified(r: CfnTemplateResource): { nag: string[]; guard: string[] } {
  const deny = String(r.Properties?.RuleAction).toLowerCase() === 'deny';
  const allProtocols = !deny && Number(r.Properties?.Protocol) === -1;
  const inboundFromAnywhere = allProtocols && r.Properties?.Egress !== true
    && (r.Properties?.CidrBlock === '0.0.0.0/0' || r.Properties?.Ipv6CidrBlock === '::/0');
  return {
    nag: [...(deny ? ['W71'] : []), ...(allProtocols ? ['W66'] : [])],
    guard: [
      ...(deny ? ['EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE'] : []),
      ...(allProtocols ? ['EC2_NETWORK_ACL_PROTOCOL_RULE'] : []),
      ...(inboundFromAnywhere ? ['nacl_no_unrestricted_ssh_rdp_check'] : []),
    ],
  };
}

describe('the example, integ and case templates, as synthesized', () => {
  const shipped = shippedTemplates();
  const names = shipped.map(s => s.name);
  const byName = new Map(shipped.map(s => [s.name, s]));

  /** The findings on the construct's resources only. */
  function onConstruct(name: string, findings: GuardFinding[]): GuardFinding[] {
    return findings.filter(f => byName.get(name)!.constructResources.includes(f.logicalId));
  }

  /** The (resource, rule) pairs the `guard` metadata of the construct's resources names. */
  function suppressedOnConstruct(name: string, rules: (rule: string) => boolean): string[] {
    const { template, constructResources } = byName.get(name)!;
    return constructResources.flatMap(id => ((template.Resources[id].Metadata?.guard?.SuppressedRules ?? []) as string[])
      .filter(rules).map(rule => `${id} ${rule}`)).sort();
  }

  test('are there to check: both example stacks, the stacks of every integ app, and the cases', () => {
    expect(integAppFiles().length).toBeGreaterThanOrEqual(3);
    for (const app of integAppFiles()) {
      expect(names.some(n => n.startsWith(`${app} `))).toBe(true);
    }
    expect(names.filter(n => n.startsWith('example ')).length).toBe(2);
    expect(names.filter(n => n.startsWith('case ')).length).toBeGreaterThanOrEqual(1);
    // Every kind of resource the construct makes is in some template.
    const types = new Set(shipped.flatMap(s => s.constructResources.map(id => s.template.Resources[id].Type)));
    expect([...types].sort()).toEqual([
      'AWS::EC2::NetworkAcl', 'AWS::EC2::NetworkAclEntry', 'AWS::EC2::Route', 'AWS::EC2::SubnetNetworkAclAssociation',
      'AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::Logs::LogGroup', 'Custom::VpcPeeringAcceptance', 'Custom::VpcPeeringDnsResolution',
    ]);
  });

  test.each(names)('%s: no finding of the registry rules on the construct\'s resources', (name) => {
    expect(pairs(onConstruct(name, runGuard({ [name]: byName.get(name)!.template })))).toEqual([]);
  });

  test.each(names)('%s: without the metadata, the registry rules flag what it suppresses (a token CIDR block of an entry aside)', (name) => {
    const { template } = byName.get(name)!;
    const bare = pairs(onConstruct(name, runGuard({ [name]: withoutSuppressions(template) })));
    const suppressed = suppressedOnConstruct(name, rule => GUARD_RULES.includes(rule as any));
    expect(bare.filter(p => !suppressed.includes(p))).toEqual([]);
    // The rules compare strings: an entry whose block is a token (another resource's IPv6 block) trips none, by luck.
    const tokenBlock = (id: string) => {
      const r = template.Resources[id];
      return r.Type === NACL_ENTRY && typeof (r.Properties?.CidrBlock ?? r.Properties?.Ipv6CidrBlock) !== 'string';
    };
    expect(suppressed.filter(p => !bare.includes(p) && !tokenBlock(p.split(' ')[0]))).toEqual([]);
  });

  test.each(names)('%s: the Control Tower findings on the construct\'s resources are exactly those its metadata names', (name) => {
    const findings = onConstruct(name, runControlTower({ [name]: byName.get(name)!.template }));
    expect(pairs(findings)).toEqual(suppressedOnConstruct(name, rule => CONTROL_TOWER_RULES.has(rule)));
  });

  test.each(names)('%s: a Network ACL entry suppresses only what it trips by design, with a reason', (name) => {
    const { template, constructResources } = byName.get(name)!;
    for (const id of constructResources.filter(i => template.Resources[i].Type === NACL_ENTRY)) {
      const r = template.Resources[id];
      const nag = (r.Metadata?.cfn_nag?.rules_to_suppress ?? []) as Array<{ id: string; reason: string }>;
      const guard = (r.Metadata?.guard?.SuppressedRules ?? []) as string[];
      expect({ id, nag: nag.map(s => s.id), guard }).toEqual({ id, ...justified(r) });
      expect(nag.every(s => s.reason.length > 40)).toBe(true);
    }
  });
});
