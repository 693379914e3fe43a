/**
 * Use case: a dual-stack VPC whose private subnets have their own NACL; the SaaS reaches a database in them
 * (allowInbound 5432) and the subnets call its API (443), over IPv4 and IPv6. The SaaS VPC's IPv6 block is a token.
 */
import * as path from 'path';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RuleNumberRecord, VpcPeeringExternal } from '../src';
import { explainStandInAllowAll } from './support/stand-in-allow-all';

// The rule-number record of this app, committed as a user commits theirs (`cdk synth` under integ-runner writes it).
const app = new App({ context: { [RuleNumberRecord.CONTEXT_KEY]: path.join(__dirname, 'integ.inbound-ipv6.rule-numbers.json') } });
const stack = new Stack(app, 'VpcPeeringExternalInboundIpv6');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), ipProtocol: ec2.IpProtocol.DUAL_STACK, maxAzs: 2, natGateways: 1,
});
const appAcl = new ec2.NetworkAcl(stack, 'AppAcl', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
for (const direction of [ec2.TrafficDirection.INGRESS, ec2.TrafficDirection.EGRESS]) {
  explainStandInAllowAll(appAcl.addEntry(`AllowAll${direction}`, { ruleNumber: 100, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction }));
  explainStandInAllowAll(appAcl.addEntry(`AllowAllIpv6${direction}`, { ruleNumber: 101, cidr: ec2.AclCidr.anyIpv6(), traffic: ec2.AclTraffic.allTraffic(), direction }));
}

const saas = new ec2.Vpc(stack, 'SaasVpc', {
  ipAddresses: ec2.IpAddresses.cidr('10.200.0.0/16'), ipProtocol: ec2.IpProtocol.DUAL_STACK, maxAzs: 1, natGateways: 0,
});
const pcx = new ec2.CfnVPCPeeringConnection(stack, 'Peering', { vpcId: saas.vpcId, peerVpcId: vpc.vpcId });

new VpcPeeringExternal(stack, 'Database', {
  vpc,
  vpcPeeringConnectionId: pcx.ref,
  externalCidrBlocks: ['10.200.0.0/16'],
  externalIpv6CidrBlocks: [Fn.select(0, saas.vpcIpv6CidrBlocks)],
  allowOutbound: [ec2.AclTraffic.tcpPort(443)],
  allowInbound: [ec2.AclTraffic.tcpPort(5432)],
});

new IntegTest(app, 'InboundIpv6', { testCases: [stack] });
