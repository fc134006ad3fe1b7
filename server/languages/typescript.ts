// TypeScript / JavaScript extraction: the Logfire JS packages and @opentelemetry/api (plus project
// wrappers) → TelemetryCall records. Same two-pass design as python.ts: bindings, then calls.
import type { Tree } from 'web-tree-sitter';
import { type SyntaxNode as Node, syntaxRoot } from './nodes';
import type { ArgValue, SourceLanguage, TelemetryAttribute, TelemetryCall } from '../model/calls';
import { type ExtractOptions, cachedRegExp, callsAtMatches, decodeEscapes, escapeRegExp, indexPos, levelFromOtelNumber, listInsertion, matchWrapper, endPos, needleAlternation, nodeRange, nodesAtMatches, normalizeLevel, pos, textAndRange } from './common';

/** What a name or expression holds. */
export type Receiver =
  | { kind: 'logfire' }
  | { kind: 'logfire-fn'; method: string }
  | { kind: 'otel-api' }
  | { kind: 'otel-trace' }
  | { kind: 'otel-tracer' }
  | { kind: 'span'; lib: 'logfire' | 'otel'; message?: Node };

/** Packages exporting the Logfire JS API (current and legacy names). */
export const LOGFIRE_JS_PACKAGES = new Set(['logfire', '@pydantic/logfire-node', '@pydantic/logfire-api', '@pydantic/logfire-browser', '@pydantic/logfire-cf-workers']);
export const OTEL_API = '@opentelemetry/api';

const LOG_METHODS = new Set(['trace', 'debug', 'info', 'notice', 'warning', 'error', 'fatal']);
const LOGFIRE_FNS = new Set([...LOG_METHODS, 'log', 'span', 'startSpan', 'startPendingSpan', 'reportError', 'instrument', 'withTags', 'withSettings']);
const SPAN_METHODS = new Set(['setAttribute', 'setAttributes', 'addEvent']);
/** Level methods the Logfire JS API does not have (TypeError: … is not a function) → the method meant. */
const LOGFIRE_MISTAKES: Record<string, string> = { warn: 'warning', critical: 'fatal' };
const IMPORT_TYPES = new Set(['import_statement']);
const BINDING_TYPES = new Set(['variable_declarator', 'assignment_expression', 'public_field_definition']);
/** Names whose presence in a declaration's value can bind a telemetry receiver. */
const BINDING_NEEDLES = ['require', 'getTracer', 'startSpan', 'startPendingSpan', 'withTags', 'withSettings', 'getActiveSpan', 'getSpan', 'trace', 'logfire'];

function isBoundary(type: string): boolean {
  return type.endsWith('statement') || type === 'statement_block' || type === 'program' || type === 'class_body' || type === 'arrow_function' || type.startsWith('function') || type === 'method_definition';
}

/** Every method name that can make a call telemetry (the cheap first test in classify). */
const JS_METHODS = new Set([...LOGFIRE_FNS, ...SPAN_METHODS, ...Object.keys(LOGFIRE_MISTAKES), 'startActiveSpan']);
const JS_METHODS_RE = [...JS_METHODS].map(escapeRegExp).join('|');

class TsExtractor {
  private env = new Map<string, Receiver>();
  private calls: TelemetryCall[] = [];
  private readonly wrapperNames: Set<string>;

  constructor(
    private readonly source: string,
    private readonly language: SourceLanguage,
    private readonly opts: ExtractOptions,
  ) {
    this.wrapperNames = new Set((opts.wrappers ?? []).filter((w) => !w.languages || w.languages.includes(language)).map((w) => w.name.slice(w.name.lastIndexOf('.') + 1)));
  }

  run(root: Node): TelemetryCall[] {
    const src = this.source;
    // 0. Handles imported from project modules (the workspace index resolved them).
    if (this.opts.imports) for (const [name, recv] of Object.entries(this.opts.imports)) this.env.set(name, recv as Receiver);
    // 1. Imports (ES imports; require() is handled with the bindings).
    if (src.includes('import')) {
      for (const n of nodesAtMatches(root, src, /^[ \t]*(import)\b/dgm, IMPORT_TYPES, 2)) this.importStatement(n);
    }
    // 2. Declarations / assignments / class fields whose value mentions a telemetry name or factory.
    const bindRe = cachedRegExp(`=[^=>\\n][^\\n]*?\\b(${needleAlternation(BINDING_NEEDLES, this.env.keys())})\\b`, 'dg');
    for (const n of nodesAtMatches(root, src, bindRe, BINDING_TYPES, 14, isBoundary)) {
      switch (n.type) {
        case 'variable_declarator':
          this.bind(n.childForFieldName('name'), n.childForFieldName('value'));
          break;
        case 'assignment_expression':
          this.bind(n.childForFieldName('left'), n.childForFieldName('right'));
          break;
        default: {
          const name = n.childForFieldName('name');
          const value = n.childForFieldName('value');
          if (name && value) {
            const r = this.resolve(value);
            if (r) this.env.set(`this.${name.text}`, r);
          }
        }
      }
    }
    // 3. Calls whose callee ends in a telemetry method / imported function / wrapper name. They
    //    come in pre-order, so a span callback's parameter is bound before the calls inside it.
    const bare = [...this.wrapperNames];
    for (const [k, r] of this.env) if (r.kind === 'logfire-fn') bare.push(k);
    // `obj.method(` (group 1) or a bare imported function / wrapper `name(` (group 2), with type arguments.
    const methods = this.wrapperNames.size ? [...JS_METHODS, ...this.wrapperNames].map(escapeRegExp).join('|') : JS_METHODS_RE;
    let pattern = `\\.\\s*(${methods})\\s*(?:<[^()]*>\\s*)?\\(`;
    if (bare.length) pattern += `|(?<![\\w.$])(${bare.map(escapeRegExp).join('|')})\\s*(?:<[^()]*>\\s*)?\\(`;
    const callRe = cachedRegExp(pattern, 'g');
    for (const { node, nameStart } of callsAtMatches(root, src, callRe, 'call_expression')) {
      const c = this.classify(node, nameStart);
      if (c) this.calls.push(c);
    }
    return this.calls;
  }

  // ---- bindings ---------------------------------------------------------------------------------

  private importStatement(n: Node): void {
    const src = stringLiteral(n.childForFieldName('source'));
    if (src === undefined) return;
    const isLogfire = LOGFIRE_JS_PACKAGES.has(src);
    if (!isLogfire && src !== OTEL_API) return;
    const clause = n.namedChildren.find((c) => c.type === 'import_clause');
    if (!clause) return;
    for (const part of clause.namedChildren) {
      if (part.type === 'identifier') {
        // default import
        this.env.set(part.text, isLogfire ? { kind: 'logfire' } : { kind: 'otel-api' });
      } else if (part.type === 'namespace_import') {
        const id = part.firstNamedChild;
        if (id) this.env.set(id.text, isLogfire ? { kind: 'logfire' } : { kind: 'otel-api' });
      } else if (part.type === 'named_imports') {
        for (const spec of part.namedChildren) {
          if (spec.type !== 'import_specifier') continue;
          const name = spec.childForFieldName('name')?.text;
          const alias = spec.childForFieldName('alias')?.text ?? name;
          if (!name || !alias) continue;
          const r = isLogfire ? namedLogfire(name) : name === 'trace' ? ({ kind: 'otel-trace' } as const) : undefined;
          if (r) this.env.set(alias, r);
        }
      }
    }
  }

  private bind(left: Node | null, right: Node | null): void {
    if (!left || !right) return;
    // const { info, span } = require('logfire')
    if (left.type === 'object_pattern') {
      const pkg = requiredPackage(right);
      if (pkg === undefined) return;
      for (const p of left.namedChildren) {
        let name: string | undefined;
        let alias: string | undefined;
        if (p.type === 'shorthand_property_identifier_pattern') name = alias = p.text;
        else if (p.type === 'pair_pattern') {
          name = p.childForFieldName('key')?.text;
          const v = p.childForFieldName('value');
          alias = v?.type === 'identifier' ? v.text : undefined;
        }
        if (!name || !alias) continue;
        const r = LOGFIRE_JS_PACKAGES.has(pkg) ? namedLogfire(name) : pkg === OTEL_API && name === 'trace' ? ({ kind: 'otel-trace' } as const) : undefined;
        if (r) this.env.set(alias, r);
      }
      return;
    }
    if (left.type !== 'identifier' && left.type !== 'member_expression') return;
    const r = this.resolve(right);
    if (r) this.env.set(left.text, r);
  }

  /** `tracer.startActiveSpan('x', (span) => …)` / `logfire.span('x', { callback: (span) => … })`: the callback's span. */
  private callbackBinding(call: Node): void {
    const fn = call.childForFieldName('function');
    if (!fn || fn.type !== 'member_expression') return;
    const m = fn.childForFieldName('property')?.text;
    if (m !== 'startActiveSpan' && m !== 'span') return;
    const obj = fn.childForFieldName('object');
    const r = obj ? this.resolve(obj) : undefined;
    if (!r) return;
    const args = argList(call);
    let cb: Node | undefined;
    let lib: 'logfire' | 'otel';
    if (m === 'startActiveSpan' && r.kind === 'otel-tracer') {
      cb = args[args.length - 1];
      lib = 'otel';
    } else if (m === 'span' && r.kind === 'logfire') {
      lib = 'logfire';
      cb = args[args.length - 1];
      if (cb?.type === 'object') cb = objectProperty(cb, 'callback');
    } else return;
    if (!cb || (cb.type !== 'arrow_function' && cb.type !== 'function_expression' && cb.type !== 'function')) return;
    const param = firstParamName(cb);
    if (param) this.env.set(param, { kind: 'span', lib, message: args[0] });
  }

  private resolve(n: Node, depth = 0): Receiver | undefined {
    if (depth > 64) return undefined;
    switch (n.type) {
      case 'identifier':
        return this.env.get(n.text);
      case 'member_expression': {
        const direct = this.env.get(n.text);
        if (direct) return direct;
        const obj = n.childForFieldName('object');
        const prop = n.childForFieldName('property')?.text;
        if (!obj || !prop) return undefined;
        const r = this.resolve(obj, depth + 1);
        if (r?.kind === 'otel-api' && prop === 'trace') return { kind: 'otel-trace' };
        if (r?.kind === 'logfire' && prop === 'default') return r;
        return undefined;
      }
      case 'call_expression': {
        const pkg = requiredPackage(n);
        if (pkg !== undefined) return LOGFIRE_JS_PACKAGES.has(pkg) ? { kind: 'logfire' } : pkg === OTEL_API ? { kind: 'otel-api' } : undefined;
        const fn = n.childForFieldName('function');
        if (!fn) return undefined;
        let r: Receiver | undefined;
        let m: string | undefined;
        if (fn.type === 'member_expression') {
          const obj = fn.childForFieldName('object');
          m = fn.childForFieldName('property')?.text;
          r = obj ? this.resolve(obj, depth + 1) : undefined;
        } else if (fn.type === 'identifier') {
          const f = this.env.get(fn.text);
          if (f?.kind === 'logfire-fn') {
            r = { kind: 'logfire' };
            m = f.method;
          }
        }
        if (!r || !m) return undefined;
        if (r.kind === 'logfire') {
          if (m === 'withTags' || m === 'withSettings') return r;
          if (m === 'startSpan' || m === 'startPendingSpan') return { kind: 'span', lib: 'logfire', message: argList(n)[0] };
        }
        if (r.kind === 'otel-trace') {
          if (m === 'getTracer') return { kind: 'otel-tracer' };
          if (m === 'getActiveSpan' || m === 'getSpan') return { kind: 'span', lib: 'otel' };
        }
        if (r.kind === 'otel-tracer' && m === 'startSpan') return { kind: 'span', lib: 'otel', message: argList(n)[0] };
        return undefined;
      }
      case 'await_expression':
      case 'parenthesized_expression':
      case 'non_null_expression':
      case 'as_expression':
      case 'satisfies_expression': {
        const inner = n.firstNamedChild;
        return inner ? this.resolve(inner, depth + 1) : undefined;
      }
      default:
        return undefined;
    }
  }

  // ---- calls ------------------------------------------------------------------------------------

  /** `nameStart`: where the callee name the call was found by starts (the call is skipped unless it is the callee's last name). */
  private classify(call: Node, nameStart: number): TelemetryCall | undefined {
    // Cheap rejection first: only the callee's last name is read before anything else.
    const fn = call.childForFieldName('function');
    if (!fn) return undefined;
    const ftype = fn.type;
    let recv: Receiver | undefined;
    let method = '';
    let methodNode: Node | null = null;
    if (ftype === 'member_expression') {
      methodNode = fn.childForFieldName('property');
      if (!methodNode || methodNode.startIndex !== nameStart) return undefined;
      method = methodNode.text;
      if (!JS_METHODS.has(method) && !this.wrapperNames.has(method)) return undefined;
      const obj = fn.childForFieldName('object');
      if (!obj) return undefined;
      recv = this.resolve(obj);
    } else if (ftype === 'identifier') {
      if (fn.startIndex !== nameStart) return undefined;
      const name = fn.text;
      const r = this.env.get(name);
      if (r?.kind === 'logfire-fn') {
        recv = { kind: 'logfire' };
        method = r.method;
        methodNode = fn;
      } else if (!this.wrapperNames.has(name)) return undefined;
    } else return undefined;
    const argsNode = call.childForFieldName('arguments');
    if (!argsNode || argsNode.type !== 'arguments') return undefined;
    if (recv && (method === 'startActiveSpan' || method === 'span')) this.callbackBinding(call);
    if (recv && methodNode) {
      if (recv.kind === 'logfire') return this.logfireCall(call, fn, argsNode, method, methodNode);
      if (recv.kind === 'otel-tracer') return method === 'startSpan' || method === 'startActiveSpan' ? this.otelSpan(call, fn, argsNode, method) : undefined;
      if (recv.kind === 'span') return SPAN_METHODS.has(method) ? this.spanMethod(call, fn, argsNode, method, recv) : undefined;
      return undefined;
    }
    const wrapper = matchWrapper(fn.text, this.language, this.opts.wrappers);
    if (!wrapper) return undefined;
    const args = argItems(argsNode);
    const c = this.base(call, fn, 'wrapper', wrapper.kind === 'span' ? 'span' : 'log', methodNode?.text ?? fn.text);
    if (wrapper.level) c.level = wrapper.level;
    const idx = wrapper.messageArg ?? 0;
    if (args[idx]) c.message = this.value(args[idx]);
    const attrs = args[idx + 1];
    if (attrs) this.objectAttributes(c, attrs, 'dict');
    else c.insertAttribute = this.newObjectInsertion(args);
    return c;
  }

  private base(call: Node, fn: Node, library: TelemetryCall['library'], kind: TelemetryCall['kind'], method: string): TelemetryCall {
    return {
      language: this.language,
      library,
      kind,
      method,
      attributes: [],
      hasSplat: false,
      reservedKeywords: [],
      range: nodeRange(call),
      calleeRange: nodeRange(fn),
    };
  }

  private logfireCall(call: Node, fn: Node, argsNode: Node, method: string, methodNode: Node): TelemetryCall | undefined {
    if (!LOGFIRE_FNS.has(method) && Object.hasOwn(LOGFIRE_MISTAKES, method)) {
      const c = this.logfireCall(call, fn, argsNode, LOGFIRE_MISTAKES[method], methodNode);
      if (c) c.unknownMethod = { name: method, suggestion: LOGFIRE_MISTAKES[method], range: nodeRange(methodNode) };
      return c;
    }
    if (!LOGFIRE_FNS.has(method) || method === 'withTags' || method === 'withSettings') return undefined;
    const args = argItems(argsNode);
    if (method === 'instrument') {
      const c = this.base(call, fn, 'logfire', 'instrument', method);
      const opts = args[1];
      const msg = opts?.type === 'object' ? objectProperty(opts, 'message') : undefined;
      if (msg) c.message = this.value(msg);
      const attrs = opts?.type === 'object' ? objectProperty(opts, 'attributes') : undefined;
      if (attrs) this.objectAttributes(c, attrs, 'dict');
      return c;
    }
    const kind = method === 'span' || method === 'startSpan' || method === 'startPendingSpan' ? 'span' : 'log';
    const c = this.base(call, fn, 'logfire', kind, method);
    if (args[0]) c.message = this.value(args[0]);
    let attrs: Node | undefined;
    let options: Node | undefined;
    if (method === 'reportError') {
      c.level = 'error';
      attrs = args[2];
      options = args[3];
      if (!attrs) c.insertAttribute = args[1] ? this.newObjectInsertion(args) : undefined;
    } else if (method === 'span' && args.length === 2 && args[1].type === 'object' && (objectProperty(args[1], 'callback') || objectProperty(args[1], 'attributes'))) {
      // span(msg, { attributes, callback, level, tags })
      options = args[1];
      attrs = objectProperty(args[1], 'attributes');
    } else {
      attrs = args[1];
      options = args[2];
      if (!attrs) c.insertAttribute = this.newObjectInsertion(args);
    }
    if (LOG_METHODS.has(method)) {
      c.level = normalizeLevel(method);
      c.levelRange = nodeRange(methodNode);
    }
    if (options?.type === 'object') {
      const lvl = objectProperty(options, 'level');
      if (lvl) this.levelFromArg(c, lvl);
    }
    if (attrs) this.objectAttributes(c, attrs, 'dict');
    return c;
  }

  private otelSpan(call: Node, fn: Node, argsNode: Node, method: string): TelemetryCall {
    const args = argItems(argsNode);
    const c = this.base(call, fn, 'otel', 'span', method);
    if (args[0]) c.message = this.value(args[0]);
    const opts = args[1];
    if (opts?.type === 'object') {
      const attrs = objectProperty(opts, 'attributes');
      if (attrs) this.objectAttributes(c, attrs, 'dict');
    } else if (opts && opts.type !== 'arrow_function' && opts.type !== 'function_expression') c.hasSplat = true;
    return c;
  }

  private spanMethod(call: Node, fn: Node, argsNode: Node, method: string, recv: { lib: 'logfire' | 'otel'; message?: Node }): TelemetryCall {
    const args = argItems(argsNode);
    const kind = method === 'addEvent' ? 'event' : 'set-attribute';
    const c = this.base(call, fn, recv.lib, kind, method);
    if (recv.message) c.spanMessage = this.value(recv.message);
    if (method === 'setAttribute') {
      const [k, v] = args;
      if (k && v) {
        const key = this.value(k);
        if (key.kind === 'string' && typeof key.value === 'string') {
          c.attributes.push({ key: key.value, keyRange: key.contentRange ?? key.range, value: this.value(v), range: { start: pos(k.startPosition), end: endPos(v) }, source: 'setAttribute' });
        } else c.hasSplat = true;
      }
    } else if (method === 'setAttributes') {
      if (args[0]) this.objectAttributes(c, args[0], 'setAttribute');
      c.insertAttribute = undefined;
    } else {
      if (args[0]) c.message = this.value(args[0]);
      const attrs = args[1];
      if (attrs && attrs.type !== 'number' && attrs.type !== 'new_expression') this.objectAttributes(c, attrs, 'dict');
    }
    return c;
  }

  /** `{ a, b: 1, 'c.d': x, ...rest }` → attributes; non-literal → unknown set. */
  private objectAttributes(c: TelemetryCall, obj: Node, source: TelemetryAttribute['source']): void {
    if (obj.type === 'null' || obj.type === 'undefined') return;
    if (obj.type !== 'object') {
      c.hasSplat = true;
      return;
    }
    const items: Node[] = [];
    for (const p of obj.namedChildren) {
      if (p.type === 'comment') continue;
      items.push(p);
      if (p.type === 'pair') {
        const k = p.childForFieldName('key');
        const v = p.childForFieldName('value');
        if (!k || !v) continue;
        let key: string | undefined;
        let keyRange = nodeRange(k);
        if (k.type === 'property_identifier' || k.type === 'number') key = k.text;
        else if (k.type === 'string') {
          const kv = this.value(k);
          if (typeof kv.value === 'string') {
            key = kv.value;
            keyRange = kv.contentRange ?? keyRange;
          }
        }
        if (key === undefined) {
          c.hasSplat = true;
          continue;
        }
        c.attributes.push({ key, keyRange, value: this.value(v), range: nodeRange(p), source });
      } else if (p.type === 'shorthand_property_identifier') {
        c.attributes.push({ key: p.text, keyRange: nodeRange(p), value: { kind: 'identifier', text: p.text, range: nodeRange(p) }, range: nodeRange(p), source });
      } else if (p.type === 'spread_element') {
        c.hasSplat = true;
      }
    }
    if (source !== 'setAttribute') c.insertAttribute = listInsertion(this.source, obj.child(0)!, items, 'object', ' ');
  }

  /** No attributes object yet: add one after the last argument. */
  private newObjectInsertion(args: Node[]): TelemetryCall['insertAttribute'] {
    const last = args[args.length - 1];
    if (!last) return undefined;
    return { position: endPos(last), prefix: ', { ', suffix: ' }', style: 'object' };
  }

  private levelFromArg(c: TelemetryCall, n: Node): void {
    const v = this.value(n);
    if (v.kind === 'string' && typeof v.value === 'string') {
      const l = normalizeLevel(v.value);
      if (l) {
        c.level = l;
        c.levelRange = v.contentRange ?? v.range;
      }
    } else if (v.kind === 'int' && typeof v.value === 'number') {
      const l = levelFromOtelNumber(v.value);
      if (l) c.level = l;
    } else if (n.type === 'member_expression') {
      const l = normalizeLevel(n.childForFieldName('property')?.text ?? '');
      if (l) c.level = l;
    }
  }

  // ---- values -----------------------------------------------------------------------------------

  value(outer: Node): ArgValue {
    const { text, range } = textAndRange(outer);
    // Parentheses and type assertions do not change the value: unwrap them iteratively.
    let n = outer;
    while (n.type === 'parenthesized_expression' || n.type === 'as_expression' || n.type === 'satisfies_expression' || n.type === 'non_null_expression') {
      const inner = n.firstNamedChild;
      if (!inner) return { kind: 'other', text, range };
      n = inner;
    }
    switch (n.type) {
      case 'string': {
        // A complete quoted literal is read from its text (no tree lookups).
        const own = n === outer ? text : undefined;
        const q = own?.[0];
        if (own && (q === '"' || q === "'") && own.length >= 2 && own[own.length - 1] === q && own[own.length - 2] !== '\\') {
          const start = indexPos(n.startIndex + 1);
          const end = indexPos(n.startIndex + own.length - 1);
          if (start && end) return { kind: 'string', text, range, value: decodeEscapes(own.slice(1, -1)), contentRange: { start, end } };
        }
        const first = n.firstChild;
        const last = n.lastChild;
        const contentRange = first && last && n.childCount >= 2 ? { start: endPos(first), end: pos(last.startPosition) } : undefined;
        const body = first && last && n.childCount >= 2 ? this.source.slice(first.endIndex, last.startIndex) : n.text.slice(1, -1);
        return { kind: 'string', text, range, value: decodeEscapes(body), contentRange };
      }
      case 'template_string': {
        const parts: { expr: string; range: ArgValue['range'] }[] = [];
        for (const ch of n.namedChildren) {
          if (ch.type === 'template_substitution') {
            const e = ch.firstNamedChild;
            if (e) parts.push({ expr: e.text, range: nodeRange(e) });
          }
        }
        const nr = nodeRange(n);
        const contentRange = { start: { line: nr.start.line, character: nr.start.character + 1 }, end: { line: nr.end.line, character: nr.end.character - 1 } };
        if (parts.length) return { kind: 'fstring', text, range, parts, contentRange };
        return { kind: 'string', text, range, value: decodeEscapes(n.text.slice(1, -1)), contentRange };
      }
      case 'number': {
        const lit = n.text;
        const num = Number(lit.replace(/_/g, '').replace(/n$/, ''));
        if (!Number.isFinite(num)) return { kind: 'other', text, range };
        return { kind: /^[0-9_]+n?$|^0[xXoObB]/.test(lit) ? 'int' : Number.isInteger(num) && !/[.eE]/.test(lit) ? 'int' : 'float', text, range, value: num };
      }
      case 'true':
        return { kind: 'bool', text, range, value: true };
      case 'false':
        return { kind: 'bool', text, range, value: false };
      case 'null':
      case 'undefined':
        return { kind: 'none', text, range, value: null };
      case 'object':
        return { kind: 'dict', text, range };
      case 'array':
        return { kind: 'list', text, range };
      case 'identifier':
        return n.text === 'undefined' ? { kind: 'none', text, range, value: null } : { kind: 'identifier', text, range };
      case 'unary_expression': {
        const arg = n.childForFieldName('argument');
        const op = n.childForFieldName('operator')?.text;
        if (arg?.type === 'number' && (op === '-' || op === '+')) {
          const inner = this.value(arg);
          if (typeof inner.value === 'number') return { kind: inner.kind, text, range, value: op === '-' ? -inner.value : inner.value };
        }
        return { kind: 'other', text, range };
      }
      case 'binary_expression': {
        const op = n.childForFieldName('operator')?.text;
        if (op === '+' && hasStringOperand(n, 0)) return { kind: 'concat', text, range };
        return { kind: 'other', text, range };
      }
      case 'call_expression':
        return { kind: 'call', text, range };
      default:
        return { kind: 'other', text, range };
    }
  }
}

function hasStringOperand(n: Node, depth: number): boolean {
  if (depth > 8) return false;
  for (const side of ['left', 'right']) {
    const x = n.childForFieldName(side);
    if (!x) continue;
    if (x.type === 'string' || x.type === 'template_string') return true;
    if (x.type === 'binary_expression' && hasStringOperand(x, depth + 1)) return true;
  }
  return false;
}

export function namedLogfire(name: string): Receiver | undefined {
  if (name === 'default' || name === 'logfire') return { kind: 'logfire' };
  return LOGFIRE_FNS.has(name) ? { kind: 'logfire-fn', method: name } : undefined;
}

function stringLiteral(n: Node | null | undefined): string | undefined {
  if (!n || n.type !== 'string') return undefined;
  return n.text.slice(1, -1);
}

/** `require('pkg')` → 'pkg'. */
function requiredPackage(n: Node): string | undefined {
  if (n.type !== 'call_expression') return undefined;
  const fn = n.childForFieldName('function');
  if (fn?.type !== 'identifier' || fn.text !== 'require') return undefined;
  return stringLiteral(argList(n)[0]);
}

function argItems(argsNode: Node): Node[] {
  const out: Node[] = [];
  for (const a of argsNode.namedChildren) if (a.type !== 'comment') out.push(a);
  return out;
}

function argList(call: Node): Node[] {
  const a = call.childForFieldName('arguments');
  return a ? argItems(a) : [];
}

function objectProperty(obj: Node, name: string): Node | undefined {
  for (const p of obj.namedChildren) {
    if (p.type === 'pair') {
      const k = p.childForFieldName('key');
      if (k && (k.text === name || stringLiteral(k) === name)) return p.childForFieldName('value') ?? undefined;
    } else if (p.type === 'shorthand_property_identifier' && p.text === name) return p;
  }
  return undefined;
}

function firstParamName(fn: Node): string | undefined {
  const single = fn.childForFieldName('parameter');
  if (single?.type === 'identifier') return single.text;
  const params = fn.childForFieldName('parameters');
  const first = params?.firstNamedChild;
  if (!first) return undefined;
  const pat = first.type === 'identifier' ? first : first.childForFieldName('pattern');
  return pat?.type === 'identifier' ? pat.text : undefined;
}

/** Every telemetry call in a parsed TypeScript/JavaScript file. */
export function extractTypeScript(tree: Tree, source: string, language: SourceLanguage, opts: ExtractOptions = {}): TelemetryCall[] {
  return new TsExtractor(source, language, opts).run(syntaxRoot(tree, source));
}
