/**
 * The templates the scanners check (test/scanners/*.test.ts here, checkov in its own stage through write-templates.ts):
 * the example app's stacks, the integ tests' apps, and a few cases that make every other kind of resource of the
 * construct (a dedicated NACL with its allow-all, IPv6, all traffic, the DNS resource). Each is synthesized afresh
 * (integ-runner's snapshot check ignores metadata, so a committed snapshot may lag behind it), with the logical ids of
 * the construct's resources: those under a `VpcPeeringExternal` or a `PeeringConnectionAccepter`, and the accepter's
 * function, role and log group.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { ImportedVpcExampleStack, NewVpcExampleStack, PLACEHOLDER_IMPORTED_VPC } from '../../example/stacks';
import { PeeringConnectionAccepter, VpcPeeringExternal } from '../../src';

export interface CfnTemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
  readonly [key: string]: unknown;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnTemplateResource>;
  readonly [key: string]: unknown;
}

export interface ShippedTemplate {
  /** `example <stack>`, `<integ app file> <stack>` or `case <what>`. */
  readonly name: string;
  readonly template: CfnTemplate;
  /** The logical ids of the construct's resources. */
  readonly constructResources: string[];
}

/** The construct id of the stack's one accepter provider (`CustomResourceProvider`). */
const ACCEPTER_PROVIDER_ID = 'VpcPeeringAccepterCustomResourceProvider';

/** The logical ids of the construct's resources in `stack`. */
export function constructResourcesOf(stack: Stack): string[] {
  const ids: string[] = [];
  const visit = (c: IConstruct, mine: boolean) => {
    const inside = mine || c instanceof VpcPeeringExternal || c instanceof PeeringConnectionAccepter
      || (c.node.scope === stack && c.node.id === ACCEPTER_PROVIDER_ID);
    if (inside && CfnResource.isCfnResource(c)) {
      ids.push(stack.resolve(c.logicalId));
    }
    c.node.children.forEach(child => visit(child, inside));
  };
  visit(stack, false);
  return ids.sort();
}

function ofStack(name: string, stack: Stack): ShippedTemplate {
  return { name, template: Template.fromStack(stack).toJSON() as CfnTemplate, constructResources: constructResourcesOf(stack) };
}

/** The example app's stacks. */
export function exampleTemplates(): ShippedTemplate[] {
  const app = new App();
  const newVpc = new NewVpcExampleStack(app, 'PeeringNewVpcExample');
  const imported = new ImportedVpcExampleStack(app, 'PeeringImportedVpcExample', PLACEHOLDER_IMPORTED_VPC);
  return [ofStack('example PeeringNewVpcExample', newVpc), ofStack('example PeeringImportedVpcExample', imported)];
}

/** The integ apps (`test/integ.*.ts`). */
export function integAppFiles(): string[] {
  const dir = path.join(__dirname, '..');
  return fs.readdirSync(dir).filter(f => /^integ\..*\.ts$/.test(f)).sort();
}

/**
 * The stacks of every integ app, as its own `App` synthesizes them. An integ app never calls `app.synth()`: with
 * CDK_OUTDIR set, its App synthesizes on process 'beforeExit'. That listener is run here, and taken off the process;
 * `App.prototype.synth` is wrapped meanwhile to get hold of the app, whose construct tree says which resources are the
 * construct's. The integ-tests assertion stacks (…DeployAssert…) hold no resource and are left out. An app module runs
 * once per module registry (a jest test file, a process): the result is kept.
 */
export function integTemplates(): ShippedTemplate[] {
  INTEG_TEMPLATES ??= synthIntegApps();
  return INTEG_TEMPLATES;
}

let INTEG_TEMPLATES: ShippedTemplate[] | undefined;

function synthIntegApps(): ShippedTemplate[] {
  const testDir = path.join(__dirname, '..');
  const templates: ShippedTemplate[] = [];
  for (const integ of integAppFiles()) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-synth-'));
    const before = process.env.CDK_OUTDIR;
    const synth = App.prototype.synth;
    const apps: App[] = [];
    try {
      process.env.CDK_OUTDIR = outdir;
      App.prototype.synth = function (this: App, ...args: Parameters<App['synth']>) {
        apps.push(this);
        return synth.apply(this, args);
      };
      const listeners = process.listeners('beforeExit');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(testDir, integ));
      for (const listener of process.listeners('beforeExit').filter(l => !listeners.includes(l))) {
        process.removeListener('beforeExit', listener);
        (listener as () => void)();
      }
      if (apps.length !== 1) {
        throw new Error(`${integ} synthesized ${apps.length} apps, expected 1`);
      }
      const stacks = apps[0].node.findAll().filter((c): c is Stack => Stack.isStack(c) && !c.artifactId.includes('DeployAssert'));
      for (const stack of stacks) {
        const file = path.join(outdir, stack.templateFile);
        templates.push({
          name: `${integ} ${stack.artifactId}`,
          template: JSON.parse(fs.readFileSync(file, 'utf-8')),
          constructResources: constructResourcesOf(stack),
        });
      }
    } finally {
      App.prototype.synth = synth;
      process.env.CDK_OUTDIR = before;
      if (before === undefined) {
        delete process.env.CDK_OUTDIR;
      }
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  return templates;
}

/**
 * Cases that make the kinds of resources the example and the integ apps do not: a NACL of its own (createNetworkAcl)
 * with its allow-alls, IPv4 and IPv6, all traffic out, the acceptance and the DNS resource, two accepters in a stack.
 */
export function caseTemplates(): ShippedTemplate[] {
  const app = new App();
  const stack = new Stack(app, 'DedicatedNaclDualStack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { ipProtocol: ec2.IpProtocol.DUAL_STACK, maxAzs: 2, natGateways: 0 });
  new VpcPeeringExternal(stack, 'Saas', {
    vpc,
    vpcPeeringConnectionId: 'pcx-0123456789abcdef0',
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    createNetworkAcl: true,
    externalCidrBlocks: ['10.200.0.0/16'],
    externalIpv6CidrBlocks: ['2600:1f18:abcd::/56'],
    allowOutbound: [ec2.AclTraffic.allTraffic()],
    allowInbound: [ec2.AclTraffic.tcpPort(5432)],
    acceptPeeringConnection: true,
    expectedRequester: { accountId: '111122223333' },
    allowDnsResolutionFromRemoteVpc: true,
  });
  new PeeringConnectionAccepter(stack, 'Second', {
    vpc, vpcPeeringConnectionId: 'pcx-0aaaaaaaaaaaaaaa1', expectedRequester: { accountId: '444455556666', vpcId: 'vpc-0bbbbbbbbbbbbbbb1' },
  });
  return [ofStack('case createNetworkAcl, dual stack, all traffic out, DNS, two accepters', stack)];
}

/** Every template the scanners check. */
export function shippedTemplates(): ShippedTemplate[] {
  return [...exampleTemplates(), ...integTemplates(), ...caseTemplates()];
}

/** The template without the scanners' suppression metadata (`keys`, by default every scanner's). */
export function withoutSuppressions(template: CfnTemplate, keys = ['cfn_nag', 'guard', 'checkov', 'cdk_nag']): CfnTemplate {
  const resources: Record<string, CfnTemplateResource> = {};
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const metadata = Object.fromEntries(Object.entries(r.Metadata ?? {}).filter(([k]) => !keys.includes(k)));
    resources[id] = { ...r, Metadata: metadata };
  }
  return { ...template, Resources: resources };
}
