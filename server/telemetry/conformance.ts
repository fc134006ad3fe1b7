// Runtime conformance: every received record is checked against the schema with the SAME engine as
// the linter. A record becomes a synthetic TelemetryCall (template = logfire.msg_template, else the
// span name / log body; attributes with their runtime JSON types; level from the level number), and
// the engine's call rules run on it: unknown event (TL001), missing attribute (TL002), unknown
// attribute (TL003, the same check as the linter's for the same call), wrong
// attribute type (TL004), value outside the allowed set/range (TL005), wrong level (TL006).
//
// Which records are checked: Logfire SDK calls (they carry logfire.msg_template), OTel log records,
// span events, and any other span whose name matches a schema event. Plain instrumentation spans
// (`GET /x`, `SELECT …`) that match nothing are not telemetry calls of this codebase and are skipped,
// unless they carry dotted keys the schema's Weaver registries or the built-in OpenTelemetry semantic
// conventions define (`gen_ai.*` on a `chat gpt-4o` span): those keys are checked for type, value and
// deprecation (TL004, TL005, TL017), the span itself is not.
import { checkCalls, matchMessage } from '../lint/linter';
import type { Rule } from '../lint/types';
import type { Range } from '../model/positions';
import type { ArgValue, SourceLanguage, TelemetryAttribute, TelemetryCall } from '../model/calls';
import type { Schema } from '../schema/model';
import { levelName } from '../../protocol/levels';
import { RULES } from '../rules/index';
import { attributeLayers, type SemconvSettings } from '../schema/semconv';
import type { RecordRow, ViolationRow } from './store/types';

/** The rule names runtime conformance runs by default. */
export const RUNTIME_RULES = ['unknown-event', 'missing-attribute', 'unknown-attribute', 'attribute-type', 'attribute-value', 'wrong-level', 'deprecated-attribute'] as const;
/** The rules run on records that match no event but carry registry / semantic-convention keys. */
const LAYER_RULES = ['attribute-type', 'attribute-value', 'deprecated-attribute'];

/** Attribute keys written by SDKs and instrumentation, never part of an event's own attributes. */
const INTERNAL_PREFIXES = ['logfire.', 'code.', 'exception.', 'telemetry_lens.', 'otel.', 'thread.', 'process.'];

function lineRange(line: number): Range {
  return { start: { line, character: 0 }, end: { line, character: 1 } };
}

function argValue(v: unknown, range: Range): ArgValue {
  if (v === null || v === undefined) return { kind: 'none', text: 'null', range, value: null };
  if (typeof v === 'string') return { kind: 'string', text: JSON.stringify(v), range, value: v };
  if (typeof v === 'boolean') return { kind: 'bool', text: String(v), range, value: v };
  if (typeof v === 'number') return { kind: Number.isInteger(v) ? 'int' : 'float', text: String(v), range, value: v };
  if (Array.isArray(v)) return { kind: 'list', text: JSON.stringify(v), range };
  return { kind: 'dict', text: JSON.stringify(v), range };
}

function languageOf(r: RecordRow): SourceLanguage {
  const lang = (r.telemetry_sdk_language ?? '').toLowerCase();
  if (lang === 'nodejs' || lang === 'webjs' || lang === 'javascript' || lang === 'typescript') return 'typescript';
  return 'python';
}

/** Types Python's Logfire SDK records in logfire.json_schema for values it had to serialise. */
function nullKeys(r: RecordRow): Set<string> {
  const out = new Set<string>();
  const nullArgs = r.attributes['logfire.null_args'];
  if (Array.isArray(nullArgs)) for (const k of nullArgs) if (typeof k === 'string') out.add(k);
  if (r.attributes_json_schema) {
    try {
      const props = (JSON.parse(r.attributes_json_schema) as { properties?: Record<string, { type?: string }> }).properties ?? {};
      for (const [k, p] of Object.entries(props)) if (p?.type === 'null') out.add(k);
    } catch {
      // malformed schema: no null information
    }
  }
  return out;
}

/** The template a record was emitted with, when it is a telemetry call worth checking. */
export function recordTemplate(r: RecordRow, schema: Schema): string | undefined {
  if (r.kind === 'pending_span') return undefined;
  const t = r.attributes['logfire.msg_template'];
  if (typeof t === 'string' && t) return t;
  if (r.kind === 'log' || r.kind === 'span_event') return r.span_name || undefined;
  // A plain span: only when it is one of the schema's events.
  return r.span_name && matchMessage(r.span_name, schema).event ? r.span_name : undefined;
}

/** A synthetic call for one record; `line` is the record's index (findings point back through it). */
export function callForRecord(r: RecordRow, template: string, line: number): TelemetryCall {
  const range = lineRange(line);
  const attrs: TelemetryAttribute[] = [];
  const nulls = nullKeys(r);
  for (const [key, value] of Object.entries(r.attributes)) {
    if (INTERNAL_PREFIXES.some((p) => key.startsWith(p))) continue;
    // Python's Logfire sends None as the string 'null' with a {"type":"null"} schema.
    attrs.push({ key, keyRange: range, value: argValue(nulls.has(key) ? null : value, range), range, source: 'keyword' });
  }
  for (const key of nulls) {
    if (!(key in r.attributes)) attrs.push({ key, keyRange: range, value: argValue(null, range), range, source: 'keyword' });
  }
  const isLog = r.kind === 'log';
  const isLogfire = (r.otel_scope_name ?? '').startsWith('logfire');
  return {
    language: languageOf(r),
    library: isLogfire ? 'logfire' : 'otel',
    kind: r.kind === 'span_event' ? 'event' : isLog ? 'log' : 'span',
    method: isLog ? levelName(r.level) : r.kind === 'span_event' ? 'add_event' : 'span',
    level: isLog ? levelName(r.level) : undefined,
    message: { kind: 'string', text: JSON.stringify(template), range, value: template, contentRange: range },
    attributes: attrs,
    hasSplat: false,
    reservedKeywords: [],
    range,
    calleeRange: range,
  };
}

/** The same call with every range moved to `line`. */
function withLine(call: TelemetryCall, line: number): TelemetryCall {
  const range = lineRange(line);
  return {
    ...call,
    range,
    calleeRange: range,
    message: call.message ? { ...call.message, range, contentRange: range } : undefined,
    attributes: call.attributes.map((a) => ({ ...a, keyRange: range, range, value: { ...a.value, range } })),
  };
}

export interface ConformanceOptions {
  /** Rule codes or names to run (default RUNTIME_RULES). */
  rules?: readonly string[];
  /** Per-rule severity overrides (settings), as for the linter. */
  ruleSeverities?: Record<string, string>;
  /** Distinct record shapes remembered with their findings (default 20,000). */
  cacheSize?: number;
  /** The built-in OpenTelemetry semantic conventions layer (on by default). */
  semconv?: SemconvSettings;
}

export interface Conformance {
  readonly schema: Schema;
  /** Violations for these records (one per finding per record). */
  check(records: RecordRow[]): ViolationRow[];
}

/**
 * A checker bound to a schema. Results are cached per record shape (template, kind, level and the
 * attributes' keys, types and values), so steady traffic costs a map lookup per record.
 */
export function createConformance(schema: Schema, opts: ConformanceOptions = {}): Conformance {
  const wanted = new Set(opts.rules ?? RUNTIME_RULES);
  const rules: Rule[] = RULES.filter((r) => wanted.has(r.meta.name) || wanted.has(r.meta.code));
  const layerRules = rules.filter((r) => LAYER_RULES.includes(r.meta.name));
  const settings = { ...(opts.ruleSeverities ? { rules: opts.ruleSeverities } : {}), ...(opts.semconv ? { semconv: opts.semconv } : {}) };
  const layers = attributeLayers(schema, opts.semconv);
  /** Does a record carry a dotted key some layer defines? (Decided once per key.) */
  const layerKey = new Map<string, boolean>();
  function hasLayerKey(r: RecordRow): boolean {
    for (const key of Object.keys(r.attributes)) {
      if (!key.includes('.')) continue;
      let v = layerKey.get(key);
      if (v === undefined) {
        v = !skipped(key) && layers.some((l) => l.get(key) !== undefined);
        if (layerKey.size < 10_000) layerKey.set(key, v);
      }
      if (v) return true;
    }
    return false;
  }
  const cacheSize = opts.cacheSize ?? 20_000;
  type Found = { code: string; rule: string; severity: string; message: string; eventId: string | null };
  const cache = new Map<string, Found[]>();
  const ruleName = new Map(RULES.map((r) => [r.meta.code, r.meta.name]));

  // Attribute names repeat from record to record: whether one is SDK-internal is decided once.
  const skipKey = new Map<string, boolean>();
  function skipped(key: string): boolean {
    let v = skipKey.get(key);
    if (v === undefined) {
      v = INTERNAL_PREFIXES.some((p) => key.startsWith(p)) && key !== 'logfire.null_args';
      if (skipKey.size < 10_000) skipKey.set(key, v);
    }
    return v;
  }

  /**
   * The record's shape. Attributes in the order they arrived (the same event from the same SDK
   * sends them in the same order; another order is only another cache entry, checked on its own).
   */
  function shapeKey(r: RecordRow, template: string): string {
    let k = `${r.kind}\u0001${r.level}\u0001${r.telemetry_sdk_language ?? ''}\u0001${r.otel_scope_name ?? ''}\u0001${template}`;
    const attrs = r.attributes;
    for (const key of Object.keys(attrs)) {
      if (skipped(key)) continue;
      const v = attrs[key];
      const t = typeof v;
      k += t === 'string' ? `\u0001${key}=s:${v as string}` : t === 'object' ? `\u0001${key}=${Array.isArray(v) ? 'A' : v === null ? 'N' : 'O'}` : `\u0001${key}=${t}:${String(v)}`;
    }
    return k + `\u0001${r.attributes_json_schema ?? ''}`;
  }

  return {
    schema,
    check(records: RecordRow[]): ViolationRow[] {
      const out: ViolationRow[] = [];
      const todo: { r: RecordRow; key: string; call: TelemetryCall; layerOnly: boolean }[] = [];
      const pushAll = (r: RecordRow, found: Found[]) => {
        for (const f of found) {
          const fp = r.attributes['code.filepath'];
          const ln = r.attributes['code.lineno'];
          out.push({
            code: f.code,
            rule: f.rule,
            severity: f.severity,
            message: f.message,
            event_id: f.eventId,
            span_name: r.span_name,
            service_name: r.service_name,
            code_filepath: typeof fp === 'string' ? fp : null,
            code_lineno: typeof ln === 'number' && Number.isInteger(ln) ? ln : null,
            seen_at: r.start_timestamp,
            trace_id: r.trace_id,
            span_id: r.span_id,
            run_id: r.run_id,
          });
        }
      };
      const pendingKeys = new Map<string, number>();
      for (const r of records) {
        let template = recordTemplate(r, schema);
        let layerOnly = false;
        if (!template && r.kind !== 'pending_span' && r.span_name && hasLayerKey(r)) {
          template = r.span_name;
          layerOnly = true;
        }
        if (!template) continue;
        const key = (layerOnly ? 'L\u0001' : '') + shapeKey(r, template);
        const hit = cache.get(key);
        if (hit) {
          pushAll(r, hit);
          continue;
        }
        const index = todo.length;
        todo.push({ r, key, call: callForRecord(r, template, 0), layerOnly });
        if (!pendingKeys.has(key)) pendingKeys.set(key, index);
      }
      if (todo.length === 0) return out;
      // One engine run per distinct new shape, grouped by language (rules read the file's language).
      const firsts = [...pendingKeys.values()].map((line) => todo[line]);
      const groups = new Map<string, typeof firsts>();
      for (const t of firsts) {
        const gk = `${t.call.language}|${t.layerOnly ? 1 : 0}`;
        const g = groups.get(gk) ?? [];
        g.push(t);
        groups.set(gk, g);
      }
      for (const group of groups.values()) {
        const language = group[0]!.call.language;
        const calls = group.map((t, i) => withLine(t.call, i));
        const byLine = new Map<number, Found[]>();
        for (const f of checkCalls(calls, schema, { rules: group[0]!.layerOnly ? layerRules : rules, settings, filePath: '<runtime>', language })) {
          const list = byLine.get(f.range.start.line) ?? [];
          list.push({ code: f.code, rule: f.rule ?? ruleName.get(f.code) ?? f.code, severity: f.severity, message: f.message, eventId: f.eventId ?? null });
          byLine.set(f.range.start.line, list);
        }
        group.forEach((t, i) => {
          if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
          cache.set(t.key, byLine.get(i) ?? []);
        });
      }
      for (const t of todo) pushAll(t.r, cache.get(t.key) ?? []);
      return out;
    },
  };
}
