/**
 * Writes the reference template of the example stack that every consumer test (Python, Java, Go) must reproduce.
 *
 *   npx ts-node --project test/tsconfig.json test/consumers/reference.ts <out.json>
 *
 * It synthesizes `NewVpcExampleStack` (example/stacks.ts) alone in a fresh App, as the consumer tests do, and writes
 * `Template.fromStack(stack).toJSON()`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NewVpcExampleStack } from '../../example/stacks';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: reference.ts <out.json>\n');
  process.exit(2);
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-reference-'));
try {
  const app = new App({ outdir });
  const stack = new NewVpcExampleStack(app, 'PeeringNewVpcExample');
  const template = Template.fromStack(stack).toJSON();
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(template, undefined, 2) + '\n');
  process.stdout.write(`reference template: ${Object.keys(template.Resources ?? {}).length} resources -> ${out}\n`);
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
