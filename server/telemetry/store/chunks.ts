// Staging rows into DuckDB: records (and conformance findings) become appender rows or data chunks
// (column vectors filled from typed arrays, one native call per string), in the column types of
// records_all. Which path a batch takes is the write path's choice (write.ts).
import {
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBVarCharType,
  INTEGER,
  LIST,
  TIMESTAMPTZ,
  VARCHAR,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBType,
} from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { RECORD_COLUMNS } from '../records';
import { bareType, jsonText } from './sqltext';
import type { AttributeColumn, RecordRow } from './types';

/** Columns holding epoch microseconds in JS rows. */
export const TS_COLUMNS = new Set(['start_timestamp', 'end_timestamp', 'recorded_timestamp']);

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

export const RECORD_STAGE = (() => {
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

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Data errors found while staging read like DuckDB's own, so the receiver answers 400 for them. */
export function conversionError(column: string, v: unknown, table = 'records'): Error {
  return new Error(`Conversion Error: ${table} column ${column} cannot hold the ${typeof v} ${String(v).slice(0, 40)}`);
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
export function appendRecords(rowsAp: DuckDBAppender, groupsAp: DuckDBAppender, rows: readonly RecordRow[]): void {
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
export function directSpec(kept: readonly AttributeColumn[]): ChunkSpec {
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

export interface ChunkSpec {
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
export const VIOLATION_CHUNKS = chunkSpec('span_violations', [
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
export async function appendTo(conn: DuckDBConnection, table: string, temp: boolean, fill: (ap: DuckDBAppender) => void): Promise<void> {
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
export function appendChunks(ap: DuckDBAppender, spec: ChunkSpec, rows: readonly object[], createdAtUs: number, sqlLater = new Set<string>()): void {
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

