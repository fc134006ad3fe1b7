// `telemetry-lens import FILE...`: records files into the local store in one transaction
// (server/telemetry/bulk.ts reads and checks them).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ImportError, importRecordFiles } from '../telemetry/bulk';
import { TelemetryStore } from '../telemetry/store';
import type { Command } from './command';

const IMPORT_HELP = `usage: telemetry-lens import FILE... [--db FILE]

Loads records files into the local store in one transaction: NDJSON records (one JSON object per
line with records column names), Logfire query API answers saved to a file (JSON, the NDJSON stream,
a JSON array of rows), CSV with a header, or Parquet (the fastest). Rows already in the store are
skipped. A bad line stops the import with file:line (Parquet: file and row) and nothing is imported.`;

const command: Command = {
  name: 'import',
  usage: IMPORT_HELP,
  summary: 'bulk-load records files (NDJSON, Logfire query answers, CSV, Parquet) into the local store',
  run: async (argv: string[]): Promise<number> => {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(IMPORT_HELP + '\n');
      return 0;
    }
    let a;
    try {
      a = parseArgs({ args: argv, options: { db: { type: 'string' } }, allowPositionals: true, strict: true });
    } catch (e) {
      process.stderr.write(`telemetry-lens: ${(e as Error).message}\n\n${IMPORT_HELP}\n`);
      return 2;
    }
    if (a.positionals.length === 0) {
      process.stderr.write(`telemetry-lens: no files given\n\n${IMPORT_HELP}\n`);
      return 2;
    }
    const { defaultDbPath } = await import('./store-common');
    const db = a.values.db ?? defaultDbPath();
    const t = performance.now();
    // A failed import leaves the store as it was: a store file (and folder) this import created goes again.
    const createdDir = firstMissingDir(path.dirname(path.resolve(db)));
    const createdFile = !fs.existsSync(db);
    let imported = false;
    const store = await TelemetryStore.open({ path: db, retentionIntervalMs: 0 });
    try {
      const r = await importRecordFiles(store, a.positionals);
      imported = true;
      const s = ((performance.now() - t) / 1000).toFixed(2);
      const extra = r.duplicates ? [`${r.duplicates.toLocaleString('en-US')} already stored or repeated`] : [];
      process.stdout.write(`imported ${r.inserted.toLocaleString('en-US')} of ${r.rows.toLocaleString('en-US')} records from ${r.files} file${r.files === 1 ? '' : 's'} into ${db} in ${s} s${extra.length ? ` (${extra.join(', ')})` : ''}\n`);
      return 0;
    } catch (e) {
      if (e instanceof ImportError) {
        process.stderr.write(`telemetry-lens: ${e.message}\n`);
        return 2;
      }
      throw e;
    } finally {
      await store.close();
      if (!imported && createdFile) {
        for (const f of [db, `${db}.wal`]) fs.rmSync(f, { force: true });
        if (createdDir) fs.rmSync(createdDir, { recursive: true, force: true });
      }
    }
  },
};

/** The outermost folder of `dir` that does not exist yet (what opening a store there would create), if any. */
function firstMissingDir(dir: string): string | undefined {
  let missing: string | undefined;
  for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) {
    missing = d;
    if (path.dirname(d) === d) break;
  }
  return missing;
}

export default command;
