// A report of received records checked against the attribute layers (the project schema's events,
// its Weaver registries, the built-in OpenTelemetry semantic conventions), in the shape of Weaver's
// `registry live-check --format json` report (https://github.com/open-telemetry/weaver, crate
// weaver_live_check): `{ samples: [{ span | log | span_event: {…, attributes: [{ name, value, type,
// live_check_result }], live_check_result }}], statistics: {…} }`, each `live_check_result` holding
// `all_advice` (findings with id, level, message, context, signal_type, signal_name) and
// `highest_advice_level`. Finding ids and levels follow Weaver's built-in advisors; docs/schema.md
// lists the mapping.
import { matchMessage } from '../lint/linter';
import { attributeLayers, type SemconvSettings } from '../schema/semconv';
import type { AttributeLookup, AttributeSpec, EventSpec, Schema } from '../schema/model';
import { attributeSpecs } from '../schema/values';

export type FindingLevel = 'violation' | 'improvement' | 'information';
const RANK: Record<FindingLevel, number> = { information: 1, improvement: 2, violation: 3 };

export interface PolicyFinding {
  id: string;
  context: Record<string, unknown>;
  message: string;
  level: FindingLevel;
  signal_type: string;
  signal_name: string;
}

export interface LiveCheckResult {
  all_advice: PolicyFinding[];
  highest_advice_level: FindingLevel | null;
}

export interface SampleAttribute {
  name: string;
  value: unknown;
  type: string | null;
  live_check_result: LiveCheckResult;
}

/** A received record as the report needs it (a subset of the store's `records` row). */
export interface LiveRecord {
  kind: string;
  span_name: string;
  level: number;
  attributes: Record<string, unknown>;
  log_body?: string | null;
  trace_id?: string;
  span_id?: string;
}

/** Keys the SDKs and this tool write for their own bookkeeping: not part of any registry. */
const OWN_PREFIXES = ['logfire.', 'telemetry_lens.'];

function result(advice: PolicyFinding[]): LiveCheckResult {
  let top: FindingLevel | null = null;
  for (const a of advice) if (!top || RANK[a.level] > RANK[top]) top = a.level;
  return { all_advice: advice, highest_advice_level: top };
}

/** Weaver's names for the type of a received value. */
export function valueType(v: unknown): string | null {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'double';
  if (Array.isArray(v)) {
    const t = v.length ? valueType(v[0]) : 'string';
    return t && !t.endsWith('[]') ? `${t}[]` : null;
  }
  return null;
}

function fits(v: unknown, spec: AttributeSpec): boolean {
  const t = valueType(v);
  if (t === null || spec.type === 'any') return true;
  switch (spec.type) {
    case 'string':
    case 'enum':
      return t === 'string' || (spec.type === 'enum' && spec.allowed?.some((a) => typeof a === typeof v) === true);
    case 'int':
      return t === 'int';
    case 'float':
      return t === 'int' || t === 'double';
    case 'bool':
      return t === 'boolean';
    case 'array':
      return t.endsWith('[]') && (!spec.items || t === `${spec.items === 'float' ? 'double' : spec.items === 'bool' ? 'boolean' : spec.items}[]` || (spec.items === 'float' && t === 'int[]'));
    default:
      return true;
  }
}

function expected(spec: AttributeSpec): string {
  const b = (t: string) => (t === 'float' ? 'double' : t === 'bool' ? 'boolean' : t);
  return spec.type === 'array' ? `${b(spec.items ?? 'any')}[]` : b(spec.type);
}

export interface LiveCheckReport {
  samples: Record<string, unknown>[];
  statistics: {
    total_entities: number;
    total_entities_by_type: Record<string, number>;
    total_advisories: number;
    advice_level_counts: Record<string, number>;
    highest_advice_level_counts: Record<string, number>;
    no_advice_count: number;
    advice_type_counts: Record<string, number>;
    advice_message_counts: Record<string, number>;
    seen_registry_attributes: Record<string, number>;
    seen_non_registry_attributes: Record<string, number>;
    seen_registry_events: Record<string, number>;
    seen_non_registry_events: Record<string, number>;
    registry_coverage: number;
  };
}

/** Checks records against the schema and its layers; returns a Weaver-shaped live-check report. */
export function liveCheckReport(records: readonly LiveRecord[], schema: Schema, semconv?: SemconvSettings): LiveCheckReport {
  const layers: readonly AttributeLookup[] = attributeLayers(schema, semconv);
  const stats: LiveCheckReport['statistics'] = {
    total_entities: 0,
    total_entities_by_type: {},
    total_advisories: 0,
    advice_level_counts: {},
    highest_advice_level_counts: {},
    no_advice_count: 0,
    advice_type_counts: {},
    advice_message_counts: {},
    seen_registry_attributes: {},
    seen_non_registry_attributes: {},
    seen_registry_events: {},
    seen_non_registry_events: {},
    registry_coverage: 0,
  };
  // Every attribute and event the project schema and its registries declare starts unseen (the
  // built-in conventions are left out: coverage of a thousand keys says nothing about a project).
  for (const ev of schema.events) {
    if (ev.name && ev.kind === 'log') stats.seen_registry_events[ev.name] = 0;
    for (const a of ev.attributes) stats.seen_registry_attributes[a.name] = 0;
  }
  for (const r of schema.registries ?? []) for (const k of r.attributes.keys()) stats.seen_registry_attributes[k] = 0;

  const entity = (type: string, res: LiveCheckResult) => {
    stats.total_entities++;
    stats.total_entities_by_type[type] = (stats.total_entities_by_type[type] ?? 0) + 1;
    for (const a of res.all_advice) {
      stats.total_advisories++;
      stats.advice_level_counts[a.level] = (stats.advice_level_counts[a.level] ?? 0) + 1;
      stats.advice_type_counts[a.id] = (stats.advice_type_counts[a.id] ?? 0) + 1;
      stats.advice_message_counts[a.message] = (stats.advice_message_counts[a.message] ?? 0) + 1;
    }
    if (res.highest_advice_level) stats.highest_advice_level_counts[res.highest_advice_level] = (stats.highest_advice_level_counts[res.highest_advice_level] ?? 0) + 1;
    else stats.no_advice_count++;
  };

  const samples: Record<string, unknown>[] = [];
  for (const r of records) {
    if (r.kind === 'pending_span') continue;
    const signalType = r.kind === 'log' ? 'log' : 'span';
    const template = typeof r.attributes['logfire.msg_template'] === 'string' ? (r.attributes['logfire.msg_template'] as string) : undefined;
    const name = r.span_name;
    const event: EventSpec | undefined = matchMessage(template ?? name, schema).event;
    const declared = event ? attributeSpecs(event) : undefined;
    const attrs: SampleAttribute[] = [];
    for (const [key, value] of Object.entries(r.attributes)) {
      if (OWN_PREFIXES.some((p) => key.startsWith(p))) continue;
      const advice: PolicyFinding[] = [];
      const push = (id: string, level: FindingLevel, message: string, context: Record<string, unknown>) =>
        advice.push({ id, context: { attribute_key: key, ...context }, message, level, signal_type: signalType, signal_name: name });
      let spec = declared?.get(key);
      if (!spec) for (const l of layers) if ((spec = l.get(key))) break;
      if (!spec) {
        push('missing_attribute', 'violation', `Attribute '${key}' does not exist in the registry.`, {});
        stats.seen_non_registry_attributes[key] = (stats.seen_non_registry_attributes[key] ?? 0) + 1;
      } else {
        if (spec.name in stats.seen_registry_attributes) stats.seen_registry_attributes[spec.name]!++;
        if (spec.template && key !== spec.name) push('template_attribute', 'information', `Attribute '${key}' is a template of '${spec.name}'.`, { attribute_name: spec.name });
        if (spec.deprecated) {
          const rep = spec.deprecated.replacement;
          push('deprecated', 'violation', `Attribute '${key}' is deprecated${rep ? `; renamed to '${rep}'` : ''}.`, {
            deprecation_reason: spec.deprecated.reason ?? 'uncategorized',
            ...(rep ? { renamed_to: rep } : {}),
          });
        }
        if (!fits(value, spec)) push('type_mismatch', 'violation', `Attribute '${key}' has type '${valueType(value)}'; the registry says '${expected(spec)}'.`, { attribute_type: valueType(value), expected: expected(spec) });
        else if (spec.allowed?.length && (typeof value === 'string' || typeof value === 'number') && !spec.allowed.includes(value)) {
          push('undefined_enum_variant', spec.open === false ? 'violation' : 'information', `Enum attribute '${key}' has value '${String(value)}' which is not documented.`, { attribute_value: value });
        }
        if (spec.stability && spec.stability !== 'stable' && !spec.deprecated) push('not_stable', 'improvement', `Attribute '${key}' is not stable; stability = ${spec.stability}.`, { stability: spec.stability });
      }
      const res = result(advice);
      entity('attribute', res);
      attrs.push({ name: key, value, type: valueType(value), live_check_result: res });
    }

    // The signal itself: attributes its registry entry asks for, deprecation, an undeclared log event.
    const own: PolicyFinding[] = [];
    const sig = (id: string, level: FindingLevel, message: string, context: Record<string, unknown>) => own.push({ id, context, message, level, signal_type: signalType, signal_name: name });
    if (event) {
      if (event.name && event.kind === 'log' && event.name in stats.seen_registry_events) stats.seen_registry_events[event.name]!++;
      if (event.deprecated) sig('deprecated', 'violation', `${signalType === 'log' ? 'Event' : 'Span'} '${name}' is deprecated.`, { deprecation_reason: event.deprecated.reason ?? 'uncategorized' });
      const present = new Set(Object.keys(r.attributes));
      for (const a of event.attributes) {
        if (present.has(a.name) || a.template) continue;
        const level = a.required ? 'required' : a.requirement;
        if (level === 'required') sig('required_attribute_not_present', 'violation', `Required attribute '${a.name}' is not present.`, { attribute_key: a.name });
        else if (level === 'conditionally_required') sig('conditionally_required_attribute_not_present', 'information', `Conditionally required attribute '${a.name}' is not present.`, { attribute_key: a.name });
        else if (level === 'recommended') sig('recommended_attribute_not_present', 'improvement', `Recommended attribute '${a.name}' is not present.`, { attribute_key: a.name });
      }
    } else if (r.kind === 'log' && schema.events.length) {
      sig('missing_event', 'violation', `Event '${name}' does not exist in the registry.`, { event_name: name });
      stats.seen_non_registry_events[name] = (stats.seen_non_registry_events[name] ?? 0) + 1;
    }
    const res = result(own);
    if (r.kind === 'log') {
      entity('log', res);
      samples.push({ log: { event_name: name, severity_number: r.level || null, severity_text: null, body: r.log_body ?? null, attributes: attrs, trace_id: r.trace_id ?? null, span_id: r.span_id ?? null, live_check_result: res } });
    } else if (r.kind === 'span_event') {
      entity('span_event', res);
      samples.push({ span_event: { name, attributes: attrs, live_check_result: res } });
    } else {
      entity('span', res);
      samples.push({ span: { name, kind: null, status: null, attributes: attrs, span_events: [], span_links: [], live_check_result: res } });
    }
  }
  const known = [...Object.values(stats.seen_registry_attributes), ...Object.values(stats.seen_registry_events)];
  stats.registry_coverage = known.length ? known.filter((n) => n > 0).length / known.length : 0;
  return { samples, statistics: stats };
}

/** Weaver's exit rule: non-zero when any violation was found. */
export function hasViolation(rep: LiveCheckReport): boolean {
  return (rep.statistics.advice_level_counts.violation ?? 0) > 0;
}

/** The records received since `sinceUs` (epoch microseconds), oldest first, as the report reads them. */
export async function recordsSince(store: { queryObjects<T>(sql: string, params?: unknown[]): Promise<T[]> }, sinceUs: number, limit = 100_000): Promise<LiveRecord[]> {
  const rows = await store.queryObjects<{ kind: string; span_name: string; level: number; attributes: string | null; log_body: string | null; trace_id: string; span_id: string }>(
    `SELECT kind, span_name, level, attributes::VARCHAR AS attributes, log_body, trace_id, span_id FROM records
     WHERE kind <> 'pending_span' AND epoch_us(start_timestamp) >= ? ORDER BY start_timestamp LIMIT ${Math.max(1, Math.floor(limit))}`,
    [sinceUs],
  );
  return rows.map((r) => {
    let attributes: Record<string, unknown> = {};
    try {
      const parsed = r.attributes ? (JSON.parse(r.attributes) as unknown) : {};
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) attributes = parsed as Record<string, unknown>;
    } catch {
      // a malformed attributes column: checked as a record without attributes
    }
    return { kind: r.kind, span_name: r.span_name, level: Number(r.level), attributes, log_body: r.log_body, trace_id: r.trace_id, span_id: r.span_id };
  });
}

/** A short text summary of a report (the default `check --conformance` output). */
export function formatLiveCheck(rep: LiveCheckReport): string {
  const s = rep.statistics;
  const lines = [`${s.total_entities} entities checked, ${s.total_advisories} findings (${['violation', 'improvement', 'information'].map((l) => `${s.advice_level_counts[l] ?? 0} ${l}`).join(', ')})`];
  const byId = Object.entries(s.advice_type_counts).sort((a, b) => b[1] - a[1]);
  for (const [id, n] of byId) lines.push(`  ${id}: ${n}`);
  const messages = Object.entries(s.advice_message_counts).sort((a, b) => b[1] - a[1]).slice(0, 20);
  if (messages.length) lines.push('', ...messages.map(([m, n]) => `  ${n}× ${m}`));
  return lines.join('\n');
}
