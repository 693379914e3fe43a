/**
 * cdk-nag's AwsSolutions pack on the example stacks: the only finding is AwsSolutions-VPC3 ("use NACLs sparingly"),
 * which the example acknowledges with a reason.
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { ImportedVpcExampleStack, NewVpcExampleStack } from '../example/stacks';

const IMPORTED_PROPS = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcCidrBlock: '10.1.0.0/16',
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
  privateSubnetRouteTableIds: ['rtb-0bbbbbbbbbbbbbbb1', 'rtb-0bbbbbbbbbbbbbbb1'],
  privateNetworkAclId: 'acl-0ccccccccccccccc1',
  otherNetworkAclIds: ['acl-0ccccccccccccccc2'],
  vpcPeeringConnectionId: 'pcx-0ddddddddddddddd1',
  externalCidrBlocks: ['10.210.0.0/16'],
};

function nagFindings(stack: Stack): string[] {
  const annotations = Annotations.fromStack(stack);
  const messages = [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-')),
  ].map(m => String(m.entry.data));
  return [...new Set(messages.map(m => /AwsSolutions-[A-Za-z0-9]+/.exec(m)![0]))].sort();
}

function stacks(app: App): Stack[] {
  return [new NewVpcExampleStack(app, 'New'), new ImportedVpcExampleStack(app, 'Imported', IMPORTED_PROPS)];
}

test('without suppressions the only AwsSolutions finding is VPC3, on the construct\'s NACL entries', () => {
  const app = new App();
  const [newVpc, imported] = stacks(app);
  Aspects.of(app).add(new AwsSolutionsChecks());
  expect(nagFindings(newVpc)).toEqual(['AwsSolutions-VPC3']);
  expect(nagFindings(imported)).toEqual(['AwsSolutions-VPC3']);
});

test('with the example\'s acknowledgement there is no finding left', () => {
  const app = new App();
  const all = stacks(app);
  for (const stack of all) {
    NagSuppressions.addStackSuppressions(stack, [{ id: 'AwsSolutions-VPC3', reason: 'NACL entries restrict a third-party VPC peering' }]);
  }
  Aspects.of(app).add(new AwsSolutionsChecks());
  for (const stack of all) {
    expect(nagFindings(stack)).toEqual([]);
  }
});
