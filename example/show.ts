/**
 * Prints what the synthesized example app creates: per stack, the routes and the Network ACL entries, as tables, in
 * the order AWS evaluates the entries. Usage: ts-node example/show.ts <cdk.out directory>
 */
import * as fs from 'fs';
import * as path from 'path';

type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, any> };

const PROTOCOLS: Record<string, string> = { '-1': 'all', '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };

/** A readable form of an id that may be a CloudFormation intrinsic. */
function show(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') {
    return String(value);
  }
  const v = value as Record<string, any>;
  if (v?.Ref) {
    return v.Ref;
  }
  if (v?.['Fn::GetAtt']) {
    return v['Fn::GetAtt'].join('.');
  }
  return JSON.stringify(value);
}

function ports(p: Record<string, any>): string {
  if (p.PortRange) {
    return p.PortRange.From === p.PortRange.To ? `${p.PortRange.From}` : `${p.PortRange.From}-${p.PortRange.To}`;
  }
  if (p.Icmp) {
    return `type ${p.Icmp.Type === -1 ? 'all' : p.Icmp.Type} code ${p.Icmp.Code === -1 ? 'all' : p.Icmp.Code}`;
  }
  return 'all';
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The rows of the routes table and of the NACL entries table of one template, in evaluation order. */
export function tablesOf(template: { Resources?: Record<string, Resource> }): { routes: string[][]; entries: string[][] } {
  const resources = Object.values(template.Resources ?? {});
  const routes = resources.filter(r => r.Type === 'AWS::EC2::Route' && r.Properties.VpcPeeringConnectionId);
  const entries = resources.filter(r => r.Type === 'AWS::EC2::NetworkAclEntry');
  entries.sort((a, b) => show(a.Properties.NetworkAclId).localeCompare(show(b.Properties.NetworkAclId)) ||
    Number(!!a.Properties.Egress) - Number(!!b.Properties.Egress) || a.Properties.RuleNumber - b.Properties.RuleNumber);
  return {
    routes: routes.map(r => [
      show(r.Properties.RouteTableId), r.Properties.DestinationCidrBlock ?? r.Properties.DestinationIpv6CidrBlock,
      show(r.Properties.VpcPeeringConnectionId),
    ]),
    entries: entries.map(r => [
      show(r.Properties.NetworkAclId), r.Properties.Egress ? 'egress' : 'ingress', String(r.Properties.RuleNumber),
      r.Properties.RuleAction, PROTOCOLS[String(r.Properties.Protocol)] ?? String(r.Properties.Protocol), ports(r.Properties),
      r.Properties.CidrBlock ?? r.Properties.Ipv6CidrBlock, r.Metadata?.['cdk-vpc-peering-external:purpose'] ?? '',
    ]),
  };
}

export const ROUTE_HEADER = ['route table', 'destination', 'target'];
export const ENTRY_HEADER = ['network ACL', 'direction', 'rule #', 'action', 'protocol', 'ports / icmp', 'CIDR', 'why'];

function main(outdir: string): void {
  const templates = fs.readdirSync(outdir).filter(f => f.endsWith('.template.json')).sort();
  for (const file of templates) {
    const { routes, entries } = tablesOf(JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf-8')));
    console.log(`\n## ${file.replace('.template.json', '')}\n`);
    console.log(`Routes (${routes.length}):\n`);
    console.log(table(ROUTE_HEADER, routes));
    console.log(`\nNetwork ACL entries (${entries.length}), in evaluation order per NACL and direction:\n`);
    console.log(table(ENTRY_HEADER, entries));
  }
}

if (require.main === module) {
  main(process.argv[2] ?? path.join(__dirname, 'cdk.out'));
}
