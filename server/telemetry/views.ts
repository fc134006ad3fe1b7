// The queries behind the client's views: agent runs → traces → spans (local store), the Health panel
// charts and per-event runtime counts (local store or Logfire, through the same Logfire SQL front end).
import type { AgentRun, ChartData, EventSummary, SpanDetail, TraceDetail, TraceSummary } from '../../protocol/protocol';
import type { EventSpec, Schema } from '../schema/model';
import { compileSafeRegex, quoteRegex } from '../schema/safe-regex';
import { RECORD_COLUMNS } from './records';
import { type ConnectionSource, parseTimeRange, type QueryBackend, runDuckDbSql } from './sql/index';

type Row = Record<string, unknown>;

async function objects(source: ConnectionSource, sql: string, params: (string | number | null)[] = [], limit = 10_000): Promise<Row[]> {
  const r = await runDuckDbSql(source, sql, { params, limit, readOnly: true });
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}
async function backendObjects(backend: QueryBackend, sql: string, timeRange: string, now?: Date): Promise<Row[]> {
  const { min } = parseTimeRange(timeRange, now);
  const r = await backend.query(sql, { minTimestamp: min, limit: 10_000 });
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
function json(v: unknown): Record<string, unknown> {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  if (typeof v === 'string' && v) {
    try {
      const p = JSON.parse(v);
      return p && typeof p === 'object' && !Array.isArray(p) ? p : {};
    } catch {
      return {};
    }
  }
  return {};
}
function jsonArray(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' && v) {
    try {
      const p = JSON.parse(v);
      return Array.isArray(p) ? p : [];
    } catch {
      return [];
    }
  }
  return [];
}

// ---------- runs / traces / spans (local store) ----------

/**
 * Agent runs, newest first: the `runs` table joined with what arrived for each run id. A run is live
 * until it is ended, or, for runs nobody ends (ids seen only in data), until nothing arrived for 2 minutes.
 */
export async function listRuns(source: ConnectionSource, opts: { limit?: number } = {}): Promise<AgentRun[]> {
  const rows = await objects(
    source,
    `WITH r AS (
       SELECT run_id, MIN(start_timestamp) AS first_ts, MAX(end_timestamp) AS last_ts, COUNT(DISTINCT trace_id) AS traces,
              COUNT(*) AS spans, COUNT(*) FILTER (WHERE level >= 17 OR is_exception) AS errors, ANY_VALUE(service_name) AS service
       FROM records WHERE run_id IS NOT NULL GROUP BY run_id
     ), v AS (
       SELECT run_id, COUNT(*) AS n FROM span_violations WHERE run_id IS NOT NULL GROUP BY run_id
     )
     SELECT run_id, COALESCE(runs.label, runs.command, r.service, run_id) AS label,
            COALESCE(runs.started_at, r.first_ts) AS started_at,
            COALESCE(runs.ended_at, CASE WHEN r.last_ts <= now() - INTERVAL '2 minutes' THEN r.last_ts END) AS ended_at,
            runs.ended_at IS NULL AND (r.last_ts IS NULL OR r.last_ts > now() - INTERVAL '2 minutes') AS live,
            COALESCE(r.traces, 0) AS traces, COALESCE(r.spans, 0) AS spans, COALESCE(r.errors, 0) AS errors, COALESCE(v.n, 0) AS violations
     FROM runs FULL OUTER JOIN r USING (run_id) LEFT JOIN v USING (run_id)
     ORDER BY started_at DESC NULLS LAST
     LIMIT ${Math.max(1, Math.min(opts.limit ?? 200, 10_000))}`,
  );
  return rows.map((r) => ({
    runId: String(r.run_id),
    label: String(r.label),
    startedAt: str(r.started_at) ?? '',
    ...(r.ended_at ? { endedAt: String(r.ended_at) } : {}),
    live: r.live === true,
    traceCount: num(r.traces),
    spanCount: num(r.spans),
    errorCount: num(r.errors),
    violationCount: num(r.violations),
  }));
}

/** Traces of a run, newest first. */
export async function listTraces(source: ConnectionSource, runId: string, opts: { limit?: number } = {}): Promise<TraceSummary[]> {
  const rows = await objects(
    source,
    `SELECT trace_id,
            COALESCE(arg_min(message, start_timestamp) FILTER (WHERE parent_span_id IS NULL), arg_min(message, start_timestamp)) AS root_name,
            MIN(start_timestamp) AS start,
            date_diff('microsecond', MIN(start_timestamp), MAX(end_timestamp)) / 1000.0 AS duration_ms,
            COUNT(*) AS spans, COUNT(*) FILTER (WHERE level >= 17 OR is_exception) AS errors
     FROM records WHERE run_id = $1 GROUP BY trace_id ORDER BY start DESC
     LIMIT ${Math.max(1, Math.min(opts.limit ?? 500, 10_000))}`,
    [runId],
  );
  return rows.map((r) => ({
    traceId: String(r.trace_id),
    rootName: String(r.root_name ?? ''),
    start: String(r.start),
    durationMs: r.duration_ms === null ? null : num(r.duration_ms),
    spanCount: num(r.spans),
    errorCount: num(r.errors),
  }));
}

/**
 * One trace with every span in start order: a pending span stands in for its span until the final
 * span (same span_id, kind 'span') arrives, as in Logfire's Live view.
 */
export async function getTrace(source: ConnectionSource, traceId: string): Promise<TraceDetail | null> {
  const rows = await objects(
    source,
    // The Logfire columns only (records_all also holds the attribute keys kept as columns).
    `SELECT ${RECORD_COLUMNS.map(([n]) => `r.${n}`).join(', ')}, v.codes FROM records_all r
     LEFT JOIN (SELECT span_id, list(DISTINCT code ORDER BY code) AS codes FROM span_violations WHERE trace_id = $1 GROUP BY span_id) v USING (span_id)
     WHERE r.trace_id = $1
       AND NOT (r.kind = 'pending_span' AND EXISTS (SELECT 1 FROM records_all f WHERE f.trace_id = $1 AND f.span_id = r.span_id AND f.kind = 'span'))
     ORDER BY r.start_timestamp, r.span_id`,
    [traceId],
  );
  if (rows.length === 0) return null;
  const spans: SpanDetail[] = rows.map(spanDetail);
  return { traceId, spans };
}

function spanDetail(r: Row): SpanDetail {
  const attributes = json(r.attributes);
  const filepath = attributes['code.filepath'];
  const lineno = attributes['code.lineno'];
  const events = jsonArray(r.otel_events).map((e) => {
    const o = json(e);
    const t = o.timestamp ?? o.time ?? o.time_unix_nano ?? o.timeUnixNano;
    return { name: String(o.name ?? ''), time: typeof t === 'number' ? new Date(t > 1e15 ? t / 1e6 : t > 1e12 ? t / 1e3 : t).toISOString() : String(t ?? ''), attributes: json(o.attributes) };
  });
  const detail: SpanDetail = {
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    ...(r.parent_span_id ? { parentSpanId: String(r.parent_span_id) } : {}),
    name: String(r.span_name),
    message: String(r.message),
    kind: String(r.kind),
    level: num(r.level),
    start: String(r.start_timestamp),
    durationMs: r.duration === null || r.duration === undefined ? null : num(r.duration) * 1000,
    ...(r.otel_status_code ? { statusCode: String(r.otel_status_code) } : {}),
    ...(r.otel_status_message ? { statusMessage: String(r.otel_status_message) } : {}),
    isException: r.is_exception === true,
    ...(typeof filepath === 'string' ? { codeFilepath: filepath } : {}),
    ...(lineno !== undefined && lineno !== null && Number.isFinite(Number(lineno)) ? { codeLineno: Number(lineno) } : {}),
    violations: Array.isArray(r.codes) ? (r.codes as string[]) : [],
    attributes,
    resource: json(r.otel_resource_attributes),
    events,
    tags: Array.isArray(r.tags) ? (r.tags as string[]) : [],
    serviceName: String(r.service_name ?? ''),
  };
  if (r.is_exception || r.exception_type || r.exception_message) {
    detail.exception = {
      ...(r.exception_type ? { type: String(r.exception_type) } : {}),
      ...(r.exception_message !== null && r.exception_message !== undefined ? { message: String(r.exception_message) } : {}),
      ...(r.exception_stacktrace ? { stacktrace: String(r.exception_stacktrace) } : {}),
    };
  }
  return detail;
}

// ---------- Health panel charts (either backend) ----------

/**
 * The bundled four dashboard queries, with the panel range applied as the backend window, and a tie-break
 * in each ORDER BY so equal values keep one order between refreshes and backends.
 */
export const CHART_SQL = {
  routing: `SELECT attributes->>'workload' AS workload, attributes->>'orchestrated_model' AS model, COUNT(*) AS calls
FROM records WHERE message LIKE 'Workload routing%'
GROUP BY 1, 2 ORDER BY workload, calls DESC, model`,
  failoverTimeline: `SELECT DATE_TRUNC('hour', start_timestamp) AS hour,
  COUNT(*) FILTER (WHERE message LIKE 'Failover triggered%') AS failovers,
  COUNT(*) FILTER (WHERE message LIKE 'Failover success%') AS recoveries,
  COUNT(*) FILTER (WHERE message LIKE 'Rate limit%') AS rate_limits
FROM records
WHERE message LIKE 'Failover triggered%' OR message LIKE 'Failover success%' OR message LIKE 'Rate limit%'
GROUP BY 1 ORDER BY 1`,
  capacity: `SELECT attributes->>'provider' AS provider, attributes->>'model' AS model,
  MAX(CAST(attributes->>'pct' AS FLOAT)) AS max_pct, AVG(CAST(attributes->>'pct' AS FLOAT)) AS avg_pct
FROM records WHERE message LIKE 'Capacity warning%'
GROUP BY 1, 2 ORDER BY max_pct DESC, provider, model`,
  earOutcomes: `SELECT attributes->>'to_phase' AS outcome, COUNT(*) AS count,
  ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER (), 1) AS pct
FROM records WHERE message LIKE 'EAR phase%' AND attributes->>'to_phase' IN ('complete', 'refused', 'error')
GROUP BY 1 ORDER BY count DESC, outcome`,
};

/** Data for the Health panel charts over `timeRange` (e.g. '24h'); hours without events are zero-filled. */
export async function chartData(backend: QueryBackend, timeRange = '24h', now: Date = new Date()): Promise<ChartData> {
  const [routing, timeline, capacity, ear] = await Promise.all([
    backendObjects(backend, CHART_SQL.routing, timeRange, now),
    backendObjects(backend, CHART_SQL.failoverTimeline, timeRange, now),
    backendObjects(backend, CHART_SQL.capacity, timeRange, now),
    backendObjects(backend, CHART_SQL.earOutcomes, timeRange, now),
  ]);
  const { min } = parseTimeRange(timeRange, now);
  const byHour = new Map(timeline.map((r) => [new Date(String(r.hour)).getTime(), r]));
  const failoverTimeline: ChartData['failoverTimeline'] = [];
  const firstHour = Math.floor(min.getTime() / 3600_000) * 3600_000;
  const hours = (now.getTime() - firstHour) / 3600_000;
  if (hours <= 24 * 31) {
    for (let h = firstHour; h <= now.getTime(); h += 3600_000) {
      const r = byHour.get(h);
      failoverTimeline.push({ hour: new Date(h).toISOString(), failovers: num(r?.failovers), recoveries: num(r?.recoveries), rateLimits: num(r?.rate_limits) });
    }
  } else {
    for (const r of timeline) failoverTimeline.push({ hour: new Date(String(r.hour)).toISOString(), failovers: num(r.failovers), recoveries: num(r.recoveries), rateLimits: num(r.rate_limits) });
  }
  return {
    routing: routing.map((r) => ({ workload: String(r.workload ?? '(none)'), model: String(r.model ?? '(none)'), calls: num(r.calls) })),
    failoverTimeline,
    capacity: capacity.map((r) => ({ provider: String(r.provider ?? '(none)'), model: String(r.model ?? '(none)'), maxPct: num(r.max_pct), avgPct: num(r.avg_pct) })),
    earOutcomes: ear.map((r) => ({ outcome: String(r.outcome), count: num(r.count), pct: num(r.pct) })),
  };
}

// ---------- runtime counts per event / call site ----------

export interface RuntimeCount {
  count: number;
  lastSeen?: string;
}

/** A matcher for records emitted from a template: span_name equal to it, or a message it could format to. */
function templateMatcher(template: string): (spanName: string, message: string) => boolean {
  let re = '';
  let hasField = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if ((ch === '{' || ch === '}') && template[i + 1] === ch) {
      re += `\\${ch}`;
      i++;
    } else if (ch === '{') {
      const close = template.indexOf('}', i);
      if (close < 0) {
        re += '\\{';
        continue;
      }
      re += '(?s:.*?)';
      hasField = true;
      i = close;
    } else {
      re += quoteRegex(ch);
    }
  }
  // RE2 semantics: a schema template with many fields cannot make matching a received message slow.
  const rx = compileSafeRegex(re, { re2Syntax: true });
  return (spanName, message) => spanName === template || (hasField ? rx.matchesWhole(message) : message === template);
}

/**
 * How often each key (an event template or dotted name) fired in `timeRange`, and when last. Records
 * are grouped by (span_name, message prefix) in the backend; matching happens here.
 */
export async function runtimeCounts(backend: QueryBackend, keys: string[], timeRange = '24h', now?: Date): Promise<Map<string, RuntimeCount>> {
  const out = new Map<string, RuntimeCount>();
  for (const k of keys) out.set(k, { count: 0 });
  if (keys.length === 0) return out;
  const groups = await backendObjects(
    backend,
    `SELECT span_name, MIN(message) AS sample, COUNT(*) AS n, MAX(start_timestamp) AS last_seen
     FROM records WHERE kind <> 'span_event' GROUP BY span_name ORDER BY n DESC`,
    timeRange,
    now,
  );
  const matchers = keys.map((k) => [k, templateMatcher(k)] as const);
  for (const g of groups) {
    const spanName = String(g.span_name ?? '');
    const sample = String(g.sample ?? '');
    for (const [k, m] of matchers) {
      if (!m(spanName, sample)) continue;
      const c = out.get(k)!;
      c.count += num(g.n);
      const last = str(g.last_seen);
      if (last && (!c.lastSeen || Date.parse(last) > Date.parse(c.lastSeen))) c.lastSeen = new Date(Date.parse(last)).toISOString();
    }
  }
  return out;
}

/**
 * Logfire SQL listing the records a call emitted (its template as `span_name`, or as the message of a
 * stdlib-style call) in the last `timeRange`, newest first: what a runtime CodeLens opens.
 */
export function recordsForTemplateSql(template: string, timeRange = '24h', limit = 500): string {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$/i.exec(timeRange);
  const unit = { m: 'minutes', min: 'minutes', h: 'hours', d: 'days', w: 'weeks' }[(m?.[2] ?? 'h').toLowerCase()] ?? 'hours';
  const lit = `'${template.replace(/'/g, "''")}'`;
  return [
    'SELECT start_timestamp, level, message, service_name, trace_id, span_id, attributes',
    'FROM records',
    `WHERE (span_name = ${lit} OR message = ${lit})`,
    `  AND start_timestamp > NOW() - INTERVAL '${m ? m[1] : '24'} ${unit}'`,
    `ORDER BY start_timestamp DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
  ].join('\n');
}

/** Schema events with runtime counts (call-site counts and locations are the lint engine's, left 0 here). */
export async function eventRuntimeCounts(schema: Pick<Schema, 'events'>, backend: QueryBackend, timeRange = '24h', now?: Date): Promise<EventSummary[]> {
  const keyOf = (e: EventSpec) => e.template ?? e.name ?? e.id;
  const counts = await runtimeCounts(backend, [...new Set(schema.events.map(keyOf))], timeRange, now);
  return schema.events.map((e) => {
    const c = counts.get(keyOf(e))!;
    return {
      id: e.id,
      ...(e.template ? { template: e.template } : {}),
      ...(e.name ? { name: e.name } : {}),
      ...(e.level ? { level: e.level } : {}),
      callSites: 0,
      runtimeCount: c.count,
      ...(c.lastSeen ? { lastSeen: c.lastSeen } : {}),
    };
  });
}

/** CodeLens data: count and last seen per call-site template in `timeRange`. */
export async function callCounts(backend: QueryBackend, templates: string[], timeRange = '24h', now?: Date): Promise<Record<string, RuntimeCount>> {
  return Object.fromEntries(await runtimeCounts(backend, [...new Set(templates)], timeRange, now));
}
