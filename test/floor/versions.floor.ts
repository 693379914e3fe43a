/**
 * Run only by test/floor/run.sh (jest --config test/floor/jest.config.js), next to every unit test, with aws-cdk-lib
 * and constructs taken from FLOOR_CDK_DIR. These tests prove the redirection took effect, and that the example stack
 * gets the same routes and Network ACL entries on this aws-cdk-lib as on the project's own (FLOOR_REFERENCE_TEMPLATE,
 * written by test/consumers/reference.ts without the redirection).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as constructs from 'constructs';
import { NewVpcExampleStack } from '../../example/stacks';
import { CfnTemplate, NACL_ENTRY_TYPE, resourcesOfType, ROUTE_TYPE } from '../support/template';

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} must be set (test/floor/run.sh sets it)`);
  }
  return value;
}

const modules = path.resolve(env('FLOOR_CDK_DIR'), 'node_modules');
const installed = (pkg: string): string => JSON.parse(fs.readFileSync(path.join(modules, pkg, 'package.json'), 'utf-8')).version;

describe(`aws-cdk-lib ${env('FLOOR_CDK_VERSION')}`, () => {
  test('is the aws-cdk-lib every test of this run loads', () => {
    expect(installed('aws-cdk-lib')).toBe(env('FLOOR_CDK_VERSION'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(cdk).toBe(require(path.join(modules, 'aws-cdk-lib')));
  });

  test('comes with the constructs version of this run', () => {
    expect(installed('constructs')).toBe(env('FLOOR_CONSTRUCTS_VERSION'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(constructs).toBe(require(path.join(modules, 'constructs')));
  });

  test("synthesizes the example stack's routes and Network ACL entries exactly as the project's aws-cdk-lib does", () => {
    const reference: CfnTemplate = JSON.parse(fs.readFileSync(env('FLOOR_REFERENCE_TEMPLATE'), 'utf-8'));
    const stack = new NewVpcExampleStack(new cdk.App(), 'PeeringNewVpcExample');
    const template: CfnTemplate = Template.fromStack(stack).toJSON();

    for (const type of [ROUTE_TYPE, NACL_ENTRY_TYPE]) {
      const expected = Object.fromEntries(resourcesOfType(reference, type));
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      expect(Object.fromEntries(resourcesOfType(template, type))).toEqual(expected);
    }
  });
});
