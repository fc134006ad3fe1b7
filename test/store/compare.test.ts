// Run comparison on two real runs recorded through the OTLP receiver (Logfire-shaped OTLP/JSON over
// loopback into a DuckDB store, with runtime conformance): the server-side comparison and the
// `telemetry-lens compare` command with the schema's `compare:` limits.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../server/paths';
import { bundledSchema } from '../../server/schema/loader';
import { compareRuns } from '../../server/telemetry/compare';
import { createConformance } from '../../server/telemetry/conformance';
import { demoOtlpRequests, generateDemoRecords } from '../../server/telemetry/demo';
import { IngestQueue } from '../../server/telemetry/ingest';
import { OtlpReceiver } from '../../server/telemetry/receiver';
import { TelemetryStore, type RecordRow } from '../../server/telemetry/store';

const CLI = path.join(packageRoot(), 'dist', 'server', 'cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-compare-'));
const db = path.join(dir, 'runs.duckdb');
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

function post(port: number, body: object): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const FAILOVER = 'Failover triggered: {from_model} → {to_model} ({error_type})';

describe('compare two agent runs recorded through the receiver', () => {
  let runA: RecordRow[];
  let runB: RecordRow[];
  let idA: string;
  let idB: string;
  let store: TelemetryStore;

  before(async () => {
    const now = new Date(Date.now() - 60_000);
    runA = generateDemoRecords({ records: 700, seed: 0xa1, hours: 1, now });
    runB = generateDemoRecords({ records: 700, seed: 0xb2, hours: 1, now, scenario: 'degraded' });
    idA = runA[0].run_id!;
    idB = runB[0].run_id!;
    assert.notEqual(idA, idB);
    assert.equal(new Set(runA.map((r) => r.run_id)).size, 1, 'one hour of demo traffic is one run');
    // Run B also sends the webhook's failover with the undeclared `retries` attribute (runtime TL003).
    const extra: RecordRow = {
      ...runB.find((r) => r.span_name === FAILOVER)!,
      span_id: 'feedfacefeedface',
      attributes: { 'logfire.msg_template': FAILOVER, from_model: 'gpt-5.2', to_model: 'claude-opus-4-5', error_type: 'timeout', workload: 'REASONING', retries: 3 },
    };
    runB.push(extra);
    store = await TelemetryStore.open({ path: db, retentionIntervalMs: 0 });
    const conformance = createConformance(bundledSchema());
    const queue = new IngestQueue(store, { check: (rows) => conformance.check(rows) });
    const rx = await OtlpReceiver.start({ queue, port: 0 });
    try {
      for (const body of [...demoOtlpRequests(runA, 300), ...demoOtlpRequests(runB, 300)]) assert.equal(await post(rx.port, body), 200);
    } finally {
      await rx.close();
    }
  });
  after(async () => {
    await store?.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts, durations, models, errors, appeared/vanished and conformance per run', async () => {
    const c = await compareRuns(store, idA, idB, { errorRateIncrease: 1, newFailovers: 1000, p95IncreasePct: 1e6 });
    assert.equal(c.a.records, runA.length);
    assert.equal(c.b.records, runB.length);
    const count = (rows: RecordRow[], name: string) => rows.filter((r) => r.span_name === name).length;
    for (const s of c.spans) {
      assert.equal(s.countA, count(runA, s.spanName), `${s.spanName} in A`);
      assert.equal(s.countB, count(runB, s.spanName), `${s.spanName} in B`);
    }
    const root = c.spans.find((s) => s.spanName === 'agent run {agent}')!;
    assert.ok(root.p50A !== null && root.p95A !== null && root.p95A >= root.p50A, 'spans have p50 ≤ p95 (ms)');
    const maxA = Math.max(...runA.filter((r) => r.span_name === 'agent run {agent}').map((r) => r.duration! * 1000));
    assert.ok(root.p95A <= maxA + 1e-6);
    // Failovers per model, from the failover records' from_model.
    for (const m of c.models) {
      const f = (rows: RecordRow[]) => rows.filter((r) => r.span_name === FAILOVER && (r.attributes as Record<string, unknown>).from_model === m.model).length;
      assert.equal(m.failoversA, f(runA), `${m.model} failovers in A`);
      assert.equal(m.failoversB, f(runB), `${m.model} failovers in B`);
    }
    // The degraded run sends no capacity warnings: the span name vanished.
    assert.ok(c.vanished.includes('Capacity warning: {model} at {pct}% ({limit_type})'), `vanished: ${c.vanished.join(', ')}`);
    const errorsB = runB.filter((r) => r.level >= 17).length;
    assert.equal(c.b.errors, errorsB);
    assert.equal(c.errors.reduce((s, e) => s + e.b, 0), errorsB);
    const tl003 = c.conformance.find((f) => f.key === 'TL003');
    assert.ok(tl003 && tl003.a === 0 && tl003.b === 1 && /retries/.test(tl003.detail ?? ''), JSON.stringify(c.conformance));
    assert.deepEqual(c.tokens, [], 'demo traffic carries no token usage');
    const rate = c.thresholds.find((t) => t.limit === 'error_rate_increase')!;
    assert.equal(rate.crossed, c.b.errorRate - c.a.errorRate > 0.01);
    assert.equal(c.thresholds.find((t) => t.limit === 'new_failovers')!.crossed, false);
    await store.close();
  });

  it('telemetry-lens compare: text and JSON, exit 1 when a schema limit is crossed, 2 for an unknown run', () => {
    const strict = path.join(dir, 'strict.schema.yaml');
    fs.writeFileSync(strict, 'version: 1\nextends: default\ncompare:\n  error_rate_increase: 0\n  new_failovers: 0\n');
    const loose = path.join(dir, 'loose.schema.yaml');
    fs.writeFileSync(loose, 'version: 1\nextends: default\ncompare:\n  error_rate_increase: 100\n  new_failovers: 100000\n  p95_increase_pct: 1000000\n');
    const text = cli(['compare', idA, idB, '--db', db, '--schema', strict]);
    assert.equal(text.code, 1, text.err);
    assert.match(text.out, /^A: demo-/m);
    assert.match(text.out, /CROSSED error_rate_increase/);
    assert.match(text.out, /Vanished from B: .*Capacity warning/);
    const json = cli(['compare', idA, idB, '--db', db, '--schema', loose, '--format', 'json']);
    assert.equal(json.code, 0, json.err);
    const parsed = JSON.parse(json.out);
    assert.equal(parsed.a.runId, idA);
    assert.equal(parsed.thresholds.length, 3);
    assert.ok(parsed.thresholds.every((t: { crossed: boolean }) => !t.crossed));
    // Without limits, nothing can be crossed.
    assert.equal(cli(['compare', idA, idB, '--db', db]).code, 0);
    const unknown = cli(['compare', idA, 'no-such-run', '--db', db]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /run 'no-such-run' has no records in the local store \(latest runs: .*demo-/);
    assert.equal(cli(['compare', idA, '--db', db]).code, 2);
    const bad = path.join(dir, 'bad.schema.yaml');
    fs.writeFileSync(bad, 'version: 1\ncompare:\n  new_failovers: -1\n  p95_increase: 3\n');
    const b = cli(['compare', idA, idB, '--db', db, '--schema', bad]);
    assert.equal(b.code, 2);
    assert.match(b.err, /bad\.schema\.yaml:3:\d+: 'compare\.new_failovers' must be 0 or more/);
  });

  it('runs imported from files (export, then import into another store) compare the same', () => {
    const other = path.join(dir, 'imported.duckdb');
    for (const id of [idA, idB]) {
      const file = path.join(dir, `${id}.ndjson`);
      const ex = cli(['export', file, '--db', db, '--run', id]);
      assert.equal(ex.code, 0, ex.err);
      const im = cli(['import', file, '--db', other]);
      assert.equal(im.code, 0, im.err);
    }
    const there = JSON.parse(cli(['compare', idA, idB, '--db', other, '--format', 'json']).out);
    const here = JSON.parse(cli(['compare', idA, idB, '--db', db, '--format', 'json']).out);
    // Conformance findings are not computed for imported rows; everything read from the records matches.
    for (const k of ['spans', 'models', 'errors', 'appeared', 'vanished']) assert.deepEqual(there[k], here[k], k);
    assert.equal(there.b.records, here.b.records);
  });
});
