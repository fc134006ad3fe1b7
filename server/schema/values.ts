// Static facts about attribute values at call sites, checked against attribute specs: the type an
// expression certainly has (literals and obvious expressions), and literal values for enum, range
// and pattern checks. Used by rules TL004 (attribute-type) and TL005 (attribute-value).
import { distance } from 'fastest-levenshtein';
import type { ArgValue, SourceLanguage } from '../model/calls';
import type { AttributeSpec, AttributeType } from './model';
import { compileSafeRegex, type SafeRegex } from './safe-regex';

/** The type an expression is known to have, or undefined when it cannot be told statically. */
export type StaticType = 'string' | 'int' | 'float' | 'bool' | 'none' | 'array' | 'object';

const PY_CALLS = new Map<string, StaticType>(Object.entries({
  str: 'string',
  repr: 'string',
  ascii: 'string',
  format: 'string',
  hex: 'string',
  oct: 'string',
  bin: 'string',
  chr: 'string',
  len: 'int',
  int: 'int',
  ord: 'int',
  hash: 'int',
  id: 'int',
  float: 'float',
  bool: 'bool',
  isinstance: 'bool',
  callable: 'bool',
  list: 'array',
  tuple: 'array',
  sorted: 'array',
  set: 'array',
  dict: 'object',
  'json.dumps': 'string',
  'time.time': 'float',
  'time.monotonic': 'float',
  'time.perf_counter': 'float',
  'time.time_ns': 'int',
  'time.monotonic_ns': 'int',
  'time.perf_counter_ns': 'int',
  'os.getpid': 'int',
}) as [string, StaticType][]);
const PY_METHODS = new Map<string, StaticType>(Object.entries({
  isoformat: 'string',
  hexdigest: 'string',
  lower: 'string',
  upper: 'string',
  strip: 'string',
  lstrip: 'string',
  rstrip: 'string',
  title: 'string',
  join: 'string',
  decode: 'string',
  strftime: 'string',
  total_seconds: 'float',
  isdigit: 'bool',
  startswith: 'bool',
  endswith: 'bool',
}) as [string, StaticType][]);
const JS_CALLS = new Map<string, StaticType>(Object.entries({
  String: 'string',
  'JSON.stringify': 'string',
  encodeURIComponent: 'string',
  Number: 'float',
  parseFloat: 'float',
  parseInt: 'int',
  'Math.round': 'int',
  'Math.floor': 'int',
  'Math.ceil': 'int',
  'Math.trunc': 'int',
  'Date.now': 'int',
  'performance.now': 'float',
  Boolean: 'bool',
  'Array.from': 'array',
  'Array.isArray': 'bool',
  'Number.isInteger': 'bool',
}) as [string, StaticType][]);
const JS_METHODS = new Map<string, StaticType>(Object.entries({
  toString: 'string',
  toFixed: 'string',
  toISOString: 'string',
  toLowerCase: 'string',
  toUpperCase: 'string',
  trim: 'string',
  join: 'string',
  includes: 'bool',
  startsWith: 'bool',
  endsWith: 'bool',
  indexOf: 'int',
}) as [string, StaticType][]);

/** The static type of a value, from literals and obvious expressions (`len(x)`, `str(x)`, f-strings…). */
export function staticType(v: ArgValue, language: SourceLanguage): StaticType | undefined {
  switch (v.kind) {
    case 'string':
    case 'fstring':
    case 'concat':
      return 'string';
    case 'int':
      return 'int';
    case 'float':
      // `2.0` is a float literal in Python; JS has one number type, so `2.0` is an integer there.
      return language !== 'python' && typeof v.value === 'number' && Number.isInteger(v.value) && !/[.eE]/.test(v.text) ? 'int' : 'float';
    case 'bool':
      return 'bool';
    case 'none':
      return 'none';
    case 'dict':
      return 'object';
    case 'list':
      return 'array';
    case 'call':
    case 'other':
      return expressionType(v.text.trim(), language);
    default:
      return undefined;
  }
}

function expressionType(text: string, language: SourceLanguage): StaticType | undefined {
  const py = language === 'python';
  if (py && /\.__name__$/.test(text)) return 'string';
  if (!py && /\.length$/.test(text)) return 'int';
  if (!py && /^`[^`]*`$/.test(text)) return 'string';
  if (!py && (text === 'null' || text === 'undefined')) return 'none';
  if (!py && /^\[[\s\S]*\]$/.test(text)) return 'array';
  if (/^(not\s|!)/.test(text)) return 'bool';
  const call = /^([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\(/.exec(text);
  if (call && balancedCall(text, call[0].length - 1)) {
    const callee = call[1]!.replace(/\s+/g, '');
    const direct = (py ? PY_CALLS : JS_CALLS).get(callee);
    if (direct) return direct;
    const method = callee.includes('.') ? callee.slice(callee.lastIndexOf('.') + 1) : undefined;
    if (method) return (py ? PY_METHODS : JS_METHODS).get(method);
  }
  // A chain ending in a known method: `datetime.now().isoformat()`, `x.toFixed(1)`.
  const last = trailingMethod(text);
  return last ? (py ? PY_METHODS : JS_METHODS).get(last) : undefined;
}

/** The method name of a trailing `.name(...)` call that ends the expression. */
function trailingMethod(text: string): string | undefined {
  if (!text.endsWith(')')) return undefined;
  let depth = 0;
  let i = text.length - 1;
  for (; i >= 0; i--) {
    const c = text[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      depth--;
      if (depth === 0) break;
    } else if (c === '"' || c === "'" || c === '`') return undefined;
  }
  if (i <= 0 || text[i] !== '(') return undefined;
  const m = /\.\s*([A-Za-z_$][\w$]*)\s*$/.exec(text.slice(0, i));
  return m?.[1];
}

/** True when the parenthesis opened at `open` closes at the very end of `text` (the whole text is one call). */
function balancedCall(text: string, open: number): boolean {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const q = c;
      for (i++; i < text.length && text[i] !== q; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i === text.length - 1;
    }
  }
  return false;
}

/** Whether a value of static type `t` can be stored in an attribute of type `expected`. */
export function typeFits(t: StaticType, expected: AttributeType, spec?: AttributeSpec): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'string':
      return t === 'string';
    case 'enum':
      if (t === 'string') return true;
      return !!spec?.allowed?.some((a) => (typeof a === 'number' ? t === 'int' || t === 'float' : typeof a === 'boolean' ? t === 'bool' : false));
    case 'int':
      return t === 'int';
    case 'float':
      return t === 'float' || t === 'int';
    case 'bool':
      return t === 'bool';
    case 'array':
      return t === 'array';
    case 'object':
      return t === 'object';
    default:
      return true;
  }
}

/** Human name of a static type in the call's language ('str'/'None' in Python, 'string'/'null' in JS). */
export function typeLabel(t: StaticType, language: SourceLanguage): string {
  if (language === 'python') return { string: 'str', int: 'int', float: 'float', bool: 'bool', none: 'None', array: 'list', object: 'dict' }[t];
  return { string: 'string', int: 'integer', float: 'number', bool: 'boolean', none: 'null', array: 'array', object: 'object' }[t];
}

/** The literal value of an argument, when it is one (strings without interpolation, numbers, booleans). */
export function literalValue(v: ArgValue): string | number | boolean | undefined {
  if ((v.kind === 'string' || v.kind === 'int' || v.kind === 'float' || v.kind === 'bool') && v.value !== undefined && v.value !== null) {
    return v.value;
  }
  return undefined;
}

/** The closest allowed value: same text ignoring case and separators first, else the smallest edit distance within reach. */
export function closestValue(value: string, allowed: readonly (string | number | boolean)[]): string | number | boolean | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s.]/g, '');
  const strings = allowed.filter((a): a is string => typeof a === 'string');
  const same = strings.find((a) => norm(a) === norm(value));
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of strings) {
    const d = distance(value.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  const prefix = best !== undefined && value.length >= 3 && best.toLowerCase().startsWith(value.toLowerCase());
  return best !== undefined && (bestD <= Math.max(2, Math.floor(value.length / 3)) || prefix) ? best : undefined;
}

/** A literal in the call's language for a schema value, keeping the quote style of `like` when given. */
export function literalFor(value: string | number | boolean, language: SourceLanguage, like?: ArgValue): string {
  if (typeof value === 'boolean') return language === 'python' ? (value ? 'True' : 'False') : String(value);
  if (typeof value === 'number') return String(value);
  const m = like && /^[a-zA-Z]*(["'`])/.exec(like.text);
  const q = m ? m[1]! : language === 'python' ? '"' : "'";
  return q + value.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`) + q;
}

/**
 * `text` escaped to sit between the quotes of the string literal `literal` (its source text, with
 * any prefix): backslashes (unless raw), the literal's quote, line breaks; backticks and `${` in JS
 * template literals.
 */
export function escapeForLiteral(text: string, literal: string): string {
  const m = /^([a-zA-Z]*)("""|'''|"|'|`)/.exec(literal);
  const prefix = m?.[1] ?? '';
  const quote = m?.[2] ?? '"';
  const raw = /r/i.test(prefix);
  let out = raw ? text : text.replace(/\\/g, '\\\\');
  if (quote === '`') return out.replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  if (quote.length === 3) return out;
  out = out.replace(new RegExp(quote, 'g'), `\\${quote}`);
  return raw ? out : out.replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** Shortened for messages: at most `max` characters. */
export function clip(text: string, max = 70): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The text of a new attribute item for a call: `key=value` for keyword arguments; for a Python
 * dict (`extra={...}`, `logfire.log(level, msg, {...})`) a quoted key in the quote style of the
 * existing keys; else the object-literal item from `objectItem` (JS/TS).
 */
export function newAttributeItem(
  call: { insertAttribute?: { style: 'keyword' | 'object' }; attributes: { source: string; range: { start: { line: number; character: number } } }[] },
  language: SourceLanguage,
  source: string,
  key: string,
  valueText: string,
  objectItem: (key: string, valueText: string) => string,
): string {
  // A dotted key (`gen_ai.request.model`) cannot be a keyword argument: a `**{...}` item carries it.
  if (call.insertAttribute?.style !== 'object') return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${key}=${valueText}` : `**{'${key}': ${valueText}}`;
  if (language !== 'python') return objectItem(key, valueText);
  const first = call.attributes.find((a) => a.source === 'dict' || a.source === 'extra');
  let q = "'";
  if (first) {
    const lines = source.split('\n');
    const ch = lines[first.range.start.line]?.[first.range.start.character];
    if (ch === '"') q = '"';
  }
  return `${q}${key}${q}: ${valueText}`;
}

const specMaps = new WeakMap<object, Map<string, AttributeSpec>>();
/** An event's attribute specs by name (cached per event). */
export function attributeSpecs(event: { attributes: AttributeSpec[] }): Map<string, AttributeSpec> {
  let m = specMaps.get(event);
  if (!m) {
    m = new Map(event.attributes.map((a) => [a.name, a]));
    specMaps.set(event, m);
  }
  return m;
}

/**
 * Does `value` match the schema pattern (searched, RE2 semantics: linear time whatever the pattern)?
 * Undefined when the pattern cannot be compiled. Compiled once per pattern.
 */
export function matchesPattern(pattern: string, value: string): boolean | undefined {
  let re: SafeRegex;
  try {
    re = compileSafeRegex(pattern);
  } catch {
    return undefined;
  }
  return re.test(value);
}
