/**
 * Turns actionlint's findings (ACTIONLINT_JSON, its `-format '{{json .}}'` output) into one JUnit test case per
 * workflow file, and checks that CI runs the whole suite before anything is built for users or released.
 * Called by test/workflows/run.sh. JUnit: test-reports/workflows-junit.xml; exits 1 when a check fails.
 */
const fs = require('fs');
const path = require('path');
const { junitChecks } = require('../support/junit-checks');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..', '..');
const dir = path.join(root, '.github', 'workflows');
const SUITE_JOB = 'test-all';
const SUITE_COMMAND = 'npx projen test:all';

const findings = JSON.parse(process.env.ACTIONLINT_JSON || '[]');
const { check, finish } = junitChecks('workflows');

const files = fs.readdirSync(dir).filter(f => /\.ya?ml$/.test(f)).sort();
for (const file of files) {
  const mine = findings.filter(f => path.basename(f.filepath) === file);
  check(`actionlint: .github/workflows/${file}`, mine.map(f => `${f.filepath}:${f.line}:${f.column}: ${f.message} [${f.kind}]`));
}

const workflow = name => YAML.parse(fs.readFileSync(path.join(dir, `${name}.yml`), 'utf-8'));
const runsSuite = job => (job?.steps ?? []).some(s => typeof s.run === 'string' && s.run.includes(SUITE_COMMAND));
// Every job a job waits for, directly or not.
function upstream(jobs, id, seen = new Set()) {
  for (const need of [].concat(jobs[id]?.needs ?? [])) {
    if (!seen.has(need)) {
      seen.add(need);
      upstream(jobs, need, seen);
    }
  }
  return seen;
}

const build = workflow('build');
check(`the build workflow runs the whole suite (${SUITE_COMMAND}) on pull requests`,
  build.on?.pull_request !== undefined && runsSuite(build.jobs?.[SUITE_JOB]) ? [] : [`no job ${SUITE_JOB} running ${SUITE_COMMAND} on pull_request`]);

const release = workflow('release');
check(`the release workflow runs the whole suite (${SUITE_COMMAND})`,
  runsSuite(release.jobs?.[SUITE_JOB]) ? [] : [`no job ${SUITE_JOB} running ${SUITE_COMMAND}`]);
check(`every job of the release workflow waits for ${SUITE_JOB}`,
  Object.keys(release.jobs ?? {}).filter(id => id !== SUITE_JOB && !upstream(release.jobs, id).has(SUITE_JOB))
    .map(id => `job ${id} does not wait for ${SUITE_JOB}`));

finish(path.join(root, 'test-reports', 'workflows-junit.xml'));
