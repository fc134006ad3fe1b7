// The store's one write path: every row that reaches records_all, metrics, runs or the conformance
// tables goes through RecordWriter, whether it came from the receiver (insertBatch: JS rows) or from
// files (insertSelect: a SELECT over files, see bulk.ts). The rules live here once:
// - de-duplication on DEDUP_KEY: rows equal to stored ones, or to each other, are stored once;
// - pending spans are rows like any other: kind 'pending_span', the real span's span_id (map.ts), kept
//   in records_all after the real span arrives, as Logfire keeps them (the `records` view leaves them out);
// - runs: each run id met gets its `runs` row (registerRuns).
//
// RecordWriter runs on the store's write connection and is only called inside the store's write
// serialisation (TelemetryStore.exclusive): one transaction at a time.
import fs from 'node:fs';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { METRIC_COLUMNS } from '../records';
import { appendChunks, appendRecords, appendTo, directSpec, INT32_MAX, INT32_MIN, RECORD_STAGE, TS_COLUMNS, VIOLATION_CHUNKS, type ChunkSpec } from './chunks';
import { DEDUP_KEY, keyHash, keyString, RecentKeys, sameKey } from './recent-keys';
import { keptValuesSql } from './schema';
import { bareType, listLiteral, LONE_SURROGATE_ESCAPE, sqlString, tsLiteral, wellFormed } from './sqltext';
import type { AttributeColumn, InsertResult, MetricRow, RecordRow, ViolationRow } from './types';

/** What insertSelect did. */
export interface SelectInsertResult {
  /** Rows the SELECT produced (when the store had rows in their time range; else the rows inserted). */
  rows: number;
  inserted: number;
  duplicates: number;
  runIds: string[];
}

/** read_json column spec and SELECT list converting epoch-µs numbers to TIMESTAMPTZ. */
function loaderFor(columns: readonly (readonly [string, string])[]): { names: string[]; spec: string; select: string } {
  const cols = columns.filter(([n]) => n !== 'created_at');
  const names = cols.map(([n]) => n);
  const spec = `{${cols.map(([n, t]) => `${n}: '${TS_COLUMNS.has(n) ? 'BIGINT' : bareType(t)}'`).join(', ')}}`;
  const select = cols.map(([n]) => (TS_COLUMNS.has(n) ? `make_timestamp(${n})::TIMESTAMPTZ AS ${n}` : n)).join(', ');
  return { names, spec, select };
}

const METRIC_LOADER = loaderFor(METRIC_COLUMNS);

/** `r.k = b.k AND …` over the de-duplication key. */
const keyEquals = (r: string, b: string) => DEDUP_KEY.map((k) => `${r}.${k} = ${b}.${k}`).join(' AND ');
const KEY_LIST = DEDUP_KEY.join(', ');

export class RecordWriter {
  /** Key hashes of recently stored records: batches that cannot hold a duplicate skip the de-duplicating INSERT. */
  readonly recent = new RecentKeys();
  /** Run ids known to have a `runs` row (saves a statement per batch). */
  private readonly knownRuns = new Set<string>();
  private kept: AttributeColumn[] = [];
  private direct: ChunkSpec = directSpec([]);

  constructor(
    private readonly w: DuckDBConnection,
    private readonly scratchFile: string,
  ) {}

  /** Creates the write connection's staging tables and reads what the window needs from the store. */
  async prepare(kept: AttributeColumn[]): Promise<void> {
    this.setKept(kept);
    for (const sql of RECORD_STAGE.create) await this.w.run(sql);
    await this.w.run(
      `CREATE TEMP TABLE _violations_agg (key VARCHAR, code VARCHAR, rule VARCHAR, severity VARCHAR, message VARCHAR, event_id VARCHAR,
         span_name VARCHAR, service_name VARCHAR, code_filepath VARCHAR, code_lineno INTEGER, count DOUBLE, first_seen DOUBLE, last_seen DOUBLE,
         last_trace_id VARCHAR, last_span_id VARCHAR, last_run_id VARCHAR)`,
    );
    // Rows already stored are not in the key window: only records starting after the newest one
    // can take the direct path until the window covers them.
    await this.resetRecentKeys();
  }

  setKept(kept: AttributeColumn[]): void {
    this.kept = kept;
    this.direct = directSpec(kept);
  }

  /** After every row was deleted. */
  forgetAll(): void {
    this.knownRuns.clear();
    this.recent.reset(-Infinity);
  }

  async resetRecentKeys(): Promise<void> {
    const newest = await this.w.runAndReadAll(`SELECT epoch_us(max(start_timestamp)) FROM records_all`);
    const us = newest.getRows()[0]?.[0];
    this.recent.reset(us === null || us === undefined ? -Infinity : Number(us) + 1);
  }

  private async scalar(sql: string): Promise<number> {
    const v = (await this.w.runAndReadAll(sql)).getRows()[0]?.[0];
    return v === null || v === undefined ? 0 : Number(v);
  }

  /**
   * Writes records, metrics and violations in ONE transaction; resolves after COMMIT. Duplicates of
   * rows already stored (at-least-once retries) are skipped.
   */
  async insertBatch(records: RecordRow[], metrics: MetricRow[], violations: ViolationRow[]): Promise<InsertResult> {
    const result: InsertResult = { records: 0, duplicates: 0, metrics: 0, violations: 0, runIds: [] };
    // In-batch de-duplication (a retried request can be queued next to its original): by key hash,
    // confirmed on the key itself; two different keys with one hash switch to exact key strings.
    const byHash = new Map<number, number>();
    let exact: Set<string> | undefined;
    const rows: RecordRow[] = [];
    const hashes: number[] = [];
    let minTs = Infinity;
    let maxTs = -Infinity;
    const runIds = new Set<string>();
    for (const r of records) {
      const h = keyHash(r);
      if (exact) {
        const key = keyString(r);
        if (exact.has(key)) {
          result.duplicates++;
          continue;
        }
        exact.add(key);
      } else {
        const j = byHash.get(h);
        if (j === undefined) byHash.set(h, rows.length);
        else if (sameKey(rows[j], r)) {
          result.duplicates++;
          continue;
        } else {
          exact = new Set(rows.map(keyString));
          exact.add(keyString(r));
        }
      }
      rows.push(r);
      hashes.push(h);
      if (r.start_timestamp < minTs) minTs = r.start_timestamp;
      if (r.start_timestamp > maxTs) maxTs = r.start_timestamp;
      if (r.run_id) runIds.add(r.run_id);
    }
    for (const m of metrics) if (typeof m.run_id === 'string' && m.run_id) runIds.add(m.run_id);
    result.runIds = [...runIds];
    if (rows.length === 0 && metrics.length === 0 && violations.length === 0) return result;

    const w = this.w;
    // Direct append when no row can already be stored; anything the key window cannot vouch for goes
    // through the de-duplicating INSERT.
    const direct = rows.length > 0 && this.recent.excludes(rows, hashes);
    await w.run('BEGIN TRANSACTION');
    try {
      if (direct) result.records = await this.appendDirect(rows, minTs, maxTs);
      else if (rows.length) {
        result.records = await this.insertStaged(rows, minTs, maxTs);
        result.duplicates += rows.length - result.records;
        await w.run('DELETE FROM _batch');
        await w.run('DELETE FROM _batch_res');
      }
      if (metrics.length) result.metrics = await this.insertMetrics(metrics);
      if (violations.length) result.violations = await this.writeViolations(violations);
      const newRuns = [...runIds].filter((r) => !this.knownRuns.has(r));
      if (newRuns.length) await this.registerRuns(listLiteral(newRuns));
      await w.run('COMMIT');
      for (const r of newRuns) this.knownRuns.add(r);
      if (rows.length) this.recent.add(rows, hashes);
    } catch (e) {
      await w.run('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      fs.rmSync(this.scratchFile, { force: true });
    }
    return result;
  }

  /** Rows the key window vouches for: appended straight into records_all as data chunks. */
  private async appendDirect(rows: RecordRow[], minTs: number, maxTs: number): Promise<number> {
    const createdAt = Date.now() * 1000;
    const sqlLater = new Set<string>();
    await appendTo(this.w, 'records_all', false, (ap) => appendChunks(ap, this.direct, rows, createdAt, sqlLater));
    if (sqlLater.size) {
      // Kept-attribute cells whose text only DuckDB's JSON writer can tell (floats, objects, …) were
      // appended as NULL: computed from the stored JSON now. Recomputing a cell that was right already
      // (a NULL value, or a row of an earlier batch with the same created_at) writes the same value.
      const fix = this.kept.filter((a) => sqlLater.has(a.column));
      const values = keptValuesSql('attributes', fix);
      await this.w.run(
        `UPDATE records_all SET ${fix.map((a, i) => `${a.column} = ${values[i]}`).join(', ')}
         WHERE created_at = ${tsLiteral(createdAt)} AND start_timestamp BETWEEN ${tsLiteral(minTs)} AND ${tsLiteral(maxTs)}
           AND (${fix.map((a) => `${a.column} IS NULL`).join(' OR ')})`,
      );
    }
    return rows.length;
  }

  /** Rows staged in temp tables, then inserted unless an equal row is stored. Returns the rows inserted. */
  private async insertStaged(rows: RecordRow[], minTs: number, maxTs: number): Promise<number> {
    const w = this.w;
    const rowsAp = await w.createAppender('_batch', 'main', 'temp');
    const groupsAp = await w.createAppender('_batch_res', 'main', 'temp');
    try {
      appendRecords(rowsAp, groupsAp, rows);
      rowsAp.flushSync();
      groupsAp.flushSync();
    } catch (e) {
      // A half-appended row must not reach close(); what was flushed is rolled back by the caller.
      rowsAp.clear();
      groupsAp.clear();
      throw e;
    } finally {
      rowsAp.closeSync();
      groupsAp.closeSync();
    }
    const keptValues = this.kept.length ? keptValuesSql('b.attributes', this.kept) : [];
    const inserted = await w.run(
      `INSERT INTO records_all (${[...RECORD_STAGE.names, ...this.kept.map((a) => a.column)].join(', ')})
       SELECT ${[...RECORD_STAGE.names.map((n) => `b.${n}`), ...keptValues].join(', ')} FROM ${RECORD_STAGE.source} b
       WHERE ${notStored('b', minTs, maxTs)}`,
    );
    return inserted.rowsChanged;
  }

  /**
   * Inserts the rows of `select` (records columns, names as in records_all; see bulk.ts) in one
   * transaction, with the same rules as insertBatch: rows equal to stored ones or to each other are
   * stored once, run ids get their `runs` row. A failed
   * statement rolls everything back and its DuckDB error is rethrown as is.
   */
  async insertSelect(select: string, names: readonly string[]): Promise<SelectInsertResult> {
    const w = this.w;
    const result: SelectInsertResult = { rows: 0, inserted: 0, duplicates: 0, runIds: [] };
    // Rows need not keep the files' order: DuckDB then converts and compresses them on every thread
    // without re-sequencing (about a quarter less time for large files). The setting is the database's,
    // so it is put back afterwards.
    const [ordered] = (await w.runAndReadAll(`SELECT current_setting('preserve_insertion_order')`)).getRows()[0] ?? [];
    await w.run('SET preserve_insertion_order = false');
    await w.run('BEGIN TRANSACTION');
    try {
      const guard = await this.storedOverlap(select);
      // The store's kept attribute keys are computed from the imported JSON (one parse per row for all keys).
      const keptValues = this.kept.length ? keptValuesSql('b.attributes', this.kept) : [];
      const ins = await w.run(
        `INSERT INTO records_all (${[...names, ...this.kept.map((a) => a.column)].join(', ')})
         SELECT ${[...names.map((n) => `b.${n}`), ...keptValues].join(', ')} FROM (${select}) b
         ${guard ? `WHERE NOT EXISTS (SELECT 1 FROM records_all r WHERE ${guard.range} AND ${keyEquals('r', 'b')})` : ''}`,
      );
      result.rows = guard ? guard.rows : ins.rowsChanged;
      result.duplicates = result.rows - ins.rowsChanged;
      if (ins.rowsChanged > 0) await this.settleSelected(result);
      await w.run('COMMIT');
    } catch (e) {
      await w.run('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      await w.run(`SET preserve_insertion_order = ${ordered === false ? 'false' : 'true'}`);
    }
    for (const r of result.runIds) this.knownRuns.add(r);
    // The window only vouches for rows it saw: it starts over after the newest stored record.
    await this.resetRecentKeys();
    return result;
  }

  /**
   * When the store already holds records in the SELECT's time range, the INSERT skips rows equal to
   * stored ones (an anti-join restricted to that range, so row groups outside it are never read).
   * Finding the range costs one more pass of the reader that converts only start_timestamp; an
   * empty store needs neither. Returns the range condition and the SELECT's row count, or undefined.
   */
  private async storedOverlap(select: string): Promise<{ range: string; rows: number } | undefined> {
    if ((await this.scalar(`SELECT count(*) FROM (SELECT 1 FROM records_all LIMIT 1)`)) === 0) return undefined;
    const [lo, hi, rows] = (await this.w.runAndReadAll(`SELECT epoch_us(min(start_timestamp)), epoch_us(max(start_timestamp)), count(*) FROM (${select})`)).getRows()[0];
    if (Number(rows) === 0) return undefined;
    const range = `r.start_timestamp BETWEEN ${tsLiteral(Number(lo))} AND ${tsLiteral(Number(hi))}`;
    const overlap = await this.scalar(`SELECT count(*) FROM (SELECT 1 FROM records_all r WHERE ${range} LIMIT 1)`);
    return overlap > 0 ? { range, rows: Number(rows) } : undefined;
  }

  /**
   * After insertSelect's INSERT (same transaction): drop repeats among the new rows (one of them is
   * kept; the parallel INSERT does not keep the files' order) and register run ids. Rows of this transaction are the ones whose created_at is its now().
   */
  private async settleSelected(result: SelectInsertResult): Promise<void> {
    const w = this.w;
    const [lo, hi] = (await w.runAndReadAll(`SELECT epoch_us(min(start_timestamp)), epoch_us(max(start_timestamp)) FROM records_all WHERE created_at = now()`)).getRows()[0];
    const range = `start_timestamp BETWEEN ${tsLiteral(Number(lo))} AND ${tsLiteral(Number(hi))}`;
    // Equal keys hash equally: when no hash repeats in the range there is nothing to compare exactly.
    const collisions = await this.scalar(`SELECT count(*) FROM (SELECT hash(${KEY_LIST}) FROM records_all WHERE ${range} GROUP BY ALL HAVING count(*) > 1)`);
    if (collisions > 0) {
      const del = await w.run(
        `DELETE FROM records_all WHERE rowid IN (
           SELECT rowid FROM (
             SELECT rowid, created_at = now() AS fresh,
                    row_number() OVER (PARTITION BY ${KEY_LIST} ORDER BY created_at = now(), rowid) AS n
             FROM records_all WHERE ${range}
               AND hash(${KEY_LIST}) IN (SELECT h FROM (SELECT hash(${KEY_LIST}) AS h FROM records_all WHERE ${range}) GROUP BY h HAVING count(*) > 1))
           WHERE n > 1 AND fresh)`,
      );
      result.duplicates += del.rowsChanged;
    }
    result.inserted = await this.scalar(`SELECT count(*) FROM records_all WHERE created_at = now()`);
    result.runIds = (await w.runAndReadAll(`SELECT run_id FROM records_all WHERE created_at = now() AND run_id IS NOT NULL GROUP BY run_id ORDER BY run_id`))
      .getRows()
      .map((r) => String(r[0]));
    if (result.runIds.length) await this.registerRuns(listLiteral(result.runIds));
  }

  /** A `runs` row for each run id of `ids` (a VARCHAR[] literal) that has none, started at its first record. */
  private async registerRuns(ids: string): Promise<void> {
    await this.w.run(
      `INSERT INTO runs (run_id, label, started_at)
       SELECT v.run_id, v.run_id, (SELECT min(start_timestamp) FROM records_all r WHERE r.run_id = v.run_id)
       FROM (SELECT unnest(${ids}) AS run_id) v ON CONFLICT DO NOTHING`,
    );
  }

  /**
   * Metric points as one JSON array for read_json (one native JSON.stringify call; missing keys and
   * keys that are not columns are handled by read_json's explicit column list).
   */
  private async insertMetrics(metrics: MetricRow[]): Promise<number> {
    let text = JSON.stringify(metrics);
    // JSON.stringify escapes lone UTF-16 surrogates (\udXXX), which DuckDB's JSON reader refuses;
    // such batches get their strings made well-formed (U+FFFD) instead of failing the transaction.
    if (LONE_SURROGATE_ESCAPE.test(text)) text = JSON.stringify(wellFormed(metrics));
    await fs.promises.writeFile(this.scratchFile, text);
    const m = await this.w.run(
      `INSERT INTO metrics_points (${METRIC_LOADER.names.join(', ')}) SELECT ${METRIC_LOADER.select} FROM read_json(${sqlString(this.scratchFile)}, format = 'array', columns = ${METRIC_LOADER.spec})`,
    );
    return m.rowsChanged;
  }

  private async writeViolations(vs: ViolationRow[]): Promise<number> {
    // Aggregate in JS first: one upsert per distinct finding.
    const agg = new Map<string, ViolationRow & { n: number; first: number }>();
    for (const v of vs) {
      const key = [v.code, v.span_name, v.message, v.code_filepath ?? '', v.code_lineno ?? '', v.service_name].join('\u0001');
      const a = agg.get(key);
      if (!a) agg.set(key, { ...v, n: 1, first: v.seen_at });
      else {
        a.n++;
        if (v.seen_at >= a.seen_at) Object.assign(a, { seen_at: v.seen_at, trace_id: v.trace_id, span_id: v.span_id, run_id: v.run_id });
        if (v.seen_at < a.first) a.first = v.seen_at;
      }
    }
    // Staged with the appender (a few rows per batch; a batch file cost ≈ 10 ms per transaction).
    const text = (ap: DuckDBAppender, v: string | null) => (v == null ? ap.appendNull() : ap.appendVarchar(v));
    await appendTo(this.w, '_violations_agg', true, (aggAp) => {
      for (const [key, a] of agg) {
        aggAp.appendVarchar(key);
        aggAp.appendVarchar(a.code);
        aggAp.appendVarchar(a.rule);
        aggAp.appendVarchar(a.severity);
        aggAp.appendVarchar(a.message);
        text(aggAp, a.event_id);
        aggAp.appendVarchar(a.span_name);
        text(aggAp, a.service_name);
        text(aggAp, a.code_filepath);
        if (a.code_lineno == null || !Number.isInteger(a.code_lineno) || a.code_lineno < INT32_MIN || a.code_lineno > INT32_MAX) aggAp.appendNull();
        else aggAp.appendInteger(a.code_lineno);
        aggAp.appendDouble(a.n);
        aggAp.appendDouble(a.first);
        aggAp.appendDouble(a.seen_at);
        text(aggAp, a.trace_id);
        text(aggAp, a.span_id);
        text(aggAp, a.run_id);
        aggAp.endRow();
      }
    });
    await this.w.run(
      `INSERT INTO conformance_violations
       SELECT key, code, rule, severity, message, event_id, span_name, service_name, code_filepath, code_lineno, CAST(count AS BIGINT),
              make_timestamp(CAST(first_seen AS BIGINT))::TIMESTAMPTZ, make_timestamp(CAST(last_seen AS BIGINT))::TIMESTAMPTZ, last_trace_id, last_span_id, last_run_id
       FROM _violations_agg
       ON CONFLICT (key) DO UPDATE SET count = conformance_violations.count + excluded.count,
         first_seen = least(conformance_violations.first_seen, excluded.first_seen),
         last_seen = greatest(conformance_violations.last_seen, excluded.last_seen),
         last_trace_id = CASE WHEN excluded.last_seen >= conformance_violations.last_seen THEN excluded.last_trace_id ELSE conformance_violations.last_trace_id END,
         last_span_id = CASE WHEN excluded.last_seen >= conformance_violations.last_seen THEN excluded.last_span_id ELSE conformance_violations.last_span_id END,
         last_run_id = CASE WHEN excluded.last_seen >= conformance_violations.last_seen THEN excluded.last_run_id ELSE conformance_violations.last_run_id END,
         event_id = excluded.event_id`,
    );
    await this.w.run('DELETE FROM _violations_agg');
    // One row per finding (often one per record): appended straight into span_violations as chunks.
    await appendTo(this.w, 'span_violations', false, (ap) => appendChunks(ap, VIOLATION_CHUNKS, vs, 0));
    return vs.length;
  }
}

/**
 * No stored row has b's de-duplication key. The literal bounds (not expressions) let DuckDB prune row
 * groups by their min/max statistics.
 */
function notStored(b: string, minTs: number, maxTs: number): string {
  return `NOT EXISTS (SELECT 1 FROM records_all r WHERE r.start_timestamp BETWEEN ${tsLiteral(minTs)} AND ${tsLiteral(maxTs)} AND ${keyEquals('r', b)})`;
}
