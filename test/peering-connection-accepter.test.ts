import { execFileSync } from 'child_process';
import * as path from 'path';
import { App, CfnResource, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PeeringConnectionAccepter, PeeringConnectionAccepterProps, PeeringWarnings } from '../src';
import { recordTemplate } from './support/record-template';
import { deployedJsonLength, ROLE_INLINE_POLICY_LIMIT } from '../src/private/cdk/iam-size';

const PCX = 'pcx-0123456789abcdef0';
const ACCEPTANCE = 'Custom::VpcPeeringAcceptance';
const DNS = 'Custom::VpcPeeringDnsResolution';

type Overrides = Partial<PeeringConnectionAccepterProps>;

function newVpcStack(vpcProps: ec2.VpcProps = {}): { stack: Stack; vpc: ec2.Vpc } {
  const stack = new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, ...vpcProps });
  return { stack, vpc };
}

/** The vendor's account: accepting needs an expected requester (or a reason why not). */
const VENDOR = { accountId: '111122223333' };

function synth(overrides: Overrides = {}, vpcProps: ec2.VpcProps = {}) {
  const { stack, vpc } = newVpcStack(vpcProps);
  const accepter = new PeeringConnectionAccepter(stack, 'Accepter', { vpc, vpcPeeringConnectionId: PCX, expectedRequester: VENDOR, ...overrides });
  const template = Template.fromStack(stack);
  recordTemplate(template.toJSON());
  return { stack, vpc, accepter, template, json: template.toJSON() };
}

const VPC_REF = { Ref: 'Vpc8378EB38' };
/** `arn:${Partition}:ec2:${Region}:${Account}:<resource>/<id>` as formatArn renders it in a stack with a region. */
function arn(resource: string, id: unknown) {
  const tail = typeof id === 'string' ? [`:${resource}/${id}`] : [`:${resource}/`, id];
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-west-1:', { Ref: 'AWS::AccountId' }, ...tail]] };
}
const PCX_ARN = arn('vpc-peering-connection', PCX);
const ACCEPTER_VPC = { ArnEquals: { 'ec2:AccepterVpc': [arn('vpc', VPC_REF)] } };
const requesterVpc = (account: string, vpc = '*') => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ec2:*:${account}:vpc/${vpc}`]] });
/** The statement every accepter of a stack shares: what deleting an acceptance or a DNS resource needs. */
const REMOVAL_STATEMENT = {
  Effect: 'Allow',
  Action: ['ec2:ModifyVpcPeeringConnectionOptions', 'ec2:DeleteVpcPeeringConnection', 'ec2:RejectVpcPeeringConnection'],
  Resource: arn('vpc-peering-connection', '*'),
  Condition: { ArnLike: { 'ec2:AccepterVpc': arn('vpc', '*') } },
};

/** Every statement of every IAM policy in the template (roles' inline policies and AWS::IAM::Policy). */
function statements(json: any): any[] {
  const out: any[] = [];
  for (const r of Object.values<any>(json.Resources)) {
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of r.Properties.Policies ?? []) out.push(...p.PolicyDocument.Statement);
    } else if (r.Type === 'AWS::IAM::Policy') {
      out.push(...r.Properties.PolicyDocument.Statement);
    }
  }
  return out;
}
function actionsOf(s: any): string[] {
  return [s.Action].flat();
}
function statementFor(json: any, action: string): any[] {
  return statements(json).filter(s => actionsOf(s).includes(action));
}

/**
 * No statement of the template allows a non-Describe action with a wildcard, nor on a '*' resource, but the shared
 * removal statement: on connections whose accepter is a VPC of this account and region only.
 */
function expectNoWildcardOnMutatingActions(json: any) {
  for (const s of statements(json)) {
    const mutating = actionsOf(s).filter(a => a.includes('*') || !/^ec2:Describe/.test(a));
    if (mutating.length === 0) continue;
    expect(mutating.every(a => !a.includes('*'))).toBe(true);
    if (JSON.stringify(s) === JSON.stringify(REMOVAL_STATEMENT)) continue;
    const resources = [s.Resource].flat();
    for (const r of resources) {
      expect(JSON.stringify(r)).not.toContain('*');
    }
  }
}

describe('acceptance', () => {
  test('GIVEN the default props THEN one custom resource accepts the connection for this VPC', () => {
    const { template, accepter } = synth();
    template.resourceCountIs(ACCEPTANCE, 1);
    template.hasResourceProperties(ACCEPTANCE, {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VpcPeeringAccepterCustomResourceProviderHandler'), 'Arn'] },
      VpcPeeringConnectionId: PCX,
      AccepterVpcId: VPC_REF,
      Accept: 'true',
      ExpectedRequesterAccountId: '111122223333',
      ExpectedRequesterVpcId: Match.absent(),
      RequesterCidrBlocks: Match.absent(),
    });
    template.resourceCountIs(DNS, 0);
    expect(accepter.dnsResolution).toBeUndefined();
    expect(accepter.vpcPeeringConnectionId).toBe(PCX);
  });

  test('GIVEN the default props THEN the function runs on Node.js 22 with the code of lib/handlers/peering-accepter', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: '__entrypoint__.handler',
      Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$') },
    });
  });

  test('GIVEN the default props THEN the role may accept exactly this connection, only for this VPC, only from the vendor', () => {
    const { json } = synth();
    expect(statementFor(json, 'ec2:AcceptVpcPeeringConnection')).toEqual([{
      Effect: 'Allow',
      Action: 'ec2:AcceptVpcPeeringConnection',
      Resource: [PCX_ARN],
      Condition: { ...ACCEPTER_VPC, ArnLike: { 'ec2:RequesterVpc': [requesterVpc('111122223333')] } },
    }]);
  });

  test('GIVEN the default props THEN DescribeVpcPeeringConnections, which takes no resource-level permission, is the only action on * without a condition', () => {
    const { json } = synth();
    expect(statementFor(json, 'ec2:DescribeVpcPeeringConnections')).toEqual([{
      Effect: 'Allow', Action: 'ec2:DescribeVpcPeeringConnections', Resource: '*',
    }]);
    const ec2Actions = statements(json).flatMap(actionsOf).filter(a => a.startsWith('ec2:')).sort();
    expect(ec2Actions).toEqual([
      'ec2:AcceptVpcPeeringConnection', 'ec2:DeleteVpcPeeringConnection', 'ec2:DescribeVpcPeeringConnections',
      'ec2:ModifyVpcPeeringConnectionOptions', 'ec2:RejectVpcPeeringConnection',
    ]);
    expectNoWildcardOnMutatingActions(json);
  });

  test('GIVEN the default props THEN deleting, rejecting and setting options is allowed on connections whose accepter is a VPC of this account and region, and the stack status is readable', () => {
    const { json } = synth();
    expect(statementFor(json, 'ec2:DeleteVpcPeeringConnection')).toEqual([REMOVAL_STATEMENT]);
    expect(statementFor(json, 'cloudformation:DescribeStacks')).toEqual([{
      Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' },
    }]);
  });

  test.each([
    [undefined, 'destroy'], [RemovalPolicy.DESTROY, 'destroy'], [RemovalPolicy.RETAIN, 'retain'], [RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, 'retain'],
  ])('GIVEN removalPolicy %s THEN the acceptance says %s', (removalPolicy, expected) => {
    const { template } = synth({ removalPolicy });
    template.hasResourceProperties(ACCEPTANCE, { RemovalPolicy: expected });
  });

  test('GIVEN removalPolicy SNAPSHOT THEN it throws, naming the two that work', () => {
    expect(() => synth({ removalPolicy: RemovalPolicy.SNAPSHOT })).toThrow(
      'removalPolicy RemovalPolicy.SNAPSHOT is not possible for a VPC peering connection: use RemovalPolicy.DESTROY (delete the connection ' +
      'when the construct is removed) or RemovalPolicy.RETAIN (leave it)');
  });

  test('GIVEN expectedRequester with an account THEN the condition requires a requester VPC of that account, in any region', () => {
    const { json, template } = synth({ expectedRequester: { accountId: '111122223333' } });
    expect(statementFor(json, 'ec2:AcceptVpcPeeringConnection')[0].Condition).toEqual({
      ...ACCEPTER_VPC,
      ArnLike: { 'ec2:RequesterVpc': [requesterVpc('111122223333')] },
    });
    template.hasResourceProperties(ACCEPTANCE, { ExpectedRequesterAccountId: '111122223333', ExpectedRequesterVpcId: Match.absent() });
    expectNoWildcardOnMutatingActions(json);
  });

  test('GIVEN expectedRequester with an account and a VPC THEN the condition names that VPC', () => {
    const { json, template } = synth({ expectedRequester: { accountId: '111122223333', vpcId: 'vpc-0fedcba9876543210' } });
    expect(statementFor(json, 'ec2:AcceptVpcPeeringConnection')[0].Condition.ArnLike).toEqual({
      'ec2:RequesterVpc': [requesterVpc('111122223333', 'vpc-0fedcba9876543210')],
    });
    template.hasResourceProperties(ACCEPTANCE, {
      ExpectedRequesterAccountId: '111122223333', ExpectedRequesterVpcId: 'vpc-0fedcba9876543210',
    });
  });

  test('GIVEN acceptPeeringConnection false THEN the resource only checks the connection and the role cannot accept', () => {
    const { json, template } = synth({ acceptPeeringConnection: false, expectedRequester: { accountId: '111122223333' } });
    template.hasResourceProperties(ACCEPTANCE, { Accept: 'false', ExpectedRequesterAccountId: '111122223333' });
    expect(statementFor(json, 'ec2:AcceptVpcPeeringConnection')).toEqual([]);
    expect(statementFor(json, 'ec2:DescribeVpcPeeringConnections')).toHaveLength(1);
  });

  test('GIVEN an imported VPC THEN the VPC id is a literal in the property and in the condition', () => {
    const stack = new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0a1b2c3d4e5f60718', availabilityZones: ['eu-west-1a'] });
    new PeeringConnectionAccepter(stack, 'Accepter', { vpc, vpcPeeringConnectionId: PCX, expectedRequester: VENDOR, allowDnsResolutionFromRemoteVpc: true });
    const json = recordTemplate(Template.fromStack(stack).toJSON());
    Template.fromStack(stack).hasResourceProperties(ACCEPTANCE, { AccepterVpcId: 'vpc-0a1b2c3d4e5f60718' });
    expect(statementFor(json, 'ec2:AcceptVpcPeeringConnection')[0].Condition.ArnEquals).toEqual({
      'ec2:AccepterVpc': [arn('vpc', 'vpc-0a1b2c3d4e5f60718')],
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('GIVEN a stack without a region THEN the ARNs use the stack region pseudo parameter', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    new PeeringConnectionAccepter(stack, 'Accepter', { vpc, vpcPeeringConnectionId: PCX, expectedRequester: VENDOR });
    const json = recordTemplate(Template.fromStack(stack).toJSON());
    expect(statementFor(json, 'ec2:AcceptVpcPeeringConnection')[0].Resource).toEqual([{
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:vpc-peering-connection/${PCX}`]],
    }]);
  });
});

describe('a token peering connection id', () => {
  test('GIVEN the id of a vendor resource of the same app THEN the property and the ARN reference it', () => {
    const { stack, vpc } = newVpcStack();
    const atlas = new CfnResource(stack, 'AtlasPeering', {
      type: 'MongoDB::Atlas::NetworkPeering',
      properties: { ProjectId: '5f0e0e0e0e0e0e0e0e0e0e0e', ContainerId: 'abc', VpcId: vpc.vpcId, AwsAccountId: '123456789012', RouteTableCIDRBlock: '10.0.0.0/16', AccepterRegionName: 'eu-west-1' },
    });
    const pcx = Fn.getAtt(atlas.logicalId, 'ConnectionId').toString();
    const accepter = new PeeringConnectionAccepter(stack, 'Accepter', { vpc, vpcPeeringConnectionId: pcx, expectedRequester: VENDOR, allowDnsResolutionFromRemoteVpc: true });
    const template = Template.fromStack(stack);
    // not recorded for cfn-lint: MongoDB::Atlas::NetworkPeering is a third-party registry type it does not know (E3006)
    const json = template.toJSON();
    const getAtt = { 'Fn::GetAtt': ['AtlasPeering', 'ConnectionId'] };
    template.hasResourceProperties(ACCEPTANCE, { VpcPeeringConnectionId: getAtt });
    template.hasResourceProperties(DNS, { VpcPeeringConnectionId: getAtt });
    expect(statementFor(json, 'ec2:AcceptVpcPeeringConnection')[0].Resource).toEqual([arn('vpc-peering-connection', getAtt)]);
    expect(statementFor(json, 'ec2:ModifyVpcPeeringConnectionOptions')).toEqual([REMOVAL_STATEMENT]);
    expect(stack.resolve(accepter.vpcPeeringConnectionArn)).toEqual(arn('vpc-peering-connection', getAtt));
  });
});

describe('DNS resolution', () => {
  test('GIVEN allowDnsResolutionFromRemoteVpc THEN a second resource sets the option after the acceptance', () => {
    const { template, json, accepter } = synth({ allowDnsResolutionFromRemoteVpc: true });
    template.resourceCountIs(DNS, 1);
    const acceptanceId = Object.keys(template.findResources(ACCEPTANCE))[0];
    template.hasResource(DNS, {
      Properties: { VpcPeeringConnectionId: PCX, AccepterVpcId: VPC_REF, Accept: Match.absent() },
      DependsOn: Match.arrayWith([acceptanceId]),
    });
    expect(accepter.dnsResolution).toBeDefined();
    expectNoWildcardOnMutatingActions(json);
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('GIVEN DNS resolution on or off THEN the permission to set it is the same: turning it off, or removing the construct, keeps what the deletion of the DNS resource needs', () => {
    const on = synth({ allowDnsResolutionFromRemoteVpc: true }).json;
    const off = synth({ allowDnsResolutionFromRemoteVpc: false }).json;
    expect(statementFor(on, 'ec2:ModifyVpcPeeringConnectionOptions')).toEqual([REMOVAL_STATEMENT]);
    expect(statementFor(off, 'ec2:ModifyVpcPeeringConnectionOptions')).toEqual([REMOVAL_STATEMENT]);
  });

  test('GIVEN a new VPC with DNS on THEN no warning', () => {
    const { stack } = synth({ allowDnsResolutionFromRemoteVpc: true });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test.each([
    [{ enableDnsHostnames: false }, 'enableDnsHostnames turned off'],
    [{ enableDnsSupport: false, enableDnsHostnames: false }, 'enableDnsHostnames and enableDnsSupport turned off'],
  ])('GIVEN a new VPC with %j THEN a warning with an id says what is off', (vpcProps, text) => {
    const { stack } = synth({ allowDnsResolutionFromRemoteVpc: true }, vpcProps);
    const warnings = Annotations.fromStack(stack).findWarning('/Test/Accepter', Match.anyValue());
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toContain(text);
    expect(warnings[0].entry.data).toContain(`[ack: ${PeeringWarnings.DNS_RESOLUTION_WITHOUT_VPC_DNS}]`);
  });

  test('GIVEN DNS hostnames off but no DNS resolution asked for THEN no warning', () => {
    const { stack } = synth({}, { enableDnsHostnames: false });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('one function per stack', () => {
  test('GIVEN two accepters THEN one function, and one statement lists both connections and both requesters', () => {
    const { stack, vpc } = newVpcStack();
    const a = new PeeringConnectionAccepter(stack, 'Atlas', { vpc, vpcPeeringConnectionId: PCX, expectedRequester: VENDOR });
    const b = new PeeringConnectionAccepter(stack, 'Redis', {
      vpc, vpcPeeringConnectionId: 'pcx-0aaaaaaaaaaaaaaa1', allowDnsResolutionFromRemoteVpc: true, expectedRequester: { accountId: '444455556666' },
    });
    const template = Template.fromStack(stack);
    const json = recordTemplate(template.toJSON());
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs(ACCEPTANCE, 2);
    expect(statementFor(json, 'ec2:AcceptVpcPeeringConnection')).toEqual([{
      Effect: 'Allow',
      Action: 'ec2:AcceptVpcPeeringConnection',
      Resource: [PCX_ARN, arn('vpc-peering-connection', 'pcx-0aaaaaaaaaaaaaaa1')],
      Condition: { ...ACCEPTER_VPC, ArnLike: { 'ec2:RequesterVpc': [requesterVpc('111122223333'), requesterVpc('444455556666')] } },
    }]);
    // What removing one of them needs stays while the other is there: one shared statement, not one per connection.
    expect(statementFor(json, 'ec2:ModifyVpcPeeringConnectionOptions')).toEqual([REMOVAL_STATEMENT]);
    expect(statementFor(json, 'ec2:DescribeVpcPeeringConnections')).toHaveLength(1);
    const tokens = Object.values(template.findResources(ACCEPTANCE)).map((r: any) => JSON.stringify(r.Properties.ServiceToken));
    expect(new Set(tokens).size).toBe(1);
    expect([a.vpcPeeringConnectionId, b.vpcPeeringConnectionId]).toEqual([PCX, 'pcx-0aaaaaaaaaaaaaaa1']);
  });
});

describe('who the request must come from', () => {
  test('GIVEN acceptAnyRequesterReason THEN the statement lets any requester in, and a warning repeats the reason', () => {
    const { json, stack, template } = synth({ expectedRequester: undefined, acceptAnyRequesterReason: 'the vendor makes a new account per cluster' });
    expect(statementFor(json, 'ec2:AcceptVpcPeeringConnection')).toEqual([{
      Effect: 'Allow', Action: 'ec2:AcceptVpcPeeringConnection', Resource: [PCX_ARN], Condition: ACCEPTER_VPC,
    }]);
    template.hasResourceProperties(ACCEPTANCE, { ExpectedRequesterAccountId: Match.absent(), Accept: 'true' });
    const [warning] = Annotations.fromStack(stack).findWarning('/Test/Accepter', Match.stringLikeRegexp(PeeringWarnings.REQUESTER_NOT_CHECKED));
    expect(warning.entry.data).toContain("accepted from any account (acceptAnyRequesterReason: 'the vendor makes a new account per cluster')");
  });

  test('GIVEN one accepter with a requester and one without THEN two statements: the unchecked connection is not let in from the checked list', () => {
    const { stack, vpc } = newVpcStack();
    new PeeringConnectionAccepter(stack, 'Atlas', { vpc, vpcPeeringConnectionId: PCX, expectedRequester: VENDOR });
    new PeeringConnectionAccepter(stack, 'Lab', { vpc, vpcPeeringConnectionId: 'pcx-0aaaaaaaaaaaaaaa1', acceptAnyRequesterReason: 'a lab' });
    const json = Template.fromStack(stack).toJSON();
    expect(statementFor(json, 'ec2:AcceptVpcPeeringConnection').map(s => [s.Resource, s.Condition.ArnLike])).toEqual([
      [[PCX_ARN], { 'ec2:RequesterVpc': [requesterVpc('111122223333')] }],
      [[arn('vpc-peering-connection', 'pcx-0aaaaaaaaaaaaaaa1')], undefined],
    ]);
  });

  test('GIVEN requesterCidrBlocks THEN the acceptance carries both lists for the deploy check; GIVEN the recheck context THEN it carries that value', () => {
    const { template } = synth({ requesterCidrBlocks: ['10.200.0.0/16'] });
    template.hasResourceProperties(ACCEPTANCE, { RequesterCidrBlocks: ['10.200.0.0/16'], RequesterIpv6CidrBlocks: [], Recheck: Match.absent() });
    const stack = new Stack(new App({ context: { 'cdk-vpc-peering-external:recheck': '1765000000' } }), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    new PeeringConnectionAccepter(stack, 'Accepter', { vpc, vpcPeeringConnectionId: PCX, expectedRequester: VENDOR, allowDnsResolutionFromRemoteVpc: true });
    Template.fromStack(stack).hasResourceProperties(ACCEPTANCE, { Recheck: '1765000000' });
    // (the DNS resource is not updated by a recheck)
    Template.fromStack(stack).hasResourceProperties(DNS, { Recheck: Match.absent() });
  });
});

describe('validation', () => {
  test.each<[Overrides, string]>([
    [{ vpcPeeringConnectionId: 'pcx-123' }, "vpcPeeringConnectionId 'pcx-123' is not a VPC peering connection id: expected 'pcx-' and 8 or 17 lowercase hexadecimal characters"],
    [{ vpcPeeringConnectionId: 'vpc-0123456789abcdef0' }, "vpcPeeringConnectionId 'vpc-0123456789abcdef0' is not a VPC peering connection id"],
    [{ expectedRequester: { accountId: '1234' } }, "expectedRequester.accountId '1234' is not an AWS account id: expected 12 digits"],
    [{ expectedRequester: { accountId: '111122223333', vpcId: 'vpc-xyz' } }, "expectedRequester.vpcId 'vpc-xyz' is not a VPC id: expected 'vpc-' and 8 or 17 lowercase hexadecimal characters"],
    [{ expectedRequester: undefined }, 'acceptPeeringConnection is on without expectedRequester: the deploy would accept a request for this VPC from any AWS account'],
    [{ expectedRequester: undefined, acceptAnyRequesterReason: '  ' }, 'acceptAnyRequesterReason "  " gives no reason'],
    [{ acceptAnyRequesterReason: 'new account per cluster' }, 'acceptAnyRequesterReason is given with expectedRequester'],
    [{ expectedRequester: undefined, acceptPeeringConnection: false, acceptAnyRequesterReason: 'x' }, 'acceptAnyRequesterReason is given, but the deploy does not accept the request'],
    [{ requesterIpv6CidrBlocks: ['2600:1f18::/56'] }, 'requesterIpv6CidrBlocks is given without requesterCidrBlocks'],
  ])('GIVEN %j THEN it throws', (overrides, message) => {
    expect(() => synth(overrides)).toThrow(message);
  });
});

describe('packaging', () => {
  test('the npm package ships the compiled handler the function is made of', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: path.join(__dirname, '..'), encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'],
    });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    expect(files).toEqual(expect.arrayContaining([
      'lib/handlers/peering-accepter/index.js', 'lib/handlers/peering-accepter/properties.js',
    ]));
    expect(files.filter(f => f.startsWith('src/'))).toEqual([]);
  });
});

describe('IAM at the quota', () => {
  /** `n` accepters with DNS, each from its own account and VPC (the longest condition values), in one stack. */
  function accepters(n: number) {
    const { stack, vpc } = newVpcStack();
    for (let i = 0; i < n; i++) {
      const hex = i.toString(16).padStart(17, '0');
      new PeeringConnectionAccepter(stack, `Vendor${i}`, {
        vpc,
        vpcPeeringConnectionId: `pcx-${hex}`,
        expectedRequester: { accountId: String(100000000000 + i), vpcId: `vpc-${hex}` },
        allowDnsResolutionFromRemoteVpc: true,
      });
    }
    return stack;
  }
  const inlinePolicyLength = (json: any) => {
    const role = Object.values<any>(json.Resources).find(r => r.Type === 'AWS::IAM::Role');
    return deployedJsonLength(role.Properties.Policies[0]);
  };

  test('GIVEN 50 accepters with DNS in one stack (the default quota of peerings per VPC) THEN the role\'s inline policy fits IAM\'s 10,240 characters', () => {
    const stack = accepters(50);
    const json = Template.fromStack(stack).toJSON();
    const length = inlinePolicyLength(json);
    // measured: 8,589 characters (3,304 for 15, which a statement per accepter took past the limit), counting the
    // longest partition and stack id, and a VPC id per requester
    expect(length).toBeGreaterThan(50 * 80);
    expect(length).toBeLessThanOrEqual(ROLE_INLINE_POLICY_LIMIT);
    expect(statementFor(json, 'ec2:AcceptVpcPeeringConnection')).toHaveLength(1);
  });

  test('GIVEN more accepters than one role can hold THEN synth fails, saying to split them over stacks', () => {
    const stack = accepters(70);
    expect(() => Template.fromStack(stack)).toThrow(/the peering accepter's role in stack Test would hold about \d+ characters of inline policy for the 70 connections its stack accepts, more than IAM allows a role \(10240\): split the peerings over stacks/);
  });

  test('the size counted is the deployed JSON: intrinsic functions as their longest values', () => {
    expect(deployedJsonLength({ A: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':x']] } }))
      .toBe(JSON.stringify({ A: 'arn:aws-us-gov:ec2:ap-southeast-7:x' }).length);
  });
});
