/**
 * Runs cfn-guard (3.x, the binary that the devDependency @cdklabs/cdk-validator-cfnguard ships) over CloudFormation
 * templates with either rule set, and returns the findings as (rule, resource) pairs. `CFN_GUARD` overrides the
 * binary's path.
 *
 * - The AWS Guard Rules Registry's rules for the resource types the construct makes (Network ACL entries, routes,
 *   Lambda functions, IAM roles, log groups) and for every resource, kept in test/scanners/guard-rules/ with the
 *   registry's licence (aws-cloudformation/aws-guard-rules-registry, commit 7f7340c). They read the suppressions in a
 *   resource's metadata (`guard.SuppressedRules`, `cfn_nag.rules_to_suppress`).
 * - The Control Tower proactive controls bundled with @cdklabs/cdk-validator-cfnguard (what its `CfnGuardValidator`
 *   plugin runs by default), used where the package has them. They read no metadata.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const RULES_DIR = path.join(__dirname, 'guard-rules');

/** The Guard Rules Registry rules kept here, by the name cfn-guard reports. */
export const GUARD_RULES = [
  'CFN_AUTHENTICATION_RULE',
  'CFN_NO_EXPLICIT_RESOURCE_NAMES',
  'CLOUDWATCH_LOG_GROUP_ENCRYPTED',
  'CW_LOGGROUP_RETENTION_PERIOD_CHECK',
  'EC2_NETWORK_ACL_ENTRY_INEFFECTIVE_DENY_RULE',
  'EC2_NETWORK_ACL_PORT_RANGE_RULE',
  'EC2_NETWORK_ACL_PROTOCOL_RULE',
  'IAM_NO_INLINE_POLICY_CHECK',
  'IAM_POLICYDOCUMENT_NO_WILDCARD_RESOURCE',
  'IAM_ROLE_ADMINISTRATOR_ACCESS_POLICY_RULE',
  'IAM_ROLE_ELEVATED_MANAGED_POLICY_RULE',
  'IAM_ROLE_NO_ALLOW_PLUS_NOT_ACTION_ON_TRUST_POLICY',
  'IAM_ROLE_NO_ALLOW_PLUS_NOT_PRINCIPAL',
  'IAM_ROLE_NO_FULL_ACCESS_ON_TRUST_POLICY',
  'IAM_ROLE_NO_WILDCARD_ACTIONS_ON_PERMISSIONS',
  'IAM_ROLE_NO_WILDCARD_RESOURCE_ON_PASSROLE',
  'IAM_ROLE_OR_POLICY_NO_ALLOW_PLUS_NOT_ACTION',
  'IAM_ROLE_OR_POLICY_NO_ALLOW_PLUS_NOT_RESOURCE',
  'LAMBDA_CONCURRENCY_CHECK',
  'LAMBDA_DLQ_CHECK',
  'LAMBDA_INSIDE_VPC',
  'NO_UNRESTRICTED_ROUTE_TO_IGW',
] as const;

/** One finding: a rule that a resource of a template does not comply with. */
export interface GuardFinding {
  readonly template: string;
  readonly rule: string;
  readonly logicalId: string;
}

function validatorPackage(): string {
  return path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
}

/** The Control Tower rules bundled with @cdklabs/cdk-validator-cfnguard: `rules/control-tower/cfn-guard/<service>/`. */
export function controlTowerRulesDir(): string {
  return path.join(validatorPackage(), 'rules', 'control-tower', 'cfn-guard');
}

/** The Control Tower rule files (`ct-ec2-pr-5.guard`) and their control ids and rule names, read from the files. */
export function controlTowerRules(): Array<{ readonly file: string; readonly control: string; readonly rules: string[] }> {
  const dir = controlTowerRulesDir();
  return fs.readdirSync(dir).flatMap(service => fs.readdirSync(path.join(dir, service))
    .filter(f => f.endsWith('.guard'))
    .map(f => {
      const text = fs.readFileSync(path.join(dir, service, f), 'utf-8');
      const control = /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(text)?.[1] ?? f;
      // A rule's own name: the primary rule, not its parameterized helpers (`rule check(...)`).
      const rules = [...new Set([...text.matchAll(/^rule (\w+) when/gm)].map(m => m[1]))];
      return { file: path.join(service, f), control, rules };
    }));
}

/** The cfn-guard binary for this platform. */
export function cfnGuardPath(): string {
  if (process.env.CFN_GUARD) {
    return process.env.CFN_GUARD;
  }
  const platform = ({ linux: 'ubuntu', darwin: 'macos' } as Record<string, string>)[process.platform];
  const arch = ({ x64: 'x86_64', arm64: 'aarch64' } as Record<string, string>)[process.arch];
  const bin = path.join(validatorPackage(), 'bin', platform ?? process.platform, arch ?? process.arch, 'cfn-guard');
  if (!fs.existsSync(bin)) {
    throw new Error(`no cfn-guard binary for ${process.platform}/${process.arch} at ${bin}: set CFN_GUARD to one`);
  }
  return bin;
}

/** The findings of the rules in `rulesDir` (the kept registry rules by default) on each template (name → template). */
export function runGuard(templates: Record<string, unknown>, rulesDir = RULES_DIR): GuardFinding[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-guard-'));
  try {
    const findings: GuardFinding[] = [];
    for (const [name, template] of Object.entries(templates)) {
      const file = path.join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
      fs.writeFileSync(file, JSON.stringify(template));
      const run = spawnSync(cfnGuardPath(), ['validate', '--rules', rulesDir, '--data', file, '--output-format', 'json', '--structured', '--show-summary', 'none'], {
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

/** The findings of the Control Tower rules bundled with @cdklabs/cdk-validator-cfnguard. */
export function runControlTower(templates: Record<string, unknown>): GuardFinding[] {
  return runGuard(templates, controlTowerRulesDir());
}

/** The logical ids of the resources a failed rule's report names (`"path": "/Resources/<id>[/...]"`). */
function resourcePaths(node: unknown): string[] {
  if (Array.isArray(node)) {
    return node.flatMap(resourcePaths);
  }
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => {
      const m = k === 'path' && typeof v === 'string' ? /^\/Resources\/([^/]+)/.exec(v) : null;
      return m ? [m[1]] : resourcePaths(v);
    });
  }
  return [];
}
