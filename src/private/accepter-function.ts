/**
 * The accepter's function, made by a `CustomResourceProvider` (one per stack, shared by every accepter of the stack):
 * its log group, with the retention the accepters ask for, and the scanner findings its function, role and log group
 * trip by design, explained on each resource (scanner-suppressions.ts).
 */
import { CfnResource, CustomResourceProvider, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ACCEPTER_FUNCTION, ACCEPTER_LOG_GROUP, ACCEPTER_ROLE, addScannerSuppressions } from './materialize/scanner-suppressions';

/** The log group's retention when no accepter of the stack sets `logRetention`. */
export const DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

interface StackLogging {
  readonly logGroup: logs.CfnLogGroup;
  /** The first accepter that set `logRetention`, and the value. */
  setBy?: { readonly retention: logs.RetentionDays; readonly path: string };
}

const LOGGING = new WeakMap<Stack, StackLogging>();

/**
 * Gives the provider's function a log group of its own (once per stack) and explains the findings of its function,
 * role and log group; then applies `retention`, asked for by the accepter at `path`.
 *
 * The function logs to this group through `LoggingConfig.LogGroup` (a raw property: a `CustomResourceProvider` has no
 * API for it in the oldest aws-cdk-lib supported, 2.172.0), instead of `/aws/lambda/<name>`, which Lambda would create
 * without a retention; its role may write to this group and no other. The group is retained when removed
 * (`RemovalPolicy.RETAIN`): the last entries of a stack deletion are those of the function deleting or rejecting its
 * peering connections, and a group deleted with the stack would lose them; the retention still expires every entry.
 */
export function configureAccepterFunction(provider: CustomResourceProvider, retention: logs.RetentionDays | undefined, path: string): void {
  const stack = Stack.of(provider);
  if (!LOGGING.has(stack)) {
    const logGroup = new logs.CfnLogGroup(provider, 'LogGroup', { retentionInDays: retentionInDays(DEFAULT_LOG_RETENTION) });
    logGroup.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const handler = provider.node.findChild('Handler') as CfnResource;
    handler.addPropertyOverride('LoggingConfig', { LogGroup: logGroup.ref });
    // The function writes to this group only: in place of the managed AWSLambdaBasicExecutionRole (logs of any group).
    const role = provider.node.findChild('Role') as CfnResource;
    role.addPropertyDeletionOverride('ManagedPolicyArns');
    provider.addToRolePolicy({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: logGroup.attrArn,
    });
    addScannerSuppressions(handler, ACCEPTER_FUNCTION);
    addScannerSuppressions(role, ACCEPTER_ROLE);
    addScannerSuppressions(logGroup, ACCEPTER_LOG_GROUP);
    LOGGING.set(stack, { logGroup });
  }
  requestLogRetention(stack, retention, path);
}

/**
 * Applies the `logRetention` an accepter (or a `VpcPeeringExternal` sharing an accepter) at `path` asks for. The stack's
 * accepters share one log group: the first that sets it decides, one that leaves it out takes that value, and two that
 * set different values are an error.
 */
export function requestLogRetention(stack: Stack, retention: logs.RetentionDays | undefined, path: string): void {
  const logging = LOGGING.get(stack);
  if (!logging || retention === undefined) {
    return;
  }
  const set = logging.setBy;
  if (set === undefined) {
    logging.setBy = { retention, path };
    logging.logGroup.retentionInDays = retentionInDays(retention);
  } else if (set.retention !== retention) {
    throw new Error(
      `${path} sets logRetention to ${retentionName(retention)} but ${set.path} sets it to ${retentionName(set.retention)}: ` +
      'the accepters of a stack share one function and its log group, so give both the same value (or leave it out on one)',
    );
  }
}

/** `RetentionInDays`, left out for `RetentionDays.INFINITE` (as `logs.LogGroup` does): the entries never expire. */
function retentionInDays(retention: logs.RetentionDays): number | undefined {
  return retention === logs.RetentionDays.INFINITE ? undefined : retention;
}

function retentionName(retention: logs.RetentionDays): string {
  const name = Object.entries(logs.RetentionDays).find(([, v]) => v === retention)?.[0];
  return name ? `RetentionDays.${name} (${retention})` : String(retention);
}
