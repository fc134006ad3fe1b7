// `telemetry-lens export FILE`: writes the store's records (the Logfire `records` columns, pending spans
// left out) to Parquet, NDJSON or CSV, oldest first — files `telemetry-lens import` reads back, and that
// DuckDB, pandas, polars or a spreadsheet open directly. DuckDB writes the file (COPY), into a temporary
// name beside the target that is renamed only once complete, so a failed export leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { RECORD_COLUMNS } from './records';
import type { TelemetryStore } from './store';
import { sqlString } from './store/sqltext';

export type ExportFormat = 'parquet' | 'ndjson' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['parquet', 'ndjson', 'csv'];

export interface ExportOptions {
  format: ExportFormat;
  /** Only records starting at or after this time. */
  since?: Date;
  /** Only records of this agent run (`run_id`). */
  runId?: string;
}

export class ExportError extends Error {}

const NAMES = RECORD_COLUMNS.map(([n]) => n).filter((n) => n !== 'created_at');
const TIMESTAMPS = new Set<string>(RECORD_COLUMNS.filter(([, t]) => t.startsWith('TIMESTAMPTZ')).map(([n]) => n));

/** The format a file name asks for (.parquet, .ndjson/.jsonl/.json, .csv), if any. */
export function formatOf(file: string): ExportFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.parquet') return 'parquet';
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  if (ext === '.csv') return 'csv';
  return undefined;
}

/** One column as written: text formats get ISO 8601 UTC timestamps with microseconds and, in CSV, lists as JSON text. */
function column(n: string, format: ExportFormat): string {
  if (format !== 'parquet' && TIMESTAMPS.has(n)) return `strftime(${n}, '%Y-%m-%dT%H:%M:%S.%fZ') AS ${n}`;
  if (format === 'csv' && n === 'tags') return `CAST(to_json(tags) AS VARCHAR) AS tags`;
  return n;
}

/** Writes the store's records to `file`; returns how many were written. */
export async function exportRecords(store: TelemetryStore, file: string, opts: ExportOptions): Promise<{ rows: number }> {
  const where: string[] = [];
  if (opts.since) where.push(`start_timestamp >= make_timestamp(${BigInt(opts.since.getTime()) * 1000n}::BIGINT)::TIMESTAMPTZ`);
  if (opts.runId !== undefined) where.push(`run_id = ${sqlString(opts.runId)}`);
  const select = `SELECT ${NAMES.map((n) => column(n, opts.format)).join(', ')} FROM records${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY start_timestamp, trace_id, span_id`;
  const options = { parquet: 'FORMAT parquet', ndjson: 'FORMAT json', csv: 'FORMAT csv, HEADER true' }[opts.format];
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  const c = await store.connect();
  try {
    const r = await c.run(`COPY (${select}) TO ${sqlString(tmp)} (${options})`);
    fs.renameSync(tmp, file);
    return { rows: r.rowsChanged };
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new ExportError(`cannot write ${file}: ${(e instanceof Error ? e.message : String(e)).replace(/^IO Error: /, '')}`);
  } finally {
    c.closeSync();
  }
}
