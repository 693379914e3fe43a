import { Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The errors that validation reports when the Stage of `scope` is synthesized, as `[construct path] message` lines,
 * or `[]` when it synthesizes. Any other exception is rethrown.
 */
export function synthErrors(scope: IConstruct): string[] {
  const stage = Stage.of(scope) ?? (scope as Stage);
  try {
    stage.synth({ force: true });
    return [];
  } catch (e) {
    const message = (e as Error).message;
    if (!message.startsWith('Validation failed with the following errors:')) {
      throw e;
    }
    return message.split('\n').slice(1).map(l => l.trim()).filter(Boolean);
  }
}
