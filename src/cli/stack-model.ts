/**
 * What one synthesized template says about its peerings: the blocks routed through each `VpcPeeringConnectionId` or
 * accepted by a `Custom::VpcPeeringAcceptance`, the route tables and subnets behind them, the NACL every subnet is on,
 * and the rules of every NACL. Read once per template; the evaluation itself is `src/analysis/`'s.
 *
 * CIDR blocks known at deploy time only (`Fn::Select` of a VPC's `Ipv6CidrBlocks`, an import) cannot be evaluated as
 * written: each distinct value is given a stand-in block of a documentation range (198.18.x.0/24, 2001:db8:x::/48),
 * the same in every template read with one {@link TokenBlocks}, and the reports show the value again. The stand-ins
 * overlap no block of the templates but `/0`: two such values are taken for different, disjoint blocks. That holds for the
 * peerings' blocks (and the NACL entries naming the same value); a NACL entry's other unknown CIDRs are evaluated worst
 * case instead (see {@link UnknownCidrEntry}).
 */
import { allowAllRules, NaclEntry, naclEntriesFromTemplate, NaclRule } from '../analysis/nacl-evaluator';
import { cidrRange } from '../analysis/packets';
import {
  CfnResource, CfnTemplate, NACL_ENTRY_TYPE, NACL_TYPE, PURPOSE_METADATA_KEY, ROUTE_TABLE_TYPE, ROUTE_TYPE, SUBNET_NACL_ASSOCIATION_TYPE, SUBNET_TYPE,
} from '../analysis/template';
import { ACCEPTANCE_TYPE } from '../analysis/transition';

const SUBNET_ROUTE_TABLE_ASSOCIATION_TYPE = 'AWS::EC2::SubnetRouteTableAssociation';

/** Stand-in blocks for CIDR values that are not literals, shared by the templates of one run. */
export class TokenBlocks {
  private readonly blocks = new Map<string, string>();
  private readonly labels = new Map<string, string>();

  /** The literal block, or the stand-in of a value known at deploy time only. */
  block(value: unknown, family: 'ipv4' | 'ipv6'): string {
    if (typeof value === 'string') return value;
    const key = `${family}:${JSON.stringify(value)}`;
    let block = this.blocks.get(key);
    if (block === undefined) {
      const n = this.blocks.size + 1;
      block = family === 'ipv4' ? `198.${18 + Math.floor(n / 256)}.${n % 256}.0/24` : `2001:db8:${n.toString(16)}::/48`;
      this.blocks.set(key, block);
      this.labels.set(block, valueText(value));
    }
    return block;
  }

  /** Whether a block is a stand-in. */
  isStandIn(block: string): boolean {
    return this.labels.has(block);
  }

  /** The text with every stand-in block replaced by the value it stands for. */
  show(text: string): string {
    let result = text;
    for (const [block, label] of this.labels) result = result.split(block).join(label);
    return result;
  }
}

/** A CloudFormation value as a reader would write it: `X` for `{ Ref: X }`, `X.Attr` for a `Fn::GetAtt`, … */
export function valueText(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const o = value as Record<string, unknown>;
  if (typeof o.Ref === 'string') return o.Ref;
  const getAtt = o['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return getAtt.map(valueText).join('.');
  if (typeof getAtt === 'string') return getAtt;
  const select = o['Fn::Select'];
  if (Array.isArray(select) && select.length === 2) return `${valueText(select[1])}[${valueText(select[0])}]`;
  if (o['Fn::ImportValue'] !== undefined) return `import ${valueText(o['Fn::ImportValue'])}`;
  return JSON.stringify(value);
}

/** A subnet behind a route table of a peering. */
export interface SubnetInfo {
  /** `JSON.stringify` of the value that names it (`{"Ref":"…"}`), as associations name it. */
  readonly key: string;
  /** Its logical id, when the template makes it. */
  readonly logicalId?: string;
  /** `aws-cdk:subnet-name` tag. */
  readonly group?: string;
  /** `aws-cdk:subnet-type` tag. */
  readonly type?: string;
  /** `AZ #1` for `Fn::Select [0, Fn::GetAZs]`, or the literal zone. */
  readonly az?: string;
  readonly cidrBlock?: string;
  /** `Private in AZ #1`, or the logical id / value when the template has no tags. */
  readonly label: string;
}

/** A route table with a route to a peering, and the subnets the template associates with it. */
export interface RouteTableInfo {
  readonly key: string;
  readonly label: string;
  readonly subnets: SubnetInfo[];
  /** Logical ids of the routes to the peering in this table. */
  readonly routes: string[];
}

/** The blocks routed through one `VpcPeeringConnectionId` and/or accepted by a `Custom::VpcPeeringAcceptance`. */
export interface PeeringInfo {
  /** `JSON.stringify` of the `VpcPeeringConnectionId` value. */
  readonly key: string;
  /** The connection as a reader would write it (`pcx-…`, or the logical id of the resource that makes it). */
  readonly connection: string;
  /** The external blocks (literal or stand-in), sorted. */
  readonly cidrBlocks: string[];
  readonly routeTables: RouteTableInfo[];
  /** Logical ids of the acceptances. */
  readonly acceptedBy: string[];
}

/** Where the rules of a NACL that the template does not write come from. */
export type HeldRulesOrigin =
  /** The VPC's default NACL: allow all at 100 (IPv4) and 101 (IPv6). */
  | 'default-nacl'
  /** The template creates the NACL: it holds the template's entries only. */
  | 'template-nacl'
  /** A NACL the template does not create: its other rules are unknown and taken as allow-all at 100/101. */
  | 'assumed-allow-all';

/** One NACL the template writes entries into or puts subnets on. */
export interface NaclInfo {
  /** `JSON.stringify` of the `NetworkAclId` value. */
  readonly key: string;
  readonly label: string;
  readonly origin: HeldRulesOrigin;
  /** Its entries in the template. */
  readonly entries: NaclEntry[];
  /** The rules it holds outside the template (see {@link origin}). */
  readonly heldRules: NaclRule[];
  /** Whether the NACL exists when this template is deployed (a NACL of the template exists with its resource). */
  readonly exists: boolean;
  /** Why each entry exists, by logical id, where the construct said so in the entry's metadata. */
  readonly purposes: Record<string, string>;
  /**
   * Entries that cannot be created: on a default NACL, the numbers of its allow-all (100 and 101, each direction) are
   * taken (`NetworkAclEntryAlreadyExists`). They are left out of {@link entries}; the allow-all is evaluated.
   */
  readonly failingEntries: string[];
}

/** The peering-related part of one template. */
export class StackModel {
  readonly resources: Record<string, CfnResource>;
  /** The template with stand-in blocks for values known at deploy time only (what the analysis reads). */
  readonly template: CfnTemplate;
  readonly peerings: PeeringInfo[];
  /** NACL entries whose CIDR is known at deploy time only and is no peering's block (see {@link unknownCidrNote}). */
  readonly unknownCidrs: UnknownCidrEntry[] = [];
  /** Notes on how the model was read with the other stacks of its assembly (see {@link foldCrossStack}). */
  readonly stackNotes: string[] = [];
  private readonly entries: NaclEntry[];
  /** Entries other stacks of the assembly write on this template's NACLs, under this template's key of the NACL. */
  private readonly foreign: NaclEntry[] = [];
  /** By NACL key: the stacks whose entries are folded in, and their logical ids. */
  private readonly foreignFrom = new Map<string, Map<string, string[]>>();
  private readonly subnetAcl = new Map<string, string>();

  constructor(template: CfnTemplate, private readonly tokens: TokenBlocks) {
    this.template = withStandIns(template, tokens, this.unknownCidrs);
    this.resources = this.template.Resources ?? {};
    this.entries = naclEntriesFromTemplate(this.template);
    for (const [, r] of this.ofType(SUBNET_NACL_ASSOCIATION_TYPE)) {
      const p = r.Properties ?? {};
      if (p.SubnetId !== undefined && p.NetworkAclId !== undefined) this.subnetAcl.set(JSON.stringify(p.SubnetId), JSON.stringify(p.NetworkAclId));
    }
    this.peerings = this.readPeerings();
  }

  /** The template's own NACL entries (stand-ins in place), for {@link foldCrossStack}. */
  get ownEntries(): readonly NaclEntry[] {
    return this.entries;
  }

  /** Whether entries of other stacks are folded into this model. */
  get hasForeignEntries(): boolean {
    return this.foreign.length > 0;
  }

  /**
   * Folds entries another stack writes on one of this template's NACLs (`aclKey`, this template's key of it) into the
   * policy view: they are shown as `Stack/LogicalId`. The template (what the transition reads) is unchanged.
   */
  addForeignEntries(aclKey: string, stack: string, entries: readonly NaclEntry[]): void {
    if (entries.length === 0) return;
    this.foreign.push(...entries.map((e) => ({ ...e, aclKey, logicalId: `${stack}/${e.logicalId}` })));
    const from = this.foreignFrom.get(aclKey) ?? new Map<string, string[]>();
    from.set(stack, [...(from.get(stack) ?? []), ...entries.map((e) => e.logicalId)]);
    this.foreignFrom.set(aclKey, from);
  }

  /** The notes naming the other stacks whose entries on the NACL are evaluated with this template's. */
  foreignNotes(aclKey: string): string[] {
    const label = this.tokens.show(valueText(JSON.parse(aclKey)));
    return [...(this.foreignFrom.get(aclKey) ?? new Map<string, string[]>()).entries()]
      .map(([stack, ids]) => `NACL ${label} also holds entries written by stack ${stack} (${ids.sort().join(', ')}): they are evaluated with this stack's`);
  }

  /** The NACLs this template names (entries, associations, default NACLs of its VPCs, exported values), as keys. */
  naclKeys(): string[] {
    const keys = new Set<string>([...this.entries.map((e) => e.aclKey), ...this.subnetAcl.values()]);
    for (const [id] of this.ofType('AWS::EC2::VPC')) keys.add(JSON.stringify({ 'Fn::GetAtt': [id, 'DefaultNetworkAcl'] }));
    for (const [id] of this.ofType(NACL_TYPE)) keys.add(JSON.stringify({ Ref: id }));
    for (const value of Object.values(exportsOf(this.template))) keys.add(value);
    return [...keys];
  }

  /** The NACL a subnet is on: its association in the template, else its VPC's default NACL when the template makes the subnet. */
  naclOf(subnet: SubnetInfo): string | undefined {
    const associated = this.subnetAcl.get(subnet.key);
    if (associated !== undefined) return associated;
    const vpc = subnet.logicalId ? refOf(this.resources[subnet.logicalId]?.Properties?.VpcId) : undefined;
    return vpc === undefined ? undefined : JSON.stringify({ 'Fn::GetAtt': [vpc, 'DefaultNetworkAcl'] });
  }

  /** Every subnet of the template on the NACL (associated, or on its VPC's default NACL). */
  subnetsOn(aclKey: string): SubnetInfo[] {
    return this.ofType(SUBNET_TYPE).map(([id]) => this.subnetInfo({ Ref: id })).filter((s) => this.naclOf(s) === aclKey);
  }

  /** The NACLs whose entries name a block overlapping one of `blocks` (entries for `/0` aside, allows of unknown blocks included). */
  naclsCovering(blocks: readonly string[]): string[] {
    const ranges = blocks.map(cidrRange);
    const unknownAllows = new Set(this.unknownCidrs.filter((u) => u.action === 'allow').map((u) => u.logicalId));
    const keys = [...this.entries, ...this.foreign].filter((e) => {
      const r = cidrRange((e.cidrBlock ?? e.ipv6CidrBlock)!);
      if (unknownAllows.has(e.logicalId)) return ranges.some((b) => b.family === r.family);
      return r.prefixLength > 0 && ranges.some((b) => b.family === r.family && b.first <= r.last && r.first <= b.last);
    }).map((e) => e.aclKey);
    return [...new Set(keys)].sort();
  }

  /** The NACL's entries and the rules it holds outside the template. */
  nacl(aclKey: string): NaclInfo {
    const entries = [...this.entries, ...this.foreign].filter((e) => e.aclKey === aclKey);
    const value = JSON.parse(aclKey) as unknown;
    const getAtt = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['Fn::GetAtt'] : undefined;
    const ref = refOf(value);
    let origin: HeldRulesOrigin;
    let exists = true;
    if (Array.isArray(getAtt) && getAtt[1] === 'DefaultNetworkAcl') {
      origin = 'default-nacl';
    } else if (ref !== undefined && this.resources[ref]?.Type === NACL_TYPE) {
      origin = 'template-nacl';
    } else if (ref !== undefined && this.resources[ref] === undefined && !this.isParameter(ref)) {
      // A Ref to a resource this template does not hold: a NACL of the other template of a diff, absent here.
      origin = 'template-nacl';
      exists = false;
    } else {
      origin = 'assumed-allow-all';
    }
    // A template entry on 100/101 takes the place of the rule assumed there; on a default NACL, AWS refuses to create
    // it (NetworkAclEntryAlreadyExists): the allow-all stays, and the entry is left out.
    const held = allowAllRules(100, 101);
    const slot = (r: NaclRule) => `${r.egress}:${r.ruleNumber}`;
    const heldSlots = new Set(held.map(slot));
    const failing = origin === 'default-nacl' ? entries.filter((e) => heldSlots.has(slot(e))) : [];
    const evaluated = entries.filter((e) => !failing.includes(e));
    const taken = new Set(evaluated.map(slot));
    const heldRules = origin === 'template-nacl' ? [] : held.filter((r) => !taken.has(slot(r)));
    const label = valueText(value);
    const purposes: Record<string, string> = {};
    for (const e of entries) {
      const purpose = this.resources[e.logicalId]?.Metadata?.[PURPOSE_METADATA_KEY];
      if (typeof purpose === 'string') purposes[e.logicalId] = purpose;
    }
    return {
      key: aclKey,
      label: this.tokens.show(label),
      origin,
      entries: evaluated,
      heldRules,
      exists,
      purposes,
      failingEntries: failing.map((e) => e.logicalId).sort(),
    };
  }

  /** The subnet a value names, with what the template says of it. */
  subnetInfo(value: unknown): SubnetInfo {
    const key = JSON.stringify(value);
    const id = refOf(value);
    const resource = id === undefined ? undefined : this.resources[id];
    if (resource?.Type !== SUBNET_TYPE) return { key, label: valueText(value) };
    const p = resource.Properties ?? {};
    const tags = Array.isArray(p.Tags) ? (p.Tags as Array<{ Key?: unknown; Value?: unknown }>) : [];
    const tag = (name: string) => {
      const v = tags.find((t) => t.Key === name)?.Value;
      return typeof v === 'string' ? v : undefined;
    };
    const group = tag('aws-cdk:subnet-name');
    const az = azText(p.AvailabilityZone);
    return {
      key,
      logicalId: id,
      group,
      type: tag('aws-cdk:subnet-type'),
      az,
      cidrBlock: typeof p.CidrBlock === 'string' ? p.CidrBlock : undefined,
      label: group ? `${group}${az ? ` in ${az}` : ''}` : id!,
    };
  }

  private readPeerings(): PeeringInfo[] {
    type Collected = { value: unknown; blocks: Set<string>; tables: Map<string, { value: unknown; routes: string[] }>; acceptedBy: string[] };
    const byKey = new Map<string, Collected>();
    const get = (value: unknown) => {
      const key = JSON.stringify(value);
      let p = byKey.get(key);
      if (!p) byKey.set(key, p = { value, blocks: new Set(), tables: new Map(), acceptedBy: [] });
      return p;
    };
    for (const [id, r] of this.ofType(ROUTE_TYPE)) {
      const p = r.Properties ?? {};
      if (p.VpcPeeringConnectionId === undefined) continue;
      const destination = p.DestinationCidrBlock ?? p.DestinationIpv6CidrBlock;
      if (typeof destination !== 'string') continue;
      const peering = get(p.VpcPeeringConnectionId);
      peering.blocks.add(destination);
      const table = JSON.stringify(p.RouteTableId);
      const t = peering.tables.get(table) ?? { value: p.RouteTableId, routes: [] };
      t.routes.push(id);
      peering.tables.set(table, t);
    }
    for (const [id, r] of this.ofType(ACCEPTANCE_TYPE)) {
      const p = r.Properties ?? {};
      const peering = get(p.VpcPeeringConnectionId);
      peering.acceptedBy.push(id);
      for (const [prop, family] of [['RequesterCidrBlocks', 'ipv4'], ['RequesterIpv6CidrBlocks', 'ipv6']] as const) {
        const blocks = p[prop];
        if (Array.isArray(blocks)) blocks.forEach((b) => peering.blocks.add(this.tokens.block(b, family)));
      }
    }
    return [...byKey.entries()].map(([key, p]) => ({
      key,
      connection: valueText(p.value),
      cidrBlocks: [...p.blocks].sort(compareBlocks),
      routeTables: [...p.tables.entries()].map(([tableKey, t]) => this.routeTable(tableKey, t.value, t.routes))
        .sort((a, b) => a.label.localeCompare(b.label)),
      acceptedBy: p.acceptedBy.sort(),
    })).sort((a, b) => a.cidrBlocks.join().localeCompare(b.cidrBlocks.join()) || a.key.localeCompare(b.key));
  }

  private routeTable(key: string, value: unknown, routes: string[]): RouteTableInfo {
    const id = refOf(value);
    const subnets = id !== undefined && this.resources[id]?.Type === ROUTE_TABLE_TYPE
      ? this.ofType(SUBNET_ROUTE_TABLE_ASSOCIATION_TYPE)
        .filter(([, r]) => refOf(r.Properties?.RouteTableId) === id)
        .map(([, r]) => this.subnetInfo(r.Properties?.SubnetId))
      : [];
    return { key, label: valueText(value), subnets, routes: routes.sort() };
  }

  private isParameter(name: string): boolean {
    const parameters = (this.template as { Parameters?: Record<string, unknown> }).Parameters ?? {};
    return name in parameters || name.startsWith('AWS::');
  }

  private ofType(type: string): Array<[string, CfnResource]> {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type);
  }
}

/** Blocks sorted IPv4 first, then by address. */
export function compareBlocks(a: string, b: string): number {
  const ra = cidrRange(a);
  const rb = cidrRange(b);
  if (ra.family !== rb.family) return ra.family === 'ipv4' ? -1 : 1;
  return ra.first < rb.first ? -1 : ra.first > rb.first ? 1 : ra.prefixLength - rb.prefixLength;
}

/**
 * The template with a stand-in block for every CIDR value of a route or acceptance that is not a literal, and for every
 * such value of a NACL entry that is also a peering's routed (or accepted) block. The other non-literal CIDRs of NACL
 * entries (a parameter, an import, a `Fn::Select` of something else) may be any block, the peer's included: they are
 * evaluated worst case, an allow as `/0` of its family (it matches every address), a deny as a stand-in (it matches none
 * of the peering's addresses), and listed in `unknown`.
 */
function withStandIns(template: CfnTemplate, tokens: TokenBlocks, unknown: UnknownCidrEntry[]): CfnTemplate {
  const peeringValues = new Set<string>();
  for (const r of Object.values(template.Resources ?? {})) {
    const p = r?.Properties;
    if (p === undefined || p === null) continue;
    if (r.Type === ROUTE_TYPE && p.VpcPeeringConnectionId !== undefined) {
      for (const value of [p.DestinationCidrBlock, p.DestinationIpv6CidrBlock]) {
        if (value !== undefined && typeof value !== 'string') peeringValues.add(JSON.stringify(value));
      }
    } else if (r.Type === ACCEPTANCE_TYPE) {
      for (const blocks of [p.RequesterCidrBlocks, p.RequesterIpv6CidrBlocks]) {
        if (Array.isArray(blocks)) blocks.filter((b) => typeof b !== 'string').forEach((b) => peeringValues.add(JSON.stringify(b)));
      }
    }
  }
  const resources: Record<string, CfnResource> = {};
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const props = r.Properties;
    const refs = REFERENCE_PROPERTIES[r.Type];
    if (props !== undefined && refs !== undefined) {
      const p: Record<string, unknown> = { ...props };
      for (const name of refs) p[name] = asRef(p[name], template.Resources ?? {});
      resources[id] = { ...r, Properties: p };
      if (r.Type !== NACL_ENTRY_TYPE && r.Type !== ROUTE_TYPE) continue;
    }
    if (props === undefined || ![NACL_ENTRY_TYPE, ROUTE_TYPE, ACCEPTANCE_TYPE].includes(r.Type)) {
      resources[id] = r;
      continue;
    }
    const p: Record<string, unknown> = { ...(resources[id] ?? r).Properties };
    for (const [name, family] of [['CidrBlock', 'ipv4'], ['Ipv6CidrBlock', 'ipv6'], ['DestinationCidrBlock', 'ipv4'], ['DestinationIpv6CidrBlock', 'ipv6']] as const) {
      const value = p[name];
      if (value === undefined || typeof value === 'string' || r.Type === ACCEPTANCE_TYPE) continue;
      if (r.Type === NACL_ENTRY_TYPE && !peeringValues.has(JSON.stringify(value))) {
        const allow = typeof p.RuleAction === 'string' && p.RuleAction.toLowerCase() === 'allow';
        unknown.push({ logicalId: id, value: valueText(value), action: allow ? 'allow' : 'deny', family });
        p[name] = allow ? (family === 'ipv4' ? '0.0.0.0/0' : '::/0') : tokens.block(value, family);
      } else {
        p[name] = tokens.block(value, family);
      }
    }
    resources[id] = { ...r, Properties: p };
  }
  return { ...template, Resources: resources };
}

/** A NACL entry whose CIDR is known at deploy time only and is no peering's routed block: evaluated worst case. */
export interface UnknownCidrEntry {
  readonly logicalId: string;
  /** The value, as a reader writes it. */
  readonly value: string;
  readonly action: 'allow' | 'deny';
  readonly family: 'ipv4' | 'ipv6';
}

/** The note that says how an entry with an unknown CIDR is evaluated. */
export function unknownCidrNote(u: UnknownCidrEntry): string {
  return `entry ${u.logicalId}: its CIDR ${u.value} is known at deploy time only and is no block routed to a peering: `
    + (u.action === 'allow'
      ? `the allow is evaluated as matching every ${u.family === 'ipv4' ? 'IPv4' : 'IPv6'} address (it may be the peer's block; the worst case)`
      : 'the deny is evaluated as matching none of the peering\'s addresses (the worst case)');
}

function refOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && typeof (value as { Ref?: unknown }).Ref === 'string' ? (value as { Ref: string }).Ref : undefined;
}

function azText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const select = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['Fn::Select'] : undefined;
  if (Array.isArray(select) && typeof select[0] === 'number') return `AZ #${select[0] + 1}`;
  return undefined;
}

/** The exports of a template: `Export.Name` (literal names only) → `JSON.stringify` of the output's value. */
export function exportsOf(template: CfnTemplate): Record<string, string> {
  const outputs = (template as { Outputs?: Record<string, unknown> }).Outputs;
  const result: Record<string, string> = {};
  if (typeof outputs !== 'object' || outputs === null) return result;
  for (const output of Object.values(outputs)) {
    if (typeof output !== 'object' || output === null) continue;
    const o = output as { Value?: unknown; Export?: { Name?: unknown } };
    if (typeof o.Export?.Name === 'string' && o.Value !== undefined) result[o.Export.Name] = JSON.stringify(o.Value);
  }
  return result;
}

/** A stack of an assembly with its model, for {@link foldCrossStack}. */
export interface ModelledStack {
  /** How the notes name it. */
  readonly name: string;
  readonly template: CfnTemplate;
  /** Undefined when the template cannot be evaluated. */
  readonly model?: StackModel;
}

/** A stack modelled for the command: its model, or why its template cannot be evaluated. */
export interface ModelledStackResult extends ModelledStack {
  readonly error?: string;
}

/**
 * The models of an assembly's stacks (`displayName` names them in notes), in their order, with the entries other
 * stacks write on their NACLs folded in ({@link foldCrossStack}); a template that cannot be evaluated gets its error.
 */
export function modelStacks(
  stacks: readonly { readonly displayName: string; readonly template: CfnTemplate }[], tokens: TokenBlocks,
): ModelledStackResult[] {
  const modelled = stacks.map((s): ModelledStackResult => {
    try {
      return { name: s.displayName, template: s.template, model: new StackModel(s.template, tokens) };
    } catch (e) {
      return { name: s.displayName, template: s.template, error: (e as Error).message };
    }
  });
  foldCrossStack(modelled);
  return modelled;
}

/**
 * What the command sees across the stacks of one assembly: a NACL entry whose `NetworkAclId` is a `Fn::ImportValue` of
 * another stack's export, or a literal `acl-…` id that another stack also names, lands on the same NACL as that stack's
 * entries. Each model's policy view gets the entries the other stacks write on its NACLs (with a note naming them); an
 * import no stack of the assembly exports gets a note. The templates themselves (what the transition reads) are left
 * as they are: the transition stays per stack.
 */
export function foldCrossStack(stacks: readonly ModelledStack[]): void {
  const exports = new Map<string, { stack: number; key: string }>();
  stacks.forEach((s, i) => {
    for (const [name, key] of Object.entries(exportsOf(s.template))) exports.set(name, { stack: i, key });
  });
  /** The NACL a key of stack `i` names, assembly-wide: the owner's stack and key, or the literal id. */
  const canonical = (i: number, key: string): string => {
    const value = JSON.parse(key) as unknown;
    if (typeof value === 'string') return `literal:${value}`;
    const imported = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['Fn::ImportValue'] : undefined;
    if (typeof imported === 'string') {
      const found = exports.get(imported);
      if (found !== undefined) return canonical(found.stack, found.key);
    }
    return `${i}:${key}`;
  };
  const byNacl = new Map<string, Array<{ stack: number; entries: NaclEntry[] }>>();
  stacks.forEach((s, i) => {
    if (s.model === undefined) return;
    const outside = new Set<string>();
    for (const e of s.model.ownEntries) {
      const c = canonical(i, e.aclKey);
      const list = byNacl.get(c) ?? [];
      let mine = list.find((x) => x.stack === i);
      if (mine === undefined) list.push(mine = { stack: i, entries: [] });
      mine.entries.push(e);
      byNacl.set(c, list);
      const value = JSON.parse(e.aclKey) as unknown;
      if (typeof value === 'object' && value !== null && (value as Record<string, unknown>)['Fn::ImportValue'] !== undefined && c === `${i}:${e.aclKey}`) {
        outside.add(valueText(value));
      }
    }
    for (const acl of [...outside].sort()) {
      s.model.stackNotes.push(`entries of stack ${s.name} on a NACL outside the assembly (${acl}) are not evaluated with the rules other stacks write on it`);
    }
  });
  stacks.forEach((s, j) => {
    if (s.model === undefined) return;
    for (const key of s.model.naclKeys()) {
      for (const { stack, entries } of byNacl.get(canonical(j, key)) ?? []) {
        if (stack !== j) s.model.addForeignEntries(key, stacks[stack].name, entries);
      }
    }
  });
}

/** The properties that name a subnet, NACL or route table of the template, by resource type. */
const REFERENCE_PROPERTIES: Record<string, readonly string[]> = {
  [SUBNET_NACL_ASSOCIATION_TYPE]: ['SubnetId', 'NetworkAclId'],
  [SUBNET_ROUTE_TABLE_ASSOCIATION_TYPE]: ['SubnetId', 'RouteTableId'],
  [NACL_ENTRY_TYPE]: ['NetworkAclId'],
  [ROUTE_TYPE]: ['RouteTableId'],
};

/** The attribute whose value is the id a `Ref` gives, by resource type. */
const ID_ATTRIBUTES: Record<string, string> = { [SUBNET_TYPE]: 'SubnetId', [NACL_TYPE]: 'Id', [ROUTE_TABLE_TYPE]: 'RouteTableId' };

/** `{ Ref: X }` for a `Fn::GetAtt` of the id attribute of a subnet, NACL or route table X of the template (the same id); else the value. */
function asRef(value: unknown, resources: Record<string, CfnResource>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
  const [target, attribute] = Array.isArray(getAtt) ? getAtt : typeof getAtt === 'string' ? getAtt.split('.') : [];
  if (typeof target !== 'string' || typeof attribute !== 'string') return value;
  const type = resources[target]?.Type;
  return type !== undefined && ID_ATTRIBUTES[type] === attribute ? { Ref: target } : value;
}
