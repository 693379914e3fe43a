/**
 * Turning a peering's plan into CloudFormation resources, in an order CloudFormation cannot break.
 *
 * Logical ids say what a resource is in EC2's terms, never the construct's path or a list position: a route's is its
 * (route table, destination); an entry's is its NACL and what it means (direction, action, traffic, block:
 * `NaclVpc8378EB38DefaultNetworkAclEgressAllowTcp443To10x200x0x0x16`), not its rule number. So a rename or a move of
 * the construct changes nothing, an entry that stays is never rewritten, and one that changes is a new entry created
 * (at a number no entry of the previous template holds) before the old one is deleted at the update's cleanup.
 *
 * The order: each deny `DependsOn` the allows of its block, so that an allow exists before the deny after it (and the
 * deny is deleted before them); the acceptance of the peering and the association of a NACL made by
 * `createNetworkAcl` wait for the lockdown (`lockdownOf`), so that the peering is never active, nor a subnet on the
 * NACL, before every entry exists.
 */
import { CfnDeletionPolicy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, Dependable, IConstruct, IDependable } from 'constructs';
import { suppressionsFor } from './scanner-suppressions';
import { PURPOSE_METADATA_KEY } from '../../analysis/template';
import { shortHash } from '../cdk/value-identity';
import { Protocol } from '../core/traffic';
import { cidrName, entryMeaning, PeeringRules } from '../plan/types';
import { PeeringResources, ResolvedPeering } from '../stage-types';

export function materializePeering(
  scope: Construct, vpcPeeringConnectionId: string, { entries, routes }: PeeringRules, resolved: ResolvedPeering,
  dependencies: IDependable[], retainDenies: boolean,
): PeeringResources {
  const acls = new Map([...resolved.denyAcls, ...resolved.accessAcls].map(a => [a.key, a]));
  const tables = new Map(resolved.routeTables.map(t => [t.key, t]));

  const cfnRoutes = routes.map(route => {
    const table = tables.get(route.routeTable)!;
    const destination = route.cidrName ?? cidrName(route.cidr);
    const props: ec2.CfnRouteProps = {
      routeTableId: table.routeTableId,
      ...(route.family === 'ipv4' ? { destinationCidrBlock: route.cidr } : { destinationIpv6CidrBlock: route.cidr }),
      vpcPeeringConnectionId,
    };
    // Children of the construct itself: no namespace constructs, which every synth would walk for nothing.
    return madeOnce(scope, `Route.${table.name}.To.${destination}`, [props, dependencies], id => {
      const resource = new ec2.CfnRoute(scope, id, props);
      resource.overrideLogicalId(logicalId(`Route${alphanumeric(table.name)}To${destination}`));
      dependencies.forEach(d => resource.node.addDependency(d));
      return resource;
    });
  });

  const cfnEntries = entries.map(e => {
    const acl = acls.get(e.acl)!;
    const meaning = entryMeaning(e);
    const t = e.traffic;
    const props: ec2.CfnNetworkAclEntryProps = {
      networkAclId: acl.networkAclId,
      ruleNumber: e.ruleNumber,
      egress: e.egress,
      ruleAction: e.action,
      protocol: t.protocol,
      ...(e.family === 'ipv4' ? { cidrBlock: e.cidr } : { ipv6CidrBlock: e.cidr }),
      ...(t.portRange ? { portRange: { from: t.portRange.from, to: t.portRange.to } } : {}),
      ...(t.icmp && (t.protocol === Protocol.ICMP || t.protocol === Protocol.ICMPV6) ? { icmp: { type: t.icmp.type, code: t.icmp.code } } : {}),
    };
    // NACL entries cannot be tagged: say why the entry exists where people read templates.
    const purpose = t.reasons.join(', ');
    // Scanners flag every entry (cdk-nag), denies of a peer's block and allow-alls by design: say why where they read it.
    const catchAll = e.cidr === '0.0.0.0/0' || e.cidr === '::/0';
    const suppressions = suppressionsFor({ action: e.action, protocol: t.protocol, catchAll, egress: e.egress });
    const block: Block = { acl: e.acl, egress: e.egress, family: e.family, cidr: e.cidr };
    const retain = retainDenies && e.action === 'deny';
    return madeOnce(scope, `Entry.${acl.name}.${meaning}`, [props, purpose, suppressions, retain], id => {
      const resource = new ec2.CfnNetworkAclEntry(scope, id, props);
      resource.overrideLogicalId(logicalId(`Nacl${alphanumeric(acl.name)}${meaning}`));
      resource.addMetadata(PURPOSE_METADATA_KEY, purpose);
      for (const [key, value] of Object.entries(suppressions)) {
        resource.addMetadata(key, value);
      }
      if (retain) {
        // The lockdown outlives the construct (removalPolicy RETAIN), except when the operation that created it rolls back.
        resource.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
        // A deny moved to another number is the same lockdown: its old entry goes.
        resource.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.DELETE;
      }
      ENTRIES.set(resource, { block, action: e.action });
      if (e.action === 'deny') {
        // The allows of its block first: whichever allows the plan has made when the app is prepared.
        resource.node.addDependency(dependableOn(() => entriesOf(scope).filter(x => x.action === 'allow' && sameBlock(x.block, block)).map(x => x.entry)));
      }
      return resource;
    });
  });

  return {
    routes: cfnRoutes,
    networkAclEntries: cfnEntries,
    routeTableIds: resolved.routeTables.map(t => t.routeTableId),
    networkAclIds: resolved.accessAcls.map(a => a.networkAclId),
    denyNetworkAclIds: entries.some(e => e.action === 'deny')
      ? resolved.denyAcls.filter(a => !resolved.accessAcls.some(x => x.key === a.key)).map(a => a.networkAclId)
      : [],
  };
}

/**
 * What must exist before a peering is accepted: every entry the plan made for the construct (`scope`), as the app
 * stands when it is prepared, and the subnet associations of a NACL made by `createNetworkAcl` that holds them (so
 * that the subnets are on it before the peering is active, and, when the construct is removed, the connection goes
 * before the subnets return to the VPC's default NACL).
 */
export function lockdownOf(scope: Construct): IDependable {
  return dependableOn(() => {
    const entries = entriesOf(scope).map(x => x.entry);
    const acls = new Set(entries.map(e => e.networkAclId));
    const associations = Stack.of(scope).node.findAll()
      .filter((c): c is ec2.CfnSubnetNetworkAclAssociation => c instanceof ec2.CfnSubnetNetworkAclAssociation && acls.has(c.networkAclId));
    return [...entries, ...associations];
  });
}

/**
 * What must exist before subnets move onto a NACL a construct made (`createNetworkAcl`): every entry the plan made in
 * that NACL, of any construct of its stack (another peering of the same subnets writes there too).
 */
export function lockdownOfNacl(acl: Construct, networkAclId: string): IDependable {
  return dependableOn(() => Stack.of(acl).node.findAll()
    .filter(c => ENTRIES.has(c) && (c as ec2.CfnNetworkAclEntry).networkAclId === networkAclId));
}

/** The entries and the block (NACL, direction, family, CIDR) that ties allows to their deny. */
interface Block {
  readonly acl: string;
  readonly egress: boolean;
  readonly family: string;
  readonly cidr: string;
}

const ENTRIES = new WeakMap<IConstruct, { readonly block: Block; readonly action: 'allow' | 'deny' }>();

/** The entries the plan made that are children of `scope` now. */
function entriesOf(scope: Construct): Array<{ entry: ec2.CfnNetworkAclEntry; block: Block; action: 'allow' | 'deny' }> {
  return scope.node.children.flatMap(c => {
    const info = ENTRIES.get(c);
    return info ? [{ entry: c as ec2.CfnNetworkAclEntry, ...info }] : [];
  });
}

function sameBlock(a: Block, b: Block): boolean {
  return a.acl === b.acl && a.egress === b.egress && a.family === b.family && a.cidr === b.cidr;
}

/** A dependable whose roots are read when they are needed (when the app is prepared), not when it is made. */
function dependableOn(roots: () => IConstruct[]): IDependable {
  const dependable: IDependable = {};
  Dependable.implement(dependable, {
    get dependencyRoots() {
      return roots();
    },
  });
  return dependable;
}

/**
 * The child `id` of `scope`, made by `make` — or, when an earlier plan made it from the same inputs, that child itself:
 * a plan made again (a construct added later, by an Aspect or after `routes` was read) keeps the objects that Aspects
 * and user code have seen. A child of an earlier plan made from other inputs is replaced.
 */
function madeOnce<T extends IConstruct>(scope: Construct, id: string, inputs: unknown[], make: (id: string) => T): T {
  const existing = scope.node.tryFindChild(id);
  const before = existing && MADE_FROM.get(existing);
  if (before && signature(before) === signature(inputs)) {
    return existing as T;
  }
  if (before) {
    scope.node.tryRemoveChild(id);
  }
  const made = make(id);
  MADE_FROM.set(made, inputs);
  return made;
}

/** What each route and entry the plan made was made from. */
const MADE_FROM = new WeakMap<IConstruct, unknown[]>();

/** The inputs of a route or entry as a string, constructs (the acceptance) by their path. */
function signature(inputs: unknown[]): string {
  return JSON.stringify(inputs, (_, v) => (v !== null && typeof v === 'object' && 'node' in v ? `construct:${(v as IConstruct).node.path}` : v));
}

function alphanumeric(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, '');
}

/** CloudFormation allows 255 characters: longer ids keep their start and a hash of the whole. */
function logicalId(id: string): string {
  return id.length <= 255 ? id : `${id.slice(0, 246)}${shortHash(id)}`.slice(0, 255);
}
