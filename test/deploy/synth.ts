/**
 * Synthesizes the stacks the deploy test runs on the emulator.
 *
 *   npx ts-node --project test/tsconfig.json test/deploy/synth.ts <outdir> <variants-json>
 *
 * `<variants-json>` is a JSON array (or a file holding one) of variants; each becomes one stack, written by a plain
 * `app.synth()` of an app of its own, its template copied to `<outdir>/<stackName>.template.json`, or, for a variant
 * with `"assembly": "<dir>"`, kept as the cloud assembly `<outdir>/<dir>/` (what `cdk deploy --app <dir>` takes):
 *
 * - `{ "kind": "example-new", "stackName", "pcx" }`: the example's `NewVpcExampleStack` itself, with its routes pointed
 *   at the real peering connection (the class hard-codes a placeholder pcx id).
 * - `{ "kind": "example-imported", "stackName", "imported": ImportedVpcExampleStackProps }`: the example's
 *   `ImportedVpcExampleStack` itself.
 * - `{ "kind": "new" | "imported", "stackName", ... }`: the same stacks (same construct ids, so the same logical ids)
 *   with the construct's props taken from the variant: `externalIpv6CidrBlocks` ("imported" only), `allowOutbound` / `allowInbound` (traffic specs: "tcp:443",
 *   "tcp:1000-2000", "udp:53", "icmp:3:4", "all"), `externalCidrBlocks`, `blanketDeny`, and for "imported" the ids in
 *   `imported` (its `otherNetworkAclIds` order is the `denyNetworkAcls` order); `"peering": false` gives the new VPC
 *   without the construct.
 * - `{ "kind": "vendors", "stackName", "imported", "vendors": VendorVariant[] }`: the imported VPC of `imported` (its
 *   peering fields unused) with one `VpcPeeringExternal` per vendor, in that order, each with the props its entry gives
 *   (see `VendorVariant`; the other tiers' NACLs get the denies): several vendors on one NACL, presets,
 *   `createNetworkAcl`, the accepter. No bootstrap version rule (the test deploys through the API). Give it an
 *   `assembly` when a vendor accepts: its function's asset must be published before the deploy.
 *
 * Any variant may say `"previous": "<stackName of an earlier variant>"`: it is synthesized as the next synth after
 * deploying that one sees the app, with the rule-number record that variant's template carries (as `cdk synth` keeps
 * it in the record file), so its entries keep their numbers.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { traffic } from './traffic-spec';
import { exampleVpc, ImportedVpcExampleStack, ImportedVpcExampleStackProps, NewVpcExampleStack } from '../../example/stacks';
import { ExpectedRequester, RuleNumberRecord, SaasPeeringPreset, VpcPeeringExternal } from '../../src';

/** One `VpcPeeringExternal` of a "vendors" variant. */
interface VendorVariant {
  /** The construct id. */
  readonly id: string;
  readonly pcx: string;
  readonly externalCidrBlocks?: string[];
  readonly allowOutbound?: string[];
  readonly allowInbound?: string[];
  /** `SaasPeeringPreset` factories by name: "mongoDbAtlas", "confluentCloud", "redisCloud". */
  readonly presets?: Array<'mongoDbAtlas' | 'confluentCloud' | 'redisCloud'>;
  readonly createNetworkAcl?: boolean;
  /**
   * Where the allows go: "private" (default, without `createNetworkAcl`) passes the private NACL as `networkAcls`,
   * "subnets" passes none (the NACL the app associates the subnets with, e.g. another vendor's `createNetworkAcl`),
   * "default" passes the VPC's default NACL (`imported.defaultNetworkAclId`: where the subnets go when a NACL that
   * `createNetworkAcl` made is deleted).
   */
  readonly networkAcls?: 'private' | 'subnets' | 'default';
  readonly acceptPeeringConnection?: boolean;
  readonly expectedRequester?: ExpectedRequester;
  readonly allowDnsResolutionFromRemoteVpc?: boolean;
}

interface Variant {
  readonly kind: 'example-new' | 'example-imported' | 'new' | 'imported' | 'vendors';
  readonly stackName: string;
  /** A subdirectory of the outdir holding its own cloud assembly (default: the outdir itself). */
  readonly assembly?: string;
  readonly pcx?: string;
  readonly imported?: ImportedVpcExampleStackProps & { readonly defaultNetworkAclId?: string };
  readonly externalCidrBlocks?: string[];
  readonly externalIpv6CidrBlocks?: string[];
  readonly allowOutbound?: string[];
  readonly allowInbound?: string[];
  readonly blanketDeny?: boolean;
  /** "new" only: false synthesizes the VPC alone (the state before the peering exists). */
  readonly peering?: boolean;
  /** "vendors" only. */
  readonly vendors?: VendorVariant[];
  /** The variant deployed before this one: its rule-number record is this one's. */
  readonly previous?: string;
  /** Further context of the app (`cdk deploy -c key=value`), e.g. `cdk-vpc-peering-external:recheck`. */
  readonly context?: Record<string, string>;
}

const PRESETS = {
  mongoDbAtlas: () => SaasPeeringPreset.mongoDbAtlas(),
  confluentCloud: () => SaasPeeringPreset.confluentCloud(),
  redisCloud: () => SaasPeeringPreset.redisCloud(),
};

/** The imported VPC of `v.imported` with one construct per vendor of `v.vendors`. */
function vendorsStack(app: App, v: Variant): Stack {
  const p = v.imported!;
  const stack = new Stack(app, v.stackName, {
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
  });
  const vpc = importedVpc(stack, p);
  const privateAcl = ec2.NetworkAcl.fromNetworkAclId(stack, 'PrivateAcl', p.privateNetworkAclId);
  const defaultAcl = () => {
    if (!p.defaultNetworkAclId) throw new Error('networkAcls "default" needs imported.defaultNetworkAclId');
    return (stack.node.tryFindChild('DefaultAcl') as ec2.INetworkAcl | undefined)
      ?? ec2.NetworkAcl.fromNetworkAclId(stack, 'DefaultAcl', p.defaultNetworkAclId);
  };
  const otherAcls = p.otherNetworkAclIds.map((id, i) => ec2.NetworkAcl.fromNetworkAclId(stack, `OtherAcl${i}`, id));
  for (const vendor of v.vendors ?? []) {
    const ownAcl = vendor.createNetworkAcl || vendor.networkAcls === 'subnets';
    new VpcPeeringExternal(stack, vendor.id, {
      vpc,
      vpcPeeringConnectionId: vendor.pcx,
      ...(vendor.externalCidrBlocks ? { externalCidrBlocks: vendor.externalCidrBlocks } : {}),
      ...(vendor.allowOutbound ? { allowOutbound: vendor.allowOutbound.map(traffic) } : {}),
      ...(vendor.allowInbound ? { allowInbound: vendor.allowInbound.map(traffic) } : {}),
      ...(vendor.presets ? { presets: vendor.presets.map(name => PRESETS[name]()) } : {}),
      ...(vendor.createNetworkAcl === undefined ? {} : { createNetworkAcl: vendor.createNetworkAcl }),
      ...(ownAcl ? {} : { networkAcls: [vendor.networkAcls === 'default' ? defaultAcl() : privateAcl] }),
      denyNetworkAcls: otherAcls,
      ...(vendor.acceptPeeringConnection === undefined ? {} : { acceptPeeringConnection: vendor.acceptPeeringConnection }),
      ...(vendor.expectedRequester ? { expectedRequester: vendor.expectedRequester } : {}),
      ...(vendor.allowDnsResolutionFromRemoteVpc === undefined ? {}
        : { allowDnsResolutionFromRemoteVpc: vendor.allowDnsResolutionFromRemoteVpc }),
    });
  }
  return stack;
}


/** NewVpcExampleStack with the construct's props from the variant (the VPC is the example's own). */
function newVpcStack(app: App, v: Variant): Stack {
  const stack = new Stack(app, v.stackName);
  const vpc = exampleVpc(stack);
  if (v.peering === false) {
    return stack;
  }
  new VpcPeeringExternal(stack, 'Elasticsearch', {
    vpc,
    vpcPeeringConnectionId: v.pcx!,
    externalCidrBlocks: v.externalCidrBlocks ?? ['10.200.0.0/16'],
    allowOutbound: (v.allowOutbound ?? ['tcp:443', 'tcp:9200']).map(traffic),
    ...(v.allowInbound ? { allowInbound: v.allowInbound.map(traffic) } : {}),
    ...(v.blanketDeny === undefined ? {} : { blanketDeny: v.blanketDeny }),
  });
  return stack;
}

/** The VPC of `p`, imported as ImportedVpcExampleStack imports it. */
function importedVpc(stack: Stack, p: ImportedVpcExampleStackProps): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: p.vpcId,
    vpcCidrBlock: p.vpcCidrBlock,
    availabilityZones: p.availabilityZones,
    privateSubnetIds: p.privateSubnetIds,
    privateSubnetRouteTableIds: p.privateSubnetRouteTableIds,
  });
}

/** ImportedVpcExampleStack with the construct's props from the variant: keep it in step with example/stacks.ts. */
function importedVpcStack(app: App, v: Variant): Stack {
  const p = v.imported!;
  const stack = new Stack(app, v.stackName);
  const vpc = importedVpc(stack, p);
  new VpcPeeringExternal(stack, 'Database', {
    vpc,
    vpcPeeringConnectionId: p.vpcPeeringConnectionId,
    externalCidrBlocks: v.externalCidrBlocks ?? p.externalCidrBlocks,
    ...(v.externalIpv6CidrBlocks ? { externalIpv6CidrBlocks: v.externalIpv6CidrBlocks } : {}),
    allowOutbound: (v.allowOutbound ?? ['tcp:5432']).map(traffic),
    allowInbound: (v.allowInbound ?? ['tcp:8443']).map(traffic),
    networkAcls: [ec2.NetworkAcl.fromNetworkAclId(stack, 'PrivateAcl', p.privateNetworkAclId)],
    denyNetworkAcls: p.otherNetworkAclIds.map((id, i) => ec2.NetworkAcl.fromNetworkAclId(stack, `OtherAcl${i}`, id)),
    ...(v.blanketDeny === undefined ? {} : { blanketDeny: v.blanketDeny }),
  });
  return stack;
}

function main(): void {
  const [outdir, spec] = process.argv.slice(2);
  if (!outdir || !spec) {
    throw new Error('usage: synth.ts <outdir> <variants-json | file>');
  }
  const parsed = JSON.parse(fs.existsSync(spec) ? fs.readFileSync(spec, 'utf-8') : spec);
  const variants: Variant[] = Array.isArray(parsed) ? parsed : [parsed];
  // One app per variant: the variants are one stack at different times, not stacks of one app (in one app the
  // construct's app-wide checks would rightly see them all writing to the same NACLs).
  const templates = new Map<string, { Metadata?: Record<string, unknown> }>();
  for (const v of variants) {
    const appDir = path.join(outdir, v.assembly ?? path.join('.apps', v.stackName));
    const previous = v.previous === undefined ? undefined : templates.get(v.previous);
    if (v.previous !== undefined && !previous) {
      throw new Error(`variant ${v.stackName}: previous ${v.previous} is not an earlier variant`);
    }
    const record = previous && {
      version: 1,
      stacks: { [v.stackName]: previous.Metadata?.[RuleNumberRecord.TEMPLATE_METADATA_KEY] ?? { networkAcls: {} } },
    };
    // The record file is off: every number comes from the record given here (or is fresh).
    const app = new App({ outdir: appDir, context: { ...v.context, [RuleNumberRecord.CONTEXT_KEY]: record ?? false } });
    switch (v.kind) {
      case 'example-new':
        new NewVpcExampleStack(app, v.stackName, { vpcPeeringConnectionId: v.pcx });
        break;
      case 'example-imported':
        new ImportedVpcExampleStack(app, v.stackName, v.imported!);
        break;
      case 'new':
        newVpcStack(app, v);
        break;
      case 'imported':
        importedVpcStack(app, v);
        break;
      case 'vendors':
        vendorsStack(app, v);
        break;
      default:
        throw new Error(`unknown kind ${(v as Variant).kind}`);
    }
    templates.set(v.stackName, app.synth().getStackByName(v.stackName).template);
    if (!v.assembly) {
      const template = `${v.stackName}.template.json`;
      fs.copyFileSync(path.join(appDir, template), path.join(outdir, template));
    }
  }
}

main();
