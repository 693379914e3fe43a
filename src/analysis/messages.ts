/** Wording shared by the transition and snapshot reports. */
import { Packet } from './nacl-evaluator';

/** An inclusive range of ports. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** The traffic of a packet, or of its class: `tcp 0-442`, `udp 53`, `icmp type 3 code 4`, `icmpv6 type 2 code 0`, `protocol 47`. */
export function trafficText(packet: Packet, portRange?: PortRange): string {
  const ipv6 = packet.remote.includes(':');
  const ports = portRange && portRange.from !== portRange.to ? `${portRange.from}-${portRange.to}` : `${packet.port}`;
  if (packet.protocol === 6) return `tcp ${ports}`;
  if (packet.protocol === 17) return `udp ${ports}`;
  if (packet.protocol === 1 && !ipv6) return `icmp type ${packet.icmpType} code ${packet.icmpCode}`;
  if (packet.protocol === 58 && ipv6) return `icmpv6 type ${packet.icmpType} code ${packet.icmpCode}`;
  return `protocol ${packet.protocol}`;
}

/** `ingress tcp 22 from 10.200.0.0/16 to <where>` / `egress tcp 22 from <where> to 10.200.0.0/16`. */
export function packetText(packet: Packet, where: string, remote = packet.remote, portRange?: PortRange): string {
  return packet.direction === 'ingress'
    ? `ingress ${trafficText(packet, portRange)} from ${remote} to ${where}`
    : `egress ${trafficText(packet, portRange)} from ${where} to ${remote}`;
}

/** `a`, `a and b`, `a, b and c`. */
export function sentence(parts: readonly string[]): string {
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
