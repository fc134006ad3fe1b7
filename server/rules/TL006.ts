// TL006 wrong-level: a call logs a declared event at another level than the schema declares.
//
// Levels drive alerting and filtering (`level >= 13` for warnings in Logfire's `records`); seed 000
// logs `Rate limit` and `Capacity warning` at WARN — logged at INFO they vanish from every warning
// view. Only calls with a statically known level are checked (the method name, or the level argument
// of `logfire.log('warn', …)` / `logger.log(logging.WARNING, …)`); spans are not checked.
//
// Fix: change the method (or the level string) to the declared level, spelled as the library
// spells it: Python Logfire `warn`, Logfire JS `warning`, structlog/loguru/stdlib `warning` and
// `critical`. Levels a library has no method for (e.g. `notice` in structlog) get no fix.
import type { Library, Range, Rule, SourceLanguage, TelemetryCall } from '../lint/types';
import type { LevelName } from '../schema/model';
import { clip } from '../schema/values';
import { textIn } from './helpers';

type Spelling = Partial<Record<LevelName, string>>;

const LOGFIRE_PY: Spelling = { trace: 'trace', debug: 'debug', info: 'info', notice: 'notice', warn: 'warn', error: 'error', fatal: 'fatal' };
const LOGFIRE_JS: Spelling = { trace: 'trace', debug: 'debug', info: 'info', notice: 'notice', warn: 'warning', error: 'error', fatal: 'fatal' };
const STDLIB: Spelling = { debug: 'debug', info: 'info', warn: 'warning', error: 'error', fatal: 'critical' };
const LOGURU: Spelling = { trace: 'trace', debug: 'debug', info: 'info', warn: 'warning', error: 'error', fatal: 'critical' };

/** How a library spells a level as a method name, or undefined when it has no such method. */
export function methodFor(library: Library, language: SourceLanguage, level: LevelName): string | undefined {
  switch (library) {
    case 'logfire':
      return (language === 'python' ? LOGFIRE_PY : LOGFIRE_JS)[level];
    case 'structlog':
    case 'stdlib':
      return STDLIB[level];
    case 'loguru':
      return LOGURU[level];
    default:
      return undefined;
  }
}

/** The replacement text for the level range: a method name, or the content of a level string argument. */
function replacementFor(ctx: { source: string }, call: TelemetryCall, range: Range, level: LevelName): string | undefined {
  const current = textIn(ctx.source, range);
  const asMethod = current === call.method;
  if (asMethod) {
    // `logfire.exception` and `logger.exception` also attach the traceback: leave them alone
    // unless the target is another error-ish level (reported, not rewritten).
    if (call.method === 'exception') return undefined;
    return methodFor(call.library, call.language, level);
  }
  // A level given as a string argument: Logfire's level names (`warn`), stdlib/loguru upper case.
  if (!/^[A-Za-z]+$/.test(current)) return undefined;
  const upper = current === current.toUpperCase();
  const name = call.library === 'logfire' ? (call.language === 'python' ? level : LOGFIRE_JS[level] ?? level) : methodFor(call.library, call.language, level);
  if (!name) return undefined;
  return upper ? name.toUpperCase() : name;
}

export const rule: Rule = {
  meta: {
    code: 'TL006',
    name: 'wrong-level',
    severity: 'warning',
    fixable: 'sometimes',
    summary: 'Event logged at another level than the schema declares',
  },
  checkCall(ctx, report) {
    const { call, match } = ctx;
    const event = match.event;
    if (!event?.level || call.kind !== 'log' || !call.level || event.kind === 'span') return;
    if (call.level === event.level) return;
    const label = clip(event.name ?? event.template ?? event.id, 60);
    const range = call.levelRange ?? call.calleeRange;
    const newText = call.levelRange && call.library !== 'wrapper' ? replacementFor(ctx, call, call.levelRange, event.level) : undefined;
    const declared = event.level.toUpperCase();
    report({
      message: `Event \`${label}\` is logged at ${call.level.toUpperCase()}, the schema declares ${declared}`,
      range,
      fixes: newText ? [{ title: `Change level to \`${newText}\``, edits: [{ range: call.levelRange!, newText }], isPreferred: true }] : [],
    });
  },
};

export default rule;
