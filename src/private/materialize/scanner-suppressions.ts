/**
 * The findings of template scanners that the construct's resources trip by design, with the reason a security reviewer
 * reads on the resource: its Network ACL entries and Network ACL, and the accepter's function, role and log group.
 * Each resource carries these as template metadata, where the scanners look for them; nothing else is suppressed.
 *
 * One finding, one reason, under the id each scanner gives it:
 * - cfn_nag: `cfn_nag.rules_to_suppress` (`{ id, reason }`), also read by the AWS Guard Rules Registry's rules;
 * - cfn-guard: `guard.SuppressedRules` (rule names), read by the Guard Rules Registry's rules. The Control Tower rules
 *   bundled with `@cdklabs/cdk-validator-cfnguard` read no metadata: their names are listed here for the reviewer and
 *   the tests, and a user of that plugin disables them (`disabledRules`);
 * - checkov: `checkov.skip` (`{ id, comment }`);
 * - cdk-nag: `cdk_nag.rules_to_suppress` (`{ id, reason }`, what `NagSuppressions.addResourceSuppressions` writes),
 *   written directly: the library does not depend on cdk-nag.
 */
import { CfnResource } from 'aws-cdk-lib';
import { Protocol } from '../core/traffic';

/** A finding a resource trips by design, under the id each scanner gives it, and why it does not apply. */
export interface ScannerException {
  /** cfn_nag's rule id. */
  readonly cfnNag?: string;
  /** cfn-guard rule names: the Guard Rules Registry's (`EC2_NETWORK_ACL_PROTOCOL_RULE`) and Control Tower's. */
  readonly guard?: string[];
  /** checkov check ids (`CKV_AWS_115`). */
  readonly checkov?: string[];
  /** cdk-nag rule ids, with the pack's prefix (`AwsSolutions-VPC3`, `NIST.800.53.R5-LambdaInsideVPC`). */
  readonly cdkNag?: string[];
  /** The findings of the cdk-nag rules this covers, for rules that report several (`Resource::*`); all when absent. */
  readonly cdkNagAppliesTo?: Array<string | { readonly regex: string }>;
  readonly reason: string;
}

/** One `{ id, reason }` suppression (cfn_nag's and cdk-nag's format). */
export interface RuleSuppression {
  readonly id: string;
  readonly reason: string;
  /** cdk-nag only: the findings of the rule it covers. */
  readonly applies_to?: Array<string | { readonly regex: string }>;
}

/**
 * The template metadata that suppresses the findings a resource trips by design, by scanner. A key is absent when no
 * finding of that scanner is suppressed.
 */
export interface ScannerSuppressions {
  readonly cfn_nag?: { readonly rules_to_suppress: RuleSuppression[] };
  readonly guard?: { readonly SuppressedRules: string[] };
  readonly checkov?: { readonly skip: Array<{ readonly id: string; readonly comment: string }> };
  readonly cdk_nag?: { readonly rules_to_suppress: RuleSuppression[] };
}

/** The metadata of `exceptions`, by scanner. */
export function scannerSuppressions(exceptions: ScannerException[]): ScannerSuppressions {
  const nag = exceptions.flatMap(e => e.cfnNag ? [{ id: e.cfnNag, reason: e.reason }] : []);
  const guard = exceptions.flatMap(e => e.guard ?? []);
  const checkov = exceptions.flatMap(e => (e.checkov ?? []).map(id => ({ id, comment: e.reason })));
  const cdkNag = exceptions.flatMap(e => (e.cdkNag ?? [])
    .map(id => ({ id, reason: e.reason, ...(e.cdkNagAppliesTo ? { applies_to: e.cdkNagAppliesTo } : {}) })));
  return {
    ...(nag.length ? { cfn_nag: { rules_to_suppress: nag } } : {}),
    ...(guard.length ? { guard: { SuppressedRules: guard } } : {}),
    ...(checkov.length ? { checkov: { skip: checkov } } : {}),
    ...(cdkNag.length ? { cdk_nag: { rules_to_suppress: cdkNag } } : {}),
  };
}

/** Adds the metadata of `exceptions` to `resource`. */
export function addScannerSuppressions(resource: CfnResource, exceptions: ScannerException[]): void {
  for (const [key, value] of Object.entries(scannerSuppressions(exceptions))) {
    resource.addMetadata(key, value);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Network ACL entries

/**
 * cfn_nag W71 / EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE: "a deny entry should cover 0.0.0.0/0". The construct's
 * deny covers the external VPC's block on purpose.
 */
export const INEFFECTIVE_DENY: ScannerException = {
  cfnNag: 'W71',
  guard: ['EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE'],
  reason:
    "This deny covers only the external (peered) VPC's CIDR block on purpose: numbered after the peering's allow " +
    'entries and before the NACL\'s broader rules, it keeps the third party out of everything those allows do not ' +
    'open. A deny of 0.0.0.0/0 would cut the subnets off from all other traffic.',
};

/**
 * cfn_nag W66 / EC2_NETWORK_ACL_PROTOCOL_RULE: "an allow entry should name a protocol (6, 17, 1, 58), not -1". The
 * construct writes protocol -1 allows only for `AclTraffic.allTraffic()` in `allowOutbound` or `allowInbound`.
 */
export const ALL_PROTOCOLS_ALLOW: ScannerException = {
  cfnNag: 'W66',
  guard: ['EC2_NETWORK_ACL_PROTOCOL_RULE'],
  reason:
    'All protocols to or from the external (peered) VPC are allowed because allowOutbound or allowInbound lists ' +
    'ec2.AclTraffic.allTraffic(); the entry covers only that VPC\'s CIDR block. List the protocols and ports instead ' +
    'to narrow it.',
};

/**
 * W66 on the allow-all of the dedicated NACL (`createNetworkAcl`): after the peering rules it lets everything else
 * through, as the VPC's default NACL does.
 */
export const DEDICATED_ALLOW_ALL: ScannerException = {
  ...ALL_PROTOCOLS_ALLOW,
  reason:
    'The Network ACL made for the peered subnets (createNetworkAcl) allows all other traffic after the peering rules, ' +
    'as the VPC\'s default NACL does: the peering rules before it decide the external VPC\'s traffic, and without ' +
    'this entry the subnets would lose all other traffic.',
};

/**
 * Control Tower's CT.EC2.PR.5 ("no ingress from 0.0.0.0/0 or ::/0 to port 22 or 3389") on the inbound allow-all of the
 * dedicated NACL.
 */
export const DEDICATED_ALLOW_ALL_INBOUND: ScannerException = {
  guard: ['nacl_no_unrestricted_ssh_rdp_check'],
  reason:
    'The Network ACL made for the peered subnets (createNetworkAcl) lets in all other traffic after the peering rules, ' +
    'ports 22 and 3389 included, exactly as the VPC\'s default NACL it replaces for these subnets does: the deny ' +
    'before it keeps the external VPC out, and the subnets\' security groups decide who else reaches SSH and RDP.',
};

/** AwsSolutions-VPC3 ("use Network ACLs sparingly") on every entry of the construct. */
export const PEERING_ENTRY: ScannerException = {
  cdkNag: ['AwsSolutions-VPC3'],
  reason:
    'This entry is one of the Network ACL rules the construct exists to write: they restrict a third party\'s peered ' +
    'VPC to the chosen traffic, which security groups (allow-only) cannot deny.',
};

/** AwsSolutions-VPC3 on the Network ACL of `createNetworkAcl`. */
export const DEDICATED_NETWORK_ACL: ScannerException = {
  cdkNag: ['AwsSolutions-VPC3'],
  reason:
    'This Network ACL was asked for (createNetworkAcl) to hold the peering rules for the peered subnets only, ' +
    'without changing the NACL that other subnets share.',
};

/** What of an entry decides the scanner rules it trips. */
export interface EntryShape {
  readonly action: 'allow' | 'deny';
  readonly protocol: number;
  /** The allow-all of a dedicated NACL (`createNetworkAcl`). */
  readonly catchAll?: boolean;
  /** An outbound entry. */
  readonly egress?: boolean;
}

/** The scanner rules a Network ACL entry of the construct trips by design. */
export function scannerRulesFor(entry: EntryShape): ScannerException[] {
  if (entry.action === 'deny') {
    return [PEERING_ENTRY, INEFFECTIVE_DENY];
  }
  if (entry.protocol !== Protocol.ALL) {
    return [PEERING_ENTRY];
  }
  if (!entry.catchAll) {
    return [PEERING_ENTRY, ALL_PROTOCOLS_ALLOW];
  }
  return [PEERING_ENTRY, DEDICATED_ALLOW_ALL, ...(entry.egress ? [] : [DEDICATED_ALLOW_ALL_INBOUND])];
}

/**
 * The suppression metadata of one Network ACL entry of the construct: add each key with
 * `entry.addMetadata(key, value)`.
 */
export function suppressionsFor(entry: EntryShape): ScannerSuppressions {
  return scannerSuppressions(scannerRulesFor(entry));
}

// ---------------------------------------------------------------------------------------------------------------------
// The accepter's function, role and log group

/** Not attached to a VPC. */
export const FUNCTION_OUTSIDE_VPC: ScannerException = {
  cfnNag: 'W89',
  guard: ['LAMBDA_INSIDE_VPC', 'lambda_inside_vpc_check'],
  checkov: ['CKV_AWS_117'],
  cdkNag: ['NIST.800.53.R5-LambdaInsideVPC', 'HIPAA.Security-LambdaInsideVPC'],
  reason:
    'The function only calls AWS APIs (EC2 and CloudFormation) and answers CloudFormation at its response URL: it ' +
    'reaches nothing inside a VPC and serves nothing there. Attached to a VPC it would need a NAT gateway or interface ' +
    'endpoints to reach those APIs, and network interfaces in subnets the peering lockdown is meant for.',
};

/** No reserved concurrency. */
export const FUNCTION_UNRESERVED_CONCURRENCY: ScannerException = {
  cfnNag: 'W92',
  guard: ['LAMBDA_CONCURRENCY_CHECK'],
  checkov: ['CKV_AWS_115'],
  cdkNag: ['NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security-LambdaConcurrency'],
  reason:
    'The function runs only when CloudFormation creates, updates or deletes the peering resources of this stack: a few ' +
    'invocations per deploy, none in between. Reserved concurrency would take capacity from the account\'s unreserved ' +
    'pool for good, and fails the deploy in accounts whose pool is at its minimum (new accounts).',
};

/** No dead-letter queue. */
export const FUNCTION_NO_DEAD_LETTER_QUEUE: ScannerException = {
  guard: ['LAMBDA_DLQ_CHECK'],
  checkov: ['CKV_AWS_116'],
  cdkNag: ['NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ'],
  reason:
    'CloudFormation is the function\'s only caller, and every request gets its answer there: a failure, with its ' +
    'reason, fails the deploy and rolls it back; a request left unanswered fails it at CloudFormation\'s timeout. A ' +
    'dead-letter queue would only hold copies of deploy events that CloudFormation has already failed.',
};

/** Not the newest Node.js runtime of the aws-cdk-lib cdk-nag runs with. */
export const FUNCTION_PINNED_RUNTIME: ScannerException = {
  cdkNag: ['AwsSolutions-L1'],
  reason:
    'The runtime is pinned to nodejs22.x, a runtime Lambda supports, on which the handler is built and tested; L1 ' +
    'compares it with the newest runtime the app\'s aws-cdk-lib knows, which moves with every aws-cdk-lib release. ' +
    'A newer runtime comes with a release of this library.',
};

/** The findings of the accepter's `AWS::Lambda::Function`. */
export const ACCEPTER_FUNCTION: ScannerException[] = [
  FUNCTION_OUTSIDE_VPC, FUNCTION_UNRESERVED_CONCURRENCY, FUNCTION_NO_DEAD_LETTER_QUEUE, FUNCTION_PINNED_RUNTIME,
];

/** The role's permissions are an inline policy (what `CustomResourceProvider` makes). */
export const ROLE_INLINE_POLICY: ScannerException = {
  cfnNag: 'F10',
  guard: ['IAM_NO_INLINE_POLICY_CHECK'],
  cdkNag: ['NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
  reason:
    'The permissions belong to this role alone and to nothing else: they name this stack\'s peering connections, log ' +
    'group and stack, and are created and deleted with the role. An inline policy keeps them that way; a managed ' +
    'policy could be attached to other principals.',
};

/** `ec2:DescribeVpcPeeringConnections` on `*`. */
export const ROLE_DESCRIBE_ANY_CONNECTION: ScannerException = {
  cfnNag: 'W11',
  guard: ['IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE'],
  cdkNag: ['AwsSolutions-IAM5'],
  cdkNagAppliesTo: ['Resource::*'],
  reason:
    'The only action on resource * is ec2:DescribeVpcPeeringConnections, which supports no resource-level ' +
    'permissions: * is the only resource it takes. It reads; every action that changes a connection names it.',
};

/** Deleting, rejecting and setting options on connections whose accepter is a VPC of this account and region. */
export const ROLE_REMOVE_OWN_CONNECTIONS: ScannerException = {
  cdkNag: ['AwsSolutions-IAM5'],
  // The ARN of connection '*' in this stack's partition, region and account, as pseudo parameters or literals.
  cdkNagAppliesTo: [{
    regex: '/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):ec2:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|[0-9]{12}):vpc-peering-connection\\/\\*$/',
  }],
  reason:
    'ec2:DeleteVpcPeeringConnection, RejectVpcPeeringConnection and ModifyVpcPeeringConnectionOptions are allowed on ' +
    'any connection whose accepter (condition ec2:AccepterVpc) is a VPC of this account and region, and on no other: ' +
    'one statement shared by every accepter of the stack, so that removing an accepter never takes away what its ' +
    'own deletion needs.',
};

/** The findings of the accepter's `AWS::IAM::Role`. */
export const ACCEPTER_ROLE: ScannerException[] = [ROLE_INLINE_POLICY, ROLE_DESCRIBE_ANY_CONNECTION, ROLE_REMOVE_OWN_CONNECTIONS];

/** Encrypted by CloudWatch Logs, not with a KMS key of the account. */
export const LOG_GROUP_WITHOUT_KMS_KEY: ScannerException = {
  cfnNag: 'W84',
  guard: ['CLOUDWATCH_LOG_GROUP_ENCRYPTED', 'cloudwatch_log_group_encrypted_check'],
  checkov: ['CKV_AWS_158'],
  cdkNag: ['NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'HIPAA.Security-CloudWatchLogGroupEncrypted'],
  reason:
    'CloudWatch Logs encrypts every log group at rest. A KMS key of the account would add control over who may ' +
    'decrypt, which these entries do not need: the requests CloudFormation sent the function and its answers ' +
    '(peering connection, VPC and account ids, states, errors), no secrets and no personal data.',
};

/** The findings of the accepter's `AWS::Logs::LogGroup`. */
export const ACCEPTER_LOG_GROUP: ScannerException[] = [LOG_GROUP_WITHOUT_KMS_KEY];
