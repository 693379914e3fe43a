/**
 * The NACL evaluator of test/support/nacl-evaluator.ts as a line server for the Python tests: each stdin line is
 * `{ "rules": NaclRule[], "packets": Packet[] }` (the entries of one NACL as read back from EC2), each stdout line the
 * verdicts in packet order, or `{ "error": message }`.
 *
 *   npx ts-node --project test/tsconfig.json test/terraform/evaluate.ts
 */
import * as readline from 'readline';
import { evaluate, NaclRule, Packet } from '../support/nacl-evaluator';

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let answer: unknown;
  try {
    const { rules, packets } = JSON.parse(line) as { rules: NaclRule[]; packets: Packet[] };
    answer = packets.map(p => evaluate(rules, p));
  } catch (e) {
    answer = { error: (e as Error).message };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
