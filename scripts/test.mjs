// The whole test suite: build the bundles, type-check, then run every test file with node's runner.
// `npm test -- test/unit` runs a subset (paths are source paths under test/). Before the tests, the
// end-to-end test's tools are installed when that test is selected (`--no-e2e-setup` skips this).
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

// The real-VS-Code e2e needs Node 24 and code-server in .cache/: installed here, as a step of its own
// with progress and retries, never inside a test's time limit (the e2e test only checks they are there).
// Skipped when the e2e test is not selected, or when it will skip itself (no Chromium, outside CI).
const inside = (a, b) => {
  const r = path.relative(b, a);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
};
const e2eSelected = targets.length === 0 || targets.some((t) => inside(t, 'test/e2e') || inside('test/e2e', t));
if (e2eSelected && !process.argv.includes('--no-e2e-setup')) {
  const { findChromium } = await import('./e2e-setup.mjs');
  if (findChromium() || process.env.CI) {
    console.error('[test] installing the end-to-end test tools (scripts/e2e-setup.mjs; reused when already in .cache/)');
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'e2e-setup.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) {
      console.error('[test] the end-to-end test tools could not be installed (see above); no tests were run');
      process.exit(r.status ?? 1);
    }
  }
}
run(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...dirs]);
