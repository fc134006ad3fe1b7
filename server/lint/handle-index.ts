// The workspace handle index: telemetry handles that files import from project modules. A `logfire`
// re-exported by a config module, `logger = structlog.get_logger()` defined once and imported
// everywhere, a project `get_logger()` returning a structlog logger, a TS/JS `tracer` exported by
// `./tracing`: the extractor sees one file at a time, so the index resolves such imports across files
// and hands each file the receivers its imported names hold (`ExtractOptions.imports`).
//
// Cheap by construction: adding a file only scans its import lines (regular expressions); a module's
// definitions are read (text only, no parse) when some file imports from it, and resolutions are
// memoised until a file changes. Used by the CLI's workspace lint and kept current by the language
// server, which re-lints a module's dependents when its handles change.
import fs from 'node:fs';
import path from 'node:path';
import type { ImportedHandles } from '../languages';
import { type PyDefinition, type PyImportRef, decodeLocalReceiver, evalPythonExpr, pythonImportRefs, pythonModuleDefinitions } from '../languages/python-exports';
import type { Receiver as PyReceiver } from '../languages/python-receivers';
import type { Receiver as TsReceiver } from '../languages/typescript';
import { type TsImportRef, type TsModuleFacts, evalTsExpr, tsImportRefs, tsModuleFacts } from '../languages/typescript-exports';
import type { SourceLanguage } from '../model/calls';

interface Entry {
  language: SourceLanguage;
  /** The text, until the module's definitions are read (read from disk when absent). */
  source?: string;
  pyRefs?: PyImportRef[];
  tsRefs?: TsImportRef[];
  pyDefs?: Map<string, PyDefinition>;
  tsFacts?: TsModuleFacts;
}

const PY_EXT = /\.pyi?$/;
const TS_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export class HandleIndex {
  private readonly files = new Map<string, Entry>();
  /** Python module files by module name (`obs` for app/obs.py, `app` for app/__init__.py). */
  private readonly pyByName = new Map<string, string[]>();
  /** Memoised resolutions: `file\0name` → receiver (null: none); cleared when any file changes. */
  private readonly memo = new Map<string, PyReceiver | TsReceiver | null>();
  /** Per importing file: its imported handles and the module files they were resolved through. */
  private readonly resolved = new Map<string, { imports: ImportedHandles | undefined; via: Set<string> }>();
  /** Per importing file: the module files its last resolution went through (kept across changes). */
  private readonly deps = new Map<string, Set<string>>();

  /**
   * Does the file import names that may come from project modules (a relative import, or a module or
   * name some workspace file is named after), so that `importsFor` may find handles? Files importing
   * only other packages (`from dataclasses import field`) are not held back for the index.
   */
  hasImports(file: string): boolean {
    const e = this.files.get(file);
    if (!e) return false;
    if (e.tsRefs?.length) return true;
    for (const ref of e.pyRefs ?? []) {
      if (ref.level > 0) return true;
      const last = ref.module.slice(ref.module.lastIndexOf('.') + 1);
      if (this.pyByName.has(last) || (ref.name !== undefined && this.pyByName.has(ref.name))) return true;
    }
    return false;
  }

  /** Make a file known by path (module lookups find it) before its text is read. */
  declare(file: string, language: SourceLanguage): void {
    if (!this.files.has(file)) this.set(file, language);
  }

  /**
   * Add or replace a file. `source`: its text, scanned for imports now; its definitions are read
   * when a module imports from it — from `source` when `keep` (an editor's unsaved text), else from
   * disk (nothing is held per file but its import list). Replacing a file forgets every resolution.
   */
  set(file: string, language: SourceLanguage, source?: string, keep = false): void {
    const old = this.files.get(file);
    const e: Entry = { language, source: keep ? source : undefined };
    if (source !== undefined) {
      if (language === 'python') e.pyRefs = pythonImportRefs(source);
      else e.tsRefs = tsImportRefs(source);
    }
    this.files.set(file, e);
    if (!old && language === 'python') {
      const name = pyModuleName(file);
      if (name) {
        const list = this.pyByName.get(name);
        if (list) list.push(file);
        else this.pyByName.set(name, [file]);
      }
    }
    if (old) this.invalidate();
  }

  delete(file: string): void {
    this.deps.delete(file);
    if (!this.files.delete(file)) return;
    const name = pyModuleName(file);
    const list = name ? this.pyByName.get(name) : undefined;
    if (list) list.splice(list.indexOf(file), 1);
    this.invalidate();
  }

  private invalidate(): void {
    this.memo.clear();
    this.resolved.clear();
  }

  /** The handles `file` imports from project modules (undefined: none). */
  importsFor(file: string): ImportedHandles | undefined {
    const hit = this.resolved.get(file);
    if (hit) return hit.imports;
    const e = this.entry(file);
    const via = new Set<string>();
    let out: Record<string, unknown> | undefined;
    if (e?.pyRefs?.length) {
      for (const ref of e.pyRefs) {
        const r = this.pyImport(file, ref, via, 0);
        if (r) (out ??= {})[ref.local] = r;
      }
    } else if (e?.tsRefs?.length) {
      for (const ref of e.tsRefs) {
        const r = this.tsImport(file, ref, via, 0);
        if (r) (out ??= {})[ref.local] = r;
      }
    }
    this.resolved.set(file, { imports: out, via });
    if (via.size) this.deps.set(file, via);
    else this.deps.delete(file);
    return out;
  }

  /** Files whose imported handles were resolved through `file` (they need a re-lint when it changes). */
  dependentsOf(file: string): string[] {
    const out: string[] = [];
    for (const [f, via] of this.deps) if (f !== file && via.has(file)) out.push(f);
    return out;
  }

  /** A comparable summary of what `file` exports (to tell whether an edit changed its handles). */
  exportsSignature(file: string): string {
    const e = this.entry(file);
    if (!e) return '';
    const names = e.language === 'python' ? [...this.pyDefs(file, e).keys()] : [...this.tsFacts(file, e).exports.keys()];
    const parts: string[] = [];
    for (const n of names.sort()) {
      const r = e.language === 'python' ? this.pyName(file, n, new Set(), 0) : this.tsExport(file, n, new Set(), 0);
      if (r) parts.push(`${n}=${JSON.stringify(r)}`);
    }
    return parts.join('\n');
  }

  private entry(file: string): Entry | undefined {
    const e = this.files.get(file);
    if (e && e.source === undefined && e.pyRefs === undefined && e.tsRefs === undefined) {
      const text = readText(file);
      if (e.language === 'python') e.pyRefs = pythonImportRefs(text);
      else e.tsRefs = tsImportRefs(text);
      e.source = text;
    }
    return e;
  }

  private text(file: string, e: Entry): string {
    return e.source ?? readText(file);
  }

  // ---- Python ---------------------------------------------------------------------------------

  private pyDefs(file: string, e: Entry): Map<string, PyDefinition> {
    return (e.pyDefs ??= pythonModuleDefinitions(this.text(file, e)));
  }

  /** The module file a Python import names, seen from `from` (undefined: not a project module). */
  private pyModule(from: string, module: string, level: number): string | undefined {
    const parts = module ? module.split('.') : [];
    if (level > 0) {
      let base = path.dirname(from);
      for (let k = 1; k < level; k++) base = path.dirname(base);
      const stem = path.join(base, ...parts);
      for (const c of [`${stem}.py`, `${stem}.pyi`, path.join(stem, '__init__.py'), path.join(stem, '__init__.pyi')]) if (this.files.has(c)) return c;
      return undefined;
    }
    if (!parts.length) return undefined;
    const suffix = parts.join(path.sep);
    let best: string | undefined;
    let bestShared = -1;
    for (const cand of this.pyByName.get(parts[parts.length - 1]) ?? []) {
      const stem = cand.replace(/[\\/]__init__\.pyi?$/, '').replace(PY_EXT, '');
      if (stem !== suffix && !stem.endsWith(path.sep + suffix)) continue;
      const shared = sharedPrefix(cand, from);
      if (shared > bestShared) {
        best = cand;
        bestShared = shared;
      }
    }
    return best;
  }

  private pyImport(from: string, ref: PyImportRef, via: Set<string>, depth: number): PyReceiver | undefined {
    if (depth > 16) return undefined;
    const mod = this.pyModule(from, ref.module, ref.level);
    if (ref.name === undefined) return mod ? this.pyModuleReceiver(mod, via, depth) : undefined;
    if (mod) {
      via.add(mod);
      const r = this.pyName(mod, ref.name, via, depth + 1);
      if (r) return r;
    }
    // `from pkg import sub`: a submodule
    const sub = this.pyModule(from, ref.module ? `${ref.module}.${ref.name}` : ref.name, ref.level);
    return sub ? this.pyModuleReceiver(sub, via, depth) : undefined;
  }

  private pyModuleReceiver(mod: string, via: Set<string>, depth: number): PyReceiver | undefined {
    via.add(mod);
    const e = this.entry(mod);
    if (!e) return undefined;
    const exports: Record<string, PyReceiver> = {};
    let any = false;
    for (const name of this.pyDefs(mod, e).keys()) {
      const r = this.pyName(mod, name, via, depth + 1);
      if (r && r.kind !== 'module') {
        exports[name] = r;
        any = true;
      }
    }
    return any ? { kind: 'module', exports } : undefined;
  }

  /** What module-level `name` of Python module `file` holds. */
  private pyName(file: string, name: string, via: Set<string>, depth: number): PyReceiver | undefined {
    const key = `${file}\0${name}`;
    if (this.memo.has(key)) return (this.memo.get(key) as PyReceiver | null) ?? undefined;
    if (depth > 16) return undefined;
    this.memo.set(key, null); // cycle guard
    const e = this.entry(file);
    const def = e ? this.pyDefs(file, e).get(name) : undefined;
    let r: PyReceiver | undefined;
    if (def) {
      const lookup = (n: string) => (n === name && def.kind === 'expr' ? undefined : this.pyName(file, n, via, depth + 1));
      switch (def.kind) {
        case 'lib':
          r = def.recv;
          break;
        case 'import':
          r = this.pyImport(file, def.ref, via, depth + 1);
          break;
        case 'expr':
          r = evalPythonExpr(def.expr, lookup);
          break;
        case 'function': {
          const local = (n: string): PyReceiver | undefined => {
            const expr = def.locals.get(n);
            if (expr === undefined) return lookup(n);
            return decodeLocalReceiver(expr) ?? evalPythonExpr(expr, (m) => (m === n ? lookup(m) : local(m)));
          };
          for (const ret of def.returns) {
            const returns = evalPythonExpr(ret, local);
            if (returns && returns.kind !== 'module' && returns.kind !== 'factory') {
              r = { kind: 'factory', returns };
              break;
            }
          }
          break;
        }
      }
    }
    this.memo.set(key, r ?? null);
    return r;
  }

  // ---- TypeScript / JavaScript ----------------------------------------------------------------

  private tsFacts(file: string, e: Entry): TsModuleFacts {
    return (e.tsFacts ??= tsModuleFacts(this.text(file, e)));
  }

  private tsModule(from: string, spec: string): string | undefined {
    const stem = path.resolve(path.dirname(from), spec);
    if (this.files.has(stem)) return stem;
    const bare = stem.replace(/\.(m|c)?js$/, '');
    for (const ext of TS_EXTS) if (this.files.has(bare + ext)) return bare + ext;
    for (const ext of TS_EXTS) if (this.files.has(path.join(stem, `index${ext}`))) return path.join(stem, `index${ext}`);
    return undefined;
  }

  private tsImport(from: string, ref: TsImportRef, via: Set<string>, depth: number): TsReceiver | undefined {
    if (depth > 16 || ref.name === '*') return undefined;
    const mod = this.tsModule(from, ref.spec);
    if (!mod) return undefined;
    via.add(mod);
    return this.tsExport(mod, ref.name, via, depth + 1);
  }

  private tsExport(file: string, name: string, via: Set<string>, depth: number): TsReceiver | undefined {
    const key = `${file}\0export ${name}`;
    if (this.memo.has(key)) return (this.memo.get(key) as TsReceiver | null) ?? undefined;
    if (depth > 16) return undefined;
    this.memo.set(key, null);
    const e = this.entry(file);
    let r: TsReceiver | undefined;
    if (e) {
      const facts = this.tsFacts(file, e);
      const ex = facts.exports.get(name);
      if (ex) r = 'local' in ex ? this.tsLocal(file, facts, ex.local, via, depth + 1) : this.tsImport(file, ex.ref, via, depth + 1);
      else if (name !== 'default') {
        for (const spec of facts.starExports) {
          r = this.tsImport(file, { local: name, spec, name }, via, depth + 1);
          if (r) break;
        }
      }
    }
    this.memo.set(key, r ?? null);
    return r;
  }

  private tsLocal(file: string, facts: TsModuleFacts, name: string, via: Set<string>, depth: number): TsReceiver | undefined {
    const key = `${file}\0local ${name}`;
    if (this.memo.has(key)) return (this.memo.get(key) as TsReceiver | null) ?? undefined;
    if (depth > 16) return undefined;
    this.memo.set(key, null);
    const def = facts.defs.get(name);
    let r: TsReceiver | undefined;
    if (def?.kind === 'lib') r = def.recv;
    else if (def?.kind === 'import') r = this.tsImport(file, def.ref, via, depth + 1);
    else if (def?.kind === 'expr') r = evalTsExpr(def.expr, (n) => (n === name ? undefined : this.tsLocal(file, facts, n, via, depth + 1)));
    this.memo.set(key, r ?? null);
    return r;
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** `obs` for …/obs.py, `app` for …/app/__init__.py. */
function pyModuleName(file: string): string | undefined {
  if (!PY_EXT.test(file)) return undefined;
  const base = path.basename(file).replace(PY_EXT, '');
  return base === '__init__' ? path.basename(path.dirname(file)) : base;
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
