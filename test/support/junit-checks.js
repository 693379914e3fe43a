/**
 * Named checks written as one JUnit suite, for the stages that are plain node scripts (test/package,
 * test/workflows): `check(name, failures)` records and prints a case, `finish(report, note)` writes the JUnit XML,
 * prints the `N passed, N failed` line and exits 1 when a check failed.
 */
const fs = require('fs');
const path = require('path');

const esc = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function junitChecks(suite) {
  const cases = [];
  return {
    check(name, failures) {
      cases.push({ name, failures });
      console.log(`${failures.length ? 'FAIL' : 'pass'} ${name}${failures.map(f => `\n       ${f}`).join('')}`);
    },
    finish(report, note = '') {
      const failed = cases.filter(c => c.failures.length).length;
      fs.mkdirSync(path.dirname(report), { recursive: true });
      fs.writeFileSync(report, [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuites><testsuite name="${esc(suite)}" tests="${cases.length}" failures="${failed}">`,
        ...cases.map(c => `<testcase classname="${esc(suite)}" name="${esc(c.name)}">` +
          (c.failures.length ? `<failure message="${esc(c.failures[0])}">${esc(c.failures.join('\n'))}</failure>` : '') + '</testcase>'),
        '</testsuite></testsuites>',
        '',
      ].join('\n'));
      console.log(`${suite}: ${cases.length - failed} passed, ${failed} failed${note ? ` ${note}` : ''}`);
      process.exit(failed ? 1 : 0);
    },
  };
}

module.exports = { junitChecks };
