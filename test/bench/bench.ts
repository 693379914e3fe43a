/**
 * Benchmarks (`npx projen bench`): ratios measured side by side in one run, printed and written to bench/results.json,
 * with a chart (bench/chart.svg) and the README's table (between the bench markers of its "Benchmarks" section).
 * Absolute times depend on the machine; the ratios are what is published. Targets are reported, not enforced: timings
 * on a shared machine are too noisy for pass/fail tests. The run fails only when a measurement cannot be trusted (the
 * L1 twin's templates differ from the construct's) or cannot be made.
 *
 * 1. Synth time: the construct vs the same app written by hand as L1 (l1-twin.ts), each comparison in a fresh process
 *    (synth-worker.ts) with alternating runs and a GC before each; one stack of ~130 and one of ~340 resources, 60
 *    stacks; and the scaling from 120 to 240 stacks.
 * 2. Rule economy vs the Terraform module for realistic policies (rule-economy.ts).
 * 3. Synth time of the example app from Python and Java against TypeScript (polyglot.ts).
 *
 * Env: BENCH_ROUNDS_FACTOR (default 1) scales the number of rounds; BENCH_POLYGLOT=0 skips part 3.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { polyglot } from './polyglot';
import { renderChart, renderReadmeSection, updateReadme } from './report';
import { median, pairedRatio, Results, round0, round2, Samples, Scaling, SynthComparison } from './results';
import { ENTRIES_LEFT_UNDER_DEFAULT_QUOTA, ruleEconomy } from './rule-economy';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'bench');

interface WorkerOutput {
  comparison: string;
  rounds: number;
  scenarios: Record<string, { stacks: number; resources: number }>;
  /** CPU time (user + system) of each run, ms. */
  samples: Record<string, number[]>;
  /** Wall-clock time of each run, ms. */
  wallSamples: Record<string, number[]>;
}

function samplesOf(out: WorkerOutput, variant: string): Samples {
  return { cpuMs: out.samples[variant].map(round0), wallMs: out.wallSamples[variant].map(round0) };
}

function runWorker(comparison: string, rounds: number): WorkerOutput {
  const started = Date.now();
  const r = spawnSync(process.execPath,
    ['--expose-gc', '-r', 'ts-node/register', path.join(__dirname, 'synth-worker.ts'), comparison, String(rounds)],
    { cwd: ROOT, env: process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`synth comparison ${comparison} failed (exit ${r.status}):\n${r.stderr}`);
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as WorkerOutput;
  console.log(`  ${comparison}: ${Object.entries(out.samples).map(([v, s]) => `${v} ${s.map(round0).join('/')} ms`).join(', ')}` +
    ` (${Math.round((Date.now() - started) / 1000)} s)`);
  return out;
}

const SYNTH_TARGET = 1.10;
const SCALING_TARGET = 2.2;

async function main(): Promise<void> {
  const started = Date.now();
  const factor = Number(process.env.BENCH_ROUNDS_FACTOR ?? 1);
  const rounds = (n: number) => Math.max(1, Math.round(n * factor));
  const loadBefore = os.loadavg();

  console.log('::: 1. synth time, construct vs hand-written L1 (templates checked equal), alternating runs');
  const titles: Record<string, string> = {
    'stack-130': 'one stack, ~130 resources',
    'stack-340': 'one stack, ~340 resources',
    'stacks-60': '60 stacks, one peering each',
  };
  const synth: SynthComparison[] = [];
  for (const [id, n] of [['stack-130', 40], ['stack-340', 80], ['stacks-60', 80]] as const) {
    const out = runWorker(id, rounds(n));
    const c = out.samples[`construct:${id}`];
    const l = out.samples[`l1:${id}`];
    const ratio = pairedRatio(c, l);
    synth.push({
      id,
      title: titles[id],
      ...out.scenarios[id],
      rounds: out.rounds,
      constructMs: round0(median(c)),
      l1Ms: round0(median(l)),
      ratio,
      wallRatio: pairedRatio(out.wallSamples[`construct:${id}`], out.wallSamples[`l1:${id}`]),
      samples: { construct: samplesOf(out, `construct:${id}`), l1: samplesOf(out, `l1:${id}`) },
      target: SYNTH_TARGET,
      met: ratio.median <= SYNTH_TARGET,
    });
  }
  const sc = runWorker('scaling', rounds(3));
  const s = sc.samples;
  const scalingRatio = pairedRatio(s['construct:stacks-240'], s['construct:stacks-120']);
  const scaling: Scaling = {
    rounds: sc.rounds,
    resources120: sc.scenarios['stacks-120'].resources,
    resources240: sc.scenarios['stacks-240'].resources,
    construct: { ms120: round0(median(s['construct:stacks-120'])), ms240: round0(median(s['construct:stacks-240'])), ratio: scalingRatio },
    l1: { ms120: round0(median(s['l1:stacks-120'])), ms240: round0(median(s['l1:stacks-240'])), ratio: pairedRatio(s['l1:stacks-240'], s['l1:stacks-120']) },
    constructWallRatio: pairedRatio(sc.wallSamples['construct:stacks-240'], sc.wallSamples['construct:stacks-120']),
    samples: Object.fromEntries(Object.keys(sc.samples).map(v => [v, samplesOf(sc, v)])),
    target: SCALING_TARGET,
    met: scalingRatio.median <= SCALING_TARGET,
  };

  console.log('::: 2. rule economy vs the Terraform module');
  const economy = ruleEconomy();

  let poly: Results['polyglot'];
  if (process.env.BENCH_POLYGLOT === '0') {
    poly = { notMeasured: 'skipped (BENCH_POLYGLOT=0)', rounds: 0, warmRunsPerRound: 0, languages: {} };
  } else {
    console.log('::: 3. synth time of the example app, Python and Java vs TypeScript');
    const p = await polyglot(rounds(3), 5);
    const ts = p.languages.typescript;
    const summary: NonNullable<Results['polyglot']['summary']> = {};
    if (ts && !ts.error && ts.coldMs.length > 0) {
      for (const [language, r] of Object.entries(p.languages)) {
        if (r && !r.error && r.coldMs.length > 0) {
          summary[language] = {
            coldMs: round0(median(r.coldMs)),
            warmMs: round0(median(r.warmMs)),
            coldRatio: round2(median(r.coldMs) / median(ts.coldMs)),
            warmRatio: round2(median(r.warmMs) / median(ts.warmMs)),
          };
        }
      }
    }
    poly = { ...p, summary };
  }

  const results: Results = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage: [...loadBefore, ...os.loadavg()].map(round2) },
    method: [
      'Synth time = building the app (constructs, aspects) + app.synth() (validation, templates written to disk), as a user\'s `cdk synth` spends it in the app, ' +
        'counted as the CPU time (user + system) of the process: on a shared machine the wall clock also counts the time other processes hold the cores. ' +
        'Times in ms are medians of CPU time; wallRatio gives the wall-clock ratios.',
      'L1 twin: the same base app, and every resource the construct added re-created as CfnRoute/CfnNetworkAclEntry with the same logical id, properties (references rebuilt as references to the twin\'s own constructs) and metadata; its templates are checked equal to the construct\'s before timing.',
      'Each comparison runs in a fresh node process (--expose-gc): one preparation run of each variant (JIT warm-up, template check), then rounds that run every variant once, the order reversed every other round, with a full GC before each timed run.',
      'Ratio = median over rounds of the per-round ratio (runs of one round are back to back, so load from other processes weighs on both); q1 and q3 (interquartile range), min and max show the spread.',
      'Polyglot: a fresh process per language and round; cold = process start to the first template written (interpreter/JVM, jsii runtime, synth); warm = median of further syntheses in the same process.',
    ],
    synth,
    scaling,
    ruleEconomy: { quotaLeft: ENTRIES_LEFT_UNDER_DEFAULT_QUOTA, rows: economy },
    polyglot: poly,
    durationS: Math.round((Date.now() - started) / 1000),
  };

  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(OUT, 'chart.svg'), renderChart(results));
  const section = renderReadmeSection(results);
  const readme = path.join(ROOT, 'README.md');
  const updated = updateReadme(fs.readFileSync(readme, 'utf8'), section);
  if (updated === undefined) {
    console.log('README.md has no bench markers (<!-- bench:begin --> ... <!-- bench:end -->): the table was not written there');
  } else {
    fs.writeFileSync(readme, updated);
  }
  console.log();
  console.log(section);
  console.log(`::: wrote bench/results.json, bench/chart.svg and README.md's table (${results.durationS} s)`);
}

main().catch(e => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
