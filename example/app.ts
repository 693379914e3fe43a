import * as path from 'path';
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ImportedVpcExampleStack, NewVpcExampleStack, PLACEHOLDER_IMPORTED_VPC } from './stacks';

/**
 * The example app. `npx projen example` synthesizes it into example/cdk.out and prints what it creates;
 * `npx cdk deploy --app 'npx ts-node example/app.ts'` deploys it.
 *
 * Context `importedVpc` (JSON of ImportedVpcExampleStackProps) replaces the placeholder ids of the imported example.
 */
const app = new App({ outdir: process.env.CDK_OUTDIR ?? path.join(__dirname, 'cdk.out') });

new NewVpcExampleStack(app, 'PeeringNewVpcExample');

const importedContext = app.node.tryGetContext('importedVpc');
new ImportedVpcExampleStack(app, 'PeeringImportedVpcExample', {
  ...PLACEHOLDER_IMPORTED_VPC,
  ...(typeof importedContext === 'string' ? JSON.parse(importedContext) : importedContext ?? {}),
});

// cdk-nag's AwsSolutions pack: the construct explains on its own resources the findings they trip by design
// (AwsSolutions-VPC3, "use NACLs sparingly", on every Network ACL entry), so nothing is left to acknowledge.
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));

app.synth();
