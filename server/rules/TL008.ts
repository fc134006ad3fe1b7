// TL008 dynamic-message: a message / span name built at runtime.
//
// Logfire (and every OTel backend) groups records by span name, which is the message template.
// An f-string, concatenation, `.format()` or `%` bakes the values into the name: one "event" per
// user id, unusable aggregates, and values that cannot be queried as attributes. Logfire rebuilds
// f-string templates from source on Python ≥ 3.11 when it can inspect the call, but not without
// source (.pyc-only deploys, some notebooks) and never for other libraries or JS template literals.
// The advice and the fix follow the library (see library-style.ts): a Logfire/loguru template with
// keyword attributes, a constant structlog event with key-value pairs, stdlib `%s` arguments.
// OpenTelemetry span names built only from low-cardinality parts, as OTel's span naming guidance
// recommends (`f"{method} {route}"`, `${dbName} ${operation}`), are not reported.
import { parseTemplate } from '../schema/template';
import type { CallContext, Fix, Rule } from '../lint/types';
import type { TelemetryCall } from '../model/calls';
import { constantEvent, fixFromPercent, fstringToPercent, libraryAdvice, lowCardinalityName, noPositionalAfterMessage } from './library-style';
import {
  argumentEnd,
  attributeItem,
  insertAttributesEdit,
  nameForExpression,
  parsePythonFString,
  parseTemplateLiteral,
  templateLiteralChunkToSingleQuoted,
  uniqueName,
} from './helpers';

/** Libraries whose first argument is a `{field}` template filled from keyword attributes. */
function formatsFromAttributes(call: TelemetryCall): boolean {
  return call.library === 'logfire' || (call.library === 'loguru' && call.language === 'python');
}

interface Names {
  taken: Set<string>;
  /** expression text → attribute name. */
  byExpr: Map<string, string>;
  items: string[];
}

function namesFor(ctx: CallContext): Names {
  const { call } = ctx;
  const taken = new Set([...call.attributes.map((a) => a.key), ...call.reservedKeywords.map((k) => k.name)]);
  const byExpr = new Map<string, string>();
  // An existing `n=n` already provides `{n}`: reuse it rather than adding a duplicate keyword.
  for (const a of call.attributes) if (!byExpr.has(a.value.text.trim())) byExpr.set(a.value.text.trim(), a.key);
  return { taken, byExpr, items: [] };
}

function nameOf(names: Names, expr: string, call: TelemetryCall): string {
  const known = names.byExpr.get(expr);
  if (known) return known;
  const name = uniqueName(nameForExpression(expr, call.language), names.taken);
  names.taken.add(name);
  names.byExpr.set(expr, name);
  names.items.push(attributeItem(call, name, expr));
  return name;
}

function fieldText(name: string, conversion?: string, spec?: string): string {
  return `{${name}${conversion ? `!${conversion}` : ''}${spec !== undefined ? `:${spec}` : ''}}`;
}

function fixFromFString(ctx: CallContext): Fix | undefined {
  const { call } = ctx;
  if (!ctx.source) return undefined; // calls rebuilt from runtime records have no text to edit
  const msg = call.message!;
  const python = call.language === 'python';
  const parsed = python ? parsePythonFString(msg.text) : parseTemplateLiteral(msg.text);
  if (!parsed || parsed.parts.length === 0) return undefined;
  if (parsed.parts.some((p) => p.spec?.includes('{'))) return undefined; // nested fields in a format spec: leave to a human
  if (call.library === 'stdlib') return python ? stdlibFix(ctx, msg.text, parsed) : undefined;
  const names = namesFor(ctx);
  if (call.library === 'structlog') {
    const event = python ? constantEvent(msg.text, parsed) : undefined;
    if (!event) return undefined;
    for (const p of parsed.parts) nameOf(names, p.expr, call);
    const ins = insertAttributesEdit(call, names.items);
    if (!ins) return undefined;
    return { title: 'Keep the event constant, pass the values as key-value pairs', edits: [{ range: msg.range, newText: event }, ins], isPreferred: !call.hasSplat, unsafe: true };
  }
  let body = '';
  let at = parsed.bodyStart;
  for (const p of parsed.parts) {
    const chunk = msg.text.slice(at, p.start);
    body += python ? chunk : templateLiteralChunkToSingleQuoted(chunk);
    const name = nameOf(names, p.expr, call);
    // `{x=}` renders as `x=<repr>`; keep that output.
    if (p.selfDoc) body += `${p.expr}=${fieldText(name, p.conversion ?? (p.spec === undefined ? 'r' : undefined), p.spec)}`;
    else body += fieldText(name, p.conversion, p.spec);
    at = p.end;
  }
  const tail = msg.text.slice(at, parsed.bodyEnd);
  body += python ? tail : templateLiteralChunkToSingleQuoted(tail);
  const literal = python ? `${parsed.prefix}${parsed.quote}${body}${parsed.quote}` : `'${body}'`;
  const edits = [{ range: msg.range, newText: literal }];
  if (names.items.length > 0) {
    const ins = insertAttributesEdit(call, names.items);
    if (!ins) return undefined;
    edits.push(ins);
  }
  // With `**kwargs` a new keyword could collide at runtime: offered, but not applied by fix-all.
  return { title: 'Convert to a template with attributes', edits, isPreferred: !call.hasSplat };
}

/** stdlib: `f'user {uid}'` → `'user %s', uid`. */
function stdlibFix(ctx: CallContext, text: string, parsed: NonNullable<ReturnType<typeof parsePythonFString>>): Fix | undefined {
  if (!noPositionalAfterMessage(ctx)) return undefined;
  const replaced = fstringToPercent(text, parsed);
  if (!replaced) return undefined;
  return { title: 'Use `%s` arguments', edits: [{ range: ctx.call.message!.range, newText: replaced }], isPreferred: true, unsafe: true };
}

/** `"user {} did {n}".format(uid, n=n)` → `"user {uid} did {n}", uid=uid, n=n`. */
function fixFromFormat(ctx: CallContext): Fix | undefined {
  const { call } = ctx;
  if (!ctx.source) return undefined;
  const msg = call.message!;
  const m = /^([rRuU]?)("""|'''|"|')([\s\S]*?)\2\s*\.\s*format\s*\(/.exec(msg.text);
  if (!m || call.language !== 'python' || !msg.text.endsWith(')')) return undefined;
  const argsText = msg.text.slice(m[0].length, -1);
  const positional: string[] = [];
  const keywords = new Map<string, string>();
  for (let i = 0; i < argsText.length; ) {
    while (i < argsText.length && /[\s,]/.test(argsText[i])) i++;
    if (i >= argsText.length) break;
    const end = argumentEnd(argsText, i);
    const arg = argsText.slice(i, end).trim();
    if (!arg || arg.startsWith('*')) return undefined;
    const kw = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]+)$/.exec(arg);
    if (kw) keywords.set(kw[1], kw[2].trim());
    else positional.push(arg);
    i = end;
  }
  const template = m[3];
  const parsed = parseTemplate(template);
  // `{}` is fine in `.format()` (it is what is being replaced); other template problems are not.
  if (parsed.problems.some((p) => !p.message.startsWith('empty placeholder'))) return undefined;
  const names = namesFor(ctx);
  let auto = 0;
  let body = '';
  let at = 0;
  for (const f of parsed.fields) {
    if (f.name !== f.root) return undefined;
    let field: string;
    if (f.name === '' || /^\d+$/.test(f.name)) {
      const expr = positional[f.name === '' ? auto++ : Number(f.name)];
      if (expr === undefined) return undefined;
      field = nameOf(names, expr, call);
    } else {
      const expr = keywords.get(f.name);
      if (expr === undefined) return undefined;
      field = names.byExpr.get(expr) ?? (names.taken.has(f.name) ? nameOf(names, expr, call) : claim(names, call, f.name, expr));
    }
    body += template.slice(at, f.start) + fieldText(field, f.conversion, f.spec);
    at = f.end;
  }
  body += template.slice(at);
  const edits = [{ range: msg.range, newText: `${m[1]}${m[2]}${body}${m[2]}` }];
  if (names.items.length > 0) {
    const ins = insertAttributesEdit(call, names.items);
    if (!ins) return undefined;
    edits.push(ins);
  }
  // With `**kwargs` a new keyword could collide at runtime: offered, but not applied by fix-all.
  return { title: 'Convert to a template with attributes', edits, isPreferred: !call.hasSplat };
}

/** Keep a `.format(name=expr)` keyword's own name as the attribute name. */
function claim(names: Names, call: TelemetryCall, name: string, expr: string): string {
  names.taken.add(name);
  names.byExpr.set(expr, name);
  names.items.push(attributeItem(call, name, expr));
  return name;
}

/** `MESSAGE`, `Events.AGENT_CREATED`: constants, not runtime text. */
const CONSTANT = /^(?:[\w$]+\.)*[A-Z][A-Z0-9_]*$/;

export const rule: Rule = {
  meta: {
    code: 'TL008',
    name: 'dynamic-message',
    severity: 'warning',
    fixable: 'sometimes',
    summary: 'Message or span name built at runtime (f-string, concatenation, `.format()`, `%`): high-cardinality span names',
  },
  checkCall(ctx, report) {
    const { call } = ctx;
    const msg = call.message;
    if (!msg || call.kind === 'set-attribute') return;
    const canFix = formatsFromAttributes(call);
    let what: string;
    const fixes: Fix[] = [];
    if (msg.kind === 'fstring') {
      if (call.library === 'otel' && call.kind === 'span' && lowCardinalityName(msg.parts ?? [])) return;
      what = call.language === 'python' ? 'f-string' : 'Template literal';
      const fix = canFix || call.library === 'structlog' || call.library === 'stdlib' ? fixFromFString(ctx) : undefined;
      if (fix) fixes.push(fix);
    } else if (msg.kind === 'concat') {
      if (/\.\s*format\s*\(/.test(msg.text)) {
        what = '`.format()`';
        const fix = canFix ? fixFromFormat(ctx) : undefined;
        if (fix) fixes.push(fix);
      } else if (/^[^+]*['"]\s*%/.test(msg.text)) {
        what = '`%`-formatted';
        const fix = fixFromPercent(ctx);
        if (fix) fixes.push(fix);
      } else what = 'Concatenated';
    } else if (msg.kind === 'identifier' || msg.kind === 'call') {
      // Forwarding wrappers (`def log(msg, **kw): logfire.info(msg, **kw)`) and constants are fine.
      if (call.hasSplat || CONSTANT.test(msg.text.trim()) || call.library !== 'logfire') return;
      report({
        message: `Non-literal message \`${msg.text.length > 40 ? `${msg.text.slice(0, 39)}…` : msg.text}\`: the span name is whatever it holds at runtime; pass a literal template with attributes`,
        range: msg.range,
        fixes: [],
      });
      return;
    } else {
      return;
    }
    const where = call.kind === 'span' ? 'span name' : 'message template';
    report({
      message: `${what[0].toUpperCase()}${what.slice(1)} ${where} changes with every value (high-cardinality span names); ${libraryAdvice(call)}`,
      range: msg.range,
      fixes,
    });
  },
};

export default rule;
