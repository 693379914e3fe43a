/**
 * Reading the app: one walk over every construct of the app, when the app is complete, collects what the plan needs
 * to know besides the props — which NACL each subnet is associated with (by `associateNetworkAcl`,
 * `NetworkAcl.associateWithSubnet`, `SubnetNetworkAclAssociation` or its L1, in any stack and declared in any order),
 * the CIDR blocks of each VPC (secondary and IPv6 ones too), the entries and routes that other code creates, and the
 * security groups.
 */
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { naclKey } from '../cdk/nacl-refs';
import { stackNameOf, ValueIdentity } from '../cdk/value-identity';
import { canonicalCidr, isCidr } from '../core/cidr';
import { HeldRoute, PlannedEntry } from '../plan/types';
import { AppModel } from '../stage-types';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * What is read of each kind of resource, by CloudFormation type (the kinds whose addition or removal the fingerprint
 * notices). `created` are the routes and entries the plan made itself: they are not the app's own.
 */
const READERS: Record<string, (c: CfnResource, model: Mutable<AppModel>, created: WeakSet<IConstruct>) => void> = {
  'AWS::EC2::SubnetNetworkAclAssociation': (c, model) => {
    const a = c as ec2.CfnSubnetNetworkAclAssociation;
    append(model.associations, ValueIdentity.of(a).identity(a.subnetId), { networkAclId: a.networkAclId, resource: a });
  },
  'AWS::EC2::VPCCidrBlock': (c, model) => {
    const block = c as ec2.CfnVPCCidrBlock;
    append(model.cidrBlocks, ValueIdentity.of(block).identity(block.vpcId), block);
  },
  'AWS::EC2::NetworkAcl': (c, model) => {
    const acl = c as ec2.CfnNetworkAcl;
    append(model.networkAcls, ValueIdentity.of(acl).identity(acl.vpcId), acl);
  },
  'AWS::EC2::NetworkAclEntry': (c, model) => {
    const entry = readEntry(c as ec2.CfnNetworkAclEntry);
    if (entry) model.foreignEntries.push({ resource: c as ec2.CfnNetworkAclEntry, entry });
  },
  'AWS::EC2::Route': (c, model) => {
    const route = readRoute(c as ec2.CfnRoute);
    if (route) model.foreignRoutes.push(route);
  },
  'AWS::EC2::SecurityGroup': (c, model) => {
    model.securityGroups.push(c as ec2.CfnSecurityGroup);
  },
  'AWS::EC2::SecurityGroupIngress': (c, model) => {
    model.securityGroupIngresses.push(c as ec2.CfnSecurityGroupIngress);
  },
};

/** Walks the app once: the model, and the fingerprint of what it read. */
export function readApp(root: IConstruct, created: WeakSet<IConstruct>): AppModel {
  const model: Mutable<AppModel> = {
    associations: new Map(),
    cidrBlocks: new Map(),
    networkAcls: new Map(),
    foreignEntries: [],
    foreignRoutes: [],
    securityGroups: [],
    securityGroupIngresses: [],
    pendingLookup: false,
    stackNames: new Set(),
    fingerprint: '',
  };
  model.fingerprint = walk(root, created, (c, read) => read(c, model, created), stack => {
    model.stackNames.add(stackNameOf(stack));
    model.pendingLookup ||= missingContext(stack);
  });
  return model;
}

/**
 * What a reading would see, cheaply: the paths of the app's resources of the kinds it reads (not those the plan
 * created) and whether a lookup is pending. Equal fingerprints mean no such resource was added or removed since;
 * reading the app again to check a plan is needed only when they differ.
 */
export function appFingerprint(root: IConstruct, created: WeakSet<IConstruct>): string {
  return walk(root, created, () => undefined, () => undefined);
}

/** Visits every resource of a kind that is read and every stack; returns the fingerprint. */
function walk(
  root: IConstruct, created: WeakSet<IConstruct>,
  onResource: (c: CfnResource, read: typeof READERS[string]) => void, onStack: (stack: Stack) => void,
): string {
  const paths: string[] = [];
  let pending = false;
  for (const c of root.node.findAll()) {
    if (CfnResource.isCfnResource(c)) {
      const read = READERS[c.cfnResourceType];
      if (read && !created.has(c)) {
        paths.push(c.node.path);
        onResource(c, read);
      }
    } else if (Stack.isStack(c)) {
      pending ||= missingContext(c);
      onStack(c);
    }
  }
  return JSON.stringify([pending, paths]);
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

function missingContext(stack: Stack): boolean {
  return ((stack as unknown as { _missingContext?: unknown[] })._missingContext ?? []).length > 0;
}

/** Another construct's entry as the plan sees it; `undefined` when its NACL or rule number is not known at synth time. */
function readEntry(e: ec2.CfnNetworkAclEntry): PlannedEntry | undefined {
  const identity = ValueIdentity.of(e);
  const r = (v: unknown) => identity.resolve(v);
  const ruleNumber = Number(r(e.ruleNumber));
  if (!Number.isInteger(ruleNumber) || typeof e.networkAclId !== 'string') {
    return undefined;
  }
  const cidr = r(e.ipv6CidrBlock ?? e.cidrBlock);
  const portRange = r(e.portRange) as { from?: number; to?: number } | undefined;
  const icmp = r(e.icmp) as { type?: number; code?: number } | undefined;
  return {
    acl: naclKey(e.networkAclId, e),
    egress: [true, 'true'].includes(r(e.egress) as never),
    ruleNumber,
    action: String(r(e.ruleAction)).toLowerCase() === 'deny' ? 'deny' : 'allow',
    cidr: typeof cidr === 'string' ? cidr : JSON.stringify(cidr),
    family: e.ipv6CidrBlock !== undefined ? 'ipv6' : 'ipv4',
    traffic: {
      protocol: Number(r(e.protocol)),
      portRange: portRange && portRange.from !== undefined && portRange.to !== undefined
        ? { from: Number(portRange.from), to: Number(portRange.to) } : undefined,
      icmp: icmp && icmp.type !== undefined ? { type: Number(icmp.type), code: Number(icmp.code ?? -1) } : undefined,
      reasons: [],
    },
  };
}

/** Another construct's route, keyed the way the plan keys its own: (route table key, canonical destination). */
function readRoute(route: ec2.CfnRoute): HeldRoute | undefined {
  const identity = ValueIdentity.of(route);
  const destination = route.destinationCidrBlock ?? route.destinationIpv6CidrBlock;
  if (!destination || !route.routeTableId) {
    return undefined;
  }
  const literal = !Token.isUnresolved(destination) && isCidr(destination);
  return {
    routeTable: identity.identity(route.routeTableId),
    cidr: literal ? canonicalCidr(destination) : identity.identity(destination),
    what: route.node.path,
  };
}
