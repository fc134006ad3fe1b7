import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../server/paths';
import { COMMANDS } from '../../server/cli/registry';

const cli = path.join(packageRoot(), 'dist', 'server', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

/** Every subcommand the documentation promises, written out here rather than read from the registry. */
const EXPECTED = ['check', 'compare', 'demo', 'export', 'import', 'ingest', 'lint', 'live-check', 'lsp', 'query', 'schema', 'serve'];

/** The command names `--help` lists, in its order. */
function listed(helpText: string): string[] {
  const lines = helpText.split('\n');
  const from = lines.indexOf('commands:');
  assert.ok(from >= 0, 'a commands: section');
  const names: string[] = [];
  for (const line of lines.slice(from + 1)) {
    if (!line.trim()) break;
    const m = /^ {2}(\S+) +\S/.exec(line);
    assert.ok(m, `a command line with a summary: ${JSON.stringify(line)}`);
    names.push(m[1]);
  }
  return names;
}

test('--help lists exactly the documented subcommands, sorted, each with a summary, and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(listed(r.stdout), EXPECTED);
});

test('the registry holds exactly those commands, each file naming itself as its entry does', async () => {
  assert.deepEqual(COMMANDS.map((c) => c.name), EXPECTED);
  for (const entry of COMMANDS) {
    const cmd = (await entry.load()).default;
    assert.equal(cmd.name, entry.name);
    assert.ok(cmd.summary.length > 0 && !cmd.summary.includes('\n'), `${entry.name}: a one-line summary`);
    assert.match(cmd.usage, new RegExp(`telemetry-lens ${entry.name}\\b`), `${entry.name}: its usage names it`);
  }
});

test('every subcommand is documented under docs/ or in the README, and `<command> --help` prints its usage and exits 0', async () => {
  const docs = ['README.md', ...fs.readdirSync(path.join(packageRoot(), 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
    .map((f) => fs.readFileSync(path.join(packageRoot(), f), 'utf8'))
    .join('\n');
  for (const entry of COMMANDS) {
    assert.match(docs, new RegExp(`telemetry-lens ${entry.name}\\b`), `${entry.name} is documented`);
    const cmd = (await entry.load()).default;
    const r = run(entry.name, '--help');
    assert.equal(r.status, 0, `${entry.name} --help: ${r.stderr}`);
    assert.equal(r.stdout.trimEnd(), cmd.usage.trimEnd(), `${entry.name} --help prints its usage`);
  }
});

test('an unknown command is a usage error (exit 2) that names it and shows the commands', () => {
  const r = run('lnit');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'lnit'/);
  assert.deepEqual(listed(r.stderr.slice(r.stderr.indexOf('usage:'))), EXPECTED);
  assert.match(r.stderr, /^  lint\s+check telemetry calls/m);
});

test('no command at all is a usage error', () => {
  const r = run();
  assert.equal(r.status, 2);
  assert.match(r.stdout, /usage: telemetry-lens <command>/);
});
