/**
 * The snapshot check of src/analysis/snapshots.ts for the Python emulator tests: reads a JSON file (a list of
 * snapshots, or `{ "snapshots": [...], "targets"?: [...] }`, each `{ Label?, NetworkAcls: DescribeNetworkAcls' NetworkAcls,
 * ActivePeeringCidrBlocks?, PeeringCidrBlocks? }`) and prints `{ "views", "packetsChecked", "violations" }` as JSON,
 * or `{ "error": message }` with exit code 1 when the snapshots cannot be checked.
 *
 *   npx ts-node --project test/tsconfig.json test/deploy/evaluate-snapshots.ts snapshots.json
 */
import * as fs from 'fs';
import { checkSnapshots, Ec2Snapshot } from '../../src/analysis/snapshots';

const file = process.argv[2];
try {
  if (!file) throw new Error('usage: evaluate-snapshots.ts <snapshots.json>');
  const input = JSON.parse(fs.readFileSync(file, 'utf8')) as Ec2Snapshot[] | { snapshots: Ec2Snapshot[]; targets?: Ec2Snapshot[] };
  const report = Array.isArray(input) ? checkSnapshots(input) : checkSnapshots(input.snapshots, { targets: input.targets });
  process.stdout.write(JSON.stringify(report) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ error: (e as Error).message }) + '\n');
  process.exitCode = 1;
}
