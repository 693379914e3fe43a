/**
 * The bench compares the construct with a hand-written L1 twin derived from the construct's own output
 * (test/bench/l1-twin.ts). Timings are not tested here; what is tested is that the comparison stays fair: the twin
 * reproduces the construct's templates with L1 resources of its own, and a difference is caught.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { assertSameTemplates, buildTwin, Recipe, recipeOf, templatesOf } from './l1-twin';
import { buildWithConstruct, manyStacks, Scenario, STACK_130 } from './scenarios';
import { VpcPeeringExternal } from '../../src';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'l1-twin-test-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function prepare(scenario: Scenario) {
  const constructApp = buildWithConstruct(scenario, path.join(dir, 'construct'));
  const constructTemplates = templatesOf(constructApp);
  const recipe = recipeOf(scenario, constructApp, path.join(dir, 'base'));
  return { constructTemplates, recipe };
}

describe('the L1 twin of a scenario', () => {
  test.each([
    ['one stack, four peerings', STACK_130],
    ['three stacks, one peering each', manyStacks(3)],
  ])('%s: same templates as the construct, written with L1 resources only', (_, scenario) => {
    // GIVEN the construct's app and the recipe derived from it
    const { constructTemplates, recipe } = prepare(scenario);

    // WHEN the twin is built and synthesized
    const twin = buildTwin(scenario, recipe, path.join(dir, 'twin'));
    const twinTemplates = templatesOf(twin);

    // THEN its templates equal the construct's, it has no construct, and its routes and entries are L1s it wrote
    expect(() => assertSameTemplates('twin', constructTemplates, twinTemplates)).not.toThrow();
    const all = twin.node.findAll();
    expect(all.some(c => c instanceof VpcPeeringExternal)).toBe(false);
    const written = all.filter(c => c.node.path.includes('/HandWrittenPeering/'));
    expect(written.length).toBe(recipe.stacks.reduce((n, s) => n + s.resources.length, 0));
    // Routes and entries as their L1s; the accepter's function, role and custom resources as plain CfnResources.
    expect(written.every(c => c instanceof CfnResource)).toBe(true);
    expect(written.filter(c => !(c instanceof ec2.CfnRoute || c instanceof ec2.CfnNetworkAclEntry))
      .map(c => (c as CfnResource).cfnResourceType).filter(t => t.startsWith('AWS::EC2::'))).toEqual([]);
    expect(written.some(c => c instanceof ec2.CfnRoute)).toBe(true);
    expect(written.some(c => c instanceof ec2.CfnNetworkAclEntry)).toBe(true);
  });

  test('references are rebuilt as references to the twin\'s own constructs, not copied', () => {
    // GIVEN the recipe of one stack
    const { recipe } = prepare(manyStacks(1));

    // WHEN the twin is built
    const twin = buildTwin(manyStacks(1), recipe, path.join(dir, 'twin'));

    // THEN a route's table id is a token that resolves to a Ref to the twin's own route table
    const stack = twin.node.findChild('Service0') as Stack;
    const route = stack.node.findAll().find((c): c is ec2.CfnRoute => c instanceof ec2.CfnRoute && c.node.path.includes('/HandWrittenPeering/'))!;
    const ref = stack.resolve(route.routeTableId) as { Ref: string };
    const table = stack.node.findAll().find(c => c instanceof ec2.CfnRouteTable && stack.resolve((c as CfnResource).logicalId) === ref.Ref);
    expect(table).toBeDefined();
    expect(typeof route.routeTableId).toBe('string');
    expect(route.routeTableId).not.toEqual(ref);
  });

  test('a twin that differs from the construct is refused, naming the difference', () => {
    // GIVEN a recipe with one rule number changed
    const { constructTemplates, recipe } = prepare(manyStacks(1));
    const entry = recipe.stacks[0].resources.find(r => r.type === 'AWS::EC2::NetworkAclEntry')!;
    const altered: Recipe = {
      stacks: [{
        ...recipe.stacks[0],
        resources: recipe.stacks[0].resources.map(r => r === entry
          ? { ...r, properties: { ...r.properties, RuleNumber: 32000 } } : r),
      }],
    };

    // WHEN / THEN
    const twinTemplates = templatesOf(buildTwin(manyStacks(1), altered, path.join(dir, 'twin')));
    expect(() => assertSameTemplates('altered', constructTemplates, twinTemplates))
      .toThrow(new RegExp(`altered: the L1 twin's templates differ.*\\n.*/Service0/Resources/${entry.logicalId}/Properties/RuleNumber`));
  });
});
