import { Annotations, Token } from 'aws-cdk-lib';
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
import { PeeringWarnings } from './warnings';

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
 * rule number) and each route after its table and destination, so a change of the props updates them in place
 * rather than creating one on a slot the previous stack still holds.
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
    const externalCidrs = validateExternalCidrs(props.externalCidrBlocks, props.externalIpv6CidrBlocks, t => names.key(t));
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
    validateAclLists(this, props.networkAcls, props.denyNetworkAcls, blanketDeny);

    const selection = selectSubnets(props.vpc, props.subnets);
    if (!selection.isPendingLookup) {
      validateNoOverlapWithOwn(externalCidrs, ownCidrBlocks(props.vpc, selection.subnets, names));
    }
    const hasIpv6 = vpcHasIpv6(props.vpc, names);
    if (families.has('ipv6') && hasIpv6 === false) {
      throw new Error(
        `externalIpv6CidrBlocks is given, but the VPC ${props.vpc.node.path} has no IPv6 CIDR block, so IPv6 traffic ` +
        'cannot flow over the peering: create the VPC with ipProtocol: ec2.IpProtocol.DUAL_STACK, or leave externalIpv6CidrBlocks out',
      );
    }

    const routeTables = routeTablesOf(selection.subnets, names);
    // Subnets that share a NACL hand out one INetworkAcl each: the same NACL listed twice gets its rules once.
    const accessAcls = props.networkAcls
      ? uniqueAcls(props.networkAcls.map((a, i) => naclRef(a.networkAclId, props.vpc, names, `networkAcls[${i}]`)))
      : networkAclsOfSubnets(props.vpc, selection.subnets, names);
    const denyAcls = uniqueAcls(
      (props.denyNetworkAcls ?? []).map((a, i) => naclRef(a.networkAclId, props.vpc, names, `denyNetworkAcls[${i}]`)));
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

    // What every NACL already holds towards the quota: the implicit deny rule (*) of each address family, which the
    // quota counts ("This quota includes the default deny rules", Amazon VPC quotas); and the default NACL of a VPC
    // made in this app its allow-all at 100 (IPv4) and 101 (IPv6).
    const defaultAcl = defaultNetworkAclId(props.vpc);
    const defaultAclKey = defaultAcl ? names.key(defaultAcl) : undefined;
    const existingRules = (acl: string) => (acl === defaultAclKey ? { ipv4: 2, ipv6: hasIpv6 ? 2 : 1 } : { ipv4: 1, ipv6: 1 });
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
      return new ec2.CfnRoute(this, `Route-${table.name}-${names.name(route.cidr)}`, {
        routeTableId: table.routeTableId,
        ...(route.family === 'ipv4' ? { destinationCidrBlock: route.cidr } : { destinationIpv6CidrBlock: route.cidr }),
        vpcPeeringConnectionId: props.vpcPeeringConnectionId,
      });
    });
    this.networkAclEntries = entries.map(e => this.createEntry(e, aclByKey.get(e.acl)!));
    this.routeTableIds = routeTables.map(r => r.routeTableId);
    this.networkAclIds = accessAcls.map(a => a.networkAclId);
    this.denyNetworkAclIds = blanketDeny ? denyAcls.filter(a => !accessAcls.some(x => x.key === a.key)).map(a => a.networkAclId) : [];

    this.node.addValidation({
      validate: () => checkNeighbours(this, {
        entries: this.networkAclEntries.map((resource, i) => ({ resource, planned: entries[i] })),
        aclName,
        existingRules,
        maxRules,
        vpc: props.vpc,
        names,
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

function uniqueAcls(acls: NaclRef[]): NaclRef[] {
  return [...new Map(acls.map(a => [a.key, a])).values()];
}

function validateAclLists(
  scope: Construct, networkAcls: ec2.INetworkAcl[] | undefined, denyNetworkAcls: ec2.INetworkAcl[] | undefined, blanketDeny: boolean,
): void {
  if (networkAcls && networkAcls.length === 0) {
    throw new Error(
      'networkAcls is empty, so the peering would be routed with no Network ACL rule at all: leave networkAcls out to ' +
      'use the NACLs of the selected subnets, or list the NACLs that get the allow and deny rules',
    );
  }
  if (!blanketDeny && denyNetworkAcls && denyNetworkAcls.length > 0) {
    Annotations.of(scope).addWarningV2(PeeringWarnings.DENY_NETWORK_ACLS_WITHOUT_DENY,
      `denyNetworkAcls lists ${denyNetworkAcls.length} NACL(s), but blanketDeny is false, so they get no rule: ` +
      'set blanketDeny to true to deny the external VPC there, or remove denyNetworkAcls');
  }
}

function selectSubnets(vpc: ec2.IVpc, subnets: ec2.SubnetSelection | undefined): ec2.SelectedSubnets {
  const selection = subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  const what = subnets?.subnetGroupName ? `{ subnetGroupName: '${subnets.subnetGroupName}' }`
    : subnets?.subnetType ? `{ subnetType: ${subnets.subnetType} }`
      : subnets ? 'as given' : '(default { subnetType: PRIVATE_WITH_EGRESS })';
  const fail = (why: string): never => {
    throw new Error(
      `subnets ${what} selects no subnet of the VPC ${vpc.node.path}${why}: select the private app subnets, ` +
      "e.g. subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } or { subnetGroupName: 'App' }",
    );
  };
  let selected: ec2.SelectedSubnets | undefined;
  try {
    selected = vpc.selectSubnets(selection);
  } catch (e) {
    fail(` (${(e as Error).message})`);
  }
  if (!selected || selected.subnets.length === 0) {
    fail('');
  }
  return selected!;
}
