import * as path from 'path';
import {
  Annotations, ArnFormat, CfnResource, CustomResource, CustomResourceProvider, CustomResourceProviderRuntime, RemovalPolicy, Stack,
} from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  ACCEPTANCE_RESOURCE_TYPE, AccepterProperties, DNS_RESOLUTION_RESOURCE_TYPE,
} from './handlers/peering-accepter/properties';
import { configureAccepterFunction } from './private/accepter-function';
import { ValueIdentity } from './private/cdk/value-identity';
import { validateAccountId, validatePeeringConnectionId, validateVpcId } from './private/props/ids';
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
   * Without it, a request for your VPC from any account is accepted: give it whenever you know the vendor's account.
   *
   * @default - the requester is not checked
   */
  readonly expectedRequester?: ExpectedRequester;

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
    validateProps(props);
    const stack = Stack.of(this);
    const accept = props.acceptPeeringConnection ?? true;
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
    const conditions = peeringConditions(stack, accepterVpcArn, props.expectedRequester);
    if (accept) {
      provider.addToRolePolicy({
        Effect: 'Allow',
        Action: 'ec2:AcceptVpcPeeringConnection',
        Resource: this.vpcPeeringConnectionArn,
        Condition: conditions,
      });
    }

    const properties: AccepterProperties = {
      VpcPeeringConnectionId: props.vpcPeeringConnectionId,
      AccepterVpcId: props.vpc.vpcId,
      ExpectedRequesterAccountId: props.expectedRequester?.accountId,
      ExpectedRequesterVpcId: props.expectedRequester?.vpcId,
    };
    this.acceptance = new CustomResource(this, 'Acceptance', {
      serviceToken: provider.serviceToken,
      resourceType: ACCEPTANCE_RESOURCE_TYPE,
      properties: { ...properties, Accept: accept ? 'true' : 'false', RemovalPolicy: removalPolicyOf(props.removalPolicy) },
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

function validateProps(props: PeeringConnectionAccepterProps): void {
  validatePeeringConnectionId(props.vpcPeeringConnectionId);
  const requester = props.expectedRequester;
  if (requester) {
    validateAccountId(requester.accountId, 'expectedRequester.accountId');
    if (requester.vpcId !== undefined) validateVpcId(requester.vpcId, 'expectedRequester.vpcId');
  }
}

/**
 * `ec2:AccepterVpc` = our VPC; with an expected requester, `ec2:RequesterVpc` in the requester's account (that VPC, or
 * any VPC of the account). The requester's VPC may be in another region (inter-region peering): its ARN's region is
 * left open.
 */
function peeringConditions(stack: Stack, accepterVpcArn: string, requester?: ExpectedRequester): Record<string, unknown> {
  const conditions: Record<string, Record<string, string>> = {
    ArnEquals: { 'ec2:AccepterVpc': accepterVpcArn },
  };
  if (requester) {
    conditions.ArnLike = {
      'ec2:RequesterVpc': `arn:${stack.partition}:ec2:*:${requester.accountId}:vpc/${requester.vpcId ?? '*'}`,
    };
  }
  return conditions;
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
    Annotations.of(scope).addWarningV2(PeeringWarnings.DNS_RESOLUTION_WITHOUT_VPC_DNS,
      `allowDnsResolutionFromRemoteVpc is set but the VPC has ${off.join(' and ')} turned off: the remote VPC ` +
      'can resolve your hostnames to private IPs only when both are on');
  }
}
