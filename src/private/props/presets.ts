import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SaasPeeringPreset } from '../../saas-peering-preset';

/** The traffic of the presets, in their order: to be added after `allowOutbound` / `allowInbound`. */
export interface PresetTraffic {
  readonly outbound: ec2.AclTraffic[];
  readonly inbound: ec2.AclTraffic[];
}

/** Concatenates the traffic of the presets (duplicates are merged later, with the rest of the traffic). */
export function trafficOfPresets(presets: SaasPeeringPreset[] | undefined): PresetTraffic {
  const list = presets ?? [];
  return {
    outbound: list.flatMap(p => p.allowOutbound),
    inbound: list.flatMap(p => p.allowInbound),
  };
}
