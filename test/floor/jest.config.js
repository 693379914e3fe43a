/**
 * The project's jest configuration (package.json, written by projen) with `aws-cdk-lib` and `constructs` taken from
 * FLOOR_CDK_DIR, a separate install of one aws-cdk-lib version (test/floor/run.sh makes it). The tests are compiled
 * against the project's own aws-cdk-lib types (ts-jest, isolated modules) and run against that version.
 * FLOOR_LABEL names the JUnit report: test-reports/floor-<label>-junit.xml.
 *
 * Test files that never load aws-cdk-lib or constructs (the pure planner's property tests: none of their imports,
 * followed through the relative ones, reaches either package) give the same result on every version and are left out.
 */
const fs = require('fs');
const { builtinModules } = require('module');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const dir = process.env.FLOOR_CDK_DIR;
const label = process.env.FLOOR_LABEL;
if (!dir || !label) {
  throw new Error('FLOOR_CDK_DIR and FLOOR_LABEL must be set (test/floor/run.sh sets them)');
}
const modules = path.resolve(dir, 'node_modules');
const base = require(path.join(root, 'package.json')).jest;

// Bare imports known not to load aws-cdk-lib; any other package counts as one that may (cdk-nag does).
const PURE_PACKAGES = new Set(['fast-check', 'ipaddr.js', ...builtinModules]);
const IMPORT = /^\s*(?:import|export)\s[\w\s*{},]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm;

function loadsCdk(file, seen = new Set()) {
  if (seen.has(file)) return false;
  seen.add(file);
  for (const match of fs.readFileSync(file, 'utf-8').matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (spec.startsWith('.')) {
      const target = path.resolve(path.dirname(file), spec);
      const found = [`${target}.ts`, path.join(target, 'index.ts'), `${target}.js`, target].find(f => fs.existsSync(f) && fs.statSync(f).isFile());
      if (!found || loadsCdk(found, seen)) return true;
    } else if (!PURE_PACKAGES.has(spec.replace(/^node:/, '').split('/')[0])) {
      return true;
    }
  }
  return false;
}

function testFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return ['node_modules', '.ci-work', 'consumers', 'deploy'].includes(e.name) ? [] : testFiles(full);
    return /\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

const pure = ['src', 'test'].flatMap(d => fs.existsSync(path.join(root, d)) ? testFiles(path.join(root, d)) : []).filter(f => !loadsCdk(f));
if (pure.length) {
  process.stderr.write(`not run against aws-cdk-lib ${label} (they never load it): ${pure.map(f => path.relative(root, f)).join(', ')}\n`);
}
// Test files that synthesize the integ apps, which load @aws-cdk/integ-tests-alpha: that package is made for the
// project's own aws-cdk-lib and cannot load against another one.
const integApps = ['test/scanners/cfn-guard.test.ts', 'test/scanners/cdk-nag.test.ts'].map(f => path.join(root, f));
process.stderr.write(`not run against aws-cdk-lib ${label} (they load @aws-cdk/integ-tests-alpha): ${integApps.map(f => path.relative(root, f)).join(', ')}\n`);
const escape = s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

module.exports = {
  ...base,
  rootDir: root,
  collectCoverage: false,
  testMatch: [...base.testMatch, '<rootDir>/test/floor/*.floor.ts'],
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '/\\.ci-work/', ...[...pure, ...integApps].map(f => `^${escape(f)}$`)],
  moduleNameMapper: {
    '^aws-cdk-lib$': path.join(modules, 'aws-cdk-lib'),
    '^aws-cdk-lib/(.*)$': path.join(modules, 'aws-cdk-lib', '$1'),
    '^constructs$': path.join(modules, 'constructs'),
  },
  reporters: [
    'default',
    ['jest-junit', {
      outputDirectory: path.join(root, 'test-reports'),
      outputName: `floor-${label}-junit.xml`,
      suiteName: `aws-cdk-lib ${label}`,
      // Test names say which aws-cdk-lib they ran against, so the two runs do not read as the same tests.
      titleTemplate: `{classname} {title} [aws-cdk-lib ${label}]`,
    }],
  ],
};
