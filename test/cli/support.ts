/** Helpers of the command's tests: run `main` in-process, write hand-made assemblies, synthesize apps into a directory. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { main } from '../../src/cli/main';

/** What one run of the command printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command in-process with these arguments. */
export function cli(...argv: string[]): CliRun {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

/** A fresh temporary directory, removed after the test file. */
export function tempDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-vpc-peering-external-${name}-`));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a cloud assembly of hand-made templates (one stack artifact each) into `dir`; returns `dir`. */
export function writeAssembly(dir: string, templates: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  const artifacts: Record<string, unknown> = {};
  for (const [name, template] of Object.entries(templates)) {
    fs.writeFileSync(path.join(dir, `${name}.template.json`), JSON.stringify(template, undefined, 1));
    artifacts[name] = { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region', properties: { templateFile: `${name}.template.json` } };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '53.0.0', artifacts }));
  return dir;
}

/** A VPC of two AZs (10.0.0.0/16) with a Public and an App (isolated) subnet group on the default NACL, no NAT. */
export function appVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}
