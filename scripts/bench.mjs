// Runs every benchmark in bench/ (or those named) one after another; each prints its own table.
// Extra arguments after `--` are passed through (e.g. `npm run bench -- lint /path/to/code`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const r = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
const [only, ...rest] = process.argv.slice(2);
const benches = fs
  .readdirSync(path.join(root, 'out', 'bench'))
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => !only || f.startsWith(only))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmark matches ${only ?? '(any)'}`);
  process.exit(2);
}
let failed = 0;
for (const b of benches) {
  console.log(`\n## ${b.replace(/\.bench\.js$/, '')}`);
  const res = spawnSync(process.execPath, ['--expose-gc', path.join('out', 'bench', b), ...rest], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
