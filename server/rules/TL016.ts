// TL016 unformatted-placeholder: `{name}` fields in a message the library never formats.
//
// `LOG.info("Block with type {block.block_type} failed")` reads like an f-string, but without the
// `f` prefix nothing fills the field: structlog logs the event exactly as written, stdlib logging
// formats only `%s` directives, and OpenTelemetry uses a span name as given. The record shows the
// literal braces and the value is nowhere. (Logfire and loguru do fill `{x}` from keyword
// arguments; a field without its keyword there is TL007's finding.)
//
// A field is reported when its root name is a Python identifier the file uses elsewhere (so it is
// very likely a variable in scope) and the call does not pass a key-value pair of that name (a
// structlog event written as `"user {user_id} logged in", user_id=uid` keeps its value, and some
// projects format such events in a processor).
import type { CallContext, Fix, Rule } from '../lint/types';
import { parseTemplate, type TemplateField } from '../schema/template';
import { attributeItem, insertAttributesEdit, mentionsIdentifier, nameForExpression, offsetAt, uniqueName, type InterpolatedString } from './helpers';
import { constantEvent, fstringToPercent, noPositionalAfterMessage } from './library-style';

/** Libraries that print a message as written. */
const VERBATIM = new Set(['structlog', 'stdlib', 'otel']);

/** `name`, `obj.attr`, `items[0]`: a field that reads as an expression, not JSON or prose. */
const EXPRESSION_FIELD = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[[^\]]*\])*$/;

/** The string literal as an interpolated string (fields at their offsets in the literal's text), when the text maps 1:1 onto its value. */
function asInterpolated(text: string, value: string, fields: readonly TemplateField[]): InterpolatedString | undefined {
  const m = /^([rRuU]?)("""|'''|"|')/.exec(text);
  if (!m || !text.endsWith(m[2])) return undefined;
  const bodyStart = m[0].length;
  const bodyEnd = text.length - m[2].length;
  if (text.slice(bodyStart, bodyEnd) !== value || value.includes('{{') || value.includes('}}')) return undefined;
  const parts = fields.map((f) => ({ start: bodyStart + f.start, end: bodyStart + f.end, expr: f.name, conversion: f.conversion, spec: f.spec, selfDoc: f.selfDoc }));
  return { prefix: m[1], quote: m[2], bodyStart, bodyEnd, parts };
}

/** `block.block_type` → `block_type` (the last name already says whose), else as TL008 names expressions. */
function keyFor(expr: string): string {
  const m = /(?:^|\.)([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(expr);
  if (m && m[2].toLowerCase().includes(m[1].toLowerCase())) return nameForExpression(m[2], 'python');
  return nameForExpression(expr, 'python');
}

function fixFor(ctx: CallContext, fields: readonly TemplateField[]): Fix | undefined {
  const { call, source } = ctx;
  const msg = call.message!;
  if (!source || typeof msg.value !== 'string') return undefined;
  const parsed = asInterpolated(msg.text, msg.value, fields);
  if (!parsed) return undefined;
  if (call.library === 'stdlib') {
    if (!noPositionalAfterMessage(ctx)) return undefined;
    const text = fstringToPercent(msg.text, parsed);
    return text ? { title: 'Use `%s` arguments', edits: [{ range: msg.range, newText: text }], isPreferred: true, unsafe: true } : undefined;
  }
  if (call.library !== 'structlog') return undefined;
  const event = constantEvent(msg.text, parsed);
  if (!event) return undefined;
  const taken = new Set(call.attributes.map((a) => a.key));
  const items = fields.map((f) => {
    const key = uniqueName(keyFor(f.name), taken);
    taken.add(key);
    return attributeItem(call, key, f.name);
  });
  const ins = insertAttributesEdit(call, items);
  if (!ins) return undefined;
  return { title: 'Pass the values as key-value pairs', edits: [{ range: msg.range, newText: event }, ins], isPreferred: !call.hasSplat, unsafe: true };
}

function why(library: string): string {
  if (library === 'structlog') return 'structlog logs the event as written';
  if (library === 'stdlib') return 'logging formats only `%s` directives';
  return 'OpenTelemetry uses the span name as written';
}

function advice(library: string): string {
  if (library === 'structlog') return 'pass the values as key-value pairs and keep the event constant';
  if (library === 'stdlib') return 'use `%s` with the values as arguments';
  return 'use a constant span name and set the values as span attributes';
}

export const rule: Rule = {
  meta: {
    code: 'TL016',
    name: 'unformatted-placeholder',
    severity: 'warning',
    fixable: 'sometimes',
    summary: '`{name}` field in a structlog, stdlib logging or OpenTelemetry message, which the library prints as literal braces (a forgotten `f`?)',
  },
  checkCall(ctx, report) {
    const { call, source } = ctx;
    const msg = call.message;
    if (!msg || msg.kind !== 'string' || typeof msg.value !== 'string' || call.language !== 'python' || !VERBATIM.has(call.library)) return;
    if (call.kind === 'set-attribute' || !msg.value.includes('{')) return;
    const passed = new Set([...call.attributes.map((a) => a.key), ...(call.boundKeys ?? [])]);
    const exclude = { start: offsetAt(source, msg.range.start), end: offsetAt(source, msg.range.end) };
    const fields = parseTemplate(msg.value).fields;
    if (fields.length === 0 || !fields.every((f) => EXPRESSION_FIELD.test(f.name))) return;
    const missing = fields.filter((f) => !passed.has(f.root) && (!source || mentionsIdentifier(source, f.root, exclude)));
    if (missing.length === 0) return;
    const shown = missing.map((f) => `\`{${f.name}}\``).join(', ');
    report({
      message: `${shown} ${missing.length > 1 ? 'are' : 'is'} printed as literal braces: ${why(call.library)} (a missing \`f\` prefix?); ${advice(call.library)}`,
      range: msg.range,
      fixes: missing.length === fields.length ? [fixFor(ctx, fields)].filter((f): f is Fix => !!f) : [],
    });
  },
};

export default rule;
