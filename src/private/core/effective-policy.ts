/**
 * The effective policy of the plan, said honestly: Network ACLs are stateless and match destination ports only, so
 * the rule that lets the replies of one direction through also lets new connections through on the same ports. When
 * such a reply range widens a direction beyond the traffic the user listed for it (`allowOutbound` for egress,
 * `allowInbound` for ingress), the user is told what the peer can reach and how to narrow it.
 *
 * A direction the user listed nothing for is not "broader than asked": its reply range is the reply path the user
 * asked for by listing the other direction (with `allowOutbound` only, ingress allows the replies and nothing is
 * listed for ingress). The README's "What the rules can and cannot stop" states that case; this check is about a
 * direction whose listed ports are swallowed by a reply range (`allowOutbound: [tcp 5432]` with
 * `allowInbound: [tcp 8443]` makes egress tcp 1024-65535).
 *
 * Pure functions, no CDK.
 */
import { AddressFamily } from './cidr';
import { allowedIn, PATH_MTU, PeeringPolicy } from './policy';
import { appliesToFamily, describeTraffic, mergeTraffic, PortRange, Protocol, Traffic } from './traffic';

/** What the Network ACLs of one direction and address family allow towards the peer beyond what the user listed. */
export interface BroaderThanAsked {
  /** True for egress (to the peer), false for ingress (from the peer). */
  readonly egress: boolean;
  readonly family: AddressFamily;
  /** The external CIDR blocks of that family, which the entries name. */
  readonly cidrs: string[];
  /** What the user listed for this direction (`allowOutbound` for egress, `allowInbound` for ingress), merged. */
  readonly listed: Traffic[];
  /** The allow entries of this direction that match traffic beyond `listed` (as the plan merged them). */
  readonly widened: Traffic[];
  /** Exactly the traffic those entries allow beyond `listed`: the parts of the reply ranges the list does not cover. */
  readonly beyond: Traffic[];
}

/**
 * Compares one direction and family: `listed` is what the user listed for the direction (normalized `allowOutbound`
 * or `allowInbound`), `allowed` what the policy allows in it (`allowedIn(policy, egress, family)`). Returns
 * `undefined` when the direction is not broader than asked: nothing beyond the list, or nothing listed at all.
 */
export function compareDirection(
  egress: boolean, family: AddressFamily, cidrs: string[], listed: Traffic[], allowed: Traffic[],
): BroaderThanAsked | undefined {
  const ownList = mergeTraffic(listed.filter(t => appliesToFamily(t, family)));
  if (ownList.length === 0) {
    return undefined;
  }
  // ICMP "fragmentation needed" and ICMPv6 "packet too big" come in for path MTU discovery: not a reply range.
  const covering = [...ownList, ...(egress ? [] : PATH_MTU)];
  const widened: Traffic[] = [];
  const beyond: Traffic[] = [];
  for (const entry of allowed) {
    const rest = subtract(entry, covering);
    if (rest.length > 0) {
      widened.push(entry);
      beyond.push(...rest);
    }
  }
  if (beyond.length === 0) {
    return undefined;
  }
  return { egress, family, cidrs, listed: ownList, widened, beyond: mergeTraffic(beyond) };
}

/**
 * Every direction and address family of the policy that allows more than the user listed for it, for the external
 * blocks `externalCidrs`.
 */
export function broaderThanAsked(
  externalCidrs: ReadonlyArray<{ readonly cidr: string; readonly family: AddressFamily }>, policy: PeeringPolicy,
): BroaderThanAsked[] {
  const findings: BroaderThanAsked[] = [];
  for (const egress of [true, false]) {
    for (const family of ['ipv4', 'ipv6'] as AddressFamily[]) {
      const cidrs = externalCidrs.filter(c => c.family === family).map(c => c.cidr);
      if (cidrs.length === 0) {
        continue;
      }
      const [listed, answered] = egress ? [policy.allowOutbound, policy.allowInbound] : [policy.allowInbound, policy.allowOutbound];
      // Nothing listed: not "broader than asked" (see the module comment). Nothing answered: the direction allows
      // exactly its list (and path MTU discovery coming in).
      if (listed.length === 0 || answered.length === 0) {
        continue;
      }
      const finding = compareDirection(egress, family, cidrs, listed, allowedIn(policy, egress, family));
      if (finding) {
        findings.push(finding);
      }
    }
  }
  return findings;
}

/**
 * The warning text for the findings (`PeeringWarnings.BROADER_THAN_ASKED`), one sentence per direction and family;
 * `undefined` when there is nothing to say. `subject` names the construct (its path).
 */
export function broaderThanAskedMessage(subject: string, findings: BroaderThanAsked[]): string | undefined {
  if (findings.length === 0) {
    return undefined;
  }
  const parts = findings.map(f => {
    const blocks = f.cidrs.join(', ');
    const widened = f.widened.map(t => describeTraffic(t)).join(', ');
    const listed = f.listed.map(t => describeTraffic(t)).join(', ');
    const beyond = f.beyond.map(t => describeTraffic(t)).join(', ');
    return f.egress
      ? `egress to ${blocks} allows ${widened} where allowOutbound lists ${listed}, so the subnets may open ` +
        `connections to ${beyond} in the external VPC`
      : `ingress from ${blocks} allows ${widened} where allowInbound lists ${listed}, so the external VPC may start ` +
        `connections to ${beyond} in your subnets (only security groups stop them)`;
  });
  return (
    `${subject} allows more than listed, because replies share the rules of new connections (Network ACLs are ` +
    `stateless and match destination ports only): ${parts.join('; ')}. To narrow it, set ephemeralPortRange to the ` +
    'range your clients and the third party\'s actually use (EphemeralPorts.LINUX is 32768-60999, ' +
    'EphemeralPorts.WINDOWS 49152-65535), and let the security groups of your subnets allow in only the ports and ' +
    'sources you trust'
  );
}

/** The part of `t` that none of `cover` matches, as a list of traffic (empty when all of it is covered). */
export function subtract(t: Traffic, cover: Traffic[]): Traffic[] {
  if (cover.some(c => c.protocol === Protocol.ALL)) {
    return [];
  }
  if (t.protocol === Protocol.ALL) {
    return [t];
  }
  const same = cover.filter(c => c.protocol === t.protocol);
  if (t.unresolved) {
    const key = JSON.stringify([t.portRange, t.icmp]);
    return same.some(c => JSON.stringify([c.portRange, c.icmp]) === key) ? [] : [t];
  }
  if (t.portRange) {
    const ranges = same.filter(c => c.portRange && !c.unresolved).map(c => c.portRange!);
    return subtractRanges(t.portRange, ranges).map(portRange => ({ ...t, portRange }));
  }
  if (t.icmp) {
    const covered = same.some(c => c.icmp && !c.unresolved && (c.icmp.type === -1 ||
      (c.icmp.type === t.icmp!.type && (c.icmp.code === -1 || c.icmp.code === t.icmp!.code))));
    return covered ? [] : [t];
  }
  return same.length > 0 ? [] : [t];
}

function subtractRanges(range: PortRange, cover: PortRange[]): PortRange[] {
  let rest: PortRange[] = [range];
  for (const c of cover) {
    rest = rest.flatMap(r => {
      if (c.to < r.from || c.from > r.to) {
        return [r];
      }
      const out: PortRange[] = [];
      if (c.from > r.from) {
        out.push({ from: r.from, to: c.from - 1 });
      }
      if (c.to < r.to) {
        out.push({ from: c.to + 1, to: r.to });
      }
      return out;
    });
  }
  return rest;
}
