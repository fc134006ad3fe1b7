// The lint engine: extraction → event matching → rules → severities → inline suppressions.
// Pure: no editor or LSP types. The language server, the CLI, the worker threads and the runtime
// conformance checks all call into here.
import { trace, type Span } from '@opentelemetry/api';
import { distance } from 'fastest-levenshtein';
import type { Tree } from 'web-tree-sitter';
import { type ImportedHandles, extractFromTree, grammarFor, mayContainTelemetry, parseSource } from '../languages';
import { RULES } from '../rules/index';
import type { EventSpec, Schema, WrapperSpec } from '../schema/model';
import { attributeLayers, type SemconvSettings } from '../schema/semconv';
import { parseTemplate } from '../schema/template';
import type { CallContext, EventMatch, FileContext, Finding, FindingInput, ProjectStyle, Rule, RuleMeta, Severity } from './types';
import type { TextEdit } from '../model/positions';
import type { SourceLanguage, TelemetryCall } from '../model/calls';

/** The settings the engine reads (a subset of protocol/settings.ts `Settings`). */
export interface LintSettings {
  /** Severity per rule code or name: 'error' | 'warning' | 'info' | 'hint' | 'off'. */
  rules?: Record<string, string>;
  /** Extra wrapper functions, merged with the schema's `conventions.wrappers`. */
  wrappers?: readonly WrapperSpec[];
  /** The built-in OpenTelemetry semantic conventions layer (on by default). */
  semconv?: SemconvSettings;
  /** The project's inferred style (computed once per run by the workspace lint or the language server). */
  projectStyle?: ProjectStyle;
}

export interface LintInput {
  source: string;
  filePath: string;
  language: SourceLanguage;
  schema: Schema;
  settings?: LintSettings;
  /** Rules to run (default: every rule in the registry). */
  rules?: readonly Rule[];
  /** Telemetry handles the file imports from project modules (see server/lint/handle-index.ts). */
  imports?: ImportedHandles;
}

export interface LintResult {
  calls: TelemetryCall[];
  findings: Finding[];
  /** True when the pre-filter proved the file holds no telemetry call (it was not parsed). */
  skipped: boolean;
  /** Rules that threw (the lint continued without them). */
  ruleErrors: { code: string; message: string }[];
}

/** Candidates below this similarity are not offered as did-you-mean. */
export const NEAR_MISS_THRESHOLD = 0.5;

const tracer = trace.getTracer('telemetry-lens');

// ---- wrappers & severities --------------------------------------------------------------------

/** Schema wrappers plus settings wrappers (settings win on a name clash). */
export function wrappersFor(schema: Schema, settings?: LintSettings): WrapperSpec[] {
  const extra = settings?.wrappers ?? [];
  if (extra.length === 0) return schema.conventions.wrappers;
  const names = new Set(extra.map((w) => w.name));
  return [...schema.conventions.wrappers.filter((w) => !names.has(w.name)), ...extra];
}

const SEVERITY_VALUES = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Effective severity: the rule's default ← schema `rules:` ← settings `rules` (each by code or name). */
export function resolveSeverity(meta: RuleMeta, schema?: Pick<Schema, 'rules'>, settings?: LintSettings): Severity | 'off' {
  let sev: Severity | 'off' = meta.severity;
  for (const table of [schema?.rules, settings?.rules]) {
    if (!table) continue;
    const v = table[meta.code] ?? table[meta.name] ?? table[meta.code.toLowerCase()];
    if (typeof v === 'string' && SEVERITY_VALUES.has(v)) sev = v as Severity | 'off';
  }
  return sev;
}

// ---- event matching ---------------------------------------------------------------------------

interface SchemaIndex {
  byTemplate: Map<string, EventSpec>;
  byName: Map<string, EventSpec>;
  byNormalized: Map<string, EventSpec>;
  keys: { event: EventSpec; norm: string; words: string[] }[];
  /** Memoised results by message text (the same messages are matched on every re-lint). */
  memo: Map<string, EventMatch>;
}
const indexes = new WeakMap<Schema, SchemaIndex>();

const ARROWS = /\s*(?:→|->|=>|⟶|➜|➔|⇒|—>|-->)\s*/g;

/** Template/name in a form that ignores placeholder names, arrow spelling, whitespace and case. */
export function normalizeMessage(text: string): string {
  let shape: string;
  try {
    shape = parseTemplate(text).shape;
  } catch {
    shape = text;
  }
  return shape.replace(ARROWS, ' → ').replace(/\s+/g, ' ').trim().toLowerCase();
}

function words(norm: string): string[] {
  return norm.split(/[^a-z0-9_]+/).filter((w) => w.length > 0);
}

function schemaIndex(schema: Schema): SchemaIndex {
  let idx = indexes.get(schema);
  if (idx) return idx;
  idx = { byTemplate: new Map(), byName: new Map(), byNormalized: new Map(), keys: [], memo: new Map() };
  for (const ev of schema.events) {
    if (ev.template !== undefined && !idx.byTemplate.has(ev.template)) idx.byTemplate.set(ev.template, ev);
    if (ev.name !== undefined && !idx.byName.has(ev.name)) idx.byName.set(ev.name, ev);
    for (const key of [ev.template, ev.name]) {
      if (key === undefined) continue;
      const norm = normalizeMessage(key);
      if (!idx.byNormalized.has(norm)) idx.byNormalized.set(norm, ev);
      idx.keys.push({ event: ev, norm, words: words(norm) });
    }
  }
  indexes.set(schema, idx);
  return idx;
}

/**
 * The message template a call produces, when statically known: a string literal as is; a Python
 * f-string / JS template literal as Logfire rebuilds it (`f'Hello {name}'` → `Hello {name}`).
 */
export function effectiveTemplate(call: Pick<TelemetryCall, 'message' | 'language'>): string | undefined {
  const m = call.message;
  if (!m) return undefined;
  if (m.kind === 'string' && typeof m.value === 'string') return m.value;
  if (m.kind === 'fstring') {
    if (call.language === 'python') {
      const q = /^[a-zA-Z]*("""|'''|"|')/.exec(m.text);
      if (!q || m.text.includes('\n') || !m.text.endsWith(q[1])) return undefined;
      const body = m.text.slice(q[0].length, m.text.length - q[1].length);
      return fstringTemplate(body);
    }
    if (m.text.startsWith('`') && m.text.endsWith('`')) return m.text.slice(1, -1).replace(/\$\{([^}]*)\}/g, (_s, e: string) => `{${e.trim()}}`);
  }
  return undefined;
}

/**
 * An f-string body as the template Logfire rebuilds: each `{expression}` keeps the expression's text
 * and drops its conversion (`!r`) and format spec (`:.1f`), which start only outside brackets and
 * strings (`{job_id[:8]}` and `{d["a:b"]}` are whole expressions); `{{`/`}}` stay literal braces.
 */
function fstringTemplate(body: string): string {
  let out = '';
  let i = 0;
  while (i < body.length) {
    const ch = body[i];
    if ((ch === '{' || ch === '}') && body[i + 1] === ch) {
      out += ch + ch;
      i += 2;
      continue;
    }
    if (ch !== '{') {
      out += ch;
      i++;
      continue;
    }
    let depth = 0;
    let j = i + 1;
    let end = -1;
    let exprEnd = -1;
    for (; j < body.length; j++) {
      const c = body[j];
      if (c === '"' || c === "'") {
        const close = body.indexOf(c, j + 1);
        if (close < 0) break;
        j = close;
      } else if (c === '(' || c === '[' || c === '{') depth++;
      else if ((c === ')' || c === ']') && depth > 0) depth--;
      else if (c === '}' && depth > 0) depth--;
      else if (depth === 0 && exprEnd < 0 && (c === ':' || (c === '!' && body[j + 1] !== '='))) exprEnd = j;
      else if (c === '}' && depth === 0) {
        end = j;
        break;
      }
    }
    if (end < 0) return out + body.slice(i);
    const expr = body.slice(i + 1, exprEnd < 0 ? end : exprEnd).trim().replace(/=$/, '').trim();
    out += `{${expr}}`;
    i = end + 1;
  }
  return out;
}

/** Similarity in [0, 1] between two normalised messages. */
function similarity(a: string, aw: string[], b: string, bw: string[]): number {
  const max = Math.max(a.length, b.length);
  if (max === 0) return 0;
  const lev = 1 - distance(a, b) / max;
  let shared = 0;
  const set = new Set(bw);
  for (const w of new Set(aw)) if (set.has(w)) shared++;
  const wordScore = aw.length && bw.length ? shared / Math.max(new Set(aw).size, set.size) : 0;
  const firstSame = aw.length > 0 && bw.length > 0 && aw[0] === bw[0] && aw[0].length >= 4 ? 0.1 : 0;
  return Math.min(0.99, Math.max(lev, wordScore) + firstSame);
}

/**
 * Which schema event a call emits: by exact template, by dotted name, or by a normalised comparison;
 * else the near misses (best first, score ≥ NEAR_MISS_THRESHOLD) for did-you-mean.
 * Attribute setters and span events are matched through the span they act on.
 */
export function matchEvent(call: Pick<TelemetryCall, 'message' | 'language' | 'kind'> & { spanMessage?: TelemetryCall['message'] }, schema: Schema): EventMatch {
  const target = call.kind === 'set-attribute' ? (call.spanMessage ? { message: call.spanMessage, language: call.language } : undefined) : call;
  const text = target ? effectiveTemplate(target) : undefined;
  if (text === undefined) return { candidates: [] };
  return matchMessage(text, schema);
}

/** `matchEvent` for a message text (runtime records carry the template as text). */
export function matchMessage(text: string, schema: Schema): EventMatch {
  const idx = schemaIndex(schema);
  const memo = idx.memo.get(text);
  if (memo) return memo;
  const m = computeMatch(text, idx);
  if (idx.memo.size >= 20000) idx.memo.clear();
  idx.memo.set(text, m);
  return m;
}

function computeMatch(text: string, idx: SchemaIndex): EventMatch {
  const byTemplate = idx.byTemplate.get(text);
  if (byTemplate) return { event: byTemplate, how: 'template', candidates: [] };
  const byName = idx.byName.get(text);
  if (byName) return { event: byName, how: 'name', candidates: [] };
  const norm = normalizeMessage(text);
  const byNorm = idx.byNormalized.get(norm);
  if (byNorm) return { event: byNorm, how: 'normalized', candidates: [] };
  const w = words(norm);
  const best = new Map<EventSpec, number>();
  for (const k of idx.keys) {
    const s = similarity(norm, w, k.norm, k.words);
    if (s >= NEAR_MISS_THRESHOLD && s > (best.get(k.event) ?? 0)) best.set(k.event, s);
  }
  const candidates = [...best].map(([event, score]) => ({ event, score: Math.round(score * 1000) / 1000 })).sort((a, b) => b.score - a.score);
  return { candidates: candidates.slice(0, 3) };
}

// ---- suppressions -----------------------------------------------------------------------------

const SUPPRESS = /(?:#|\/\/|\/\*)\s*telemetry-lens:\s*ignore(?:\[([^\]]*)\])?/g;

/** Line → suppressed codes/names ('*' = all) from `telemetry-lens: ignore[...]` comments. */
export function parseSuppressions(source: string): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  if (!source.includes('telemetry-lens')) return out;
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.includes('telemetry-lens')) continue;
    SUPPRESS.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = SUPPRESS.exec(line))) {
      const set = out.get(i) ?? new Set<string>();
      if (m[1] === undefined) set.add('*');
      else for (const c of m[1].split(',')) if (c.trim()) set.add(c.trim());
      out.set(i, set);
    }
  }
  return out;
}

function isSuppressed(sup: Map<number, Set<string>>, lines: number[], f: Pick<Finding, 'code' | 'rule'>): boolean {
  for (const l of lines) {
    for (const line of [l, l - 1]) {
      const s = sup.get(line);
      if (s && (s.has('*') || s.has(f.code) || s.has(f.rule))) return true;
    }
  }
  return false;
}

/**
 * The edit that silences `code` on `line` (0-based): extends an existing `telemetry-lens: ignore[...]`
 * comment on that line, else appends `  # telemetry-lens: ignore[CODE]` (Python) or
 * `  // telemetry-lens: ignore[CODE]` (JS/TS); after a line continuation it goes on its own line above.
 */
export function suppressionEdit(source: string, language: SourceLanguage, line: number, code: string): TextEdit {
  const lines = source.split('\n');
  const text = (lines[line] ?? '').replace(/\r$/, '');
  SUPPRESS.lastIndex = 0;
  const existing = SUPPRESS.exec(text);
  if (existing) {
    const start = existing.index;
    const end = start + existing[0].length;
    const marker = language === 'python' ? '#' : existing[0].startsWith('/*') ? '/*' : '//';
    const codes = existing[1] === undefined ? undefined : existing[1].split(',').map((c) => c.trim()).filter(Boolean);
    const newText = codes === undefined ? existing[0] : `${marker} telemetry-lens: ignore[${[...new Set([...codes, code])].join(', ')}]`;
    return { range: { start: { line, character: start }, end: { line, character: end } }, newText };
  }
  const comment = `${language === 'python' ? '#' : '//'} telemetry-lens: ignore[${code}]`;
  const count = (needle: string) => text.split(needle).length - 1;
  // An end-of-line comment would land inside a string left open on this line (or after a line
  // continuation, or in a block comment): put the comment on its own line above instead.
  const openString = language === 'python' ? count('"""') % 2 === 1 || count("'''") % 2 === 1 : count('`') % 2 === 1;
  if (openString || /\\\s*$/.test(text) || (language !== 'python' && /^\s*(\/\*|\*)/.test(text))) {
    const indent = /^\s*/.exec(text)?.[0] ?? '';
    return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}${comment}\n` };
  }
  const trimmed = text.replace(/\s+$/, '');
  return { range: { start: { line, character: trimmed.length }, end: { line, character: text.length } }, newText: `  ${comment}` };
}

// ---- running rules ----------------------------------------------------------------------------

interface RunOptions {
  schema: Schema;
  settings?: LintSettings;
  rules?: readonly Rule[];
}

/** The last rule set resolved, by the inputs it depends on (every file of a run shares them). */
let lastActive: { rules: readonly Rule[]; schemaRules: unknown; settingsRules: unknown; key: string; out: { rule: Rule; severity: Severity }[] } | undefined;

function activeRules(opts: RunOptions): { rule: Rule; severity: Severity }[] {
  const rules = opts.rules ?? RULES;
  const schemaRules = opts.schema?.rules;
  const settingsRules = opts.settings?.rules;
  // The severity tables are small; their text is the key, so a table changed in place is seen.
  const key = `${schemaRules ? JSON.stringify(schemaRules) : ''}\0${settingsRules ? JSON.stringify(settingsRules) : ''}`;
  const last = lastActive;
  if (last && last.rules === rules && last.schemaRules === schemaRules && last.settingsRules === settingsRules && last.key === key) return last.out;
  const out: { rule: Rule; severity: Severity }[] = [];
  for (const rule of rules) {
    const severity = resolveSeverity(rule.meta, opts.schema, opts.settings);
    if (severity !== 'off') out.push({ rule, severity });
  }
  lastActive = { rules, schemaRules, settingsRules, key, out };
  return out;
}

/** One reporter per rule and pass: stamps code/name/severity, the matched event and the call. */
function makeReporter(rule: Rule, severity: Severity, into: Finding[], state: { call?: TelemetryCall; eventId?: string }): (f: FindingInput) => void {
  return (f) => {
    const finding: Finding = { ...f, code: rule.meta.code, rule: rule.meta.name, severity: f.severity && severity === rule.meta.severity ? f.severity : severity, fixes: f.fixes ?? [] };
    if (state.eventId !== undefined && finding.eventId === undefined) finding.eventId = state.eventId;
    if (state.call) callOf.set(finding, state.call);
    into.push(finding);
  };
}

function runRules(ctx: FileContext, opts: RunOptions, runFileRules: boolean, ruleErrors: LintResult['ruleErrors'], only?: readonly TelemetryCall[]): Finding[] {
  const findings: Finding[] = [];
  const rules = activeRules(opts);
  const state: { call?: TelemetryCall; eventId?: string } = {};
  const project = opts.settings?.projectStyle;
  const callRules = rules.filter((r) => r.rule.checkCall).map((r) => ({ ...r, report: makeReporter(r.rule, r.severity, findings, state) }));
  const layers = ctx.layers ?? attributeLayers(ctx.schema, opts.settings?.semconv);
  if (callRules.length) {
    for (const call of only ?? ctx.calls) {
      const match = matchEvent(call, ctx.schema);
      // One context per call, shared by every rule (rules must not mutate it).
      const cctx: CallContext = { filePath: ctx.filePath, language: ctx.language, source: ctx.source, schema: ctx.schema, calls: ctx.calls, layers, call, match, project };
      state.call = call;
      state.eventId = match.event?.id;
      for (const { rule, report } of callRules) {
        const start = findings.length;
        try {
          rule.checkCall!(cctx, report);
        } catch (err) {
          findings.length = start;
          ruleErrors.push({ code: rule.meta.code, message: err instanceof Error ? err.message : String(err) });
        }
      }
    }
  }
  state.call = undefined;
  state.eventId = undefined;
  if (runFileRules) {
    for (const { rule, severity } of rules) {
      if (!rule.checkFile) continue;
      const start = findings.length;
      try {
        rule.checkFile(project ? { ...ctx, project } : ctx, makeReporter(rule, severity, findings, state));
      } catch (err) {
        findings.length = start;
        ruleErrors.push({ code: rule.meta.code, message: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return findings;
}

const callOf = new WeakMap<Finding, TelemetryCall>();

function byPosition(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code);
}

/** Apply inline suppressions and sort. */
function finish(findings: Finding[], source: string, callFor: (f: Finding) => TelemetryCall | undefined = (f) => callOf.get(f)): Finding[] {
  const sup = parseSuppressions(source);
  const kept = sup.size === 0 ? findings : findings.filter((f) => {
    const call = callFor(f);
    const lines = call ? [call.range.start.line, f.range.start.line] : [f.range.start.line];
    return !isSuppressed(sup, lines, f);
  });
  return kept.sort(byPosition);
}

/** Rules with `fileNeedles` run their checkFile even on files the pre-filter skips. */
function needleRules(source: string, opts: RunOptions): Rule[] {
  const out: Rule[] = [];
  for (const rule of opts.rules ?? RULES) {
    const needles = rule.fileNeedles;
    if (rule.checkFile && needles && needles.some((n) => source.includes(n))) out.push(rule);
  }
  return out;
}

/** Lint calls already extracted from a parsed tree (the language server's incremental documents use this). */
export function lintExtracted(input: LintInput, calls: TelemetryCall[]): LintResult {
  const ruleErrors: LintResult['ruleErrors'] = [];
  const ctx: FileContext = { filePath: input.filePath, language: input.language, source: input.source, schema: input.schema, calls };
  const findings = runRules(ctx, input, true, ruleErrors);
  return { calls, findings: finish(findings, input.source), skipped: false, ruleErrors };
}

// ---- pieces for incremental lints (the language server's open documents) ------------------------

/**
 * The call rules' findings for `only` (calls of the file; `calls` is still every call, as rules that
 * look across calls need), before suppressions, in the order a whole-file lint produces them.
 */
export function lintCallsOf(input: LintInput, calls: TelemetryCall[], only: readonly TelemetryCall[], ruleErrors: LintResult['ruleErrors'] = []): Finding[] {
  if (only.length === 0) return [];
  const ctx: FileContext = { filePath: input.filePath, language: input.language, source: input.source, schema: input.schema, calls };
  return runRules(ctx, input, false, ruleErrors, only);
}

/** The file rules' findings (before suppressions). */
export function lintFileRules(input: LintInput, calls: TelemetryCall[], ruleErrors: LintResult['ruleErrors'] = []): Finding[] {
  const ctx: FileContext = { filePath: input.filePath, language: input.language, source: input.source, schema: input.schema, calls };
  return runRules(ctx, input, true, ruleErrors, []);
}

/** The call a finding of `lintCallsOf` / `lintTree` was reported on. */
export function callOfFinding(f: Finding): TelemetryCall | undefined {
  return callOf.get(f);
}

/** Inline suppressions and sorting for findings gathered piecewise (`callFor`: each finding's call). */
export function finishFindings(findings: Finding[], source: string, callFor: (f: Finding) => TelemetryCall | undefined): Finding[] {
  return finish(findings, source, callFor);
}

/** Lint a file the pre-filter rejected: no calls, only file rules whose needles occur. */
function lintSkipped(input: LintInput): LintResult {
  const ruleErrors: LintResult['ruleErrors'] = [];
  const rules = needleRules(input.source, input);
  if (rules.length === 0) return { calls: [], findings: [], skipped: true, ruleErrors };
  const ctx: FileContext = { filePath: input.filePath, language: input.language, source: input.source, schema: input.schema, calls: [] };
  const findings = runRules(ctx, { ...input, rules }, true, ruleErrors);
  return { calls: [], findings: finish(findings, input.source), skipped: true, ruleErrors };
}

/** Lint a parsed tree synchronously. */
export function lintTree(tree: Tree, input: LintInput): LintResult {
  const calls = extractFromTree(tree, input.source, input.language, { wrappers: wrappersFor(input.schema, input.settings), imports: input.imports });
  return lintExtracted(input, calls);
}

/** Does this source need parsing at all under the schema/settings (the pre-filter)? */
export function needsParse(input: Pick<LintInput, 'source' | 'language' | 'schema' | 'settings' | 'imports'>): boolean {
  if (input.imports && hasKeys(input.imports)) return true;
  return mayContainTelemetry(input.source, input.language, wrappersFor(input.schema, input.settings));
}

function hasKeys(o: object): boolean {
  for (const _k in o) return true;
  return false;
}

function traced<T>(name: string, attrs: Record<string, string | number | boolean>, fn: (span: Span) => T): T {
  return tracer.startActiveSpan(name, { attributes: attrs }, (span) => {
    try {
      const r = fn(span);
      if (r instanceof Promise) {
        return r.finally(() => span.end()) as T;
      }
      span.end();
      return r;
    } catch (err) {
      span.recordException(err as Error);
      span.end();
      throw err;
    }
  });
}

function countLines(s: string): number {
  let n = 1;
  let i = -1;
  while ((i = s.indexOf('\n', i + 1)) !== -1) n++;
  return n;
}

/** Lint one source text: pre-filter, parse, extract, run every rule, apply suppressions. */
export function lintSource(input: LintInput): Promise<LintResult> {
  return traced('lint file', { 'code.filepath': input.filePath, 'telemetry_lens.language': input.language }, async (span) => {
    if (span.isRecording()) span.setAttribute('telemetry_lens.lines', countLines(input.source));
    if (!needsParse(input)) {
      const r = lintSkipped(input);
      span.setAttributes({ 'telemetry_lens.skipped': true, 'telemetry_lens.calls': 0, 'telemetry_lens.findings': r.findings.length });
      return r;
    }
    const tree = await parseSource(input.source, grammarFor(input.language, input.filePath));
    try {
      const r = lintTree(tree, input);
      span.setAttributes({ 'telemetry_lens.skipped': false, 'telemetry_lens.calls': r.calls.length, 'telemetry_lens.findings': r.findings.length });
      return r;
    } finally {
      tree.delete();
    }
  });
}

/**
 * Run the call rules on calls that did not come from source text (e.g. synthetic calls built from
 * received OTLP records for runtime conformance). File rules are not run; `source` is empty.
 */
export function checkCalls(
  calls: TelemetryCall[],
  schema: Schema,
  opts: { settings?: LintSettings; filePath?: string; language?: SourceLanguage; rules?: readonly Rule[] } = {},
): Finding[] {
  const ruleErrors: LintResult['ruleErrors'] = [];
  const ctx: FileContext = { filePath: opts.filePath ?? '', language: opts.language ?? calls[0]?.language ?? 'python', source: '', schema, calls };
  return runRules(ctx, { schema, settings: opts.settings, rules: opts.rules }, false, ruleErrors).sort(byPosition);
}
