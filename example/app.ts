import * as path from 'path';
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { ImportedVpcExampleStack, NewVpcExampleStack, PLACEHOLDER_IMPORTED_VPC } from './stacks';

/**
 * The example app. `npx projen example` synthesizes it into example/cdk.out and prints what it creates;
 * `npx cdk deploy --app 'npx ts-node example/app.ts'` deploys it.
 *
 * Context `importedVpc` (JSON of ImportedVpcExampleStackProps) replaces the placeholder ids of the imported example.
 */
const app = new App({ outdir: process.env.CDK_OUTDIR ?? path.join(__dirname, 'cdk.out') });

const newVpc = new NewVpcExampleStack(app, 'PeeringNewVpcExample');

const importedContext = app.node.tryGetContext('importedVpc');
const imported = new ImportedVpcExampleStack(app, 'PeeringImportedVpcExample', {
  ...PLACEHOLDER_IMPORTED_VPC,
  ...(typeof importedContext === 'string' ? JSON.parse(importedContext) : importedContext ?? {}),
});

// cdk-nag's AwsSolutions pack flags every Network ACL entry (AwsSolutions-VPC3, "use NACLs sparingly"). These entries
// are the point of the construct: they keep a third party's VPC out of everything but the replies and chosen ports.
for (const stack of [newVpc, imported]) {
  NagSuppressions.addStackSuppressions(stack, [{
    id: 'AwsSolutions-VPC3',
    reason: 'The Network ACL entries restrict a third-party VPC peering to chosen ports; security groups alone cannot deny a peer.',
  }]);
}
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));

app.synth();
