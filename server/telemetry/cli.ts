// Store subcommands of `telemetry-lens`: serve, ingest, query, check, demo.
// Exit codes follow server/cli.ts: 0 ok, 1 a failed check (or a file that could not be ingested),
// 2 usage or input error (bad option, bad SQL, unreachable store or Logfire).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { HealthReport, QueryResult } from '../../protocol/protocol';
import { TelemetryStore } from './store';
import { IngestQueue } from './ingest';
import { OtlpReceiver, DEFAULT_OTLP_PORT } from './receiver';
import { decodeLogs, decodeMetrics, decodeTraces, type Encoding, type Signal } from './otlp/decode';
import { mapLogs, mapMetrics, mapTraces } from './map';
import { localBackend, parseTimeRange, QueryError, type QueryBackend } from './sql/index';
import { cliTimeLimit, DEFAULT_QUERY_TIMEOUT_SECONDS, QueryTimeoutError } from './sql/time-limit';
import { logfireBackend } from './logfire-client';
import { reportEmpty, reportFailed, runHealthChecks } from './health';
import { demoOtlpRequests, generateDemoRecords } from './demo';

type Command = { summary: string; run: (argv: string[]) => Promise<number> };

/** Default database for the CLI: $TELEMETRY_LENS_DB, else .telemetry-lens/telemetry.duckdb in the current directory. */
export function defaultDbPath(): string {
  return process.env.TELEMETRY_LENS_DB || path.join(process.cwd(), '.telemetry-lens', 'telemetry.duckdb');
}

export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, help: string) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help + '\n');
    return undefined;
  }
  // An option name has no whitespace (before any `=`): `"-- top 10\nSELECT …"` is SQL starting with
  // a comment. Such arguments are held back as positionals (parseArgs would read them as options).
  const held: string[] = [];
  const args = argv.map((x) => (/^-[^=]*\s/.test(x) ? `\u0000${held.push(x) - 1}` : x));
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    r.positionals = r.positionals.map((x) => (/^\u0000\d+$/.test(x) ? held[Number(x.slice(1))] : x));
    return r;
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n\n${help}`);
  }
}

function intOption(v: string | undefined, name: string, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`);
  return n;
}

/** `--timeout SECONDS`: a non-negative number (0 = no limit). */
function timeoutOption(v: string | undefined) {
  if (v === undefined) return cliTimeLimit(undefined);
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--timeout must be a number of seconds (0 = no limit), got '${v}'`);
  return cliTimeLimit(n);
}

/**
 * The schema a store command uses: the bundled default, or `file` (a schema file or registry directory).
 * As `lint` does, a schema with errors is a usage error after its positioned errors: nothing is `verb`
 * (its checks or limits may be the broken part).
 */
export async function cliSchema(file: string | undefined, verb: string): Promise<import('../schema/model').Schema> {
  const { bundledSchema, loadSchemaFile } = await import('../schema/loader');
  if (!file) return bundledSchema();
  if (!fs.existsSync(file)) throw new UsageError(`schema file not found: ${file}`);
  const loaded = loadSchemaFile(file);
  const errors = loaded.errors.filter((x) => x.severity === 'error');
  for (const e of errors) process.stderr.write(`${e.file}:${e.line + 1}:${e.character + 1}: ${e.message}\n`);
  if (errors.length) throw new UsageError(`${file} has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was ${verb}`);
  return loaded.schema;
}

export async function openExisting(db: string): Promise<TelemetryStore> {
  if (db !== ':memory:' && !fs.existsSync(db)) {
    throw new UsageError(`no telemetry store at ${db} (send data with \`telemetry-lens serve\`, \`ingest\` or \`demo\` first, or pass --db)`);
  }
  return TelemetryStore.open({ path: db, retentionIntervalMs: 0 });
}

function remoteBackendFromEnv(): QueryBackend {
  const token = process.env.LOGFIRE_READ_TOKEN?.trim();
  if (!token) throw new UsageError('--remote needs a Logfire read token in the LOGFIRE_READ_TOKEN environment variable');
  // The caller's own environment is trusted like user settings: LOGFIRE_BASE_URL counts as approved
  // (plain http is still refused off this machine).
  return logfireBackend(token, { baseUrl: process.env.LOGFIRE_BASE_URL || undefined, baseUrlApproved: true });
}

/** Runs a command body, mapping usage/query errors to exit code 2 with a message on stderr. */
export async function guarded(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UsageError || e instanceof QueryError || e instanceof QueryTimeoutError) {
      process.stderr.write(`telemetry-lens: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

// ---------- output formats ----------

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

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

export function formatReport(rep: HealthReport): string {
  const lines: string[] = [];
  const tag: Record<string, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', error: 'ERROR', 'no-data': 'NO DATA' };
  const indent = ' '.repeat(9);
  for (const c of rep.checks) {
    lines.push(`${(tag[c.verdict] ?? c.verdict.toUpperCase()).padEnd(7)}  ${c.name}${c.figure ? ` — ${c.figure}` : ''}`);
    if (c.error) lines.push(`${indent}${c.error}`);
    if (c.deadPattern) lines.push(`${indent}dead pattern: ${c.deadPattern}`);
  }
  const n = (v: string) => rep.checks.filter((c) => c.verdict === v).length;
  lines.push('');
  lines.push(
    `${rep.checks.length} checks: ${n('pass')} pass, ${n('warn')} warn, ${n('fail')} fail, ${n('error')} error, ${n('no-data')} no data (${rep.backend}, last ${rep.timeRange})`,
  );
  return lines.join('\n');
}

// ---------- commands ----------

const QUERY_HELP = `usage: telemetry-lens query "SQL" [--db FILE] [--format table|json|csv] [--limit N] [--since RANGE] [--timeout SECONDS] [--remote]

Runs a read-only Logfire SQL query (Postgres flavour, Logfire idioms) on the local store, or with
--remote on Logfire's query API (read token from LOGFIRE_READ_TOKEN, base URL override LOGFIRE_BASE_URL).
--since limits records to a window such as 1h, 24h, 7d (Logfire's min_timestamp; default: everything
locally, 24h remotely). --limit defaults to and is capped at 10000. --timeout stops a local query that
runs longer (default ${DEFAULT_QUERY_TIMEOUT_SECONDS} s, 0 = no limit).`;

export const queryCommand: Command = {
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

const CHECK_HELP = `usage: telemetry-lens check [--db FILE] [--schema FILE|DIR] [--format text|json] [--range RANGE] [--timeout SECONDS] [--allow-empty] [--remote]
       telemetry-lens check --conformance [--db FILE] [--schema FILE|DIR] [--format text|json] [--range RANGE]
                            [--no-semconv] [--semconv-release X.Y.Z] [--output FILE]

Runs the schema's health checks (the bundled Code Puppy checks by default) on the local store or, with
--remote, on Logfire (LOGFIRE_READ_TOKEN). --range is the window the checks see (default 24h).
--timeout stops a check's query that runs longer (each check; default ${DEFAULT_QUERY_TIMEOUT_SECONDS} s, 0 = no limit).
A check whose query saw no records in the range says "no data" (it is not a pass).
Exit status 1 when any check fails or cannot run, or when no check saw any data (an empty store or a
range without records); --allow-empty accepts the latter.

--conformance checks the received records of the local store instead: their attributes against the
schema, its Weaver registries and the built-in OpenTelemetry semantic conventions. --format json writes
a report shaped like Weaver's \`registry live-check --format json\` (samples with live_check_result, and
statistics); \`telemetry-lens live-check\` is the same with --format json. Exit status 1 on any violation.`;

export const checkCommand: Command = {
  summary: "run the schema's health checks (exit 1 on any failure)",
  run: (argv) =>
    guarded(async () => {
      const a = parse(
        argv,
        {
          db: { type: 'string' },
          schema: { type: 'string' },
          format: { type: 'string' },
          range: { type: 'string' },
          timeout: { type: 'string' },
          'allow-empty': { type: 'boolean' },
          remote: { type: 'boolean' },
          conformance: { type: 'boolean' },
          'no-semconv': { type: 'boolean' },
          'semconv-release': { type: 'string' },
          output: { type: 'string' },
        },
        CHECK_HELP,
      );
      if (!a) return 0;
      const format = a.values.format ?? 'text';
      if (!['text', 'json'].includes(format)) throw new UsageError(`--format must be text or json, got '${format}'`);
      const range = a.values.range ?? '24h';
      const timeLimit = timeoutOption(a.values.timeout);
      try {
        parseTimeRange(range);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const schema = await cliSchema(a.values.schema, 'checked');
      if (a.values.conformance) {
        if (a.values.remote) throw new UsageError('--conformance reads the local store; it does not go with --remote');
        const { liveCheckReport, recordsSince, formatLiveCheck, hasViolation } = await import('./livecheck');
        const { SEMCONV_RELEASES } = await import('../schema/semconv');
        const release = a.values['semconv-release'];
        if (release !== undefined && !(SEMCONV_RELEASES as readonly string[]).includes(release)) throw new UsageError(`--semconv-release: unknown release '${release}' (built in: ${SEMCONV_RELEASES.join(', ')})`);
        const store = await openExisting(a.values.db ?? defaultDbPath());
        let rep;
        try {
          const records = await recordsSince(store, parseTimeRange(range).min.getTime() * 1000);
          rep = liveCheckReport(records, schema, { enabled: !a.values['no-semconv'], ...(release ? { release } : {}) });
        } finally {
          await store.close();
        }
        const text = format === 'json' ? JSON.stringify(rep, null, 2) + '\n' : formatLiveCheck(rep) + '\n';
        if (a.values.output) fs.writeFileSync(a.values.output, text);
        else process.stdout.write(text);
        return hasViolation(rep) ? 1 : 0;
      }
      if (schema.health.length === 0) throw new UsageError('the schema declares no health checks');
      let report: HealthReport;
      if (a.values.remote) {
        report = await runHealthChecks(schema, remoteBackendFromEnv(), { timeRange: range, includeRows: format === 'json' });
      } else {
        const store = await openExisting(a.values.db ?? defaultDbPath());
        try {
          report = await runHealthChecks(schema, localBackend(store), { timeRange: range, includeRows: format === 'json', timeLimit });
        } finally {
          await store.close();
        }
      }
      process.stdout.write((format === 'json' ? JSON.stringify(report, null, 2) : formatReport(report)) + '\n');
      if (reportFailed(report)) return 1;
      if (reportEmpty(report) && !a.values['allow-empty']) {
        process.stderr.write(`telemetry-lens: no check saw any data in the last ${range} (is the store empty, or the range too short?); pass --allow-empty to accept that\n`);
        return 1;
      }
      return 0;
    }),
};

export const liveCheckCommand: Command = {
  summary: "check received records against the schema, registries and semantic conventions (Weaver live-check JSON)",
  run: (argv) => checkCommand.run(argv.includes('--help') || argv.includes('-h') ? argv : ['--conformance', '--format', 'json', ...argv]),
};

const INGEST_HELP = `usage: telemetry-lens ingest FILE... [--db FILE] [--signal traces|logs|metrics]

Loads OTLP export requests from files into the local store: protobuf (.pb/.bin/.protobuf) or JSON
(.json; also one request per line, as the OpenTelemetry Collector's file exporter writes), optionally
gzipped (.gz). The signal comes from the JSON keys, else from the file name (logs/metrics), else traces.
Files that cannot be read are reported with the reason; the others are still ingested (exit 1 then).`;

function encodingOfFile(file: string, bytes: Buffer): Encoding {
  const base = file.replace(/\.gz$/i, '').toLowerCase();
  if (/\.(pb|bin|protobuf|proto)$/.test(base)) return 'protobuf';
  if (base.endsWith('.json') || base.endsWith('.jsonl') || base.endsWith('.ndjson')) return 'json';
  const first = bytes.subarray(0, 64).toString('utf8').trimStart();
  return first.startsWith('{') ? 'json' : 'protobuf';
}

function signalOf(file: string, json: unknown, forced?: Signal): Signal {
  if (forced) return forced;
  if (json && typeof json === 'object') {
    if ('resourceLogs' in json) return 'logs';
    if ('resourceMetrics' in json) return 'metrics';
    if ('resourceSpans' in json) return 'traces';
  }
  const name = path.basename(file).toLowerCase();
  if (name.includes('log')) return 'logs';
  if (name.includes('metric')) return 'metrics';
  return 'traces';
}

/** Decodes one file into store rows. Throws with a reason. */
export function decodeOtlpFile(file: string, forced?: Signal): { records: ReturnType<typeof mapTraces>; metrics: ReturnType<typeof mapMetrics>; rejected: number; errors: string[] } {
  let bytes = fs.readFileSync(file);
  if (file.toLowerCase().endsWith('.gz') || (bytes[0] === 0x1f && bytes[1] === 0x8b)) {
    bytes = zlib.gunzipSync(bytes, { maxOutputLength: 512 * 1024 * 1024 });
  }
  const encoding = encodingOfFile(file, bytes);
  const bodies: { body: Uint8Array; json?: unknown }[] = [];
  if (encoding === 'json') {
    const text = bytes.toString('utf8');
    try {
      bodies.push({ body: bytes, json: JSON.parse(text) });
    } catch (whole) {
      const lines = text.split(/\r?\n/).filter((l) => l.trim());
      if (lines.length < 2) throw new Error(`not valid OTLP JSON: ${(whole as Error).message}`);
      lines.forEach((l, i) => {
        try {
          bodies.push({ body: Buffer.from(l), json: JSON.parse(l) });
        } catch (e) {
          throw new Error(`line ${i + 1}: not valid JSON: ${(e as Error).message}`);
        }
      });
    }
  } else {
    bodies.push({ body: bytes });
  }
  const out = { records: [] as ReturnType<typeof mapTraces>, metrics: [] as ReturnType<typeof mapMetrics>, rejected: 0, errors: [] as string[] };
  for (const b of bodies) {
    const signal = signalOf(file, b.json, forced);
    if (signal === 'traces') {
      const d = decodeTraces(b.body, encoding);
      out.records.push(...mapTraces(d));
      out.rejected += d.rejected;
      out.errors.push(...d.errors);
    } else if (signal === 'logs') {
      const d = decodeLogs(b.body, encoding);
      out.records.push(...mapLogs(d));
      out.rejected += d.rejected;
      out.errors.push(...d.errors);
    } else {
      const d = decodeMetrics(b.body, encoding);
      out.metrics.push(...mapMetrics(d));
      out.rejected += d.rejected;
      out.errors.push(...d.errors);
    }
  }
  return out;
}

export const ingestCommand: Command = {
  summary: 'load OTLP JSON/protobuf files into the local store',
  run: (argv) =>
    guarded(async () => {
      const a = parse(argv, { db: { type: 'string' }, signal: { type: 'string' } }, INGEST_HELP);
      if (!a) return 0;
      if (a.positionals.length === 0) throw new UsageError(`no files given\n\n${INGEST_HELP}`);
      const forced = a.values.signal as Signal | undefined;
      if (forced && !['traces', 'logs', 'metrics'].includes(forced)) throw new UsageError(`--signal must be traces, logs or metrics, got '${forced}'`);
      const store = await TelemetryStore.open({ path: a.values.db ?? defaultDbPath(), retentionIntervalMs: 0 });
      let failed = 0;
      let total = 0;
      try {
        for (const file of a.positionals) {
          let decoded;
          try {
            decoded = decodeOtlpFile(file, forced);
          } catch (e) {
            failed++;
            process.stderr.write(`${file}: ${e instanceof Error ? e.message : String(e)}\n`);
            continue;
          }
          const res = await store.insertBatch({ records: decoded.records, metrics: decoded.metrics });
          total += res.records + res.metrics;
          const notes = [decoded.rejected ? `${decoded.rejected} invalid item(s) skipped${decoded.errors.length ? `: ${decoded.errors.join('; ')}` : ''}` : '', res.duplicates ? `${res.duplicates} duplicate(s)` : '']
            .filter(Boolean)
            .join(', ');
          process.stdout.write(`${file}: ${res.records} record(s), ${res.metrics} metric point(s)${notes ? ` (${notes})` : ''}\n`);
        }
      } finally {
        await store.close();
      }
      process.stdout.write(`ingested ${total} row(s) from ${a.positionals.length - failed} of ${a.positionals.length} file(s) into ${store.path}\n`);
      return failed ? 1 : 0;
    }),
};

const DEMO_HELP = `usage: telemetry-lens demo [--db FILE] [--records N] [--seed N] [--scenario healthy|degraded] [--send URL]

Generates Code Puppy-style traffic over the last 24 hours (the bundled schema's six events). Written into the local
store, or with --send posted as OTLP/JSON to a receiver (e.g. http://127.0.0.1:4318).`;

export const demoCommand: Command = {
  summary: 'generate Code Puppy-style demo traffic',
  run: (argv) =>
    guarded(async () => {
      const a = parse(argv, { db: { type: 'string' }, records: { type: 'string' }, seed: { type: 'string' }, scenario: { type: 'string' }, send: { type: 'string' } }, DEMO_HELP);
      if (!a) return 0;
      const scenario = a.values.scenario ?? 'healthy';
      if (scenario !== 'healthy' && scenario !== 'degraded') throw new UsageError(`--scenario must be healthy or degraded, got '${scenario}'`);
      const rows = generateDemoRecords({ records: intOption(a.values.records, 'records', 5000), seed: intOption(a.values.seed, 'seed', 42), scenario });
      if (a.values.send) {
        let url: URL;
        try {
          url = new URL(a.values.send);
        } catch {
          throw new UsageError(`--send needs a URL, got '${a.values.send}'`);
        }
        if (!url.pathname.endsWith('/v1/traces')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
        let sent = 0;
        for (const body of demoOtlpRequests(rows)) {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch((e: unknown) => {
            throw new UsageError(`cannot reach ${url.origin}: ${e instanceof Error ? e.message : String(e)}`);
          });
          const text = await res.text();
          if (!res.ok) throw new UsageError(`${url.href} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
          sent += (body as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }).resourceSpans[0].scopeSpans[0].spans.length;
        }
        process.stdout.write(`sent ${sent} span(s) to ${url.href}\n`);
        return 0;
      }
      const store = await TelemetryStore.open({ path: a.values.db ?? defaultDbPath(), retentionIntervalMs: 0 });
      try {
        const res = await store.insertBatch({ records: rows });
        process.stdout.write(`wrote ${res.records} demo record(s) (${scenario}) to ${store.path}\n`);
      } finally {
        await store.close();
      }
      return 0;
    }),
};

const SERVE_HELP = `usage: telemetry-lens serve [--port N] [--db FILE]

Runs the OTLP/HTTP receiver on 127.0.0.1 (default port ${DEFAULT_OTLP_PORT}; the next free port when taken)
and writes what it receives into the local store until interrupted (Ctrl-C).`;

export const serveCommand: Command = {
  summary: 'run the local OTLP receiver and store',
  run: (argv) =>
    guarded(async () => {
      const a = parse(argv, { port: { type: 'string' }, db: { type: 'string' } }, SERVE_HELP);
      if (!a) return 0;
      const port = intOption(a.values.port, 'port', DEFAULT_OTLP_PORT);
      if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
      const store = await TelemetryStore.open({ path: a.values.db ?? defaultDbPath() });
      const queue = new IngestQueue(store);
      let receiver: OtlpReceiver;
      try {
        receiver = await OtlpReceiver.start({ queue, port });
      } catch (e) {
        await store.close();
        throw new UsageError((e as Error).message);
      }
      process.stdout.write(`Telemetry Lens receiver listening on ${receiver.url} (store: ${store.path})\n`);
      process.stdout.write(`  export OTEL_EXPORTER_OTLP_ENDPOINT=${receiver.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await receiver.close();
      await store.close();
      process.stdout.write(`stopped; ${queue.totals.records} record(s) received\n`);
      return 0;
    }),
};
