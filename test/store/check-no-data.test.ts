// A health check whose query saw no records in the window is "no data", not a pass: a CI gate on an
// empty store must not go green. Real DuckDB stores; the CLI runs from the built bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../server/paths';
import { localBackend } from '../../server/telemetry/sql/index';
import { reportEmpty, runHealthChecks } from '../../server/telemetry/health';
import { bundledSchema } from '../../server/schema/loader';
import { memoryStore, row, HOUR } from './sql-helpers';

const CLI = path.join(packageRoot(), 'dist', 'server', 'cli.js');
function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('check on an empty store: every bundled check says no data, exit 1 unless --allow-empty', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-nodata-'));
  try {
    const text = cli(['check', '--db', ':memory:'], dir);
    assert.equal(text.code, 1, text.out + text.err);
    const lines = text.out.split('\n').filter((l) => /^[A-Z]/.test(l));
    assert.equal(lines.length, 8, text.out);
    for (const l of lines) assert.match(l, /^NO DATA {2}.+ — no data in the last 24h$/);
    assert.match(text.out, /^8 checks: 0 pass, 0 warn, 0 fail, 0 error, 8 no data \(local, last 24h\)$/m);
    assert.match(text.err, /no check saw any data in the last 24h \(is the store empty, or the range too short\?\); pass --allow-empty to accept that/);

    const json = cli(['check', '--db', ':memory:', '--format', 'json', '--range', '1h'], dir);
    assert.equal(json.code, 1);
    const report = JSON.parse(json.out) as { checks: { verdict: string; figure?: string }[] };
    assert.deepEqual([...new Set(report.checks.map((c) => c.verdict))], ['no-data']);
    assert.ok(report.checks.every((c) => c.figure === 'no data in the last 1h'));

    const allowed = cli(['check', '--db', ':memory:', '--allow-empty'], dir);
    assert.equal(allowed.code, 0, allowed.err);
    assert.equal(allowed.err, '');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('with some data: checks that saw none say so, the others get their verdict; records outside the window are no data', async () => {
  const now = Date.now();
  const store = await memoryStore([
    ...Array.from({ length: 4 }, (_, i) =>
      row({ at: new Date(now - (10 + i) * 60_000), message: 'Workload routing: husky → CODING → Cerebras-GLM-4.7', attributes: { workload: 'CODING', orchestrated_model: 'Cerebras-GLM-4.7' } }),
    ),
    // an EAR loop two days ago: outside a 24 h window
    row({ at: new Date(now - 48 * HOUR), message: 'EAR phase: act → complete', attributes: { from_phase: 'act', to_phase: 'complete' } }),
  ]);
  try {
    const schema = bundledSchema();
    const report = await runHealthChecks(schema, localBackend(store), { timeRange: '24h' });
    const v = Object.fromEntries(report.checks.map((c) => [c.id, c.verdict]));
    assert.equal(v['workload-routing'], 'pass');
    assert.equal(v['coding-uses-glm'], 'pass');
    assert.equal(v['ear-completion'], 'no-data', 'its only loop is older than the window');
    assert.equal(v['failover-chain'], 'no-data');
    assert.equal(report.checks.find((c) => c.id === 'ear-completion')!.figure, 'no data in the last 24h');
    assert.equal(reportEmpty(report), false, 'some checks had data');

    const week = await runHealthChecks(schema, localBackend(store), { timeRange: '7d', only: ['ear-completion'] });
    // the 7 d window holds the loop, so the check runs to its own verdict (its SQL keeps to the last
    // 24 h itself and finds no loops there: a warning, as the check's criteria say)
    assert.equal(week.checks[0].verdict, 'warn', week.checks[0].figure);

    // a check that does not read records is never "no data"
    const constant = await runHealthChecks({ events: [], health: [{ id: 'k', name: 'k', sql: "SELECT 'records' AS status_text, 'pass' AS status" }] }, localBackend(store), { timeRange: '1h' });
    assert.equal(constant.checks[0].verdict, 'pass');
  } finally {
    await store.close();
  }
});
