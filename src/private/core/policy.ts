/**
 * The traffic policy of one peering: what its props ask for, and what that allows in each direction once the replies
 * are added (Network ACLs are stateless). Computed once, when the props are validated, and handed to every stage that
 * needs it. Pure, no CDK.
 */
import { AddressFamily } from './cidr';
import { appliesToFamily, mergeTraffic, PortRange, Protocol, repliesTo, Traffic } from './traffic';

/** Path MTU discovery messages: ICMP "fragmentation needed" and ICMPv6 "packet too big". */
export const PATH_MTU: Traffic[] = [
  { protocol: Protocol.ICMP, icmp: { type: 3, code: 4 }, reasons: ['path MTU discovery'] },
  { protocol: Protocol.ICMPV6, icmp: { type: 2, code: 0 }, reasons: ['path MTU discovery'] },
];

/** What a peering asks for: the normalised traffic props. */
export interface TrafficRequest {
  readonly allowOutbound: Traffic[];
  readonly allowInbound: Traffic[];
  readonly ephemeralPortRange: PortRange;
  /** True when the ephemeral range holds unresolved tokens. */
  readonly ephemeralUnresolved?: boolean;
  /** With tokens in the ephemeral range, a name of what they stand for (`Traffic.name`). */
  readonly ephemeralName?: string;
  readonly allowPathMtuDiscovery: boolean;
}

/** The traffic allowed in one direction, per address family. */
export interface AllowedByFamily {
  readonly ipv4: Traffic[];
  readonly ipv6: Traffic[];
}

/** A peering's policy: its request, whether everything else is denied, and what is allowed in each direction. */
export interface PeeringPolicy extends TrafficRequest {
  readonly blanketDeny: boolean;
  /** Towards the external VPC. */
  readonly egress: AllowedByFamily;
  /** From the external VPC. */
  readonly ingress: AllowedByFamily;
}

/** The policy of a request, with the allowed traffic of each direction and family computed once. */
export function policyOf(request: TrafficRequest, blanketDeny: boolean): PeeringPolicy {
  const direction = (egress: boolean): AllowedByFamily => ({
    ipv4: allowedTraffic(request, egress, 'ipv4'),
    ipv6: allowedTraffic(request, egress, 'ipv6'),
  });
  return { ...request, blanketDeny, egress: direction(true), ingress: direction(false) };
}

/** The allowed traffic of a policy in one direction and family. */
export function allowedIn(policy: PeeringPolicy, egress: boolean, family: AddressFamily): Traffic[] {
  return (egress ? policy.egress : policy.ingress)[family];
}

/**
 * The traffic allowed in one direction, merged to the fewest entries: the connections of that direction plus the
 * replies to the connections of the other one (plus path MTU discovery coming in).
 */
export function allowedTraffic(request: TrafficRequest, egress: boolean, family: AddressFamily): Traffic[] {
  const [opened, answered] = egress ? [request.allowOutbound, request.allowInbound] : [request.allowInbound, request.allowOutbound];
  const replyReason = egress ? 'replies to inbound' : 'replies to outbound';
  const traffic = [
    ...opened,
    ...answered.flatMap(t => repliesTo(t, request.ephemeralPortRange, replyReason, request.ephemeralUnresolved, request.ephemeralName)),
    ...(!egress && request.allowPathMtuDiscovery ? PATH_MTU : []),
  ];
  return mergeTraffic(traffic.filter(t => appliesToFamily(t, family)));
}

/**
 * How many allow and deny entries a policy needs in one NACL and direction for the given external blocks (each block
 * once): the allowed traffic of its family, and one deny per block unless `blanketDeny` is off.
 */
export function entriesPerNacl(
  policy: PeeringPolicy, cidrs: ReadonlyArray<{ readonly family: AddressFamily }>, egress: boolean,
): { readonly allows: number; readonly denies: number } {
  return {
    allows: cidrs.reduce((n, c) => n + allowedIn(policy, egress, c.family).length, 0),
    denies: policy.blanketDeny ? cidrs.length : 0,
  };
}

/** The most entries a policy needs in any one NACL and direction. */
export function mostEntriesPerNacl(policy: PeeringPolicy, cidrs: ReadonlyArray<{ readonly family: AddressFamily }>): number {
  return Math.max(...[true, false].map(egress => {
    const { allows, denies } = entriesPerNacl(policy, cidrs, egress);
    return allows + denies;
  }));
}
