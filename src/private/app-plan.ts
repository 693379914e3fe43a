/**
 * The app-wide step: every `VpcPeeringExternal` of the app is planned together, once, when the app is complete.
 *
 * The constructor of the construct only validates its props and registers here. An Aspect of priority MUTATING, on the
 * construct of each Stage that a synth visits first, runs before references are resolved: it reads the app in one
 * walk (`app-model.ts`), resolves every construct against it (`resolve-vendor.ts`), runs the pure planner over all of
 * them (`peering-plan.ts`) and materializes the routes and entries (`materialize.ts`), so what it creates is wired like
 * anything else and seen by the Aspects that come after it (cdk-nag, tagging). The validation phase then checks the
 * app once more (reading it again only when resources of the kinds the plan reads were added or removed since): what
 * changed after the plan (a later Aspect, code after an early read of `routes`) is an error that says what changed,
 * never a wrong rule in silence. Each problem is reported once, on one construct.
 */
import { Annotations, AspectPriority, Aspects, IAspect, Stack, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct, IDependable } from 'constructs';
import { AppModel, appFingerprint, ForeignEntry, NaclRef, naclKey, readApp, RouteTableRef } from './app-model';
import { AddressFamily } from './cidr';
import { materializeVendor, VendorResources } from './materialize';
import { AppPlan, describeEntry, HeldRule, NaclFacts, planApp, VendorInput, vendorOrderKey } from './peering-plan';
import { resolveVendor, ResolvedVendor, vpcHasIpv6 } from './resolve-vendor';
import { checkSecurityGroupRules, SecurityGroupRuleInput, securityGroupRulesOf, vpcKeyOf } from './security-group-check';
import { Protocol, Traffic } from './traffic';
import { VendorIntent } from './validate-props';
import { ValueIdentity } from './value-identity';
import { SecurityGroupCheck } from '../security-group-check';
import { PeeringWarnings } from '../warnings';

/** A `VpcPeeringExternal` as the app-wide plan sees it. */
export interface PlannedVendor {
  readonly construct: Construct;
  readonly intent: VendorIntent;
  /** What its routes and entries must wait for (the acceptance of the peering). */
  readonly dependencies: () => IDependable[];
  /** The NACL `createNetworkAcl` made for its subnets: it gets an allow-all after the peering rules. */
  readonly dedicatedNetworkAcl?: ec2.NetworkAcl;
}

interface Outcome {
  readonly plan: AppPlan;
  /** Security-group findings to warn about, on the construct that holds the rule. */
  readonly securityGroupWarnings: Array<{ readonly scope: IConstruct; readonly message: string }>;
  readonly resolved: ResolvedVendor[];
  /** Errors per vendor index. */
  readonly errors: string[][];
  readonly pending: boolean;
  readonly model: AppModel;
}

export class AppPeeringPlan {
  /** The one plan of the app that `scope` belongs to. */
  public static of(scope: IConstruct): AppPeeringPlan {
    const root = scope.node.root;
    let plan = AppPeeringPlan.byRoot.get(root);
    if (!plan) {
      plan = new AppPeeringPlan(root);
      AppPeeringPlan.byRoot.set(root, plan);
    }
    return plan;
  }

  private static readonly byRoot = new WeakMap<IConstruct, AppPeeringPlan>();

  private readonly vendors: PlannedVendor[] = [];
  /** Per Stage (the app for constructs in no Stage), the construct with the planning Aspect: the first a synth visits. */
  private readonly aspectHosts = new Map<IConstruct, Construct>();
  /** The resources the plan created: not foreign to it when the app is read again. */
  private readonly ours = new WeakSet<IConstruct>();
  private made?: { outcome: Outcome; resources: Map<Construct, VendorResources> };
  /** What an earlier plan made, until the next plan has kept what it makes again (`retire`). */
  private retired: Array<{ readonly construct: Construct; readonly resource: IConstruct }> = [];
  private rechecked?: Map<Construct, string[]>;

  private constructor(private readonly root: IConstruct) {}

  /**
   * Registers a construct. The planning Aspect goes on the construct that a synth of its Stage visits first (a nested
   * Stage is synthesized on its own): when the Aspects run, it plans the whole app before the Aspects of lower
   * priority see anything, and before the synth reaches any other construct of the Stage, so that what the plan makes
   * under them is visited like anything else (with or without the aspect-stabilization flag). Only there: an Aspect
   * costs the CDK some work on every construct below the one it is added to, on every pass over the tree.
   */
  public register(vendor: PlannedVendor): void {
    // A construct added after a plan (by an Aspect, after a first synth, or after a read of `routes`): the app is
    // planned anew, when the synth visits this construct, as the Aspect that planned before has run already.
    const plannedBefore = this.made !== undefined;
    this.retire();
    this.vendors.push(vendor);
    const stage = Stage.of(vendor.construct) ?? this.root;
    const host = this.aspectHosts.get(stage);
    if (!host || plannedBefore || visitedBefore(vendor.construct, host)) {
      Aspects.of(vendor.construct).add(new PlanAspect(this, vendor.construct), { priority: AspectPriority.MUTATING });
      this.aspectHosts.set(stage, vendor.construct);
    }
  }

  /** Called by the Aspect at the start of each synth: plans the app the first time, and forgets the last recheck. */
  public beforeSynth(): void {
    this.ensurePlanned();
    this.rechecked = undefined;
  }

  /** The resources of a vendor; plans the app first when that has not happened yet. */
  public resourcesOf(construct: Construct): VendorResources {
    this.ensurePlanned();
    return this.made!.resources.get(construct)!;
  }

  /** The errors of a vendor, from a fresh reading of the complete app (once per synth). */
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

  private ensurePlanned(): void {
    if (this.made) {
      return;
    }
    const outcome = this.compute();
    const resources = new Map<Construct, VendorResources>();
    this.vendors.forEach((v, i) => {
      const made = materializeVendor(
        v.construct, v.intent.vpcPeeringConnectionId, outcome.plan.entries[i], outcome.plan.routes[i], outcome.resolved[i], v.dependencies());
      [...made.routes, ...made.networkAclEntries].forEach(r => this.ours.add(r));
      resources.set(v.construct, made);
    });
    // What the last plan made and this one did not make again (a child of that id now is another object, or none).
    const madeNow = new Set<IConstruct>([...resources.values()].flatMap(m => [...m.routes, ...m.networkAclEntries]));
    for (const { construct, resource } of this.retired) {
      if (construct.node.tryFindChild(resource.node.id) === resource && !madeNow.has(resource)) {
        construct.node.tryRemoveChild(resource.node.id);
      }
    }
    this.retired = [];
    this.made = { outcome, resources };
    if (!outcome.pending) {
      this.annotateWarnings(outcome);
    }
  }

  /** Reads and plans the whole app. */
  private compute(): Outcome {
    const model = readApp(this.root, this.ours);
    const resolved = this.vendors.map(v => resolveVendor(v.intent, v.construct, model));
    const inputs: VendorInput[] = this.vendors.map((v, i) => {
      const r = resolved[i];
      const ok = r.problems.length === 0;
      const intent = v.intent;
      // The fields the planner reads, named one by one: a spread of the intent would copy every prop.
      return {
        externalCidrs: intent.externalCidrs,
        allowOutbound: intent.allowOutbound,
        allowInbound: intent.allowInbound,
        ephemeralPortRange: intent.ephemeralPortRange,
        ephemeralOpaque: intent.ephemeralOpaque,
        blanketDeny: intent.blanketDeny,
        allowPathMtuDiscovery: intent.allowPathMtuDiscovery,
        band: intent.band,
        maxRules: intent.maxRules,
        id: v.construct.node.path,
        stack: Stack.of(v.construct).node.path,
        accessAcls: ok ? r.accessAcls.map(a => a.key) : [],
        denyAcls: ok ? r.denyAcls.map(a => a.key) : [],
        routeTables: ok ? r.routeTables.map(t => t.key) : [],
        orderKey: vendorOrderKey(v.intent.externalCidrs, v.intent.vpcPeeringConnectionId),
      };
    });
    const tableNames = new Map(resolved.flatMap(r => r.routeTables.map(t => [t.key, t.name] as const)));
    const nacls = this.naclFacts(model, resolved);
    const plan = planApp(inputs, nacls, model.foreignRoutes, tableNames);
    this.addCatchAlls(plan, nacls);
    const pending = model.pendingLookup || resolved.some(r => r.pendingLookup);
    const errors = this.vendors.map((_, i) => [
      ...resolved[i].problems,
      ...plan.findings.filter(f => f.vendor === i && f.level === 'error').map(f => f.message),
    ]);
    const securityGroupWarnings = this.checkSecurityGroups(model, plan, errors);
    return { plan, resolved, errors, pending, model, securityGroupWarnings };
  }

  /**
   * Every security group rule of the app (inline or `SecurityGroupIngress`, any stack) in a vendor's VPC whose block
   * takes in the external VPC on ports its NACL entries leave open: a warning on the rule, or an error on the vendor.
   */
  private checkSecurityGroups(model: AppModel, plan: AppPlan, errors: string[][]): Array<{ scope: IConstruct; message: string }> {
    const groups: IConstruct[] = [...model.securityGroups, ...model.securityGroupIngresses];
    const byPath = new Map(groups.map(g => [g.node.path, g]));
    const rulesByVpc = new Map<string, SecurityGroupRuleInput[]>();
    for (const rule of groups.flatMap(g => securityGroupRulesOf(g))) {
      // A rule of a group the app does not define has no known VPC: it cannot be checked.
      if (rule.vpcKey !== undefined) rulesByVpc.set(rule.vpcKey, [...(rulesByVpc.get(rule.vpcKey) ?? []), rule]);
    }
    const warnings = new Map<string, { scope: IConstruct; message: string }>();
    this.vendors.forEach((v, i) => {
      const rules = rulesByVpc.get(vpcKeyOf(v.construct, v.intent.vpc.vpcId) ?? '') ?? [];
      if (v.intent.securityGroupCheck === SecurityGroupCheck.OFF || rules.length === 0) {
        return;
      }
      const ingress = (family: AddressFamily): Traffic[] => (v.intent.blanketDeny
        ? plan.entries[i].filter(e => !e.egress && e.action === 'allow' && e.family === family).map(e => e.traffic)
        : [{ protocol: Protocol.ALL, reasons: [] }]); // with no deny, the NACLs let everything in
      const findings = checkSecurityGroupRules(rules, v.intent.externalCidrs, ingress);
      for (const f of findings) {
        if (v.intent.securityGroupCheck === SecurityGroupCheck.ERROR) {
          errors[i].push(`${f.message} (securityGroupCheck is ERROR: allow only the sources you trust, or set it to WARN)`);
        } else {
          warnings.set(JSON.stringify([f.rule.rulePath, f.message]), { scope: byPath.get(f.rule.rulePath) ?? v.construct, message: f.message });
        }
      }
    });
    return [...warnings.values()];
  }

  /**
   * The allow-all entries of the NACLs `createNetworkAcl` made: after the peering rules, everything else passes, as in
   * the VPC's default NACL (IPv6 too when the VPC has it). The plan counted them as held rules.
   */
  private addCatchAlls(plan: AppPlan, nacls: Map<string, NaclFacts>): void {
    this.vendors.forEach((v, i) => {
      if (!v.dedicatedNetworkAcl) return;
      const key = naclKey(v.dedicatedNetworkAcl.networkAclId, v.construct);
      const held = nacls.get(key)?.held.filter(h => h.ruleNumber === 100 || h.ruleNumber === 101) ?? [];
      for (const h of held) {
        const family = h.families[0];
        plan.entries[i].push({
          acl: key,
          egress: h.egress,
          ruleNumber: h.ruleNumber,
          action: 'allow',
          family,
          cidr: family === 'ipv4' ? '0.0.0.0/0' : '::/0',
          traffic: { protocol: Protocol.ALL, reasons: ['everything else (the NACL made by createNetworkAcl)'] },
        });
      }
    });
  }

  /** What each NACL a vendor writes to already holds: the default NACL's allow-all, declared rules, the app's other entries. */
  private naclFacts(model: AppModel, resolved: ResolvedVendor[]): Map<string, NaclFacts> {
    const facts = new Map<string, NaclFacts>();
    const refs = new Map<string, NaclRef>();
    resolved.forEach(r => [...r.accessAcls, ...r.denyAcls].forEach(a => refs.set(a.key, refs.get(a.key) ?? a)));
    const declared = new Map<string, HeldRule[]>();
    this.vendors.forEach(v => v.intent.existingNetworkAclRules.forEach(rules => {
      const key = naclKey(rules.networkAcl.networkAclId, v.construct);
      const held: HeldRule[] = [
        ...(rules.ruleNumbers ?? []).map(n => ({ n, families: ['ipv4' as const] })),
        ...(rules.ipv6RuleNumbers ?? []).map(n => ({ n, families: ['ipv6' as const] })),
      ].flatMap(({ n, families }) => [false, true].map(egress => ({
        egress, ruleNumber: n, families, what: `rule ${n} that ${v.construct.node.path} declares in existingNetworkAclRules`,
      })));
      declared.set(key, [...(declared.get(key) ?? []), ...held]);
    }));
    const foreignByAcl = new Map<string, Array<ForeignEntry & { index: number }>>();
    model.foreignEntries.forEach((f, index) => foreignByAcl.set(f.entry.acl, [...(foreignByAcl.get(f.entry.acl) ?? []), { ...f, index }]));
    for (const [key, ref] of refs) {
      const held: HeldRule[] = [];
      const dedicated = this.vendors.find(v => v.dedicatedNetworkAcl && naclKey(v.dedicatedNetworkAcl.networkAclId, v.construct) === key);
      const allowAllAt100 = ref.defaultOf ? "the VPC's default Network ACL" : dedicated ? 'the Network ACL made by createNetworkAcl,' : undefined;
      const vpc = ref.defaultOf ?? dedicated?.intent.vpc;
      if (allowAllAt100 && vpc) {
        const ipv6 = vpcHasIpv6(vpc, model, ValueIdentity.of(vpc)) === true;
        const whose = ref.defaultOf ? 'the default NACL' : 'the dedicated NACL';
        for (const egress of [false, true]) {
          held.push({ egress, ruleNumber: 100, families: ['ipv4'], what: `${whose}'s allow-all rule 100` });
          if (ipv6) held.push({ egress, ruleNumber: 101, families: ['ipv6'], what: `${whose}'s IPv6 allow-all rule 101` });
        }
      }
      // A rule declared by several constructs is one rule.
      const seen = new Set<string>();
      for (const h of declared.get(key) ?? []) {
        const id = `${h.egress}/${h.ruleNumber}/${h.families}`;
        if (!seen.has(id) && !held.some(x => x.egress === h.egress && x.ruleNumber === h.ruleNumber)) {
          seen.add(id);
          held.push(h);
        }
      }
      for (const { entry, resource, index } of foreignByAcl.get(key) ?? []) {
        held.push({ egress: entry.egress, ruleNumber: entry.ruleNumber, families: [entry.family], what: resource.node.path, entry, ref: index });
      }
      facts.set(key, { key, name: ref.name, held, allowAllAt100, imported: ref.imported });
    }
    return facts;
  }

  private annotateWarnings(outcome: Outcome): void {
    outcome.resolved.forEach((r, i) => r.warnings.forEach(w => Annotations.of(this.vendors[i].construct).addWarningV2(w.id, w.message)));
    for (const w of outcome.securityGroupWarnings) {
      Annotations.of(w.scope).addWarningV2(PeeringWarnings.SECURITY_GROUP_OPEN_TO_ANYWHERE, w.message);
    }
    for (const f of outcome.plan.findings.filter(x => x.level === 'warning')) {
      const scope = f.foreignRef !== undefined ? outcome.model.foreignEntries[f.foreignRef].resource : this.vendors[f.vendor].construct;
      Annotations.of(scope).addWarningV2(f.warningId!, f.message);
    }
  }

  /**
   * Reads the app again at validation time: errors as the complete app shows them, and an error for each construct
   * whose plan changed since its resources were made. No error while a lookup is pending: the CLI must get to it.
   */
  private recheck(): Map<Construct, string[]> {
    this.ensurePlanned();
    const before = this.made!.outcome;
    // Nothing the plan reads was added or removed since it was made (the usual case): its reading stands.
    const now = appFingerprint(this.root, this.ours) === before.model.fingerprint ? before : this.compute();
    const errors = new Map<Construct, string[]>();
    if (now.pending) {
      return errors;
    }
    this.vendors.forEach((v, i) => {
      const list = [...now.errors[i]];
      const changed = now === before ? undefined : describeChange(before.plan, now.plan, i, before.resolved[i], now.resolved[i]);
      if (changed && list.length === 0) {
        list.push(
          `the app changed after the routes and Network ACL entries of ${v.construct.node.path} were made: ${changed}. ` +
          'Something changed it later than the construct could see: an Aspect that runs after AspectPriority.MUTATING, ' +
          'or code that ran after routes, networkAclEntries or the ids were read. Make that change in construct code ' +
          'before synth (or give the Aspect priority AspectPriority.MUTATING and add it before the VpcPeeringExternal)',
        );
      }
      if (list.length > 0) errors.set(v.construct, list);
    });
    return errors;
  }
}

/** What differs between the plan of vendor `i` then and now (compared by keys, named for people), or `undefined`. */
function describeChange(then: AppPlan, now: AppPlan, i: number, r0: ResolvedVendor, r1: ResolvedVendor): string | undefined {
  const aclName = (key: string) => [...r1.accessAcls, ...r1.denyAcls, ...r0.accessAcls, ...r0.denyAcls].find(a => a.key === key)?.name ?? key;
  const tableName = (key: string) => [...r1.routeTables, ...r0.routeTables].find((t: RouteTableRef) => t.key === key)?.name ?? key;
  const items = (p: AppPlan) => new Map([
    ...p.entries[i].map(e => [JSON.stringify(e), `entry ${describeEntry(e)} in ${aclName(e.acl)}`] as const),
    ...p.routes[i].map(r => [JSON.stringify(r), `route ${r.cidr} in ${tableName(r.routeTable)}`] as const),
  ]);
  const [a, b] = [items(then), items(now)];
  const gone = [...a].filter(([k]) => !b.has(k)).map(([, text]) => text);
  const added = [...b].filter(([k]) => !a.has(k)).map(([, text]) => text);
  if (gone.length === 0 && added.length === 0) {
    return undefined;
  }
  const list = (xs: string[]) => xs.slice(0, 3).join('; ') + (xs.length > 3 ? ` and ${xs.length - 3} more` : '');
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
  constructor(private readonly plan: AppPeeringPlan, private readonly host: IConstruct) {}

  public visit(node: IConstruct): void {
    if (node === this.host) {
      this.plan.beforeSynth();
    }
  }
}
