/** The shape of bench/results.json, and the statistics the bench uses. */
import { PolyglotResult } from './polyglot';
import { EconomyRow } from './rule-economy';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
export const round0 = (x: number) => Math.round(x);

/** A ratio A/B over paired runs: the median of the per-round ratios, and their range. */
export interface Ratio {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function pairedRatio(a: number[], b: number[]): Ratio {
  const ratios = a.map((x, i) => x / b[i]);
  return { median: round2(median(ratios)), min: round2(Math.min(...ratios)), max: round2(Math.max(...ratios)) };
}

export interface SynthComparison {
  readonly id: string;
  readonly title: string;
  readonly stacks: number;
  readonly resources: number;
  readonly rounds: number;
  readonly constructMs: number;
  readonly l1Ms: number;
  /** Construct ÷ L1. */
  readonly ratio: Ratio;
  readonly target: number;
  readonly met: boolean;
}

export interface Scaling {
  readonly rounds: number;
  readonly resources120: number;
  readonly resources240: number;
  readonly construct: { readonly ms120: number; readonly ms240: number; readonly ratio: Ratio };
  readonly l1: { readonly ms120: number; readonly ms240: number; readonly ratio: Ratio };
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

