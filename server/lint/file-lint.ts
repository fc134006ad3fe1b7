// One file's lint as the workspace linter and its worker threads run it: read the text, lint it,
// report it as a FileResult; and the messages between the workspace linter and its workers. Kept
// apart from workspace.ts (file listing, .gitignore, the worker pool) so the worker bundle carries
// only what a worker runs.
import fs from 'node:fs';
import type { ImportedHandles } from '../languages';
import type { CompiledWasm } from '../languages/parser';
import type { Schema } from '../schema/model';
import { type LintSettings, lintSource } from './linter';
import type { Finding } from './types';
import type { SourceLanguage, TelemetryCall } from '../model/calls';

/** Files above this size are generated or minified code; they are listed as skipped. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

export interface SourceFile {
  path: string;
  language: SourceLanguage;
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

/** What a file's lint needs besides the file. */
export interface FileLintOptions {
  schema: Schema;
  settings?: LintSettings;
  includeCalls?: boolean;
}

/** Lines as editors count them (a final newline does not start another line). */
export function countLines(s: string): number {
  let n = s.length && !s.endsWith('\n') ? 1 : 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** A file's text, or its result when it cannot be read or is too large. */
export function readSource(file: SourceFile): string | FileResult {
  try {
    const source = fs.readFileSync(file.path, 'utf8');
    if (source.length > MAX_FILE_BYTES) return { file: file.path, language: file.language, lines: 0, findings: [], skipped: true, error: `skipped: larger than ${MAX_FILE_BYTES} bytes` };
    return source;
  } catch (err) {
    return { file: file.path, language: file.language, lines: 0, findings: [], skipped: true, error: err instanceof Error ? err.message : String(err) };
  }
}

export async function lintText(file: SourceFile, source: string, opts: FileLintOptions, imports?: ImportedHandles): Promise<FileResult> {
  try {
    const r = await lintSource({ source, filePath: file.path, language: file.language, schema: opts.schema, settings: opts.settings, imports });
    const out: FileResult = { file: file.path, language: file.language, lines: countLines(source), findings: r.findings, skipped: r.skipped };
    if (opts.includeCalls) out.calls = r.calls;
    if (r.ruleErrors.length) out.ruleErrors = r.ruleErrors;
    return out;
  } catch (err) {
    return { file: file.path, language: file.language, lines: countLines(source), findings: [], skipped: true, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Message protocol between server/lint/workspace.ts and server/lint/worker.ts. */
export interface WorkerItem {
  /** Index of the file in the caller's list (results come back with it). */
  i: number;
  file: SourceFile;
  /** The file's text, already read (and pre-filtered) by the main thread. */
  source: string;
  /** Handles the file imports from project modules (resolved by the main thread's handle index). */
  imports?: ImportedHandles;
}
export type WorkerRequest = { type: 'init'; wasm?: CompiledWasm } | { type: 'lint'; items: WorkerItem[] } | { type: 'stop' };
export type WorkerResponse = { type: 'done'; results: { i: number; result: FileResult }[] } | { type: 'error'; message: string };
export type WorkerData = FileLintOptions;

/** Lint one file whose text a worker received (the worker side of `WorkerRequest`). */
export function lintWorkerItem(item: WorkerItem, data: WorkerData): Promise<FileResult> {
  return lintText(item.file, item.source, data, item.imports);
}
