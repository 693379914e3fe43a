import { Annotations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IDependable } from 'constructs';
import { PeeringConnectionAccepter } from './peering-connection-accepter';
import { AppPeerings } from './private/app-peerings';
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
   * The accepter of the peering request, when `acceptPeeringConnection`, `allowDnsResolutionFromRemoteVpc` or
   * `expectedRequester` is set: its `acceptance` (and `dnsResolution`) custom resources. The routes and entries
   * depend on the acceptance.
   */
  public readonly accepter?: PeeringConnectionAccepter;

  /** The Network ACL made for the selected subnets, with `createNetworkAcl: true`. */
  public readonly networkAcl?: ec2.NetworkAcl;

  private readonly peerings: AppPeerings;

  constructor(scope: Construct, id: string, props: VpcPeeringExternalProps) {
    super(scope, id);
    const intent = validateProps(props, this);
    for (const w of propWarnings(props, intent, this.node.path)) {
      Annotations.of(this).addWarningV2(w.id, w.message);
    }
    this.vpcPeeringConnectionId = props.vpcPeeringConnectionId;
    this.networkAcl = props.createNetworkAcl ? this.makeNetworkAcl(props.vpc, props.subnets) : undefined;
    if (props.acceptPeeringConnection || props.allowDnsResolutionFromRemoteVpc || props.expectedRequester) {
      this.accepter = new PeeringConnectionAccepter(this, 'Accepter', {
        vpc: props.vpc,
        vpcPeeringConnectionId: props.vpcPeeringConnectionId,
        expectedRequester: props.expectedRequester,
        acceptPeeringConnection: props.acceptPeeringConnection ?? false,
        allowDnsResolutionFromRemoteVpc: props.allowDnsResolutionFromRemoteVpc ?? false,
      });
    }
    this.peerings = AppPeerings.of(this);
    this.peerings.register({
      construct: this, intent, dependencies: () => this.planDependencies(), dedicatedNetworkAcl: this.networkAcl,
    });
    this.node.addValidation({ validate: () => this.peerings.errorsOf(this) });
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
    let subnets: ec2.ISubnet[] = [];
    try {
      subnets = vpc.selectSubnets(selection ?? DEFAULT_SUBNETS).subnets;
    } catch {
      // A selection that selects nothing is reported by the plan, with what the VPC has.
    }
    if (subnets.length > 0) {
      acl.associateWithSubnet('Association', { subnets });
    }
    return acl;
  }

  /** What the routes and entries must wait for. */
  private planDependencies(): IDependable[] {
    return this.accepter ? [this.accepter.acceptance] : [];
  }
}
