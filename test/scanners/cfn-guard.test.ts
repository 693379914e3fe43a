/**
 * cfn-guard with the AWS Guard Rules Registry's Network ACL rules (test/scanners/guard-rules/): each rule fires on a
 * bad template; the suppression metadata of `suppressionsFor` silences exactly the findings the construct's entries
 * trip by design (W71 on every deny, W66 on allow-all entries) and nothing else; and the example and integ templates,
 * as synthesized, have no unexplained finding: every resource the rules flag without the metadata carries it, with a
 * reason, and nothing else carries any.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GUARD_RULES, runGuard } from './cfn-guard';
import { ImportedVpcExampleStack, NewVpcExampleStack, PLACEHOLDER_IMPORTED_VPC } from '../../example/stacks';
import { ScannerSuppressions, suppressionsFor } from '../../src/private/materialize/scanner-suppressions';
import { synthImported, synthNewVpc } from '../fixtures';

type Resources = Record<string, { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> }>;

const NACL_ENTRY = 'AWS::EC2::NetworkAclEntry';

function entry(properties: Record<string, unknown>, metadata?: Record<string, unknown>) {
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

function findingsOf(resources: Resources): Array<[string, string]> {
  return runGuard({ bad: { Resources: resources } }).map(f => [f.logicalId, f.rule] as [string, string]).sort();
}

/** A template with the construct's entries given the metadata of `suppressionsFor`, as the construct adds it. */
function withSuppressions(template: { Resources: Resources }): { Resources: Resources } {
  const resources: Resources = {};
  for (const [id, r] of Object.entries(template.Resources)) {
    const metadata = r.Type === NACL_ENTRY
      ? suppressionsFor({ action: String(r.Properties!.RuleAction).toLowerCase() as 'allow' | 'deny', protocol: Number(r.Properties!.Protocol) })
      : {};
    resources[id] = { ...r, Metadata: { ...r.Metadata, ...metadata } };
  }
  return { Resources: resources };
}

/** The template without any scanner suppression metadata. */
function withoutSuppressions(template: { Resources: Resources }): { Resources: Resources } {
  const resources: Resources = {};
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const { cfn_nag: _nag, guard: _guard, ...rest } = r.Metadata ?? {};
    resources[id] = { ...r, Metadata: rest };
  }
  return { Resources: resources };
}

describe('each rule fires on a bad template', () => {
  test.each<[string, Record<string, unknown>, string[]]>([
    ['a deny of one IPv4 block', { ...DENY }, ['EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE']],
    ['a deny of one IPv6 block', { ...DENY, CidrBlock: undefined, Ipv6CidrBlock: '2600:1f18:abcd::/56' }, ['EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE']],
    ['an allow of all protocols', { ...ALLOW_ALL }, ['EC2_NETWORK_ACL_PROTOCOL_RULE']],
    ['an allow of every tcp port', { ...ALLOW_TCP_ALL_PORTS }, ['EC2_NETWORK_ACL_PORT_RANGE_RULE']],
    ['an allow of tcp 443 (fine)', { ...ALLOW_TCP_443 }, []],
    ['a deny of everything (fine)', { ...DENY, CidrBlock: '0.0.0.0/0' }, []],
  ])('%s', (_, properties, rules) => {
    expect(findingsOf({ Entry: entry(properties) })).toEqual(rules.map(r => ['Entry', r]));
  });

  test('the kept rules are the ones the tests name', () => {
    const names = fs.readdirSync(path.join(__dirname, 'guard-rules')).filter(f => f.endsWith('.guard'))
      .map(f => /^rule (\w+)/m.exec(fs.readFileSync(path.join(__dirname, 'guard-rules', f), 'utf-8'))![1]);
    expect(names.sort()).toEqual([...GUARD_RULES].sort());
  });
});

describe('suppressionsFor', () => {
  test.each<['allow' | 'deny', number, ScannerSuppressions]>([
    ['deny', -1, {
      cfn_nag: { rules_to_suppress: [{ id: 'W71', reason: expect.stringContaining("only the external (peered) VPC's CIDR block on purpose") }] },
      guard: { SuppressedRules: ['EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE'] },
    }],
    ['allow', -1, {
      cfn_nag: { rules_to_suppress: [{ id: 'W66', reason: expect.stringContaining('ec2.AclTraffic.allTraffic()') }] },
      guard: { SuppressedRules: ['EC2_NETWORK_ACL_PROTOCOL_RULE'] },
    }],
    ['allow', 6, {}],
    ['allow', 17, {}],
    ['allow', 1, {}],
    ['allow', 58, {}],
  ])('%s of protocol %d', (action, protocol, expected) => {
    expect(suppressionsFor({ action, protocol })).toEqual(expected);
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
    const template = withoutSuppressions(synth());
    const bare = runGuard({ t: template });
    const entries = Object.entries(template.Resources).filter(([, r]) => r.Type === NACL_ENTRY);
    const expected = entries.flatMap(([id, r]) => [
      ...(r.Properties!.RuleAction === 'deny' ? [[id, 'EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE']] : []),
      ...(r.Properties!.RuleAction === 'allow' && r.Properties!.Protocol === -1 ? [[id, 'EC2_NETWORK_ACL_PROTOCOL_RULE']] : []),
    ]);
    expect(expected.length).toBeGreaterThan(0);
    expect(bare.map(f => [f.logicalId, f.rule]).sort()).toEqual(expected.sort());
    expect(runGuard({ t: withSuppressions(template) })).toEqual([]);
  });
});

/**
 * The templates a reviewer runs scanners on: the example app's stacks and the integ tests' apps, each synthesized
 * afresh (integ-runner's snapshot check ignores metadata, so a committed snapshot may lag behind it).
 */
function shippedTemplates(): Record<string, { Resources: Resources }> {
  const app = new App();
  const newVpc = new NewVpcExampleStack(app, 'PeeringNewVpcExample');
  const imported = new ImportedVpcExampleStack(app, 'PeeringImportedVpcExample', PLACEHOLDER_IMPORTED_VPC);
  const templates: Record<string, { Resources: Resources }> = {
    'example PeeringNewVpcExample': Template.fromStack(newVpc).toJSON() as any,
    'example PeeringImportedVpcExample': Template.fromStack(imported).toJSON() as any,
  };
  const testDir = path.join(__dirname, '..');
  for (const integ of fs.readdirSync(testDir).filter(f => /^integ\..*\.ts$/.test(f))) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-synth-'));
    const before = process.env.CDK_OUTDIR;
    try {
      // An integ app never calls app.synth(): with CDK_OUTDIR set, its App synthesizes on process 'beforeExit'. Run
      // that listener now, and take it off the process.
      process.env.CDK_OUTDIR = outdir;
      const listeners = process.listeners('beforeExit');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => require(path.join(testDir, integ)));
      for (const synth of process.listeners('beforeExit').filter(l => !listeners.includes(l))) {
        process.removeListener('beforeExit', synth);
        (synth as () => void)();
      }
      // The integ-tests assertion stacks (…DeployAssert…) hold no resource.
      const files = fs.readdirSync(outdir).filter(f => f.endsWith('.template.json') && !f.includes('DeployAssert'));
      for (const file of files) {
        templates[`${integ} ${file.replace(/\.template\.json$/, '')}`] = JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf-8'));
      }
    } finally {
      process.env.CDK_OUTDIR = before;
      if (before === undefined) {
        delete process.env.CDK_OUTDIR;
      }
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  return templates;
}

/** The scanner rules a resource may suppress, by its properties: denies W71, allows of all protocols W66. */
function justified(r: Resources[string]): { nag: string[]; guard: string[] } {
  if (r.Type !== NACL_ENTRY) {
    return { nag: [], guard: [] };
  }
  const deny = String(r.Properties?.RuleAction).toLowerCase() === 'deny';
  const allProtocols = !deny && Number(r.Properties?.Protocol) === -1;
  return {
    nag: [...(deny ? ['W71'] : []), ...(allProtocols ? ['W66'] : [])],
    guard: [...(deny ? ['EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE'] : []), ...(allProtocols ? ['EC2_NETWORK_ACL_PROTOCOL_RULE'] : [])],
  };
}

describe('the example and integ templates, as synthesized', () => {
  const templates = shippedTemplates();

  test('are there to check: both example stacks and the stacks of every integ app', () => {
    const integApps = fs.readdirSync(path.join(__dirname, '..')).filter(f => /^integ\..*\.ts$/.test(f));
    expect(integApps.length).toBeGreaterThanOrEqual(3);
    for (const app of integApps) {
      expect(Object.keys(templates).some(n => n.startsWith(`${app} `))).toBe(true);
    }
  });

  test.each(Object.keys(templates))('%s: no unexplained finding', (name) => {
    expect(runGuard({ [name]: templates[name] })).toEqual([]);
  });

  test.each(Object.keys(templates))('%s: every suppression silences a finding its resource trips by design, with a reason', (name) => {
    const template = templates[name];
    const suppressed = Object.entries(template.Resources ?? {})
      .filter(([, r]) => r.Metadata?.cfn_nag !== undefined || r.Metadata?.guard !== undefined);
    for (const [id, r] of suppressed) {
      const nag = (r.Metadata!.cfn_nag?.rules_to_suppress ?? []) as Array<{ id: string; reason: string }>;
      const guard = (r.Metadata!.guard?.SuppressedRules ?? []) as string[];
      expect({ id, nag: nag.map(s => s.id), guard }).toEqual({ id, ...justified(r) });
      expect(nag.every(s => s.reason.length > 40)).toBe(true);
    }
    // Without the metadata the rules flag only suppressed resources: the suppressions are what silences them.
    const flaggedBare = runGuard({ [name]: withoutSuppressions(template) }).map(f => f.logicalId);
    expect(flaggedBare.filter(id => !suppressed.some(([s]) => s === id))).toEqual([]);
  });
});
