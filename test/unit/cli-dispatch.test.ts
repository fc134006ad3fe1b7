import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { packageRoot } from '../../server/paths';

const cli = path.join(packageRoot(), 'dist', 'server', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('--help lists every subcommand with its summary and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0, r.stderr);
  for (const name of ['check', 'demo', 'ingest', 'lint', 'lsp', 'query', 'schema', 'serve']) {
    assert.match(r.stdout, new RegExp(`^  ${name}\\s+\\S.*$`, 'm'), `${name} listed with a summary`);
  }
});

test('an unknown command is a usage error (exit 2) that names it and shows the commands', () => {
  const r = run('lnit');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'lnit'/);
  assert.match(r.stderr, /^  lint\s+check telemetry calls/m);
});

test('no command at all is a usage error', () => {
  const r = run();
  assert.equal(r.status, 2);
  assert.match(r.stdout, /usage: telemetry-lens <command>/);
});
