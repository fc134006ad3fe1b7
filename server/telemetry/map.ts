// OTLP → `records` / `metrics` rows, the way Logfire's backend fills its tables
// (https://logfire.pydantic.dev/docs/reference/sql/ describes the columns):
//   logfire.msg → message; span name (else logfire.msg_template) → span_name; logfire.level_num → level,
//   else status ERROR → error, HTTP server ≥500 → error / ≥400 → warn, client ≥400 → error, default info;
//   logfire.tags → tags; logfire.span_type → kind (log / span / pending_span); logfire.json_schema →
//   attributes_json_schema; the first `exception` event → exception_* columns; every other event → its
//   own `span_event` row; resource attributes → service_name & co; `telemetry_lens.run_id` → run_id.
//   logfire.msg, logfire.tags, logfire.level_num and logfire.json_schema leave `attributes`; code.* stay.
// Pure functions.
import { createHash } from 'node:crypto';
import type { Attributes, AttrValue, Decoded, OtlpLogRecord, OtlpMetric, OtlpScope, OtlpSpan } from './otlp/decode';
import type { MetricRow, RecordKind, RecordRow } from './store/types';
import { LEVEL_NUMBERS } from '../../protocol/levels';

export const RUN_ID_ATTRIBUTE = 'telemetry_lens.run_id';

const LEVELS = { ...LEVEL_NUMBERS, warning: LEVEL_NUMBERS.warn };

const REMOVED_ATTRIBUTES = ['logfire.msg', 'logfire.tags', 'logfire.level_num', 'logfire.json_schema'];

type ResourceColumns = Pick<
  RecordRow,
  | 'otel_resource_attributes'
  | 'service_name'
  | 'service_version'
  | 'service_namespace'
  | 'service_instance_id'
  | 'process_pid'
  | 'deployment_environment'
  | 'telemetry_sdk_name'
  | 'telemetry_sdk_language'
  | 'telemetry_sdk_version'
  | 'run_id'
>;

function str(v: AttrValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function int(v: AttrValue | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

export function resourceColumns(resource: Attributes): ResourceColumns {
  const pid = int(resource['process.pid']);
  return {
    otel_resource_attributes: resource,
    service_name: str(resource['service.name']) || 'unknown_service',
    service_version: str(resource['service.version']),
    service_namespace: str(resource['service.namespace']),
    service_instance_id: str(resource['service.instance.id']),
    process_pid: pid !== null && pid >= -2147483648 && pid <= 2147483647 ? pid : null,
    deployment_environment: str(resource['deployment.environment.name']) ?? str(resource['deployment.environment']),
    telemetry_sdk_name: str(resource['telemetry.sdk.name']),
    telemetry_sdk_language: str(resource['telemetry.sdk.language']),
    telemetry_sdk_version: str(resource['telemetry.sdk.version']),
    run_id: str(resource[RUN_ID_ATTRIBUTE]),
  };
}

function scopeColumns(scope: OtlpScope): Pick<RecordRow, 'otel_scope_name' | 'otel_scope_version' | 'otel_scope_attributes'> {
  return { otel_scope_name: scope.name || null, otel_scope_version: scope.version || null, otel_scope_attributes: scope.attributes };
}

function us(ns: bigint): number {
  return Number(ns / 1000n);
}

function isoFromNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

const LEVEL_BY_NAME: Record<string, number> = LEVELS;

/** Level from Logfire attributes, span status and HTTP status, as Logfire's backend does. */
export function spanLevel(attrs: Attributes, statusCode: number, spanKind: number): number {
  const num = int(attrs['logfire.level_num']);
  if (num !== null && num >= 0 && num <= 24) return num;
  const name = attrs['logfire.level_name'];
  if (typeof name === 'string' && LEVEL_BY_NAME[name.toLowerCase()] !== undefined) return LEVEL_BY_NAME[name.toLowerCase()];
  if (statusCode === 2) return LEVELS.error;
  const http = int(attrs['http.response.status_code'] ?? attrs['http.status_code']);
  if (http !== null) {
    if (spanKind === 2 && http >= 500) return LEVELS.error;
    if (spanKind === 2 && http >= 400) return LEVELS.warn;
    if (spanKind === 3 && http >= 400) return LEVELS.error;
  }
  return LEVELS.info;
}

/** Logfire SDKs send objects/arrays as JSON strings described by logfire.json_schema; restore them. */
function cleanAttributes(raw: Attributes): { attributes: Attributes; jsonSchema: string | null } {
  const attributes: Attributes = {};
  for (const k in raw) if (!REMOVED_ATTRIBUTES.includes(k)) attributes[k] = raw[k];
  const schemaText = typeof raw['logfire.json_schema'] === 'string' ? (raw['logfire.json_schema'] as string) : null;
  if (schemaText) {
    try {
      const props = (JSON.parse(schemaText) as { properties?: Record<string, { type?: string }> }).properties ?? {};
      for (const [k, p] of Object.entries(props)) {
        const v = attributes[k];
        if ((p?.type === 'object' || p?.type === 'array') && typeof v === 'string') {
          try {
            attributes[k] = JSON.parse(v) as AttrValue;
          } catch {
            // not JSON after all: keep the string
          }
        }
      }
    } catch {
      // a malformed schema only loses the object restoration
    }
  }
  return { attributes, jsonSchema: schemaText };
}

function tagsOf(v: AttrValue | undefined): string[] {
  if (Array.isArray(v)) return v.filter((t) => t !== null).map((t) => (typeof t === 'string' ? t : JSON.stringify(t)));
  if (typeof v === 'string' && v) return [v];
  return [];
}

const STATUS = ['UNSET', 'OK', 'ERROR'];

type HttpColumns = Pick<RecordRow, 'http_response_status_code' | 'http_method' | 'http_route' | 'url_full' | 'url_path' | 'url_query'>;

type ScopeColumns = Pick<RecordRow, 'otel_scope_name' | 'otel_scope_version' | 'otel_scope_attributes'>;
type OwnColumns = Omit<RecordRow, keyof ResourceColumns | keyof ScopeColumns | keyof HttpColumns>;

/**
 * A records row with every column set in one fixed order: one object shape for all rows (object
 * spreads of this many keys are several times slower and heavier on the garbage collector).
 */
function record(res: ResourceColumns, scope: ScopeColumns, o: OwnColumns): RecordRow {
  const a = o.attributes as Attributes;
  return {
    start_timestamp: o.start_timestamp,
    end_timestamp: o.end_timestamp,
    duration: o.duration,
    trace_id: o.trace_id,
    span_id: o.span_id,
    parent_span_id: o.parent_span_id,
    kind: o.kind,
    level: o.level,
    span_name: o.span_name,
    message: o.message,
    log_body: o.log_body,
    attributes: a,
    attributes_json_schema: o.attributes_json_schema,
    tags: o.tags,
    is_exception: o.is_exception,
    exception_type: o.exception_type,
    exception_message: o.exception_message,
    exception_stacktrace: o.exception_stacktrace,
    otel_status_code: o.otel_status_code,
    otel_status_message: o.otel_status_message,
    otel_events: o.otel_events,
    otel_links: o.otel_links,
    otel_scope_name: scope.otel_scope_name,
    otel_scope_version: scope.otel_scope_version,
    otel_scope_attributes: scope.otel_scope_attributes,
    otel_resource_attributes: res.otel_resource_attributes,
    service_name: res.service_name,
    service_version: res.service_version,
    service_namespace: res.service_namespace,
    service_instance_id: res.service_instance_id,
    process_pid: res.process_pid,
    deployment_environment: res.deployment_environment,
    telemetry_sdk_name: res.telemetry_sdk_name,
    telemetry_sdk_language: res.telemetry_sdk_language,
    telemetry_sdk_version: res.telemetry_sdk_version,
    http_response_status_code: int(a['http.response.status_code'] ?? a['http.status_code']),
    http_method: str(a['http.request.method'] ?? a['http.method']),
    http_route: str(a['http.route']),
    url_full: str(a['url.full'] ?? a['http.url']),
    url_path: str(a['url.path'] ?? a['http.target']),
    url_query: str(a['url.query']),
    run_id: res.run_id,
  };
}

/** Records for one decoded `/v1/traces` request: one row per span plus one per non-exception event. */
export function mapTraces(decoded: Decoded<OtlpSpan>): RecordRow[] {
  const out: RecordRow[] = [];
  for (const r of decoded.resources) {
    const res = resourceColumns(r.resource);
    for (const s of r.scopes) {
      const scope = scopeColumns(s.scope);
      for (const span of s.items) mapSpan(span, res, scope, out);
    }
  }
  return out;
}

function mapSpan(span: OtlpSpan, res: ResourceColumns, scope: ScopeColumns, out: RecordRow[]): void {
  const raw = span.attributes;
  const spanType = raw['logfire.span_type'];
  const kind: RecordKind = spanType === 'log' ? 'log' : spanType === 'pending_span' ? 'pending_span' : 'span';
  const { attributes, jsonSchema } = cleanAttributes(raw);
  const level = spanLevel(raw, span.statusCode, span.kind);
  const template = str(raw['logfire.msg_template']);
  const spanName = span.name || template || '';
  const message = str(raw['logfire.msg']) ?? spanName;
  const start = us(span.startTimeUnixNano);
  const isLog = kind === 'log';
  let exc: { type: string | null; message: string | null; stacktrace: string | null } | null = null;
  const events: unknown[] = [];
  for (const ev of span.events) {
    events.push({ name: ev.name, timestamp: isoFromNs(ev.timeUnixNano || span.startTimeUnixNano), attributes: ev.attributes });
    if (ev.name === 'exception' && !exc) {
      exc = { type: str(ev.attributes['exception.type']), message: str(ev.attributes['exception.message']) ?? '', stacktrace: str(ev.attributes['exception.stacktrace']) };
    }
  }
  // A Logfire SDK sends a pending span as a child of the real span, with the real parent in
  // logfire.pending_parent_id; the row takes the real span's ids, so it pairs with the final span (same
  // trace_id and span_id, kind 'span') and stands in for it when that never arrives.
  let spanId = span.spanId;
  let parentSpanId = span.parentSpanId;
  if (kind === 'pending_span' && span.parentSpanId && raw['logfire.pending_parent_id'] !== undefined) {
    spanId = span.parentSpanId;
    const real = str(raw['logfire.pending_parent_id']);
    parentSpanId = real && !/^0+$/.test(real) ? real : null;
  }
  out.push(
    record(res, scope, {
      trace_id: span.traceId,
      start_timestamp: start,
      end_timestamp: isLog ? start : us(span.endTimeUnixNano),
      duration: isLog ? null : Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e9,
      span_id: spanId,
      parent_span_id: parentSpanId,
      kind,
      level,
      span_name: spanName,
      message,
      log_body: null,
      attributes,
      attributes_json_schema: jsonSchema,
      tags: tagsOf(raw['logfire.tags']),
      is_exception: exc !== null,
      exception_type: exc?.type ?? null,
      exception_message: exc?.message ?? null,
      exception_stacktrace: exc?.stacktrace ?? null,
      otel_status_code: STATUS[span.statusCode] ?? String(span.statusCode),
      otel_status_message: span.statusMessage || null,
      otel_events: events,
      otel_links: span.links.map((l) => ({ trace_id: l.traceId, span_id: l.spanId, attributes: l.attributes })),
    }),
  );
  if (kind === 'pending_span') return;
  // Span events other than exceptions become rows of their own, children of the span: each gets an id
  // of its own (stable for a retried request), so parent/child joins never list a row as its own child.
  span.events.forEach((ev, index) => {
    if (ev.name === 'exception') return;
    const t = us(ev.timeUnixNano || span.startTimeUnixNano);
    const evLevel = int(ev.attributes['logfire.level_num']);
    const cleaned = cleanAttributes(ev.attributes);
    out.push(
      record(res, scope, {
        trace_id: span.traceId,
        start_timestamp: t,
        end_timestamp: t,
        duration: null,
        span_id: hashId([span.traceId, span.spanId, String(index), ev.name, String(ev.timeUnixNano)], 16),
        parent_span_id: span.spanId,
        kind: 'span_event',
        level: evLevel !== null && evLevel >= 0 && evLevel <= 24 ? evLevel : LEVELS.info,
        span_name: ev.name,
        message: str(ev.attributes['logfire.msg']) ?? ev.name,
        log_body: null,
        attributes: cleaned.attributes,
        attributes_json_schema: cleaned.jsonSchema,
        tags: tagsOf(ev.attributes['logfire.tags']),
        is_exception: false,
        exception_type: null,
        exception_message: null,
        exception_stacktrace: null,
        otel_status_code: null,
        otel_status_message: null,
        otel_events: null,
        otel_links: null,
      }),
    );
  });
}

const SEVERITY_TEXT: Record<string, number> = { ...LEVELS, critical: LEVEL_NUMBERS.fatal };

/** Level of an OTel LogRecord: its severity number (Logfire levels are OTel severity numbers). */
export function logLevel(rec: OtlpLogRecord): number {
  const lv = int(rec.attributes['logfire.level_num']);
  if (lv !== null && lv >= 1 && lv <= 24) return lv;
  if (rec.severityNumber > 0) return rec.severityNumber;
  return SEVERITY_TEXT[rec.severityText.toLowerCase()] ?? LEVELS.info;
}

function hashId(parts: string[], hexLen: number): string {
  return createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, hexLen);
}

/** Records (kind 'log') for one decoded `/v1/logs` request. */
export function mapLogs(decoded: Decoded<OtlpLogRecord>, receivedAtNs: bigint = BigInt(Date.now()) * 1_000_000n): RecordRow[] {
  const out: RecordRow[] = [];
  for (const r of decoded.resources) {
    const res = resourceColumns(r.resource);
    for (const s of r.scopes) {
      const scope = scopeColumns(s.scope);
      for (const rec of s.items) {
        const ns = rec.timeUnixNano || rec.observedTimeUnixNano || receivedAtNs;
        const body = rec.body;
        const bodyText = body === null ? null : typeof body === 'string' ? body : JSON.stringify(body);
        const { attributes, jsonSchema } = cleanAttributes(rec.attributes);
        const template = str(rec.attributes['logfire.msg_template']);
        const spanName = template || rec.eventName || bodyText || rec.severityText || 'log';
        const message = str(rec.attributes['logfire.msg']) ?? bodyText ?? rec.eventName ?? '';
        // A log record has no id of its own: derive a stable one so retried requests de-duplicate and
        // hang it under the span it was emitted in. A log emitted outside any span has no trace either:
        // it becomes a trace of its own (derived the same way), never one shared trace of all such logs.
        const identity = [ns.toString(), rec.traceId ?? '', rec.spanId ?? '', String(rec.severityNumber), bodyText ?? '', JSON.stringify(rec.attributes)];
        const spanId = hashId(identity, 16);
        const start = us(ns);
        let exc: { type: string | null; message: string | null; stacktrace: string | null } | null = null;
        if (rec.attributes['exception.type'] != null || rec.attributes['exception.message'] != null) {
          exc = { type: str(rec.attributes['exception.type']), message: str(rec.attributes['exception.message']) ?? '', stacktrace: str(rec.attributes['exception.stacktrace']) };
        }
        out.push(
          record(res, scope, {
            trace_id: rec.traceId ?? hashId(['trace', ...identity], 32),
            start_timestamp: start,
            end_timestamp: start,
            duration: null,
            span_id: spanId,
            parent_span_id: rec.spanId,
            kind: 'log',
            level: logLevel(rec),
            span_name: spanName,
            message,
            log_body: bodyText,
            attributes,
            attributes_json_schema: jsonSchema,
            tags: tagsOf(rec.attributes['logfire.tags']),
            is_exception: exc !== null,
            exception_type: exc?.type ?? null,
            exception_message: exc?.message ?? null,
            exception_stacktrace: exc?.stacktrace ?? null,
            otel_status_code: null,
            otel_status_message: null,
            otel_events: null,
            otel_links: null,
          }),
        );
      }
    }
  }
  return out;
}

const TEMPORALITY = [null, 'delta', 'cumulative'];

/** `metrics` rows: one per data point. */
export function mapMetrics(decoded: Decoded<OtlpMetric>): MetricRow[] {
  const out: MetricRow[] = [];
  for (const r of decoded.resources) {
    const res = resourceColumns(r.resource);
    for (const s of r.scopes) {
      const scope = scopeColumns(s.scope);
      for (const m of s.items) {
        for (const p of m.dataPoints) {
          const row: MetricRow = {
            ...res,
            ...scope,
            recorded_timestamp: us(p.timeUnixNano),
            start_timestamp: p.startTimeUnixNano > 0n ? us(p.startTimeUnixNano) : null,
            metric_name: m.name,
            metric_type: m.type,
            unit: m.unit,
            metric_description: m.description || null,
            aggregation_temporality: TEMPORALITY[m.aggregationTemporality] ?? null,
            is_monotonic: m.type === 'sum' ? m.isMonotonic : null,
            exemplars: p.exemplars.length ? p.exemplars : null,
            attributes: p.attributes,
          };
          if (m.type === 'gauge' || m.type === 'sum') row.scalar_value = p.value ?? null;
          else {
            row.histogram_min = p.min ?? null;
            row.histogram_max = p.max ?? null;
            row.histogram_sum = p.sum ?? null;
            row.histogram_count = p.count !== undefined ? Number(p.count) : null;
            if (m.type === 'histogram') {
              row.histogram_bucket_counts = (p.bucketCounts ?? []).map(Number);
              row.histogram_explicit_bounds = p.explicitBounds ?? [];
            } else {
              row.exp_histogram_scale = p.scale ?? null;
              row.exp_histogram_zero_count = p.zeroCount !== undefined ? Number(p.zeroCount) : null;
              row.exp_histogram_zero_threshold = p.zeroThreshold ?? null;
              row.exp_histogram_positive_bucket_counts = (p.positive?.bucketCounts ?? []).map(Number);
              row.exp_histogram_positive_bucket_counts_offset = p.positive?.offset ?? null;
              row.exp_histogram_negative_bucket_counts = (p.negative?.bucketCounts ?? []).map(Number);
              row.exp_histogram_negative_bucket_counts_offset = p.negative?.offset ?? null;
            }
          }
          out.push(row);
        }
      }
    }
  }
  return out;
}
