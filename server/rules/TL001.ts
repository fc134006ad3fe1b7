// TL001 unknown-event: a telemetry call whose message or event name is not declared in the schema.
//
// By default the schema is open: code may log events the schema does not know, and only near misses
// of declared events are reported — `Failover: {a} → {b}` is probably `Failover triggered: …`, and
// a dashboard filtering on `message LIKE 'Failover triggered%'` will never see it. With
// `strict: true` every undeclared event is reported. A near miss shares the first word, or is very
// close, or says the same in other words (the declared template's placeholders and most of its word
// stems). Calls of a deprecated event are reported too
// (tagged deprecated), with the replacement when the schema names one.
import type { CallContext, Fix, FindingInput, Rule } from '../lint/types';
import type { ArgValue } from '../model/calls';
import type { EventSpec } from '../schema/model';
import { parseTemplate } from '../schema/template';
import { clip, escapeForLiteral } from '../schema/values';

/** The text a call should use for an event: its template for message-like calls, its name for name-like ones. */
function eventText(event: EventSpec, like: string): string {
  const messageLike = /[\s{}:]/.test(like);
  if (messageLike) return event.template ?? event.name ?? event.id;
  return event.name ?? event.template ?? event.id;
}

function firstWord(text: string): string {
  return /[A-Za-z0-9]+/.exec(text)?.[0]?.toLowerCase() ?? '';
}

const STOP = new Set(['the', 'and', 'for', 'with', 'from', 'into', 'now', 'was', 'has', 'are', 'not']);

/** A word's crude stem: `limited`/`limits`/`limiting` → `limit`. */
function stem(w: string): string {
  const s = w.replace(/(?:ing|ed|es|s)$/, '');
  return s.length >= 3 ? s : w;
}

const meanings = new Map<string, { fields: Set<string>; stems: Set<string> }>();

/** The placeholders and the stems of the other words of a message (memoised: messages recur). */
function meaningOf(text: string): { fields: Set<string>; stems: Set<string> } {
  let m = meanings.get(text);
  if (!m) {
    if (meanings.size >= 5000) meanings.clear();
    meanings.set(text, (m = computeMeaning(text)));
  }
  return m;
}

function computeMeaning(text: string): { fields: Set<string>; stems: Set<string> } {
  let fields: Set<string>;
  let rest = text;
  try {
    const t = parseTemplate(text);
    fields = new Set(t.fields.map((f) => f.root));
    for (const f of [...t.fields].reverse()) rest = rest.slice(0, f.start) + ' ' + rest.slice(f.end);
  } catch {
    fields = new Set();
  }
  const stems = new Set<string>();
  for (const w of rest.toLowerCase().split(/[^a-z0-9]+/)) if (w.length >= 3 && !STOP.has(w)) stems.add(stem(w));
  return { fields, stems };
}

/**
 * Same meaning in other words: `Model rate limited: {model} ({workload} workload) - cooldown {cooldown}s`
 * for `Rate limit: {model} ({workload}) - cooldown {cooldown}s`. Every placeholder of the declared
 * template (at least two) is in the message, and most of its words by stem; without placeholders,
 * nearly all of its words. One shared placeholder is not enough (`{model}` is in many messages).
 */
export function sameMeaning(written: string, declared: string): boolean {
  const a = meaningOf(written);
  const b = meaningOf(declared);
  let sharedStems = 0;
  for (const s of b.stems) if (a.stems.has(s)) sharedStems++;
  if (b.stems.size < 2 || sharedStems < 2) return false;
  if (b.fields.size > 0) {
    if (b.fields.size < 2) return false;
    for (const f of b.fields) if (!a.fields.has(f)) return false;
    return sharedStems / b.stems.size >= 0.6;
  }
  return sharedStems / b.stems.size >= 0.8;
}

function replaceMessageFix(msg: ArgValue, text: string, preferred: boolean): Fix | undefined {
  if (msg.kind !== 'string' || !msg.contentRange) return undefined;
  const fix: Fix = { title: `Replace with \`${clip(text, 60)}\``, edits: [{ range: msg.contentRange, newText: escapeForLiteral(text, msg.text) }], unsafe: true };
  if (preferred) fix.isPreferred = true;
  return fix;
}

function reportDeprecated(ctx: CallContext, event: EventSpec, report: (f: FindingInput) => void): void {
  const msg = ctx.call.message;
  const dep = event.deprecated!;
  const replacement = dep.replacement
    ? ctx.schema.events.find((e) => e.id === dep.replacement || e.name === dep.replacement || e.template === dep.replacement)
    : undefined;
  const label = clip(event.name ?? event.template ?? event.id);
  const reason = dep.reason ? ` (${dep.reason})` : '';
  const use = dep.replacement ? `; use \`${clip(dep.replacement)}\` instead` : '';
  const fixes: Fix[] = [];
  if (replacement && msg && typeof msg.value === 'string') {
    const f = replaceMessageFix(msg, eventText(replacement, msg.value), true);
    if (f) fixes.push(f);
  }
  report({
    message: `Event \`${label}\` is deprecated${reason}${use}`,
    range: msg?.range ?? ctx.call.calleeRange,
    fixes,
    tags: ['deprecated'],
  });
}

export const rule: Rule = {
  meta: {
    code: 'TL001',
    name: 'unknown-event',
    severity: 'warning',
    fixable: 'sometimes',
    summary: 'Event not declared in the schema: a near miss of a declared event (or any undeclared event with `strict: true`)',
  },
  checkCall(ctx, report) {
    const { call, match, schema } = ctx;
    if (call.kind === 'set-attribute') return;
    if (match.event) {
      if (match.event.deprecated) reportDeprecated(ctx, match.event, report);
      return;
    }
    const msg = call.message;
    if (!msg) return;
    // The message as written: a literal, or the template Logfire rebuilds from an f-string.
    const written =
      typeof msg.value === 'string'
        ? msg.value
        : msg.kind === 'fstring'
          ? msg.text.replace(/^[a-zA-Z]*("""|'''|"|'|`)/, '').replace(/("""|'''|"|'|`)$/, '')
          : undefined;
    if (written === undefined) return;
    // Near misses must share the first word (`Failover …`, `agent.…`) unless they are very close:
    // `payment.captured` is not a misspelt `agent.created`.
    // Or they say the same in other words: the same placeholders and most of the same word stems.
    const plausible = match.candidates.filter((c) => {
      const text = eventText(c.event, written);
      return c.score >= 0.8 || firstWord(text) === firstWord(written) || sameMeaning(written, text);
    });
    const live = plausible.filter((c) => !c.event.deprecated);
    const candidates = live.length > 0 ? live : plausible;
    if (candidates.length > 0) {
      const best = candidates[0]!.event;
      const suggestion = eventText(best, written);
      const fixes: Fix[] = [];
      candidates.slice(0, 3).forEach((c, i) => {
        const f = replaceMessageFix(msg, eventText(c.event, written), i === 0);
        if (f) fixes.push(f);
      });
      const others = candidates.length > 1 ? ` (or ${candidates.slice(1, 3).map((c) => `\`${clip(eventText(c.event, written), 40)}\``).join(', ')})` : '';
      report({
        message: `Unknown event \`${clip(written)}\`; did you mean \`${clip(suggestion)}\`${others}?`,
        range: msg.range,
        fixes,
      });
      return;
    }
    if (schema.strict && msg.kind === 'string') {
      report({
        message: `Event \`${clip(written)}\` is not declared in the schema (strict mode: declare it under \`events:\` or use a declared event)`,
        range: msg.range,
        fixes: [],
      });
    }
  },
};

export default rule;
