// `telemetry-lens export` (server/telemetry/export.ts) on real DuckDB stores: every format reads back
// through `import` to the same rows, filters, and the CLI's refusals.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TelemetryStore, type RecordRow } from '../../server/telemetry/store';
import { RECORD_COLUMNS } from '../../server/telemetry/records';
import { generateDemoRecords } from '../../server/telemetry/demo';
import { importRecordFiles } from '../../server/telemetry/bulk';
import { exportRecords, formatOf, type ExportFormat } from '../../server/telemetry/export';
import { packageRoot } from '../../server/paths';
import { recordRow } from './sql-helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-export-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const open = (p = ':memory:') => TelemetryStore.open({ path: p, retentionIntervalMs: 0 });
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0) * 1000;

function rows(): RecordRow[] {
  const out = generateDemoRecords({ records: 1500, seed: 5, now: new Date(T0 / 1000) });
  out.push(
    recordRow({
      start_timestamp: T0 - 3_600_000_000 + 7,
      end_timestamp: T0 - 3_600_000_000 + 9,
      trace_id: 'a'.repeat(32),
      span_id: 'b'.repeat(16),
      kind: 'span',
      level: 17,
      span_name: 'quote " comma , newline',
      message: 'quote " backslash \\ newline \n tab \t ünïcødé ✓ 🐶',
      attributes: { nested: { list: [1, 'two', null], ok: true }, n: 2 ** 40, f: 0.1 },
      tags: ['a,b', 'c"d'],
      otel_events: [{ name: 'e', attributes: { a: 1 } }],
      is_exception: true,
      exception_type: 'ValueError',
      exception_message: 'multi\nline',
      http_response_status_code: 503,
      process_pid: 2147483647,
      service_name: 'svc',
      run_id: 'run-x',
    }),
  );
  return out;
}

/** Every column but created_at, JSON columns parsed, in a stable order. */
async function dump(store: TelemetryStore): Promise<unknown[]> {
  const names = RECORD_COLUMNS.map(([n]) => n).filter((n) => n !== 'created_at');
  const json = new Set<string>(RECORD_COLUMNS.filter(([, t]) => t.startsWith('JSON')).map(([n]) => n));
  const got = await store.queryObjects<Record<string, unknown>>(`SELECT ${names.join(', ')} FROM records ORDER BY trace_id, span_id, kind, start_timestamp, span_name`);
  return got.map((r) => Object.fromEntries(names.map((n) => [n, json.has(n) && typeof r[n] === 'string' ? JSON.parse(r[n] as string) : r[n]])));
}

describe('export → import round trip', () => {
  for (const format of ['parquet', 'ndjson', 'csv'] as ExportFormat[]) {
    test(`${format}: every column of every record comes back equal; pending spans are not exported`, async () => {
      const source = await open();
      const copy = await open();
      try {
        const all = rows();
        await source.insertBatch({ records: [...all, recordRow({ start_timestamp: T0, end_timestamp: T0, kind: 'pending_span', span_id: 'c'.repeat(16), parent_span_id: 'd'.repeat(16), span_name: 'p', message: 'p', service_name: 's' })] });
        const file = path.join(dir, `all.${format === 'ndjson' ? 'jsonl' : format}`);
        assert.equal(formatOf(file), format);
        const r = await exportRecords(source, file, { format });
        assert.equal(r.rows, all.length);
        assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
        const back = await importRecordFiles(copy, [file]);
        assert.deepEqual([back.rows, back.inserted, back.duplicates], [all.length, all.length, 0]);
        assert.deepEqual(await dump(copy), await dump(source));
      } finally {
        await source.close();
        await copy.close();
      }
    });
  }

  test('--since and --run keep a window or one agent run; records come out oldest first', async () => {
    const store = await open();
    try {
      await store.insertBatch({ records: rows() });
      const file = path.join(dir, 'window.ndjson');
      const since = new Date(T0 / 1000 - 3_600_000);
      const r = await exportRecords(store, file, { format: 'ndjson', since });
      const [expected] = (await store.query(`SELECT count(*) FROM records WHERE start_timestamp >= make_timestamp(${BigInt(since.getTime()) * 1000n})::TIMESTAMPTZ`)).rows;
      assert.equal(r.rows, Number(expected[0]));
      assert.ok(r.rows > 0);
      const starts = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).start_timestamp as string);
      assert.deepEqual(starts, [...starts].sort());
      assert.ok(starts[0] >= since.toISOString().replace(/Z$/, '000Z'), `${starts[0]} is inside the window`);
      const one = await exportRecords(store, path.join(dir, 'run.ndjson'), { format: 'ndjson', runId: 'run-x' });
      assert.equal(one.rows, 1);
    } finally {
      await store.close();
    }
  });
});

describe('telemetry-lens export (dist bundle)', () => {
  const CLI = path.join(packageRoot(), 'dist', 'server', 'cli.js');
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  test('writes the file named, refuses to overwrite without --force, and explains bad arguments', () => {
    const db = path.join(dir, 'cli.duckdb');
    assert.equal(run(['demo', '--db', db, '--records', '300']).code, 0);
    let r = run(['export', 'demo.parquet', '--db', db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^exported \d+ records to demo\.parquet \(parquet\) in \d+\.\d\d s\n$/);
    r = run(['export', 'demo.parquet', '--db', db]);
    assert.equal(r.code, 2);
    assert.match(r.err, /demo\.parquet exists; pass --force to replace it/);
    assert.equal(run(['export', 'demo.parquet', '--db', db, '--force']).code, 0);
    r = run(['export', 'demo.txt', '--db', db]);
    assert.match(r.err, /cannot tell the format from 'demo\.txt': name it \.parquet, \.ndjson or \.csv, or pass --format/);
    assert.equal(run(['export', 'demo.txt', '--db', db, '--format', 'csv']).code, 0);
    assert.match(run(['export', 'x.csv', '--db', db, '--format', 'xml']).err, /unknown --format 'xml'/);
    assert.match(run(['export', 'x.csv', '--db', db, '--since', 'yesterday']).err, /--since: invalid time range 'yesterday'/);
    assert.match(run(['export', 'nowhere/x.csv', '--db', db]).err, /no such directory: nowhere/);
    assert.match(run(['export', 'x.csv', '--db', path.join(dir, 'missing.duckdb')]).err, /no telemetry store at /);
    assert.match(run(['export', '--db', db]).err, /no output file given/);
    const back = path.join(dir, 'back.duckdb');
    r = run(['import', 'demo.parquet', 'demo.txt', '--db', back]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /imported (\d+) of (\d+) records .*\((\d+) already stored or repeated\)/);
    assert.match(run(['--help']).out, /^  export\s+write the local store's records/m);
  });
});
