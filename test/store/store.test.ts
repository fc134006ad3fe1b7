import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TelemetryStore, SCHEMA_VERSION, type RecordRow } from '../../server/telemetry/store';
import { KEPT_ATTRIBUTE_KEYS, RECORD_COLUMNS } from '../../server/telemetry/records';
import { recordRow } from './sql-helpers';
import { MIGRATIONS } from '../../server/telemetry/store/schema';
import { DuckDBInstance } from '@duckdb/node-api';

const NOW_US = Date.now() * 1000;

function row(over: Partial<RecordRow> = {}): RecordRow {
  return recordRow({
    start_timestamp: NOW_US,
    end_timestamp: NOW_US + 1500,
    duration: 0.0015,
    trace_id: '0af7651916cd43dd8448eb211c80319c',
    span_id: 'b7ad6b7169203331',
    kind: 'span',
    span_name: 'agent.run {agent}',
    message: 'agent.run coder',
    attributes: { agent: 'coder', 'code.lineno': 12 },
    tags: ['a', 'b'],
    otel_status_code: 'UNSET',
    otel_events: [],
    otel_links: [],
    otel_scope_version: '1',
    otel_scope_attributes: {},
    otel_resource_attributes: { 'service.name': 'svc' },
    service_name: 'svc',
    process_pid: 42,
    ...over,
  });
}

function tmpDb(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-store-'));
  return path.join(dir, name);
}

test('migrations create records_all with every records.ts column (then the kept attribute columns), the records view and metrics', async () => {
  const store = await TelemetryStore.open({ path: ':memory:' });
  try {
    assert.deepEqual(await store.migrations(), [1, 2, 3]);
    assert.equal(SCHEMA_VERSION, 3);
    const cols = await store.queryObjects<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'records_all' ORDER BY ordinal_position`,
    );
    assert.deepEqual(cols.map((c) => c.column_name), [...RECORD_COLUMNS.map(([n]) => n), ...store.attributeColumns.values()]);
    assert.deepEqual([...store.attributeColumns.keys()], KEPT_ATTRIBUTE_KEYS);
    const viewCols = await store.query(`SELECT * FROM records LIMIT 0`);
    assert.equal(viewCols.columns.length, RECORD_COLUMNS.length);
    const tables = await store.queryObjects<{ table_name: string }>(`SELECT table_name FROM information_schema.tables ORDER BY 1`);
    for (const t of ['metrics', 'metrics_points', 'runs', 'records', 'records_all', 'schema_migrations', 'conformance_violations', 'span_violations']) {
      assert.ok(tables.some((x) => x.table_name === t), `missing ${t}`);
    }
  } finally {
    await store.close();
  }
});

test('a store written before migration 3 keeps its metric points, now in metrics_points behind the metrics view', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-mig3-'));
  const file = path.join(dir, 'old.duckdb');
  try {
    const db = await DuckDBInstance.create(file);
    const c = await db.connect();
    await c.run(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMPTZ DEFAULT now())`);
    for (const m of MIGRATIONS.filter((x) => x.version <= 2)) {
      for (const sql of m.sql) await c.run(sql);
      await c.run(`INSERT INTO schema_migrations (version, description) VALUES (${m.version}, 'old')`);
    }
    await c.run(`INSERT INTO metrics (recorded_timestamp, metric_name, metric_type, unit, service_name, scalar_value) VALUES (now(), 'm', 'gauge', '', 's', 4.5)`);
    c.closeSync();
    db.closeSync();
    const store = await TelemetryStore.open({ path: file, retentionIntervalMs: 0 });
    try {
      assert.deepEqual(await store.migrations(), [1, 2, 3]);
      assert.deepEqual((await store.query(`SELECT metric_name, scalar_value, metric_avg(value) FROM metrics`)).rows, [['m', 4.5, 4.5]]);
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('insertBatch stores rows with exact timestamps, JSON attributes and tags; Logfire idioms query them', async () => {
  const store = await TelemetryStore.open({ path: ':memory:' });
  try {
    const r = await store.insertBatch({ records: [row({ run_id: 'run-1' })] });
    assert.equal(r.records, 1);
    assert.deepEqual(r.runIds, ['run-1']);
    const [got] = await store.queryObjects<Record<string, unknown>>(
      `SELECT epoch_us(start_timestamp) AS s, epoch_us(end_timestamp) AS e, attributes->>'agent' AS agent,
              CAST(attributes->'code.lineno' AS INTEGER) AS lineno, tags, array_contains(tags, 'b') AS has_b,
              service_name, process_pid, created_at IS NOT NULL AS has_created FROM records`,
    );
    assert.equal(Number(got.s), NOW_US);
    assert.equal(Number(got.e), NOW_US + 1500);
    assert.equal(got.agent, 'coder');
    assert.equal(got.lineno, 12);
    assert.deepEqual(got.tags, ['a', 'b']);
    assert.equal(got.has_b, true);
    assert.equal(got.process_pid, 42);
    assert.equal(got.has_created, true);
    const runs = await store.listRuns();
    assert.equal(runs.length, 1);
    assert.equal(runs[0].run_id, 'run-1');
  } finally {
    await store.close();
  }
});

test('one batch mixing resources and scopes keeps each record with its own resource/scope columns', async () => {
  const store = await TelemetryStore.open({ path: ':memory:' });
  try {
    const resA = { 'service.name': 'a', 'k\ud800': 'lone surrogate key' };
    const resB = { 'service.name': 'b', 'process.pid': 7 };
    const scope = { 'scope.attr': 1 };
    const records: RecordRow[] = [];
    for (let i = 0; i < 40; i++) {
      // Interleaved groups, and rows sharing resA's object while differing in a derived column.
      const pick = i % 5;
      const base =
        pick === 0 || pick === 2
          ? { otel_resource_attributes: resA, service_name: 'a', run_id: 'run-a' }
          : pick === 1 || pick === 4
            ? { otel_resource_attributes: resB, service_name: 'b', process_pid: 7, otel_scope_attributes: scope, otel_scope_name: 'other' }
            : { otel_resource_attributes: resA, service_name: 'a-renamed', run_id: null };
      records.push(row({ ...base, span_id: `00000000000000${String(i + 10).padStart(2, '0')}`, message: `m${i}` }));
    }
    const r = await store.insertBatch({ records });
    assert.equal(r.records, 40);
    const got = await store.queryObjects<{ message: string; service_name: string; run_id: string | null; process_pid: number | null; scope: string; res: string; sattr: string }>(
      `SELECT message, service_name, run_id, process_pid, otel_scope_name AS scope, CAST(otel_resource_attributes AS VARCHAR) AS res,
              CAST(otel_scope_attributes AS VARCHAR) AS sattr FROM records`,
    );
    assert.equal(got.length, 40);
    for (const g of got) {
      const want = records.find((x) => x.message === g.message)!;
      assert.equal(g.service_name, want.service_name, g.message);
      assert.equal(g.run_id, want.run_id, g.message);
      assert.equal(g.process_pid, want.process_pid, g.message);
      assert.equal(g.scope, want.otel_scope_name, g.message);
      assert.deepEqual(JSON.parse(g.sattr), want.otel_scope_attributes, g.message);
      assert.deepEqual(Object.values(JSON.parse(g.res)), Object.values(want.otel_resource_attributes!), g.message);
    }
    // A value that does not fit its column is a data error, and nothing of that batch is stored.
    await assert.rejects(store.insertBatch({ records: [row({ span_id: 'ffffffffffffff02' }), row({ span_id: 'ffffffffffffff03', process_pid: 2 ** 40 })] }), /Conversion Error/);
    assert.equal(await store.count(), 40);
  } finally {
    await store.close();
  }
});

test('at-least-once retries are de-duplicated by (trace_id, span_id, kind), within and across batches', async () => {
  const store = await TelemetryStore.open({ path: ':memory:' });
  try {
    const a = row();
    const b = row({ span_id: '00000000000000b2' });
    const r1 = await store.insertBatch({ records: [a, b, { ...a }] });
    assert.equal(r1.records, 2);
    assert.equal(r1.duplicates, 1);
    const r2 = await store.insertBatch({ records: [a, b, row({ span_id: '00000000000000b3' })] });
    assert.equal(r2.records, 1);
    assert.equal(r2.duplicates, 2);
    assert.equal(await store.count(), 3);
    // A span_event row with the same span id is a different kind: kept.
    const r3 = await store.insertBatch({ records: [row({ kind: 'span_event', span_name: 'tool.called' })] });
    assert.equal(r3.records, 1);
    assert.equal(await store.count(), 4);
  } finally {
    await store.close();
  }
});

test('pending spans stay in records_all next to their final span (as in Logfire) and out of records', async () => {
  const store = await TelemetryStore.open({ path: ':memory:' });
  try {
    const pending = row({ kind: 'pending_span', end_timestamp: NOW_US, duration: 0 });
    await store.insertBatch({ records: [pending] });
    assert.equal(await store.count(), 0);
    assert.equal(await store.count({ includePending: true }), 1);
    const r = await store.insertBatch({ records: [row()] });
    assert.equal(r.records, 1);
    assert.equal(await store.count(), 1);
    assert.equal(await store.count({ includePending: true }), 2);
    // Logfire's documented de-duplication: one row per (trace_id, span_id), the final span preferred.
    const rows = await store.queryObjects<{ kind: string }>(
      `SELECT kind FROM records_all QUALIFY row_number() OVER (PARTITION BY trace_id, span_id ORDER BY kind = 'pending_span') = 1`,
    );
    assert.deepEqual(rows.map((x) => x.kind), ['span']);
    // A retried placeholder is a duplicate like any row.
    assert.equal((await store.insertBatch({ records: [pending] })).duplicates, 1);
  } finally {
    await store.close();
  }
});

test('file store survives close/reopen; clear() empties it; a newer schema version is refused', async () => {
  const file = tmpDb('ws.duckdb');
  let store = await TelemetryStore.open({ path: file });
  await store.insertBatch({ records: [row(), row({ span_id: '00000000000000c1' })] });
  await store.close();
  store = await TelemetryStore.open({ path: file });
  assert.equal(await store.count(), 2);
  assert.deepEqual(await store.migrations(), [1, 2, 3]);
  await store.clear();
  assert.equal(await store.count(), 0);
  await store.close();
  // Simulate a database written by a future version.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(file);
  const c = await inst.connect();
  await c.run(`INSERT INTO schema_migrations (version, description) VALUES (99, 'future')`);
  c.closeSync();
  inst.closeSync();
  await assert.rejects(TelemetryStore.open({ path: file }), /schema version 99, newer than this build/);
});

test('retention by age deletes old records on open; by size keeps the database under the cap', async () => {
  const file = tmpDb('ret.duckdb');
  let store = await TelemetryStore.open({ path: file });
  const old = NOW_US - 10 * 86400e6;
  await store.insertBatch({ records: [row({ start_timestamp: old, end_timestamp: old + 1 }), row({ span_id: '00000000000000d1' })] });
  await store.close();
  store = await TelemetryStore.open({ path: file, retention: { maxAgeDays: 7 } });
  assert.equal(await store.count(), 1);
  // Size cap: fill with ~40k rows carrying 200 bytes of unique attributes each, then cap.
  const rows: RecordRow[] = [];
  for (let i = 0; i < 40000; i++) {
    rows.push(row({ span_id: i.toString(16).padStart(16, '0'), start_timestamp: NOW_US - (40000 - i) * 1000, attributes: { blob: `${i}-`.repeat(40) } }));
  }
  await store.insertBatch({ records: rows });
  await store.checkpoint();
  const before = await store.sizeBytes();
  const capMb = Math.max(1, Math.floor(before / 1024 / 1024 / 2));
  store.setRetention({ maxSizeMb: capMb });
  const res = await store.enforceRetention();
  assert.ok(res.deletedBySize > 0, 'some rows deleted');
  assert.ok((await store.sizeBytes()) <= capMb * 1024 * 1024, 'size under the cap');
  // The oldest rows went first.
  const [{ oldest }] = await store.queryObjects<{ oldest: unknown }>(`SELECT min(epoch_us(start_timestamp)) AS oldest FROM records`);
  assert.ok(Number(oldest) > NOW_US - 40000 * 1000);
  await store.close();
});

test('query() reports column names and types; a bad query fails with the DuckDB message', async () => {
  const store = await TelemetryStore.open({ path: ':memory:' });
  try {
    const r = await store.query(`SELECT 1 AS one, 'x' AS two`);
    assert.deepEqual(r.columns, [
      { name: 'one', type: 'INTEGER' },
      { name: 'two', type: 'VARCHAR' },
    ]);
    assert.deepEqual(r.rows, [[1, 'x']]);
    await assert.rejects(store.query(`SELECT nope FROM records`), /nope/);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(store.query(`SELECT 1`, undefined, { signal: ac.signal }), /cancelled/);
  } finally {
    await store.close();
  }
});

test('memory limit: 1 GB for a store file by default, a chosen one or DuckDB\'s own (0), changeable while open; in-memory stores keep DuckDB\'s', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-store-mem-'));
  const limit = async (s: TelemetryStore) => (await s.queryObjects<{ m: string }>(`SELECT current_setting('memory_limit') AS m`))[0].m;
  // DuckDB counts MB as 10^6 bytes and shows MiB: 1024 MB = 976.5 MiB, 300 MB = 286.1 MiB.
  let s = await TelemetryStore.open({ path: path.join(dir, 'a.duckdb'), retentionIntervalMs: 0 });
  let duckDefault: string;
  try {
    assert.equal(await limit(s), '976.5 MiB');
    await s.setMemoryLimit(300);
    assert.equal(await limit(s), '286.1 MiB');
    await s.setMemoryLimit(0);
    duckDefault = await limit(s);
    assert.notEqual(duckDefault, '286.1 MiB');
  } finally {
    await s.close();
  }
  s = await TelemetryStore.open({ path: path.join(dir, 'b.duckdb'), retentionIntervalMs: 0, memoryLimitMb: 0 });
  try {
    assert.equal(await limit(s), duckDefault);
  } finally {
    await s.close();
  }
  s = await TelemetryStore.open({ path: ':memory:', retentionIntervalMs: 0, memoryLimitMb: 300 });
  try {
    assert.equal(await limit(s), duckDefault, 'an in-memory store holds its data in that memory');
    await s.setMemoryLimit(300);
    assert.equal(await limit(s), duckDefault);
  } finally {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
