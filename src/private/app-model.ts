/**
 * Reading the app: one walk over every construct of the app, when the app is complete, collects what the plan needs
 * to know besides the props — which NACL each subnet is associated with (by `associateNetworkAcl`,
 * `NetworkAcl.associateWithSubnet`, `SubnetNetworkAclAssociation` or its L1, in any stack and declared in any order),
 * the CIDR blocks of each VPC (secondary and IPv6 ones too), and the entries and routes that other code creates.
 * Then each `VpcPeeringExternal` is resolved against it: its subnets, route tables and NACLs.
 *
 * This is where the traps of aws-cdk-lib live (see the notes on each function).
 */
import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import * as ipaddr from 'ipaddr.js';
import { cidrFamily, isCidr } from './cidr';
import { isCfn, isNewVpc } from './construct-kinds';
import { HeldRoute, PlannedEntry } from './peering-plan';
import { referenceOf, ValueIdentity } from './value-identity';

/** A NACL as the plan sees it. */
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

/** A route table as the plan sees it. */
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
  readonly foreignRoutes: HeldRoute[];
  /** Security groups and ingress rules of the app, for the security-group check. */
  readonly securityGroups: ec2.CfnSecurityGroup[];
  readonly securityGroupIngresses: ec2.CfnSecurityGroupIngress[];
  /** Some context lookup (`Vpc.fromLookup`, …) has not been performed yet: the app is synthesized with placeholders. */
  readonly pendingLookup: boolean;
}

/** Walks the app once. `ours` are the resources the plan created (they are not foreign). */
export function readApp(root: IConstruct, ours: WeakSet<IConstruct>): AppModel {
  const model: AppModel = {
    associations: new Map(),
    cidrBlocks: new Map(),
    networkAcls: new Map(),
    foreignEntries: [],
    foreignRoutes: [],
    securityGroups: [],
    securityGroupIngresses: [],
    pendingLookup: false,
  };
  let pending = false;
  for (const c of root.node.findAll()) {
    if (isCfn<ec2.CfnSubnetNetworkAclAssociation>(c, 'AWS::EC2::SubnetNetworkAclAssociation')) {
      const key = ValueIdentity.of(c).identity(c.subnetId);
      model.associations.set(key, [...(model.associations.get(key) ?? []), { networkAclId: c.networkAclId, resource: c }]);
    } else if (isCfn<ec2.CfnVPCCidrBlock>(c, 'AWS::EC2::VPCCidrBlock')) {
      const key = ValueIdentity.of(c).identity(c.vpcId);
      model.cidrBlocks.set(key, [...(model.cidrBlocks.get(key) ?? []), c]);
    } else if (isCfn<ec2.CfnNetworkAcl>(c, 'AWS::EC2::NetworkAcl')) {
      const key = ValueIdentity.of(c).identity(c.vpcId);
      model.networkAcls.set(key, [...(model.networkAcls.get(key) ?? []), c]);
    } else if (isCfn<ec2.CfnNetworkAclEntry>(c, 'AWS::EC2::NetworkAclEntry')) {
      if (!ours.has(c)) {
        const entry = readEntry(c);
        if (entry) model.foreignEntries.push({ resource: c, entry });
      }
    } else if (isCfn<ec2.CfnRoute>(c, 'AWS::EC2::Route')) {
      if (!ours.has(c)) {
        const route = readRoute(c);
        if (route) model.foreignRoutes.push(route);
      }
    } else if (isCfn<ec2.CfnSecurityGroup>(c, 'AWS::EC2::SecurityGroup')) {
      model.securityGroups.push(c);
    } else if (isCfn<ec2.CfnSecurityGroupIngress>(c, 'AWS::EC2::SecurityGroupIngress')) {
      model.securityGroupIngresses.push(c);
    } else if (Stack.isStack(c)) {
      pending ||= ((c as unknown as { _missingContext?: unknown[] })._missingContext ?? []).length > 0;
    }
  }
  return { ...model, pendingLookup: pending };
}

/** The key of a NACL id: the per-subnet token of a VPC's default NACL is that VPC's default NACL. */
export function naclKey(networkAclId: string, scope: IConstruct): string {
  const vpc = vpcOfDefaultAclToken(networkAclId);
  return ValueIdentity.of(scope).identity(vpc ? vpc.vpcDefaultNetworkAcl : networkAclId);
}

/**
 * For a subnet of a `new ec2.Vpc` that has no NACL of its own, `subnet.networkAcl.networkAclId` is
 * `Fn::GetAtt [<that subnet>, NetworkAclAssociationId]`: a different token for every subnet, all naming the one
 * default NACL of the VPC. Returns that VPC when the id is such a token.
 */
function vpcOfDefaultAclToken(networkAclId: string): ec2.Vpc | undefined {
  const reference = referenceOf(networkAclId);
  if (reference?.displayName !== 'NetworkAclAssociationId') {
    return undefined;
  }
  const vpc = reference.target.node.scope?.node.scope;
  return isNewVpc(vpc) ? vpc : undefined;
}

/** The id of the VPC's default NACL, when the VPC is one this app creates (`vpcDefaultNetworkAcl` is on `ec2.Vpc`). */
export function defaultNetworkAclId(vpc: ec2.IVpc): string | undefined {
  const id = (vpc as Partial<ec2.Vpc>).vpcDefaultNetworkAcl;
  return typeof id === 'string' ? id : undefined;
}

/** A NaclRef for a NACL id, named as seen from `scope`'s stack. */
export function naclRef(networkAclId: string, scope: IConstruct): NaclRef {
  const vpc = vpcOfDefaultAclToken(networkAclId);
  const id = vpc ? vpc.vpcDefaultNetworkAcl : networkAclId;
  const identity = ValueIdentity.of(scope);
  const reference = referenceOf(id);
  const owner = reference?.displayName === 'DefaultNetworkAcl' ? reference.target.node.scope : undefined;
  return {
    key: identity.identity(id),
    networkAclId: id,
    name: identity.name(id),
    isVpcDefault: isNewVpc(owner),
    imported: !reference,
    defaultOf: isNewVpc(owner) ? owner : undefined,
  };
}

/** Another construct's entry as the plan sees it; `undefined` when its NACL or rule number is not known at synth time. */
function readEntry(e: ec2.CfnNetworkAclEntry): PlannedEntry | undefined {
  const identity = ValueIdentity.of(e);
  const r = (v: unknown) => identity.resolve(v);
  const ruleNumber = Number(r(e.ruleNumber));
  if (!Number.isInteger(ruleNumber) || typeof e.networkAclId !== 'string') {
    return undefined;
  }
  const cidr = r(e.ipv6CidrBlock ?? e.cidrBlock);
  const portRange = r(e.portRange) as { from?: number; to?: number } | undefined;
  const icmp = r(e.icmp) as { type?: number; code?: number } | undefined;
  return {
    acl: naclKey(e.networkAclId, e),
    egress: [true, 'true'].includes(r(e.egress) as never),
    ruleNumber,
    action: String(r(e.ruleAction)).toLowerCase() === 'deny' ? 'deny' : 'allow',
    cidr: typeof cidr === 'string' ? cidr : JSON.stringify(cidr),
    family: e.ipv6CidrBlock !== undefined ? 'ipv6' : 'ipv4',
    traffic: {
      protocol: Number(r(e.protocol)),
      portRange: portRange && portRange.from !== undefined && portRange.to !== undefined
        ? { from: Number(portRange.from), to: Number(portRange.to) } : undefined,
      icmp: icmp && icmp.type !== undefined ? { type: Number(icmp.type), code: Number(icmp.code ?? -1) } : undefined,
      reasons: [],
    },
  };
}

/** Another construct's route, keyed the way the plan keys its own: (route table key, canonical destination). */
function readRoute(route: ec2.CfnRoute): HeldRoute | undefined {
  const identity = ValueIdentity.of(route);
  const destination = route.destinationCidrBlock ?? route.destinationIpv6CidrBlock;
  if (!destination || !route.routeTableId) {
    return undefined;
  }
  const literal = !Token.isUnresolved(destination) && isCidr(destination);
  return {
    routeTable: identity.identity(route.routeTableId),
    cidr: literal ? canonicalCidr(destination) : identity.identity(destination),
    what: route.node.path,
  };
}

/** The canonical spelling of a literal CIDR block, as the plan writes it. */
export function canonicalCidr(cidr: string): string {
  const [address, prefix] = cidr.split('/');
  if (cidrFamily(cidr) === 'ipv6') {
    // ipaddr's toString() of an IPv6 address is the compressed lower-case form.
    return `${ipaddr.parse(address).toString()}/${Number(prefix)}`;
  }
  return `${address.split('.').map(Number).join('.')}/${Number(prefix)}`;
}
