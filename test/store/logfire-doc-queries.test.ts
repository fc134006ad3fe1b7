// Logfire's documented SQL (test/fixtures/logfire-doc-queries.yaml) on a demo store: each query gives the
// result of an independent formulation over the same rows, or its documented refusal.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../server/paths';
import { generateDemoRecords } from '../../server/telemetry/demo';
import { runDuckDbSql, runLogfireQuery, QueryError } from '../../server/telemetry/sql/index';
import type { TelemetryStore, RecordRow } from '../../server/telemetry/store';
import type { QueryResult } from '../../protocol/protocol';
import { awayFromWindowEdges, memoryStore } from './sql-helpers';
import { docTrafficRecords } from './doc-traffic';

export interface DocQuery {
  id: string;
  source: string;
  block: number | string;
  sql: string;
  where?: boolean;
  vars?: Record<string, string>;
  ids?: boolean;
  expect?: string;
  expect_js?: 'log-histogram' | 'span-metric-details';
  error?: string;
  ordered?: boolean;
  columns?: string[];
  allow_empty?: boolean;
  depends?: 'metrics';
}

export function docQueries(): DocQuery[] {
  const text = fs.readFileSync(path.join(packageRoot(), 'test', 'fixtures', 'logfire-doc-queries.yaml'), 'utf8');
  return (parse(text) as { queries: DocQuery[] }).queries;
}

const NOW = new Date();

function fill(sql: string, q: DocQuery, ids: { trace_id: string; span_id: string }): string {
  let out = sql;
  for (const [k, v] of Object.entries(q.vars ?? {})) out = out.split(k.startsWith('%') ? k : `$${k}`).join(v);
  if (q.ids) out = out.replace('$trace_id', ids.trace_id).replace('$span_id', ids.span_id);
  return out;
}

const norm = (v: unknown): unknown => (typeof v === 'number' ? Number(v.toPrecision(10)) : Array.isArray(v) ? v.map(norm) : v);

function pick(r: QueryResult, columns: string[] | undefined): unknown[][] {
  if (!columns) return r.rows.map((row) => row.map(norm));
  const idx = columns.map((c) => r.columns.findIndex((x) => x.name === c));
  assert.ok(idx.every((i) => i >= 0), `columns ${columns.join(', ')} in ${r.columns.map((c) => c.name).join(', ')}`);
  return r.rows.map((row) => idx.map((i) => norm(row[i])));
}

const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

/** The log-scale histogram of write-dashboard-queries, computed in JS from the stored durations. */
function logHistogram(rows: RecordRow[]): { mids: number[]; counts: number[] } {
  const xs = rows.map((r) => r.duration).filter((d): d is number => d !== null);
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const shift = min <= 0 ? 1 - min : 0;
  const b = min === max ? 1.000000001 : Math.exp(Math.log((max + shift) / (min + shift)) / 40);
  const counts = new Array<number>(40).fill(0);
  for (const x of xs) {
    const i = Math.floor(Math.log((x + shift) / (min + shift)) / Math.log(b));
    if (i >= 0 && i < 40) counts[i]++;
  }
  const mids = counts.map((_, i) => Math.round(((min + shift) * b ** (i + 0.5) - shift) * 1000) / 1000);
  return { mids, counts };
}

describe("Logfire's documented queries on the local store", () => {
  let store: TelemetryStore;
  let rows: RecordRow[];
  let ids: { trace_id: string; span_id: string };
  const queries = docQueries();
  before(async () => {
    const docs = docTrafficRecords(NOW);
    rows = [...awayFromWindowEdges(generateDemoRecords({ records: 3000, seed: 5, now: NOW }), NOW), ...docs];
    store = await memoryStore(rows);
    ids = { trace_id: docs[3].trace_id, span_id: docs[3].span_id };
  });
  after(() => store.close());

  test('the corpus: at least 60 queries with unique ids and a source page; at least 95% of the records queries run', () => {
    assert.ok(queries.length >= 60, `${queries.length} queries`);
    assert.equal(new Set(queries.map((q) => q.id)).size, queries.length);
    for (const q of queries) {
      assert.match(q.source, /^docs\/.+\.md$/, q.id);
      assert.ok((q.expect || q.expect_js) !== undefined || q.error !== undefined, `${q.id} has an expectation`);
    }
    const records = queries.filter((q) => !q.depends);
    const running = records.filter((q) => !q.error);
    assert.ok(running.length / records.length >= 0.95, `${running.length} of ${records.length}`);
    // docs/cli-store.md states these numbers.
    const metrics = queries.filter((q) => q.depends);
    const doc = fs.readFileSync(path.join(packageRoot(), 'docs', 'cli-store.md'), 'utf8').replace(/\s+/g, ' ');
    assert.ok(doc.includes(`runs ${queries.length} queries copied from Logfire's documentation`), 'docs: corpus size');
    assert.ok(doc.includes(`Of the ${records.length} queries on \`records\`, ${running.length} run with the same result`), 'docs: records queries');
    assert.ok(doc.includes(`Of the ${metrics.length} queries on \`metrics\`, ${metrics.filter((q) => !q.error).length} run`), 'docs: metrics queries');
  });

  for (const q of queries) {
    test(`${q.id} (${q.source} ${q.block})`, async () => {
      const sql = fill(q.where ? `SELECT trace_id, span_id, kind FROM records WHERE ${q.sql}` : q.sql, q, ids);
      if (q.error) {
        await assert.rejects(runLogfireQuery(store, sql), (e: Error) => {
          assert.ok(e instanceof QueryError, e.message);
          assert.match(e.message, new RegExp(q.error!));
          assert.doesNotMatch(e.message, /duckdb_|LINE \d|json_extract|_records_keyed|_attr_/, 'no DuckDB internals in the message');
          return true;
        });
        return;
      }
      const got = await runLogfireQuery(store, sql);
      if (q.expect_js === 'log-histogram') {
        const { mids, counts } = logHistogram(rows);
        assert.equal(got.rows.length, 40);
        assert.deepEqual(got.rows.map((r) => Number(r[0])), mids);
        const gotCounts = got.rows.map((r) => r[1] as number);
        // The largest value sits on the last bucket's upper edge: floating point may put it in or out.
        assert.deepEqual(gotCounts.slice(0, 39), counts.slice(0, 39));
        assert.ok(Math.abs(gotCounts[39] - counts[39]) <= 1);
        return;
      }
      if (q.expect_js === 'span-metric-details') {
        const expected: unknown[][] = [];
        for (const r of rows) {
          const m = (r.attributes as Record<string, Record<string, { details: { total: number; attributes: Record<string, string> }[] }>>)['logfire.metrics'];
          for (const d of m?.['gen_ai.client.token.usage']?.details ?? []) expected.push([r.span_name, 'gen_ai.client.token.usage', String(d.total), d.attributes['gen_ai.token.type']]);
        }
        assert.ok(expected.length > 0);
        assert.deepEqual(got.columns.map((c) => c.name), ['span_name', 'span_metric_name', 'total', 'token_type']);
        assert.deepEqual(sorted(got.rows), sorted(expected));
        return;
      }
      const want = await runDuckDbSql(store, fill(q.where ? `SELECT trace_id, span_id, kind FROM records WHERE ${q.expect}` : q.expect!, q, ids), { readOnly: true });
      if (!q.allow_empty) assert.ok(want.rows.length > 0, 'the expected result is not empty (the store has rows for this query)');
      if (!q.columns) assert.deepEqual(got.columns.map((c) => c.name), want.columns.map((c) => c.name), 'column names');
      assert.equal(got.rows.length, want.rows.length, 'row count');
      const [a, b] = [pick(got, q.columns), pick(want, q.columns)];
      if (q.ordered) assert.deepEqual(a, b);
      else assert.deepEqual(sorted(a), sorted(b));
    });
  }
});
