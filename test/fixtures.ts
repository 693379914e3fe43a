import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RuleNumberRecord, VpcPeeringExternal, VpcPeeringExternalProps } from '../src';
import { recordTemplate } from './support/record-template';

/** The smallest valid props, given a VPC. */
export const BASE = {
  vpcPeeringConnectionId: 'pcx-0123456789abcdef0',
  externalCidrBlocks: ['10.200.0.0/16'],
  allowOutbound: [ec2.AclTraffic.tcpPort(443)],
};

export type Overrides = Partial<VpcPeeringExternalProps>;

/**
 * An app whose rule-number record is the one `previous` (a synthesized template of the stack `Test`) carries: the app
 * as the next synth after deploying `previous` sees it. Without `previous`, an app with no record.
 */
export function appAfter(previous?: any): App {
  return new App(previous ? { context: { [RuleNumberRecord.CONTEXT_KEY]: recordOf(previous) } } : {});
}

/** The rule-number record a synthesized template of the stack `Test` carries. */
export function recordOf(template: any, stackName = 'Test'): unknown {
  return { version: 1, stacks: { [stackName]: template.Metadata?.[RuleNumberRecord.TEMPLATE_METADATA_KEY] ?? { networkAcls: {} } } };
}

/** A stack with a new VPC (10.0.0.0/16, two AZs, public + private subnets on the default NACL). */
export function newVpcStack(vpcProps: ec2.VpcProps = {}, previous?: any): { stack: Stack; vpc: ec2.Vpc } {
  const stack = new Stack(appAfter(previous), 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1, ...vpcProps });
  return { stack, vpc };
}

/** A stack with an imported VPC whose two private subnets share one route table (after `previous`, see `appAfter`). */
export function importedVpcStack(previous?: any): { stack: Stack; vpc: ec2.IVpc; acl: ec2.INetworkAcl } {
  const stack = new Stack(appAfter(previous), 'Test');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    vpcCidrBlock: '10.1.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    privateSubnetRouteTableIds: ['rtb-0bbbbbbbbbbbbbbb1', 'rtb-0bbbbbbbbbbbbbbb1'],
    privateSubnetIpv4CidrBlocks: ['10.1.1.0/24', '10.1.2.0/24'],
  });
  const acl = ec2.NetworkAcl.fromNetworkAclId(stack, 'AppAcl', 'acl-0ccccccccccccccc1');
  return { stack, vpc, acl };
}

/** Synthesizes a new-VPC stack with the construct and returns the template JSON. */
export function synthNewVpc(
  overrides: Overrides = {}, vpcProps: ec2.VpcProps = {}, previous?: any,
): { template: any; construct: VpcPeeringExternal; stack: Stack } {
  const { stack, vpc } = newVpcStack(vpcProps, previous);
  const construct = new VpcPeeringExternal(stack, 'Peering', { vpc, ...BASE, ...overrides });
  return { template: recordTemplate(Template.fromStack(stack).toJSON()), construct, stack };
}

/** Synthesizes an imported-VPC stack with the construct (networkAcls given) and returns the template JSON. */
export function synthImported(overrides: Overrides = {}): { template: any; construct: VpcPeeringExternal; stack: Stack } {
  const { stack, vpc, acl } = importedVpcStack();
  const construct = new VpcPeeringExternal(stack, 'Peering', { vpc, networkAcls: [acl], ...BASE, ...overrides });
  return { template: recordTemplate(Template.fromStack(stack).toJSON()), construct, stack };
}

/** The resources of a type, as [logicalId, properties] pairs. */
export function resourcesOfType(template: any, type: string): Array<[string, any]> {
  return Object.entries(template.Resources as Record<string, any>)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties]);
}
