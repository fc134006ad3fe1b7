// `schema init`: a draft event schema from the telemetry calls of a workspace. The draft is
// self-consistent — linting the same code with it reports no unknown event, missing or unknown
// attribute or wrong level (TL001/TL002/TL003/TL006) — so that what remains after a review is what
// the reviewer changed:
// - an attribute is `required` only when every call of the event provides it the way the linter sees
//   it (keyword/dict attributes, structlog `bind` context, setters on the span), never because a
//   template or f-string names it (TL007 reports placeholders without an attribute);
// - f-string and template placeholders are declared (optional) only when they are plain names;
//   expressions (`{n - 1}`, `{repr(e)}`, `{job_id[:8]}`) and `self`/`cls` are not attributes;
// - a level is declared only when every call of the event uses the same one;
// - one odd call never fails the draft: an event the schema format cannot hold (a loguru `{}`
//   positional template, anything the loader refuses) is left out and reported in `skipped`.
import path from 'node:path';
import { Document } from 'yaml';
import { loadSchemaFromText } from '../schema/loader';
import { parseTemplate } from '../schema/template';
import { effectiveTemplate } from './linter';
import type { TelemetryCall } from '../model/calls';

interface DraftAttr {
  /** Emitting calls that provide it. */
  providedBy: number;
  types: Set<string>;
  examples: (string | number | boolean)[];
}

interface DraftEvent {
  key: string;
  isName: boolean;
  kind: 'log' | 'span';
  levels: Map<string, number>;
  /** Emitting calls (logs and spans; setters and span events are not). */
  count: number;
  /** Some call's attribute set is not fully known (`**kwargs`, a spread, a setter with one). */
  unknownKeys: boolean;
  source: string;
  line: number;
  attrs: Map<string, DraftAttr>;
}

export interface SkippedEvent {
  key: string;
  source: string;
  line: number;
  reason: string;
}

export interface Draft {
  yaml: string;
  events: number;
  skipped: SkippedEvent[];
}

const DOTTED = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)+$/;
const PLAIN_NAME = /^[A-Za-z_]\w*$/;
const TYPE_OF: Record<string, string> = { string: 'string', int: 'int', float: 'float', bool: 'bool', list: 'array', dict: 'object', fstring: 'string', concat: 'string' };

function attrOf(ev: DraftEvent, key: string): DraftAttr {
  let a = ev.attrs.get(key);
  if (!a) ev.attrs.set(key, (a = { providedBy: 0, types: new Set(), examples: [] }));
  return a;
}

function observe(a: DraftAttr, value: TelemetryCall['attributes'][number]['value'] | undefined): void {
  if (!value) return;
  a.types.add(TYPE_OF[value.kind] ?? '?');
  if ((value.kind === 'string' || value.kind === 'int' || value.kind === 'float' || value.kind === 'bool') && value.value !== undefined && value.value !== null) {
    if (a.examples.length < 5 && !a.examples.includes(value.value)) a.examples.push(value.value);
  }
}

/** Setter keys per span message text, per file (as the linter relates `span.set_attribute` to its span). */
function settersOf(calls: readonly TelemetryCall[]): Map<string, { keys: TelemetryCall['attributes']; splat: boolean }> {
  const out = new Map<string, { keys: TelemetryCall['attributes']; splat: boolean }>();
  for (const c of calls) {
    if (c.kind !== 'set-attribute' || !c.spanMessage) continue;
    let e = out.get(c.spanMessage.text);
    if (!e) out.set(c.spanMessage.text, (e = { keys: [], splat: false }));
    if (c.hasSplat) e.splat = true;
    e.keys.push(...c.attributes);
  }
  return out;
}

/** Draft a schema from extracted calls (`file` gives each event its `source:`, relative to `root`). */
export function draftSchema(callsByFile: { file: string; calls: TelemetryCall[] }[], root: string): Draft {
  const events = new Map<string, DraftEvent>();
  for (const { file, calls } of callsByFile) {
    const setters = settersOf(calls);
    for (const c of calls) {
      if (c.kind === 'set-attribute' || c.kind === 'event' || c.kind === 'instrument') continue;
      const key = effectiveTemplate(c);
      if (key === undefined || key.trim() === '') continue;
      let ev = events.get(key);
      if (!ev) {
        const source = path.relative(root, file).split(path.sep).join('/');
        ev = { key, isName: DOTTED.test(key), kind: c.kind === 'span' ? 'span' : 'log', levels: new Map(), count: 0, unknownKeys: false, source, line: c.range.start.line, attrs: new Map() };
        events.set(key, ev);
      }
      ev.count++;
      if (c.hasSplat) ev.unknownKeys = true;
      if (c.level && c.kind !== 'span') ev.levels.set(c.level, (ev.levels.get(c.level) ?? 0) + 1);
      const provided = new Set<string>();
      for (const a of c.attributes) {
        observe(attrOf(ev, a.key), a.value);
        provided.add(a.key);
      }
      for (const k of c.boundKeys ?? []) {
        attrOf(ev, k);
        provided.add(k);
      }
      const set = c.kind === 'span' && c.message ? setters.get(c.message.text) : undefined;
      if (set) {
        if (set.splat) ev.unknownKeys = true;
        for (const a of set.keys) {
          observe(attrOf(ev, a.key), a.value);
          provided.add(a.key);
        }
      }
      for (const k of provided) attrOf(ev, k).providedBy++;
      if (!ev.isName) {
        for (const f of parseTemplate(key).fields) if (PLAIN_NAME.test(f.root) && f.root !== 'self' && f.root !== 'cls') attrOf(ev, f.root);
      }
    }
  }
  const skipped: SkippedEvent[] = [];
  const specs: Record<string, unknown>[] = [];
  for (const ev of [...events.values()].sort((a, b) => a.source.localeCompare(b.source) || a.line - b.line)) {
    const spec = eventSpec(ev);
    // Each event must load on its own: one the format cannot hold is left out, never the whole draft.
    const problem = ev.isName ? undefined : parseTemplate(ev.key).problems[0]?.message;
    const check = problem ? undefined : loadSchemaFromText(new Document({ version: 1, events: [spec] }).toString({ lineWidth: 0 }), 'draft').errors.find((e) => e.severity === 'error');
    const reason = problem ?? check?.message;
    if (reason) skipped.push({ key: ev.key, source: ev.source, line: ev.line, reason });
    else specs.push(spec);
  }
  const doc = new Document({ version: 1, strict: false, events: specs });
  doc.commentBefore =
    ' Draft event schema written by `telemetry-lens schema init` from the telemetry calls in this workspace.\n' +
    ' Review it: add descriptions, allowed values (values:) and ranges (min:/max:), mark sensitive attributes,\n' +
    ' declare a level where calls disagree, and set `strict: true` once every event is declared. Format: docs/schema.md';
  return { yaml: doc.toString({ lineWidth: 0 }), events: specs.length, skipped };
}

function eventSpec(ev: DraftEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  out[ev.isName ? 'name' : 'template'] = ev.key;
  // A level only when the calls agree (calls at several levels would each be reported against any one).
  if (ev.levels.size === 1) out.level = [...ev.levels.keys()][0];
  out.kind = ev.kind;
  out.source = ev.source;
  const attributes: Record<string, Record<string, unknown>> = {};
  for (const [name, a] of ev.attrs) {
    const spec: Record<string, unknown> = {};
    const types = [...a.types];
    let type: string | undefined;
    if (!a.types.has('?') && types.length === 1) type = types[0];
    else if (!a.types.has('?') && types.length === 2 && types.includes('int') && types.includes('float')) type = 'float';
    if (type) spec.type = type;
    spec.required = !ev.unknownKeys && a.providedBy === ev.count;
    if (a.examples.length) spec.examples = a.examples;
    attributes[name] = spec;
  }
  out.attributes = attributes;
  return out;
}
