// TL014 invalid-keyword: underscore keywords Logfire's Python API does not accept.
//
// Logfire treats keyword arguments as attributes, and attribute keys may not start with `_`: the
// log methods (`info`, `error`, …) accept only the options `_tags` and `_exc_info`, `span` also
// `_span_name`, `_level`, `_links` and `_span_kind`. Anything else starting with `_` raises
// `ValueError('Attribute keys cannot start with an underscore.')` when the line runs.
import { distance } from 'fastest-levenshtein';
import type { Fix, Rule } from '../lint/types';
import type { TelemetryCall } from '../model/calls';
import { argumentEnd, listItemDeletion, offsetAt, rangeAt } from './helpers';

const LOG_OPTIONS = ['_tags', '_exc_info'];
const SPAN_OPTIONS = ['_tags', '_span_name', '_level', '_links', '_span_kind'];
/** Every option some Logfire method accepts (for messages that point at the right method). */
const SPAN_ONLY = new Set(SPAN_OPTIONS.filter((o) => !LOG_OPTIONS.includes(o)));

function allowedFor(call: TelemetryCall): string[] | undefined {
  if (call.language !== 'python' || call.library !== 'logfire') return undefined;
  // `logfire.log(level, msg, attributes, tags, exc_info, console_log)` takes no `_` keywords at all.
  if (call.method === 'log') return [];
  if (call.kind === 'span') return SPAN_OPTIONS;
  if (call.kind === 'log') return LOG_OPTIONS;
  return undefined;
}

function describe(call: TelemetryCall): string {
  if (call.method === 'log') return '`logfire.log()` takes no underscore keywords (use `tags=`, `exc_info=`)';
  if (call.kind === 'span') return `\`${call.method}()\` accepts only ${SPAN_OPTIONS.map((o) => `\`${o}\``).join(', ')}`;
  return `log methods accept only \`_tags\` and \`_exc_info\``;
}

export const rule: Rule = {
  meta: {
    code: 'TL014',
    name: 'invalid-keyword',
    severity: 'error',
    fixable: 'always',
    summary: 'Underscore keyword that Logfire rejects at runtime (log methods accept only `_tags` and `_exc_info`)',
  },
  checkCall(ctx, report) {
    const { call, source } = ctx;
    const allowed = allowedFor(call);
    if (!allowed || !source) return;
    const present = new Set(call.reservedKeywords.map((k) => k.name));
    for (const kw of call.reservedKeywords) {
      if (allowed.includes(kw.name)) continue;
      const start = offsetAt(source, kw.range.start);
      const end = argumentEnd(source, start);
      // The keyword's range may cover `name=value`; findings and renames use the name alone.
      const nameRange = rangeAt(source, start, start + kw.name.length);
      const fixes: Fix[] = [];
      // A near miss of an accepted option (`_tag`, `_exc`) is most likely a typo.
      const near = allowed
        // An abbreviation (`_exc` for `_exc_info`) counts as distance 1.
        .map((o) => ({ o, d: kw.name.length >= 4 && o.startsWith(kw.name) ? 1 : distance(o, kw.name) }))
        .filter((x) => x.d <= 2 && x.d < kw.name.length - 1 && !present.has(x.o))
        .sort((a, b) => a.d - b.d)[0];
      if (near) {
        fixes.push({ title: `Rename \`${kw.name}\` to \`${near.o}\``, edits: [{ range: nameRange, newText: near.o }], isPreferred: true });
      }
      fixes.push({
        title: `Remove \`${kw.name}\``,
        edits: [{ range: listItemDeletion(source, start, end), newText: '' }],
        isPreferred: !near,
      });
      let why: string;
      if (call.kind === 'log' && SPAN_ONLY.has(kw.name)) {
        why = `\`${kw.name}\` is only accepted by \`logfire.span()\`; ${describe(call)}`;
      } else {
        why = describe(call);
      }
      report({
        message: `Invalid keyword \`${kw.name}\`: ${why}; ${call.method === 'log' ? 'Python raises TypeError (unexpected keyword argument)' : "Logfire raises ValueError ('Attribute keys cannot start with an underscore.')"}`,
        range: nameRange,
        fixes,
      });
    }
  },
};

export default rule;
