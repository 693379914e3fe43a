/**
 * The README's "What gets created" tables are what the example's construct really creates.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ENTRY_HEADER, ROUTE_HEADER, tablesOf } from '../example/show';
import { NewVpcExampleStack } from '../example/stacks';

/** The rows of the first markdown table after `marker` whose header is `header`. */
function markdownTable(markdown: string, marker: string, header: string[]): string[][] {
  const lines = markdown.slice(markdown.indexOf(marker)).split('\n');
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map(c => c.trim());
  const start = lines.findIndex(l => l.startsWith('|') && JSON.stringify(cells(l)) === JSON.stringify(header));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) {
      break;
    }
    rows.push(cells(line));
  }
  return rows;
}

test('the README tables of what gets created match the example stack', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
  const stack = new NewVpcExampleStack(new App(), 'Example');
  const { routes, entries } = tablesOf(Template.fromStack(stack).toJSON());
  expect(markdownTable(readme, '## What gets created', ROUTE_HEADER)).toEqual(routes);
  expect(markdownTable(readme, '## What gets created', ENTRY_HEADER)).toEqual(entries);
});
