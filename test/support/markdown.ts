/** The rows of the first markdown table after `marker` whose header is `header` (cells trimmed). */
export function markdownTable(markdown: string, marker: string, header: string[]): string[][] {
  const lines = markdown.slice(markdown.indexOf(marker)).split('\n');
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map(c => c.trim());
  const start = lines.findIndex(l => l.startsWith('|') && JSON.stringify(cells(l)) === JSON.stringify(header));
  if (start < 0) {
    throw new Error(`no table with header ${JSON.stringify(header)} after '${marker}'`);
  }
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) {
      break;
    }
    rows.push(cells(line));
  }
  return rows;
}
