import * as fs from 'fs';
import * as path from 'path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SaasPeeringPreset } from '../src';
import { trafficOfPresets } from '../src/private/props/presets';

/** A traffic as `protocol ports` (the AWS protocol number and the port range). */
function show(traffic: ec2.AclTraffic[]): string[] {
  return traffic.map(t => {
    const c = t.toTrafficConfig();
    return `${c.protocol} ${c.portRange ? `${c.portRange.from}-${c.portRange.to}` : '*'}`;
  });
}

describe('the vendor presets', () => {
  test.each<[string, SaasPeeringPreset, string[], string[]]>([
    ['MongoDB Atlas', SaasPeeringPreset.mongoDbAtlas(), ['6 27015-27017'], []],
    ['Confluent Cloud', SaasPeeringPreset.confluentCloud(), ['6 9092-9092', '6 443-443'], []],
    ['Redis Cloud', SaasPeeringPreset.redisCloud(), ['6 10000-19999'], []],
  ])('%s allows out exactly the documented ports, and nothing in by default', (vendor, preset, outbound, inbound) => {
    expect(preset.vendor).toBe(vendor);
    expect(show(preset.allowOutbound)).toEqual(outbound);
    expect(show(preset.allowInbound)).toEqual(inbound);
  });

  test('GIVEN Confluent managed connectors THEN their ports are allowed in', () => {
    const preset = SaasPeeringPreset.confluentCloud({
      allowManagedConnectorsInbound: [ec2.AclTraffic.tcpPort(5432), ec2.AclTraffic.tcpPort(3306)],
    });
    expect(show(preset.allowOutbound)).toEqual(['6 9092-9092', '6 443-443']);
    expect(show(preset.allowInbound)).toEqual(['6 5432-5432', '6 3306-3306']);
  });

  test('GIVEN the options array is changed afterwards THEN the preset keeps its traffic', () => {
    const inbound = [ec2.AclTraffic.tcpPort(5432)];
    const preset = SaasPeeringPreset.confluentCloud({ allowManagedConnectorsInbound: inbound });
    inbound.push(ec2.AclTraffic.allTraffic());
    expect(show(preset.allowInbound)).toEqual(['6 5432-5432']);
  });

  test('every preset cites the vendor documentation page in its doc comment', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', 'src', 'saas-peering-preset.ts'), 'utf-8');
    const docOf = (method: string) => {
      const m = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*public static ${method}\\(`).exec(source);
      expect(m).not.toBeNull();
      return m![1];
    };
    expect(docOf('mongoDbAtlas')).toContain('@see https://www.mongodb.com/docs/atlas/security-vpc-peering/');
    expect(docOf('confluentCloud')).toContain('@see https://docs.confluent.io/cloud/current/networking/peering/aws-peering.html');
    expect(docOf('redisCloud')).toContain('@see https://redis.io/docs/latest/operate/rc/security/vpc-peering/');
  });
});

describe('trafficOfPresets', () => {
  test('GIVEN no presets THEN no traffic', () => {
    expect(trafficOfPresets(undefined)).toEqual({ outbound: [], inbound: [] });
    expect(trafficOfPresets([])).toEqual({ outbound: [], inbound: [] });
  });

  test('GIVEN several presets THEN their traffic in their order', () => {
    const t = trafficOfPresets([
      SaasPeeringPreset.redisCloud(),
      SaasPeeringPreset.confluentCloud({ allowManagedConnectorsInbound: [ec2.AclTraffic.tcpPort(5432)] }),
      SaasPeeringPreset.mongoDbAtlas(),
    ]);
    expect(show(t.outbound)).toEqual(['6 10000-19999', '6 9092-9092', '6 443-443', '6 27015-27017']);
    expect(show(t.inbound)).toEqual(['6 5432-5432']);
  });
});
