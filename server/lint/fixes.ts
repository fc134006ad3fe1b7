// Choosing and applying fixes: shared by the editor's "Fix all" code actions and `telemetry-lens lint --fix`.
import type { Finding, Fix } from './types';
import { lineStarts, offsetAt, type Position, type TextEdit } from '../model/positions';

function cmp(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/**
 * The fix applied in bulk for a finding: its preferred fix, or its only one. Never one that inserts
 * placeholders; an unsafe one (see Fix.unsafe) only when `unsafe` is asked for.
 */
export function preferredFix(f: Finding, opts: { unsafe?: boolean } = {}): Fix | undefined {
  const fix = f.fixes.find((x) => x.isPreferred) ?? (f.fixes.length === 1 ? f.fixes[0] : undefined);
  if (!fix || fix.placeholder || (fix.unsafe && !opts.unsafe)) return undefined;
  return fix;
}

/** Edits of several fixes that do not overlap each other (first come, first kept), sorted. */
export function mergeFixes(fixes: readonly Fix[]): TextEdit[] {
  return mergeFixesCounted(fixes).edits;
}

/** As mergeFixes, also counting the fixes whose edits were all kept. */
export function mergeFixesCounted(fixes: readonly Fix[]): { edits: TextEdit[]; applied: number } {
  const taken: TextEdit[] = [];
  let applied = 0;
  for (const fix of fixes) {
    const overlaps = fix.edits.some(
      (e) =>
        taken.some((t) => cmp(e.range.start, t.range.end) < 0 && cmp(t.range.start, e.range.end) < 0) ||
        // two insertions at the same point: their order would be arbitrary
        taken.some((t) => cmp(e.range.start, e.range.end) === 0 && cmp(t.range.start, t.range.end) === 0 && cmp(e.range.start, t.range.start) === 0),
    );
    if (!overlaps) {
      taken.push(...fix.edits);
      applied++;
    }
  }
  return { edits: taken.sort((a, b) => cmp(a.range.start, b.range.start)), applied };
}

/** `text` with non-overlapping edits applied (as an editor applies one workspace edit). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStarts(text);
  const spans = edits
    .map((e: TextEdit) => ({ from: offsetAt(text, e.range.start, starts), to: offsetAt(text, e.range.end, starts), text: e.newText }))
    .sort((a, b) => a.from - b.from || a.to - b.to);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.from < at) throw new Error('overlapping edits');
    out += text.slice(at, s.from) + s.text;
    at = s.to;
  }
  return out + text.slice(at);
}
