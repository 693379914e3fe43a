/**
 * The rule-number record: which number each Network ACL entry of the app holds, kept from one synth to the next, so
 * that an edit never renumbers what it does not change (see `plan/numbering.ts`).
 *
 * Numbers cannot be derived from the props alone and stay put under every edit (an entry added anywhere would have to
 * take a number no entry could ever want), so the plan remembers them, as the CDK remembers lookups in
 * `cdk.context.json`: `cdk synth` writes `cdk-vpc-peering-external.rule-numbers.json` next to `cdk.json`, to be committed;
 * every synth reads it (from the file, or from the context key for apps made in tests). Each stack's template also
 * carries its own part, in its `Metadata`, so the numbers the stack deploys can always be read back from it.
 *
 * In CI (`CI` set, under the CDK CLI) the file is not written: a plan that needs numbers the file does not hold is an
 * error that says to synth and commit the file, as `npm ci` refuses a stale lock file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { AddressFamily } from '../core/cidr';
import { PreviousNumbers } from '../plan/types';

/** The context key: a record (an object), the path of the record file (a string), or `false` to keep none. */
export const RECORD_CONTEXT_KEY = 'cdk-vpc-peering-external:ruleNumbers';

/** The file `cdk synth` writes and every synth reads, relative to the app's working directory (where `cdk.json` is). */
export const DEFAULT_RECORD_FILE = 'cdk-vpc-peering-external.rule-numbers.json';

/** The key of each stack's part in its template's `Metadata`. */
export const TEMPLATE_METADATA_KEY = 'cdk-vpc-peering-external:ruleNumbers';

/** One NACL's numbers, as the record holds them. */
export interface NaclRecord {
  /** Per address family, the number of each entry (by its meaning, `entryMeaning`). */
  readonly ipv4?: Record<string, number>;
  readonly ipv6?: Record<string, number>;
  /** Numbers given up by a later plan, by the meaning that held them, longest-retired first: reserved while others are free. */
  readonly retired?: Record<string, number>;
  /** The NACL is one that `createNetworkAcl` made: deleting it moves its subnets to the VPC's default NACL. */
  readonly dedicated?: boolean;
}

/** One stack's part: by NACL name, as the stack's logical ids name it. */
export interface StackRecord {
  readonly networkAcls: Record<string, NaclRecord>;
}

/** The whole record. */
export interface RuleNumberRecord {
  readonly version: 1;
  readonly stacks: Record<string, StackRecord>;
}

/** Where the record of an app comes from, and whether synth may write it back. */
export interface RecordSource {
  readonly record?: RuleNumberRecord;
  /** The record file, as given (relative to the working directory); undefined when the record comes from context or is off. */
  readonly path?: string;
  /** The file to write the record to (under the CDK CLI, outside CI). */
  readonly file?: string;
  /** Writing is not allowed here (CI, under the CDK CLI): a plan that needs numbers the file does not hold is an error. */
  readonly frozen: boolean;
}

/** Reads the record of the app `root` belongs to. */
export function readRecord(root: IConstruct): RecordSource {
  const value: unknown = root.node.tryGetContext(RECORD_CONTEXT_KEY);
  const underCli = process.env.CDK_CLI_VERSION !== undefined;
  const frozen = underCli && isCi();
  if (value === false || value === 'false') {
    return { frozen: false };
  }
  if (value !== undefined && typeof value === 'object' && value !== null) {
    return { record: parseRecord(value, `context ${RECORD_CONTEXT_KEY}`), frozen: false };
  }
  const given = typeof value === 'string' ? value : DEFAULT_RECORD_FILE;
  const file = path.resolve(given);
  const record = fs.existsSync(file) ? parseRecord(JSON.parse(fs.readFileSync(file, 'utf-8')), given) : undefined;
  return { record, path: given, file: underCli && !frozen ? file : undefined, frozen };
}

/** Writes the record to its file, when it changed (the file is left as it is otherwise). */
export function writeRecord(file: string, record: RuleNumberRecord): void {
  const text = `${JSON.stringify({ '//': FILE_NOTE, ...record }, undefined, 2)}\n`;
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf-8') !== text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

const FILE_NOTE =
  'Written by cdk synth (cdk-vpc-peering-external): the Network ACL rule number of every entry, so that the next synth ' +
  'keeps them. Commit it with the change that made it.';

function isCi(): boolean {
  const ci = process.env.CI;
  return (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') || process.env.CODEBUILD_BUILD_ID !== undefined;
}

/** Checks the shape of a record read from a file or context; throws an error naming where it came from. */
export function parseRecord(value: unknown, where: string): RuleNumberRecord {
  const fail = (why: string): never => {
    throw new Error(`${where} is not a rule-number record of cdk-vpc-peering-external (${why}): delete it and synth again to write a new one`);
  };
  const r = value as Partial<RuleNumberRecord>;
  if (!r || typeof r !== 'object' || r.version !== 1 || typeof r.stacks !== 'object' || r.stacks === null) {
    fail('expected { "version": 1, "stacks": { … } }');
  }
  for (const [stack, part] of Object.entries(r.stacks!)) {
    if (!part || typeof part.networkAcls !== 'object') fail(`stack ${stack} has no networkAcls`);
    for (const [acl, nacl] of Object.entries(part.networkAcls)) {
      for (const [field, numbers] of Object.entries(nacl ?? {})) {
        if (field === 'dedicated') {
          if (typeof numbers !== 'boolean') fail(`${stack} ${acl} dedicated is not true or false`);
          continue;
        }
        if (!['ipv4', 'ipv6', 'retired'].includes(field) || typeof numbers !== 'object' ||
          Object.values(numbers ?? {}).some(n => !Number.isInteger(n) || (n as number) < 1 || (n as number) > 32766)) {
          fail(`${stack} ${acl} ${field} is not a map of entries to rule numbers`);
        }
      }
    }
  }
  return { version: 1, stacks: r.stacks! };
}

/** What the record says about one NACL (as named in one stack), for the planner. */
export function previousNumbers(record: RuleNumberRecord | undefined, stack: string, naclName: string): PreviousNumbers | undefined {
  const nacl = record?.stacks[stack]?.networkAcls[naclName];
  if (!nacl) {
    return undefined;
  }
  const numbers = new Map<string, number>();
  const families = new Map<string, AddressFamily>();
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const [meaning, n] of Object.entries(nacl[family] ?? {})) {
      numbers.set(meaning, n);
      families.set(meaning, family);
    }
  }
  return { numbers, families, retired: Object.entries(nacl.retired ?? {}).map(([meaning, ruleNumber]) => ({ meaning, ruleNumber })) };
}

/** Merges what several stacks' records say about one NACL (the same NACL named from different stacks). */
export function mergePrevious(parts: Array<PreviousNumbers | undefined>): PreviousNumbers | undefined {
  const present = parts.filter((p): p is PreviousNumbers => p !== undefined);
  if (present.length <= 1) {
    return present[0];
  }
  return {
    numbers: new Map(present.flatMap(p => [...p.numbers])),
    families: new Map(present.flatMap(p => [...p.families])),
    retired: present.flatMap(p => p.retired),
  };
}

/** One entry the plan made, for the record. */
export interface RecordedEntry {
  readonly stack: string;
  readonly naclName: string;
  readonly meaning: string;
  readonly family: AddressFamily;
  readonly ruleNumber: number;
  /** The entry is in a NACL that `createNetworkAcl` made. */
  readonly dedicated?: boolean;
}

/**
 * The record after a plan: every entry it made, and, per NACL, the numbers of the entries the last record held that
 * the plan no longer makes (retired, after those retired before; dropped once a plan uses the number again). Stacks the
 * app no longer has are dropped (their entries go with them).
 */
export function nextRecord(before: RuleNumberRecord | undefined, entries: RecordedEntry[], stacks: Set<string>): RuleNumberRecord {
  type Numbers = Record<string, number>;
  const out: Record<string, { networkAcls: Record<string, { ipv4: Numbers; ipv6: Numbers; retired: Numbers; dedicated?: boolean }> }> = {};
  const naclOf = (stack: string, acl: string) => {
    const part = out[stack] ??= { networkAcls: {} };
    return part.networkAcls[acl] ??= { ipv4: {}, ipv6: {}, retired: {} };
  };
  for (const e of entries) {
    const nacl = naclOf(e.stack, e.naclName);
    nacl[e.family][e.meaning] = e.ruleNumber;
    if (e.dedicated) nacl.dedicated = true;
  }
  for (const [stack, part] of Object.entries(before?.stacks ?? {})) {
    if (!stacks.has(stack)) continue;
    for (const [acl, nacl] of Object.entries(part.networkAcls)) {
      const now = naclOf(stack, acl);
      if (nacl.dedicated) now.dedicated = true;
      const used = new Set([...Object.values(now.ipv4), ...Object.values(now.ipv6)]);
      const kept = (meaning: string) => meaning in now.ipv4 || meaning in now.ipv6;
      const given = [...Object.entries(nacl.retired ?? {}), ...Object.entries({ ...nacl.ipv4, ...nacl.ipv6 })];
      for (const [meaning, n] of given) {
        if (!kept(meaning) && !used.has(n) && !Object.values(now.retired).includes(n)) now.retired[meaning] = n;
      }
    }
  }
  // Empty parts are left out, so that the record only says what is there.
  const stacksOut: Record<string, StackRecord> = {};
  for (const [stack, part] of Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const acls: Record<string, NaclRecord> = {};
    for (const [acl, nacl] of Object.entries(part.networkAcls).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const trimmed: { -readonly [K in keyof NaclRecord]: NaclRecord[K] } = {};
      for (const field of ['ipv4', 'ipv6', 'retired'] as const) {
        if (Object.keys(nacl[field]).length > 0) trimmed[field] = field === 'retired' ? nacl[field] : sortByNumber(nacl[field]);
      }
      if (Object.keys(trimmed).length > 0) acls[acl] = nacl.dedicated ? { ...trimmed, dedicated: true } : trimmed;
    }
    if (Object.keys(acls).length > 0) stacksOut[stack] = { networkAcls: acls };
  }
  return { version: 1, stacks: stacksOut };
}

/**
 * The NACLs `createNetworkAcl` made that held entries in the record `before` and hold none after the plan (`next`): the
 * NACL is deleted by this deploy, and its subnets go to the VPC's default NACL.
 */
export function droppedDedicatedNacls(before: RuleNumberRecord | undefined, next: RuleNumberRecord): Array<{ stack: string; naclName: string }> {
  const live = (nacl: NaclRecord | undefined) => Object.keys(nacl?.ipv4 ?? {}).length + Object.keys(nacl?.ipv6 ?? {}).length > 0;
  return Object.entries(before?.stacks ?? {}).flatMap(([stack, part]) => Object.entries(part.networkAcls)
    .filter(([name, nacl]) => nacl.dedicated && live(nacl) && !live(next.stacks[stack]?.networkAcls[name]))
    .map(([naclName]) => ({ stack, naclName })));
}

function sortByNumber(numbers: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(numbers).sort(([ma, a], [mb, b]) => a - b || (ma < mb ? -1 : 1)));
}

/** Whether two records hold the same numbers. */
export function sameRecord(a: RuleNumberRecord | undefined, b: RuleNumberRecord): boolean {
  return JSON.stringify(a ?? { version: 1, stacks: {} }) === JSON.stringify(b);
}
