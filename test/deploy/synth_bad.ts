/**
 * Builds `VpcPeeringExternal` once per case with the case's props and reports what happened, for
 * test_cfn_lint_agreement.py:
 *
 *   npx ts-node --project test/tsconfig.json test/deploy/synth_bad.ts <cases-json | file>
 *
 * Each case is `{ "name", "props": {...}, "ipv6"?: true }`, its own `App` with a new VPC (10.0.0.0/16, one AZ, one NAT
 * gateway; dual-stack with `"ipv6": true`). `props` are merged over valid ones (pcx-12345678, 10.200.0.0/16, tcp:443);
 * traffic is given as specs: "tcp:443", "tcp:9300-9200", "udp:53", "icmp:3:4", "icmpv6:2:0", "all", and
 * "raw:<protocol>" for an `AclTraffic` that carries only a protocol number (no port range, no ICMP type and code).
 *
 * The last line of stdout is a JSON array with, per case, `{ name, error }` (the message the construct or the
 * synthesis threw) or `{ name, entries, routes }` (the `Properties` of the synthesized NACL entries and routes).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { traffic } from './traffic-spec';
import { VpcPeeringExternal, VpcPeeringExternalProps } from '../../src';

interface Case {
  readonly name: string;
  readonly ipv6?: boolean;
  readonly props: {
    readonly vpcPeeringConnectionId?: string;
    readonly externalCidrBlocks?: string[];
    readonly externalIpv6CidrBlocks?: string[];
    readonly allowOutbound?: string[];
    readonly allowInbound?: string[];
    readonly ephemeralPortRange?: ec2.AclPortRange;
    readonly firstRuleNumber?: number;
    readonly lastRuleNumber?: number;
  };
}


function run(c: Case, outdir: string): Record<string, unknown> {
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Bad');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: 1,
      natGateways: 1,
      ...(c.ipv6 ? { ipProtocol: ec2.IpProtocol.DUAL_STACK } : {}),
    });
    const { allowOutbound, allowInbound, ...rest } = c.props;
    const props: VpcPeeringExternalProps = {
      vpc,
      vpcPeeringConnectionId: 'pcx-12345678',
      externalCidrBlocks: ['10.200.0.0/16'],
      ...rest,
      allowOutbound: (allowOutbound ?? ['tcp:443']).map(traffic),
      ...(allowInbound ? { allowInbound: allowInbound.map(traffic) } : {}),
    };
    new VpcPeeringExternal(stack, 'Peering', props);
    const template = app.synth().getStackByName('Bad').template;
    const of = (type: string) => Object.values<any>(template.Resources).filter(r => r.Type === type).map(r => r.Properties);
    return { name: c.name, entries: of('AWS::EC2::NetworkAclEntry'), routes: of('AWS::EC2::Route') };
  } catch (e) {
    return { name: c.name, error: e instanceof Error ? e.message : String(e) };
  }
}

function main(): void {
  const [spec] = process.argv.slice(2);
  if (!spec) {
    throw new Error('usage: synth_bad.ts <cases-json | file>');
  }
  const parsed = JSON.parse(fs.existsSync(spec) ? fs.readFileSync(spec, 'utf-8') : spec);
  const cases: Case[] = Array.isArray(parsed) ? parsed : [parsed];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-bad-'));
  try {
    const results = cases.map((c, i) => run(c, path.join(tmp, String(i))));
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
