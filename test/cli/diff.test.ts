/**
 * `cdk-vpc-peering-external diff`: the change in policy terms, the transition verdict per stack, and the exit code CI
 * gates on (0 nothing widened and no window, 1 a widening or a window, 2 usage / unreadable assembly).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { appVpc, cli, tempDir, writeAssembly } from './support';
import { RuleNumberRecord, VpcPeeringExternal, VpcPeeringExternalProps } from '../../src';
import { DiffReport } from '../../src/cli/diff';

const SNAPSHOT = path.join(__dirname, '..', 'integ.new-vpc.ts.snapshot');

type Vendor = Omit<VpcPeeringExternalProps, 'vpc'>;
const SEARCH: Vendor = {
  vpcPeeringConnectionId: 'pcx-0aaaaaaaaaaaaaaa1',
  externalCidrBlocks: ['10.200.0.0/16'],
  subnets: { subnetGroupName: 'App' },
  allowOutbound: [ec2.AclTraffic.tcpPort(443)],
  acceptPeeringConnection: true,
  expectedRequester: { accountId: '210987654321' },
};
const ATLAS: Vendor = {
  vpcPeeringConnectionId: 'pcx-0aaaaaaaaaaaaaaa2',
  externalCidrBlocks: ['10.150.0.0/16'],
  subnets: { subnetGroupName: 'App' },
  allowOutbound: [ec2.AclTraffic.tcpPortRange(27015, 27017)],
  acceptPeeringConnection: true,
  expectedRequester: { accountId: '210987654321' },
};

/**
 * Synthesizes the app with these vendors into `outdir`, as the next synth after `previous` (its rule-number record),
 * the way `cdk synth -o` on a branch does after the base branch's synth.
 */
function synthVendors(outdir: string, vendors: Record<string, Vendor>, previous?: string): string {
  const record = previous === undefined ? false : RuleNumberRecord.fromAssembly(new CloudAssembly(previous));
  const app = new App({ outdir, context: { [RuleNumberRecord.CONTEXT_KEY]: record } });
  const stack = new Stack(app, 'Network');
  const vpc = appVpc(stack);
  for (const [id, props] of Object.entries(vendors)) new VpcPeeringExternal(stack, id, { vpc, ...props });
  app.synth();
  return outdir;
}

function diffJson(oldDir: string, newDir: string): DiffReport {
  return JSON.parse(cli('diff', oldDir, newDir, '--format', 'json').stdout);
}

describe('diff of assemblies synthesized from the construct', () => {
  const dir = tempDir('diff');
  const before = synthVendors(path.join(dir, 'old'), { Search: SEARCH });
  const withPort = synthVendors(path.join(dir, 'port'), { Search: { ...SEARCH, allowOutbound: [ec2.AclTraffic.tcpPort(443), ec2.AclTraffic.tcpPort(80)] } }, before);
  const withVendor = synthVendors(path.join(dir, 'vendor'), { Search: SEARCH, Atlas: ATLAS }, before);

  test('identical assemblies: nothing changed, the transition is safe, exit 0', () => {
    const run = cli('diff', before, before);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Policy: nothing changed.');
    expect(run.stdout).toMatch(/Transition of Network: safe/);
    expect(run.stdout).toContain('Verdict: nothing widened and no window (exit 0)');
  });

  test('adding a port widens the policy on the App subnets: exit 1, the port named; the deploy itself is safe', () => {
    const run = cli('diff', before, withPort);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('+ peering 10.200.0.0/16: egress tcp 80 added on App subnets (Isolated) in AZ #1, AZ #2');
    expect(run.stdout).toContain('Policy: nothing else changed.');
    expect(run.stdout).toMatch(/Transition of Network: safe/);
    expect(run.stdout).toContain('Verdict: the policy widens (exit 1)');
    const report = diffJson(before, withPort);
    expect(report.widened).toBe(true);
    expect(report.window).toBe(false);
    expect(report.stacks[0].changes.map((c) => [c.kind, c.widening])).toEqual([['allowed', true]]);
  });

  test('removing the port again narrows it: reported, exit 0', () => {
    const run = cli('diff', withPort, before);
    expect(run.stdout).toContain('- peering 10.200.0.0/16: egress tcp 80 removed on App subnets (Isolated) in AZ #1, AZ #2');
    expect(run.code).toBe(0);
  });

  test('adding a vendor: a new peering (a widening), the other vendor untouched, the deploy safe with the construct', () => {
    const run = cli('diff', before, withVendor);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('+ new peering 10.150.0.0/16 (connection pcx-0aaaaaaaaaaaaaaa2)');
    expect(run.stdout).toContain('+ peering 10.150.0.0/16: egress tcp 27015-27017 added on App subnets (Isolated) in AZ #1, AZ #2');
    expect(run.stdout).not.toMatch(/peering 10\.200\.0\.0\/16:/);
    const report = diffJson(before, withVendor);
    expect(report.stacks[0].transition).toMatchObject({ analysed: true, safe: true, violations: [], conflicts: [] });
    expect(report.window).toBe(false);
  });

  test('removing the vendor: the peering removed, no widening, exit 0 when the deploy is safe', () => {
    const report = diffJson(withVendor, before);
    expect(report.stacks[0].changes.filter((c) => c.kind === 'peering-removed').map((c) => c.text)).toEqual(['peering 10.150.0.0/16 removed']);
    expect(report.widened).toBe(false);
    expect(report.window).toBe(false);
    expect(cli('diff', withVendor, before).code).toBe(0);
  });
});

/** A hand-made template: a route to the peering and egress entries on the VPC's default NACL (the VPC is not in it). */
function template(entries: Record<string, { n: number; action: 'allow' | 'deny'; tcp?: number; dependsOn?: string[] }>) {
  const resources: Record<string, unknown> = {
    Route: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: 'rtb-0123456789abcdef0', DestinationCidrBlock: '10.200.0.0/16', VpcPeeringConnectionId: 'pcx-0123456789abcdef0' } },
  };
  for (const [id, e] of Object.entries(entries)) {
    resources[id] = {
      Type: 'AWS::EC2::NetworkAclEntry',
      Properties: {
        NetworkAclId: { 'Fn::GetAtt': ['Vpc', 'DefaultNetworkAcl'] },
        Egress: true,
        RuleNumber: e.n,
        RuleAction: e.action,
        CidrBlock: '10.200.0.0/16',
        ...(e.tcp === undefined ? { Protocol: -1 } : { Protocol: 6, PortRange: { From: e.tcp, To: e.tcp } }),
      },
      ...(e.dependsOn ? { DependsOn: e.dependsOn } : {}),
    };
  }
  return { Resources: resources };
}

describe('diff of hand-made templates: windows of the update between two equal policies', () => {
  const dir = tempDir('window');
  // Before: allow tcp 443 at 50, deny all at 60. After: deny tcp 22 at 50, allow tcp 443 at 60, deny all at 70: the same
  // policy (egress tcp 443 only), reached by updating 50 and 60 in place and creating 70.
  const before = writeAssembly(path.join(dir, 'old'), {
    Peering: template({ Rule50: { n: 50, action: 'allow', tcp: 443 }, Rule60: { n: 60, action: 'deny' } }),
  });
  const unordered = writeAssembly(path.join(dir, 'unordered'), {
    Peering: template({ Rule50: { n: 50, action: 'deny', tcp: 22 }, Rule60: { n: 60, action: 'allow', tcp: 443 }, Rule70: { n: 70, action: 'deny' } }),
  });
  // The same templates, ordered so that no state between them differs: the deny first, then the allow, then 50.
  const ordered = writeAssembly(path.join(dir, 'ordered'), {
    Peering: template({
      Rule50: { n: 50, action: 'deny', tcp: 22, dependsOn: ['Rule60'] },
      Rule60: { n: 60, action: 'allow', tcp: 443, dependsOn: ['Rule70'] },
      Rule70: { n: 70, action: 'deny' },
    }),
  });

  test('without DependsOn: the window is found, naming the packet and the resources; exit 1 though the policy is unchanged', () => {
    const run = cli('diff', before, unordered);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Policy: nothing changed.');
    expect(run.stdout).toContain('Transition of Peering: WINDOW');
    // Rule50 updated first: tcp 443 meets the old deny at 60 while both policies allow it.
    expect(run.stdout).toContain('  - outage during update: egress tcp 443 from NACL Vpc.DefaultNetworkAcl to 10.200.0.0/16 is denied by Rule60 (60) '
      + 'after Rule50 was updated and before Rule60 was updated and Rule70 was created; allowed before and after');
    // Rule60 updated before the new deny exists: the default NACL's allow-all lets through what both policies deny.
    expect(run.stdout).toContain('  - more open during update: egress tcp 0-21 from NACL Vpc.DefaultNetworkAcl to 10.200.0.0/16 is allowed by the default '
      + "NACL's allow-all (100) after Rule60 was updated and before Rule70 was created; denied before and after");
    expect(run.stdout).toContain('Verdict: a deploy between the two has a window or fails (exit 1)');
    const report = diffJson(before, unordered);
    expect(report.widened).toBe(false);
    expect(report.window).toBe(true);
  });

  test('with DependsOn ordering the update: no window, exit 0', () => {
    const run = cli('diff', before, ordered);
    expect(run.stdout).toContain('Policy: nothing changed.');
    expect(run.stdout).toMatch(/Transition of Peering: safe/);
    expect(run.code).toBe(0);
  });

  test('a policy change on a hand-made template is said in policy terms', () => {
    const widened = writeAssembly(path.join(dir, 'widened'), {
      Peering: template({ Rule50: { n: 50, action: 'allow', tcp: 443 }, Rule55: { n: 55, action: 'allow', tcp: 8080 }, Rule60: { n: 60, action: 'deny' } }),
    });
    const run = cli('diff', before, widened);
    expect(run.stdout).toContain('+ peering 10.200.0.0/16: egress tcp 8080 added on NACL Vpc.DefaultNetworkAcl');
    expect(run.code).toBe(1);
  });

  test('the first deploy of a peering whose deny waits for nothing but the NACL: a stack new in the new assembly is analysed from nothing', () => {
    const run = cli('diff', writeAssembly(path.join(dir, 'empty'), {}), unordered);
    expect(run.stdout).toContain('Stack Peering (new stack):');
    expect(run.stdout).toContain('+ new peering 10.200.0.0/16 (connection pcx-0123456789abcdef0)');
    expect(run.code).toBe(1);
  });
});

describe('usage errors and unreadable assemblies: exit 2 with a clear message', () => {
  const dir = tempDir('usage');
  const notAssembly = path.join(dir, 'empty');
  fs.mkdirSync(notAssembly);
  const broken = writeAssembly(path.join(dir, 'broken'), { Broken: {} });
  fs.writeFileSync(path.join(broken, 'Broken.template.json'), '{ not json');

  test.each([
    [[], /Usage:/],
    [['frobnicate', SNAPSHOT], /unknown command frobnicate/],
    [['explain'], /explain takes one cloud assembly directory, got 0/],
    [['diff', SNAPSHOT], /diff takes two cloud assembly directories \(old, new\), got 1/],
    [['explain', SNAPSHOT, '--format', 'svg'], /--format svg is not one of table, mermaid, json/],
    [['diff', SNAPSHOT, SNAPSHOT, '--format', 'mermaid'], /--format mermaid is not one of text, json/],
    [['explain', SNAPSHOT, '--verbose'], /unknown option --verbose/],
    [['explain', path.join(dir, 'missing')], /missing is not a directory/],
    [['explain', notAssembly], /empty holds no manifest\.json: it is not a cloud assembly/],
    [['diff', SNAPSHOT, broken], /Broken\.template\.json is not valid JSON/],
  ])('%j', (argv, message) => {
    const run = cli(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  test('--help prints the usage and exits 0', () => {
    const run = cli('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('cdk-vpc-peering-external diff <old assembly dir> <new assembly dir>');
  });
});

describe('diff: an update that cannot succeed', () => {
  const dir = tempDir('conflict');
  test('a new entry on a number the old stack still holds: the create fails, named with both entries; exit 1', () => {
    const before = writeAssembly(path.join(dir, 'old'), { Peering: template({ Allow443: { n: 50, action: 'allow', tcp: 443 }, Deny: { n: 99, action: 'deny' } }) });
    const after = writeAssembly(path.join(dir, 'new'), {
      Peering: template({ Allow80: { n: 50, action: 'allow', tcp: 80 }, Allow443: { n: 51, action: 'allow', tcp: 443 }, Deny: { n: 99, action: 'deny' } }),
    });
    const run = cli('diff', before, after);
    expect(run.stdout).toContain('Transition of Peering: FAILS: ');
    expect(run.stdout).toMatch(/NetworkAclEntryAlreadyExists: creating Allow80 while Allow443 still holds .*Vpc\.DefaultNetworkAcl egress #50/);
    expect(run.code).toBe(1);
  });
});

describe('diff: a deny removed by hand', () => {
  const dir = tempDir('deny-removed');
  test('everything but the allowed port opens: each class named, the protocols no rule names included; exit 1', () => {
    const before = writeAssembly(path.join(dir, 'old'), { Peering: template({ Allow443: { n: 50, action: 'allow', tcp: 443 }, Deny: { n: 99, action: 'deny' } }) });
    const after = writeAssembly(path.join(dir, 'new'), { Peering: template({ Allow443: { n: 50, action: 'allow', tcp: 443 } }) });
    const changes = diffJson(before, after).stacks[0].changes.map((c) => c.text);
    expect(changes).toEqual([
      'peering 10.200.0.0/16: egress tcp 0-442 added on NACL Vpc.DefaultNetworkAcl',
      'peering 10.200.0.0/16: egress tcp 444-65535 added on NACL Vpc.DefaultNetworkAcl',
      'peering 10.200.0.0/16: egress every protocol no rule names (e.g. protocol 47) added on NACL Vpc.DefaultNetworkAcl',
    ]);
    expect(cli('diff', before, after).code).toBe(1);
    // And explain shows who lets it through now: the default NACL's allow-all.
    const explained = cli('explain', after).stdout;
    expect(explained).toMatch(/\| egress +\| allow +\| all other traffic +\| +\| 10\.200\.0\.0\/16 +\| 100 +\| default NACL allow-all +\|/);
  });
});
