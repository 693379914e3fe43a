import * as fs from 'fs';
import * as path from 'path';

/**
 * Construct Hub lists a package from its package.json (keywords, description, license, repository) and its jsii
 * assembly (stability). The keywords are set in .projenrc.ts; `awscdk` is the one Construct Hub indexes CDK libraries
 * by (issue 18, part 3).
 */
const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
const ASSEMBLY = path.join(ROOT, '.jsii');

describe('Construct Hub metadata', () => {
  test.each(['awscdk', 'cdk', 'vpc-peering', 'network-acl'])('package.json keywords include %s', keyword => {
    expect(pkg.keywords).toContain(keyword);
  });

  test('package.json has a description that says what the construct makes', () => {
    expect(pkg.description).toEqual(expect.stringMatching(/^Routes and Network ACL rules for a VPC peering connection/));
  });

  test('package.json has an SPDX license that the repository holds', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf-8')).toContain('Apache License');
  });

  test('package.json points to the GitHub repository', () => {
    expect(pkg.repository).toEqual({
      type: 'git',
      url: 'https://github.com/vpc-peering-external/cdk-vpc-peering-external.git',
    });
  });

  test('package.json declares the stability', () => {
    expect(pkg.stability).toBe('experimental');
  });

  // After the compile (every build compiles before it tests); a jest run on a fresh checkout has no assembly yet.
  (fs.existsSync(ASSEMBLY) ? test : test.skip)('the jsii assembly carries the stability, license and repository', () => {
    const assembly = JSON.parse(fs.readFileSync(ASSEMBLY, 'utf-8'));
    expect(assembly.docs?.stability).toBe(pkg.stability);
    expect(assembly.license).toBe(pkg.license);
    expect(assembly.repository).toEqual(pkg.repository);
    expect(assembly.keywords).toEqual(expect.arrayContaining(['awscdk', 'cdk', 'vpc-peering', 'network-acl']));
    expect(assembly.description).toBe(pkg.description);
  });
});
