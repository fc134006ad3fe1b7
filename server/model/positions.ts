// Positions, ranges and text edits: the coordinates every layer (extraction, lint, rules, schema,
// language server, CLI) speaks, and the one conversion between positions and offsets. No imports.

/** 0-based line, 0-based column in UTF-16 code units (the LSP convention). CLI output adds 1. */
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface TextEdit {
  range: Range;
  newText: string;
}

const lineStartsByText = new Map<string, number[]>();

/** Offsets at which each line starts (`\n` separated; `\r\n` keeps `\r` at the end of the line). Cached for the last text. */
export function lineStarts(text: string): number[] {
  const cached = lineStartsByText.get(text);
  if (cached) return cached;
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  // One entry is enough: callers look at one text at a time.
  lineStartsByText.clear();
  lineStartsByText.set(text, starts);
  return starts;
}

/**
 * Offset of a position (0-based line, UTF-16 column) in `text`. As in LSP, a column past the end of its
 * line means the line's end (before `\r\n`), a line past the end of the text means the text's end.
 */
export function offsetAt(text: string, p: Position, starts: readonly number[] = lineStarts(text)): number {
  if (p.line >= starts.length) return text.length;
  const start = starts[p.line];
  let end = p.line + 1 < starts.length ? starts[p.line + 1] : text.length;
  if (end > start && text.charCodeAt(end - 1) === 10) end--;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return Math.min(start + p.character, end);
}

/** Position (0-based line, UTF-16 column) of an offset in `text`. */
export function positionAt(text: string, offset: number, starts: readonly number[] = lineStarts(text)): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

/** Offset → position for one text whose positions are asked many times (a schema file): its own line starts, clamped to the text. */
export function lineTable(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => positionAt(text, Math.max(0, Math.min(offset, text.length)), starts);
}
