/** The shape of bench/results.json, and the statistics the bench uses. */
import { PolyglotResult } from './polyglot';
import { EconomyRow } from './rule-economy';

export function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
export const round0 = (x: number) => Math.round(x);

/** The q-quantile of `xs` (linear interpolation between the closest ranks). */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

/**
 * A ratio A/B over paired runs: the median of the per-round ratios, their interquartile range (where the middle half of
 * the rounds fall) and their extremes.
 */
export interface Ratio {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly min: number;
  readonly max: number;
}

export function pairedRatio(a: number[], b: number[]): Ratio {
  const ratios = a.map((x, i) => x / b[i]);
  return {
    median: round2(median(ratios)),
    q1: round2(quantile(ratios, 0.25)),
    q3: round2(quantile(ratios, 0.75)),
    min: round2(Math.min(...ratios)),
    max: round2(Math.max(...ratios)),
  };
}

export interface Samples {
  readonly cpuMs: number[];
  readonly wallMs: number[];
}

export interface SynthComparison {
  readonly id: string;
  readonly title: string;
  readonly stacks: number;
  readonly resources: number;
  readonly rounds: number;
  readonly constructMs: number;
  readonly l1Ms: number;
  /** Construct ÷ L1, CPU time. */
  readonly ratio: Ratio;
  /** Construct ÷ L1, wall clock. */
  readonly wallRatio: Ratio;
  /** Every run, in round order: CPU and wall-clock ms. */
  readonly samples: { readonly construct: Samples; readonly l1: Samples };
  readonly target: number;
  readonly met: boolean;
}

export interface Scaling {
  readonly rounds: number;
  readonly resources120: number;
  readonly resources240: number;
  readonly construct: { readonly ms120: number; readonly ms240: number; readonly ratio: Ratio };
  readonly l1: { readonly ms120: number; readonly ms240: number; readonly ratio: Ratio };
  /** 240 ÷ 120 with the construct, wall clock. */
  readonly constructWallRatio: Ratio;
  /** Every run, in round order: CPU and wall-clock ms, by variant. */
  readonly samples: Record<string, Samples>;
  readonly target: number;
  readonly met: boolean;
}

export interface Results {
  readonly generatedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string; readonly loadAverage: number[] };
  readonly method: string[];
  readonly synth: SynthComparison[];
  readonly scaling: Scaling;
  readonly ruleEconomy: { readonly quotaLeft: number; readonly rows: EconomyRow[] };
  readonly polyglot: PolyglotResult & {
    readonly summary?: Record<string, { coldMs: number; warmMs: number; coldRatio: number; warmRatio: number }>;
  };
  readonly durationS: number;
}

