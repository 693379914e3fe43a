/**
 * Benchmarks (`npx projen bench`): how long planning and synthesizing take, and how much memory, for the largest
 * inputs the AWS quota allows (40 rules per NACL and direction), with the targets they must meet. Not part of the
 * test suite: timings on a shared machine are too noisy for pass/fail tests.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { VpcPeeringExternal } from '../../src';
import { planNetworkAclEntries } from '../../src/private/peering-plan';
import { Protocol } from '../../src/private/traffic';

interface Result { name: string; perOpMs: number; targetMs: number }

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
gc();
const baselineMb = process.memoryUsage().heapUsed / 1024 / 1024;

function time(name: string, runs: number, targetMs: number, fn: () => void): Result {
  fn(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn();
  const perOpMs = Number(process.hrtime.bigint() - start) / 1e6 / runs;
  return { name, perOpMs, targetMs };
}

const cidrs = Array.from({ length: 5 }, (_, i) => ({ cidr: `10.${200 + i}.0.0/16`, family: 'ipv4' as const }));
const ports = Array.from({ length: 200 }, (_, i) => ({ protocol: Protocol.TCP, portRange: { from: 1000 + 3 * i, to: 1000 + 3 * i }, reasons: ['outbound'] }));

const results: Result[] = [
  time('plan (stress, far past the quota): 200 ports, 5 CIDRs, 50 NACLs = 100k entries', 20, 1000, () => planNetworkAclEntries({
    externalCidrs: cidrs,
    allowOutbound: ports,
    allowInbound: ports.slice(0, 50),
    ephemeralPortRange: { from: 1024, to: 65535 },
    accessAcls: Array.from({ length: 50 }, (_, i) => `acl-${i}`),
    denyAcls: [],
    blanketDeny: true,
    allowPathMtuDiscovery: true,
    firstRuleNumber: 1,
    lastRuleNumber: 32766,
  })),
  time('synth: new VPC, 3 AZs, 38 outbound ports (quota of 40)', 5, 3000, () => {
    const stack = new Stack(new App(), 'Bench');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3, natGateways: 1 });
    new VpcPeeringExternal(stack, 'Peering', {
      vpc,
      vpcPeeringConnectionId: 'pcx-0123456789abcdef0',
      externalCidrBlocks: ['10.200.0.0/16'],
      allowOutbound: Array.from({ length: 37 }, (_, i) => ec2.AclTraffic.tcpPort(2 * i + 1)),
      maxRulesPerNetworkAcl: 40,
      firstRuleNumber: 1,
    });
    Template.fromStack(stack);
  }),
];

// Live memory after a collection (run with --expose-gc), not garbage that has not been collected yet; CDK keeps every
// token it ever made in a global map, so this grows with the number of stacks synthesized.
gc();
const heapMb = process.memoryUsage().heapUsed / 1024 / 1024 - baselineMb;
let failed = false;
for (const r of results) {
  const ok = r.perOpMs <= r.targetMs;
  failed ||= !ok;
  console.log(`${ok ? 'ok  ' : 'SLOW'} ${r.name}: ${r.perOpMs.toFixed(2)} ms/op (target ${r.targetMs} ms)`);
}
const heapTarget = 150;
console.log(`${heapMb <= heapTarget ? 'ok  ' : 'BIG '} heap kept after the runs: ${heapMb.toFixed(0)} MiB (target ${heapTarget} MiB)`);
process.exit(failed || heapMb > heapTarget ? 1 : 0);
