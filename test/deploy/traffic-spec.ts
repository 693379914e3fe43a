/**
 * Traffic written as short specs in the deploy tests' variants: "tcp:443", "tcp:9300-9200", "udp:53", "icmp:3:4",
 * "icmpv6:2:0", "all", and "raw:<protocol>" for an `AclTraffic` that carries only a protocol number.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** An `AclTraffic` with only a protocol number: what no factory method of `ec2.AclTraffic` makes. */
class RawTraffic extends ec2.AclTraffic {
  constructor(private readonly protocol: number) {
    super();
  }

  public toTrafficConfig(): ec2.AclTrafficConfig {
    return { protocol: this.protocol };
  }
}

export function traffic(spec: string): ec2.AclTraffic {
  const [proto, a, b] = spec.split(':');
  switch (proto) {
    case 'all': return ec2.AclTraffic.allTraffic();
    case 'raw': return new RawTraffic(Number(a));
    case 'icmp': return ec2.AclTraffic.icmp({ type: Number(a), code: Number(b) });
    case 'icmpv6': return ec2.AclTraffic.icmpv6({ type: Number(a), code: Number(b) });
    case 'tcp':
    case 'udp': {
      const [from, to] = a.split('-').map(Number);
      if (proto === 'tcp') {
        return to === undefined ? ec2.AclTraffic.tcpPort(from) : ec2.AclTraffic.tcpPortRange(from, to);
      }
      return to === undefined ? ec2.AclTraffic.udpPort(from) : ec2.AclTraffic.udpPortRange(from, to);
    }
    default: throw new Error(`unknown traffic spec ${spec}`);
  }
}
