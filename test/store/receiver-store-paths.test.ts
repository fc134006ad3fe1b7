// The store's two write paths: batches that cannot contain a stored row are appended straight into
// records_all as data chunks; anything else (retries, pending spans, rows the key window cannot vouch
// for) goes through the de-duplicating INSERT. Both must store the same values, and the window must
// never let a duplicate through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecentKeys, TelemetryStore, type RecordRow } from '../../server/telemetry/store';
import { RECORD_COLUMNS } from '../../server/telemetry/records';
import { recordRow } from './sql-helpers';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0) * 1000;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function span(i: number, over: Partial<RecordRow> = {}): RecordRow {
  return recordRow({
    start_timestamp: T0 + i * 1000,
    end_timestamp: T0 + i * 1000 + 250,
    duration: 0.00025,
    trace_id: hex(0xabc000 + i, 32),
    span_id: hex(0x51000 + i, 16),
    kind: 'span',
    span_name: 'agent.run {agent}',
    message: `agent.run coder ${i}`,
    attributes: { agent: 'coder', i },
    otel_status_code: 'UNSET',
    otel_events: [],
    otel_links: [],
    ...over,
  });
}

async function stored(store: TelemetryStore, where = 'true'): Promise<Record<string, unknown>[]> {
  return store.queryObjects(`SELECT * EXCLUDE (created_at) FROM records_all WHERE ${where} ORDER BY start_timestamp, span_id, kind`);
}

/** JSON columns come back as text. */
function json(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}

function tmpDb(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-paths-')), 'paths.duckdb');
}

test('direct append and the de-duplicating INSERT store identical values for every column type', async () => {
  const resA = { 'service.name': 'svc-a', nested: { k: [1, 'two', null] } };
  const resB = { 'service.name': 'svc-b' };
  const scope = { 'scope.attr': true };
  // Two resource groups, more rows than one data chunk, every staged kind with awkward values.
  const rows: RecordRow[] = [];
  for (let i = 0; i < 2500; i++) {
    const b = i >= 1200;
    rows.push(
      span(i, {
        kind: i % 3 === 0 ? 'log' : 'span',
        level: i % 2 ? 9 : 17,
        parent_span_id: i % 4 ? hex(i, 16) : null,
        log_body: i % 5 === 0 ? `body ${i}` : null,
        attributes: { agent: 'coder', i, emoji: 'naïve → ✓', lone: i === 7 ? 'x\ud800y' : 'ok', obj: { deep: [i, i / 3] } },
        attributes_json_schema: i % 7 === 0 ? '{"type":"object"}' : null,
        tags: i % 6 === 0 ? [] : i % 6 === 1 ? ['a'] : ['a', 'b ✓'],
        is_exception: i % 11 === 0,
        exception_type: i % 11 === 0 ? 'ValueError' : null,
        otel_status_message: i % 13 === 0 ? 'bad' : null,
        otel_events: i % 9 === 0 ? [{ name: 'e', attributes: { n: i } }] : [],
        duration: i % 3 === 0 ? null : i / 1000,
        otel_scope_name: 'logfire',
        otel_scope_attributes: scope,
        otel_resource_attributes: b ? resB : resA,
        service_name: b ? 'svc-b' : 'svc-a',
        process_pid: b ? null : 4242,
        run_id: b ? 'run-b' : null,
        http_response_status_code: i % 8 === 0 ? 503 : null,
        url_path: i % 8 === 0 ? '/v1/x' : null,
      }),
    );
  }
  const direct = await TelemetryStore.open({ path: ':memory:', retentionIntervalMs: 0 });
  const dedup = await TelemetryStore.open({ path: ':memory:', retentionIntervalMs: 0 });
  try {
    // Fresh store: nothing can be a duplicate, so the batch takes the direct path.
    const r1 = await direct.insertBatch({ records: rows });
    assert.equal(r1.records, rows.length);
    // A stored row in the batch forces the de-duplicating INSERT for the whole batch.
    await dedup.insertBatch({ records: [rows[0]] });
    const r2 = await dedup.insertBatch({ records: rows });
    assert.equal(r2.records, rows.length - 1);
    assert.equal(r2.duplicates, 1);
    const a = await stored(direct);
    const b = await stored(dedup);
    assert.equal(a.length, rows.length);
    assert.deepEqual(a, b);
    // Spot checks against the input (not only path against path).
    const r7 = a.find((x) => x.span_id === rows[7].span_id)!;
    assert.equal((json(r7.attributes) as { lone: string }).lone, 'x\ufffdy');
    const r1row = a.find((x) => x.span_id === rows[1].span_id)!;
    assert.deepEqual(r1row.tags, ['a']);
    assert.equal(r1row.service_name, 'svc-a');
    assert.equal(r1row.process_pid, 4242);
    const last = a.find((x) => x.span_id === rows[2499].span_id)!;
    assert.equal(last.service_name, 'svc-b');
    assert.equal(last.run_id, 'run-b');
    assert.equal(last.process_pid, null);
    assert.deepEqual(json(last.otel_resource_attributes), resB);
    const epoch = await direct.queryObjects<{ us: number }>(`SELECT epoch_us(start_timestamp) AS us FROM records_all WHERE span_id = '${rows[2499].span_id}'`);
    assert.equal(Number(epoch[0].us), rows[2499].start_timestamp);
  } finally {
    await direct.close();
    await dedup.close();
  }
});

test('a retry is de-duplicated whatever path its batch takes, also after a restart', async () => {
  const db = tmpDb();
  let store = await TelemetryStore.open({ path: db, retentionIntervalMs: 0 });
  try {
    const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 300 }, (_, i) => span(b * 300 + i)));
    for (const batch of batches) assert.equal((await store.insertBatch({ records: batch })).records, 300);
    // Retries of old and recent batches, and one mixed with new rows.
    assert.equal((await store.insertBatch({ records: batches[0] })).duplicates, 300);
    assert.equal((await store.insertBatch({ records: batches[5] })).duplicates, 300);
    const mixed = await store.insertBatch({ records: [...batches[3].slice(0, 10), span(5000)] });
    assert.deepEqual([mixed.records, mixed.duplicates], [1, 10]);
    assert.equal(await store.count(), 1801);
    await store.close();
    // After a restart the window is empty: stored rows must still be recognised.
    store = await TelemetryStore.open({ path: db, retentionIntervalMs: 0 });
    assert.equal((await store.insertBatch({ records: batches[2] })).duplicates, 300);
    assert.equal((await store.insertBatch({ records: [span(5000)] })).duplicates, 1);
    // New rows after the restart, then their retry.
    const later = Array.from({ length: 50 }, (_, i) => span(9000 + i));
    assert.equal((await store.insertBatch({ records: later })).records, 50);
    assert.equal((await store.insertBatch({ records: later })).duplicates, 50);
    assert.equal(await store.count(), 1851);
    const dupes = await store.queryObjects<{ n: number }>(
      `SELECT count(*) AS n FROM (SELECT trace_id, span_id, kind, start_timestamp, count(*) c FROM records_all GROUP BY ALL HAVING c > 1)`,
    );
    assert.equal(Number(dupes[0].n), 0);
  } finally {
    await store.close();
  }
});

test('pending spans are rows like any other: a batch of them may take the direct path, and retries are skipped', async () => {
  const store = await TelemetryStore.open({ path: ':memory:', retentionIntervalMs: 0 });
  try {
    const pending = span(1, { kind: 'pending_span', span_id: 'aaaaaaaaaaaaaaaa', end_timestamp: T0 + 1000 });
    assert.equal((await store.insertBatch({ records: [pending] })).records, 1);
    const r = await store.insertBatch({ records: [span(1, { span_id: 'aaaaaaaaaaaaaaaa' }), span(2)] });
    assert.equal(r.records, 2);
    assert.equal(await store.count({ includePending: true }), 3);
    assert.equal((await store.insertBatch({ records: [pending] })).duplicates, 1);
  } finally {
    await store.close();
  }
});

test('the direct path refuses bad values like the INSERT does and stores nothing of the batch', async () => {
  const store = await TelemetryStore.open({ path: ':memory:', retentionIntervalMs: 0 });
  try {
    const good = Array.from({ length: 10 }, (_, i) => span(i));
    await assert.rejects(store.insertBatch({ records: [...good, span(10, { level: 2 ** 40 })] }), /Conversion Error: records column level/);
    await assert.rejects(store.insertBatch({ records: [...good, span(11, { span_name: null as unknown as string })] }), /Constraint Error|NOT NULL/i);
    await assert.rejects(store.insertBatch({ records: [...good, span(12, { start_timestamp: Number.NaN })] }), /Conversion Error: records column start_timestamp/);
    assert.equal(await store.count({ includePending: true }), 0);
    // The refused batches left nothing in the key window either: the good rows go in afterwards.
    assert.equal((await store.insertBatch({ records: good })).records, 10);
  } finally {
    await store.close();
  }
});

test('the key window forgets the oldest seconds past its bound and never drops a newer key', () => {
  const w = new RecentKeys(4);
  const at = (sec: number, i: number) => span(i, { start_timestamp: T0 + sec * 1e6 + i });
  const first = [at(0, 1), at(0, 2), at(1, 3)];
  assert.equal(w.excludes(first), true);
  w.add(first);
  assert.equal(w.excludes([at(0, 1)]), false, 'a stored key is not excluded');
  assert.equal(w.excludes([at(2, 9)]), true);
  // The same key seen again in a later second (a re-sent row with the same start is the same key;
  // here the window must keep it when the older second is evicted).
  const again = [at(1, 3), at(2, 4), at(3, 5)];
  w.add(again);
  assert.ok(w.size <= 4);
  assert.ok(w.low > T0, 'the oldest second was forgotten');
  assert.equal(w.excludes([at(0, 7)]), false, 'rows older than the window are never excluded');
  assert.equal(w.excludes([at(1, 3)]), false);
  assert.equal(w.excludes([at(3, 5)]), false);
  assert.equal(w.excludes([at(4, 6)]), true);
  w.reset(T0 + 10e6);
  assert.equal(w.excludes([at(4, 6)]), false, 'after a reset only rows after the stored ones qualify');
  assert.equal(w.excludes([at(11, 6)]), true);
});

test('rows written by insertSelect are found again by later batches (the key window starts over)', async () => {
  const store = await TelemetryStore.open({ path: ':memory:', retentionIntervalMs: 0 });
  try {
    await store.insertBatch({ records: [span(1)] });
    const names = RECORD_COLUMNS.map(([n]) => n).filter((n) => n !== 'created_at');
    const r0 = await store.insertSelect(
      `SELECT ${names.join(', ')} FROM (SELECT * REPLACE ('${span(50).span_id}' AS span_id, start_timestamp + INTERVAL 49 MILLISECOND AS start_timestamp, '${span(50).trace_id}' AS trace_id) FROM records_all)`,
      names,
    );
    assert.equal(r0.inserted, 1);
    const r = await store.insertBatch({ records: [span(50)] });
    assert.deepEqual([r.records, r.duplicates], [0, 1]);
    assert.equal(await store.count(), 2);
  } finally {
    await store.close();
  }
});

test('rows that differ only in span_name share a key hash but are different rows', async () => {
  const store = await TelemetryStore.open({ path: ':memory:', retentionIntervalMs: 0 });
  try {
    const a = span(1, { span_name: 'x' });
    const b = span(1, { span_name: 'y' });
    const r = await store.insertBatch({ records: [a, b, { ...a }, span(2), { ...b }] });
    assert.deepEqual([r.records, r.duplicates], [3, 2]);
    const again = await store.insertBatch({ records: [a, b, span(2), span(3)] });
    assert.deepEqual([again.records, again.duplicates], [1, 3]);
    assert.equal(await store.count(), 4);
  } finally {
    await store.close();
  }
});
