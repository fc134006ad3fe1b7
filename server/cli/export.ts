// `telemetry-lens export FILE`: the store's records to Parquet, NDJSON or CSV (server/telemetry/export.ts
// writes them).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, ExportError, exportRecords, formatOf, type ExportFormat } from '../telemetry/export';
import type { Command } from './command';

const EXPORT_HELP = `usage: telemetry-lens export FILE [--db FILE] [--format parquet|ndjson|csv] [--since RANGE] [--run ID] [--force]

Writes the local store's records (Logfire's records columns, oldest first) to FILE as Parquet, NDJSON
(one record per line, ISO timestamps) or CSV with a header; the format follows the file name
(.parquet, .ndjson/.jsonl, .csv) unless --format says otherwise. \`telemetry-lens import\` reads
all three back. --since keeps records from a window such as 1h, 24h, 7d; --run keeps one agent run.
An existing FILE is kept unless --force is given.`;

const command: Command = {
  name: 'export',
  usage: EXPORT_HELP,
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
    const { defaultDbPath } = await import('./store-common');
    const { parseTimeRange } = await import('../telemetry/sql/index');
    let since: Date | undefined;
    try {
      if (a.values.since) since = parseTimeRange(a.values.since).min;
    } catch (e) {
      return fail(`--since: ${(e as Error).message}`);
    }
    const db = a.values.db ?? defaultDbPath();
    if (db !== ':memory:' && !fs.existsSync(db)) return fail(`no telemetry store at ${db} (pass --db)`);
    const { TelemetryStore } = await import('../telemetry/store');
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

export default command;
