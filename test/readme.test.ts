/**
 * The README's "What gets created" tables are what the example's construct really creates.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ENTRY_HEADER, ROUTE_HEADER, tablesOf } from '../example/show';
import { NewVpcExampleStack } from '../example/stacks';
import { markdownTable } from './support/markdown';


test('the README tables of what gets created match the example stack', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
  const stack = new NewVpcExampleStack(new App(), 'Example');
  const { routes, entries } = tablesOf(Template.fromStack(stack).toJSON());
  expect(markdownTable(readme, '## What gets created', ROUTE_HEADER)).toEqual(routes);
  expect(markdownTable(readme, '## What gets created', ENTRY_HEADER)).toEqual(entries);
});
