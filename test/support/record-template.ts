/**
 * Records the CloudFormation templates the jest tests synthesize, so that cfn-lint can check them too
 * (test/deploy/test_cfn_lint.py). Only when the environment variable RECORD_TEMPLATES_DIR is set (scripts/test-all.sh
 * sets it for the build): each template is then written to that directory once, as `<hash of its content>.json`.
 * A synthesis that throws records nothing, so the templates of bad input never get there.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Writes `template` (a `Template.fromStack(stack).toJSON()`) to RECORD_TEMPLATES_DIR, if set, and returns it. */
export function recordTemplate<T>(template: T): T {
  const dir = process.env.RECORD_TEMPLATES_DIR;
  if (dir) {
    const text = JSON.stringify(template, undefined, 2) + '\n';
    const file = path.resolve(dir, createHash('sha256').update(text).digest('hex').slice(0, 16) + '.json');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
  }
  return template;
}

/**
 * Records the template of every stack in the app of `scope`, for tests that synthesize through `app.synth()` or
 * `Annotations.fromStack(stack)` (the app's assembly is cached, so this synthesizes again only if nothing did).
 */
export function recordApp(scope: IConstruct): void {
  if (!process.env.RECORD_TEMPLATES_DIR) {
    return;
  }
  const app = scope.node.root;
  if (!Stage.isStage(app)) {
    throw new Error(`${scope.node.path} is not in an App or Stage`);
  }
  for (const stack of app.synth().stacksRecursively) {
    recordTemplate(stack.template);
  }
}
