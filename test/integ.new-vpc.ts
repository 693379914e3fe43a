/**
 * Use case: a new VPC whose private app subnets (on the default NACL) reach a SaaS over HTTPS and 9200.
 * The "SaaS" VPC and the peering are made in the same stack so that the test deploys on its own; in real use the
 * third party owns that VPC and you pass the id of the peering you accepted.
 */
import * as path from 'path';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RuleNumberRecord, VpcPeeringExternal } from '../src';

// The rule-number record of this app, committed as a user commits theirs (`cdk synth` under integ-runner writes it).
const app = new App({ context: { [RuleNumberRecord.CONTEXT_KEY]: path.join(__dirname, 'integ.new-vpc.rule-numbers.json') } });
const stack = new Stack(app, 'VpcPeeringExternalNewVpc');

const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
const saas = new ec2.Vpc(stack, 'SaasVpc', { ipAddresses: ec2.IpAddresses.cidr('10.200.0.0/16'), maxAzs: 1, natGateways: 0 });
const pcx = new ec2.CfnVPCPeeringConnection(stack, 'Peering', { vpcId: saas.vpcId, peerVpcId: vpc.vpcId });

new VpcPeeringExternal(stack, 'Elasticsearch', {
  vpc,
  vpcPeeringConnectionId: pcx.ref,
  externalCidrBlocks: ['10.200.0.0/16'],
  allowOutbound: [ec2.AclTraffic.tcpPort(443), ec2.AclTraffic.tcpPort(9200)],
});

new IntegTest(app, 'NewVpc', { testCases: [stack] });
