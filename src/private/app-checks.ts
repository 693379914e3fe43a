/**
 * Checks that need the whole stack, run at synth time (`node.addValidation`): other Network ACL entries in the same
 * NACLs (a rule number taken twice fails the deploy; a lower-numbered entry that decides the external traffic first
 * makes our rules dead), the quota with those entries counted, and security groups open to "anywhere", which now
 * includes the external VPC.
 */
import { Annotations, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { cidrsOverlap, isCidr } from './cidr';
import { describeEntry, ExistingRuleCount, PlannedEntry, quotaViolations } from './peering-plan';
import { ResolvedNames } from './resolved-names';
import { Protocol } from './traffic';
import { defaultAclAssociationOf, defaultNetworkAclId } from './vpc-introspection';
import { PeeringWarnings } from '../warnings';


interface OwnEntry {
  readonly resource: ec2.CfnNetworkAclEntry;
  readonly planned: PlannedEntry;
}

export interface NeighbourContext {
  readonly entries: OwnEntry[];
  readonly aclName: (acl: string) => string;
  readonly existingRules: (acl: string, egress: boolean) => ExistingRuleCount;
  readonly maxRules: number;
  readonly vpc: ec2.IVpc;
  readonly names: ResolvedNames;
}

/** A foreign NACL entry, resolved. */
interface Neighbour {
  readonly resource: ec2.CfnNetworkAclEntry;
  readonly planned: PlannedEntry;
}

export function checkNeighbours(self: IConstruct, ctx: NeighbourContext): string[] {
  const ours = new Set<IConstruct>(ctx.entries.map(e => e.resource));
  const ourAcls = new Set(ctx.entries.map(e => e.planned.acl));
  const neighbours: Neighbour[] = [];
  // Every entry of the app, in every stack: a NACL is one NACL whichever stack writes to it.
  for (const c of self.node.root.node.findAll()) {
    if (c instanceof ec2.CfnNetworkAclEntry && !ours.has(c)) {
      const planned = resolveEntry(c, ctx);
      if (planned && ourAcls.has(planned.acl)) {
        neighbours.push({ resource: c, planned });
      }
    }
  }

  const errors: string[] = [];
  for (const n of neighbours) {
    const p = n.planned;
    const taken = ctx.entries.find(o => o.planned.acl === p.acl && o.planned.egress === p.egress && o.planned.ruleNumber === p.ruleNumber);
    if (taken) {
      errors.push(
        `${n.resource.node.path} takes ${p.egress ? 'egress' : 'ingress'} rule number ${p.ruleNumber} of Network ACL ` +
        `${ctx.aclName(p.acl)}, which ${taken.resource.node.path} uses too; the deploy would fail with ` +
        'NetworkAclEntryAlreadyExists. Give one of them another number (firstRuleNumber/lastRuleNumber set the band of this construct)',
      );
      continue;
    }
    const shadowed = ctx.entries.find(o => decidesFirst(p, o.planned));
    if (shadowed) {
      Annotations.of(n.resource).addWarningV2(PeeringWarnings.SHADOWED_BY_LOWER_RULE,
        `Rule ${describeEntry(p)} of Network ACL ${ctx.aclName(p.acl)} is evaluated before ${describeEntry(shadowed.planned)} ` +
        `of ${shadowed.resource.node.path} and decides that traffic first, so the peering rule never applies. ` +
        'Number the peering rules below it (firstRuleNumber/lastRuleNumber) or renumber this entry.');
    }
  }

  const withNeighbours = (acl: string, egress: boolean) => {
    const theirs = neighbours.map(n => n.planned).filter(p => p.acl === acl && p.egress === egress);
    const base = ctx.existingRules(acl, egress);
    return {
      ipv4: base.ipv4 + theirs.filter(p => p.family === 'ipv4').length,
      ipv6: base.ipv6 + theirs.filter(p => p.family === 'ipv6').length,
    };
  };
  if (neighbours.length > 0) {
    errors.push(...quotaViolations(ctx.entries.map(e => e.planned), withNeighbours, ctx.maxRules, ctx.aclName));
  }

  checkSecurityGroups(Stack.of(self), ctx);
  return errors;
}

/** Whether `theirs`, numbered lower, matches some of the traffic of `ours` with the opposite action. */
function decidesFirst(theirs: PlannedEntry, ours: PlannedEntry): boolean {
  if (theirs.acl !== ours.acl || theirs.egress !== ours.egress || theirs.family !== ours.family) {
    return false;
  }
  if (theirs.ruleNumber >= ours.ruleNumber || theirs.action === ours.action) {
    return false;
  }
  if (!isCidr(theirs.cidr) || !isCidr(ours.cidr) || !cidrsOverlap(theirs.cidr, ours.cidr)) {
    return false;
  }
  return trafficOverlaps(theirs, ours);
}

function trafficOverlaps(a: PlannedEntry, b: PlannedEntry): boolean {
  const [ta, tb] = [a.traffic, b.traffic];
  if (ta.protocol === Protocol.ALL || tb.protocol === Protocol.ALL) {
    return true;
  }
  if (ta.protocol !== tb.protocol) {
    return false;
  }
  if (ta.portRange && tb.portRange) {
    return ta.portRange.from <= tb.portRange.to && tb.portRange.from <= ta.portRange.to;
  }
  return true;
}

/**
 * Another construct's entry as the plan would see it; `undefined` when its NACL or rule number is not known at synth
 * time. A CIDR that is a token (an entry allowing `vpc.vpcCidrBlock`) still counts for collisions and the quota.
 */
function resolveEntry(e: ec2.CfnNetworkAclEntry, ctx: NeighbourContext): PlannedEntry | undefined {
  const stack = Stack.of(e);
  const r = (v: unknown) => stack.resolve(v);
  const ruleNumber = Number(r(e.ruleNumber));
  if (!Number.isInteger(ruleNumber) || typeof e.networkAclId !== 'string') {
    return undefined;
  }
  const cidr = r(e.ipv6CidrBlock ?? e.cidrBlock);
  const portRange = r(e.portRange) as { from?: number; to?: number } | undefined;
  return {
    acl: aclKeyOfNeighbour(e.networkAclId, ctx),
    egress: [true, 'true'].includes(r(e.egress) as never),
    ruleNumber,
    action: String(r(e.ruleAction)).toLowerCase() === 'deny' ? 'deny' : 'allow',
    cidr: typeof cidr === 'string' ? cidr : JSON.stringify(cidr),
    family: e.ipv6CidrBlock !== undefined ? 'ipv6' : 'ipv4',
    traffic: {
      protocol: Number(r(e.protocol)),
      portRange: portRange && portRange.from !== undefined && portRange.to !== undefined
        ? { from: Number(portRange.from), to: Number(portRange.to) } : undefined,
      reasons: [],
    },
  };
}

/** The NACL key of another entry; an entry on a subnet's default-NACL token of our VPC is on our default NACL. */
function aclKeyOfNeighbour(networkAclId: string, ctx: NeighbourContext): string {
  const association = defaultAclAssociationOf(networkAclId);
  const defaultAcl = defaultNetworkAclId(ctx.vpc);
  if (association && defaultAcl && association.target.node.path.startsWith(`${ctx.vpc.node.path}/`)) {
    return ctx.names.key(defaultAcl);
  }
  return ctx.names.key(networkAclId);
}

/**
 * Warns about security groups of the VPC that let "anywhere" (0.0.0.0/0, ::/0) in on ports the NACLs leave open to
 * the external VPC: "anywhere" now includes the third party.
 */
function checkSecurityGroups(stack: Stack, ctx: NeighbourContext): void {
  const vpcKey = JSON.stringify(stack.resolve(ctx.vpc.vpcId));
  const openIngress = ctx.entries.filter(e => !e.planned.egress && e.planned.action === 'allow').map(e => e.planned);
  for (const c of stack.node.findAll()) {
    if (!(c instanceof ec2.CfnSecurityGroup) || JSON.stringify(stack.resolve(c.vpcId)) !== vpcKey) {
      continue;
    }
    const resolved = stack.resolve(c.securityGroupIngress);
    for (const rule of (Array.isArray(resolved) ? resolved : []) as ec2.CfnSecurityGroup.IngressProperty[]) {
      const anywhere = rule.cidrIp === '0.0.0.0/0' || rule.cidrIpv6 === '::/0';
      if (!anywhere) {
        continue;
      }
      const protocol = String(rule.ipProtocol) === '-1' ? -1
        : ({ tcp: 6, udp: 17, icmp: 1 } as Record<string, number>)[String(rule.ipProtocol)] ?? Number(rule.ipProtocol);
      const from = Number(rule.fromPort ?? 0);
      const to = Number(rule.toPort ?? 65535);
      const probe: PlannedEntry = {
        acl: '',
        egress: false,
        ruleNumber: 0,
        action: 'allow',
        cidr: '',
        family: 'ipv4',
        traffic: { protocol, portRange: protocol === 6 || protocol === 17 ? { from, to } : undefined, reasons: [] },
      };
      const reachable = openIngress.find(o => trafficOverlaps(probe, o));
      if (reachable) {
        Annotations.of(c).addWarningV2(PeeringWarnings.SECURITY_GROUP_OPEN_TO_ANYWHERE,
          `Security group ${c.node.path} allows ${String(rule.ipProtocol)} ${from}-${to} from ${rule.cidrIp ?? rule.cidrIpv6}, ` +
          `and the Network ACLs let the external VPC in on ${describeEntry(reachable)}: "anywhere" now includes the ` +
          'third party. Allow only the security groups or CIDR blocks you trust.');
      }
    }
  }
}
