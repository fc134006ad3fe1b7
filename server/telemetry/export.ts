// `telemetry-lens export FILE`: writes the store's records (the Logfire `records` columns, pending spans
// left out) to Parquet, NDJSON or CSV, oldest first — files `telemetry-lens import` reads back, and that
// DuckDB, pandas, polars or a spreadsheet open directly. DuckDB writes the file (COPY), into a temporary
// name beside the target that is renamed only once complete, so a failed export leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
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

const EXPORT_HELP = `usage: telemetry-lens export FILE [--db FILE] [--format parquet|ndjson|csv] [--since RANGE] [--run ID] [--force]

Writes the local store's records (Logfire's records columns, oldest first) to FILE as Parquet, NDJSON
(one record per line, ISO timestamps) or CSV with a header; the format follows the file name
(.parquet, .ndjson/.jsonl, .csv) unless --format says otherwise. \`telemetry-lens import\` reads
all three back. --since keeps records from a window such as 1h, 24h, 7d; --run keeps one agent run.
An existing FILE is kept unless --force is given.`;

export const exportCommand = {
  summary: 'write the local store\'s records to Parquet, NDJSON or CSV',
  run: async (argv: string[]): Promise<number> => {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(EXPORT_HELP + '\n');
      return 0;
    }
    const fail = (message: string) => {
      process.stderr.write(`telemetry-lens: ${message}\n`);
      return 2;
    };
    let a;
    try {
      a = parseArgs({
        args: argv,
        options: { db: { type: 'string' }, format: { type: 'string' }, since: { type: 'string' }, run: { type: 'string' }, force: { type: 'boolean' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (e) {
      return fail(`${(e as Error).message}\n\n${EXPORT_HELP}`);
    }
    if (a.positionals.length !== 1) return fail(`${a.positionals.length ? 'one output file, got several' : 'no output file given'}\n\n${EXPORT_HELP}`);
    const file = a.positionals[0];
    const format = (a.values.format ?? formatOf(file)) as ExportFormat | undefined;
    if (!format) return fail(`cannot tell the format from '${path.basename(file)}': name it .parquet, .ndjson or .csv, or pass --format`);
    if (!EXPORT_FORMATS.includes(format)) return fail(`unknown --format '${format}' (parquet, ndjson or csv)`);
    if (fs.existsSync(file) && !a.values.force) return fail(`${file} exists; pass --force to replace it`);
    if (!fs.existsSync(path.dirname(path.resolve(file)))) return fail(`no such directory: ${path.dirname(file)}`);
    const { defaultDbPath } = await import('./cli');
    const { parseTimeRange } = await import('./sql/index');
    let since: Date | undefined;
    try {
      if (a.values.since) since = parseTimeRange(a.values.since).min;
    } catch (e) {
      return fail(`--since: ${(e as Error).message}`);
    }
    const db = a.values.db ?? defaultDbPath();
    if (db !== ':memory:' && !fs.existsSync(db)) return fail(`no telemetry store at ${db} (pass --db)`);
    const { TelemetryStore } = await import('./store');
    const store = await TelemetryStore.open({ path: db, retentionIntervalMs: 0 });
    try {
      const t = performance.now();
      const r = await exportRecords(store, file, { format, since, runId: a.values.run });
      process.stdout.write(`exported ${r.rows.toLocaleString('en-US')} record${r.rows === 1 ? '' : 's'} to ${file} (${format}) in ${((performance.now() - t) / 1000).toFixed(2)} s\n`);
      return 0;
    } catch (e) {
      if (e instanceof ExportError) return fail(e.message);
      throw e;
    } finally {
      await store.close();
    }
  },
};
