/**
 * What flows between the stages of `app-peerings.ts` — read the app (`read/`), resolve each peering against it
 * (`resolve/`), plan (`plan/`, pure), materialize (`materialize/`), check and annotate (`checks/`). Each stage depends
 * on these types, not on another stage's file.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IDependable } from 'constructs';
import { SecurityGroupCheck } from '../security-group-check';
import { ExistingNetworkAclRules } from '../vpc-peering-external-props';
import { HeldRoute, PlannedEntry, RuleIntent } from './plan/types';

/** The subnets a peering routes when `subnets` is not given: the private app subnets. */
export const DEFAULT_SUBNETS: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

/** The props of one `VpcPeeringExternal`, validated and normalised: what it asks for, before the app is read. */
export interface PeeringIntent {
  readonly vpc: ec2.IVpc;
  readonly subnets?: ec2.SubnetSelection;
  readonly vpcPeeringConnectionId: string;
  /** What the planner needs: the external blocks, the policy, the band and the quota. */
  readonly rules: RuleIntent;
  readonly networkAcls?: ec2.INetworkAcl[];
  readonly denyNetworkAcls?: ec2.INetworkAcl[];
  readonly denyOtherNetworkAcls: boolean;
  readonly existingNetworkAclRules: ExistingNetworkAclRules[];
  readonly securityGroupCheck: SecurityGroupCheck;
  /** `removalPolicy` RETAIN: the deny entries outlive the construct (CloudFormation retains them). */
  readonly retainDenies: boolean;
}

/** One `VpcPeeringExternal` of the app, as it registers itself. */
export interface Peering {
  readonly construct: Construct;
  readonly intent: PeeringIntent;
  /** What its routes and entries must wait for (the acceptance of the peering). */
  readonly dependencies: () => IDependable[];
  /** The NACL `createNetworkAcl` made for its subnets: it gets an allow-all after the peering rules. */
  readonly dedicatedNetworkAcl?: ec2.NetworkAcl;
}

/** A NACL as the stages see it. */
export interface NaclRef {
  /** Equal for two refs exactly when they name the same NACL, in any stack. */
  readonly key: string;
  /** The id to put in `NetworkAclId`. */
  readonly networkAclId: string;
  /** Readable and stable, for logical ids and messages. */
  readonly name: string;
  /** The default NACL of a VPC made in this app. */
  readonly isVpcDefault: boolean;
  /** Not a resource of this app: a literal id, a parameter, an import. */
  readonly imported: boolean;
  /** For a default NACL of a VPC of this app, that VPC. */
  readonly defaultOf?: ec2.Vpc;
}

/** A route table as the stages see it. */
export interface RouteTableRef {
  readonly key: string;
  readonly routeTableId: string;
  readonly name: string;
}

/** A NACL entry of the app that no `VpcPeeringExternal` creates, with its slot and (where known) its traffic. */
export interface ForeignEntry {
  readonly resource: ec2.CfnNetworkAclEntry;
  /** `acl` is the NACL's key. */
  readonly entry: PlannedEntry;
}

/** What one walk of the app found. */
export interface AppModel {
  /** Per subnet key, the NACL associations of the app. */
  readonly associations: Map<string, Array<{ networkAclId: string; resource: ec2.CfnSubnetNetworkAclAssociation }>>;
  /** Per VPC key, its `AWS::EC2::VPCCidrBlock`s. */
  readonly cidrBlocks: Map<string, ec2.CfnVPCCidrBlock[]>;
  /** Per VPC key, the `AWS::EC2::NetworkAcl`s the app makes in it. */
  readonly networkAcls: Map<string, ec2.CfnNetworkAcl[]>;
  readonly foreignEntries: ForeignEntry[];
  /** Routes of the app that no `VpcPeeringExternal` creates, keyed the way the plan keys its own. */
  readonly foreignRoutes: HeldRoute[];
  /** Security groups and ingress rules of the app, for the security-group check. */
  readonly securityGroups: ec2.CfnSecurityGroup[];
  readonly securityGroupIngresses: ec2.CfnSecurityGroupIngress[];
  /** Some context lookup (`Vpc.fromLookup`, …) has not been performed yet: the app is synthesized with placeholders. */
  readonly pendingLookup: boolean;
  /** The names of the app's stacks (`stackName`). */
  readonly stackNames: Set<string>;
  /** Which constructs the reading saw (see `appFingerprint`). */
  readonly fingerprint: string;
}

/** One peering resolved against the app. */
export interface ResolvedPeering {
  readonly routeTables: RouteTableRef[];
  /** The NACLs that get the allow and deny entries. */
  readonly accessAcls: NaclRef[];
  /** The further NACLs that get only the deny entries. */
  readonly denyAcls: NaclRef[];
  /** Problems that stop the plan of this peering, each a message naming the prop, the value and the fix. */
  readonly problems: string[];
  /**
   * The problems that hold whatever a pending lookup returns (the external blocks against the VPC's own blocks, when
   * the VPC is not itself a lookup's placeholder): reported even while a lookup is pending.
   */
  readonly lookupFree: string[];
  /** The selection is a placeholder of a lookup the CLI has not performed yet. */
  readonly pendingLookup: boolean;
  /** Warnings about what the app shows (`PeeringWarnings` id and message). */
  readonly warnings: Array<{ readonly id: string; readonly message: string }>;
}

/** What a peering created, for its public properties. */
export interface PeeringResources {
  readonly routes: ec2.CfnRoute[];
  readonly networkAclEntries: ec2.CfnNetworkAclEntry[];
  readonly routeTableIds: string[];
  readonly networkAclIds: string[];
  readonly denyNetworkAclIds: string[];
}
