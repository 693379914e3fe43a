/**
 * The README's packet table ("What the rules can and cannot stop") is what the example's Network ACL entries decide,
 * evaluated as AWS evaluates them together with the default NACL's own allow-all rules.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NewVpcExampleStack } from '../example/stacks';
import { markdownTable } from './support/markdown';
import { aclKeys, evaluate, naclEntriesFromTemplate, Packet } from './support/nacl-evaluator';

const HEADER = ['packet', 'direction', 'protocol', 'port / icmp', 'NACL', 'what else decides'];
const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1 };

function packetTable(): string[][] {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
  return markdownTable(readme, '## What the rules can and cannot stop', HEADER);
}

const template = Template.fromStack(new NewVpcExampleStack(new App(), 'Example')).toJSON();
const rows = packetTable();

test('the table has rows in both directions', () => {
  expect(rows.filter(r => r[1] === 'ingress').length).toBeGreaterThan(3);
  expect(rows.filter(r => r[1] === 'egress').length).toBeGreaterThan(3);
});

test.each(rows)('%s', (_, direction, protocol, portOrIcmp, nacl) => {
  const keys = aclKeys(template);
  expect(keys).toHaveLength(1);
  const icmp = /^type (\d+) code (\d+)$/.exec(portOrIcmp);
  const packet: Packet = {
    direction: direction as 'ingress' | 'egress',
    protocol: PROTOCOLS[protocol],
    ...(icmp ? { icmpType: Number(icmp[1]), icmpCode: Number(icmp[2]) } : { port: Number(portOrIcmp) }),
    remote: '10.200.7.9',
  };
  const verdict = evaluate(naclEntriesFromTemplate(template).filter(e => e.aclKey === keys[0]), packet, { defaultNaclRules: true });
  expect(`${verdict.decision} #${verdict.ruleNumber}`).toBe(nacl);
});
