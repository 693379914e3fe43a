/**
 * Resolving one `VpcPeeringExternal` against the complete app: its subnets, their route tables and NACLs, and what
 * its VPC's CIDR blocks say about the props. Problems are collected, not thrown, so that one synth reports them all.
 */
import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { PeeringWarnings } from '../../warnings';
import { isCfn, isNewSubnet } from '../cdk/construct-kinds';
import { defaultNetworkAclId, naclRef } from '../cdk/nacl-refs';
import { ValueIdentity } from '../cdk/value-identity';
import { cidrsOverlap } from '../core/cidr';
import { listFew } from '../core/text';
import { ExternalCidr } from '../plan/types';
import { AppModel, DEFAULT_SUBNETS, NaclRef, PeeringIntent, ResolvedPeering, RouteTableRef } from '../stage-types';

export function resolvePeering(intent: PeeringIntent, scope: IConstruct, model: AppModel): ResolvedPeering {
  const identity = ValueIdentity.of(scope);
  const problems: string[] = [];
  const { subnets, pendingLookup, problem } = selectSubnets(intent.vpc, intent.subnets);
  if (problem) problems.push(problem);

  const routeTables = new Map<string, RouteTableRef>();
  const missingTables = subnets.filter(s => !s.routeTable?.routeTableId);
  if (missingTables.length > 0) {
    problems.push(
      `subnets: ${listFew(missingTables.map(describeSubnet))} ha${missingTables.length === 1 ? 's' : 've'} no route table id, ` +
      'so no route to the external VPC can be added for them. Import the subnets with their route tables: ' +
      'ec2.Vpc.fromVpcAttributes({ ..., privateSubnetRouteTableIds }) or ec2.Subnet.fromSubnetAttributes({ subnetId, routeTableId })',
    );
  }
  for (const subnet of subnets.filter(s => s.routeTable?.routeTableId)) {
    const routeTableId = subnet.routeTable.routeTableId;
    const key = identity.identity(routeTableId);
    if (!routeTables.has(key)) routeTables.set(key, { key, routeTableId, name: identity.name(routeTableId) });
  }

  let accessAcls: NaclRef[] = [];
  if (intent.networkAcls) {
    accessAcls = intent.networkAcls.map(a => naclRef(a.networkAclId, scope));
  } else {
    const unknown: ec2.ISubnet[] = [];
    for (const subnet of subnets) {
      const associations = model.associations.get(identity.identity(subnet.subnetId)) ?? [];
      if (associations.length > 1) {
        problems.push(
          `${describeSubnet(subnet)} is associated with ${associations.length} Network ACLs ` +
          `(${listFew(associations.map(a => a.resource.node.path))}), but a subnet has exactly one: keep one association`,
        );
      } else if (associations.length === 1) {
        accessAcls.push(naclRef(associations[0].networkAclId, scope));
      } else if (isNewSubnet(subnet) && defaultNetworkAclId(intent.vpc)) {
        accessAcls.push(naclRef(defaultNetworkAclId(intent.vpc)!, scope));
      } else {
        unknown.push(subnet);
      }
    }
    if (unknown.length > 0) {
      problems.push(
        `networkAcls is required: ${listFew(unknown.map(describeSubnet))} ${unknown.length === 1 ? 'is' : 'are'} imported, and ` +
        'imported subnets carry no Network ACL (nor does the app associate one with them). Pass the NACLs of the selected ' +
        "subnets, e.g. networkAcls: [ec2.NetworkAcl.fromNetworkAclId(this, 'AppAcl', 'acl-0123456789abcdef0')]",
      );
    }
  }
  const denyAcls = (intent.denyNetworkAcls ?? []).map(a => naclRef(a.networkAclId, scope));
  const extraWarnings: Array<{ id: string; message: string }> = [];
  if (intent.denyOtherNetworkAcls) {
    // Every NACL of the VPC the app knows: its default NACL (a VPC made in this app) and the NACLs made in it.
    const others: NaclRef[] = [];
    const defaultAcl = defaultNetworkAclId(intent.vpc);
    if (defaultAcl) others.push(naclRef(defaultAcl, scope));
    for (const acl of model.networkAcls.get(identity.identity(intent.vpc.vpcId)) ?? []) {
      others.push(naclRef(acl.ref, scope));
    }
    denyAcls.push(...others);
    const covered = new Set([...accessAcls, ...(intent.denyNetworkAcls ?? []).map(a => naclRef(a.networkAclId, scope))].map(a => a.key));
    if (!pendingLookup && others.every(a => covered.has(a.key))) {
      extraWarnings.push({
        id: PeeringWarnings.DENY_OTHER_NETWORK_ACLS_ADDS_NOTHING,
        message: others.length === 0
          ? 'denyOtherNetworkAcls is true, but the app knows no other Network ACL of the VPC (an imported VPC\'s NACLs, its ' +
            'default NACL included, are not known to the app), so it adds nothing: list the NACLs of the other tiers in ' +
            "denyNetworkAcls (ec2.NetworkAcl.fromNetworkAclId(this, 'PublicAcl', 'acl-…'))"
          : 'denyOtherNetworkAcls is true, but every Network ACL of the VPC that the app knows already gets the rules (all ' +
            'the subnets share them, as on a VPC whose tiers all use the default NACL), so it adds nothing: the other ' +
            "tiers' subnets are on the same NACL and get the peering's allow rules too. Give the peering's subnets a " +
            'NACL of their own (createNetworkAcl) to keep the other tiers closed, or remove denyOtherNetworkAcls',
      });
    }
  }
  const warnings = pendingLookup ? [] : [...sharedRouteTables(intent.vpc, subnets, identity), ...extraWarnings];

  const lookupFree: string[] = [];
  if (!pendingLookup) {
    const hasIpv6 = vpcHasIpv6(intent.vpc, model, identity);
    if (intent.rules.externalCidrs.some(c => c.family === 'ipv6') && hasIpv6 === false) {
      lookupFree.push(
        `externalIpv6CidrBlocks is given, but the VPC ${intent.vpc.node.path} has no IPv6 CIDR block, so IPv6 traffic ` +
        'cannot flow over the peering: create the VPC with ipProtocol: ec2.IpProtocol.DUAL_STACK (or give it an ' +
        'ec2.CfnVPCCidrBlock with amazonProvidedIpv6CidrBlock), or leave externalIpv6CidrBlocks out',
      );
    }
    lookupFree.push(...overlapsWithOwn(intent.rules.externalCidrs, ownCidrBlocks(intent.vpc, subnets, model, identity)));
    problems.push(...lookupFree);
  }

  return {
    routeTables: [...routeTables.values()], accessAcls: unique(accessAcls), denyAcls: unique(denyAcls), problems, lookupFree, pendingLookup, warnings,
  };
}

/**
 * The routes go to route tables, not subnets: a table that also serves subnets outside the selection (the main route
 * table that `Vpc.fromLookup` fills in, a table shared by hand) routes those subnets to the peer too.
 */
function sharedRouteTables(vpc: ec2.IVpc, selected: ec2.ISubnet[], identity: ValueIdentity): Array<{ id: string; message: string }> {
  const chosen = new Set(selected.map(s => identity.identity(s.subnetId)));
  const tables = new Set(selected.filter(s => s.routeTable?.routeTableId).map(s => identity.identity(s.routeTable.routeTableId)));
  const others = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets]
    .filter(s => !chosen.has(identity.identity(s.subnetId)))
    .filter(s => s.routeTable?.routeTableId && tables.has(identity.identity(s.routeTable.routeTableId)));
  if (others.length === 0) {
    return [];
  }
  return [{
    id: PeeringWarnings.ROUTE_TABLE_SHARED_WITH_OTHER_SUBNETS,
    message:
      `The routes to the external VPC go into route tables that also serve ${listFew(others.map(describeSubnet))}, which ` +
      `${others.length === 1 ? 'is' : 'are'} not selected: ${others.length === 1 ? 'it gets' : 'they get'} the routes too. ` +
      'Give the selected subnets route tables of their own, or deny the external VPC in those subnets\' NACLs ' +
      '(denyNetworkAcls, denyOtherNetworkAcls)',
  }];
}

function unique(acls: NaclRef[]): NaclRef[] {
  return [...new Map(acls.map(a => [a.key, a])).values()];
}

function describeSubnet(subnet: ec2.ISubnet): string {
  return Token.isUnresolved(subnet.subnetId) ? `subnet ${subnet.node.path}` : `subnet '${subnet.subnetId}' (${subnet.node.path})`;
}

function selectSubnets(
  vpc: ec2.IVpc, subnets: ec2.SubnetSelection | undefined,
): { subnets: ec2.ISubnet[]; pendingLookup: boolean; problem?: string } {
  const selection = subnets ?? DEFAULT_SUBNETS;
  let selected: ec2.SelectedSubnets | undefined;
  let why = '';
  try {
    selected = vpc.selectSubnets(selection);
  } catch (e) {
    why = ` (${(e as Error).message})`;
  }
  const pendingLookup = selected?.isPendingLookup ?? false;
  if (selected && selected.subnets.length > 0) {
    return { subnets: selected.subnets, pendingLookup };
  }
  const what = subnets?.subnetGroupName ? `{ subnetGroupName: '${subnets.subnetGroupName}' }`
    : subnets?.subnetType ? `{ subnetType: ${subnets.subnetType} }`
      : subnets ? 'as given' : '(default { subnetType: PRIVATE_WITH_EGRESS })';
  return {
    subnets: [],
    pendingLookup,
    problem: `subnets ${what} selects no subnet of the VPC ${vpc.node.path}${why}. ${describeVpcSubnets(vpc)}`,
  };
}

/** What subnets the VPC has, and how to select them. */
function describeVpcSubnets(vpc: ec2.IVpc): string {
  const groups: string[] = [];
  const example: string[] = [];
  for (const [type, list] of [
    ['PRIVATE_WITH_EGRESS', vpc.privateSubnets], ['PRIVATE_ISOLATED', vpc.isolatedSubnets], ['PUBLIC', vpc.publicSubnets],
  ] as const) {
    const names = [...new Set(list.map(s => s.node.id.replace(/Subnet\d+$/, '')))];
    if (list.length > 0) {
      groups.push(`${list.length} ${type} (group${names.length === 1 ? '' : 's'} ${names.map(n => `'${n}'`).join(', ')})`);
      example.push(`{ subnetType: ec2.SubnetType.${type} }`, ...names.map(n => `{ subnetGroupName: '${n}' }`));
    }
  }
  if (groups.length === 0) {
    return 'The VPC knows no subnets (an imported VPC without subnet ids): list the private app subnets with ' +
      "subnets: { subnets: [ec2.Subnet.fromSubnetAttributes(this, 'App1', { subnetId: 'subnet-…', routeTableId: 'rtb-…' })] }";
  }
  return `The VPC has ${groups.join(', ')} subnets: select the private app subnets, e.g. subnets: ${example[0]}` +
    (example.length > 1 ? ` or ${example.slice(1).join(' or ')}` : '');
}

/** The VPC's `AWS::EC2::VPCCidrBlock`s, wherever the app declares them. */
function cidrBlocksOf(vpc: ec2.IVpc, model: AppModel, identity: ValueIdentity): ec2.CfnVPCCidrBlock[] {
  return model.cidrBlocks.get(identity.identity(vpc.vpcId)) ?? [];
}

/**
 * Whether the VPC has IPv6: `true` when the app gives it an IPv6 `AWS::EC2::VPCCidrBlock`, `false` for a VPC this app
 * creates without one, `undefined` for an imported VPC, which does not say.
 */
export function vpcHasIpv6(vpc: ec2.IVpc, model: AppModel, identity: ValueIdentity): boolean | undefined {
  const ipv6 = cidrBlocksOf(vpc, model, identity).some(c => c.amazonProvidedIpv6CidrBlock !== undefined ||
    c.ipv6Pool !== undefined || c.ipv6CidrBlock !== undefined || c.ipv6IpamPoolId !== undefined);
  if (ipv6) {
    return true;
  }
  return isCfn(vpc.node.defaultChild, 'AWS::EC2::VPC') ? false : undefined;
}

/** External CIDR blocks that overlap CIDR blocks of your own VPC or subnets (peering needs disjoint blocks), as messages. */
function overlapsWithOwn(external: ExternalCidr[], own: Array<{ cidr: string; what: string }>): string[] {
  const problems: string[] = [];
  external.forEach(e => {
    if (Token.isUnresolved(e.cidr)) {
      return;
    }
    const o = own.find(x => !Token.isUnresolved(x.cidr) && cidrsOverlap(e.cidr, x.cidr));
    if (o) {
      const prop = e.family === 'ipv4' ? 'externalCidrBlocks' : 'externalIpv6CidrBlocks';
      const index = external.filter(x => x.family === e.family).indexOf(e);
      problems.push(
        `${prop}[${index}] '${e.cidr}' overlaps ${o.what} ${o.cidr}: AWS cannot peer VPCs whose CIDR ` +
        'blocks overlap; check the CIDR blocks of the external VPC',
      );
    }
  });
  return problems;
}

/** The IPv4 CIDR blocks of the VPC and the subnets that are known at synth time, to refuse overlapping external blocks. */
function ownCidrBlocks(vpc: ec2.IVpc, subnets: ec2.ISubnet[], model: AppModel, identity: ValueIdentity): Array<{ cidr: string; what: string }> {
  const own: Array<{ cidr: string; what: string }> = [];
  const cfnVpc = vpc.node.defaultChild;
  if (isCfn<ec2.CfnVPC>(cfnVpc, 'AWS::EC2::VPC')) {
    if (typeof cfnVpc.cidrBlock === 'string') own.push({ cidr: cfnVpc.cidrBlock, what: "the VPC's CIDR block" });
  } else {
    const cidr = tryRead(() => vpc.vpcCidrBlock);
    if (cidr) own.push({ cidr, what: "the VPC's CIDR block" });
  }
  for (const block of cidrBlocksOf(vpc, model, identity)) {
    if (typeof block.cidrBlock === 'string') own.push({ cidr: block.cidrBlock, what: "the VPC's secondary CIDR block" });
  }
  for (const subnet of subnets) {
    const cidr = tryRead(() => subnet.ipv4CidrBlock);
    if (cidr) own.push({ cidr, what: `the CIDR block of ${describeSubnet(subnet)}` });
  }
  return own.filter(o => !Token.isUnresolved(o.cidr));
}

function tryRead(read: () => string): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
