/**
 * What the construct reads from the VPC and its subnets: route tables, Network ACLs, CIDR blocks, IPv6. This is where
 * the traps of aws-cdk-lib live (see the notes on each function).
 */
import { Reference, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { referenceOf, ResolvedNames } from './resolved-names';

/** A NACL as the plan sees it. */
export interface NaclRef {
  /** Equal for two refs exactly when they name the same NACL. */
  readonly key: string;
  /** The id to put in `NetworkAclId`. */
  readonly networkAclId: string;
  /** Readable and stable, for construct ids and messages. */
  readonly name: string;
}

/** A route table as the plan sees it. */
export interface RouteTableRef {
  readonly key: string;
  readonly routeTableId: string;
  readonly name: string;
}

function describeSubnet(subnet: ec2.ISubnet): string {
  const id = Token.isUnresolved(subnet.subnetId) ? subnet.node.path : `'${subnet.subnetId}' (${subnet.node.path})`;
  return `subnet ${id}`;
}

/**
 * The distinct route tables of the subnets. Subnets often share one (imported VPCs, the main route table that
 * `Vpc.fromLookup` fills in), and two routes for one destination in one table fail the deploy with
 * `RouteAlreadyExists`, so tables are told apart by what their ids resolve to, not by token strings.
 * Imported subnets without a route table id have `routeTable.routeTableId === undefined` (though typed as string).
 */
export function routeTablesOf(subnets: ec2.ISubnet[], names: ResolvedNames): RouteTableRef[] {
  const tables = new Map<string, RouteTableRef>();
  for (const subnet of subnets) {
    const routeTableId: string | undefined = subnet.routeTable?.routeTableId;
    if (!routeTableId) {
      throw new Error(
        `subnets: ${describeSubnet(subnet)} has no route table id, so no route to the external VPC can be added for it. ` +
        'Import the subnet with its route table: ec2.Vpc.fromVpcAttributes({ ..., privateSubnetRouteTableIds }) or ' +
        'ec2.Subnet.fromSubnetAttributes({ subnetId, routeTableId })',
      );
    }
    const key = names.key(routeTableId);
    if (!tables.has(key)) {
      tables.set(key, { key, routeTableId, name: names.name(routeTableId) });
    }
  }
  return [...tables.values()];
}

/** The id of the VPC's default NACL, when the VPC is one this app creates (`vpcDefaultNetworkAcl` is on `ec2.Vpc`). */
export function defaultNetworkAclId(vpc: ec2.IVpc): string | undefined {
  const id = (vpc as Partial<ec2.Vpc>).vpcDefaultNetworkAcl;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The NACLs of the subnets, deduplicated. Only subnets of a `new ec2.Vpc` (`ec2.Subnet`) carry a NACL; imported ones
 * carry none, and then `networkAcls` must be given. A subnet still on the VPC's default NACL exposes it as
 * `Fn::GetAtt [<subnet>, NetworkAclAssociationId]`, a different token for every subnet that all name the one default
 * NACL: those are mapped to `vpc.vpcDefaultNetworkAcl`, so that the default NACL gets its rules once.
 */
export function networkAclsOfSubnets(vpc: ec2.IVpc, subnets: ec2.ISubnet[], names: ResolvedNames): NaclRef[] {
  const acls = new Map<string, NaclRef>();
  for (const subnet of subnets) {
    const acl: ec2.INetworkAcl | undefined = (subnet as Partial<ec2.Subnet>).networkAcl;
    if (!acl) {
      throw new Error(
        `networkAcls is required: ${describeSubnet(subnet)} is imported, and imported subnets carry no Network ACL. ` +
        "Pass the NACLs of the selected subnets, e.g. networkAcls: [ec2.NetworkAcl.fromNetworkAclId(this, 'AppAcl', 'acl-0123456789abcdef0')]",
      );
    }
    const ref = naclRef(acl.networkAclId, vpc, names, describeSubnet(subnet));
    acls.set(ref.key, acls.get(ref.key) ?? ref);
  }
  return [...acls.values()];
}

/**
 * A NaclRef for a NACL id. The per-subnet token of the default NACL (`Fn::GetAtt [<subnet>, NetworkAclAssociationId]`,
 * what `subnet.networkAcl` gives for a subnet on the default NACL) is mapped to the VPC's one default NACL id.
 */
export function naclRef(networkAclId: string, vpc: ec2.IVpc, names: ResolvedNames, what: string): NaclRef {
  let id = networkAclId;
  if (defaultAclAssociationOf(networkAclId)) {
    const defaultId = defaultNetworkAclId(vpc);
    if (!defaultId) {
      throw new Error(
        `networkAcls is required: ${what} is on its VPC's default Network ACL, whose id the VPC does not expose; ` +
        'pass it with ec2.NetworkAcl.fromNetworkAclId',
      );
    }
    id = defaultId;
  }
  return { key: names.key(id), networkAclId: id, name: names.name(id) };
}

/** The `NetworkAclAssociationId` attribute of a subnet that a NACL id stands for, if it is one: the default NACL. */
export function defaultAclAssociationOf(networkAclId: string): Reference | undefined {
  const reference = referenceOf(networkAclId);
  return reference?.displayName === 'NetworkAclAssociationId' ? reference : undefined;
}

/**
 * The `AWS::EC2::VPCCidrBlock`s of the app that belong to the VPC: a new `ec2.Vpc` makes its IPv6 block as a child,
 * older code and secondary IPv4 blocks often make them at stack scope.
 */
function cidrBlocksOf(vpc: ec2.IVpc, names: ResolvedNames): ec2.CfnVPCCidrBlock[] {
  const vpcKey = names.key(vpc.vpcId);
  return vpc.node.root.node.findAll()
    .filter((c): c is ec2.CfnVPCCidrBlock => c instanceof ec2.CfnVPCCidrBlock && names.key(c.vpcId) === vpcKey);
}

/** The IPv4 CIDR blocks of the VPC and the subnets that are known at synth time, to refuse overlapping external blocks. */
export function ownCidrBlocks(vpc: ec2.IVpc, subnets: ec2.ISubnet[], names: ResolvedNames): Array<{ cidr: string; what: string }> {
  const own: Array<{ cidr: string; what: string }> = [];
  const cfnVpc = vpc.node.defaultChild;
  if (cfnVpc instanceof ec2.CfnVPC) {
    if (typeof cfnVpc.cidrBlock === 'string') {
      own.push({ cidr: cfnVpc.cidrBlock, what: "the VPC's CIDR block" });
    }
  } else {
    const cidr = tryRead(() => vpc.vpcCidrBlock);
    if (cidr) {
      own.push({ cidr, what: "the VPC's CIDR block" });
    }
  }
  for (const block of cidrBlocksOf(vpc, names)) {
    if (typeof block.cidrBlock === 'string') {
      own.push({ cidr: block.cidrBlock, what: "the VPC's secondary CIDR block" });
    }
  }
  for (const subnet of subnets) {
    const cidr = tryRead(() => subnet.ipv4CidrBlock);
    if (cidr) {
      own.push({ cidr, what: `the CIDR block of ${describeSubnet(subnet)}` });
    }
  }
  return own.filter(o => !Token.isUnresolved(o.cidr));
}

/**
 * Whether the VPC has IPv6: `true` when the app gives it an IPv6 `AWS::EC2::VPCCidrBlock`, `false` for a VPC this app
 * creates without one, `undefined` for an imported VPC, which does not say.
 */
export function vpcHasIpv6(vpc: ec2.IVpc, names: ResolvedNames): boolean | undefined {
  const ipv6 = cidrBlocksOf(vpc, names).some(c => c.amazonProvidedIpv6CidrBlock !== undefined ||
    c.ipv6Pool !== undefined || c.ipv6CidrBlock !== undefined || c.ipv6IpamPoolId !== undefined);
  if (ipv6) {
    return true;
  }
  return vpc.node.defaultChild instanceof ec2.CfnVPC ? false : undefined;
}

function tryRead(read: () => string): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
