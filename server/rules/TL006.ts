// TL006 wrong-level: a call logs a declared event at another level than the schema declares.
//
// Levels drive alerting and filtering (`level >= 13` for warnings in Logfire's `records`); the bundled
// schema logs `Rate limit` and `Capacity warning` at WARN — logged at INFO they vanish from every warning
// view. Only calls with a statically known level are checked (the method name, or the level argument
// of `logfire.log('warn', …)` / `logger.log(logging.WARNING, …)`); spans are not checked.
//
// Fix: change the method (or the level string) to the declared level, spelled as the library
// spells it: Python Logfire `warn`, Logfire JS `warning`, structlog/loguru/stdlib `warning` and
// `critical`. Levels a library has no method for (e.g. `notice` in structlog) get no fix.
import type { Rule } from '../lint/types';
import type { Range, TextEdit } from '../model/positions';
import type { Library, SourceLanguage, TelemetryCall } from '../model/calls';
import type { LevelName } from '../../protocol/levels';
import { clip } from '../schema/values';
import { offsetAt, positionAt, textIn } from './helpers';

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

/**
 * For a function imported by name (`from logfire import info`, `import { info } from 'logfire'`), the
 * edit that imports `name` too; null when it is imported already, undefined when the import is not found.
 */
function importEdit(source: string, call: TelemetryCall, name: string): TextEdit | null | undefined {
  const re =
    call.language === 'python'
      ? /^from[ \t]+(logfire|structlog|loguru|logging)[ \t]+import[ \t]+(\(([^)]*)\)|([^\n#]*))/gm
      : /\bimport[ \t]*(?:type[ \t]+)?\{([^}]*)\}[ \t]*from[ \t]*['"](logfire|@pydantic\/logfire-[a-z]+)['"]/g;
  for (const m of source.matchAll(re)) {
    const list = call.language === 'python' ? m[3] ?? m[4] ?? '' : m[1] ?? '';
    const names = list.split(',').map((x) => x.trim().split(/\s+as\s+/)[0]!.trim());
    if (!names.includes(call.method)) continue;
    if (names.includes(name)) return null;
    // Insert after the last imported name (before a trailing comma, whitespace or the closing bracket).
    const listStart = m.index! + m[0].indexOf(list);
    let end = listStart + list.length;
    while (end > listStart && /[\s,]/.test(source[end - 1]!)) end--;
    const at = positionAt(source, end);
    return { range: { start: at, end: at }, newText: `, ${name}` };
  }
  return undefined;
}

/** The edits that change the level: rename the method (and import it), or rewrite the level string argument. */
function levelEdits(source: string, call: TelemetryCall, range: Range, level: LevelName): TextEdit[] | undefined {
  const current = textIn(source, range);
  const start = offsetAt(source, range.start);
  const before = source[start - 1];
  if (before === "'" || before === '"' || before === '`') {
    // A level given as a string argument: Logfire's level names (`warn`), stdlib/loguru names; case kept.
    if (!/^[A-Za-z]+$/.test(current)) return undefined;
    const name = call.library === 'logfire' ? (call.language === 'python' ? level : LOGFIRE_JS[level]) : methodFor(call.library, call.language, level);
    if (!name) return undefined;
    return [{ range, newText: current === current.toUpperCase() ? name.toUpperCase() : name }];
  }
  // The method itself. An aliased import (`info as log_info`) or `exception` (it attaches the
  // traceback) is left alone.
  if (current !== call.method || call.method === 'exception') return undefined;
  const method = methodFor(call.library, call.language, level);
  if (!method) return undefined;
  const edits: TextEdit[] = [{ range, newText: method }];
  if (source.slice(Math.max(0, start - 200), start).trimEnd().slice(-1) !== '.') {
    // Called bare: the new name must be imported as well.
    const imp = importEdit(source, call, method);
    if (imp === undefined) return undefined;
    if (imp) edits.push(imp);
  }
  return edits;
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
    const edits = call.levelRange && call.library !== 'wrapper' ? levelEdits(ctx.source, call, call.levelRange, event.level) : undefined;
    const declared = event.level.toUpperCase();
    report({
      message: `Event \`${label}\` is logged at ${call.level.toUpperCase()}, the schema declares ${declared}`,
      range,
      fixes: edits ? [{ title: `Change level to \`${edits[0]!.newText}\``, edits, isPreferred: true }] : [],
    });
  },
};

export default rule;
