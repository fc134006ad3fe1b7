// Helpers shared by the Python and TypeScript extractors: ranges, levels, insertion points.
import type { SyntaxNode as Node } from './nodes';
import { LEVEL_ALIASES, LEVEL_NAMES, levelName, type LevelName } from '../../protocol/levels';
import type { WrapperSpec } from '../schema/model';
import type { Position, Range } from '../model/positions';
import type { SourceLanguage, TelemetryCall } from '../model/calls';

export interface ExtractOptions {
  /** Project wrapper functions treated as telemetry calls (schema conventions + settings). */
  wrappers?: readonly WrapperSpec[];
  /**
   * Python only: extract just the calls whose text match starts in [start, end) (UTF-16 indices).
   * Bindings are still read from the whole file first, so each call comes out exactly as in a
   * whole-file extraction (the language server re-extracts only the statements an edit touched).
   */
  callRange?: { start: number; end: number };
  /**
   * Python only: start from these bindings (from `onBindings` of an extraction of the same file)
   * instead of reading them from the tree. Valid only while the file's bindings are unchanged and
   * carry no span message (entries without `at`): then a tree of just `callRange` is enough.
   */
  seedBindings?: BindingsHandle;
  /**
   * Names the file imports from project modules that hold telemetry handles (a `logfire` re-exported by
   * a config module, a project `get_logger()`), as the workspace handle index resolved them.
   */
  imports?: ImportedHandles;
  /** Python only: receives the file-wide bindings the calls were classified with (see `BindingEntry`). */
  onBindings?: (entries: BindingEntry[], handle: BindingsHandle) => void;
}

/** Imported names → the receivers they hold (opaque to callers, plain data: it crosses to worker threads). */
export type ImportedHandles = Readonly<Record<string, unknown>>;

/** The extractor's bindings, opaque to callers (see `ExtractOptions.seedBindings`). */
export type BindingsHandle = ReadonlyMap<string, unknown>;

/**
 * One file-wide binding of a name to a telemetry receiver: `what` describes what it holds (kind,
 * bound context keys, span message text); `at` is the [start, end) index range of a span message it
 * carries, when any (calls through the name copy that message and its range).
 */
export interface BindingEntry {
  name: string;
  what: string;
  at?: [number, number];
}

export function pos(p: { row: number; column: number }): Position {
  return { line: p.row, character: p.column };
}

/**
 * Line starts of the source being extracted, to turn an end index into a position in JS instead of
 * asking the tree (`node.endPosition` marshals the node and allocates a point across the wasm
 * boundary; `node.endIndex` alone is cheaper, and `text` + range then need one crossing, not two).
 * Tree-sitter counts rows at `\n` and columns in UTF-16 code units for string input, as here.
 */
export class SourceLines {
  private starts: number[] | undefined;
  private last = 0;

  constructor(readonly source: string) {}

  private lineStarts(): number[] {
    if (!this.starts) {
      const starts = [0];
      const s = this.source;
      for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = starts;
    }
    return this.starts;
  }

  /** The position of a UTF-16 index. */
  pos(index: number): Position {
    const starts = this.lineStarts();
    let line = this.last;
    // Extraction reads nearby positions in a row: try the last line first, then search.
    if (!(starts[line] <= index && (line + 1 >= starts.length || starts[line + 1] > index))) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= index) lo = mid;
        else hi = mid - 1;
      }
      line = lo;
      this.last = line;
    }
    return { line, character: index - starts[line] };
  }
}

/** The lines of the source an extractor is working on (set for the duration of one extraction). */
let current: SourceLines | undefined;

/** Run an extraction with `source`'s line table active for `nodeRange` / `endPos` / `nodeText`. */
export function withSourceLines<T>(source: string, fn: () => T): T {
  const prev = current;
  current = new SourceLines(source);
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/** Where a node ends. */
export function endPos(n: Node): Position {
  return current ? current.pos(n.endIndex) : pos(n.endPosition);
}

export function nodeRange(n: Node): Range {
  return { start: pos(n.startPosition), end: endPos(n) };
}

export function spanRange(a: Node, b: Node): Range {
  return { start: pos(a.startPosition), end: endPos(b) };
}

/** A node's text and range with one crossing of the wasm boundary (its end index). */
export function textAndRange(n: Node): { text: string; range: Range } {
  if (!current) return { text: n.text, range: nodeRange(n) };
  const start = n.startIndex;
  const end = n.endIndex;
  return { text: current.source.slice(start, end), range: { start: pos(n.startPosition), end: current.pos(end) } };
}

/** Method / level-name spellings → the level names: the names, their aliases, structlog `msg` and loguru `success`. */
const METHOD_LEVELS: Record<string, LevelName> = { ...Object.fromEntries(LEVEL_NAMES.map((n) => [n, n])), ...LEVEL_ALIASES, msg: 'info', success: 'info' };

const METHOD_LEVEL_MAP = new Map(Object.entries(METHOD_LEVELS));

/** Normalise a level or method name ('warning' → 'warn', 'exception' → 'error', 'critical' → 'fatal'). */
export function normalizeLevel(name: string): LevelName | undefined {
  // Method names are usually spelt in lower case already: no lower-cased copy to look up.
  return METHOD_LEVEL_MAP.get(name) ?? METHOD_LEVELS[name.toLowerCase()];
}

/** Stdlib `logging` numeric levels (DEBUG 10 … CRITICAL 50). */
export function levelFromStdlibNumber(n: number): LevelName | undefined {
  if (n < 10) return n > 0 ? 'trace' : undefined;
  if (n < 20) return 'debug';
  if (n < 30) return 'info';
  if (n < 40) return 'warn';
  if (n < 50) return 'error';
  return 'fatal';
}

/** OTel severity numbers as Logfire uses them (1 trace … 21 fatal). */
export function levelFromOtelNumber(n: number): LevelName | undefined {
  return n < 1 || n > 24 ? undefined : levelName(n);
}

/** Leading whitespace of the line holding `index`. */
export function lineIndent(source: string, index: number): string {
  const start = source.lastIndexOf('\n', index - 1) + 1;
  let end = start;
  while (end < source.length && (source[end] === ' ' || source[end] === '\t')) end++;
  return source.slice(start, end);
}

/**
 * Where a new item goes in a bracketed list (call arguments, dict, object literal): after the last
 * item, keeping the list's layout (same line → ', '; one item per line → newline + the items' indent,
 * honouring a trailing comma).
 */
export function listInsertion(
  source: string,
  open: Node,
  items: Node[],
  style: 'keyword' | 'object',
  padEmpty = '',
): TelemetryCall['insertAttribute'] {
  if (items.length === 0) {
    return { position: endPos(open), prefix: padEmpty, suffix: padEmpty, style };
  }
  const last = items[items.length - 1];
  const multiLine = last.startPosition.row > open.startPosition.row;
  if (!multiLine) return { position: endPos(last), prefix: ', ', suffix: '', style };
  const indent = lineIndent(source, last.startIndex);
  // A trailing comma after the last item: insert after it and keep one.
  const next = last.nextSibling;
  if (next && next.type === ',') {
    return { position: endPos(next), prefix: `\n${indent}`, suffix: ',', style };
  }
  return { position: endPos(last), prefix: `,\n${indent}`, suffix: '', style };
}

/** Decode the common backslash escapes of a string literal body (Python and JS share these). */
export function decodeEscapes(body: string): string {
  if (!body.includes('\\')) return body;
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|N\{[^}]*\}|\r?\n|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '0':
        return '\0';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '\n':
      case '\r':
        return '';
      case 'x':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      case 'u':
        return String.fromCodePoint(parseInt(e[1] === '{' ? e.slice(2, -1) : e.slice(1), 16));
      case 'N':
        return `\\${e}`;
      default:
        return e;
    }
  });
}

/**
 * Needles whose absence proves a file holds no telemetry call (the pre-filter). One regex scan is
 * several times faster than one `includes` per needle.
 */
const PY_PREFILTER = /lo(?:gfire|guru|gging)|structlog|opentelemetry/;
const JS_PREFILTER = /logfire|opentelemetry/;
const wrapperRegexes = new Map<string, RegExp | null>();

function wrapperRegex(language: SourceLanguage, wrappers: readonly WrapperSpec[]): RegExp | null {
  const names = [...new Set(wrappers.filter((w) => !w.languages || w.languages.includes(language)).map((w) => w.name.slice(w.name.lastIndexOf('.') + 1)).filter(Boolean))].sort();
  const key = `${language}\0${names.join('\0')}`;
  let re = wrapperRegexes.get(key);
  if (re === undefined) {
    re = names.length ? new RegExp(names.map(escapeRegExp).join('|')) : null;
    if (wrapperRegexes.size > 64) wrapperRegexes.clear();
    wrapperRegexes.set(key, re);
  }
  return re;
}

/** Does the source possibly contain a telemetry call? Cheap text scan, no parsing. */
export function mayContainTelemetry(source: string, language: SourceLanguage, wrappers: readonly WrapperSpec[] = []): boolean {
  if ((language === 'python' ? PY_PREFILTER : JS_PREFILTER).test(source)) return true;
  if (wrappers.length === 0) return false;
  const re = wrapperRegex(language, wrappers);
  return re !== null && re.test(source);
}

/** Find the wrapper spec matching a callee text (`log_info`, `telemetry.log_info`). */
export function matchWrapper(calleeText: string, language: SourceLanguage, wrappers: readonly WrapperSpec[] | undefined): WrapperSpec | undefined {
  if (!wrappers || wrappers.length === 0) return undefined;
  for (const w of wrappers) {
    if (w.languages && !w.languages.includes(language)) continue;
    if (calleeText === w.name) return w;
    if (!w.name.includes('.') && calleeText.endsWith(`.${w.name}`)) return w;
  }
  return undefined;
}

const regexCache = new Map<string, RegExp>();

/**
 * A regular expression built from a pattern the extractors assemble per file (the same few patterns
 * recur file after file). Only for global/sticky use through `nodesAtMatches`, which resets lastIndex.
 */
export function cachedRegExp(pattern: string, flags: string): RegExp {
  const key = `${flags}/${pattern}`;
  let re = regexCache.get(key);
  if (!re) {
    re = new RegExp(pattern, flags);
    if (regexCache.size >= 256) regexCache.clear();
    regexCache.set(key, re);
  }
  return re;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const needleParts = new WeakMap<readonly string[], { set: ReadonlySet<string>; re: string }>();

/**
 * A regular-expression alternation of `needles` plus the first dotted segment of each of `names` (the names a
 * file has bound so far); the needles' part is built once per list.
 */
export function needleAlternation(needles: readonly string[], names: Iterable<string>): string {
  let base = needleParts.get(needles);
  if (!base) needleParts.set(needles, (base = { set: new Set(needles), re: needles.map(escapeRegExp).join('|') }));
  let extra: Set<string> | undefined;
  for (const k of names) {
    const first = k.split('.')[0];
    if (!base.set.has(first)) (extra ??= new Set()).add(first);
  }
  return extra ? `${base.re}|${[...extra].map(escapeRegExp).join('|')}` : base.re;
}

/**
 * Nodes found from text matches instead of a whole-tree walk (walking every node costs as much as
 * parsing): for each match of `re` (global, with the `d` flag), take the smallest node spanning
 * capture group 1 and walk up (at most `maxUp` levels, stopping at `stop`) to the first node whose
 * type is in `types`. Returned in pre-order (start ascending, outer first), without duplicates.
 * `accept` checks the path walked, `path[0]` the leaf … `path[k]` the found node, with their types
 * (e.g. that the name is the callee of the call); it gets the walk's own arrays, so no node or type
 * is fetched twice across the wasm boundary. `from`/`to` limit the scan to matches starting in [from, to).
 */
export function nodesAtMatches(
  root: Node,
  source: string,
  re: RegExp,
  types: ReadonlySet<string>,
  maxUp: number,
  stop?: (type: string) => boolean,
  accept?: (path: readonly Node[], pathTypes: readonly string[]) => boolean,
  from = 0,
  to = Infinity,
): Node[] {
  const seen = new Set<number>();
  const out: { n: Node; s: number; e: number }[] = [];
  const path: Node[] = [];
  const pathTypes: string[] = [];
  re.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = re.exec(source)) && m.index < to) {
    if (m[0].length === 0) re.lastIndex++;
    const span = m.indices?.[1] ?? [m.index, m.index + m[0].length];
    const leaf = root.descendantForIndex(span[0], span[1]);
    if (!leaf) continue;
    path.length = 0;
    pathTypes.length = 0;
    let n: Node | null = leaf;
    for (let up = 0; n && up <= maxUp; up++) {
      const t: string = n.type;
      path.push(n);
      pathTypes.push(t);
      if (types.has(t)) {
        if (!seen.has(n.id) && (!accept || accept(path, pathTypes))) {
          seen.add(n.id);
          out.push({ n, s: n.startIndex, e: n.endIndex });
        }
        break;
      }
      if (stop?.(t)) break;
      n = n.parent;
    }
  }
  return out.sort((a, b) => a.s - b.s || b.e - a.e).map((x) => x.n);
}

/** A call found by `callsAtMatches`: the call node and where the matched callee name starts. */
export interface CallAtMatch {
  node: Node;
  nameStart: number;
}

/**
 * Calls found from text matches of `re` (global): group 1 (or, when it did not take part, group 2)
 * is a callee's last name and the match ends at the call's `(`; the match may start before the name
 * (at the `.` of `obj.name(`, which is far cheaper to scan for than a lookbehind). The smallest node
 * spanning the name and the parenthesis is the call itself when the name is its callee (the callee
 * and the argument list are different children), so one tree lookup per match finds it, without
 * walking up through parents. Only nodes of type `callType` are returned; whether the name really
 * is the callee (its last name starting at `nameStart`) is for the caller to check, as it reads the
 * callee anyway. Returned in pre-order (start ascending; for calls starting at the same place, as
 * in `a.b(x).info(y)`, the outer call, whose name comes later, first). Only names starting in
 * [from, to) are looked at.
 */
export function callsAtMatches(root: Node, source: string, re: RegExp, callType: string, from = 0, to = Infinity): CallAtMatch[] {
  const out: CallAtMatch[] = [];
  // A name at `from` may be preceded by its `.` (and blanks): start the scan there.
  let scan = from;
  if (scan > 0) {
    while (scan > 0 && isBlank(source.charCodeAt(scan - 1))) scan--;
    scan = scan > 0 && source.charCodeAt(scan - 1) === 46 /* . */ ? scan - 1 : from;
  }
  re.lastIndex = scan;
  let m: RegExpExecArray | null;
  while ((m = re.exec(source)) && m.index < to) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const name = m[1] ?? m[2];
    // The name is the first run of name characters after the optional `.` and blanks.
    const nameStart = name === undefined ? m.index : m.index + m[0].indexOf(name);
    if (nameStart < from || nameStart >= to) continue;
    const node = root.descendantForIndex(nameStart, m.index + m[0].length);
    if (node && node.type === callType) out.push({ node, nameStart });
  }
  return out.sort((a, b) => a.node.startIndex - b.node.startIndex || b.nameStart - a.nameStart);
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

/** The position of a UTF-16 index in the source being extracted (undefined outside an extraction). */
export function indexPos(index: number): Position | undefined {
  return current?.pos(index);
}
