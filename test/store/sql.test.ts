import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import healthYaml from '../../server/schema/default-health.yaml';
import { generateDemoRecords } from '../../server/telemetry/demo';
import { runLogfireQuery, translateLogfireSql, QueryError, parseTimeRange } from '../../server/telemetry/sql/index';
import { TelemetryStore, type RecordRow } from '../../server/telemetry/store';
import { memoryStore, row, seedQueries, HOUR, awayFromWindowEdges } from './sql-helpers';

const bundled = parse(healthYaml) as { health: { id: string; sql: string }[]; queries: { name: string; sql: string }[] };
const NOW = new Date();

describe('seed queries run verbatim on the local store', () => {
  let store: TelemetryStore;
  let rows: RecordRow[];
  before(async () => {
    rows = awayFromWindowEdges(generateDemoRecords({ records: 6000, seed: 11, now: NOW }), NOW);
    store = await memoryStore(rows);
  });
  after(() => store.close());

  const attr = (r: RecordRow, k: string) => (r.attributes as Record<string, unknown>)[k];
  const within = (r: RecordRow, hours: number) => r.start_timestamp > (NOW.getTime() - hours * HOUR) * 1000;

  test('the bundled checks and saved queries are the seed text, byte for byte', () => {
    const seed = seedQueries();
    assert.equal(seed.length, 12, 'seed 000 has 12 SQL blocks');
    assert.deepEqual(bundled.queries.map((q) => q.sql), seed.slice(0, 4));
    assert.deepEqual(bundled.health.map((h) => h.sql), seed.slice(4));
  });

  test('workload routing (dashboard 1) matches a count done in JS', async () => {
    const r = await runLogfireQuery(store, bundled.health[0].sql);
    assert.deepEqual(r.columns.map((c) => c.name), ['workload', 'model', 'calls']);
    assert.equal(r.columns[2].type, 'BIGINT');
    const expected = new Map<string, number>();
    for (const x of rows) {
      if (!x.message.startsWith('Workload routing') || !within(x, 12)) continue;
      const k = `${attr(x, 'workload')}|${attr(x, 'orchestrated_model')}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const got = new Map(r.rows.map((x) => [`${x[0]}|${x[1]}`, x[2] as number]));
    assert.deepEqual(got, expected);
    // ORDER BY workload, calls DESC
    for (let i = 1; i < r.rows.length; i++) {
      const [a, b] = [r.rows[i - 1], r.rows[i]];
      assert.ok((a[0] as string) < (b[0] as string) || (a[0] === b[0] && (a[2] as number) >= (b[2] as number)));
    }
  });

  test('failover chain (dashboard 2): COUNT(*) FILTER, DATE_TRUNC per hour', async () => {
    const r = await runLogfireQuery(store, bundled.health[1].sql);
    assert.deepEqual(r.columns.map((c) => c.name), ['hour', 'failovers', 'recoveries', 'rate_limits']);
    assert.match(r.columns[0].type, /TIMESTAMP WITH TIME ZONE/);
    const sum = (i: number) => r.rows.reduce((s, x) => s + (x[i] as number), 0);
    const count = (p: string) => rows.filter((x) => x.message.startsWith(p) && within(x, 24)).length;
    assert.equal(sum(1), count('Failover triggered'));
    assert.equal(sum(2), count('Failover success'));
    assert.equal(sum(3), count('Rate limit'));
    for (const x of r.rows) assert.match(x[0] as string, /T\d\d:00:00\.000000Z$/, 'hour buckets are whole UTC hours');
  });

  test('capacity (dashboard 3): CAST(attributes->>\'pct\' AS FLOAT) is double precision', async () => {
    const r = await runLogfireQuery(store, bundled.health[2].sql);
    assert.deepEqual(r.columns.map((c) => `${c.name}:${c.type}`), ['provider:VARCHAR', 'model:VARCHAR', 'max_pct:DOUBLE', 'avg_pct:DOUBLE']);
    const pcts = rows.filter((x) => x.message.startsWith('Capacity warning') && within(x, 24)).map((x) => attr(x, 'pct') as number);
    assert.equal(Math.max(...r.rows.map((x) => x[2] as number)), Math.max(...pcts), 'no float4 rounding');
  });

  test("EAR completion (dashboard 4): attributes->>'to_phase' IN (...) binds like Postgres", async () => {
    const r = await runLogfireQuery(store, bundled.health[3].sql);
    assert.deepEqual(r.columns.map((c) => c.name), ['outcome', 'count', 'pct']);
    const outcomes = new Map<string, number>();
    for (const x of rows) {
      const to = attr(x, 'to_phase') as string;
      if (x.message.startsWith('EAR phase') && ['complete', 'refused', 'error'].includes(to) && within(x, 24)) outcomes.set(to, (outcomes.get(to) ?? 0) + 1);
    }
    assert.deepEqual(new Map(r.rows.map((x) => [x[0] as string, x[1] as number])), outcomes);
    const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
    for (const x of r.rows) assert.equal(x[2], Math.round(((x[1] as number) * 1000) / total) / 10);
  });

  test('the plan queries and the per-event queries all run and return their declared columns', async () => {
    const expectCols = [
      ['agent', 'workload', 'model', 'calls'],
      ['from_model', 'to_model', 'error_type', 'failovers'],
      ['model', 'percentage', 'limit_type', 'start_timestamp'],
      ['loop', 'agent', 'from_phase', 'to_phase', 'decision', 'confidence', 'start_timestamp'],
    ];
    for (const [i, q] of bundled.queries.entries()) {
      const r = await runLogfireQuery(store, q.sql);
      assert.deepEqual(r.columns.map((c) => c.name), expectCols[i], q.name);
    }
    const plan = [
      ['model', 'calls'],
      ['workload', 'from_model', 'to_model'],
      ['error', 'count'],
      ['model', 'first_warning', 'rate_limit', 'seconds_warning'],
    ];
    for (const [i, h] of bundled.health.slice(4).entries()) {
      const r = await runLogfireQuery(store, h.sql);
      assert.deepEqual(r.columns.map((c) => c.name), plan[i], h.id);
      assert.ok(r.rowCount > 0, `${h.id} returns rows on demo data`);
    }
  });

  test('warnings before rate limits: EXTRACT(EPOCH FROM (a - b)) and the LEFT JOIN agree with JS', async () => {
    const r = await runLogfireQuery(store, bundled.health[7].sql);
    const limits = rows.filter((x) => x.message.startsWith('Rate limit'));
    assert.equal(r.rowCount, new Set(limits.map((l) => `${attr(l, 'model')}|${l.start_timestamp}`)).size);
    const byKey = new Map(r.rows.map((x) => [`${x[0]}|${Date.parse(x[2] as string)}`, x]));
    for (const l of limits.slice(0, 25)) {
      const warns = rows.filter((w) => w.message.startsWith('Capacity warning') && attr(w, 'model') === attr(l, 'model') && w.start_timestamp < l.start_timestamp);
      const first = Math.min(...warns.map((w) => w.start_timestamp));
      const got = byKey.get(`${attr(l, 'model')}|${Math.floor(l.start_timestamp / 1000)}`);
      assert.ok(got, 'rate limit row present');
      assert.ok(Math.abs((got[3] as number) - (l.start_timestamp - first) / 1e6) < 1e-3);
    }
  });

  test('the MIN-over-inequality-join rewrite returns exactly the verbatim plan\'s rows', async () => {
    const sort = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
    const sql = bundled.health[7].sql;
    const t = await translateLogfireSql(sql);
    assert.match(t.sql, /LEFT JOIN \(\s*SELECT model AS model, min\(warn_time\) AS warn_time FROM warnings GROUP BY model\s*\) AS w/);
    const fast = await runLogfireQuery(store, sql);
    const slow = await runLogfireQuery(store, sql, { optimize: false });
    assert.ok(fast.rowCount > 10);
    assert.deepEqual(sort(fast.rows), sort(slow.rows));
    // limits before any warning, between warnings, duplicate (model, time) pairs, an unknown model
    const t0 = NOW.getTime() - HOUR;
    const at = (m: number) => new Date(t0 + m * 60_000);
    const small = await memoryStore([
      row({ at: at(10), message: 'Capacity warning: A at 90% (x)', attributes: { model: 'A' } }),
      row({ at: at(30), message: 'Capacity warning: A at 95% (x)', attributes: { model: 'A' } }),
      row({ at: at(5), message: 'Rate limit: A', attributes: { model: 'A' } }),
      row({ at: at(20), message: 'Rate limit: A', attributes: { model: 'A' } }),
      row({ at: at(20), message: 'Rate limit: A', attributes: { model: 'A' } }),
      row({ at: at(40), message: 'Rate limit: A', attributes: { model: 'A' } }),
      row({ at: at(41), message: 'Rate limit: B', attributes: { model: 'B' } }),
      row({ at: at(42), message: 'Rate limit: none', attributes: {} }),
    ]);
    try {
      const a = await runLogfireQuery(small, sql);
      const b = await runLogfireQuery(small, sql, { optimize: false });
      assert.deepEqual(sort(a.rows), sort(b.rows));
      const got = a.rows.map((r) => [r[0], r[1] === null ? null : (Date.parse(r[1] as string) - t0) / 60_000, (Date.parse(r[2] as string) - t0) / 60_000, r[3]]);
      assert.deepEqual(sort(got), sort([['A', null, 5, null], ['A', 10, 20, 600], ['A', 10, 40, 1800], ['B', null, 41, null], [null, null, 42, null]]));
    } finally {
      await small.close();
    }
    // MAX with the mirrored inequality, and a NULL-producing case (warnings only after the limit)
    const mirrored = `WITH w0 AS (SELECT start_timestamp AS t, attributes->>'model' AS m FROM records WHERE message LIKE 'Capacity warning%'),
      l0 AS (SELECT start_timestamp AS t, attributes->>'model' AS m FROM records WHERE message LIKE 'Rate limit%')
      SELECT l.m, l.t, MAX(w.t) AS last_after FROM l0 l LEFT JOIN w0 w ON w.m = l.m AND l.t < w.t GROUP BY l.m, l.t`;
    assert.match((await translateLogfireSql(mirrored)).sql, /max\(t\) AS t FROM w0 GROUP BY m/);
    assert.deepEqual(sort((await runLogfireQuery(store, mirrored)).rows), sort((await runLogfireQuery(store, mirrored, { optimize: false })).rows));
  });

  test('queries where the rewrite would change results are left alone', async () => {
    const base = `WITH a AS (SELECT start_timestamp AS t, attributes->>'model' AS m FROM records WHERE message LIKE 'Rate limit%'),
      b AS (SELECT start_timestamp AS t, attributes->>'model' AS m FROM records WHERE message LIKE 'Capacity warning%')`;
    for (const tail of [
      'SELECT l.m, l.t, COUNT(w.t) FROM a l LEFT JOIN b w ON l.m = w.m AND w.t < l.t GROUP BY l.m, l.t',
      'SELECT l.m, l.t, MAX(w.t) FROM a l LEFT JOIN b w ON l.m = w.m AND w.t < l.t GROUP BY l.m, l.t',
      'SELECT l.m, l.t, MIN(w.t), w.m FROM a l LEFT JOIN b w ON l.m = w.m AND w.t < l.t GROUP BY l.m, l.t, w.m',
      'SELECT l.m, l.t, MIN(t) FROM a l LEFT JOIN b w ON l.m = w.m AND w.t < l.t GROUP BY l.m, l.t',
    ]) {
      const opt = await translateLogfireSql(`${base} ${tail}`);
      const plain = await translateLogfireSql(`${base} ${tail}`, { optimize: false });
      assert.equal(opt.sql, plain.sql, tail);
    }
  });

  test('the panel window restricts records like Logfire min_timestamp', async () => {
    const { min } = parseTimeRange('1h', NOW);
    const r = await runLogfireQuery(store, 'SELECT COUNT(*) AS n FROM records', { minTimestamp: min });
    assert.equal(r.rows[0][0], rows.filter((x) => x.start_timestamp >= min.getTime() * 1000).length);
    // an alias and a CTE named after another table keep working
    const r2 = await runLogfireQuery(store, 'WITH w AS (SELECT * FROM records r WHERE r.level >= 1) SELECT COUNT(*) FROM w', { minTimestamp: min });
    assert.equal(r2.rows[0][0], r.rows[0][0]);
  });

  test('row limit and truncation', async () => {
    const r = await runLogfireQuery(store, 'SELECT span_id FROM records', { limit: 10 });
    assert.equal(r.rowCount, 10);
    assert.equal(r.truncated, true);
    const r2 = await runLogfireQuery(store, 'SELECT 1 AS x', { limit: 10 });
    assert.equal(r2.truncated, false);
  });
});

describe('Logfire idioms', () => {
  let store: TelemetryStore;
  const t0 = new Date(Date.now() - HOUR);
  before(async () => {
    store = await memoryStore([
      row({ at: t0, message: 'a', level: 9, attributes: { s: 'x', i: 3, f: 2.5, b: true, nested: { k: 'v', n: 7 }, '$odd': 'dollar' }, tags: ['red', 'blue'] }),
      row({ at: t0, message: 'b', level: 13, attributes: { s: 'y', i: '4' }, tags: ['blue'] }),
      row({ at: t0, message: 'c', level: 17, attributes: {} }),
      row({ at: t0, message: 'd', level: 21, attributes: {} }),
      row({ at: t0, message: 'e', level: 5, attributes: {} }),
    ]);
  });
  after(() => store.close());
  const q = async (sql: string) => (await runLogfireQuery(store, sql)).rows;

  test("level = 'warn', level >= 'error', level IN (...), 'warning'", async () => {
    assert.deepEqual(await q("SELECT message FROM records WHERE level = 'warn'"), [['b']]);
    assert.deepEqual(await q("SELECT message FROM records WHERE level >= 'error' ORDER BY 1"), [['c'], ['d']]);
    assert.deepEqual(await q("SELECT message FROM records WHERE 'info' > level"), [['e']]);
    assert.deepEqual(await q("SELECT message FROM records WHERE records.level IN ('warning', 'fatal') ORDER BY 1"), [['b'], ['d']]);
    assert.deepEqual(await q("SELECT message FROM records WHERE level BETWEEN 'info' AND 'warn' ORDER BY 1"), [['a'], ['b']]);
  });

  test('level_num() and level_name()', async () => {
    assert.deepEqual(await q("SELECT level_num('warn'), level_num('ERROR'), level_num(message) FROM records WHERE message = 'a'"), [[13, 17, null]]);
    assert.deepEqual(await q('SELECT level_name(level) FROM records ORDER BY level'), [['debug'], ['info'], ['warn'], ['error'], ['fatal']]);
    await assert.rejects(translateLogfireSql("SELECT level_num('loud')"), /Unknown level 'loud'/);
  });

  test('time_bucket, array_has, NOW() - INTERVAL', async () => {
    const r = await q("SELECT time_bucket('1 hour', start_timestamp) AS h, COUNT(*) FROM records WHERE start_timestamp > NOW() - INTERVAL '2 hours' GROUP BY 1");
    assert.equal(r.length, 1);
    assert.match(r[0][0] as string, /T\d\d:00:00\.000000Z$/);
    assert.deepEqual(await q("SELECT message FROM records WHERE array_has(tags, 'blue') ORDER BY 1"), [['a'], ['b']]);
  });

  test('timestamps keep their microseconds (ISO 8601 UTC, six digits), in lists too; ±infinity is text', async () => {
    const times = ['1969-12-31T23:59:59.999999Z', '1970-01-01T00:00:00.000001Z', '2026-11-23T13:07:42.123456Z'];
    const s2 = await TelemetryStore.open({ path: ':memory:', retentionIntervalMs: 0 });
    try {
      const us = [-1, 1, Date.UTC(2026, 10, 23, 13, 7, 42) * 1000 + 123456];
      await s2.insertBatch({ records: us.map((u, i) => ({ ...row({ at: new Date(0), message: `m${i}` }), start_timestamp: u, end_timestamp: u })) });
      assert.deepEqual((await runLogfireQuery(s2, 'SELECT start_timestamp FROM records ORDER BY 1')).rows, times.map((t) => [t]));
      const [[list, naive]] = (await runLogfireQuery(s2, "SELECT list(start_timestamp ORDER BY start_timestamp), max(start_timestamp)::TIMESTAMP FROM records")).rows;
      assert.deepEqual(list, times);
      assert.equal(naive, times[2]);
      assert.deepEqual((await runLogfireQuery(s2, "SELECT 'infinity'::TIMESTAMPTZ, '-infinity'::TIMESTAMP")).rows, [['infinity', '-infinity']]);
    } finally {
      await s2.close();
    }
  });

  test('DATE_TRUNC / time_bucket on the timestamp columns: fast path gives identical results', async () => {
    const times = ['1969-12-31T23:59:59.999999Z', '1970-01-01T00:00:00Z', '2026-02-28T23:59:59.5Z', '2026-03-29T01:30:00.123456Z', '2026-11-23T13:07:42.000001Z'];
    const s2 = await memoryStore(times.map((t) => row({ at: new Date(t), message: t })));
    try {
      for (const unit of ['second', 'minute', 'hour', 'day']) {
        const sql = `SELECT message, DATE_TRUNC('${unit}', start_timestamp) AS a, time_bucket('1 ${unit}', start_timestamp) AS b, COUNT(*) FROM records GROUP BY 1, 2, 3 ORDER BY 1`;
        assert.match((await translateLogfireSql(sql)).sql, /epoch_us/);
        const fast = await runLogfireQuery(s2, sql);
        const slow = await runLogfireQuery(s2, sql, { optimize: false });
        assert.deepEqual(fast.rows, slow.rows, unit);
        assert.deepEqual(fast.columns, slow.columns);
      }
      assert.doesNotMatch((await translateLogfireSql("SELECT DATE_TRUNC('week', start_timestamp), time_bucket('5 minutes', start_timestamp) FROM records")).sql, /epoch_us/);
    } finally {
      await s2.close();
    }
  });

  test('several keys of one JSON column are read with one parse: identical rows and columns', async () => {
    const sqls = [
      "SELECT attributes->>'s' AS s, attributes->>'i' AS i, attributes->>'nested' AS n, attributes->>'$odd' AS o, attributes->>'missing' AS m, COUNT(*) AS c FROM records GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3",
      "SELECT attributes->>'s' AS s, MAX(CAST(attributes->>'i' AS INT)) AS mx, AVG(CAST(attributes->>'i' AS FLOAT)) AS av FROM records WHERE attributes->>'s' IS NOT NULL GROUP BY attributes->>'s' HAVING COUNT(attributes->>'i') > 0 ORDER BY attributes->>'s'",
      "SELECT message, attributes->'nested'->>'k' AS k, attributes->>'s' AS s FROM records ORDER BY message",
      "SELECT DISTINCT ON (attributes->>'s') attributes->>'s' AS s, attributes->>'i' AS i FROM records ORDER BY attributes->>'s', attributes->>'i'",
      "SELECT s, (SELECT COUNT(*) FROM records r2 WHERE r2.attributes->>'s' = x.s) AS n FROM (SELECT attributes->>'s' AS s, attributes->>'i' AS i FROM records) x ORDER BY 1",
    ];
    for (const sql of sqls) {
      const fast = await runLogfireQuery(store, sql);
      const slow = await runLogfireQuery(store, sql, { optimize: false });
      assert.deepEqual(fast.rows, slow.rows, sql);
      assert.deepEqual(fast.columns, slow.columns, sql);
    }
    assert.match((await translateLogfireSql(sqls[0])).sql, /json_extract_string\(attributes, ARRAY\['s', 'i', 'nested', '\$\."\$odd"', 'missing'\]\)\)\[5\] AS m/);
    // One key, an unnamed output column of a subquery (named after its expression) or a wildcard path: left as written.
    for (const sql of [
      "SELECT attributes->>'s' AS s, COUNT(*) FROM records GROUP BY 1",
      "SELECT * FROM (SELECT attributes->>'s', attributes->>'i' AS i FROM records) x",
      "SELECT json_extract_string(attributes, '$.*') AS a, attributes->>'s' AS s FROM records",
    ]) {
      assert.equal((await translateLogfireSql(sql)).sql, (await translateLogfireSql(sql, { optimize: false })).sql, sql);
    }
  });

  test('-> vs ->>, nesting, keys that look like paths', async () => {
    assert.deepEqual(await q("SELECT attributes->>'s', attributes->'s', attributes->'nested'->>'k', attributes->>'nested', attributes->>'$odd' FROM records WHERE message = 'a'"), [
      ['x', '"x"', 'v', '{"k":"v","n":7}', 'dollar'],
    ]);
    assert.deepEqual(await q("SELECT (attributes->'nested'->>'n')::int + 1 FROM records WHERE message = 'a'"), [[8]]);
  });

  test('json_get_str/int/float/bool are typed like DataFusion (wrong type → NULL)', async () => {
    assert.deepEqual(
      await q("SELECT json_get_str(attributes, 's'), json_get_int(attributes, 'i'), json_get_float(attributes, 'f'), json_get_bool(attributes, 'b'), json_get_int(attributes, 'nested', 'n'), json_get_str(attributes, 'i') FROM records ORDER BY message LIMIT 2"),
      [
        ['x', 3, 2.5, true, 7, null],
        ['y', null, null, null, null, '4'],
      ],
    );
  });
});

describe('read-only and errors', () => {
  let store: TelemetryStore;
  before(async () => {
    store = await memoryStore([row({ at: new Date(), message: 'keep me' })]);
  });
  after(() => store.close());

  const refused = [
    "INSERT INTO records (message) VALUES ('x')",
    "UPDATE records SET message = 'x'",
    'DELETE FROM records',
    "COPY records TO '/tmp/x.csv'",
    "ATTACH '/tmp/other.db' AS o",
    'PRAGMA database_list',
    "SET memory_limit = '1GB'",
    'CREATE TABLE t AS SELECT 1',
    'DROP TABLE records_all',
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_json_auto('/etc/hosts')",
    "SELECT * FROM glob('/etc/*')",
    'SELECT * FROM "/etc/passwd.csv"',
    "SELECT * FROM query('DELETE FROM records')",
    'SELECT 1; DELETE FROM records',
    'WITH d AS (DELETE FROM records RETURNING *) SELECT * FROM d',
    'SELECT * INTO t2 FROM records',
    "SELECT read_text('/etc/passwd')",
  ];
  for (const sql of refused) {
    test(`refused: ${sql}`, async () => {
      await assert.rejects(runLogfireQuery(store, sql), (e: unknown) => e instanceof QueryError && e.kind === 'readonly' && /allowed|only|refused/.test(e.message));
    });
  }

  test('a misspelt or unknown first word is a syntax error with its position, not a refusal', async () => {
    for (const [sql, re] of [
      ['SELEC 1', /^SQL syntax error: syntax error at or near "SELEC" \(did you mean SELECT\?\) \(line 1, column 1\)$/],
      ['wtih x AS (SELECT 1) SELECT * FROM x', /^SQL syntax error: syntax error at or near "wtih" \(did you mean WITH\?\) \(line 1, column 1\)$/],
      ['records WHERE level > 9', /^SQL syntax error: syntax error at or near "records" \(line 1, column 1\)$/],
    ] as const) {
      await assert.rejects(runLogfireQuery(store, sql), (e: unknown) => {
        assert.ok(e instanceof QueryError, String(e));
        assert.equal(e.kind, 'syntax');
        assert.match(e.message, re);
        assert.deepEqual([e.position?.line, e.position?.column], [1, 1]);
        return true;
      });
    }
  });

  test('the store is unchanged after the refused statements', async () => {
    const r = await runLogfireQuery(store, 'SELECT message FROM records');
    assert.deepEqual(r.rows, [['keep me']]);
  });

  test('the query connection itself is read-only (defence in depth)', async () => {
    const { runDuckDbSql } = await import('../../server/telemetry/sql/index');
    await assert.rejects(runDuckDbSql(store, "DELETE FROM records_all", { readOnly: true }), /read-only/);
  });

  test('syntax errors carry line and column', async () => {
    await assert.rejects(translateLogfireSql('SELECT *\nFROM records\nWHERE level = = 1'), (e: unknown) => {
      assert.ok(e instanceof QueryError);
      assert.equal(e.kind, 'syntax');
      assert.deepEqual([e.position?.line, e.position?.column], [3, 15]);
      assert.match(e.message, /line 3, column 15/);
      return true;
    });
  });

  test('execution errors are reported, not thrown raw', async () => {
    await assert.rejects(runLogfireQuery(store, 'SELECT no_such_column FROM records'), (e: unknown) => e instanceof QueryError && e.kind === 'execution' && /no_such_column/.test(e.message));
  });

  test('errors name what the user wrote, never DuckDB internals', async () => {
    for (const [sql, message] of [
      ['SELECT * FROM recods', /^Query failed: Table recods does not exist: Logfire queries read records, records_all, metrics\. Did you mean records\?$/],
      ['SELECT * FROM spans', /^Query failed: Table spans does not exist: Logfire queries read records, records_all, metrics\.$/],
      ['SELECT spanname FROM records', /^Query failed: Column spanname does not exist \(did you mean span_name\?\)$/],
      ['SELECT frobnicate(message) FROM records', /^Query failed: Function frobnicate\(\) is not available in Logfire SQL on the local store$/],
      ["SELECT message ~ '(' FROM records", /^Query failed: Invalid regular expression: /],
      ["SELECT time_bucket($resolution, start_timestamp) FROM records", /^\$resolution is a Logfire dashboard variable.*\(line 1, column 20\)$/],
    ] as const) {
      await assert.rejects(runLogfireQuery(store, sql), (e: Error) => {
        assert.ok(e instanceof QueryError);
        assert.match(e.message, message, sql);
        assert.doesNotMatch(e.message, /duckdb_|LINE \d|json_extract|_records_keyed|Catalog Error|Binder Error/, sql);
        return true;
      });
    }
  });

  test('cancellation interrupts a running query', async () => {
    const ac = new AbortController();
    const p = runLogfireQuery(store, 'SELECT COUNT(*) FROM range(100000000000) a', { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(p, (e: unknown) => e instanceof QueryError && e.kind === 'cancelled');
  });
});
