// Health checks (schema `health:`): run each check's Logfire SQL on the local store or on Logfire,
// turn its rows into a verdict with the check's verdict SQL (run locally in DuckDB over the rows,
// exposed as table `result`), and flag LIKE patterns that cannot match any known event.
//
// Time range: the bundled checks' queries carry their own `NOW() - INTERVAL …` filters and run verbatim. The
// panel's range is applied around them, the way Logfire applies `min_timestamp`: remotely it is sent
// as `min_timestamp`; locally `records` is replaced by a view of the records in the window. A check
// therefore sees the intersection of its own filter and the panel's range.
import { trace, SpanStatusCode } from '@opentelemetry/api';
import { DuckDBInstance } from '@duckdb/node-api';
import type { HealthCheckResult, HealthReport, QueryResult, Verdict } from '../../protocol/protocol';
import type { EventSpec, HealthCheckSpec, Schema } from '../schema/model';
import { likeMatcher } from '../schema/safe-regex';
import { attributeKeysRead, type LikePattern, parseTimeRange, type QueryBackend, readsRecords, toProtocolValue, translateLogfireSql } from './sql/index';
import { type QueryTimeLimit, withTimeLimit } from './sql/time-limit';

export interface HealthRunOptions {
  /** Panel time range, e.g. '24h' (default). */
  timeRange?: string;
  /** Message templates / event names found at call sites by the lint engine (for dead-pattern detection). */
  callSiteTemplates?: string[];
  signal?: AbortSignal;
  now?: Date;
  /** Include each check's rows in the report (default true). */
  includeRows?: boolean;
  /** Only these check ids. */
  only?: string[];
  /** Interrupts a check's query (and its verdict query) that runs longer; the check gets verdict 'error'. */
  timeLimit?: QueryTimeLimit;
}

const tracer = () => trace.getTracer('telemetry-lens');

/** Runs the schema's health checks one after another on `backend`. */
/**
 * Attribute keys the schema's health checks read with `attributes->>'key'` (they run again and again,
 * unlike saved queries): the local store keeps them as columns, so the checks read a column instead of
 * parsing the JSON of every row.
 */
export function schemaAttributeKeys(schema: Pick<Schema, 'health'>): Promise<string[]> {
  return attributeKeysRead(schema.health.map((h) => h.sql));
}

export async function runHealthChecks(
  schema: Pick<Schema, 'health' | 'events'>,
  backend: QueryBackend,
  opts: HealthRunOptions = {},
): Promise<HealthReport> {
  const timeRange = opts.timeRange ?? '24h';
  const ranAt = (opts.now ?? new Date()).toISOString();
  return tracer().startActiveSpan('telemetry-lens.health', async (span) => {
    span.setAttribute('telemetry_lens.backend', backend.kind);
    try {
      const checks: HealthCheckResult[] = [];
      const specs = opts.only ? schema.health.filter((h) => opts.only!.includes(h.id)) : schema.health;
      for (const spec of specs) {
        if (opts.signal?.aborted) break;
        checks.push(await runHealthCheck(spec, backend, { ...opts, timeRange, events: schema.events }));
      }
      span.setAttribute('telemetry_lens.checks', checks.length);
      return { backend: backend.kind, timeRange, checks, ranAt };
    } finally {
      span.end();
    }
  });
}

/** Runs one check; never throws (problems become verdict 'error'). */
export async function runHealthCheck(
  spec: HealthCheckSpec,
  backend: QueryBackend,
  opts: HealthRunOptions & { events?: EventSpec[] } = {},
): Promise<HealthCheckResult> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const base: HealthCheckResult = {
    id: spec.id,
    name: spec.name,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.expectation ? { expectation: spec.expectation } : {}),
    verdict: 'error',
    ranAt: now.toISOString(),
    durationMs: 0,
  };
  return tracer().startActiveSpan(`telemetry-lens.health.${spec.id}`, async (span) => {
    try {
      const translated = await translateLogfireSql(spec.sql);
      const dead = findDeadPattern(translated.likePatterns, opts.events ?? [], opts.callSiteTemplates ?? []);
      if (dead) base.deadPattern = dead;
      const { min } = parseTimeRange(opts.timeRange ?? '24h', now);
      base.window = checkWindow(spec.sql, opts.timeRange ?? '24h');
      const result = await backend.query(spec.sql, { minTimestamp: min, signal: opts.signal, timeLimit: opts.timeLimit });
      if (opts.includeRows !== false) base.result = result;
      if (await sawNoData(spec.sql, translated.likePatterns, backend, { minTimestamp: min, signal: opts.signal, timeLimit: opts.timeLimit })) {
        // An empty window is not a pass: a CI gate must not go green on no data.
        base.verdict = 'no-data';
        base.figure = `no data in the last ${opts.timeRange ?? '24h'}`;
        span.setAttribute('telemetry_lens.verdict', base.verdict);
        return base;
      }
      const v = await withTimeLimit(opts.timeLimit, opts.signal, (signal) => verdictFor(spec, result, signal));
      base.verdict = v.status;
      if (v.figure !== undefined) base.figure = v.figure;
      span.setAttribute('telemetry_lens.verdict', v.status);
    } catch (e) {
      base.verdict = 'error';
      base.error = e instanceof Error ? e.message : String(e);
      span.setStatus({ code: SpanStatusCode.ERROR, message: base.error });
    } finally {
      base.durationMs = performance.now() - started;
      span.end();
    }
    return base;
  });
}

// ---------- no data ----------

const SQL_IDENT = /^[a-z_][a-z0-9_]*$/i;

/**
 * Did the check's query have no records to look at in the window? Asked of the backend with the
 * records the check selects by `message`/`span_name` LIKE patterns (any of them; all records in the
 * window when it has none). Checks that do not read `records` always have data. A probe that cannot
 * run says nothing (false).
 */
async function sawNoData(
  sql: string,
  patterns: LikePattern[],
  backend: QueryBackend,
  opts: { minTimestamp: Date; signal?: AbortSignal; timeLimit?: QueryTimeLimit },
): Promise<boolean> {
  if (!(await readsRecords(sql))) return false;
  const conds = patterns
    .filter((p) => !p.negated && SQL_IDENT.test(p.column))
    .map((p) => `${p.column} ${p.caseInsensitive ? 'ILIKE' : 'LIKE'} '${p.pattern.replace(/'/g, "''")}'`);
  const where = conds.length ? ` WHERE ${[...new Set(conds)].join(' OR ')}` : '';
  try {
    const probe = await backend.query(`SELECT count(*) AS n FROM (SELECT 1 FROM records${where} LIMIT 1) AS probe`, { ...opts, limit: 1 });
    return Number(probe.rows[0]?.[0] ?? 0) === 0;
  } catch {
    return false;
  }
}

/** Exit status for `telemetry-lens check` when no check saw data: true unless that is allowed. */
export function reportEmpty(report: HealthReport): boolean {
  return !report.checks.some((c) => c.verdict === 'pass' || c.verdict === 'warn' || c.verdict === 'fail');
}

// ---------- windows ----------

const UNIT_MS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

/** `12 hours` → 43 200 000; undefined for intervals it does not read (months, several units). */
function intervalMs(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(second|minute|hour|day|week)s?\s*$/i.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2].toLowerCase()] : undefined;
}

/** 43 200 000 → `12h`, 86 400 000 → `24h`, 5 400 000 → `90m`, 604 800 000 → `7d`. */
export function windowLabel(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 86_400_000) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.round(ms / 60_000)}m`;
}

/**
 * The window a check's rows come from: its own `NOW() - INTERVAL '…'` filter (the widest one when it
 * has several) intersected with the panel range `timeRange`.
 */
export function checkWindow(sql: string, timeRange: string): { own?: string; effective: string } {
  const rangeMs = parseTimeRange(timeRange, new Date(0)).max.getTime() - parseTimeRange(timeRange, new Date(0)).min.getTime();
  let own: number | undefined;
  for (const m of sql.matchAll(/now\s*\(\s*\)\s*-\s*interval\s*'([^']*)'/gi)) {
    const ms = intervalMs(m[1]);
    if (ms !== undefined) own = Math.max(own ?? 0, ms);
  }
  if (own === undefined) return { effective: timeRange };
  return { own: windowLabel(own), effective: own < rangeMs ? windowLabel(own) : timeRange };
}

// ---------- verdicts ----------

let verdictDb: Promise<DuckDBInstance> | undefined;
function verdictEngine(): Promise<DuckDBInstance> {
  verdictDb ??= DuckDBInstance.create(':memory:', { threads: '1' });
  return verdictDb;
}

/** DuckDB column type for a result column (local DuckDB names pass through; Arrow names from Logfire are mapped). */
export function duckTypeFor(type: string): string {
  const t = type.trim();
  const upper = t.toUpperCase();
  if (/^(VARCHAR|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|DOUBLE|FLOAT|BOOLEAN|DATE|JSON|TIMESTAMP|TIMESTAMP WITH TIME ZONE|VARCHAR\[\]|DECIMAL\(\d+,\s*\d+\))$/.test(upper)) {
    return upper === 'FLOAT' ? 'DOUBLE' : upper;
  }
  if (/^(Large)?Utf8/i.test(t)) return 'VARCHAR';
  if (/^U?Int(8|16|32|64)$/i.test(t)) return 'BIGINT';
  if (/^(Float(16|32|64)|Decimal)/i.test(t)) return 'DOUBLE';
  if (/^Boolean$/i.test(t)) return 'BOOLEAN';
  if (/^Timestamp/i.test(t)) return 'TIMESTAMP WITH TIME ZONE';
  if (/^Date/i.test(t)) return 'DATE';
  if (/^List\((Large)?Utf8\)$/i.test(t)) return 'VARCHAR[]';
  return 'JSON';
}

/** Exposes `result` as table `result` in a scratch DuckDB and runs the verdict SQL there. */
export async function verdictFor(spec: Pick<HealthCheckSpec, 'verdict'>, result: QueryResult, signal?: AbortSignal): Promise<{ status: Verdict; figure?: string }> {
  if (!spec.verdict) {
    const si = result.columns.findIndex((c) => c.name.toLowerCase() === 'status');
    const fi = result.columns.findIndex((c) => c.name.toLowerCase() === 'figure');
    if (si < 0 || result.rows.length === 0) return { status: 'pass', figure: `${result.rowCount} row${result.rowCount === 1 ? '' : 's'}` };
    return checkStatus(result.rows[0][si], fi >= 0 ? result.rows[0][fi] : undefined);
  }
  const translated = await translateLogfireSql(spec.verdict.sql);
  const db = await verdictEngine();
  const conn = await db.connect();
  // Keep interrupting until done: an interrupt between two statements would otherwise be lost.
  let interrupter: NodeJS.Timeout | undefined;
  const onAbort = () => {
    conn.interrupt();
    interrupter ??= setInterval(() => conn.interrupt(), 50);
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort);
  try {
    const seen = new Set<string>();
    const cols = result.columns.map((c) => {
      let name = c.name;
      for (let i = 2; seen.has(name); i++) name = `${c.name}_${i}`;
      seen.add(name);
      return { name, type: duckTypeFor(c.type) };
    });
    const structure = JSON.stringify([Object.fromEntries(cols.map((c) => [c.name, c.type]))]);
    const data = JSON.stringify(result.rows.map((r) => Object.fromEntries(cols.map((c, i) => [c.name, jsonSafe(r[i])]))));
    await conn.run('DROP TABLE IF EXISTS result');
    if (cols.length === 0) await conn.run('CREATE TEMP TABLE result (no_columns INTEGER)');
    else await conn.run(`CREATE TEMP TABLE result AS SELECT unnest(from_json($1::JSON, $2), recursive := true)`, [data, structure]);
    const reader = await conn.runAndReadAll(translated.sql);
    const names = reader.columnNames().map((n) => n.toLowerCase());
    const rows = reader.getRowsJS();
    if (rows.length === 0) throw new Error('the verdict query returned no row');
    const si = names.indexOf('status');
    if (si < 0) throw new Error(`the verdict query has no 'status' column (columns: ${names.join(', ')})`);
    const fi = names.indexOf('figure');
    return checkStatus(rows[0][si], fi >= 0 ? toProtocolValue(rows[0][fi]) : undefined);
  } catch (e) {
    throw new Error(`verdict: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearInterval(interrupter);
    signal?.removeEventListener('abort', onAbort);
    conn.closeSync();
  }
}

function jsonSafe(v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

function checkStatus(status: unknown, figure: unknown): { status: Verdict; figure?: string } {
  const s = String(status ?? '').trim().toLowerCase();
  if (s !== 'pass' && s !== 'warn' && s !== 'fail') throw new Error(`status must be 'pass', 'warn' or 'fail', got ${JSON.stringify(status)}`);
  return figure === undefined || figure === null ? { status: s } : { status: s, figure: String(figure) };
}

// ---------- dead LIKE patterns ----------

/** Text before the first unescaped LIKE wildcard, and whether the pattern has any wildcard. */
function likePrefix(pattern: string): { prefix: string; wildcard: boolean } {
  let prefix = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) {
      prefix += pattern[++i];
      continue;
    }
    if (ch === '%' || ch === '_') return { prefix, wildcard: true };
    prefix += ch;
  }
  return { prefix, wildcard: false };
}

/** Whether a LIKE pattern matches `s` (linear time whatever the pattern: the SQL is workspace input). */
function likeMatches(pattern: string, s: string, ci: boolean): boolean {
  return likeMatcher(pattern, ci)(s);
}

/**
 * Could a record emitted from `template` have a `message` matching `pattern`? The message is the
 * template with its `{field}`s filled in, so the literal text before the first placeholder must be
 * compatible with the pattern's literal prefix.
 */
function templateCanMatch(pattern: string, template: string, ci: boolean): boolean {
  const brace = template.search(/\{(?!\{)/);
  if (brace < 0) return likeMatches(pattern, template.replace(/\{\{/g, '{').replace(/\}\}/g, '}'), ci);
  const fixed = template.slice(0, brace).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  const { prefix } = likePrefix(pattern);
  const a = ci ? fixed.toLowerCase() : fixed;
  const b = ci ? prefix.toLowerCase() : prefix;
  return a.startsWith(b) || b.startsWith(a);
}

/**
 * The first `message`/`span_name` LIKE pattern of a check that no schema event and no call site
 * can produce, as a sentence; undefined when every pattern can match (or nothing is known).
 */
export function findDeadPattern(patterns: LikePattern[], events: EventSpec[], callSiteTemplates: string[]): string | undefined {
  const candidates = [
    ...events.flatMap((e) => [e.template, e.name].filter((x): x is string => !!x)),
    ...callSiteTemplates,
  ];
  if (candidates.length === 0) return undefined;
  for (const p of patterns) {
    if (p.negated || (p.column !== 'message' && p.column !== 'span_name')) continue;
    const ok = candidates.some((t) => (p.column === 'span_name' ? likeMatches(p.pattern, t, p.caseInsensitive) : templateCanMatch(p.pattern, t, p.caseInsensitive)));
    if (!ok) {
      return `${p.column} ${p.caseInsensitive ? 'ILIKE' : 'LIKE'} '${p.pattern}' matches no event template in the schema and no telemetry call in the workspace, so this check always sees zero rows`;
    }
  }
  return undefined;
}

/** Exit status for `telemetry-lens check`: 1 when any check failed or errored. */
export function reportFailed(report: HealthReport): boolean {
  return report.checks.some((c) => c.verdict === 'fail' || c.verdict === 'error');
}
