// Python bindings: which names (`lf`, `LOG`, `self._logger`, `span`) hold a telemetry receiver,
// read flow-insensitively from a file's imports, assignments and `with … as x` targets.
import { type SyntaxNode as Node } from './nodes';
import { type BindingEntry, cachedRegExp, needleAlternation, nodesAtMatches } from './common';
import { firstPositional, keywordNames, keywordValue } from './python-args';
import { BINDING_NEEDLES, type CallArgs, type Receiver, callResult, fromImportReceiver, memberReceiver, methodResult, moduleReceiver } from './python-receivers';

const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement']);
const BINDING_TYPES = new Set(['assignment']);
const AS_TYPES = new Set(['as_pattern']);

function isStatementBoundary(type: string): boolean {
  return type.endsWith('statement') || type === 'block' || type === 'module' || type.endsWith('definition') || type === 'lambda';
}

/** The names of one file bound to telemetry receivers. */
export class PyScope {
  readonly env = new Map<string, Receiver>();
  /**
   * Every binding of a name to a span that carries a message, in source order, with the region it
   * holds in (its `with` block, else its function): a `span.set_attribute(...)` is tied to the
   * binding before it in the same region, never to a span opened elsewhere in the file.
   */
  private readonly spans = new Map<string, { at: number; scope: [number, number]; message?: Node }[]>();

  constructor(private readonly source: string) {}

  /** Reads the bindings from the tree. */
  read(root: Node): void {
    const src = this.source;
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

  /** The bindings as comparable entries (for `ExtractOptions.onBindings`). */
  bindingEntries(): BindingEntry[] {
    const out: BindingEntry[] = [];
    for (const [name, recv] of this.env) {
      let what: string = recv.kind;
      let at: [number, number] | undefined;
      if (recv.kind === 'logfire-fn') what += `:${recv.method}`;
      else if (recv.kind === 'structlog' || recv.kind === 'loguru') what += `:${recv.bound.join(',')}`;
      else if (recv.kind === 'factory' || recv.kind === 'module') what += `:${JSON.stringify(recv)}`;
      else if ((recv.kind === 'logfire-span' || recv.kind === 'otel-span') && recv.message) {
        at = [recv.message.startIndex, recv.message.endIndex];
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
        const recv = moduleReceiver(mod);
        if (recv) this.env.set(mod, recv);
        else if (mod.startsWith('opentelemetry')) this.env.set('opentelemetry', { kind: 'otel-root' });
      } else if (child.type === 'aliased_import') {
        const name = child.childForFieldName('name')?.text;
        const alias = child.childForFieldName('alias')?.text;
        if (!name || !alias) continue;
        const recv = moduleReceiver(name);
        if (recv) this.env.set(alias, recv);
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
      const recv = fromImportReceiver(mod, name);
      if (recv) this.env.set(alias, recv);
    }
  }

  private assignment(n: Node): void {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (!left || !right || (left.type !== 'identifier' && left.type !== 'attribute')) return;
    const recv = this.resolve(right);
    if (!recv) return;
    this.env.set(left.text, recv);
    this.noteSpan(left.text, recv, n, false);
    // A class attribute is also reachable as self.<name> / cls.<name>.
    if (left.type === 'identifier' && n.parent?.parent?.parent?.type === 'class_definition') {
      this.env.set(`self.${left.text}`, recv);
      this.env.set(`cls.${left.text}`, recv);
    }
  }

  private asPattern(n: Node): void {
    const value = n.namedChild(0);
    const target = n.childForFieldName('alias');
    if (!value || !target) return;
    const name = target.firstNamedChild ?? target;
    if (name.type !== 'identifier') return;
    const recv = this.resolve(value);
    if (recv) this.env.set(name.text, recv);
    if (recv) this.noteSpan(name.text, recv, n, true);
  }

  private noteSpan(name: string, recv: Receiver, n: Node, isWith: boolean): void {
    if ((recv.kind !== 'logfire-span' && recv.kind !== 'otel-span') || !recv.message) return;
    let scope: [number, number] = [0, this.source.length];
    for (let p = n.parent; p; p = p.parent) {
      if ((isWith && p.type === 'with_statement') || p.type === 'function_definition' || p.type === 'lambda') {
        scope = [p.startIndex, p.endIndex];
        break;
      }
    }
    const list = this.spans.get(name) ?? [];
    list.push({ at: n.startIndex, scope, message: recv.message });
    this.spans.set(name, list);
  }

  /** The message of the span `name` holds at `index`: the latest binding before it whose region contains it. */
  spanMessageAt(name: string, fallback: Node | undefined, index: number): Node | undefined {
    const list = this.spans.get(name);
    if (!list) return fallback;
    let found: Node | undefined;
    for (const b of list) if (b.at < index && b.scope[0] <= index && index < b.scope[1]) found = b.message;
    return found;
  }

  /** What an expression holds, as far as we can tell statically. */
  resolve(n: Node, depth = 0): Receiver | undefined {
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
        const recv = this.resolve(obj, depth + 1);
        if (!recv) return undefined;
        return memberReceiver(recv, attr);
      }
      case 'call': {
        const fn = n.childForFieldName('function');
        if (!fn) return undefined;
        const args = nodeCallArgs(n);
        const calleeReceiver = this.resolve(fn, depth + 1);
        const called = calleeReceiver ? callResult(calleeReceiver, args) : undefined;
        if (called) return called;
        if (fn.type !== 'attribute') return undefined;
        const obj = fn.childForFieldName('object');
        const method = fn.childForFieldName('attribute')?.text;
        if (!obj || !method) return undefined;
        const recv = this.resolve(obj, depth + 1);
        return recv ? methodResult(recv, method, args) : undefined;
      }
      case 'parenthesized_expression': {
        const inner = n.firstNamedChild;
        return inner ? this.resolve(inner, depth + 1) : undefined;
      }
      default:
        return undefined;
    }
  }
}

/** A call's arguments as the receiver tables read them. */
function nodeCallArgs(call: Node): CallArgs {
  return {
    keywordNames: () => keywordNames(call),
    keywordText: (name) => keywordValue(call, name)?.text,
    message: (keyword) => firstPositional(call) ?? (keyword ? keywordValue(call, keyword) : undefined),
  };
}
