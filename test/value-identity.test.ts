/**
 * ValueIdentity names the NACLs and route tables in construct ids and logical ids, and keys them: a name must depend
 * on the value alone and stay readable; an identity must be equal exactly when two values name the same thing.
 */
import { App, CfnParameter, Stack, Stage, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ValueIdentity } from '../src/private/cdk/value-identity';

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Network');
  const other = new Stack(app, 'Service');
  const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
  const table = new ec2.CfnRouteTable(stack, 'Table', { vpcId: vpc.ref });
  return { app, stack, other, vpc, table };
}

describe('ValueIdentity.name', () => {
  test('a literal is its own name, with slashes made safe', () => {
    const { stack } = setup();
    expect(ValueIdentity.of(stack).name('acl-0123456789abcdef0')).toBe('acl-0123456789abcdef0');
    expect(ValueIdentity.of(stack).name('10.200.0.0/16')).toBe('10.200.0.0_16');
  });

  test("a Ref is named by the resource's logical id, a GetAtt by the logical id and the attribute", () => {
    const { stack, vpc, table } = setup();
    const identity = ValueIdentity.of(stack);
    expect(identity.name(table.ref)).toBe(stack.resolve(table.logicalId));
    expect(identity.name(vpc.attrDefaultNetworkAcl)).toBe(`${stack.resolve(vpc.logicalId)}.DefaultNetworkAcl`);
  });

  test('a resource of another stack is named with that stack\'s name first: logical ids are unique only within a stack', () => {
    const { stack, other, table } = setup();
    expect(ValueIdentity.of(other).name(table.ref)).toBe(`${stack.stackName}.${stack.resolve(table.logicalId)}`);
  });

  test('the other stack\'s name, not its construct id: renaming the construct (same stackName) or moving its Stage under a construct changes no name', () => {
    const name = (stackId: string, nest: boolean) => {
      const app = new App();
      const parent = nest ? new Construct(app, 'Pipeline') : app;
      const stage = new Stage(parent, 'Prod');
      const network = new Stack(stage, stackId, { stackName: 'Prod-Network' });
      const vpc = new ec2.CfnVPC(network, 'Vpc', { cidrBlock: '10.0.0.0/16' });
      const consumer = new Stack(stage, 'Peering');
      return ValueIdentity.of(consumer).name(vpc.attrDefaultNetworkAcl);
    };
    expect(name('Network', false)).toBe('Prod-Network.Vpc.DefaultNetworkAcl');
    expect(name('NetworkStack', false)).toBe('Prod-Network.Vpc.DefaultNetworkAcl');
    expect(name('Network', true)).toBe('Prod-Network.Vpc.DefaultNetworkAcl');
  });

  test('an overridden logical id (CfnInclude, a migration) is the name, as the template has it', () => {
    const { stack, vpc, table } = setup();
    table.overrideLogicalId('LegacyTable');
    vpc.overrideLogicalId('LegacyVpc');
    const nested = new ec2.CfnRouteTable(new Construct(stack, 'Team'), 'Table', { vpcId: vpc.ref });
    const identity = ValueIdentity.of(stack);
    expect(identity.name(table.ref)).toBe('LegacyTable');
    expect(identity.name(vpc.attrDefaultNetworkAcl)).toBe('LegacyVpc.DefaultNetworkAcl');
    expect(identity.name(nested.ref)).toBe(stack.resolve(nested.logicalId));
    expect(identity.name(nested.ref)).toMatch(/^TeamTable[0-9A-F]{8}$/);
  });

  test('a parameter is named by its logical id; a pseudo parameter by what it resolves to', () => {
    const { stack } = setup();
    const param = new CfnParameter(stack, 'AclId');
    expect(ValueIdentity.of(stack).name(param.valueAsString)).toBe('AclId');
    expect(ValueIdentity.of(stack).name(stack.region)).toBe('AWS::Region');
  });

  test('a parameter with a literal default is named by it: the same NACL passed as a literal or as a parameter has one name', () => {
    const { stack } = setup();
    const param = new CfnParameter(stack, 'AppAcl', { default: 'acl-0123456789abcdef0' });
    expect(ValueIdentity.of(stack).name(param.valueAsString)).toBe(ValueIdentity.of(stack).name('acl-0123456789abcdef0'));
  });
});

describe('ValueIdentity.identity', () => {
  test('two references to one resource are one identity, in any stack; different attributes are not', () => {
    const { stack, other, vpc, table } = setup();
    // A second token for the same reference (as each subnet of a VPC carries its own): same identity.
    const again = Token.asString(Token.asAny(table.ref));
    expect(ValueIdentity.of(other).identity(table.ref)).toBe(ValueIdentity.of(stack).identity(table.ref));
    expect(ValueIdentity.of(stack).identity(again)).toBe(ValueIdentity.of(stack).identity(table.ref));
    expect(ValueIdentity.of(stack).identity(vpc.ref)).not.toBe(ValueIdentity.of(stack).identity(vpc.attrDefaultNetworkAcl));
  });

  test('a literal is keyed by its value, whatever string token stands for it', () => {
    const { stack } = setup();
    const identity = ValueIdentity.of(stack);
    expect(identity.identity('acl-1')).toBe(identity.identity(Token.asString('acl-1')));
    expect(identity.identity('acl-1')).not.toBe(identity.identity('acl-2'));
  });
});
