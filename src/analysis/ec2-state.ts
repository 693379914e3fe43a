/**
 * One static EC2 state, as `DescribeNetworkAcls` and the peering connections show it at one instant, and how a packet
 * fares in it: the NACLs that exist with their entries (a default NACL's allow-all entries included, as EC2 lists
 * them), which subnet is on which NACL, and which peering connections are active.
 *
 * The verdict of a NACL is {@link evaluate}'s (lowest rule number first, first match decides, implicit deny). On top
 * of it: a packet to or from a subnet or NACL that does not exist goes nowhere, and a packet to or from the CIDR blocks
 * of a peering connection is only delivered while that connection is active (a route to an inactive connection is a
 * blackhole). When blocks of several connections contain the remote address, the longest prefix decides, as routing
 * does.
 */
import { evaluate, NaclRule, Packet } from './nacl-evaluator';
import { cidrRange, parseAddress, rangeContains } from './packets';

/** One NACL of a {@link Ec2State}. */
export interface NetworkAclState {
  /** Its id (`acl-…`), or any key that names it uniquely in the state. */
  readonly networkAclId: string;
  /** Every entry EC2 holds, the default NACL's allow-all 100/101 included; the implicit deny is implied. */
  readonly entries: readonly NaclRule[];
  /** The subnets associated with it. */
  readonly subnetIds?: readonly string[];
}

/** One peering connection of a {@link Ec2State}: the blocks routed to it, and whether it carries traffic now. */
export interface PeeringState {
  readonly cidrBlocks: readonly string[];
  readonly active: boolean;
  /** The connection (`pcx-…`), for messages. */
  readonly vpcPeeringConnectionId?: string;
}

/** A static EC2 state: NACLs with their entries and subnets, and peering connections. */
export interface Ec2State {
  readonly networkAcls: readonly NetworkAclState[];
  readonly peerings?: readonly PeeringState[];
}

/** What a packet is evaluated against: a NACL on its own, or a subnet through whatever NACL it is on. */
export type StateView = { readonly networkAclId: string } | { readonly subnetId: string };

/** Why a packet is allowed or denied in one state. */
export type VerdictReason =
  /** A rule of the NACL decided (`ruleNumber`, `logicalId` when it is a template entry). */
  | 'rule'
  /** No rule matched: the NACL's implicit deny (`*`). */
  | 'implicit-deny'
  /** The subnet or NACL does not exist in this state: nothing flows through it. */
  | 'absent'
  /** The remote address is behind a peering connection that is not active: the packet is not delivered. */
  | 'peering-inactive';

/** The outcome of a packet in one state. */
export interface StateVerdict {
  readonly decision: 'allow' | 'deny';
  readonly reason: VerdictReason;
  /** The deciding rule's number, `'*'` for the implicit deny. */
  readonly ruleNumber?: number | '*';
  /** Logical id of the deciding template entry. */
  readonly logicalId?: string;
  /** Where the deciding rule comes from: a template entry, a default NACL's allow-all, or a rule held outside the template. */
  readonly origin?: 'template' | 'default-nacl' | 'held';
  /** The NACL that decided. */
  readonly networkAclId?: string;
  /** For `peering-inactive`: the connection that is not active. */
  readonly vpcPeeringConnectionId?: string;
}

/**
 * Whether a packet to or from `remote` is delivered in view of the peering connections: `undefined` when no
 * connection's blocks contain it (traffic that does not cross a peering), else the connections of the longest
 * matching prefix and whether one of them is active.
 */
export function peeringGate(peerings: readonly PeeringState[], remote: string):
{ readonly delivered: boolean; readonly connections: readonly PeeringState[] } | undefined {
  const address = parseAddress(remote);
  let best = -1;
  let connections: PeeringState[] = [];
  for (const peering of peerings) {
    for (const cidr of peering.cidrBlocks) {
      const range = cidrRange(cidr);
      if (!rangeContains(range, address.family, address.value)) continue;
      if (range.prefixLength > best) {
        best = range.prefixLength;
        connections = [peering];
      } else if (range.prefixLength === best && !connections.includes(peering)) {
        connections.push(peering);
      }
    }
  }
  return best < 0 ? undefined : { delivered: connections.some((c) => c.active), connections };
}

/**
 * Evaluates a packet in one static EC2 state, through a NACL (`{ networkAclId }`) or a subnet (`{ subnetId }`, through
 * the NACL it is associated with). Denied with reason `absent` when the NACL, or every association of the subnet, is
 * missing; `peering-inactive` when the remote address is behind an inactive peering connection; else the NACL's
 * verdict ({@link evaluate}). Throws when a subnet is associated with several NACLs, which EC2 never shows.
 */
export function evaluateEc2State(state: Ec2State, view: StateView, packet: Packet): StateVerdict {
  let acl: NetworkAclState | undefined;
  if ('networkAclId' in view) {
    acl = state.networkAcls.find((a) => a.networkAclId === view.networkAclId);
  } else {
    const on = state.networkAcls.filter((a) => (a.subnetIds ?? []).includes(view.subnetId));
    if (on.length > 1) throw new Error(`subnet ${view.subnetId} is associated with ${on.length} NACLs (${on.map((a) => a.networkAclId).join(', ')})`);
    acl = on[0];
  }
  if (acl === undefined) return { decision: 'deny', reason: 'absent' };
  const gate = peeringGate(state.peerings ?? [], packet.remote);
  if (gate && !gate.delivered) {
    return { decision: 'deny', reason: 'peering-inactive', vpcPeeringConnectionId: gate.connections[0].vpcPeeringConnectionId };
  }
  const verdict = evaluate(acl.entries.map((e) => ({ ...e, aclKey: undefined })), packet);
  return verdict.ruleNumber === '*'
    ? { decision: 'deny', reason: 'implicit-deny', ruleNumber: '*', networkAclId: acl.networkAclId }
    : { decision: verdict.decision, reason: 'rule', ruleNumber: verdict.ruleNumber, logicalId: verdict.logicalId, networkAclId: acl.networkAclId };
}
