#!/usr/bin/env node
/**
 * The npm package holds the library and the command only: `npm pack --dry-run --json` must list the compiled library (lib/**\/*.js and
 * lib/**\/*.d.ts, the command's lib/cli/ included), the command's shim (every package.json `bin`), the jsii assembly
 * (.jsii), package.json, README.md, LICENSE, API.md and the bundled dependencies (package.json bundledDependencies,
 * which jsii needs in the package), and nothing else: no sources, tests, examples or CI scripts. Run after the compile
 * (`npx projen compile`), from anywhere.
 *
 * Then the command as users get it: the packed tarball, unpacked, runs its bin (`explain` on an integ snapshot) with
 * nothing but Node.js and what the package holds (no aws-cdk-lib: the command reads templates only).
 *
 * JUnit: test-reports/package-junit.xml. Exits 1 when a check fails.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { junitChecks } = require('../support/junit-checks');

const root = path.resolve(__dirname, '..', '..');
const report = path.join(root, 'test-reports', 'package-junit.xml');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
const bundled = pkg.bundledDependencies ?? pkg.bundleDependencies ?? [];
const bins = Object.values(pkg.bin ?? {});

const TOP_LEVEL = ['package.json', 'README.md', 'LICENSE', 'API.md', '.jsii'];
const REQUIRED = [...TOP_LEVEL, 'lib/index.js', 'lib/index.d.ts', 'lib/cli/main.js', ...bins, ...bundled.map(dep => `node_modules/${dep}/package.json`)];
const FORBIDDEN_DIRS = ['src/', 'test/', 'example/', 'scripts/', '.ci/', '.github/', '.projen/', 'rosetta/', 'dist/', 'test-reports/'];

const allowed = file =>
  TOP_LEVEL.includes(file) ||
  bins.includes(file) ||
  (file.startsWith('lib/') && (file.endsWith('.d.ts') || file.endsWith('.js'))) ||
  bundled.some(dep => file.startsWith(`node_modules/${dep}/`));

const { check, finish } = junitChecks('npm package contents');

let files;
try {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] });
  files = JSON.parse(out)[0].files.map(f => f.path);
  check('npm pack --dry-run --json lists the package', []);
} catch (e) {
  check('npm pack --dry-run --json lists the package', [String(e.message)]);
}

if (files) {
  check('every file is library: lib/**/*.js, lib/**/*.d.ts, the bin shims, .jsii, package.json, README.md, LICENSE, API.md, bundled dependencies',
    files.filter(f => !allowed(f)).map(f => `not library: ${f}`));
  for (const file of REQUIRED) {
    check(`the package holds ${file}`, files.includes(file) ? [] : [`${file} is missing (was the library compiled? npx projen compile)`]);
  }
  for (const dir of FORBIDDEN_DIRS) {
    check(`nothing from ${dir}`, files.filter(f => f.startsWith(dir)).map(f => `packed: ${f}`));
  }
}

if (files) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vpc-peering-external-pack-'));
  const problems = [];
  try {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
      { cwd: root, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] }))[0].filename;
    execFileSync('tar', ['-xzf', path.join(work, packed), '-C', work]);
    for (const [name, file] of Object.entries(pkg.bin ?? {})) {
      const bin = path.join(work, 'package', file);
      if (!fs.existsSync(bin)) { problems.push(`bin ${name}: ${file} is not in the package`); continue; }
      if ((fs.statSync(bin).mode & 0o111) === 0) problems.push(`bin ${name}: ${file} is not executable`);
      if (!fs.readFileSync(bin, 'utf-8').startsWith('#!/usr/bin/env node\n')) problems.push(`bin ${name}: ${file} does not start with #!/usr/bin/env node`);
      // Run from the unpacked package, away from the repository's node_modules.
      const out = execFileSync(process.execPath, [bin, 'explain', path.join(root, 'test', 'integ.new-vpc.ts.snapshot')],
        { cwd: work, encoding: 'utf-8', env: { ...process.env, NODE_PATH: '' } });
      for (const expected of ['peering 10.200.0.0/16', '| egress    | allow  | tcp 443', 'Private subnets in AZ #1, AZ #2']) {
        if (!out.includes(expected)) problems.push(`bin ${name} explain: the output lacks ${JSON.stringify(expected)}:\n${out}`);
      }
    }
  } catch (e) {
    problems.push(String(e.message));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  check('the packed bin runs: cdk-vpc-peering-external explain test/integ.new-vpc.ts.snapshot', problems);
}

finish(report, `(${files ? files.length : 0} files)`);
