/**
 * The security-group check: which ingress rules of the app's security groups let the external VPC in, on which ports
 * the Network ACLs leave open to it. A rule whose CIDR block contains or overlaps an external block admits the third
 * party (`0.0.0.0/0`, `::/0`, and also `10.0.0.0/8` for a `10.200.0.0/16` peer), each address family against its own
 * blocks and its own NACL entries.
 *
 * Two parts: `securityGroupRulesOf` reads the rules of `CfnSecurityGroup` (inline) and `CfnSecurityGroupIngress`
 * resources into plain values, skipping what it cannot read (tokens, rules naming a security group or a prefix list);
 * `checkSecurityGroupRules` is pure and compares them with the external blocks and the NACL-allowed ingress.
 */
import { DefaultTokenResolver, Stack, StringConcat, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { isCfn } from '../cdk/construct-kinds';
import { ValueIdentity } from '../cdk/value-identity';
import { AddressFamily, cidrsOverlap, isCidr } from '../core/cidr';
import { listFew } from '../core/text';
import { appliesToFamily, describeTraffic, IcmpTypeCode, mergeTraffic, PortRange, Protocol, Traffic } from '../core/traffic';

/** One security group ingress rule with a CIDR source, as written in the template. */
export interface SecurityGroupRuleInput {
  /** The group the rule belongs to: its construct path, or its id when the app does not define it. */
  readonly group: string;
  /** Where the rule is written: the group's path for an inline rule, the `SecurityGroupIngress` resource's otherwise. */
  readonly rulePath: string;
  /** The rule's description, if it has one. */
  readonly ruleDescription?: string;
  /** `IpProtocol` as written: 'tcp', 'udp', 'icmp', 'icmpv6', '-1', 'all', '6', '17', '58', a number. */
  readonly protocol: string | number;
  /** `FromPort` (the ICMP type for ICMP); absent or -1 means all. */
  readonly fromPort?: number;
  /** `ToPort` (the ICMP code for ICMP); absent or -1 means all. */
  readonly toPort?: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  /**
   * The group's VPC, resolved (`{ Ref: 'Vpc8378EB38' }`, 'vpc-0abc'), to compare with the peered VPC's;
   * `undefined` when the group is not defined in the app (then its VPC is unknown).
   */
  readonly vpcId?: unknown;
  /**
   * A key of the group's VPC that is equal for two values exactly when they name the same VPC, in any stack of the app
   * (see `vpcKeyOf`): compare it with `vpcKeyOf(peeringScope, vpc.vpcId)`. `undefined` when the group is not defined
   * in the app.
   */
  readonly vpcKey?: string;
}

/** One external CIDR block. */
export interface PeerBlock {
  readonly cidr: string;
  readonly family: AddressFamily;
}

/** A rule that lets the external VPC in. */
export interface SecurityGroupFinding {
  readonly rule: SecurityGroupRuleInput;
  /** The rule's CIDR block. */
  readonly ruleCidr: string;
  /** The external block it contains or overlaps. */
  readonly peerCidr: string;
  readonly family: AddressFamily;
  /** How the two blocks relate: the rule's block contains the peer's, lies within it, or they are equal. */
  readonly relation: 'contains' | 'within' | 'equal';
  /** The traffic the rule admits from the peer that the NACLs let in too (never empty). */
  readonly reachable: Traffic[];
  /** The finding in one sentence, naming the group, the rule and the peer's block. */
  readonly message: string;
}

/**
 * The rules that let the external VPC in. `naclIngress` gives the traffic the NACLs allow in from the peer for one
 * address family (the planned ingress allow entries; with `blanketDeny: false` pass all traffic); rules on other
 * ports are stopped by the NACLs and not reported.
 */
export function checkSecurityGroupRules(
  rules: SecurityGroupRuleInput[], peers: PeerBlock[], naclIngress: (family: AddressFamily) => Traffic[],
): SecurityGroupFinding[] {
  const findings: SecurityGroupFinding[] = [];
  for (const rule of rules) {
    const protocol = protocolNumber(rule.protocol);
    if (protocol === undefined) {
      continue;
    }
    for (const [family, ruleCidr] of [['ipv4', rule.cidrIpv4], ['ipv6', rule.cidrIpv6]] as Array<[AddressFamily, string | undefined]>) {
      if (!isCidr(ruleCidr)) {
        continue;
      }
      const admitted = ruleTraffic(protocol, rule.fromPort, rule.toPort);
      if (!appliesToFamily(admitted, family)) {
        continue;
      }
      for (const peer of peers.filter(p => p.family === family && isCidr(p.cidr))) {
        if (!cidrsOverlap(ruleCidr, peer.cidr)) {
          continue;
        }
        const reachable = intersect(admitted, naclIngress(family).filter(t => appliesToFamily(t, family)));
        if (reachable.length === 0) {
          continue;
        }
        const relation = relationOf(ruleCidr, peer.cidr);
        findings.push({
          rule,
          ruleCidr,
          peerCidr: peer.cidr,
          family,
          relation,
          reachable,
          message: findingMessage(rule, ruleCidr, peer.cidr, relation, reachable),
        });
      }
    }
  }
  return findings;
}

/** A rule's traffic as people write it: "tcp 5432", "tcp 0-65535", "icmp type 8", "all traffic", "protocol 50". */
export function describeRule(rule: Pick<SecurityGroupRuleInput, 'protocol' | 'fromPort' | 'toPort'>): string {
  const protocol = protocolNumber(rule.protocol);
  if (protocol === undefined) {
    return `protocol ${rule.protocol}`;
  }
  return describe(ruleTraffic(protocol, rule.fromPort, rule.toPort));
}

function findingMessage(
  rule: SecurityGroupRuleInput, ruleCidr: string, peerCidr: string, relation: SecurityGroupFinding['relation'], reachable: Traffic[],
): string {
  const where = rule.rulePath === rule.group ? '' : ` (rule ${rule.rulePath})`;
  const described = rule.ruleDescription ? ` "${rule.ruleDescription}"` : '';
  const how = relation === 'contains' ? `which contains the external VPC's block ${peerCidr}`
    : relation === 'equal' ? `which is the external VPC's block ${peerCidr}` : `which is part of the external VPC's block ${peerCidr}`;
  return (
    `Security group ${rule.group}${where} allows ${describeRule(rule)} from ${ruleCidr}${described}, ${how}, and the ` +
    `Network ACLs let the external VPC in on ${listFew(reachable.map(describe))}: the third party can ` +
    'reach those ports. Allow only the security groups or CIDR blocks you trust, or acknowledge the warning if the ' +
    'external VPC is meant to reach them'
  );
}

/** The protocol number of `IpProtocol` as written; `undefined` when it cannot be read. */
export function protocolNumber(protocol: string | number): number | undefined {
  const named: Record<string, number> = { 'all': Protocol.ALL, '-1': Protocol.ALL, 'tcp': Protocol.TCP, 'udp': Protocol.UDP, 'icmp': Protocol.ICMP, 'icmpv6': Protocol.ICMPV6 };
  const text = String(protocol).trim().toLowerCase();
  if (text in named) {
    return named[text];
  }
  return /^\d{1,3}$/.test(text) && Number(text) <= 255 ? Number(text) : undefined;
}

function ruleTraffic(protocol: number, fromPort: number | undefined, toPort: number | undefined): Traffic {
  const reasons: string[] = [];
  if (protocol === Protocol.TCP || protocol === Protocol.UDP) {
    const all = fromPort === undefined || fromPort === -1;
    const portRange: PortRange = all ? { from: 0, to: 65535 } : { from: fromPort, to: toPort === undefined || toPort === -1 ? 65535 : toPort };
    return { protocol, portRange, reasons };
  }
  if (protocol === Protocol.ICMP || protocol === Protocol.ICMPV6) {
    const icmp: IcmpTypeCode = { type: fromPort ?? -1, code: fromPort === undefined || fromPort === -1 ? -1 : toPort ?? -1 };
    return { protocol, icmp, reasons };
  }
  return { protocol, reasons };
}

/** The traffic both `t` and one of `allowed` match. */
function intersect(t: Traffic, allowed: Traffic[]): Traffic[] {
  const out: Traffic[] = [];
  for (const a of allowed) {
    if (a.unresolved) {
      // A NACL port or type that is a token: the rule may meet it; report the NACL's side as written.
      if (t.protocol === Protocol.ALL || t.protocol === a.protocol) {
        out.push(a);
      }
      continue;
    }
    if (a.protocol === Protocol.ALL) {
      out.push(t);
    } else if (t.protocol === Protocol.ALL) {
      out.push(a);
    } else if (a.protocol === t.protocol) {
      if (t.portRange && a.portRange) {
        const from = Math.max(t.portRange.from, a.portRange.from);
        const to = Math.min(t.portRange.to, a.portRange.to);
        if (from <= to) {
          out.push({ protocol: t.protocol, portRange: { from, to }, reasons: [] });
        }
      } else if (t.icmp && a.icmp) {
        const icmp = intersectIcmp(t.icmp, a.icmp);
        if (icmp) {
          out.push({ protocol: t.protocol, icmp, reasons: [] });
        }
      } else if (!t.portRange && !a.portRange && !t.icmp && !a.icmp) {
        out.push(t);
      }
    }
  }
  const known = new Set<number>([Protocol.ALL, Protocol.TCP, Protocol.UDP, Protocol.ICMP, Protocol.ICMPV6]);
  const others = [...new Map(out.filter(o => !known.has(o.protocol)).map(o => [o.protocol, o])).values()];
  return [...mergeTraffic(out.filter(o => known.has(o.protocol))), ...others];
}

/** Like `describeTraffic`, with "protocol 50" for protocols that have no name. */
function describe(t: Traffic): string {
  return t.protocol === Protocol.ALL || t.portRange || t.icmp ? describeTraffic(t) : `protocol ${t.protocol}`;
}

function intersectIcmp(a: IcmpTypeCode, b: IcmpTypeCode): IcmpTypeCode | undefined {
  const meet = (x: number, y: number) => (x === -1 ? y : y === -1 ? x : x === y ? x : undefined);
  const type = meet(a.type, b.type);
  if (type === undefined) {
    return undefined;
  }
  const code = meet(a.type === -1 ? -1 : a.code, b.type === -1 ? -1 : b.code);
  return code === undefined ? undefined : { type, code };
}

function relationOf(ruleCidr: string, peerCidr: string): SecurityGroupFinding['relation'] {
  const len = (c: string) => Number(c.split('/')[1]);
  return len(ruleCidr) < len(peerCidr) ? 'contains' : len(ruleCidr) > len(peerCidr) ? 'within' : 'equal';
}

/**
 * The CIDR-sourced ingress rules a construct defines: the inline rules of a `CfnSecurityGroup`, or the rule of a
 * `CfnSecurityGroupIngress` (whose group is found through its `GroupId` reference, in any stack of the app). Values
 * are read with `Stack.of(r).resolve`; a rule whose protocol, ports or CIDR is a token it cannot read is skipped, and so
 * is a rule whose source is a security group or a prefix list. Anything else gives `[]`.
 */
export function securityGroupRulesOf(construct: IConstruct): SecurityGroupRuleInput[] {
  if (isCfn<ec2.CfnSecurityGroup>(construct, 'AWS::EC2::SecurityGroup')) {
    const stack = Stack.of(construct);
    const resolved = resolveInStack(stack, construct.securityGroupIngress);
    const inline = (Array.isArray(resolved) ? resolved : []) as Array<Record<string, unknown>>;
    const group = construct.node.path;
    const vpc = { vpcId: resolveInStack(stack, construct.vpcId), vpcKey: vpcKeyOf(construct, construct.vpcId) };
    return inline.flatMap(r => readRule(pascalCase(r), group, group, vpc));
  }
  if (isCfn<ec2.CfnSecurityGroupIngress>(construct, 'AWS::EC2::SecurityGroupIngress')) {
    const stack = Stack.of(construct);
    const owner = groupOf(construct, construct.groupId);
    const group = owner ? owner.node.path : describeGroupId(resolveEach(stack, { id: construct.groupId ?? construct.groupName }).id);
    const vpc = owner ? { vpcId: resolveInStack(Stack.of(owner), owner.vpcId), vpcKey: vpcKeyOf(owner, owner.vpcId) } : {};
    const fields = {
      IpProtocol: construct.ipProtocol,
      FromPort: construct.fromPort,
      ToPort: construct.toPort,
      CidrIp: construct.cidrIp,
      CidrIpv6: construct.cidrIpv6,
      Description: construct.description,
      SourceSecurityGroupId: construct.sourceSecurityGroupId,
      SourceSecurityGroupName: construct.sourceSecurityGroupName,
      SourcePrefixListId: construct.sourcePrefixListId,
    };
    return readRule(resolveEach(stack, fields), group, construct.node.path, vpc);
  }
  return [];
}

/** An inline rule resolves with the L1's camelCase keys (`ipProtocol`); CloudFormation's are PascalCase (`IpProtocol`). */
function pascalCase(rule: unknown): Record<string, unknown> {
  if (!rule || typeof rule !== 'object') {
    return {};
  }
  return Object.fromEntries(Object.entries(rule).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), v]));
}

/**
 * What a value resolves to in a stack. Before the app is prepared, a reference to another stack's resource cannot be
 * resolved (`Stack.resolve` throws "has not been assigned a value"); it is then resolved as in preparation, to the
 * other stack's intrinsic, which no rule reads as a literal.
 */
function resolveInStack(stack: Stack, value: unknown): unknown {
  try {
    return stack.resolve(value);
  } catch {
    try {
      return Tokenization.resolve(value, { scope: stack, preparing: true, resolver: new DefaultTokenResolver(new StringConcat()) });
    } catch {
      return { unreadable: true };
    }
  }
}

/** Resolves each field on its own, so that one that cannot be read does not stop the others. */
function resolveEach(stack: Stack, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined) {
      out[k] = resolveInStack(stack, v);
    }
  }
  return out;
}

/** Reads one rule (CloudFormation property names, resolved); `[]` when it has no literal CIDR source or cannot be read. */
function readRule(
  r: Record<string, unknown>, group: string, rulePath: string, vpc: { vpcId?: unknown; vpcKey?: string },
): SecurityGroupRuleInput[] {
  if (r.SourceSecurityGroupId !== undefined || r.SourceSecurityGroupName !== undefined || r.SourcePrefixListId !== undefined) {
    return [];
  }
  const cidrIpv4 = isCidr(r.CidrIp) ? r.CidrIp : undefined;
  const cidrIpv6 = isCidr(r.CidrIpv6) ? r.CidrIpv6 : undefined;
  const protocol = r.IpProtocol;
  if ((!cidrIpv4 && !cidrIpv6) || (typeof protocol !== 'string' && typeof protocol !== 'number')) {
    return [];
  }
  const port = (v: unknown): number | undefined | null => {
    if (v === undefined) {
      return undefined;
    }
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
    return Number.isInteger(n) ? n : null;
  };
  const fromPort = port(r.FromPort);
  const toPort = port(r.ToPort);
  if (fromPort === null || toPort === null || protocolNumber(protocol) === undefined) {
    return [];
  }
  return [{
    group,
    rulePath,
    ruleDescription: typeof r.Description === 'string' ? r.Description : undefined,
    protocol,
    fromPort,
    toPort,
    cidrIpv4,
    cidrIpv6,
    vpcId: vpc.vpcId,
    vpcKey: vpc.vpcKey,
  }];
}

/**
 * A key of a VPC id that is equal for two values exactly when they name the same VPC, in any stack of the app: a
 * reference to a resource of the app (`vpc.vpcId` of a `new ec2.Vpc`, also from another stack) is keyed by that
 * resource's construct path, anything else (a literal `vpc-…`, an `Fn::ImportValue`) by what it resolves to in the
 * stack of `scope`.
 */
export function vpcKeyOf(scope: IConstruct, vpcId: string | undefined): string | undefined {
  return vpcId === undefined ? undefined : ValueIdentity.of(scope).identity(vpcId);
}

/** The `CfnSecurityGroup` of the app that a `GroupId` value references (`Fn::GetAtt [sg, GroupId]`), if any. */
function groupOf(scope: IConstruct, groupId: string | undefined): ec2.CfnSecurityGroup | undefined {
  const target = groupId === undefined ? undefined : ValueIdentity.of(scope).referenceOf(groupId)?.target;
  return isCfn<ec2.CfnSecurityGroup>(target, 'AWS::EC2::SecurityGroup') ? target : undefined;
}

function describeGroupId(resolved: unknown): string {
  return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
}
