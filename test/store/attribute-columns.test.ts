// Attribute keys kept as columns of records_all: every cell equals `attributes->>'key'` on every write
// path (direct chunk append, de-duplicating INSERT, bulk import, reopen, migration of a version-1 file),
// and the SQL front end's use of them changes no result.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { METRIC_MACROS } from '../../server/telemetry/store/metrics-sql';
import { DuckDBInstance } from '@duckdb/node-api';
import healthYaml from '../../server/schema/default-health.yaml';
import { generateDemoRecords } from '../../server/telemetry/demo';
import { importRecordFiles, recordLine } from '../../server/telemetry/bulk';
import { KEPT_ATTRIBUTE_KEYS, KEYED_RECORDS, RECORD_COLUMNS } from '../../server/telemetry/records';
import { attributeKeysRead, runLogfireQuery, translateLogfireSql, type RunOptions } from '../../server/telemetry/sql/index';
import { schemaAttributeKeys } from '../../server/telemetry/health';
import { MAX_KEPT_KEYS, TelemetryStore, type RecordRow } from '../../server/telemetry/store';
import { CHART_SQL } from '../../server/telemetry/views';
import { memoryStore, recordRow } from './sql-helpers';

const bundled = parse(healthYaml) as { health: { id: string; sql: string }[]; queries: { name: string; sql: string }[] };

/** Values whose `->>` text is easy to get wrong: every JSON type, escapes, unicode, edge numbers. */
const TRICKY: unknown[] = [
  'plain',
  '',
  ' ',
  'é☃😀 ünï',
  'quote " backslash \\ newline \n tab \t',
  '\u0001\u001f control',
  'a\u0000b',
  'lone \ud800 surrogate',
  'tail \udfff',
  true,
  false,
  0,
  -0,
  42,
  -7,
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  2 ** 53 + 2,
  1e21,
  0.1,
  87.3,
  -1.5,
  1e-7,
  123456789.123,
  NaN,
  Infinity,
  null,
  undefined,
  {},
  [],
  { x: 1, y: [1, 'a', null], z: { w: 'é' } },
  [1, 'two', 3.5, false, null],
  '{"looks": "like json"}',
  '12',
];

/** Values that can be CAST to a number (Q3 casts `pct`). */
const NUMERIC: unknown[] = [0, -0, 42, -7, 2 ** 53 + 2, 1e21, 0.1, 87.3, 1e-7, null, undefined, NaN, '12', ' 7.5 '];
/** The importer refuses unpaired surrogates (they are not valid UTF-8 text). */
const IMPORTABLE = TRICKY.filter((v) => typeof v !== 'string' || (v as string & { isWellFormed(): boolean }).isWellFormed());

let seq = 0;
function trickyRows(base: number, values: unknown[] = TRICKY): RecordRow[] {
  const rows: RecordRow[] = [];
  values.forEach((v, i) => {
    const attributes: Record<string, unknown> = { other: i, 'a.b': 'dotted' };
    // Each kept key gets a different tricky value in each row, so every column sees every value.
    KEPT_ATTRIBUTE_KEYS.forEach((k, j) => {
      const x = values[(i + j) % values.length];
      if (x !== undefined || j % 2 === 0) attributes[k] = x;
    });
    rows.push(recordRow({ start_timestamp: base + i * 1000, end_timestamp: base + i * 1000, span_id: `s${++seq}`.padStart(16, '0'), message: `tricky ${i} ${String(v)}`, attributes: attributes as Record<string, unknown> }));
  });
  rows.push(recordRow({ start_timestamp: base + 900_000, end_timestamp: base + 900_000, span_id: `s${++seq}`.padStart(16, '0'), attributes: null as never }));
  return rows;
}

/** Cells of the kept columns that differ from `attributes->>'key'` (none expected), and how many are set. */
async function mismatches(store: TelemetryStore): Promise<{ bad: number; set: number; rows: number }> {
  const cols = [...store.attributeColumns];
  assert.ok(cols.length > 0);
  const r = await store.queryObjects<{ bad: number; set: number; n: number }>(
    `SELECT count(*) FILTER (WHERE ${cols.map(([k, c]) => `${c} IS DISTINCT FROM json_extract_string(attributes, '${k}')`).join(' OR ')}) AS bad,
            ${cols.map(([, c]) => `count(${c})`).join(' + ')} AS set, count(*) AS n FROM records_all`,
  );
  return { bad: Number(r[0].bad), set: Number(r[0].set), rows: Number(r[0].n) };
}

describe('kept attribute columns hold exactly attributes->>key', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-kept-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('direct append path (new rows) and de-duplicating INSERT path (a batch with a pending span / a retry)', async () => {
    const store = await memoryStore();
    try {
      const direct = trickyRows(1_700_000_000_000_000);
      await store.insertBatch({ records: direct });
      const afterDirect = await mismatches(store);
      assert.equal(afterDirect.rows, direct.length);
      assert.equal(afterDirect.bad, 0);
      assert.ok(afterDirect.set > direct.length * 4, 'most cells are set');
      // A pending span sends the whole batch through the staged INSERT … SELECT.
      const staged = trickyRows(1_700_000_100_000_000);
      staged.push(recordRow({ start_timestamp: 1_700_000_100_000_000, end_timestamp: 1_700_000_100_000_000, kind: 'pending_span', span_id: 'p'.padStart(16, '0'), attributes: { model: 1.25, workload: 'W' } }));
      await store.insertBatch({ records: staged });
      // A retry of an old batch plus new rows: not provably new, so also the staged path.
      const retry = [...direct.slice(0, 3), ...trickyRows(1_600_000_000_000_000)];
      const res = await store.insertBatch({ records: retry });
      assert.equal(res.duplicates, 3);
      const all = await mismatches(store);
      assert.equal(all.rows, direct.length * 3 + 1);
      assert.equal(all.bad, 0);
      // The values themselves, for a few rows: floats and objects as DuckDB writes them.
      const some = await store.queryObjects<{ pct: string | null; model: string | null }>(
        `SELECT ${store.attributeColumns.get('pct')} AS pct, ${store.attributeColumns.get('model')} AS model FROM records_all WHERE kind = 'pending_span'`,
      );
      assert.deepEqual(some, [{ pct: null, model: '1.25' }]);
    } finally {
      await store.close();
    }
  });

  test('bulk import, reopen, and a version-1 store file migrated with a backfill', async () => {
    const file = path.join(dir, 'v1.duckdb');
    const ndjson = path.join(dir, 'rows.ndjson');
    const rows = trickyRows(1_700_000_000_000_000, IMPORTABLE);
    fs.writeFileSync(ndjson, rows.map(recordLine).join('\n') + '\n');
    let store = await TelemetryStore.open({ path: file, retentionIntervalMs: 0 });
    const imported = await importRecordFiles(store, [ndjson]);
    assert.equal(imported.inserted, rows.length);
    await store.insertBatch({ records: trickyRows(1_700_000_200_000_000) });
    assert.equal((await mismatches(store)).bad, 0);
    const before = await mismatches(store);
    await store.close();
    // Reopen: the kept keys are read back from the file.
    store = await TelemetryStore.open({ path: file, retentionIntervalMs: 0 });
    assert.deepEqual([...store.attributeColumns.keys()], KEPT_ATTRIBUTE_KEYS);
    assert.deepEqual(await mismatches(store), before);
    await store.close();
    // Turn the file back into a version-1 store (no kept columns, `records` as SELECT *), then open it.
    const inst = await DuckDBInstance.create(file);
    const c = await inst.connect();
    await c.run(`DROP VIEW ${KEYED_RECORDS}`);
    for (const col of (await c.runAndReadAll(`SELECT column_name FROM attribute_columns`)).getRows()) await c.run(`ALTER TABLE records_all DROP COLUMN ${String(col[0])}`);
    await c.run(`DROP TABLE attribute_columns`);
    await c.run(`CREATE OR REPLACE VIEW records AS SELECT * FROM records_all WHERE kind <> 'pending_span'`);
    // … and without migration 3's metrics view and functions.
    await c.run(`DROP VIEW metrics`);
    await c.run(`ALTER TABLE metrics_points RENAME TO metrics`);
    for (const m of METRIC_MACROS) await c.run(`DROP MACRO ${/CREATE MACRO (\w+)/.exec(m)![1]}`);
    await c.run(`DELETE FROM schema_migrations WHERE version > 1`);
    c.closeSync();
    inst.closeSync();
    store = await TelemetryStore.open({ path: file, retentionIntervalMs: 0 });
    try {
      assert.deepEqual(await store.migrations(), [1, 2, 3]);
      assert.deepEqual(await mismatches(store), before, 'backfilled from the JSON');
      const star = await store.query(`SELECT * FROM records LIMIT 1`);
      assert.deepEqual(star.columns.map((x) => x.name), RECORD_COLUMNS.map(([n]) => n), 'records shows the Logfire columns only');
      await store.insertBatch({ records: trickyRows(1_700_000_300_000_000) });
      assert.equal((await mismatches(store)).bad, 0);
    } finally {
      await store.close();
    }
  });

  test('the kept keys cover every attributes->> key of the bundled health checks and Health panel charts', async () => {
    const keys = new Set(await attributeKeysRead([...bundled.health.map((h) => h.sql), ...Object.values(CHART_SQL)]));
    assert.ok(keys.size >= 9);
    for (const k of keys) assert.ok(KEPT_ATTRIBUTE_KEYS.includes(k), `${k} is kept`);
  });
});

describe('the SQL front end reads kept keys from their columns with the same results', () => {
  let store: TelemetryStore;
  const now = new Date();
  before(async () => {
    const rows = generateDemoRecords({ records: 8000, seed: 5, now });
    // Tricky values under the keys the checks group by, on rows the checks match.
    rows.slice(0, TRICKY.length).forEach((r, i) => {
      r.message = i % 2 ? 'Workload routing: tricky' : 'Capacity warning: tricky';
      r.attributes = { ...(r.attributes as object), workload: TRICKY[i], model: TRICKY[(i + 1) % TRICKY.length], provider: TRICKY[(i + 2) % TRICKY.length], pct: NUMERIC[i % NUMERIC.length] };
    });
    store = await memoryStore(rows);
  });
  after(() => store.close());

  const verbatim: RunOptions = { attributeColumns: new Map() };
  const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
  async function same(sql: string, opts: RunOptions = {}): Promise<void> {
    const a = await runLogfireQuery(store, sql, opts);
    const b = await runLogfireQuery(store, sql, { ...opts, ...verbatim });
    assert.deepEqual(a.columns, b.columns, sql);
    assert.deepEqual(sorted(a.rows), sorted(b.rows), sql);
  }

  test('every bundled health check, saved query and chart query: kept columns vs JSON, with and without a time window', async () => {
    const min = new Date(now.getTime() - 24 * 3600_000);
    const all = [...bundled.health.map((h) => h.sql), ...bundled.queries.map((q) => q.sql), ...Object.values(CHART_SQL)];
    let keyed = 0;
    for (const sql of all) {
      if ((await translateLogfireSql(sql, { attributeColumns: store.attributeColumns })).sql.includes(KEYED_RECORDS)) keyed++;
      await same(sql);
      await same(sql, { minTimestamp: min });
    }
    // Every health check and chart query but the failover timeline reads a kept key.
    assert.ok(keyed >= bundled.health.length - 1 + Object.keys(CHART_SQL).length - 1, `${keyed} queries use the kept columns`);
    const q4 = (await translateLogfireSql(bundled.health[3].sql, { attributeColumns: store.attributeColumns })).sql;
    assert.doesNotMatch(q4, /json_extract/, 'Q4 reads no JSON');
  });

  const cases: [string, string, boolean][] = [
    ['unqualified, single records', `SELECT attributes->>'workload' AS w, count(*) AS n FROM records GROUP BY attributes->>'workload' ORDER BY n DESC, w`, true],
    ['aliased and qualified', `SELECT r.attributes->>'model' AS m, max(CAST(r.attributes->>'pct' AS DOUBLE)) AS p FROM records AS r GROUP BY 1 HAVING count(*) > 1`, true],
    ['SELECT * keeps the JSON (no extra columns shown)', `SELECT * FROM records WHERE attributes->>'workload' = 'CODING'`, false],
    ['r.* keeps the JSON', `SELECT r.*, r.attributes->>'model' AS m FROM records r WHERE r.attributes->>'model' IS NOT NULL`, false],
    ['whole-row reference keeps the JSON', `SELECT to_json(r) AS j FROM records r WHERE r.attributes->>'model' = 'x'`, false],
    ['unnamed output column of a subquery keeps the JSON', `SELECT * FROM (SELECT attributes->>'workload', count(*) FROM records GROUP BY 1) x`, false],
    ['unnamed output column of the query: named as Logfire names it, then read from the column', `SELECT attributes->>'workload', count(*) FROM records GROUP BY 1`, true],
    ['GROUP BY attributes keeps the JSON', `SELECT attributes->>'workload' AS w FROM records GROUP BY attributes`, false],
    ['an output column named attributes keeps unqualified refs', `SELECT message AS attributes, count(*) AS n FROM records GROUP BY 1, records.attributes->>'model'`, true],
    ['CTE named records', `WITH records AS (SELECT * FROM records_all) SELECT attributes->>'model' AS m FROM records`, false],
    ['not a kept key', `SELECT attributes->>'agent' AS a, count(*) AS n FROM records GROUP BY 1`, false],
    ['self join: qualified refs only', `SELECT a.attributes->>'model' AS m, count(*) AS n FROM records a JOIN records b ON a.trace_id = b.trace_id AND a.span_id <> b.span_id WHERE b.attributes->>'workload' IS NOT NULL GROUP BY 1`, true],
    ['join: the qualified ref uses the column, the unqualified one stays JSON', `SELECT count(*) AS n FROM records a JOIN (SELECT 1 AS x) b ON true WHERE a.attributes->>'model' IS NOT NULL AND attributes->>'workload' IS NOT NULL`, true],
    ['natural join keeps the JSON', `SELECT count(*) AS n FROM records NATURAL JOIN (SELECT 'Capacity warning: tricky' AS message) m WHERE records.attributes->>'model' IS NOT NULL`, false],
    ['correlated subquery', `SELECT r.attributes->>'model' AS m, (SELECT count(*) FROM records WHERE attributes->>'model' = r.attributes->>'model') AS n FROM records r WHERE r.message LIKE 'Capacity%'`, true],
    ['MIN-join written on records directly (the join keys become kept columns)', `SELECT l.attributes->>'model' AS model, l.start_timestamp AS t, MIN(w.start_timestamp) AS first_warning FROM records l LEFT JOIN records w ON l.attributes->>'model' = w.attributes->>'model' AND w.start_timestamp < l.start_timestamp WHERE l.message LIKE 'Rate limit%' GROUP BY l.attributes->>'model', l.start_timestamp`, true],
    ['UNION arms', `SELECT attributes->>'workload' AS v FROM records UNION SELECT attributes->>'to_phase' AS v FROM records`, true],
    ['IN list (precedence fix) and json_extract_string spelled out', `SELECT count(*) AS n FROM records WHERE attributes->>'to_phase' IN ('complete', 'error') OR json_extract_string(attributes, 'workload') = 'CODING'`, true],
    ['kept and other keys in one SELECT (shared parse for the rest)', `SELECT attributes->>'model' AS m, attributes->>'agent' AS a, attributes->>'limit_type' AS l, count(*) AS n FROM records GROUP BY 1, 2, 3`, true],
    ['json_get_str: the type check reads the JSON, the value the column', `SELECT json_get_str(attributes, 'model') AS m, count(*) AS n FROM records GROUP BY 1`, true],
  ];
  for (const [name, sql, usesColumns] of cases) {
    test(`rewrite: ${name}`, async () => {
      const t = await translateLogfireSql(sql, { attributeColumns: store.attributeColumns });
      assert.equal(t.sql.includes(KEYED_RECORDS), usesColumns, t.sql);
      await same(sql);
      await same(sql, { minTimestamp: new Date(now.getTime() - 6 * 3600_000) });
      const r = await runLogfireQuery(store, sql);
      assert.ok(!r.columns.some((c) => c.name.startsWith('_attr_')), 'no kept column is shown');
    });
  }

  test('records_all and records in user queries show exactly the Logfire columns', async () => {
    for (const rel of ['records', 'records_all']) {
      const r = await runLogfireQuery(store, `SELECT * FROM ${rel} LIMIT 1`);
      assert.deepEqual(r.columns.map((c) => c.name), RECORD_COLUMNS.map(([n]) => n));
    }
  });

  test('without the store (remote / verdict engine) nothing is rewritten', async () => {
    const t = await translateLogfireSql(bundled.health[3].sql);
    assert.doesNotMatch(t.sql, new RegExp(KEYED_RECORDS));
    assert.match(t.sql, /json_extract_string\(attributes, 'to_phase'\)/);
  });
});

describe("a schema's own attribute keys are kept as columns too", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-kept-schema-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('attributeKeysRead: keys read with attributes->> (any qualifier), in order; nothing else', async () => {
    assert.deepEqual(
      await attributeKeysRead([
        `SELECT attributes->>'agent' AS a, r.attributes->>'tool' FROM records r WHERE attributes->>'agent' = 'x'`,
        `SELECT other->>'nope', attributes->'obj'->>'inner', attributes->'whole', json_get_str(attributes, 'fn') FROM records`,
        'SELEC broken',
      ]),
      ['agent', 'tool'],
    );
    const bundledKeys = await schemaAttributeKeys({ health: bundled.health as never });
    assert.ok(bundledKeys.length > 0 && bundledKeys.every((k) => KEPT_ATTRIBUTE_KEYS.includes(k)), 'the bundled checks read only keys kept by default');
  });

  const rowsWith = (base: number, n: number): RecordRow[] =>
    Array.from({ length: n }, (_, i) =>
      recordRow({
        start_timestamp: base + i * 1000,
        end_timestamp: base + i * 1000,
        span_id: `k${++seq}`.padStart(16, '0'),
        message: `Tool call ${i}`,
        attributes: { agent: TRICKY[i % TRICKY.length], tool: TRICKY[(i + 3) % TRICKY.length], step: TRICKY[(i + 5) % TRICKY.length], workload: 'CODING' } as Record<string, unknown>,
      }),
    );

  test('kept from the start or added to an open store: every cell equals attributes->>key; queries give the same results; keys persist', async () => {
    const file = path.join(dir, 'schema-keys.duckdb');
    let store = await TelemetryStore.open({ path: file, retentionIntervalMs: 0, attributeKeys: ['agent', '$.x', '/y', '', 'workload', 'tool', 'agent'] });
    try {
      assert.deepEqual([...store.attributeColumns.keys()], [...KEPT_ATTRIBUTE_KEYS, 'agent', 'tool'], 'paths and repeats are not kept');
      await store.insertBatch({ records: rowsWith(1_700_000_000_000_000, TRICKY.length * 2) });
      assert.equal((await mismatches(store)).bad, 0);
      const custom = `SELECT attributes->>'agent' AS agent, attributes->>'tool' AS tool, count(*) AS n FROM records WHERE attributes->>'workload' = 'CODING' GROUP BY attributes->>'agent', attributes->>'tool'`;
      const t = await translateLogfireSql(custom, { attributeColumns: store.attributeColumns });
      assert.ok(t.sql.includes('_attr_agent') && t.sql.includes('_attr_tool') && !t.sql.includes('json_extract'), t.sql);
      const a = await runLogfireQuery(store, custom);
      const b = await runLogfireQuery(store, custom, { attributeColumns: new Map() });
      assert.deepEqual(a.rows.map((r) => JSON.stringify(r)).sort(), b.rows.map((r) => JSON.stringify(r)).sort());
      assert.ok(a.rows.length > 5);
    } finally {
      await store.close();
    }
    // A later open without the option keeps what the file already keeps.
    store = await TelemetryStore.open({ path: file, retentionIntervalMs: 0 });
    try {
      assert.deepEqual([...store.attributeColumns.keys()].slice(-2), ['agent', 'tool']);
      await store.keepMoreAttributeKeys(['step', 'agent']);
      assert.equal(store.attributeColumns.get('step'), '_attr_step');
      const after = await mismatches(store);
      assert.equal(after.bad, 0, 'the added column is backfilled from the stored JSON');
      await store.insertBatch({ records: rowsWith(1_700_000_100_000_000, TRICKY.length) });
      assert.equal((await mismatches(store)).bad, 0, 'and filled on the next writes');
      await store.keepMoreAttributeKeys(Array.from({ length: 40 }, (_, i) => `k${i}`));
      assert.equal(store.attributeColumns.size, MAX_KEPT_KEYS, 'at most MAX_KEPT_KEYS keys');
      assert.equal((await mismatches(store)).bad, 0);
    } finally {
      await store.close();
    }
  });
});
