/** The `explain` report as text tables, as a Mermaid diagram, or as JSON. */
import { ExplainReport } from './explain';
import { PolicyLine } from './policy';

/** Output formats of `explain`. */
export const FORMATS = ['table', 'mermaid', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** Renders the report in the format. */
export function renderExplain(report: ExplainReport, format: Format): string {
  switch (format) {
    case 'json': return `${JSON.stringify(report, undefined, 2)}\n`;
    case 'mermaid': return renderMermaid(report);
    default: return renderTables(report);
  }
}

const ORIGIN_TEXT: Record<string, string> = {
  'default-nacl': 'the VPC\'s default NACL: its allow-all at 100/101 is evaluated too',
  'template-nacl': 'created by the template',
  'assumed-allow-all': 'not created by the template: allow-all at 100/101 assumed for its other rules',
};

const KIND_TEXT: Record<PolicyLine['kind'], Record<PolicyLine['direction'], string>> = {
  service: { egress: 'to a service of the peer', ingress: 'the peer connects to you' },
  replies: { egress: 'replies to the peer', ingress: 'replies from the peer' },
  icmp: { egress: 'ICMP', ingress: 'ICMP' },
  all: { egress: '', ingress: '' },
  protocol: { egress: 'protocol', ingress: 'protocol' },
};

function renderTables(report: ExplainReport): string {
  const out: string[] = [];
  for (const stack of report.stacks) {
    if (stack.error) {
      out.push(`Stack ${stack.displayName}: cannot be evaluated: ${stack.error}`, '');
      continue;
    }
    for (const note of stack.notes ?? []) out.push(`Stack ${stack.displayName}: note: ${note}`, '');
    for (const p of stack.peerings) {
      out.push(`Stack ${stack.displayName}: peering ${p.label}`);
      out.push(`  connection ${p.connection}${p.acceptedBy.length ? `, accepted by ${p.acceptedBy.join(', ')}` : ''}`);
      out.push(`  route tables: ${p.routeTables.length === 0 ? 'none (no route to the peering in this template)'
        : p.routeTables.map((t) => `${t.routeTable}${t.subnets.length ? ` (${t.subnets.join(', ')})` : ''}`).join('; ')}`);
      for (const nacl of p.networkAcls) {
        out.push('', `  NACL ${nacl.networkAcl} (${ORIGIN_TEXT[nacl.origin]})`);
        out.push(`    routed subnets on it: ${nacl.routedSubnets.length ? nacl.routedSubnets.join('; ') : 'none known'}`);
        if (nacl.otherSubnets.length) out.push(`    also on it, not routed to the peering: ${nacl.otherSubnets.join('; ')}`);
        out.push(indent(table(
          ['direction', 'action', 'traffic', 'what for', 'external', 'rule', 'entry'],
          nacl.policy.map((l) => [l.direction, l.action, l.traffic, l.purpose ?? (l.action === 'allow' ? KIND_TEXT[l.kind][l.direction] : ''), l.remote,
            String(l.ruleNumber), ruleSource(l)]),
        ), '    '));
      }
      if (p.denyOnlyNetworkAcls.length) {
        out.push('', '  other NACLs that only deny the peering:');
        for (const d of p.denyOnlyNetworkAcls) {
          out.push(`    NACL ${d.networkAcl}${d.subnets.length ? ` (${d.subnets.join('; ')})` : ''}: denies by rule ${d.rules.join(', ')}`);
        }
      }
      for (const note of p.notes) out.push(`  note: ${note}`);
      out.push('');
    }
  }
  const withPeerings = report.stacks.filter((s) => s.peerings.length > 0).length;
  const without = report.stacks.filter((s) => s.peerings.length === 0 && !s.error).map((s) => s.displayName);
  if (withPeerings === 0 && !report.stacks.some((s) => s.error)) out.push(`No peering in ${report.assembly}.`);
  if (without.length) out.push(`Stacks without a peering: ${without.join(', ')}`);
  return `${out.join('\n')}\n`;
}

function ruleSource(l: PolicyLine): string {
  switch (l.origin) {
    case 'template': return l.logicalId ?? '';
    case 'default-nacl': return 'default NACL allow-all';
    case 'assumed': return 'assumed allow-all (outside the template)';
    default: return 'implicit deny';
  }
}

function renderMermaid(report: ExplainReport): string {
  const out = ['flowchart LR'];
  let n = 0;
  const id = (prefix: string) => `${prefix}${n++}`;
  for (const stack of report.stacks.filter((s) => s.peerings.length > 0)) {
    const stackId = id('stack');
    out.push(`  subgraph ${stackId}["${label(`stack ${stack.displayName}`)}"]`);
    for (const p of stack.peerings) {
      const peer = id('peering');
      out.push(`    ${peer}(["${label(`peering ${p.label}`)}"])`);
      for (const nacl of p.networkAcls) {
        const node = id('nacl');
        const subnets = nacl.routedSubnets.length ? nacl.routedSubnets.join('<br/>') : 'no routed subnet known';
        out.push(`    ${node}["${label(`NACL ${nacl.networkAcl}`)}<br/>${label(subnets)}"]`);
        const egress = allowed(nacl.policy, 'egress', p.label);
        const ingress = allowed(nacl.policy, 'ingress', p.label);
        out.push(egress ? `    ${node} -- "${label(`egress allows ${egress}`)}" --> ${peer}` : `    ${node} -. "egress: all denied" .-x ${peer}`);
        out.push(ingress ? `    ${peer} -- "${label(`ingress allows ${ingress}`)}" --> ${node}` : `    ${peer} -. "ingress: all denied" .-x ${node}`);
      }
      for (const d of p.denyOnlyNetworkAcls) {
        const node = id('deny');
        out.push(`    ${node}["${label(`NACL ${d.networkAcl}`)}${d.subnets.length ? `<br/>${label(d.subnets.join('; '))}` : ''}"]`);
        out.push(`    ${peer} -. "denied both ways" .-x ${node}`);
      }
    }
    out.push('  end');
  }
  return `${out.join('\n')}\n`;
}

/** What the direction allows, the addresses named where they are not the whole peering (`tcp 443 to 10.200.0.0/24`). */
function allowed(policy: readonly PolicyLine[], direction: PolicyLine['direction'], peering: string): string {
  const where = (l: PolicyLine) => (l.remote === peering ? '' : ` ${direction === 'egress' ? 'to' : 'from'} ${l.remote}`);
  return [...new Set(policy.filter((l) => l.direction === direction && l.action === 'allow').map((l) => `${l.traffic}${where(l)}`))].join(', ');
}

/** Text safe inside a quoted Mermaid label. */
function label(text: string): string {
  return text.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'));
}

/** A Markdown-style table, columns padded. */
export function table(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function indent(text: string, prefix: string): string {
  return text.split('\n').map((l) => prefix + l).join('\n');
}
