/**
 * Messages in the caller's language. The construct runs in Node.js whatever language the app is written in; jsii's
 * runtime client says which one in `JSII_AGENT` (`Python/3.11.7`, `Java/17.0.9`, `go1.26.0/linux/amd64`,
 * `DotNet/8.0.0`). Errors and warnings are written once, in TypeScript's terms; this turns the code in them (prop
 * names, `prop: value` examples, struct literals, static methods) into what the caller writes, so that a Python user
 * reads `external_cidr_blocks=["10.200.0.0/16"]` and a Go user `ExternalCidrBlocks: &[]*string{jsii.String(…)}`.
 * Prose is left alone: a word is only changed where it is code.
 */
import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

export type CallerLanguage = 'typescript' | 'python' | 'java' | 'go' | 'csharp';

/** The language of the app, from the jsii runtime that runs it (TypeScript and JavaScript set none). */
export function callerLanguage(agent: string | undefined = process.env.JSII_AGENT): CallerLanguage {
  if (!agent) return 'typescript';
  if (/^python/i.test(agent)) return 'python';
  if (/^java/i.test(agent)) return 'java';
  if (/^go\d|^golang/i.test(agent)) return 'go';
  if (/^dotnet/i.test(agent)) return 'csharp';
  return 'typescript';
}

/**
 * The names of the props and struct fields the messages use as code, camelCase as TypeScript writes them. Words of
 * one part (`vpc`, `subnets`) are also English: they are only changed in `name: value`, `name[i]` and `name=`.
 */
const PROPS = [
  'vpc', 'vpcPeeringConnectionId', 'externalCidrBlocks', 'externalIpv6CidrBlocks', 'subnets', 'allowOutbound', 'allowInbound',
  'ephemeralPortRange', 'networkAcls', 'denyNetworkAcls', 'createNetworkAcl', 'denyOtherNetworkAcls', 'blanketDeny',
  'allowPathMtuDiscovery', 'firstRuleNumber', 'lastRuleNumber', 'maxRulesPerNetworkAcl', 'existingNetworkAclRules',
  'securityGroupCheck', 'presets', 'acceptPeeringConnection', 'expectedRequester', 'acceptAnyRequesterReason',
  'allowDnsResolutionFromRemoteVpc', 'removalPolicy', 'logRetention', 'requesterCidrBlocks', 'requesterIpv6CidrBlocks',
  'accountId', 'vpcId', 'networkAcl', 'ruleNumbers', 'ipv6RuleNumbers', 'subnetType', 'subnetGroupName', 'allowManagedConnectorsInbound',
  'networkAclEntries', 'routes', 'routeTableIds', 'networkAclIds', 'denyNetworkAclIds', 'accepter', 'dnsResolution', 'acceptance',
];
const MULTI_PART = new Set(PROPS.filter(p => /[A-Z]/.test(p)));
const ONE_PART = new Set(PROPS.filter(p => !/[A-Z]/.test(p)));

/** Struct literals the messages show, by their keys: the type each is, and its module (for Go). */
const STRUCTS: Array<{ keys: string[]; type: string; module: 'ec2' | 'lib' }> = [
  { keys: ['from', 'to'], type: 'AclPortRange', module: 'ec2' },
  { keys: ['type', 'code'], type: 'AclIcmp', module: 'ec2' },
  { keys: ['accountId', 'vpcId'], type: 'ExpectedRequester', module: 'lib' },
  { keys: ['subnetType', 'subnetGroupName'], type: 'SubnetSelection', module: 'ec2' },
  { keys: ['networkAcl', 'ruleNumbers', 'ipv6RuleNumbers'], type: 'ExistingNetworkAclRules', module: 'lib' },
];

/** The message in the caller's language (unchanged for TypeScript). */
export function inCallerLanguage(message: string, language: CallerLanguage = callerLanguage()): string {
  if (language === 'typescript' || language === 'csharp') {
    return message; // (C#: PascalCase props and object initializers; not translated yet)
  }
  let out = message;
  out = translateStructLiterals(out, language);
  out = translatePairs(out, language);
  out = translateCalls(out, language);
  out = translateNames(out, language);
  return out;
}

const snake = (name: string) => name.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);
const pascal = (name: string) => name[0].toUpperCase() + name.slice(1);

/** A prop or field name as the language writes it (Python's `from` is `from_`). */
function propName(name: string, language: CallerLanguage): string {
  switch (language) {
    case 'python': return name === 'from' ? 'from_' : snake(name);
    case 'go': return pascal(name);
    default: return name;
  }
}

/** A value of an example (a list, a string, a number, a boolean, code) as the language writes it. */
function value(text: string, language: CallerLanguage): string {
  const v = text.trim();
  const list = /^\[(.*)\]$/s.exec(v);
  if (list) {
    const items = splitTop(list[1]).map(i => value(i, language));
    const strings = splitTop(list[1]).every(i => /^'.*'$|^".*"$/.test(i.trim()));
    switch (language) {
      case 'java': return `List.of(${items.join(', ')})`;
      case 'go': return `&[]${goElementType(items, strings)}{${items.join(', ')}}`;
      default: return `[${items.join(', ')}]`;
    }
  }
  const str = /^'(.*)'$/s.exec(v) ?? /^"(.*)"$/s.exec(v);
  if (str) {
    return language === 'go' ? `jsii.String("${str[1]}")` : `"${str[1]}"`;
  }
  if (/^-?\d+$/.test(v)) {
    return language === 'go' ? `jsii.Number(${v})` : v;
  }
  if (v === 'true' || v === 'false') {
    if (language === 'python') return v === 'true' ? 'True' : 'False';
    if (language === 'go') return `jsii.Bool(${v})`;
    return v;
  }
  return v;
}

/** The element type of a Go slice of these (translated) items: `*string`, `*float64`, or the class the calls make. */
function goElementType(items: string[], strings: boolean): string {
  if (strings) return '*string';
  if (items.length > 0 && items.every(i => /^jsii\.Number\(/.test(i))) return '*float64';
  const made = items.map(i => /^(\w+)\.(\w+)_\w+\(/.exec(i)).map(m => m && `${m[1]}.${m[2]}`);
  if (made.length > 0 && made.every(m => m && m === made[0])) {
    // What a static factory returns: the interface for a construct (fromNetworkAclId), the class otherwise.
    return made[0] === 'awsec2.NetworkAcl' ? 'awsec2.INetworkAcl' : made[0]!;
  }
  return 'interface{}';
}

/** Splits `a, [b, c], 'd, e'` at its top-level commas. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '\'' || c === '"') {
      quote = c;
    } else if ('[({'.includes(c)) {
      depth++;
    } else if ('])}'.includes(c)) {
      depth--;
    } else if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim() !== '') parts.push(current);
  return parts.map(p => p.trim()).filter(p => p !== '');
}

/** `{ from: 1024, to: 65535 }` → `ec2.AclPortRange(from_=1024, to=65535)` / a builder / a Go struct literal. */
function translateStructLiterals(message: string, language: CallerLanguage): string {
  return message.replace(/\{ ([^{}]*?) \}/g, (whole, body: string) => {
    const fields = splitTop(body).map(f => {
      const m = /^(\w+)(?::\s*(.*))?$/s.exec(f);
      return m ? { key: m[1], val: m[2] ?? m[1] } : undefined;
    });
    if (fields.some(f => f === undefined)) return whole;
    const keys = fields.map(f => f!.key);
    const struct = STRUCTS.find(s => keys.every(k => s.keys.includes(k)));
    if (!struct) return whole;
    const qualified = struct.module === 'ec2'
      ? (language === 'go' ? `awsec2.${struct.type}` : language === 'java' ? struct.type : `ec2.${struct.type}`)
      : (language === 'go' ? `cdkvpcpeeringexternal.${struct.type}` : struct.type);
    const vals = fields.map(f => ({ key: f!.key, val: value(translateCalls(f!.val, language), language) }));
    switch (language) {
      case 'python': return `${qualified}(${vals.map(f => `${propName(f.key, language)}=${f.val}`).join(', ')})`;
      case 'java': return `${qualified}.builder()${vals.map(f => `.${f.key}(${f.val})`).join('')}.build()`;
      case 'go': return `&${qualified}{${vals.map(f => `${propName(f.key, language)}: ${f.val}`).join(', ')}}`;
      default: return whole;
    }
  });
}

/** `externalCidrBlocks: ['10.200.0.0/16']` → `external_cidr_blocks=["10.200.0.0/16"]` / `.externalCidrBlocks(List.of(…))` / `ExternalCidrBlocks: …`. */
function translatePairs(message: string, language: CallerLanguage): string {
  const names = [...PROPS].sort((a, b) => b.length - a.length).join('|');
  const key = new RegExp(`\\b(${names}): `, 'g');
  let out = '';
  let from = 0;
  for (let m = key.exec(message); m; m = key.exec(message)) {
    const start = m.index + m[0].length;
    const end = expressionEnd(message, start);
    if (end === start) continue;
    const val = message.slice(start, end);
    // `expectedRequester: the deploy would…` is prose: a value is a literal or an expression with a call or a member
    if (!/^[\[{'"\d-]|^(true|false)$|^[\w&]+[.(]/.test(val)) continue;
    const v = value(translateCalls(val, language), language);
    const name = m[1];
    const pair = language === 'python' ? `${propName(name, language)}=${v}`
      : language === 'java' ? `.${name}(${v})`
        : `${propName(name, language)}: ${v}`;
    out += message.slice(from, m.index) + pair;
    from = end;
    key.lastIndex = end;
  }
  return out + message.slice(from);
}

/**
 * Where the code expression that starts at `start` ends: a bracketed or quoted value, or a name with calls and member
 * accesses chained to it (`ExpectedRequester.builder().accountId("1").build()`). `start` itself when none starts there.
 */
function expressionEnd(text: string, start: number): number {
  const closing: Record<string, string> = { '[': ']', '{': '}', '(': ')' };
  const balanced = (at: number): number => {
    const stack: string[] = [];
    let quote: string | undefined;
    for (let i = at; i < text.length; i++) {
      const c = text[i];
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === '\'' || c === '"') {
        quote = c;
      } else if (closing[c]) {
        stack.push(closing[c]);
      } else if (c === stack[stack.length - 1]) {
        stack.pop();
        if (stack.length === 0) return i + 1;
      } else if (']})'.includes(c)) {
        return at;
      }
    }
    return at;
  };
  const c = text[start];
  if (c === '[' || c === '{' || c === '\'' || c === '"') {
    if (c === '\'' || c === '"') {
      const close = text.indexOf(c, start + 1);
      return close < 0 ? start : close + 1;
    }
    return balanced(start);
  }
  const word = /^-?[A-Za-z0-9_&]+/.exec(text.slice(start));
  if (!word) return start;
  let end = start + word[0].length;
  for (;;) {
    if (text[end] === '(') {
      const after = balanced(end);
      if (after === end) break;
      end = after;
    } else if (text[end] === '.' && /[A-Za-z_]/.test(text[end + 1] ?? '')) {
      end += 1 + /^[A-Za-z0-9_]+/.exec(text.slice(end + 1))![0].length;
    } else {
      break;
    }
  }
  return end;
}

/** The library's classes, whose static members keep their class in Go (`SaasPeeringPreset_MongoDbAtlas`). */
const OUR_CLASSES = ['SaasPeeringPreset', 'EphemeralPorts', 'PeeringWarnings', 'RuleNumberRecord', 'SecurityGroupCheck'];

/** `ec2.AclTraffic.tcpPort(443)` → `ec2.AclTraffic.tcp_port(443)` / `AclTraffic.tcpPort(443)` / `awsec2.AclTraffic_TcpPort(jsii.Number(443))`. */
function translateCalls(message: string, language: CallerLanguage): string {
  const classes = ['AclTraffic', 'NetworkAcl', 'Vpc', 'SubnetType', 'RemovalPolicy', 'AspectPriority', 'Subnet', ...OUR_CLASSES].join('|');
  const call = new RegExp(`\\b(?:(ec2|cdk)\\.)?(${classes})\\.(\\w+)(\\(([^()]*)\\))?`, 'g');
  type Parts = [string, string | undefined, string, string, string | undefined, string | undefined];
  return message.replace(call, (...match: unknown[]) => {
    const [whole, module, cls, member, parens, args] = match as Parts;
    const constant = /^[A-Z0-9_]+$/.test(member);
    const argList = parens === undefined ? undefined : splitTop(args ?? '').map(a => (a === 'this' ? selfOf(language) : value(a, language)));
    const ours = OUR_CLASSES.includes(cls);
    switch (language) {
      case 'python': {
        const name = constant ? member : snake(member);
        return `${module ? `${module}.` : ''}${cls}.${name}${argList ? `(${argList.join(', ')})` : ''}`;
      }
      case 'java':
        return `${cls}.${member}${argList ? `(${argList.join(', ')})` : ''}`;
      case 'go': {
        const pkg = ours ? 'cdkvpcpeeringexternal' : module === 'cdk' || ['RemovalPolicy', 'AspectPriority'].includes(cls) ? 'awscdk' : 'awsec2';
        const name = `${cls}_${constant ? member : pascal(member)}`;
        // Go reads a constant of a class through a function, and an enum member as a value.
        const enumMember = ['SubnetType', 'RemovalPolicy', 'SecurityGroupCheck'].includes(cls);
        return `${pkg}.${name}${argList ? `(${argList.join(', ')})` : enumMember ? '' : constant ? '()' : ''}`;
      }
      default:
        return whole;
    }
  });
}

function selfOf(language: CallerLanguage): string {
  return language === 'python' ? 'self' : language === 'go' ? 'stack' : 'this';
}

/** The remaining prop names: every camelCase one; a one-word one only where it is code (`subnets[0]`, `vpc is`). */
function translateNames(message: string, language: CallerLanguage): string {
  if (language === 'java') return message;
  return message
    .replace(/\b([a-z]+(?:[A-Z][a-z0-9]*)+)\b/g, (whole, name: string) => (MULTI_PART.has(name) ? propName(name, language) : whole))
    .replace(/\b([a-z]+)(?=\[\d+\]| is required| is '|\.\w+ ')/g, (whole, name: string) => (ONE_PART.has(name) ? propName(name, language) : whole));
}

/** Runs `build`, turning the message of an error it throws into the caller's language. */
export function inCallerLanguageOnError<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof Error) e.message = inCallerLanguage(e.message);
    throw e;
  }
}

/** An acknowledgeable warning on `scope`, in the caller's language. */
export function warn(scope: IConstruct, id: string, message: string): void {
  Annotations.of(scope).addWarningV2(id, inCallerLanguage(message));
}
