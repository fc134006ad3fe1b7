// TypeScript / JavaScript module facts read from text alone (no parse), for the workspace handle
// index: which names a file imports from project modules (relative specifiers), and which names a
// module exports that hold a telemetry handle (`export { logfire }`, `export const tracer =
// trace.getTracer('app')`, `export * from './obs'`).
import { LOGFIRE_JS_PACKAGES, OTEL_API, type Receiver, namedLogfire } from './typescript';

/** A name a file takes from a project module: `import { lf } from '../obs'` → local `lf`. */
export interface TsImportRef {
  local: string;
  /** The specifier as written (`../obs`, `./telemetry.js`). */
  spec: string;
  /** The exported name (`default` for a default import, `*` for the whole module). */
  name: string;
}

/** How a module-level name gets its value. */
export type TsDefinition = { kind: 'expr'; expr: string } | { kind: 'lib'; recv: Receiver } | { kind: 'import'; ref: TsImportRef };

export interface TsModuleFacts {
  /** Module-level names that may hold a handle. */
  defs: Map<string, TsDefinition>;
  /** Exported name → local name (or a re-export from another module). */
  exports: Map<string, { local: string } | { ref: TsImportRef }>;
  /** `export * from '…'` specifiers. */
  starExports: string[];
}

const IMPORT = /^[ \t]*import\s+(?!type\b)([\w$*{}\s,]+?)\s+from\s*['"]([^'"]+)['"]/gm;
const REQUIRE = /\b(?:const|let|var)\s+([\w$]+|\{[^}]*\})\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)/g;

function isRelative(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../');
}

/** `{ a as b, c }` / `{ a: b, c }` → pairs. */
function namedList(list: string, sep: 'as' | ':'): { name: string; alias: string }[] {
  const out: { name: string; alias: string }[] = [];
  for (const part of list.replace(/[{}]/g, '').split(',')) {
    const t = part.trim().replace(/^type\s+/, '');
    if (!t) continue;
    const m = sep === 'as' ? /^([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(t) : /^([\w$]+)(?:\s*:\s*([\w$]+))?$/.exec(t);
    if (m) out.push({ name: m[1], alias: m[2] ?? m[1] });
  }
  return out;
}

/** An import clause (`X`, `* as X`, `{ a as b }`, `X, { a }`) → (name, local) pairs. */
function clauseNames(clause: string): { name: string; alias: string }[] {
  const out: { name: string; alias: string }[] = [];
  const braces = /\{[^}]*\}/.exec(clause);
  if (braces) out.push(...namedList(braces[0], 'as'));
  const rest = clause.replace(/\{[^}]*\}/, '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const r of rest) {
    const ns = /^\*\s+as\s+([\w$]+)$/.exec(r);
    if (ns) out.push({ name: '*', alias: ns[1] });
    else if (/^[\w$]+$/.test(r)) out.push({ name: 'default', alias: r });
  }
  return out;
}

function libReceiver(spec: string, name: string): Receiver | undefined {
  if (LOGFIRE_JS_PACKAGES.has(spec)) return name === '*' ? { kind: 'logfire' } : namedLogfire(name);
  if (spec === OTEL_API) return name === '*' || name === 'default' ? { kind: 'otel-api' } : name === 'trace' ? { kind: 'otel-trace' } : undefined;
  return undefined;
}

/** The names a file imports from project modules (relative specifiers). */
export function tsImportRefs(source: string): TsImportRef[] {
  const out: TsImportRef[] = [];
  if (!source.includes('./')) return out;
  for (const m of source.matchAll(IMPORT)) {
    if (!isRelative(m[2])) continue;
    for (const { name, alias } of clauseNames(m[1])) out.push({ local: alias, spec: m[2], name });
  }
  for (const m of source.matchAll(REQUIRE)) {
    if (!isRelative(m[2])) continue;
    if (m[1].startsWith('{')) for (const { name, alias } of namedList(m[1], ':')) out.push({ local: alias, spec: m[2], name });
    else out.push({ local: m[1], spec: m[2], name: '*' });
  }
  return out;
}

/** A module's handle-relevant definitions and exports. */
export function tsModuleFacts(source: string): TsModuleFacts {
  const defs = new Map<string, TsDefinition>();
  const exports = new Map<string, { local: string } | { ref: TsImportRef }>();
  const starExports: string[] = [];
  for (const m of source.matchAll(IMPORT)) {
    for (const { name, alias } of clauseNames(m[1])) {
      const lib = libReceiver(m[2], name);
      if (lib) defs.set(alias, { kind: 'lib', recv: lib });
      else if (isRelative(m[2])) defs.set(alias, { kind: 'import', ref: { local: alias, spec: m[2], name } });
    }
  }
  for (const m of source.matchAll(REQUIRE)) {
    const pairs = m[1].startsWith('{') ? namedList(m[1], ':') : [{ name: '*', alias: m[1] }];
    for (const { name, alias } of pairs) {
      const lib = libReceiver(m[2], name);
      if (lib) defs.set(alias, { kind: 'lib', recv: lib });
      else if (isRelative(m[2])) defs.set(alias, { kind: 'import', ref: { local: alias, spec: m[2], name } });
    }
  }
  // Module-level declarations (column 0): `[export] const x[: T] = expr` up to the end of the line.
  for (const m of source.matchAll(/^(export\s+)?(?:const|let|var)\s+([\w$]+)\s*(?::[^=\n]+)?=(?!=)\s*([^\n;]+)/gm)) {
    defs.set(m[2], { kind: 'expr', expr: m[3].trim() });
    if (m[1]) exports.set(m[2], { local: m[2] });
  }
  for (const m of source.matchAll(/^export\s+default\s+([\w$]+)\s*;?\s*$/gm)) exports.set('default', { local: m[1] });
  for (const m of source.matchAll(/^export\s*(\{[^}]*\})\s*(?:from\s*['"]([^'"]+)['"])?/gm)) {
    for (const { name, alias } of namedList(m[1], 'as')) {
      if (m[2] === undefined) exports.set(alias, { local: name });
      else {
        const lib = libReceiver(m[2], name);
        const local = `\0${alias}`;
        if (lib) {
          defs.set(local, { kind: 'lib', recv: lib });
          exports.set(alias, { local });
        } else if (isRelative(m[2])) exports.set(alias, { ref: { local: alias, spec: m[2], name } });
      }
    }
  }
  for (const m of source.matchAll(/^export\s*\*\s*(?:as\s+([\w$]+)\s+)?from\s*['"]([^'"]+)['"]/gm)) {
    if (m[1]) {
      const lib = libReceiver(m[2], '*');
      const local = `\0${m[1]}`;
      if (lib) {
        defs.set(local, { kind: 'lib', recv: lib });
        exports.set(m[1], { local });
      } else if (isRelative(m[2])) exports.set(m[1], { ref: { local: m[1], spec: m[2], name: '*' } });
    } else if (isRelative(m[2])) starExports.push(m[2]);
  }
  return { defs, exports, starExports };
}

/** What a TS/JS expression's text holds (`logfire`, `trace.getTracer('x')`, `logfire.withTags('a')`, `require('logfire')`). */
export function evalTsExpr(expr: string, lookup: (name: string) => Receiver | undefined): Receiver | undefined {
  let s = expr.trim().replace(/^await\s+/, '').replace(/\s+as\s+[\w$.<>[\]|\s]+$/, '').replace(/!$/, '');
  const req = /^require\(\s*['"]([^'"]+)['"]\s*\)$/.exec(s);
  if (req) return libReceiver(req[1], '*');
  const root = /^[\w$]+/.exec(s);
  if (!root) return undefined;
  let recv = lookup(root[0]);
  s = s.slice(root[0].length);
  while (recv && s.length) {
    const step = /^\s*\.\s*([\w$]+)\s*(\((?:[^()]|\([^()]*\))*\))?/.exec(s);
    if (!step) return undefined;
    s = s.slice(step[0].length);
    const prop = step[1];
    const called = step[2] !== undefined;
    if (!called) {
      recv = recv.kind === 'otel-api' && prop === 'trace' ? { kind: 'otel-trace' } : recv.kind === 'logfire' && prop === 'default' ? recv : undefined;
    } else if (recv.kind === 'logfire') recv = prop === 'withTags' || prop === 'withSettings' ? recv : undefined;
    else if (recv.kind === 'otel-trace') recv = prop === 'getTracer' ? { kind: 'otel-tracer' } : undefined;
    else if (recv.kind === 'otel-api' && prop === 'trace') recv = { kind: 'otel-trace' };
    else recv = undefined;
  }
  return s.trim().length === 0 && recv && recv.kind !== 'span' ? recv : undefined;
}
