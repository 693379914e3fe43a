#!/usr/bin/env node
/**
 * The SBOMs the release attaches (scripts/sbom.js, `npx projen sbom`): packs the npm package into a scratch dist
 * (`npm pack`, as package:js does), writes the SBOMs from it, and checks them: CycloneDX JSON 1.6; the npm one lists the
 * package and exactly what its tarball bundles (node_modules/*, at the versions packed), nothing of the dev or peer
 * dependencies; the Python, Java and Go ones have a root of their own ecosystem (package URL from package.json's jsii
 * targets) that depends on the bundled npm package, and the same components. Offline. Run after the compile.
 *
 * JUnit: test-reports/sbom-junit.xml. Exits 1 when a check fails.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { junitChecks } = require('../support/junit-checks');

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
const { check, finish } = junitChecks('sbom');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sbom-check-'));
const report = path.join(root, 'test-reports', 'sbom-junit.xml');

try {
  fs.mkdirSync(path.join(scratch, 'js'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', path.join(scratch, 'js')],
    { cwd: root, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] }));
  fs.renameSync(path.join(scratch, 'js', packed.filename), path.join(scratch, 'js', `${pkg.name}@${pkg.version}.jsii.tgz`));
  // What the tarball bundles: node_modules/<name>/package.json, at the version packed.
  const bundled = packed.files.map(f => /^node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(f.path)).filter(Boolean)
    .map(([file, name]) => ({ name, version: JSON.parse(execFileSync('tar', ['-xOzf', path.join(scratch, 'js', `${pkg.name}@${pkg.version}.jsii.tgz`), `package/${file}`], { encoding: 'utf-8' })).version }));
  check('the npm tarball bundles its bundled dependencies', bundled.length ? [] : ['no node_modules/*/package.json in the tarball']);

  execFileSync(process.execPath, [path.join(root, 'scripts', 'sbom.js'), scratch], { stdio: ['ignore', 'inherit', 'inherit'] });
  const read = ecosystem => JSON.parse(fs.readFileSync(path.join(scratch, 'sbom', `${pkg.name}.${ecosystem}.cdx.json`), 'utf-8'));
  const purl = (name, version) => `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
  const stripQualifiers = p => String(p).split('?')[0];
  const wantBundled = bundled.map(b => purl(b.name, b.version)).sort();

  const npm = read('npm');
  const npmRoot = npm.metadata?.component ?? {};
  const npmPurls = (npm.components ?? []).map(c => stripQualifiers(c.purl)).sort();
  const notShipped = [...Object.keys(pkg.devDependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]
    .filter(dep => !bundled.some(b => b.name === dep));
  check('npm: CycloneDX 1.6 JSON whose root is the npm package, licensed as package.json says', [
    ...(npm.bomFormat === 'CycloneDX' && npm.specVersion === '1.6' ? [] : [`bomFormat ${npm.bomFormat}, specVersion ${npm.specVersion}`]),
    ...(stripQualifiers(npmRoot.purl) === purl(pkg.name, pkg.version) ? [] : [`root purl ${npmRoot.purl}`]),
    ...((npmRoot.licenses ?? []).some(l => l.license?.id === pkg.license) ? [] : [`root licenses ${JSON.stringify(npmRoot.licenses)}, want ${pkg.license}`]),
  ]);
  check('npm: the components are exactly what the tarball bundles, at the versions packed',
    JSON.stringify(npmPurls) === JSON.stringify(wantBundled) ? [] : [`components ${npmPurls.join(', ')}; bundled ${wantBundled.join(', ')}`]);
  check('npm: no dev or peer dependency is listed (they are not in the package)',
    (npm.components ?? []).filter(c => notShipped.includes(c.group ? `${c.group}/${c.name}` : c.name)).map(c => `listed: ${c.name}`));
  check('npm: the root depends on every bundled component',
    wantBundled.filter(p => !(npm.dependencies ?? []).find(d => d.ref === npmRoot['bom-ref'])?.dependsOn
      ?.some(ref => stripQualifiers((npm.components ?? []).find(c => c['bom-ref'] === ref)?.purl) === p)).map(p => `root does not depend on ${p}`));

  const { python, java, go } = pkg.jsii.targets;
  const roots = {
    pypi: `pkg:pypi/${python.distName}@${pkg.version}`,
    maven: `pkg:maven/${java.maven.groupId}/${java.maven.artifactId}@${pkg.version}`,
    golang: `pkg:golang/${go.moduleName}/${pkg.name.replace(/-/g, '')}@v${pkg.version}`,
  };
  for (const [ecosystem, want] of Object.entries(roots)) {
    const bom = read(ecosystem);
    const rootComponent = bom.metadata?.component ?? {};
    const purls = (bom.components ?? []).map(c => stripQualifiers(c.purl)).sort();
    check(`${ecosystem}: root ${want}, depending on the bundled npm package, with its components`, [
      ...(bom.bomFormat === 'CycloneDX' && bom.specVersion === '1.6' ? [] : [`bomFormat ${bom.bomFormat}, specVersion ${bom.specVersion}`]),
      ...(rootComponent.purl === want ? [] : [`root purl ${rootComponent.purl}`]),
      ...((bom.dependencies ?? []).find(d => d.ref === rootComponent['bom-ref'])?.dependsOn?.includes(npmRoot['bom-ref']) ? [] : ['the root does not depend on the npm package']),
      ...(JSON.stringify(purls) === JSON.stringify([purl(pkg.name, pkg.version), ...wantBundled].sort()) ? [] : [`components ${purls.join(', ')}`]),
    ]);
  }
} catch (e) {
  check('the SBOMs are written', [String(e.message)]);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}

finish(report);
