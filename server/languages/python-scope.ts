// Python bindings: which names (`lf`, `LOG`, `self._logger`, `span`) hold a telemetry receiver,
// read flow-insensitively from a file's imports, assignments and `with … as x` targets.
import { type SyntaxNode as Node } from './nodes';
import { type BindingEntry, cachedRegExp, needleAlternation, nodesAtMatches } from './common';
import { firstPositional, keywordNames, keywordValue } from './python-args';
import { BINDING_NEEDLES, type Recv, fromImportRecv, memberRecv, moduleRecv } from './python-receivers';

const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement']);
const BINDING_TYPES = new Set(['assignment']);
const AS_TYPES = new Set(['as_pattern']);

function isStatementBoundary(type: string): boolean {
  return type.endsWith('statement') || type === 'block' || type === 'module' || type.endsWith('definition') || type === 'lambda';
}

/** The names of one file bound to telemetry receivers. */
export class PyScope {
  readonly env = new Map<string, Recv>();

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
  }

  /** What an expression holds, as far as we can tell statically. */
  resolve(n: Node, depth = 0): Recv | undefined {
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
}
