/**
 * Runs cfn-guard (3.x, the binary that the devDependency @cdklabs/cdk-validator-cfnguard ships) with the AWS Guard
 * Rules Registry rules kept in test/scanners/guard-rules/ over CloudFormation templates, and returns the findings as
 * (rule, resource) pairs. `CFN_GUARD` overrides the binary's path.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const RULES_DIR = path.join(__dirname, 'guard-rules');

/** The Guard Rules Registry rules kept here, by the name cfn-guard reports. */
export const GUARD_RULES = [
  'EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE',
  'EC2_NETWORK_ACL_PROTOCOL_RULE',
  'EC2_NETWORK_ACL_PORT_RANGE_RULE',
] as const;

/** One finding: a rule that a resource of a template does not comply with. */
export interface GuardFinding {
  readonly template: string;
  readonly rule: string;
  readonly logicalId: string;
}

/** The cfn-guard binary for this platform. */
export function cfnGuardPath(): string {
  if (process.env.CFN_GUARD) {
    return process.env.CFN_GUARD;
  }
  const pkg = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  const platform = ({ linux: 'ubuntu', darwin: 'macos' } as Record<string, string>)[process.platform];
  const arch = ({ x64: 'x86_64', arm64: 'aarch64' } as Record<string, string>)[process.arch];
  const bin = path.join(pkg, 'bin', platform ?? process.platform, arch ?? process.arch, 'cfn-guard');
  if (!fs.existsSync(bin)) {
    throw new Error(`no cfn-guard binary for ${process.platform}/${process.arch} at ${bin}: set CFN_GUARD to one`);
  }
  return bin;
}

/** The findings of the rules on each template (name → template JSON). */
export function runGuard(templates: Record<string, unknown>): GuardFinding[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-guard-'));
  try {
    const findings: GuardFinding[] = [];
    for (const [name, template] of Object.entries(templates)) {
      const file = path.join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
      fs.writeFileSync(file, JSON.stringify(template));
      const run = spawnSync(cfnGuardPath(), ['validate', '--rules', RULES_DIR, '--data', file, '--output-format', 'json', '--structured', '--show-summary', 'none'], {
        encoding: 'utf-8',
        maxBuffer: 256 * 1024 * 1024,
      });
      // 0: every rule passed or was skipped; 19: some rule failed; anything else is an error of cfn-guard itself.
      if (run.status !== 0 && run.status !== 19) {
        throw new Error(`cfn-guard exited ${run.status} on ${name}: ${run.stderr}${run.stdout}`.slice(0, 4000));
      }
      const reports = JSON.parse(run.stdout) as Array<{ not_compliant?: Array<{ Rule?: { name: string } }> }>;
      for (const report of reports) {
        for (const failed of report.not_compliant ?? []) {
          const rule = failed.Rule?.name ?? 'unknown rule';
          for (const logicalId of new Set(resourcePaths(failed))) {
            findings.push({ template: name, rule, logicalId });
          }
        }
      }
    }
    return findings;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The logical ids of the resources a failed rule's report names (`"path": "/Resources/<id>"`). */
function resourcePaths(node: unknown): string[] {
  if (Array.isArray(node)) {
    return node.flatMap(resourcePaths);
  }
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => {
      const m = k === 'path' && typeof v === 'string' ? /^\/Resources\/([^/]+)$/.exec(v) : null;
      return m ? [m[1]] : resourcePaths(v);
    });
  }
  return [];
}
