// Logfire SQL front end for the local DuckDB store: parse (Postgres 18 grammar), check read-only,
// rewrite Logfire/Postgres idioms for DuckDB, deparse, run with a row limit and cancellation.
import { trace, SpanStatusCode } from '@opentelemetry/api';
import { type DuckDBConnection, DuckDBTimestampTZValue, DuckDBTimestampValue, type DuckDBValueConverter, type JS, JSDuckDBValueConverter } from '@duckdb/node-api';
import type { QueryColumn, QueryResult } from '../../../protocol/protocol';
import { isoMicros } from '../records';
import { closest, distance } from 'fastest-levenshtein';
import { deparsePg, loadParser, locationToChar, parsePg, PgSyntaxError, scanPg } from './pg';
import { userQueryError } from './errors';
import { type LikePattern, rewriteStatement, type RewriteOptions, SqlRewriteError } from './rewrite';
import { type QueryTimeLimit, withTimeLimit } from './time-limit';

export { loadParser } from './pg';
export type { LikePattern, RewriteOptions } from './rewrite';
export { LEVEL_BY_NAME } from './rewrite';

/** Anything that hands out DuckDB connections: a DuckDBInstance or the TelemetryStore. */
export interface ConnectionSource {
  connect(): Promise<DuckDBConnection>;
  /** Attribute keys the store keeps as columns (TelemetryStore): the front end reads them from there. */
  readonly attributeColumns?: ReadonlyMap<string, string>;
}

export type QueryErrorKind = 'syntax' | 'readonly' | 'unsupported' | 'execution' | 'cancelled' | 'remote';

/** A query problem with a position in the user's SQL when there is one (1-based line/column). */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly kind: QueryErrorKind,
    readonly position?: { offset: number; line: number; column: number },
  ) {
    super(position ? `${message} (line ${position.line}, column ${position.column})` : message);
    this.name = 'QueryError';
  }
}

export interface TranslatedQuery {
  /** DuckDB SQL to run. */
  sql: string;
  /** LIKE patterns on columns, for dead-pattern detection. */
  likePatterns: LikePattern[];
}

const READ_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);
/**
 * First words of statements that are not read-only queries (Postgres and DuckDB). A query that fails to
 * parse and starts with one is refused as such; any other parse failure is a syntax error.
 */
const NOT_READ_ONLY = new Set(
  ('ABORT ALTER ANALYZE ATTACH BEGIN CALL CHECKPOINT CLOSE CLUSTER COMMENT COMMIT COPY CREATE DEALLOCATE DECLARE DELETE ' +
    'DESCRIBE DETACH DISCARD DO DROP END EXECUTE EXPORT FETCH FORCE FROM GRANT IMPORT INSERT INSTALL LISTEN LOAD LOCK MERGE ' +
    'MOVE NOTIFY PIVOT PRAGMA PREPARE REFRESH REINDEX RESET REVOKE ROLLBACK SECURITY SET SHOW START SUMMARIZE TRUNCATE ' +
    'UNPIVOT UPDATE UPSERT USE VACUUM').split(' '),
);

/** Default and maximum rows returned (Logfire's API caps at 10,000 too). */
export const DEFAULT_ROW_LIMIT = 10_000;

function positionOf(sql: string, charOffset: number): { offset: number; line: number; column: number } {
  const before = sql.slice(0, charOffset);
  const lines = before.split('\n');
  return { offset: charOffset, line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/**
 * Attribute keys a query reads as `attributes->>'key'` (on a column named `attributes`), in order of
 * first use; a query that does not parse reads none. Used to keep a schema's own health-check keys as
 * columns of the local store.
 */
export async function attributeKeysRead(sqls: readonly string[]): Promise<string[]> {
  await loadParser();
  const keys = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const e = (n as { A_Expr?: { name?: { String?: { sval?: string } }[]; lexpr?: { ColumnRef?: { fields?: { String?: { sval?: string } }[] } }; rexpr?: { A_Const?: { sval?: { sval?: string } } } } }).A_Expr;
    const fields = e?.lexpr?.ColumnRef?.fields;
    const key = e?.rexpr?.A_Const?.sval?.sval;
    if (e?.name?.[0]?.String?.sval === '->>' && fields?.[fields.length - 1]?.String?.sval?.toLowerCase() === 'attributes' && key) keys.add(key);
    Object.values(n).forEach(walk);
  };
  for (const sql of sqls) {
    try {
      walk(parsePg(sql));
    } catch {
      // not parseable: the query reports its own error when it runs
    }
  }
  return [...keys];
}

/** Translates Logfire SQL to DuckDB SQL. Throws QueryError (syntax / readonly / unsupported). */
export async function translateLogfireSql(sql: string, opts: RewriteOptions = {}): Promise<TranslatedQuery> {
  await loadParser();
  return translateLogfireSqlSync(sql, opts);
}

/** Same as translateLogfireSql once `loadParser()` has resolved. */
export function translateLogfireSqlSync(sql: string, opts: RewriteOptions = {}): TranslatedQuery {
  if (!sql.trim()) throw new QueryError('The query is empty', 'syntax');
  let parsed;
  try {
    parsed = parsePg(sql);
  } catch (e) {
    if (e instanceof PgSyntaxError) {
      // DuckDB-only statements (ATTACH, PRAGMA, INSTALL…) are not Postgres: say why they are refused.
      const first = scanPg(sql)[0];
      const word = first?.text.toUpperCase() ?? '';
      if (NOT_READ_ONLY.has(word)) {
        throw new QueryError(
          `Only read-only queries (SELECT, WITH … SELECT, VALUES) are allowed; ${word} is refused`,
          'readonly',
          positionOf(sql, locationToChar(sql, first!.start)),
        );
      }
      // A dashboard variable (`time_bucket($resolution, …)`): Logfire's dashboards substitute it.
      const variable = /^\$([A-Za-z_]\w*)/.exec(sql.slice(e.position));
      if (variable) {
        throw new QueryError(
          `$${variable[1]} is a Logfire dashboard variable, which only dashboards fill in: write its value instead (e.g. '1 hour' for $resolution)`,
          'unsupported',
          positionOf(sql, e.position),
        );
      }
      // A misspelt first word (`SELEC`, `WTIH`) gets the statement it most likely meant.
      const meant = /^[A-Z]+$/.test(word) && !READ_KEYWORDS.has(word) ? closest(word, [...READ_KEYWORDS]) : undefined;
      const hint = meant && distance(word, meant) <= 2 ? ` (did you mean ${meant}?)` : '';
      throw new QueryError(`SQL syntax error: ${e.message}${hint}`, 'syntax', positionOf(sql, e.position));
    }
    throw e;
  }
  const stmts = parsed.stmts.filter((s) => s.stmt);
  if (stmts.length === 0) throw new QueryError('The query is empty', 'syntax');
  if (stmts.length > 1) {
    throw new QueryError(
      'Only one statement per query is allowed (found a second statement after `;`)',
      'readonly',
      positionOf(sql, locationToChar(sql, stmts[1].stmt_location ?? 0)),
    );
  }
  try {
    const { stmt, likePatterns } = rewriteStatement(stmts[0].stmt, opts);
    return { sql: deparsePg(stmt), likePatterns };
  } catch (e) {
    if (e instanceof SqlRewriteError) {
      throw new QueryError(e.message, e.kind, e.location === undefined ? undefined : positionOf(sql, locationToChar(sql, e.location)));
    }
    throw e;
  }
}

export interface RunOptions extends RewriteOptions {
  /** Maximum rows returned (default and cap 10,000); `truncated` tells whether more existed. */
  limit?: number;
  signal?: AbortSignal;
}

const tracer = () => trace.getTracer('telemetry-lens');

/**
 * Runs a user's Logfire SQL on the local store: translated, inside a READ ONLY transaction on a
 * connection of its own (so it can be interrupted without disturbing ingest).
 */
export async function runLogfireQuery(source: ConnectionSource, sql: string, opts: RunOptions = {}): Promise<QueryResult> {
  return tracer().startActiveSpan('telemetry-lens.query', async (span) => {
    span.setAttribute('db.system', 'duckdb');
    span.setAttribute('telemetry_lens.sql_length', sql.length);
    try {
      const translated = await translateLogfireSql(sql, { attributeColumns: source.attributeColumns, ...opts });
      const res = await runDuckDbSql(source, translated.sql, { ...opts, readOnly: true });
      span.setAttribute('telemetry_lens.rows', res.rowCount);
      return res;
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs DuckDB SQL (already translated, or written for DuckDB by this code base) and converts the
 * rows for the protocol. With `readOnly`, inside a READ ONLY transaction.
 */
export async function runDuckDbSql(
  source: ConnectionSource,
  duckSql: string,
  opts: { limit?: number; signal?: AbortSignal; readOnly?: boolean; setup?: string[]; params?: (string | number | boolean | null)[] } = {},
): Promise<QueryResult> {
  const limit = Math.max(0, Math.min(opts.limit ?? DEFAULT_ROW_LIMIT, DEFAULT_ROW_LIMIT));
  const started = performance.now();
  if (opts.signal?.aborted) throw new QueryError('Query cancelled', 'cancelled');
  const conn = await source.connect();
  // An interrupt reaches only the statement running at that moment: one that comes while the
  // connection is between statements (setting up) would be lost, so keep interrupting until done.
  let interrupter: NodeJS.Timeout | undefined;
  const onAbort = () => {
    conn.interrupt();
    interrupter ??= setInterval(() => conn.interrupt(), 50);
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort);
  let inTx = false;
  try {
    await conn.run("SET TimeZone = 'UTC'");
    if (opts.readOnly) {
      await conn.run('BEGIN TRANSACTION READ ONLY');
      inTx = true;
    }
    for (const s of opts.setup ?? []) await conn.run(s);
    const result = await conn.stream(duckSql, opts.params as never);
    const columns: QueryColumn[] = [];
    for (let i = 0; i < result.columnCount; i++) columns.push({ name: result.columnName(i), type: result.columnType(i).toString() });
    const rows: unknown[][] = [];
    let truncated = false;
    for (;;) {
      if (opts.signal?.aborted) throw new QueryError('Query cancelled', 'cancelled');
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const chunkRows = chunk.convertRows(resultConverter);
      for (const r of chunkRows) {
        if (rows.length >= limit) {
          truncated = true;
          break;
        }
        rows.push(r.map(toProtocolValue));
      }
      if (truncated) break;
    }
    return { columns, rows, rowCount: rows.length, truncated, durationMs: performance.now() - started, backend: 'local' };
  } catch (e) {
    if (e instanceof QueryError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    if (opts.signal?.aborted || /INTERRUPT/i.test(msg)) throw new QueryError('Query cancelled', 'cancelled');
    throw new QueryError(`Query failed: ${opts.readOnly ? userQueryError(msg) : msg}`, 'execution');
  } finally {
    clearInterval(interrupter);
    opts.signal?.removeEventListener('abort', onAbort);
    if (inTx) await conn.run('ROLLBACK').catch(() => undefined);
    conn.closeSync();
  }
}

/**
 * DuckDB's JS conversion, except that TIMESTAMP / TIMESTAMPTZ keep their microseconds (a JS Date has
 * milliseconds): they become ISO 8601 UTC strings with six fraction digits, as Logfire's API returns them,
 * and ±infinity becomes 'infinity' / '-infinity' instead of an error. Applies inside lists and structs too.
 */
const resultConverter: DuckDBValueConverter<JS> = (value, type) => {
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) return timestampText(value.micros);
  return JSDuckDBValueConverter(value, type, resultConverter);
};

/** Epoch microseconds → ISO text; beyond what a JS Date holds, ±infinity or the number itself. */
function timestampText(us: bigint): string {
  if (us >= 9223372036854775807n) return 'infinity';
  if (us <= -9223372036854775807n) return '-infinity';
  return us > MAX_DATE_MICROS || us < -MAX_DATE_MICROS ? String(us) : isoMicros(us);
}
const MAX_DATE_MICROS = 8_640_000_000_000_000_000n; // JS Date range: ±8.64e15 ms

/** JS values from DuckDB → JSON-safe protocol values (ISO timestamps, safe numbers, strings). */
export function toProtocolValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(toProtocolValue);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('months' in o && 'days' in o && 'micros' in o) return intervalText(o as { months: number; days: number; micros: bigint });
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = toProtocolValue(x);
    return out;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

function intervalText(i: { months: number; days: number; micros: bigint }): string {
  const parts: string[] = [];
  if (i.months) parts.push(`${i.months} mons`);
  if (i.days) parts.push(`${i.days} days`);
  const us = Number(i.micros);
  if (us || parts.length === 0) {
    const sign = us < 0 ? '-' : '';
    const abs = Math.abs(us);
    const h = Math.floor(abs / 3.6e9);
    const m = Math.floor((abs % 3.6e9) / 6e7);
    const s = (abs % 6e7) / 1e6;
    parts.push(`${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s < 10 ? '0' : ''}${s}`);
  }
  return parts.join(' ');
}

// ---------- backends (local store / Logfire) behind one interface ----------

export interface BackendQueryOptions {
  limit?: number;
  signal?: AbortSignal;
  /** Time window: Logfire's min/max_timestamp; locally a filter on `records`. */
  minTimestamp?: Date;
  maxTimestamp?: Date;
  /** Local store: interrupt the query past this limit (a QueryTimeoutError naming it). */
  timeLimit?: QueryTimeLimit;
}

/** Does a (parsed) query read the `records` / `records_all` table? Identifiers only, not string literals. */
export async function readsRecords(sql: string): Promise<boolean> {
  await loadParser();
  return scanPg(sql).some((t) => t.tokenName === 'IDENT' && /^"?records(_all)?"?$/i.test(t.text));
}

/** Where Logfire SQL runs: the local DuckDB store or Logfire's query API. */
export interface QueryBackend {
  readonly kind: 'local' | 'logfire';
  query(sql: string, opts?: BackendQueryOptions): Promise<QueryResult>;
}

/** The local store as a query backend (Logfire SQL translated for DuckDB, read-only). */
export function localBackend(source: ConnectionSource): QueryBackend {
  return {
    kind: 'local',
    query: (sql, opts = {}) => withTimeLimit(opts.timeLimit, opts.signal, (signal) => runLogfireQuery(source, sql, { ...opts, signal })),
  };
}

/**
 * Parses a time range like '15m', '1h', '24h', '7d', '2w' into a window ending at `now`.
 * Throws on anything else.
 */
export function parseTimeRange(range: string, now: Date = new Date()): { min: Date; max: Date } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$/i.exec(range);
  if (!m) throw new Error(`invalid time range '${range}' (expected e.g. 15m, 1h, 24h, 7d, 2w)`);
  const unit = m[2].toLowerCase();
  const ms = Number(m[1]) * (unit === 'w' ? 604_800_000 : unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : 60_000);
  return { min: new Date(now.getTime() - ms), max: now };
}
