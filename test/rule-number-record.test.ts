/**
 * The rule-number record: how numbers are kept from one synth to the next. `cdk synth` (the CDK CLI runs the app, so
 * CDK_CLI_VERSION is set) writes the record file; in CI it only reads it, and a plan that needs numbers it does not hold
 * is an error; an app made in a test reads the file too, or the record given in context.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { BASE, importedVpcStack, newVpcStack } from './fixtures';
import { RuleNumberRecord, VpcPeeringExternal, VpcPeeringExternalProps } from '../src';
import { synthErrors } from './support/synth-errors';

const VENDORS: Array<[string, Partial<VpcPeeringExternalProps>]> = [
  ['Mongo', { vpcPeeringConnectionId: 'pcx-0000000000000000a', externalCidrBlocks: ['10.210.0.0/16'] }],
  ['Elastic', { vpcPeeringConnectionId: 'pcx-0000000000000000b', externalCidrBlocks: ['10.200.0.0/16'] }],
];

/** Synthesizes an app with the given vendors in `dir` (as the working directory), with the environment given. */
function synthIn(dir: string, names: string[], env: Record<string, string | undefined>, context: Record<string, unknown> = {}) {
  const saved = { cwd: process.cwd(), env: { ...process.env } };
  process.chdir(dir);
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    const app = new App({ context });
    const stack = new Stack(app, 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    for (const [name, props] of VENDORS.filter(([n]) => names.includes(n))) {
      new VpcPeeringExternal(stack, name, { vpc, ...BASE, ...props });
    }
    const errors = synthErrors(stack);
    return { errors, template: errors.length ? undefined : app.synth().getStackByName('Test').template };
  } finally {
    process.chdir(saved.cwd);
    process.env = saved.env;
  }
}

const numbersOf = (t: any) => Object.fromEntries(Object.entries<any>(t.Resources)
  .filter(([, r]) => r.Type === 'AWS::EC2::NetworkAclEntry').map(([id, r]) => [id, r.Properties.RuleNumber]));

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rule-numbers-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const CLI = { CDK_CLI_VERSION: '2.1148.1', CI: undefined, CODEBUILD_BUILD_ID: undefined };
const file = () => path.join(dir, RuleNumberRecord.DEFAULT_FILE);

describe('cdk synth keeps the record file', () => {
  test('GIVEN the CDK CLI THEN synth writes the file, and the next synth keeps every number a later vendor would have moved', () => {
    const first = synthIn(dir, ['Mongo'], CLI);
    expect(first.errors).toEqual([]);
    const written = JSON.parse(fs.readFileSync(file(), 'utf-8'));
    expect(written.version).toBe(1);
    expect(written.stacks.Test.networkAcls['Vpc8378EB38.DefaultNetworkAcl'].ipv4).toEqual({
      EgressAllowTcp443To10x210x0x0x16: 50,
      IngressAllowTcp1024to65535From10x210x0x0x16: 50,
      IngressAllowIcmp3x4From10x210x0x0x16: 51,
      EgressDenyAllTo10x210x0x0x16: 99,
      IngressDenyAllFrom10x210x0x0x16: 99,
    });
    // Elastic's block (10.200.0.0/16) sorts before Mongo's: afresh it would take 50 and 99.
    const second = synthIn(dir, ['Mongo', 'Elastic'], CLI);
    const mongo = Object.entries(numbersOf(second.template)).filter(([id]) => id.includes('10x210x0x0x16'));
    expect(Object.fromEntries(mongo)).toEqual(Object.fromEntries(Object.entries(numbersOf(first.template!))));
    expect(Object.keys(JSON.parse(fs.readFileSync(file(), 'utf-8')).stacks.Test.networkAcls['Vpc8378EB38.DefaultNetworkAcl'].ipv4)).toHaveLength(10);
  });

  test('GIVEN no CDK CLI (an app made in a test) THEN the file is read but never written', () => {
    synthIn(dir, ['Mongo'], { ...CLI, CDK_CLI_VERSION: undefined });
    expect(fs.existsSync(file())).toBe(false);
    synthIn(dir, ['Mongo'], CLI);
    const before = fs.readFileSync(file(), 'utf-8');
    const again = synthIn(dir, ['Mongo', 'Elastic'], { ...CLI, CDK_CLI_VERSION: undefined });
    expect(numbersOf(again.template).NaclVpc8378EB38DefaultNetworkAclEgressAllowTcp443To10x210x0x0x16).toBe(50);
    expect(fs.readFileSync(file(), 'utf-8')).toBe(before);
  });

  test('GIVEN CI THEN the file is not written, and a plan that needs numbers it does not hold is an error that says what to commit', () => {
    synthIn(dir, ['Mongo'], CLI);
    const before = fs.readFileSync(file(), 'utf-8');
    expect(synthIn(dir, ['Mongo'], { ...CLI, CI: 'true' }).errors).toEqual([]);
    const stale = synthIn(dir, ['Mongo', 'Elastic'], { ...CLI, CI: 'true' });
    expect(stale.errors).toEqual([expect.stringMatching(new RegExp(
      '^\\[Test/Elastic\\] the rule-number record cdk-vpc-peering-external.rule-numbers.json does not hold the numbers of ' +
      '\\w+From10x200x0x0x16 #\\d+ in Vpc8378EB38.DefaultNetworkAcl; .* and \\d more: it is not written in CI.*commit'))]);
    expect(fs.readFileSync(file(), 'utf-8')).toBe(before);
  });

  test('GIVEN context false THEN no file is read or written; GIVEN a path THEN that file is', () => {
    synthIn(dir, ['Mongo'], CLI, { [RuleNumberRecord.CONTEXT_KEY]: false });
    expect(fs.existsSync(file())).toBe(false);
    synthIn(dir, ['Mongo'], CLI, { [RuleNumberRecord.CONTEXT_KEY]: 'numbers/peering.json' });
    expect(fs.existsSync(file())).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'numbers', 'peering.json'), 'utf-8')).stacks.Test).toBeDefined();
  });

  test('GIVEN a file that is not a record THEN synth fails naming the file and the fix', () => {
    fs.writeFileSync(file(), JSON.stringify({ version: 2 }));
    expect(() => synthIn(dir, ['Mongo'], CLI)).toThrow(
      /cdk-vpc-peering-external.rule-numbers.json is not a rule-number record of cdk-vpc-peering-external \(expected \{ "version": 1, "stacks": \{ … \} \}\): delete it and synth again/);
  });
});

describe('RuleNumberRecord.fromAssembly', () => {
  test('GIVEN a synthesized app THEN its record, as context of the next app, keeps the numbers', () => {
    const first = new App();
    const stack = new Stack(first, 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    new VpcPeeringExternal(stack, 'Mongo', { vpc, ...BASE, ...VENDORS[0][1] });
    const record = RuleNumberRecord.fromAssembly(first.synth());
    expect(Object.keys(record.stacks)).toEqual(['Test']);
    const second = synthIn(dir, ['Mongo', 'Elastic'], { CDK_CLI_VERSION: undefined }, { [RuleNumberRecord.CONTEXT_KEY]: record });
    expect(numbersOf(second.template).NaclVpc8378EB38DefaultNetworkAclEgressDenyAllTo10x210x0x0x16).toBe(99);
  });
});

describe('a NACL that createNetworkAcl made, deleted', () => {
  /** An imported VPC (private subnets on a hand-made NACL) with one vendor, after `previous`. */
  function importedApp(vendor: Partial<VpcPeeringExternalProps>, previous?: any) {
    const { stack, vpc } = importedVpcStack(previous);
    new VpcPeeringExternal(stack, 'Search', { vpc, ...BASE, ...vendor });
    expect(synthErrors(stack)).toEqual([]);
    return { stack, template: Template.fromStack(stack).toJSON() };
  }
  // A stand-in NACL (an imported one, once the stack exists: the id is all the construct reads).
  const privateAcl = ec2.NetworkAcl.fromNetworkAclId(new Stack(), 'PrivateAcl', 'acl-0ccccccccccccccc1');
  const warnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('dedicatedNetworkAclDeleted'));

  test('GIVEN createNetworkAcl on THEN the record marks the NACL as made by the construct, and the acceptance waits for its associations', () => {
    const { template } = importedApp({ createNetworkAcl: true, acceptPeeringConnection: true, expectedRequester: { accountId: '210987654321' } });
    const acls = template.Metadata[RuleNumberRecord.TEMPLATE_METADATA_KEY].networkAcls;
    expect(Object.values<any>(acls).map(a => a.dedicated)).toEqual([true]);
    const associations = Object.keys(template.Resources).filter(id => template.Resources[id].Type === 'AWS::EC2::SubnetNetworkAclAssociation');
    const acceptance = Object.values<any>(template.Resources).find(r => r.Type === 'Custom::VpcPeeringAcceptance');
    expect(associations).toHaveLength(2);
    expect(acceptance.DependsOn).toEqual(expect.arrayContaining(associations));
  });

  test('GIVEN createNetworkAcl turned off in an imported VPC THEN a warning says the subnets go to the default NACL and what to pass; the synth after does not repeat it', () => {
    const on = importedApp({ createNetworkAcl: true }).template;
    // (networkAcls is needed for imported subnets anyway; the app cannot tell whether it names the default NACL)
    const first = importedApp({ networkAcls: [privateAcl] }, on);
    const [warning] = warnings(first.stack);
    expect(warning.entry.data).toMatch(/SearchNetworkAcl\w+ that createNetworkAcl made held peering rules at the last synth and holds none now/);
    expect(warning.entry.data).toMatch(/VPC's default NACL, not on the NACL they had before.*pass it in networkAcls/);
    expect(warnings(importedApp({ networkAcls: [privateAcl] }, first.template).stack)).toEqual([]);
  });

  test('GIVEN a VPC made in the app THEN no warning: the rules go to its default NACL, where the subnets return', () => {
    const { stack: s1 } = newVpcStack();
    new VpcPeeringExternal(s1, 'Search', { vpc: s1.node.findChild('Vpc') as ec2.Vpc, ...BASE, createNetworkAcl: true });
    const on = Template.fromStack(s1).toJSON();
    const { stack } = newVpcStack({}, on);
    new VpcPeeringExternal(stack, 'Search', { vpc: stack.node.findChild('Vpc') as ec2.Vpc, ...BASE });
    expect(synthErrors(stack)).toEqual([]);
    expect(warnings(stack)).toEqual([]);
  });
});
