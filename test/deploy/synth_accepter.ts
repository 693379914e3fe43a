/**
 * Synthesizes the stacks of the accepter's deploy test (test_deploy_accepter.py): `PeeringConnectionAccepter`, from
 * the public API, on an imported VPC.
 *
 *   npx ts-node --project test/tsconfig.json test/deploy/synth_accepter.ts <outdir> <variants-json>
 *
 * `<variants-json>` is a JSON array of `{ stackName, vpcId, pcx, expectedRequester?, allowDnsResolutionFromRemoteVpc?,
 * acceptPeeringConnection?, removalPolicy? ("destroy" | "retain") }`. Each variant becomes the cloud assembly `<outdir>/<stackName>/` (template, asset
 * manifest and the function's asset directory), synthesized by an app of its own.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, DefaultStackSynthesizer, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ExpectedRequester, PeeringConnectionAccepter } from '../../src';

interface Variant {
  readonly stackName: string;
  readonly vpcId: string;
  readonly pcx: string;
  readonly expectedRequester?: ExpectedRequester;
  readonly allowDnsResolutionFromRemoteVpc?: boolean;
  readonly acceptPeeringConnection?: boolean;
  readonly removalPolicy?: 'destroy' | 'retain';
}

function main(): void {
  const [outdir, spec] = process.argv.slice(2);
  if (!outdir || !spec) {
    throw new Error('usage: synth_accepter.ts <outdir> <variants-json | file>');
  }
  const variants: Variant[] = JSON.parse(fs.existsSync(spec) ? fs.readFileSync(spec, 'utf-8') : spec);
  for (const v of variants) {
    const app = new App({ outdir: path.join(outdir, v.stackName) });
    // The test deploys through the CloudFormation API: no bootstrap version check (the SSM parameter it reads).
    const stack = new Stack(app, v.stackName, { synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: v.vpcId, availabilityZones: ['us-east-1a'] });
    new PeeringConnectionAccepter(stack, 'Accepter', {
      vpc,
      vpcPeeringConnectionId: v.pcx,
      ...(v.expectedRequester ? { expectedRequester: v.expectedRequester } : {}),
      ...(v.allowDnsResolutionFromRemoteVpc === undefined ? {} : { allowDnsResolutionFromRemoteVpc: v.allowDnsResolutionFromRemoteVpc }),
      ...(v.acceptPeeringConnection === undefined ? {} : { acceptPeeringConnection: v.acceptPeeringConnection }),
      ...(v.removalPolicy === undefined ? {} : { removalPolicy: v.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY }),
    });
    app.synth();
  }
}

main();
