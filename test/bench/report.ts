/**
 * What the bench publishes from its results: the README's table (between `<!-- bench:begin -->` and
 * `<!-- bench:end -->` in its "Benchmarks" section) and a chart, a hand-rolled SVG (bench/chart.svg).
 */
import { Ratio, Results } from './results';
import { Counts } from './rule-economy';

const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

const x = (r: number) => `${r.toFixed(2)}×`;
const range = (r: Ratio) => `${x(r.median)} (${r.q1.toFixed(2)}–${r.q3.toFixed(2)})`;
const verdict = (met: boolean) => (met ? 'met' : '**not met**');

function cell(c: Counts, access: boolean, quotaLeft: number): string {
  const [e, i] = access ? [c.accessEgress, c.accessIngress] : [c.denyOnlyEgress, c.denyOnlyIngress];
  const over = e > quotaLeft || i > quotaLeft ? ' (over the default quota)' : '';
  return `${e} / ${i}${over}`;
}

export function renderReadmeSection(r: Results): string {
  const lines: string[] = [
    BEGIN,
    '<!-- Written by `npx projen bench` from bench/results.json; edit test/bench/report.ts, not this table. -->',
    '',
    '![Benchmark ratios: synth time of the construct against the same app written as L1, scaling, NACL entries against the Terraform module, Python and Java against TypeScript](bench/chart.svg)',
    '',
    '**Synth time, the construct ÷ the same app written by hand as L1** (same resources, logical ids and metadata; ' +
    'CPU time of the synthesizing process, which the target is about; the median of the per-round ratios, the middle half of them in brackets; ' +
    'the wall clock of the same runs beside it)',
    '',
    '| app | stacks | resources | rounds | construct ÷ L1 (CPU) | wall clock | target (CPU) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...r.synth.map(s => `| ${s.title} | ${s.stacks} | ${s.resources} | ${s.rounds} | ${range(s.ratio)} | ${range(s.wallRatio)} | ≤ ${x(s.target)} ${verdict(s.met)} |`),
    `| scaling: 240 stacks ÷ 120 stacks | 120 → 240 | ${r.scaling.resources120} → ${r.scaling.resources240} | ${r.scaling.rounds} | ` +
    `construct ${range(r.scaling.construct.ratio)}; L1 alone ${range(r.scaling.l1.ratio)} | construct ${range(r.scaling.constructWallRatio)} | construct ≤ ${x(r.scaling.target)} ${verdict(r.scaling.met)} |`,
    '',
    '**NACL entries for one external CIDR block, egress / ingress**, on the App subnets\' NACL (allows and denies) and on ' +
    'another NACL (denies only); the Terraform module needs one instance per protocol and port range. ' +
    'A NACL holds 20 rules per direction by default, the implicit deny and an allow-all at 100 included: ' +
    `${r.ruleEconomy.quotaLeft} are left for the peering.`,
    '',
    '| policy | NACL | construct | Terraform module | module, blanket deny on one instance only | minimum |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const row of r.ruleEconomy.rows) {
    for (const access of [true, false]) {
      lines.push(`| ${access ? row.policy : ''} | ${access ? 'App' : 'other'} | ${cell(row.construct, access, r.ruleEconomy.quotaLeft)} | ` +
        `${cell(row.module, access, r.ruleEconomy.quotaLeft)} | ${cell(row.moduleDenyOnce, access, r.ruleEconomy.quotaLeft)} | ` +
        `${cell(row.minimum, access, r.ruleEconomy.quotaLeft)} |`);
    }
  }
  const pmtu = r.ruleEconomy.rows[0];
  const extra = pmtu ? (pmtu.constructWithPathMtu.accessEgress + pmtu.constructWithPathMtu.accessIngress) -
    (pmtu.construct.accessEgress + pmtu.construct.accessIngress) : 0;
  lines.push('', 'The construct\'s counts are for the same policy as the module\'s; its default `allowPathMtuDiscovery: true` ' +
    `adds ${extra} ICMP entr${extra === 1 ? 'y' : 'ies'} on the App NACL (path MTU discovery), which the module cannot express.`);

  lines.push('', '**Synth time of the example app, Python and Java ÷ TypeScript** (the wheel and the jar built by jsii-pacmak; ' +
    'TypeScript: node and the compiled library; wall clock, as the work is spread over the language\'s process and the jsii runtime\'s node process)', '');
  const summary = r.polyglot.summary ?? {};
  if (r.polyglot.notMeasured) {
    lines.push(`Not measured: ${r.polyglot.notMeasured}.`);
  } else {
    lines.push('| language | one `cdk synth`: process start → template | each further synth in the same process |', '| --- | ---: | ---: |');
    for (const [language, label] of [['typescript', 'TypeScript'], ['python', 'Python'], ['java', 'Java']]) {
      const s = summary[language];
      const error = r.polyglot.languages[language as keyof typeof r.polyglot.languages]?.error;
      lines.push(s ? `| ${label} | ${x(s.coldRatio)} | ${x(s.warmRatio)} |` : `| ${label} | not measured: ${error ?? 'no result'} | |`);
    }
  }
  const m = r.machine;
  lines.push('', `Measured ${r.generatedAt.slice(0, 10)} on ${m.cpus} CPUs (${m.cpuModel}), node ${m.node}, load average ` +
    `${m.loadAverage.slice(0, 3).join(' ')} at the start; absolute times are in bench/results.json and vary by machine, so only ` +
    'ratios are quoted. How it is measured: bench/results.json `method`, test/bench/.', END);
  return lines.join('\n');
}

/** README.md with its bench section replaced, or undefined when it has no markers. */
export function updateReadme(readme: string, section: string): string | undefined {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) {
    return undefined;
  }
  return readme.slice(0, a) + section + readme.slice(b + END.length);
}

// ---------------------------------------------------------------------------------------------------------------------
// The chart: horizontal bars, one panel per question, the targets as dashed lines.
// ---------------------------------------------------------------------------------------------------------------------

interface Bar { readonly label: string; readonly value: number; readonly text: string; readonly color: string }
interface Panel { readonly title: string; readonly bars: Bar[]; readonly max: number; readonly marks: Array<{ value: number; label: string }> }

const WIDTH = 760;
const LABEL_W = 270;
const BAR_W = 380;
const ROW_H = 22;
const COLORS = { construct: '#2f6fb0', l1: '#9bb7d4', module: '#c8743a', minimum: '#6a9f58', lang: '#7d5ba6', over: '#c0392b' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function renderPanel(p: Panel, top: number): { svg: string; height: number } {
  const scale = (v: number) => (Math.min(v, p.max) / p.max) * BAR_W;
  const out: string[] = [`<text x="10" y="${top + 16}" class="title">${esc(p.title)}</text>`];
  let y = top + 28;
  for (const bar of p.bars) {
    out.push(`<text x="${LABEL_W - 8}" y="${y + 15}" class="label" text-anchor="end">${esc(bar.label)}</text>`);
    out.push(`<rect x="${LABEL_W}" y="${y + 3}" width="${Math.max(1, scale(bar.value)).toFixed(1)}" height="${ROW_H - 6}" fill="${bar.color}"/>`);
    out.push(`<text x="${LABEL_W + scale(bar.value) + 6}" y="${y + 15}" class="value">${esc(bar.text)}</text>`);
    y += ROW_H;
  }
  for (const mark of p.marks) {
    const mx = LABEL_W + scale(mark.value);
    out.push(`<line x1="${mx.toFixed(1)}" y1="${top + 26}" x2="${mx.toFixed(1)}" y2="${y + 2}" class="target"/>`);
    out.push(`<text x="${mx.toFixed(1)}" y="${y + 14}" class="mark" text-anchor="middle">${esc(mark.label)}</text>`);
  }
  return { svg: out.join('\n'), height: y + 24 - top };
}

export function renderChart(r: Results): string {
  const panels: Panel[] = [];
  const synthMax = Math.max(2, ...r.synth.map(s => s.ratio.median)) * 1.15;
  panels.push({
    title: 'Synth time: the construct ÷ the same app written by hand as L1',
    bars: r.synth.map(s => ({
      label: `${s.stacks} stack${s.stacks === 1 ? '' : 's'}, ${s.resources} resources`, value: s.ratio.median, text: x(s.ratio.median), color: COLORS.construct,
    })),
    max: synthMax,
    marks: [{ value: r.synth[0]?.target ?? 1.1, label: `target ${x(r.synth[0]?.target ?? 1.1)}` }],
  });
  const scaleMax = Math.max(3, r.scaling.construct.ratio.median, r.scaling.l1.ratio.median) * 1.15;
  panels.push({
    title: 'Scaling: synth time of 240 stacks ÷ 120 stacks (2× would be linear)',
    bars: [
      { label: 'with the construct', value: r.scaling.construct.ratio.median, text: x(r.scaling.construct.ratio.median), color: COLORS.construct },
      { label: 'hand-written L1', value: r.scaling.l1.ratio.median, text: x(r.scaling.l1.ratio.median), color: COLORS.l1 },
    ],
    max: scaleMax,
    marks: [{ value: r.scaling.target, label: `target ${x(r.scaling.target)}` }],
  });
  const econMax = Math.max(...r.ruleEconomy.rows.map(row => row.module.accessEgress + row.module.accessIngress)) * 1.25;
  panels.push({
    title: 'NACL entries on the App NACL, egress + ingress: construct, Terraform module, minimum',
    bars: r.ruleEconomy.rows.flatMap(row => {
      const total = (c: Counts) => c.accessEgress + c.accessIngress;
      const over = (c: Counts) => c.accessEgress > r.ruleEconomy.quotaLeft || c.accessIngress > r.ruleEconomy.quotaLeft;
      return [
        { label: `${row.policy.replace(/ \(.*\)$/, '')}: construct`, value: total(row.construct), text: String(total(row.construct)), color: COLORS.construct },
        {
          label: 'Terraform module',
          value: total(row.module),
          text: `${total(row.module)}${over(row.module) ? ' (over the default quota)' : ''}`,
          color: over(row.module) ? COLORS.over : COLORS.module,
        },
        { label: 'minimum', value: total(row.minimum), text: String(total(row.minimum)), color: COLORS.minimum },
      ];
    }),
    max: econMax,
    marks: [],
  });
  const summary = r.polyglot.summary ?? {};
  const langBars: Bar[] = [];
  for (const [language, label] of [['python', 'Python'], ['java', 'Java']]) {
    const s = summary[language];
    if (s) {
      langBars.push({ label: `${label}: one cdk synth (cold)`, value: s.coldRatio, text: x(s.coldRatio), color: COLORS.lang });
      langBars.push({ label: `${label}: further synths (warm)`, value: s.warmRatio, text: x(s.warmRatio), color: COLORS.l1 });
    }
  }
  if (langBars.length > 0) {
    panels.push({
      title: 'Synth time of the example app ÷ TypeScript',
      bars: langBars,
      max: Math.max(2, ...langBars.map(b => b.value)) * 1.15,
      marks: [{ value: 1, label: 'TypeScript' }],
    });
  }

  const parts: string[] = [];
  let top = 10;
  for (const p of panels) {
    const { svg, height } = renderPanel(p, top);
    parts.push(svg);
    top += height + 8;
  }
  const footer = `Ratios measured side by side in one run of npx projen bench, ${r.generatedAt.slice(0, 10)} (bench/results.json).`;
  parts.push(`<text x="10" y="${top + 6}" class="mark">${esc(footer)}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top + 20}" viewBox="0 0 ${WIDTH} ${top + 20}" role="img">`,
    '<style>',
    '  text { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; fill: #24292f; }',
    '  .title { font-size: 14px; font-weight: 600; } .label, .value { font-size: 12px; } .mark { font-size: 11px; fill: #57606a; }',
    '  .target { stroke: #57606a; stroke-width: 1; stroke-dasharray: 4 3; }',
    '</style>',
    `<rect width="${WIDTH}" height="${top + 20}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
