/**
 * Synthesizes the construct from the Terraform module's inputs, mapped to props the way the README's "Coming from
 * Terraform" section maps them, for an existing (imported) VPC.
 *
 *   npx ts-node --project test/tsconfig.json test/terraform/synth.ts <outdir> <variants-json | file>
 *
 * Each variant `{ stackName, vpc, module, firstRuleNumber?, lastRuleNumber?, allowPathMtuDiscovery? }` becomes one
 * app of its own (one stack at different times, not stacks of one app) and `<outdir>/<stackName>.template.json`.
 * `vpc` holds `fromVpcAttributes` attributes (the private app subnets and their route tables); `module` holds the
 * module's inputs exactly as Terraform gets them (test/terraform/module/variables.tf).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { VpcPeeringExternal, VpcPeeringExternalProps } from '../../src';

/** The inputs of the Terraform module (test/terraform/module/variables.tf). */
export interface ModuleInputs {
  readonly vpc_peering_connection_id: string;
  readonly internal_vpc_route_table_ids: string[];
  readonly external_vpc_cidr_blocks: string[];
  readonly network_acl_ids_with_external_vpc_access: string[];
  readonly all_network_acl_ids: string[];
  readonly protocol: string;
  readonly outbound_from_port: number;
  readonly outbound_to_port: number;
  readonly ephemeral_from_port: number;
  readonly ephemeral_to_port: number;
  readonly egress_starting_rule_number: number;
  readonly ingress_starting_rule_number: number;
  readonly egress_high_starting_rule_number: number;
  readonly ingress_high_starting_rule_number: number;
  readonly enable_blanket_deny: boolean;
}

interface Variant {
  readonly stackName: string;
  readonly vpc: ec2.VpcAttributes;
  readonly module: ModuleInputs;
  readonly firstRuleNumber?: number;
  readonly lastRuleNumber?: number;
  readonly allowPathMtuDiscovery?: boolean;
}

/** `protocol`, `outbound_from_port`, `outbound_to_port` as one `AclTraffic`. */
function outboundTraffic(m: ModuleInputs): ec2.AclTraffic {
  switch (m.protocol.toLowerCase()) {
    case 'tcp':
    case '6':
      return ec2.AclTraffic.tcpPortRange(m.outbound_from_port, m.outbound_to_port);
    case 'udp':
    case '17':
      return ec2.AclTraffic.udpPortRange(m.outbound_from_port, m.outbound_to_port);
    case 'all':
    case '-1':
      return ec2.AclTraffic.allTraffic();
    default:
      throw new Error(`protocol ${m.protocol} has no mapping in this test`);
  }
}

/**
 * The README's mapping. Not mapped, on purpose: `internal_vpc_route_table_ids` (the construct routes the route tables
 * of the selected subnets) and the four starting rule numbers (the construct numbers its rules inside one band; the
 * migration procedure picks the band).
 */
export function propsFromModuleInputs(scope: Stack, vpc: ec2.IVpc, m: ModuleInputs): VpcPeeringExternalProps {
  const acl = (id: string) => ec2.NetworkAcl.fromNetworkAclId(scope, `Acl-${id}`, id);
  return {
    vpc,
    vpcPeeringConnectionId: m.vpc_peering_connection_id,
    externalCidrBlocks: m.external_vpc_cidr_blocks,
    allowOutbound: [outboundTraffic(m)],
    ephemeralPortRange: { from: m.ephemeral_from_port, to: m.ephemeral_to_port },
    networkAcls: m.network_acl_ids_with_external_vpc_access.map(acl),
    denyNetworkAcls: m.all_network_acl_ids
      .filter(id => !m.network_acl_ids_with_external_vpc_access.includes(id))
      .map(acl),
    blanketDeny: m.enable_blanket_deny,
  };
}

function main(): void {
  const [outdir, spec] = process.argv.slice(2);
  if (!outdir || !spec) {
    throw new Error('usage: synth.ts <outdir> <variants-json | file>');
  }
  const parsed = JSON.parse(fs.existsSync(spec) ? fs.readFileSync(spec, 'utf-8') : spec);
  const variants: Variant[] = Array.isArray(parsed) ? parsed : [parsed];
  for (const v of variants) {
    const appDir = path.join(outdir, '.apps', v.stackName);
    const app = new App({ outdir: appDir });
    const stack = new Stack(app, v.stackName);
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', v.vpc);
    new VpcPeeringExternal(stack, 'Peering', {
      ...propsFromModuleInputs(stack, vpc, v.module),
      ...(v.firstRuleNumber === undefined ? {} : { firstRuleNumber: v.firstRuleNumber }),
      ...(v.lastRuleNumber === undefined ? {} : { lastRuleNumber: v.lastRuleNumber }),
      ...(v.allowPathMtuDiscovery === undefined ? {} : { allowPathMtuDiscovery: v.allowPathMtuDiscovery }),
    });
    app.synth();
    const template = `${v.stackName}.template.json`;
    fs.copyFileSync(path.join(appDir, template), path.join(outdir, template));
  }
}

main();
