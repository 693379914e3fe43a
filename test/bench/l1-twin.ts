/**
 * The hand-written L1 twin of a scenario: the same base app, and every resource the construct added written as an L1
 * (`ec2.CfnRoute`, `ec2.CfnNetworkAclEntry`, `CfnResource` for any other type) with the same logical id, properties
 * and metadata — what a user would write without the construct.
 *
 * The twin is derived from the construct's own output, so it follows the construct whatever its internals are: the
 * construct's app is synthesized once, and every resource of its templates that the base app does not have becomes a
 * recipe entry. References in the properties (`Ref`, `Fn::GetAtt`) are rebuilt as real references to the twin's own
 * constructs (found by the construct path the logical id had in the base app, or among the resources the twin wrote
 * before), so the twin resolves them the way a hand-written app does. `assertSameTemplates` then checks that the twin's templates equal the construct's.
 */
import * as fs from 'fs';
import { App, CfnDeletionPolicy, CfnElement, CfnParameter, CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { newApp, Scenario } from './scenarios';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface RecipeResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, Json>;
  readonly metadata: Record<string, Json>;
  readonly dependsOn: string[];
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
}

/** Per stack (by construct id under the app): the resources to write by hand, and where the base's logical ids live. */
export interface Recipe {
  readonly stacks: Array<{
    readonly stackId: string;
    readonly resources: RecipeResource[];
    /** The template's own `Metadata` (the rule-number record a user would keep by hand). */
    readonly metadata?: Record<string, Json>;
    /** Logical id → construct ids from the stack down to the CfnElement, in the base app. */
    readonly paths: Record<string, string[]>;
  }>;
}

/** The logical id → path-below-the-stack map of every CfnElement of each stack of `app`. */
function elementPaths(app: App): Map<string, Record<string, string[]>> {
  const out = new Map<string, Record<string, string[]>>();
  for (const stack of app.node.children.filter((c): c is Stack => Stack.isStack(c))) {
    const paths: Record<string, string[]> = {};
    for (const c of stack.node.findAll()) {
      if (CfnElement.isCfnElement(c) && Stack.of(c) === stack) {
        paths[stack.resolve(c.logicalId)] = c.node.scopes.slice(stack.node.scopes.length).map(s => s.node.id);
      }
    }
    out.set(stack.node.id, paths);
  }
  return out;
}

export type Templates = Record<string, Json>;

/** The templates of a synthesized app, by stack construct id. */
export function templatesOf(app: App): Templates {
  const assembly = app.synth();
  const out: Templates = {};
  for (const stack of app.node.children.filter((c): c is Stack => Stack.isStack(c))) {
    out[stack.node.id] = assembly.getStackArtifact(stack.artifactId).template as Json;
  }
  return out;
}

/**
 * The recipe of the twin, from the construct's synthesized app (`constructApp`, after `synth()`) and the templates of
 * the base alone.
 */
export function recipeOf(scenario: Scenario, constructApp: App, outdir: string): Recipe {
  const baseApp = newApp(outdir);
  scenario.base(baseApp);
  const baseTemplates = templatesOf(baseApp);
  const basePaths = elementPaths(baseApp);
  const built = templatesOf(constructApp);
  return {
    stacks: Object.entries(built).map(([stackId, template]) => {
      const baseResources = ((baseTemplates[stackId] as any)?.Resources ?? {}) as Record<string, unknown>;
      const resources = Object.entries((template as any).Resources as Record<string, any>)
        .filter(([logicalId]) => !(logicalId in baseResources))
        .map(([logicalId, r]): RecipeResource => ({
          logicalId,
          type: r.Type,
          properties: r.Properties ?? {},
          metadata: r.Metadata ?? {},
          dependsOn: r.DependsOn === undefined ? [] : [r.DependsOn].flat(),
          deletionPolicy: r.DeletionPolicy,
          updateReplacePolicy: r.UpdateReplacePolicy,
        }));
      return { stackId, resources, paths: basePaths.get(stackId) ?? {}, metadata: (template as any).Metadata };
    }),
  };
}

/** The twin's app: the scenario's base, and the recipe's resources written as L1s. Timed: keep it lean. */
export function buildTwin(scenario: Scenario, recipe: Recipe, outdir: string): App {
  const app = newApp(outdir);
  scenario.base(app);
  for (const r of recipe.stacks) {
    const stack = app.node.findChild(r.stackId) as Stack;
    if (r.metadata) stack.templateOptions.metadata = r.metadata;
    const created = new Map<string, CfnResource>();
    const element = (logicalId: string): IConstruct | undefined => {
      const path = r.paths[logicalId];
      if (path) {
        return path.reduce<IConstruct>((scope, id) => scope.node.findChild(id), stack);
      }
      return created.get(logicalId);
    };
    const resolveRef = (logicalId: string, attribute?: string): unknown => {
      const target = element(logicalId);
      if (target instanceof CfnResource) {
        return attribute ? Token.asString(target.getAtt(attribute)) : target.ref;
      }
      if (target instanceof CfnParameter && !attribute) {
        return target.valueAsString;
      }
      // A pseudo parameter (AWS::Region): kept as written.
      return attribute ? { 'Fn::GetAtt': [logicalId, attribute] } : { Ref: logicalId };
    };
    const scope = new Construct(stack, 'HandWrittenPeering');
    for (const res of r.resources) {
      const id = `R${created.size}`;
      let cfn: CfnResource;
      if (res.type === ec2.CfnRoute.CFN_RESOURCE_TYPE_NAME) {
        cfn = new ec2.CfnRoute(scope, id, toProps(res.properties, resolveRef) as unknown as ec2.CfnRouteProps);
      } else if (res.type === ec2.CfnNetworkAclEntry.CFN_RESOURCE_TYPE_NAME) {
        cfn = new ec2.CfnNetworkAclEntry(scope, id, toProps(res.properties, resolveRef) as unknown as ec2.CfnNetworkAclEntryProps);
      } else {
        cfn = new CfnResource(scope, id, { type: res.type, properties: rebuild(res.properties, resolveRef) as Record<string, unknown> });
      }
      cfn.overrideLogicalId(res.logicalId);
      if (res.deletionPolicy) cfn.cfnOptions.deletionPolicy = res.deletionPolicy as CfnDeletionPolicy;
      if (res.updateReplacePolicy) cfn.cfnOptions.updateReplacePolicy = res.updateReplacePolicy as CfnDeletionPolicy;
      for (const [key, value] of Object.entries(res.metadata)) {
        cfn.addMetadata(key, value);
      }
      created.set(res.logicalId, cfn);
    }
    for (const res of r.resources) {
      for (const dep of res.dependsOn) {
        const target = element(dep);
        if (target instanceof CfnResource) {
          created.get(res.logicalId)!.addDependency(target);
        }
      }
    }
  }
  return app;
}

type RefResolver = (logicalId: string, attribute?: string) => unknown;

/** A template value with its references rebuilt as tokens. */
function rebuild(value: Json, ref: RefResolver): unknown {
  if (Array.isArray(value)) {
    return value.map(v => rebuild(v, ref));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref' && typeof value.Ref === 'string') {
    return ref(value.Ref);
  }
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt' && Array.isArray(value['Fn::GetAtt'])) {
    const [logicalId, attribute] = value['Fn::GetAtt'] as string[];
    return ref(logicalId, attribute);
  }
  if (keys.length === 1 && keys[0].startsWith('Fn::')) {
    return Token.asString({ [keys[0]]: rebuild(value[keys[0]], ref) });
  }
  return Object.fromEntries(keys.map(k => [k, rebuild(value[k], ref)]));
}

/** CloudFormation properties → the L1's props (camelCase keys, nested structs too), references rebuilt. */
function toProps(value: Json, ref: RefResolver): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return rebuild(value, ref);
    }
    return Object.fromEntries(keys.map(k => [k.charAt(0).toLowerCase() + k.slice(1), toProps(value[k], ref)]));
  }
  if (Array.isArray(value)) {
    return value.map(v => toProps(v, ref));
  }
  return value;
}

/** Throws, naming the first differences, unless both apps produced the same templates. */
export function assertSameTemplates(what: string, construct: Templates, twin: Templates): void {
  const differences: string[] = [];
  const walk = (path: string, a: unknown, b: unknown) => {
    if (differences.length >= 10) {
      return;
    }
    if (path.endsWith('/DependsOn') && Array.isArray(a) && Array.isArray(b)) {
      // An order of DependsOn means nothing to CloudFormation.
      walk(`${path}(sorted)`, [...a].sort().join(), [...b].sort().join());
    } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of keys) {
        walk(`${path}/${k}`, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
      }
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      differences.push(`${path}: construct ${JSON.stringify(a)?.slice(0, 120)} vs L1 ${JSON.stringify(b)?.slice(0, 120)}`);
    }
  };
  walk('', construct, twin);
  if (differences.length > 0) {
    throw new Error(`${what}: the L1 twin's templates differ from the construct's, the comparison would not be fair:\n  ` +
      differences.join('\n  '));
  }
}

/** Removes a synth output directory (outside the timed part). */
export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
