/**
 * `explain`: for every peering of every stack of an assembly, the subnets routed to it, their route tables and NACLs,
 * and what each NACL allows and denies to and from the external blocks, evaluated as AWS evaluates NACLs.
 */
import { CloudAssembly } from './assembly';
import { allowsAny, naclPolicy, PolicyLine } from './policy';
import { HeldRulesOrigin, modelStacks, PeeringInfo, StackModel, SubnetInfo, TokenBlocks, unknownCidrNote } from './stack-model';

/** The whole `explain` answer (`--format json` prints it as is). */
export interface ExplainReport {
  readonly assembly: string;
  readonly stacks: StackExplanation[];
}

/** One stack: its peerings, or why it could not be read. */
export interface StackExplanation {
  readonly stackName: string;
  readonly displayName: string;
  readonly peerings: PeeringExplanation[];
  /** How the stack was read with the other stacks of the assembly (entries on a NACL outside it). */
  readonly notes: string[];
  /** Set when the template cannot be evaluated (e.g. a NACL entry with a non-literal rule number). */
  readonly error?: string;
}

/** One peering of a stack. */
export interface PeeringExplanation {
  /** `10.200.0.0/16`, or the blocks joined with `, `. */
  readonly label: string;
  readonly cidrBlocks: string[];
  /** The `VpcPeeringConnectionId`, as a reader writes it. */
  readonly connection: string;
  /** Logical ids of the `Custom::VpcPeeringAcceptance` resources. */
  readonly acceptedBy: string[];
  readonly routeTables: Array<{ readonly routeTable: string; readonly subnets: string[]; readonly routes: string[] }>;
  /** The NACLs of the routed subnets, and every other NACL that allows anything to or from the blocks. */
  readonly networkAcls: NaclExplanation[];
  /** NACLs with entries for the blocks that allow nothing to or from them (and hold no routed subnet). */
  readonly denyOnlyNetworkAcls: DenyOnlyNacl[];
  readonly notes: string[];
}

/** What one NACL does with the peering's traffic. */
export interface NaclExplanation {
  readonly networkAcl: string;
  readonly origin: HeldRulesOrigin;
  /** The routed subnets on it, by subnet group (`Private subnets (Private) in AZ #1, AZ #2`). */
  readonly routedSubnets: string[];
  /** Subnets of the template on it that are not routed to the peering. */
  readonly otherSubnets: string[];
  /** Egress lines first, then ingress, each in rule-number order. */
  readonly policy: PolicyLine[];
}

/** A NACL that only denies the peering's blocks. */
export interface DenyOnlyNacl {
  readonly networkAcl: string;
  readonly subnets: string[];
  /** `egress 99`, `ingress 99`: the rules that deny. */
  readonly rules: string[];
}

/** Explains every stack of the assembly. */
export function explainAssembly(assembly: CloudAssembly): ExplainReport {
  const tokens = new TokenBlocks();
  const modelled = modelStacks(assembly.stacks, tokens);
  return {
    assembly: assembly.directory,
    stacks: assembly.stacks.map((stack, i) => {
      const { model, error } = modelled[i];
      try {
        if (model === undefined) throw new Error(error);
        return {
          stackName: stack.stackName,
          displayName: stack.displayName,
          peerings: model.peerings.map((p) => explainPeering(model, p, tokens)),
          notes: model.stackNotes,
        };
      } catch (e) {
        return { stackName: stack.stackName, displayName: stack.displayName, peerings: [], notes: [], error: (e as Error).message };
      }
    }),
  };
}

/** The label of a peering: its blocks, stand-ins shown as the values they stand for. */
export function peeringLabel(peering: PeeringInfo, tokens: TokenBlocks): string {
  return peering.cidrBlocks.length === 0 ? `connection ${peering.connection}` : tokens.show(peering.cidrBlocks.join(', '));
}

function explainPeering(model: StackModel, peering: PeeringInfo, tokens: TokenBlocks): PeeringExplanation {
  const notes: string[] = [];
  const routed = peering.routeTables.flatMap((t) => t.subnets);
  const routedKeys = new Set(routed.map((s) => s.key));
  const naclKeys = new Set<string>(model.naclsCovering(peering.cidrBlocks));
  for (const subnet of routed) {
    const acl = model.naclOf(subnet);
    if (acl === undefined) notes.push(`subnet ${subnet.label}: its NACL is not in this template`);
    else naclKeys.add(acl);
  }
  for (const table of peering.routeTables.filter((t) => t.subnets.length === 0)) {
    notes.push(`route table ${tokens.show(table.label)}: its subnets are not in this template (an imported VPC); `
      + 'the NACLs shown are those whose entries name the peering\'s blocks');
  }

  const networkAcls: NaclExplanation[] = [];
  const denyOnly: DenyOnlyNacl[] = [];
  for (const key of [...naclKeys].sort()) {
    const nacl = model.nacl(key);
    for (const id of nacl.failingEntries) {
      notes.push(`entry ${id} on NACL ${nacl.label} cannot be deployed: its rule number is one of the default NACL's allow-all (100/101), `
        + 'AWS refuses to create it (NetworkAclEntryAlreadyExists); the allow-all stays and is evaluated');
    }
    const policy = naclPolicy(nacl, peering.cidrBlocks).map((l) => ({ ...l, remote: tokens.show(l.remote) }));
    const on = model.subnetsOn(key);
    const routedOn = routed.filter((s) => model.naclOf(s) === key);
    const otherOn = on.filter((s) => !routedKeys.has(s.key));
    if (routedOn.length === 0 && !allowsAny(policy)) {
      const rules = policy.filter((l) => l.action === 'deny').map((l) => `${l.direction} ${l.ruleNumber}`);
      denyOnly.push({ networkAcl: nacl.label, subnets: subnetGroups(on), rules: [...new Set(rules)] });
      continue;
    }
    if (nacl.origin === 'assumed-allow-all') {
      notes.push(`NACL ${nacl.label} is not created by this template: its other rules are not known and are taken as an allow-all at 100/101 `
        + '(the usual hand-made NACL; the worst case)');
    }
    networkAcls.push({
      networkAcl: nacl.label, origin: nacl.origin, routedSubnets: subnetGroups(routedOn), otherSubnets: subnetGroups(otherOn), policy,
    });
  }
  const shownAcls = new Set([...naclKeys]);
  for (const key of [...naclKeys].sort()) notes.push(...model.foreignNotes(key));
  for (const u of model.unknownCidrs) {
    if (model.resources[u.logicalId] !== undefined && shownAcls.has(JSON.stringify(model.resources[u.logicalId].Properties?.NetworkAclId))) {
      notes.push(unknownCidrNote(u));
    }
  }
  for (const block of peering.cidrBlocks.filter((b) => tokens.isStandIn(b))) {
    notes.push(`${tokens.show(block)} is known at deploy time only: it is evaluated as a block that overlaps no other block of the template`);
  }
  return {
    label: peeringLabel(peering, tokens),
    cidrBlocks: peering.cidrBlocks.map((b) => tokens.show(b)),
    connection: peering.connection,
    acceptedBy: peering.acceptedBy,
    routeTables: peering.routeTables.map((t) => ({ routeTable: tokens.show(t.label), subnets: t.subnets.map((s) => s.label), routes: t.routes })),
    networkAcls,
    denyOnlyNetworkAcls: denyOnly,
    notes,
  };
}

/**
 * Subnets by subnet group: `Private subnets (Private) in AZ #1, AZ #2`; subnets without the aws-cdk tags by label.
 * `all` lists the whole group when given, to say `2 of 3 Private subnets` when only part of a group is meant.
 */
export function subnetGroups(subnets: readonly SubnetInfo[], all?: readonly SubnetInfo[]): string[] {
  const groups = new Map<string, SubnetInfo[]>();
  const loose: string[] = [];
  for (const s of subnets) {
    if (s.group === undefined) {
      loose.push(s.label);
      continue;
    }
    groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  }
  const texts = [...groups.entries()].map(([group, members]) => {
    const type = members[0].type && members[0].type !== group ? ` (${members[0].type})` : '';
    const azs = members.map((m) => m.az).filter((a): a is string => a !== undefined).sort();
    const total = all ? new Set(all.filter((s) => s.group === group).map((s) => s.key)).size : members.length;
    const count = total > members.length ? `${members.length} of ${total} ` : '';
    return `${count}${group} subnets${type}${azs.length ? ` in ${azs.join(', ')}` : ''}`;
  });
  return [...texts.sort(), ...loose.sort()];
}
