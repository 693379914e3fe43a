/**
 * Runs cdk-nag's AwsSolutions, NIST 800-53 R5 and HIPAA Security packs and returns what each rule said of each
 * resource, through a logger of its own (no reports, no annotations to parse).
 *
 * cdk-nag's rules look at a resource's L1 class (`instanceof CfnFunction`): the function and role a
 * `CustomResourceProvider` makes are plain `CfnResource`s, which no rule checks (cdklabs/cdk-nag#1636). `nagTemplate`
 * reads a template back with `CfnInclude` (aws-cdk-lib/cloudformation-include), which makes every resource its L1
 * class, metadata included, and runs the packs on that.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, BootstraplessSynthesizer, CfnResource, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import {
  AwsSolutionsChecks, HIPAASecurityChecks, INagLogger, NagLoggerBaseData, NagLoggerNonComplianceData, NagLoggerSuppressedData,
  NagPackProps, NIST80053R5Checks,
} from 'cdk-nag';
import type { CfnTemplate } from './shipped-templates';
import { recordApp } from '../support/record-template';

export type Status = 'compliant' | 'non-compliant' | 'suppressed' | 'error' | 'suppressed error' | 'not applicable';

/** What a pack said of one rule on one resource. */
export interface NagResult {
  readonly logicalId: string;
  /** `NIST.800.53.R5-LambdaInsideVPC`, with `[finding]` for rules that report several (`AwsSolutions-IAM5[Resource::*]`). */
  readonly rule: string;
  readonly status: Status;
  readonly reason?: string;
}

/** A logger that keeps every result. */
class Results implements INagLogger {
  public readonly results: NagResult[] = [];
  onCompliance(data: NagLoggerBaseData) { this.add(data, 'compliant'); }
  onNonCompliance(data: NagLoggerNonComplianceData) { this.add(data, 'non-compliant', data.findingId); }
  onSuppressed(data: NagLoggerSuppressedData) { this.add(data, 'suppressed', data.findingId, data.suppressionReason); }
  onError(data: NagLoggerBaseData) { this.add(data, 'error'); }
  onSuppressedError(data: NagLoggerBaseData) { this.add(data, 'suppressed error'); }
  onNotApplicable(data: NagLoggerBaseData) { this.add(data, 'not applicable'); }
  private add(data: NagLoggerBaseData, status: Status, findingId?: string, reason?: string) {
    const resource: CfnResource = data.resource;
    const logicalId = Stack.of(resource).resolve(resource.logicalId);
    this.results.push({ logicalId, rule: findingId ? `${data.ruleId}[${findingId}]` : data.ruleId, status, reason });
  }
}

/** Runs the three packs over the app of `stack` (as built) and returns what they said. */
export function runPacks(app: App, ...stacks: Stack[]): NagResult[] {
  const results = new Results();
  const props: NagPackProps = { reports: false, additionalLoggers: [results] };
  for (const pack of [new AwsSolutionsChecks(props), new NIST80053R5Checks(props), new HIPAASecurityChecks(props)]) {
    Aspects.of(app).add(pack);
  }
  app.synth();
  stacks.forEach(recordApp);
  return results.results;
}

/** Runs the three packs over `template` read back with `CfnInclude`, every resource as its L1 class. */
export function nagTemplate(template: CfnTemplate): NagResult[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-'));
  try {
    const templateFile = path.join(dir, 'template.json');
    fs.writeFileSync(templateFile, JSON.stringify(template));
    const app = new App({ outdir: path.join(dir, 'cdk.out') });
    // No bootstrap parameter and rule of its own: the template has them.
    const stack = new Stack(app, 'Included', { synthesizer: new BootstraplessSynthesizer() });
    new CfnInclude(stack, 'Template', { templateFile });
    return runPacks(app, stack);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function findings(results: NagResult[], ids: string[], status: Status): string[] {
  return results.filter(r => r.status === status && ids.includes(r.logicalId)).map(r => `${r.logicalId} ${r.rule}`).sort();
}
