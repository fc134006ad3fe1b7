// The e2e tools install is a step of its own (scripts/e2e-setup.mjs, run by `npm test` before the
// tests): `--check` installs nothing and says how to install; an install that cannot reach the
// registry is retried and ends with a clear message. Runs the real script with npm against a closed
// loopback port, in a scratch cache folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../server/paths';

const SCRIPT = path.join(packageRoot(), 'scripts', 'e2e-setup.mjs');

function scratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-e2e-setup-'));
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  // A registry nobody listens on, and no npm-level retries: only the script's own retries remain.
  fs.writeFileSync(path.join(home, '.npmrc'), 'registry=http://127.0.0.1:9/\nfetch-retries=0\nfetch-timeout=5000\naudit=false\nfund=false\n');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k)) env[k] = v;
  return { dir, env: { ...env, HOME: home, TELEMETRY_LENS_E2E_CACHE: path.join(dir, 'cache') } };
}

test('--check installs nothing: exit 1 with the command that installs the tools', () => {
  const { dir, env } = scratch();
  try {
    const r = spawnSync(process.execPath, [SCRIPT, '--check'], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Node 24\.\d+\.\d+ is not installed in .*: install the end-to-end test tools first with `node scripts\/e2e-setup\.mjs` \(`npm test` does this before the tests\)/);
    assert.equal(r.stdout, '');
    assert.ok(!fs.existsSync(path.join(dir, 'cache', 'node24', 'node_modules')), 'nothing was installed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an install that keeps failing is retried, then stops with what failed and how to retry', () => {
  const { dir, env } = scratch();
  try {
    const r = spawnSync(process.execPath, [SCRIPT], { env, encoding: 'utf8', timeout: 240_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /installing Node 24\.\d+\.\d+ \(npm package `node`\)/);
    assert.match(r.stderr, /Node 24\.\d+\.\d+ install: attempt 1 of 3 exited with \d+; retrying in 5 s/);
    assert.match(r.stderr, /Node 24\.\d+\.\d+ install: attempt 2 of 3 exited with \d+; retrying in 10 s/);
    assert.match(r.stderr, /ERROR: Node 24\.\d+\.\d+ install failed 3 times; last: .* exited with \d+\.\n {2}The npm registry must be reachable .*Run `node scripts\/e2e-setup\.mjs` again to retry/);
    assert.equal(r.stdout, '', 'no tools description on failure');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('npm test runs the setup as its own step before node --test; the e2e test only checks', () => {
  const runner = fs.readFileSync(path.join(packageRoot(), 'scripts', 'test.mjs'), 'utf8');
  const setupAt = runner.indexOf("'e2e-setup.mjs')");
  const testAt = runner.indexOf("'--test'");
  assert.ok(setupAt > 0 && testAt > setupAt, 'scripts/test.mjs runs e2e-setup.mjs before node --test');
  const harness = fs.readFileSync(path.join(packageRoot(), 'test', 'e2e', 'harness.ts'), 'utf8');
  assert.match(harness, /'e2e-setup\.mjs'\), '--check'\]/, 'the e2e harness only checks the tools');
  const ci = fs.readFileSync(path.join(packageRoot(), '.ci', 'run'), 'utf8');
  assert.match(ci, /^npm test$/m, 'CI runs the README command, which includes the setup step');
});
