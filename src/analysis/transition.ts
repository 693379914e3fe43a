/**
 * Every state EC2 can be in while CloudFormation takes a stack from one template to another, evaluated the way AWS
 * evaluates NACLs, to find the windows a deploy opens: a packet denied before and after the deploy but allowed in some
 * state in between (**more open**), or allowed before and after but denied in between (**outage**).
 *
 * The CloudFormation model (see the project's aws-facts.md, "CloudFormation update semantics" and "A deploy is not an
 * instant"):
 * - every logical id is added, removed, replaced, updated in place or unchanged (`classifyUpdate` of `cfn-update.ts`);
 * - **update** phase: every create (added resources, new halves of replacements) and in-place update is one atomic
 *   step; the steps run in any order in which a changed resource comes after every changed resource it depends on in
 *   the new template (`DependsOn`, `Ref`, `Fn::GetAtt`, `Fn::Sub`), transitively through changed resources;
 * - **cleanup** phase: removed resources and old halves of replacements are deleted, each after every one of them
 *   that depends on it in the old template;
 * - **rollback**: a failure at any point of the update phase reverts the in-place updates done so far, then deletes
 *   what the update created, both dependents first; a create that fails with `NetworkAclEntryAlreadyExists` /
 *   `RouteAlreadyExists` never happens (nor anything depending on it), and the update always rolls back.
 *
 * The EC2 model of one state:
 * - NACL entries present, each with its old or new properties; a VPC's default NACL
 *   (`{ "Fn::GetAtt": [Vpc, "DefaultNetworkAcl"] }`, or an id named in the options) also holds allow-all rules 100
 *   (IPv4) and 101 (IPv6) in both directions; a NACL the template creates starts empty;
 * - subnet → NACL: an `AWS::EC2::SubnetNetworkAclAssociation` moves its subnet at once when created; deleting the one
 *   that holds the subnet moves it back to the VPC's default NACL (not to the NACL it was on before); deleting one
 *   whose subnet another association has moved since changes nothing;
 * - peering connections, inferred from the routes (`VpcPeeringConnectionId` → destination blocks): a packet to or from
 *   a connection's blocks is only delivered while it is active. A connection is active when a
 *   `Custom::VpcPeeringAcceptance` for it has been created, or when it was active before the deploy; deleting an
 *   acceptance whose `RemovalPolicy` is `'destroy'` deletes the connection, and so does a rollback that deletes an
 *   acceptance it created for a connection that was not active before (it undoes its own acceptance);
 * - a subnet or default NACL of a VPC the template creates does not exist before its resource: nothing flows.
 *
 * Views: every subnet of an association in either template, through the NACL it is on; every NACL with entries in
 * either template, on its own, except a NACL the template creates that an association names (it carries traffic only
 * through those subnets) or that is created or deleted by this deploy (it holds no subnet while it changes).
 *
 * The search is exact: for one packet class (see `packets.ts`) only the changed resources that can change its verdict
 * matter (entries of the view's NACLs that match it in their old or new form, the subnet's associations and subnet,
 * the acceptances of its peering connection), and the reachable combinations of those are exactly the down-sets of
 * the dependency order restricted to them (likewise for cleanup, and for rollback, see {@link rollbackReachable}).
 *
 * Not modelled: routes as a gate (a packet behind a peering flows whenever the connection is active, route or not);
 * security groups; workloads (a subnet carries traffic as soon as it exists); ordering through unchanged resources
 * (only changed resources pass an order on, which can only add states); replaced VPCs, subnets and NACLs (refused);
 * two template values naming one physical NACL (`'acl-1'` and a `Ref` to it are two NACLs here); subnets associated
 * by other stacks. The default NACL of a VPC the template makes holds the IPv6 rule 101 only when the template gives
 * the VPC an IPv6 block (as AWS does); any other default NACL is assumed to hold it.
 */
/* eslint-disable no-bitwise -- the states searched are subsets of at most ~18 relevant steps, handled as bitmasks */
import { duplicateKeys, KeyConflict, simulateUpdate, UpdateClassification } from './cfn-update';
import { peeringGate, PeeringState, StateVerdict } from './ec2-state';
import { packetText, PortRange, sentence } from './messages';
import { checkRule, DEFAULT_NACL_RULES, NaclEntry, naclEntriesFromTemplate, NaclRule, Packet, protocolMatches } from './nacl-evaluator';
import { AddressFamily, addressClasses, addressRangeText, bigIntToAddress, cidrRange, rangeContains, trafficClasses } from './packets';
import { resourceDependencies } from './references';
import {
  CfnResource, CfnTemplate, NACL_TYPE, ROUTE_TABLE_TYPE, ROUTE_TYPE, SUBNET_NACL_ASSOCIATION_TYPE, SUBNET_TYPE, VPC_TYPE,
} from './template';

/** The custom resource type that accepts a peering connection (see `PeeringConnectionAccepter`). */
export const ACCEPTANCE_TYPE = 'Custom::VpcPeeringAcceptance';

/** Rules a NACL holds outside the template (e.g. a hand-made allow-all at 100 on an imported NACL). */
export interface HeldRules {
  /** The NACL, as the templates' `NetworkAclId` names it: a literal id (`'acl-…'`) or an intrinsic. */
  readonly networkAclId: unknown;
  readonly rules: readonly NaclRule[];
}

/** The default NACL of a subnet the templates name by a literal id (or any value that is not a `Ref` to a template subnet). */
export interface SubnetDefaultNacl {
  /** The subnet, as the associations' `SubnetId` names it. */
  readonly subnetId: unknown;
  /** Its VPC's default NACL, as the entries' `NetworkAclId` names it. */
  readonly networkAclId: unknown;
}

/** Options of {@link analyzeTransition}. */
export interface TransitionOptions {
  /**
   * `NetworkAclId` values (literal ids such as an imported `'acl-…'`, or intrinsics) that are default NACLs, holding the
   * allow-all rules 100 and 101, besides every `{ "Fn::GetAtt": [<VPC>, "DefaultNetworkAcl"] }`.
   */
  readonly defaultNaclIds?: readonly unknown[];
  /** Further rules per NACL that exist outside the templates. */
  readonly heldRules?: readonly HeldRules[];
  /** The default NACL of subnets that are not a `Ref` to an `AWS::EC2::Subnet` of the templates. */
  readonly subnetDefaultNacls?: readonly SubnetDefaultNacl[];
  /**
   * The peering connections (`VpcPeeringConnectionId` values) that are active before the deploy (accepted by hand),
   * besides those an acceptance resource of the old template accepts.
   * @default - every connection that no acceptance resource of either template accepts, unless all its routes sit in
   * route tables of VPCs this deploy creates
   */
  readonly peeringsActiveBefore?: readonly unknown[];
  /**
   * Most changed resources one packet class may depend on (1-24); the states searched grow as 2^n.
   * @default 18
   */
  readonly maxRelevantResources?: number;
}

/** Phase of a deploy a state belongs to. */
export type TransitionPhase = 'update' | 'cleanup' | 'rollback';

/** A NACL on its own, or a subnet through the NACL it is on. */
export interface TransitionView {
  readonly kind: 'nacl' | 'subnet';
  /** `JSON.stringify` of the `NetworkAclId` / `SubnetId` value. */
  readonly key: string;
  /** `NACL <key>` or `subnet <key>`. */
  readonly label: string;
}

/** One intermediate state, described by the changed resources the packet's verdict depends on. */
export interface TransitionState {
  /** Logical ids whose step of this phase is done and in effect (created / updated; deleted during cleanup). */
  readonly done: string[];
  /** Logical ids whose step of this phase is not done (rollback: not applied, or reverted / deleted again). */
  readonly pending: string[];
  /** Rollback only: logical ids created by the update and deleted again, where that differs from never created. */
  readonly undone: string[];
  /** The state in words, e.g. `after A was updated and before B was created`. */
  readonly description: string;
}

/** A packet whose verdict in some state of the deploy differs from its verdict before and after. */
export interface TransitionViolation {
  /** `more-open`: denied before and after, allowed here; `outage`: allowed before and after, denied here. */
  readonly kind: 'more-open' | 'outage';
  readonly phase: TransitionPhase;
  readonly view: TransitionView;
  /** The representative packet. */
  readonly packet: Packet;
  /** The remote addresses the representative stands for (inclusive). */
  readonly remoteRange: { readonly first: string; readonly last: string };
  /** The same as text: a CIDR block when it is exactly one (`10.200.0.0/16`), else `first-last`. */
  readonly remoteText: string;
  /** TCP/UDP: the ports the representative stands for (inclusive). */
  readonly portRange?: PortRange;
  readonly before: StateVerdict;
  readonly after: StateVerdict;
  readonly during: StateVerdict;
  readonly state: TransitionState;
  /** One line, e.g. `more open during update: ingress tcp 22 from 10.200.0.0 to NACL … is allowed by …`. */
  readonly message: string;
}

/** A peering connection as inferred from the routes. */
export interface TransitionPeering {
  /** `JSON.stringify` of the `VpcPeeringConnectionId` value. */
  readonly key: string;
  readonly cidrBlocks: string[];
  readonly activeBefore: boolean;
  /** Logical ids of the `Custom::VpcPeeringAcceptance` resources (either template) that accept it. */
  readonly acceptedBy: string[];
}

/** The result of {@link analyzeTransition}. */
export interface TransitionReport {
  readonly classification: UpdateClassification;
  /** Creates that fail (`NetworkAclEntryAlreadyExists` / `RouteAlreadyExists`); see `updateFails`. */
  readonly conflicts: KeyConflict[];
  /** True when a create fails: the update rolls back, there is no cleanup phase, and "after" is never reached. */
  readonly updateFails: boolean;
  readonly peerings: TransitionPeering[];
  readonly views: TransitionView[];
  /** Representative packets evaluated (all views and directions). */
  readonly packetsChecked: number;
  /** Intermediate states evaluated (for distinct packet classes). */
  readonly statesChecked: number;
  /** What the analysis could not cover, in words. */
  readonly notes: string[];
  readonly violations: TransitionViolation[];
}

/**
 * Enumerates every state of the CloudFormation operation from `oldTemplate` to `newTemplate` (one stack; an empty
 * template for a first deploy or a deletion) and reports each representative packet that is more open or cut in some
 * state, plus the update's classification and conflicts. Pure: no I/O.
 *
 * Throws when the templates cannot be analysed: a template holding one NACL entry or route key twice, an entry on a
 * default NACL's 100/101, a subnet associated twice in one template, a replaced VPC, subnet or NACL, or a packet class
 * depending on more than `maxRelevantResources` changed resources.
 */
export function analyzeTransition(oldTemplate: CfnTemplate, newTemplate: CfnTemplate, options: TransitionOptions = {}): TransitionReport {
  return new TransitionModel(oldTemplate, withRetained(oldTemplate, newTemplate), options).analyze();
}

/**
 * The new template as EC2 ends up after the deploy: a resource the new template drops but whose `DeletionPolicy`
 * retains it (`Retain`, `RetainExceptOnCreate`) is not deleted at the cleanup; it stays, unchanged, in every state and
 * after.
 */
function withRetained(oldTemplate: CfnTemplate, newTemplate: CfnTemplate): CfnTemplate {
  const retained = Object.entries(oldTemplate.Resources ?? {}).filter(([id, r]) => !(id in (newTemplate.Resources ?? {}))
    && ['Retain', 'RetainExceptOnCreate'].includes(String((r as { DeletionPolicy?: unknown }).DeletionPolicy)));
  if (retained.length === 0) {
    return newTemplate;
  }
  const ids = new Set([...Object.keys(newTemplate.Resources ?? {}), ...retained.map(([id]) => id)]);
  // What a retained resource depended on may be gone: its order no longer matters, it exists already.
  const kept = retained.map(([id, r]) => {
    const dependsOn = (r as { DependsOn?: string | string[] }).DependsOn;
    const still = dependsOn === undefined ? undefined : [dependsOn].flat().filter(d => ids.has(d));
    return [id, { ...r, DependsOn: still && still.length > 0 ? still : undefined }] as const;
  });
  return { ...newTemplate, Resources: { ...newTemplate.Resources, ...Object.fromEntries(kept) } };
}

/**
 * {@link analyzeTransition}, throwing an Error with one line per conflict and per violation when there is any;
 * returns the report otherwise.
 */
export function assertSafeTransition(oldTemplate: CfnTemplate, newTemplate: CfnTemplate, options: TransitionOptions = {}): TransitionReport {
  const report = analyzeTransition(oldTemplate, newTemplate, options);
  if (report.conflicts.length > 0 || report.violations.length > 0) {
    const lines = [
      ...report.conflicts.map((c) => `${c.error}: creating ${c.logicalId} while ${c.heldBy} still holds ${c.key}`),
      ...report.violations.map((v) => v.message),
    ];
    throw new Error(`the deploy is not safe in motion (${report.conflicts.length} conflict(s), ${report.violations.length} violation(s)):\n`
      + lines.map((l) => `  - ${l}`).join('\n'));
  }
  return report;
}

type Classification = 'added' | 'removed' | 'replaced' | 'updated' | 'unchanged';
type Version = 'old' | 'new';

/** Which steps are done in one state. Ids the state does not know are treated as in the state before the deploy. */
interface Situation {
  /** The update step (create / in-place update) of the id is in effect. */
  applied(id: string): boolean;
  /** Rollback: the id was created by the update and deleted again. */
  undone(id: string): boolean;
  /** Cleanup: the old version of the id is deleted. */
  deleted(id: string): boolean;
}

const BEFORE: Situation = { applied: () => false, undone: () => false, deleted: () => false };
const AFTER: Situation = { applied: () => true, undone: () => false, deleted: () => true };

/** A rule a view can meet: a template entry (one version of it) or a held rule. */
interface Item {
  readonly rule: NaclRule;
  readonly acl: string;
  readonly origin: 'template' | 'default-nacl' | 'held';
  readonly id?: string;
  readonly version?: Version;
}

interface AssociationVersion {
  readonly id: string;
  readonly acl: string;
}

interface SubnetModel {
  readonly key: string;
  /** The template subnet whose existence the view needs. */
  readonly gate?: string;
  readonly oldAssociation?: AssociationVersion;
  readonly newAssociation?: AssociationVersion;
  readonly defaultAcl?: string;
}

interface ViewModel {
  readonly view: TransitionView;
  readonly acls: string[];
  readonly gate?: string;
  readonly aclAt: (s: Situation) => string;
  /** Changed resources the view's verdicts depend on whatever the packet. */
  readonly fixedRelevant: string[];
}

interface AcceptanceVersion {
  /** `JSON.stringify` of its `VpcPeeringConnectionId`. */
  readonly key: string;
  /** `RemovalPolicy` is `'destroy'` (or `DeletePeeringOnDelete` is `'true'`): deleting it deletes the connection. */
  readonly kills: boolean;
}

interface Connection {
  readonly key: string;
  readonly cidrBlocks: string[];
  readonly activeBefore: boolean;
  /** Changed acceptances: id, and per version the connection it accepts and whether deleting it deletes the connection. */
  readonly acceptances: Array<{ readonly id: string; readonly old?: AcceptanceVersion; readonly new?: AcceptanceVersion }>;
  readonly acceptedBy: string[];
}

interface Found {
  readonly phase: TransitionPhase;
  readonly during: StateVerdict;
  readonly state: TransitionState;
}

interface ClassResult {
  readonly kind?: 'more-open' | 'outage';
  readonly before: StateVerdict;
  readonly after: StateVerdict;
  readonly found: Found[];
}

class TransitionModel {
  private readonly oldResources: Record<string, CfnResource>;
  private readonly newResources: Record<string, CfnResource>;
  private readonly classification: UpdateClassification;
  private readonly conflicts: KeyConflict[];
  private readonly cls = new Map<string, Classification>();
  private readonly blocked = new Set<string>();
  private readonly phase1Prereqs: Map<string, Set<string>>;
  private readonly cleanupPrereqs: Map<string, Set<string>>;
  private readonly itemsByAcl = new Map<string, Item[]>();
  /** NACLs named as default NACLs by the options (`{ "Fn::GetAtt": [Vpc, "DefaultNetworkAcl"] }` always is one). */
  private readonly defaultAcls: Set<string>;
  private readonly held = new Map<string, NaclRule[]>();
  private readonly connections: Connection[] = [];
  private readonly notes: string[] = [];
  private readonly max: number;
  private statesChecked = 0;

  constructor(oldTemplate: CfnTemplate, newTemplate: CfnTemplate, private readonly options: TransitionOptions) {
    this.oldResources = oldTemplate.Resources ?? {};
    this.newResources = newTemplate.Resources ?? {};
    this.max = options.maxRelevantResources ?? 18;
    if (!Number.isInteger(this.max) || this.max < 1 || this.max > 24) {
      throw new Error(`maxRelevantResources ${this.max} is not an integer from 1 to 24 (the states searched grow as 2^n)`);
    }

    for (const dup of duplicateKeys(oldTemplate)) {
      throw new Error(`the old template holds ${dup.key} ${dup.logicalIds.length} times (${dup.logicalIds.join(', ')}): it cannot have been deployed`);
    }
    const simulation = simulateUpdate(oldTemplate, newTemplate);
    for (const c of simulation.conflicts.filter((x) => x.reason === 'duplicate-in-new-template')) {
      throw new Error(`the new template holds ${c.key} twice (${c.heldBy}, ${c.logicalId}): it cannot be deployed (${c.error})`);
    }
    const { conflicts, ...classification } = simulation;
    this.classification = classification;
    this.conflicts = conflicts;
    const lists: Array<[Classification, string[]]> = [
      ['added', this.classification.added], ['removed', this.classification.removed], ['replaced', this.classification.replaced],
      ['updated', this.classification.updatedInPlace], ['unchanged', this.classification.unchanged],
    ];
    for (const [c, ids] of lists) ids.forEach((id) => this.cls.set(id, c));
    for (const id of this.classification.replaced) {
      const types = new Set([this.oldResources[id].Type, this.newResources[id].Type]);
      for (const type of [VPC_TYPE, SUBNET_TYPE, NACL_TYPE]) {
        if (types.has(type)) throw new Error(`${id} (${type}) is replaced: a new physical ${type} behind the same logical id is not modelled`);
      }
    }

    // Orders: update steps after the changed resources they depend on (new template), cleanup deletes after the
    // changed resources that depend on them (old template), transitively through changed resources.
    const phase1 = new Set([...this.classification.added, ...this.classification.replaced, ...this.classification.updatedInPlace]);
    const changedOld = new Set([...this.classification.removed, ...this.classification.replaced, ...this.classification.updatedInPlace]);
    this.phase1Prereqs = closures(resourceDependencies(newTemplate), phase1);
    this.cleanupPrereqs = closures(reverse(resourceDependencies(oldTemplate)), changedOld);

    const failing = new Set(this.conflicts.map((c) => c.logicalId));
    for (const id of phase1) {
      if (failing.has(id) || [...this.phase1Prereqs.get(id)!].some((p) => failing.has(p))) this.blocked.add(id);
    }

    this.defaultAcls = new Set([
      ...(options.defaultNaclIds ?? []).map((v) => JSON.stringify(v)),
      ...(options.subnetDefaultNacls ?? []).map((d) => JSON.stringify(d.networkAclId)),
    ]);
    for (const h of options.heldRules ?? []) {
      const key = JSON.stringify(h.networkAclId);
      h.rules.forEach((r) => checkRule(r, `heldRules of ${key}`));
      this.held.set(key, [...(this.held.get(key) ?? []), ...h.rules]);
    }
    this.collectItems(oldTemplate, newTemplate);
    this.collectConnections();
  }

  analyze(): TransitionReport {
    const views = [...this.naclViews(), ...this.subnetViews()];
    const violations: TransitionViolation[] = [];
    let packetsChecked = 0;
    for (const view of views) {
      for (const direction of ['ingress', 'egress'] as const) {
        for (const family of ['ipv4', 'ipv6'] as const) {
          packetsChecked += this.checkView(view, direction, family, violations);
        }
      }
    }
    return {
      classification: this.classification,
      conflicts: this.conflicts,
      updateFails: this.blocked.size > 0,
      peerings: this.connections.map((c) => ({ key: c.key, cidrBlocks: c.cidrBlocks, activeBefore: c.activeBefore, acceptedBy: c.acceptedBy })),
      views: views.map((v) => v.view),
      packetsChecked,
      statesChecked: this.statesChecked,
      notes: this.notes,
      violations,
    };
  }

  // ---- the model of one resource in a state ----

  private present(id: string, version: Version, s: Situation): boolean {
    switch (this.cls.get(id)) {
      case 'unchanged': return version === 'new';
      case 'updated': return (version === 'new') === s.applied(id);
      case 'added': return version === 'new' && s.applied(id);
      case 'removed': return version === 'old' && !s.deleted(id);
      case 'replaced': return version === 'old' ? !s.deleted(id) : s.applied(id);
      default: return false;
    }
  }

  private exists(id: string, s: Situation): boolean {
    return this.present(id, 'old', s) || this.present(id, 'new', s);
  }

  private hasStep(id: string, phase: 'update' | 'cleanup'): boolean {
    const c = this.cls.get(id);
    return phase === 'update' ? c === 'added' || c === 'replaced' || c === 'updated' : c === 'removed' || c === 'replaced';
  }

  private isCreate(id: string): boolean {
    const c = this.cls.get(id);
    return c === 'added' || c === 'replaced';
  }

  private connectionActive(connection: Connection, s: Situation): boolean {
    let created = false;
    for (const a of connection.acceptances) {
      if (a.new?.key === connection.key && this.isCreate(a.id)) {
        if (s.applied(a.id) || s.undone(a.id)) created = true;
        // A rollback that deletes the acceptance it created deletes the connection it accepted (the handler undoes
        // its own acceptance), whatever its removal policy; one that was active before stays.
        if (s.undone(a.id) && (a.new.kills || !connection.activeBefore)) return false;
      }
      if (a.old?.key === connection.key && a.old.kills && this.hasStep(a.id, 'cleanup') && s.deleted(a.id)) return false;
    }
    return connection.activeBefore || created;
  }

  // ---- reading the templates ----

  private collectItems(oldTemplate: CfnTemplate, newTemplate: CfnTemplate): void {
    const add = (entry: NaclEntry, version: Version) => {
      if (version === 'old' && this.cls.get(entry.logicalId) === 'unchanged') return;
      const items = this.itemsByAcl.get(entry.aclKey) ?? [];
      items.push({ rule: entry, acl: entry.aclKey, origin: 'template', id: entry.logicalId, version });
      this.itemsByAcl.set(entry.aclKey, items);
    };
    naclEntriesFromTemplate(oldTemplate).forEach((e) => add(e, 'old'));
    naclEntriesFromTemplate(newTemplate).forEach((e) => add(e, 'new'));

    for (const acl of [...this.itemsByAcl.keys()]) {
      const fixed = this.heldItems(acl);
      const entries = this.itemsByAcl.get(acl) ?? [];
      for (const f of fixed) {
        const clash = entries.find((e) => e.rule.egress === f.rule.egress && e.rule.ruleNumber === f.rule.ruleNumber);
        if (clash) {
          throw new Error(`${clash.id} takes ${f.rule.egress ? 'egress' : 'ingress'} rule ${f.rule.ruleNumber} of NACL ${acl}, which the NACL already holds `
            + `(${f.origin === 'default-nacl' ? "the default NACL's allow-all" : 'held rule'}): the create fails with NetworkAclEntryAlreadyExists`);
        }
      }
      this.itemsByAcl.set(acl, [...fixed, ...entries].sort((a, b) => a.rule.ruleNumber - b.rule.ruleNumber));
    }
  }

  /** The rules a NACL holds outside the templates: a default NACL's allow-all, and the `heldRules` option's. */
  private heldItems(acl: string): Item[] {
    const vpc = getAttDefaultNaclVpc(acl);
    // AWS gives a default NACL its IPv6 allow-all (101) only when the VPC has an IPv6 block.
    const rules = vpc !== undefined && !this.vpcHasIpv6(vpc) ? DEFAULT_NACL_RULES.filter((r) => r.ipv6CidrBlock === undefined) : DEFAULT_NACL_RULES;
    return [
      ...(isGetAttDefaultNacl(acl) || this.defaultAcls.has(acl) ? rules.map((rule) => ({ rule, acl, origin: 'default-nacl' as const })) : []),
      ...(this.held.get(acl) ?? []).map((rule) => ({ rule, acl, origin: 'held' as const })),
    ];
  }

  /**
   * Whether either template gives the VPC (its logical id) an IPv6 block (`AWS::EC2::VPCCidrBlock`); true when neither
   * template makes the VPC (nothing is known of it).
   */
  private vpcHasIpv6(vpc: string): boolean {
    if (![this.oldResources, this.newResources].some((resources) => resources[vpc]?.Type === VPC_TYPE)) return true;
    return [this.oldResources, this.newResources].some((resources) => Object.values(resources).some((r) => r.Type === 'AWS::EC2::VPCCidrBlock'
      && JSON.stringify(r.Properties?.VpcId) === JSON.stringify({ Ref: vpc })
      && ['AmazonProvidedIpv6CidrBlock', 'Ipv6CidrBlock', 'Ipv6Pool', 'Ipv6IpamPoolId'].some((k) => r.Properties?.[k] !== undefined && r.Properties?.[k] !== false)));
  }

  /** Every rule a view on this NACL can meet, sorted by rule number. */
  private itemsOf(acl: string): Item[] {
    let items = this.itemsByAcl.get(acl);
    if (items === undefined) {
      items = this.heldItems(acl).sort((a, b) => a.rule.ruleNumber - b.rule.ruleNumber);
      this.itemsByAcl.set(acl, items);
    }
    return items;
  }

  private collectConnections(): void {
    const byKey = new Map<string, { blocks: Set<string>; acceptedBy: Set<string>; old: boolean; routesOfExistingVpcs: number }>();
    const get = (key: string) => {
      let c = byKey.get(key);
      if (!c) byKey.set(key, c = { blocks: new Set(), acceptedBy: new Set(), old: false, routesOfExistingVpcs: 0 });
      return c;
    };
    /** Whether the route sits in a route table of a VPC that this deploy creates (its connection cannot be active before). */
    const inNewVpc = (route: CfnResource) => {
      const table = refOf(route.Properties?.RouteTableId);
      const tableResource = table === undefined ? undefined : this.newResources[table] ?? this.oldResources[table];
      const vpc = tableResource?.Type === ROUTE_TABLE_TYPE ? refOf(tableResource.Properties?.VpcId) : undefined;
      return vpc !== undefined && this.templateResource(vpc, VPC_TYPE) && this.cls.get(vpc) === 'added';
    };
    for (const [template, resources] of [['old', this.oldResources], ['new', this.newResources]] as const) {
      for (const [id, r] of Object.entries(resources)) {
        const p = r.Properties ?? {};
        if (r.Type === ROUTE_TYPE && p.VpcPeeringConnectionId !== undefined) {
          const destination = p.DestinationCidrBlock ?? p.DestinationIpv6CidrBlock;
          if (typeof destination === 'string') {
            cidrRange(destination);
            const c = get(JSON.stringify(p.VpcPeeringConnectionId));
            c.blocks.add(destination);
            if (!inNewVpc(r)) c.routesOfExistingVpcs++;
          } else {
            this.notes.push(`route ${id} (${template} template): its destination ${JSON.stringify(destination ?? p.DestinationPrefixListId)} is not a literal CIDR block; `
              + 'traffic to it is not tied to its peering connection');
          }
        }
        if (r.Type === ACCEPTANCE_TYPE) {
          const c = get(JSON.stringify(p.VpcPeeringConnectionId));
          c.acceptedBy.add(id);
          if (template === 'old') c.old = true;
        }
      }
    }
    const declared = this.options.peeringsActiveBefore?.map((v) => JSON.stringify(v));
    for (const [key, c] of byKey) {
      if (c.blocks.size === 0) continue;
      const acceptances = [...c.acceptedBy].filter((id) => this.isCreate(id) || this.hasStep(id, 'cleanup')).map((id) => ({
        id,
        old: acceptanceVersion(this.oldResources[id]),
        new: acceptanceVersion(this.newResources[id]),
      }));
      this.connections.push({
        key,
        cidrBlocks: [...c.blocks].sort(),
        activeBefore: c.old || (declared ? declared.includes(key) : c.acceptedBy.size === 0 && c.routesOfExistingVpcs > 0),
        acceptances,
        acceptedBy: [...c.acceptedBy].sort(),
      });
    }
    this.connections.sort((a, b) => a.key.localeCompare(b.key));
  }

  private templateResource(id: string | undefined, type: string): boolean {
    return id !== undefined && (this.oldResources[id]?.Type === type || this.newResources[id]?.Type === type);
  }

  private naclViews(): ViewModel[] {
    const keys = [...this.itemsByAcl.keys()].filter((acl) => (this.itemsByAcl.get(acl) ?? []).some((i) => i.origin === 'template')).sort();
    const views: ViewModel[] = [];
    for (const acl of keys) {
      const ref = refTarget(acl);
      if (this.templateResource(ref, NACL_TYPE)) {
        // A NACL of the template carries traffic through the subnets its associations put on it (their views cover
        // it); without any, it is checked on its own if it exists throughout, else (created or deleted now) it holds
        // no subnet while it changes.
        const associated = [...Object.values(this.oldResources), ...Object.values(this.newResources)]
          .some((r) => r.Type === SUBNET_NACL_ASSOCIATION_TYPE && JSON.stringify(r.Properties?.NetworkAclId) === acl);
        if (associated) continue;
        if (this.cls.get(ref!) !== 'unchanged' && this.cls.get(ref!) !== 'updated') {
          this.notes.push(`NACL ${acl} is created or deleted by this deploy and no association of either template puts a subnet on it: `
            + 'its entries were not checked');
          continue;
        }
      }
      const vpc = getAttDefaultNaclVpc(acl);
      const gate = this.templateResource(vpc, VPC_TYPE) && this.cls.get(vpc!) !== 'unchanged' && this.cls.get(vpc!) !== 'updated' ? vpc : undefined;
      views.push({
        view: { kind: 'nacl', key: acl, label: `NACL ${acl}` },
        acls: [acl],
        gate,
        aclAt: () => acl,
        fixedRelevant: gate ? [gate] : [],
      });
    }
    return views;
  }

  private subnetViews(): ViewModel[] {
    const associations = (resources: Record<string, CfnResource>, which: string) => {
      const bySubnet = new Map<string, AssociationVersion>();
      for (const [id, r] of Object.entries(resources)) {
        if (r.Type !== SUBNET_NACL_ASSOCIATION_TYPE) continue;
        if (r.Properties?.SubnetId === undefined || r.Properties?.NetworkAclId === undefined) {
          throw new Error(`${SUBNET_NACL_ASSOCIATION_TYPE} ${id} (${which} template): SubnetId and NetworkAclId are required`);
        }
        const subnet = JSON.stringify(r.Properties.SubnetId);
        const other = bySubnet.get(subnet);
        if (other) throw new Error(`subnet ${subnet} is associated twice in the ${which} template (${other.id}, ${id}): the NACL it ends on depends on the order`);
        bySubnet.set(subnet, { id, acl: JSON.stringify(r.Properties.NetworkAclId) });
      }
      return bySubnet;
    };
    const olds = associations(this.oldResources, 'old');
    const news = associations(this.newResources, 'new');
    const explicitDefaults = new Map((this.options.subnetDefaultNacls ?? [])
      .map((d) => [JSON.stringify(d.subnetId), JSON.stringify(d.networkAclId)]));

    const views: ViewModel[] = [];
    for (const key of [...new Set([...olds.keys(), ...news.keys()])].sort()) {
      const ref = refTarget(key);
      const subnetId = this.templateResource(ref, SUBNET_TYPE) ? ref : undefined;
      const subnetResource = subnetId && (this.newResources[subnetId] ?? this.oldResources[subnetId]);
      const vpc = subnetResource ? refOf(subnetResource.Properties?.VpcId) : undefined;
      const subnet: SubnetModel = {
        key,
        gate: subnetId && this.cls.get(subnetId) !== 'unchanged' && this.cls.get(subnetId) !== 'updated' ? subnetId : undefined,
        oldAssociation: olds.get(key),
        newAssociation: news.get(key),
        defaultAcl: explicitDefaults.get(key) ?? (vpc ? JSON.stringify({ 'Fn::GetAtt': [vpc, 'DefaultNetworkAcl'] }) : undefined),
      };
      views.push(this.subnetView(subnet));
    }
    return views;
  }

  private subnetView(subnet: SubnetModel): ViewModel {
    const label = `subnet ${subnet.key}`;
    const { oldAssociation: oldA, newAssociation: newA } = subnet;
    const staticAssociation = newA && (this.cls.get(newA.id) === 'unchanged' || this.cls.get(newA.id) === 'updated');
    if (staticAssociation) {
      return {
        view: { kind: 'subnet', key: subnet.key, label },
        acls: [newA.acl],
        gate: subnet.gate,
        aclAt: () => newA.acl,
        fixedRelevant: subnet.gate ? [subnet.gate] : [],
      };
    }
    const defaultAcl = subnet.defaultAcl ?? ((): never => {
      throw new Error(`${label} changes NACL during the deploy and its default NACL is unknown: pass it in the subnetDefaultNacls option`);
    })();
    const aclAt = (s: Situation): string => {
      if (newA && s.applied(newA.id)) return newA.acl;
      if (newA && s.undone(newA.id)) return defaultAcl;
      if (oldA && this.present(oldA.id, 'old', s)) return oldA.acl;
      return defaultAcl;
    };
    const fixedRelevant = [
      ...(newA && this.hasStep(newA.id, 'update') ? [newA.id] : []),
      ...(oldA && this.hasStep(oldA.id, 'cleanup') && oldA.id !== newA?.id ? [oldA.id] : []),
      ...(subnet.gate ? [subnet.gate] : []),
    ];
    return {
      view: { kind: 'subnet', key: subnet.key, label },
      acls: [...new Set([oldA?.acl, newA?.acl, defaultAcl].filter((a): a is string => a !== undefined))],
      gate: subnet.gate,
      aclAt,
      fixedRelevant,
    };
  }

  // ---- evaluation ----

  /** Evaluates every representative packet of one view, direction and family; returns how many. */
  private checkView(view: ViewModel, direction: 'ingress' | 'egress', family: AddressFamily, violations: TransitionViolation[]): number {
    const egress = direction === 'egress';
    const items = view.acls.flatMap((acl) => this.itemsOf(acl))
      .filter((i) => i.rule.egress === egress && (i.rule.ipv6CidrBlock !== undefined) === (family === 'ipv6'))
      .sort((a, b) => a.rule.ruleNumber - b.rule.ruleNumber);
    const blocks = [...items.map((i) => (i.rule.cidrBlock ?? i.rule.ipv6CidrBlock)!), ...this.connections.flatMap((c) => c.cidrBlocks)];
    const traffic = trafficClasses(family, items.map((i) => i.rule));
    const ranges = items.map((i) => cidrRange((i.rule.cidrBlock ?? i.rule.ipv6CidrBlock)!));
    const peerings: Array<PeeringState & { connection: Connection }> = this.connections
      .map((c) => ({ cidrBlocks: c.cidrBlocks, active: true, connection: c }));
    const cache = new Map<string, ClassResult>();
    let count = 0;

    for (const address of addressClasses(family, blocks)) {
      const atAddress = items.map((_, i) => i).filter((i) => rangeContains(ranges[i], family, address.first));
      const gate = peeringGate(peerings, address.representative);
      const connections = (gate?.connections ?? []).map((p) => (p as (typeof peerings)[number]).connection);
      for (const { lastPort, ...t } of traffic) {
        const packet: Packet = { direction, ...t, remote: address.representative };
        count++;
        const matching = atAddress.filter((i) => protocolMatches(items[i].rule, packet));
        const signature = `${matching.join(',')}|${connections.map((c) => c.key).join(',')}`;
        let result = cache.get(signature);
        if (result === undefined) {
          result = this.checkClass(view, matching.map((i) => items[i]), connections, packet);
          cache.set(signature, result);
        }
        for (const f of result.found) {
          const v = {
            kind: result.kind!,
            phase: f.phase,
            view: view.view,
            packet,
            remoteRange: { first: address.representative, last: bigIntToAddress(family, address.last) },
            remoteText: addressRangeText(family, address.first, address.last),
            portRange: lastPort === undefined ? undefined : { from: packet.port!, to: lastPort },
            before: result.before,
            after: result.after,
            during: f.during,
            state: f.state,
          };
          violations.push({ ...v, message: violationMessage(v) });
        }
      }
    }
    return count;
  }

  /** The verdict of a packet class (its matching items, sorted by rule number, and its peering connections) in a state. */
  private verdict(view: ViewModel, matching: readonly Item[], connections: readonly Connection[], s: Situation): StateVerdict {
    if (view.gate !== undefined && !this.exists(view.gate, s)) return { decision: 'deny', reason: 'absent' };
    if (connections.length > 0 && !connections.some((c) => this.connectionActive(c, s))) {
      return { decision: 'deny', reason: 'peering-inactive', vpcPeeringConnectionId: connections[0].key };
    }
    const acl = view.aclAt(s);
    for (const item of matching) {
      if (item.acl !== acl) continue;
      if (item.origin === 'template' && !this.present(item.id!, item.version!, s)) continue;
      return { decision: item.rule.action, reason: 'rule', ruleNumber: item.rule.ruleNumber, logicalId: item.id, origin: item.origin, networkAclId: acl };
    }
    return { decision: 'deny', reason: 'implicit-deny', ruleNumber: '*', networkAclId: acl };
  }

  private checkClass(view: ViewModel, matching: readonly Item[], connections: readonly Connection[], packet: Packet): ClassResult {
    const before = this.verdict(view, matching, connections, BEFORE);
    const after = this.verdict(view, matching, connections, AFTER);
    if (before.decision !== after.decision) return { before, after, found: [] };
    const kind = before.decision === 'deny' ? 'more-open' : 'outage';

    const relevant = [...new Set([
      ...matching.filter((i) => i.origin === 'template' && this.cls.get(i.id!) !== 'unchanged').map((i) => i.id!),
      ...view.fixedRelevant,
      ...connections.flatMap((c) => c.acceptances.map((a) => a.id)),
    ])].sort();
    const steps = relevant.filter((id) => this.hasStep(id, 'update') && !this.blocked.has(id));
    const deletes = relevant.filter((id) => this.hasStep(id, 'cleanup'));
    if (steps.length + deletes.length > this.max) {
      throw new Error(`${packetText(packet, view.view.label)} depends on ${steps.length + deletes.length} changed resources (${relevant.join(', ')}), `
        + `more than maxRelevantResources (${this.max}): the states to search grow as 2^n`);
    }
    const sticky = steps.filter((id) => this.isCreate(id) && this.isSticky(id));
    const found: Found[] = [];
    const violates = (v: StateVerdict) => v.decision !== before.decision;
    const evaluate = (s: Situation) => {
      this.statesChecked++;
      return this.verdict(view, matching, connections, s);
    };

    // Update: down-sets of the update order restricted to the relevant steps.
    const down = steps.map((id) => bitmask(steps, this.phase1Prereqs.get(id)!));
    const downClosed = (a: number) => steps.every((_, i) => !(a & (1 << i)) || (down[i] & ~a) === 0);
    for (const a of masksByPopcount(steps.length)) {
      if (!downClosed(a)) continue;
      const during = evaluate(maskSituation(steps, a, 0));
      if (violates(during)) {
        found.push({ phase: 'update', during, state: this.describe('update', steps, a, 0) });
        break;
      }
    }

    // Cleanup: sets of deletes closed under "dependents first", after every update step.
    // It starts from the last state of the update (reported under both phases when it violates).
    if (this.blocked.size === 0 && this.classification.removed.length + this.classification.replaced.length > 0) {
      const first = deletes.map((id) => bitmask(deletes, this.cleanupPrereqs.get(id)!));
      for (const e of masksByPopcount(deletes.length)) {
        if (!deletes.every((_, i) => !(e & (1 << i)) || (first[i] & ~e) === 0)) continue;
        const during = evaluate({ applied: () => true, undone: () => false, deleted: (id) => bitOf(deletes, e, id) });
        if (violates(during)) {
          found.push({ phase: 'cleanup', during, state: this.describe('cleanup', deletes, e, 0) });
          break;
        }
      }
    }

    // Rollback: (in effect, created-and-deleted-again) pairs reachable by reverting then deleting, dependents first.
    const updates = bitmask(steps, new Set(steps.filter((id) => !this.isCreate(id))));
    const creates = ((1 << steps.length) - 1) & ~updates;
    const stickyMask = bitmask(steps, new Set(sticky));
    search: for (const a of masksByPopcount(steps.length)) {
      for (const u of subsetsOf(stickyMask & ~a)) {
        if (u === 0 && downClosed(a)) continue;
        if (!rollbackReachable(down, updates, creates, stickyMask, a, u)) continue;
        const during = evaluate(maskSituation(steps, a, u));
        if (violates(during)) {
          found.push({ phase: 'rollback', during, state: this.describe('rollback', steps, a, u) });
          break search;
        }
      }
    }
    return { kind, before, after, found };
  }

  /** Whether deleting a create of this id again differs from never creating it (an association, an acceptance). */
  private isSticky(id: string): boolean {
    const type = this.newResources[id]?.Type;
    return type === SUBNET_NACL_ASSOCIATION_TYPE || type === ACCEPTANCE_TYPE;
  }

  private describe(phase: TransitionPhase, ids: readonly string[], mask: number, undoneMask: number): TransitionState {
    const done = ids.filter((_, i) => mask & (1 << i));
    const pending = ids.filter((_, i) => !((mask | undoneMask) & (1 << i)));
    const undone = ids.filter((_, i) => undoneMask & (1 << i));
    const verb = (id: string) => (phase === 'cleanup' ? 'deleted' : this.isCreate(id) ? 'created' : 'updated');
    let description: string;
    if (phase === 'rollback') {
      const parts = [
        ...done.map((id) => `${id} ${verb(id)}`),
        ...pending.map((id) => `${id} ${this.isCreate(id) ? 'absent' : 'at its old properties'}`),
        ...undone.map((id) => `${id} created and deleted again`),
      ];
      description = `with ${sentence(parts)}`;
    } else {
      const clauses = (list: readonly string[]) => sentence(['updated', 'created', 'deleted'].flatMap((v) => {
        const same = list.filter((id) => verb(id) === v);
        return same.length === 0 ? [] : [`${sentence(same)} ${same.length > 1 ? 'were' : 'was'} ${v}`];
      }));
      description = [done.length ? `after ${clauses(done)}` : '', pending.length ? `before ${clauses(pending)}` : ''].filter((x) => x).join(' and ');
    }
    return { done, pending, undone, description };
  }
}

/**
 * Whether a rollback can pass through the state where exactly the update steps in `applied` are in effect and the
 * sticky creates in `undone` were created and deleted again (all masks over one list of relevant steps; `down[i]` the
 * steps step i comes after). A rollback starts from a down-set D of the update, reverts its in-place updates
 * dependents first, then deletes its creates dependents first. So either nothing was deleted yet (`undone` empty):
 * the steps missing below `applied` are all updates, and no update in effect comes after one of them; or deleting has
 * begun: no update is in effect, the creates in effect keep every create they come after, and every sticky create
 * the deleted ones come after is in effect or deleted too. Restricting to relevant steps keeps this exact because
 * `down` is the transitive order over all changed resources.
 */
export function rollbackReachable(
  down: readonly number[], updates: number, creates: number, sticky: number, applied: number, undone: number,
): boolean {
  let below = 0;
  for (let i = 0; i < down.length; i++) if (applied & (1 << i)) below |= down[i];
  if (undone === 0) {
    const missing = below & ~applied;
    if ((missing & ~updates) !== 0) return false;
    for (let i = 0; i < down.length; i++) {
      if ((applied & updates & (1 << i)) && (down[i] & missing) !== 0) return false;
    }
    return true;
  }
  if ((applied & updates) !== 0 || (applied & undone) !== 0) return false;
  if ((below & creates & ~applied) !== 0) return false;
  for (let i = 0; i < down.length; i++) {
    if ((undone & (1 << i)) && (down[i] & sticky & ~(applied | undone)) !== 0) return false;
  }
  return true;
}

// ---- helpers ----

function acceptanceVersion(resource: CfnResource | undefined): AcceptanceVersion | undefined {
  if (resource?.Type !== ACCEPTANCE_TYPE) return undefined;
  const props = resource.Properties ?? {};
  return { key: JSON.stringify(props.VpcPeeringConnectionId), kills: props.RemovalPolicy === 'destroy' || props.DeletePeeringOnDelete === 'true' };
}

/** For each node, the nodes of `through` it reaches by paths whose every node after itself is in `through`. */
function closures(edges: ReadonlyMap<string, ReadonlySet<string>>, through: ReadonlySet<string>): Map<string, Set<string>> {
  const memo = new Map<string, Set<string>>();
  const visiting = new Set<string>();
  const visit = (id: string): Set<string> => {
    const known = memo.get(id);
    if (known) return known;
    if (visiting.has(id)) throw new Error(`circular dependency through ${id}`);
    visiting.add(id);
    const result = new Set<string>();
    for (const next of edges.get(id) ?? []) {
      if (!through.has(next)) continue;
      result.add(next);
      visit(next).forEach((x) => result.add(x));
    }
    visiting.delete(id);
    memo.set(id, result);
    return result;
  };
  for (const id of new Set([...edges.keys(), ...through])) visit(id);
  return memo;
}

function reverse(edges: ReadonlyMap<string, ReadonlySet<string>>): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const [from, tos] of edges) {
    if (!result.has(from)) result.set(from, new Set());
    for (const to of tos) {
      if (!result.has(to)) result.set(to, new Set());
      result.get(to)!.add(from);
    }
  }
  return result;
}

function bitmask(ids: readonly string[], members: ReadonlySet<string>): number {
  return ids.reduce((m, id, i) => (members.has(id) ? m | (1 << i) : m), 0);
}

function bitOf(ids: readonly string[], mask: number, id: string): boolean {
  const i = ids.indexOf(id);
  return i >= 0 && (mask & (1 << i)) !== 0;
}

/** A state of the update or rollback: the steps in `applied` are in effect, those in `undone` created and deleted again. */
function maskSituation(ids: readonly string[], applied: number, undone: number): Situation {
  return { applied: (id) => bitOf(ids, applied, id), undone: (id) => bitOf(ids, undone, id), deleted: () => false };
}

const masksCache = new Map<number, number[]>();
/** All masks of n bits, fewest bits first (so the first violating state found is a smallest one). */
function masksByPopcount(n: number): number[] {
  let masks = masksCache.get(n);
  if (!masks) {
    masks = Array.from({ length: 1 << n }, (_, m) => m).sort((a, b) => popcount(a) - popcount(b) || a - b);
    masksCache.set(n, masks);
  }
  return masks;
}

function popcount(m: number): number {
  let c = 0;
  for (let x = m; x; x &= x - 1) c++;
  return c;
}

/** Every subset of a mask, the empty one first. */
function subsetsOf(mask: number): number[] {
  const result = [0];
  for (let s = mask; s; s = (s - 1) & mask) result.push(s);
  return result;
}

/** The logical id `value` names with `{ "Ref": id }`, else `undefined`. */
function refOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && typeof (value as { Ref?: unknown }).Ref === 'string' ? (value as { Ref: string }).Ref : undefined;
}

/** {@link refOf} of the value a key (`JSON.stringify` of it) stands for. */
function refTarget(key: string): string | undefined {
  return refOf(JSON.parse(key));
}

function getAttDefaultNaclVpc(key: string): string | undefined {
  const value = JSON.parse(key) as { 'Fn::GetAtt'?: unknown } | null;
  const getAtt = typeof value === 'object' && value !== null ? value['Fn::GetAtt'] : undefined;
  if (Array.isArray(getAtt) && getAtt.length === 2 && getAtt[1] === 'DefaultNetworkAcl' && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string' && getAtt.endsWith('.DefaultNetworkAcl')) return getAtt.slice(0, -'.DefaultNetworkAcl'.length);
  return undefined;
}

function isGetAttDefaultNacl(key: string): boolean {
  return getAttDefaultNaclVpc(key) !== undefined;
}

function verdictText(v: StateVerdict, view: TransitionView): string {
  const word = v.decision === 'allow' ? 'allowed' : 'denied';
  const where = view.kind === 'subnet' && v.networkAclId ? ` of NACL ${v.networkAclId}` : '';
  switch (v.reason) {
    case 'absent': return `denied because ${view.label} does not exist`;
    case 'peering-inactive': return `not delivered because peering connection ${v.vpcPeeringConnectionId} is not active`;
    case 'implicit-deny': return `denied by the implicit deny (*)${where}`;
    default:
      if (v.origin === 'default-nacl') return `${word} by the default NACL's allow-all (${v.ruleNumber})${where}`;
      if (v.origin === 'held') return `${word} by rule ${v.ruleNumber} held outside the template${where}`;
      return `${word} by ${v.logicalId} (${v.ruleNumber})${where}`;
  }
}

function violationMessage(v: Omit<TransitionViolation, 'message'>): string {
  const kind = v.kind === 'more-open' ? 'more open' : 'outage';
  const usual = v.kind === 'more-open' ? 'denied' : 'allowed';
  return `${kind} during ${v.phase}: ${packetText(v.packet, v.view.label, v.remoteText, v.portRange)} is ${verdictText(v.during, v.view)} `
    + `${v.state.description}; ${usual} before and after`;
}
