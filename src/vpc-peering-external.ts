import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { checkNeighbours } from './private/app-checks';
import { PlannedEntry, planNetworkAclEntries, planRoutes, quotaViolations } from './private/peering-plan';
import { ResolvedNames } from './private/resolved-names';
import { Protocol } from './private/traffic';
import {
  DEFAULTS, normalizeTraffic, validateExternalCidrs, validateNoOverlapWithOwn, validateNumbers,
  validatePeeringConnectionId, validatePortRange, validateSomeTraffic,
} from './private/validate-props';
import {
  defaultNetworkAclId, NaclRef, naclRef, networkAclsOfSubnets, ownCidrBlocks, routeTablesOf, vpcHasIpv6,
} from './private/vpc-introspection';
import { VpcPeeringExternalProps } from './vpc-peering-external-props';

/**
 * Routes and Network ACL entries for a VPC peering connection with a third party's VPC (a SaaS provider's).
 *
 * After you accept the peering request, this construct adds a route to every CIDR block of the external VPC in the
 * route tables of your private app subnets, and Network ACL entries that lock the peering down: the subnets may open
 * only the connections in `allowOutbound` (and receive only those in `allowInbound`), replies come back on the
 * ephemeral ports, and all other traffic to and from the external VPC is denied. Peering is bidirectional: without
 * these rules the third party could reach everything in your VPC.
 *
 * Every entry is numbered below the default NACL's allow-all rule (100) and named after its slot (NACL, direction,
 * rule number), so any change of the props deploys as a plain stack update.
 *
 * @example
 * new VpcPeeringExternal(this, 'Elasticsearch', {
 *   vpc,
 *   vpcPeeringConnectionId: 'pcx-0123456789abcdef0',
 *   externalCidrBlocks: ['10.200.0.0/16'],
 *   allowOutbound: [ec2.AclTraffic.tcpPort(443)],
 * });
 */
export class VpcPeeringExternal extends Construct {
  /** The routes to the external VPC: one per distinct route table of the selected subnets and external CIDR block. */
  public readonly routes: ec2.CfnRoute[];

  /** Every Network ACL entry this construct creates, allows and denies, in all NACLs. */
  public readonly networkAclEntries: ec2.CfnNetworkAclEntry[];

  /** The distinct route tables that got routes. */
  public readonly routeTableIds: string[];

  /** The NACLs that got allow rules (and deny rules). */
  public readonly networkAclIds: string[];

  /** The further NACLs that got only deny rules. */
  public readonly denyNetworkAclIds: string[];

  /** The peering connection the routes point to. */
  public readonly vpcPeeringConnectionId: string;

  constructor(scope: Construct, id: string, props: VpcPeeringExternalProps) {
    super(scope, id);
    const names = new ResolvedNames(this);

    validatePeeringConnectionId(props.vpcPeeringConnectionId);
    const externalCidrs = validateExternalCidrs(props.externalCidrBlocks, props.externalIpv6CidrBlocks);
    const families = new Set(externalCidrs.map(c => c.family));
    const allowOutbound = normalizeTraffic(props.allowOutbound, 'allowOutbound', families);
    const allowInbound = normalizeTraffic(props.allowInbound, 'allowInbound', families);
    validateSomeTraffic(allowOutbound, allowInbound);
    const ephemeralPortRange = validatePortRange(props.ephemeralPortRange ?? DEFAULTS.ephemeralPortRange, 'ephemeralPortRange');
    const firstRuleNumber = props.firstRuleNumber ?? DEFAULTS.firstRuleNumber;
    const lastRuleNumber = props.lastRuleNumber ?? DEFAULTS.lastRuleNumber;
    const maxRules = props.maxRulesPerNetworkAcl ?? DEFAULTS.maxRulesPerNetworkAcl;
    validateNumbers(firstRuleNumber, lastRuleNumber, maxRules);
    const blanketDeny = props.blanketDeny ?? true;

    const selection = props.vpc.selectSubnets(props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    if (selection.subnets.length === 0) {
      throw new Error(`subnets selects no subnet of the VPC ${props.vpc.node.path}: select the private app subnets, e.g. { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }`);
    }
    if (!selection.isPendingLookup) {
      validateNoOverlapWithOwn(externalCidrs, ownCidrBlocks(props.vpc, selection.subnets));
    }
    const hasIpv6 = vpcHasIpv6(props.vpc);
    if (families.has('ipv6') && hasIpv6 === false) {
      throw new Error(
        `externalIpv6CidrBlocks is given, but the VPC ${props.vpc.node.path} has no IPv6 CIDR block, so IPv6 traffic ` +
        'cannot flow over the peering: create the VPC with ipProtocol: ec2.IpProtocol.DUAL_STACK, or leave externalIpv6CidrBlocks out',
      );
    }

    const routeTables = routeTablesOf(selection.subnets, names);
    const accessAcls = props.networkAcls
      ? uniqueAcls(props.networkAcls.map((a, i) => naclRef(a.networkAclId, props.vpc, names, `networkAcls[${i}]`)), 'networkAcls')
      : networkAclsOfSubnets(props.vpc, selection.subnets, names);
    const denyAcls = uniqueAcls(
      (props.denyNetworkAcls ?? []).map((a, i) => naclRef(a.networkAclId, props.vpc, names, `denyNetworkAcls[${i}]`)), 'denyNetworkAcls');
    const aclByKey = new Map<string, NaclRef>([...denyAcls, ...accessAcls].map(a => [a.key, a]));

    const entries = planNetworkAclEntries({
      externalCidrs,
      allowOutbound,
      allowInbound,
      ephemeralPortRange,
      ephemeralOpaque: Token.isUnresolved(ephemeralPortRange.from) || Token.isUnresolved(ephemeralPortRange.to) || undefined,
      accessAcls: accessAcls.map(a => a.key),
      denyAcls: denyAcls.map(a => a.key),
      blanketDeny,
      allowPathMtuDiscovery: props.allowPathMtuDiscovery ?? true,
      firstRuleNumber,
      lastRuleNumber,
    });

    // What the default NACL of a VPC made in this app already holds: allow-all at 100 (IPv4) and 101 (IPv6).
    const defaultAcl = defaultNetworkAclId(props.vpc);
    const defaultAclKey = defaultAcl ? names.key(defaultAcl) : undefined;
    const existingRules = (acl: string) => (acl === defaultAclKey ? { ipv4: 1, ipv6: hasIpv6 ? 1 : 0 } : { ipv4: 0, ipv6: 0 });
    const aclName = (acl: string) => aclByKey.get(acl)!.name;
    const overQuota = quotaViolations(entries, existingRules, maxRules, aclName);
    if (overQuota.length > 0) {
      throw new Error(overQuota.join('\n'));
    }
    if (defaultAclKey && entries.some(e => e.acl === defaultAclKey && e.ruleNumber >= 100)) {
      throw new Error(
        `lastRuleNumber ${lastRuleNumber} puts rules at or above 100 in the VPC's default Network ACL, whose allow-all ` +
        'rule 100 holds that number and decides all traffic first: those rules would never apply (and 100 itself would ' +
        'fail the deploy). Keep lastRuleNumber at 99 or below',
      );
    }

    this.vpcPeeringConnectionId = props.vpcPeeringConnectionId;
    this.routes = planRoutes(routeTables.map(r => r.key), externalCidrs).map(route => {
      const table = routeTables.find(r => r.key === route.routeTable)!;
      return new ec2.CfnRoute(this, `Route-${table.name}-${cidrName(route.cidr, names)}`, {
        routeTableId: table.routeTableId,
        ...(route.family === 'ipv4' ? { destinationCidrBlock: route.cidr } : { destinationIpv6CidrBlock: route.cidr }),
        vpcPeeringConnectionId: props.vpcPeeringConnectionId,
      });
    });
    this.networkAclEntries = entries.map(e => this.createEntry(e, aclByKey.get(e.acl)!));
    this.routeTableIds = routeTables.map(r => r.routeTableId);
    this.networkAclIds = accessAcls.map(a => a.networkAclId);
    this.denyNetworkAclIds = denyAcls.filter(a => !accessAcls.some(x => x.key === a.key)).map(a => a.networkAclId);

    this.node.addValidation({
      validate: () => checkNeighbours(this, {
        entries: this.networkAclEntries.map((resource, i) => ({ resource, planned: entries[i] })),
        aclName,
        existingRules,
        maxRules,
        vpc: props.vpc,
      }),
    });
  }

  private createEntry(e: PlannedEntry, acl: NaclRef): ec2.CfnNetworkAclEntry {
    const direction = e.egress ? 'Egress' : 'Ingress';
    const t = e.traffic;
    const entry = new ec2.CfnNetworkAclEntry(this, `Entry-${acl.name}-${direction}-${e.ruleNumber}`, {
      networkAclId: acl.networkAclId,
      ruleNumber: e.ruleNumber,
      egress: e.egress,
      ruleAction: e.action,
      protocol: t.protocol,
      ...(e.family === 'ipv4' ? { cidrBlock: e.cidr } : { ipv6CidrBlock: e.cidr }),
      ...(t.portRange ? { portRange: { from: t.portRange.from, to: t.portRange.to } } : {}),
      ...(t.icmp && (t.protocol === Protocol.ICMP || t.protocol === Protocol.ICMPV6) ? { icmp: { type: t.icmp.type, code: t.icmp.code } } : {}),
    });
    // NACL entries cannot be tagged: say why the entry exists where people read templates.
    entry.addMetadata(PURPOSE_METADATA_KEY, t.reasons.join(', '));
    return entry;
  }
}

/** The template metadata key that says why an entry exists ("outbound", "replies to outbound", "blanket deny"). */
const PURPOSE_METADATA_KEY = 'cdk-vpc-peering-external:purpose';

function uniqueAcls(acls: NaclRef[], prop: string): NaclRef[] {
  acls.forEach((a, i) => {
    const j = acls.findIndex(b => b.key === a.key);
    if (j < i) {
      throw new Error(`${prop}[${i}] (${a.name}) is the same Network ACL as ${prop}[${j}]: list each NACL once`);
    }
  });
  return acls;
}

function cidrName(cidr: string, names: ResolvedNames): string {
  return names.name(cidr);
}
