/**
 * Validation and normalisation of the props, one function per concern. Every message names the prop, shows the value
 * and says the fix. Unresolved tokens are accepted as they are.
 */
import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { validatePeeringConnectionId } from './ids';
import { trafficOfPresets } from './presets';
import { EphemeralPorts } from '../../ephemeral-ports';
import { SecurityGroupCheck } from '../../security-group-check';
import { VpcPeeringExternalProps } from '../../vpc-peering-external-props';
import { PeeringWarnings } from '../../warnings';
import { shortHash, ValueIdentity } from '../cdk/value-identity';
import { AddressFamily, cidrsOverlap, validateCidr } from '../core/cidr';
import { broaderThanAsked, broaderThanAskedMessage } from '../core/effective-policy';
import { entriesPerNacl, PeeringPolicy, policyOf } from '../core/policy';
import { describeTraffic, PortRange, Protocol, protocolName, Traffic } from '../core/traffic';
import { AUTOMATIC_BAND, cidrName, dirName, ExternalCidr, orderKeyOf, RuleBand } from '../plan/types';
import { PeeringIntent } from '../stage-types';

/** The quota of rules per NACL, direction and address family that AWS sets by default. */
export const DEFAULT_QUOTA = 20;

/** The highest quota of rules per NACL and direction that AWS grants. */
export const MAX_QUOTA = 40;

/** What a token stands for, stably: its key (equal for equal values) and a readable name for ids. */
export interface TokenNames {
  readonly keyOf: (token: string) => string;
  readonly nameOf: (token: string) => string;
}

/**
 * Validates both lists of external CIDR blocks and returns them as one list, literal blocks in their canonical form.
 * A token gets its stable key (what it resolves to), by which the plan orders blocks, and a readable name.
 */
export function validateExternalCidrs(ipv4: string[] | undefined, ipv6: string[] | undefined, tokens: TokenNames): ExternalCidr[] {
  if (Token.isUnresolved(ipv4) || Token.isUnresolved(ipv6)) {
    throw new Error(
      'externalCidrBlocks and externalIpv6CidrBlocks must be lists of strings, not a list token: one route and set of ' +
      'rules is made per block, so the number of blocks must be known at synth time (tokens as elements are fine)',
    );
  }
  const given: Array<{ cidr: string; family: AddressFamily; where: string }> = [
    ...(ipv4 ?? []).map((cidr, i) => ({ cidr, family: 'ipv4' as AddressFamily, where: `externalCidrBlocks[${i}]` })),
    ...(ipv6 ?? []).map((cidr, i) => ({ cidr, family: 'ipv6' as AddressFamily, where: `externalIpv6CidrBlocks[${i}]` })),
  ];
  if (given.length === 0) {
    throw new Error(
      'externalCidrBlocks is empty (and so is externalIpv6CidrBlocks): give every CIDR block of the external VPC, ' +
      "e.g. externalCidrBlocks: ['10.200.0.0/16']",
    );
  }
  const all = given.map(c => {
    const token = Token.isUnresolved(c.cidr);
    const cidr = token ? c.cidr : validateCidr(c.cidr, c.family, c.where);
    return { ...c, cidr, token, sortKey: token ? tokens.keyOf(c.cidr) : cidr, name: token ? tokens.nameOf(c.cidr) : cidrName(cidr) };
  });
  const concrete = all.filter(c => !c.token);
  concrete.forEach((a, i) => concrete.slice(0, i).forEach(b => {
    if (a.cidr === b.cidr) {
      throw new Error(`${a.where} '${given[all.indexOf(a)].cidr}' is listed twice (also ${b.where}): list each CIDR block once`);
    }
    if (cidrsOverlap(a.cidr, b.cidr)) {
      throw new Error(
        `${a.where} '${a.cidr}' overlaps ${b.where} '${b.cidr}': the CIDR blocks of one VPC never overlap, ` +
        'so one of them is wrong; list each block of the external VPC exactly as it is',
      );
    }
  }));
  const unresolved = all.filter(c => c.token);
  unresolved.forEach((a, i) => unresolved.slice(0, i).forEach(b => {
    if (a.sortKey === b.sortKey) {
      throw new Error(`${a.where} is listed twice (also ${b.where}): list each CIDR block once`);
    }
  }));
  return all.map(({ cidr, family, sortKey, name }) => ({ cidr, family, sortKey, name }));
}

/**
 * Normalises a list of `AclTraffic` to the plan's traffic model, validating ports and ICMP types. `nameOf` names the
 * values of traffic with tokens (`Traffic.name`).
 */
export function normalizeTraffic(
  list: ec2.AclTraffic[] | undefined, prop: 'allowOutbound' | 'allowInbound', families: Set<AddressFamily>,
  nameOf: (values: object) => string,
): Traffic[] {
  return (list ?? []).map((traffic, i) => {
    const where = `${prop}[${i}]`;
    const config = traffic.toTrafficConfig();
    const protocol = config.protocol;
    const reasons = [prop === 'allowOutbound' ? 'outbound' : 'inbound'];
    if (protocol === Protocol.TCP || protocol === Protocol.UDP) {
      const range = config.portRange;
      if (!range || range.from === undefined || range.to === undefined) {
        throw new Error(`${where} (${protocolName(protocol)}) has no port range: use ec2.AclTraffic.${protocolName(protocol)}Port(443) or ${protocolName(protocol)}PortRange(from, to)`);
      }
      const portRange = validatePortRange(range, where);
      return { protocol, portRange, reasons, ...tokenFields(portRange, nameOf) };
    }
    if (protocol === Protocol.ICMP || protocol === Protocol.ICMPV6) {
      const family: AddressFamily = protocol === Protocol.ICMP ? 'ipv4' : 'ipv6';
      if (!families.has(family)) {
        const other = family === 'ipv4' ? 'externalCidrBlocks' : 'externalIpv6CidrBlocks';
        throw new Error(
          `${where} (${describeTraffic({ protocol, icmp: { type: config.icmp?.type ?? -1, code: config.icmp?.code ?? -1 } })}) ` +
          `only applies to ${family === 'ipv4' ? 'IPv4' : 'IPv6'}, but ${other} is empty: ` +
          `use ec2.AclTraffic.${family === 'ipv4' ? 'icmpv6' : 'icmp'}() or add the external ${family === 'ipv4' ? 'IPv4' : 'IPv6'} blocks`,
        );
      }
      const name = protocolName(protocol);
      if (config.icmp?.type === undefined || config.icmp?.code === undefined) {
        throw new Error(
          `${where} (${name}) needs an ICMP type and code: e.g. ec2.AclTraffic.${name}({ type: ${protocol === Protocol.ICMP ? 8 : 128}, code: -1 }) ` +
          `for echo requests, or { type: -1, code: -1 } for all of ${name}`,
        );
      }
      const icmp = { type: config.icmp.type, code: config.icmp.code };
      for (const [field, value] of Object.entries(icmp)) {
        if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < -1 || value > 255)) {
          throw new Error(`${where} ICMP ${field} ${value} is not valid: use 0-255, or -1 for all`);
        }
      }
      if (icmp.type === -1 && icmp.code !== -1 && !Token.isUnresolved(icmp.code)) {
        throw new Error(`${where} ICMP code ${icmp.code} is given without a type: give the type too, or -1 for both`);
      }
      return { protocol, icmp, reasons, ...tokenFields(icmp, nameOf) };
    }
    if (protocol === Protocol.ALL) {
      return { protocol, reasons };
    }
    throw new Error(`${where} uses protocol ${protocol}: only tcp, udp, icmp, icmpv6 and all traffic are supported`);
  });
}

/** Requires some traffic to be allowed at all. */
export function validateSomeTraffic(outbound: Traffic[], inbound: Traffic[]): void {
  if (outbound.length === 0 && inbound.length === 0) {
    throw new Error(
      'allowOutbound is empty (and so is allowInbound): name the traffic the private subnets may open to the external ' +
      'VPC, e.g. allowOutbound: [ec2.AclTraffic.tcpPort(443)], or what the external VPC may open to them in allowInbound',
    );
  }
}

/** Validates a port range (0-65535, from <= to), accepting tokens. */
export function validatePortRange(range: ec2.AclPortRange, where: string): PortRange {
  const { from, to } = range;
  if (from === undefined || to === undefined) {
    throw new Error(`${where} needs both 'from' and 'to', e.g. { from: 1024, to: 65535 }`);
  }
  for (const [field, port] of [['from', from], ['to', to]] as const) {
    if (!Token.isUnresolved(port) && (!Number.isInteger(port) || port < 0 || port > 65535)) {
      throw new Error(`${where} port ${port} ('${field}') is outside 0-65535: ports are whole numbers from 0 to 65535`);
    }
  }
  if (!Token.isUnresolved(from) && !Token.isUnresolved(to) && from > to) {
    throw new Error(`${where} ${from}-${to} is reversed: 'from' (${from}) must not be above 'to' (${to}); write { from: ${to}, to: ${from} }`);
  }
  return { from, to };
}

/**
 * The ephemeral range lets the replies in, and so anything sent to those ports: a range below 1024 would let the
 * external VPC reach the well-known services (ssh 22, smtp 25, smb 445...), which no client
 * uses as its source port.
 */
export function validateEphemeralRange(range: ec2.AclPortRange): PortRange {
  const checked = validatePortRange(range, 'ephemeralPortRange');
  if (!Token.isUnresolved(checked.from) && checked.from < 1024) {
    throw new Error(
      `ephemeralPortRange ${checked.from}-${checked.to} reaches below 1024: the replies' allow rules would let the external ` +
      'VPC open connections to the well-known ports of your subnets too (ssh 22, smb 445, ...), and no client sends from ' +
      'them. Use EphemeralPorts.ALL_CLIENTS (1024-65535), EphemeralPorts.LINUX (32768-60999) or EphemeralPorts.WINDOWS ' +
      '(49152-65535), or a range that starts at 1024 or above',
    );
  }
  return checked;
}

/** Throws unless `n` is a rule number (1-32766); `where` names the prop. */
export function validateRuleNumber(n: number, where: string): void {
  if (Token.isUnresolved(n) || !Number.isInteger(n) || n < 1 || n > 32766) {
    throw new Error(`${where} ${n} is not a rule number: Network ACL rule numbers are whole numbers from 1 to 32766`);
  }
}

/** Validates the rule-number band and the quota. */
export function validateNumbers(first: number, last: number, maxRules: number): void {
  validateRuleNumber(first, 'firstRuleNumber');
  validateRuleNumber(last, 'lastRuleNumber');
  if (first > last) {
    throw new Error(`firstRuleNumber ${first} is above lastRuleNumber ${last}: the band [firstRuleNumber, lastRuleNumber] is empty`);
  }
  if (Token.isUnresolved(maxRules) || !Number.isInteger(maxRules) || maxRules < 1 || maxRules > MAX_QUOTA) {
    throw new Error(
      `maxRulesPerNetworkAcl ${maxRules} is not a possible quota: AWS allows 20 rules per Network ACL, direction and ` +
      `address family by default, and at most ${MAX_QUOTA} after a quota increase`,
    );
  }
}

/**
 * Throws when the band `[first, last]` cannot hold the entries the policy needs in one NACL and direction. Depends on
 * the props alone, so it is checked when the construct is created.
 */
export function validateBandHolds(policy: PeeringPolicy, cidrs: ExternalCidr[], { first, last }: RuleBand): void {
  for (const egress of [false, true]) {
    const { allows, denies } = entriesPerNacl(policy, cidrs, egress);
    if (allows + denies > last - first + 1) {
      throw new Error(
        `firstRuleNumber ${first} to lastRuleNumber ${last} holds ${last - first + 1} rule numbers, but ` +
        `${allows + denies} ${dirName(egress)} entries are needed in one Network ACL ` +
        `(${allows} allow, ${denies} deny): widen the band, allow fewer port ranges or use fewer CIDR blocks`,
      );
    }
  }
}

/** `unresolved` and `name` for traffic whose values hold tokens; nothing for literal traffic. */
function tokenFields(values: object, nameOf: (values: object) => string): Pick<Traffic, 'unresolved' | 'name'> {
  return hasTokens(values) ? { unresolved: true, name: nameOf(values) } : {};
}

function hasTokens(values: object): boolean {
  return Object.values(values).some(v => Token.isUnresolved(v));
}

/** Validates every prop that can be checked without reading the app; throws the first problem. */
export function validateProps(props: VpcPeeringExternalProps, scope: IConstruct): PeeringIntent {
  validatePeeringConnectionId(props.vpcPeeringConnectionId);
  const identity = ValueIdentity.of(scope);
  const externalCidrs = validateExternalCidrs(props.externalCidrBlocks, props.externalIpv6CidrBlocks, {
    keyOf: t => identity.identity(t),
    nameOf: t => cidrName(identity.name(t)),
  });
  const nameOf = (values: object) => `H${shortHash(JSON.stringify(identity.resolve(values)))}`;
  const families = new Set(externalCidrs.map(c => c.family));
  // Presets come after the props' own traffic, so that messages about allowOutbound[i] name the user's entries.
  const presetTraffic = trafficOfPresets(props.presets);
  const allowOutbound = normalizeTraffic([...props.allowOutbound ?? [], ...presetTraffic.outbound], 'allowOutbound', families, nameOf);
  const allowInbound = normalizeTraffic([...props.allowInbound ?? [], ...presetTraffic.inbound], 'allowInbound', families, nameOf);
  validateSomeTraffic(allowOutbound, allowInbound);
  const ephemeralPortRange = validateEphemeralRange(props.ephemeralPortRange ?? EphemeralPorts.ALL_CLIENTS);
  const explicitBand = props.firstRuleNumber !== undefined || props.lastRuleNumber !== undefined;
  const band = { first: props.firstRuleNumber ?? AUTOMATIC_BAND.first, last: props.lastRuleNumber ?? AUTOMATIC_BAND.last };
  const maxRules = props.maxRulesPerNetworkAcl ?? DEFAULT_QUOTA;
  validateNumbers(band.first, band.last, maxRules);
  if (props.createNetworkAcl && props.networkAcls) {
    throw new Error(
      'createNetworkAcl and networkAcls are both given: createNetworkAcl makes a NACL for the selected subnets, ' +
      'networkAcls names the NACLs to use instead. Keep one of them',
    );
  }
  if (props.networkAcls && props.networkAcls.length === 0) {
    throw new Error(
      'networkAcls is empty, so the peering would be routed with no Network ACL rule at all: leave networkAcls out to ' +
      'use the NACLs of the selected subnets, or list the NACLs that get the allow and deny rules',
    );
  }
  (props.existingNetworkAclRules ?? []).forEach((rules, i) => {
    for (const [field, numbers] of [['ruleNumbers', rules.ruleNumbers], ['ipv6RuleNumbers', rules.ipv6RuleNumbers]] as const) {
      (numbers ?? []).forEach((n, k) => {
        if (!Token.isUnresolved(n)) validateRuleNumber(n, `existingNetworkAclRules[${i}].${field}[${k}]`);
      });
    }
  });
  const policy = policyOf({
    allowOutbound,
    allowInbound,
    ephemeralPortRange,
    ephemeralUnresolved: tokenFields(ephemeralPortRange, nameOf).unresolved,
    ephemeralName: tokenFields(ephemeralPortRange, nameOf).name,
    allowPathMtuDiscovery: props.allowPathMtuDiscovery ?? true,
  }, props.blanketDeny ?? true);
  if (explicitBand) {
    // Automatic numbers are checked by the plan, against what the NACL has free.
    validateBandHolds(policy, externalCidrs, band);
  }
  return {
    vpc: props.vpc,
    subnets: props.subnets,
    vpcPeeringConnectionId: props.vpcPeeringConnectionId,
    rules: {
      externalCidrs,
      policy,
      band: explicitBand ? band : undefined,
      maxRules,
      orderKey: orderKeyOf(externalCidrs, props.vpcPeeringConnectionId),
    },
    networkAcls: props.networkAcls,
    denyNetworkAcls: props.denyNetworkAcls,
    denyOtherNetworkAcls: props.denyOtherNetworkAcls ?? false,
    existingNetworkAclRules: props.existingNetworkAclRules ?? [],
    securityGroupCheck: props.securityGroupCheck ?? SecurityGroupCheck.WARN,
    retainDenies: props.removalPolicy === RemovalPolicy.RETAIN || props.removalPolicy === RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
  };
}

/** What the props alone deserve a warning for: NACLs that get nothing, a policy broader than the ports listed. */
export function propWarnings(
  props: VpcPeeringExternalProps, intent: PeeringIntent, subject: string,
): Array<{ readonly id: string; readonly message: string }> {
  const warnings: Array<{ id: string; message: string }> = [];
  if (!intent.rules.policy.blanketDeny && ((props.denyNetworkAcls ?? []).length > 0 || intent.denyOtherNetworkAcls)) {
    const what = intent.denyOtherNetworkAcls ? 'denyOtherNetworkAcls is true' : `denyNetworkAcls lists ${props.denyNetworkAcls!.length} NACL(s)`;
    warnings.push({
      id: PeeringWarnings.DENY_NETWORK_ACLS_WITHOUT_DENY,
      message: `${what}, but blanketDeny is false, so they get no rule: set blanketDeny to true to deny the external VPC ` +
        'there, or remove denyNetworkAcls and denyOtherNetworkAcls',
    });
  }
  const broader = broaderThanAskedMessage(subject, broaderThanAsked(intent.rules.externalCidrs, intent.rules.policy));
  if (broader) {
    warnings.push({ id: PeeringWarnings.BROADER_THAN_ASKED, message: broader });
  }
  return warnings;
}
