/**
 * The pure planner driven the way unit tests want it: one peering with a flat input (its policy, its NACLs and its band)
 * or a few peerings by array position, built on `planPeerings`, the one the construct runs.
 */
import { policyOf } from '../../src/private/core/policy';
import { PortRange, Traffic } from '../../src/private/core/traffic';
import { planPeerings } from '../../src/private/plan/plan';
import { planRoutes as planAllRoutes } from '../../src/private/plan/routes';
import {
  ExternalCidr, Finding, NaclFacts, orderKeyOf, PlannedEntry, PlannedRoute, PlannerPeering, RuleBand,
} from '../../src/private/plan/types';
import { validateBandHolds } from '../../src/private/props/validate-props';

/** One peering's policy and NACLs, flat. */
export interface PolicyInput {
  readonly externalCidrs: ExternalCidr[];
  readonly allowOutbound: Traffic[];
  readonly allowInbound: Traffic[];
  readonly ephemeralPortRange: PortRange;
  readonly ephemeralUnresolved?: boolean;
  readonly accessAcls: string[];
  readonly denyAcls: string[];
  readonly blanketDeny: boolean;
  readonly allowPathMtuDiscovery: boolean;
}

/** One peering with a band of its own. */
export interface PlanInput extends PolicyInput {
  readonly firstRuleNumber: number;
  readonly lastRuleNumber: number;
}

/** One peering of several, flat. */
export interface VendorInput extends PolicyInput {
  readonly id: string;
  readonly stack: string;
  readonly band?: RuleBand;
  readonly maxRules: number;
  readonly routeTables: string[];
  readonly orderKey: string;
}

/** The planner's view of a flat input. */
export function plannerPeering(input: VendorInput): PlannerPeering {
  return {
    id: input.id,
    stack: input.stack,
    rules: {
      externalCidrs: input.externalCidrs,
      policy: policyOf(input, input.blanketDeny),
      band: input.band,
      maxRules: input.maxRules,
      orderKey: input.orderKey,
    },
    accessAcls: input.accessAcls,
    denyAcls: input.denyAcls,
    routeTables: input.routeTables,
  };
}

/** The plan of several peerings, their entries and routes by array position. */
export function planApp(
  vendors: VendorInput[], nacls: Map<string, NaclFacts>,
): { entries: PlannedEntry[][]; routes: PlannedRoute[][]; findings: Finding[] } {
  const plan = planPeerings({ peerings: vendors.map(plannerPeering), nacls });
  return {
    entries: vendors.map(v => plan.peerings.get(v.id)!.entries),
    routes: vendors.map(v => plan.peerings.get(v.id)!.routes),
    findings: plan.findings,
  };
}

/** Every NACL entry of one peering with a band of its own, alone in its NACLs. Throws when the band cannot hold them. */
export function planNetworkAclEntries(input: PlanInput): PlannedEntry[] {
  const band = { first: input.firstRuleNumber, last: input.lastRuleNumber };
  validateBandHolds(policyOf(input, input.blanketDeny), input.externalCidrs, band);
  return planApp([{
    ...input,
    id: 'vendor',
    stack: 'stack',
    band,
    maxRules: Number.MAX_SAFE_INTEGER,
    routeTables: [],
    orderKey: orderKeyOf(input.externalCidrs, 'pcx'),
  }], new Map()).entries[0];
}

/** One route per distinct route table and external CIDR block, for one peering. */
export function planRoutes(routeTables: string[], externalCidrs: ExternalCidr[]): PlannedRoute[] {
  const peering = plannerPeering({
    externalCidrs,
    routeTables,
    id: 'vendor',
    stack: 'stack',
    maxRules: 20,
    orderKey: '',
    accessAcls: [],
    denyAcls: [],
    allowOutbound: [],
    allowInbound: [],
    ephemeralPortRange: { from: 1024, to: 65535 },
    blanketDeny: true,
    allowPathMtuDiscovery: true,
  });
  return planAllRoutes([peering], [], new Map(), []).routes.get('vendor')!;
}
