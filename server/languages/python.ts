// Python extraction: finds Logfire, structlog, loguru, stdlib `logging` (with extra=), OpenTelemetry and
// project-wrapper calls in a tree-sitter tree and turns them into TelemetryCall records.
//
// Two passes over node lists tree-sitter collects natively: (1) imports and assignments build a
// flow-insensitive map from names (`lf`, `LOG`, `self._logger`, `span`) to what they hold
// (python-scope.ts); (2) every call and decorator is classified through that map. Arguments and
// values are read by python-args.ts.
import type { Tree } from 'web-tree-sitter';
import { type SyntaxNode as Node, syntaxRoot } from './nodes';
import type { TelemetryCall } from '../model/calls';
import { type ExtractOptions, cachedRegExp, callsAtMatches, escapeRegExp, listInsertion, matchWrapper, endPos, nodeRange, nodesAtMatches, normalizeLevel, pos } from './common';
import { PyArgReader } from './python-args';
import { LOG_OPTIONS, LOGFIRE_FNS, LOGFIRE_MISTAKES, LOGURU_LOG, LOGURU_MISTAKES, PY_METHODS, PY_METHODS_RE, STDLIB_LOG, STRUCTLOG_LOG, type Receiver } from './python-receivers';
import { PyScope } from './python-scope';

export { pythonMayBind } from './python-receivers';

const DECORATOR_TYPES = new Set(['decorator']);

class PyExtractor extends PyArgReader {
  private readonly scope: PyScope;
  private calls: TelemetryCall[] = [];
  /** Last name segment of every configured wrapper (`telemetry.log_info` → `log_info`). */
  private readonly wrapperNames: Set<string>;

  constructor(
    source: string,
    private readonly opts: ExtractOptions,
  ) {
    super(source);
    this.scope = new PyScope(source);
    this.wrapperNames = new Set((opts.wrappers ?? []).filter((w) => !w.languages || w.languages.includes('python')).map((w) => w.name.slice(w.name.lastIndexOf('.') + 1)));
  }

  run(root: Node): TelemetryCall[] {
    const src = this.source;
    const env = this.scope.env;
    if (this.opts.seedBindings) {
      for (const [k, recv] of this.opts.seedBindings) env.set(k, recv as Receiver);
    } else {
      // Handles imported from project modules first: the file's own bindings may build on them.
      if (this.opts.imports) for (const [name, recv] of Object.entries(this.opts.imports)) env.set(name, recv as Receiver);
      this.scope.read(root);
    }
    if (this.opts.onBindings) this.opts.onBindings(this.scope.bindingEntries(), env);
    // 3. Calls whose callee ends in a telemetry method / imported function / wrapper name.
    const bare = [...this.wrapperNames];
    for (const [k, recv] of this.scope.env) if (recv.kind === 'logfire-fn') bare.push(k);
    const methods = this.wrapperNames.size ? [PY_METHODS_RE, ...[...this.wrapperNames].map(escapeRegExp)].join('|') : PY_METHODS_RE;
    // `obj.method(` (group 1) or a bare imported function / wrapper `name(` (group 2).
    let pattern = `\\.\\s*(${methods})\\s*\\(`;
    if (bare.length) pattern += `|(?<![\\w.])(${bare.map(escapeRegExp).join('|')})\\s*\\(`;
    const callRe = cachedRegExp(pattern, 'g');
    const from = this.opts.callRange?.start ?? 0;
    const to = this.opts.callRange?.end ?? Infinity;
    for (const { node, nameStart } of callsAtMatches(root, src, callRe, 'call', from, to)) {
      const c = this.classify(node, nameStart);
      if (c) this.calls.push(c);
    }
    // 4. `@logfire.instrument` without arguments.
    if (src.includes('instrument')) {
      for (const n of nodesAtMatches(root, src, /@[\w.\s]*?\b(instrument)\b(?!\s*\()/dg, DECORATOR_TYPES, 3, undefined, undefined, from, to)) {
        const expr = n.firstNamedChild;
        if (expr && expr.type !== 'call') this.decoratorWithoutCall(n, expr);
      }
      this.calls.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
    }
    return this.calls;
  }


  // ---- calls ------------------------------------------------------------------------------------

  /** `nameStart`: where the callee name the call was found by starts (the call is skipped unless it is the callee's last name). */
  private classify(call: Node, nameStart: number): TelemetryCall | undefined {
    // Cheap rejection first (most calls in a file are not telemetry): only the callee's last name
    // is looked at before anything else is read from the tree.
    const fn = call.childForFieldName('function');
    if (!fn) return undefined;
    const ftype = fn.type;
    let recv: Receiver | undefined;
    let recvName = '';
    let method = '';
    let methodNode: Node | null = null;
    if (ftype === 'attribute') {
      methodNode = fn.childForFieldName('attribute');
      if (!methodNode || methodNode.startIndex !== nameStart) return undefined;
      method = methodNode.text;
      if (!PY_METHODS.has(method) && !this.wrapperNames.has(method)) return undefined;
      const obj = fn.childForFieldName('object');
      if (!obj) return undefined;
      recv = this.scope.resolve(obj);
      recvName = obj.text;
    } else if (ftype === 'identifier') {
      if (fn.startIndex !== nameStart) return undefined;
      const name = fn.text;
      const bound = this.scope.env.get(name);
      if (bound?.kind === 'logfire-fn') {
        recv = { kind: 'logfire' };
        method = bound.method;
        methodNode = fn;
      } else if (!this.wrapperNames.has(name)) return undefined;
    } else return undefined;
    const args = call.childForFieldName('arguments');
    if (!args || args.type !== 'argument_list') return undefined;
    const decorator = this.mayBeDecorated(call) ? this.decoratorOf(call) : undefined;
    if (recv && methodNode) {
      switch (recv.kind) {
        case 'logfire':
          return this.logfireCall(call, fn, args, method, methodNode, decorator);
        case 'logfire-span':
          return this.setAttributeCall(call, fn, args, method, 'logfire', this.scope.spanMessageAt(recvName, recv.message, call.startIndex));
        case 'structlog':
          if (!STRUCTLOG_LOG.has(method) && !(method.startsWith('a') && STRUCTLOG_LOG.has(method.slice(1)))) return undefined;
          return this.loggerCall(call, fn, args, method, methodNode, 'structlog', recv.bound);
        case 'loguru':
          if (!LOGURU_LOG.has(method)) {
            const meant = Object.hasOwn(LOGURU_MISTAKES, method) ? LOGURU_MISTAKES[method] : undefined;
            return meant ? mistaken(this.loggerCall(call, fn, args, meant, methodNode, 'loguru', recv.bound, recv.record), method, meant, methodNode) : undefined;
          }
          return this.loggerCall(call, fn, args, method, methodNode, 'loguru', recv.bound, recv.record);
        case 'stdlib':
        case 'logging-mod':
          if (!STDLIB_LOG.has(method)) return undefined;
          return this.stdlibCall(call, fn, args, method, methodNode);
        case 'otel-tracer':
          if (method !== 'start_span' && method !== 'start_as_current_span') return undefined;
          return this.otelSpanCall(call, fn, args, method, decorator);
        case 'otel-span':
          if (method === 'add_event') return this.otelEventCall(call, fn, args, this.scope.spanMessageAt(recvName, recv.message, call.startIndex));
          return this.setAttributeCall(call, fn, args, method, 'otel', this.scope.spanMessageAt(recvName, recv.message, call.startIndex));
        default:
          break;
      }
    }
    if (recv) return undefined;
    const wrapper = matchWrapper(fn.text, 'python', this.opts.wrappers);
    if (!wrapper) return undefined;
    const argList = this.splitArgs(args);
    const c = this.base(call, fn, 'wrapper', wrapper.kind === 'span' ? 'span' : 'log', fn.type === 'attribute' ? (methodNode?.text ?? fn.text) : fn.text, decorator);
    if (wrapper.level) c.level = wrapper.level;
    const msg = argList.positional[wrapper.messageArg ?? 0];
    if (msg) c.message = this.value(msg);
    this.keywordAttributes(c, argList, false);
    c.insertAttribute = listInsertion(this.source, args.child(0)!, argList.items, 'keyword');
    return c;
  }

  /**
   * Can the call be a decorator's expression (`@` NEWLINE-free expression)? Only when `@` precedes
   * it, with nothing but blanks and line continuations in between: a text test that spares a parent
   * lookup for every other call. Anything unusual (a comment) falls back to the tree.
   */
  private mayBeDecorated(call: Node): boolean {
    const src = this.source;
    for (let i = call.startIndex - 1; i >= 0; i--) {
      const ch = src.charCodeAt(i);
      if (ch === 64 /* @ */) return true;
      if (ch === 32 || ch === 9 || ch === 12 || ch === 92 /* \ */) continue;
      if (ch === 10 || ch === 13) {
        // A line break is inside a decorator only after a backslash continuation.
        let j = i - 1;
        if (ch === 10 && src.charCodeAt(j) === 13) j--;
        if (src.charCodeAt(j) !== 92) return src.charCodeAt(j) !== 10 && src.charCodeAt(j) !== 13 && j >= 0 && lineHasComment(src, j);
        i = j;
        continue;
      }
      return false;
    }
    return false;
  }

  private decoratorOf(call: Node): Node | undefined {
    const p = call.parent;
    return p?.type === 'decorator' ? p : undefined;
  }

  private base(call: Node, fn: Node, library: TelemetryCall['library'], kind: TelemetryCall['kind'], method: string, decorator?: Node): TelemetryCall {
    return {
      language: 'python',
      library,
      kind,
      method,
      attributes: [],
      hasSplat: false,
      reservedKeywords: [],
      range: nodeRange(decorator ?? call),
      calleeRange: nodeRange(fn),
    };
  }

  private logfireCall(call: Node, fn: Node, args: Node, method: string, methodNode: Node, decorator?: Node): TelemetryCall | undefined {
    if (!LOGFIRE_FNS.has(method)) {
      const meant = !decorator && Object.hasOwn(LOGFIRE_MISTAKES, method) ? LOGFIRE_MISTAKES[method] : undefined;
      return meant ? mistaken(this.logfireCall(call, fn, args, meant, methodNode), method, meant, methodNode) : undefined;
    }
    const argList = this.splitArgs(args);
    if (method === 'instrument') {
      const c = this.base(call, fn, 'logfire', 'instrument', method, decorator);
      const msg = argList.positional[0] ?? argList.keywords.get('msg_template')?.value;
      if (msg) c.message = this.value(msg);
      const lvl = argList.keywords.get('level')?.value;
      if (lvl) this.levelFromArg(c, lvl, 'otel');
      if (decorator) this.instrumentArgs(c, decorator, argList.keywords.get('extract_args')?.value);
      return c;
    }
    const kind = method === 'span' ? 'span' : 'log';
    const c = this.base(call, fn, 'logfire', kind, method, decorator);
    if (method === 'log') {
      const lvl = argList.positional[0] ?? argList.keywords.get('level')?.value;
      if (lvl) this.levelFromArg(c, lvl, 'otel');
      const msg = argList.positional[1] ?? argList.keywords.get('msg_template')?.value;
      if (msg) c.message = this.value(msg);
      const attrs = argList.positional[2] ?? argList.keywords.get('attributes')?.value;
      if (attrs) this.dictAttributes(c, attrs, 'dict');
      else c.insertAttribute = listInsertion(this.source, args.child(0)!, argList.items, 'object');
      if (!attrs && c.insertAttribute) {
        c.insertAttribute = { ...c.insertAttribute, prefix: `${c.insertAttribute.prefix}attributes={`, suffix: `}${c.insertAttribute.suffix}` };
      }
      return c;
    }
    if (kind === 'log') {
      c.level = normalizeLevel(method);
      c.levelRange = nodeRange(methodNode);
    }
    const msg = argList.positional[0];
    if (msg) c.message = this.value(msg);
    this.keywordAttributes(c, argList, true);
    if (kind === 'span') {
      const lvl = argList.keywords.get('_level')?.value;
      if (lvl) this.levelFromArg(c, lvl, 'otel');
    }
    c.insertAttribute = listInsertion(this.source, args.child(0)!, argList.items, 'keyword');
    return c;
  }

  private loggerCall(call: Node, fn: Node, args: Node, method: string, methodNode: Node, library: 'structlog' | 'loguru', bound: string[], record = false): TelemetryCall {
    const argList = this.splitArgs(args);
    const c = this.base(call, fn, library, 'log', method);
    const plain = library === 'structlog' && method.length > 1 && method.startsWith('a') && STRUCTLOG_LOG.has(method.slice(1)) ? method.slice(1) : method;
    let msgIndex = 0;
    if (plain === 'log') {
      const lvl = argList.positional[0] ?? argList.keywords.get('level')?.value;
      if (lvl) this.levelFromArg(c, lvl, 'stdlib');
      msgIndex = 1;
    } else {
      c.level = normalizeLevel(plain);
      c.levelRange = nodeRange(methodNode);
    }
    const msg = argList.positional[msgIndex] ?? argList.keywords.get(library === 'structlog' ? 'event' : 'message')?.value;
    if (msg && msg.type === 'dictionary') this.dictMessage(c, msg);
    else if (msg) c.message = this.value(msg);
    if (bound.length) c.boundKeys = [...new Set(bound)];
    if (record) c.formatKeys = ['record'];
    for (const kw of argList.keywordList) {
      const name = kw.name;
      if (library === 'structlog' && name === 'event' && msg === kw.value) continue;
      if (LOG_OPTIONS.has(name)) continue;
      if (library === 'loguru' && name === 'extra') {
        this.dictAttributes(c, kw.value, 'extra');
        continue;
      }
      c.attributes.push(this.keywordAttribute(kw, 'keyword'));
    }
    if (argList.splat) c.hasSplat = true;
    c.insertAttribute ??= listInsertion(this.source, args.child(0)!, argList.items, 'keyword');
    return c;
  }

  /** `logger.info({"event": "agent_created", "model": m})`: the dict's `event` is the name, the rest attributes. */
  private dictMessage(c: TelemetryCall, d: Node): void {
    this.dictAttributes(c, d, 'dict');
    const i = c.attributes.findIndex((argList) => argList.key === 'event' || argList.key === 'message' || argList.key === 'msg');
    if (i >= 0) {
      c.message = c.attributes[i].value;
      c.attributes.splice(i, 1);
    } else c.message = this.value(d);
  }

  private stdlibCall(call: Node, fn: Node, args: Node, method: string, methodNode: Node): TelemetryCall | undefined {
    const argList = this.splitArgs(args);
    const extra = argList.keywords.get('extra');
    // Without `extra=` a stdlib call carries no attributes: it is kept only when its message is a
    // plain string holding `{name}` fields, which logging prints as literal braces (TL016).
    if (!extra && !bracedPlainString(argList.positional[method === 'log' ? 1 : 0])) return undefined;
    const c = this.base(call, fn, 'stdlib', 'log', method);
    let msgIndex = 0;
    if (method === 'log') {
      const lvl = argList.positional[0] ?? argList.keywords.get('level')?.value;
      if (lvl) this.levelFromArg(c, lvl, 'stdlib');
      msgIndex = 1;
    } else {
      c.level = normalizeLevel(method);
      c.levelRange = nodeRange(methodNode);
    }
    const msg = argList.positional[msgIndex] ?? argList.keywords.get('msg')?.value;
    if (msg) c.message = this.value(msg);
    if (extra) this.dictAttributes(c, extra.value, 'extra');
    if (argList.splat) c.hasSplat = true;
    return c;
  }

  private otelSpanCall(call: Node, fn: Node, args: Node, method: string, decorator?: Node): TelemetryCall {
    const argList = this.splitArgs(args);
    const c = this.base(call, fn, 'otel', 'span', method, decorator);
    const msg = argList.positional[0] ?? argList.keywords.get('name')?.value;
    if (msg) c.message = this.value(msg);
    const attrs = argList.keywords.get('attributes')?.value ?? argList.positional[2];
    if (attrs) this.dictAttributes(c, attrs, 'dict');
    else {
      const ins = listInsertion(this.source, args.child(0)!, argList.items, 'object');
      if (ins) c.insertAttribute = { ...ins, prefix: `${ins.prefix}attributes={`, suffix: `}${ins.suffix}` };
    }
    if (argList.splat) c.hasSplat = true;
    return c;
  }

  private otelEventCall(call: Node, fn: Node, args: Node, spanMessage?: Node): TelemetryCall {
    const argList = this.splitArgs(args);
    const c = this.base(call, fn, 'otel', 'event', 'add_event');
    const msg = argList.positional[0] ?? argList.keywords.get('name')?.value;
    if (msg) c.message = this.value(msg);
    const attrs = argList.positional[1] ?? argList.keywords.get('attributes')?.value;
    if (attrs) this.dictAttributes(c, attrs, 'dict');
    if (spanMessage) c.spanMessage = this.value(spanMessage);
    return c;
  }

  private setAttributeCall(call: Node, fn: Node, args: Node, method: string, library: 'logfire' | 'otel', spanMessage?: Node): TelemetryCall | undefined {
    if (method !== 'set_attribute' && method !== 'set_attributes') return undefined;
    const argList = this.splitArgs(args);
    const c = this.base(call, fn, library, 'set-attribute', method);
    if (spanMessage) c.spanMessage = this.value(spanMessage);
    if (method === 'set_attribute') {
      const [k, v] = argList.positional;
      if (!k || !v) return c;
      const key = this.value(k);
      if (key.kind === 'string' && typeof key.value === 'string') {
        c.attributes.push({ key: key.value, keyRange: key.contentRange ?? key.range, value: this.value(v), range: { start: pos(k.startPosition), end: endPos(v) }, source: 'setAttribute' });
      } else c.hasSplat = true;
    } else {
      const d = argList.positional[0];
      if (d) this.dictAttributes(c, d, 'setAttribute');
    }
    return c;
  }

  /** `@logfire.instrument` without arguments. */
  private decoratorWithoutCall(dec: Node, expr: Node): void {
    if (expr.type !== 'attribute' && expr.type !== 'identifier') return;
    let ok = false;
    if (expr.type === 'attribute') {
      const obj = expr.childForFieldName('object');
      ok = expr.childForFieldName('attribute')?.text === 'instrument' && !!obj && this.scope.resolve(obj)?.kind === 'logfire';
    } else {
      const recv = this.scope.env.get(expr.text);
      ok = recv?.kind === 'logfire-fn' && recv.method === 'instrument';
    }
    if (!ok) return;
    const c: TelemetryCall = {
      language: 'python',
      library: 'logfire',
      kind: 'instrument',
      method: 'instrument',
      attributes: [],
      hasSplat: false,
      reservedKeywords: [],
      range: nodeRange(dec),
      calleeRange: nodeRange(expr),
    };
    this.instrumentArgs(c, dec, undefined);
    this.calls.push(c);
  }

  /** `@logfire.instrument` records the function's arguments as attributes unless extract_args=False. */
  private instrumentArgs(c: TelemetryCall, dec: Node, extract: Node | undefined): void {
    if (extract && extract.type === 'false') return;
    const def = dec.parent?.childForFieldName('definition');
    if (!def || def.type !== 'function_definition') return;
    let only: Set<string> | undefined;
    if (extract && (extract.type === 'list' || extract.type === 'tuple')) {
      only = new Set(extract.namedChildren.map((n) => this.value(n)).filter((v) => v.kind === 'string').map((v) => String(v.value)));
    }
    const params = def.childForFieldName('parameters');
    if (!params) return;
    for (const p of params.namedChildren) {
      let nameNode: Node | null = null;
      let valueNode: Node | null = null;
      switch (p.type) {
        case 'identifier':
          nameNode = p;
          break;
        case 'typed_parameter':
          nameNode = p.firstNamedChild;
          break;
        case 'default_parameter':
        case 'typed_default_parameter':
          nameNode = p.childForFieldName('name');
          valueNode = p.childForFieldName('value');
          break;
        case 'list_splat_pattern':
        case 'dictionary_splat_pattern':
          if (!only) c.hasSplat = true;
          continue;
        default:
          continue;
      }
      if (!nameNode || nameNode.type !== 'identifier') continue;
      const key = nameNode.text;
      if (key === 'self' || key === 'cls' || (only && !only.has(key))) continue;
      const v = valueNode ? this.value(valueNode) : { kind: 'identifier' as const, text: key, range: nodeRange(nameNode) };
      c.attributes.push({ key, keyRange: nodeRange(nameNode), value: v, range: nodeRange(p), source: 'keyword' });
    }
  }

}

/** Does the line ending at `end` (inclusive) hold a `#`? Then the tree decides (a comment may sit between `@` and the call). */
function lineHasComment(src: string, end: number): boolean {
  const start = src.lastIndexOf('\n', end) + 1;
  return src.slice(start, end + 1).includes('#');
}

/** Marks a call written with a method the library lacks (the call itself describes the method meant). */
function mistaken(c: TelemetryCall | undefined, name: string, suggestion: string, methodNode: Node): TelemetryCall | undefined {
  if (c) c.unknownMethod = { name, suggestion, range: nodeRange(methodNode) };
  return c;
}

/** Every telemetry call in a parsed Python file. */
export function extractPython(tree: Tree, source: string, opts: ExtractOptions = {}): TelemetryCall[] {
  return new PyExtractor(source, opts).run(syntaxRoot(tree, source));
}

/** A plain (not f-, not bytes) string literal with a `{name…}` field in it. */
function bracedPlainString(n: Node | undefined): boolean {
  if (!n || n.type !== 'string') return false;
  const t = n.text;
  return /^[rRuU]?["']/.test(t) && /\{[A-Za-z_]/.test(t);
}
