/**
 * The size IAM counts for a policy the template gives a role: its JSON without whitespace, once CloudFormation has
 * put values in for its intrinsic functions. Values unknown at synth time count as long as they can be (the longest
 * partition and region, a 12-digit account), so that a policy that fits here fits wherever it is deployed.
 */

/** What IAM allows a role's inline policies to hold together, in characters (whitespace not counted). */
export const ROLE_INLINE_POLICY_LIMIT = 10_240;

/** The longest value each pseudo parameter can take. */
const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'ap-southeast-7',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com.cn',
  // arn:<partition>:cloudformation:<region>:<account>:stack/<name, up to 128>/<uuid>
  'AWS::StackId': `arn:aws-us-gov:cloudformation:ap-southeast-7:123456789012:stack/${'s'.repeat(128)}/${'u'.repeat(36)}`,
  'AWS::StackName': 's'.repeat(128),
};

/** The longest id a resource's `Ref` or an attribute is taken to be (a `pcx-`/`vpc-` id is 21). */
const REFERENCE = 'r'.repeat(64);

/** The number of characters `value` (resolved template JSON) takes once deployed, as IAM counts them. */
export function deployedJsonLength(value: unknown): number {
  return JSON.stringify(deployed(value)).length;
}

function deployed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deployed);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0];
    if (key === 'Ref') return typeof arg === 'string' && arg in PSEUDO ? PSEUDO[arg] : REFERENCE;
    if (key === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) {
      return (arg[1] as unknown[]).map(part => String(deployed(part))).join(String(arg[0]));
    }
    if (key.startsWith('Fn::')) return REFERENCE;
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, deployed(v)]));
}
