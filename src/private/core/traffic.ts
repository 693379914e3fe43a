/**
 * The traffic model of the rule plan: what a NACL entry matches, independent of CDK.
 */

/** IANA protocol numbers as NACL entries use them. */
export const Protocol = {
  ALL: -1,
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  ICMPV6: 58,
} as const;

/** A port range, inclusive at both ends. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** ICMP type and code; -1 means all. */
export interface IcmpTypeCode {
  readonly type: number;
  readonly code: number;
}

/** What one NACL entry matches besides the address. */
export interface Traffic {
  readonly protocol: number;
  /** For TCP and UDP. */
  readonly portRange?: PortRange;
  /** For ICMP and ICMPv6. */
  readonly icmp?: IcmpTypeCode;
  /** Why the traffic is allowed, for people reading the plan ("outbound", "return traffic", ...). */
  readonly reasons: string[];
  /** True when a port, type or code is an unresolved token: such traffic is kept as given, never merged. */
  readonly unresolved?: boolean;
  /**
   * For traffic with tokens, a name of what the tokens stand for (never their strings, which change between synths),
   * for logical ids.
   */
  readonly name?: string;
}

const PROTOCOL_ORDER = [Protocol.ALL, Protocol.TCP, Protocol.UDP, Protocol.ICMP, Protocol.ICMPV6];

/** A short human name of the protocol ("tcp", "all", "icmpv6" or the number). */
export function protocolName(protocol: number): string {
  switch (protocol) {
    case Protocol.ALL: return 'all';
    case Protocol.TCP: return 'tcp';
    case Protocol.UDP: return 'udp';
    case Protocol.ICMP: return 'icmp';
    case Protocol.ICMPV6: return 'icmpv6';
    default: return String(protocol);
  }
}

/** A human description of the traffic: "tcp 443", "tcp 1024-65535", "icmp type 3 code 4", "all traffic". */
export function describeTraffic(t: Pick<Traffic, 'protocol' | 'portRange' | 'icmp'>): string {
  if (t.protocol === Protocol.ALL) {
    return 'all traffic';
  }
  if (t.portRange) {
    const { from, to } = t.portRange;
    return `${protocolName(t.protocol)} ${from === to ? from : `${from}-${to}`}`;
  }
  if (t.icmp) {
    const type = t.icmp.type === -1 ? 'all types' : `type ${t.icmp.type}`;
    const code = t.icmp.code === -1 ? '' : ` code ${t.icmp.code}`;
    return `${protocolName(t.protocol)} ${type}${code}`;
  }
  return protocolName(t.protocol);
}

/** Whether the traffic can be carried to or from an address of the given family (ICMP is IPv4, ICMPv6 is IPv6). */
export function appliesToFamily(t: Traffic, family: 'ipv4' | 'ipv6'): boolean {
  if (t.protocol === Protocol.ICMP) {
    return family === 'ipv4';
  }
  if (t.protocol === Protocol.ICMPV6) {
    return family === 'ipv6';
  }
  return true;
}

/**
 * The replies to connections of traffic `t`, as they come back on the other direction: TCP and UDP answer on the
 * client's ephemeral ports, an ICMP echo request (type 8; ICMPv6 128) is answered by an echo reply (0; ICMPv6 129),
 * all of ICMP by all of ICMP, and "all traffic" by TCP and UDP on the ephemeral ports and all of ICMP and ICMPv6.
 * Other ICMP messages have no reply.
 */
export function repliesTo(t: Traffic, ephemeral: PortRange, reason: string, ephemeralUnresolved = false, ephemeralName?: string): Traffic[] {
  const reasons = [reason];
  const onEphemeral = (protocol: number): Traffic => ({
    protocol, portRange: ephemeral, reasons, unresolved: ephemeralUnresolved, ...(ephemeralUnresolved ? { name: ephemeralName } : {}),
  });
  const allIcmp = (protocol: number): Traffic => ({ protocol, icmp: { type: -1, code: -1 }, reasons });
  switch (t.protocol) {
    case Protocol.ALL:
      return [onEphemeral(Protocol.TCP), onEphemeral(Protocol.UDP), allIcmp(Protocol.ICMP), allIcmp(Protocol.ICMPV6)];
    case Protocol.TCP:
    case Protocol.UDP:
      return [onEphemeral(t.protocol)];
    case Protocol.ICMP:
    case Protocol.ICMPV6: {
      const echoRequest = t.protocol === Protocol.ICMP ? 8 : 128;
      const echoReply = t.protocol === Protocol.ICMP ? 0 : 129;
      if (t.unresolved || !t.icmp) {
        return [];
      }
      if (t.icmp.type === -1) {
        return [allIcmp(t.protocol)];
      }
      return t.icmp.type === echoRequest ? [{ protocol: t.protocol, icmp: { type: echoReply, code: -1 }, reasons }] : [];
    }
    default:
      return [];
  }
}

/**
 * The fewest entries that match exactly the union of `traffic`: port ranges of one protocol that touch or overlap
 * become one, duplicates vanish, ICMP "all types" swallows single types, and "all traffic" swallows everything.
 * The result is in a canonical order (all, tcp, udp, icmp, icmpv6; then by port or type and code), so that the same
 * set of traffic always gives the same entries whatever the order it was given in.
 */
export function mergeTraffic(traffic: Traffic[]): Traffic[] {
  const all = traffic.filter(t => t.protocol === Protocol.ALL);
  if (all.length > 0) {
    return [{ protocol: Protocol.ALL, reasons: unionReasons(traffic) }];
  }
  const merged: Traffic[] = [];
  for (const protocol of PROTOCOL_ORDER.slice(1)) {
    const ofProtocol = traffic.filter(t => t.protocol === protocol);
    const concrete = ofProtocol.filter(t => !t.unresolved);
    merged.push(...(protocol === Protocol.TCP || protocol === Protocol.UDP ? mergePorts(concrete) : mergeIcmp(concrete)));
    merged.push(...dedupeUnresolved(ofProtocol.filter(t => t.unresolved)));
  }
  return merged;
}

function mergePorts(traffic: Traffic[]): Traffic[] {
  const sorted = [...traffic].sort((a, b) => a.portRange!.from - b.portRange!.from || a.portRange!.to - b.portRange!.to);
  const out: Array<{ protocol: number; from: number; to: number; reasons: string[] }> = [];
  for (const t of sorted) {
    const last = out[out.length - 1];
    if (last && t.portRange!.from <= last.to + 1) {
      last.to = Math.max(last.to, t.portRange!.to);
      last.reasons = unionReasons([{ reasons: last.reasons }, t]);
    } else {
      out.push({ protocol: t.protocol, from: t.portRange!.from, to: t.portRange!.to, reasons: [...t.reasons] });
    }
  }
  return out.map(r => ({ protocol: r.protocol, portRange: { from: r.from, to: r.to }, reasons: r.reasons }));
}

function mergeIcmp(traffic: Traffic[]): Traffic[] {
  if (traffic.length === 0) {
    return [];
  }
  const protocol = traffic[0].protocol;
  if (traffic.some(t => t.icmp!.type === -1)) {
    return [{ protocol, icmp: { type: -1, code: -1 }, reasons: unionReasons(traffic) }];
  }
  const byTypeCode = new Map<string, Traffic>();
  const types = [...new Set(traffic.map(t => t.icmp!.type))].sort((a, b) => a - b);
  for (const type of types) {
    const ofType = traffic.filter(t => t.icmp!.type === type);
    if (ofType.some(t => t.icmp!.code === -1)) {
      byTypeCode.set(`${type}/-1`, { protocol, icmp: { type, code: -1 }, reasons: unionReasons(ofType) });
      continue;
    }
    const codes = [...new Set(ofType.map(t => t.icmp!.code))].sort((a, b) => a - b);
    for (const code of codes) {
      const same = ofType.filter(t => t.icmp!.code === code);
      byTypeCode.set(`${type}/${code}`, { protocol, icmp: { type, code }, reasons: unionReasons(same) });
    }
  }
  return [...byTypeCode.values()];
}

function dedupeUnresolved(traffic: Traffic[]): Traffic[] {
  const seen = new Map<string, Traffic>();
  for (const t of traffic) {
    const key = JSON.stringify([t.protocol, t.portRange, t.icmp]);
    const before = seen.get(key);
    seen.set(key, before ? { ...before, reasons: unionReasons([before, t]) } : t);
  }
  return [...seen.values()];
}

function unionReasons(traffic: Array<Pick<Traffic, 'reasons'>>): string[] {
  return [...new Set(traffic.flatMap(t => t.reasons))];
}
