/**
 * `diff`: what changes between two cloud assemblies, in policy terms (which packets to or from which peering's blocks
 * become allowed or denied on which subnets), and for every stack whether the CloudFormation update between the two
 * templates has a window: a state of the update, cleanup or rollback more open than before and after, or dropping
 * traffic allowed in both (`analyzeTransition` of `src/analysis/transition.ts`).
 */
import { CloudAssembly, AssemblyStack } from './assembly';
import { peeringLabel, subnetGroups } from './explain';
import { PolicyChange, policyChanges, ScopeVersion } from './policy';
import { modelStacks, ModelledStackResult, PeeringInfo, StackModel, SubnetInfo, TokenBlocks, unknownCidrNote, valueText } from './stack-model';
import { HeldRules, analyzeTransition } from '../analysis/transition';

/** The whole `diff` answer (`--format json` prints it as is). */
export interface DiffReport {
  readonly old: string;
  readonly new: string;
  readonly stacks: StackDiff[];
  /** Some peering is added, or some packet is allowed after and not before. */
  readonly widened: boolean;
  /** Some stack's update has a window (or cannot be analysed). */
  readonly window: boolean;
}

/** One stack, paired by stack name. */
export interface StackDiff {
  readonly stackName: string;
  readonly displayName: string;
  readonly status: 'changed' | 'added' | 'removed';
  readonly changes: ChangeLine[];
  readonly transition: TransitionVerdict;
  /** How the policy view read the templates (values evaluated worst case, entries of other stacks). */
  readonly notes: string[];
  /** Set when a template cannot be evaluated. */
  readonly error?: string;
}

/** One change of a peering. */
export interface ChangeLine {
  readonly peering: string;
  readonly kind: 'peering-added' | 'peering-removed' | 'blocks-added' | 'blocks-removed' | 'route-added' | 'route-removed' | 'allowed' | 'denied';
  /** Whether the change lets through what was not let through before. */
  readonly widening: boolean;
  readonly text: string;
}

/** Whether the deploy from the old template to the new one is safe in motion. */
export interface TransitionVerdict {
  /** False when nothing about peerings or NACLs is in either template (nothing to check). */
  readonly analysed: boolean;
  readonly safe: boolean;
  /** Why the templates could not be analysed (counts as not safe). */
  readonly error?: string;
  readonly packetsChecked: number;
  readonly statesChecked: number;
  /** Creates that fail (`NetworkAclEntryAlreadyExists`, `RouteAlreadyExists`): the update rolls back. */
  readonly conflicts: string[];
  /** One sentence per packet class: the kind, phase, packet, verdict, deciding resource and the state. */
  readonly violations: string[];
  readonly notes: string[];
}

const RELEVANT_TYPES = ['AWS::EC2::NetworkAclEntry', 'AWS::EC2::SubnetNetworkAclAssociation', 'Custom::VpcPeeringAcceptance'];

/** Compares two assemblies, stacks paired by stack name. */
export function diffAssemblies(oldAssembly: CloudAssembly, newAssembly: CloudAssembly): DiffReport {
  const tokens = new TokenBlocks();
  const olds = new Map(oldAssembly.stacks.map((s) => [s.stackName, s]));
  const news = new Map(newAssembly.stacks.map((s) => [s.stackName, s]));
  const names = [...new Set([...olds.keys(), ...news.keys()])];
  const oldModels = modelAssembly(oldAssembly, tokens);
  const newModels = modelAssembly(newAssembly, tokens);
  const stacks: StackDiff[] = [];
  for (const name of names) {
    const before = olds.get(name);
    const after = news.get(name);
    const diff = diffStack(before, after, tokens, oldModels.get(name), newModels.get(name));
    if (diff) stacks.push(diff);
  }
  return {
    old: oldAssembly.directory,
    new: newAssembly.directory,
    stacks,
    widened: stacks.some((s) => s.changes.some((c) => c.widening)),
    window: stacks.some((s) => s.transition.analysed && !s.transition.safe),
  };
}

type Modelled = ModelledStackResult;

/** The model of every stack of the assembly, by stack name. */
function modelAssembly(assembly: CloudAssembly, tokens: TokenBlocks): Map<string, Modelled> {
  const modelled = modelStacks(assembly.stacks, tokens);
  return new Map(assembly.stacks.map((s, i) => [s.stackName, modelled[i]]));
}

function diffStack(
  before: AssemblyStack | undefined, after: AssemblyStack | undefined, tokens: TokenBlocks, oldModelled?: Modelled, newModelled?: Modelled,
): StackDiff | undefined {
  const stack = (after ?? before)!;
  const status = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
  const relevant = [before, after].some((s) => s !== undefined && Object.values(s.template.Resources ?? {})
    .some((r) => RELEVANT_TYPES.includes(r.Type) || (r.Type === 'AWS::EC2::Route' && r.Properties?.VpcPeeringConnectionId !== undefined)));
  if (!relevant) return undefined;
  const base = { stackName: stack.stackName, displayName: stack.displayName, status } as const;
  let oldModel: StackModel;
  let newModel: StackModel;
  try {
    const model = (s: AssemblyStack | undefined, m: Modelled | undefined): StackModel => {
      if (s === undefined) return new StackModel({ Resources: {} }, tokens);
      if (m?.model === undefined) throw new Error(m?.error ?? `stack ${s.displayName} cannot be read`);
      return m.model;
    };
    oldModel = model(before, oldModelled);
    newModel = model(after, newModelled);
  } catch (e) {
    const error = (e as Error).message;
    return { ...base, changes: [], notes: [], error, transition: { ...NOT_ANALYSED, analysed: true, safe: false, error } };
  }
  const changes = peeringChanges(oldModel, newModel, tokens);
  const notes = [...new Set([
    ...[...oldModel.unknownCidrs, ...newModel.unknownCidrs].map(unknownCidrNote),
    ...[oldModel, newModel].flatMap((m) => [...m.stackNotes, ...m.naclKeys().flatMap((k) => m.foreignNotes(k))]),
  ])];
  const transition = transitionVerdict(oldModel, newModel, tokens);
  const crossStack = oldModel.hasForeignEntries || newModel.hasForeignEntries;
  return {
    ...base,
    changes,
    notes,
    transition: crossStack && transition.analysed && transition.error === undefined
      ? { ...transition, notes: [...transition.notes, 'entries of other stacks are on its NACLs: the order of their deploy against this stack\'s is not modelled (the transition is this stack\'s alone)'] }
      : transition,
  };
}

const NOT_ANALYSED: TransitionVerdict = {
  analysed: false, safe: true, packetsChecked: 0, statesChecked: 0, conflicts: [], violations: [], notes: [],
};

function peeringChanges(oldModel: StackModel, newModel: StackModel, tokens: TokenBlocks): ChangeLine[] {
  const lines: ChangeLine[] = [];
  const olds = new Map(oldModel.peerings.map((p) => [p.key, p]));
  const news = new Map(newModel.peerings.map((p) => [p.key, p]));
  for (const key of [...new Set([...olds.keys(), ...news.keys()])]) {
    const before = olds.get(key);
    const after = news.get(key);
    const label = peeringLabel((after ?? before)!, tokens);
    const peering = `peering ${label}`;
    if (before === undefined) lines.push({ peering: label, kind: 'peering-added', widening: true, text: `new peering ${label} (connection ${after!.connection})` });
    if (after === undefined) lines.push({ peering: label, kind: 'peering-removed', widening: false, text: `${peering} removed` });
    if (before && after) {
      const added = after.cidrBlocks.filter((b) => !before.cidrBlocks.includes(b));
      const removed = before.cidrBlocks.filter((b) => !after.cidrBlocks.includes(b));
      if (added.length) lines.push({ peering: label, kind: 'blocks-added', widening: true, text: `${peering}: block ${tokens.show(added.join(', '))} added` });
      if (removed.length) lines.push({ peering: label, kind: 'blocks-removed', widening: false, text: `${peering}: block ${tokens.show(removed.join(', '))} removed` });
      const tablesBefore = new Set(before.routeTables.filter((t) => t.subnets.length === 0).map((t) => t.key));
      const tablesAfter = new Set(after.routeTables.filter((t) => t.subnets.length === 0).map((t) => t.key));
      for (const t of after.routeTables.filter((x) => x.subnets.length === 0 && !tablesBefore.has(x.key))) {
        lines.push({ peering: label, kind: 'route-added', widening: true, text: `${peering}: route table ${tokens.show(t.label)} now routed to it` });
      }
      for (const t of before.routeTables.filter((x) => x.subnets.length === 0 && !tablesAfter.has(x.key))) {
        lines.push({ peering: label, kind: 'route-removed', widening: false, text: `${peering}: route table ${tokens.show(t.label)} no longer routed to it` });
      }
    }
    lines.push(...scopeChanges(oldModel, newModel, before, after, label, tokens));
  }
  return lines;
}

interface Scope {
  /** The subnet, for subnet scopes. */
  readonly subnet?: SubnetInfo;
  /** The label of a NACL scope. */
  readonly nacl?: string;
  readonly before: ScopeVersion;
  readonly after: ScopeVersion;
}

/** The policy changes of one peering on every subnet routed to it (either template) and every other NACL naming its blocks. */
function scopeChanges(
  oldModel: StackModel, newModel: StackModel, before: PeeringInfo | undefined, after: PeeringInfo | undefined, label: string, tokens: TokenBlocks,
): ChangeLine[] {
  const routedBefore = new Map((before?.routeTables ?? []).flatMap((t) => t.subnets).map((s) => [s.key, s]));
  const routedAfter = new Map((after?.routeTables ?? []).flatMap((t) => t.subnets).map((s) => [s.key, s]));
  const blocksBefore = before?.cidrBlocks ?? [];
  const blocksAfter = after?.cidrBlocks ?? [];
  const version = (model: StackModel, routed: Map<string, SubnetInfo>, blocks: string[], subnet: SubnetInfo): ScopeVersion => {
    const acl = routed.has(subnet.key) ? model.naclOf(routed.get(subnet.key)!) : undefined;
    return { nacl: acl === undefined ? undefined : model.nacl(acl), cidrBlocks: blocks };
  };
  const scopes: Scope[] = [];
  const subnetAcls = new Set<string>();
  for (const key of [...new Set([...routedBefore.keys(), ...routedAfter.keys()])]) {
    const subnet = (routedAfter.get(key) ?? routedBefore.get(key))!;
    const b = version(oldModel, routedBefore, blocksBefore, subnet);
    const a = version(newModel, routedAfter, blocksAfter, subnet);
    [b.nacl?.key, a.nacl?.key].forEach((k) => k !== undefined && subnetAcls.add(k));
    scopes.push({ subnet, before: b, after: a });
  }
  const otherAcls = new Set([
    ...(before ? oldModel.naclsCovering(blocksBefore) : []),
    ...(after ? newModel.naclsCovering(blocksAfter) : []),
  ].filter((k) => !subnetAcls.has(k)));
  for (const key of [...otherAcls].sort()) {
    const b = before ? oldModel.nacl(key) : undefined;
    const a = after ? newModel.nacl(key) : undefined;
    scopes.push({ nacl: (a ?? b)!.label, before: { nacl: b, cidrBlocks: blocksBefore }, after: { nacl: a, cidrBlocks: blocksAfter } });
  }

  const grouped = new Map<string, { change: PolicyChange; subnets: SubnetInfo[]; nacls: string[] }>();
  for (const scope of scopes) {
    for (const change of policyChanges(scope.before, scope.after)) {
      const key = `${change.change}|${change.direction}|${change.traffic}|${change.remote}`;
      const g = grouped.get(key) ?? { change, subnets: [], nacls: [] };
      if (scope.subnet) g.subnets.push(scope.subnet);
      if (scope.nacl) g.nacls.push(scope.nacl);
      grouped.set(key, g);
    }
  }
  const allSubnets = [...new Map([...routedBefore, ...routedAfter]).values()];
  return [...grouped.values()].map(({ change, subnets, nacls }) => {
    const remote = tokens.show(change.remote);
    const to = remote === label ? '' : ` ${change.direction === 'egress' ? 'to' : 'from'} ${remote}`;
    const where = [...subnetGroups(subnets, allSubnets), ...nacls.map((n) => `NACL ${n}`)].join('; ');
    return {
      peering: label,
      kind: change.change === 'added' ? 'allowed' : 'denied',
      widening: change.change === 'added',
      text: `peering ${label}: ${change.direction} ${change.traffic}${to} ${change.change} on ${where}`,
    } as ChangeLine;
  });
}

function transitionVerdict(oldModel: StackModel, newModel: StackModel, tokens: TokenBlocks): TransitionVerdict {
  // NACLs the templates do not create hold rules outside them: the allow-all the explanation assumes, on the numbers
  // neither template takes.
  const keys = new Set<string>();
  for (const model of [oldModel, newModel]) {
    for (const r of Object.values(model.resources)) {
      if ((r.Type === 'AWS::EC2::NetworkAclEntry' || r.Type === 'AWS::EC2::SubnetNetworkAclAssociation') && r.Properties?.NetworkAclId !== undefined) {
        keys.add(JSON.stringify(r.Properties.NetworkAclId));
      }
    }
  }
  const heldRules: HeldRules[] = [];
  for (const key of keys) {
    const [a, b] = [oldModel.nacl(key), newModel.nacl(key)];
    if (a.origin !== 'assumed-allow-all' || b.origin !== 'assumed-allow-all') continue;
    const rules = a.heldRules.filter((r) => b.heldRules.some((x) => x.egress === r.egress && x.ruleNumber === r.ruleNumber));
    heldRules.push({ networkAclId: JSON.parse(key), rules });
  }
  try {
    const report = analyzeTransition(oldModel.template, newModel.template, { heldRules });
    const show = (text: string) => tokens.show(prettyValues(text));
    const conflicts = report.conflicts.map((c) => show(`${c.error}: creating ${c.logicalId} while ${c.heldBy} still holds ${c.key}`));
    return {
      analysed: true,
      safe: report.violations.length === 0 && report.conflicts.length === 0,
      packetsChecked: report.packetsChecked,
      statesChecked: report.statesChecked,
      conflicts,
      violations: report.violations.map((v) => show(v.message)),
      notes: report.notes.map(show),
    };
  } catch (e) {
    // The library's option has no counterpart in the command: say what the command is missing instead.
    const message = (e as Error).message.replace('pass it in the subnetDefaultNacls option',
      'the subnet is not made by a template of the assembly, so the command cannot know which NACL it falls back to');
    return { ...NOT_ANALYSED, analysed: true, safe: false, error: tokens.show(prettyValues(message)) };
  }
}

/** The text with every embedded JSON value (`{"Ref":"X"}`, `{"Fn::GetAtt":[…]}`) written as {@link valueText} writes it. */
export function prettyValues(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('{"', i);
    if (start < 0) break;
    let depth = 0;
    let end = -1;
    let inString = false;
    for (let j = start; j < text.length; j++) {
      const c = text[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') {
        inString = true;
      } else if (c === '{' || c === '[') {
        depth++;
      } else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          end = j + 1;
          break;
        }
      }
    }
    if (end < 0) break;
    let replacement: string;
    try {
      replacement = valueText(JSON.parse(text.slice(start, end)));
    } catch {
      replacement = text.slice(start, end);
    }
    out += text.slice(i, start) + replacement;
    i = end;
  }
  return out + text.slice(i);
}

/** The report as text: the changes per stack, then the transition verdict per stack. */
export function renderDiff(report: DiffReport): string {
  const out: string[] = [];
  const changed = report.stacks.filter((s) => s.changes.length > 0 || s.error);
  for (const s of changed) {
    out.push(`Stack ${s.displayName}${s.status === 'added' ? ' (new stack)' : s.status === 'removed' ? ' (stack removed)' : ''}:`);
    if (s.error) out.push(`  cannot be evaluated: ${s.error}`);
    for (const c of s.changes) out.push(`  ${c.widening ? '+' : '-'} ${c.text}`);
    for (const n of s.notes) out.push(`  note: ${n}`);
  }
  out.push(changed.length === 0 ? 'Policy: nothing changed.' : 'Policy: nothing else changed.');
  out.push('');
  for (const s of report.stacks.filter((x) => x.transition.analysed)) {
    const t = s.transition;
    if (t.error) {
      out.push(`Transition of ${s.displayName}: NOT ANALYSED, counted as unsafe: ${t.error}`);
      continue;
    }
    if (t.safe) {
      out.push(`Transition of ${s.displayName}: safe: no state of the update, cleanup or rollback is more open than before and after, `
        + `and none drops traffic allowed in both (${t.packetsChecked} packet classes, ${t.statesChecked} states)`);
    } else if (t.violations.length > 0) {
      out.push(`Transition of ${s.displayName}: WINDOW: ${t.violations.length} packet class(es) treated differently in a state between the templates`
        + `${t.conflicts.length ? `, and ${t.conflicts.length} create(s) fail` : ''}`);
      for (const c of t.conflicts) out.push(`  - the update fails and rolls back: ${c}`);
      for (const v of t.violations) out.push(`  - ${v}`);
    } else {
      out.push(`Transition of ${s.displayName}: FAILS: ${t.conflicts.length} create(s) collide with what the old stack still holds; the update rolls back`);
      for (const c of t.conflicts) out.push(`  - ${c}`);
    }
    for (const n of t.notes) out.push(`  note: ${n}`);
  }
  out.push('');
  out.push(report.widened || report.window
    ? `Verdict: ${[report.widened ? 'the policy widens' : '', report.window ? 'a deploy between the two has a window or fails' : ''].filter((x) => x).join(' and ')} (exit 1)`
    : 'Verdict: nothing widened and no window (exit 0)');
  return `${out.join('\n')}\n`;
}
