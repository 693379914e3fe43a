/**
 * Complete sets of representative packets for a set of NACL rules: one packet per class of packets that every rule
 * treats alike, so that evaluating the representatives is evaluating every possible packet.
 *
 * Why the set is complete. A NACL rule matches a packet through four independent tests (see `nacl-evaluator.ts`):
 * - direction and address family: equality, so the sets are built per direction and family;
 * - remote address in one CIDR block, an interval of the address line. Cutting the line at the first address and at
 *   the address after the last of every block (of every rule, and of every peering route, whose blocks decide which
 *   connection carries a packet) leaves elementary intervals: inside one, every address is in exactly the same blocks,
 *   so its first address stands for all of it;
 * - protocol: a rule matches its own number, and -1 matches all. Two protocols that no rule names are treated alike,
 *   so each protocol named plus one that is named nowhere cover them all;
 * - for TCP and UDP, the port in an inclusive range: cutting 0-65535 at every range's `from` and `to + 1` (per
 *   protocol) leaves intervals whose ports are in exactly the same ranges; for ICMP on IPv4 and ICMPv6 on IPv6, the
 *   type equal to the rule's or the rule's -1, then the code likewise: each type named plus one named nowhere, and for
 *   each of those the codes named by the rules that can match that type plus one named nowhere.
 * Every packet therefore agrees with one representative on every test of every rule: same matching rules, same
 * verdict in every state built from those rules, whatever the state.
 */
import * as ipaddr from 'ipaddr.js';
import { NaclRule, Packet } from './nacl-evaluator';

/** The address family of a CIDR block or address. */
export type AddressFamily = 'ipv4' | 'ipv6';

/** A CIDR block as the inclusive range of addresses it covers, as integers. */
export interface AddressRange {
  readonly family: AddressFamily;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefixLength: number;
}

/** An elementary interval of the address line (see the file comment) and the address that stands for it. */
export interface AddressClass {
  readonly family: AddressFamily;
  readonly first: bigint;
  readonly last: bigint;
  /** The first address of the interval, as text. */
  readonly representative: string;
}

/**
 * A class of traffic every rule treats alike, by its representative packet's protocol part (protocol, and the port or
 * ICMP type/code when they apply) and, for TCP/UDP, the last port of the class (`port` is its first).
 */
export interface TrafficClass {
  readonly protocol: number;
  readonly port?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  readonly lastPort?: number;
}

const BITS: Record<AddressFamily, number> = { ipv4: 32, ipv6: 128 };
/** Protocols tried, in order, as "a protocol no rule names": GRE, ESP, SCTP, then the experimental numbers. */
const SPARE_PROTOCOLS = [47, 50, 132, 253, 254, 255, 0];

const rangeCache = new Map<string, AddressRange>();

/** The range of a CIDR block (host bits ignored, as EC2 matches); throws for anything but a valid IPv4/IPv6 CIDR. */
export function cidrRange(cidr: string): AddressRange {
  let range = rangeCache.get(cidr);
  if (range === undefined) {
    if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr) && !ipaddr.IPv6.isValidCIDR(cidr)) {
      throw new Error(`${JSON.stringify(cidr)} is not a valid IPv4 or IPv6 CIDR block`);
    }
    const [address, prefixLength] = ipaddr.parseCIDR(cidr);
    const family = address.kind();
    const size = 2n ** BigInt(BITS[family] - prefixLength);
    const value = bytesToBigInt(address.toByteArray());
    const first = value - (value % size);
    range = { family, first, last: first + size - 1n, prefixLength };
    rangeCache.set(cidr, range);
  }
  return range;
}

/** The family and integer value of an IPv4 or IPv6 address. */
export function parseAddress(address: string): { readonly family: AddressFamily; readonly value: bigint } {
  const parsed = ipaddr.parse(address);
  return { family: parsed.kind(), value: bytesToBigInt(parsed.toByteArray()) };
}

/** Whether the address (family and integer value) is inside the range. */
export function rangeContains(range: AddressRange, family: AddressFamily, value: bigint): boolean {
  return range.family === family && range.first <= value && value <= range.last;
}

/**
 * The elementary intervals of the `family` address line cut at the bounds of every block of that family in
 * `cidrBlocks` (blocks of the other family are ignored), in address order. Without blocks: the whole line.
 */
export function addressClasses(family: AddressFamily, cidrBlocks: Iterable<string>): AddressClass[] {
  const end = 2n ** BigInt(BITS[family]);
  const cuts = new Set<bigint>([0n]);
  for (const cidr of cidrBlocks) {
    const range = cidrRange(cidr);
    if (range.family !== family) continue;
    cuts.add(range.first);
    if (range.last + 1n < end) cuts.add(range.last + 1n);
  }
  const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map((first, i) => ({
    family,
    first,
    last: (i + 1 < sorted.length ? sorted[i + 1] : end) - 1n,
    representative: bigIntToAddress(family, first),
  }));
}

/**
 * The traffic classes of `family` packets for the given rules (rules of the other family are ignored): each protocol
 * the rules name, split by port range for TCP/UDP and by ICMP type and code for ICMP (IPv4) / ICMPv6 (IPv6), plus one
 * protocol no rule names. See the file comment for why this is complete.
 */
export function trafficClasses(family: AddressFamily, rules: readonly NaclRule[]): TrafficClass[] {
  const own = rules.filter((r) => (family === 'ipv6') === (r.ipv6CidrBlock !== undefined));
  const named = new Set(own.map((r) => r.protocol).filter((p) => p !== -1));
  const spare = SPARE_PROTOCOLS.find((p) => !named.has(p));
  const protocols = [...named].sort((a, b) => a - b);
  if (spare !== undefined) protocols.push(spare);
  const icmpProtocol = family === 'ipv4' ? 1 : 58;

  const classes: TrafficClass[] = [];
  for (const protocol of protocols) {
    const withProtocol = own.filter((r) => r.protocol === protocol);
    if (protocol === 6 || protocol === 17) {
      const cuts = new Set([0]);
      for (const r of withProtocol) {
        cuts.add(r.portRange!.from);
        if (r.portRange!.to < 65535) cuts.add(r.portRange!.to + 1);
      }
      const ports = [...cuts].sort((a, b) => a - b);
      ports.forEach((port, i) => classes.push({ protocol, port, lastPort: i + 1 < ports.length ? ports[i + 1] - 1 : 65535 }));
    } else if (protocol === icmpProtocol) {
      const types = withProtocol.map((r) => r.icmp!.type).filter((t) => t !== -1);
      for (const icmpType of withSpare(types)) {
        const codes = withProtocol.filter((r) => r.icmp!.type === -1 || r.icmp!.type === icmpType).map((r) => r.icmp!.code).filter((c) => c !== -1);
        for (const icmpCode of withSpare(codes)) classes.push({ protocol, icmpType, icmpCode });
      }
    } else {
      classes.push({ protocol });
    }
  }
  return classes;
}

/**
 * A complete set of representative packets (see the file comment) of one direction for the given rules, both address
 * families; `extraCidrBlocks` adds cuts of the address line (e.g. the destinations of peering routes).
 */
export function representativePackets(
  rules: readonly NaclRule[],
  direction: 'ingress' | 'egress',
  extraCidrBlocks: readonly string[] = [],
): Packet[] {
  const own = rules.filter((r) => r.egress === (direction === 'egress'));
  const blocks = [...own.map((r) => (r.cidrBlock ?? r.ipv6CidrBlock)!), ...extraCidrBlocks];
  const packets: Packet[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const traffic = trafficClasses(family, own);
    for (const address of addressClasses(family, blocks)) {
      for (const { lastPort: _, ...t } of traffic) packets.push({ direction, ...t, remote: address.representative });
    }
  }
  return packets;
}

/** The addresses `first`-`last` as text: a CIDR block when they are exactly one, else `first-last`. */
export function addressRangeText(family: AddressFamily, first: bigint, last: bigint): string {
  const size = last - first + 1n;
  const hostBits = size.toString(2).length - 1;
  if (size === 2n ** BigInt(hostBits) && first % size === 0n) return `${bigIntToAddress(family, first)}/${BITS[family] - hostBits}`;
  return `${bigIntToAddress(family, first)}-${bigIntToAddress(family, last)}`;
}

/** The distinct ICMP types or codes (0-255) named, sorted, plus the first value of 0-255 not named (if any). */
function withSpare(values: readonly number[]): number[] {
  const named = new Set(values);
  const result = [...named].sort((a, b) => a - b);
  for (let v = 0; v <= 255; v++) {
    if (!named.has(v)) {
      result.push(v);
      break;
    }
  }
  return result;
}

function bytesToBigInt(bytes: readonly number[]): bigint {
  return bytes.reduce((acc, b) => acc * 256n + BigInt(b), 0n);
}

/** The address of an integer value, as text (IPv6 compressed). */
export function bigIntToAddress(family: AddressFamily, value: bigint): string {
  const bytes: number[] = [];
  let v = value;
  for (let i = 0; i < BITS[family] / 8; i++) {
    bytes.unshift(Number(v % 256n));
    v /= 256n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}
