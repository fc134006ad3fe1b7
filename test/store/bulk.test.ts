// Bulk import (server/telemetry/bulk.ts) against real DuckDB stores: round trip, de-duplication,
// formats (NDJSON, Logfire JSON / NDJSON stream / CSV answers, Parquet), positioned errors, all-or-nothing.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TelemetryStore, type RecordRow } from '../../server/telemetry/store';
import { RECORD_COLUMNS } from '../../server/telemetry/records';
import { generateDemoRecords } from '../../server/telemetry/demo';
import { ImportError, importRecordFiles, isoMicros, recordLine } from '../../server/telemetry/bulk';
import { packageRoot } from '../../server/paths';
import { recordRow } from './sql-helpers';
import { DuckDBInstance } from '@duckdb/node-api';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bulk-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let fileSeq = 0;
function file(text: string | Buffer, ext = 'ndjson'): string {
  const f = path.join(dir, `f${++fileSeq}.${ext}`);
  fs.writeFileSync(f, text);
  return f;
}
const ndjson = (rows: RecordRow[]) => rows.map(recordLine).join('\n') + '\n';
const open = () => TelemetryStore.open({ path: ':memory:', retentionIntervalMs: 0 });

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0) * 1000;
function rec(i: number, over: Partial<RecordRow> = {}): RecordRow {
  return recordRow({
    start_timestamp: T0 + i * 1_000_003,
    end_timestamp: T0 + i * 1_000_003 + 250,
    duration: 0.00025,
    trace_id: `${'a'.repeat(24)}${String(i).padStart(8, '0')}`,
    span_id: `${'b'.repeat(8)}${String(i).padStart(8, '0')}`,
    kind: 'log',
    level: 9,
    span_name: 'Workload routing: {agent}',
    message: `Workload routing: agent-${i}`,
    attributes: { agent: `agent-${i}`, n: i, nested: { ok: true } },
    tags: ['demo'],
    service_name: 'code-puppy',
    ...over,
  });
}

/** Every column but created_at, JSON columns parsed, in a stable order. */
async function dump(store: TelemetryStore): Promise<unknown[]> {
  const names = RECORD_COLUMNS.map(([n]) => n).filter((n) => n !== 'created_at');
  const json = new Set(RECORD_COLUMNS.filter(([, t]) => t.startsWith('JSON')).map(([n]) => n));
  const rows = await store.queryObjects<Record<string, unknown>>(
    `SELECT ${names.join(', ')} FROM records_all ORDER BY trace_id, span_id, kind, start_timestamp, span_name`,
  );
  return rows.map((r) => Object.fromEntries(names.map((n) => [n, json.has(n) && typeof r[n] === 'string' ? JSON.parse(r[n] as string) : r[n]])));
}

async function rejects(p: Promise<unknown>, re: RegExp): Promise<ImportError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ImportError, `expected ImportError, got ${String(e)}`);
    assert.match(e.message, re);
    return e;
  }
  assert.fail(`expected an error matching ${re}`);
}

describe('import: round trip', () => {
  test('demo records imported from NDJSON equal the same rows stored by the receiver path', async () => {
    const rows = generateDemoRecords({ records: 3000, seed: 7, now: new Date(T0 / 1000) });
    rows.push(rec(1, { message: 'quote " backslash \\ newline \n tab \t ünïcødé ✓', tags: [], attributes: {} }));
    rows.push(rec(2, { message: '', kind: 'span', otel_events: [{ name: 'e', attributes: { a: 1 } }], otel_links: [], is_exception: true, exception_type: 'ValueError', exception_message: '', http_response_status_code: 503, process_pid: 2147483647 }));
    const viaBatch = await open();
    const viaImport = await open();
    try {
      await viaBatch.insertBatch({ records: rows });
      const r = await importRecordFiles(viaImport, [file(ndjson(rows))]);
      assert.equal(r.rows, rows.length);
      assert.equal(r.inserted, rows.length);
      assert.equal(r.duplicates, 0);
      assert.deepEqual(await dump(viaImport), await dump(viaBatch));
      const runs = await viaImport.queryObjects<{ run_id: string }>(`SELECT run_id FROM runs ORDER BY run_id`);
      assert.deepEqual(runs.map((x) => x.run_id), r.runIds);
      assert.ok(r.runIds.length > 0, 'demo records carry run ids');
    } finally {
      await viaBatch.close();
      await viaImport.close();
    }
  });

  test('several files in one import; blank lines and CRLF line ends are fine; file-backed store survives reopening', async () => {
    const db = path.join(dir, 'several.duckdb');
    const a = file([recordLine(rec(1)), '', recordLine(rec(2))].join('\r\n') + '\r\n');
    const b = file(ndjson([rec(3), rec(4), rec(5)]));
    let store = await TelemetryStore.open({ path: db, retentionIntervalMs: 0 });
    const r = await importRecordFiles(store, [a, b]);
    assert.deepEqual([r.files, r.rows, r.inserted], [2, 5, 5]);
    await store.close();
    store = await TelemetryStore.open({ path: db, retentionIntervalMs: 0 });
    try {
      assert.equal(await store.count(), 5);
      const q = await store.queryObjects<{ a: string; t: string }>(`SELECT attributes->>'agent' AS a, CAST(start_timestamp AS VARCHAR) AS t FROM records WHERE span_id = 'bbbbbbbb00000003'`);
      assert.deepEqual(q, [{ a: 'agent-3', t: '2026-11-20 12:00:03.000009+00' }]);
    } finally {
      await store.close();
    }
  });

  test('JSON columns given as JSON text are stored as documents (queryable with ->>)', async () => {
    const line = JSON.parse(recordLine(rec(1)));
    line.attributes = JSON.stringify({ to_phase: 'complete', n: 3 });
    line.otel_resource_attributes = '{"service.name":"x"}';
    const store = await open();
    try {
      await importRecordFiles(store, [file(JSON.stringify(line) + '\n')]);
      const q = await store.queryObjects<{ p: string; s: string }>(`SELECT attributes->>'to_phase' AS p, otel_resource_attributes->>'service.name' AS s FROM records`);
      assert.deepEqual(q, [{ p: 'complete', s: 'x' }]);
    } finally {
      await store.close();
    }
  });

  test('timestamps with an offset or without a zone (UTC) are accepted', async () => {
    const a = JSON.parse(recordLine(rec(1)));
    a.start_timestamp = '2026-11-20T14:00:00.5+02:00';
    a.end_timestamp = '2026-11-20 12:00:01+00';
    const b = { ...JSON.parse(recordLine(rec(2))), start_timestamp: '2026-11-20 12:00:02', end_timestamp: '2026-11-20T12:00:02.000001' };
    const store = await open();
    try {
      await importRecordFiles(store, [file(JSON.stringify(a) + '\n' + JSON.stringify(b) + '\n')]);
      const q = await store.queryObjects<{ s: string; e: string }>(`SELECT CAST(start_timestamp AS VARCHAR) AS s, CAST(end_timestamp AS VARCHAR) AS e FROM records ORDER BY 1`);
      assert.deepEqual(q, [
        { s: '2026-11-20 12:00:00.5+00', e: '2026-11-20 12:00:01+00' },
        { s: '2026-11-20 12:00:02+00', e: '2026-11-20 12:00:02.000001+00' },
      ]);
    } finally {
      await store.close();
    }
  });
});

describe('import: de-duplication', () => {
  test('re-importing the same file adds nothing', async () => {
    const store = await open();
    try {
      const f = file(ndjson([rec(1), rec(2), rec(3)]));
      assert.equal((await importRecordFiles(store, [f])).inserted, 3);
      const again = await importRecordFiles(store, [f]);
      assert.deepEqual([again.rows, again.inserted, again.duplicates], [3, 0, 3]);
      assert.equal(await store.count(), 3);
    } finally {
      await store.close();
    }
  });

  test('rows already stored by the receiver, and repeats inside or across the files, are skipped once', async () => {
    const store = await open();
    try {
      await store.insertBatch({ records: [rec(1)] });
      const r = await importRecordFiles(store, [file(ndjson([rec(1), rec(2), rec(2), rec(3)])), file(ndjson([rec(3), rec(4)]))]);
      assert.deepEqual([r.rows, r.inserted, r.duplicates], [6, 3, 3]);
      const ids = await store.queryObjects<{ span_id: string; n: number }>(`SELECT span_id, count(*)::INTEGER AS n FROM records GROUP BY 1 ORDER BY 1`);
      assert.deepEqual(ids.map((x) => [x.span_id.slice(-1), x.n]), [['1', 1], ['2', 1], ['3', 1], ['4', 1]]);
      // The row stored first (by the receiver) is the one kept: its created_at predates the import.
      const kept = await store.queryObjects<{ older: boolean }>(`SELECT created_at < (SELECT max(created_at) FROM records_all) AS older FROM records_all WHERE span_id = 'bbbbbbbb00000001'`);
      assert.deepEqual(kept, [{ older: true }]);
    } finally {
      await store.close();
    }
  });

  test('a row differing only in span_name or kind is not a duplicate', async () => {
    const store = await open();
    try {
      const r = await importRecordFiles(store, [file(ndjson([rec(1), rec(1, { span_name: 'other' }), rec(1, { kind: 'span' })]))]);
      assert.deepEqual([r.inserted, r.duplicates], [3, 0]);
    } finally {
      await store.close();
    }
  });

  test('pending spans: kept next to their final span, imported or already stored', async () => {
    const store = await open();
    try {
      const real = rec(10, { kind: 'span', span_id: 'cccccccc00000001' });
      const pending = rec(10, { kind: 'pending_span', span_id: 'cccccccc00000001' });
      const r = await importRecordFiles(store, [file(ndjson([pending, real]))]);
      assert.equal(r.inserted, 2);
      assert.equal(await store.count({ includePending: true }), 2);
      assert.equal(await store.count(), 1);
      const lone = rec(20, { kind: 'pending_span', span_id: 'ffffffff00000001' });
      await store.insertBatch({ records: [lone] });
      const r2 = await importRecordFiles(store, [file(ndjson([rec(20, { kind: 'span', span_id: 'ffffffff00000001' })]))]);
      assert.equal(r2.inserted, 1);
      assert.equal(await store.count({ includePending: true }), 4);
      assert.equal((await store.query(`SELECT 1 FROM records_all WHERE kind = 'pending_span'`)).rows.length, 2);
    } finally {
      await store.close();
    }
  });

});

/** The import fails with a message matching `re`, and a row stored before is all the store holds after. */
async function expectNothing(files: string[], re: RegExp): Promise<ImportError> {
  const store = await open();
  try {
    await store.insertBatch({ records: [rec(99)] });
    const e = await rejects(importRecordFiles(store, files), re);
    assert.equal(await store.count({ includePending: true }), 1, 'the stored row is kept, nothing imported');
    return e;
  } finally {
    await store.close();
  }
}

describe('import: bad input is reported with file:line and nothing is imported', () => {

  test('malformed JSON on a line', async () => {
    const f = file([recordLine(rec(1)), '', recordLine(rec(2)), '{"span_name": "x", level: 3}', recordLine(rec(3))].join('\n'));
    const e = await expectNothing([f], /malformed JSON/);
    assert.equal(e.file, f);
    assert.equal(e.line, 4);
    assert.ok(e.message.startsWith(`${f}:4: `), e.message);
  });

  test('an error past the first megabyte (found by DuckDB, located in JS) names its line; earlier good files are not committed', async () => {
    const good = file(ndjson([rec(1), rec(2)]));
    const rows = Array.from({ length: 6000 }, (_, i) => recordLine(rec(i + 10)));
    assert.ok(rows.join('\n').length > 1.2 * 1024 * 1024, 'the bad line lies beyond the JS sniff window');
    const bad = JSON.parse(rows[5500]);
    bad.level = 'warn';
    rows[5500] = JSON.stringify(bad);
    const f = file(rows.join('\n') + '\n');
    const e = await expectNothing([good, f], /level must be a 32-bit integer, got "warn"/);
    assert.equal(e.line, 5501);
  });

  test('an unknown kind past the first megabyte', async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => recordLine(rec(i + 10)));
    rows[5999] = recordLine(rec(1, { kind: 'bogus' as never }));
    const e = await expectNothing([file(rows.join('\n'))], /kind must be one of span, log, span_event, pending_span, got "bogus"/);
    assert.equal(e.line, 6000);
  });

  test('missing required column, wrong types, epoch numbers as timestamps', async () => {
    const missing = JSON.parse(recordLine(rec(1)));
    delete missing.span_name;
    let e = await expectNothing([file(recordLine(rec(2)) + '\n' + JSON.stringify(missing) + '\n')], /missing required column 'span_name'/);
    assert.equal(e.line, 2);
    const epoch = { ...JSON.parse(recordLine(rec(1))), start_timestamp: T0 };
    e = await expectNothing([file(JSON.stringify(epoch))], /start_timestamp must be an ISO 8601 timestamp string, got \d+/);
    assert.equal(e.line, 1);
    await expectNothing([file(JSON.stringify({ ...JSON.parse(recordLine(rec(1))), tags: 'a,b' }))], /tags must be an array of strings/);
    await expectNothing([file(JSON.stringify({ ...JSON.parse(recordLine(rec(1))), attributes: '{not json' }))], /attributes must be JSON/);
    await expectNothing([file(JSON.stringify({ ...JSON.parse(recordLine(rec(1))), start_timestamp: 'yesterday' }))], /:1: start_timestamp must be an ISO 8601/);
    await expectNothing([file(JSON.stringify({ data: [{ ...JSON.parse(recordLine(rec(1))), end_timestamp: '2026-13-45T00:00:00Z' }] }), 'json')], /row 1: end_timestamp must be an ISO 8601 timestamp string, got "2026-13-45T00:00:00Z"/);
  });

  test('unknown columns are named with a suggestion; Logfire-internal columns are ignored', async () => {
    const line = { ...JSON.parse(recordLine(rec(1))), spanName: 'x' };
    const e = await expectNothing([file(JSON.stringify(line))], /unknown column 'spanName' \(did you mean 'span_name'\?\)/);
    assert.equal(e.line, 1);
    const store = await open();
    try {
      const withInternal = { ...JSON.parse(recordLine(rec(1))), project_id: 'p', day: '2026-11-20', created_at: '2026-11-20T00:00:00Z', _lf_attributes_hash: 1 };
      assert.equal((await importRecordFiles(store, [file(JSON.stringify(withInternal))])).inserted, 1);
    } finally {
      await store.close();
    }
  });

  test('OTLP exports, gzip, empty and non-records files are refused with a reason', async () => {
    await expectNothing([file('{"resourceSpans": []}\n', 'json')], /OTLP export request, not records; load it with `telemetry-lens ingest`/);
    await expectNothing([file(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]))], /gzip-compressed/);
    await expectNothing([file('')], /empty file/);
    await expectNothing([file('hello world\n', 'txt')], /not a records file/);
    await expectNothing([path.join(dir, 'missing.ndjson')], /missing\.ndjson: no such file/);
  });
});

describe('import: Logfire query API answers', () => {
  const rows = [rec(1), rec(2, { tags: ['a', 'b'], level: 13 })];
  const asLogfire = (r: RecordRow) => {
    const o = JSON.parse(recordLine(r));
    return { ...o, attributes: JSON.stringify(o.attributes), project_id: 'proj', day: '2026-11-20' };
  };

  async function importedMatches(f: string): Promise<void> {
    const store = await open();
    try {
      const r = await importRecordFiles(store, [f]);
      assert.equal(r.inserted, 2);
      const q = await store.queryObjects<{ a: string; tags: string[]; level: number }>(`SELECT attributes->>'agent' AS a, tags, level FROM records ORDER BY span_id`);
      assert.deepEqual(q, [
        { a: 'agent-1', tags: ['demo'], level: 9 },
        { a: 'agent-2', tags: ['a', 'b'], level: 13 },
      ]);
    } finally {
      await store.close();
    }
  }

  test('v2 JSON (schema + data), pretty-printed', () =>
    importedMatches(file(JSON.stringify({ schema: { fields: [{ name: 'kind', data_type: 'Utf8', nullable: false }], metadata: {} }, data: rows.map(asLogfire) }, null, 2), 'json')));

  test('query_json_rows / v1 json_rows shape ({columns, rows}) and column-oriented v1', async () => {
    await importedMatches(file(JSON.stringify({ columns: [{ name: 'kind', datatype: 'Utf8', nullable: false }], rows: rows.map(asLogfire) }), 'json'));
    const objs = rows.map(asLogfire);
    const names = Object.keys(objs[1]);
    await importedMatches(file(JSON.stringify({ columns: names.map((n) => ({ name: n, datatype: 'Utf8', nullable: true, values: objs.map((o) => o[n] ?? null) })) }), 'json'));
  });

  test('a JSON array of rows (telemetry-lens query --format json)', () => importedMatches(file(JSON.stringify(rows.map(asLogfire), null, 2), 'json')));

  test('the NDJSON stream (schema, data messages, end)', () =>
    importedMatches(
      file(
        [
          { type: 'schema', schema: { fields: [] } },
          { type: 'data', rows: [asLogfire(rows[0])] },
          { type: 'data', rows: [asLogfire(rows[1])] },
          { type: 'end', row_count: 2 },
        ].map((m) => JSON.stringify(m)).join('\n'),
      ),
    ));

  test('a stream that ends with an error message, and a bad row in a data message, are positioned', async () => {
    const store = await open();
    try {
      const errStream = file([{ type: 'schema', schema: { fields: [] } }, { type: 'data', rows: [asLogfire(rows[0])] }, { type: 'error', message: 'query timed out' }].map((m) => JSON.stringify(m)).join('\n'));
      let e = await rejects(importRecordFiles(store, [errStream]), /:3: the export ends with a Logfire error: query timed out/);
      assert.equal(e.line, 3);
      const badRow = file([{ type: 'data', rows: [asLogfire(rows[0]), { ...asLogfire(rows[1]), level: 'warn' }] }].map((m) => JSON.stringify(m)).join('\n'));
      e = await rejects(importRecordFiles(store, [badRow]), /:1: row 2 of the data message: level must be a 32-bit integer/);
      const doc = file(JSON.stringify({ data: [asLogfire(rows[0]), { ...asLogfire(rows[1]), span_id: null }] }), 'json');
      await rejects(importRecordFiles(store, [doc]), /row 2: missing required column 'span_id'/);
      assert.equal(await store.count(), 0);
    } finally {
      await store.close();
    }
  });

  test('CSV with a header (lists and JSON as JSON text, as Logfire writes them)', async () => {
    const cols = ['start_timestamp', 'end_timestamp', 'trace_id', 'span_id', 'kind', 'level', 'span_name', 'message', 'attributes', 'tags', 'service_name', 'project_id'];
    const q = (v: unknown) => {
      const s = typeof v === 'string' ? v : JSON.stringify(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const lines = [cols.join(','), ...rows.map((r) => {
      const o = asLogfire(r);
      return cols.map((c) => q(c === 'tags' ? JSON.stringify(o.tags) : o[c])).join(',');
    })];
    await importedMatches(file(lines.join('\r\n') + '\r\n', 'csv'));
    const store = await open();
    try {
      await rejects(importRecordFiles(store, [file('start_timestamp,trace_id\n2026-11-20T00:00:00Z,a\n', 'csv')]), /:1: missing required columns end_timestamp, span_id, kind, level, span_name, service_name in the header/);
      await rejects(importRecordFiles(store, [file(lines[0].replace('span_name', 'spanname') + ',span_name\n', 'csv')]), /unknown column 'spanname' \(did you mean 'span_name'\?\)/);
    } finally {
      await store.close();
    }
  });
});

describe('import: Parquet', () => {
  const NAMES = RECORD_COLUMNS.map(([n]) => n).filter((n) => n !== 'created_at');
  const SPEC = `{${RECORD_COLUMNS.filter(([n]) => n !== 'created_at').map(([n, t]) => `${n}: '${t.replace(/\s+NOT NULL.*$/, '')}'`).join(', ')}}`;

  /** Writes a Parquet file with DuckDB from `SELECT … FROM rows` (rows: the NDJSON records read with their store types). */
  async function parquet(rows: RecordRow[], select = '*'): Promise<string> {
    const src = file(ndjson(rows));
    const out = path.join(dir, `f${++fileSeq}.parquet`);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      await c.run(`SET TimeZone = 'UTC'`);
      await c.run(`COPY (SELECT ${select} FROM read_json('${src}', format = 'newline_delimited', columns = ${SPEC})) TO '${out}' (FORMAT parquet)`);
    } finally {
      c.closeSync();
      db.closeSync();
    }
    return out;
  }

  const demo = () => {
    const rows = generateDemoRecords({ records: 2000, seed: 11, now: new Date(T0 / 1000) });
    rows.push(rec(1, { message: 'quote " backslash \\ newline \n ünïcødé ✓', tags: [], attributes: {} }));
    rows.push(rec(2, { kind: 'span', otel_events: [{ name: 'e', attributes: { a: 1 } }], otel_links: [], is_exception: true, process_pid: 2147483647 }));
    return rows;
  };

  async function sameAsNdjson(rows: RecordRow[], parquetFile: string): Promise<void> {
    const viaNdjson = await open();
    const viaParquet = await open();
    try {
      await importRecordFiles(viaNdjson, [file(ndjson(rows))]);
      const r = await importRecordFiles(viaParquet, [parquetFile]);
      assert.deepEqual([r.rows, r.inserted, r.duplicates], [rows.length, rows.length, 0]);
      assert.deepEqual(await dump(viaParquet), await dump(viaNdjson));
      // Raw DuckDB SQL (no Logfire front end): the hidden kept columns themselves, next to the JSON.
      const kept = `SELECT span_id, _attr_workload, _attr_pct, json_extract_string(attributes, 'pct') AS pct FROM records_all WHERE _attr_workload IS NOT NULL OR _attr_pct IS NOT NULL ORDER BY span_id, kind, start_timestamp`;
      const k = await viaParquet.queryObjects(kept);
      assert.ok(k.length > 0 && k.some((x) => (x as { pct: unknown }).pct !== null));
      assert.ok(k.every((x) => (x as { pct: unknown; _attr_pct: unknown }).pct === (x as { _attr_pct: unknown })._attr_pct));
      assert.deepEqual(k, await viaNdjson.queryObjects(kept), 'the kept attribute columns are filled as from NDJSON');
      assert.deepEqual(r.runIds, (await viaParquet.queryObjects<{ run_id: string }>(`SELECT run_id FROM runs ORDER BY run_id`)).map((x) => x.run_id));
    } finally {
      await viaNdjson.close();
      await viaParquet.close();
    }
  }

  test('a Parquet file with the store\'s column types imports the same rows as NDJSON', async () => {
    const rows = demo();
    await sameAsNdjson(rows, await parquet(rows));
  });

  test('other producers\' types: zone-less timestamps (UTC), JSON and lists as text, wider integers, columns in any order', async () => {
    const rows = demo();
    const casts = NAMES.map((n) => {
      if (n.endsWith('_timestamp')) return `CAST(${n} AS TIMESTAMP) AS ${n}`;
      if (n === 'attributes' || n === 'otel_resource_attributes') return `CAST(${n} AS VARCHAR) AS ${n}`;
      if (n === 'tags') return `CAST(to_json(tags) AS VARCHAR) AS tags`;
      if (n === 'level' || n === 'process_pid') return `CAST(${n} AS BIGINT) AS ${n}`;
      return n;
    }).reverse();
    const f = await parquet(rows, `${casts.join(', ')}, 'proj' AS project_id`);
    await sameAsNdjson(rows, f);
  });

  test('rows already stored and repeats across Parquet and NDJSON files are skipped once', async () => {
    const store = await open();
    try {
      await store.insertBatch({ records: [rec(1)] });
      const r = await importRecordFiles(store, [await parquet([rec(1), rec(2), rec(3)]), file(ndjson([rec(3), rec(4)]))]);
      assert.deepEqual([r.rows, r.inserted, r.duplicates], [5, 3, 2]);
      assert.equal(await store.count(), 4);
    } finally {
      await store.close();
    }
  });

  test('bad rows are refused with file and row number; nothing is imported', async () => {
    const good = file(ndjson([rec(1), rec(2)]));
    const rows = Array.from({ length: 50 }, (_, i) => rec(i + 10));
    let f = await parquet(rows, `* REPLACE (CASE WHEN span_id = 'bbbbbbbb00000040' THEN 'bogus' ELSE kind END AS kind)`);
    let e = await expectNothing([good, f], /row 31: kind must be one of span, log, span_event, pending_span/);
    assert.ok(e.message.startsWith(`${f}: row 31: `), e.message);
    f = await parquet(rows, `* REPLACE (CASE WHEN span_id = 'bbbbbbbb00000012' THEN NULL ELSE trace_id END AS trace_id)`);
    await expectNothing([f], /row 3: missing required column 'trace_id' \(NULL\)/);
    f = await parquet(rows, `* REPLACE (CASE WHEN span_id = 'bbbbbbbb00000050' THEN '{not json' ELSE CAST(attributes AS VARCHAR) END AS attributes)`);
    await expectNothing([f], /row 41: attributes must be JSON/);
    f = await parquet(rows, `* REPLACE (CASE WHEN span_id = 'bbbbbbbb00000020' THEN 'yesterday' ELSE CAST(start_timestamp AS VARCHAR) END AS start_timestamp)`);
    await expectNothing([f], /row 11: start_timestamp must be a timestamp/);
    f = await parquet(rows, `* REPLACE (CASE WHEN span_id = 'bbbbbbbb00000015' THEN 3000000000 ELSE level END AS level)`);
    await expectNothing([f], /row 6: level must be of type INTEGER/);
  });

  test('unknown and missing columns, and files that are not Parquet inside', async () => {
    const rows = [rec(1), rec(2)];
    await expectNothing([await parquet(rows, '*, 1 AS spanname')], /unknown column 'spanname' \(did you mean 'span_name'\?\)/);
    await expectNothing([await parquet(rows, '* EXCLUDE (span_name, service_name)')], /missing required columns span_name, service_name/);
    const broken = file(Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7)]), 'parquet');
    const e = await expectNothing([broken], /not a readable Parquet file: /);
    assert.ok(e.message.startsWith(`${broken}: `), e.message);
    // A truncated file: the reason, without DuckDB's excerpt of the import's own SQL.
    const good = fs.readFileSync(await parquet(rows, '*'));
    const cut = file(good.subarray(0, Math.floor(good.length / 2)), 'parquet');
    const t = await expectNothing([cut], /not a readable Parquet file: /);
    assert.doesNotMatch(t.message, /LINE \d|DESCRIBE|read_parquet/, t.message);
  });
});

test('isoMicros keeps microseconds', () => {
  assert.equal(isoMicros(Date.UTC(2026, 0, 2, 3, 4, 5, 678) * 1000 + 901), '2026-01-02T03:04:05.678901Z');
  assert.equal(isoMicros(0), '1970-01-01T00:00:00.000000Z');
  assert.equal(isoMicros(-1), '1969-12-31T23:59:59.999999Z');
  assert.equal(isoMicros(10_000_000_000_000_001n), '2286-11-20T17:46:40.000001Z', 'beyond 2^53 µs as a bigint');
});

describe('telemetry-lens import (dist bundle)', () => {
  const CLI = path.join(packageRoot(), 'dist', 'server', 'cli.js');
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  test('imports, re-import reports duplicates, bad input exits 2 with file:line', () => {
    const db = path.join(dir, 'cli.duckdb');
    const f = file(ndjson([rec(1), rec(2), rec(3)]));
    let r = run(['import', f, '--db', db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^imported 3 of 3 records from 1 file into .*cli\.duckdb in \d+\.\d\d s\n$/);
    r = run(['import', f, '--db', db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /imported 0 of 3 records .* \(3 already stored or repeated\)/);
    const bad = file(recordLine(rec(4)) + '\n{oops\n');
    r = run(['import', f, bad, '--db', db]);
    assert.equal(r.code, 2);
    assert.match(r.err, /^telemetry-lens: .*:2: malformed JSON: /);
    assert.ok(r.err.startsWith(`telemetry-lens: ${bad}:2: `), r.err);
    r = run(['import', '--db', db]);
    assert.equal(r.code, 2);
    assert.match(r.err, /no files given/);
    r = run(['--help']);
    assert.match(r.out, /^  import\s+bulk-load records files/m);
  });

  test('a failed import into a store that did not exist leaves no store file (or folder) behind', () => {
    const empty = file('');
    const invalid = file('this is not records\n', 'txt');
    for (const [f, why] of [[empty, /empty file/], [invalid, /not a records file/], [file(recordLine(rec(1)) + '\n{oops\n'), /:2: malformed JSON/]] as const) {
      const db = path.join(dir, 'never', 'made', 'store.duckdb');
      const r = run(['import', f, '--db', db]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, why);
      assert.equal(fs.existsSync(db), false, `${f}: no store file`);
      assert.equal(fs.existsSync(path.join(dir, 'never')), false, `${f}: no folder`);
    }
    // An existing store is kept as it was.
    const db = path.join(dir, 'kept.duckdb');
    assert.equal(run(['import', file(ndjson([rec(1)])), '--db', db]).code, 0);
    assert.equal(run(['import', empty, '--db', db]).code, 2);
    assert.ok(fs.existsSync(db));
    assert.match(run(['query', 'SELECT count(*) AS n FROM records', '--db', db, '--format', 'json']).out, /"n":\s*1\b/);
  });

  test('round trip through `query --format json` into another store', () => {
    const src = path.join(dir, 'src.duckdb');
    const dst = path.join(dir, 'dst.duckdb');
    assert.equal(run(['demo', '--db', src, '--records', '400']).code, 0);
    const q = run(['query', 'SELECT * FROM records_all', '--db', src, '--format', 'json', '--limit', '10000']);
    assert.equal(q.code, 0, q.err);
    const exported = file(q.out, 'json');
    const rows = JSON.parse(q.out) as { start_timestamp: string }[];
    const r = run(['import', exported, '--db', dst]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`imported ${rows.length} of ${rows.length} records`));
    const digest = (db: string) => run(['query', "SELECT count(*) AS n, sum(level) AS l, count(DISTINCT attributes->>'agent') AS a, date_trunc('second', max(start_timestamp))::VARCHAR AS t FROM records", '--db', db, '--format', 'json']).out;
    assert.equal(digest(dst), digest(src));
  });
});
