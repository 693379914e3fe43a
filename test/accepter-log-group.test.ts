/**
 * The log group of the accepter's function: one per stack (the function is), with the retention `logRetention` asks
 * for, retained when removed; the function logs there and may write nowhere else.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BASE, newVpcStack } from './fixtures';
import { PeeringConnectionAccepter, VpcPeeringExternal } from '../src';
import { recordTemplate } from './support/record-template';

const PCX = 'pcx-0123456789abcdef0';
const OTHER_PCX = 'pcx-0aaaaaaaaaaaaaaa1';
const LOG_GROUP = 'AWS::Logs::LogGroup';

function accepterStack(...retentions: Array<logs.RetentionDays | undefined>): Template {
  const stack = new Stack(new App(), 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
  retentions.forEach((logRetention, i) => new PeeringConnectionAccepter(stack, `Accepter${i}`, {
    vpc, vpcPeeringConnectionId: `pcx-0aaaaaaaaaaaaaa${i}${i}`, logRetention, expectedRequester: { accountId: '111122223333' },
  }));
  return Template.fromStack(stack);
}

function logGroupOf(template: Template): [string, any] {
  const groups = Object.entries(template.findResources(LOG_GROUP));
  expect(groups).toHaveLength(1);
  return groups[0];
}

describe('the log group', () => {
  test('GIVEN the default props THEN one log group keeps the entries a year and is retained when removed', () => {
    const template = accepterStack(undefined);
    recordTemplate(template.toJSON());
    const [, group] = logGroupOf(template);
    expect(group).toMatchObject({ Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(group.Properties.LogGroupName).toBeUndefined();
  });

  test.each<[logs.RetentionDays, number | undefined]>([
    [logs.RetentionDays.ONE_WEEK, 7],
    [logs.RetentionDays.THREE_MONTHS, 90],
    [logs.RetentionDays.TEN_YEARS, 3653],
    [logs.RetentionDays.INFINITE, undefined],
  ])('GIVEN logRetention %d THEN RetentionInDays is %p', (retention, days) => {
    const [, group] = logGroupOf(accepterStack(retention));
    expect(group.Properties?.RetentionInDays).toBe(days);
  });

  test('GIVEN the default props THEN the function logs to that group', () => {
    const template = accepterStack(undefined);
    const [id] = logGroupOf(template);
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: id } } });
  });

  test('GIVEN the default props THEN the role may create streams and put events in that group, and has no managed policy', () => {
    const template = accepterStack(undefined);
    const [id] = logGroupOf(template);
    const [role] = Object.values(template.findResources('AWS::IAM::Role'));
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    const logging = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('logs:')));
    expect(logging).toEqual([{
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [id, 'Arn'] },
    }]);
  });
});

describe('one log group per stack', () => {
  test.each<[string, Array<logs.RetentionDays | undefined>, number]>([
    ['none sets it', [undefined, undefined], 365],
    ['the first sets it', [logs.RetentionDays.ONE_MONTH, undefined], 30],
    ['the second sets it', [undefined, logs.RetentionDays.ONE_MONTH], 30],
    ['both set the same', [logs.RetentionDays.TWO_YEARS, logs.RetentionDays.TWO_YEARS], 731],
  ])('GIVEN two accepters of which %s THEN one log group with that retention', (_, retentions, days) => {
    const template = accepterStack(...retentions);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    expect(logGroupOf(template)[1].Properties.RetentionInDays).toBe(days);
  });

  test('GIVEN two accepters that set different values THEN it throws, naming both', () => {
    expect(() => accepterStack(logs.RetentionDays.ONE_MONTH, logs.RetentionDays.ONE_YEAR)).toThrow(
      'Test/Accepter1 sets logRetention to RetentionDays.ONE_YEAR (365) but Test/Accepter0 sets it to RetentionDays.ONE_MONTH (30): ' +
      'the accepters of a stack share one function and its log group, so give both the same value (or leave it out on one)',
    );
  });

  test('GIVEN accepters in two stacks THEN each stack has its own log group and retention', () => {
    const app = new App();
    const stacks = [logs.RetentionDays.ONE_MONTH, logs.RetentionDays.ONE_YEAR].map((logRetention, i) => {
      const stack = new Stack(app, `Stack${i}`);
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
      new PeeringConnectionAccepter(stack, 'Accepter', { vpc, vpcPeeringConnectionId: PCX, logRetention, expectedRequester: { accountId: '111122223333' } });
      return stack;
    });
    expect(stacks.map(s => logGroupOf(Template.fromStack(s))[1].Properties.RetentionInDays)).toEqual([30, 365]);
  });
});

describe('VpcPeeringExternal', () => {
  test('GIVEN no logRetention THEN the accepter\'s log group keeps a year', () => {
    const { stack, vpc } = newVpcStack();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE });
    expect(logGroupOf(Template.fromStack(stack))[1].Properties.RetentionInDays).toBe(365);
  });

  test('GIVEN logRetention THEN the accepter\'s log group has it', () => {
    const { stack, vpc } = newVpcStack();
    new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, logRetention: logs.RetentionDays.SIX_MONTHS });
    expect(logGroupOf(Template.fromStack(stack))[1].Properties.RetentionInDays).toBe(180);
  });

  test('GIVEN two constructs sharing one connection, one with logRetention THEN its value holds', () => {
    const { stack, vpc } = newVpcStack();
    new VpcPeeringExternal(stack, 'Https', { vpc, ...BASE });
    new VpcPeeringExternal(stack, 'Kafka', {
      vpc,
      ...BASE,
      subnets: { subnetType: ec2.SubnetType.PUBLIC },
      createNetworkAcl: true,
      allowOutbound: [ec2.AclTraffic.tcpPort(9092)],
      logRetention: logs.RetentionDays.THREE_MONTHS,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::VpcPeeringAcceptance', 1);
    expect(logGroupOf(template)[1].Properties.RetentionInDays).toBe(90);
  });

  test.each<[string, string]>([
    ['one connection', PCX],
    ['two connections', OTHER_PCX],
  ])('GIVEN two constructs of one stack with different logRetention, on %s THEN it throws, naming both constructs', (_, secondPcx) => {
    const { stack, vpc } = newVpcStack();
    new VpcPeeringExternal(stack, 'Https', { vpc, ...BASE, logRetention: logs.RetentionDays.ONE_YEAR });
    expect(() => new VpcPeeringExternal(stack, 'Kafka', {
      vpc,
      ...BASE,
      vpcPeeringConnectionId: secondPcx,
      externalCidrBlocks: ['10.201.0.0/16'],
      subnets: { subnetType: ec2.SubnetType.PUBLIC },
      logRetention: logs.RetentionDays.ONE_WEEK,
    })).toThrow('Test/Kafka sets logRetention to RetentionDays.ONE_WEEK (7) but Test/Https sets it to RetentionDays.ONE_YEAR (365)');
  });
});
