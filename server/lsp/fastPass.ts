// Fast pass for large documents: after a single edit, lint only the top-level block around it and
// reuse the previous results elsewhere (their positions shifted by the edit's line delta). The window
// is linted by the engine itself (`lintSource`) on a copy of the document in which every line outside
// the window is blank, except the lines that give calls their meaning (imports, module-level
// statements, logger/tracer bindings), so line and column numbers stay those of the real document.
// The language server follows every fast pass with an exact full lint once typing pauses.
import { lintSource, type LintSettings } from '../lint/engine';
import type { Finding, Position, Range, SourceLanguage, TelemetryCall } from '../lint/types';
import type { Schema } from '../schema/model';
import type { ContentChange } from '../lint/document';

/** Documents shorter than this are always linted whole. */
export const FAST_PASS_MIN_LINES = 1500;
/** Lines of context around the edit when no enclosing top-level block bounds the window. */
const MARGIN = 12;
/** A top-level block longer than this is not used as the window (the margin window is). */
const MAX_BLOCK = 400;

export interface Item {
  range: Range;
}

/**
 * Lines kept outside the window: module-level statements, imports, and assignments / `with … as` that
 * bind a logger, tracer or span (what the extractor needs to recognise calls inside the window).
 */
const CONTEXT_LINE =
  /^\S|^\s*(import|from)\s|\brequire\(|^\s*(?:(?:const|let|var)\s+)?[\w.$]+\s*(?::[^=\n]*)?=(?!=)[^\n]*\b(get_logger|getLogger|getTracer|get_tracer|structlog|loguru|logger|Logfire|logfire|tracer|bind|opt|with_tags|withTags)\b|^\s*(async\s+)?with\b[^\n]*\bas\b/;

function inRange(line: number, lo: number, hi: number): boolean {
  return line >= lo && line <= hi;
}

/** Deep copy with every position at or after `fromLine` moved by `delta` lines. */
export function shift<T>(value: T, fromLine: number, delta: number): T {
  if (delta === 0) return value;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.line === 'number' && typeof o.character === 'number' && Object.keys(o).length === 2) {
        return o.line >= fromLine ? { line: o.line + delta, character: o.character } : o;
      }
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(o)) out[k] = walk(o[k]);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

function isBlockStart(line: string): boolean {
  return /^[^\s#/*})\]]/.test(line);
}

/** The window (new-text lines) to re-lint for one ranged change, or undefined when the fast pass does not apply. */
export function windowFor(
  lines: string[],
  change: ContentChange & { range: Range },
  previous: readonly Item[],
): { lo: number; hi: number; oldLo: number; oldHi: number; delta: number } | undefined {
  const oldStart = change.range.start.line;
  const oldEnd = change.range.end.line;
  const added = change.text.split('\n').length - 1;
  const delta = added - (oldEnd - oldStart);
  // new-text lines touched by the edit
  let lo = oldStart;
  let hi = oldStart + added;
  // whole top-level block(s) around them
  let bLo = lo;
  while (bLo > 0 && !isBlockStart(lines[bLo] ?? '')) bLo--;
  let bHi = hi;
  while (bHi + 1 < lines.length && !isBlockStart(lines[bHi + 1] ?? '')) bHi++;
  if (bHi + 1 < lines.length && /^[})\]]/.test(lines[bHi + 1] ?? '')) bHi++;
  if (bHi - bLo <= MAX_BLOCK) {
    lo = bLo;
    hi = bHi;
  } else {
    lo = Math.max(0, lo - MARGIN);
    hi = Math.min(lines.length - 1, hi + MARGIN);
  }
  // old-text coordinates of the window; grow it to cover every previous item it cuts through
  const toOld = (l: number) => (l > oldStart + added ? l - delta : Math.min(l, oldEnd));
  let oldLo = toOld(lo);
  let oldHi = toOld(hi);
  for (let pass = 0; pass < 2; pass++) {
    for (const it of previous) {
      const s = it.range.start.line;
      const e = it.range.end.line;
      if (e < oldLo || s > oldHi) continue;
      if (s < oldLo) oldLo = s;
      if (e > oldHi) oldHi = e;
    }
  }
  lo = Math.min(lo, oldLo <= oldStart ? oldLo : oldLo + delta);
  hi = Math.max(hi, oldHi >= oldEnd ? oldHi + delta : oldHi);
  return { lo: Math.max(0, lo), hi: Math.min(lines.length - 1, hi), oldLo, oldHi, delta };
}

/**
 * Lint the window of the new text and merge with the previous calls/findings. Returns undefined when
 * the fast pass cannot be used (the caller lints the whole document).
 */
export async function fastLint(opts: {
  text: string;
  filePath: string;
  language: SourceLanguage;
  schema: Schema;
  settings: LintSettings;
  change: ContentChange & { range: Range };
  calls: readonly TelemetryCall[];
  findings: readonly Finding[];
}): Promise<{ calls: TelemetryCall[]; findings: Finding[]; window: [number, number] } | undefined> {
  const lines = opts.text.split('\n');
  if (lines.length < FAST_PASS_MIN_LINES) return undefined;
  const w = windowFor(lines, opts.change, [...opts.calls, ...opts.findings]);
  if (!w) return undefined;
  // lines after the window are not needed (bindings come before their use); blank lines keep numbering
  const source = lines
    .slice(0, w.hi + 1)
    .map((l, i) => (i >= w.lo || CONTEXT_LINE.test(l) ? l : ''))
    .join('\n');
  const r = await lintSource({ source, filePath: opts.filePath, language: opts.language, schema: opts.schema, settings: opts.settings });
  const inWindow = (it: Item) => inRange(it.range.start.line, w.lo, w.hi);
  const keepOld = <T extends Item>(it: T) => it.range.end.line < w.oldLo || it.range.start.line > w.oldHi;
  const afterOld = w.oldHi + 1;
  // items wholly before the edit keep their positions (every position of a call lies inside its range)
  const moveCall = (c: TelemetryCall) => (c.range.end.line < afterOld ? c : shift(c, afterOld, w.delta));
  const moveFinding = (f: Finding) =>
    f.range.end.line < afterOld && f.fixes.every((x) => x.edits.every((e) => e.range.end.line < afterOld)) ? f : shift(f, afterOld, w.delta);
  const calls = [
    ...opts.calls.filter(keepOld).map(moveCall),
    ...r.calls.filter(inWindow),
  ].sort(byStart);
  const findings = [
    ...opts.findings.filter(keepOld).map(moveFinding),
    ...r.findings.filter(inWindow),
  ].sort(byStart);
  return { calls, findings, window: [w.lo, w.hi] };
}

function cmp(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

function byStart(a: Item, b: Item): number {
  return cmp(a.range.start, b.range.start);
}
