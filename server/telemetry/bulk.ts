// Bulk import of records files into the local store: `telemetry-lens import FILE...`.
//
// Accepted files (detected from their first bytes, not their names):
// - records as NDJSON: one JSON object per line with `records` column names (what Logfire rows look
//   like, what DuckDB's `COPY … TO 'x.ndjson'` writes). Missing keys are NULL. This is the fast path:
//   DuckDB reads every such file in parallel with an explicit column list, straight into records_all.
// - a Logfire query API answer saved to a file: `{"schema": …, "data": [rows]}` (v2 JSON),
//   `{"columns": […], "rows": [rows]}` (query_json_rows / v1 json_rows), column-oriented
//   `{"columns": [{"name", "values"}]}`, the `application/x-ndjson` stream (`{"type": "data", "rows": …}`),
//   or a JSON array of row objects (`telemetry-lens query … --format json`). These are small (Logfire
//   answers at most 10,000 rows) and are checked row by row in JS, then loaded like NDJSON.
// - CSV with a header row (Logfire's `text/csv`; lists and JSON columns as JSON text).
// - Parquet (e.g. a Logfire `query_arrow` answer written with pyarrow, or `COPY … TO 'x.parquet'` from
//   DuckDB): columns matched by name and cast to the store's types by DuckDB's Parquet reader. This is
//   the fastest format: no text to parse.
//
// Timestamps are ISO 8601 strings (`2026-05-27T13:16:36.517321Z`; no zone = UTC). JSON columns may be
// objects or JSON text. Unknown Logfire-internal columns (`created_at`, `day`, `project_id`, `_lf_*`,
// `*_reduced`) are ignored; any other unknown column is an error.
//
// Guarantees (the same as the receiver's, from the same code: TelemetryStore.insertSelect): everything
// is one transaction — a bad line anywhere means nothing is imported and the error names `file:line`;
// rows already in the store (same trace_id, span_id, kind, start_timestamp, span_name) and repeats
// inside the files are skipped; run ids get their `runs` row. This file only reads and checks the
// files and builds the SELECT over them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { closest, distance } from 'fastest-levenshtein';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImportSummary } from '../../protocol/protocol';
import { isoMicros, RECORD_COLUMNS } from './records';

export { isoMicros };
import { TelemetryStore } from './store';
import type { RecordRow } from './store/types';
import { sqlString } from './store/sqltext';

type ColumnType = 'TIMESTAMPTZ' | 'DOUBLE' | 'VARCHAR' | 'INTEGER' | 'JSON' | 'VARCHAR[]' | 'BOOLEAN';

/** Importable columns (created_at is set by the store) with their base type and NOT NULL flag. */
const COLUMNS: { name: string; type: ColumnType; required: boolean }[] = RECORD_COLUMNS.filter(([n]) => n !== 'created_at').map(([name, t]) => ({
  name,
  type: t.replace(/\s+NOT NULL.*$/, '').replace(/\s+DEFAULT.*$/, '') as ColumnType,
  required: /NOT NULL/.test(t),
}));
const BY_NAME = new Map(COLUMNS.map((c) => [c.name, c]));
const NAMES = COLUMNS.map((c) => c.name);
const KINDS = ['span', 'log', 'span_event', 'pending_span'];
/** Logfire columns with no local counterpart: dropped on import. */
const IGNORED = new Set(['created_at', 'day', 'project_id', 'attributes_reduced', 'otel_resource_attributes_reduced']);
const ignored = (k: string) => IGNORED.has(k) || k.startsWith('_lf_');
/** How much of an NDJSON file is checked in JS for unknown columns before DuckDB reads it. */
const SNIFF_BYTES = 1 << 20;
/** Whole-document JSON files are parsed in JS; beyond this size NDJSON is required. */
const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

export class ImportError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message);
  }
}

/** What an import did (the editor's Import Records… request answers with the same). */
export type ImportResult = ImportSummary;

type FileKind = 'ndjson' | 'document' | 'logfire-stream' | 'csv' | 'parquet';
interface Source {
  file: string;
  kind: FileKind;
  /** The NDJSON file DuckDB reads (the original, or a conversion in the scratch directory). */
  ndjson?: string;
  csvColumns?: string[];
  /** Parquet: column name → DuckDB type, as the Parquet reader sees them. */
  parquetColumns?: Map<string, string>;
}

// ---------- the NDJSON line format ----------


/** A store row as one NDJSON records line: ISO timestamps, NULL columns left out. */
export function recordLine(row: RecordRow): string {
  const o: Record<string, unknown> = {};
  for (const n of NAMES) {
    const v = (row as unknown as Record<string, unknown>)[n];
    if (v !== null && v !== undefined) o[n] = v;
  }
  o.start_timestamp = isoMicros(row.start_timestamp);
  o.end_timestamp = isoMicros(row.end_timestamp);
  return JSON.stringify(o);
}

// ---------- row checks (JS): exact positions for errors ----------

const TS = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?$/i;
const LONE_SURROGATE = /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i;

/** ISO 8601 / DuckDB timestamp text with a real date and time (zone optional: `Z`, `+02`, `+0200`, `+02:00`). */
function validTimestamp(v: string): boolean {
  const m = TS.exec(v.trim());
  if (!m) return false;
  const zone = (m[4] ?? 'Z').toUpperCase();
  const z = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3).replace(':', '').padEnd(2, '0')}`;
  const local = v.trim().slice(0, v.trim().length - (m[4]?.length ?? 0)).trim().replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1');
  return !Number.isNaN(Date.parse(`${local}${local.includes('T') ? '' : 'T00:00'}${z}`));
}

function describe(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function unknownColumn(k: string): string {
  const near = closest(k, NAMES);
  return `unknown column '${k}'${distance(k, near) <= Math.max(2, k.length / 3) ? ` (did you mean '${near}'?)` : ''}`;
}

/** Why a parsed row cannot be imported, or undefined when it can. */
export function checkRow(row: unknown): string | undefined {
  if (!row || typeof row !== 'object' || Array.isArray(row)) return `expected a JSON object with records columns, got ${describe(row)}`;
  const o = row as Record<string, unknown>;
  if ('resourceSpans' in o || 'resourceLogs' in o || 'resourceMetrics' in o) return 'this is an OTLP export request, not records; load it with `telemetry-lens ingest`';
  for (const k of Object.keys(o)) if (!BY_NAME.has(k) && !ignored(k)) return unknownColumn(k);
  for (const c of COLUMNS) {
    const v = o[c.name];
    if (v === null || v === undefined) {
      if (c.required) return `missing required column '${c.name}'`;
      continue;
    }
    const bad = (want: string) => `${c.name} must be ${want}, got ${describe(v)}`;
    switch (c.type) {
      case 'TIMESTAMPTZ':
        if (typeof v !== 'string' || !validTimestamp(v)) return bad('an ISO 8601 timestamp string');
        break;
      case 'DOUBLE':
        if (typeof v !== 'number') return bad('a number');
        break;
      case 'INTEGER':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) return bad('a 32-bit integer');
        break;
      case 'BOOLEAN':
        if (typeof v !== 'boolean') return bad('true or false');
        break;
      case 'VARCHAR':
        if (typeof v !== 'string') return bad('a string');
        if (c.name === 'kind' && !KINDS.includes(v)) return bad(`one of ${KINDS.join(', ')}`);
        break;
      case 'VARCHAR[]':
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return bad('an array of strings');
        break;
      case 'JSON':
        if (typeof v === 'string') {
          try {
            JSON.parse(v);
          } catch {
            return bad('JSON (an object, an array, or JSON text)');
          }
        }
        break;
    }
  }
  return undefined;
}

/** First bad line of an NDJSON records file (1-based), streaming; undefined when every line is fine. */
async function firstBadLine(file: string): Promise<{ line: number; reason: string } | undefined> {
  const rl = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const text of rl) {
      n++;
      if (!text.trim()) continue;
      if (LONE_SURROGATE.test(text)) return { line: n, reason: 'invalid \\u escape (an unpaired UTF-16 surrogate)' };
      let row: unknown;
      try {
        row = JSON.parse(text);
      } catch (e) {
        return { line: n, reason: `malformed JSON: ${(e as Error).message}` };
      }
      const why = checkRow(row);
      if (why) return { line: n, reason: why };
    }
  } finally {
    rl.close();
  }
  return undefined;
}

// ---------- format detection and conversion ----------

function readHead(file: string, bytes: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new ImportError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
  }
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

const STREAM_TYPES = new Set(['schema', 'data', 'end', 'explain', 'error']);

function detect(file: string): Source {
  if (fs.statSync(file).isDirectory()) throw new ImportError('is a directory', file);
  const head = readHead(file, SNIFF_BYTES);
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return { file, kind: 'parquet' };
  if (head[0] === 0x1f && head[1] === 0x8b) throw new ImportError('gzip-compressed; decompress it first (gunzip)', file);
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (!trimmed) throw new ImportError('empty file', file);
  if (trimmed[0] === '[') return { file, kind: 'document' };
  if (trimmed[0] === '{') {
    const firstLine = trimmed.split('\n', 1)[0];
    let first: unknown;
    try {
      first = JSON.parse(firstLine);
    } catch {
      return { file, kind: 'document' }; // pretty-printed JSON spanning lines
    }
    const o = first as Record<string, unknown>;
    if (typeof o.type === 'string' && STREAM_TYPES.has(o.type) && !('start_timestamp' in o)) return { file, kind: 'logfire-stream' };
    if (Array.isArray(o.data) || Array.isArray(o.rows) || (Array.isArray(o.columns) && !('start_timestamp' in o))) return { file, kind: 'document' };
    sniffColumns(file, text, head.length === SNIFF_BYTES);
    return { file, kind: 'ndjson', ndjson: file };
  }
  const header = trimmed.split(/\r?\n/, 1)[0];
  const cols = header.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  if (cols.length > 1 && cols.some((c) => BY_NAME.has(c))) return { file, kind: 'csv', csvColumns: cols };
  throw new ImportError('not a records file: expected NDJSON records, a Logfire query answer (JSON, NDJSON stream), CSV with a header or Parquet', file);
}

/** Checks the complete lines at the start of an NDJSON file: most bad files fail here, before DuckDB. */
function sniffColumns(file: string, text: string, cut: boolean): void {
  const lines = text.split('\n');
  if (cut) lines.pop(); // the last line may be incomplete
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!l.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(l);
    } catch (e) {
      throw new ImportError(`malformed JSON: ${(e as Error).message}`, file, i + 1);
    }
    const why = checkRow(row);
    if (why) throw new ImportError(why, file, i + 1);
  }
}

/** Rows of a whole-document Logfire answer or JSON array. */
function documentRows(file: string, doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  const o = (doc ?? {}) as Record<string, unknown>;
  if (Array.isArray(o.data)) return o.data;
  if (Array.isArray(o.rows)) return o.rows;
  if (Array.isArray(o.columns) && o.columns.every((c) => c && typeof c === 'object' && Array.isArray((c as { values?: unknown }).values))) {
    const cols = o.columns as { name: string; values: unknown[] }[];
    const n = Math.max(0, ...cols.map((c) => c.values.length));
    return Array.from({ length: n }, (_, i) => Object.fromEntries(cols.map((c) => [c.name, c.values[i] ?? null])));
  }
  if ('resourceSpans' in o || 'resourceLogs' in o || 'resourceMetrics' in o) throw new ImportError('this is an OTLP export request, not records; load it with `telemetry-lens ingest`', file);
  throw new ImportError('JSON document without rows: expected an array of records, {"data": [...]} or {"rows": [...]} (Logfire query API answers)', file);
}

/** Checks converted rows and writes them as NDJSON for DuckDB. `where(i)` names row i in errors. */
function writeRows(src: Source, rows: unknown[], out: string, where: (i: number) => { line?: number; label: string }): void {
  const lines: string[] = [];
  rows.forEach((r, i) => {
    const why = checkRow(r);
    if (why) {
      const w = where(i);
      throw new ImportError(`${w.label}: ${why}`, src.file, w.line);
    }
    lines.push(JSON.stringify(r));
  });
  fs.writeFileSync(out, lines.length ? lines.join('\n') + '\n' : '');
  src.ndjson = out;
}

async function convert(src: Source, scratch: string, index: number): Promise<void> {
  const out = path.join(scratch, `${index}.ndjson`);
  if (src.kind === 'document') {
    const size = fs.statSync(src.file).size;
    if (size > MAX_DOCUMENT_BYTES) throw new ImportError(`a ${Math.round(size / 1048576)} MB JSON document; export large data as NDJSON (one record per line)`, src.file);
    let doc: unknown;
    try {
      doc = JSON.parse(fs.readFileSync(src.file, 'utf8').replace(/^\uFEFF/, ''));
    } catch (e) {
      throw new ImportError(`malformed JSON: ${(e as Error).message}`, src.file);
    }
    writeRows(src, documentRows(src.file, doc), out, (i) => ({ label: `row ${i + 1}` }));
    return;
  }
  // Logfire's NDJSON stream: schema, data (rows; repeated), error, end.
  const rows: unknown[] = [];
  const origin: { line: number; n: number }[] = [];
  const rl = readline.createInterface({ input: fs.createReadStream(src.file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (!text.trim()) continue;
    let msg: { type?: string; rows?: unknown[]; message?: string };
    try {
      msg = JSON.parse(text);
    } catch (e) {
      throw new ImportError(`malformed JSON: ${(e as Error).message}`, src.file, line);
    }
    if (msg.type === 'error') throw new ImportError(`the export ends with a Logfire error: ${msg.message ?? describe(msg)}`, src.file, line);
    if (msg.type === 'data') {
      if (!Array.isArray(msg.rows)) throw new ImportError('a "data" message without "rows"', src.file, line);
      msg.rows.forEach((r, n) => {
        rows.push(r);
        origin.push({ line, n });
      });
    }
  }
  writeRows(src, rows, out, (i) => ({ line: origin[i].line, label: `row ${origin[i].n + 1} of the data message` }));
}

// ---------- SQL ----------

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** A JSON column given as JSON text (a JSON string holding a document) becomes that document. */
function jsonColumn(n: string): string {
  return `CASE WHEN starts_with(${n}::VARCHAR, '"') THEN json(json_extract_string(${n}, '$')) ELSE ${n} END`;
}

function ndjsonSelect(files: string[]): string {
  const spec = `{${COLUMNS.map((c) => `${c.name}: '${c.type}'`).join(', ')}}`;
  const select = COLUMNS.map((c) => {
    if (c.type === 'JSON') return jsonColumn(c.name);
    if (c.name === 'kind') return `CASE WHEN kind IS NULL OR kind IN (${KINDS.map(sqlString).join(', ')}) THEN kind ELSE error('kind must be one of ${KINDS.join(', ')}, got ' || kind) END`;
    return c.name;
  });
  return `SELECT ${select.map((e, i) => `${e} AS ${COLUMNS[i].name}`).join(', ')} FROM read_json([${files.map(sqlString).join(', ')}], format = 'newline_delimited', columns = ${spec})`;
}

function csvSelect(src: Source): string {
  const cols = src.csvColumns!;
  const types = cols.map((n) => {
    const c = BY_NAME.get(n);
    return c && c.type !== 'JSON' && c.type !== 'VARCHAR[]' ? c.type : 'VARCHAR';
  });
  const spec = `{${cols.map((n, i) => `${sqlString(n)}: '${types[i]}'`).join(', ')}}`;
  const present = new Set(cols);
  const select = COLUMNS.map((c) => {
    if (!present.has(c.name)) return `NULL`;
    const n = ident(c.name);
    if (c.type === 'JSON') return `CAST(${n} AS JSON)`;
    if (c.type === 'VARCHAR[]') return `from_json(${n}, '["VARCHAR"]')`;
    // CSV cannot tell an empty string from a missing value; an empty message is a message.
    if (c.name === 'message') return `coalesce(${n}, '')`;
    if (c.name === 'kind') return `CASE WHEN ${n} IS NULL OR ${n} IN (${KINDS.map(sqlString).join(', ')}) THEN ${n} ELSE error('kind must be one of ${KINDS.join(', ')}, got ' || ${n}) END`;
    return n;
  });
  return `SELECT ${select.map((e, i) => `${e} AS ${COLUMNS[i].name}`).join(', ')} FROM read_csv(${sqlString(src.file)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = ${spec})`;
}

/** Reads a Parquet file's column names and types; a file DuckDB cannot read is refused with its reason. */
async function describeParquet(c: DuckDBConnection, src: Source): Promise<void> {
  let rows: unknown[][];
  try {
    rows = (await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(src.file)})`)).getRows();
  } catch (e) {
    throw new ImportError(`not a readable Parquet file: ${duckMessage(e)}`, src.file);
  }
  src.parquetColumns = new Map(rows.map((r) => [String(r[0]), String(r[1])]));
  const unknown = [...src.parquetColumns.keys()].find((n) => !BY_NAME.has(n) && !ignored(n));
  if (unknown) throw new ImportError(unknownColumn(unknown), src.file);
  const missing = COLUMNS.filter((col) => col.required && !src.parquetColumns!.has(col.name)).map((col) => col.name);
  if (missing.length) throw new ImportError(`missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, src.file);
}

const JSON_TEXT = /^(VARCHAR|JSON)$/;

/** How a Parquet column becomes a store column (DuckDB casts; JSON text is parsed, nested values serialised). */
function parquetValue(c: (typeof COLUMNS)[number], from: string): string {
  const n = ident(c.name);
  switch (c.type) {
    case 'JSON':
      return JSON_TEXT.test(from) ? `CAST(${n} AS JSON)` : `to_json(${n})`;
    case 'VARCHAR[]':
      return from === 'VARCHAR' || from === 'JSON' ? `from_json(${n}, '["VARCHAR"]')` : `CAST(${n} AS VARCHAR[])`;
    case 'VARCHAR':
      if (c.name === 'kind') return `CASE WHEN ${n} IS NULL OR ${n} IN (${KINDS.map(sqlString).join(', ')}) THEN ${n} ELSE error('kind must be one of ${KINDS.join(', ')}, got ' || ${n}) END`;
      return from === 'VARCHAR' ? n : `CAST(${n} AS VARCHAR)`;
    default:
      return from === c.type || (c.type === 'TIMESTAMPTZ' && from === 'TIMESTAMP WITH TIME ZONE') ? n : `CAST(${n} AS ${c.type})`;
  }
}

function parquetSelect(src: Source): string {
  const cols = src.parquetColumns!;
  const select = COLUMNS.map((c) => (cols.has(c.name) ? parquetValue(c, cols.get(c.name)!) : 'NULL'));
  return `SELECT ${select.map((e, i) => `${e} AS ${COLUMNS[i].name}`).join(', ')} FROM read_parquet(${sqlString(src.file)})`;
}

/**
 * The first row of a Parquet file that cannot be imported (1-based) and why, found with DuckDB on the
 * file's row numbers; undefined when each value converts on its own.
 */
async function firstBadParquetRow(c: DuckDBConnection, src: Source): Promise<{ row: number; reason: string } | undefined> {
  const cols = src.parquetColumns!;
  const checks: [string, string][] = [];
  for (const col of COLUMNS) {
    const from = cols.get(col.name);
    if (from === undefined) continue;
    const n = ident(col.name);
    if (col.required) checks.push([`${n} IS NULL`, `missing required column '${col.name}' (NULL)`]);
    if (col.name === 'kind') checks.push([`${n} NOT IN (${KINDS.map(sqlString).join(', ')})`, `kind must be one of ${KINDS.join(', ')}`]);
    const value = parquetValue(col, from);
    if (value === n || col.name === 'kind') continue;
    const tried = value.replace(/^CAST\(/, 'TRY_CAST(').replace(/^from_json\((.*), '\["VARCHAR"\]'\)$/, `CASE WHEN json_valid($1) THEN TRY_CAST(from_json($1, '["VARCHAR"]') AS VARCHAR[]) END`);
    const want = { JSON: 'JSON (an object, an array, or JSON text)', 'VARCHAR[]': 'an array of strings', TIMESTAMPTZ: 'a timestamp' }[col.type as string] ?? `of type ${col.type}`;
    checks.push([`${n} IS NOT NULL AND (${tried}) IS NULL`, `${col.name} must be ${want}`]);
  }
  if (!checks.length) return undefined;
  const rows = (
    await c.runAndReadAll(
      `SELECT file_row_number, ${checks.map(([cond], i) => `(${cond}) AS c${i}`).join(', ')} FROM read_parquet(${sqlString(src.file)}, file_row_number = true)
       WHERE ${checks.map(([cond]) => `coalesce(${cond}, false)`).join(' OR ')} ORDER BY file_row_number LIMIT 1`,
    )
  ).getRows();
  if (!rows.length) return undefined;
  const i = rows[0].slice(1).findIndex((v) => v === true);
  return { row: Number(rows[0][0]) + 1, reason: checks[i]?.[1] ?? 'a value that does not fit its column' };
}

function duckMessage(e: unknown): string {
  // DuckDB's `LINE 1: …` excerpt shows the import's own SQL, not the user's file: left out.
  return (e instanceof Error ? e.message : String(e)).replace(/\n+LINE \d+:[\s\S]*$/, '').replace(/\nTry setting[\s\S]*$/, '').replace(/\n\s*If this error occurred[^\n]*/, '').replace(/^(Invalid Input|Conversion|Constraint|IO) Error: /, '');
}

/**
 * Imports records files into the store in one transaction (see the header comment). Throws
 * ImportError naming file:line for bad input; nothing is imported then. The rows go through the
 * store's write path (TelemetryStore.insertSelect), between the receiver's batches. The store is
 * checkpointed afterwards unless `checkpoint: false`.
 */
export async function importRecordFiles(store: TelemetryStore, files: string[], opts: { checkpoint?: boolean } = {}): Promise<ImportResult> {
  if (files.length === 0) throw new ImportError('no files given');
  const result: ImportResult = { files: files.length, rows: 0, inserted: 0, duplicates: 0, runIds: [] };
  const sources = files.map((f) => {
    if (!fs.existsSync(f)) throw new ImportError('no such file', f);
    return detect(f);
  });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'telemetry-lens-import-'));
  const c = await store.connect();
  try {
    for (const [i, s] of sources.entries()) if (s.kind === 'document' || s.kind === 'logfire-stream') await convert(s, scratch, i);
    const parts: string[] = [];
    const ndjson = sources.filter((s) => s.ndjson).map((s) => s.ndjson!);
    if (ndjson.length) parts.push(ndjsonSelect(ndjson));
    for (const s of sources) if (s.kind === 'csv') parts.push(csvSelect(s));
    for (const s of sources) if (s.kind === 'parquet') {
      await describeParquet(c, s);
      parts.push(parquetSelect(s));
    }
    for (const s of sources.filter((x) => x.kind === 'csv')) {
      const missing = COLUMNS.filter((col) => col.required && col.name !== 'message' && !s.csvColumns!.includes(col.name)).map((col) => col.name);
      if (missing.length) throw new ImportError(`missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in the header`, s.file, 1);
      const unknown = s.csvColumns!.find((n) => !BY_NAME.has(n) && !ignored(n));
      if (unknown) throw new ImportError(unknownColumn(unknown), s.file, 1);
    }

    const select = parts.join(' UNION ALL ');
    try {
      Object.assign(result, await store.insertSelect(select, NAMES));
    } catch (e) {
      throw await locate(c, e, sources, scratch);
    }
  } finally {
    c.closeSync();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (result.inserted > 0 && opts.checkpoint !== false) await store.checkpoint();
  return result;
}

/** Turns a DuckDB error into an ImportError at the first bad line (checked in JS), else DuckDB's message. */
async function locate(c: DuckDBConnection, e: unknown, sources: Source[], scratch: string): Promise<Error> {
  if (e instanceof ImportError) return e;
  for (const s of sources) {
    if (s.kind === 'ndjson') {
      const bad = await firstBadLine(s.file);
      if (bad) return new ImportError(bad.reason, s.file, bad.line);
    } else if (s.kind === 'parquet') {
      const bad = await firstBadParquetRow(c, s).catch(() => undefined);
      if (bad) return new ImportError(`row ${bad.row}: ${bad.reason}`, s.file);
    }
  }
  let text = duckMessage(e);
  for (const s of sources) if (s.ndjson && s.ndjson.startsWith(scratch)) text = text.split(s.ndjson).join(s.file);
  return new ImportError(`import failed, nothing was imported: ${text}`);
}
