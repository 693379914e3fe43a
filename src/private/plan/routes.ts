/**
 * Routes: one per distinct route table of a peering's subnets and external block. A (route table, destination) that
 * two peerings, or a peering and another route of the app, both take is an error, and only the first is made.
 */
import { compare, Finding, HeldRoute, PlannedRoute, PlannerPeering, sortCidrs } from './types';

export function planRoutes(
  peerings: PlannerPeering[], heldRoutes: HeldRoute[], routeTableNames: Map<string, string>, findings: Finding[],
): { readonly routes: Map<string, PlannedRoute[]>; readonly clashes: Set<string> } {
  const clashes = new Set<string>();
  const holders = new Map<string, string>();
  const key = (routeTable: string, c: { cidr: string; sortKey?: string }) => JSON.stringify([routeTable, c.sortKey ?? c.cidr]);
  for (const h of heldRoutes) {
    holders.set(key(h.routeTable, h), h.what);
  }
  const routes = new Map<string, PlannedRoute[]>(peerings.map(p => [p.id, []]));
  for (const peering of [...peerings].sort((a, b) => compare(a.id, b.id))) {
    for (const routeTable of [...new Set(peering.routeTables)]) {
      for (const c of sortCidrs(peering.rules.externalCidrs)) {
        const k = key(routeTable, c);
        const holder = holders.get(k);
        if (holder) {
          clashes.add(clashKey(peering.id, holder));
          findings.push({
            peering: peering.id,
            level: 'error',
            message:
              `${peering.id} and ${holder} both route ${c.cidr} from route table ${routeTableNames.get(routeTable) ?? routeTable}; the deploy would fail ` +
              'with RouteAlreadyExists. A route table holds one route per destination: if both peer with the same VPC, ' +
              'keep one of them; if the two external VPCs really overlap, they cannot both be reached from these subnets',
          });
          continue;
        }
        holders.set(k, peering.id);
        routes.get(peering.id)!.push({ routeTable, cidr: c.cidr, family: c.family, cidrName: c.name });
      }
    }
  }
  return { routes, clashes };
}

/** The key of a pair of peerings (or a peering and a route of the app), in either order. */
export function clashKey(a: string, b: string): string {
  return JSON.stringify([a, b].sort());
}
