// TL013 missing-context-attribute: an event without the context every event must carry.
//
// Correlation works only when every record carries the same keys (`session_id`, `call_id`,
// `agent_id`…) so that a single query can follow one conversation or one call. Which keys are
// required is `conventions.requiredContext` (empty by default, so the rule is silent until a
// schema asks for it). Keys bound earlier with structlog/loguru `.bind()` count as present, as do keys
// the file binds to the context (`bind_contextvars`, `contextualize`, `set_baggage`).
import type { Rule } from '../lint/types';
import type { TelemetryCall } from '../model/calls';
import { attributeItem, closingBracket, insertAttributesEdit, mentionsIdentifier, offsetAt, toCamelCase } from './helpers';

/**
 * Keys the file binds to the whole context rather than one logger: structlog
 * `bind_contextvars(k=…)`, loguru `contextualize(k=…)`, Logfire `set_baggage(k=…)`. Records emitted
 * while they are bound carry them, so calls in the same file are given the benefit of the doubt.
 */
let lastSource: string | undefined;
let lastKeys = new Set<string>();
function contextKeysInFile(source: string, language: string): ReadonlySet<string> {
  if (source === lastSource) return lastKeys;
  const keys = new Set<string>();
  if (language === 'python' && /bind_contextvars|contextualize|set_baggage/.test(source)) {
    for (const m of source.matchAll(/\b(?:bind_contextvars|contextualize|set_baggage)\s*\(/g)) {
      const open = m.index! + m[0].length;
      const inner = source.slice(open, closingBracket(source, open));
      for (const k of inner.matchAll(/(?:^|[,(\s])([A-Za-z_]\w*)\s*=(?!=)/g)) keys.add(k[1]);
    }
  }
  lastSource = source;
  lastKeys = keys;
  return keys;
}

/** OTel spans get their attributes from later `set_attribute` calls, so only log records and Logfire-style spans are checked. */
function checked(call: TelemetryCall): boolean {
  if (call.kind !== 'log' && call.kind !== 'span') return false;
  return call.library !== 'otel';
}

export const rule: Rule = {
  meta: {
    code: 'TL013',
    name: 'missing-context-attribute',
    severity: 'warning',
    fixable: 'sometimes',
    summary: 'Event lacks a context attribute every event must carry (`conventions.requiredContext`)',
  },
  checkCall(ctx, report) {
    const { call, schema, source } = ctx;
    const required = schema.conventions.requiredContext;
    if (required.length === 0 || !checked(call)) return;
    // `**context` / `...ctx` may well carry them: only a fully known attribute set is judged.
    if (call.hasSplat) return;
    const present = new Set([...call.attributes.map((a) => a.key), ...(call.boundKeys ?? []), ...contextKeysInFile(source, call.language)]);
    const missing = required.filter((k) => !present.has(k));
    if (missing.length === 0) return;
    // Offer `key=key` only for names the file already uses (likely in scope); never invent a value.
    const self = { start: offsetAt(source, call.range.start), end: offsetAt(source, call.range.end) };
    const items: string[] = [];
    for (const key of missing) {
      if (mentionsIdentifier(source, key, self)) items.push(attributeItem(call, key, key));
      else if (call.language !== 'python' && mentionsIdentifier(source, toCamelCase(key), self)) {
        items.push(attributeItem(call, key, toCamelCase(key)));
      }
    }
    const edit = items.length === missing.length ? insertAttributesEdit(call, items) : undefined;
    const list = missing.map((k) => `\`${k}\``).join(', ');
    report({
      message: `Missing context attribute${missing.length > 1 ? 's' : ''} ${list}: the schema requires ${missing.length > 1 ? 'them' : 'it'} on every event`,
      range: call.calleeRange,
      fixes: edit ? [{ title: `Add ${list}`, edits: [edit], isPreferred: true }] : [],
    });
  },
};

export default rule;
