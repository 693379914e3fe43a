/**
 * CIDR blocks as the handler reads them at deploy time, when tokens have become values: parsing, containment and
 * overlap, for IPv4 and IPv6. Self-contained (the function's code is this directory alone, with no dependencies), so
 * it cannot use the library's `ipaddr.js`; the synth-time checks live in `src/private/core/cidr.ts`.
 */

/** A parsed block: its family, its first address as a number, and its prefix length. */
export interface Block {
  readonly text: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly network: bigint;
  readonly prefix: number;
}

/* eslint-disable no-bitwise -- addresses and prefixes are bit arithmetic */
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The block `text` stands for (host bits cleared), or undefined when it is not a CIDR block. */
export function parseBlock(text: string): Block | undefined {
  const [address, prefixText, ...rest] = String(text).trim().split('/');
  if (rest.length > 0 || prefixText === undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const v4 = IPV4.exec(address);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some(o => o > 255) || prefix > 32) return undefined;
    const value = octets.reduce((acc, o) => acc * BigInt(256) + BigInt(o), BigInt(0));
    return { text, family: 'ipv4', network: clear(value, 32, prefix), prefix };
  }
  const v6 = parseIpv6(address);
  if (v6 === undefined || prefix > 128) return undefined;
  return { text, family: 'ipv6', network: clear(v6, 128, prefix), prefix };
}

/** Whether `inner` lies entirely in `outer` (same family). */
export function contains(outer: Block, inner: Block): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const bits = outer.family === 'ipv4' ? 32 : 128;
  return clear(inner.network, bits, outer.prefix) === outer.network;
}

/** Whether two blocks share an address. */
export function overlaps(a: Block, b: Block): boolean {
  return contains(a, b) || contains(b, a);
}

function clear(value: bigint, bits: number, prefix: number): bigint {
  const host = BigInt(bits - prefix);
  return (value >> host) << host;
}

function parseIpv6(address: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(address) || (address.match(/::/g) ?? []).length > 1) return undefined;
  let text = address;
  // An embedded IPv4 address in the last 32 bits (::ffff:10.0.0.1).
  const tail = /(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text);
  if (tail) {
    const octets = tail[1].split('.').map(Number);
    if (octets.some(o => o > 255)) return undefined;
    text = text.slice(0, -tail[1].length) + `${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array(rest === undefined ? 0 : missing).fill('0'), ...right];
  if (groups.some(g => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return groups.reduce((acc, g) => (acc << BigInt(16)) + BigInt(parseInt(g, 16)), BigInt(0));
}
