import { CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { PeeringConnectionAccepter, PeeringConnectionAccepterProps } from './peering-connection-accepter';
import { requestLogRetention } from './private/accepter-function';
import { AppPeerings } from './private/app-peerings';
import { guardParameterBlocks } from './private/cdk/parameter-rules';
import { ValueIdentity } from './private/cdk/value-identity';
import { inCallerLanguage, inCallerLanguageOnError, warn } from './private/language/caller-language';
import { lockdownOf, lockdownOfNacl } from './private/materialize/materialize';
import { addScannerSuppressions, DEDICATED_NETWORK_ACL } from './private/materialize/scanner-suppressions';
import { ExternalCidr, sortCidrs } from './private/plan/types';
import { checkShape, VPC_PEERING_EXTERNAL_SHAPES } from './private/props/shape';
import { propWarnings, validateProps } from './private/props/validate-props';
import { DEFAULT_SUBNETS } from './private/stage-types';
import { VpcPeeringExternalProps } from './vpc-peering-external-props';

/**
 * Routes and Network ACL entries for a VPC peering connection with a third party's VPC (a SaaS provider's).
 *
 * After you accept the peering request, this construct adds a route to every CIDR block of the external VPC in the
 * route tables of your private app subnets, and Network ACL entries that lock the peering down: the subnets may open
 * only the connections in `allowOutbound` (and receive only those in `allowInbound`), replies come back on the
 * ephemeral ports, and all other traffic to and from the external VPC is denied. Peering is bidirectional: without
 * these rules the third party could reach everything in your VPC.
 *
 * The construct reads the app when it is complete (at synth), so it follows NACLs, associations and CIDR blocks
 * declared before or after it. All the `VpcPeeringExternal` constructs of an app are planned together: constructs
 * that share a NACL get disjoint rule numbers below the default NACL's allow-all (100) without any arithmetic. Each
 * entry's logical id is its slot (NACL, direction, rule number) and each route's its table and destination, so renames,
 * moves and changes of the props update them in place.
 *
 * @example
 * new VpcPeeringExternal(this, 'Elasticsearch', {
 *   vpc,
 *   vpcPeeringConnectionId: 'pcx-0123456789abcdef0',
 *   externalCidrBlocks: ['10.200.0.0/16'],
 *   allowOutbound: [ec2.AclTraffic.tcpPort(443)],
 * });
 */
export class VpcPeeringExternal extends Construct {
  /** The peering connection the routes point to. */
  public readonly vpcPeeringConnectionId: string;

  /**
   * The accepter of the peering: its `acceptance` custom resource checks the connection (and accepts the request with
   * `acceptPeeringConnection`), its `dnsResolution` sets the DNS option. The acceptance waits for every Network ACL
   * entry of the construct, so the peering is never active before it is locked down; the routes wait for the
   * acceptance. When the acceptance is deleted, `removalPolicy` decides what happens to the connection.
   */
  public readonly accepter: PeeringConnectionAccepter;

  /** The Network ACL made for the selected subnets, with `createNetworkAcl: true`. */
  public readonly networkAcl?: ec2.NetworkAcl;

  private readonly peerings: AppPeerings;

  constructor(scope: Construct, id: string, props: VpcPeeringExternalProps) {
    super(scope, id);
    // (JavaScript and the other languages can pass null, a string for a construct, a list with holes)
    // Errors and warnings speak the caller's language (jsii runs this for Python, Java and Go apps too).
    props = inCallerLanguageOnError(() => checkShape<VpcPeeringExternalProps>(props, VPC_PEERING_EXTERNAL_SHAPES, 'VpcPeeringExternal'));
    const checked = props;
    const intent = inCallerLanguageOnError(() => validateProps(checked, this));
    for (const w of propWarnings(props, intent, this.node.path)) {
      warn(this, w.id, w.message);
    }
    this.vpcPeeringConnectionId = props.vpcPeeringConnectionId;
    guardParameterBlocks(this, intent.rules.externalCidrs, props.vpc);
    this.networkAcl = props.createNetworkAcl ? this.makeNetworkAcl(props.vpc, props.subnets) : undefined;
    this.accepter = inCallerLanguageOnError(() => accepterOf(this, {
      vpc: checked.vpc,
      vpcPeeringConnectionId: checked.vpcPeeringConnectionId,
      expectedRequester: checked.expectedRequester,
      acceptAnyRequesterReason: checked.acceptAnyRequesterReason,
      acceptPeeringConnection: checked.acceptPeeringConnection ?? false,
      allowDnsResolutionFromRemoteVpc: checked.allowDnsResolutionFromRemoteVpc ?? false,
      removalPolicy: checked.removalPolicy,
      logRetention: checked.logRetention,
    }, intent.rules.externalCidrs));
    // Locked down before it is active: the acceptance waits for every entry the plan makes for this construct.
    this.accepter.acceptance.node.addDependency(lockdownOf(this));
    this.peerings = AppPeerings.of(this);
    this.peerings.register({
      construct: this, intent, dependencies: () => [this.accepter.acceptance], dedicatedNetworkAcl: this.networkAcl,
    });
    this.node.addValidation({ validate: () => this.peerings.errorsOf(this).map(m => inCallerLanguage(m)) });
  }


  /**
   * The routes to the external VPC: one per distinct route table of the selected subnets and external CIDR block.
   *
   * Made when the app is synthesized; reading this earlier makes them at once, from the app as it stands then.
   */
  public get routes(): ec2.CfnRoute[] {
    return this.peerings.resourcesOf(this).routes;
  }

  /** Every Network ACL entry this construct creates, allows and denies, in all NACLs (made like `routes`). */
  public get networkAclEntries(): ec2.CfnNetworkAclEntry[] {
    return this.peerings.resourcesOf(this).networkAclEntries;
  }

  /** The distinct route tables that got routes. */
  public get routeTableIds(): string[] {
    return this.peerings.resourcesOf(this).routeTableIds;
  }

  /** The NACLs that got allow rules (and deny rules). */
  public get networkAclIds(): string[] {
    return this.peerings.resourcesOf(this).networkAclIds;
  }

  /** The further NACLs that got only deny rules. */
  public get denyNetworkAclIds(): string[] {
    return this.peerings.resourcesOf(this).denyNetworkAclIds;
  }

  /** The NACL of `createNetworkAcl`, associated with the selected subnets (the plan puts the rules in it). */
  private makeNetworkAcl(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined): ec2.NetworkAcl {
    const acl = new ec2.NetworkAcl(this, 'NetworkAcl', { vpc });
    addScannerSuppressions(acl.node.defaultChild as CfnResource, [DEDICATED_NETWORK_ACL]);
    let subnets: ec2.ISubnet[] = [];
    try {
      subnets = vpc.selectSubnets(selection ?? DEFAULT_SUBNETS).subnets;
    } catch {
      // A selection that selects nothing is reported by the plan, with what the VPC has.
    }
    if (subnets.length > 0) {
      acl.associateWithSubnet('Association', { subnets });
      // The subnets move onto the NACL only once it holds every entry (an empty NACL denies everything; one with the
      // allow-all but not yet the denies lets the peer in). Removing it, they return to the default NACL first.
      acl.node.findAll().filter(isAssociation)
        .forEach(association => association.node.addDependency(lockdownOfNacl(acl, acl.networkAclId)));
    }
    return acl;
  }
}

/** Per stack, by connection, the accepter the first construct for that connection made, and its props. */
const ACCEPTERS = new WeakMap<Stack, Map<string, {
  accepter: PeeringConnectionAccepter; props: PeeringConnectionAccepterProps; by: string; blocks: ExternalCidr[];
}>>();

/**
 * The accepter of the construct's connection. Several constructs may route one connection (one per subnet group,
 * with different ports): they share one accepter, which waits for all their entries; they must agree on how it accepts.
 * The requester's CIDR blocks must be the external blocks of one of them (each construct locks its blocks down).
 */
function accepterOf(scope: VpcPeeringExternal, props: PeeringConnectionAccepterProps, external: ExternalCidr[]): PeeringConnectionAccepter {
  const accepter = sharedAccepterOf(scope, props, external);
  // Asked for here rather than through the accepter's props: the log group is the stack's, not the connection's, and
  // a conflict names the construct whose prop it is.
  requestLogRetention(Stack.of(scope), props.logRetention, scope.node.path);
  return accepter;
}

function sharedAccepterOf(scope: VpcPeeringExternal, props: PeeringConnectionAccepterProps, external: ExternalCidr[]): PeeringConnectionAccepter {
  const stack = Stack.of(scope);
  const byConnection = ACCEPTERS.get(stack) ?? new Map();
  ACCEPTERS.set(stack, byConnection);
  const key = ValueIdentity.of(scope).identity(props.vpcPeeringConnectionId);
  const known = byConnection.get(key);
  if (known) {
    const differs = (['acceptPeeringConnection', 'allowDnsResolutionFromRemoteVpc', 'removalPolicy', 'acceptAnyRequesterReason'] as const)
      .filter(p => known.props[p] !== props[p]);
    if (JSON.stringify(known.props.expectedRequester ?? null) !== JSON.stringify(props.expectedRequester ?? null)) differs.push('expectedRequester' as never);
    if (differs.length > 0) {
      throw new Error(
        `${scope.node.path} and ${known.by} route the same peering connection but differ in ${differs.join(', ')}: they share one ` +
        'acceptance of the connection, so give both the same values',
      );
    }
    known.blocks.push(...external);
    return known.accepter;
  }
  const blocks: ExternalCidr[] = [...external];
  // In the order of the blocks' addresses, not of the props: reordering them changes nothing.
  const listOf = (family: 'ipv4' | 'ipv6') => Lazy.list({
    produce: () => sortCidrs(blocks).filter(c => c.family === family).map(c => c.cidr),
  });
  const { logRetention: _stackWide, ...accepterProps } = props;
  const accepter = new PeeringConnectionAccepter(scope, 'Accepter', {
    ...accepterProps,
    requesterCidrBlocks: listOf('ipv4'),
    requesterIpv6CidrBlocks: listOf('ipv6'),
  });
  byConnection.set(key, { accepter, props, by: scope.node.path, blocks });
  return accepter;
}

function isAssociation(c: IConstruct): boolean {
  return CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::EC2::SubnetNetworkAclAssociation';
}
