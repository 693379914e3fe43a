/**
 * The app-wide plan in apps as teams write them: declarations in any order, NACLs associated in every way the CDK
 * offers, VPC lookups, several vendors on one NACL (in one stack and across the stacks of a Stage), refactors between
 * releases, and the findings of the plan (collisions, shadowing, quota, routes), each reported once. Every app is
 * asserted with the NACL evaluator (what traffic passes) and, for refactors, the model of a CloudFormation update.
 */
import { App, Annotations as CoreAnnotations, Aspects, AspectPriority, CfnElement, IAspect, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { BASE } from './fixtures';
import { PeeringWarnings, RuleNumberRecord, VpcPeeringExternal, VpcPeeringExternalProps } from '../src';
import { duplicateKeys, simulateUpdate } from './support/cfn-update';
import { evaluate, naclEntriesFromTemplate, NaclRule, Packet } from './support/nacl-evaluator';
import { recordTemplate } from './support/record-template';
import { synthErrors } from './support/synth-errors';
import { cidrName } from '../src/private/plan/types';
import { TEMPLATE_METADATA_KEY } from '../src/private/record/rule-number-record';

const VPC_CIDR = '10.0.0.0/16';

/** An app whose rule-number record is `record` (what the last synth numbered), when given. */
function newApp(record?: unknown) {
  const app = new App(record ? { context: { [RuleNumberRecord.CONTEXT_KEY]: record } } : {});
  const stack = new Stack(app, 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR), maxAzs: 2, natGateways: 1 });
  return { app, stack, vpc };
}

const template = (stack: Stack) => recordTemplate(Template.fromStack(stack).toJSON());

/** The entries of one NACL (by its `NetworkAclId` as synthesized) across templates. */
function aclRules(templates: any[], aclId: unknown): NaclRule[] {
  return templates.flatMap(t => naclEntriesFromTemplate(t)).filter(e => e.aclKey === JSON.stringify(aclId));
}

const tcpOut = (remote: string, port: number): Packet => ({ direction: 'egress', protocol: 6, port, remote });
const tcpIn = (remote: string, port: number): Packet => ({ direction: 'ingress', protocol: 6, port, remote });
const verdict = (rules: NaclRule[], p: Packet, defaultNacl = true) => evaluate(rules, p, { defaultNaclRules: defaultNacl }).decision;

describe('order does not matter: the construct follows the app as it stands when complete', () => {
  test.each([['before'], ['after']])('a NetworkAcl for the App subnets declared %s the construct gets the rules', (when) => {
    const { stack, vpc } = newApp();
    const declare = () => new ec2.NetworkAcl(stack, 'AppAcl', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
    if (when === 'before') declare();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    if (when === 'after') declare();
    const t = template(stack);
    const appAcl = aclRules([t], { Ref: 'AppAcl6CB102E3' });
    expect(verdict(appAcl, tcpOut('10.200.1.1', 443), false)).toBe('allow');
    expect(verdict(appAcl, tcpIn('10.200.1.1', 22), false)).toBe('deny');
    // Nothing went to the default NACL, which no longer holds the App subnets.
    expect(aclRules([t], { 'Fn::GetAtt': ['Vpc8378EB38', 'DefaultNetworkAcl'] })).toEqual([]);
  });

  test.each([
    ['SubnetNetworkAclAssociation (L2)', (stack: Stack, vpc: ec2.Vpc, acl: ec2.NetworkAcl) => vpc.privateSubnets.forEach((subnet, i) =>
      new ec2.SubnetNetworkAclAssociation(stack, `Assoc${i}`, { subnet, networkAcl: acl }))],
    ['CfnSubnetNetworkAclAssociation (L1)', (stack: Stack, vpc: ec2.Vpc, acl: ec2.NetworkAcl) => vpc.privateSubnets.forEach((subnet, i) =>
      new ec2.CfnSubnetNetworkAclAssociation(stack, `Assoc${i}`, { subnetId: subnet.subnetId, networkAclId: acl.networkAclId }))],
    ['NetworkAcl.associateWithSubnet', (_: Stack, __: ec2.Vpc, acl: ec2.NetworkAcl) => acl.associateWithSubnet('App', { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS })],
  ])('subnets put on a NACL with %s, after the construct, get the rules there', (_, associate) => {
    const { stack, vpc } = newApp();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    const acl = new ec2.NetworkAcl(stack, 'AppAcl', { vpc });
    associate(stack, vpc, acl);
    const t = template(stack);
    expect(verdict(aclRules([t], { Ref: 'AppAcl6CB102E3' }), tcpIn('10.200.1.1', 22), false)).toBe('deny');
    expect(aclRules([t], { 'Fn::GetAtt': ['Vpc8378EB38', 'DefaultNetworkAcl'] })).toEqual([]);
  });

  test('a subnet associated with two NACLs is an error naming both associations', () => {
    const { stack, vpc } = newApp();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    const a = new ec2.NetworkAcl(stack, 'A', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
    new ec2.SubnetNetworkAclAssociation(stack, 'Twice', { subnet: vpc.privateSubnets[0], networkAcl: a });
    expect(synthErrors(stack)).toEqual([expect.stringMatching(
      /^\[Test\/Saas\] subnet Test\/Vpc\/PrivateSubnet1 is associated with 2 Network ACLs \(Test\/A\/DefaultAssociation.*, Test\/Twice\/Resource\), but a subnet has exactly one: keep one association$/)]);
  });

  test('an IPv6 block declared after the construct makes IPv6 external blocks valid', () => {
    const { stack, vpc } = newApp();
    const peering = new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, externalIpv6CidrBlocks: ['2600:1f18:abcd::/56'] });
    new ec2.CfnVPCCidrBlock(stack, 'Ipv6', { vpcId: vpc.vpcId, amazonProvidedIpv6CidrBlock: true });
    expect(synthErrors(stack)).toEqual([]);
    expect(peering.routes.filter(r => r.destinationIpv6CidrBlock)).toHaveLength(2);
  });

  test('an overlapping secondary block declared after the construct is refused', () => {
    const { stack, vpc } = newApp();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    new ec2.CfnVPCCidrBlock(stack, 'Secondary', { vpcId: vpc.vpcId, cidrBlock: '10.200.0.0/16' });
    expect(synthErrors(stack)).toEqual([expect.stringContaining("externalCidrBlocks[0] '10.200.0.0/16' overlaps the VPC's secondary CIDR block")]);
  });

  test('a change an Aspect makes after the plan is an error that says what changed', () => {
    const { stack, vpc } = newApp();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    class LateAcl implements IAspect {
      private done = false;
      public visit(_node: IConstruct) {
        if (!this.done) {
          this.done = true;
          new ec2.NetworkAcl(stack, 'LateAcl', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
        }
      }
    }
    // On a construct declared after the peering: visited after the plan was made.
    Aspects.of(new Construct(stack, 'Later')).add(new LateAcl(), { priority: AspectPriority.READONLY });
    expect(synthErrors(stack)).toEqual([expect.stringMatching(
      /^\[Test\/Saas\] the app changed after the routes and Network ACL entries of Test\/Saas were made: it now needs entry .* in LateAcl.*AspectPriority.MUTATING/)]);
  });

  test('as the README says: a NACL declared after networkAclEntries was read fails synth, saying what to do; a peering declared after it is planned with it', () => {
    const { stack, vpc } = newApp();
    const early = new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    expect(early.networkAclEntries).toHaveLength(5);
    new VpcPeeringExternal(stack, 'Other', { vpc, ...BASE, vpcPeeringConnectionId: 'pcx-0123456789abcdef1', externalCidrBlocks: ['10.210.0.0/16'] });
    expect(synthErrors(stack)).toEqual([]);
    new ec2.NetworkAcl(stack, 'AppAcl', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
    expect(synthErrors(stack)).toEqual(expect.arrayContaining([expect.stringMatching(
      /^\[Test\/Saas\] the app changed after the routes and Network ACL entries of Test\/Saas were made: .*code that ran after routes, networkAclEntries or the ids were read \(declare it before reading them, or read them last\)/)]));
  });

  test('a NACL that an Aspect of the stack makes (visited before the construct) is followed', () => {
    const { stack, vpc } = newApp();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    let made = false;
    Aspects.of(stack).add({
      visit: () => {
        if (!made) {
          made = true;
          new ec2.NetworkAcl(stack, 'AppAcl', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
        }
      },
    }, { priority: AspectPriority.MUTATING });
    expect(synthErrors(stack)).toEqual([]);
    const t = template(stack);
    expect(verdict(aclRules([t], { Ref: 'AppAcl6CB102E3' }), tcpIn('10.200.1.1', 22), false)).toBe('deny');
  });

  test('users\' own Aspects (cdk-nag, tagging) see the created resources', () => {
    const { stack, vpc } = newApp();
    const seen: string[] = [];
    Aspects.of(stack).add({
      visit: (node: IConstruct) => {
        if (node instanceof ec2.CfnNetworkAclEntry || node instanceof ec2.CfnRoute) seen.push(node.node.path);
      },
    });
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    template(stack);
    expect(seen.filter(p => p.startsWith('Test/Saas/'))).toHaveLength(7);
  });

  test('a construct added after routes were read: what the plan makes again is the same object, the rest is replaced', () => {
    const { stack, vpc } = newApp();
    // Automatic numbers: a vendor that sorts first (a lower CIDR block) moves the numbers of the one after it.
    const later = new VpcPeeringExternal(stack, 'Mongo', { vpc, ...BASE, externalCidrBlocks: ['10.210.0.0/16'] });
    const routes = later.routes;
    const entries = later.networkAclEntries;
    new VpcPeeringExternal(stack, 'Elastic', { vpc, ...BASE });
    expect(later.routes).toEqual(routes);
    expect(later.routes.every((r, i) => r === routes[i])).toBe(true);
    const kept = later.networkAclEntries.filter(e => entries.includes(e));
    expect(kept.length).toBeLessThan(entries.length);
    // Entries that were replaced are gone from the tree; the template holds exactly the new plan.
    expect(entries.filter(e => !kept.includes(e)).every(e => stack.node.findAll().indexOf(e) < 0)).toBe(true);
    expect(synthErrors(stack)).toEqual([]);
    const t = template(stack);
    const rules = aclRules([t], { 'Fn::GetAtt': ['Vpc8378EB38', 'DefaultNetworkAcl'] });
    expect(rules).toHaveLength(10);
    expect(verdict(rules, tcpOut('10.210.0.9', 443))).toBe('allow');
    expect(verdict(rules, tcpIn('10.210.0.9', 22))).toBe('deny');
    expect(verdict(rules, tcpOut('10.200.0.9', 443))).toBe('allow');
    expect(duplicateKeys(t)).toEqual([]);
  });

  test.each([[true], [false]])('with aspectStabilization %s, a construct made by an Aspect is planned while Aspects run: seen by users\' Aspects, references exported, waiting for the acceptance', (stabilization) => {
    const app = new App({ context: { '@aws-cdk/core:aspectStabilization': stabilization } });
    const env = { account: '111111111111', region: 'us-east-1' };
    const net = new Stack(app, 'Net', { env });
    const vpc = new ec2.Vpc(net, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR), maxAzs: 2, natGateways: 1 });
    const svc = new Stack(app, 'Svc', { env });
    new VpcPeeringExternal(net, 'First', { vpc, ...BASE, firstRuleNumber: 1, lastRuleNumber: 20, acceptPeeringConnection: true, expectedRequester: { accountId: '222222222222' } });
    const holder = new Construct(svc, 'Holder');
    let made = false;
    Aspects.of(holder).add({
      visit: () => {
        if (!made) {
          made = true;
          new VpcPeeringExternal(holder, 'Later', { vpc, ...BASE, externalCidrBlocks: ['10.201.0.0/16'], firstRuleNumber: 30, lastRuleNumber: 49 });
        }
      },
    }, { priority: AspectPriority.MUTATING });
    const kinds = (c: IConstruct) => c instanceof ec2.CfnNetworkAclEntry || c instanceof ec2.CfnRoute;
    const seen = new Set<IConstruct>();
    Aspects.of(app).add({ visit: (node: IConstruct) => { if (kinds(node)) seen.add(node); } });
    const assembly = app.synth();
    const ours = app.node.findAll().filter(kinds).filter(c => /^(Net\/First|Svc\/Holder\/Later)\//.test(c.node.path));
    expect(ours).toHaveLength(14);
    expect(ours.filter(c => !seen.has(c)).map(c => c.node.path)).toEqual([]);
    // The route in Svc names the route table of Net through an import (the references were resolved after the plan).
    const svcRoutes = Object.values(assembly.getStackByName('Svc').template.Resources as Record<string, any>).filter(r => r.Type === 'AWS::EC2::Route');
    expect(svcRoutes.map(r => r.Properties.RouteTableId)).toEqual([
      { 'Fn::ImportValue': expect.stringContaining('RouteTable') }, { 'Fn::ImportValue': expect.stringContaining('RouteTable') },
    ]);
    // First's routes and entries, made again when Later registered, are still ordered: the routes after the acceptance,
    // the acceptance after every entry.
    const netResources = assembly.getStackByName('Net').template.Resources as Record<string, any>;
    const acceptance = Object.keys(netResources).find(id => netResources[id].Type === 'Custom::VpcPeeringAcceptance')!;
    const routes = Object.values(netResources).filter(r => r.Type === 'AWS::EC2::Route' && r.Properties.VpcPeeringConnectionId);
    const entries = Object.keys(netResources)
      .filter(id => netResources[id].Type === 'AWS::EC2::NetworkAclEntry' && netResources[id].Properties.CidrBlock === '10.200.0.0/16');
    expect(routes).toHaveLength(2);
    expect(routes.every(r => r.DependsOn.includes(acceptance))).toBe(true);
    expect(entries).toHaveLength(5);
    expect([...netResources[acceptance].DependsOn].sort()).toEqual(entries.sort());
  });

  // The plan runs at the construct a synth visits first; constructs registered later may come earlier in the tree.
  test.each([
    [true, 'the app'], [false, 'the app'], [true, 'a Stage'], [false, 'a Stage'],
  ])('with aspectStabilization %s, users\' Aspects see the resources of constructs declared against the tree order in %s', (stabilization, where) => {
    const app = new App({ context: { '@aws-cdk/core:aspectStabilization': stabilization } });
    const scope = where === 'a Stage' ? new Stage(app, 'Prod') : app;
    const stacks = [new Stack(scope, 'First'), new Stack(scope, 'Second')];
    const vpcs = stacks.map(s => new ec2.Vpc(s, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR), maxAzs: 2, natGateways: 1 }));
    const team = new Construct(stacks[0], 'Team');
    const kinds = (c: IConstruct) => c instanceof ec2.CfnNetworkAclEntry || c instanceof ec2.CfnRoute;
    const seen: string[] = [];
    // A nested Stage is synthesized on its own: it gets the user's Aspect of its own.
    Aspects.of(scope).add({ visit: (node: IConstruct) => { if (kinds(node)) seen.push(node.node.path); } });
    // Registered in the opposite of the order a synth visits them: Second, then First/Team, then First (before Team).
    new VpcPeeringExternal(stacks[1], 'Saas', { vpc: vpcs[1], ...BASE });
    new VpcPeeringExternal(team, 'Saas', { vpc: vpcs[0], ...BASE, firstRuleNumber: 1, lastRuleNumber: 20 });
    new VpcPeeringExternal(stacks[0], 'Early', { vpc: vpcs[0], ...BASE, externalCidrBlocks: ['10.201.0.0/16'], firstRuleNumber: 30, lastRuleNumber: 49 });
    app.synth();
    const made = stacks.flatMap(s => s.node.findAll()).filter(kinds).map(c => c.node.path);
    for (const path of ['Second/Saas', 'First/Team/Saas', 'First/Early']) {
      expect(made.filter(p => p.includes(`${path}/`)).length).toBeGreaterThan(0);
    }
    const ours = (p: string) => /\/(Saas|Early)\//.test(p);
    expect(seen.filter(ours).sort()).toEqual(made.filter(ours).sort());
  });
});

describe('lookups never block, nor hide: only what the lookup cannot change is an error while it is pending, and each construct says it waits', () => {
  const env = { account: '123456789012', region: 'us-east-1' };
  const lookupApp = (context?: Record<string, unknown>) => {
    const app = new App({ context });
    const stack = new Stack(app, 'Test', { env });
    const vpc = ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: 'vpc-0a1b2c3d4e5f60718' });
    new VpcPeeringExternal(stack, 'Saas', {
      vpc,
      ...BASE,
      subnets: { subnetGroupName: 'App' },
      networkAcls: [ec2.NetworkAcl.fromNetworkAclId(stack, 'AppAcl', 'acl-0ccccccccccccccc1')],
    });
    return { app, stack };
  };

  test('first pass: the placeholder VPC gives no error, the missing context is reported for the CLI, and the construct warns that it is not planned', () => {
    const { app, stack } = lookupApp();
    expect(synthErrors(stack)).toEqual([]);
    const assembly = app.synth();
    expect(assembly.manifest.missing?.map(m => m.provider)).toEqual(['vpc-provider']);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-vpc-peering-external'));
    expect(warnings.map(w => [w.id, w.entry.data])).toEqual([['/Test/Saas', expect.stringMatching(
      /^a context lookup of the app is pending .* this construct's routes and Network ACL entries are not planned, .*\[ack: cdk-vpc-peering-external:lookupPending\]$/)]]);
  });

  test('an env-bound stack whose availability zones are not looked up yet (a unit test): an external block overlapping the VPC is an error in that pass too', () => {
    const stack = new Stack(new App(), 'Test', { env });
    const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, externalCidrBlocks: ['10.0.128.0/17'] });
    expect(synthErrors(stack)).toEqual([expect.stringContaining("externalCidrBlocks[0] '10.0.128.0/17' overlaps the VPC's CIDR block 10.0.0.0/16")]);
  });

  test('an env-bound stack without problems: planned from the placeholder zones, and a warning says so', () => {
    const stack = new Stack(new App(), 'Test', { env });
    const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    expect(synthErrors(stack)).toEqual([]);
    const [warning] = Annotations.fromStack(stack).findWarning('/Test/Saas', Match.stringLikeRegexp('lookupPending'));
    expect(warning.entry.data).toContain('are planned from those placeholders');
  });

  test('second pass: with the looked-up VPC in context, the App subnets get their routes (one per shared table) and rules', () => {
    const key = lookupApp().app.synth().manifest.missing![0].key;
    const { stack } = lookupApp({
      [key]: {
        vpcId: 'vpc-0a1b2c3d4e5f60718',
        vpcCidrBlock: '10.1.0.0/16',
        availabilityZones: [],
        subnetGroups: [{
          name: 'App',
          type: 'Private',
          subnets: [
            { subnetId: 'subnet-1', cidr: '10.1.1.0/24', availabilityZone: 'us-east-1a', routeTableId: 'rtb-main' },
            { subnetId: 'subnet-2', cidr: '10.1.2.0/24', availabilityZone: 'us-east-1b', routeTableId: 'rtb-main' },
          ],
        }],
      },
    });
    expect(synthErrors(stack)).toEqual([]);
    const t = template(stack);
    const routes = Object.values(t.Resources as Record<string, any>).filter(r => r.Type === 'AWS::EC2::Route');
    expect(routes.map(r => r.Properties.RouteTableId)).toEqual(['rtb-main']);
    expect(verdict(aclRules([t], 'acl-0ccccccccccccccc1'), tcpIn('10.200.1.1', 22), false)).toBe('deny');
  });
});

describe('several vendors on one NACL need no arithmetic', () => {
  const vendors: Array<[string, Partial<VpcPeeringExternalProps>]> = [
    ['Elastic', { externalCidrBlocks: ['10.200.0.0/16'], allowOutbound: [ec2.AclTraffic.tcpPort(443), ec2.AclTraffic.tcpPort(9200)] }],
    ['Mongo', { externalCidrBlocks: ['10.210.0.0/16'], allowOutbound: [ec2.AclTraffic.tcpPortRange(27015, 27017)] }],
    ['Redis', { externalCidrBlocks: ['10.220.0.0/16'], allowOutbound: [ec2.AclTraffic.tcpPortRange(10000, 19999)] }],
  ];
  const pcxOf = (name: string) => `pcx-0123456789abcdef${vendors.findIndex(([n]) => n === name)}`;
  const synthVendors = (names: string[], ids: Record<string, string> = {}, record?: unknown) => {
    const { stack, vpc } = newApp(record);
    for (const [name, props] of vendors.filter(([n]) => names.includes(n))) {
      new VpcPeeringExternal(stack, ids[name] ?? name, { vpc, vpcPeeringConnectionId: pcxOf(name), ...props } as VpcPeeringExternalProps);
    }
    expect(synthErrors(stack)).toEqual([]);
    return template(stack);
  };
  /** The record a deployed template carries, as the next synth reads it. */
  const recordOf = (t: any) => ({ version: 1, stacks: { Test: t.Metadata[TEMPLATE_METADATA_KEY] } });
  const DEFAULT_ACL = { 'Fn::GetAtt': ['Vpc8378EB38', 'DefaultNetworkAcl'] };

  test('three vendors on the default NACL: each reaches its own ports only, all below 100, every allow before every deny', () => {
    const t = synthVendors(['Elastic', 'Mongo', 'Redis']);
    const rules = aclRules([t], DEFAULT_ACL);
    expect(duplicateKeys(t)).toEqual([]);
    expect(Math.max(...rules.map(r => r.ruleNumber))).toBeLessThan(100);
    for (const dir of [true, false]) {
      const allows = rules.filter(r => r.egress === dir && r.action === 'allow').map(r => r.ruleNumber);
      const denies = rules.filter(r => r.egress === dir && r.action === 'deny').map(r => r.ruleNumber);
      expect(Math.max(...allows)).toBeLessThan(Math.min(...denies));
    }
    expect(verdict(rules, tcpOut('10.200.0.9', 9200))).toBe('allow');
    expect(verdict(rules, tcpOut('10.200.0.9', 27017))).toBe('deny');
    expect(verdict(rules, tcpOut('10.210.0.9', 27017))).toBe('allow');
    expect(verdict(rules, tcpOut('10.210.0.9', 443))).toBe('deny');
    expect(verdict(rules, tcpOut('10.220.0.9', 12000))).toBe('allow');
    expect(verdict(rules, tcpIn('10.220.0.9', 22))).toBe('deny');
    // Other traffic is left to the default NACL's allow-all.
    expect(verdict(rules, tcpOut('52.1.2.3', 22))).toBe('allow');
  });

  test.each([
    // A vendor sorts by its lowest external CIDR block: Elastic 10.200/16, Mongo 10.210/16, Redis 10.220/16.
    ['adding a vendor that sorts last', ['Elastic', 'Mongo'], ['Elastic', 'Mongo', 'Redis'], 'Redis'],
    ['removing the vendor that sorts last', ['Elastic', 'Mongo', 'Redis'], ['Elastic', 'Mongo'], 'Redis'],
    ['adding a vendor that sorts first', ['Mongo', 'Redis'], ['Elastic', 'Mongo', 'Redis'], 'Elastic'],
    ['removing the vendor that sorts first', ['Elastic', 'Mongo', 'Redis'], ['Mongo', 'Redis'], 'Elastic'],
    ['removing the vendor in the middle', ['Elastic', 'Mongo', 'Redis'], ['Elastic', 'Redis'], 'Mongo'],
  ])('%s creates or deletes that vendor\'s entries only, and rewrites none (with the rule-number record)', (_, before, after, edited) => {
    const t0 = synthVendors(before);
    const t1 = synthVendors(after, {}, recordOf(t0));
    const sim = simulateUpdate(t0, t1);
    expect(sim.conflicts).toEqual([]);
    const block = cidrName(vendors.find(([n]) => n === edited)![1].externalCidrBlocks![0]);
    const touched = [...sim.added, ...sim.removed, ...sim.replaced, ...sim.updatedInPlace].filter(id => id.startsWith('Nacl'));
    expect(touched.length).toBeGreaterThan(0);
    expect(touched.filter(id => !id.endsWith(block))).toEqual([]);
    expect([...sim.replaced, ...sim.updatedInPlace].filter(id => id.startsWith('Nacl') || id.startsWith('Route'))).toEqual([]);
  });

  test('without the record, adding a vendor that sorts first renumbers the others, and the update would collide: the record is what keeps numbers', () => {
    const t0 = synthVendors(['Mongo', 'Redis']);
    const t1 = synthVendors(['Elastic', 'Mongo', 'Redis']);
    expect(simulateUpdate(t0, t1).conflicts.map(c => c.error)).toContain('NetworkAclEntryAlreadyExists');
  });

  test.each([
    ['a rename', { Mongo: 'MongoAtlas' }],
    ['a move under a parent', { Mongo: 'Databases' }],
  ])('%s changes no logical id', (_, ids) => {
    const t0 = synthVendors(['Elastic', 'Mongo']);
    const t1 = synthVendors(['Elastic', 'Mongo'], ids);
    const sim = simulateUpdate(t0, t1);
    expect(sim.added.concat(sim.removed, sim.replaced, sim.updatedInPlace)).toEqual([]);
  });

  test('a VPC moved under another construct with its logical ids kept (overrideLogicalId) changes no logical id of the peering', () => {
    const before = new Map<string, string>();
    const synthVpc = (moved: boolean) => {
      const app = new App();
      const stack = new Stack(app, 'Test');
      const vpc = new ec2.Vpc(moved ? new Construct(stack, 'Network') : stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR), maxAzs: 2, natGateways: 1 });
      // Every resource of the VPC keeps the logical id it had before the move.
      for (const c of vpc.node.findAll().filter((x): x is CfnElement => x instanceof CfnElement)) {
        const below = c.node.path.slice(vpc.node.path.length);
        if (moved) c.overrideLogicalId(before.get(below)!); else before.set(below, stack.resolve(c.logicalId));
      }
      new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
      expect(synthErrors(stack)).toEqual([]);
      return template(stack);
    };
    const [t0, t1] = [synthVpc(false), synthVpc(true)];
    const ours = (t: any) => Object.keys(t.Resources).filter(id => /^Nacl|^Route.*To10x/.test(id)).sort();
    expect(ours(t1)).toEqual(ours(t0));
    expect(ours(t0)).toHaveLength(7);
    expect(simulateUpdate(t0, t1).conflicts).toEqual([]);
  });

  const bandApp = (bands: Array<[string, number, number]>, record?: unknown) => {
    const { stack, vpc } = newApp(record);
    for (const [name, first, last] of bands) {
      const props = vendors.find(([n]) => n === name)![1];
      const band = { firstRuleNumber: first, lastRuleNumber: last };
      new VpcPeeringExternal(stack, name, { vpc, vpcPeeringConnectionId: pcxOf(name), ...props, ...band } as VpcPeeringExternalProps);
    }
    return stack;
  };

  test.each([
    ['compacted', [['Elastic', 50, 59], ['Mongo', 80, 89]], [['Elastic', 50, 59], ['Mongo', 60, 69]]],
    ['handed over: a removed vendor\'s band to a new one', [['Elastic', 50, 69], ['Mongo', 70, 89]], [['Redis', 50, 69], ['Mongo', 70, 89]]],
    ['swapped', [['Elastic', 50, 69], ['Mongo', 70, 89]], [['Elastic', 70, 89], ['Mongo', 50, 69]]],
  ])('explicit bands %s: the moved entries are made anew on numbers no entry of the old stack holds (with the record)', (_, before, after) => {
    const t0 = template(bandApp(before as any));
    const stack = bandApp(after as any, recordOf(t0));
    expect(synthErrors(stack)).toEqual([]);
    expect(simulateUpdate(t0, template(stack)).conflicts).toEqual([]);
  });

  test('explicit bands swapped with no room to spare: synth says the edit needs two deploys (the old entries hold those numbers until the cleanup)', () => {
    // Each needs 3 numbers per direction; in a band of 5, two are left free beside the other's old entries.
    const t0 = template(bandApp([['Elastic', 50, 54], ['Mongo', 55, 59]]));
    const stack = bandApp([['Elastic', 55, 59], ['Mongo', 50, 54]], recordOf(t0));
    expect(synthErrors(stack)).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(
      '^\\[Test/Elastic\\] Network ACL Vpc8378EB38.DefaultNetworkAcl has no (ingress|egress) rule number free for the new entries of ' +
      'Test/Elastic until the entries this update removes are deleted .*Deploy the change in two steps'))]));
  });

  test('two stacks of a Stage on one NACL with automatic numbers: synth refuses and proposes disjoint bands', () => {
    const app = new App();
    const stage = new Stage(app, 'Prod');
    const network = new Stack(stage, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR), maxAzs: 2, natGateways: 1 });
    new VpcPeeringExternal(new Stack(stage, 'Search'), 'Elastic', { vpc, ...BASE });
    new VpcPeeringExternal(new Stack(stage, 'Data'), 'Mongo', { vpc, ...BASE, externalCidrBlocks: ['10.210.0.0/16'] });
    expect(synthErrors(network)).toEqual([
      '[Prod/Data/Mongo] Network ACL Prod-Network.Vpc8378EB38.DefaultNetworkAcl gets peering rules from VpcPeeringExternal constructs ' +
      'in 2 stacks (Prod/Data, Prod/Search), and Prod/Data/Mongo, Prod/Search/Elastic number their rules automatically: stacks deploy ' +
      'one at a time, so numbers shared across stacks could collide during an update (NetworkAclEntryAlreadyExists). Give each a band of ' +
      'its own, e.g. Prod/Data/Mongo (stack Prod/Data): firstRuleNumber: 50, lastRuleNumber: 74; Prod/Search/Elastic (stack Prod/Search): firstRuleNumber: 75, lastRuleNumber: 99',
    ]);
  });

  test('an explicit band of 1-9 (kept from a Terraform migration) next to an automatic one in another stack: the proposal keeps 1-9 and it synthesizes', () => {
    const build = (mongoBand?: { firstRuleNumber: number; lastRuleNumber: number }) => {
      const app = new App();
      const stage = new Stage(app, 'Prod');
      const network = new Stack(stage, 'Network');
      const vpc = new ec2.Vpc(network, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR), maxAzs: 2, natGateways: 1 });
      new VpcPeeringExternal(new Stack(stage, 'Search'), 'Elastic', { vpc, ...BASE, firstRuleNumber: 1, lastRuleNumber: 9 });
      new VpcPeeringExternal(new Stack(stage, 'Data'), 'Mongo', { vpc, ...BASE, externalCidrBlocks: ['10.210.0.0/16'], ...mongoBand });
      return network;
    };
    const [error] = synthErrors(build());
    expect(error).toContain('Give each a band of its own, e.g. Prod/Data/Mongo (stack Prod/Data): firstRuleNumber: 50, lastRuleNumber: 99; ' +
      'Prod/Search/Elastic (stack Prod/Search): keeps firstRuleNumber: 1, lastRuleNumber: 9');
    expect(synthErrors(build({ firstRuleNumber: 50, lastRuleNumber: 99 }))).toEqual([]);
  });

  test('an explicit band inside the automatic band: the proposal goes around it, never across it', () => {
    const app = new App();
    const stage = new Stage(app, 'Prod');
    const network = new Stack(stage, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR), maxAzs: 2, natGateways: 1 });
    new VpcPeeringExternal(new Stack(stage, 'Search'), 'Elastic', { vpc, ...BASE, firstRuleNumber: 60, lastRuleNumber: 69 });
    new VpcPeeringExternal(new Stack(stage, 'Data'), 'Mongo', { vpc, ...BASE, externalCidrBlocks: ['10.210.0.0/16'] });
    new VpcPeeringExternal(new Stack(stage, 'Cache'), 'Redis', { vpc, ...BASE, externalCidrBlocks: ['10.220.0.0/16'] });
    const [error] = synthErrors(network);
    const bands = [...error.matchAll(/(\S+) \(stack [^)]+\): (keeps )?firstRuleNumber: (\d+), lastRuleNumber: (\d+)/g)]
      .map(m => [m[1], Number(m[3]), Number(m[4])] as const);
    expect(bands.find(b => b[0] === 'Prod/Search/Elastic')).toEqual(['Prod/Search/Elastic', 60, 69]);
    const others = bands.filter(b => b[0] !== 'Prod/Search/Elastic');
    expect(others).toHaveLength(2);
    for (const [, first, last] of others) {
      expect(last < 60 || first > 69).toBe(true);
      expect(first).toBeGreaterThanOrEqual(50);
      expect(last).toBeLessThanOrEqual(99);
    }
    expect(others[0][2] < others[1][1] || others[1][2] < others[0][1]).toBe(true);
  });

  test('two stacks of a Stage with the proposed bands synthesize, and the evaluator sees both policies', () => {
    const app = new App();
    const stage = new Stage(app, 'Prod');
    const network = new Stack(stage, 'Network');
    const vpc = new ec2.Vpc(network, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR), maxAzs: 2, natGateways: 1 });
    const search = new Stack(stage, 'Search');
    const data = new Stack(stage, 'Data');
    new VpcPeeringExternal(search, 'Elastic', { vpc, ...BASE, firstRuleNumber: 75, lastRuleNumber: 99 });
    new VpcPeeringExternal(data, 'Mongo', { vpc, ...BASE, externalCidrBlocks: ['10.210.0.0/16'], firstRuleNumber: 50, lastRuleNumber: 74 });
    expect(synthErrors(network)).toEqual([]);
    const templates = [template(search), template(data)];
    const rules = templates.flatMap(t => naclEntriesFromTemplate(t));
    expect(verdict(rules, tcpOut('10.200.0.9', 443))).toBe('allow');
    expect(verdict(rules, tcpOut('10.210.0.9', 443))).toBe('allow');
    expect(verdict(rules, tcpIn('10.210.0.9', 443))).toBe('deny');
  });

  test('two explicit bands that overlap in one stack: a synth error naming both constructs, not a template merge error', () => {
    const { stack, vpc } = newApp();
    new VpcPeeringExternal(stack, 'Elastic', { vpc, ...BASE, firstRuleNumber: 50, lastRuleNumber: 70 });
    new VpcPeeringExternal(stack, 'Mongo', { vpc, ...BASE, externalCidrBlocks: ['10.210.0.0/16'], firstRuleNumber: 70, lastRuleNumber: 99 });
    expect(synthErrors(stack)).toEqual([
      '[Test/Mongo] Test/Mongo and Test/Elastic both take ingress and egress rule number 70 of Network ACL Vpc8378EB38.DefaultNetworkAcl; ' +
      "the deploy would fail with NetworkAclEntryAlreadyExists. Give Test/Mongo a band that holds none of the other's numbers " +
      '(firstRuleNumber/lastRuleNumber), or leave both props out to number it automatically',
    ]);
  });

  test('the quota counts every vendor on the NACL and, when over, names them and the ways out, once', () => {
    const { stack, vpc } = newApp();
    const ports = (n: number, base: number) => Array.from({ length: n }, (_, i) => ec2.AclTraffic.tcpPort(base + 2 * i));
    new VpcPeeringExternal(stack, 'A', { vpc, ...BASE, allowOutbound: ports(9, 1000) });
    new VpcPeeringExternal(stack, 'B', { vpc, ...BASE, externalCidrBlocks: ['10.210.0.0/16'], allowOutbound: ports(9, 2000) });
    expect(synthErrors(stack)).toEqual([
      '[Test/A] Network ACL Vpc8378EB38.DefaultNetworkAcl would hold 22 IPv4 egress rules (10 from Test/A, 10 from Test/B, 1 already there, ' +
      'and the implicit deny rule), over maxRulesPerNetworkAcl 20: merge ports into ranges or allow fewer, use fewer CIDR blocks, raise the ' +
      'quota "Rules per network ACL" (at most 40) and set maxRulesPerNetworkAcl to it, or put the vendors\' subnets on separate Network ACLs',
    ]);
  });
});

describe('routes collide nowhere', () => {
  test('two vendors routing the same destination from the same tables: one error naming both, once', () => {
    const { stack, vpc } = newApp();
    new VpcPeeringExternal(stack, 'AtlasProd', { vpc, ...BASE, vpcPeeringConnectionId: 'pcx-0123456789abcdef1' });
    new VpcPeeringExternal(stack, 'AtlasDev', { vpc, ...BASE, vpcPeeringConnectionId: 'pcx-0123456789abcdef2', firstRuleNumber: 60, lastRuleNumber: 69 });
    expect(synthErrors(stack)).toEqual([1, 2].map(n => expect.stringMatching(new RegExp(
      `^\\[Test/AtlasProd\\] Test/AtlasProd and Test/AtlasDev both route 10.200.0.0/16 from route table .*PrivateSubnet${n}RouteTable.*RouteAlreadyExists`))));
  });

  test('the user\'s own CfnRoute on the same destination is an error naming it', () => {
    const { stack, vpc } = newApp();
    new ec2.CfnRoute(stack, 'Mine', { routeTableId: vpc.privateSubnets[0].routeTable.routeTableId, destinationCidrBlock: '10.200.0.0/16', vpcPeeringConnectionId: 'pcx-0123456789abcdef9' });
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    expect(synthErrors(stack)).toEqual([expect.stringMatching(/^\[Test\/Saas\] Test\/Saas and Test\/Mine both route 10.200.0.0\/16 from route table/)]);
  });
});

describe('other entries of the app', () => {
  function withAppAcl() {
    const { app, stack, vpc } = newApp();
    const appAcl = new ec2.NetworkAcl(stack, 'AppAcl', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
    return { app, stack, vpc, appAcl };
  }

  test('automatic numbers step around the app\'s own entries in the band', () => {
    const { stack, vpc, appAcl } = withAppAcl();
    appAcl.addEntry('Mine', { ruleNumber: 99, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.EGRESS });
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    expect(synthErrors(stack)).toEqual([]);
    const rules = aclRules([template(stack)], { Ref: 'AppAcl6CB102E3' });
    expect(rules.filter(r => r.egress && r.action === 'deny').map(r => r.ruleNumber)).toEqual([98]);
  });

  test('an explicit band on a number the app\'s own entry takes is an error naming both', () => {
    const { stack, vpc, appAcl } = withAppAcl();
    appAcl.addEntry('Mine', { ruleNumber: 99, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.EGRESS });
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, firstRuleNumber: 50, lastRuleNumber: 99 });
    expect(synthErrors(stack)).toEqual([
      '[Test/Saas] Test/Saas and Test/AppAcl/Mine/Resource both take egress rule number 99 of Network ACL AppAcl6CB102E3; the deploy would ' +
      "fail with NetworkAclEntryAlreadyExists. Give Test/Saas a band that holds none of the other's numbers (firstRuleNumber/lastRuleNumber), " +
      'or leave both props out to number it automatically',
    ]);
  });

  test('an allow-all at 10 before our deny is a warning on that entry, which users can acknowledge', () => {
    const { stack, vpc, appAcl } = withAppAcl();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    const entry = appAcl.addEntry('AllowAll', { ruleNumber: 10, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.INGRESS });
    Annotations.fromStack(stack).hasWarning('/Test/AppAcl/AllowAll/Resource', Match.stringLikeRegexp(
      '^Rule #10 allow all traffic ingress from 0.0.0.0/0 of Network ACL AppAcl6CB102E3 \\(Test/AppAcl/AllowAll/Resource\\) is evaluated before #99 deny .*never applies.*' +
      '\\[ack: cdk-vpc-peering-external:shadowedByLowerRule\\]$'));
    const { stack: s2, vpc: v2, appAcl: a2 } = withAppAcl();
    new VpcPeeringExternal(s2, 'Saas', { vpc: v2, ...BASE });
    const e2 = a2.addEntry('AllowAll', { ruleNumber: 10, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.INGRESS });
    CoreAnnotations.of(e2).acknowledgeWarning(PeeringWarnings.SHADOWED_BY_LOWER_RULE, 'on purpose');
    Annotations.fromStack(s2).hasNoWarning('*', Match.stringLikeRegexp('shadowedByLowerRule'));
    expect(entry).toBeDefined();
  });

  test('the app\'s other entries count towards the quota', () => {
    const { stack, vpc, appAcl } = withAppAcl();
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE });
    for (let i = 0; i < 18; i++) {
      appAcl.addEntry(`Rule${i}`, { ruleNumber: 200 + i, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.tcpPort(i), direction: ec2.TrafficDirection.EGRESS });
    }
    expect(synthErrors(stack)).toEqual([expect.stringContaining(
      'Network ACL AppAcl6CB102E3 would hold 21 IPv4 egress rules (2 from Test/Saas, 18 already there, and the implicit deny rule), over maxRulesPerNetworkAcl 20')]);
  });
});

describe('imported NACLs: the rules they already hold', () => {
  function importedDefault(extra: (acl: ec2.INetworkAcl) => Partial<VpcPeeringExternalProps>) {
    const app = new App();
    const stack = new Stack(app, 'Test');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1', vpcCidrBlock: '10.1.0.0/16', availabilityZones: ['a'], privateSubnetIds: ['subnet-1'], privateSubnetRouteTableIds: ['rtb-1'],
    });
    const defaultAcl = ec2.NetworkAcl.fromNetworkAclId(stack, 'Default', 'acl-0default');
    new VpcPeeringExternal(stack, 'Saas', { vpc, ...BASE, networkAcls: [defaultAcl], ...extra(defaultAcl) });
    return { stack, defaultAcl };
  }

  test('a band reaching 100 on an imported NACL is a warning that says why', () => {
    const { stack } = importedDefault(() => ({ firstRuleNumber: 90, lastRuleNumber: 120 }));
    expect(synthErrors(stack)).toEqual([]);
    Annotations.fromStack(stack).hasWarning('/Test/Saas', Match.stringLikeRegexp(
      'numbers 2 rule\\(s\\) of the imported Network ACL acl-0default at or above 100 \\(ingress 120, egress 120\\).*allow-all rule 100 decides all traffic before them.*existingNetworkAclRules.*rulesAtOrAbove100OnImportedNetworkAcl'));
  });

  test('declared rules are stepped around, collide with explicit bands and count towards the quota', () => {
    const app = new App();
    const stack = new Stack(app, 'Test');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1', vpcCidrBlock: '10.1.0.0/16', availabilityZones: ['a'], privateSubnetIds: ['subnet-1'], privateSubnetRouteTableIds: ['rtb-1'],
    });
    const acl = ec2.NetworkAcl.fromNetworkAclId(stack, 'Default', 'acl-0default');
    new VpcPeeringExternal(stack, 'Saas', {
      vpc, ...BASE, networkAcls: [acl], existingNetworkAclRules: [{ networkAcl: acl, ruleNumbers: [99, 100] }],
    });
    expect(synthErrors(stack)).toEqual([]);
    const rules = aclRules([template(stack)], 'acl-0default');
    expect(rules.filter(r => r.action === 'deny').map(r => r.ruleNumber)).toEqual([98, 98]);
    expect(Math.max(...rules.map(r => r.ruleNumber))).toBeLessThan(99);

    const collide = importedDefault(a => ({
      firstRuleNumber: 80, lastRuleNumber: 99, existingNetworkAclRules: [{ networkAcl: a, ruleNumbers: [99] }],
    }));
    expect(synthErrors(collide.stack)).toEqual([
      '[Test/Saas] Test/Saas and rule 99 that Test/Saas declares in existingNetworkAclRules both take ingress and egress rule number 99 of ' +
      "Network ACL acl-0default; the deploy would fail with NetworkAclEntryAlreadyExists. Give Test/Saas a band that holds none of the other's " +
      'numbers (firstRuleNumber/lastRuleNumber), or leave both props out to number it automatically',
    ]);
    const full = importedDefault(a => ({
      allowOutbound: Array.from({ length: 18 }, (_, i) => ec2.AclTraffic.tcpPort(1000 + 2 * i)),
      existingNetworkAclRules: [{ networkAcl: a, ruleNumbers: [100] }],
    }));
    expect(synthErrors(full.stack)).toEqual([expect.stringContaining(
      'Network ACL acl-0default would hold 21 IPv4 egress rules (19 from Test/Saas, 1 already there, and the implicit deny rule)')]);
  });
});

test('a construct class of the user\'s that wraps the peering keeps working (renamed ids stay stable)', () => {
  class SaasPeering extends Construct {
    constructor(scope: Construct, id: string, vpc: ec2.IVpc) {
      super(scope, id);
      new VpcPeeringExternal(this, 'Peering', { vpc, ...BASE });
    }
  }
  const { stack, vpc } = newApp();
  new SaasPeering(stack, 'Elastic', vpc);
  const wrapped = template(stack);
  const { stack: s2, vpc: v2 } = newApp();
  new VpcPeeringExternal(s2, 'Elastic', { vpc: v2, ...BASE });
  const direct = template(s2);
  const sim = simulateUpdate(direct, wrapped);
  expect(sim.added.concat(sim.removed, sim.replaced)).toEqual([]);
});
