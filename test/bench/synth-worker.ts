/**
 * One synth comparison, run in a process of its own by bench.ts (`node --expose-gc`): a fresh heap for every
 * comparison, so CDK's global token map and the garbage of one comparison do not slow the next.
 *
 *   node --expose-gc -r ts-node/register test/bench/synth-worker.ts <comparison> <rounds>
 *
 * For each scenario of the comparison: the construct's app is synthesized, the L1 twin derived from it (l1-twin.ts)
 * and synthesized, and the two sets of templates must be equal (else the worker fails). That also warms the JIT.
 * Then `rounds` rounds run every variant once each, the order reversed every other round (A B, B A, …) so a drift
 * (a heap that grows, a neighbour's build starting) weighs on both alike; a full GC runs before every timed run,
 * outside the timing. A timed run is what a user's `cdk synth` spends in the app: building the app (constructs,
 * aspects) and `app.synth()` (validation, templates written to disk). Its cost is the CPU time of the process (user +
 * system): on a shared machine the wall clock also counts the time other processes hold the cores, which is noise
 * here; the wall-clock samples are reported too. Prints one JSON line: the samples in ms.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { assertSameTemplates, buildTwin, Recipe, recipeOf, removeDir, templatesOf } from './l1-twin';
import { buildWithConstruct, Scenario, SCENARIOS } from './scenarios';

/** The comparisons bench.ts runs: the variants timed side by side. */
export const COMPARISONS: Record<string, string[]> = {
  'stack-130': ['construct:stack-130', 'l1:stack-130'],
  'stack-340': ['construct:stack-340', 'l1:stack-340'],
  'stacks-60': ['construct:stacks-60', 'l1:stacks-60'],
  'scaling': ['construct:stacks-120', 'construct:stacks-240', 'l1:stacks-120', 'l1:stacks-240'],
};

const gc = (globalThis as { gc?: () => void }).gc;

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vpe-bench-'));
}

function countResources(templates: Record<string, unknown>): number {
  return Object.values(templates).reduce<number>((n, t) => n + Object.keys((t as { Resources: object }).Resources).length, 0);
}

function main(): void {
  const [comparison, roundsArg] = process.argv.slice(2);
  const variants = COMPARISONS[comparison];
  if (!variants) {
    throw new Error(`unknown comparison '${comparison}': one of ${Object.keys(COMPARISONS).join(', ')}`);
  }
  if (!gc) {
    throw new Error('run with node --expose-gc: the bench collects garbage before every timed run');
  }
  const rounds = Number(roundsArg ?? 5);

  // Prepare (and warm up): the construct's app, the twin's recipe, the twin's app, and the check that they agree.
  const recipes = new Map<string, Recipe>();
  const scenarios: Record<string, { stacks: number; resources: number }> = {};
  for (const name of new Set(variants.map(v => v.split(':')[1]))) {
    const scenario = SCENARIOS[name];
    const dir = tmpdir();
    const constructApp = buildWithConstruct(scenario, path.join(dir, 'construct'));
    const constructTemplates = templatesOf(constructApp);
    const recipe = recipeOf(scenario, constructApp, path.join(dir, 'base'));
    const twinTemplates = templatesOf(buildTwin(scenario, recipe, path.join(dir, 'twin')));
    assertSameTemplates(name, constructTemplates, twinTemplates);
    recipes.set(name, recipe);
    scenarios[name] = { stacks: Object.keys(constructTemplates).length, resources: countResources(constructTemplates) };
    removeDir(dir);
  }

  const build = (variant: string, outdir: string): App => {
    const [kind, name] = variant.split(':');
    const scenario: Scenario = SCENARIOS[name];
    return kind === 'construct' ? buildWithConstruct(scenario, outdir) : buildTwin(scenario, recipes.get(name)!, outdir);
  };

  const samples: Record<string, number[]> = Object.fromEntries(variants.map(v => [v, []]));
  const wallSamples: Record<string, number[]> = Object.fromEntries(variants.map(v => [v, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const dir = tmpdir();
      gc();
      const wall = performance.now();
      const cpu = process.cpuUsage();
      build(variant, dir).synth();
      const used = process.cpuUsage(cpu);
      wallSamples[variant].push(performance.now() - wall);
      samples[variant].push((used.user + used.system) / 1000);
      removeDir(dir);
    }
  }
  process.stdout.write(JSON.stringify({ comparison, rounds, scenarios, samples, wallSamples }) + '\n');
}

main();
