// Workspace linting: list source files under roots (honouring nested .gitignore files, user
// excludes and languages) and lint them, in-process for small workspaces, on worker threads
// (one per core) for large ones. Used by the CLI and the language server.
import fg from 'fast-glob';
import ignore, { type Ignore } from 'ignore';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type ImportedHandles, languageForPath, loadAllGrammars } from '../languages';
import { compiledWasm } from '../languages/parser';
import { packageRoot } from '../paths';
import type { Schema } from '../schema/model';
import { type LintSettings, needsParse } from './linter';
import { isTestPath } from '../rules/helpers';
import { countEventNames, declaresEventNameStyle, inferProjectStyle } from './project-style';
import { HandleIndex } from './handle-index';
import { type FileResult, type SourceFile, type WorkerData, type WorkerItem, type WorkerRequest, type WorkerResponse, lintText, readSource } from './file-lint';
import type { NameShape, ProjectStyle } from './types';
import type { SourceLanguage } from '../model/calls';

export { countLines, type FileResult, MAX_FILE_BYTES, type SourceFile } from './file-lint';

/** Directories never worth linting (dependencies, VCS, caches, virtualenvs). */
export const DEFAULT_EXCLUDES = [
  '**/node_modules/**',
  '**/.git/**',
  '**/.hg/**',
  '**/.svn/**',
  '**/.venv/**',
  '**/venv/**',
  '**/.tox/**',
  '**/.nox/**',
  '**/__pycache__/**',
  '**/.mypy_cache/**',
  '**/.pytest_cache/**',
  '**/.ruff_cache/**',
  '**/site-packages/**',
];
const SOURCE_GLOB = '**/*.{py,pyi,ts,tsx,mts,cts,js,jsx,mjs,cjs}';

export interface ListOptions {
  /** Extra exclude globs (relative to each root). */
  exclude?: readonly string[];
  languages?: readonly SourceLanguage[];
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** .gitignore matchers by directory (absolute), for every .gitignore under root. */
function gitignores(root: string): Map<string, Ignore> {
  const out = new Map<string, Ignore>();
  const files = fg.sync('**/.gitignore', { cwd: root, dot: true, ignore: DEFAULT_EXCLUDES, absolute: true, suppressErrors: true, followSymbolicLinks: false });
  for (const f of files) {
    try {
      out.set(path.dirname(f), ignore().add(fs.readFileSync(f, 'utf8')));
    } catch {
      // unreadable .gitignore: ignore it
    }
  }
  return out;
}

function isGitIgnored(file: string, root: string, rules: Map<string, Ignore>): boolean {
  if (rules.size === 0) return false;
  let dir = path.dirname(file);
  for (;;) {
    const ig = rules.get(dir);
    if (ig) {
      const rel = toPosix(path.relative(dir, file));
      if (rel && ig.ignores(rel)) return true;
      // A directory excluded by an ancestor's pattern (`build/`) hides everything under it.
      let sub = path.dirname(rel);
      while (sub && sub !== '.') {
        if (ig.ignores(`${sub}/`)) return true;
        sub = path.dirname(sub);
      }
    }
    if (dir === root || path.dirname(dir) === dir || !dir.startsWith(root)) break;
    dir = path.dirname(dir);
  }
  return false;
}

/** Source files under the given files/directories, sorted, deduplicated. */
export function listSourceFiles(roots: readonly string[], opts: ListOptions = {}): SourceFile[] {
  const langs = new Set(opts.languages ?? ['python', 'typescript', 'javascript']);
  const seen = new Set<string>();
  const out: SourceFile[] = [];
  const add = (file: string) => {
    const language = languageForPath(file);
    if (!language || !langs.has(language) || seen.has(file)) return;
    seen.add(file);
    out.push({ path: file, language });
  };
  for (const r of roots) {
    const root = path.resolve(r);
    let st: fs.Stats;
    try {
      st = fs.statSync(root);
    } catch {
      throw new Error(`no such file or directory: ${r}`);
    }
    if (st.isFile()) {
      add(root);
      continue;
    }
    const rules = opts.gitignore === false ? new Map<string, Ignore>() : gitignores(root);
    const files = fg.sync(SOURCE_GLOB, {
      cwd: root,
      absolute: true,
      dot: false,
      ignore: [...DEFAULT_EXCLUDES, ...(opts.exclude ?? [])],
      followSymbolicLinks: false,
      suppressErrors: true,
    });
    for (const f of files) {
      const abs = path.normalize(f);
      if (!isGitIgnored(abs, root, rules)) add(abs);
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface WorkspaceLintOptions extends ListOptions {
  schema: Schema;
  settings?: LintSettings;
  includeCalls?: boolean;
  /** Worker threads: 0 = in-process; default: one per core when the workspace is large. */
  workers?: number;
  /** Called after each file (progress). */
  onFile?: (r: FileResult, done: number, total: number) => void;
  /** Receives the project style inferred from the files before any is linted (see project-style.ts). */
  onProjectStyle?: (style: ProjectStyle) => void;
  /**
   * The workspace's handle index (the language server keeps one across runs, with its open
   * documents' text); default: a fresh one over `files`. Every file read is added to it.
   */
  handles?: HandleIndex;
}

/** Above this many bytes of source, linting moves to worker threads. */
export const WORKER_THRESHOLD_BYTES = 1_500_000;

/** Lint one file from disk (never throws: failures become `error`). */
export async function lintFile(file: SourceFile, opts: Pick<WorkspaceLintOptions, 'schema' | 'settings' | 'includeCalls'>): Promise<FileResult> {
  const read = readSource(file);
  return typeof read === 'string' ? lintText(file, read, opts) : read;
}

/** The worker script shipped beside the bundles. */
export function workerScript(): string | undefined {
  const p = path.join(packageRoot(), 'dist', 'server', 'lint-worker.js');
  return fs.existsSync(p) ? p : undefined;
}

/** Lint files (in order of the returned array, which follows `files`). */
export async function lintFiles(files: readonly SourceFile[], options: WorkspaceLintOptions): Promise<FileResult[]> {
  let opts = options;
  // Without a naming convention in the project's schema, TL009 compares names with the project's
  // dominant style: the files are read first (one regular expression pass each) to infer it.
  let texts: (string | FileResult | undefined)[] | undefined;
  // The pre-filter's answer for each file read here (without imported handles), reused below.
  let parseNeeded: boolean[] | undefined;
  if (opts.settings?.projectStyle === undefined && !declaresEventNameStyle(opts.schema)) {
    texts = files.map(readSource);
    const counts = new Map<NameShape, number>();
    parseNeeded = texts.map((t, i) => {
      const need = typeof t === 'string' && needsParse({ source: t, language: files[i].language, schema: opts.schema, settings: opts.settings });
      if (need && !isTestPath(files[i].path)) countEventNames(t as string, counts);
      return need;
    });
    const projectStyle = inferProjectStyle(counts);
    opts = { ...opts, settings: { ...opts.settings, projectStyle } };
    opts.onProjectStyle?.(projectStyle);
  }
  const results: FileResult[] = new Array(files.length);
  let done = 0;
  const finish = (i: number, r: FileResult) => {
    results[i] = r;
    opts.onFile?.(r, ++done, files.length);
  };
  // Read and pre-filter here: files without telemetry are finished at once (no parse). Files that
  // need parsing go to worker threads in batches while the rest is still being read, so the
  // workers' start-up overlaps this loop. Asked for explicitly (`workers` > 0), the pool starts
  // with the first file that needs a parse; by default, when those files pass the size threshold.
  // While a pool runs, the loop yields to the event loop every few milliseconds, so the workers'
  // start message and their results are handled (and more batches sent) while reading goes on.
  const script = opts.workers !== 0 && files.length > 1 ? workerScript() : undefined;
  const wanted = opts.workers ?? os.availableParallelism();
  const eager = script !== undefined && opts.workers !== undefined && opts.workers > 0;
  let pool: WorkerPool | undefined;
  let yieldAt = 0;
  const startPool = () => {
    yieldAt = 0;
    return (pool = new WorkerPool(script!, Math.min(wanted, files.length), batchSizeFor(files.length, wanted), opts, finish));
  };
  const parse: { i: number; source: string; imports?: ImportedHandles }[] = [];
  let parseBytes = 0;
  const dispatch = async (i: number, f: SourceFile, source: string, imports: ImportedHandles | undefined) => {
    const need = imports === undefined && parseNeeded ? parseNeeded[i] : needsParse({ source, language: f.language, schema: opts.schema, settings: opts.settings, imports });
    if (!need) finish(i, await lintText(f, source, opts, imports));
    else if (pool || eager) (pool ?? startPool()).add(i, f, source, imports);
    else {
      parse.push({ i, source, imports });
      parseBytes += source.length;
      if (script && opts.workers === undefined && parse.length > 8 && parseBytes > WORKER_THRESHOLD_BYTES) {
        const p = startPool();
        for (const q of parse) p.add(q.i, files[q.i], q.source, q.imports);
        parse.length = 0;
      }
    }
  };
  // Files importing names from project modules wait until every file has been seen by the handle
  // index (the module defining a handle may come later in the list); the others go at once.
  const handles = opts.handles ?? new HandleIndex();
  for (const f of files) handles.declare(f.path, f.language);
  const deferred: { i: number; source: string }[] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const read = texts ? texts[i]! : readSource(f);
    if (texts) texts[i] = undefined;
    if (typeof read !== 'string') finish(i, read);
    else {
      handles.set(f.path, f.language, read);
      if (handles.hasImports(f.path)) deferred.push({ i, source: read });
      else await dispatch(i, f, read, undefined);
    }
    if (pool && performance.now() >= yieldAt) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      yieldAt = performance.now() + YIELD_EVERY_MS;
    }
  }
  for (const d of deferred) await dispatch(d.i, files[d.i], d.source, handles.importsFor(files[d.i].path));
  if (pool) {
    await pool.finish();
    return results;
  }
  for (const p of parse) finish(p.i, await lintText(files[p.i], p.source, opts, p.imports));
  return results;
}

/** While files are read for a worker pool, the reading loop lets the event loop run this often. */
const YIELD_EVERY_MS = 5;

/** List and lint every source file under the roots. */
export async function lintWorkspace(roots: readonly string[], opts: WorkspaceLintOptions): Promise<FileResult[]> {
  return lintFiles(listSourceFiles(roots, opts), opts);
}

/** Files per message: small enough to keep every worker busy to the end, large enough to amortise a message. */
function batchSizeFor(files: number, workers: number): number {
  return Math.max(1, Math.min(32, Math.ceil(files / (Math.max(1, workers) * 8))));
}

/**
 * Worker threads fed with batches of files as they are read. Each worker holds up to two batches
 * (one running, one queued) so it never waits for the main thread between batches; the first ones
 * are sent as soon as the worker exists (it runs them once it has started), so a worker's start-up
 * does not wait for a round trip through the main thread. When the last batches are handed out,
 * they are split so the workers finish together.
 */
class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly queue: WorkerItem[][] = [];
  private current: WorkerItem[] = [];
  private readonly inFlight = new Map<Worker, number>();
  private closed = false;
  private failed: Error | undefined;
  private settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private exited = 0;

  constructor(
    script: string,
    count: number,
    private readonly batchSize: number,
    opts: WorkspaceLintOptions,
    private readonly onResult: (i: number, r: FileResult) => void,
  ) {
    const data: WorkerData = { schema: opts.schema, settings: opts.settings, includeCalls: opts.includeCalls };
    // The parser's wasm is compiled (or already loaded) here once and shared with every worker.
    const wasm = loadAllGrammars().then(compiledWasm, () => undefined);
    for (let k = 0; k < count; k++) {
      const w = new Worker(script, { workerData: data });
      void wasm.then((m) => w.postMessage({ type: 'init', wasm: m } satisfies WorkerRequest));
      this.workers.push(w);
      this.inFlight.set(w, 0);
      w.on('message', (m: WorkerResponse) => {
        if (m.type === 'done') {
          this.inFlight.set(w, this.inFlight.get(w)! - 1);
          for (const r of m.results) this.onResult(r.i, r.result);
          this.feed(w);
        } else this.fail(new Error(`lint worker: ${m.message}`));
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        this.exited++;
        if (code !== 0 && !this.failed) this.fail(new Error(`lint worker exited with code ${code}`));
        else if (this.exited === this.workers.length && !this.failed) this.settle?.resolve();
      });
    }
  }

  /** Queue a file; full batches go out to workers with room at once. */
  add(i: number, file: SourceFile, source: string, imports?: ImportedHandles): void {
    this.current.push(imports ? { i, file, source, imports } : { i, file, source });
    if (this.current.length >= this.batchSize) {
      this.queue.push(this.current);
      this.current = [];
      for (const w of this.workers) if (this.inFlight.get(w)! < 2) this.feed(w);
    }
  }

  /** No more files: flush, wait for every result, stop the workers. */
  finish(): Promise<void> {
    if (this.current.length) this.queue.push(this.current);
    this.current = [];
    this.closed = true;
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      if (this.failed) return reject(this.failed);
      for (const w of this.workers) this.feed(w);
    });
  }

  private feed(w: Worker): void {
    if (this.failed) return;
    while (this.inFlight.get(w)! < 2 && this.queue.length) {
      w.postMessage({ type: 'lint', items: this.next() } satisfies WorkerRequest);
      this.inFlight.set(w, this.inFlight.get(w)! + 1);
    }
    if (this.closed && this.queue.length === 0 && this.inFlight.get(w) === 0) w.postMessage({ type: 'stop' } satisfies WorkerRequest);
  }

  /**
   * The next batch to send. Once every file is queued, the batches that are left are split in
   * half (down to single files) while there are fewer of them than the workers can hold, so no
   * worker is left with a full batch while the others have nothing to do.
   */
  private next(): WorkerItem[] {
    const b = this.queue.shift()!;
    if (this.closed && b.length > 1 && this.queue.length < this.workers.length) {
      const half = b.length >> 1;
      this.queue.unshift(b.slice(half));
      return b.slice(0, half);
    }
    return b;
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = err;
    for (const w of this.workers) void w.terminate();
    this.settle?.reject(err);
  }
}
