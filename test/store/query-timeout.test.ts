// A query on the local store (real DuckDB) that runs past its time limit is interrupted with a message
// naming the limit and how to change it: editor queries, health checks (their SQL and their verdict
// SQL) and the CLI's `query`/`check --timeout`. Without a limit these queries ran until killed; the
// guard below only keeps a regression from hanging the suite.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { TelemetryStore } from '../../server/telemetry/store';
import { localBackend } from '../../server/telemetry/sql/index';
import { cliTimeLimit, QueryTimeoutError, settingTimeLimit } from '../../server/telemetry/sql/time-limit';
import { runHealthChecks } from '../../server/telemetry/health';
import { packageRoot } from '../../server/paths';

// About 1,000 s of counting on one core: far past every limit used here.
const ENDLESS = 'SELECT count(*) AS n FROM range(1000000000000)';
const GUARD_MS = 120_000;

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still running after ${GUARD_MS / 1000} s`)), GUARD_MS);
  });
  return Promise.race([p, guard]).finally(() => clearTimeout(timer));
}

let store: TelemetryStore;
before(async () => {
  store = await TelemetryStore.open({ path: ':memory:' });
});
after(async () => {
  await store.close();
});

test('an editor query past the limit is interrupted, naming the limit and the setting; the store keeps answering', async () => {
  const err = await within(
    localBackend(store).query(ENDLESS, { timeLimit: settingTimeLimit(1) }).then(
      () => undefined,
      (e: unknown) => e,
    ),
    'query',
  );
  assert.ok(err instanceof QueryTimeoutError, String(err));
  assert.match(err.message, /^Query stopped: it ran longer than the 1 s time limit; to allow more, raise the setting telemetryLens\.query\.timeoutSeconds \(0 = no limit\)$/);
  const ok = await localBackend(store).query('SELECT 42 AS n', { timeLimit: settingTimeLimit(1) });
  assert.equal(ok.rows[0][0], 42);
  // a cancellation by the caller stays a cancellation
  const ac = new AbortController();
  const cancelled = localBackend(store).query(ENDLESS, { signal: ac.signal, timeLimit: settingTimeLimit(60) });
  setTimeout(() => ac.abort(), 200);
  await assert.rejects(within(cancelled, 'cancelled query'), /Query cancelled/);
});

test('health checks: an endless check SQL or verdict SQL becomes that check\'s error; the others still run', async () => {
  const schema = {
    events: [],
    health: [
      { id: 'endless', name: 'Endless', sql: ENDLESS },
      { id: 'endless-verdict', name: 'Endless verdict', sql: 'SELECT 1 AS n', verdict: { sql: "SELECT CASE WHEN count(*) > 0 THEN 'pass' ELSE 'fail' END AS status FROM range(1000000000000)" } },
      { id: 'quick', name: 'Quick', sql: "SELECT 'pass' AS status" },
    ],
  };
  const report = await within(runHealthChecks(schema, localBackend(store), { timeLimit: settingTimeLimit(1) }), 'health checks');
  const by = (id: string) => report.checks.find((c) => c.id === id)!;
  assert.equal(by('endless').verdict, 'error');
  assert.match(by('endless').error ?? '', /1 s time limit.*telemetryLens\.query\.timeoutSeconds/);
  assert.equal(by('endless-verdict').verdict, 'error');
  assert.match(by('endless-verdict').error ?? '', /1 s time limit/);
  assert.equal(by('quick').verdict, 'pass');
  assert.match(cliTimeLimit(undefined).howToChange, /--timeout SECONDS/);
});

function cli(args: string[], cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [path.join(packageRoot(), 'dist', 'server', 'cli.js'), ...args], { cwd });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (err += b));
  return within(
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.once('exit', (code) => resolve({ code, out, err }))),
    `telemetry-lens ${args[0]}`,
  ).finally(() => child.kill('SIGKILL'));
}

test('CLI: query --timeout and check --timeout stop the query with a message naming the flag; bad values are usage errors', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-timeout-'));
  try {
    const q = await cli(['query', ENDLESS, '--db', ':memory:', '--timeout', '1'], dir);
    assert.equal(q.code, 2, q.err);
    assert.match(q.err, /^telemetry-lens: Query stopped: it ran longer than the 1 s time limit; to allow more, pass --timeout SECONDS \(0 = no limit\)\n$/);
    const bad = await cli(['query', 'SELECT 1', '--db', ':memory:', '--timeout', 'soon'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--timeout must be a number of seconds \(0 = no limit\), got 'soon'/);
    const fine = await cli(['query', 'SELECT 7 AS n', '--db', ':memory:', '--timeout', '0', '--format', 'json'], dir);
    assert.equal(fine.code, 0, fine.err);
    assert.deepEqual(JSON.parse(fine.out), [{ n: 7 }]);

    const schemaFile = path.join(dir, 'telemetry.schema.yaml');
    fs.writeFileSync(schemaFile, `version: 1\nhealth:\n  - id: endless\n    name: Endless\n    sql: ${ENDLESS}\n`);
    const c = await cli(['check', '--db', ':memory:', '--schema', schemaFile, '--timeout', '1', '--allow-empty'], dir);
    assert.equal(c.code, 1, c.out + c.err);
    assert.match(c.out, /^ERROR\s+Endless\n\s+Query stopped: it ran longer than the 1 s time limit; to allow more, pass --timeout SECONDS/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
