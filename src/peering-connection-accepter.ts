import * as path from 'path';
import {
  ArnFormat, CfnResource, CustomResource, CustomResourceProvider, CustomResourceProviderRuntime, Lazy, RemovalPolicy, Stack,
} from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  ACCEPTANCE_RESOURCE_TYPE, AccepterProperties, DNS_RESOLUTION_RESOURCE_TYPE,
} from './handlers/peering-accepter/properties';
import { configureAccepterFunction } from './private/accepter-function';
import { deployedJsonLength, ROLE_INLINE_POLICY_LIMIT } from './private/cdk/iam-size';
import { ValueIdentity } from './private/cdk/value-identity';
import { inCallerLanguage, inCallerLanguageOnError, warn } from './private/language/caller-language';
import { validateAccountId, validatePeeringConnectionId, validateRequesterOptOut, validateVpcId } from './private/props/ids';
import { ACCEPTER_SHAPES, checkShape } from './private/props/shape';
import { PeeringWarnings } from './warnings';

/**
 * The account (and VPC) a peering request must come from.
 *
 * The accepter refuses a request from anyone else: its IAM policy allows `ec2:AcceptVpcPeeringConnection` only with
 * the condition `ec2:RequesterVpc` in this account (and this VPC), and its function checks the request before
 * accepting it. This guards against "peer phishing": a request from a stranger that reuses a known connection's name.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/peering/security-iam.html
 */
export interface ExpectedRequester {
  /**
   * The AWS account id (12 digits) of the third party's VPC, as the vendor's console shows it.
   */
  readonly accountId: string;

  /**
   * The id (`vpc-…`) of the third party's VPC.
   *
   * @default - any VPC of `accountId`
   */
  readonly vpcId?: string;
}

/**
 * Properties of a `PeeringConnectionAccepter`.
 */
export interface PeeringConnectionAccepterProps {
  /**
   * Your VPC: the accepter side of the peering connection.
   */
  readonly vpc: ec2.IVpc;

  /**
   * The id (`pcx-…`) of the peering connection the third party requested to your VPC.
   *
   * A token works, for example `Fn.getAtt` of the vendor's own CloudFormation resource in the same app.
   */
  readonly vpcPeeringConnectionId: string;

  /**
   * The account (and VPC) the request must come from.
   *
   * Required to accept (`acceptPeeringConnection`), unless `acceptAnyRequesterReason` says why the requester cannot be
   * known: a request for your VPC from any account would be accepted otherwise ("peer phishing").
   *
   * @default - the requester is not checked (refused when accepting)
   */
  readonly expectedRequester?: ExpectedRequester;

  /**
   * Accept a request from any account, and why: the opt-out from `expectedRequester` when accepting. Synth warns with
   * the reason (`PeeringWarnings.REQUESTER_NOT_CHECKED`).
   *
   * @default - no opt-out: `expectedRequester` is required to accept
   */
  readonly acceptAnyRequesterReason?: string;

  /**
   * The IPv4 CIDR blocks the requester's VPC may have: every block of the requester VPC (`CidrBlockSet`, secondary
   * blocks included) must lie in one of them, and every IPv6 block (`Ipv6CidrBlockSet`) in one of
   * `requesterIpv6CidrBlocks`, or the deploy fails before accepting, naming the block. `VpcPeeringExternal` passes its
   * external blocks: a block its Network ACL rules do not lock down must not be peered.
   *
   * The check runs when the acceptance is created or updated: a block the vendor adds later is caught by the next
   * deploy that updates it (see `recheck` in the README).
   *
   * @default - the requester's CIDR blocks are not checked
   */
  readonly requesterCidrBlocks?: string[];

  /**
   * The IPv6 CIDR blocks the requester's VPC may have, with `requesterCidrBlocks` (which turns the check on).
   *
   * @default - none: with `requesterCidrBlocks`, a requester VPC with an IPv6 block fails the deploy
   */
  readonly requesterIpv6CidrBlocks?: string[];

  /**
   * Whether to accept the request when it is pending acceptance.
   *
   * With `false` the connection must already be active (accepted by hand): the deploy checks that it is, that it is
   * for this VPC and, with `expectedRequester`, from whom it is, and fails otherwise; the function gets no permission
   * to accept anything.
   *
   * On by default here, since accepting is what this construct is for; `VpcPeeringExternal`, which makes one only when
   * asked, has `acceptPeeringConnection` off by default.
   *
   * @default true
   * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AcceptVpcPeeringConnection.html
   */
  readonly acceptPeeringConnection?: boolean;

  /**
   * Whether to let the remote (requester's) VPC resolve the public DNS hostnames of instances in your VPC to their
   * private IP addresses, the accepter-side option `AllowDnsResolutionFromRemoteVpc`.
   *
   * Set after the acceptance with `ModifyVpcPeeringConnectionOptions`, turned off again when removed. CloudFormation
   * has no property for it. Your VPC needs DNS hostnames and DNS resolution enabled (a warning says so for a
   * `new ec2.Vpc` that has either turned off). The third party sets its own side.
   *
   * @default false
   * @see https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html
   */
  readonly allowDnsResolutionFromRemoteVpc?: boolean;

  /**
   * What happens to the peering connection when the acceptance is deleted: the construct removed, its stack deleted,
   * or its `vpcPeeringConnectionId` changed.
   *
   * - `RemovalPolicy.DESTROY`: the connection is deleted (a request still pending is rejected).
   * - `RemovalPolicy.RETAIN`: the connection stays as it is (turn DNS resolution off, if it was on).
   *
   * Whatever the policy, when a failed deploy rolls back the creation of the acceptance and that creation accepted the
   * request, the connection is deleted: a failed deploy never leaves behind a connection it accepted.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long the log group of the accepter's function keeps its entries.
   *
   * The function logs every request CloudFormation sends it and its answer (success, or the failure and its reason) to
   * a log group of its own, not `/aws/lambda/<function>`, which Lambda would create without a retention. One function
   * serves every accepter of a stack, with one log group: accepters of a stack that set this must agree (a synth error
   * names both); one that leaves it out takes the value another sets. The log group is retained when the stack is
   * deleted, so that the entries of the deletion itself (the connection deleted or kept) stay readable until they
   * expire.
   *
   * @default RetentionDays.ONE_YEAR
   * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Accepts a VPC peering request that a third party (a SaaS vendor) sent to your VPC, at deploy time.
 *
 * CloudFormation has no resource that accepts a peering request from another account (`AWS::EC2::VPCPeeringConnection`
 * only requests one), so this construct adds a custom resource that calls `AcceptVpcPeeringConnection` in the stack's
 * region. It succeeds without a call when the connection is already active, and fails with the reason when the
 * request is expired, rejected, failed or deleted, is not for this VPC, or (with `expectedRequester`) comes from another
 * account or VPC. When it is deleted, `removalPolicy` decides whether the connection is deleted too.
 *
 * The function's role may accept only this one connection (its ARN), only for this VPC (`ec2:AccepterVpc`) and, with
 * `expectedRequester`, only from that account or VPC (`ec2:RequesterVpc`). It may set the accepter-side options of,
 * reject and delete only connections whose accepter is a VPC of this account and region, and read only its own
 * stack's status (to tell a rollback from a removal). One function per stack serves every accepter of the stack; each
 * adds its own statement for accepting, the others are the same for all of them (so that removing one accepter never
 * takes away a permission its deletion needs).
 *
 * @example
 * import { PeeringConnectionAccepter } from 'cdk-vpc-peering-external';
 *
 * const accepter = new PeeringConnectionAccepter(this, 'Accepter', {
 *   vpc,
 *   vpcPeeringConnectionId: 'pcx-0123456789abcdef0',
 *   expectedRequester: { accountId: '111122223333' },
 *   allowDnsResolutionFromRemoteVpc: true,
 * });
 */
export class PeeringConnectionAccepter extends Construct {
  /**
   * The custom resource that accepts the request (or checks an accepted one). Make routes to the connection depend on
   * it: a route to a connection that is not active yet is a blackhole.
   *
   * `getAttString('RequesterAccountId')`, `'RequesterVpcId'` and `'RequesterCidrBlock'` read the requester side.
   */
  public readonly acceptance: CustomResource;

  /**
   * The custom resource that sets `AllowDnsResolutionFromRemoteVpc` on your side, when asked for.
   */
  public readonly dnsResolution?: CustomResource;

  /** The peering connection. */
  public readonly vpcPeeringConnectionId: string;

  /** The ARN of the peering connection in this stack's account and region, which the IAM statements name. */
  public readonly vpcPeeringConnectionArn: string;

  constructor(scope: Construct, id: string, props: PeeringConnectionAccepterProps) {
    super(scope, id);
    // (JavaScript and the other languages can pass null, a string for a construct, a list with holes)
    props = inCallerLanguageOnError(() => checkShape<PeeringConnectionAccepterProps>(props, ACCEPTER_SHAPES, 'PeeringConnectionAccepter'));
    const accept = props.acceptPeeringConnection ?? true;
    const checked = props;
    inCallerLanguageOnError(() => validateProps(checked, accept));
    const stack = Stack.of(this);
    this.vpcPeeringConnectionId = props.vpcPeeringConnectionId;
    this.vpcPeeringConnectionArn = stack.formatArn({
      service: 'ec2',
      resource: 'vpc-peering-connection',
      resourceName: props.vpcPeeringConnectionId,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const accepterVpcArn = stack.formatArn({
      service: 'ec2',
      resource: 'vpc',
      resourceName: props.vpc.vpcId,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    const provider = CustomResourceProvider.getOrCreateProvider(this, PROVIDER_ID, {
      codeDirectory: HANDLER_DIRECTORY,
      // Named by a member every supported aws-cdk-lib has; the function runs on Node.js 22 (below).
      runtime: CustomResourceProviderRuntime.NODEJS_20_X,
      description: 'Accepts VPC peering requests and sets their accepter-side DNS option (cdk-vpc-peering-external)',
      policyStatements: [{
        // DescribeVpcPeeringConnections supports no resource-level permissions (nor condition keys): '*' is the only
        // resource it takes. It reads; every mutating action below names one connection.
        Effect: 'Allow',
        Action: 'ec2:DescribeVpcPeeringConnections',
        Resource: '*',
      }],
    });

    (provider.node.findChild('Handler') as CfnResource).addPropertyOverride('Runtime', NODEJS_22);
    configureAccepterFunction(provider, props.logRetention, this.node.path);

    grantRemoval(provider, stack);
    if (accept) {
      grantAcceptance(provider, this.vpcPeeringConnectionArn, accepterVpcArn, props.expectedRequester);
    }
    if (accept && !props.expectedRequester) {
      warn(this, PeeringWarnings.REQUESTER_NOT_CHECKED,
        `the peering request is accepted from any account (acceptAnyRequesterReason: '${props.acceptAnyRequesterReason}'): ` +
        'anyone who knows this VPC could send a request the deploy accepts. Give expectedRequester once the vendor\'s ' +
        'account is known');
    }

    const recheck: unknown = this.node.tryGetContext(RECHECK_CONTEXT_KEY);
    const properties: AccepterProperties = {
      VpcPeeringConnectionId: props.vpcPeeringConnectionId,
      AccepterVpcId: props.vpc.vpcId,
      ExpectedRequesterAccountId: props.expectedRequester?.accountId,
      ExpectedRequesterVpcId: props.expectedRequester?.vpcId,
    };
    const acceptance: AccepterProperties = {
      ...properties,
      Accept: accept ? 'true' : 'false',
      RemovalPolicy: removalPolicyOf(props.removalPolicy),
      ...(props.requesterCidrBlocks ? {
        RequesterCidrBlocks: props.requesterCidrBlocks,
        RequesterIpv6CidrBlocks: props.requesterIpv6CidrBlocks ?? [],
      } : {}),
      ...(recheck !== undefined && recheck !== false ? { Recheck: String(recheck) } : {}),
    };
    this.acceptance = new CustomResource(this, 'Acceptance', {
      serviceToken: provider.serviceToken,
      resourceType: ACCEPTANCE_RESOURCE_TYPE,
      properties: acceptance,
    });

    // Named after the connection, not the construct's path: a rename or a move of the construct must not replace the
    // acceptance, whose deletion may delete the connection (removalPolicy).
    const connection = alphanumeric(ValueIdentity.of(this).name(props.vpcPeeringConnectionId));
    (this.acceptance.node.defaultChild as CfnResource).overrideLogicalId(`VpcPeeringAcceptance${connection}`);

    if (props.allowDnsResolutionFromRemoteVpc) {
      warnWithoutDns(this, props.vpc);
      this.dnsResolution = new CustomResource(this, 'DnsResolution', {
        serviceToken: provider.serviceToken,
        resourceType: DNS_RESOLUTION_RESOURCE_TYPE,
        properties,
      });
      (this.dnsResolution.node.defaultChild as CfnResource).overrideLogicalId(`VpcPeeringDnsResolution${connection}`);
      this.dnsResolution.node.addDependency(this.acceptance);
    }
  }
}

function alphanumeric(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, '');
}

/** 'destroy' or 'retain', as the handler reads `RemovalPolicy`. */
function removalPolicyOf(policy: RemovalPolicy | undefined): string {
  switch (policy ?? RemovalPolicy.DESTROY) {
    case RemovalPolicy.DESTROY:
      return 'destroy';
    case RemovalPolicy.RETAIN:
    case RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE:
      return 'retain';
    default:
      throw new Error(
        `removalPolicy RemovalPolicy.${Object.entries(RemovalPolicy).find(([, v]) => v === policy)?.[0] ?? policy} is not ` +
        'possible for a VPC peering connection: use RemovalPolicy.DESTROY (delete the ' +
        'connection when the construct is removed) or RemovalPolicy.RETAIN (leave it)',
      );
  }
}

/** The providers that got the statements every accepter of their stack shares. */
const GRANTED = new WeakSet<CustomResourceProvider>();

/**
 * The permissions the deletion of an acceptance or DNS resource needs, once per provider and the same for every
 * accepter of the stack: an update that removes an accepter must not take away what its deletion at cleanup needs.
 * Scoped to connections whose accepter is a VPC of this account and region, and to this stack's status.
 */
function grantRemoval(provider: CustomResourceProvider, stack: Stack): void {
  if (GRANTED.has(provider)) {
    return;
  }
  GRANTED.add(provider);
  provider.addToRolePolicy({
    Effect: 'Allow',
    Action: ['ec2:ModifyVpcPeeringConnectionOptions', 'ec2:DeleteVpcPeeringConnection', 'ec2:RejectVpcPeeringConnection'],
    Resource: stack.formatArn({ service: 'ec2', resource: 'vpc-peering-connection', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
    Condition: {
      ArnLike: { 'ec2:AccepterVpc': stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }) },
    },
  });
  provider.addToRolePolicy({
    Effect: 'Allow',
    Action: 'cloudformation:DescribeStacks',
    Resource: stack.stackId,
  });
}

/**
 * The context key whose value, when it changes, makes the next deploy check every peering connection again (its
 * requester and CIDR blocks): `cdk deploy -c cdk-vpc-peering-external:recheck=$(date +%s)`.
 */
export const RECHECK_CONTEXT_KEY = 'cdk-vpc-peering-external:recheck';

/** The construct id of the stack's one provider is `${PROVIDER_ID}CustomResourceProvider`. */
const PROVIDER_ID = 'VpcPeeringAccepter';

/**
 * The function's runtime, set on its `AWS::Lambda::Function` directly: `CustomResourceProviderRuntime.NODEJS_22_X`
 * appeared in aws-cdk-lib after the oldest version this library supports (2.172.0, whose newest member is
 * `NODEJS_20_X`, a runtime Lambda no longer runs).
 */
const NODEJS_22 = 'nodejs22.x';

/**
 * The handler's compiled JavaScript (jsii compiles `src/handlers` into `lib/handlers`). Both `src/` (ts-node, jest)
 * and `lib/` sit one level below the package root, so this names `lib/handlers/peering-accepter` from either.
 */
const HANDLER_DIRECTORY = path.join(__dirname, '..', 'lib', 'handlers', 'peering-accepter');

function validateProps(props: PeeringConnectionAccepterProps, accept: boolean): void {
  validatePeeringConnectionId(props.vpcPeeringConnectionId);
  const requester = props.expectedRequester;
  if (requester) {
    validateAccountId(requester.accountId, 'expectedRequester.accountId');
    if (requester.vpcId !== undefined) validateVpcId(requester.vpcId, 'expectedRequester.vpcId');
  }
  validateRequesterOptOut(accept, requester, props.acceptAnyRequesterReason);
  if (props.requesterIpv6CidrBlocks && !props.requesterCidrBlocks) {
    throw new Error(
      'requesterIpv6CidrBlocks is given without requesterCidrBlocks, which turns the check of the requester\'s blocks ' +
      'on: give requesterCidrBlocks too (an empty list for a requester VPC without IPv4 blocks)',
    );
  }
}

/** What each provider's shared acceptance statements list: the connections, our VPCs and the requesters' VPCs. */
interface AcceptanceGrants {
  /** Connections accepted only from an expected requester: `ec2:RequesterVpc` names the requesters. */
  readonly checked: { connections: Set<string>; accepterVpcs: Set<string>; requesterVpcs: Set<string> };
  /** Connections accepted from any requester (`acceptAnyRequesterReason`). */
  readonly unchecked: { connections: Set<string>; accepterVpcs: Set<string> };
}

const ACCEPTANCE_GRANTS = new WeakMap<CustomResourceProvider, AcceptanceGrants>();

/**
 * Lets the stack's function accept this connection: `ec2:AcceptVpcPeeringConnection` on its ARN, with
 * `ec2:AccepterVpc` our VPC and, with an expected requester, `ec2:RequesterVpc` in the requester's account (that VPC,
 * or any VPC of the account; any region, for inter-region peering).
 *
 * One statement lists every connection of the stack that has an expected requester (and one every connection that
 * has none), instead of a statement per connection: a role's inline policies hold 10,240 characters, which a
 * statement per accepter exceeds at about 15 connections, while the lists stay within it at 50 (the default quota of
 * peering connections per VPC). The lists lose the pairing of each connection with its own requester in IAM; the
 * function's check before accepting keeps it (it compares each connection's requester with its own
 * `expectedRequester`).
 */
function grantAcceptance(provider: CustomResourceProvider, connectionArn: string, accepterVpcArn: string, requester?: ExpectedRequester): void {
  let grants = ACCEPTANCE_GRANTS.get(provider);
  if (!grants) {
    grants = {
      checked: { connections: new Set(), accepterVpcs: new Set(), requesterVpcs: new Set() },
      unchecked: { connections: new Set(), accepterVpcs: new Set() },
    };
    ACCEPTANCE_GRANTS.set(provider, grants);
    provider.node.addValidation({ validate: () => inlinePolicyTooLong(provider, grants!).map(m => inCallerLanguage(m)) });
  }
  const list = (values: Set<string>) => Lazy.list({ produce: () => [...values] });
  const group = requester ? grants.checked : grants.unchecked;
  if (group.connections.size === 0) {
    provider.addToRolePolicy({
      Effect: 'Allow',
      Action: 'ec2:AcceptVpcPeeringConnection',
      Resource: list(group.connections),
      Condition: {
        ArnEquals: { 'ec2:AccepterVpc': list(group.accepterVpcs) },
        ...(requester ? { ArnLike: { 'ec2:RequesterVpc': list(grants.checked.requesterVpcs) } } : {}),
      },
    });
  }
  group.connections.add(connectionArn);
  group.accepterVpcs.add(accepterVpcArn);
  if (requester) {
    grants.checked.requesterVpcs.add(`arn:${Stack.of(provider).partition}:ec2:*:${requester.accountId}:vpc/${requester.vpcId ?? '*'}`);
  }
}

/** An error when the role's inline policy, as deployed, would hold more than IAM allows. */
function inlinePolicyTooLong(provider: CustomResourceProvider, grants: AcceptanceGrants): string[] {
  const statements = (provider as unknown as { policyStatements?: unknown[] }).policyStatements ?? [];
  const length = deployedJsonLength(Stack.of(provider).resolve({ PolicyName: 'Inline', PolicyDocument: { Version: '2012-10-17', Statement: statements } }));
  if (length <= ROLE_INLINE_POLICY_LIMIT) {
    return [];
  }
  const connections = grants.checked.connections.size + grants.unchecked.connections.size;
  return [
    `the peering accepter's role in stack ${Stack.of(provider).stackName} would hold about ${length} characters of inline ` +
    `policy for the ${connections} connections its stack accepts, more than IAM allows a role (${ROLE_INLINE_POLICY_LIMIT}): ` +
    'split the peerings over stacks (each stack has a function and role of its own), or accept some requests by hand ' +
    '(acceptPeeringConnection: false: the deploy still checks them)',
  ];
}

function warnWithoutDns(scope: Construct, vpc: ec2.IVpc): void {
  if (!(vpc instanceof ec2.Vpc)) {
    return; // an imported VPC does not say; the README asks for both settings
  }
  const off = [
    ...(vpc.dnsHostnamesEnabled ? [] : ['enableDnsHostnames']),
    ...(vpc.dnsSupportEnabled ? [] : ['enableDnsSupport']),
  ];
  if (off.length > 0) {
    warn(scope, PeeringWarnings.DNS_RESOLUTION_WITHOUT_VPC_DNS,
      `allowDnsResolutionFromRemoteVpc is set but the VPC has ${off.join(' and ')} turned off: the remote VPC ` +
      'can resolve your hostnames to private IPs only when both are on');
  }
}
