/**
 * Simulates a CloudFormation stack update between two synthesized templates, to prove that an update of the
 * construct's routes and NACL entries cannot fail with `RouteAlreadyExists` or `NetworkAclEntryAlreadyExists`,
 * a failure no synth-only test sees.
 *
 * CloudFormation semantics mirrored here (resource schemas, update behaviour):
 * - a resource whose create-only property changes is *replaced*: a new physical resource is created, the old one is
 *   deleted later; other property changes update the resource in place;
 * - a replaced resource gets a new physical id (and new attributes), so every resource that references it (`Ref`,
 *   `Fn::GetAtt`, `Fn::Sub`) changes too: replaced when the reference sits in a create-only property, updated in
 *   place otherwise;
 * - new and replacement resources are created first, while every resource of the previous template still exists;
 *   removed resources and the old halves of replacements are deleted last (cleanup);
 * - EC2 identifies a route by (route table, destination) and a NACL entry by (NACL, direction, rule number), so
 *   creating one whose identity is still held fails the whole update.
 */
import * as ipaddr from 'ipaddr.js';
import { referencedResources } from './references';
import {
  CfnResource, CfnTemplate, cfnBoolean, cfnInteger, isCustomResourceType, jsonEqual, NACL_ENTRY_TYPE, NACL_TYPE, ROUTE_TYPE,
  SUBNET_NACL_ASSOCIATION_TYPE, SUBNET_TYPE, VPC_TYPE,
} from './template';

/** The EC2 error a create fails with when its physical identity is already taken. */
export type AlreadyExistsError = 'NetworkAclEntryAlreadyExists' | 'RouteAlreadyExists';

/** A resource the update would create while another resource holds the same physical key. */
export interface KeyConflict {
  /** Whether the holder is a resource of the old template (still there until cleanup) or another one of the new. */
  readonly reason: 'held-by-old-template' | 'duplicate-in-new-template';
  readonly error: AlreadyExistsError;
  /** The physical key, see {@link physicalKey}. */
  readonly key: string;
  /** Logical id of the resource whose create fails. */
  readonly logicalId: string;
  /** Logical id of the resource holding the key (in the old template, or in the new one for duplicates). */
  readonly heldBy: string;
}

/** Several resources of one template sharing a physical key: creating that template fails. */
export interface DuplicateKey {
  readonly error: AlreadyExistsError;
  readonly key: string;
  /** The logical ids sharing the key, in template order. */
  readonly logicalIds: string[];
}

/** What a stack update from one template to another does to each logical id (each list sorted). */
export interface UpdateClassification {
  /** Only in the new template: created. */
  readonly added: string[];
  /** Only in the old template: deleted during cleanup. */
  readonly removed: string[];
  /**
   * In both, but the Type or a create-only property changed, or a create-only property references a replaced resource:
   * new resource created, old one deleted during cleanup.
   */
  readonly replaced: string[];
  /** In both, only properties that update in place changed (or reference a replaced resource). */
  readonly updatedInPlace: string[];
  /** In both with equal Type and Properties, referencing no replaced resource. */
  readonly unchanged: string[];
}

/** What a stack update from one template to another does to each logical id, and which creates would fail. */
export interface UpdateSimulation extends UpdateClassification {
  /** The creates (of added and replaced resources) that fail, and duplicates within the new template. */
  readonly conflicts: KeyConflict[];
}

type Normaliser = (value: unknown) => unknown;
const asIs: Normaliser = (v) => v;

/**
 * Create-only properties (a change replaces the resource) of the types whose identity matters here, with the
 * normalisation CloudFormation applies when comparing (`Egress` absent == false, `RuleNumber` '5' == 5), from the
 * resource schemas. Other types are treated as updatable in place, except for a Type change.
 */
const CREATE_ONLY: Record<string, Record<string, Normaliser>> = {
  [ROUTE_TYPE]: { RouteTableId: asIs, DestinationCidrBlock: asIs, DestinationIpv6CidrBlock: asIs, DestinationPrefixListId: asIs },
  [NACL_ENTRY_TYPE]: { NetworkAclId: asIs, RuleNumber: (v) => cfnInteger(v) ?? v, Egress: (v) => cfnBoolean(v, false) ?? v },
  [SUBNET_NACL_ASSOCIATION_TYPE]: { SubnetId: asIs, NetworkAclId: asIs },
  [NACL_TYPE]: { VpcId: asIs },
  [SUBNET_TYPE]: { VpcId: asIs, CidrBlock: asIs, AvailabilityZone: asIs, AvailabilityZoneId: asIs },
  [VPC_TYPE]: { CidrBlock: asIs },
};

/**
 * A custom resource gets an Update event for any property change; the peering handlers of this library answer a new
 * `VpcPeeringConnectionId` with a new physical id, which CloudFormation treats as a replacement (the old one is deleted
 * during cleanup).
 */
const CUSTOM_RESOURCE_CREATE_ONLY: Record<string, Normaliser> = { VpcPeeringConnectionId: asIs };

/** The create-only properties of a resource type (see {@link CREATE_ONLY}), with their normalisation. */
function createOnlyProperties(type: string): Record<string, Normaliser> {
  return isCustomResourceType(type) ? CUSTOM_RESOURCE_CREATE_ONLY : CREATE_ONLY[type] ?? {};
}

/**
 * The EC2 identity of a route (`RouteTableId` + destination) or NACL entry (`NetworkAclId` + direction + rule number)
 * as a readable string, `undefined` for other resource types. Ids are compared as `JSON.stringify` of their template
 * value, so two different intrinsics naming the same NACL or table are (wrongly) seen as different; literal CIDRs are
 * canonicalised (`2001:DB8::/32` == `2001:db8::/32`), as EC2 does.
 */
export function physicalKey(resource: CfnResource): string | undefined {
  const p = resource.Properties ?? {};
  if (resource.Type === ROUTE_TYPE) {
    const destination = p.DestinationCidrBlock ?? p.DestinationIpv6CidrBlock ?? p.DestinationPrefixListId;
    return `${ROUTE_TYPE} ${JSON.stringify(p.RouteTableId)} -> ${canonicalCidr(destination)}`;
  }
  if (resource.Type === NACL_ENTRY_TYPE) {
    const egress = CREATE_ONLY[NACL_ENTRY_TYPE].Egress(p.Egress);
    const direction = typeof egress === 'boolean' ? (egress ? 'egress' : 'ingress') : `Egress=${JSON.stringify(egress)}`;
    return `${NACL_ENTRY_TYPE} ${JSON.stringify(p.NetworkAclId)} ${direction} #${JSON.stringify(CREATE_ONLY[NACL_ENTRY_TYPE].RuleNumber(p.RuleNumber))}`;
  }
  return undefined;
}

/**
 * Physical keys held by more than one resource of the template. Non-empty means a fresh create of that template
 * fails with `RouteAlreadyExists` / `NetworkAclEntryAlreadyExists`.
 */
export function duplicateKeys(template: CfnTemplate): DuplicateKey[] {
  const byKey = new Map<string, { error: AlreadyExistsError; logicalIds: string[] }>();
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const key = physicalKey(resource);
    if (key === undefined) continue;
    const group = byKey.get(key) ?? { error: errorFor(resource.Type), logicalIds: [] };
    group.logicalIds.push(logicalId);
    byKey.set(key, group);
  }
  return [...byKey].filter(([, g]) => g.logicalIds.length > 1).map(([key, g]) => ({ key, ...g }));
}

/**
 * Classifies every logical id of an update from `oldTemplate` to `newTemplate` and lists the creates that would fail:
 * each added or replaced route / NACL entry whose physical key is held by any resource of the old template (including
 * its own old half, all of which still exist when creates run), plus every duplicate key within the new template.
 */
export function simulateUpdate(oldTemplate: CfnTemplate, newTemplate: CfnTemplate): UpdateSimulation {
  const oldResources = oldTemplate.Resources ?? {};
  const newResources = newTemplate.Resources ?? {};
  const result = classifyUpdate(oldTemplate, newTemplate);
  const replaced = new Set(result.replaced);
  const newIds = new Set(Object.keys(newResources));

  const oldHolders = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(oldResources)) {
    const key = physicalKey(resource);
    if (key !== undefined) oldHolders.set(key, [...(oldHolders.get(key) ?? []), id]);
  }
  const conflicts: KeyConflict[] = [];
  for (const id of [...result.added, ...result.replaced]) {
    const key = physicalKey(newResources[id]);
    // In a replaced NACL or route table the key names a new physical container: nothing of the old template holds it.
    const containerReplaced = [...referencedResources(identityContainer(newResources[id]), newIds)].some((r) => replaced.has(r));
    for (const heldBy of (key === undefined || containerReplaced ? [] : oldHolders.get(key) ?? [])) {
      conflicts.push({ reason: 'held-by-old-template', error: errorFor(newResources[id].Type), key: key!, logicalId: id, heldBy });
    }
  }
  for (const dup of duplicateKeys(newTemplate)) {
    for (const id of dup.logicalIds.slice(1)) {
      conflicts.push({ reason: 'duplicate-in-new-template', error: dup.error, key: dup.key, logicalId: id, heldBy: dup.logicalIds[0] });
    }
  }

  return { ...result, conflicts };
}

/**
 * Classifies every logical id of an update from `oldTemplate` to `newTemplate`: added, removed, replaced (Type or a
 * create-only property changed, or a create-only property references a replaced resource), updated in place (other
 * properties changed, or they reference a replaced resource), unchanged. Each list is sorted.
 */
export function classifyUpdate(oldTemplate: CfnTemplate, newTemplate: CfnTemplate): UpdateClassification {
  const oldResources = oldTemplate.Resources ?? {};
  const newResources = newTemplate.Resources ?? {};
  const newIds = new Set(Object.keys(newResources));
  const inBoth = Object.keys(newResources).filter((id) => id in oldResources);
  const replaced = new Set(inBoth.filter((id) => isReplacement(oldResources[id], newResources[id])));
  const refersToReplaced = (value: unknown) => [...referencedResources(value, newIds)].some((r) => replaced.has(r));
  for (let grew = true; grew;) {
    grew = false;
    for (const id of inBoth) {
      const properties = newResources[id].Properties ?? {};
      if (!replaced.has(id) && Object.keys(createOnlyProperties(newResources[id].Type)).some((prop) => refersToReplaced(properties[prop]))) {
        replaced.add(id);
        grew = true;
      }
    }
  }

  const result: UpdateClassification = { added: [], removed: [], replaced: [], updatedInPlace: [], unchanged: [] };
  for (const id of Object.keys(oldResources)) if (!(id in newResources)) result.removed.push(id);
  for (const [id, now] of Object.entries(newResources)) {
    const before = oldResources[id];
    if (!before) result.added.push(id);
    else if (replaced.has(id)) result.replaced.push(id);
    else if (!jsonEqual(before.Properties ?? {}, now.Properties ?? {}) || refersToReplaced(now.Properties)) result.updatedInPlace.push(id);
    else result.unchanged.push(id);
  }
  for (const ids of Object.values(result)) ids.sort();
  return result;
}

/**
 * Throws an Error listing every conflict of {@link simulateUpdate} (one line per failing create, naming the error,
 * both logical ids and the key), or returns the simulation when the update from `oldTemplate` to `newTemplate` is safe.
 */
export function assertUpdatable(oldTemplate: CfnTemplate, newTemplate: CfnTemplate): UpdateSimulation {
  const simulation = simulateUpdate(oldTemplate, newTemplate);
  if (simulation.conflicts.length > 0) {
    const lines = simulation.conflicts.map((c) => `  - ${c.error}: creating ${c.logicalId} while ${c.heldBy} `
      + `${c.reason === 'held-by-old-template' ? 'of the old template still holds' : 'of the new template also holds'} ${c.key}`);
    throw new Error(`the stack update would fail (${simulation.conflicts.length} conflict(s)):\n${lines.join('\n')}`);
  }
  return simulation;
}

function isReplacement(before: CfnResource, now: CfnResource): boolean {
  if (before.Type !== now.Type) return true;
  const createOnly = createOnlyProperties(now.Type);
  return Object.entries(createOnly).some(([prop, normalise]) =>
    !jsonEqual(normalise(before.Properties?.[prop]), normalise(now.Properties?.[prop])));
}

/** The property naming the container of a route or NACL entry's physical key (its route table or NACL). */
function identityContainer(resource: CfnResource): unknown {
  return resource.Type === ROUTE_TYPE ? resource.Properties?.RouteTableId : resource.Properties?.NetworkAclId;
}

function errorFor(type: string): AlreadyExistsError {
  return type === ROUTE_TYPE ? 'RouteAlreadyExists' : 'NetworkAclEntryAlreadyExists';
}

/** A literal CIDR in canonical form (lower-case, compressed IPv6); anything else as JSON. */
function canonicalCidr(value: unknown): string {
  if (typeof value === 'string' && (ipaddr.IPv4.isValidCIDRFourPartDecimal(value) || ipaddr.IPv6.isValidCIDR(value))) {
    const [address, bits] = ipaddr.parseCIDR(value);
    return `${address.toString()}/${bits}`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
