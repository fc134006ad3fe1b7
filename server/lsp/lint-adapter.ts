// The language server's view of the lint engine (server/lint): incremental documents for open
// files, one-shot lints for files on disk, the workspace file list and event matching. Everything
// here delegates to the engine; nothing re-implements its logic.
import type { Settings } from '../../protocol/settings';
import { lintSource, matchEvent, suppressionEdit, type LintResult, type LintSettings } from '../lint/linter';
import { LintDocument, type ContentChange } from '../lint/document';
import type { HandleIndex } from '../lint/handle-index';
import type { ImportedHandles } from '../languages';
import { lintFiles as lintSourceFiles, listSourceFiles, type FileResult } from '../lint/workspace';
import type { EventMatch, Finding, ProjectStyle } from '../lint/types';
import type { Position, Range, TextEdit } from '../model/positions';
import type { SourceLanguage, TelemetryCall } from '../model/calls';
import type { Schema, WrapperSpec } from '../schema/model';

/** A call with the schema event it was matched to. */
export interface AnalyzedCall {
  call: TelemetryCall;
  eventId?: string;
}

export interface EngineLintOptions {
  schema: Schema;
  settings: Settings;
  /** The workspace folder's inferred style (from its last workspace lint). */
  projectStyle?: ProjectStyle;
  /** Telemetry handles the file imports from project modules (the folder's handle index). */
  imports?: ImportedHandles;
}

export interface EngineLintOutcome {
  findings: Finding[];
  calls: AnalyzedCall[];
}

/** An open document inside the engine: keeps its syntax tree, re-parses and re-lints incrementally. */
export interface EngineDocument {
  /** Queue content changes (applied, with one incremental re-parse, at the next lint); `text` is the result. */
  queue(changes: readonly ContentChange[], version: number, text: string): void;
  /** Lint the queued changes: the same result as a whole-document lint, computed incrementally. */
  lint(opts: EngineLintOptions): Promise<EngineLintOutcome>;
  /** The innermost telemetry call containing the position, as of the last lint. */
  callAt(position: Position): TelemetryCall | undefined;
  /** Findings (overlapping `range`, or all) with fixes computed for the current text (for code actions). */
  findingsWithFixes(range?: Range): Finding[];
  dispose(): void;
}

const converted = new WeakMap<Settings, LintSettings>();

/** protocol Settings → the engine's settings (rule severities and extra wrappers). */
export function lintSettings(settings: Settings): LintSettings {
  let s = converted.get(settings);
  if (!s) {
    s = {
      semconv: { enabled: settings['semconv.enabled'], release: settings['semconv.release'] },
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

const withStyle = new WeakMap<LintSettings, WeakMap<ProjectStyle, LintSettings>>();

/** The engine's settings with the folder's inferred style (memoised, so unchanged inputs keep the same object). */
export function engineSettings(settings: Settings, projectStyle?: ProjectStyle): LintSettings {
  const base = lintSettings(settings);
  if (!projectStyle) return base;
  let byStyle = withStyle.get(base);
  if (!byStyle) withStyle.set(base, (byStyle = new WeakMap()));
  let s = byStyle.get(projectStyle);
  if (!s) byStyle.set(projectStyle, (s = { ...base, projectStyle }));
  return s;
}

const analyzed = new WeakMap<TelemetryCall, { schema: Schema; a: AnalyzedCall }>();

/** Calls with their matched event (cached per call object: calls an edit did not touch are not matched again). */
export function analyze(calls: readonly TelemetryCall[], schema: Schema): AnalyzedCall[] {
  return calls.map((call) => {
    const hit = analyzed.get(call);
    if (hit && hit.schema === schema) return hit.a;
    const m = matchEvent(call, schema);
    const a: AnalyzedCall = m.event ? { call, eventId: m.event.id } : { call };
    analyzed.set(call, { schema, a });
    return a;
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
  let projectStyle = opts.projectStyle;
  let imports = opts.imports;
  let importsKey = JSON.stringify(imports ?? null);
  const doc = await LintDocument.open({ filePath, language, text, schema, settings: engineSettings(settings, projectStyle), imports });
  let pending: ContentChange[] = [];
  let pendingVersion: number | undefined;
  let pendingText: string | undefined;
  let last: { result: LintResult; out: EngineLintOutcome } | undefined;
  return {
    queue(changes, version, text) {
      for (const c of changes) pending.push(c);
      pendingVersion = version;
      pendingText = text;
    },
    async lint(o) {
      let result: LintResult | undefined;
      const nextImportsKey = o.imports === imports ? importsKey : JSON.stringify(o.imports ?? null);
      const reconfigure = o.schema !== schema || o.settings !== settings || o.projectStyle !== projectStyle || nextImportsKey !== importsKey;
      if (pending.length) {
        const changes = pending;
        pending = [];
        // with a new configuration: apply the text first, then re-lint once with the configuration
        result = await doc.update(changes, pendingVersion, pendingText);
        pendingText = undefined;
      }
      if (reconfigure) {
        schema = o.schema;
        settings = o.settings;
        projectStyle = o.projectStyle;
        imports = o.imports;
        importsKey = nextImportsKey;
        result = await doc.reconfigure({ schema, settings: engineSettings(settings, projectStyle), imports });
      }
      result ??= doc.lastResult;
      if (last?.result !== result) last = { result, out: outcome(result, schema) };
      return last.out;
    },
    callAt: (p) => doc.callAt(p),
    findingsWithFixes: (range) => doc.findingsWithFixes(range),
    dispose: () => doc.dispose(),
  };
}

/** Lint a file's text once (files on disk that are not open). */
export async function lintText(filePath: string, language: SourceLanguage, text: string, opts: EngineLintOptions): Promise<EngineLintOutcome> {
  const r = await lintSource({ source: text, filePath, language, schema: opts.schema, settings: engineSettings(opts.settings, opts.projectStyle), imports: opts.imports });
  return outcome(r, opts.schema);
}

/** Lint files from disk (worker threads for large sets); `onFile` gets each result as it lands. */
export async function lintFiles(
  files: readonly string[],
  opts: EngineLintOptions & { handles?: HandleIndex },
  onFile: (file: string, out: EngineLintOutcome, r: FileResult) => void,
  onProjectStyle?: (style: ProjectStyle) => void,
): Promise<void> {
  if (files.length === 0) return;
  const sources = files.map((p) => ({ path: p, language: languageOf(p) })).filter((f): f is { path: string; language: SourceLanguage } => !!f.language);
  await lintSourceFiles(sources, {
    schema: opts.schema,
    settings: lintSettings(opts.settings),
    includeCalls: true,
    onProjectStyle,
    handles: opts.handles,
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
