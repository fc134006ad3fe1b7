// `telemetry-lens query "SQL"`: a read-only Logfire SQL query on the local store or on Logfire, printed
// as a table, JSON or CSV.
import { cellText } from '../../protocol/format';
import type { QueryResult } from '../../protocol/protocol';
import { localBackend, parseTimeRange } from '../telemetry/sql/index';
import { DEFAULT_QUERY_TIMEOUT_SECONDS } from '../telemetry/sql/time-limit';
import { UsageError, type Command } from './command';
import { guarded, intOption, parse, timeoutOption } from './options';
import { defaultDbPath, openExisting, remoteBackendFromEnv } from './store-common';

export function formatTable(r: QueryResult, maxWidth = 60): string {
  const head = r.columns.map((c) => c.name);
  const body = r.rows.map((row) => row.map((v) => {
    const t = cellText(v).replace(/\s+/g, ' ');
    return t.length > maxWidth ? `${t.slice(0, maxWidth - 1)}…` : t;
  }));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const numeric = r.columns.map((c) => /INT|DOUBLE|FLOAT|DECIMAL|Int|Float/.test(c.type));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  out.push(`(${r.rowCount} row${r.rowCount === 1 ? '' : 's'}${r.truncated ? ', truncated by the row limit' : ''})`);
  return out.join('\n');
}

export function formatCsv(r: QueryResult): string {
  const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [r.columns.map((c) => q(c.name)).join(','), ...r.rows.map((row) => row.map((v) => q(cellText(v))).join(','))].join('\r\n') + '\r\n';
}

export function formatJson(r: QueryResult): string {
  return JSON.stringify(r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]]))), null, 2);
}

const QUERY_HELP = `usage: telemetry-lens query "SQL" [--db FILE] [--format table|json|csv] [--limit N] [--since RANGE] [--timeout SECONDS] [--remote]

Runs a read-only Logfire SQL query (Postgres flavour, Logfire idioms) on the local store, or with
--remote on Logfire's query API (read token from LOGFIRE_READ_TOKEN, base URL override LOGFIRE_BASE_URL).
--since limits records to a window such as 1h, 24h, 7d (Logfire's min_timestamp; default: everything
locally, 24h remotely). --limit defaults to and is capped at 10000. --timeout stops a local query that
runs longer (default ${DEFAULT_QUERY_TIMEOUT_SECONDS} s, 0 = no limit).`;

const command: Command = {
  name: 'query',
  usage: QUERY_HELP,
  summary: 'run a read-only Logfire SQL query on the local store or Logfire',
  run: (argv) =>
    guarded(async () => {
      const a = parse(argv, { db: { type: 'string' }, format: { type: 'string' }, limit: { type: 'string' }, since: { type: 'string' }, timeout: { type: 'string' }, remote: { type: 'boolean' } }, QUERY_HELP);
      if (!a) return 0;
      const sql = a.positionals.join(' ').trim();
      if (!sql) throw new UsageError(`missing SQL\n\n${QUERY_HELP}`);
      const format = a.values.format ?? 'table';
      if (!['table', 'json', 'csv'].includes(format)) throw new UsageError(`--format must be table, json or csv, got '${format}'`);
      const limit = intOption(a.values.limit, 'limit', 10_000);
      const timeLimit = timeoutOption(a.values.timeout);
      let minTimestamp: Date | undefined;
      try {
        if (a.values.since) minTimestamp = parseTimeRange(a.values.since).min;
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      let result: QueryResult;
      if (a.values.remote) {
        result = await remoteBackendFromEnv().query(sql, { limit, minTimestamp });
      } else {
        const store = await openExisting(a.values.db ?? defaultDbPath());
        try {
          result = await localBackend(store).query(sql, { limit, minTimestamp, timeLimit });
        } finally {
          await store.close();
        }
      }
      process.stdout.write((format === 'json' ? formatJson(result) : format === 'csv' ? formatCsv(result) : formatTable(result)) + (format === 'csv' ? '' : '\n'));
      return 0;
    }),
};

export default command;
