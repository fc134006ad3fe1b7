// The local telemetry store: one DuckDB database per workspace (or `:memory:`), shaped like Logfire's
// `records` / `metrics` tables, with versioned migrations, de-duplicated bulk inserts,
// pending-span replacement, retention by age and size, editor-launched runs and runtime-conformance
// violations.
//
// Writes go through a single write connection guarded by a promise chain (one transaction at a time);
// reads use a fresh connection per query so a long query never blocks ingest and can be interrupted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BOOLEAN,
  DOUBLE,
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBVarCharType,
  INTEGER,
  LIST,
  TIMESTAMPTZ,
  VARCHAR,
  type DuckDBAppender,
  type DuckDBType,
} from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { KEPT_ATTRIBUTE_KEYS, KEYED_RECORDS, METRIC_COLUMNS, RECORD_COLUMNS, type MetricColumn } from './records';

export type RecordKind = 'span' | 'log' | 'span_event' | 'pending_span';

/** One row of `records_all`. Timestamps are epoch microseconds (UTC). `created_at` is set by the store. */
export interface RecordRow {
  start_timestamp: number;
  end_timestamp: number;
  duration: number | null;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  kind: RecordKind;
  level: number;
  span_name: string;
  message: string;
  log_body: string | null;
  attributes: Record<string, unknown>;
  attributes_json_schema: string | null;
  tags: string[];
  is_exception: boolean;
  exception_type: string | null;
  exception_message: string | null;
  exception_stacktrace: string | null;
  otel_status_code: string | null;
  otel_status_message: string | null;
  otel_events: unknown[] | null;
  otel_links: unknown[] | null;
  otel_scope_name: string | null;
  otel_scope_version: string | null;
  otel_scope_attributes: Record<string, unknown> | null;
  otel_resource_attributes: Record<string, unknown> | null;
  service_name: string;
  service_version: string | null;
  service_namespace: string | null;
  service_instance_id: string | null;
  process_pid: number | null;
  deployment_environment: string | null;
  telemetry_sdk_name: string | null;
  telemetry_sdk_language: string | null;
  telemetry_sdk_version: string | null;
  http_response_status_code: number | null;
  http_method: string | null;
  http_route: string | null;
  url_full: string | null;
  url_path: string | null;
  url_query: string | null;
  run_id: string | null;
}

/** One row of `metrics`; timestamps are epoch microseconds. Missing keys are NULL. */
export type MetricRow = Partial<Record<Exclude<MetricColumn, 'created_at'>, unknown>> & {
  recorded_timestamp: number;
  metric_name: string;
  metric_type: string;
  unit: string;
  service_name: string;
};

/** A runtime-conformance finding on one record (see conformance.ts). */
export interface ViolationRow {
  code: string;
  rule: string;
  severity: string;
  message: string;
  event_id: string | null;
  span_name: string;
  service_name: string;
  code_filepath: string | null;
  code_lineno: number | null;
  /** epoch microseconds of the record */
  seen_at: number;
  trace_id: string;
  span_id: string;
  run_id: string | null;
}

export interface RetentionOptions {
  /** Delete records older than this many days (by start_timestamp). 0/undefined = keep forever. */
  maxAgeDays?: number;
  /** Keep the database's used size under this many MB by deleting the oldest records. 0/undefined = no cap. */
  maxSizeMb?: number;
}

export interface StoreOptions {
  /** Database file, or ':memory:'. The directory is created when missing. */
  path: string;
  retention?: RetentionOptions;
  /** How often retention runs while open (ms); default 10 minutes; 0 disables the timer. */
  retentionIntervalMs?: number;
  /** DuckDB worker threads; default: DuckDB's own choice. */
  threads?: number;
  /**
   * Memory DuckDB may use for a file-backed store, in MB: its buffer cache and large operators, which
   * spill to the store's temporary directory beyond it (default DEFAULT_MEMORY_LIMIT_MB; 0 = DuckDB's
   * default, 80% of RAM). An in-memory store keeps DuckDB's default: its data lives in that memory.
   */
  memoryLimitMb?: number;
  /**
   * Attribute keys to keep as columns besides KEPT_ATTRIBUTE_KEYS (e.g. those the schema's own health
   * checks read); keys past MAX_KEPT_KEYS in all are not kept.
   */
  attributeKeys?: readonly string[];
}

/**
 * DuckDB's own default memory limit is 80% of RAM, and it keeps what it read cached up to it: after
 * a 1M-record import the process held 1.2 GB (376 MB with this limit, at the same speed; the health
 * checks are as fast, an all-duplicates re-import of those records is slower — BENCHMARKS.md, Store).
 */
export const DEFAULT_MEMORY_LIMIT_MB = 1024;

/** At most this many attribute keys are kept as columns (each costs a little on every write). */
export const MAX_KEPT_KEYS = 32;

/** json_extract_string reads a key starting with `$` or `/` as a path: such keys are not kept. */
const keepable = (key: string): boolean => key.length > 0 && !key.startsWith('$') && !key.startsWith('/');

export interface InsertResult {
  /** Rows written to records_all (after de-duplication). */
  records: number;
  /** Rows skipped because an identical (trace_id, span_id, kind, start, name) row exists. */
  duplicates: number;
  /** Pending-span rows removed because their real span arrived. */
  pendingReplaced: number;
  metrics: number;
  violations: number;
  /** Distinct run ids touched by this batch. */
  runIds: string[];
}

export interface QueryColumn {
  name: string;
  type: string;
}
export interface QueryResult {
  columns: QueryColumn[];
  /** JSON-friendly values: timestamps as ISO-like strings, BIGINT as number or string, lists as arrays. */
  rows: unknown[][];
}

export interface RunInfo {
  run_id: string;
  label: string | null;
  command: string | null;
  started_at: string | null;
  ended_at: string | null;
}

export interface RetentionResult {
  deletedByAge: number;
  deletedBySize: number;
}

const MIGRATIONS: { version: number; description: string; sql: string[] }[] = [
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
];

/** Latest schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

const TS_COLUMNS = new Set(['start_timestamp', 'end_timestamp', 'recorded_timestamp']);

function bareType(t: string): string {
  return t.replace(/\s+NOT NULL.*$/, '').replace(/\s+DEFAULT.*$/, '');
}

/** read_json column spec and SELECT list converting epoch-µs numbers to TIMESTAMPTZ. */
function loaderFor(columns: readonly (readonly [string, string])[]): { names: string[]; spec: string; select: string } {
  const cols = columns.filter(([n]) => n !== 'created_at');
  const names = cols.map(([n]) => n);
  const spec = `{${cols.map(([n, t]) => `${n}: '${TS_COLUMNS.has(n) ? 'BIGINT' : bareType(t)}'`).join(', ')}}`;
  const select = cols.map(([n]) => (TS_COLUMNS.has(n) ? `make_timestamp(${n})::TIMESTAMPTZ AS ${n}` : n)).join(', ');
  return { names, spec, select };
}

/** How a record column is staged: the appender's value kind for it. */
const enum Stage {
  Timestamp, // epoch µs as DOUBLE (exact below 2^53), converted by SQL
  Json, // JSON text in a VARCHAR; cast to JSON on insert (validated there)
  List, // VARCHAR[] as JSON text; cast on insert
  Varchar,
  Integer,
  Double,
  Boolean,
}

/**
 * Records are staged with DuckDB's appender into temp tables of plain types (one native call per
 * value, no JSON document for the whole batch), then moved to records_all by one INSERT … SELECT
 * that converts the staged types and de-duplicates. The columns that come from the resource and the
 * instrumentation scope are the same for every record of a request: they are staged once per
 * distinct combination (`_batch_res`) and joined back by `res_id`.
 */
const GROUP_COLUMNS = new Set<string>([
  'otel_scope_name',
  'otel_scope_version',
  'otel_scope_attributes',
  'otel_resource_attributes',
  'service_name',
  'service_version',
  'service_namespace',
  'service_instance_id',
  'process_pid',
  'deployment_environment',
  'telemetry_sdk_name',
  'telemetry_sdk_language',
  'telemetry_sdk_version',
  'run_id',
]);

const RECORD_STAGE = (() => {
  const cols = RECORD_COLUMNS.filter(([n]) => n !== 'created_at');
  const kindOf = (n: string, t: string): Stage => {
    const b = bareType(t);
    if (TS_COLUMNS.has(n)) return Stage.Timestamp;
    if (b === 'JSON') return Stage.Json;
    if (b === 'VARCHAR[]') return Stage.List;
    if (b === 'VARCHAR') return Stage.Varchar;
    if (b === 'INTEGER') return Stage.Integer;
    if (b === 'DOUBLE') return Stage.Double;
    if (b === 'BOOLEAN') return Stage.Boolean;
    throw new Error(`no staging type for records column ${n} ${t}`);
  };
  const stagedType = (k: Stage, t: string) => (k === Stage.Timestamp ? 'DOUBLE' : k === Stage.Json || k === Stage.List ? 'VARCHAR' : bareType(t));
  const convert = (n: string, k: Stage) =>
    k === Stage.Timestamp
      ? `make_timestamp(CAST(${n} AS BIGINT))::TIMESTAMPTZ AS ${n}`
      : k === Stage.Json
        ? `CAST(${n} AS JSON) AS ${n}`
        : k === Stage.List
          ? `CAST(CAST(${n} AS JSON) AS VARCHAR[]) AS ${n}`
          : n;
  const rowCols = cols.filter(([n]) => !GROUP_COLUMNS.has(n));
  const groupCols = cols.filter(([n]) => GROUP_COLUMNS.has(n));
  const table = (name: string, cs: typeof cols) => `CREATE TEMP TABLE ${name} (res_id INTEGER, ${cs.map(([n, t]) => `${n} ${stagedType(kindOf(n, t), t)}`).join(', ')})`;
  return {
    names: cols.map(([n]) => n),
    rowNames: rowCols.map(([n]) => n),
    rowKinds: rowCols.map(([n, t]) => kindOf(n, t)),
    groupNames: groupCols.map(([n]) => n),
    groupKinds: groupCols.map(([n, t]) => kindOf(n, t)),
    create: [table('_batch', rowCols), table('_batch_res', groupCols)],
    /**
     * The staged batch with records_all's column types. Each side is converted before the join, so
     * the shared JSON is validated once per group, not once per record.
     */
    source: `(SELECT ${cols.map(([n]) => n).join(', ')}
       FROM (SELECT res_id, ${rowCols.map(([n, t]) => convert(n, kindOf(n, t))).join(', ')} FROM _batch)
       JOIN (SELECT res_id, ${groupCols.map(([n, t]) => convert(n, kindOf(n, t))).join(', ')} FROM _batch_res) USING (res_id))`,
  };
})();

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Data errors found while staging read like DuckDB's own, so the receiver answers 400 for them. */
function conversionError(column: string, v: unknown, table = 'records'): Error {
  return new Error(`Conversion Error: ${table} column ${column} cannot hold the ${typeof v} ${String(v).slice(0, 40)}`);
}

/**
 * JSON text DuckDB accepts: JSON.stringify escapes lone UTF-16 surrogates (\udXXX), which DuckDB's
 * JSON parser refuses; such values are made well-formed (U+FFFD) instead of failing the transaction.
 */
function jsonText(v: unknown): string {
  const s = JSON.stringify(v);
  return s.includes('\\u') && LONE_SURROGATE_ESCAPE.test(s) ? JSON.stringify(wellFormed(v)) : s;
}

function appendValue(ap: DuckDBAppender, kind: Stage, name: string, v: unknown): void {
  if (v === null || v === undefined) {
    ap.appendNull();
    return;
  }
  switch (kind) {
    case Stage.Timestamp:
      if (typeof v !== 'number' || !Number.isFinite(v)) throw conversionError(name, v);
      ap.appendDouble(v);
      return;
    case Stage.Json:
    case Stage.List:
      ap.appendVarchar(Array.isArray(v) && v.length === 0 ? '[]' : jsonText(v));
      return;
    case Stage.Varchar:
      ap.appendVarchar(typeof v === 'string' ? v : typeof v === 'object' ? jsonText(v) : String(v));
      return;
    case Stage.Integer:
      if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) throw conversionError(name, v);
      ap.appendInteger(v);
      return;
    case Stage.Double:
      if (typeof v !== 'number') throw conversionError(name, v);
      ap.appendDouble(v);
      return;
    case Stage.Boolean:
      if (typeof v !== 'boolean') throw conversionError(name, v);
      ap.appendBoolean(v);
      return;
  }
}

/** Whether two records have identical resource/scope columns (objects by identity). */
function sameGroup(a: Record<string, unknown>, b: Record<string, unknown>, names: readonly string[]): boolean {
  for (let i = 0; i < names.length; i++) if (a[names[i]] !== b[names[i]]) return false;
  return true;
}

/**
 * Appends the records' own columns to `_batch` and each distinct resource/scope combination once to
 * `_batch_res`. Records from the same request share the resource and scope objects, so identity
 * comparison finds their group without serialising anything.
 */
function appendRecords(rowsAp: DuckDBAppender, groupsAp: DuckDBAppender, rows: readonly RecordRow[]): void {
  const { rowNames, rowKinds, groupNames, groupKinds } = RECORD_STAGE;
  const groups: Record<string, unknown>[] = [];
  let last = -1;
  for (const row of rows) {
    const r = row as unknown as Record<string, unknown>;
    let g = last >= 0 && sameGroup(groups[last], r, groupNames) ? last : -1;
    if (g < 0) {
      // A few recent groups are searched; beyond that a new group costs one small staged row.
      for (let j = groups.length - 1; j >= 0 && j >= groups.length - 16; j--) {
        if (sameGroup(groups[j], r, groupNames)) {
          g = j;
          break;
        }
      }
      if (g < 0) {
        g = groups.length;
        groups.push(r);
      }
      last = g;
    }
    rowsAp.appendInteger(g);
    for (let i = 0; i < rowNames.length; i++) appendValue(rowsAp, rowKinds[i], rowNames[i], r[rowNames[i]]);
    rowsAp.endRow();
  }
  groups.forEach((r, g) => {
    groupsAp.appendInteger(g);
    for (let i = 0; i < groupNames.length; i++) appendValue(groupsAp, groupKinds[i], groupNames[i], r[groupNames[i]]);
    groupsAp.endRow();
  });
}

/**
 * Direct path: records appended straight into records_all as DuckDB data chunks (column vectors:
 * numbers and validity written into typed arrays, one native call per string), no staging table and
 * no INSERT … SELECT. Used when the batch provably contains no row already stored (see RecentKeys).
 */
function directSpec(kept: readonly AttributeColumn[]): ChunkSpec {
  const cols = RECORD_COLUMNS.map(([n, t]) => [n, bareType(t)] as const);
  const kindOf = (n: string, t: string): Stage | -1 => {
    if (n === 'created_at') return -1;
    if (TS_COLUMNS.has(n)) return Stage.Timestamp;
    return t === 'JSON' ? Stage.Json : t === 'VARCHAR[]' ? Stage.List : t === 'VARCHAR' ? Stage.Varchar : t === 'INTEGER' ? Stage.Integer : t === 'DOUBLE' ? Stage.Double : Stage.Boolean;
  };
  return chunkSpec('records', [
    ...cols.map(([n, t]) => ({ name: n, kind: kindOf(n, t), group: GROUP_COLUMNS.has(n) })),
    ...kept.map((a) => ({ name: a.column, kind: Stage.Varchar, group: false, attrKey: a.key })),
  ]);
}

/** An attribute key kept as a column of records_all (see KEPT_ATTRIBUTE_KEYS). */
export interface AttributeColumn {
  key: string;
  column: string;
}

/** The list form of json_extract_string (one parse for all keys; element i is exactly the single-key value). */
function keptValuesSql(attributes: string, kept: readonly AttributeColumn[]): string[] {
  if (kept.length === 1) return [`json_extract_string(${attributes}, ${sqlString(kept[0].key)})`];
  const list = `json_extract_string(${attributes}, [${kept.map((a) => sqlString(a.key)).join(', ')}])`;
  return kept.map((_, i) => `${list}[${i + 1}]`);
}

/**
 * The text `json_extract_string(attributes, key)` gives for the JSON the direct path writes for
 * `attributes` (jsonText), where that is provably the same in JS: absent keys and null (NULL), strings
 * (made well-formed as jsonText does), booleans and safe integers. `undefined` = only SQL can tell
 * (other numbers, objects, arrays, strings holding NUL, attributes that are not a plain object).
 */
const SQL_ONLY = Symbol('sql');
function keptValueText(attributes: unknown, key: string): string | null | typeof SQL_ONLY {
  if (attributes === null || attributes === undefined) return null;
  if (typeof attributes !== 'object' || Array.isArray(attributes) || typeof (attributes as { toJSON?: unknown }).toJSON === 'function') return SQL_ONLY;
  if (!Object.prototype.propertyIsEnumerable.call(attributes, key)) return null;
  const v = (attributes as Record<string, unknown>)[key];
  switch (typeof v) {
    case 'string':
      if (v.includes('\0')) return SQL_ONLY;
      return (v as string & { isWellFormed(): boolean }).isWellFormed() ? v : (v as string & { toWellFormed(): string }).toWellFormed();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return Number.isSafeInteger(v) ? String(v) : SQL_ONLY;
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
    default:
      return v === null ? null : SQL_ONLY;
  }
}

/** One kept-attribute column of a chunk; cells only SQL can fill are left NULL and the column is noted in `sqlLater`. */
function fillKeptColumn(vec: duckdb.Vector, col: ChunkColumn, rows: readonly object[], off: number, n: number, sqlLater: Set<string>): void {
  const words = Math.ceil(n / 64) * 8;
  VALIDITY.fill(255, 0, words);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const t = keptValueText((rows[off + i] as Record<string, unknown>).attributes, col.attrKey!);
    if (typeof t === 'string') {
      duckdb.vector_assign_string_element(vec, i, t);
      continue;
    }
    if (t === SQL_ONLY) sqlLater.add(col.name);
    VALIDITY[i >> 3] &= ~(1 << (i & 7));
    nulls++;
  }
  if (nulls) {
    duckdb.vector_ensure_validity_writable(vec);
    duckdb.copy_data_to_vector_validity(vec, 0, VALIDITY.buffer, 0, words);
  }
}

interface ChunkColumn {
  name: string;
  /** -1: the commit time (created_at) */
  kind: Stage | -1;
  /** A resource/scope column: constant within a chunk. */
  group: boolean;
  /** A kept attribute key: the column holds `attributes->>attrKey`. */
  attrKey?: string;
}

interface ChunkSpec {
  table: string;
  columns: ChunkColumn[];
  types: DuckDBType[];
  groupNames: string[];
}

function chunkSpec(table: string, columns: ChunkColumn[]): ChunkSpec {
  const json = DuckDBVarCharType.create('JSON');
  const typeOf = (k: Stage | -1): DuckDBType =>
    k === -1 || k === Stage.Timestamp
      ? TIMESTAMPTZ
      : k === Stage.Json
        ? json
        : k === Stage.List
          ? LIST(VARCHAR)
          : k === Stage.Varchar
            ? VARCHAR
            : k === Stage.Integer
              ? INTEGER
              : k === Stage.Double
                ? DOUBLE
                : BOOLEAN;
  return { table, columns, types: columns.map((c) => typeOf(c.kind)), groupNames: columns.filter((c) => c.group).map((c) => c.name) };
}

/** span_violations, in table order: one row per finding. */
const VIOLATION_CHUNKS = chunkSpec('span_violations', [
  { name: 'trace_id', kind: Stage.Varchar, group: false },
  { name: 'span_id', kind: Stage.Varchar, group: false },
  { name: 'run_id', kind: Stage.Varchar, group: false },
  { name: 'seen_at', kind: Stage.Timestamp, group: false },
  { name: 'code', kind: Stage.Varchar, group: false },
  { name: 'message', kind: Stage.Varchar, group: false },
  { name: 'event_id', kind: Stage.Varchar, group: false },
]);

/** A run of rows sharing their resource/scope objects shorter than this is not given a chunk of its own. */
const MIN_CONSTANT_RUN = 64;

/** Rows per data chunk (DuckDB's vector size). */
const CHUNK_ROWS = 2048;

/** Validity bits of one chunk column (1 = valid), reused column after column. */
const VALIDITY = new Uint8Array(CHUNK_ROWS / 8);
const I32 = new Int32Array(CHUNK_ROWS * 2);
const F64 = new Float64Array(CHUNK_ROWS);
const U8 = new Uint8Array(CHUNK_ROWS);
const LIST_ENTRIES = new Uint32Array(CHUNK_ROWS * 4);

/** Writes epoch µs as int64 (little-endian halves) without a BigInt per value. */
function putInt64(i: number, us: number): void {
  const hi = Math.floor(us / 4294967296);
  I32[2 * i] = (us - hi * 4294967296) | 0;
  I32[2 * i + 1] = hi;
}

function copyTo(vec: duckdb.Vector, view: ArrayBufferView, bytes: number): void {
  duckdb.copy_data_to_vector(vec, 0, view.buffer as ArrayBuffer, view.byteOffset, bytes);
}

/**
 * A text column with the same value in every row of the chunk (a status code, `[]` for no events,
 * the resource JSON) becomes one constant vector: one native call instead of one per row.
 */
function uniformText(vec: duckdb.Vector, kind: Stage, name: string, rows: readonly object[], off: number, n: number, jsonCache: Map<object, string>): boolean {
  const v0 = (rows[off] as Record<string, unknown>)[name];
  if (v0 === null || v0 === undefined) return false;
  const emptyList = Array.isArray(v0) && v0.length === 0;
  for (let i = 1; i < n; i++) {
    const v = (rows[off + i] as Record<string, unknown>)[name];
    if (v !== v0 && !(emptyList && Array.isArray(v) && v.length === 0)) return false;
  }
  let text: string;
  if (kind === Stage.Json) {
    if (emptyList) text = '[]';
    else if (typeof v0 === 'object') {
      const cached = jsonCache.get(v0);
      text = cached ?? jsonText(v0);
      if (cached === undefined) jsonCache.set(v0, text);
    } else text = jsonText(v0);
  } else text = typeof v0 === 'string' ? v0 : typeof v0 === 'object' ? jsonText(v0) : String(v0);
  duckdb.vector_reference_value(vec, duckdb.create_varchar(text));
  return true;
}

/**
 * One column of `rows[off, off + n)` written into a chunk vector with the raw bindings: numbers and
 * validity go through typed arrays (one copy per column), strings one native call each. Same checks
 * as appendValue.
 */
function fillColumn(vec: duckdb.Vector, col: ChunkColumn, table: string, rows: readonly object[], off: number, n: number, createdAtUs: number, jsonCache: Map<object, string>): void {
  const { kind, name, group: isGroup } = col;
  const words = Math.ceil(n / 64) * 8;
  VALIDITY.fill(255, 0, words);
  let nulls = 0;
  if (kind === -1) {
    for (let i = 0; i < n; i++) putInt64(i, createdAtUs);
    copyTo(vec, I32, n * 8);
    return;
  }
  if ((kind === Stage.Varchar || kind === Stage.Json) && uniformText(vec, kind, name, rows, off, n, jsonCache)) return;
  let children = 0;
  for (let i = 0; i < n; i++) {
    const v = (rows[off + i] as Record<string, unknown>)[name];
    if (v === null || v === undefined) {
      VALIDITY[i >> 3] &= ~(1 << (i & 7));
      nulls++;
      if (kind === Stage.List) {
        LIST_ENTRIES[4 * i] = children;
        LIST_ENTRIES[4 * i + 1] = 0;
        LIST_ENTRIES[4 * i + 2] = 0;
        LIST_ENTRIES[4 * i + 3] = 0;
      }
      continue;
    }
    switch (kind) {
      case Stage.Timestamp:
        if (typeof v !== 'number' || !Number.isFinite(v)) throw conversionError(name, v, table);
        putInt64(i, Math.round(v));
        break;
      case Stage.Json: {
        if (Array.isArray(v) && v.length === 0) {
          duckdb.vector_assign_string_element(vec, i, '[]');
          break;
        }
        // Resource and scope objects are shared by the records of a request: serialised once.
        let text = isGroup && typeof v === 'object' ? jsonCache.get(v) : undefined;
        if (text === undefined) {
          text = jsonText(v);
          if (isGroup && typeof v === 'object') jsonCache.set(v, text);
        }
        duckdb.vector_assign_string_element(vec, i, text);
        break;
      }
      case Stage.List:
        if (!Array.isArray(v)) throw conversionError(name, v, table);
        LIST_ENTRIES[4 * i] = children;
        LIST_ENTRIES[4 * i + 1] = 0;
        LIST_ENTRIES[4 * i + 2] = v.length;
        LIST_ENTRIES[4 * i + 3] = 0;
        children += v.length;
        break;
      case Stage.Varchar:
        duckdb.vector_assign_string_element(vec, i, typeof v === 'string' ? v : typeof v === 'object' ? jsonText(v) : String(v));
        break;
      case Stage.Integer:
        if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) throw conversionError(name, v, table);
        I32[i] = v;
        break;
      case Stage.Double:
        if (typeof v !== 'number') throw conversionError(name, v, table);
        F64[i] = v;
        break;
      case Stage.Boolean:
        if (typeof v !== 'boolean') throw conversionError(name, v, table);
        U8[i] = v ? 1 : 0;
        break;
    }
  }
  if (kind === Stage.Timestamp) copyTo(vec, I32, n * 8);
  else if (kind === Stage.Integer) copyTo(vec, I32, n * 4);
  else if (kind === Stage.Double) copyTo(vec, F64, n * 8);
  else if (kind === Stage.Boolean) copyTo(vec, U8, n);
  else if (kind === Stage.List) {
    copyTo(vec, LIST_ENTRIES, n * 16);
    duckdb.list_vector_reserve(vec, children);
    duckdb.list_vector_set_size(vec, children);
    if (children > 0) {
      const child = duckdb.list_vector_get_child(vec);
      let k = 0;
      const childValid = new Uint8Array(Math.ceil(children / 64) * 8).fill(255);
      let childNulls = 0;
      for (let i = 0; i < n; i++) {
        const v = (rows[off + i] as Record<string, unknown>)[name];
        if (!Array.isArray(v)) continue;
        for (const x of v) {
          if (x === null || x === undefined) {
            childValid[k >> 3] &= ~(1 << (k & 7));
            childNulls++;
          } else duckdb.vector_assign_string_element(child, k, typeof x === 'string' ? x : jsonText(x));
          k++;
        }
      }
      if (childNulls) {
        duckdb.vector_ensure_validity_writable(child);
        duckdb.copy_data_to_vector_validity(child, 0, childValid.buffer, 0, childValid.byteLength);
      }
    }
  }
  if (nulls) {
    duckdb.vector_ensure_validity_writable(vec);
    duckdb.copy_data_to_vector_validity(vec, 0, VALIDITY.buffer, 0, words);
  }
}

/**
 * A resource/scope column as one constant vector for the whole chunk (one native value instead of
 * one per row). Returns false when the value is NULL or not a text/integer value; the caller then
 * fills the column row by row.
 */
function constantColumn(vec: duckdb.Vector, col: ChunkColumn, table: string, v: unknown, jsonCache: Map<object, string>): boolean {
  let value: duckdb.Value;
  if (v === null || v === undefined) return false;
  if (col.kind === Stage.Varchar) value = duckdb.create_varchar(typeof v === 'string' ? v : typeof v === 'object' ? jsonText(v) : String(v));
  else if (col.kind === Stage.Json && typeof v === 'object') {
    let text = jsonCache.get(v);
    if (text === undefined) {
      text = Array.isArray(v) && v.length === 0 ? '[]' : jsonText(v);
      jsonCache.set(v, text);
    }
    value = duckdb.create_varchar(text);
  } else if (col.kind === Stage.Integer) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) throw conversionError(col.name, v, table);
    value = duckdb.create_int32(v);
  } else return false;
  duckdb.vector_reference_value(vec, value);
  return true;
}

/**
 * Appends with `fill` into `table` (a temp table when `temp`) and flushes. On failure the half-appended row
 * is cleared before the appender closes (closing would flush it); the caller's transaction rolls back the rest.
 */
async function appendTo(conn: DuckDBConnection, table: string, temp: boolean, fill: (ap: DuckDBAppender) => void): Promise<void> {
  const ap = temp ? await conn.createAppender(table, 'main', 'temp') : await conn.createAppender(table);
  try {
    fill(ap);
    ap.flushSync();
  } catch (e) {
    ap.clear();
    throw e;
  } finally {
    ap.closeSync();
  }
}

/**
 * Appends rows to `ap` (an appender on spec.table) as data chunks of up to 2,048 rows. A chunk never
 * spans two resource/scope groups (objects compared by identity), so their columns are constant.
 */
function appendChunks(ap: DuckDBAppender, spec: ChunkSpec, rows: readonly object[], createdAtUs: number, sqlLater = new Set<string>()): void {
  const jsonCache = new Map<object, string>();
  const { columns, types, groupNames, table } = spec;
  let off = 0;
  while (off < rows.length) {
    const first = rows[off] as Record<string, unknown>;
    let n = 1;
    if (groupNames.length) while (n < CHUNK_ROWS && off + n < rows.length && sameGroup(first, rows[off + n] as Record<string, unknown>, groupNames)) n++;
    else n = Math.min(CHUNK_ROWS, rows.length - off);
    // Rows that do not share their resource/scope objects (each record built on its own) would make a
    // chunk per row, and a chunk costs far more than a row: such runs go into full chunks, the
    // resource/scope columns filled row by row (their JSON text still cached per object).
    const constant = groupNames.length > 0 && (n >= MIN_CONSTANT_RUN || off + n === rows.length);
    if (!constant) n = Math.min(CHUNK_ROWS, rows.length - off);
    const chunk = DuckDBDataChunk.create(types, n);
    for (let c = 0; c < columns.length; c++) {
      const vec = duckdb.data_chunk_get_vector(chunk.chunk, c);
      const col = columns[c];
      if (col.group && constant && constantColumn(vec, col, table, first[col.name], jsonCache)) continue;
      if (col.attrKey !== undefined) {
        fillKeptColumn(vec, col, rows, off, n, sqlLater);
        continue;
      }
      fillColumn(vec, col, table, rows, off, n, createdAtUs, jsonCache);
    }
    ap.appendDataChunk(chunk);
    off += n;
  }
}

/** A record's de-duplication key as text. */
function keyString(r: RecordRow): string {
  return `${r.trace_id}|${r.span_id}|${r.kind}|${r.start_timestamp}|${r.span_name}`;
}

function sameKey(a: RecordRow, b: RecordRow): boolean {
  return a.trace_id === b.trace_id && a.span_id === b.span_id && a.kind === b.kind && a.start_timestamp === b.start_timestamp && a.span_name === b.span_name;
}

/**
 * A hash of a record's de-duplication key (trace_id, span_id, kind, start_timestamp; span_name is
 * left out, so equal keys always hash equal). 52 bits: a safe integer.
 */
function keyHash(r: RecordRow): number {
  const start = r.start_timestamp;
  let a = Math.imul(0x811c9dc5 ^ (start | 0), 0x01000193);
  let b = Math.imul(0x9e3779b9 ^ Math.floor(start / 4294967296), 0x5bd1e995) ^ r.kind.length;
  const t = r.trace_id;
  const sp = r.span_id;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  for (let i = 0; i < sp.length; i++) {
    const c = sp.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= r.kind.charCodeAt(0) << 8;
  return (a >>> 0) * 1048576 + ((b >>> 0) & 0xfffff);
}

/**
 * The keys of the recently stored records, so a batch that cannot contain a duplicate is appended
 * directly instead of going through the de-duplicating INSERT.
 *
 * Invariant: every row of records_all whose start_timestamp is >= `low` has its key hash in `keys`
 * (rows deleted since only make `keys` a superset). A batch whose rows all start at or after `low`
 * and whose hashes are all absent therefore has no row in the store. Anything else (a retry, a
 * hash collision, an old timestamp, the first batches after a restart that overlap stored rows)
 * takes the de-duplicating path, so the window is an optimisation only. It is bounded: beyond
 * `max` keys the oldest seconds of start_timestamp are forgotten and `low` moves past them.
 */
export class RecentKeys {
  low = -Infinity;
  /** key hash → the newest start second it was seen in */
  private readonly keys = new Map<number, number>();
  private readonly seconds = new Map<number, number[]>();
  /** the seconds present, ascending */
  private order: number[] = [];

  /** The default bound: 500,000 keys take about 25 MB (a Map of 52-bit numbers plus a list per second). */
  constructor(private readonly max = 500_000) {}

  get size(): number {
    return this.keys.size;
  }

  /** Whether none of the rows can already be stored (`hashes`: their keyHash values). */
  excludes(rows: readonly RecordRow[], hashes: readonly number[] = rows.map(keyHash)): boolean {
    for (let i = 0; i < rows.length; i++) {
      if (!(rows[i].start_timestamp >= this.low) || this.keys.has(hashes[i])) return false;
    }
    return true;
  }

  /** Records rows now in the store (call after COMMIT). */
  add(rows: readonly RecordRow[], hashes: readonly number[] = rows.map(keyHash)): void {
    for (let i = 0; i < rows.length; i++) {
      const start = rows[i].start_timestamp;
      if (!(start >= this.low)) continue;
      const sec = Math.floor(start / 1e6);
      const h = hashes[i];
      const prev = this.keys.get(h);
      if (prev !== undefined && prev >= sec) continue;
      this.keys.set(h, sec);
      let list = this.seconds.get(sec);
      if (!list) {
        list = [];
        this.seconds.set(sec, list);
        this.insertSecond(sec);
      }
      list.push(h);
    }
    while (this.keys.size > this.max && this.order.length) {
      const sec = this.order.shift()!;
      for (const h of this.seconds.get(sec)!) if (this.keys.get(h) === sec) this.keys.delete(h);
      this.seconds.delete(sec);
      this.low = Math.max(this.low, (sec + 1) * 1e6);
    }
  }

  /** Forget everything; only rows starting at or after `low` can take the direct path. */
  reset(low: number): void {
    this.keys.clear();
    this.seconds.clear();
    this.order = [];
    this.low = low;
  }

  private insertSecond(sec: number): void {
    const o = this.order;
    if (o.length === 0 || o[o.length - 1] < sec) {
      o.push(sec);
      return;
    }
    let lo = 0;
    let hi = o.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (o[mid] < sec) lo = mid + 1;
      else hi = mid;
    }
    o.splice(lo, 0, sec);
  }
}

const METRIC_LOADER = loaderFor(METRIC_COLUMNS);

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function scratchDir(): string {
  // tmpfs when available: the batch file is written and read once per transaction.
  try {
    if (process.platform === 'linux' && fs.statSync('/dev/shm').isDirectory()) {
      fs.accessSync('/dev/shm', fs.constants.W_OK);
      return '/dev/shm';
    }
  } catch {
    // fall through to the OS temp dir
  }
  return os.tmpdir();
}

let scratchSeq = 0;

export class TelemetryStore {
  private writeChain: Promise<unknown> = Promise.resolve();
  private retentionTimer: NodeJS.Timeout | undefined;
  private mayHavePending = true;
  /** Run ids known to have a `runs` row (saves a statement per batch). */
  private readonly knownRuns = new Set<string>();
  private closed = false;
  /** Key hashes of recently stored records: batches that cannot hold a duplicate skip the de-duplicating INSERT. */
  private readonly recent = new RecentKeys();
  private readonly scratchFile: string;
  private retention: RetentionOptions;
  /** Attribute keys kept as columns, in table order (after the Logfire columns). */
  private kept: AttributeColumn[] = [];
  private direct: ChunkSpec = directSpec([]);
  private keptByKey: ReadonlyMap<string, string> = new Map();

  /** Database file path, or ':memory:'. */
  readonly path: string;

  private constructor(
    dbPath: string,
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    opts: StoreOptions,
  ) {
    this.path = dbPath;
    this.retention = { ...opts.retention };
    this.scratchFile = path.join(scratchDir(), `telemetry-lens-${process.pid}-${++scratchSeq}-${Date.now()}.ndjson`);
  }

  /** Opens (creating and migrating when needed) the store, then enforces retention once. */
  static async open(opts: StoreOptions): Promise<TelemetryStore> {
    const p = opts.path || ':memory:';
    if (p !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(p)), { recursive: true });
    const config: Record<string, string> = {};
    if (opts.threads) config.threads = String(opts.threads);
    const memory = opts.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    if (p !== ':memory:' && memory > 0) config.memory_limit = `${memory}MB`;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(p, config);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const held = /Could not set lock on file[\s\S]*?\(PID (\d+)\)/.exec(message);
      if (held) {
        throw new Error(
          `cannot open telemetry store ${p}: another process (PID ${held[1]}) has it open — VS Code with Telemetry Lens, or \`telemetry-lens serve\`; ` +
            `a store file has one user at a time: use the editor's commands (Run Query, Import Records…, Export Records…) or stop that process`,
        );
      }
      throw new Error(`cannot open telemetry store ${p}: ${message}`);
    }
    const writer = await instance.connect();
    await writer.run(`SET GLOBAL TimeZone = 'UTC'`);
    // DuckDB checkpoints when the WAL passes 16 MB by default, inside the COMMIT that crosses it: at
    // ingest rates that is a checkpoint every few batches, on the acknowledgement path. A larger
    // threshold keeps commits to a WAL append; the periodic maintenance timer and close() checkpoint.
    await writer.run(`SET GLOBAL checkpoint_threshold = '${CHECKPOINT_THRESHOLD}'`);
    const store = new TelemetryStore(p, instance, writer, opts);
    await store.migrate();
    await store.keepAttributeKeys([...KEPT_ATTRIBUTE_KEYS, ...(opts.attributeKeys ?? [])]);
    // Per-connection staging table for de-duplicating bulk inserts.
    for (const sql of RECORD_STAGE.create) await writer.run(sql);
    await writer.run(
      `CREATE TEMP TABLE _violations_agg (key VARCHAR, code VARCHAR, rule VARCHAR, severity VARCHAR, message VARCHAR, event_id VARCHAR,
         span_name VARCHAR, service_name VARCHAR, code_filepath VARCHAR, code_lineno INTEGER, count DOUBLE, first_seen DOUBLE, last_seen DOUBLE,
         last_trace_id VARCHAR, last_span_id VARCHAR, last_run_id VARCHAR)`,
    );
    await writer.run(`CREATE TEMP TABLE _batch_keys (trace_id VARCHAR, span_id VARCHAR)`);
    store.mayHavePending = (await store.scalar(`SELECT count(*) FROM records_all WHERE kind = 'pending_span'`)) > 0;
    // Rows already stored are not in the key window: only records starting after the newest one
    // can take the direct path until the window covers them.
    await store.resetRecentKeys();
    await store.enforceRetention();
    const every = opts.retentionIntervalMs ?? 10 * 60_000;
    if (every > 0) {
      store.retentionTimer = setInterval(() => {
        store
          .enforceRetention()
          .then(() => store.checkpoint())
          .catch(() => undefined);
      }, every);
      store.retentionTimer.unref();
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.writer.run(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMPTZ DEFAULT now())`,
    );
    const current = await this.scalar(`SELECT coalesce(max(version), 0) FROM schema_migrations`);
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `telemetry store ${this.path} has schema version ${current}, newer than this build (${SCHEMA_VERSION}); upgrade Telemetry Lens or use another database file`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await this.writer.run('BEGIN TRANSACTION');
      try {
        for (const s of m.sql) await this.writer.run(s);
        await this.writer.run(`INSERT INTO schema_migrations (version, description) VALUES (${m.version}, ${sqlString(m.description)})`);
        await this.writer.run('COMMIT');
      } catch (e) {
        await this.writer.run('ROLLBACK');
        throw new Error(`migration ${m.version} failed on ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /**
   * Adds a column to records_all for each key not kept yet (ALTER TABLE, then one backfilling UPDATE
   * from the JSON, in one transaction) and loads the store's kept keys, which may include keys a newer
   * build added.
   */
  private async keepAttributeKeys(keys: readonly string[]): Promise<void> {
    const w = this.writer;
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
          // json_extract_string reads a key starting with `$` or `/` as a path.
          if (!key || key.startsWith('$') || key.startsWith('/')) throw new Error(`attribute key '${key}' cannot be kept as a column`);
          const base = `_attr_${key.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40)}`;
          let column = base;
          for (let i = 2; taken.has(column); i++) column = `${base}_${i}`;
          taken.add(column);
          await w.run(`ALTER TABLE records_all ADD COLUMN ${column} VARCHAR`);
          await w.run(`INSERT INTO attribute_columns VALUES (${sqlString(key)}, ${sqlString(column)}, ${kept.length + added.length})`);
          added.push({ key, column });
        }
        if ((await this.scalar(`SELECT count(*) FROM (SELECT 1 FROM records_all LIMIT 1)`)) > 0) {
          const values = keptValuesSql('attributes', added);
          await w.run(`UPDATE records_all SET ${added.map((a, i) => `${a.column} = ${values[i]}`).join(', ')}`);
        }
        await w.run('COMMIT');
      } catch (e) {
        await w.run('ROLLBACK').catch(() => undefined);
        throw new Error(`cannot add attribute columns to ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (this.path !== ':memory:') await w.run('CHECKPOINT');
      kept = await load();
    }
    const names = (await w.runAndReadAll(`SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'records_all' ORDER BY column_index`))
      .getRows()
      .map(([n]) => String(n));
    const expected = [...RECORD_COLUMNS.map(([n]) => n), ...kept.map((a) => a.column)];
    if (names.join(',') !== expected.join(',')) {
      throw new Error(`telemetry store ${this.path}: records_all has columns (${names.join(', ')}), expected (${expected.join(', ')})`);
    }
    this.kept = kept;
    this.direct = directSpec(kept);
    this.keptByKey = new Map(kept.map((a) => [a.key, a.column]));
  }

  /**
   * Keeps more attribute keys as columns on an open store (e.g. after the schema's health checks
   * changed): adds and backfills the missing ones between writes. Keys are never dropped.
   */
  keepMoreAttributeKeys(keys: readonly string[]): Promise<void> {
    if (keys.every((k) => this.keptByKey.has(k) || !keepable(k))) return Promise.resolve();
    return this.exclusive(() => this.keepAttributeKeys(keys));
  }

  /**
   * Attribute keys kept as columns of records_all (key → column; the column holds exactly
   * `attributes->>'key'`). The SQL front end reads them through the `_records_keyed` view.
   */
  get attributeColumns(): ReadonlyMap<string, string> {
    return this.keptByKey;
  }

  /** Applied migration versions, oldest first. */
  async migrations(): Promise<number[]> {
    const r = await this.query(`SELECT version FROM schema_migrations ORDER BY version`);
    return r.rows.map((row) => Number(row[0]));
  }

  private async scalar(sql: string): Promise<number> {
    const reader = await this.writer.runAndReadAll(sql);
    const v = reader.getRows()[0]?.[0];
    return v === null || v === undefined ? 0 : Number(v);
  }

  /**
   * Runs `fn` while no other write reaches the store (the receiver's batches wait), for work that writes
   * records_all on a connection of its own (a bulk import); the de-duplication window is reset after.
   * `fn` must not call the store's own write methods (they would wait for `fn`).
   */
  withWritesPaused<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      try {
        return await fn();
      } finally {
        await this.resetRecentKeys();
      }
    });
  }

  /** Serialises write work on the write connection. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('telemetry store is closed'));
    const next = this.writeChain.then(fn, fn);
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  /**
   * Writes records, metrics and violations in ONE transaction; resolves after COMMIT (the data is in
   * DuckDB's write-ahead log, so it survives the process being killed). Duplicates of rows already
   * stored (at-least-once retries) are skipped; pending spans whose real span is in the batch or in
   * the store are removed / never inserted.
   */
  insertBatch(batch: { records?: RecordRow[]; metrics?: MetricRow[]; violations?: ViolationRow[] }): Promise<InsertResult> {
    return this.exclusive(() => this.insertBatchNow(batch.records ?? [], batch.metrics ?? [], batch.violations ?? []));
  }

  private async insertBatchNow(records: RecordRow[], metrics: MetricRow[], violations: ViolationRow[]): Promise<InsertResult> {
    const result: InsertResult = { records: 0, duplicates: 0, pendingReplaced: 0, metrics: 0, violations: 0, runIds: [] };
    // In-batch de-duplication (a retried request can be queued next to its original): by key hash,
    // confirmed on the key itself; two different keys with one hash switch to exact key strings.
    const byHash = new Map<number, number>();
    let exact: Set<string> | undefined;
    const rows: RecordRow[] = [];
    const hashes: number[] = [];
    let minTs = Infinity;
    let maxTs = -Infinity;
    let hasPending = false;
    let hasReal = false;
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
      if (r.kind === 'pending_span') hasPending = true;
      else hasReal = true;
      if (r.run_id) runIds.add(r.run_id);
    }
    for (const m of metrics) if (typeof m.run_id === 'string' && m.run_id) runIds.add(m.run_id);
    result.runIds = [...runIds];
    if (rows.length === 0 && metrics.length === 0 && violations.length === 0) return result;

    const w = this.writer;
    // Direct append when no row can already be stored; pending spans (which may be superseded by a
    // stored real span) and anything the key window cannot vouch for go through the de-duplicating INSERT.
    const direct = rows.length > 0 && !hasPending && this.recent.excludes(rows, hashes);
    await w.run('BEGIN TRANSACTION');
    try {
      if (direct) {
        const createdAt = Date.now() * 1000;
        const sqlLater = new Set<string>();
        await appendTo(w, 'records_all', false, (ap) => appendChunks(ap, this.direct, rows, createdAt, sqlLater));
        if (sqlLater.size) {
          // Kept-attribute cells whose text only DuckDB's JSON writer can tell (floats, objects, …) were
          // appended as NULL: computed from the stored JSON now. Recomputing a cell that was right already
          // (a NULL value, or a row of an earlier batch with the same created_at) writes the same value.
          const fix = this.kept.filter((a) => sqlLater.has(a.column));
          const values = keptValuesSql('attributes', fix);
          await w.run(
            `UPDATE records_all SET ${fix.map((a, i) => `${a.column} = ${values[i]}`).join(', ')}
             WHERE created_at = ${tsLiteral(createdAt)} AND start_timestamp BETWEEN ${tsLiteral(minTs)} AND ${tsLiteral(maxTs)}
               AND (${fix.map((a) => `${a.column} IS NULL`).join(' OR ')})`,
          );
        }
        result.records = rows.length;
        if (hasReal && this.mayHavePending) result.pendingReplaced = await this.replacePending(rows, minTs, maxTs);
      } else if (rows.length) {
        const rowsAp = await w.createAppender('_batch', 'main', 'temp');
        const groupsAp = await w.createAppender('_batch_res', 'main', 'temp');
        try {
          appendRecords(rowsAp, groupsAp, rows);
          rowsAp.flushSync();
          groupsAp.flushSync();
        } catch (e) {
          // A half-appended row must not reach close(); what was flushed is rolled back below.
          rowsAp.clear();
          groupsAp.clear();
          throw e;
        } finally {
          rowsAp.closeSync();
          groupsAp.closeSync();
        }
        // Literal bounds (not expressions) so DuckDB prunes row groups by their min/max statistics.
        const lo = tsLiteral(minTs);
        const hi = tsLiteral(maxTs);
        const keptValues = this.kept.length ? keptValuesSql('b.attributes', this.kept) : [];
        const inserted = await w.run(
          `INSERT INTO records_all (${[...RECORD_STAGE.names, ...this.kept.map((a) => a.column)].join(', ')})
           SELECT ${[...RECORD_STAGE.names.map((n) => `b.${n}`), ...keptValues].join(', ')} FROM ${RECORD_STAGE.source} b
           WHERE NOT EXISTS (
             SELECT 1 FROM records_all r
             WHERE r.start_timestamp BETWEEN ${lo} AND ${hi}
               AND r.trace_id = b.trace_id AND r.span_id = b.span_id AND r.kind = b.kind
               AND r.start_timestamp = b.start_timestamp AND r.span_name = b.span_name)
           ${hasPending ? `AND NOT (b.kind = 'pending_span' AND EXISTS (
             SELECT 1 FROM records_all r
             WHERE r.start_timestamp BETWEEN ${tsLiteral(minTs - HOUR_US)} AND ${tsLiteral(maxTs + DAY_US)}
               AND r.kind <> 'pending_span' AND r.trace_id = b.trace_id
               AND (r.span_id = b.parent_span_id OR r.span_id = b.span_id)))` : ''}`,
        );
        result.records = inserted.rowsChanged;
        result.duplicates += rows.length - inserted.rowsChanged;
        if (hasPending) this.mayHavePending = true;
        if (hasReal && this.mayHavePending) {
          // Logfire's placeholder is a child of the real span (parent_span_id = real span id); other
          // senders may reuse the real span's own id. Either way the real span supersedes it.
          const del = await w.run(
            `DELETE FROM records_all p WHERE p.kind = 'pending_span'
               AND p.start_timestamp BETWEEN ${tsLiteral(minTs - DAY_US)} AND ${tsLiteral(maxTs + HOUR_US)}
               AND EXISTS (SELECT 1 FROM _batch b WHERE b.kind <> 'pending_span' AND b.kind <> 'span_event'
                 AND b.trace_id = p.trace_id AND (b.span_id = p.parent_span_id OR b.span_id = p.span_id))`,
          );
          result.pendingReplaced = del.rowsChanged;
        }
        await w.run('DELETE FROM _batch');
        await w.run('DELETE FROM _batch_res');
      }
      if (metrics.length) {
        await this.loadScratch(metrics);
        const m = await w.run(
          `INSERT INTO metrics (${METRIC_LOADER.names.join(', ')}) SELECT ${METRIC_LOADER.select} FROM read_json(${sqlString(this.scratchFile)}, format = 'array', columns = ${METRIC_LOADER.spec})`,
        );
        result.metrics = m.rowsChanged;
      }
      if (violations.length) result.violations = await this.writeViolations(violations);
      const newRuns = [...runIds].filter((r) => !this.knownRuns.has(r));
      if (newRuns.length) {
        await w.run(
          `INSERT INTO runs (run_id, label, started_at)
           SELECT v.run_id, v.run_id, (SELECT min(start_timestamp) FROM records_all r WHERE r.run_id = v.run_id)
           FROM (SELECT unnest(${listLiteral(newRuns)}) AS run_id) v ON CONFLICT DO NOTHING`,
        );
      }
      await w.run('COMMIT');
      for (const r of newRuns) this.knownRuns.add(r);
      if (rows.length) {
        this.recent.add(rows, hashes);
      }
    } catch (e) {
      await w.run('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      fs.rmSync(this.scratchFile, { force: true });
    }
    return result;
  }

  /** Removes stored pending spans superseded by the batch's real spans (direct path; inside the transaction). */
  private async replacePending(rows: readonly RecordRow[], minTs: number, maxTs: number): Promise<number> {
    await appendTo(this.writer, '_batch_keys', true, (ap) => {
      for (const r of rows) {
        if (r.kind === 'pending_span' || r.kind === 'span_event') continue;
        ap.appendVarchar(r.trace_id);
        ap.appendVarchar(r.span_id);
        ap.endRow();
      }
    });
    const del = await this.writer.run(
      `DELETE FROM records_all p WHERE p.kind = 'pending_span'
         AND p.start_timestamp BETWEEN ${tsLiteral(minTs - DAY_US)} AND ${tsLiteral(maxTs + HOUR_US)}
         AND EXISTS (SELECT 1 FROM _batch_keys b WHERE b.trace_id = p.trace_id AND (b.span_id = p.parent_span_id OR b.span_id = p.span_id))`,
    );
    await this.writer.run('DELETE FROM _batch_keys');
    return del.rowsChanged;
  }

  /**
   * Writes rows as one JSON array for read_json (one native JSON.stringify call; missing keys and
   * keys that are not columns are handled by read_json's explicit column list).
   */
  private async loadScratch(rows: object[]): Promise<void> {
    let text = JSON.stringify(rows);
    // JSON.stringify escapes lone UTF-16 surrogates (\udXXX), which DuckDB's JSON reader refuses;
    // such batches get their strings made well-formed (U+FFFD) instead of failing the transaction.
    if (LONE_SURROGATE_ESCAPE.test(text)) text = JSON.stringify(wellFormed(rows));
    await fs.promises.writeFile(this.scratchFile, text);
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
    await appendTo(this.writer, '_violations_agg', true, (aggAp) => {
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
    await this.writer.run(
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
    await this.writer.run('DELETE FROM _violations_agg');
    // One row per finding (often one per record): appended straight into span_violations as chunks.
    await appendTo(this.writer, 'span_violations', false, (ap) => appendChunks(ap, VIOLATION_CHUNKS, vs, 0));
    return vs.length;
  }

  /**
   * Runs SQL on its own connection (never inside an ingest transaction) and returns JSON-friendly
   * rows. The caller is responsible for only passing read-only SQL from users (the SQL front end
   * checks statements before they get here). `signal` interrupts a running query.
   */
  async query(sql: string, params?: unknown[] | Record<string, unknown>, opts: { signal?: AbortSignal } = {}): Promise<QueryResult> {
    if (this.closed) throw new Error('telemetry store is closed');
    const conn = await this.instance.connect();
    const onAbort = () => conn.interrupt();
    opts.signal?.addEventListener('abort', onAbort);
    try {
      if (opts.signal?.aborted) throw new Error('query cancelled');
      const reader = await conn.runAndReadAll(sql, params as never);
      const names = reader.columnNames();
      const types = reader.columnTypes();
      return { columns: names.map((name, i) => ({ name, type: types[i].toString() })), rows: reader.getRowsJson() as unknown[][] };
    } catch (e) {
      if (opts.signal?.aborted) throw new Error('query cancelled');
      throw e;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      conn.closeSync();
    }
  }

  /** Like query(), rows as objects keyed by column name. */
  async queryObjects<T = Record<string, unknown>>(sql: string, params?: unknown[] | Record<string, unknown>, opts: { signal?: AbortSignal } = {}): Promise<T[]> {
    const r = await this.query(sql, params, opts);
    return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])) as T);
  }

  /**
   * A dedicated connection on this database for callers that need DuckDB directly (prepared
   * statements, streaming). The caller must close it. A caller that writes records_all through it
   * (a bulk import) must call noteExternalWrites() afterwards.
   */
  connect(): Promise<DuckDBConnection> {
    if (this.closed) return Promise.reject(new Error('telemetry store is closed'));
    return this.instance.connect();
  }

  /**
   * Tells the store that records_all was written outside insertBatch (e.g. on a connect()
   * connection): the key window that lets batches skip the de-duplicating INSERT starts over after
   * the newest stored record, so the rows written elsewhere are still found by later batches.
   */
  noteExternalWrites(): Promise<void> {
    return this.exclusive(() => this.resetRecentKeys());
  }

  private async resetRecentKeys(): Promise<void> {
    const newest = await this.writer.runAndReadAll(`SELECT epoch_us(max(start_timestamp)) FROM records_all`);
    const us = newest.getRows()[0]?.[0];
    this.recent.reset(us === null || us === undefined ? -Infinity : Number(us) + 1);
  }

  /** Records in the `records` view (pending spans excluded unless asked). */
  async count(opts: { includePending?: boolean; runId?: string } = {}): Promise<number> {
    const where: string[] = [];
    if (!opts.includePending) where.push(`kind <> 'pending_span'`);
    if (opts.runId) where.push(`run_id = ${sqlString(opts.runId)}`);
    const r = await this.query(`SELECT count(*) FROM records_all${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`);
    return Number(r.rows[0][0]);
  }

  /** Deletes every record, metric, run and violation (the schema stays). */
  clear(): Promise<void> {
    return this.exclusive(async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        for (const t of ['records_all', 'metrics', 'runs', 'conformance_violations', 'span_violations']) await this.writer.run(`DELETE FROM ${t}`);
        await this.writer.run('COMMIT');
      } catch (e) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
      this.mayHavePending = false;
      this.knownRuns.clear();
      this.recent.reset(-Infinity);
      await this.writer.run('CHECKPOINT');
    });
  }

  /** Folds the write-ahead log into the database file (runs between ingest transactions). */
  checkpoint(): Promise<void> {
    return this.exclusive(async () => {
      if (this.path !== ':memory:') await this.writer.run('CHECKPOINT');
    });
  }

  /** Changes the memory limit of a file-backed store (see StoreOptions.memoryLimitMb; 0 = DuckDB's default). */
  setMemoryLimit(mb: number): Promise<void> {
    if (this.path === ':memory:') return Promise.resolve();
    return this.exclusive(async () => {
      await this.writer.run(mb > 0 ? `SET GLOBAL memory_limit = '${Math.round(mb)}MB'` : `RESET GLOBAL memory_limit`);
    });
  }

  setRetention(r: RetentionOptions): void {
    this.retention = { ...r };
  }

  /** Used bytes of the database (blocks in use × block size; WAL included for file databases). */
  async sizeBytes(): Promise<number> {
    const r = await this.queryObjects<{ block_size: number; used_blocks: number; wal_size: string }>(`SELECT block_size, used_blocks, wal_size FROM pragma_database_size()`);
    const row = r[0];
    return Number(row.block_size) * Number(row.used_blocks) + parseSize(row.wal_size);
  }

  /** Deletes records older than maxAgeDays, then the oldest records until the size cap holds. */
  enforceRetention(): Promise<RetentionResult> {
    return this.exclusive(async () => {
      const out: RetentionResult = { deletedByAge: 0, deletedBySize: 0 };
      const { maxAgeDays, maxSizeMb } = this.retention;
      if (maxAgeDays && maxAgeDays > 0) {
        const cutoff = `now() - INTERVAL ${Math.round(maxAgeDays * 86400)} SECOND`;
        const d = await this.writer.run(`DELETE FROM records_all WHERE start_timestamp < ${cutoff}`);
        out.deletedByAge = d.rowsChanged;
        await this.writer.run(`DELETE FROM metrics WHERE recorded_timestamp < ${cutoff}`);
        await this.writer.run(`DELETE FROM span_violations WHERE seen_at < ${cutoff}`);
        await this.writer.run(`DELETE FROM conformance_violations WHERE last_seen < ${cutoff}`);
      }
      if (maxSizeMb && maxSizeMb > 0) {
        const cap = maxSizeMb * 1024 * 1024;
        for (let round = 0; round < 8; round++) {
          await this.writer.run('CHECKPOINT');
          const size = await this.sizeBytesOnWriter();
          if (size <= cap) break;
          const total = await this.scalar(`SELECT count(*) FROM records_all`);
          if (total === 0) break;
          // Delete the oldest share that brings the size under 90% of the cap (at least 5%).
          const frac = Math.min(1, Math.max(0.05, 1 - (cap * 0.9) / size));
          const cutoffRows = await this.writer.runAndReadAll(
            `SELECT epoch_us(quantile_disc(start_timestamp, ${frac})) FROM records_all`,
          );
          const cutoffUs = Number(cutoffRows.getRows()[0][0]);
          const d = await this.writer.run(`DELETE FROM records_all WHERE start_timestamp <= make_timestamp(${cutoffUs})::TIMESTAMPTZ`);
          await this.writer.run(`DELETE FROM metrics WHERE recorded_timestamp <= make_timestamp(${cutoffUs})::TIMESTAMPTZ`);
          await this.writer.run(`DELETE FROM span_violations WHERE seen_at <= make_timestamp(${cutoffUs})::TIMESTAMPTZ`);
          out.deletedBySize += d.rowsChanged;
          await this.writer.run('CHECKPOINT');
          if ((await this.sizeBytesOnWriter()) > cap) await this.compactRecords();
        }
      }
      return out;
    });
  }

  /**
   * DuckDB frees storage only for fully deleted row groups; after deleting a share of a small or
   * interleaved table the blocks stay in use. Rewriting the table's rows releases them.
   */
  private async compactRecords(): Promise<void> {
    const w = this.writer;
    await w.run('BEGIN TRANSACTION');
    try {
      await w.run(`CREATE TEMP TABLE _keep AS SELECT * FROM records_all ORDER BY start_timestamp`);
      await w.run(`DELETE FROM records_all`);
      await w.run(`INSERT INTO records_all SELECT * FROM _keep`);
      await w.run(`DROP TABLE _keep`);
      await w.run('COMMIT');
    } catch (e) {
      await w.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
    await w.run('CHECKPOINT');
  }

  private async sizeBytesOnWriter(): Promise<number> {
    const reader = await this.writer.runAndReadAll(`SELECT block_size, used_blocks, wal_size FROM pragma_database_size()`);
    const [bs, used, wal] = reader.getRows()[0];
    return Number(bs) * Number(used) + parseSize(String(wal));
  }

  /** Registers (or relabels) an editor-launched run. */
  startRun(run: { runId: string; label?: string; command?: string; startedAt?: Date }): Promise<void> {
    return this.exclusive(async () => {
      const started = (run.startedAt ?? new Date()).getTime() * 1000;
      await this.writer.run(
        `INSERT INTO runs (run_id, label, command, started_at) VALUES ($1, $2, $3, make_timestamp($4::BIGINT)::TIMESTAMPTZ)
         ON CONFLICT (run_id) DO UPDATE SET label = excluded.label, command = excluded.command, started_at = excluded.started_at`,
        [run.runId, run.label ?? run.runId, run.command ?? null, started],
      );
    });
  }

  endRun(runId: string, endedAt: Date = new Date()): Promise<void> {
    return this.exclusive(async () => {
      await this.writer.run(`UPDATE runs SET ended_at = make_timestamp($2::BIGINT)::TIMESTAMPTZ WHERE run_id = $1`, [runId, endedAt.getTime() * 1000]);
    });
  }

  listRuns(): Promise<RunInfo[]> {
    return this.queryObjects<RunInfo>(`SELECT run_id, label, command, CAST(started_at AS VARCHAR) AS started_at, CAST(ended_at AS VARCHAR) AS ended_at FROM runs ORDER BY started_at DESC NULLS LAST`);
  }

  /** Waits for queued writes, checkpoints and closes. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.writeChain;
    this.closed = true;
    try {
      if (this.path !== ':memory:') await this.writer.run('CHECKPOINT');
    } finally {
      this.writer.closeSync();
      this.instance.closeSync();
      fs.rmSync(this.scratchFile, { force: true });
    }
  }
}

const LONE_SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/i;

function wellFormed(v: unknown): unknown {
  if (typeof v === 'string') return (v as string & { toWellFormed(): string }).toWellFormed();
  if (Array.isArray(v)) return v.map(wellFormed);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[wellFormed(k) as string] = wellFormed(x);
    return out;
  }
  return v;
}

const CHECKPOINT_THRESHOLD = '128MB';
const HOUR_US = 3600e6;
const DAY_US = 86400e6;

/** A TIMESTAMPTZ literal for epoch microseconds (UTC). */
function tsLiteral(us: number): string {
  const u = Math.round(us);
  const ms = Math.floor(u / 1000);
  const micro = String(u - ms * 1000).padStart(3, '0');
  return `'${new Date(ms).toISOString().replace('Z', `${micro}+00`)}'::TIMESTAMPTZ`;
}

function listLiteral(values: string[]): string {
  return `[${values.map(sqlString).join(', ')}]::VARCHAR[]`;
}

/** Parses DuckDB's human sizes ('12.3 MiB', '0 bytes'). */
function parseSize(s: string): number {
  const m = /^([\d.]+)\s*(bytes|[KMGT]i?B)?/i.exec(s.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'bytes').toUpperCase();
  const pow: Record<string, number> = { BYTES: 0, KB: 1, KIB: 1, MB: 2, MIB: 2, GB: 3, GIB: 3, TB: 4, TIB: 4 };
  return n * 1024 ** (pow[unit] ?? 0);
}
