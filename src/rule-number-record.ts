import * as cxapi from 'aws-cdk-lib/cx-api';
import { DEFAULT_RECORD_FILE, RECORD_CONTEXT_KEY, TEMPLATE_METADATA_KEY } from './private/record/rule-number-record';

/**
 * The rule-number record: which rule number each Network ACL entry of the app holds, kept from one synth to the next so
 * that an edit never renumbers an entry it does not change (another peering's, or an unchanged allow or deny).
 *
 * `cdk synth` keeps it in `cdk-vpc-peering-external.rule-numbers.json` next to `cdk.json` (commit it, as you commit
 * `cdk.context.json`); in CI it is only read, and a synth that needs numbers it does not hold fails. Each stack's
 * template carries its own part in its `Metadata`. An app made in a test (no CDK CLI) reads the file too, or the
 * record given in context:
 *
 * @exampleMetadata fixture=bare
 * @example
 * import { App } from 'aws-cdk-lib';
 * import { RuleNumberRecord } from 'cdk-vpc-peering-external';
 *
 * const before = new App();
 * // ... the app as deployed ...
 * const after = new App({ context: { [RuleNumberRecord.CONTEXT_KEY]: RuleNumberRecord.fromAssembly(before.synth()) } });
 */
export class RuleNumberRecord {
  /**
   * The context key of the record: the record itself (an object, as `fromAssembly` returns it), the path of the record
   * file (a string, relative to the working directory), or `false` to keep no record.
   */
  public static readonly CONTEXT_KEY = RECORD_CONTEXT_KEY;

  /** The record file `cdk synth` writes and reads when the context key does not name another. */
  public static readonly DEFAULT_FILE = DEFAULT_RECORD_FILE;

  /** The key of each stack's part of the record in its template's `Metadata`. */
  public static readonly TEMPLATE_METADATA_KEY = TEMPLATE_METADATA_KEY;

  /**
   * The record of a synthesized app, read from its stacks' templates, to give the next app as context
   * (`CONTEXT_KEY`).
   */
  public static fromAssembly(assembly: cxapi.CloudAssembly): any {
    const stacks: Record<string, unknown> = {};
    for (const stack of assembly.stacksRecursively) {
      const part = (stack.template as { Metadata?: Record<string, unknown> }).Metadata?.[TEMPLATE_METADATA_KEY];
      if (part !== undefined) stacks[stack.stackName] = part;
    }
    return { version: 1, stacks };
  }

  private constructor() {}
}
