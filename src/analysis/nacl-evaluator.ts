/**
 * Evaluates the Network ACL entries of a synthesized CloudFormation template the way AWS does, so tests can ask
 * "is this packet allowed?" instead of asserting rule numbers.
 *
 * AWS semantics mirrored here (VPC user guide, "Network ACLs"):
 * - rules are evaluated per direction, lowest rule number first, and the first matching rule decides;
 * - a rule with `CidrBlock` only ever sees IPv4 traffic, a rule with `Ipv6CidrBlock` only IPv6 traffic;
 * - every NACL ends with an implicit deny (`*`);
 * - protocol -1 matches every protocol (ports and ICMP type/code are ignored), TCP (6) and UDP (17) match on the
 *   port range (inclusive), ICMP (1, IPv4) and ICMPv6 (58, IPv6) match on type/code with -1 as a wildcard, and any
 *   other protocol (including 58 on an IPv4 rule) matches on the protocol number alone;
 * - NACLs are stateless: a reply is a packet of its own, in the other direction, to be evaluated separately.
 */
import * as ipaddr from 'ipaddr.js';
import { CfnTemplate, cfnBoolean, cfnInteger, NACL_ENTRY_TYPE, resourcesOfType } from './template';

/** What a NACL rule does with a matching packet (`RuleAction`). */
export type NaclAction = 'allow' | 'deny';

/**
 * One NACL rule in normalised form. Template entries (see {@link NaclEntry}) and hand-made rules passed as
 * `extraEntries` share this shape. Exactly one of `cidrBlock` / `ipv6CidrBlock` is set, as AWS requires.
 */
export interface NaclRule {
  /** `Egress`: true for outbound rules, false (the CloudFormation default) for inbound rules. */
  readonly egress: boolean;
  /** `RuleNumber`, 1-32766; lower numbers are evaluated first. */
  readonly ruleNumber: number;
  /** `RuleAction`. */
  readonly action: NaclAction;
  /** `Protocol` number: -1 all, 1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6, or any other IP protocol number. */
  readonly protocol: number;
  /** `PortRange.From` / `PortRange.To`, inclusive; required (and only used) for TCP and UDP. */
  readonly portRange?: { readonly from: number; readonly to: number };
  /** `Icmp.Type` / `Icmp.Code`, -1 meaning all; required for ICMP and for ICMPv6 on an IPv6 rule. */
  readonly icmp?: { readonly type: number; readonly code: number };
  /** `CidrBlock`: the rule applies to IPv4 traffic whose remote address is in this range. */
  readonly cidrBlock?: string;
  /** `Ipv6CidrBlock`: the rule applies to IPv6 traffic whose remote address is in this range. */
  readonly ipv6CidrBlock?: string;
  /** Logical id of the template resource, when the rule comes from a template. */
  readonly logicalId?: string;
  /** NACL the rule belongs to (see {@link NaclEntry.aclKey}), when known. */
  readonly aclKey?: string;
}

/** An `AWS::EC2::NetworkAclEntry` of a template, normalised by {@link naclEntriesFromTemplate}. */
export interface NaclEntry extends NaclRule {
  readonly logicalId: string;
  /**
   * `JSON.stringify(Properties.NetworkAclId)`: identifies the NACL whether its id is a literal (`'"acl-123"'`) or an
   * intrinsic (`'{"Fn::GetAtt":["Vpc8378EB38","DefaultNetworkAcl"]}'`, `'{"Ref":"MyAcl"}'`).
   */
  readonly aclKey: string;
}

/** A packet crossing a NACL, as seen from inside the VPC. */
export interface Packet {
  /** `ingress`: entering the subnet (inbound rules); `egress`: leaving it (outbound rules). */
  readonly direction: 'ingress' | 'egress';
  /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...). */
  readonly protocol: number;
  /**
   * Destination port (NACL port ranges always filter on it): the local port of an ingress packet, the remote port of an
   * egress one; replies go to the client's ephemeral port. Required for TCP and UDP.
   */
  readonly port?: number;
  /** ICMP type; required for ICMP to an IPv4 remote and ICMPv6 to an IPv6 remote. */
  readonly icmpType?: number;
  /** ICMP code; required together with `icmpType`. */
  readonly icmpCode?: number;
  /** Address on the other side: the source of an ingress packet, the destination of an egress one (IPv4 or IPv6). */
  readonly remote: string;
}

/** The outcome of {@link evaluate}: the decision and the rule that made it (`'*'` for the implicit deny). */
export interface Verdict {
  readonly decision: NaclAction;
  readonly ruleNumber: number | '*';
  /** Logical id of the deciding template entry; absent for the implicit deny, default and extra rules. */
  readonly logicalId?: string;
}

/** Options of {@link evaluate} and {@link evaluateInAcl}. */
export interface EvaluateOptions {
  /**
   * Add the rules every VPC default NACL has and CloudFormation cannot remove: allow all IPv4 traffic at rule 100 and
   * all IPv6 traffic at rule 101, in both directions. Use it when the entries are in the default NACL.
   */
  readonly defaultNaclRules?: boolean;
  /** Further rules the NACL holds outside the template, e.g. `allowAllRules(100)` for a typical hand-made NACL. */
  readonly extraEntries?: readonly NaclRule[];
}

/**
 * Allow-all rules in both directions, IPv4 at `ipv4RuleNumber` and, when given, IPv6 at `ipv6RuleNumber`: the shape of
 * a default NACL (`allowAllRules(100, 101)`) and of the usual hand-made "allow everything" NACL.
 */
export function allowAllRules(ipv4RuleNumber: number, ipv6RuleNumber?: number): NaclRule[] {
  const rules: NaclRule[] = [];
  for (const egress of [false, true]) {
    rules.push({ egress, ruleNumber: ipv4RuleNumber, action: 'allow', protocol: -1, cidrBlock: '0.0.0.0/0' });
    if (ipv6RuleNumber !== undefined) {
      rules.push({ egress, ruleNumber: ipv6RuleNumber, action: 'allow', protocol: -1, ipv6CidrBlock: '::/0' });
    }
  }
  return rules;
}

/** The rules of a VPC's default NACL: allow all at 100 (IPv4) and 101 (IPv6), both directions. */
export const DEFAULT_NACL_RULES: readonly NaclRule[] = allowAllRules(100, 101);

/**
 * Every `AWS::EC2::NetworkAclEntry` of the template, normalised (numbers from numeric strings, `Egress` absent → false,
 * `RuleAction` lower-cased), in template order. Throws a descriptive error for an entry AWS would reject or that cannot
 * be evaluated: invalid or non-literal CIDR, both or neither CIDR kinds, missing `PortRange` for TCP/UDP, missing
 * `Icmp` for ICMP, rule number outside 1-32766.
 */
export function naclEntriesFromTemplate(template: CfnTemplate): NaclEntry[] {
  return resourcesOfType(template, NACL_ENTRY_TYPE).map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    const fail = (msg: string): never => {
      throw new Error(`${NACL_ENTRY_TYPE} ${logicalId}: ${msg}`);
    };
    const int = (value: unknown, name: string): number => cfnInteger(value) ?? fail(`${name} ${JSON.stringify(value)} is not an integer`);
    const portRange = p.PortRange as Record<string, unknown> | undefined;
    const icmp = p.Icmp as Record<string, unknown> | undefined;
    const action = typeof p.RuleAction === 'string' ? p.RuleAction.toLowerCase() : undefined;
    if (action !== 'allow' && action !== 'deny') fail(`RuleAction ${JSON.stringify(p.RuleAction)} is neither allow nor deny`);
    if (p.NetworkAclId === undefined) fail('NetworkAclId is missing');
    const entry: NaclEntry = {
      logicalId,
      aclKey: JSON.stringify(p.NetworkAclId),
      egress: cfnBoolean(p.Egress, false) ?? fail(`Egress ${JSON.stringify(p.Egress)} is not a boolean`),
      ruleNumber: int(p.RuleNumber, 'RuleNumber'),
      action: action as NaclAction,
      protocol: int(p.Protocol, 'Protocol'),
      portRange: portRange && { from: int(portRange.From, 'PortRange.From'), to: int(portRange.To, 'PortRange.To') },
      icmp: icmp && { type: int(icmp.Type, 'Icmp.Type'), code: int(icmp.Code, 'Icmp.Code') },
      cidrBlock: p.CidrBlock as string | undefined,
      ipv6CidrBlock: p.Ipv6CidrBlock as string | undefined,
    };
    checkRule(entry, `${NACL_ENTRY_TYPE} ${logicalId}`);
    return entry;
  });
}

/** The distinct NACLs (as `aclKey`s, see {@link NaclEntry.aclKey}) that the template's entries belong to, sorted. */
export function aclKeys(template: CfnTemplate): string[] {
  return [...new Set(naclEntriesFromTemplate(template).map((e) => e.aclKey))].sort();
}

/**
 * Decides a packet the way one NACL does: among the rules of the packet's direction and address family (plus the
 * default-NACL and extra rules of `options`), the lowest-numbered matching rule decides; without a match the implicit
 * deny `*` does. Template order is irrelevant.
 *
 * Also throws when the rules cannot belong to one real NACL: entries of several NACLs (pick one with
 * {@link evaluateInAcl}), or two rules with the same number in one direction (that deploy fails with
 * `NetworkAclEntryAlreadyExists`, whatever the address family).
 */
export function evaluate(entries: readonly NaclRule[], packet: Packet, options: EvaluateOptions = {}): Verdict {
  return naclDecider(entries, options)(packet);
}

/**
 * {@link evaluate} prepared once for many packets: checks the rules and orders them per direction up front, and
 * returns the function that decides a packet. Throws as `evaluate` does (entries of several NACLs at once, a rule number
 * used twice in the direction of a packet, the latter when such a packet is decided).
 */
export function naclDecider(entries: readonly NaclRule[], options: EvaluateOptions = {}): (packet: Packet) => Verdict {
  const rules = [...entries, ...(options.extraEntries ?? []), ...(options.defaultNaclRules ? DEFAULT_NACL_RULES : [])];
  for (const r of rules) {
    if (!checkedRules.has(r)) {
      checkRule(r, ruleLabel(r));
      checkedRules.add(r);
    }
  }

  const acls = new Set(rules.flatMap((r) => (r.aclKey === undefined ? [] : [r.aclKey])));
  if (acls.size > 1) throw new Error(`evaluate() got entries of ${acls.size} NACLs (${[...acls].join(', ')}); evaluate one NACL at a time`);

  const ordered = (egress: boolean) => rules.filter((r) => r.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber)
    .map((rule) => ({ rule, range: parsedCidr(rule.cidrBlock ?? rule.ipv6CidrBlock!) }));
  const byDirection = { egress: ordered(true), ingress: ordered(false) };
  return (packet) => {
    const remote = parsePacket(packet);
    const directional = byDirection[packet.direction];
    for (let i = 1; i < directional.length; i++) {
      if (directional[i].rule.ruleNumber === directional[i - 1].rule.ruleNumber) {
        throw new Error(`${packet.direction} rule number ${directional[i].rule.ruleNumber} is used twice (${ruleLabel(directional[i - 1].rule)}, `
          + `${ruleLabel(directional[i].rule)}): the deploy would fail with NetworkAclEntryAlreadyExists`);
      }
    }
    for (const { rule, range } of directional) {
      if (range[0].kind() !== remote.kind() || !remote.match(range)) continue;
      if (protocolMatches(rule, packet)) return { decision: rule.action, ruleNumber: rule.ruleNumber, logicalId: rule.logicalId };
    }
    return { decision: 'deny', ruleNumber: '*' };
  };
}

/**
 * {@link evaluate} over the entries of one NACL of the template. `acl` is a key from {@link aclKeys}, or the
 * `NetworkAclId` value itself (a literal id such as `'acl-123'` or an intrinsic such as
 * `{ 'Fn::GetAtt': ['Vpc8378EB38', 'DefaultNetworkAcl'] }`), or a predicate over the keys that must select exactly one
 * NACL. Throws when nothing in the template matches, so a mistyped key cannot silently evaluate an empty NACL
 * (use `evaluate([], ...)` for a NACL the template leaves alone).
 */
export function evaluateInAcl(
  template: CfnTemplate,
  acl: string | object | ((aclKey: string) => boolean),
  packet: Packet,
  options: EvaluateOptions = {},
): Verdict {
  const entries = naclEntriesFromTemplate(template);
  const known = [...new Set(entries.map((e) => e.aclKey))];
  let selected: NaclEntry[];
  if (typeof acl === 'function') {
    selected = entries.filter((e) => acl(e.aclKey));
  } else {
    const key = typeof acl === 'string' && known.includes(acl) ? acl : JSON.stringify(acl);
    selected = entries.filter((e) => e.aclKey === key);
  }
  if (selected.length === 0) throw new Error(`no NetworkAclEntry of the template belongs to the NACL asked for; NACLs in the template: ${known.join(', ') || 'none'}`);
  return evaluate(selected, packet, options);
}

/** Rule objects already found valid by {@link checkRule}: evaluating many packets checks each rule once. */
const checkedRules = new WeakSet<NaclRule>();
const cidrCache = new Map<string, [ipaddr.IPv4 | ipaddr.IPv6, number]>();

function parsedCidr(cidr: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  let parsed = cidrCache.get(cidr);
  if (parsed === undefined) {
    parsed = ipaddr.parseCIDR(cidr);
    cidrCache.set(cidr, parsed);
  }
  return parsed;
}

const addressCache = new Map<string, ipaddr.IPv4 | ipaddr.IPv6 | undefined>();

/** The parsed address, `undefined` when it is not an IPv4 (four-part decimal) or IPv6 address; remembers recent ones. */
function parsedAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (addressCache.has(text)) return addressCache.get(text);
  const parsed = typeof text === 'string' && (ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text)) ? ipaddr.parse(text) : undefined;
  if (addressCache.size >= 10000) addressCache.clear();
  addressCache.set(text, parsed);
  return parsed;
}

function ruleLabel(rule: NaclRule): string {
  return rule.logicalId ?? `${rule.egress ? 'egress' : 'ingress'} rule ${rule.ruleNumber} (${rule.cidrBlock ?? rule.ipv6CidrBlock})`;
}

/** Throws if AWS would reject the rule (or it cannot be evaluated); `where` starts the message. */
export function checkRule(rule: NaclRule, where: string): void {
  const fail = (msg: string): never => {
    throw new Error(`${where}: ${msg}`);
  };
  if (!Number.isInteger(rule.ruleNumber) || rule.ruleNumber < 1 || rule.ruleNumber > 32766) fail(`RuleNumber ${rule.ruleNumber} is outside 1-32766`);
  if (!Number.isInteger(rule.protocol) || rule.protocol < -1 || rule.protocol > 255) fail(`Protocol ${rule.protocol} is not -1 or an IP protocol number`);
  if ((rule.cidrBlock === undefined) === (rule.ipv6CidrBlock === undefined)) fail('exactly one of CidrBlock and Ipv6CidrBlock must be set');
  if (rule.cidrBlock !== undefined) {
    if (typeof rule.cidrBlock !== 'string') fail(`CidrBlock ${JSON.stringify(rule.cidrBlock)} is not a literal string, so it cannot be evaluated`);
    if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(rule.cidrBlock)) fail(`CidrBlock ${JSON.stringify(rule.cidrBlock)} is not a valid IPv4 CIDR`);
  }
  if (rule.ipv6CidrBlock !== undefined) {
    if (typeof rule.ipv6CidrBlock !== 'string') fail(`Ipv6CidrBlock ${JSON.stringify(rule.ipv6CidrBlock)} is not a literal string, so it cannot be evaluated`);
    if (!ipaddr.IPv6.isValidCIDR(rule.ipv6CidrBlock)) fail(`Ipv6CidrBlock ${JSON.stringify(rule.ipv6CidrBlock)} is not a valid IPv6 CIDR`);
  }
  if ((rule.protocol === 6 || rule.protocol === 17) && !rule.portRange) fail(`PortRange is required for protocol ${rule.protocol}`);
  if (icmpApplies(rule.protocol, rule.ipv6CidrBlock !== undefined) && !rule.icmp) fail(`Icmp is required for protocol ${rule.protocol}`);
}

/** ICMP type/code filtering applies to ICMP on IPv4 and ICMPv6 on IPv6 only. */
function icmpApplies(protocol: number, ipv6: boolean): boolean {
  return (protocol === 1 && !ipv6) || (protocol === 58 && ipv6);
}

/**
 * Whether the rule matches the packet's protocol part: protocol -1 always; TCP/UDP by port range (inclusive);
 * ICMP (IPv4 rule) and ICMPv6 (IPv6 rule) by type and code, -1 matching all; any other protocol by number alone.
 * Direction and remote address are not looked at.
 */
export function protocolMatches(rule: NaclRule, packet: Packet): boolean {
  if (rule.protocol === -1) return true;
  if (rule.protocol !== packet.protocol) return false;
  if (rule.protocol === 6 || rule.protocol === 17) return packet.port! >= rule.portRange!.from && packet.port! <= rule.portRange!.to;
  if (icmpApplies(rule.protocol, rule.ipv6CidrBlock !== undefined)) {
    const { type, code } = rule.icmp!;
    return (type === -1 || type === packet.icmpType) && (code === -1 || code === packet.icmpCode);
  }
  return true;
}

/** Validates the packet and returns its parsed remote address. */
function parsePacket(packet: Packet): ipaddr.IPv4 | ipaddr.IPv6 {
  const fail = (msg: string): never => {
    throw new Error(`invalid packet ${JSON.stringify(packet)}: ${msg}`);
  };
  if (packet.direction !== 'ingress' && packet.direction !== 'egress') fail('direction must be ingress or egress');
  const remote = parsedAddress(packet.remote) ?? fail('remote is not an IPv4 or IPv6 address');
  const isInt = (v: number | undefined, max: number) => v !== undefined && Number.isInteger(v) && v >= 0 && v <= max;
  if (!isInt(packet.protocol, 255)) fail('protocol must be an IP protocol number 0-255');
  if ((packet.protocol === 6 || packet.protocol === 17) && !isInt(packet.port, 65535)) fail('TCP and UDP packets need a port 0-65535');
  if (icmpApplies(packet.protocol, remote.kind() === 'ipv6') && !(isInt(packet.icmpType, 255) && isInt(packet.icmpCode, 255))) {
    fail('ICMP packets need icmpType and icmpCode 0-255');
  }
  return remote;
}
