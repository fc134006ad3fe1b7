// TL009 event-naming: event names and attribute keys that break the naming convention.
//
// When the project's own schema declares a convention (`conventions.eventNameStyle`), names follow
// it: dotted `category.action` names in snake_case, past tense for completed actions
// (`agent.created`), present participle for ongoing ones (`agent.creating`), and errors ending in
// `.error` / `_error` (`agent.error`, `session.load_error`). Without one (no schema, or a schema
// that leaves the convention out), the bundled default's convention is not imposed: the project's
// dominant style is inferred from its own event names (server/lint/project-style.ts) and only
// outliers are reported, since the harm is inconsistency. A first argument counts as an event
// name only when it looks like one (no spaces or punctuation, and dotted, snake_case, kebab-case or
// camelCase); sentences such as `Failover triggered: {a} → {b}` are message templates.
// Attribute keys follow `conventions.attributeNameStyle` (snake_case by default; dotted OTel keys
// such as `http.status_code` are fine). Names declared in the schema are never reported.
import type { EventSpec } from '../schema/model';
import { parseTemplate } from '../schema/template';
import { looksLikeEventName, nameShape } from '../lint/project-style';
import type { CallContext, Fix, NameShape, Rule } from '../lint/types';
import type { Range, TextEdit } from '../model/positions';
import type { TelemetryAttribute } from '../model/calls';
import { isTestPath, offsetAt, rangeAt, SNAKE_SEGMENT, textIn, toCamelCase, toSnakeCase, words } from './helpers';

export { looksLikeEventName };

/** Base-form verbs that, as the last word of a log event name, should be past tense or -ing. */
const BASE_VERBS = new Set(
  'accept approve build cancel close commit complete connect create delete deny deploy disconnect dispatch download emit evict execute expire fail fetch finish generate handle initialize install invoke load open parse pause process publish receive register reject restart resume retry route save schedule send spawn start stop submit subscribe sync trigger upload validate write'.split(
    ' ',
  ),
);
/** Verbs that start operation-style names (`validate_order`): the object becomes the category. */
const LEADING_VERBS = new Set([
  ...BASE_VERBS,
  ...'apply calculate call charge check classify compute convert decode embed encode find get index list lookup notify plan query rank read refresh render resolve retrieve run score search serialize set summarize transform translate update'.split(' '),
]);
const PAST: Record<string, string> = { build: 'built', send: 'sent', write: 'written', emit: 'emitted', stop: 'stopped', submit: 'submitted', commit: 'committed', cancel: 'cancelled' };
const ONGOING: Record<string, string> = { emit: 'emitting', stop: 'stopping', submit: 'submitting', commit: 'committing', cancel: 'cancelling' };

function past(v: string): string {
  if (PAST[v]) return PAST[v];
  if (v.endsWith('e')) return `${v}d`;
  if (/[^aeiou]y$/.test(v)) return `${v.slice(0, -1)}ied`;
  return `${v}ed`;
}
function ongoing(v: string): string {
  if (ONGOING[v]) return ONGOING[v];
  if (v.endsWith('ie')) return `${v.slice(0, -2)}ying`;
  if (v.endsWith('e') && !v.endsWith('ee')) return `${v.slice(0, -1)}ing`;
  return `${v}ing`;
}

const FAIL_WORDS = new Set(['failed', 'failure', 'fail', 'failing', 'errored', 'err', 'exception']);

/** The name rewritten to the convention's style. */
function conventional(name: string, style: 'dotted.snake_case' | 'snake_case'): string {
  if (style === 'snake_case') return toSnakeCase(name);
  const segments = name.split('.').map(toSnakeCase).filter(Boolean);
  if (segments.length >= 2) return segments.join('.');
  const w = words(name);
  if (w.length < 2) return w.join('_');
  // `validate_order` → `order.validate`; but `run_started`/`agent_created` → `run.started`/`agent.created`.
  const tail = w[w.length - 1];
  const happened = /(?:ed|ing)$/.test(tail) || Object.values(PAST).includes(tail) || tail === 'error';
  if (!happened && LEADING_VERBS.has(w[0])) return `${w.slice(1).join('_')}.${w[0]}`;
  return `${w[0]}.${w.slice(1).join('_')}`;
}

function styleOk(name: string, style: 'dotted.snake_case' | 'snake_case'): boolean {
  if (style === 'snake_case') return SNAKE_SEGMENT.test(name);
  const segments = name.split('.');
  return segments.length >= 2 && segments.every((s) => SNAKE_SEGMENT.test(s));
}

/** What breaks the dotted convention, in a few words. */
function whyNotDotted(name: string): string {
  const segments = name.split('.');
  if (segments.length < 2) return 'it has no `category.` part';
  const bad = segments.find((x) => !SNAKE_SEGMENT.test(x));
  return bad === '' ? 'it has an empty segment' : `\`${bad}\` is not a snake_case segment`;
}

function renameEdit(ctx: CallContext, newName: string): TextEdit | undefined {
  const msg = ctx.call.message!;
  if (!msg.contentRange || !ctx.source) return undefined; // runtime records have no text to edit
  return { range: msg.contentRange, newText: newName };
}

const namesByEvents = new WeakMap<readonly EventSpec[], Set<string>>();

/** Every event name and template of the schema (one set per schema). */
function declaredNames(events: readonly EventSpec[]): Set<string> {
  let names = namesByEvents.get(events);
  if (!names) {
    names = new Set();
    for (const e of events) {
      if (e.name !== undefined) names.add(e.name);
      if (e.template !== undefined) names.add(e.template);
    }
    namesByEvents.set(events, names);
  }
  return names;
}

function checkEventName(ctx: CallContext, report: (f: { message: string; range: Range; fixes: Fix[] }) => void): void {
  const { call, schema, match } = ctx;
  const msg = call.message;
  if (!msg || msg.kind !== 'string' || typeof msg.value !== 'string' || call.kind === 'set-attribute') return;
  const name = msg.value;
  if (!looksLikeEventName(name)) return;
  // Declared in the schema: the schema is the source of truth (a case/spacing variant is still checked).
  if ((match.event && match.how !== 'normalized') || declaredNames(schema.events).has(name)) return;
  // A spelling variant of a declared event is renamed to the declared name, whatever the convention.
  const declaredName = match.how === 'normalized' ? match.event?.name : undefined;
  if (declaredName && declaredName !== name) {
    const edit = renameEdit(ctx, declaredName);
    report({
      message: `Event name \`${name}\` is spelled differently from the declared \`${declaredName}\``,
      range: msg.range,
      fixes: edit ? [{ title: `Rename to \`${declaredName}\``, edits: [edit], isPreferred: true, unsafe: true }] : [],
    });
    return;
  }
  const conv = schema.conventions;
  const declared = schema.declaredConventions ?? [];
  // Without a convention in the project's own schema, the project's dominant style is the standard.
  if (!declared.includes('eventNameStyle')) {
    checkProjectStyle(ctx, name, report);
    if (!declared.includes('errorSuffixes') && !declared.includes('tense')) return;
  } else if (conv.eventNameStyle === 'any') return;
  const style = conv.eventNameStyle;
  if (declared.includes('eventNameStyle') && style !== 'any' && !styleOk(name, style)) {
    const fixed = conventional(name, style);
    const edit = fixed !== name && styleOk(fixed, style) ? renameEdit(ctx, fixed) : undefined;
    report({
      message:
        style === 'snake_case'
          ? `Event name \`${name}\` is not snake_case`
          : `Event name \`${name}\` does not follow the \`category.action\` convention: ${whyNotDotted(name)}`,
      range: msg.range,
      fixes: edit ? [{ title: `Rename to \`${fixed}\``, edits: [edit], isPreferred: true, unsafe: true }] : [],
    });
    return;
  }
  const lastWords = words(name.slice(name.lastIndexOf('.') + 1));
  const last = lastWords[lastWords.length - 1] ?? '';
  const isError = conv.errorSuffixes.some((s) => name.endsWith(s));
  const own = (key: string) => declared.includes('eventNameStyle') || declared.includes(key);
  if (own('errorSuffixes') && (call.level === 'error' || call.level === 'fatal') && conv.errorSuffixes.length > 0 && !isError) {
    const fixes: Fix[] = [];
    if (FAIL_WORDS.has(last)) {
      const fixed = name.slice(0, name.length - last.length) + 'error';
      const edit = renameEdit(ctx, fixed);
      if (edit) fixes.push({ title: `Rename to \`${fixed}\``, edits: [edit], isPreferred: true, unsafe: true });
    }
    report({
      message: `Error event \`${name}\` should end with ${conv.errorSuffixes.map((s) => `\`${s}\``).join(' or ')}`,
      range: msg.range,
      fixes,
    });
    return;
  }
  if (!own('tense') || !conv.tense || isError || (call.kind !== 'log' && call.kind !== 'event') || !BASE_VERBS.has(last)) return;
  const stem = name.slice(0, name.length - last.length);
  const fixes: Fix[] = [];
  for (const [title, form] of [
    ['completed', past(last)],
    ['ongoing', ongoing(last)],
  ] as const) {
    const edit = renameEdit(ctx, stem + form);
    if (edit) fixes.push({ title: `Rename to \`${stem + form}\` (${title})`, edits: [edit], isPreferred: title === 'completed', unsafe: true });
  }
  report({
    message: `Event name \`${name}\` should say what happened: past tense for a completed action (\`${stem}${past(last)}\`) or present participle for an ongoing one (\`${stem}${ongoing(last)}\`)`,
    range: msg.range,
    fixes,
  });
}

const SHAPE_WORDS: Record<NameShape, string> = {
  'dotted.snake_case': 'dotted `category.action`',
  snake_case: 'snake_case',
  'kebab-case': 'kebab-case',
  camelCase: 'camelCase',
  PascalCase: 'PascalCase',
  other: 'mixed',
};

/** The name in the project's shape, when it can be rewritten mechanically. */
function inShape(name: string, shape: NameShape): string | undefined {
  const w = name.split('.').flatMap((seg) => words(seg));
  if (w.length === 0) return undefined;
  if (shape === 'snake_case') return w.join('_');
  if (shape === 'kebab-case') return w.join('-');
  if (shape === 'camelCase') return w[0] + w.slice(1).map((x) => x[0].toUpperCase() + x.slice(1)).join('');
  if (shape === 'dotted.snake_case') return conventional(name, 'dotted.snake_case');
  return undefined;
}

/** No convention declared: report a name whose shape differs from the one most of the project's names share. */
function checkProjectStyle(ctx: CallContext, name: string, report: (f: { message: string; range: Range; fixes: Fix[] }) => void): void {
  const style = ctx.project;
  const want = style?.eventNameShape;
  // Names in tests are fixtures (`hello-world`), not the project's events.
  if (!style || !want || isTestPath(ctx.filePath)) return;
  const shape = nameShape(name);
  if (shape === want) return;
  const fixed = inShape(name, want);
  const edit = fixed && fixed !== name && nameShape(fixed) === want ? renameEdit(ctx, fixed) : undefined;
  report({
    message: `Event name \`${name}\` is ${shape === 'other' ? 'not' : SHAPE_WORDS[shape]}${shape === 'other' ? ` ${SHAPE_WORDS[want]}` : ''}, unlike this project's other event names (${style.matching} of ${style.names} are ${SHAPE_WORDS[want]})`,
    range: ctx.call.message!.range,
    fixes: edit ? [{ title: `Rename to \`${fixed}\``, edits: [edit], isPreferred: true, unsafe: true }] : [],
  });
}

const KEY_STYLE: Record<'snake_case' | 'camelCase', RegExp> = {
  snake_case: /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$/,
  camelCase: /^[a-z][a-zA-Z0-9]*(?:\.[a-z][a-zA-Z0-9]*)*$/,
};

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** Rename an attribute key, and the matching `{placeholder}`s of the call's own template. */
function keyRenameFix(ctx: CallContext, attr: TelemetryAttribute, newKey: string): Fix | undefined {
  const { call, source } = ctx;
  if (!source || call.attributes.some((a) => a.key === newKey)) return undefined;
  const keyText = textIn(source, attr.keyRange);
  const edits: TextEdit[] = [];
  if (sameRange(attr.keyRange, attr.value.range)) {
    edits.push({ range: attr.keyRange, newText: `${newKey}: ${keyText}` }); // JS shorthand `{ userId }`
  } else {
    const at = keyText.indexOf(attr.key);
    if (at < 0 || keyText.indexOf(attr.key, at + 1) >= 0) return undefined;
    const start = offsetAt(source, attr.keyRange.start) + at;
    edits.push({ range: rangeAt(source, start, start + attr.key.length), newText: newKey });
  }
  const msg = call.message;
  if (msg?.kind === 'string' && typeof msg.value === 'string' && msg.contentRange) {
    const fields = parseTemplate(msg.value).fields.filter((f) => f.root === attr.key);
    if (fields.length > 0) {
      // Offsets in the decoded value match the source only when the literal has no escapes.
      if (textIn(source, msg.contentRange) !== msg.value) return undefined;
      const base = offsetAt(source, msg.contentRange.start);
      for (const f of fields) edits.push({ range: rangeAt(source, base + f.nameStart, base + f.nameStart + f.root.length), newText: newKey });
    }
  }
  return { title: `Rename \`${attr.key}\` to \`${newKey}\``, edits, isPreferred: true, unsafe: true };
}

export const rule: Rule = {
  meta: {
    code: 'TL009',
    name: 'event-naming',
    severity: 'warning',
    fixable: 'sometimes',
    summary: 'Event name or attribute key breaks the naming convention (`category.action`, tense, error suffix, snake_case keys)',
  },
  checkCall(ctx, report) {
    checkEventName(ctx, report);
    const style = ctx.schema.conventions.attributeNameStyle;
    if (style === 'any') return;
    let declared: Set<string> | undefined;
    for (const attr of ctx.call.attributes) {
      if (KEY_STYLE[style].test(attr.key)) continue;
      declared ??= new Set((ctx.match.event?.attributes ?? []).map((a) => a.name));
      if (declared.has(attr.key)) continue;
      const fixed = attr.key
        .split('.')
        .map((s) => (style === 'snake_case' ? toSnakeCase(s) : toCamelCase(s)))
        .join('.');
      const fix = fixed && fixed !== attr.key && KEY_STYLE[style].test(fixed) ? keyRenameFix(ctx, attr, fixed) : undefined;
      report({
        message: `Attribute key \`${attr.key}\` is not ${style}`,
        range: attr.keyRange,
        fixes: fix ? [fix] : [],
      });
    }
  },
};

export default rule;
