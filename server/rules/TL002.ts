// TL002 missing-attribute: a call of a declared event without one of the event's required attributes.
//
// Health checks and dashboards group and filter on attributes (`attributes->>'workload'`); a record
// without them silently drops out of every such query. Calls whose attribute set is not fully known
// (`**kwargs`, `...spread`, a non-literal attributes object) are not checked. For spans, attributes
// set later on the span (`span.set_attribute(...)`, `span.setAttribute(...)`) count. Context bound
// earlier (structlog/loguru `.bind()`) counts.
//
// Fix: add the missing attributes. The value is a variable of the same name when the file binds
// one (an assignment, a parameter, a loop or `as` target before the call), else an explicit
// placeholder — `None` in Python, `undefined` in JS/TS — for you to fill in (TL004 keeps pointing at
// a required attribute passed as `None` until you do).
//
// Events from Weaver registries carry a `requirement_level` per attribute: `required` attributes are
// reported at the rule's severity, `conditionally_required` ones as information and `recommended`
// ones as hints (each level its own finding); `opt_in` attributes are never asked for.
import type { CallContext, FindingInput, Rule } from '../lint/types';
import type { TelemetryCall } from '../model/calls';
import type { AttributeSpec } from '../schema/model';
import { clip, newAttributeItem } from '../schema/values';
import { attributeItem, insertAttributesEdit, offsetAt } from './helpers';
import { escapeRegExp as escapeRe } from '../languages/common';

/** Patterns that bind `name` as a variable: assignments, parameters, loop and `as` targets, declarations. */
function bindingPatterns(name: string, python: boolean): RegExp[] {
  const n = escapeRe(name);
  return python
    ? [
        new RegExp(`^[ \\t]*${n}[ \\t]*(?::[^=\\n]+)?=(?!=)`, 'm'), // name = … / name: T = …
        new RegExp(`^[ \\t]*(?:async[ \\t]+)?for[ \\t]+(?:[\\w, ]*,[ \\t]*)?${n}\\b[^\\n]*\\bin\\b`, 'm'),
        new RegExp(`\\bas[ \\t]+${n}\\b`),
        new RegExp(`\\bdef[ \\t]+\\w+[ \\t]*\\(([^)]*[(,\\s])?\\*{0,2}${n}\\b[ \\t]*(?::[^,)=]+)?(?:=[^,)]+)?[,)]`),
      ]
    : [
        new RegExp(`\\b(?:const|let|var)[ \\t]+${n}\\b`),
        new RegExp(`\\b(?:const|let|var)[ \\t]+\\{[^}]*\\b${n}\\b[^}]*\\}[ \\t]*=`),
        new RegExp(`\\bfunction\\b[^(]*\\(([^)]*[(,\\s])?${n}\\b[ \\t]*(?:[:?][^,)=]*)?(?:=[^,)]+)?[,)]`),
        new RegExp(`\\(([^)]*[,\\s])?${n}\\b[ \\t]*(?::[^,)=]+)?(?:=[^,)]+)?\\)[ \\t]*(?::[^=]+)?=>`),
        new RegExp(`(?<![\\w$.])${n}[ \\t]*=>`),
      ];
}

/** Offset of the first binding of `name` in `source` (Infinity when none); one scan per file and name. */
let bindingCache: { source: string; python: boolean; first: Map<string, number> } | undefined;
export function firstBinding(source: string, name: string, python: boolean): number {
  if (!bindingCache || bindingCache.source !== source || bindingCache.python !== python) bindingCache = { source, python, first: new Map() };
  const cached = bindingCache.first.get(name);
  if (cached !== undefined) return cached;
  let first = Infinity;
  for (const re of bindingPatterns(name, python)) {
    const m = re.exec(source);
    if (m && m.index < first) first = m.index;
  }
  bindingCache.first.set(name, first);
  return first;
}

/** Is `name` bound as a variable before `offset` (a cheap, conservative look)? */
export function boundBefore(source: string, offset: number, name: string, python: boolean): boolean {
  return firstBinding(source, name, python) < offset;
}

/** Attribute keys a call provides, or undefined when its attribute set is not fully known. */
function providedKeys(ctx: CallContext): Set<string> | undefined {
  const { call } = ctx;
  if (call.hasSplat) return undefined;
  const keys = new Set<string>([...call.attributes.map((a) => a.key), ...(call.boundKeys ?? [])]);
  if (call.kind === 'span' && call.message) {
    const set = setterIndex(ctx.calls).get(call.message.text);
    if (set) {
      if (set.splat) return undefined;
      for (const k of set.keys) keys.add(k);
    }
  }
  return keys;
}

interface SetterKeys {
  keys: string[];
  /** A setter of that span with `**kwargs` / a spread: the span's attribute set is unknown. */
  splat: boolean;
}

const setterIndexes = new WeakMap<readonly TelemetryCall[], Map<string, SetterKeys>>();

/**
 * The attribute setters of a file's calls, grouped by the text of the span message they act on
 * (built once per call list, so a span does not scan every call of the file).
 */
function setterIndex(calls: readonly TelemetryCall[]): Map<string, SetterKeys> {
  let idx = setterIndexes.get(calls);
  if (!idx) {
    idx = new Map();
    for (const c of calls) {
      if (c.kind !== 'set-attribute' || !c.spanMessage) continue;
      let e = idx.get(c.spanMessage.text);
      if (!e) idx.set(c.spanMessage.text, (e = { keys: [], splat: false }));
      if (c.hasSplat) e.splat = true;
      for (const a of c.attributes) e.keys.push(a.key);
    }
    setterIndexes.set(calls, idx);
  }
  return idx;
}

function placeholder(ctx: CallContext, call: TelemetryCall, a: AttributeSpec): string {
  const python = ctx.language === 'python';
  if (/^[A-Za-z_$][\w$]*$/.test(a.name) && boundBefore(ctx.source, offsetAt(ctx.source, call.range.start), a.name, python)) return a.name;
  return python ? 'None' : 'undefined';
}

export const rule: Rule = {
  meta: {
    code: 'TL002',
    name: 'missing-attribute',
    severity: 'warning',
    fixable: 'always',
    summary: 'A required attribute of the event is not passed',
  },
  checkCall(ctx, report) {
    const { call, match } = ctx;
    const event = match.event;
    if (!event || call.kind === 'set-attribute' || call.kind === 'instrument' || !event.attributes.some((a) => a.required || a.requirement === 'conditionally_required' || a.requirement === 'recommended')) return;
    const keys = providedKeys(ctx);
    if (!keys) return;
    const absent = event.attributes.filter((a) => !keys.has(a.name) && !a.template);
    for (const [level, severity] of REQUIREMENT_LEVELS) {
      const missing = absent.filter((a) => (level === 'required' ? a.required : a.requirement === level));
      if (missing.length) reportMissing(ctx, missing, level, severity, report);
    }
  },
};

/** Requirement levels of missing attributes, with the severity each is reported at (undefined: the rule's). */
const REQUIREMENT_LEVELS: [string, 'info' | 'hint' | undefined][] = [
  ['required', undefined],
  ['conditionally_required', 'info'],
  ['recommended', 'hint'],
];

function reportMissing(ctx: CallContext, missing: AttributeSpec[], level: string, severity: 'info' | 'hint' | undefined, report: (f: FindingInput) => void): void {
  const { call } = ctx;
  const event = ctx.match.event!;
  const label = clip(event.name ?? event.template ?? event.id);
  const names = missing.map((a) => `\`${a.name}\``).join(', ');
  const values = missing.map((a) => placeholder(ctx, call, a));
  const items = missing.map((a, i) => newAttributeItem(call, ctx.language, ctx.source, a.name, values[i], (k, v) => attributeItem(call, k, v)));
  const edit = insertAttributesEdit(call, items);
  const plural = missing.length > 1;
  const filler = values.some((v) => v === 'None' || v === 'undefined');
  const what = level === 'required' ? 'required' : level.replace('_', ' ');
  report({
    message: `Missing ${what} attribute${plural ? 's' : ''} ${names} for event \`${label}\``,
    range: call.calleeRange,
    fixes: edit ? [{ title: plural ? `Add ${names}` : `Add \`${items[0]}\``, edits: [edit], isPreferred: true, ...(filler ? { placeholder: true } : {}) }] : [],
    ...(severity ? { severity } : {}),
  });
}

export default rule;
