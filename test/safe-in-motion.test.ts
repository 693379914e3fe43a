/**
 * Safe in motion: every deploy of a realistic list of edits, on two and three vendors, with an acceptance and a NACL
 * made by `createNetworkAcl`, run through the model of CloudFormation's order (`src/analysis/transition.ts`): every
 * state of the update's creations and modifications in any order its dependencies allow, then its deletions, and
 * every state of a rollback, evaluated as AWS evaluates NACLs for a complete set of packets. No state may let through
 * what the policies before and after both deny, nor deny what both let through; no create may collide. Each step is
 * synthesized as the next synth after the step before sees the app: with its rule-number record.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { appAfter } from './fixtures';
import { SaasPeeringPreset, VpcPeeringExternal, VpcPeeringExternalProps } from '../src';
import { recordTemplate } from './support/record-template';
import { synthErrors } from './support/synth-errors';
import { analyzeTransition, assertSafeTransition } from '../src/analysis/transition';
import { cidrName } from '../src/private/plan/types';

type Vendor = { id: string } & Omit<VpcPeeringExternalProps, 'vpc'>;

const SEARCH: Vendor = {
  id: 'Search',
  vpcPeeringConnectionId: 'pcx-0ddddddddddddddd1',
  externalCidrBlocks: ['10.200.0.0/16'],
  allowOutbound: [ec2.AclTraffic.tcpPort(443)],
  acceptPeeringConnection: true,
  expectedRequester: { accountId: '210987654321' },
  allowDnsResolutionFromRemoteVpc: true,
};
// 10.9.0.0/16 sorts before 10.200.0.0/16 by address (a string order would put it after).
const ATLAS: Vendor = {
  id: 'Atlas',
  vpcPeeringConnectionId: 'pcx-0ddddddddddddddd2',
  externalCidrBlocks: ['10.9.0.0/16'],
  presets: [SaasPeeringPreset.mongoDbAtlas()],
  acceptPeeringConnection: true,
  expectedRequester: { accountId: '210987654321' },
};
const REDIS: Vendor = {
  id: 'Redis',
  vpcPeeringConnectionId: 'pcx-0ddddddddddddddd3',
  externalCidrBlocks: ['10.250.0.0/16'],
  presets: [SaasPeeringPreset.redisCloud()],
  acceptPeeringConnection: true,
  expectedRequester: { accountId: '210987654321' },
};
const tcp = (...ports: number[]) => ports.map(p => ec2.AclTraffic.tcpPort(p));
const SEARCH_FULL: Vendor = {
  ...SEARCH,
  externalCidrBlocks: ['10.200.0.0/16', '10.201.0.0/16'],
  allowInbound: tcp(8443),
  presets: [SaasPeeringPreset.confluentCloud({ allowManagedConnectorsInbound: tcp(5432) })],
};

interface Step {
  readonly name: string;
  /** The vendors of the app after the step; undefined: the stack deleted. */
  readonly vendors?: Vendor[];
  /** The vendor the edit is about: no other vendor's entry or route may change. */
  readonly edited?: string;
}

const TWO_VENDORS: Step[] = [
  { name: 'create, accepting the request', vendors: [SEARCH] },
  { name: 'a vendor whose block sorts first by address added', vendors: [SEARCH, ATLAS], edited: 'Atlas' },
  { name: 'a port added', vendors: [{ ...SEARCH, allowOutbound: tcp(443, 80) }, ATLAS], edited: 'Search' },
  { name: 'a port removed', vendors: [SEARCH, ATLAS], edited: 'Search' },
  { name: 'a CIDR block added', vendors: [{ ...SEARCH, externalCidrBlocks: SEARCH_FULL.externalCidrBlocks }, ATLAS], edited: 'Search' },
  { name: 'a preset added', vendors: [{ ...SEARCH, externalCidrBlocks: SEARCH_FULL.externalCidrBlocks, presets: [SaasPeeringPreset.confluentCloud()] }, ATLAS], edited: 'Search' },
  { name: 'an inbound service added', vendors: [SEARCH_FULL, ATLAS], edited: 'Search' },
  // The subnets move onto the NACL one vendor makes: the other vendor's rules move with them (its edit is the subnets').
  { name: 'createNetworkAcl on', vendors: [{ ...SEARCH_FULL, createNetworkAcl: true }, ATLAS] },
  { name: 'createNetworkAcl off', vendors: [SEARCH_FULL, ATLAS] },
  { name: 'vpcPeeringConnectionId switched to a new request', vendors: [{ ...SEARCH_FULL, vpcPeeringConnectionId: 'pcx-0ddddddddddddddd4' }, ATLAS], edited: 'Search' },
  { name: 'DNS resolution off', vendors: [{ ...SEARCH_FULL, vpcPeeringConnectionId: 'pcx-0ddddddddddddddd4', allowDnsResolutionFromRemoteVpc: false }, ATLAS], edited: 'Search' },
  { name: 'the vendor whose block sorts first removed', vendors: [{ ...SEARCH_FULL, vpcPeeringConnectionId: 'pcx-0ddddddddddddddd4', allowDnsResolutionFromRemoteVpc: false }], edited: 'Atlas' },
  { name: 'the stack deleted' },
];

const THREE_VENDORS: Step[] = [
  { name: 'create, accepting both requests', vendors: [SEARCH, ATLAS] },
  { name: 'a vendor whose block sorts last added', vendors: [SEARCH, ATLAS, REDIS], edited: 'Redis' },
  { name: 'the vendor in the middle removed', vendors: [ATLAS, REDIS], edited: 'Search' },
  { name: 'the vendor whose block sorts first removed', vendors: [REDIS], edited: 'Atlas' },
  { name: 'removalPolicy RETAIN', vendors: [{ ...REDIS, removalPolicy: RemovalPolicy.RETAIN }], edited: 'Redis' },
  { name: 'the last vendor removed, its denies retained', vendors: [] },
  { name: 'the stack deleted' },
];

// The NACL one vendor makes holds the other's rules too (they select the same subnets); removing that vendor deletes the
// NACL, the subnets return to the VPC's default NACL, and the other vendor's rules go there in the same deploy.
const OWN_NACL: Step[] = [
  { name: 'create, one vendor making a NACL for both', vendors: [{ ...SEARCH, createNetworkAcl: true }, ATLAS] },
  { name: 'the vendor that made the NACL removed', vendors: [ATLAS] },
  { name: 'the stack deleted' },
];

/** The template of an app with a new VPC (private subnets on its default NACL) and the vendors, after `previous`. */
function synth(vendors: Vendor[], previous?: any): any {
  const app: App = appAfter(previous);
  const stack = new Stack(app, 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
  for (const { id, ...props } of vendors) {
    new VpcPeeringExternal(stack, id, { vpc, ...props });
  }
  expect(synthErrors(stack)).toEqual([]);
  return recordTemplate(Template.fromStack(stack).toJSON());
}

/** Every template of a sequence, each after the one before (the empty template before the first and after a deletion). */
function templatesOf(steps: Step[]): any[] {
  const out: any[] = [{ Resources: {} }];
  for (const step of steps) {
    const previous = out[out.length - 1];
    out.push(step.vendors ? synth(step.vendors, Object.keys(previous.Resources).length ? previous : undefined) : { Resources: {} });
  }
  return out;
}

describe.each([['two vendors', TWO_VENDORS], ['three vendors', THREE_VENDORS], ['a NACL of its own', OWN_NACL]])('%s: every state of every deploy', (_, steps) => {
  const templates = templatesOf(steps);

  test.each(steps.map((s, i) => [s.name, i] as const))('%s: never more open, never an outage, no collision, in any order', (__, i) => {
    const report = assertSafeTransition(templates[i], templates[i + 1]);
    // Not trivial: every step changes what EC2 holds.
    const c = report.classification;
    expect([...c.added, ...c.removed, ...c.replaced, ...c.updatedInPlace].length).toBeGreaterThan(0);
  });

  // (Not in 'a NACL of its own': the other vendor's rules move with the subnets there.)
  const edits = steps.filter(s => s.edited).map(s => [s.name, s.edited!, steps.indexOf(s)] as const);
  if (edits.length > 0) {
    test.each(edits)(
      '%s touches only %s: no entry or route of another vendor is created, replaced, modified or deleted', (__, edited, i) => {
        const c = analyzeTransition(templates[i], templates[i + 1]).classification;
        const touched = [...c.added, ...c.removed, ...c.replaced, ...c.updatedInPlace].filter(id => /^(Nacl|Route)/.test(id));
        const blocks = [SEARCH, ATLAS, REDIS, SEARCH_FULL].filter(v => v.id === edited).flatMap(v => v.externalCidrBlocks!).map(cidrName);
        expect(touched.filter(id => !blocks.some(b => id.endsWith(b)))).toEqual([]);
      });
  }
});

describe('the model catches what the construct avoids (controls that must fail)', () => {
  const before = synth([SEARCH]);

  test('entries that wait for the acceptance (the design before) open the peering before the deny exists', () => {
    const first = JSON.parse(JSON.stringify(synth([SEARCH])));
    const acceptance = Object.keys(first.Resources).find(id => first.Resources[id].Type === 'Custom::VpcPeeringAcceptance')!;
    delete first.Resources[acceptance].DependsOn;
    for (const r of Object.values<any>(first.Resources).filter(x => x.Type === 'AWS::EC2::NetworkAclEntry')) r.DependsOn = [acceptance];
    expect(analyzeTransition({ Resources: {} }, first).violations.map(v => [v.phase, v.kind])).toContainEqual(['update', 'more-open']);
  });

  test('a deny that does not wait for its allows cuts what both policies allow (a CIDR block added to an active peering)', () => {
    const templates = templatesOf(TWO_VENDORS.slice(0, 5));
    const [withoutBlock, withBlock] = [templates[4], templates[5]];
    expect(analyzeTransition(withoutBlock, withBlock).violations).toEqual([]);
    const broken = JSON.parse(JSON.stringify(withBlock));
    for (const r of Object.values<any>(broken.Resources).filter(x => x.Type === 'AWS::EC2::NetworkAclEntry')) delete r.DependsOn;
    expect(analyzeTransition(withoutBlock, broken).violations.map(v => v.kind)).toContain('outage');
  });

  test('an acceptance that does not wait for the association of the NACL it is locked down in: removing the vendor returns the subnets to the default NACL while the peering is active', () => {
    const templates = templatesOf(OWN_NACL);
    expect(analyzeTransition(templates[1], templates[2]).violations).toEqual([]);
    const broken = JSON.parse(JSON.stringify(templates[1]));
    const associations = Object.keys(broken.Resources).filter(id => broken.Resources[id].Type === 'AWS::EC2::SubnetNetworkAclAssociation');
    expect(associations.length).toBeGreaterThan(0);
    for (const r of Object.values<any>(broken.Resources).filter(x => x.Type === 'Custom::VpcPeeringAcceptance')) {
      r.DependsOn = r.DependsOn.filter((d: string) => !associations.includes(d));
    }
    expect(analyzeTransition(broken, templates[2]).violations.map(v => v.kind)).toContain('more-open');
  });

  test('without the record, adding the vendor that sorts first renumbers the other: the update would collide', () => {
    expect(analyzeTransition(before, synth([SEARCH, ATLAS])).conflicts.map(c => c.error)).toContain('NetworkAclEntryAlreadyExists');
  });
});
