// Helpers shared by the rules: positions ↔ offsets, edits that insert or delete call arguments,
// identifier and case conversions, and a light lexer for string literals and comments.
import type { FileContext } from '../lint/types';
import { offsetAt, positionAt, type Range, type TextEdit } from '../model/positions';
import type { TelemetryAttribute, TelemetryCall } from '../model/calls';
import type { AttributeSpec } from '../schema/model';

// ---------------------------------------------------------------------------------------------
// Positions (0-based line, UTF-16 column) ↔ offsets

// One definition for the whole code base (server/model/positions.ts); re-exported as part of the rules' kit.
export { lineStarts, offsetAt, positionAt } from '../model/positions';

export function rangeAt(source: string, start: number, end: number): Range {
  return { start: positionAt(source, start), end: positionAt(source, end) };
}

export function textIn(source: string, r: Range): string {
  return source.slice(offsetAt(source, r.start), offsetAt(source, r.end));
}

// ---------------------------------------------------------------------------------------------
// Editing call arguments

/**
 * One edit that adds attributes to a call at its insertion point, keeping the list's layout
 * (`, a=1, b=2` on one line; one per line with the items' indent when the call is multi-line).
 */
export function insertAttributesEdit(call: TelemetryCall, items: string[]): TextEdit | undefined {
  const ins = call.insertAttribute;
  if (!ins || items.length === 0) return undefined;
  const sep = ins.prefix.includes('\n') ? `,\n${ins.prefix.replace(/^,?\n/, '')}` : ', ';
  return { range: { start: ins.position, end: ins.position }, newText: ins.prefix + items.join(sep) + ins.suffix };
}

/** `key=value` (Python keyword) or `key: value` / shorthand `key` (object literal). */
export function attributeItem(call: TelemetryCall, key: string, valueText: string): string {
  if (call.insertAttribute?.style === 'object') {
    if (valueText === key) return key;
    return `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`}: ${valueText}`;
  }
  return `${key}=${valueText}`;
}

/**
 * The range that deletes one item of a comma-separated list (`start`..`end` being the item):
 * with the comma and spacing before it, or, for a first item, the comma and spacing after it.
 */
export function listItemDeletion(source: string, start: number, end: number): Range {
  // An item on a line of its own (with its comma): delete the whole line.
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  if (/^[ \t]*$/.test(source.slice(lineStart, start))) {
    const m = /^[ \t]*,?[ \t]*(?:\r?\n|$)/.exec(source.slice(end));
    if (m && lineStart > 0) return rangeAt(source, lineStart, end + m[0].length);
  }
  let before = start;
  while (before > 0 && /[ \t\r\n]/.test(source[before - 1])) before--;
  if (before > 0 && source[before - 1] === ',') {
    // Keep a line break that precedes the item when the item is on its own line.
    return rangeAt(source, before - 1, end);
  }
  let after = end;
  while (after < source.length && /[ \t]/.test(source[after])) after++;
  if (source[after] === ',') {
    after++;
    while (after < source.length && /[ \t\r\n]/.test(source[after])) after++;
    return rangeAt(source, start, after);
  }
  return rangeAt(source, start, end);
}

/** Edit deleting an attribute (its whole `key=value` / `key: value` item). */
export function deleteAttributeEdit(source: string, attr: TelemetryAttribute): TextEdit {
  return { range: listItemDeletion(source, offsetAt(source, attr.range.start), offsetAt(source, attr.range.end)), newText: '' };
}

/**
 * End offset of the argument starting at `start` (a keyword argument `name=value` or any
 * expression): the first top-level `,` or closing bracket, skipping strings and nested brackets.
 * Trailing whitespace is not included.
 */
export function argumentEnd(source: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < source.length) {
    const c = source[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(source, i);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) break;
      depth--;
    } else if (c === ',' && depth === 0) break;
    i++;
  }
  let end = i;
  while (end > start && /\s/.test(source[end - 1])) end--;
  return end;
}

/** Offset of the bracket that closes the list starting at `start` (just after its opening bracket). */
export function closingBracket(source: string, start: number): number {
  let i = start;
  for (;;) {
    i = argumentEnd(source, i);
    while (i < source.length && /\s/.test(source[i])) i++;
    if (source[i] !== ',') return i;
    i++;
  }
}

/** Offset just past the string literal whose opening quote is at `i` (handles triple quotes). */
export function skipString(source: string, i: number): number {
  const q = source[i];
  const triple = q !== '`' && source.startsWith(q.repeat(3), i);
  const close = triple ? q.repeat(3) : q;
  let j = i + close.length;
  while (j < source.length) {
    const c = source[j];
    if (c === '\\') {
      j += 2;
      continue;
    }
    if (source.startsWith(close, j)) return j + close.length;
    if (!triple && q !== '`' && c === '\n') return j;
    j++;
  }
  return source.length;
}

// ---------------------------------------------------------------------------------------------
// Names

const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);
const JS_RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await'.split(
    ' ',
  ),
);

/** Split an identifier-ish name into lower-case words: `loadError` → [load, error], `Agent-Created` → [agent, created]. */
/** Memoised splits (rules ask for the same attribute keys on every call of a file). */
const wordsMemo = new Map<string, readonly string[]>();
const snakeMemo = new Map<string, string>();

function splitWords(name: string): readonly string[] {
  let w = wordsMemo.get(name);
  if (w === undefined) {
    w = name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((x) => x.toLowerCase());
    if (wordsMemo.size >= 10000) wordsMemo.clear();
    wordsMemo.set(name, w);
  }
  return w;
}

export function words(name: string): string[] {
  return splitWords(name).slice();
}

export function toSnakeCase(name: string): string {
  let s = snakeMemo.get(name);
  if (s === undefined) {
    s = splitWords(name).join('_');
    if (snakeMemo.size >= 10000) snakeMemo.clear();
    snakeMemo.set(name, s);
  }
  return s;
}

export function toCamelCase(name: string): string {
  const w = words(name);
  return w.map((x, i) => (i === 0 ? x : x[0].toUpperCase() + x.slice(1))).join('');
}

export const SNAKE_SEGMENT = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/**
 * A valid attribute / keyword name derived from an expression: `user.id` → `user_id`,
 * `len(items)` → `len_items`, `self.count` → `count`, `data["name"]` → `data_name`.
 */
export function nameForExpression(expr: string, language: 'python' | 'typescript' | 'javascript'): string {
  let e = expr.trim();
  e = e.replace(/^(?:self|this|cls)\s*\.\s*/, '');
  let name = toSnakeCase(e.replace(/["'`]/g, ' '));
  name = name.replace(/^[0-9_]+/, '');
  if (!name) name = 'value';
  if (name.length > 40) name = name.slice(0, 40).replace(/_+$/, '');
  const reserved = language === 'python' ? PY_KEYWORDS : JS_RESERVED;
  if (reserved.has(name)) name = `${name}_`;
  return name;
}

/** `base`, or `base_2`, `base_3`… — the first not in `taken`. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** Does the file import or define something named `name` (a cheap in-scope hint for fixes)? */
export function mentionsIdentifier(source: string, name: string, exclude?: { start: number; end: number }): boolean {
  const re = new RegExp(`(?<![\\w$.])${name.replace(/[$]/g, '\\$')}(?![\\w$])`, 'g');
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (exclude && m.index >= exclude.start && m.index < exclude.end) continue;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// A light lexer: string literals and comments of Python / JS / TS source

export interface Token {
  kind: 'string' | 'comment';
  /** Offsets of the whole token (prefix and quotes included). */
  start: number;
  end: number;
  /** Offsets of the text between the quotes (or after `#` / `//`, inside `/* *\/`). */
  contentStart: number;
  contentEnd: number;
  /** String prefix letters (Python `f`, `rb`…), '' for JS. */
  prefix: string;
  quote: string;
}

/**
 * Every string literal and comment in the source, in order. Python f-strings and JS template
 * literals are single tokens (their `{…}` / `${…}` parts are not lexed separately).
 */
export function lexStringsAndComments(source: string, language: 'python' | 'typescript' | 'javascript'): Token[] {
  const out: Token[] = [];
  const py = language === 'python';
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (py && c === '#') {
      const end = lineEnd(source, i);
      out.push({ kind: 'comment', start: i, end, contentStart: i + 1, contentEnd: end, prefix: '', quote: '#' });
      i = end;
      continue;
    }
    if (!py && c === '/' && source[i + 1] === '/') {
      const end = lineEnd(source, i);
      out.push({ kind: 'comment', start: i, end, contentStart: i + 2, contentEnd: end, prefix: '', quote: '//' });
      i = end;
      continue;
    }
    if (!py && c === '/' && source[i + 1] === '*') {
      const close = source.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      out.push({ kind: 'comment', start: i, end, contentStart: i + 2, contentEnd: close < 0 ? n : close, prefix: '', quote: '/*' });
      i = end;
      continue;
    }
    if (c === '"' || c === "'" || (!py && c === '`')) {
      let start = i;
      let prefix = '';
      if (py) {
        let k = i;
        while (k > 0 && /[rRbBuUfFtT]/.test(source[k - 1])) k--;
        if (k < i && (k === 0 || !/[\w]/.test(source[k - 1]))) {
          prefix = source.slice(k, i);
          start = k;
        }
      }
      const triple = c !== '`' && source.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      const end = py && /r/i.test(prefix) ? skipRawString(source, i, quote) : skipString(source, i);
      const closed = source.startsWith(quote, end - quote.length) && end - quote.length > i;
      out.push({
        kind: 'string',
        start,
        end,
        contentStart: i + quote.length,
        contentEnd: closed ? end - quote.length : end,
        prefix,
        quote,
      });
      i = end;
      continue;
    }
    i++;
  }
  return out;
}

function lineEnd(source: string, i: number): number {
  const nl = source.indexOf('\n', i);
  return nl < 0 ? source.length : nl;
}

function skipRawString(source: string, i: number, quote: string): number {
  let j = i + quote.length;
  while (j < source.length) {
    if (source[j] === '\\') {
      j += 2;
      continue;
    }
    if (source.startsWith(quote, j)) return j + quote.length;
    if (quote.length === 1 && source[j] === '\n') return j;
    j++;
  }
  return source.length;
}

/** Quote `text` as a string literal of the language (single quotes in JS/TS, double in Python). */
export function quoteString(text: string, language: 'python' | 'typescript' | 'javascript'): string {
  const q = language === 'python' ? '"' : "'";
  const body = text
    .replace(/\\/g, '\\\\')
    .replace(new RegExp(q, 'g'), `\\${q}`)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return q + body + q;
}

// ---------------------------------------------------------------------------------------------
// Interpolated strings: Python f-strings and JS template literals, split into literal text and
// `{expression}` parts (offsets relative to the literal's own text).

export interface Interpolation {
  /** Offsets of the whole `{…}` / `${…}` in the literal's text. */
  start: number;
  end: number;
  /** The expression's source text (trimmed). */
  expr: string;
  conversion?: string;
  spec?: string;
  /** Python `{x=}`. */
  selfDoc: boolean;
}

export interface InterpolatedString {
  /** String prefix without `f` (Python) and the quote. */
  prefix: string;
  quote: string;
  /** Offsets of the body (between the quotes). */
  bodyStart: number;
  bodyEnd: number;
  parts: Interpolation[];
}

/** Offset of the bracket closing the one opened just before `i`, skipping strings. -1 if none. */
function closeBrace(text: string, i: number, end: number): number {
  let depth = 0;
  while (i < end) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(text, i);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return c === '}' ? i : -1;
      depth--;
    }
    i++;
  }
  return -1;
}

/** Parse a Python f-string literal (`f"…"`, `rf'''…'''`). Undefined when it is not one single f-string. */
export function parsePythonFString(text: string): InterpolatedString | undefined {
  const m = /^([rRbBuUfF]*)("""|'''|"|')/.exec(text);
  if (!m || !/f/i.test(m[1]) || /b/i.test(m[1])) return undefined;
  const quote = m[2];
  const bodyStart = m[0].length;
  const bodyEnd = text.length - quote.length;
  if (bodyEnd < bodyStart || !text.endsWith(quote)) return undefined;
  const parts: Interpolation[] = [];
  let i = bodyStart;
  while (i < bodyEnd) {
    const c = text[i];
    if ((c === '{' || c === '}') && text[i + 1] === c) {
      i += 2;
      continue;
    }
    if (c === '\\' && !/r/i.test(m[1])) {
      i += 2;
      continue;
    }
    // The closing quote inside the body: implicit concatenation (`f"a {x}" "b"`), not one literal.
    if (text.startsWith(quote, i)) return undefined;
    if (c !== '{') {
      i++;
      continue;
    }
    const close = closeBrace(text, i + 1, bodyEnd);
    if (close < 0) return undefined;
    const inner = text.slice(i + 1, close);
    // Split `expr[=][!conv][:spec]` at the top level.
    let k = 0;
    let depth = 0;
    let exprEnd = inner.length;
    while (k < inner.length) {
      const ch = inner[k];
      if (ch === '"' || ch === "'") {
        k = skipString(inner, k);
        continue;
      }
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth--;
      else if (depth === 0 && ch === '!' && inner[k + 1] !== '=') {
        exprEnd = k;
        break;
      } else if (depth === 0 && ch === ':' && inner[k + 1] !== '=') {
        exprEnd = k;
        break;
      }
      k++;
    }
    let expr = inner.slice(0, exprEnd);
    let rest = inner.slice(exprEnd);
    let selfDoc = false;
    if (/[^=!<>]=\s*$/.test(expr) || /^\s*\w+\s*=\s*$/.test(expr)) {
      selfDoc = true;
      expr = expr.replace(/=\s*$/, '');
    }
    const part: Interpolation = { start: i, end: close + 1, expr: expr.trim(), selfDoc };
    if (rest.startsWith('!')) {
      const colon = rest.indexOf(':');
      part.conversion = colon < 0 ? rest.slice(1) : rest.slice(1, colon);
      rest = colon < 0 ? '' : rest.slice(colon);
    }
    if (rest.startsWith(':')) part.spec = rest.slice(1);
    if (!part.expr) return undefined;
    parts.push(part);
    i = close + 1;
  }
  return { prefix: m[1].replace(/f/gi, ''), quote, bodyStart, bodyEnd, parts };
}

/** Parse a JS template literal (`` `a ${b}` ``). Undefined for tagged templates or malformed text. */
export function parseTemplateLiteral(text: string): InterpolatedString | undefined {
  if (!text.startsWith('`') || !text.endsWith('`') || text.length < 2) return undefined;
  const bodyEnd = text.length - 1;
  const parts: Interpolation[] = [];
  let i = 1;
  while (i < bodyEnd) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      const close = closeBrace(text, i + 2, bodyEnd);
      if (close < 0) return undefined;
      const expr = text.slice(i + 2, close).trim();
      if (!expr) return undefined;
      parts.push({ start: i, end: close + 1, expr, selfDoc: false });
      i = close + 1;
      continue;
    }
    i++;
  }
  return { prefix: '', quote: '`', bodyStart: 1, bodyEnd, parts };
}

/**
 * Literal text of a JS template literal (raw, between interpolations) re-escaped for a
 * single-quoted string that is also a Logfire template (`{`/`}` doubled).
 */
export function templateLiteralChunkToSingleQuoted(chunk: string): string {
  let out = '';
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i];
    if (c === '\\') {
      const next = chunk[i + 1] ?? '';
      if (next === '`' || next === '$') out += next;
      else if (next === '{' || next === '}') out += next + next;
      else out += c + next;
      i++;
    } else if (c === "'") out += "\\'";
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '{' || c === '}') out += c + c;
    else out += c;
  }
  return out;
}

/**
 * Is this a test file (`tests/`, `test/`, `__tests__/`, `fixtures/`, `test_*.py`, `*_test.py`,
 * `conftest.py`, `*.test.ts`, `*.spec.js`)? Fixture values there are stand-ins more often than not.
 */
export function isTestPath(filePath: string): boolean {
  const p = filePath.replace(/\\/g, '/');
  if (/(?:^|\/)(?:tests?|__tests__|testing|fixtures?)\//.test(p)) return true;
  const base = p.slice(p.lastIndexOf('/') + 1);
  return /^(?:test_.*\.py|.*_test\.py|conftest\.py|.*\.(?:test|spec)\.[cm]?[jt]sx?)$/.test(base);
}

// ---------------------------------------------------------------------------------------------
// Attribute layers (Weaver registries, the built-in semantic conventions)

/**
 * The layer spec of a dotted key the matched event does not declare itself: from the schema's
 * registries, then the built-in OpenTelemetry semantic conventions. Keys without a dot are never
 * looked up (the common case costs one `includes`).
 */
export function layerSpec(ctx: FileContext, key: string): { spec: AttributeSpec; label: string } | undefined {
  if (!ctx.layers || !key.includes('.')) return undefined;
  for (const layer of ctx.layers) {
    const spec = layer.get(key);
    if (spec) return { spec, label: layer.label };
  }
  return undefined;
}
