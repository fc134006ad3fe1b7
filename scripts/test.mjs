// The whole test suite: build the bundles, type-check, then run every test file with node's runner.
// `npm test -- test/unit` runs a subset (paths are source paths under test/).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run(process.execPath, ['esbuild.config.mjs']);
if (!process.argv.includes('--no-typecheck')) run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
const targets = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const dirs = (targets.length ? targets : ['test']).map((t) => path.join('out', t.replace(/\.ts$/, '.js')));
for (const d of dirs) if (!fs.existsSync(path.join(root, d))) {
  console.error(`no compiled tests at ${d}`);
  process.exit(2);
}
fs.mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
run(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...dirs]);
