/**
 * Use case: an existing VPC, imported in another stack, whose NACLs were made by hand with an allow-all at rule 100.
 * The private NACL gets the allow and deny rules; the public NACL only the deny rules. Ids cross stacks as tokens.
 */
import * as path from 'path';
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RuleNumberRecord, VpcPeeringExternal } from '../src';
import { explainStandInAllowAll } from './support/stand-in-allow-all';

// The rule-number record of this app, committed as a user commits theirs (`cdk synth` under integ-runner writes it).
const app = new App({ context: { [RuleNumberRecord.CONTEXT_KEY]: path.join(__dirname, 'integ.imported-vpc.rule-numbers.json') } });

// The existing network: made elsewhere, here in its own stack.
const network = new Stack(app, 'VpcPeeringExternalNetwork');
const existing = new ec2.Vpc(network, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), maxAzs: 2, natGateways: 1 });
const acls = ['Public', 'Private'].map(tier => {
  const acl = new ec2.NetworkAcl(network, `${tier}Acl`, {
    vpc: existing,
    subnetSelection: { subnetType: tier === 'Public' ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
  });
  for (const direction of [ec2.TrafficDirection.INGRESS, ec2.TrafficDirection.EGRESS]) {
    explainStandInAllowAll(acl.addEntry(`AllowAll${direction}`, { ruleNumber: 100, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.allTraffic(), direction }));
  }
  return acl;
});
const saas = new ec2.Vpc(network, 'SaasVpc', { ipAddresses: ec2.IpAddresses.cidr('10.210.0.0/16'), maxAzs: 1, natGateways: 0 });
const pcx = new ec2.CfnVPCPeeringConnection(network, 'Peering', { vpcId: saas.vpcId, peerVpcId: existing.vpcId });

// The peering rules, on the imported VPC.
const stack = new Stack(app, 'VpcPeeringExternalImportedVpc');
const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
  vpcId: existing.vpcId,
  vpcCidrBlock: '10.1.0.0/16',
  availabilityZones: existing.availabilityZones,
  privateSubnetIds: existing.privateSubnets.map(s => s.subnetId),
  privateSubnetRouteTableIds: existing.privateSubnets.map(s => s.routeTable.routeTableId),
});
new VpcPeeringExternal(stack, 'Database', {
  vpc,
  vpcPeeringConnectionId: pcx.ref,
  externalCidrBlocks: ['10.210.0.0/16'],
  allowOutbound: [ec2.AclTraffic.tcpPort(5432)],
  networkAcls: [ec2.NetworkAcl.fromNetworkAclId(stack, 'PrivateAcl', acls[1].networkAclId)],
  denyNetworkAcls: [ec2.NetworkAcl.fromNetworkAclId(stack, 'PublicAcl', acls[0].networkAclId)],
});

new IntegTest(app, 'ImportedVpc', { testCases: [stack] });
