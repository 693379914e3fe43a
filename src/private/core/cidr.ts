/**
 * CIDR blocks: validation of the blocks users give, their canonical spelling, and overlap. Pure, no CDK.
 */
import * as ipaddr from 'ipaddr.js';

/** An address family, as AWS counts NACL rules and routes: separately for IPv4 and IPv6. */
export type AddressFamily = 'ipv4' | 'ipv6';

/** The widest CIDR block a VPC can have: /16 for IPv4, /44 for IPv6 (BYOIP and IPAM pools; Amazon's are /56). */
export const WIDEST_VPC_PREFIX = { ipv4: 16, ipv6: 44 } as const;

/**
 * Special-purpose blocks (RFC 6890 and the IANA registries) that are never the CIDR block of a VPC. A block given as an
 * external block that overlaps one is a mistake, or an attempt to make the rules mean something else: an IPv4-mapped
 * IPv6 block (`::ffff:10.200.0.0/112`) names IPv4 addresses in IPv6 rules, which IPv4 traffic never matches.
 */
export const SPECIAL_BLOCKS: Record<AddressFamily, ReadonlyArray<{ readonly cidr: string; readonly what: string }>> = {
  ipv4: [
    { cidr: '0.0.0.0/8', what: '"this network"' },
    { cidr: '127.0.0.0/8', what: 'loopback' },
    { cidr: '169.254.0.0/16', what: 'link-local (the instance metadata service, the Amazon DNS server)' },
    { cidr: '224.0.0.0/4', what: 'multicast' },
    { cidr: '240.0.0.0/4', what: 'reserved' },
  ],
  ipv6: [
    { cidr: '::/96', what: 'IPv4-compatible (deprecated) and the unspecified and loopback addresses' },
    { cidr: '::ffff:0:0/96', what: 'IPv4-mapped: IPv4 addresses written as IPv6, which IPv4 traffic never matches' },
    { cidr: '64:ff9b::/96', what: 'NAT64 (IPv4 addresses translated into IPv6)' },
    { cidr: '64:ff9b:1::/48', what: 'local-use NAT64' },
    { cidr: '100::/64', what: 'discard-only' },
    { cidr: '2001::/32', what: 'Teredo' },
    { cidr: '2002::/16', what: '6to4' },
    { cidr: 'fe80::/10', what: 'link-local' },
    { cidr: 'ff00::/8', what: 'multicast' },
  ],
};

/**
 * Checks that `value` is a CIDR block of the given family in the form EC2 accepts (no host bits set, no leading
 * zeros, not wider than a VPC can be) and returns its canonical form (`canonicalCidr`), so that two spellings of one
 * block are one route. Throws an error that names the prop (`where`), shows the value and says the fix.
 */
export function validateCidr(value: string, family: AddressFamily, where: string): string {
  const fail = (why: string): never => {
    throw new Error(`${where} '${value}' is not a valid ${family === 'ipv4' ? 'IPv4' : 'IPv6'} CIDR block (${why})`);
  };
  const slash = value.indexOf('/');
  if (slash < 0) {
    fail(`no prefix length: write it as ${family === 'ipv4' ? '10.200.0.0/16' : '2600:1f18:abcd::/56'}`);
  }
  const address = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  if (family === 'ipv4' && ipaddr.IPv6.isValid(address)) {
    fail('it is an IPv6 block: put it in externalIpv6CidrBlocks');
  }
  if (family === 'ipv6' && !address.includes(':') && ipaddr.IPv4.isValid(address)) {
    fail('it is an IPv4 block: put it in externalCidrBlocks');
  }
  const maxPrefix = family === 'ipv4' ? 32 : 128;
  if (!/^(0|[1-9]\d{0,2})$/.test(prefix) || Number(prefix) > maxPrefix) {
    fail(`prefix length must be 0-${maxPrefix}`);
  }
  if (family === 'ipv4') {
    const octets = address.split('.');
    if (octets.length !== 4 || octets.some(o => !/^\d{1,3}$/.test(o))) {
      fail('expected four decimal octets such as 10.200.0.0');
    }
    const padded = octets.find(o => o.length > 1 && o.startsWith('0'));
    if (padded !== undefined) {
      fail(`octet '${padded}' has a leading zero, which some tools read as octal: write ${Number(padded)}`);
    }
    const over = octets.find(o => Number(o) > 255);
    if (over !== undefined) {
      fail(`octet ${over} is over 255`);
    }
  } else if (!ipaddr.IPv6.isValid(address) || address.includes('%')) {
    fail('the address is not an IPv6 address');
  }
  const network = (family === 'ipv4' ? ipaddr.IPv4 : ipaddr.IPv6).networkAddressFromCIDR(value).toString();
  if (network !== ipaddr.parse(address).toString()) {
    fail(`host bits are set: the network is ${network}/${prefix}`);
  }
  if (Number(prefix) < WIDEST_VPC_PREFIX[family]) {
    fail(
      `/${prefix} is wider than any VPC: a VPC's ${family === 'ipv4' ? 'IPv4' : 'IPv6'} blocks are ` +
      `/${WIDEST_VPC_PREFIX[family]} or narrower, so list the external VPC's blocks one by one`,
    );
  }
  const special = SPECIAL_BLOCKS[family].find(b => cidrsOverlap(`${network}/${prefix}`, b.cidr));
  if (special) {
    fail(`it overlaps ${special.cidr}, ${special.what}, which no VPC can have: give the external VPC's own blocks`);
  }
  return canonicalCidr(value);
}

/**
 * The canonical spelling of a literal CIDR block, as the plan writes it and EC2 compares it: IPv6 compressed and in
 * lower case (`2600:1F18:ABCD:0::/56` → `2600:1f18:abcd::/56`), IPv4 octets and the prefix without leading zeros.
 */
export function canonicalCidr(cidr: string): string {
  const [address, prefix] = cidr.split('/');
  if (address.includes(':')) {
    // ipaddr's toString() of an IPv6 address is the compressed lower-case form.
    return `${ipaddr.parse(address).toString()}/${Number(prefix)}`;
  }
  return `${address.split('.').map(Number).join('.')}/${Number(prefix)}`;
}

/** Whether a value is a literal CIDR block that `cidrsOverlap` can read. */
export function isCidr(value: unknown): value is string {
  return typeof value === 'string' && ipaddr.isValidCIDR(value);
}

/** Whether two CIDR blocks of one family share any address. Blocks of different families never overlap. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [addrA, lenA] = ipaddr.parseCIDR(a);
  const [addrB, lenB] = ipaddr.parseCIDR(b);
  if (addrA.kind() !== addrB.kind()) {
    return false;
  }
  return lenA <= lenB ? addrB.match(addrA, lenA) : addrA.match(addrB, lenB);
}

/** The family of a (valid) CIDR block. */
export function cidrFamily(cidr: string): AddressFamily {
  return cidr.includes(':') ? 'ipv6' : 'ipv4';
}


/**
 * A literal CIDR block as a string that sorts by address, then prefix length: `010.009.000.000/016` for `10.9.0.0/16`,
 * before `010.100.000.000/016`; IPv6 fully expanded. (Sorting the blocks themselves as strings would put `10.100.0.0/16`
 * before `10.9.0.0/16`.)
 */
export function sortableCidr(cidr: string): string {
  const [address, prefix] = cidr.split('/');
  const parsed = ipaddr.parse(address);
  const digits = parsed.kind() === 'ipv4'
    ? parsed.toByteArray().map(b => String(b).padStart(3, '0')).join('.')
    : (parsed as ipaddr.IPv6).toNormalizedString().split(':').map(h => h.padStart(4, '0')).join(':');
  return `${digits}/${prefix.padStart(3, '0')}`;
}
