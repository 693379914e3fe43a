/**
 * cdk-nag on the example app as built (example/app.ts runs AwsSolutions): nothing to acknowledge, the construct explains
 * VPC3 on its own entries; and why the scanner test (test/scanners/cdk-nag.test.ts) reads templates back as L1s.
 */
import { App, Stack } from 'aws-cdk-lib';
import { ImportedVpcExampleStack, NewVpcExampleStack, PLACEHOLDER_IMPORTED_VPC } from '../example/stacks';
import { runPacks } from './scanners/cdk-nag';

describe('the example app as built', () => {
  function exampleStacks(app: App): Stack[] {
    return [new NewVpcExampleStack(app, 'New'), new ImportedVpcExampleStack(app, 'Imported', PLACEHOLDER_IMPORTED_VPC)];
  }

  test('AwsSolutions, as example/app.ts runs it, reports nothing: the construct explains VPC3 on its own entries', () => {
    const app = new App();
    const stacks = exampleStacks(app);
    const results = runPacks(app, ...stacks).filter(r => r.rule.startsWith('AwsSolutions-'));
    expect(results.filter(r => r.status === 'non-compliant' || r.status === 'error')).toEqual([]);
    expect(results.filter(r => r.status === 'suppressed').map(r => r.rule)).toContain('AwsSolutions-VPC3');
  });

  test('cdk-nag does not see the function and role a CustomResourceProvider makes (why the templates are read back as L1s)', () => {
    const app = new App();
    const stacks = exampleStacks(app);
    const results = runPacks(app, ...stacks).filter(r => /^VpcPeeringAccepterCustomResourceProvider(Handler|Role)/.test(r.logicalId));
    expect(results.length).toBeGreaterThan(0);
    expect(results.filter(r => r.status !== 'not applicable')).toEqual([]);
  });
});
