/**
 * Synth time of the example app (example/stacks.ts, NewVpcExampleStack) from Python and Java against TypeScript,
 * each with the package a user of that language installs: the wheel and the jar built by jsii-pacmak (prepared by
 * polyglot/prepare.sh, the way test/consumers/run.sh builds them), and for TypeScript plain node with the compiled
 * library (lib/, what npm ships).
 *
 * Each language's app runs in a fresh process per round (the order rotating between rounds) and reports:
 * - cold: from the process start (measured by this parent) to the first template written — what one `cdk synth`
 *   costs: the interpreter or JVM, and for Python and Java the jsii runtime (a node process loading aws-cdk-lib);
 * - warm: further syntheses in the same process (GC before each), the steady cost of the calls across jsii.
 * Every language's first template must equal the TypeScript example's, or its numbers are not reported.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NewVpcExampleStack } from '../../example/stacks';

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, 'test', 'bench', '.ci-work');

export type Language = 'typescript' | 'python' | 'java';

export interface LanguageResult {
  readonly coldMs: number[];
  readonly warmMs: number[];
  /** Why the language has no numbers (its template differs, its app failed). */
  readonly error?: string;
}

export interface PolyglotResult {
  /** Why nothing was measured (the packages could not be built), when so. */
  readonly notMeasured?: string;
  readonly rounds: number;
  readonly warmRunsPerRound: number;
  readonly languages: Partial<Record<Language, LanguageResult>>;
}

function command(language: Language, templateFile: string, warmRuns: number): [string, string[]] {
  const n = String(warmRuns);
  switch (language) {
    case 'typescript':
      return [process.execPath, ['--expose-gc', path.join(ROOT, 'test/bench/polyglot/example_app.js'), templateFile, n]];
    case 'python':
      return [path.join(WORK, 'venv/bin/python'), [path.join(ROOT, 'test/bench/polyglot/example_app.py'), templateFile, n]];
    case 'java': {
      const classpath = `${path.join(WORK, 'java/classes')}:${fs.readFileSync(path.join(WORK, 'java/classpath.txt'), 'utf8').trim()}`;
      return ['java', ['-cp', classpath, 'BenchExample', templateFile, n]];
    }
  }
}

/** Runs one language's app once: the cold time (spawn → FIRST) and the warm samples it prints. */
function runOnce(language: Language, templateFile: string, warmRuns: number): Promise<{ coldMs: number; warmMs: number[] }> {
  const [cmd, args] = command(language, templateFile, warmRuns);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let coldMs: number | undefined;
    let out = '';
    let err = '';
    const child = spawn(cmd, args, { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (coldMs === undefined && /^FIRST$/m.test(out)) {
        coldMs = performance.now() - start;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('error', reject);
    child.on('close', code => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || coldMs === undefined || !last.startsWith('{')) {
        reject(new Error(`${language} app failed (exit ${code}): ${err.trim().split('\n').slice(-5).join(' | ')}`));
        return;
      }
      resolve({ coldMs, warmMs: JSON.parse(last).warm });
    });
  });
}

function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown => Array.isArray(v) ? v.map(canonical)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map(k => [k, canonical((v as Record<string, unknown>)[k])]))
      : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export async function polyglot(rounds: number, warmRuns: number): Promise<PolyglotResult> {
  const prepare = spawnSync('bash', [path.join(ROOT, 'test/bench/polyglot/prepare.sh')], { cwd: ROOT, env: process.env, encoding: 'utf8' });
  process.stdout.write(prepare.stdout.split('\n').filter(l => l.startsWith(':::')).map(l => `  ${l}\n`).join(''));
  if (prepare.status !== 0) {
    const why = `${prepare.stdout}\n${prepare.stderr}`.trim().split('\n').slice(-3).join(' | ');
    return { notMeasured: `the Python and Java packages could not be prepared (test/bench/polyglot/prepare.sh): ${why}`, rounds, warmRunsPerRound: warmRuns, languages: {} };
  }

  const reference = Template.fromStack(new NewVpcExampleStack(new App({ analyticsReporting: false }), 'PeeringNewVpcExample')).toJSON();
  const languages: Language[] = ['typescript', 'python', 'java'];
  const results: Record<Language, { coldMs: number[]; warmMs: number[]; error?: string }> = {
    typescript: { coldMs: [], warmMs: [] }, python: { coldMs: [], warmMs: [] }, java: { coldMs: [], warmMs: [] },
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vpe-bench-polyglot-'));
  try {
    for (let round = 0; round < rounds; round++) {
      const order = languages.map((_, i) => languages[(i + round) % languages.length]);
      for (const language of order) {
        const r = results[language];
        if (r.error) {
          continue;
        }
        const templateFile = path.join(dir, `${language}.json`);
        try {
          const { coldMs, warmMs } = await runOnce(language, templateFile, warmRuns);
          if (!sameJson(JSON.parse(fs.readFileSync(templateFile, 'utf8')), reference)) {
            r.error = `its template differs from the TypeScript example's (${templateFile} kept)`;
            continue;
          }
          r.coldMs.push(coldMs);
          r.warmMs.push(...warmMs);
          process.stdout.write(`  ${language}: cold ${coldMs.toFixed(0)} ms, warm ${warmMs.map(w => w.toFixed(0)).join(' ')} ms\n`);
        } catch (e) {
          r.error = (e as Error).message;
        }
      }
    }
  } finally {
    if (!Object.values(results).some(r => r.error?.includes('kept'))) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return { rounds, warmRunsPerRound: warmRuns, languages: results };
}
