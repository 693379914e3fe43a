import { Annotations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IDependable } from 'constructs';
import { PeeringConnectionAccepter } from './peering-connection-accepter';
import { AppPeeringPlan } from './private/app-plan';
import { broaderThanAsked, broaderThanAskedMessage } from './private/effective-policy';
import { allowedTraffic } from './private/peering-plan';
import { validateProps } from './private/validate-props';
import { VpcPeeringExternalProps } from './vpc-peering-external-props';
import { PeeringWarnings } from './warnings';

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

  private readonly plan: AppPeeringPlan;

  constructor(scope: Construct, id: string, props: VpcPeeringExternalProps) {
    super(scope, id);
    const intent = validateProps(props, this);
    if (!intent.blanketDeny && ((props.denyNetworkAcls ?? []).length > 0 || intent.denyOtherNetworkAcls)) {
      const what = intent.denyOtherNetworkAcls ? 'denyOtherNetworkAcls is true' : `denyNetworkAcls lists ${props.denyNetworkAcls!.length} NACL(s)`;
      Annotations.of(this).addWarningV2(PeeringWarnings.DENY_NETWORK_ACLS_WITHOUT_DENY,
        `${what}, but blanketDeny is false, so they get no rule: ` +
        'set blanketDeny to true to deny the external VPC there, or remove denyNetworkAcls and denyOtherNetworkAcls');
    }
    const broader = broaderThanAskedMessage(this.node.path,
      broaderThanAsked(intent, (egress, family) => allowedTraffic({ ...intent, accessAcls: [], denyAcls: [] }, egress, family)));
    if (broader) {
      Annotations.of(this).addWarningV2(PeeringWarnings.BROADER_THAN_ASKED, broader);
    }
    this.vpcPeeringConnectionId = props.vpcPeeringConnectionId;
    if (props.createNetworkAcl) {
      if (props.networkAcls) {
        throw new Error(
          'createNetworkAcl and networkAcls are both given: createNetworkAcl makes a NACL for the selected subnets, ' +
          'networkAcls names the NACLs to use instead. Keep one of them',
        );
      }
      this.networkAcl = new ec2.NetworkAcl(this, 'NetworkAcl', { vpc: props.vpc });
      const selection = props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
      // A selection that selects nothing is reported by the plan, with what the VPC has: associate what there is.
      const subnets = (() => {
        try {
          return props.vpc.selectSubnets(selection).subnets;
        } catch {
          return [];
        }
      })();
      if (subnets.length > 0) {
        this.networkAcl.associateWithSubnet('Association', { subnets });
      }
    }
    if (props.acceptPeeringConnection || props.allowDnsResolutionFromRemoteVpc || props.expectedRequester) {
      this.accepter = new PeeringConnectionAccepter(this, 'Accepter', {
        vpc: props.vpc,
        vpcPeeringConnectionId: props.vpcPeeringConnectionId,
        expectedRequester: props.expectedRequester,
        acceptPeeringConnection: props.acceptPeeringConnection ?? false,
        allowDnsResolutionFromRemoteVpc: props.allowDnsResolutionFromRemoteVpc ?? false,
      });
    }
    this.plan = AppPeeringPlan.of(this);
    this.plan.register({
      construct: this, intent, dependencies: () => this.planDependencies(), dedicatedNetworkAcl: this.networkAcl,
    });
    this.node.addValidation({ validate: () => this.plan.errorsOf(this) });
  }

  /**
   * The routes to the external VPC: one per distinct route table of the selected subnets and external CIDR block.
   *
   * Made when the app is synthesized; reading this earlier makes them at once, from the app as it stands then.
   */
  public get routes(): ec2.CfnRoute[] {
    return this.plan.resourcesOf(this).routes;
  }

  /** Every Network ACL entry this construct creates, allows and denies, in all NACLs (made like `routes`). */
  public get networkAclEntries(): ec2.CfnNetworkAclEntry[] {
    return this.plan.resourcesOf(this).networkAclEntries;
  }

  /** The distinct route tables that got routes. */
  public get routeTableIds(): string[] {
    return this.plan.resourcesOf(this).routeTableIds;
  }

  /** The NACLs that got allow rules (and deny rules). */
  public get networkAclIds(): string[] {
    return this.plan.resourcesOf(this).networkAclIds;
  }

  /** The further NACLs that got only deny rules. */
  public get denyNetworkAclIds(): string[] {
    return this.plan.resourcesOf(this).denyNetworkAclIds;
  }

  /** What the routes and entries must wait for. */
  private planDependencies(): IDependable[] {
    return this.accepter ? [this.accepter.acceptance] : [];
  }
}
