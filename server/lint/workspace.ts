// Workspace linting: list source files under roots (honouring nested .gitignore files, user
// excludes and languages) and lint them, in-process for small workspaces, on worker threads
// (one per core) for large ones. Used by the CLI and the language server.
import fg from 'fast-glob';
import ignore, { type Ignore } from 'ignore';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { languageForPath } from '../languages';
import { packageRoot } from '../paths';
import type { Schema } from '../schema/model';
import { type LintSettings, lintSource, needsParse } from './engine';
import type { Finding, SourceLanguage, TelemetryCall } from './types';

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
/** Files above this size are generated or minified code; they are listed as skipped. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

export interface ListOptions {
  /** Extra exclude globs (relative to each root). */
  exclude?: readonly string[];
  languages?: readonly SourceLanguage[];
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
}

export interface SourceFile {
  path: string;
  language: SourceLanguage;
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

export interface FileResult {
  file: string;
  language: SourceLanguage;
  lines: number;
  findings: Finding[];
  /** Only when `includeCalls` was asked for. */
  calls?: TelemetryCall[];
  skipped: boolean;
  /** Read or lint failure for this file (the run continues). */
  error?: string;
  ruleErrors?: { code: string; message: string }[];
}

export interface WorkspaceLintOptions extends ListOptions {
  schema: Schema;
  settings?: LintSettings;
  includeCalls?: boolean;
  /** Worker threads: 0 = in-process; default: one per core when the workspace is large. */
  workers?: number;
  /** Called after each file (progress). */
  onFile?: (r: FileResult, done: number, total: number) => void;
}

/** Above this many bytes of source, linting moves to worker threads. */
export const WORKER_THRESHOLD_BYTES = 1_500_000;

/** Lines as editors count them (a final newline does not start another line). */
export function countLines(s: string): number {
  let n = s.length && !s.endsWith('\n') ? 1 : 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Lint one file from disk (never throws: failures become `error`). */
export async function lintFile(file: SourceFile, opts: Pick<WorkspaceLintOptions, 'schema' | 'settings' | 'includeCalls'>): Promise<FileResult> {
  const read = readSource(file);
  return typeof read === 'string' ? lintText(file, read, opts) : read;
}

function readSource(file: SourceFile): string | FileResult {
  try {
    const source = fs.readFileSync(file.path, 'utf8');
    if (source.length > MAX_FILE_BYTES) return { file: file.path, language: file.language, lines: 0, findings: [], skipped: true, error: `skipped: larger than ${MAX_FILE_BYTES} bytes` };
    return source;
  } catch (err) {
    return { file: file.path, language: file.language, lines: 0, findings: [], skipped: true, error: err instanceof Error ? err.message : String(err) };
  }
}

async function lintText(file: SourceFile, source: string, opts: Pick<WorkspaceLintOptions, 'schema' | 'settings' | 'includeCalls'>): Promise<FileResult> {
  try {
    const r = await lintSource({ source, filePath: file.path, language: file.language, schema: opts.schema, settings: opts.settings });
    const out: FileResult = { file: file.path, language: file.language, lines: countLines(source), findings: r.findings, skipped: r.skipped };
    if (opts.includeCalls) out.calls = r.calls;
    if (r.ruleErrors.length) out.ruleErrors = r.ruleErrors;
    return out;
  } catch (err) {
    return { file: file.path, language: file.language, lines: countLines(source), findings: [], skipped: true, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The worker script shipped beside the bundles. */
export function workerScript(): string | undefined {
  const p = path.join(packageRoot(), 'dist', 'server', 'lint-worker.js');
  return fs.existsSync(p) ? p : undefined;
}

/** Lint files (in order of the returned array, which follows `files`). */
export async function lintFiles(files: readonly SourceFile[], opts: WorkspaceLintOptions): Promise<FileResult[]> {
  const results: FileResult[] = new Array(files.length);
  let done = 0;
  const finish = (i: number, r: FileResult) => {
    results[i] = r;
    opts.onFile?.(r, ++done, files.length);
  };
  // Read and pre-filter here: files without telemetry are finished at once (no parse), so only
  // the files that need parsing decide whether worker threads are worth starting.
  const parse: { i: number; source: string }[] = [];
  let parseBytes = 0;
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const read = readSource(f);
    if (typeof read !== 'string') finish(i, read);
    else if (!needsParse({ source: read, language: f.language, schema: opts.schema, settings: opts.settings })) finish(i, await lintText(f, read, opts));
    else {
      parse.push({ i, source: read });
      parseBytes += read.length;
    }
  }
  let workers = opts.workers;
  if (workers === undefined) workers = parse.length > 8 && parseBytes > WORKER_THRESHOLD_BYTES ? os.availableParallelism() : 0;
  const script = workers > 0 && parse.length > 1 ? workerScript() : undefined;
  if (!script || !workers || workers <= 0) {
    for (const p of parse) finish(p.i, await lintText(files[p.i], p.source, opts));
    return results;
  }
  const onFile = opts.onFile;
  const onWorkers = await lintOnWorkers(
    parse.map((p) => files[p.i]),
    { ...opts, onFile: onFile ? (r) => onFile(r, ++done, files.length) : undefined },
    Math.min(workers, parse.length),
    script,
  );
  onWorkers.forEach((r, k) => (results[parse[k].i] = r));
  return results;
}

/** List and lint every source file under the roots. */
export async function lintWorkspace(roots: readonly string[], opts: WorkspaceLintOptions): Promise<FileResult[]> {
  return lintFiles(listSourceFiles(roots, opts), opts);
}

/** Message protocol between this module and server/lint/worker.ts. */
export type WorkerRequest = { type: 'lint'; batch: number; files: SourceFile[] } | { type: 'stop' };
export type WorkerResponse = { type: 'ready' } | { type: 'done'; batch: number; results: FileResult[] } | { type: 'error'; message: string };
export interface WorkerData {
  schema: Schema;
  settings?: LintSettings;
  includeCalls?: boolean;
}

function lintOnWorkers(files: readonly SourceFile[], opts: WorkspaceLintOptions, count: number, script: string): Promise<FileResult[]> {
  // Small batches keep both cores busy until the end; results are put back in input order.
  const batchSize = Math.max(1, Math.min(32, Math.ceil(files.length / (count * 8))));
  const batches: SourceFile[][] = [];
  for (let i = 0; i < files.length; i += batchSize) batches.push(files.slice(i, i + batchSize));
  const results: FileResult[][] = new Array(batches.length);
  let next = 0;
  let done = 0;
  let finished = 0;
  const data: WorkerData = { schema: opts.schema, settings: opts.settings, includeCalls: opts.includeCalls };
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const w of pool) void w.terminate();
      reject(err);
    };
    const feed = (w: Worker) => {
      if (next < batches.length) {
        const batch = next++;
        w.postMessage({ type: 'lint', batch, files: batches[batch] } satisfies WorkerRequest);
      } else {
        w.postMessage({ type: 'stop' } satisfies WorkerRequest);
      }
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(script, { workerData: data });
      pool.push(w);
      w.on('message', (m: WorkerResponse) => {
        if (m.type === 'ready') feed(w);
        else if (m.type === 'done') {
          results[m.batch] = m.results;
          for (const r of m.results) opts.onFile?.(r, ++done, files.length);
          feed(w);
        } else fail(new Error(`lint worker: ${m.message}`));
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (failed) return;
        if (code !== 0) return fail(new Error(`lint worker exited with code ${code}`));
        if (++finished === count) resolve(results.flat());
      });
    }
  });
}
