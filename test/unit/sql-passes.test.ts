// One table per rewrite pass (server/telemetry/sql/passes/): Logfire SQL in, the DuckDB SQL that pass alone
// makes of it out. The results these rewrites give are tested on a real store in test/store.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { deparsePg, loadParser, parsePg } from '../../server/telemetry/sql/pg';
import type { Pass, RewriteOptions } from '../../server/telemetry/sql/pass';
import { PASSES } from '../../server/telemetry/sql/passes';
import { rewriteStatement } from '../../server/telemetry/sql/rewrite';
import { readOnlyGuard } from '../../server/telemetry/sql/passes/readonly';
import { outputNames } from '../../server/telemetry/sql/passes/names';
import { functions } from '../../server/telemetry/sql/passes/functions';
import { operators } from '../../server/telemetry/sql/passes/operators';
import { nullOrder } from '../../server/telemetry/sql/passes/null-order';
import { keptColumns } from '../../server/telemetry/sql/passes/kept-columns';
import { timeWindow } from '../../server/telemetry/sql/passes/window';
import { extremumJoin } from '../../server/telemetry/sql/passes/extremum-join';
import { jsonInList } from '../../server/telemetry/sql/passes/json-in-list';
import { timestampTruncation } from '../../server/telemetry/sql/passes/timestamp-truncation';
import { sharedJsonParse } from '../../server/telemetry/sql/passes/shared-json-parse';

/** The guard (which changes nothing, and collects the CTE names later passes respect) and then `pass`. */
function run(pass: Pass, sql: string, opts: RewriteOptions = {}): string {
  return deparsePg(rewriteStatement(parsePg(sql).stmts[0].stmt, opts, [readOnlyGuard, pass]).stmt);
}

const TABLES: [Pass, [string, string][], RewriteOptions?][] = [
  [
    outputNames,
    [
      ['SELECT count(*), count() FROM records', 'SELECT count(*) AS "count(*)", count() AS "count(*)" FROM records'],
      ["SELECT attributes->>'http.route' FROM records", `SELECT attributes ->> 'http.route' AS "attributes ->> 'http.route'" FROM records`],
      ['SELECT max(duration) * 1000 FROM records r', 'SELECT max(duration) * 1000 AS "max(r.duration) * Int64(1000)" FROM records AS r'],
      ['SELECT span_name, level_name(level) AS level FROM records', 'SELECT span_name, level_name(level) AS level FROM records'],
      ['SELECT x FROM (SELECT count(*) FROM records) s(x)', 'SELECT x FROM ( SELECT count(*) FROM records ) AS s(x)'],
    ],
  ],
  [
    functions,
    [
      ['SELECT approx_percentile_cont(duration, 0.95) FROM records', 'SELECT quantile_cont(duration, 0.95) FROM records'],
      ['SELECT approx_percentile_cont(0.9) WITHIN GROUP (ORDER BY duration DESC) FROM records', 'SELECT quantile_cont(duration, 1 - 0.9) FROM records'],
      ['SELECT approx_distinct(trace_id) FROM records', 'SELECT count(DISTINCT trace_id) FROM records'],
      ["SELECT date_bin(INTERVAL '15 minutes', start_timestamp) FROM records", "SELECT time_bucket('15 minutes'::interval, start_timestamp, '1970-01-01 00:00:00+00'::timestamptz) FROM records"],
      ["SELECT level_num('warn'), x::numeric FROM t", 'SELECT 13, CAST(x AS double precision) FROM t'],
    ],
  ],
  [
    operators,
    [
      ["SELECT * FROM records WHERE message ~* 'glm'", "SELECT * FROM records WHERE regexp_matches(message, 'glm', 'is')"],
      ["SELECT attributes ? 'http.route' FROM records", `SELECT CASE WHEN json_type(attributes) = 'ARRAY' THEN list_contains(CAST(json_extract(attributes, '$[*]') AS varchar[]), (to_json('http.route'))::varchar) ELSE "json_exists"(attributes, 'http.route') END FROM records`],
      ["SELECT 1 FROM records WHERE level >= 'error'", 'SELECT 1 FROM records WHERE level >= 17'],
      ["SELECT attributes->>'a' IN ('x') FROM records", "SELECT json_extract_string(attributes, 'a') IN ('x') FROM records"],
      ["SELECT message SIMILAR TO 'a%' FROM records", "SELECT regexp_full_match(message, 'a.*', 's') FROM records"],
    ],
  ],
  [
    nullOrder,
    [
      ['SELECT duration FROM records ORDER BY duration DESC, span_name', 'SELECT duration FROM records ORDER BY duration DESC NULLS FIRST, span_name NULLS LAST'],
      ['SELECT duration FROM records ORDER BY duration DESC NULLS LAST', 'SELECT duration FROM records ORDER BY duration DESC NULLS LAST'],
    ],
  ],
  [
    timeWindow,
    [
      [
        'SELECT count(*) FROM records',
        "SELECT count(*) FROM ( SELECT * FROM records WHERE start_timestamp >= '2026-01-01T00:00:00.000Z'::timestamptz ) AS records",
      ],
      ['WITH records AS (SELECT 1) SELECT * FROM records', 'WITH records AS (SELECT 1) SELECT * FROM records'],
    ],
    { minTimestamp: new Date('2026-01-01T00:00:00Z') },
  ],
  [
    keptColumns,
    [
      ["SELECT json_extract_string(attributes, 'model') AS m FROM records", 'SELECT records._attr_model AS m FROM _records_keyed AS records'],
      ["SELECT * FROM records WHERE json_extract_string(attributes, 'model') = 'x'", "SELECT * FROM records WHERE json_extract_string(attributes, 'model') = 'x'"],
    ],
    { attributeColumns: new Map([['model', '_attr_model']]) },
  ],
  [
    extremumJoin,
    [
      [
        'SELECT l.k, MIN(w.t) AS first FROM a AS l LEFT JOIN b AS w ON l.k = w.k AND w.t < l.t GROUP BY l.k',
        'SELECT l.k, min(w.t) AS first FROM a AS l LEFT JOIN ( SELECT k AS k, min(t) AS t FROM b GROUP BY k ) AS w ON l.k = w.k AND w.t < l.t GROUP BY l.k',
      ],
      ['SELECT l.k, MIN(w.t), w.x FROM a AS l LEFT JOIN b AS w ON l.k = w.k AND w.t < l.t GROUP BY l.k, w.x', 'SELECT l.k, min(w.t), w.x FROM a AS l LEFT JOIN b AS w ON l.k = w.k AND w.t < l.t GROUP BY l.k, w.x'],
    ],
  ],
  [
    jsonInList,
    [
      ["SELECT 1 FROM records WHERE json_extract_string(attributes, 'a') IN ('x', 'y') AND level > 9", "SELECT 1 FROM records WHERE list_contains(ARRAY['x', 'y'], json_extract_string(attributes, 'a')) AND level > 9"],
      ["SELECT json_extract_string(attributes, 'a') IN ('x', 'y') FROM records", "SELECT json_extract_string(attributes, 'a') IN ('x', 'y') FROM records"],
    ],
  ],
  [
    timestampTruncation,
    [
      ["SELECT date_trunc('hour', start_timestamp) FROM records", 'SELECT to_timestamp(CAST(floor(epoch_us(start_timestamp) / 3600000000.0) AS bigint) * 3600) FROM records'],
      ["SELECT date_trunc('month', start_timestamp) FROM records", "SELECT date_trunc('month', start_timestamp) FROM records"],
    ],
  ],
  [
    sharedJsonParse,
    [
      [
        "SELECT json_extract_string(attributes, 'a') AS a, json_extract_string(attributes, 'b') AS b FROM records",
        "SELECT (json_extract_string(attributes, ARRAY['a', 'b']))[1] AS a, (json_extract_string(attributes, ARRAY['a', 'b']))[2] AS b FROM records",
      ],
    ],
  ],
];

describe('SQL rewrite passes: input → output, one pass at a time', () => {
  before(() => loadParser());

  test('every pass has a table, in the order of the pass list', () => {
    const tested = new Set([readOnlyGuard, ...TABLES.map(([p]) => p)]);
    for (const p of PASSES) assert.ok(tested.has(p), `no table for pass ${p.name}`);
  });

  for (const [pass, cases, opts] of TABLES) {
    test(pass.name, () => {
      for (const [input, output] of cases) assert.equal(run(pass, input, opts), output, input);
    });
  }

  test('read-only guard: refuses, keeps read-only queries as they are', () => {
    assert.equal(run(readOnlyGuard, 'SELECT 1 FROM records'), 'SELECT 1 FROM records');
    for (const [sql, msg] of [
      ['DELETE FROM records', /DELETE is refused/],
      ["SELECT * FROM read_csv('x.csv')", /Table function read_csv\(\) is not allowed/],
      ['SELECT 1 INTO t FROM records', /SELECT INTO/],
      ['WITH d AS (DELETE FROM records RETURNING 1) SELECT * FROM d', /modifies data/],
      ["SELECT getenv('HOME')", /getenv\(\) is not allowed/],
    ] as const) {
      assert.throws(() => run(readOnlyGuard, sql), msg, sql);
    }
  });
});
