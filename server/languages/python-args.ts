// Python call arguments and values: splits an argument list into positional / keyword / splat
// items, turns keywords and dict literals into attributes, and reads literal values (strings,
// f-strings, numbers …) without more tree lookups than needed.
import { type SyntaxNode as Node } from './nodes';
import type { ArgValue, TelemetryAttribute, TelemetryCall } from '../model/calls';
import type { LevelName } from '../../protocol/levels';
import { decodeEscapes, endPos, indexPos, levelFromOtelNumber, levelFromStdlibNumber, listInsertion, nodeRange, normalizeLevel, pos, textAndRange } from './common';
import { LOG_OPTIONS } from './python-receivers';

/** Reads the arguments and values of calls in one source text (the base of the extractor). */
export class PyArgReader {
  constructor(protected readonly source: string) {}

  // ---- arguments --------------------------------------------------------------------------------

  protected splitArgs(args: Node): SplitArgs {
    const out: SplitArgs = { positional: [], keywords: new Map(), keywordList: [], items: [], splat: false };
    for (const n of args.namedChildren) {
      const t = n.type;
      if (t === 'comment') continue;
      out.items.push(n);
      if (t === 'keyword_argument') {
        const value = n.childForFieldName('value');
        if (!value) continue;
        // `name=` read from the text when it plainly is one (no tree lookup for the name).
        const name = plainKeywordName(this.source, n.startIndex, value.startIndex);
        const nameEnd = name === undefined ? undefined : indexPos(n.startIndex + name.length);
        let kw: KeywordArg;
        if (name !== undefined && nameEnd) kw = { name, nameRange: { start: pos(n.startPosition), end: nameEnd }, value, node: n };
        else {
          const nameNode = n.childForFieldName('name');
          if (!nameNode) continue;
          const named = textAndRange(nameNode);
          kw = { name: named.text, nameRange: named.range, value, node: n };
        }
        out.keywords.set(kw.name, kw);
        out.keywordList.push(kw);
      } else if (t === 'dictionary_splat') {
        out.splat = true;
        // `**{'gen_ai.system': v}`: a literal dict passes dotted keys a keyword cannot spell.
        const d = n.namedChild(0);
        if (d?.type === 'dictionary') (out.splatDicts ??= []).push(d);
        else out.opaqueSplat = true;
      } else if (t !== 'list_splat') {
        out.positional.push(n);
      }
    }
    return out;
  }

  /** Keyword arguments → attributes; `_x` keywords → reservedKeywords (Logfire options). */
  protected keywordAttributes(c: TelemetryCall, argList: SplitArgs, logfire: boolean): void {
    for (const kw of argList.keywordList) {
      if (kw.name.startsWith('_')) {
        c.reservedKeywords.push({ name: kw.name, range: nodeRange(kw.node) });
        continue;
      }
      if (!logfire && LOG_OPTIONS.has(kw.name)) continue;
      c.attributes.push(this.keywordAttribute(kw, 'keyword'));
    }
    for (const d of argList.splatDicts ?? []) this.dictAttributes(c, d, 'dict');
    if (argList.splat && (argList.opaqueSplat || !argList.splatDicts)) c.hasSplat = true;
  }

  /** Items of a dict literal (or `dict(a=1)`) → attributes; anything else makes the set unknown. */
  protected dictAttributes(c: TelemetryCall, d: Node, source: TelemetryAttribute['source']): void {
    if (d.type === 'none') return;
    if (d.type === 'dictionary') {
      const items: Node[] = [];
      for (const item of d.namedChildren) {
        if (item.type === 'comment') continue;
        items.push(item);
        if (item.type === 'pair') {
          const k = item.childForFieldName('key');
          const v = item.childForFieldName('value');
          if (!k || !v) continue;
          const key = this.value(k);
          if (key.kind === 'string' && typeof key.value === 'string') {
            c.attributes.push({ key: key.value, keyRange: key.contentRange ?? key.range, value: this.value(v), range: nodeRange(item), source });
          } else c.hasSplat = true;
        } else c.hasSplat = true;
      }
      if (source !== 'setAttribute') c.insertAttribute = listInsertion(this.source, d.child(0)!, items, 'object');
      return;
    }
    if (d.type === 'call' && d.childForFieldName('function')?.text === 'dict') {
      const args = d.childForFieldName('arguments');
      if (args && args.type === 'argument_list') {
        const argList = this.splitArgs(args);
        for (const kw of argList.keywordList) c.attributes.push(this.keywordAttribute(kw, source));
        if (argList.splat || argList.positional.length) c.hasSplat = true;
        c.insertAttribute = listInsertion(this.source, args.child(0)!, argList.items, 'keyword');
        return;
      }
    }
    c.hasSplat = true;
  }

  protected keywordAttribute(kw: KeywordArg, source: TelemetryAttribute['source']): TelemetryAttribute {
    const value = this.value(kw.value);
    // `name=value` ends where its value does.
    const end = value.range.end;
    return { key: kw.name, keyRange: kw.nameRange, value, range: { start: pos(kw.node.startPosition), end: { line: end.line, character: end.character } }, source };
  }

  protected levelFromArg(c: TelemetryCall, n: Node, numbers: 'otel' | 'stdlib'): void {
    const v = this.value(n);
    if (v.kind === 'string' && typeof v.value === 'string') {
      const l = normalizeLevel(v.value);
      if (l) {
        c.level = l;
        c.levelRange = v.contentRange ?? v.range;
      }
    } else if (v.kind === 'int' && typeof v.value === 'number') {
      const l = numbers === 'otel' ? levelFromOtelNumber(v.value) : levelFromStdlibNumber(v.value);
      if (l) c.level = l;
    } else if (n.type === 'attribute') {
      // logging.WARNING, Level.warn …
      const l = normalizeLevel(n.childForFieldName('attribute')?.text ?? '');
      if (l) c.level = l as LevelName;
    }
  }

  // ---- values -----------------------------------------------------------------------------------

  value(outer: Node): ArgValue {
    const { text, range } = textAndRange(outer);
    // (x) is x: unwrap parentheses iteratively (deeply nested input must not exhaust the stack).
    let n = outer;
    let type = n.type;
    while (type === 'parenthesized_expression') {
      const inner = n.firstNamedChild;
      if (!inner) return { kind: 'other', text, range };
      const innerType = inner.type;
      if (innerType === 'comment') return { kind: 'other', text, range };
      n = inner;
      type = innerType;
    }
    switch (type) {
      case 'string':
        return this.stringValue(n, text, range, n === outer ? text : undefined);
      case 'concatenated_string': {
        const parts = n.namedChildren.filter((p) => p.type === 'string').map((p) => {
          const own = textAndRange(p);
          return this.stringValue(p, own.text, own.range, own.text);
        });
        if (parts.some((p) => p.kind === 'fstring')) {
          return { kind: 'fstring', text, range, parts: parts.flatMap((p) => p.parts ?? []) };
        }
        return { kind: 'string', text, range, value: parts.map((p) => String(p.value ?? '')).join('') };
      }
      case 'integer': {
        const num = Number(n.text.replace(/_/g, '').replace(/[lL]$/, ''));
        return Number.isFinite(num) ? { kind: 'int', text, range, value: num } : { kind: 'other', text, range };
      }
      case 'float': {
        const num = Number(n.text.replace(/_/g, ''));
        return Number.isFinite(num) ? { kind: 'float', text, range, value: num } : { kind: 'other', text, range };
      }
      case 'true':
        return { kind: 'bool', text, range, value: true };
      case 'false':
        return { kind: 'bool', text, range, value: false };
      case 'none':
        return { kind: 'none', text, range, value: null };
      case 'dictionary':
      case 'dictionary_comprehension':
        return { kind: 'dict', text, range };
      case 'list':
      case 'tuple':
      case 'set':
      case 'list_comprehension':
        return { kind: 'list', text, range };
      case 'identifier':
        return { kind: 'identifier', text, range };
      case 'unary_operator': {
        const arg = n.childForFieldName('argument');
        const op = n.childForFieldName('operator')?.text;
        if (arg && (op === '-' || op === '+') && (arg.type === 'integer' || arg.type === 'float')) {
          const inner = this.value(arg);
          if (typeof inner.value === 'number') return { kind: inner.kind, text, range, value: op === '-' ? -inner.value : inner.value };
        }
        return { kind: 'other', text, range };
      }
      case 'binary_operator': {
        const op = n.childForFieldName('operator')?.text;
        const left = n.childForFieldName('left');
        if ((op === '+' || op === '%') && left && isStringish(left, n.childForFieldName('right'))) return { kind: 'concat', text, range };
        return { kind: 'other', text, range };
      }
      case 'call': {
        const fn = n.childForFieldName('function');
        if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'format') {
          const obj = fn.childForFieldName('object');
          if (obj && (obj.type === 'string' || obj.type === 'concatenated_string')) return { kind: 'concat', text, range };
        }
        return { kind: 'call', text, range };
      }
      default:
        return { kind: 'other', text, range };
    }
  }

  /** `own`: the string node's own text when the caller has it (`text` may be a parenthesised outer expression's). */
  protected stringValue(n: Node, text: string, range: ArgValue['range'], own?: string): ArgValue {
    // A well-formed literal without interpolations is read from its text (no tree lookups).
    const lit = own === undefined ? undefined : plainLiteral(own);
    if (lit) {
      const bodyStart = n.startIndex + lit.open;
      const bodyEnd = n.startIndex + own!.length - lit.close;
      const start = indexPos(bodyStart);
      const end = indexPos(bodyEnd);
      const body = own!.slice(lit.open, own!.length - lit.close);
      if (start && end && !(lit.format && body.includes('{'))) {
        let value = lit.raw ? body : decodeEscapes(body);
        if (lit.fstring) value = value.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
        return { kind: 'string', text, range, value, contentRange: { start, end } };
      }
    }
    const start = n.firstChild;
    const end = n.lastChild;
    if (!start || !end || start.type !== 'string_start' || end.type !== 'string_end') return { kind: 'other', text, range };
    const prefix = start.text.replace(/['"]+$/, '').toLowerCase();
    const contentRange = { start: endPos(start), end: pos(end.startPosition) };
    const body = this.source.slice(start.endIndex, end.startIndex);
    const parts: { expr: string; range: ArgValue['range'] }[] = [];
    // An interpolation starts with `{` inside the literal: without one there is none to look for.
    const count = body.includes('{') ? n.childCount : 0;
    for (let i = 1; i < count - 1; i++) {
      const ch = n.child(i);
      if (ch && ch.type === 'interpolation') {
        const expr = ch.childForFieldName('expression') ?? ch.firstNamedChild;
        if (expr) parts.push({ expr: expr.text, range: nodeRange(expr) });
      }
    }
    if (parts.length) return { kind: 'fstring', text, range, parts, contentRange };
    let value = prefix.includes('r') ? body : decodeEscapes(body);
    if (prefix.includes('f')) value = value.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
    return { kind: 'string', text, range, value, contentRange };
  }
}

const PY_KEYWORDS = new Set('False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '));
const KEYWORD_NAME = /[A-Za-z_][A-Za-z0-9_]*(?=[ \t]*=(?!=))/y;

/**
 * The name of a keyword argument starting at `start` whose value starts at `valueStart`, read from
 * the text: an ASCII identifier followed by `=` on the same line; undefined for anything else
 * (non-ASCII names, line breaks, comments, reserved words), which the tree then answers.
 */
function plainKeywordName(src: string, start: number, valueStart: number): string | undefined {
  KEYWORD_NAME.lastIndex = start;
  const m = KEYWORD_NAME.exec(src);
  if (!m || PY_KEYWORDS.has(m[0])) return undefined;
  const eq = src.indexOf('=', start + m[0].length);
  return eq >= 0 && eq < valueStart ? m[0] : undefined;
}

/**
 * The delimiters of a Python string literal's text (`rb'…'`, `"""…"""`): prefix + opening quote
 * length, closing quote length, and the prefix flags; undefined unless the text plainly is one
 * complete literal (a missing or escaped closing quote, or anything unusual, leaves it to the tree).
 */
function plainLiteral(t: string): { open: number; close: number; raw: boolean; fstring: boolean; format: boolean } | undefined {
  let i = 0;
  while (i < t.length && i < 3 && /[rRbBuUfFtT]/.test(t[i])) i++;
  const c = t[i];
  if (c !== '"' && c !== "'") return undefined;
  const q = t.startsWith(c + c + c, i) ? 3 : 1;
  if (t.length < i + 2 * q) return undefined;
  const close = t.length - q;
  for (let k = close; k < t.length; k++) if (t[k] !== c) return undefined;
  if (t[close - 1] === '\\') return undefined;
  const prefix = t.slice(0, i).toLowerCase();
  return { open: i + q, close: q, raw: prefix.includes('r'), fstring: prefix.includes('f'), format: prefix.includes('f') || prefix.includes('t') };
}

export interface KeywordArg {
  name: string;
  nameRange: ArgValue['range'];
  value: Node;
  node: Node;
}
export interface SplitArgs {
  positional: Node[];
  keywords: Map<string, KeywordArg>;
  keywordList: KeywordArg[];
  items: Node[];
  splat: boolean;
  /** Literal dicts passed with `**` (their items are attributes), and whether any other `**` was seen. */
  splatDicts?: Node[];
  opaqueSplat?: boolean;
}

/** Is either operand of a `+`/`%` chain a string literal? */
function isStringish(left: Node, right: Node | null, depth = 0): boolean {
  const lit = (x: Node | null) => !!x && (x.type === 'string' || x.type === 'concatenated_string');
  if (lit(left) || lit(right)) return true;
  if (depth > 8 || left.type !== 'binary_operator') return false;
  const l = left.childForFieldName('left');
  return !!l && isStringish(l, left.childForFieldName('right'), depth + 1);
}

export function firstPositional(call: Node): Node | undefined {
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  for (const n of args.namedChildren) {
    if (n.type === 'comment') continue;
    if (n.type === 'keyword_argument' || n.type === 'dictionary_splat' || n.type === 'list_splat') continue;
    return n;
  }
  return undefined;
}

export function keywordValue(call: Node, name: string): Node | undefined {
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  for (const n of args.namedChildren) {
    if (n.type === 'keyword_argument' && n.childForFieldName('name')?.text === name) return n.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

export function keywordNames(call: Node): string[] {
  const args = call.childForFieldName('arguments');
  if (!args) return [];
  const out: string[] = [];
  for (const n of args.namedChildren) {
    if (n.type === 'keyword_argument') {
      const name = n.childForFieldName('name')?.text;
      if (name) out.push(name);
    }
  }
  return out;
}
