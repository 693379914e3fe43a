#!/usr/bin/env node
/**
 * Adds up every JUnit XML report under the given directory (jest, pytest, Maven Surefire, go test) plus the stage
 * results that scripts/test-all.sh records for stages without a report, and prints the closing line
 * `N passed, N failed`. Exits 1 when anything failed.
 */
const fs = require('fs');
const path = require('path');

const dir = process.argv[2] || 'test-reports';
let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];

function walk(d) {
  if (!fs.existsSync(d)) return [];
  return fs.readdirSync(d, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
}

for (const file of walk(dir).filter(f => f.endsWith('.xml')).sort()) {
  const xml = fs.readFileSync(file, 'utf-8');
  // Count <testcase> elements and those with a <failure>/<error> or <skipped> child.
  const cases = xml.match(/<testcase\b[\s\S]*?(?:\/>|<\/testcase>)/g) || [];
  let f = 0;
  let s = 0;
  for (const c of cases) {
    if (/<(failure|error)\b/.test(c)) f++;
    else if (/<skipped\b/.test(c)) s++;
  }
  const p = cases.length - f - s;
  passed += p;
  failed += f;
  skipped += s;
  lines.push(`  ${path.relative(dir, file)}: ${p} passed, ${f} failed${s ? `, ${s} skipped` : ''}`);
}

const stagesFile = path.join(dir, 'stages.txt');
if (fs.existsSync(stagesFile)) {
  for (const line of fs.readFileSync(stagesFile, 'utf-8').split('\n').filter(Boolean)) {
    const [status, ...name] = line.split(' ');
    if (status === 'pass') passed++;
    else failed++;
    lines.push(`  stage ${name.join(' ')}: ${status}`);
  }
}

console.log('Test reports:');
console.log(lines.join('\n'));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
