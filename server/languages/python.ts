// Python extraction: finds Logfire, structlog, loguru, stdlib `logging` (with extra=), OpenTelemetry and
// project-wrapper calls in a tree-sitter tree and turns them into TelemetryCall records.
//
// Two passes over node lists tree-sitter collects natively: (1) imports and assignments build a
// flow-insensitive map from names (`lf`, `LOG`, `self._logger`, `span`) to what they hold; (2) every
// call and decorator is classified through that map.
import type { Tree } from 'web-tree-sitter';
import { type SyntaxNode as Node, syntaxRoot } from './nodes';
import type { ArgValue, TelemetryAttribute, TelemetryCall } from '../lint/types';
import type { LevelName } from '../schema/model';
import {
  type BindingEntry,
  type ExtractOptions,
  decodeEscapes,
  cachedRegExp,
  callsAtMatches,
  escapeRegExp,
  needleAlternation,
  levelFromOtelNumber,
  levelFromStdlibNumber,
  listInsertion,
  matchWrapper,
  endPos,
  indexPos,
  nodeRange,
  nodesAtMatches,
  normalizeLevel,
  pos,
  textAndRange,
} from './common';

/** What a name or expression holds. */
type Recv =
  | { t: 'logfire' }
  | { t: 'logfire-fn'; method: string }
  | { t: 'logfire-class' }
  | { t: 'logfire-span'; message?: Node }
  | { t: 'structlog-mod' }
  | { t: 'structlog-factory' }
  | { t: 'structlog'; bound: string[] }
  | { t: 'loguru-mod' }
  | { t: 'loguru'; bound: string[]; record?: boolean }
  | { t: 'logging-mod' }
  | { t: 'logging-factory' }
  | { t: 'stdlib' }
  | { t: 'otel-root' }
  | { t: 'otel-trace' }
  | { t: 'otel-get-tracer' }
  | { t: 'otel-get-span' }
  | { t: 'otel-tracer' }
  | { t: 'otel-span'; message?: Node };

const LOGFIRE_LOG = new Set(['trace', 'debug', 'info', 'notice', 'warn', 'warning', 'error', 'fatal', 'exception']);
const LOGFIRE_FNS = new Set([...LOGFIRE_LOG, 'log', 'span', 'instrument']);
const STRUCTLOG_LOG = new Set(['debug', 'info', 'warning', 'warn', 'error', 'critical', 'exception', 'fatal', 'msg', 'log']);
const LOGURU_LOG = new Set(['trace', 'debug', 'info', 'success', 'warning', 'error', 'critical', 'exception', 'log']);
/** Level methods other libraries have and these do not (AttributeError at runtime) → the method meant. */
const LOGFIRE_MISTAKES: Record<string, string> = { critical: 'fatal', success: 'info' };
const LOGURU_MISTAKES: Record<string, string> = { warn: 'warning', fatal: 'critical', notice: 'info' };
const STDLIB_LOG = new Set(['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log']);
/** Every method name that can make a call telemetry (the cheap first test in classify). */
const PY_METHODS = new Set([
  ...LOGFIRE_FNS,
  ...STRUCTLOG_LOG,
  ...[...STRUCTLOG_LOG].map((m) => `a${m}`),
  ...LOGURU_LOG,
  ...STDLIB_LOG,
  'set_attribute',
  'set_attributes',
  'add_event',
  'start_span',
  'start_as_current_span',
]);
/** PY_METHODS as a regular-expression alternation (built once). */
const PY_METHODS_RE = [...PY_METHODS].map(escapeRegExp).join('|');
/** structlog/stdlib keywords that are options, not event attributes. */
const LOG_OPTIONS = new Set(['exc_info', 'stack_info', 'stacklevel']);

const LOGFIRE_MODULES = new Set(['logfire', 'logfire_api']);

const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement']);
const BINDING_TYPES = new Set(['assignment']);
const AS_TYPES = new Set(['as_pattern']);
const DECORATOR_TYPES = new Set(['decorator']);
/** Names whose presence on an assignment's right side can bind a telemetry receiver. */
const BINDING_NEEDLES = [
  'logfire',
  'logfire_api',
  'Logfire',
  'with_tags',
  'with_settings',
  'span',
  'structlog',
  'get_logger',
  'getLogger',
  'wrap_logger',
  'bind',
  'new',
  'opt',
  'patch',
  'getChild',
  'loguru',
  'logger',
  'logging',
  'trace',
  'get_tracer',
  'get_current_span',
  'start_span',
  'start_as_current_span',
];

function isStatementBoundary(type: string): boolean {
  return type.endsWith('statement') || type === 'block' || type === 'module' || type.endsWith('definition') || type === 'lambda';
}

class PyExtractor {
  private env = new Map<string, Recv>();
  /**
   * Every binding of a name to a span that carries a message, in source order, with the region it
   * holds in (its `with` block, else its function): a `span.set_attribute(...)` is tied to the
   * binding before it in the same region, never to a span opened elsewhere in the file.
   */
  private spans = new Map<string, { at: number; scope: [number, number]; message?: Node }[]>();
  private calls: TelemetryCall[] = [];
  /** Last name segment of every configured wrapper (`telemetry.log_info` → `log_info`). */
  private readonly wrapperNames: Set<string>;

  constructor(
    private readonly source: string,
    private readonly opts: ExtractOptions,
  ) {
    this.wrapperNames = new Set((opts.wrappers ?? []).filter((w) => !w.languages || w.languages.includes('python')).map((w) => w.name.slice(w.name.lastIndexOf('.') + 1)));
  }

  run(root: Node): TelemetryCall[] {
    const src = this.source;
    if (this.opts.seedBindings) {
      for (const [k, r] of this.opts.seedBindings) this.env.set(k, r as Recv);
    } else {
      // 1. Imports (statements starting a line).
      for (const n of nodesAtMatches(root, src, /^[ \t]*(import|from)\b/dgm, IMPORT_TYPES, 2)) {
        if (n.type === 'import_statement') this.importStatement(n);
        else this.importFrom(n);
      }
      // 2. Assignments whose right side mentions a telemetry name or factory (one statement per
      //    line), and `with … as x` targets.
      const bindRe = cachedRegExp(`^[ \\t]*[\\w.]+[ \\t]*(?::[^=\\n]*)?=(?!=)[^\\n]*?\\b(${needleAlternation(BINDING_NEEDLES, this.env.keys())})\\b`, 'dgm');
      const bindings = nodesAtMatches(root, src, bindRe, BINDING_TYPES, 14, isStatementBoundary);
      if (src.includes(' as ')) bindings.push(...nodesAtMatches(root, src, /\bas[ \t]+([A-Za-z_]\w*)/dg, AS_TYPES, 2));
      bindings.sort((x, y) => x.startIndex - y.startIndex);
      for (const n of bindings) {
        if (n.type === 'assignment') this.assignment(n);
        else this.asPattern(n);
      }
    }
    if (this.opts.onBindings) this.opts.onBindings(this.bindingEntries(), this.env);
    // 3. Calls whose callee ends in a telemetry method / imported function / wrapper name.
    const bare = [...this.wrapperNames];
    for (const [k, r] of this.env) if (r.t === 'logfire-fn') bare.push(k);
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

  // ---- bindings ---------------------------------------------------------------------------------

  /** The bindings as comparable entries (for `ExtractOptions.onBindings`). */
  private bindingEntries(): BindingEntry[] {
    const out: BindingEntry[] = [];
    for (const [name, r] of this.env) {
      let what: string = r.t;
      let at: [number, number] | undefined;
      if (r.t === 'logfire-fn') what += `:${r.method}`;
      else if (r.t === 'structlog' || r.t === 'loguru') what += `:${r.bound.join(',')}`;
      else if ((r.t === 'logfire-span' || r.t === 'otel-span') && r.message) {
        at = [r.message.startIndex, r.message.endIndex];
        what += `:${this.source.slice(at[0], at[1])}`;
      }
      out.push(at ? { name, what, at } : { name, what });
    }
    // Which span a `span.set_attribute(...)` is tied to depends on the region each binding holds in:
    // an edit inside such a region re-reads the whole file (see document.ts `sameBindings`).
    for (const [name, list] of this.spans) {
      for (const b of list) out.push({ name: `${name}#region`, what: `span-region:${b.message ? this.source.slice(b.message.startIndex, b.message.endIndex) : ''}`, at: b.scope });
    }
    return out;
  }

  private importStatement(n: Node): void {
    for (const child of n.namedChildren) {
      if (child.type === 'dotted_name') {
        const mod = child.text;
        const r = moduleRecv(mod);
        if (r) this.env.set(mod, r);
        else if (mod.startsWith('opentelemetry')) this.env.set('opentelemetry', { t: 'otel-root' });
      } else if (child.type === 'aliased_import') {
        const name = child.childForFieldName('name')?.text;
        const alias = child.childForFieldName('alias')?.text;
        if (!name || !alias) continue;
        const r = moduleRecv(name);
        if (r) this.env.set(alias, r);
      }
    }
  }

  private importFrom(n: Node): void {
    const mod = n.childForFieldName('module_name')?.text;
    if (!mod) return;
    for (const child of n.childrenForFieldName('name')) {
      let name: string;
      let alias: string;
      if (child.type === 'aliased_import') {
        name = child.childForFieldName('name')?.text ?? '';
        alias = child.childForFieldName('alias')?.text ?? '';
      } else {
        name = alias = child.text;
      }
      if (!name || !alias) continue;
      const r = fromImportRecv(mod, name);
      if (r) this.env.set(alias, r);
    }
  }

  private assignment(n: Node): void {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (!left || !right || (left.type !== 'identifier' && left.type !== 'attribute')) return;
    const r = this.resolve(right);
    if (!r) return;
    this.env.set(left.text, r);
    this.noteSpan(left.text, r, n, false);
    // A class attribute is also reachable as self.<name> / cls.<name>.
    if (left.type === 'identifier' && n.parent?.parent?.parent?.type === 'class_definition') {
      this.env.set(`self.${left.text}`, r);
      this.env.set(`cls.${left.text}`, r);
    }
  }

  private asPattern(n: Node): void {
    const value = n.namedChild(0);
    const target = n.childForFieldName('alias');
    if (!value || !target) return;
    const name = target.firstNamedChild ?? target;
    if (name.type !== 'identifier') return;
    const r = this.resolve(value);
    if (r) this.env.set(name.text, r);
    if (r) this.noteSpan(name.text, r, n, true);
  }

  private noteSpan(name: string, r: Recv, n: Node, isWith: boolean): void {
    if ((r.t !== 'logfire-span' && r.t !== 'otel-span') || !r.message) return;
    let scope: [number, number] = [0, this.source.length];
    for (let p = n.parent; p; p = p.parent) {
      if ((isWith && p.type === 'with_statement') || p.type === 'function_definition' || p.type === 'lambda') {
        scope = [p.startIndex, p.endIndex];
        break;
      }
    }
    const list = this.spans.get(name) ?? [];
    list.push({ at: n.startIndex, scope, message: r.message });
    this.spans.set(name, list);
  }

  /** The message of the span `name` holds at `index`: the latest binding before it whose region contains it. */
  private spanMessageAt(name: string, fallback: Node | undefined, index: number): Node | undefined {
    const list = this.spans.get(name);
    if (!list) return fallback;
    let found: Node | undefined;
    for (const b of list) if (b.at < index && b.scope[0] <= index && index < b.scope[1]) found = b.message;
    return found;
  }

  /** What an expression holds, as far as we can tell statically. */
  private resolve(n: Node, depth = 0): Recv | undefined {
    if (depth > 64) return undefined;
    switch (n.type) {
      case 'identifier':
        return this.env.get(n.text);
      case 'attribute': {
        const direct = this.env.get(n.text);
        if (direct) return direct;
        const obj = n.childForFieldName('object');
        const attr = n.childForFieldName('attribute')?.text;
        if (!obj || !attr) return undefined;
        const r = this.resolve(obj, depth + 1);
        if (!r) return undefined;
        return memberRecv(r, attr);
      }
      case 'call': {
        const fn = n.childForFieldName('function');
        if (!fn) return undefined;
        const rf = this.resolve(fn, depth + 1);
        if (rf) {
          switch (rf.t) {
            case 'logfire-class':
              return { t: 'logfire' };
            case 'structlog-factory':
              return { t: 'structlog', bound: [] };
            case 'logging-factory':
              return { t: 'stdlib' };
            case 'otel-get-tracer':
              return { t: 'otel-tracer' };
            case 'otel-get-span':
              return { t: 'otel-span' };
            case 'logfire-fn':
              return rf.method === 'span' ? { t: 'logfire-span', message: firstPositional(n) } : undefined;
            default:
              break;
          }
        }
        if (fn.type !== 'attribute') return undefined;
        const obj = fn.childForFieldName('object');
        const m = fn.childForFieldName('attribute')?.text;
        if (!obj || !m) return undefined;
        const r = this.resolve(obj, depth + 1);
        if (!r) return undefined;
        switch (r.t) {
          case 'logfire':
            if (m === 'with_tags' || m === 'with_settings') return r;
            if (m === 'span') return { t: 'logfire-span', message: firstPositional(n) };
            return undefined;
          case 'structlog':
            if (m === 'bind' || m === 'new') return { t: 'structlog', bound: [...(m === 'bind' ? r.bound : []), ...keywordNames(n)] };
            if (m === 'unbind' || m === 'try_unbind') return r;
            return undefined;
          case 'loguru':
            if (m === 'bind') return { ...r, bound: [...r.bound, ...keywordNames(n)] };
            // `opt(record=True)` hands the record to the message's format: `{record[level]}`.
            if (m === 'opt') return keywordValue(n, 'record')?.text === 'True' ? { ...r, record: true } : r;
            if (m === 'patch') return r;
            return undefined;
          case 'stdlib':
            return m === 'getChild' ? r : undefined;
          case 'otel-tracer':
            return m === 'start_span' || m === 'start_as_current_span' ? { t: 'otel-span', message: firstPositional(n) ?? keywordValue(n, 'name') } : undefined;
          default:
            return undefined;
        }
      }
      case 'parenthesized_expression': {
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
    // Cheap rejection first (most calls in a file are not telemetry): only the callee's last name
    // is looked at before anything else is read from the tree.
    const fn = call.childForFieldName('function');
    if (!fn) return undefined;
    const ftype = fn.type;
    let recv: Recv | undefined;
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
      recv = this.resolve(obj);
      recvName = obj.text;
    } else if (ftype === 'identifier') {
      if (fn.startIndex !== nameStart) return undefined;
      const name = fn.text;
      const r = this.env.get(name);
      if (r?.t === 'logfire-fn') {
        recv = { t: 'logfire' };
        method = r.method;
        methodNode = fn;
      } else if (!this.wrapperNames.has(name)) return undefined;
    } else return undefined;
    const args = call.childForFieldName('arguments');
    if (!args || args.type !== 'argument_list') return undefined;
    const decorator = this.mayBeDecorated(call) ? this.decoratorOf(call) : undefined;
    if (recv && methodNode) {
      switch (recv.t) {
        case 'logfire':
          return this.logfireCall(call, fn, args, method, methodNode, decorator);
        case 'logfire-span':
          return this.setAttributeCall(call, fn, args, method, 'logfire', this.spanMessageAt(recvName, recv.message, call.startIndex));
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
          if (method === 'add_event') return this.otelEventCall(call, fn, args, this.spanMessageAt(recvName, recv.message, call.startIndex));
          return this.setAttributeCall(call, fn, args, method, 'otel', this.spanMessageAt(recvName, recv.message, call.startIndex));
        default:
          break;
      }
    }
    if (recv) return undefined;
    const wrapper = matchWrapper(fn.text, 'python', this.opts.wrappers);
    if (!wrapper) return undefined;
    const a = this.splitArgs(args);
    const c = this.base(call, fn, 'wrapper', wrapper.kind === 'span' ? 'span' : 'log', fn.type === 'attribute' ? (methodNode?.text ?? fn.text) : fn.text, decorator);
    if (wrapper.level) c.level = wrapper.level;
    const msg = a.positional[wrapper.messageArg ?? 0];
    if (msg) c.message = this.value(msg);
    this.keywordAttributes(c, a, false);
    c.insertAttribute = listInsertion(this.source, args.child(0)!, a.items, 'keyword');
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
    const a = this.splitArgs(args);
    if (method === 'instrument') {
      const c = this.base(call, fn, 'logfire', 'instrument', method, decorator);
      const msg = a.positional[0] ?? a.keywords.get('msg_template')?.value;
      if (msg) c.message = this.value(msg);
      const lvl = a.keywords.get('level')?.value;
      if (lvl) this.levelFromArg(c, lvl, 'otel');
      if (decorator) this.instrumentArgs(c, decorator, a.keywords.get('extract_args')?.value);
      return c;
    }
    const kind = method === 'span' ? 'span' : 'log';
    const c = this.base(call, fn, 'logfire', kind, method, decorator);
    if (method === 'log') {
      const lvl = a.positional[0] ?? a.keywords.get('level')?.value;
      if (lvl) this.levelFromArg(c, lvl, 'otel');
      const msg = a.positional[1] ?? a.keywords.get('msg_template')?.value;
      if (msg) c.message = this.value(msg);
      const attrs = a.positional[2] ?? a.keywords.get('attributes')?.value;
      if (attrs) this.dictAttributes(c, attrs, 'dict');
      else c.insertAttribute = listInsertion(this.source, args.child(0)!, a.items, 'object');
      if (!attrs && c.insertAttribute) {
        c.insertAttribute = { ...c.insertAttribute, prefix: `${c.insertAttribute.prefix}attributes={`, suffix: `}${c.insertAttribute.suffix}` };
      }
      return c;
    }
    if (kind === 'log') {
      c.level = normalizeLevel(method);
      c.levelRange = nodeRange(methodNode);
    }
    const msg = a.positional[0];
    if (msg) c.message = this.value(msg);
    this.keywordAttributes(c, a, true);
    if (kind === 'span') {
      const lvl = a.keywords.get('_level')?.value;
      if (lvl) this.levelFromArg(c, lvl, 'otel');
    }
    c.insertAttribute = listInsertion(this.source, args.child(0)!, a.items, 'keyword');
    return c;
  }

  private loggerCall(call: Node, fn: Node, args: Node, method: string, methodNode: Node, library: 'structlog' | 'loguru', bound: string[], record = false): TelemetryCall {
    const a = this.splitArgs(args);
    const c = this.base(call, fn, library, 'log', method);
    const plain = library === 'structlog' && method.length > 1 && method.startsWith('a') && STRUCTLOG_LOG.has(method.slice(1)) ? method.slice(1) : method;
    let msgIndex = 0;
    if (plain === 'log') {
      const lvl = a.positional[0] ?? a.keywords.get('level')?.value;
      if (lvl) this.levelFromArg(c, lvl, 'stdlib');
      msgIndex = 1;
    } else {
      c.level = normalizeLevel(plain);
      c.levelRange = nodeRange(methodNode);
    }
    const msg = a.positional[msgIndex] ?? a.keywords.get(library === 'structlog' ? 'event' : 'message')?.value;
    if (msg && msg.type === 'dictionary') this.dictMessage(c, msg);
    else if (msg) c.message = this.value(msg);
    if (bound.length) c.boundKeys = [...new Set(bound)];
    if (record) c.formatKeys = ['record'];
    for (const kw of a.keywordList) {
      const name = kw.name;
      if (library === 'structlog' && name === 'event' && msg === kw.value) continue;
      if (LOG_OPTIONS.has(name)) continue;
      if (library === 'loguru' && name === 'extra') {
        this.dictAttributes(c, kw.value, 'extra');
        continue;
      }
      c.attributes.push(this.keywordAttribute(kw, 'keyword'));
    }
    if (a.splat) c.hasSplat = true;
    c.insertAttribute ??= listInsertion(this.source, args.child(0)!, a.items, 'keyword');
    return c;
  }

  /** `logger.info({"event": "agent_created", "model": m})`: the dict's `event` is the name, the rest attributes. */
  private dictMessage(c: TelemetryCall, d: Node): void {
    this.dictAttributes(c, d, 'dict');
    const i = c.attributes.findIndex((a) => a.key === 'event' || a.key === 'message' || a.key === 'msg');
    if (i >= 0) {
      c.message = c.attributes[i].value;
      c.attributes.splice(i, 1);
    } else c.message = this.value(d);
  }

  private stdlibCall(call: Node, fn: Node, args: Node, method: string, methodNode: Node): TelemetryCall | undefined {
    const a = this.splitArgs(args);
    const extra = a.keywords.get('extra');
    // Without `extra=` a stdlib call carries no attributes: it is kept only when its message is a
    // plain string holding `{name}` fields, which logging prints as literal braces (TL016).
    if (!extra && !bracedPlainString(a.positional[method === 'log' ? 1 : 0])) return undefined;
    const c = this.base(call, fn, 'stdlib', 'log', method);
    let msgIndex = 0;
    if (method === 'log') {
      const lvl = a.positional[0] ?? a.keywords.get('level')?.value;
      if (lvl) this.levelFromArg(c, lvl, 'stdlib');
      msgIndex = 1;
    } else {
      c.level = normalizeLevel(method);
      c.levelRange = nodeRange(methodNode);
    }
    const msg = a.positional[msgIndex] ?? a.keywords.get('msg')?.value;
    if (msg) c.message = this.value(msg);
    if (extra) this.dictAttributes(c, extra.value, 'extra');
    if (a.splat) c.hasSplat = true;
    return c;
  }

  private otelSpanCall(call: Node, fn: Node, args: Node, method: string, decorator?: Node): TelemetryCall {
    const a = this.splitArgs(args);
    const c = this.base(call, fn, 'otel', 'span', method, decorator);
    const msg = a.positional[0] ?? a.keywords.get('name')?.value;
    if (msg) c.message = this.value(msg);
    const attrs = a.keywords.get('attributes')?.value ?? a.positional[2];
    if (attrs) this.dictAttributes(c, attrs, 'dict');
    else {
      const ins = listInsertion(this.source, args.child(0)!, a.items, 'object');
      if (ins) c.insertAttribute = { ...ins, prefix: `${ins.prefix}attributes={`, suffix: `}${ins.suffix}` };
    }
    if (a.splat) c.hasSplat = true;
    return c;
  }

  private otelEventCall(call: Node, fn: Node, args: Node, spanMessage?: Node): TelemetryCall {
    const a = this.splitArgs(args);
    const c = this.base(call, fn, 'otel', 'event', 'add_event');
    const msg = a.positional[0] ?? a.keywords.get('name')?.value;
    if (msg) c.message = this.value(msg);
    const attrs = a.positional[1] ?? a.keywords.get('attributes')?.value;
    if (attrs) this.dictAttributes(c, attrs, 'dict');
    if (spanMessage) c.spanMessage = this.value(spanMessage);
    return c;
  }

  private setAttributeCall(call: Node, fn: Node, args: Node, method: string, library: 'logfire' | 'otel', spanMessage?: Node): TelemetryCall | undefined {
    if (method !== 'set_attribute' && method !== 'set_attributes') return undefined;
    const a = this.splitArgs(args);
    const c = this.base(call, fn, library, 'set-attribute', method);
    if (spanMessage) c.spanMessage = this.value(spanMessage);
    if (method === 'set_attribute') {
      const [k, v] = a.positional;
      if (!k || !v) return c;
      const key = this.value(k);
      if (key.kind === 'string' && typeof key.value === 'string') {
        c.attributes.push({ key: key.value, keyRange: key.contentRange ?? key.range, value: this.value(v), range: { start: pos(k.startPosition), end: endPos(v) }, source: 'setAttribute' });
      } else c.hasSplat = true;
    } else {
      const d = a.positional[0];
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
      ok = expr.childForFieldName('attribute')?.text === 'instrument' && !!obj && this.resolve(obj)?.t === 'logfire';
    } else {
      const r = this.env.get(expr.text);
      ok = r?.t === 'logfire-fn' && r.method === 'instrument';
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

  // ---- arguments --------------------------------------------------------------------------------

  private splitArgs(args: Node): SplitArgs {
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
      } else if (t !== 'list_splat') {
        out.positional.push(n);
      }
    }
    return out;
  }

  /** Keyword arguments → attributes; `_x` keywords → reservedKeywords (Logfire options). */
  private keywordAttributes(c: TelemetryCall, a: SplitArgs, logfire: boolean): void {
    for (const kw of a.keywordList) {
      if (kw.name.startsWith('_')) {
        c.reservedKeywords.push({ name: kw.name, range: nodeRange(kw.node) });
        continue;
      }
      if (!logfire && LOG_OPTIONS.has(kw.name)) continue;
      c.attributes.push(this.keywordAttribute(kw, 'keyword'));
    }
    if (a.splat) c.hasSplat = true;
  }

  /** Items of a dict literal (or `dict(a=1)`) → attributes; anything else makes the set unknown. */
  private dictAttributes(c: TelemetryCall, d: Node, source: TelemetryAttribute['source']): void {
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
        const a = this.splitArgs(args);
        for (const kw of a.keywordList) c.attributes.push(this.keywordAttribute(kw, source));
        if (a.splat || a.positional.length) c.hasSplat = true;
        c.insertAttribute = listInsertion(this.source, args.child(0)!, a.items, 'keyword');
        return;
      }
    }
    c.hasSplat = true;
  }

  private keywordAttribute(kw: KeywordArg, source: TelemetryAttribute['source']): TelemetryAttribute {
    const value = this.value(kw.value);
    // `name=value` ends where its value does.
    const end = value.range.end;
    return { key: kw.name, keyRange: kw.nameRange, value, range: { start: pos(kw.node.startPosition), end: { line: end.line, character: end.character } }, source };
  }

  private levelFromArg(c: TelemetryCall, n: Node, numbers: 'otel' | 'stdlib'): void {
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
  private stringValue(n: Node, text: string, range: ArgValue['range'], own?: string): ArgValue {
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

interface KeywordArg {
  name: string;
  nameRange: ArgValue['range'];
  value: Node;
  node: Node;
}
interface SplitArgs {
  positional: Node[];
  keywords: Map<string, KeywordArg>;
  keywordList: KeywordArg[];
  items: Node[];
  splat: boolean;
}

/** Does the line ending at `end` (inclusive) hold a `#`? Then the tree decides (a comment may sit between `@` and the call). */
function lineHasComment(src: string, end: number): boolean {
  const start = src.lastIndexOf('\n', end) + 1;
  return src.slice(start, end + 1).includes('#');
}

/** Is either operand of a `+`/`%` chain a string literal? */
function isStringish(left: Node, right: Node | null, depth = 0): boolean {
  const lit = (x: Node | null) => !!x && (x.type === 'string' || x.type === 'concatenated_string');
  if (lit(left) || lit(right)) return true;
  if (depth > 8 || left.type !== 'binary_operator') return false;
  const l = left.childForFieldName('left');
  return !!l && isStringish(l, left.childForFieldName('right'), depth + 1);
}

function firstPositional(call: Node): Node | undefined {
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  for (const n of args.namedChildren) {
    if (n.type === 'comment') continue;
    if (n.type === 'keyword_argument' || n.type === 'dictionary_splat' || n.type === 'list_splat') continue;
    return n;
  }
  return undefined;
}

function keywordValue(call: Node, name: string): Node | undefined {
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  for (const n of args.namedChildren) {
    if (n.type === 'keyword_argument' && n.childForFieldName('name')?.text === name) return n.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** Marks a call written with a method the library lacks (the call itself describes the method meant). */
function mistaken(c: TelemetryCall | undefined, name: string, suggestion: string, methodNode: Node): TelemetryCall | undefined {
  if (c) c.unknownMethod = { name, suggestion, range: nodeRange(methodNode) };
  return c;
}

function keywordNames(call: Node): string[] {
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

function moduleRecv(mod: string): Recv | undefined {
  if (LOGFIRE_MODULES.has(mod)) return { t: 'logfire' };
  switch (mod) {
    case 'structlog':
      return { t: 'structlog-mod' };
    case 'loguru':
      return { t: 'loguru-mod' };
    case 'logging':
      return { t: 'logging-mod' };
    case 'opentelemetry.trace':
      return { t: 'otel-trace' };
    case 'opentelemetry':
      return { t: 'otel-root' };
    default:
      return undefined;
  }
}

function fromImportRecv(mod: string, name: string): Recv | undefined {
  if (LOGFIRE_MODULES.has(mod)) {
    if (name === 'Logfire') return { t: 'logfire-class' };
    if (LOGFIRE_FNS.has(name)) return { t: 'logfire-fn', method: name };
    return undefined;
  }
  switch (mod) {
    case 'structlog':
    case 'structlog.stdlib':
      return name === 'get_logger' || name === 'getLogger' || name === 'wrap_logger' ? { t: 'structlog-factory' } : name === 'stdlib' ? { t: 'structlog-mod' } : undefined;
    case 'loguru':
      return name === 'logger' ? { t: 'loguru', bound: [] } : undefined;
    case 'logging':
      return name === 'getLogger' ? { t: 'logging-factory' } : undefined;
    case 'opentelemetry':
      return name === 'trace' ? { t: 'otel-trace' } : undefined;
    case 'opentelemetry.trace':
      return name === 'get_tracer' ? { t: 'otel-get-tracer' } : name === 'get_current_span' ? { t: 'otel-get-span' } : undefined;
    default:
      return undefined;
  }
}

function memberRecv(r: Recv, attr: string): Recv | undefined {
  switch (r.t) {
    case 'logfire':
      return attr === 'Logfire' ? { t: 'logfire-class' } : undefined;
    case 'structlog-mod':
      if (attr === 'get_logger' || attr === 'getLogger' || attr === 'wrap_logger') return { t: 'structlog-factory' };
      return attr === 'stdlib' ? r : undefined;
    case 'loguru-mod':
      return attr === 'logger' ? { t: 'loguru', bound: [] } : undefined;
    case 'logging-mod':
      return attr === 'getLogger' ? { t: 'logging-factory' } : undefined;
    case 'otel-root':
      return attr === 'trace' ? { t: 'otel-trace' } : undefined;
    case 'otel-trace':
      return attr === 'get_tracer' ? { t: 'otel-get-tracer' } : attr === 'get_current_span' ? { t: 'otel-get-span' } : undefined;
    default:
      return undefined;
  }
}

/**
 * Could `text` (whole lines) hold a statement the extractor reads bindings from: an import, an
 * assignment mentioning a telemetry name or one of `names` (names bound already), a `… as x`? The
 * same text tests the extractor uses to find them; false means the text binds nothing.
 */
export function pythonMayBind(text: string, names: Iterable<string>): boolean {
  if (/^[ \t]*(import|from)\b/m.test(text)) return true;
  if (/\bas[ \t]+[A-Za-z_]/.test(text)) return true;
  return cachedRegExp(`^[ \\t]*[\\w.]+[ \\t]*(?::[^=\\n]*)?=(?!=)[^\\n]*?\\b(${needleAlternation(BINDING_NEEDLES, names)})\\b`, 'm').test(text);
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
