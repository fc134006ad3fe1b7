// TL007 placeholder-without-attribute: a `{name}` field in a message template with no attribute
// of that name.
//
// Logfire formats the message from the call's attributes. When a field has no attribute it does not
// fail: it renders the raw template (`Workload routing: {agent} → {workload} → {model}` shows up
// verbatim in the Live view, and the value is nowhere). The bundled example's `Workload routing` call has
// this bug: `{model}` with attributes `orchestrated_model` and `default_model`. Loguru formats the
// message with keyword arguments too, and raises KeyError at runtime when one is missing.
//
// Fields follow `str.format`: `{x}`, `{x=}`, `{pct:.1f}`, `{x!r}`, `{obj.attr}` / `{d[key]}` (the
// root name is looked up), `{{`/`}}` are literal braces. Calls passing `**kwargs` / a spread are not
// checked. Decorators (`@logfire.instrument('… {arg}')`) refer to function arguments and are skipped.
//
// Fixes, per field: add the attribute with the value of the most similar attribute the template does
// not use (`model=model_from_orchestrator`), or rename the field to that attribute
// (`{model}` → `{orchestrated_model}`). When the call matches a schema event by its template, adding
// the attribute is preferred (the template stays the declared one); otherwise renaming is.
import { distance } from 'fastest-levenshtein';
import type { CallContext, Fix, Rule } from '../lint/types';
import type { Range } from '../model/positions';
import type { TelemetryAttribute } from '../model/calls';
import { parseTemplate, type TemplateField } from '../schema/template';
import { clip, newAttributeItem } from '../schema/values';
import { attributeItem, insertAttributesEdit, offsetAt, positionAt } from './helpers';

/** `short` is an abbreviation of `long`: same first letter, its letters in order (`tbl` → `table`, `pct` → `percent`). */
function abbreviates(short: string, long: string): boolean {
  if (short.length < 2 || short.length >= long.length || short[0] !== long[0]) return false;
  let j = 0;
  for (const c of long) if (c === short[j]) j++;
  return j === short.length;
}

/** Unused attributes that plausibly hold the field's value, best first (containment, then edit distance, then call order). */
export function plausibleAttributes(field: string, unused: readonly TelemetryAttribute[]): TelemetryAttribute[] {
  const f = field.toLowerCase();
  const scored = unused.map((a, i) => {
    const k = a.key.toLowerCase();
    const contains = k.includes(f) || f.includes(k) || abbreviates(f, k) || abbreviates(k, f);
    const d = distance(f, k);
    const close = d <= Math.max(1, Math.floor(f.length / 3));
    return { a, i, rank: contains ? 0 : close ? 1 : 2, d };
  });
  return scored
    .filter((s) => s.rank < 2)
    .sort((x, y) => x.rank - y.rank || (x.rank === 1 ? x.d - y.d : 0) || x.i - y.i)
    .map((s) => s.a);
}

/** Source range of a field's name inside the message literal, when the literal maps 1:1 onto its value. */
function fieldRange(ctx: CallContext, field: TemplateField): Range | undefined {
  const msg = ctx.call.message!;
  if (!msg.contentRange || typeof msg.value !== 'string') return undefined;
  const start = offsetAt(ctx.source, msg.contentRange.start);
  const end = offsetAt(ctx.source, msg.contentRange.end);
  if (ctx.source.slice(start, end) !== msg.value) return undefined;
  return { start: positionAt(ctx.source, start + field.nameStart), end: positionAt(ctx.source, start + field.nameEnd) };
}

/** Parsed templates by text (the same messages recur across a file and across re-lints; read-only). */
const parsedMemo = new Map<string, ReturnType<typeof parseTemplate>>();

function parsedTemplate(text: string): ReturnType<typeof parseTemplate> {
  let p = parsedMemo.get(text);
  if (p === undefined) {
    p = parseTemplate(text);
    if (parsedMemo.size >= 5000) parsedMemo.clear();
    parsedMemo.set(text, p);
  }
  return p;
}

function applies(ctx: CallContext): boolean {
  const { call } = ctx;
  if (call.kind === 'instrument' || call.kind === 'set-attribute' || call.kind === 'event') return false;
  if (call.hasSplat) return false;
  if (call.library === 'logfire' || call.library === 'wrapper') return true;
  // Loguru formats with keyword arguments only (extra={...} is not used for formatting).
  return call.library === 'loguru' && call.attributes.some((a) => a.source === 'keyword');
}

export const rule: Rule = {
  meta: {
    code: 'TL007',
    name: 'placeholder-without-attribute',
    severity: 'error',
    fixable: 'sometimes',
    summary: 'A `{field}` in the message template has no attribute of that name (Logfire renders the raw template)',
  },
  checkCall(ctx, report) {
    const { call, match, source } = ctx;
    const msg = call.message;
    if (!msg || msg.kind !== 'string' || typeof msg.value !== 'string' || !msg.value.includes('{')) return;
    if (!applies(ctx)) return;
    const parsed = parsedTemplate(msg.value);
    if (parsed.fields.length === 0) return;
    const attrs = call.library === 'loguru' ? call.attributes.filter((a) => a.source === 'keyword') : call.attributes;
    const keys = new Set<string>();
    for (const a of attrs) keys.add(a.key);
    if (call.library !== 'loguru' && call.boundKeys) for (const k of call.boundKeys) keys.add(k);
    for (const k of call.formatKeys ?? []) keys.add(k);
    // What a report needs is computed only once a field turns out to have no attribute.
    let unused: TelemetryAttribute[] | undefined;
    const templateMatched = match.how === 'template' || match.how === 'normalized';
    let reported: Set<string> | undefined;
    for (const field of parsed.fields) {
      if (!field.root || keys.has(field.name) || keys.has(field.root) || reported?.has(field.root)) continue;
      // Positional fields (`{0}`, `{}`) are not attributes.
      if (/^\d+$/.test(field.root)) continue;
      (reported ??= new Set()).add(field.root);
      if (!unused) {
        const referenced = new Set(parsed.fields.flatMap((f) => [f.name, f.root]));
        unused = attrs.filter((a) => !referenced.has(a.key));
      }
      const candidates = plausibleAttributes(field.root, unused);
      const fixes: Fix[] = [];
      const best = candidates[0];
      const valueText = best ? best.value.text : call.language === 'python' ? 'None' : 'undefined';
      const item = newAttributeItem(call, call.language, source, field.root, valueText, (k, v) => attributeItem(call, k, v));
      const add = insertAttributesEdit(call, [item]);
      const addFix: Fix | undefined = add && /^[A-Za-z_$][\w$]*$/.test(field.root) ? { title: `Add \`${clip(item, 60)}\``, edits: [add], ...(best ? {} : { placeholder: true }) } : undefined;
      const range = fieldRange(ctx, field);
      const renames: Fix[] = range
        ? candidates.slice(0, 3).map((c) => ({ title: `Rename \`{${field.name}}\` to \`{${c.key}}\``, unsafe: true, edits: [{ range: { start: range.start, end: positionAt(source, offsetAt(source, range.start) + field.root.length) }, newText: c.key }] }))
        : [];
      if (templateMatched || renames.length === 0) {
        if (addFix) fixes.push({ ...addFix, isPreferred: true });
        fixes.push(...renames);
      } else {
        fixes.push({ ...renames[0]!, isPreferred: true }, ...renames.slice(1));
        if (addFix) fixes.push(addFix);
      }
      const hint = candidates.length > 0 ? `; did you mean \`${candidates[0]!.key}\`?` : unused.length > 0 ? ` (unused attributes: ${unused.map((a) => a.key).slice(0, 5).join(', ')})` : '';
      const effect = call.library === 'loguru' ? 'loguru raises KeyError when formatting it' : 'Logfire will render the raw template';
      report({
        message: `Placeholder \`{${field.name}}\` has no attribute \`${field.root}\`; ${effect}${hint}`,
        range: range ?? msg.range,
        fixes,
      });
    }
  },
};

export default rule;
