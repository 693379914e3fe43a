/**
 * The ephemeral-range presets: their values, and each one as `ephemeralPortRange` gives the reply entries that range.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { synthNewVpc } from './fixtures';
import { EphemeralPorts } from '../src';
import { naclEntriesFromTemplate } from './support/nacl-evaluator';

test.each<[string, ec2.AclPortRange, number, number]>([
  ['LINUX', EphemeralPorts.LINUX, 32768, 60999],
  ['WINDOWS', EphemeralPorts.WINDOWS, 49152, 65535],
  ['ALL_CLIENTS', EphemeralPorts.ALL_CLIENTS, 1024, 65535],
])('EphemeralPorts.%s is its documented range', (_, range, from, to) => {
  expect(range).toEqual({ from, to });
});

test.each<[string, ec2.AclPortRange]>([
  ['LINUX', EphemeralPorts.LINUX],
  ['WINDOWS', EphemeralPorts.WINDOWS],
  ['ALL_CLIENTS', EphemeralPorts.ALL_CLIENTS],
])('ephemeralPortRange: EphemeralPorts.%s puts that range on the reply entries of both directions', (_, range) => {
  const { template } = synthNewVpc({
    allowOutbound: [ec2.AclTraffic.tcpPort(443)],
    allowInbound: [ec2.AclTraffic.tcpPort(8443)],
    ephemeralPortRange: range,
  });
  const allows = naclEntriesFromTemplate(template).filter(e => e.action === 'allow' && e.protocol === 6);
  const ranges = (egress: boolean) => allows.filter(e => e.egress === egress).map(e => e.portRange);
  const { from, to } = range as Required<ec2.AclPortRange>;
  const merged = (listed: number) => (from <= listed && listed <= to
    ? [{ from, to }]
    : [{ from: listed, to: listed }, { from, to }].sort((a, b) => a.from - b.from));
  expect(ranges(true)).toEqual(merged(443));
  expect(ranges(false)).toEqual(merged(8443));
});

test('the default ephemeral range is ALL_CLIENTS', () => {
  const withDefault = naclEntriesFromTemplate(synthNewVpc({ allowOutbound: [ec2.AclTraffic.tcpPort(443)] }).template);
  const withPreset = naclEntriesFromTemplate(synthNewVpc({
    allowOutbound: [ec2.AclTraffic.tcpPort(443)], ephemeralPortRange: EphemeralPorts.ALL_CLIENTS,
  }).template);
  const strip = (entries: typeof withDefault) => entries.map(({ logicalId, ...rest }) => rest);
  expect(strip(withPreset)).toEqual(strip(withDefault));
});
