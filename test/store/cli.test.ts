import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../server/paths';
import { demoOtlpRequests, generateDemoRecords } from '../../server/telemetry/demo';
import { TelemetryStore } from '../../server/telemetry/store';
import { startFakeLogfire } from './fake-logfire';

const CLI = path.join(packageRoot(), 'dist', 'server', 'cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cli-'));
const run = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('telemetry-lens store commands (dist bundle)', () => {
  const healthy = path.join(dir, 'healthy.duckdb');
  const degraded = path.join(dir, 'degraded.duckdb');
  before(() => {
    assert.ok(fs.existsSync(CLI), 'dist/server/cli.js is built');
    assert.equal(run(['demo', '--db', healthy, '--records', '3000']).code, 0);
    assert.equal(run(['demo', '--db', degraded, '--records', '3000', '--scenario', 'degraded']).code, 0);
  });

  test('the commands are listed in the usage', () => {
    const r = run(['--help']);
    for (const c of ['check', 'demo', 'ingest', 'query', 'serve']) assert.match(r.out, new RegExp(`^  ${c}\\s+\\S`, 'm'));
  });

  test('query: seed SQL verbatim, json / csv / table output', () => {
    const sql = "SELECT attributes->>'to_phase' AS outcome, COUNT(*) AS n FROM records WHERE message LIKE 'EAR phase%' AND attributes->>'to_phase' IN ('complete', 'refused', 'error') GROUP BY 1 ORDER BY 1";
    const j = run(['query', sql, '--db', healthy, '--format', 'json']);
    assert.equal(j.code, 0, j.err);
    const rows = JSON.parse(j.out) as { outcome: string; n: number }[];
    assert.deepEqual(rows.map((r) => r.outcome), ['complete', 'error', 'refused']);
    const csv = run(['query', sql, '--db', healthy, '--format', 'csv']);
    assert.equal(csv.out.split('\r\n')[0], 'outcome,n');
    assert.equal(csv.out.split('\r\n')[1], `complete,${rows[0].n}`);
    const table = run(['query', sql, '--db', healthy]);
    assert.match(table.out, /^outcome\s+n\n-+\s+-+\ncomplete\s+\d+/);
    assert.match(table.out, /\(3 rows\)/);
    const lim = run(['query', 'SELECT span_id FROM records', '--db', healthy, '--limit', '5', '--format', 'json']);
    assert.equal(JSON.parse(lim.out).length, 5);
  });

  test('query: refused writes, syntax errors with position, missing store → exit 2', () => {
    const w = run(['query', 'DELETE FROM records', '--db', healthy]);
    assert.equal(w.code, 2);
    assert.match(w.err, /read-only.*DELETE is refused/);
    const s = run(['query', 'SELECT *\nFROM records WHERE', '--db', healthy]);
    assert.equal(s.code, 2);
    assert.match(s.err, /syntax error at end of input \(line 2, column 19\)/);
    const m = run(['query', 'SELECT 1', '--db', path.join(dir, 'nope.duckdb')]);
    assert.equal(m.code, 2);
    assert.match(m.err, /no telemetry store at/);
    assert.equal(run(['query', 'SELECT 1', '--db', healthy, '--format', 'xml']).code, 2);
  });

  test('query: SQL that starts with a -- comment is the query, not an option', () => {
    for (const sql of ['-- how many?\nSELECT count(*) FROM records', '--how many?\nSELECT count(*) FROM records']) {
      const r = run(['query', sql, '--db', healthy, '--format', 'json']);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(Object.keys(JSON.parse(r.out)[0]), ['count(*)']);
      assert.ok((JSON.parse(r.out)[0] as Record<string, number>)['count(*)'] > 0);
    }
    // a real unknown option is still a usage error
    assert.equal(run(['query', '--bogus', 'SELECT 1', '--db', healthy]).code, 2);
  });

  test('check: exit 0 on healthy data, 1 on degraded; json report', () => {
    const ok = run(['check', '--db', healthy]);
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, /^PASS\s+Is Workload Routing Working\?/m);
    assert.match(ok.out, /8 checks: \d pass/);
    const bad = run(['check', '--db', degraded, '--format', 'json']);
    assert.equal(bad.code, 1, bad.err);
    const report = JSON.parse(bad.out);
    assert.equal(report.checks.length, 8);
    assert.equal(report.checks.find((c: { id: string }) => c.id === 'ear-completion').verdict, 'fail');
  });

  test('check --schema: a custom schema file with its own checks', () => {
    const schema = path.join(dir, 'telemetry.schema.yaml');
    fs.writeFileSync(
      schema,
      [
        'version: 1',
        'health:',
        '  - id: no-errors',
        '    name: No errors',
        "    sql: SELECT COUNT(*) AS n FROM records WHERE level >= 'error'",
        '    verdict:',
        "      sql: SELECT CASE WHEN n = 0 THEN 'pass' ELSE 'fail' END AS status, n || ' errors' AS figure FROM result",
        '',
      ].join('\n'),
    );
    const r = run(['check', '--db', healthy, '--schema', schema]);
    assert.match(r.out, /No errors — \d+ errors/);
    assert.match(r.out, /^1 checks:/m);
  });

  test('check --schema with errors in the schema file: positioned errors, exit 2, nothing checked', () => {
    const schema = path.join(dir, 'broken.schema.yaml');
    fs.writeFileSync(schema, ['version: 1', 'events:', '  - name: agent.created', '    attributes:', '      a: {type: strng}', ''].join('\n'));
    const r = run(['check', '--db', healthy, '--schema', schema]);
    assert.equal(r.code, 2);
    assert.match(r.err, /broken\.schema\.yaml:5:\d+: unknown attribute type 'strng'.*did you mean 'string'\?/);
    assert.match(r.err, /broken\.schema\.yaml has 1 error; nothing was checked\n$/);
    assert.equal(r.out, '');
  });

  test('ingest: good files are ingested, a bad one is reported by name and reason', () => {
    const db = path.join(dir, 'ingest.duckdb');
    const rows = generateDemoRecords({ records: 300, seed: 2 });
    const reqs = demoOtlpRequests(rows);
    const good = path.join(dir, 'traces.json');
    fs.writeFileSync(good, JSON.stringify(reqs[0]));
    const lines = path.join(dir, 'more-traces.jsonl');
    fs.writeFileSync(lines, reqs.slice(1).map((r) => JSON.stringify(r)).join('\n') + '\n');
    const bad = path.join(dir, 'broken.json');
    fs.writeFileSync(bad, '{"resourceSpans": [');
    const r = run(['ingest', good, bad, lines, '--db', db]);
    assert.equal(r.code, 1);
    assert.match(r.err, /broken\.json: .*JSON/);
    assert.match(r.out, /from 2 of 3 file\(s\)/);
    const count = run(['query', 'SELECT COUNT(*) AS n FROM records', '--db', db, '--format', 'json']);
    assert.equal(JSON.parse(count.out)[0].n, rows.length);
  });

  test('query --remote uses LOGFIRE_READ_TOKEN against the query API', async () => {
    const store = await TelemetryStore.open({ path: ':memory:', retentionIntervalMs: 0 });
    await store.insertBatch({ records: generateDemoRecords({ records: 500, seed: 4 }) });
    const fake = await startFakeLogfire({ token: 'pylf_v1_us_clitoken', store });
    try {
      const env = { LOGFIRE_READ_TOKEN: 'pylf_v1_us_clitoken', LOGFIRE_BASE_URL: fake.url };
      const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const p = spawn(process.execPath, [CLI, 'query', "SELECT COUNT(*) AS n FROM records WHERE level = 'info'", '--remote', '--format', 'json'], { cwd: dir, env: { ...process.env, ...env } });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (err += d));
        p.on('close', (code) => resolve({ code, out, err }));
      });
      assert.equal(r.code, 0, r.err);
      assert.ok(JSON.parse(r.out)[0].n > 0);
      assert.equal(fake.requests.at(-1)!.path, '/v2/query');
      const noToken = run(['query', 'SELECT 1', '--remote'], { LOGFIRE_READ_TOKEN: '' });
      assert.equal(noToken.code, 2);
      assert.match(noToken.err, /LOGFIRE_READ_TOKEN/);
    } finally {
      await fake.close();
      await store.close();
    }
  });

  test('serve receives OTLP (demo --send) and keeps it after Ctrl-C', async () => {
    const db = path.join(dir, 'served.duckdb');
    const p = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', db], { cwd: dir });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      p.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]);
      });
      p.on('exit', (c) => reject(new Error(`serve exited ${c}: ${out}`)));
    });
    const sent = await new Promise<string>((resolve) => {
      const s = spawn(process.execPath, [CLI, 'demo', '--records', '400', '--send', url], { cwd: dir });
      let o = '';
      s.stdout.on('data', (d) => (o += d));
      s.on('close', () => resolve(o));
    });
    const n = Number(/sent (\d+) span/.exec(sent)?.[1]);
    assert.ok(n > 300, sent);
    // While serve holds the file, another command explains who has it and what to do instead.
    const busy = run(['query', 'SELECT 1', '--db', db]);
    assert.equal(busy.code, 2);
    assert.match(busy.err, new RegExp(`another process \\(PID ${p.pid}\\) has it open .*telemetry-lens serve.*one user at a time`));
    const exited = new Promise<number | null>((resolve) => p.on('exit', (c) => resolve(c)));
    p.kill('SIGINT');
    assert.equal(await exited, 0);
    const count = run(['query', 'SELECT COUNT(*) AS n FROM records', '--db', db, '--format', 'json']);
    assert.equal(JSON.parse(count.out)[0].n, n);
  });
});
