// The store's schema: versioned migrations (append, never edit) and the attribute keys kept as
// columns of records_all.
import type { DuckDBConnection } from '@duckdb/node-api';
import { KEYED_RECORDS, METRIC_COLUMNS, RECORD_COLUMNS } from '../records';
import { METRIC_MACROS, METRICS_VIEW } from './metrics-sql';
import { sqlString } from './sqltext';
import type { AttributeColumn } from './types';

export const MIGRATIONS: { version: number; description: string; sql: string[] }[] = [
  {
    version: 1,
    description: 'records_all, records view, metrics, runs, conformance violations',
    sql: [
      `CREATE TABLE records_all (${RECORD_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`,
      `CREATE VIEW records AS SELECT * FROM records_all WHERE kind <> 'pending_span'`,
      `CREATE TABLE metrics (${METRIC_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`,
      `CREATE TABLE runs (run_id VARCHAR PRIMARY KEY, label VARCHAR, command VARCHAR, started_at TIMESTAMPTZ, ended_at TIMESTAMPTZ)`,
      `CREATE TABLE conformance_violations (
         key VARCHAR PRIMARY KEY, code VARCHAR NOT NULL, rule VARCHAR NOT NULL, severity VARCHAR NOT NULL,
         message VARCHAR NOT NULL, event_id VARCHAR, span_name VARCHAR NOT NULL, service_name VARCHAR,
         code_filepath VARCHAR, code_lineno INTEGER, count BIGINT NOT NULL,
         first_seen TIMESTAMPTZ NOT NULL, last_seen TIMESTAMPTZ NOT NULL,
         last_trace_id VARCHAR, last_span_id VARCHAR, last_run_id VARCHAR)`,
      `CREATE TABLE span_violations (trace_id VARCHAR NOT NULL, span_id VARCHAR NOT NULL, run_id VARCHAR,
         seen_at TIMESTAMPTZ NOT NULL, code VARCHAR NOT NULL, message VARCHAR NOT NULL, event_id VARCHAR)`,
    ],
  },
  {
    version: 2,
    description: 'attribute keys kept as columns: attribute_columns, records lists its columns, _records_keyed view',
    sql: [
      `CREATE TABLE attribute_columns (key VARCHAR PRIMARY KEY, column_name VARCHAR NOT NULL UNIQUE, position INTEGER NOT NULL)`,
      // A view's `*` is expanded when it is queried: `records` names the Logfire columns, so the
      // attribute columns added to records_all never show in users' `SELECT *`.
      `CREATE OR REPLACE VIEW records AS SELECT ${RECORD_COLUMNS.map(([n]) => n).join(', ')} FROM records_all WHERE kind <> 'pending_span'`,
      `CREATE VIEW ${KEYED_RECORDS} AS SELECT * FROM records_all WHERE kind <> 'pending_span'`,
    ],
  },
  {
    version: 3,
    description: "metrics: Logfire's value column and metric_* functions (the points move to metrics_points)",
    sql: [`ALTER TABLE metrics RENAME TO metrics_points`, METRICS_VIEW, ...METRIC_MACROS],
  },
];

/** Latest schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** At most this many attribute keys are kept as columns (each costs a little on every write). */
export const MAX_KEPT_KEYS = 32;

/** json_extract_string reads a key starting with `$` or `/` as a path: such keys are not kept. */
export const keepable = (key: string): boolean => key.length > 0 && !key.startsWith('$') && !key.startsWith('/');

/** The list form of json_extract_string (one parse for all keys; element i is exactly the single-key value). */
export function keptValuesSql(attributes: string, kept: readonly AttributeColumn[]): string[] {
  if (kept.length === 1) return [`json_extract_string(${attributes}, ${sqlString(kept[0].key)})`];
  const list = `json_extract_string(${attributes}, [${kept.map((a) => sqlString(a.key)).join(', ')}])`;
  return kept.map((_, i) => `${list}[${i + 1}]`);
}


async function scalar(w: DuckDBConnection, sql: string): Promise<number> {
  const v = (await w.runAndReadAll(sql)).getRows()[0]?.[0];
  return v === null || v === undefined ? 0 : Number(v);
}

/** Applies the migrations `w`'s database lacks, each in its own transaction. */
export async function migrate(w: DuckDBConnection, dbPath: string): Promise<void> {
  await w.run(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMPTZ DEFAULT now())`);
  const current = await scalar(w, `SELECT coalesce(max(version), 0) FROM schema_migrations`);
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `telemetry store ${dbPath} has schema version ${current}, newer than this build (${SCHEMA_VERSION}); upgrade Telemetry Lens or use another database file`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await w.run('BEGIN TRANSACTION');
    try {
      for (const s of m.sql) await w.run(s);
      await w.run(`INSERT INTO schema_migrations (version, description) VALUES (${m.version}, ${sqlString(m.description)})`);
      await w.run('COMMIT');
    } catch (e) {
      await w.run('ROLLBACK');
      throw new Error(`migration ${m.version} failed on ${dbPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/**
 * Adds a column to records_all for each key not kept yet (ALTER TABLE, then one backfilling UPDATE
 * from the JSON, in one transaction) and returns the store's kept keys, which may include keys a newer
 * build added.
 */
export async function keepAttributeKeys(w: DuckDBConnection, dbPath: string, keys: readonly string[]): Promise<AttributeColumn[]> {
  const load = async () =>
    (await w.runAndReadAll(`SELECT key, column_name FROM attribute_columns ORDER BY position`)).getRows().map(([k, c]) => ({ key: String(k), column: String(c) }));
  let kept = await load();
  const missing = [...new Set(keys)]
    .filter((k) => !kept.some((a) => a.key === k) && keepable(k))
    .slice(0, Math.max(0, MAX_KEPT_KEYS - kept.length));
  if (missing.length) {
    const added: AttributeColumn[] = [];
    const taken = new Set(kept.map((a) => a.column));
    await w.run('BEGIN TRANSACTION');
    try {
      for (const key of missing) {
        const base = `_attr_${key.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40)}`;
        let column = base;
        for (let i = 2; taken.has(column); i++) column = `${base}_${i}`;
        taken.add(column);
        await w.run(`ALTER TABLE records_all ADD COLUMN ${column} VARCHAR`);
        await w.run(`INSERT INTO attribute_columns VALUES (${sqlString(key)}, ${sqlString(column)}, ${kept.length + added.length})`);
        added.push({ key, column });
      }
      if ((await scalar(w, `SELECT count(*) FROM (SELECT 1 FROM records_all LIMIT 1)`)) > 0) {
        const values = keptValuesSql('attributes', added);
        await w.run(`UPDATE records_all SET ${added.map((a, i) => `${a.column} = ${values[i]}`).join(', ')}`);
      }
      await w.run('COMMIT');
    } catch (e) {
      await w.run('ROLLBACK').catch(() => undefined);
      throw new Error(`cannot add attribute columns to ${dbPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (dbPath !== ':memory:') await w.run('CHECKPOINT');
    kept = await load();
  }
  const names = (await w.runAndReadAll(`SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'records_all' ORDER BY column_index`))
    .getRows()
    .map(([n]) => String(n));
  const expected = [...RECORD_COLUMNS.map(([n]) => n), ...kept.map((a) => a.column)];
  if (names.join(',') !== expected.join(',')) {
    throw new Error(`telemetry store ${dbPath}: records_all has columns (${names.join(', ')}), expected (${expected.join(', ')})`);
  }
  return kept;
}
