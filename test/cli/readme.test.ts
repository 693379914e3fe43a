/**
 * The README's `explain` example is what the command prints for the example app's new-VPC stack.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { cli, tempDir } from './support';
import { NewVpcExampleStack } from '../../example/stacks';

const outdir = tempDir('readme');

test('the README\'s explain output is a real run on the example app', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
  const section = readme.slice(readme.indexOf('### Reviewing a change: `explain` and `diff`'));
  const example = /`explain` on the example app[\s\S]*?```text\n([\s\S]*?)```/.exec(section)?.[1];
  expect(example).toBeDefined();

  const app = new App({ outdir });
  new NewVpcExampleStack(app, 'PeeringNewVpcExample');
  app.synth();
  const run = cli('explain', outdir);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(example!);
});
