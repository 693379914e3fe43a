/**
 * The shape of the props, checked before anything reads them: JavaScript callers and the other jsii languages can
 * pass `null`, `undefined`, a string where a construct is expected, or a list with holes, which TypeScript's types do
 * not stop. Each gets an error that names the prop and the value and says what to pass, instead of a `TypeError` from
 * deep inside. An optional prop given as `null` (Python's `None`) counts as not given.
 */
import { Token } from 'aws-cdk-lib';

/** What a prop holds, for a message: `null`, `nothing`, `'text'`, `42`, `an object ({"a":1})`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value !== 'object') return String(value);
  const name = (value as object).constructor?.name;
  let json = '';
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    json = '';
  }
  const shown = json.length > 60 ? `${json.slice(0, 57)}...` : json;
  return name && name !== 'Object' ? `a ${name}` : `an object (${shown})`;
}

/** The kinds of value a prop may hold, each with what to pass when it is wrong. */
export interface PropShape {
  readonly kind: 'construct' | 'string' | 'boolean' | 'number' | 'list' | 'object';
  readonly required?: boolean;
  /** For a construct: the attribute that tells it (`vpcId` for an `IVpc`). */
  readonly attribute?: string;
  /** For a list: the shape of its items. */
  readonly items?: PropShape;
  /** What to pass, as an example, for the message. */
  readonly example: string;
}

/**
 * Checks `props` against `shapes` and returns a copy without its `null` values. Throws on the first prop of the wrong
 * shape; `what` names the construct for the message about missing props.
 */
export function checkShape<T extends object>(props: unknown, shapes: Record<string, PropShape>, what: string): T {
  if (props === null || props === undefined || typeof props !== 'object' || Array.isArray(props)) {
    const required = Object.entries(shapes).filter(([, s]) => s.required).map(([k]) => k).join(', ');
    throw new Error(`${what} needs its props, got ${describeValue(props)}: pass at least { ${required} }`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props as Record<string, unknown>)) {
    if (value !== null && value !== undefined) out[key] = value;
  }
  for (const [key, shape] of Object.entries(shapes)) {
    checkValue(out[key], shape, key);
  }
  return out as T;
}

function checkValue(value: unknown, shape: PropShape, where: string): void {
  if (value === undefined || value === null) {
    if (shape.required) {
      throw new Error(`${where} is required, got ${describeValue(value)}: pass ${shape.example}`);
    }
    return;
  }
  if (Token.isUnresolved(value)) {
    return; // a token stands for a value of the right kind, checked where it is used
  }
  const wrong = (): never => {
    throw new Error(`${where} is ${describeValue(value)}, not ${kindName(shape)}: pass ${shape.example}`);
  };
  switch (shape.kind) {
    case 'construct':
      if (typeof value !== 'object' || (shape.attribute && !(shape.attribute in (value as object)))) wrong();
      break;
    case 'list':
      if (!Array.isArray(value)) wrong();
      (value as unknown[]).forEach((item, i) => {
        if (item === null || item === undefined) {
          throw new Error(`${where}[${i}] is ${describeValue(item)}: remove it, or pass ${shape.items!.example}`);
        }
        checkValue(item, shape.items!, `${where}[${i}]`);
      });
      break;
    case 'object':
      if (typeof value !== 'object' || Array.isArray(value)) wrong();
      break;
    default:
      if (typeof value !== shape.kind) wrong();
  }
}

function kindName(shape: PropShape): string {
  switch (shape.kind) {
    case 'construct': return shape.attribute === 'vpcId' ? 'a VPC (ec2.IVpc)' : `a construct with ${shape.attribute}`;
    case 'list': return 'a list';
    case 'object': return 'an object';
    case 'boolean': return 'true or false';
    default: return `a ${shape.kind}`;
  }
}

const VPC: PropShape = {
  kind: 'construct',
  attribute: 'vpcId',
  required: true,
  example: "the VPC whose subnets peer, e.g. ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: 'vpc-…' }) or a new ec2.Vpc",
};
const PCX: PropShape = { kind: 'string', required: true, example: "the id of the peering connection, e.g. 'pcx-0123456789abcdef0'" };
const CIDRS = (example: string): PropShape => ({ kind: 'list', items: { kind: 'string', example }, example: `a list such as ['${example}']` });
const TRAFFIC: PropShape = {
  kind: 'list',
  items: { kind: 'construct', attribute: 'toTrafficConfig', example: 'ec2.AclTraffic.tcpPort(443)' },
  example: 'a list such as [ec2.AclTraffic.tcpPort(443)]',
};
const ACLS: PropShape = {
  kind: 'list',
  items: { kind: 'construct', attribute: 'networkAclId', example: "ec2.NetworkAcl.fromNetworkAclId(this, 'Acl', 'acl-…')" },
  example: "a list such as [ec2.NetworkAcl.fromNetworkAclId(this, 'Acl', 'acl-…')]",
};
const FLAG: PropShape = { kind: 'boolean', example: 'true or false' };
const NUMBER: PropShape = { kind: 'number', example: 'a whole number' };
const REQUESTER: PropShape = { kind: 'object', example: "{ accountId: '111122223333' }" };

/** The props of `VpcPeeringExternal`. */
export const VPC_PEERING_EXTERNAL_SHAPES: Record<string, PropShape> = {
  vpc: VPC,
  vpcPeeringConnectionId: PCX,
  externalCidrBlocks: CIDRS('10.200.0.0/16'),
  externalIpv6CidrBlocks: CIDRS('2600:1f18:abcd:1200::/56'),
  subnets: { kind: 'object', example: '{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }' },
  allowOutbound: TRAFFIC,
  allowInbound: TRAFFIC,
  ephemeralPortRange: { kind: 'object', example: 'EphemeralPorts.ALL_CLIENTS, or { from: 1024, to: 65535 }' },
  networkAcls: ACLS,
  denyNetworkAcls: ACLS,
  createNetworkAcl: FLAG,
  denyOtherNetworkAcls: FLAG,
  blanketDeny: FLAG,
  allowPathMtuDiscovery: FLAG,
  firstRuleNumber: NUMBER,
  lastRuleNumber: NUMBER,
  maxRulesPerNetworkAcl: NUMBER,
  existingNetworkAclRules: { kind: 'list', items: { kind: 'object', example: '{ networkAcl, ruleNumbers: [100] }' }, example: '[{ networkAcl, ruleNumbers: [100] }]' },
  securityGroupCheck: { kind: 'string', example: 'SecurityGroupCheck.WARN' },
  presets: { kind: 'list', items: { kind: 'construct', attribute: 'allowOutbound', example: 'SaasPeeringPreset.mongoDbAtlas()' }, example: '[SaasPeeringPreset.mongoDbAtlas()]' },
  acceptPeeringConnection: FLAG,
  expectedRequester: REQUESTER,
  acceptAnyRequesterReason: { kind: 'string', example: "why the requester's account cannot be known" },
  allowDnsResolutionFromRemoteVpc: FLAG,
  removalPolicy: { kind: 'string', example: 'RemovalPolicy.DESTROY or RemovalPolicy.RETAIN' },
  logRetention: { kind: 'number', example: 'logs.RetentionDays.ONE_YEAR' },
};

/** The props of `PeeringConnectionAccepter`. */
export const ACCEPTER_SHAPES: Record<string, PropShape> = {
  vpc: VPC,
  vpcPeeringConnectionId: PCX,
  expectedRequester: REQUESTER,
  acceptAnyRequesterReason: { kind: 'string', example: "why the requester's account cannot be known" },
  acceptPeeringConnection: FLAG,
  allowDnsResolutionFromRemoteVpc: FLAG,
  removalPolicy: { kind: 'string', example: 'RemovalPolicy.DESTROY or RemovalPolicy.RETAIN' },
  requesterCidrBlocks: CIDRS('10.200.0.0/16'),
  requesterIpv6CidrBlocks: CIDRS('2600:1f18:abcd:1200::/56'),
  logRetention: { kind: 'number', example: 'logs.RetentionDays.ONE_YEAR' },
};
