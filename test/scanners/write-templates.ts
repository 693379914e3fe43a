/**
 * Writes the templates the scanners check (shipped-templates.ts) to a directory, for the scanners that run outside
 * jest (checkov, test/scanners/checkov/): `<n>.template.json` each, and `templates.json`, which lists them with the
 * logical ids of the construct's resources.
 *
 *   npx ts-node --project test/tsconfig.json test/scanners/write-templates.ts <dir>
 */
import * as fs from 'fs';
import * as path from 'path';
import { shippedTemplates } from './shipped-templates';

const dir = process.argv[2];
if (!dir) {
  throw new Error('usage: write-templates.ts <dir>');
}
fs.mkdirSync(dir, { recursive: true });
const manifest = shippedTemplates().map((t, i) => {
  const file = `${String(i).padStart(2, '0')}-${t.name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.template.json`;
  fs.writeFileSync(path.join(dir, file), JSON.stringify(t.template, undefined, 1) + '\n');
  return { name: t.name, file, constructResources: t.constructResources };
});
fs.writeFileSync(path.join(dir, 'templates.json'), JSON.stringify(manifest, undefined, 2) + '\n');
console.log(`${manifest.length} templates in ${dir}`);
