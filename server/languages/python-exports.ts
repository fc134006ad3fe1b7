// Python module facts read from text alone (no parse), for the workspace handle index: which project
// modules a file imports names from, and which module-level names of a module hold a telemetry
// handle (`logger = structlog.get_logger()`, `from .config import logfire`, `def get_logger(): return …`).
// Cheap enough to run on every file of a workspace before linting it.
import { type CallArgs, type Receiver, callResult, fromImportReceiver, memberReceiver, methodResult, moduleReceiver } from './python-receivers';

/** A name a file takes from another module: `from ..config import logfire as lf` → local `lf`. */
export interface PyImportRef {
  /** The name bound in the importing file. */
  local: string;
  /** The module as written, without its leading dots (`config`, `app.obs`; '' for `from . import x`). */
  module: string;
  /** Leading dots of a relative import (0 = absolute). */
  level: number;
  /** The name imported from the module (`from m import name`); undefined for `import a.b as c`. */
  name?: string;
}

const FROM_IMPORT = /[ \t]*from[ \t]+(\.*)([A-Za-z_][\w.]*)?[ \t]+import[ \t]+(\([^)]*\)|[^\n;#]*)/y;
const PLAIN_IMPORT = /[ \t]*import[ \t]+([^\n;#()]+)/y;

function splitNames(list: string): { name: string; alias: string }[] {
  const out: { name: string; alias: string }[] = [];
  for (const part of list.replace(/[()\\]/g, ' ').replace(/#[^\n]*/g, '').split(',')) {
    const m = /^\s*([A-Za-z_][\w.]*)(?:\s+as\s+([A-Za-z_]\w*))?\s*$/.exec(part);
    if (m) out.push({ name: m[1], alias: m[2] ?? m[1] });
  }
  return out;
}

/** The names a Python file imports from modules other than the telemetry libraries, anywhere in the file. */
export function pythonImportRefs(source: string): PyImportRef[] {
  const out: PyImportRef[] = [];
  // Only the lines holding `import` are looked at (found with indexOf: most of a file is skipped).
  for (let at = source.indexOf('import'); at >= 0; ) {
    const lineStart = source.lastIndexOf('\n', at) + 1;
    FROM_IMPORT.lastIndex = lineStart;
    const from = FROM_IMPORT.exec(source);
    if (from) addFromImport(out, from[1].length, from[2] ?? '', from[3]);
    else {
      PLAIN_IMPORT.lastIndex = lineStart;
      const plain = PLAIN_IMPORT.exec(source);
      if (plain) addPlainImport(out, plain[1]);
    }
    const end = Math.max(from ? FROM_IMPORT.lastIndex : 0, source.indexOf('\n', at));
    if (end < 0) break;
    at = source.indexOf('import', end);
  }
  return out;
}

function addFromImport(out: PyImportRef[], level: number, module: string, names: string): void {
  if (level === 0 && (!module || moduleReceiver(module.split('.')[0]) || module.startsWith('opentelemetry') || module === '__future__')) return;
  for (const { name, alias } of splitNames(names)) if (name !== '*' && !name.includes('.')) out.push({ local: alias, module, level, name });
}

function addPlainImport(out: PyImportRef[], names: string): void {
  for (const { name, alias } of splitNames(names)) {
    // `import app.obs` binds `app`, which the index cannot follow; `import app.obs as obs` binds the module.
    if (alias !== name && !moduleReceiver(name)) out.push({ local: alias, module: name, level: 0 });
  }
}

// ---- module-level statements --------------------------------------------------------------------

/** One logical line (physical lines joined inside brackets and after `\`), with its indentation. */
interface Statement {
  indent: number;
  text: string;
}

/** Logical lines of Python source, comments dropped, strings kept (a crude tokenizer: brackets, quotes, comments). */
function statements(src: string): Statement[] {
  const out: Statement[] = [];
  let depth = 0;
  let start = 0;
  let text = '';
  let indent = -1;
  const n = src.length;
  const flush = (end: number) => {
    text += src.slice(start, end);
    const t = text.trim();
    if (t) out.push({ indent: Math.max(indent, 0), text: t });
    text = '';
    indent = -1;
  };
  let i = 0;
  while (i < n) {
    const ch = src[i];
    if (indent < 0) {
      // start of a logical line: measure indentation
      let j = i;
      while (j < n && (src[j] === ' ' || src[j] === '\t')) j++;
      indent = j - i;
      start = i = j;
      continue;
    }
    if (ch === '#') {
      text += src.slice(start, i);
      while (i < n && src[i] !== '\n') i++;
      start = i;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const triple = src.startsWith(ch + ch + ch, i);
      const close = triple ? ch + ch + ch : ch;
      let j = i + close.length;
      while (j < n) {
        if (src[j] === '\\') j += 2;
        else if (src.startsWith(close, j)) break;
        else if (!triple && src[j] === '\n') break;
        else j++;
      }
      i = Math.min(n, j + close.length);
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
    else if (ch === '\\' && src[i + 1] === '\n') {
      text += src.slice(start, i) + ' ';
      i += 2;
      start = i;
      continue;
    } else if (ch === '\n' && depth === 0) {
      flush(i);
      i++;
      continue;
    } else if (ch === ';' && depth === 0) {
      const ind = indent;
      flush(i);
      indent = ind;
      start = ++i;
      continue;
    }
    i++;
  }
  flush(n);
  return out;
}

/** How a module-level name gets its value. */
export type PyDefinition =
  | { kind: 'expr'; expr: string }
  | { kind: 'lib'; recv: Receiver }
  | { kind: 'import'; ref: PyImportRef }
  | { kind: 'function'; returns: string[]; locals: Map<string, string> };

/** Module-level names of a Python module that may hold a telemetry handle, and how (last definition wins). */
export function pythonModuleDefinitions(source: string): Map<string, PyDefinition> {
  const defs = new Map<string, PyDefinition>();
  const stmts = statements(source);
  // Statements under module-level `if`/`try`/`with` blocks count as module level; `def` bodies are collected.
  let block: 'module' | 'function' | 'class' = 'module';
  let fn: { returns: string[]; locals: Map<string, string> } | undefined;
  for (const s of stmts) {
    if (s.indent === 0) {
      fn = undefined;
      const def = /^(?:async\s+)?def\s+([A-Za-z_]\w*)/.exec(s.text);
      if (def) {
        block = 'function';
        fn = { returns: [], locals: new Map() };
        defs.set(def[1], { kind: 'function', ...fn });
        // `def f(): return x` on one line
        const inline = /\)\s*(?:->[^:]*)?:\s*return\s+(.+)$/.exec(s.text);
        if (inline) fn.returns.push(inline[1]);
        continue;
      }
      block = /^class\b/.test(s.text) ? 'class' : 'module';
      if (block === 'class' || s.text.startsWith('@')) continue;
      moduleStatement(s.text, defs);
    } else if (block === 'function' && fn) {
      const ret = /^return\s+(.+)$/.exec(s.text);
      if (ret) fn.returns.push(ret[1]);
      else {
        const asg = ASSIGNMENT.exec(s.text);
        if (asg) fn.locals.set(asg[1], asg[2]);
        else moduleImport(s.text, fn.locals);
      }
    } else if (block === 'module') moduleStatement(s.text, defs);
  }
  return defs;
}

const ASSIGNMENT = /^([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)\s*(.+)$/;

function moduleStatement(text: string, defs: Map<string, PyDefinition>): void {
  if (text.startsWith('from ') || text.startsWith('import ')) {
    const libs = new Map<string, string>();
    moduleImport(text, libs, defs);
    return;
  }
  const asg = ASSIGNMENT.exec(text);
  if (asg) defs.set(asg[1], { kind: 'expr', expr: asg[2] });
}

/**
 * An import statement's bindings: library receivers and project refs into `defs` (module level), or,
 * inside a function, the import as an expression the function's locals resolve (`locals`).
 */
function moduleImport(text: string, locals: Map<string, string>, defs?: Map<string, PyDefinition>): void {
  const from = /^from\s+(\.*)([A-Za-z_][\w.]*)?\s+import\s+(.+)$/s.exec(text);
  if (from) {
    const level = from[1].length;
    const module = from[2] ?? '';
    for (const { name, alias } of splitNames(from[3])) {
      if (name === '*') continue;
      const lib = level === 0 ? fromImportReceiver(module, name) : undefined;
      if (defs) {
        if (lib) defs.set(alias, { kind: 'lib', recv: lib });
        else if (level > 0 || !moduleReceiver(module)) defs.set(alias, { kind: 'import', ref: { local: alias, module, level, name } });
      } else if (lib) locals.set(alias, `\0${JSON.stringify(lib)}`);
    }
    return;
  }
  const plain = /^import\s+(.+)$/s.exec(text);
  if (!plain) return;
  for (const { name, alias } of splitNames(plain[1])) {
    const lib = moduleReceiver(name);
    if (lib) {
      if (alias !== name || !name.includes('.')) {
        if (defs) defs.set(alias, { kind: 'lib', recv: lib });
        else locals.set(alias, `\0${JSON.stringify(lib)}`);
      }
    } else if (name.startsWith('opentelemetry') && alias === name) {
      if (defs) defs.set('opentelemetry', { kind: 'lib', recv: { kind: 'otel-root' } });
    } else if (defs && alias !== name) defs.set(alias, { kind: 'import', ref: { local: alias, module: name, level: 0 } });
  }
}

// ---- expressions ----------------------------------------------------------------------------------

type Step = { attr: string } | { call: string };

/** `a.b(c).d(e=1)` → root `a` and its steps; undefined for anything else (operators, subscripts, literals). */
function chain(expr: string): { root: string; steps: Step[] } | undefined {
  let s = expr.trim();
  if (s.startsWith('await ')) s = s.slice(6).trim();
  const root = /^[A-Za-z_]\w*/.exec(s);
  if (!root) return undefined;
  const steps: Step[] = [];
  let i = root[0].length;
  while (i < s.length) {
    while (s[i] === ' ') i++;
    if (i >= s.length) break;
    if (s[i] === '.') {
      const m = /^\.\s*([A-Za-z_]\w*)/.exec(s.slice(i));
      if (!m) return undefined;
      steps.push({ attr: m[1] });
      i += m[0].length;
    } else if (s[i] === '(') {
      const end = closing(s, i);
      if (end < 0) return undefined;
      steps.push({ call: s.slice(i + 1, end) });
      i = end + 1;
    } else return undefined;
  }
  return { root: root[0], steps };
}

/** Index of the bracket closing the one at `open` (strings skipped), or -1. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < s.length && s[j] !== ch) j += s[j] === '\\' ? 2 : 1;
      i = j;
    } else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Top-level comma-separated items of an argument list's text. */
function argItems(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    const ch = args[i];
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < args.length && args[j] !== ch) j += args[j] === '\\' ? 2 : 1;
      i = j;
    } else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(args.slice(start, i));
      start = i + 1;
    }
  }
  out.push(args.slice(start));
  return out.map((a) => a.trim()).filter(Boolean);
}

function textCallArgs(args: string): CallArgs {
  const keywords = new Map<string, string>();
  for (const item of argItems(args)) {
    const kw = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*)$/.exec(item);
    if (kw) keywords.set(kw[1], kw[2].trim());
  }
  return { keywordNames: () => [...keywords.keys()], keywordText: (name) => keywords.get(name), message: () => undefined };
}

/** What a Python expression's text holds, given what names hold (`lookup`). */
export function evalPythonExpr(expr: string, lookup: (name: string) => Receiver | undefined): Receiver | undefined {
  const c = chain(expr);
  if (!c) return undefined;
  let recv = lookup(c.root);
  for (let k = 0; k < c.steps.length && recv; k++) {
    const step = c.steps[k];
    const next = c.steps[k + 1];
    if ('attr' in step) {
      if (next && 'call' in next) {
        const args = textCallArgs(next.call);
        const member = memberReceiver(recv, step.attr);
        recv = (member && callResult(member, args)) ?? methodResult(recv, step.attr, args);
        k++;
      } else recv = memberReceiver(recv, step.attr);
    } else recv = callResult(recv, textCallArgs(step.call));
  }
  // span handles carry their message's tree node: not something another module can import
  return recv && recv.kind !== 'logfire-span' && recv.kind !== 'otel-span' ? recv : undefined;
}

/** A receiver encoded into a function's locals by `moduleImport` (an import inside a function body). */
export function decodeLocalReceiver(expr: string): Receiver | undefined {
  return expr.startsWith('\0') ? (JSON.parse(expr.slice(1)) as Receiver) : undefined;
}
