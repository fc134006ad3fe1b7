// The project's own naming style, inferred from its code. When the project's schema declares no
// event naming convention, TL009 reports only names that break the style most of the project's
// event names share (the harm is inconsistency: a query or dashboard built on one style misses the
// others). The scan is a single regular expression pass over each file's text, run once per lint
// run (CLI, workspace lint) or workspace index (language server); its result is deterministic for a
// given set of files.
import type { NameShape, ProjectStyle } from './types';

const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;

/** Does this literal read as an event name rather than a message (no spaces, and a separator or an inner capital)? */
export function looksLikeEventName(s: string): boolean {
  return EVENT_NAME.test(s) && /[._-]|[a-z][A-Z]/.test(s);
}

/** How a name is written. */
export function nameShape(name: string): NameShape {
  const segments = name.split('.');
  if (segments.length >= 2) return segments.every((x) => SNAKE.test(x)) ? 'dotted.snake_case' : 'other';
  if (SNAKE.test(name)) return 'snake_case';
  if (/^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/.test(name)) return 'kebab-case';
  if (/^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/.test(name)) return 'camelCase';
  if (/^(?:[A-Z][a-z0-9]+){2,}$/.test(name)) return 'PascalCase';
  return 'other';
}

/**
 * First string arguments of log / span / event calls, as written (`.info("tab_closed"`,
 * `.span('agent.run'`, `.startActiveSpan("fetchUser"`): the names TL009 would check.
 */
const CALL_NAME =
  /\.\s*(?:info|debug|warning|warn|error|exception|critical|fatal|notice|trace|msg|span|start_span|start_as_current_span|startSpan|startActiveSpan|add_event|addEvent|ainfo|adebug|awarning|aerror|aexception|acritical)\s*\(\s*(["'`])([A-Za-z][\w.-]{0,100})\1/g;

/** Count the event names of one file into `counts` (name shape → occurrences). */
export function countEventNames(source: string, counts: Map<NameShape, number>): void {
  for (const m of source.matchAll(CALL_NAME)) {
    const name = m[2];
    if (!looksLikeEventName(name)) continue;
    const shape = nameShape(name);
    counts.set(shape, (counts.get(shape) ?? 0) + 1);
  }
}

/** Below this many event names, or this share for the most common shape, no style is inferred. */
export const MIN_NAMES = 8;
export const MIN_SHARE = 0.75;

/** The dominant shape, when one clearly dominates (ties and small samples infer nothing). */
export function inferProjectStyle(counts: ReadonlyMap<NameShape, number>): ProjectStyle {
  let names = 0;
  for (const n of counts.values()) names += n;
  // Shapes sorted by count, then by name, so equal counts resolve the same way on every run.
  const ranked = [...counts].filter(([s]) => s !== 'other').sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const top = ranked[0];
  if (!top || names < MIN_NAMES || top[1] / names < MIN_SHARE) return { names, matching: top?.[1] ?? 0 };
  return { eventNameShape: top[0], names, matching: top[1] };
}

/** Does the schema itself (not the bundled default) declare the event naming convention? */
export function declaresEventNameStyle(schema: { declaredConventions?: readonly string[] }): boolean {
  return schema.declaredConventions?.includes('eventNameStyle') ?? false;
}
