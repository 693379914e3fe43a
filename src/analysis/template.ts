/**
 * The part of a synthesized CloudFormation template the analysis reads:
 * the `Template.fromStack(stack).toJSON()` shape, `{ Resources: { LogicalId: { Type, Properties } } }`.
 * Intrinsics (`{ Ref }`, `{ 'Fn::GetAtt' }`, ...) stay unresolved, exactly as CDK synthesizes them.
 */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
}

/** One resource of a {@link CfnTemplate}. Only `Type`, `Properties` and `DependsOn` matter to the analysis. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  /** Logical ids this resource is created after (and deleted before). */
  readonly DependsOn?: string | readonly string[];
  /** Template metadata of the resource (e.g. {@link PURPOSE_METADATA_KEY}). */
  readonly Metadata?: Record<string, unknown>;
}

/**
 * The metadata key of the NACL entries the construct creates that says why an entry exists ("outbound",
 * "replies to outbound", "blanket deny"); the command's `explain` shows it.
 */
export const PURPOSE_METADATA_KEY = 'cdk-vpc-peering-external:purpose';

/** CloudFormation type of the NACL rules the construct creates. */
export const NACL_ENTRY_TYPE = 'AWS::EC2::NetworkAclEntry';
/** CloudFormation type of the routes the construct creates. */
export const ROUTE_TYPE = 'AWS::EC2::Route';
/** CloudFormation type of a NACL a template creates (it starts with no rules: everything is denied). */
export const NACL_TYPE = 'AWS::EC2::NetworkAcl';
/** CloudFormation type that moves a subnet onto a NACL (`ReplaceNetworkAclAssociation`); deleting it moves the subnet back to the default NACL. */
export const SUBNET_NACL_ASSOCIATION_TYPE = 'AWS::EC2::SubnetNetworkAclAssociation';
/** CloudFormation type of a route table. */
export const ROUTE_TABLE_TYPE = 'AWS::EC2::RouteTable';
/** CloudFormation type of a subnet. */
export const SUBNET_TYPE = 'AWS::EC2::Subnet';
/** CloudFormation type of a VPC. */
export const VPC_TYPE = 'AWS::EC2::VPC';

/** Whether `type` is a custom resource (`Custom::*` or `AWS::CloudFormation::CustomResource`). */
export function isCustomResourceType(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** `[logicalId, resource]` pairs of the given type, in template order. */
export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

/**
 * A CloudFormation integer property (`5` or `'5'`) as a number, or `undefined` when it is not a literal integer
 * (absent, an intrinsic, or garbage).
 */
export function cfnInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/**
 * A CloudFormation boolean property (`true`, `'true'`, `'False'`...) as a boolean, `absent` when the property is
 * missing, or `undefined` when it is not a literal boolean (an intrinsic, or garbage).
 */
export function cfnBoolean(value: unknown, absent: boolean): boolean | undefined {
  if (value === undefined) return absent;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return undefined;
}

/** Deep structural equality of JSON values; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length
    && ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
