// OTLP/HTTP request decoding (traces, logs, metrics) for both encodings. Protobuf bodies are parsed
// by the protobufjs root generated from the OTLP protos (shipped in @opentelemetry/otlp-transformer);
// JSON bodies by JSON.parse. The two parse results have the same lowerCamelCase shape, so one walker
// normalises both: ids become lowercase hex (JSON gives hex, protobuf gives bytes), 64-bit integers
// become bigint (JSON gives strings or numbers, protobuf gives Long), enums stay integers.
//
// Pure functions: no I/O. Items that cannot be stored (bad ids, missing timestamps) are rejected one
// by one and counted for the OTLP partial-success answer; a body that cannot be parsed at all throws
// an OtlpDecodeError whose message says where.
import * as generated from 'otlp-generated-root/build/src/generated/root';
import { Writer } from 'protobufjs/minimal';
import { logsTypes } from './logsProto';

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

export interface OtlpScope {
  name: string;
  version: string;
  attributes: Attributes;
}

export interface OtlpEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Attributes;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  traceState: string;
  name: string;
  /** 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: OtlpEvent[];
  links: OtlpLink[];
  /** 0 unset, 1 ok, 2 error */
  statusCode: number;
  statusMessage: string;
}

export interface OtlpLogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AttrValue;
  attributes: Attributes;
  traceId: string | null;
  spanId: string | null;
  eventName: string;
}

export interface OtlpDataPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** gauge / sum */
  value?: number;
  /** histogram / exponential histogram */
  count?: bigint;
  sum?: number | null;
  min?: number | null;
  max?: number | null;
  bucketCounts?: bigint[];
  explicitBounds?: number[];
  scale?: number;
  zeroCount?: bigint;
  zeroThreshold?: number;
  positive?: { offset: number; bucketCounts: bigint[] };
  negative?: { offset: number; bucketCounts: bigint[] };
  exemplars: Attributes[];
}

export interface OtlpMetric {
  name: string;
  description: string;
  unit: string;
  type: 'gauge' | 'sum' | 'histogram' | 'exponential_histogram';
  /** 1 delta, 2 cumulative (sum/histogram) */
  aggregationTemporality: number;
  isMonotonic: boolean;
  dataPoints: OtlpDataPoint[];
}

export interface ScopeItems<T> {
  scope: OtlpScope;
  items: T[];
}
export interface ResourceItems<T> {
  resource: Attributes;
  scopes: ScopeItems<T>[];
}

export interface Decoded<T> {
  resources: ResourceItems<T>[];
  /** Items dropped as invalid (spans / log records / data points). */
  rejected: number;
  /** The first few rejection reasons, with the item's path. */
  errors: string[];
}

export type Signal = 'traces' | 'logs' | 'metrics';
export type Encoding = 'protobuf' | 'json';

export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

const MAX_ERRORS = 5;

// ---------------------------------------------------------------------------------------------
// Scalar normalisation shared by both encodings

interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

function isLongLike(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as LongLike).low === 'number' && typeof (v as LongLike).high === 'number';
}

/** fixed64/uint64/int64 from a Long, a number or a decimal string. */
export function toBigInt(v: unknown, signed = false): bigint {
  if (v === null || v === undefined || v === '') return 0n;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || !Number.isInteger(v)) throw new TypeError(`expected an integer, got ${v}`);
    return BigInt(v);
  }
  if (typeof v === 'string') {
    if (!/^-?\d+$/.test(v)) throw new TypeError(`expected a decimal integer string, got ${JSON.stringify(v.slice(0, 40))}`);
    return BigInt(v);
  }
  if (isLongLike(v)) {
    const u = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
    return signed && !v.unsigned ? BigInt.asIntN(64, u) : u;
  }
  throw new TypeError(`expected a 64-bit integer, got ${typeof v}`);
}

const U64 = 1n << 64n;
const I64 = 1n << 63n;

/** toBigInt plus the 64-bit range check JSON input needs (protobuf values are in range by construction). */
function int64(v: unknown, signed = false): bigint {
  const b = toBigInt(v, signed);
  if (signed ? b < -I64 || b >= I64 : b < 0n || b >= U64) throw new TypeError(`${b} is out of range for a ${signed ? 'signed' : 'unsigned'} 64-bit integer`);
  return b;
}

function toNumber(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    // proto3 JSON allows "NaN", "Infinity", "-Infinity" and numeric strings for doubles.
    const n = Number(v);
    if (Number.isNaN(n) && v !== 'NaN') throw new TypeError(`expected a number, got ${JSON.stringify(v.slice(0, 40))}`);
    return n;
  }
  if (isLongLike(v)) return Number(int64(v, true));
  throw new TypeError(`expected a number, got ${typeof v}`);
}

function toStr(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  throw new TypeError(`expected a string, got ${typeof v}`);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function bytesToHex(b: Uint8Array): string {
  // protobufjs' Node reader hands out Buffer slices: native hex encoding, no string concatenation.
  if (Buffer.isBuffer(b)) return b.toString('hex');
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]];
  return s;
}

/**
 * An id: bytes (protobuf) or a hex string (OTLP JSON). Returns lowercase hex, '' when absent.
 * Throws on malformed hex or a wrong length.
 */
function toId(v: unknown, bytes: 8 | 16, what: string): string {
  let hex: string;
  if (v === null || v === undefined || v === '') return '';
  // protobufjs' reflection types default an unset bytes field to an empty array.
  if (Array.isArray(v)) v = Uint8Array.from(v as number[]);
  if (v instanceof Uint8Array) {
    if (v.length === 0) return '';
    if (v.length !== bytes) throw new TypeError(`${what} must be ${bytes} bytes, got ${v.length}`);
    hex = bytesToHex(v);
  } else if (typeof v === 'string') {
    if (!/^[0-9a-fA-F]*$/.test(v)) throw new TypeError(`${what} must be a hex string, got ${JSON.stringify(v.slice(0, 40))}`);
    if (v.length !== bytes * 2) throw new TypeError(`${what} must be ${bytes * 2} hex characters, got ${v.length}`);
    hex = v.toLowerCase();
  } else throw new TypeError(`${what} must be a hex string`);
  return hex;
}

function isZeroId(hex: string): boolean {
  for (let i = 0; i < hex.length; i++) if (hex.charCodeAt(i) !== 48) return false;
  return hex.length > 0;
}

function bytesToBase64(v: unknown): string {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (typeof v === 'string') return v; // JSON: already base64
  return '';
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function anyValue(v: unknown, depth = 0): AttrValue {
  if (v === null || v === undefined || typeof v !== 'object') return null;
  if (depth > 32) throw new TypeError('AnyValue nested deeper than 32 levels');
  const a = v as Record<string, unknown>;
  // Decoded messages keep defaults on the prototype and set only the oneof member present on the
  // wire as an own property; parsed JSON has own properties only. So own properties tell which is set.
  const has = (k: string) => hasOwn(a, k) && a[k] != null;
  // Most attribute values are strings: checked first without the helper.
  if (a.stringValue != null && hasOwn(a, 'stringValue')) return toStr(a.stringValue);
  if (has('boolValue')) return Boolean(a.boolValue);
  if (has('intValue')) {
    const b = int64(a.intValue, true);
    // Beyond 2^53 a JS number would silently change the value; keep the exact decimal text.
    return b > MAX_SAFE || b < -MAX_SAFE ? b.toString() : Number(b);
  }
  if (has('doubleValue')) return toNumber(a.doubleValue);
  if (has('arrayValue')) {
    const vals = (a.arrayValue as { values?: unknown[] }).values ?? [];
    return asArray(vals, 'arrayValue.values').map((x) => anyValue(x, depth + 1));
  }
  if (has('kvlistValue')) return kvList((a.kvlistValue as { values?: unknown[] }).values ?? [], depth + 1);
  if (has('bytesValue')) return bytesToBase64(a.bytesValue);
  return null; // empty AnyValue, or a newer oneof member this build does not know: ignored
}

function kvList(list: unknown, depth = 0): Attributes {
  const out: Attributes = {};
  for (const kv of asArray(list, 'attributes')) {
    if (!kv || typeof kv !== 'object') continue;
    const key = (kv as { key?: unknown }).key;
    if (typeof key !== 'string') continue;
    out[key] = anyValue((kv as { value?: unknown }).value, depth);
  }
  return out;
}

function asArray(v: unknown, what: string): unknown[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v;
  throw new TypeError(`${what} must be an array`);
}

function enumInt(v: unknown, names: Record<string, number>): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && v in names) return names[v]; // lenient: proto3 JSON names
  throw new TypeError(`expected an integer enum, got ${JSON.stringify(v)}`);
}

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const TEMPORALITIES: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};
const SEVERITIES: Record<string, number> = Object.fromEntries(
  ['UNSPECIFIED', 'TRACE', 'TRACE2', 'TRACE3', 'TRACE4', 'DEBUG', 'DEBUG2', 'DEBUG3', 'DEBUG4', 'INFO', 'INFO2', 'INFO3', 'INFO4', 'WARN', 'WARN2', 'WARN3', 'WARN4', 'ERROR', 'ERROR2', 'ERROR3', 'ERROR4', 'FATAL', 'FATAL2', 'FATAL3', 'FATAL4'].map(
    (n, i) => [`SEVERITY_NUMBER_${n}`, i],
  ),
);

function scopeOf(s: unknown): OtlpScope {
  const o = (s ?? {}) as Record<string, unknown>;
  return { name: toStr(o.name), version: toStr(o.version), attributes: kvList(o.attributes) };
}

function resourceOf(r: unknown): Attributes {
  return kvList(((r ?? {}) as { attributes?: unknown }).attributes);
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Walks resource → scope → items with per-item error isolation. */
function walk<T>(
  root: unknown,
  resourceKey: string,
  scopeKey: string,
  itemKey: string,
  item: (raw: unknown, path: string) => T | T[],
): Decoded<T> {
  if (root === null || typeof root !== 'object' || Array.isArray(root)) throw new OtlpDecodeError('request body must be a JSON object');
  const out: Decoded<T> = { resources: [], rejected: 0, errors: [] };
  const reject = (path: string, e: unknown) => {
    out.rejected++;
    if (out.errors.length < MAX_ERRORS) out.errors.push(`${path}: ${msg(e)}`);
  };
  let resources: unknown[];
  try {
    resources = asArray((root as Record<string, unknown>)[resourceKey], resourceKey);
  } catch (e) {
    throw new OtlpDecodeError(msg(e));
  }
  resources.forEach((rr, ri) => {
    const rpath = `${resourceKey}[${ri}]`;
    if (!rr || typeof rr !== 'object') throw new OtlpDecodeError(`${rpath} must be an object`);
    const r = rr as Record<string, unknown>;
    let resource: Attributes;
    let scopesRaw: unknown[];
    try {
      resource = resourceOf(r.resource);
      scopesRaw = asArray(r[scopeKey], scopeKey);
    } catch (e) {
      throw new OtlpDecodeError(`${rpath}: ${msg(e)}`);
    }
    const scopes: ScopeItems<T>[] = [];
    scopesRaw.forEach((ss, si) => {
      const spath = `${rpath}.${scopeKey}[${si}]`;
      if (!ss || typeof ss !== 'object') throw new OtlpDecodeError(`${spath} must be an object`);
      const s = ss as Record<string, unknown>;
      let scope: OtlpScope;
      let itemsRaw: unknown[];
      try {
        scope = scopeOf(s.scope);
        itemsRaw = asArray(s[itemKey], itemKey);
      } catch (e) {
        throw new OtlpDecodeError(`${spath}: ${msg(e)}`);
      }
      const items: T[] = [];
      itemsRaw.forEach((raw, ii) => {
        const ipath = `${spath}.${itemKey}[${ii}]`;
        try {
          const v = item(raw, ipath);
          if (Array.isArray(v)) items.push(...v);
          else items.push(v);
        } catch (e) {
          if (e instanceof RejectMany) {
            out.rejected += e.count - 1;
            reject(ipath, e.cause);
          } else reject(ipath, e);
        }
      });
      if (items.length) scopes.push({ scope, items });
    });
    if (scopes.length) out.resources.push({ resource, scopes });
  });
  return out;
}

class RejectMany extends Error {
  constructor(
    readonly count: number,
    override readonly cause: unknown,
  ) {
    super(msg(cause));
  }
}

// ---------------------------------------------------------------------------------------------
// Traces

function spanOf(raw: unknown): OtlpSpan {
  if (!raw || typeof raw !== 'object') throw new TypeError('span must be an object');
  const s = raw as Record<string, unknown>;
  const traceId = toId(s.traceId, 16, 'traceId');
  const spanId = toId(s.spanId, 8, 'spanId');
  if (!traceId || isZeroId(traceId)) throw new TypeError('traceId is missing or all zero');
  if (!spanId || isZeroId(spanId)) throw new TypeError('spanId is missing or all zero');
  const parent = toId(s.parentSpanId, 8, 'parentSpanId');
  const start = int64(s.startTimeUnixNano);
  const end = int64(s.endTimeUnixNano);
  if (start <= 0n) throw new TypeError('startTimeUnixNano is missing');
  if (end < start) throw new TypeError(`endTimeUnixNano (${end}) is before startTimeUnixNano (${start})`);
  const status = (s.status ?? {}) as Record<string, unknown>;
  return {
    traceId,
    spanId,
    parentSpanId: parent && !isZeroId(parent) ? parent : null,
    traceState: toStr(s.traceState),
    name: toStr(s.name),
    kind: enumInt(s.kind, SPAN_KINDS),
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: kvList(s.attributes),
    events: asArray(s.events, 'events').map((ev) => {
      const e = (ev ?? {}) as Record<string, unknown>;
      return { name: toStr(e.name), timeUnixNano: int64(e.timeUnixNano), attributes: kvList(e.attributes) };
    }),
    links: asArray(s.links, 'links').map((lk) => {
      const l = (lk ?? {}) as Record<string, unknown>;
      return { traceId: toId(l.traceId, 16, 'link traceId'), spanId: toId(l.spanId, 8, 'link spanId'), traceState: toStr(l.traceState), attributes: kvList(l.attributes) };
    }),
    statusCode: enumInt(status.code, STATUS_CODES),
    statusMessage: toStr(status.message),
  };
}

// ---------------------------------------------------------------------------------------------
// Logs

function logOf(raw: unknown): OtlpLogRecord {
  if (!raw || typeof raw !== 'object') throw new TypeError('log record must be an object');
  const l = raw as Record<string, unknown>;
  const traceId = toId(l.traceId, 16, 'traceId');
  const spanId = toId(l.spanId, 8, 'spanId');
  const sev = enumInt(l.severityNumber, SEVERITIES);
  if (sev < 0 || sev > 24) throw new TypeError(`severityNumber ${sev} is outside 0..24`);
  return {
    timeUnixNano: int64(l.timeUnixNano),
    observedTimeUnixNano: int64(l.observedTimeUnixNano),
    severityNumber: sev,
    severityText: toStr(l.severityText),
    body: anyValue(l.body),
    attributes: kvList(l.attributes),
    traceId: traceId && !isZeroId(traceId) ? traceId : null,
    spanId: spanId && !isZeroId(spanId) ? spanId : null,
    eventName: toStr(l.eventName),
  };
}

// ---------------------------------------------------------------------------------------------
// Metrics

function pointBase(p: Record<string, unknown>): Pick<OtlpDataPoint, 'attributes' | 'startTimeUnixNano' | 'timeUnixNano' | 'exemplars'> {
  const time = int64(p.timeUnixNano);
  if (time <= 0n) throw new TypeError('timeUnixNano is missing');
  return {
    attributes: kvList(p.attributes),
    startTimeUnixNano: int64(p.startTimeUnixNano),
    timeUnixNano: time,
    exemplars: asArray(p.exemplars, 'exemplars').map((x) => {
      const e = (x ?? {}) as Record<string, unknown>;
      const value = e.asDouble != null ? toNumber(e.asDouble) : e.asInt != null ? Number(int64(e.asInt, true)) : null;
      return {
        filtered_attributes: kvList(e.filteredAttributes),
        time_unix_nano: int64(e.timeUnixNano).toString(),
        value,
        trace_id: toId(e.traceId, 16, 'exemplar traceId') || null,
        span_id: toId(e.spanId, 8, 'exemplar spanId') || null,
      } as Attributes;
    }),
  };
}

function numberPoint(raw: unknown): OtlpDataPoint {
  const p = (raw ?? {}) as Record<string, unknown>;
  const value = p.asDouble != null ? toNumber(p.asDouble) : p.asInt != null ? Number(int64(p.asInt, true)) : null;
  if (value === null) throw new TypeError('data point has neither asDouble nor asInt');
  return { ...pointBase(p), value };
}

function optNumber(v: unknown): number | null {
  return v === null || v === undefined ? null : toNumber(v);
}

function histogramPoint(raw: unknown): OtlpDataPoint {
  const p = (raw ?? {}) as Record<string, unknown>;
  const bucketCounts = asArray(p.bucketCounts, 'bucketCounts').map((x) => int64(x));
  const explicitBounds = asArray(p.explicitBounds, 'explicitBounds').map(toNumber);
  if (bucketCounts.length && bucketCounts.length !== explicitBounds.length + 1) {
    throw new TypeError(`bucketCounts has ${bucketCounts.length} entries; expected explicitBounds + 1 = ${explicitBounds.length + 1}`);
  }
  return { ...pointBase(p), count: int64(p.count), sum: optNumber(p.sum), min: optNumber(p.min), max: optNumber(p.max), bucketCounts, explicitBounds };
}

function expHistogramPoint(raw: unknown): OtlpDataPoint {
  const p = (raw ?? {}) as Record<string, unknown>;
  const buckets = (b: unknown) => {
    const o = (b ?? {}) as Record<string, unknown>;
    return { offset: toNumber(o.offset), bucketCounts: asArray(o.bucketCounts, 'bucketCounts').map((x) => int64(x)) };
  };
  return {
    ...pointBase(p),
    count: int64(p.count),
    sum: optNumber(p.sum),
    min: optNumber(p.min),
    max: optNumber(p.max),
    scale: toNumber(p.scale),
    zeroCount: int64(p.zeroCount),
    zeroThreshold: toNumber(p.zeroThreshold),
    positive: buckets(p.positive),
    negative: buckets(p.negative),
  };
}

/**
 * One metric with its valid data points. Invalid points are rejected individually (the OTLP unit of
 * rejection for metrics is the data point); summaries are dropped as Logfire does, and counted.
 */
function metricOf(raw: unknown, onReject: (n: number, why: unknown) => void): OtlpMetric | null {
  if (!raw || typeof raw !== 'object') throw new TypeError('metric must be an object');
  const m = raw as Record<string, unknown>;
  const base = { name: toStr(m.name), description: toStr(m.description), unit: toStr(m.unit) };
  if (!base.name) throw new TypeError('metric name is missing');
  const points = (body: unknown, conv: (p: unknown) => OtlpDataPoint): OtlpDataPoint[] => {
    const out: OtlpDataPoint[] = [];
    for (const p of asArray(((body ?? {}) as { dataPoints?: unknown }).dataPoints, 'dataPoints')) {
      try {
        out.push(conv(p));
      } catch (e) {
        onReject(1, e);
      }
    }
    return out;
  };
  if (m.gauge != null) return { ...base, type: 'gauge', aggregationTemporality: 0, isMonotonic: false, dataPoints: points(m.gauge, numberPoint) };
  if (m.sum != null) {
    const s = m.sum as Record<string, unknown>;
    return { ...base, type: 'sum', aggregationTemporality: enumInt(s.aggregationTemporality, TEMPORALITIES), isMonotonic: Boolean(s.isMonotonic), dataPoints: points(s, numberPoint) };
  }
  if (m.histogram != null) {
    const h = m.histogram as Record<string, unknown>;
    return { ...base, type: 'histogram', aggregationTemporality: enumInt(h.aggregationTemporality, TEMPORALITIES), isMonotonic: false, dataPoints: points(h, histogramPoint) };
  }
  if (m.exponentialHistogram != null) {
    const h = m.exponentialHistogram as Record<string, unknown>;
    return {
      ...base,
      type: 'exponential_histogram',
      aggregationTemporality: enumInt(h.aggregationTemporality, TEMPORALITIES),
      isMonotonic: false,
      dataPoints: points(h, expHistogramPoint),
    };
  }
  if (m.summary != null) {
    const n = asArray((m.summary as { dataPoints?: unknown }).dataPoints, 'dataPoints').length;
    if (n) onReject(n, new TypeError('summary metrics are not stored'));
    return null;
  }
  return null; // no data: nothing to store
}

// ---------------------------------------------------------------------------------------------
// Entry points

interface Codec {
  decode(body: Uint8Array): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}
type Collector = Record<'trace' | 'metrics', { v1: Record<string, Codec> }>;
/** The generated root is typed as a bare protobufjs Root; these are the message types it defines. */
interface OtlpRoot {
  opentelemetry: { proto: { collector: Collector } };
}
const proto = ((generated as unknown as { default?: OtlpRoot }).default ?? generated) as unknown as OtlpRoot;
/** The generated wire decoder for trace requests (exported for the ingest benchmark's floor). */
export const TraceRequest = proto.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const MetricsRequest = proto.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

function parse(body: Uint8Array, encoding: Encoding, signal: Signal): unknown {
  if (encoding === 'json') {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new OtlpDecodeError(`invalid JSON: ${msg(e)}`);
    }
  }
  const type = signal === 'traces' ? TraceRequest : signal === 'logs' ? logsTypes().request : MetricsRequest;
  try {
    return type.decode(body);
  } catch (e) {
    throw new OtlpDecodeError(`invalid protobuf ${signal === 'traces' ? 'ExportTraceServiceRequest' : signal === 'logs' ? 'ExportLogsServiceRequest' : 'ExportMetricsServiceRequest'}: ${msg(e)}`);
  }
}

export function decodeTraces(body: Uint8Array, encoding: Encoding): Decoded<OtlpSpan> {
  return walk(parse(body, encoding, 'traces'), 'resourceSpans', 'scopeSpans', 'spans', spanOf);
}

export function decodeLogs(body: Uint8Array, encoding: Encoding): Decoded<OtlpLogRecord> {
  return walk(parse(body, encoding, 'logs'), 'resourceLogs', 'scopeLogs', 'logRecords', logOf);
}

export function decodeMetrics(body: Uint8Array, encoding: Encoding): Decoded<OtlpMetric> {
  let extraRejected = 0;
  const extraErrors: string[] = [];
  const out = walk(parse(body, encoding, 'metrics'), 'resourceMetrics', 'scopeMetrics', 'metrics', (raw, path) => {
    const m = metricOf(raw, (n, why) => {
      extraRejected += n;
      if (extraErrors.length < MAX_ERRORS) extraErrors.push(`${path}: ${msg(why)}`);
    });
    if (!m) return [];
    return m.dataPoints.length ? m : [];
  });
  out.rejected += extraRejected;
  out.errors.push(...extraErrors.slice(0, Math.max(0, MAX_ERRORS - out.errors.length)));
  return out;
}

/** Encodes the OTLP success / partial-success response for a signal. */
export function encodeResponse(signal: Signal, encoding: Encoding, rejected: number, errorMessage: string): Uint8Array {
  const field = signal === 'traces' ? 'rejectedSpans' : signal === 'logs' ? 'rejectedLogRecords' : 'rejectedDataPoints';
  const partial = rejected > 0 || errorMessage ? { [field]: rejected, errorMessage } : undefined;
  if (encoding === 'json') {
    const body = partial ? { partialSuccess: { [field]: String(rejected), errorMessage } } : {};
    return Buffer.from(JSON.stringify(body));
  }
  if (signal === 'logs') {
    const t = logsTypes().response;
    return t.encode(t.fromObject(partial ? { partialSuccess: partial } : {})).finish();
  }
  const type =
    signal === 'traces'
      ? proto.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse
      : proto.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
  return type.encode(partial ? { partialSuccess: partial } : {}).finish();
}

/** Encodes a google.rpc.Status error body (code is the gRPC code; HTTP clients ignore it). */
export function encodeStatus(encoding: Encoding, code: number, message: string): Uint8Array {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  // google.rpc.Status { int32 code = 1; string message = 2; } encoded with protobufjs' writer.
  const w = Writer.create();
  if (code) w.uint32(8).int32(code);
  if (message) w.uint32(18).string(message);
  return w.finish();
}
