/**
 * cdk-nag's AwsSolutions pack on the example stacks: the only finding is AwsSolutions-VPC3 ("use NACLs sparingly"),
 * which the example acknowledges with a reason.
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { ImportedVpcExampleStack, NewVpcExampleStack, PLACEHOLDER_IMPORTED_VPC } from '../example/stacks';
import { recordApp } from './support/record-template';

function nagFindings(stack: Stack): string[] {
  const annotations = Annotations.fromStack(stack);
  recordApp(stack);
  const messages = [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-')),
  ].map(m => String(m.entry.data));
  return [...new Set(messages.map(m => /AwsSolutions-[A-Za-z0-9]+/.exec(m)![0]))].sort();
}

function stacks(app: App): Stack[] {
  return [new NewVpcExampleStack(app, 'New'), new ImportedVpcExampleStack(app, 'Imported', PLACEHOLDER_IMPORTED_VPC)];
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
