// The language server's view of the lint engine (server/lint): incremental documents for open
// files, one-shot lints for files on disk, the workspace file list and event matching. Everything
// here delegates to the engine; nothing re-implements its logic.
import type { Settings } from '../../protocol/settings';
import { lintSource, matchEvent, suppressionEdit, type LintResult, type LintSettings } from '../lint/engine';
import { LintDocument, type ContentChange } from '../lint/document';
import { lintFiles as lintSourceFiles, listSourceFiles, type FileResult } from '../lint/workspace';
import type { EventMatch, Finding, Position, Range, SourceLanguage, TelemetryCall, TextEdit } from '../lint/types';
import { fastLint } from './fastPass';
import type { Schema, WrapperSpec } from '../schema/model';

/** A call with the schema event it was matched to. */
export interface AnalyzedCall {
  call: TelemetryCall;
  eventId?: string;
}

export interface EngineLintOptions {
  schema: Schema;
  settings: Settings;
}

export interface EngineLintOutcome {
  findings: Finding[];
  calls: AnalyzedCall[];
}

/** An open document inside the engine: keeps its syntax tree and re-parses incrementally. */
export interface EngineDocument {
  /** Queue content changes (applied, with one incremental re-parse, at the next exact lint); `text` is the result. */
  queue(changes: readonly ContentChange[], version: number, text: string): void;
  /**
   * Lint the queued changes. `fast` allows the window pass for a single edit in a large document
   * (`exact: false` in the result); otherwise the whole document is linted.
   */
  lint(opts: EngineLintOptions, mode?: 'fast' | 'exact'): Promise<EngineLintOutcome & { exact: boolean }>;
  /** The innermost telemetry call containing the position, as of the last lint. */
  callAt(position: Position): TelemetryCall | undefined;
  dispose(): void;
}

const converted = new WeakMap<Settings, LintSettings>();

/** protocol Settings → the engine's settings (rule severities and extra wrappers). */
export function lintSettings(settings: Settings): LintSettings {
  let s = converted.get(settings);
  if (!s) {
    s = {
      rules: settings.rules,
      wrappers: settings.wrappers.map((w) => {
        const spec: WrapperSpec = { name: w.name, kind: w.kind };
        if (w.level) spec.level = w.level;
        if (w.messageArg !== undefined) spec.messageArg = w.messageArg;
        return spec;
      }),
    };
    converted.set(settings, s);
  }
  return s;
}

export function analyze(calls: readonly TelemetryCall[], schema: Schema): AnalyzedCall[] {
  return calls.map((call) => {
    const m = matchEvent(call, schema);
    return m.event ? { call, eventId: m.event.id } : { call };
  });
}

function outcome(r: LintResult, schema: Schema): EngineLintOutcome {
  return { findings: r.findings, calls: analyze(r.calls, schema) };
}

export async function createEngineDocument(
  filePath: string,
  language: SourceLanguage,
  text: string,
  opts: EngineLintOptions,
): Promise<EngineDocument> {
  let schema = opts.schema;
  let settings = opts.settings;
  const doc = await LintDocument.open({ filePath, language, text, schema, settings: lintSettings(settings) });
  let pending: ContentChange[] = [];
  let pendingVersion: number | undefined;
  let current = text;
  /** Changes not yet covered by the last lint (exact or fast). */
  let unlinted: ContentChange[] = [];
  let last: { result?: LintResult; out: EngineLintOutcome & { exact: boolean } } | undefined;
  const exactLint = async (o: EngineLintOptions) => {
    let result: LintResult | undefined;
    if (pending.length) {
      const changes = pending;
      pending = [];
      if (o.schema !== schema || o.settings !== settings) {
        // apply the text first, then the new configuration (one re-lint each)
        await doc.update(changes, pendingVersion);
      } else {
        result = await doc.update(changes, pendingVersion);
      }
    }
    if (o.schema !== schema || o.settings !== settings) {
      schema = o.schema;
      settings = o.settings;
      result = await doc.reconfigure({ schema, settings: lintSettings(settings) });
    }
    result ??= doc.lastResult;
    unlinted = [];
    if (last?.result !== result || !last.out.exact) last = { result, out: { ...outcome(result, schema), exact: true } };
    return last.out;
  };
  return {
    queue(changes, version, newText) {
      for (const c of changes) {
        pending.push(c);
        unlinted.push(c);
      }
      pendingVersion = version;
      current = newText;
    },
    async lint(o, mode = 'exact') {
      const single = unlinted.length === 1 ? unlinted[0] : undefined;
      if (mode === 'fast' && single?.range && last && o.schema === schema && o.settings === settings) {
        const fast = await fastLint({
          text: current,
          filePath,
          language,
          schema,
          settings: lintSettings(settings),
          change: single as ContentChange & { range: Range },
          calls: last.out.calls.map((c) => c.call),
          findings: last.out.findings,
        });
        if (fast) {
          unlinted = [];
          last = { out: { findings: fast.findings, calls: analyze(fast.calls, schema), exact: false } };
          return last.out;
        }
      }
      return exactLint(o);
    },
    callAt(p) {
      let best: TelemetryCall | undefined;
      for (const { call } of last?.out.calls ?? []) {
        if (contains(call.range, p) && (!best || size(call.range) < size(best.range))) best = call;
      }
      return best;
    },
    dispose: () => doc.dispose(),
  };
}

function contains(r: Range, p: Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

function size(r: Range): number {
  return (r.end.line - r.start.line) * 100000 + (r.end.character - r.start.character);
}

/** Lint a file's text once (files on disk that are not open). */
export async function lintText(filePath: string, language: SourceLanguage, text: string, opts: EngineLintOptions): Promise<EngineLintOutcome> {
  const r = await lintSource({ source: text, filePath, language, schema: opts.schema, settings: lintSettings(opts.settings) });
  return outcome(r, opts.schema);
}

/** Lint files from disk (worker threads for large sets); `onFile` gets each result as it lands. */
export async function lintFiles(
  files: readonly string[],
  opts: EngineLintOptions,
  onFile: (file: string, out: EngineLintOutcome, r: FileResult) => void,
): Promise<void> {
  if (files.length === 0) return;
  const sources = files.map((p) => ({ path: p, language: languageOf(p) })).filter((f): f is { path: string; language: SourceLanguage } => !!f.language);
  await lintSourceFiles(sources, {
    schema: opts.schema,
    settings: lintSettings(opts.settings),
    includeCalls: true,
    onFile: (r) => onFile(r.file, { findings: r.findings, calls: analyze(r.calls ?? [], opts.schema) }, r),
  });
}

function languageOf(p: string): SourceLanguage | undefined {
  return /\.(py|pyi)$/i.test(p) ? 'python' : /\.(ts|tsx|mts|cts)$/i.test(p) ? 'typescript' : /\.(js|jsx|mjs|cjs)$/i.test(p) ? 'javascript' : undefined;
}

/** Workspace files to lint: honours .gitignore, the default and configured excludes, the enabled languages. */
export function listWorkspaceFiles(root: string, opts: { exclude: string[]; languages: Settings['languages'] }): string[] {
  return listSourceFiles([root], { exclude: opts.exclude, languages: opts.languages }).map((f) => f.path);
}

export function matchCall(call: TelemetryCall, schema: Schema): EventMatch {
  return matchEvent(call, schema);
}

export function disableForLine(source: string, language: SourceLanguage, line: number, code: string): TextEdit {
  return suppressionEdit(source, language, line, code);
}
