/**
 * The lifecycle of the app's peerings: every `VpcPeeringExternal` of the app is planned together, once, when the app
 * is complete. This file only orchestrates; each step is a call into a file of its own:
 *
 * 1. read the app in one walk (`read/app-model.ts`);
 * 2. resolve every peering against it, and what their NACLs already hold (`resolve/`);
 * 3. plan every peering together, pure (`plan/plan.ts`);
 * 4. check the security groups against the plan (`checks/security-groups.ts`);
 * 5. materialize the routes and entries (`materialize/materialize.ts`), and keep their numbers in the rule-number
 *    record (`record/rule-number-record.ts`);
 * 6. annotate warnings, and report errors at validation.
 *
 * The constructor of the construct only validates its props and registers here. An Aspect of priority MUTATING, on the
 * construct of each Stage that a synth visits first, runs steps 1-6 before references are resolved, so what the plan
 * creates is wired like anything else and seen by the Aspects that come after it (cdk-nag, tagging). The validation
 * phase then checks the app once more (reading it again only when resources of the kinds the plan reads were added or
 * removed since): what changed after the plan (a later Aspect, code after an early read of `routes`) is an error that
 * says what changed, never a wrong rule in silence. Each problem is reported once, on one construct.
 */
import { AspectPriority, Aspects, IAspect, Stack, Stage } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { PeeringWarnings } from '../warnings';
import { stackNameOf } from './cdk/value-identity';
import { checkSecurityGroups } from './checks/security-groups';
import { listFew } from './core/text';
import { warn } from './language/caller-language';
import { materializePeering } from './materialize/materialize';
import { planPeerings } from './plan/plan';
import { describeEntry, entryMeaning, Plan, PeeringRules, PlannedEntry, PlannerPeering, PreviousNumbers } from './plan/types';
import { appFingerprint, readApp } from './read/app-model';
import {
  droppedDedicatedNacls, mergePrevious, nextRecord, previousNumbers, readRecord, RECORD_CONTEXT_KEY, RecordedEntry, RecordSource,
  RuleNumberRecord, sameRecord, TEMPLATE_METADATA_KEY, writeRecord,
} from './record/rule-number-record';
import { naclFacts } from './resolve/nacl-facts';
import { resolvePeering } from './resolve/resolve-peering';
import { AppModel, Peering, PeeringResources, ResolvedPeering } from './stage-types';

/** What one reading of the app found about one peering. */
interface PeeringReading {
  readonly peering: Peering;
  readonly resolved: ResolvedPeering;
  readonly rules: PeeringRules;
  readonly errors: string[];
}

/** One reading of the whole app: steps 1-4. */
interface Reading {
  readonly model: AppModel;
  readonly plan: Plan;
  /** The rule-number record as read, and as the plan leaves it. */
  readonly record: { readonly source: RecordSource; readonly next: RuleNumberRecord };
  readonly peerings: Map<Construct, PeeringReading>;
  /** Security-group findings to warn about, on the construct that holds the rule. */
  readonly securityGroupWarnings: Array<{ readonly scope: IConstruct; readonly message: string }>;
  /** A lookup is pending: the app is synthesized with placeholders, and nothing is reported yet. */
  readonly pending: boolean;
  /** The NACLs `createNetworkAcl` made that this deploy deletes, where no known default NACL gets rules instead. */
  readonly droppedDedicated: Array<{ readonly stack: Stack; readonly naclName: string }>;
}

export class AppPeerings {
  /** The one lifecycle of the app that `scope` belongs to. */
  public static of(scope: IConstruct): AppPeerings {
    const root = scope.node.root;
    let peerings = AppPeerings.byRoot.get(root);
    if (!peerings) {
      peerings = new AppPeerings(root);
      AppPeerings.byRoot.set(root, peerings);
    }
    return peerings;
  }

  private static readonly byRoot = new WeakMap<IConstruct, AppPeerings>();

  private readonly peerings: Peering[] = [];
  /** Per Stage (the app for constructs in no Stage), the construct with the planning Aspect: the first a synth visits. */
  private readonly aspectHosts = new Map<IConstruct, Construct>();
  /** The routes and entries the plan created: not the app's own when the app is read again. */
  private readonly created = new WeakSet<IConstruct>();
  private made?: { readonly reading: Reading; readonly resources: Map<Construct, PeeringResources> };
  /** What an earlier plan made, until the next plan has kept what it makes again (`retire`). */
  private retired: Array<{ readonly construct: Construct; readonly resource: IConstruct }> = [];
  private rechecked?: Map<Construct, string[]>;

  private constructor(private readonly root: IConstruct) {}

  /**
   * Registers a peering. The planning Aspect goes on the construct that a synth of its Stage visits first (a nested
   * Stage is synthesized on its own): when the Aspects run, it plans the whole app before the Aspects of lower
   * priority see anything, and before the synth reaches any other construct of the Stage, so that what the plan makes
   * under them is visited like anything else (with or without the aspect-stabilization flag). Only there: an Aspect
   * costs the CDK some work on every construct below the one it is added to, on every pass over the tree.
   */
  public register(peering: Peering): void {
    // A construct added after a plan (by an Aspect, after a first synth, or after a read of `routes`): the app is
    // planned anew, when the synth visits this construct, as the Aspect that planned before has run already.
    const plannedBefore = this.made !== undefined;
    this.retire();
    this.peerings.push(peering);
    const stage = Stage.of(peering.construct) ?? this.root;
    const host = this.aspectHosts.get(stage);
    if (!host || plannedBefore || visitedBefore(peering.construct, host)) {
      Aspects.of(peering.construct).add(new PlanAspect(this, peering.construct), { priority: AspectPriority.MUTATING });
      this.aspectHosts.set(stage, peering.construct);
    }
  }

  /** Called by the Aspect at the start of each synth: plans the app the first time, and forgets the last recheck. */
  public beforeSynth(): void {
    this.ensurePlanned();
    this.rechecked = undefined;
  }

  /** The resources of a peering; plans the app first when that has not happened yet. */
  public resourcesOf(construct: Construct): PeeringResources {
    this.ensurePlanned();
    return this.made!.resources.get(construct)!;
  }

  /** The errors of a peering, from a fresh reading of the complete app (once per synth). */
  public errorsOf(construct: Construct): string[] {
    if (!this.rechecked) {
      this.rechecked = this.recheck();
    }
    return this.rechecked.get(construct) ?? [];
  }

  /**
   * Sets aside what the last plan made: the next plan keeps each route and entry it makes again unchanged (the same
   * object, which Aspects and code that read `routes` have seen already) and removes the others.
   */
  private retire(): void {
    if (!this.made) {
      return;
    }
    for (const [construct, made] of this.made.resources) {
      this.retired.push(...[...made.routes, ...made.networkAclEntries].map(resource => ({ construct, resource })));
    }
    this.made = undefined;
    this.rechecked = undefined;
  }

  /** Steps 1-6, once. */
  private ensurePlanned(): void {
    if (this.made) {
      return;
    }
    const reading = this.read();
    const resources = new Map<Construct, PeeringResources>();
    for (const { peering, resolved, rules } of reading.peerings.values()) {
      const made = materializePeering(
        peering.construct, peering.intent.vpcPeeringConnectionId, rules, resolved, peering.dependencies(), peering.intent.retainDenies);
      [...made.routes, ...made.networkAclEntries].forEach(r => this.created.add(r));
      resources.set(peering.construct, made);
    }
    // What the last plan made and this one did not make again (a child of that id now is another object, or none).
    const madeNow = new Set<IConstruct>([...resources.values()].flatMap(m => [...m.routes, ...m.networkAclEntries]));
    for (const { construct, resource } of this.retired) {
      if (construct.node.tryFindChild(resource.node.id) === resource && !madeNow.has(resource)) {
        construct.node.tryRemoveChild(resource.node.id);
      }
    }
    this.retired = [];
    this.made = { reading, resources };
    if (!reading.pending) {
      this.keepRecord(reading);
      this.annotate(reading);
    } else {
      this.annotatePending(reading, resources);
    }
  }

  /**
   * While a lookup is pending, each construct says so: its plan is made from placeholders (or not at all), and only
   * the problems the lookup cannot change are reported. The CLI looks up and synthesizes again, so the warning is not
   * seen there; a unit test that synthesizes before the lookup (`Template.fromStack` of a stack with an account and a
   * region) sees it instead of passing on a template that is not the one that deploys.
   */
  private annotatePending(reading: Reading, resources: Map<Construct, PeeringResources>): void {
    for (const construct of reading.peerings.keys()) {
      const made = resources.get(construct);
      const planned = made && made.routes.length + made.networkAclEntries.length > 0;
      warn(construct, PeeringWarnings.LOOKUP_PENDING,
        'a context lookup of the app is pending (a Vpc.fromLookup, or the availability zones of a stack with an account ' +
        'and a region), so the app is synthesized with placeholder values: this construct\'s routes and Network ACL entries ' +
        `${planned ? 'are planned from those placeholders' : 'are not planned'}, and only the problems that do not depend ` +
        'on the lookup are reported. The CDK CLI looks up and synthesizes again; in a unit test, give the lookup\'s ' +
        'result in the context (or the availability zones in the stack\'s props), or this is not the template that deploys');
    }
  }

  /** Puts each stack's numbers in its template's metadata, and writes the record file when synth may. */
  private keepRecord({ record, peerings }: Reading): void {
    const stacks = new Set([...peerings.keys()].map(c => Stack.of(c)));
    for (const stack of stacks) {
      stack.templateOptions.metadata = {
        ...stack.templateOptions.metadata,
        [TEMPLATE_METADATA_KEY]: record.next.stacks[stackNameOf(stack)] ?? { networkAcls: {} },
      };
    }
    if (record.source.file && !sameRecord(record.source.record, record.next)) {
      writeRecord(record.source.file, record.next);
    }
  }

  /** Steps 1-4: reads the whole app, resolves and plans every peering, checks the security groups. */
  private read(): Reading {
    const model = readApp(this.root, this.created);
    const resolved = this.peerings.map(peering => ({ peering, resolved: resolvePeering(peering.intent, peering.construct, model) }));
    const source = readRecord(this.root);
    const nacls = naclFacts(model, resolved);
    const plan = planPeerings({
      peerings: resolved.map(({ peering, resolved: r }) => plannerPeering(peering, r)),
      nacls,
      heldRoutes: model.foreignRoutes,
      routeTableNames: new Map(resolved.flatMap(({ resolved: r }) => r.routeTables.map(t => [t.key, t.name] as const))),
      previous: previousByNacl(source.record, resolved),
    });
    const rulesOf = (peering: Peering) => plan.peerings.get(peering.construct.node.path)!;
    const securityGroups = checkSecurityGroups(model, this.peerings.map(peering => ({ peering, entries: rulesOf(peering).entries })));
    const dedicated = new Set([...nacls.values()].filter(f => f.allowAll?.kind === 'dedicated').map(f => f.key));
    const recorded = resolved.map(({ peering, resolved: r }) => ({ peering, entries: recordedEntries(peering, r, rulesOf(peering), dedicated) }));
    const next = nextRecord(source.record, recorded.flatMap(x => x.entries), model.stackNames);
    const stacks = new Map(this.peerings.map(p => [stackNameOf(Stack.of(p.construct)), Stack.of(p.construct)] as const));
    const onDefault = new Set(this.peerings.filter(p => rulesOf(p).entries.some(e => nacls.get(e.acl)?.allowAll?.kind === 'vpc-default'))
      .map(p => stackNameOf(Stack.of(p.construct))));
    const droppedDedicated = droppedDedicatedNacls(source.record, next)
      .filter(d => stacks.has(d.stack) && !onDefault.has(d.stack))
      .map(d => ({ stack: stacks.get(d.stack)!, naclName: d.naclName }));
    const peerings = new Map(resolved.map(({ peering, resolved: r }) => [peering.construct, {
      peering,
      resolved: r,
      rules: rulesOf(peering),
      errors: [
        ...r.problems,
        ...plan.findings.filter(f => f.peering === peering.construct.node.path && f.level === 'error').map(f => f.message),
        ...securityGroups.errors.get(peering) ?? [],
        ...(source.frozen ? unrecorded(source, recorded.find(x => x.peering === peering)!.entries) : []),
      ],
    }]));
    return {
      model,
      plan,
      record: { source, next },
      peerings,
      securityGroupWarnings: securityGroups.warnings,
      pending: model.pendingLookup || resolved.some(({ resolved: r }) => r.pendingLookup),
      droppedDedicated,
    };
  }

  private annotate(reading: Reading): void {
    for (const { peering, resolved } of reading.peerings.values()) {
      resolved.warnings.forEach(w => warn(peering.construct, w.id, w.message));
    }
    for (const w of reading.securityGroupWarnings) {
      warn(w.scope, PeeringWarnings.SECURITY_GROUP_OPEN_TO_ANYWHERE, w.message);
    }
    for (const f of reading.plan.findings.filter(x => x.level === 'warning')) {
      const scope = f.onEntry !== undefined
        ? reading.model.foreignEntries.find(e => e.resource.node.path === f.onEntry)!.resource
        : this.peerings.find(p => p.construct.node.path === f.peering)!.construct;
      warn(scope, f.warningId!, f.message);
    }
    for (const { stack, naclName } of reading.droppedDedicated) {
      warn(stack, PeeringWarnings.DEDICATED_NETWORK_ACL_DELETED,
        `the Network ACL ${naclName} that createNetworkAcl made held peering rules at the last synth and holds none now: ` +
        'this deploy deletes it, and AWS puts the subnets it held on the VPC\'s default NACL, not on the NACL they had ' +
        'before. Give the default NACL the rules in this same deploy, so that they are there before the subnets move: ' +
        'pass it in networkAcls (ec2.NetworkAcl.fromNetworkAclId(this, \'DefaultAcl\', \'acl-…\') for an imported VPC; ' +
        'the subnets of a VPC made in the app are on it already). Once that is so, acknowledge this warning');
    }
  }

  /**
   * Reads the app again at validation time: errors as the complete app shows them, and an error for each construct
   * whose plan changed since its resources were made. No error while a lookup is pending: the CLI must get to it.
   */
  private recheck(): Map<Construct, string[]> {
    this.ensurePlanned();
    const before = this.made!.reading;
    // Nothing the plan reads was added or removed since it was made (the usual case): its reading stands.
    const now = appFingerprint(this.root, this.created) === before.model.fingerprint ? before : this.read();
    const errors = new Map<Construct, string[]>();
    if (now.pending) {
      // Only what no lookup can change: the CLI must get to the lookup.
      for (const [construct, reading] of now.peerings) {
        if (reading.resolved.lookupFree.length > 0) errors.set(construct, [...reading.resolved.lookupFree]);
      }
      return errors;
    }
    for (const [construct, reading] of now.peerings) {
      const list = [...reading.errors];
      const changed = now === before ? undefined : describeChange(before.peerings.get(construct)!, reading);
      if (changed && list.length === 0) {
        list.push(
          `the app changed after the routes and Network ACL entries of ${construct.node.path} were made: ${changed}. ` +
          'Something changed it later than the construct could see: code that ran after routes, networkAclEntries or ' +
          'the ids were read (declare it before reading them, or read them last), or an Aspect that runs after ' +
          'AspectPriority.MUTATING (give it priority AspectPriority.MUTATING and add it before the VpcPeeringExternal)',
        );
      }
      if (list.length > 0) errors.set(construct, list);
    }
    return errors;
  }
}

/** By NACL key, what the record says each NACL of the peerings held (a NACL named from several stacks merged). */
function previousByNacl(
  record: RuleNumberRecord | undefined, resolved: Array<{ peering: Peering; resolved: ResolvedPeering }>,
): Map<string, PreviousNumbers> {
  const sections = new Map<string, Map<string, { stack: string; name: string }>>();
  for (const { peering, resolved: r } of resolved) {
    const stack = stackNameOf(Stack.of(peering.construct));
    for (const ref of [...r.accessAcls, ...r.denyAcls]) {
      const byName = sections.get(ref.key) ?? new Map();
      byName.set(`${stack}/${ref.name}`, { stack, name: ref.name });
      sections.set(ref.key, byName);
    }
  }
  const previous = new Map<string, PreviousNumbers>();
  for (const [key, byName] of sections) {
    const merged = mergePrevious([...byName.values()].map(({ stack, name }) => previousNumbers(record, stack, name)));
    if (merged) previous.set(key, merged);
  }
  return previous;
}

/** The entries of a peering the record keeps: all it made but the allow-all of a NACL it made (always at 100/101). */
function recordedEntries(peering: Peering, resolved: ResolvedPeering, rules: PeeringRules, dedicated: Set<string>): RecordedEntry[] {
  const names = new Map([...resolved.accessAcls, ...resolved.denyAcls].map(a => [a.key, a.name]));
  const stack = stackNameOf(Stack.of(peering.construct));
  return rules.entries.filter(e => !isCatchAll(e)).map(e => ({
    stack,
    naclName: names.get(e.acl)!,
    meaning: entryMeaning(e),
    family: e.family,
    ruleNumber: e.ruleNumber,
    ...(dedicated.has(e.acl) ? { dedicated: true } : {}),
  }));
}

/** In CI, where the record file is not written: an error for the entries whose numbers it does not hold. */
function unrecorded(source: RecordSource, entries: RecordedEntry[]): string[] {
  const missing = entries.filter(e => source.record?.stacks[e.stack]?.networkAcls[e.naclName]?.[e.family]?.[e.meaning] !== e.ruleNumber);
  if (missing.length === 0) {
    return [];
  }
  const list = listFew(missing.map(e => `${e.meaning} #${e.ruleNumber} in ${e.naclName}`), '; ', 3);
  return [
    `the rule-number record ${source.path} does not hold the numbers of ${list}: it is not written in CI, so ` +
    'the next synth could number them differently than this deploy. Run cdk synth where the change is made and commit ' +
    `${source.path} with it (context ${RECORD_CONTEXT_KEY} names another file, or false to keep no record)`,
  ];
}

/** The planner's view of a peering: its rule intent and, when it resolved without problems, its NACLs and route tables. */
function plannerPeering(peering: Peering, resolved: ResolvedPeering): PlannerPeering {
  const ok = resolved.problems.length === 0;
  return {
    id: peering.construct.node.path,
    stack: Stack.of(peering.construct).node.path,
    rules: peering.intent.rules,
    accessAcls: ok ? resolved.accessAcls.map(a => a.key) : [],
    denyAcls: ok ? resolved.denyAcls.map(a => a.key) : [],
    routeTables: ok ? resolved.routeTables.map(t => t.key) : [],
  };
}

/** What differs between a peering's plan then and now (compared by keys, named for people), or `undefined`. */
function describeChange(then: PeeringReading, now: PeeringReading): string | undefined {
  const acls = [...now.resolved.accessAcls, ...now.resolved.denyAcls, ...then.resolved.accessAcls, ...then.resolved.denyAcls];
  const tables = [...now.resolved.routeTables, ...then.resolved.routeTables];
  const aclName = (key: string) => acls.find(a => a.key === key)?.name ?? key;
  const tableName = (key: string) => tables.find(t => t.key === key)?.name ?? key;
  const items = (r: PeeringReading) => new Map([
    ...r.rules.entries.map(e => [JSON.stringify(e), `entry ${describeEntry(e)} in ${aclName(e.acl)}`] as const),
    ...r.rules.routes.map(route => [JSON.stringify(route), `route ${route.cidr} in ${tableName(route.routeTable)}`] as const),
  ]);
  const [a, b] = [items(then), items(now)];
  const gone = [...a].filter(([k]) => !b.has(k)).map(([, text]) => text);
  const added = [...b].filter(([k]) => !a.has(k)).map(([, text]) => text);
  if (gone.length === 0 && added.length === 0) {
    return undefined;
  }
  const list = (xs: string[]) => listFew(xs, '; ', 3);
  return [added.length ? `it now needs ${list(added)}` : '', gone.length ? `it made ${list(gone)}, which no longer fit${gone.length === 1 ? 's' : ''}` : '']
    .filter(Boolean).join(', and ');
}

/**
 * Whether a synth visits `a` before `b`: Aspects visit the tree depth first, each construct before its children, and
 * children in the order they were added.
 */
function visitedBefore(a: IConstruct, b: IConstruct): boolean {
  const [pa, pb] = [a.node.scopes, b.node.scopes];
  let i = 0;
  while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
  if (i === pa.length || i === pb.length) {
    return i === pa.length; // one contains the other: the outer one first
  }
  const siblings = pa[i - 1].node.children;
  return siblings.indexOf(pa[i]) < siblings.indexOf(pb[i]);
}

/** Plans the app when the construct it was added to is visited, before the Aspects of lower priority. */
class PlanAspect implements IAspect {
  constructor(private readonly peerings: AppPeerings, private readonly host: IConstruct) {}

  public visit(node: IConstruct): void {
    if (node === this.host) {
      this.peerings.beforeSynth();
    }
  }
}

/** The allow-all of a NACL made by `createNetworkAcl`: after the peering rules, at 100 (101 for IPv6). */
function isCatchAll(e: PlannedEntry): boolean {
  return e.action === 'allow' && (e.cidr === '0.0.0.0/0' || e.cidr === '::/0');
}
