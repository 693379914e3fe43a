/**
 * Turning a peering's plan into CloudFormation resources. Logical ids are the EC2 keys: an entry's depends only on its
 * (NACL, direction, rule number), a route's on its (route table, destination) — never on the construct's path or a
 * list position — so a rename, a move under another construct, a band handed over, swapped or compacted is an update
 * in place, and CloudFormation never creates an entry on a slot the previous template still holds.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct, IDependable } from 'constructs';
import { suppressionsFor } from './scanner-suppressions';
import { shortHash, ValueIdentity } from '../cdk/value-identity';
import { isCidr } from '../core/cidr';
import { Protocol } from '../core/traffic';
import { PeeringRules } from '../plan/types';
import { PeeringResources, ResolvedPeering } from '../stage-types';

/** The template metadata key that says why an entry exists ("outbound", "replies to outbound", "blanket deny"). */
export const PURPOSE_METADATA_KEY = 'cdk-vpc-peering-external:purpose';

export function materializePeering(
  scope: Construct, vpcPeeringConnectionId: string, { entries, routes }: PeeringRules, resolved: ResolvedPeering,
  dependencies: IDependable[],
): PeeringResources {
  const acls = new Map([...resolved.denyAcls, ...resolved.accessAcls].map(a => [a.key, a]));
  const tables = new Map(resolved.routeTables.map(t => [t.key, t]));
  const identity = ValueIdentity.of(scope);

  const cfnRoutes = routes.map(route => {
    const table = tables.get(route.routeTable)!;
    const destination = isCidr(route.cidr) ? cidrName(route.cidr) : alphanumeric(identity.name(route.cidr));
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
    const direction = e.egress ? 'Egress' : 'Ingress';
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
    // Scanners flag every deny of a peer's block and allow-alls by design: say why where they read it.
    const catchAll = e.cidr === '0.0.0.0/0' || e.cidr === '::/0';
    const suppressions = suppressionsFor({ action: e.action, protocol: t.protocol, catchAll });
    return madeOnce(scope, `Entry.${acl.name}.${direction}${e.ruleNumber}`, [props, purpose, suppressions, dependencies], id => {
      const resource = new ec2.CfnNetworkAclEntry(scope, id, props);
      resource.overrideLogicalId(logicalId(`Nacl${alphanumeric(acl.name)}${direction}${e.ruleNumber}`));
      resource.addMetadata(PURPOSE_METADATA_KEY, purpose);
      for (const [key, value] of Object.entries(suppressions)) {
        resource.addMetadata(key, value);
      }
      dependencies.forEach(d => resource.node.addDependency(d));
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

/** A CIDR block in a logical id: `10.200.0.0/16` → `10x200x0x0x16`, `2600:1f18::/56` → `2600x1f18xxx56`. */
function cidrName(cidr: string): string {
  return cidr.replace(/[.:/]/g, 'x');
}

function alphanumeric(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, '');
}

/** CloudFormation allows 255 characters: longer ids keep their start and a hash of the whole. */
function logicalId(id: string): string {
  return id.length <= 255 ? id : `${id.slice(0, 246)}${shortHash(id)}`.slice(0, 255);
}
