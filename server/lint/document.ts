// An open document for the language server: keeps the tree-sitter tree, applies LSP-style
// incremental edits (tree.edit + re-parse with the old tree) and re-lints incrementally, with the
// same result as a whole-document lint.
//
// After an edit only the *dirty region* is re-analysed: the edited text plus tree-sitter's changed
// ranges, grown to whole top-level statements (of the old and the new tree) and whole lines. Calls
// outside it keep their extraction and their findings, moved by the edit's line delta. What the
// region cannot see is checked on every lint:
// - bindings (imports, logger/tracer/span assignments, `with … as`) are file-wide and flow-insensitive:
//   they are re-read from the whole file (cheap text matches) and, when they differ from before,
//   every call is extracted again;
// - rules that relate calls to each other (a span and the `set_attribute` calls on it, by span message)
//   re-run for the calls sharing a span message with a call the edit touched;
// - file rules and inline suppressions always run on the whole text.
// Fixes are the one part that can go stale on reused findings (a fix may depend on text anywhere,
// e.g. whether a variable is bound before the call, or the file's imports): `findingsWithFixes`
// recomputes them for the current text, and the language server asks it for code actions.
import type { Node, Parser, Tree } from 'web-tree-sitter';
import { type BindingEntry, type BindingsHandle, type ExtractOptions, type ImportedHandles, extractFromTree, grammarFor, parserFor, pythonMayBind } from '../languages';
import { escapeRegExp as escapeRe } from '../languages/common';
import { TreeSitterRuntime } from '../languages/parser';
import type { Schema } from '../schema/model';
import {
  callOfFinding,
  finishFindings,
  type LintResult,
  type LintSettings,
  lintCallsOf,
  lintFileRules,
  lintSource,
  needsParse,
  wrappersFor,
} from './linter';
import type { Finding, Rule } from './types';
import type { Position, Range } from '../model/positions';
import type { SourceLanguage, TelemetryCall } from '../model/calls';

/** An LSP content change: a ranged replacement, or (without range) the whole new text. */
export interface ContentChange {
  range?: Range;
  text: string;
}

export interface LintDocumentOptions {
  filePath: string;
  language: SourceLanguage;
  text: string;
  version?: number;
  schema: Schema;
  settings?: LintSettings;
  rules?: readonly Rule[];
  /** Telemetry handles the file imports from project modules (server/lint/handle-index.ts). */
  imports?: ImportedHandles;
}

/** How the last lint was done (for tests and timing reports). */
export interface LintStats {
  mode: 'full' | 'incremental' | 'skipped';
  /** Lines re-analysed (the dirty region), for an incremental lint. */
  regionLines?: number;
  /** Calls whose rules ran. */
  callsChecked: number;
  /** What was parsed: the dirty region alone (the whole-file tree only edited) or the whole file (incrementally). */
  parsed?: 'region' | 'file';
}

/** A call with its call-rule findings before suppressions, in rule order. */
interface Piece {
  call: TelemetryCall;
  findings: Finding[];
}

function contains(r: Range, p: Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Position, q: Position) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function rangeSize(r: Range): number {
  return (r.end.line - r.start.line) * 100000 + (r.end.character - r.start.character);
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * A copy of `value` with every position on a line after `afterLine` moved by `delta` lines. Objects
 * holding no such position are returned as they are (unchanged findings keep their identity).
 */
export function shiftLines<T>(value: T, afterLine: number, delta: number): T {
  if (delta === 0) return value;
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const w = walk(v[i]);
        if (w !== v[i]) (out ??= v.slice())[i] = w;
      }
      return out ?? v;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.line === 'number' && typeof o.character === 'number') {
      return o.line > afterLine ? { ...o, line: o.line + delta } : o;
    }
    let out: Record<string, unknown> | undefined;
    for (const k in o) {
      const w = walk(o[k]);
      if (w !== o[k]) (out ??= { ...o })[k] = w;
    }
    return out ?? o;
  };
  return walk(value) as T;
}

/**
 * The top-level nodes of a tree as [start, end] ranges, read on demand: growing a region looks at a few
 * of them (a binary search and the neighbours of the region), not at every statement of the file.
 */
class TopLevel {
  private readonly root: Node;
  readonly length: number;
  private readonly read = new Map<number, [number, number]>();

  constructor(tree: Tree) {
    this.root = tree.rootNode;
    this.length = this.root.childCount;
  }

  /** The i-th top-level node (by index among the root's children, not through sibling links: on an edited tree a zero-width node can link to itself). */
  at(i: number): [number, number] {
    let r = this.read.get(i);
    if (!r) {
      const c = this.root.child(i);
      r = c ? [c.startIndex, c.endIndex] : [0, 0];
      this.read.set(i, r);
    }
    return r;
  }
}

/** [s, e] grown to cover every top-level node (of `tops`, in order) that overlaps or touches it. */
function growToTopLevel(tops: TopLevel, s: number, e: number): [number, number] {
  // first node ending at or after s
  let lo = 0;
  let hi = tops.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops.at(mid)[1] < s) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < tops.length && tops.at(k)[0] <= e; k++) {
    const [a, b] = tops.at(k);
    if (a < s) s = a;
    if (b > e) e = b;
  }
  return [s, e];
}

/** Do the bindings agree, given an edit that replaced old [start, oldEnd) by new [start, oldEnd + delta)? */
function sameBindings(before: readonly BindingEntry[], after: readonly BindingEntry[], start: number, oldEnd: number, delta: number): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++) {
    const a = before[i];
    const b = after[i];
    if (a.name !== b.name || a.what !== b.what || !a.at !== !b.at) return false;
    if (a.at && b.at) {
      if (a.at[1] <= start) {
        if (b.at[0] !== a.at[0] || b.at[1] !== a.at[1]) return false;
      } else if (a.at[0] >= oldEnd) {
        if (b.at[0] !== a.at[0] + delta || b.at[1] !== a.at[1] + delta) return false;
      } else return false; // a span message inside the edited region
    }
  }
  return true;
}

export class LintDocument {
  readonly filePath: string;
  readonly language: SourceLanguage;
  version: number;
  private source: string;
  private tree: Tree | undefined;
  private parser: Parser | undefined;
  private lineStarts: number[] | undefined;
  private schema: Schema;
  private settings: LintSettings | undefined;
  private rules: readonly Rule[] | undefined;
  private imports: ImportedHandles | undefined;
  private result: LintResult = { calls: [], findings: [], skipped: true, ruleErrors: [] };
  /** Per call, its findings before suppressions (empty after a skipped lint). */
  private pieces: Piece[] = [];
  /** File rules' findings before suppressions. */
  private fileFindings: Finding[] = [];
  /** Python: the file-wide bindings of the last extraction (comparable entries, and the extractor's own). */
  private bindings: BindingEntry[] | undefined;
  private bindingsHandle: BindingsHandle | undefined;
  /** Text as of the last lint. */
  private linted = '';
  /** Text changed since the last lint: [start, end) in the current text, `delta` = new length − old length. */
  private dirty: { start: number; end: number; delta: number } | undefined;
  /** The next lint must be a whole-document one (whole-text change, new configuration, no usable state). */
  private wholePending = true;
  /** Findings with fixes for the current text, per call (cleared by every lint). */
  private exactByCall = new Map<TelemetryCall, Finding[]>();
  private stats: LintStats = { mode: 'full', callsChecked: 0 };
  /** The tree is a parse of the current text (not only edited since its parse). */
  private treeFresh = false;
  /** The last whole-file parse had a syntax error (the keystroke path needs a clean file). */
  private treeHadError = true;

  private constructor(opts: LintDocumentOptions) {
    this.filePath = opts.filePath;
    this.language = opts.language;
    this.version = opts.version ?? 0;
    this.source = opts.text;
    this.schema = opts.schema;
    this.settings = opts.settings;
    this.rules = opts.rules;
    this.imports = opts.imports;
  }

  /** Open a document: parse and lint it once. */
  static async open(opts: LintDocumentOptions): Promise<LintDocument> {
    const doc = new LintDocument(opts);
    doc.parser = await parserFor(grammarFor(opts.language, opts.filePath));
    await doc.relint();
    return doc;
  }

  get text(): string {
    return this.source;
  }
  get calls(): readonly TelemetryCall[] {
    return this.result.calls;
  }
  /**
   * Findings of the current text (code, severity, range, message, tags exact). Their fixes may have
   * been computed before edits elsewhere in the file: use `findingsWithFixes` to apply them.
   */
  get findings(): readonly Finding[] {
    return this.result.findings;
  }
  get lastResult(): LintResult {
    return this.result;
  }
  /** How the last lint was done. */
  get lastStats(): LintStats {
    return this.stats;
  }
  /** The current syntax tree (undefined when the pre-filter says there is nothing to parse). */
  get syntaxTree(): Tree | undefined {
    if (this.tree && !this.treeFresh && this.parser) {
      // the keystroke path only edits the whole-file tree: bring it up to date
      const next = this.parser.parse(this.source, this.tree);
      if (next) {
        this.tree.delete();
        this.tree = next;
        this.treeFresh = true;
        this.treeHadError = next.rootNode.hasError;
      }
    }
    return this.tree;
  }

  /** The innermost telemetry call whose range contains the position (for hover and completion). */
  callAt(p: Position): TelemetryCall | undefined {
    let best: TelemetryCall | undefined;
    for (const c of this.result.calls) {
      if (contains(c.range, p) && (!best || rangeSize(c.range) < rangeSize(best.range))) best = c;
    }
    return best;
  }

  /** Findings whose range touches the position. */
  findingsAt(p: Position): Finding[] {
    return this.result.findings.filter((f) => contains(f.range, p));
  }

  /**
   * The findings (those whose range overlaps `range`, or all) with fixes computed against the current
   * text: the call rules run again for the calls concerned. Same findings as `findings`.
   */
  findingsWithFixes(range?: Range): Finding[] {
    if (this.result.skipped || this.pieces.length === 0) return range ? this.result.findings.filter((f) => overlaps(f.range, range)) : [...this.result.findings];
    const wanted = new Set<TelemetryCall>();
    const callOf = new Map<Finding, TelemetryCall>();
    for (const p of this.pieces) for (const f of p.findings) callOf.set(f, p.call);
    for (const f of this.result.findings) {
      if (range && !overlaps(f.range, range)) continue;
      const c = callOf.get(f);
      if (c) wanted.add(c);
    }
    const missing = this.pieces.filter((p) => wanted.has(p.call) && !this.exactByCall.has(p.call)).map((p) => p.call);
    if (missing.length) {
      const calls = this.pieces.map((p) => p.call);
      const fresh = lintCallsOf(this.input(), calls, missing);
      for (const c of missing) this.exactByCall.set(c, []);
      for (const f of fresh) {
        const c = callOfFinding(f);
        if (c) this.exactByCall.get(c)?.push(f);
      }
    }
    const raw: Finding[] = [];
    for (const p of this.pieces) if (wanted.has(p.call)) raw.push(...(this.exactByCall.get(p.call) ?? []));
    const file = range ? this.fileFindings.filter((f) => overlaps(f.range, range)) : this.fileFindings;
    const exactOf = new Map<Finding, TelemetryCall>();
    for (const [c, fs] of this.exactByCall) for (const f of fs) exactOf.set(f, c);
    const out = finishFindings([...raw, ...file], this.source, (f) => exactOf.get(f));
    return range ? out.filter((f) => overlaps(f.range, range)) : out;
  }

  /** Replace the schema/settings/rules (e.g. the schema file changed) and re-lint. */
  async reconfigure(opts: { schema?: Schema; settings?: LintSettings; rules?: readonly Rule[]; imports?: ImportedHandles }): Promise<LintResult> {
    if (opts.schema) this.schema = opts.schema;
    if ('imports' in opts) this.imports = opts.imports;
    if ('settings' in opts) this.settings = opts.settings;
    if ('rules' in opts) this.rules = opts.rules;
    this.wholePending = true;
    return this.relint();
  }

  /**
   * Apply LSP content changes in order (positions in UTF-16 code units, like tree-sitter's), edit
   * the tree accordingly, re-parse incrementally and re-lint.
   */
  /**
   * Apply content changes and re-lint. `text`, when given, is the caller's copy of the resulting text (the
   * language server's document): it replaces the one built here when the lengths agree, so both hold one
   * string and V8 flattens the edited text once per keystroke instead of once per copy.
   */
  async update(changes: readonly ContentChange[], version?: number, text?: string): Promise<LintResult> {
    for (const ch of changes) {
      if (!ch.range) {
        this.source = ch.text;
        this.lineStarts = undefined;
        this.tree?.delete();
        this.tree = undefined;
        this.wholePending = true;
        continue;
      }
      const startIndex = this.offsetAt(ch.range.start);
      const oldEndIndex = Math.max(startIndex, this.offsetAt(ch.range.end));
      const newEndIndex = startIndex + ch.text.length;
      const startPosition = { row: ch.range.start.line, column: startIndex - this.lineStart(ch.range.start.line) };
      const oldEndPosition = this.pointAt(oldEndIndex);
      const lastNl = ch.text.lastIndexOf('\n');
      const newlines = lastNl < 0 ? 0 : ch.text.split('\n').length - 1;
      const newEndPosition =
        lastNl < 0 ? { row: startPosition.row, column: startPosition.column + ch.text.length } : { row: startPosition.row + newlines, column: ch.text.length - lastNl - 1 };
      this.source = this.source.slice(0, startIndex) + ch.text + this.source.slice(oldEndIndex);
      this.editLineStarts(ch.range.start.line, oldEndPosition.row, startIndex, ch.text, newEndIndex - oldEndIndex);
      this.tree?.edit(new TreeSitterRuntime.Edit({ startIndex, oldEndIndex, newEndIndex, startPosition, oldEndPosition, newEndPosition }));
      // grow the dirty region (current-text coordinates) by this change
      const d = newEndIndex - oldEndIndex;
      const r = this.dirty;
      this.dirty = r
        ? { start: Math.min(r.start, startIndex), end: Math.max(r.end, oldEndIndex) + d, delta: r.delta + d }
        : { start: startIndex, end: newEndIndex, delta: d };
    }
    if (text !== undefined && text.length === this.source.length) this.source = text;
    if (version !== undefined) this.version = version;
    return this.relint();
  }

  /** Free the syntax tree. */
  dispose(): void {
    this.tree?.delete();
    this.tree = undefined;
  }

  private input() {
    return { source: this.source, filePath: this.filePath, language: this.language, schema: this.schema, settings: this.settings, rules: this.rules, imports: this.imports };
  }

  private async relint(): Promise<LintResult> {
    const input = this.input();
    this.exactByCall.clear();
    const dirty = this.dirty;
    this.dirty = undefined;
    if (!needsParse(input)) {
      this.tree?.delete();
      this.tree = undefined;
      this.pieces = [];
      this.fileFindings = [];
      this.bindings = undefined;
      this.bindingsHandle = undefined;
      this.wholePending = true;
      this.linted = this.source;
      this.result = await lintSource(input);
      this.stats = { mode: 'skipped', callsChecked: 0 };
      return this.result;
    }
    if (!this.parser) this.parser = await parserFor(grammarFor(this.language, this.filePath));
    const incremental = !!dirty && !this.wholePending && this.language === 'python' && !!this.tree && !!this.bindings;
    // the keystroke path: only the dirty statements are parsed, the whole-file tree is kept edited
    if (incremental && !this.treeHadError && this.lintRegionOnly(dirty)) {
      this.linted = this.source;
      return this.result;
    }
    const old = this.tree;
    const next = this.parser.parse(this.source, old ?? null);
    if (!next) throw new Error(`telemetry-lens: could not parse ${this.filePath}`);
    try {
      if (incremental && old && dirty) this.lintIncremental(old, next, dirty);
      else if (old && dirty && !this.wholePending && this.language !== 'python') this.lintReusingFindings(old, next, dirty);
      else this.lintWhole(next);
    } finally {
      old?.delete();
      this.tree = next;
      this.treeFresh = true;
      this.treeHadError = next.rootNode.hasError;
      this.linted = this.source;
    }
    return this.result;
  }

  private extractOptions(range?: { start: number; end: number }, seed?: BindingsHandle) {
    const opts: ExtractOptions = { wrappers: wrappersFor(this.schema, this.settings) };
    if (this.imports) opts.imports = this.imports;
    if (range) opts.callRange = range;
    // seeded bindings are the previous ones (kept, with their span messages moved, by the caller)
    if (seed) opts.seedBindings = seed;
    else {
      opts.onBindings = (b, handle) => {
        this.bindings = b;
        this.bindingsHandle = handle;
      };
    }
    return opts;
  }

  /** Extract every call and run every rule. */
  private lintWhole(tree: Tree): void {
    const input = this.input();
    this.bindings = undefined;
    this.bindingsHandle = undefined;
    const calls = extractFromTree(tree, this.source, this.language, this.extractOptions());
    const ruleErrors: LintResult['ruleErrors'] = [];
    const byCall = new Map<TelemetryCall, Finding[]>();
    for (const c of calls) byCall.set(c, []);
    for (const f of lintCallsOf(input, calls, calls, ruleErrors)) {
      const c = callOfFinding(f);
      if (c) byCall.get(c)?.push(f);
    }
    this.pieces = calls.map((call) => ({ call, findings: byCall.get(call) ?? [] }));
    this.fileFindings = lintFileRules(input, calls, ruleErrors);
    this.wholePending = false;
    this.assemble(calls, ruleErrors);
    this.stats = { mode: 'full', callsChecked: calls.length, parsed: 'file' };
  }

  /** The dirty region grown to whole top-level statements of `trees` and whole lines. */
  private region(trees: readonly Tree[], start: number, end: number): [number, number] {
    const src = this.source;
    const tops = trees.map((t) => new TopLevel(t));
    let s = start;
    let e = end;
    for (;;) {
      const s0 = s;
      const e0 = e;
      for (const t of tops) [s, e] = growToTopLevel(t, s, e);
      // an edited tree's nodes may reach past the text (a deletion at the end)
      s = Math.max(0, Math.min(s, src.length));
      e = Math.min(e, src.length);
      s = src.lastIndexOf('\n', s - 1) + 1;
      const nl = src.indexOf('\n', e);
      e = nl === -1 ? src.length : nl;
      if (s === s0 && e === e0) return [s, e];
    }
  }

  /**
   * The keystroke path: parse only the dirty region (its own small tree, with the file's positions);
   * the whole-file tree is only edited, not re-parsed. Valid when the last whole-file parse had no
   * syntax error, the region parses cleanly into statements that start in column 0 (so it cannot
   * join its neighbours), neither its old nor its new text holds a binding, and the file's bindings
   * carry no span message (so the bindings of the last extraction still hold, without a tree).
   * Returns false when it does not apply (the caller re-parses the whole file incrementally).
   */
  private lintRegionOnly(dirty: { start: number; end: number; delta: number }): boolean {
    const previous = this.bindings!;
    const handle = this.bindingsHandle;
    if (!handle) return false;
    const src = this.source;
    const [s, e] = this.region([this.tree!], dirty.start, dirty.end);
    const oldEnd = e - dirty.delta;
    const names = previous.map((b) => b.name);
    const text = src.slice(s, e);
    if (pythonMayBind(text, names) || pythonMayBind(this.linted.slice(s, oldEnd), names)) return false;
    // A name bound to a span carries the span's message as a node of the tree it was read from, which
    // the edits have moved: the region must not use such a name (its calls would copy that message).
    for (const b of previous) {
      if (b.at && new RegExp(`\\b${escapeRe(b.name.slice(b.name.lastIndexOf('.') + 1))}\\b`).test(text)) return false;
    }
    let regionCalls: TelemetryCall[] = [];
    if (e > s) {
      const startPosition = { row: this.pointAt(s).row, column: 0 };
      const regionTree = this.parser!.parse(src, null, { includedRanges: [{ startIndex: s, endIndex: e, startPosition, endPosition: this.pointAt(e) }] });
      if (!regionTree) return false;
      try {
        const root = regionTree.rootNode;
        if (root.hasError) return false;
        for (let c = root.firstChild; c; c = c.nextSibling) if (c.startPosition.column !== 0 && c.type !== 'comment') return false;
        regionCalls = extractFromTree(regionTree, src, this.language, this.extractOptions({ start: s, end: e }, handle));
      } finally {
        regionTree.delete();
      }
    }
    // the bindings are unchanged; span messages after the region moved with the text
    if (dirty.delta !== 0 && previous.some((b) => b.at)) {
      this.bindings = previous.map((b) => (b.at && b.at[0] >= oldEnd ? { ...b, at: [b.at[0] + dirty.delta, b.at[1] + dirty.delta] } : b));
    }
    this.merge(s, e, oldEnd, regionCalls, 'region');
    this.treeFresh = false;
    return true;
  }

  /**
   * The edit's region in a re-parsed tree: the edited text plus tree-sitter's changed ranges, grown to whole
   * top-level statements of the old tree (edited into new coordinates) and of the new one; `oldEnd` is the
   * region's end in the previous text.
   */
  private dirtyRegion(oldTree: Tree, tree: Tree, dirty: { start: number; end: number; delta: number }): [start: number, end: number, oldEnd: number] {
    let s0 = dirty.start;
    let e0 = dirty.end;
    for (const r of oldTree.getChangedRanges(tree)) {
      s0 = Math.min(s0, r.startIndex);
      e0 = Math.max(e0, r.endIndex);
    }
    const [s, e] = this.region([oldTree, tree], s0, e0);
    return [s, e, e - dirty.delta];
  }

  /** Re-analyse the dirty region of a re-parsed tree (see the file comment); falls back to `lintWhole` when bindings change. */
  private lintIncremental(oldTree: Tree, tree: Tree, dirty: { start: number; end: number; delta: number }): void {
    const [s, e, oldEnd] = this.dirtyRegion(oldTree, tree, dirty);
    const previousBindings = this.bindings;
    const regionCalls = extractFromTree(tree, this.source, this.language, this.extractOptions({ start: s, end: e }));
    if (!previousBindings || !this.bindings || !sameBindings(previousBindings, this.bindings, s, oldEnd, dirty.delta)) {
      this.lintWhole(tree);
      return;
    }
    this.merge(s, e, oldEnd, regionCalls, 'file');
  }

  /**
   * TypeScript/JavaScript: bindings there also come from the calls themselves (a span callback's
   * parameter), so every call is extracted again; the rules re-run only for calls in the dirty region,
   * calls that differ from before and spans sharing a span message with a touched setter.
   */
  private lintReusingFindings(oldTree: Tree, tree: Tree, dirty: { start: number; end: number; delta: number }): void {
    const [s, e, oldEnd] = this.dirtyRegion(oldTree, tree, dirty);
    const startLine = this.pointAt(s).row;
    const oldEndLine = startLine + countNewlines(this.linted, s, oldEnd);
    const newEndLine = startLine + countNewlines(this.source, s, e);
    const lineDelta = newEndLine - oldEndLine;
    const fresh = extractFromTree(tree, this.source, this.language, this.extractOptions());
    // previous calls outside the region, moved, by their content
    const previous = new Map<string, Piece[]>();
    const dropped: TelemetryCall[] = [];
    for (const p of this.pieces) {
      if (p.call.range.end.line >= startLine && p.call.range.start.line <= oldEndLine) {
        dropped.push(p.call);
        continue;
      }
      const moved = lineDelta === 0 ? p : { call: shiftLines(p.call, oldEndLine, lineDelta), findings: shiftLines(p.findings, oldEndLine, lineDelta) };
      const key = JSON.stringify(moved.call);
      const list = previous.get(key);
      if (list) list.push(moved);
      else previous.set(key, [moved]);
    }
    const recheck = new Set<TelemetryCall>();
    const reused = new Map<TelemetryCall, Piece>();
    const calls = fresh.map((c) => {
      const inRegion = c.range.end.line >= startLine && c.range.start.line <= newEndLine;
      const same = inRegion ? undefined : previous.get(JSON.stringify(c))?.shift();
      if (!same) {
        recheck.add(c);
        return c;
      }
      reused.set(same.call, same);
      return same.call;
    });
    for (const list of previous.values()) for (const p of list) dropped.push(p.call);
    this.finishMerge(calls, recheck, reused, dropped, { mode: 'incremental', regionLines: newEndLine - startLine + 1, callsChecked: 0, parsed: 'file' });
  }

  /**
   * New state from the calls extracted in [s, e) (current text; [s, oldEnd) in the text of the last
   * lint): calls outside keep extraction and findings (moved by the line delta), rules run for the
   * region's calls and for spans sharing a span message with a setter the edit touched.
   */
  private merge(s: number, e: number, oldEnd: number, regionCalls: TelemetryCall[], parsed: 'region' | 'file'): void {
    const src = this.source;
    const startLine = this.pointAt(s).row;
    const oldEndLine = startLine + countNewlines(this.linted, s, oldEnd);
    const newEndLine = startLine + countNewlines(src, s, e);
    const lineDelta = newEndLine - oldEndLine;
    const before: Piece[] = [];
    const after: Piece[] = [];
    const dropped: TelemetryCall[] = [];
    for (const p of this.pieces) {
      if (p.call.range.end.line < startLine) before.push(p);
      else if (p.call.range.start.line > oldEndLine) after.push(p);
      else dropped.push(p.call);
    }
    const move = (p: Piece): Piece => {
      const call = shiftLines(p.call, oldEndLine, lineDelta);
      const findings = shiftLines(p.findings, oldEndLine, lineDelta);
      return call === p.call && findings === p.findings ? p : { call, findings };
    };
    const kept = lineDelta === 0 ? [...before, ...after] : [...before, ...after].map(move);
    const calls = [...kept.slice(0, before.length).map((p) => p.call), ...regionCalls, ...kept.slice(before.length).map((p) => p.call)];

    const keptOf = new Map<TelemetryCall, Piece>();
    for (const p of kept) keptOf.set(p.call, p);
    this.finishMerge(calls, new Set(regionCalls), keptOf, dropped, { mode: 'incremental', regionLines: newEndLine - startLine + 1, callsChecked: 0, parsed });
  }

  /**
   * Run the rules for `recheck` (plus spans sharing a span message with a dropped or re-checked setter),
   * take the findings of the other calls from `kept`, then file rules, suppressions and sorting.
   */
  private finishMerge(calls: TelemetryCall[], recheck: Set<TelemetryCall>, kept: Map<TelemetryCall, Piece>, dropped: readonly TelemetryCall[], stats: LintStats): void {
    const touched = new Set<string>();
    for (const c of dropped) if (c.spanMessage) touched.add(c.spanMessage.text);
    for (const c of recheck) if (c.spanMessage) touched.add(c.spanMessage.text);
    if (touched.size) {
      for (const c of calls) if (c.message && touched.has(c.message.text)) recheck.add(c);
    }
    const input = this.input();
    const ruleErrors: LintResult['ruleErrors'] = [];
    const only = calls.filter((c) => recheck.has(c));
    const byCall = new Map<TelemetryCall, Finding[]>();
    for (const c of only) byCall.set(c, []);
    for (const f of lintCallsOf(input, calls, only, ruleErrors)) {
      const c = callOfFinding(f);
      if (c) byCall.get(c)?.push(f);
    }
    this.pieces = calls.map((call) => (recheck.has(call) ? { call, findings: byCall.get(call) ?? [] } : kept.get(call)!));
    this.fileFindings = lintFileRules(input, calls, ruleErrors);
    this.wholePending = false;
    this.assemble(calls, ruleErrors);
    this.stats = { ...stats, callsChecked: only.length };
  }

  /** Findings in whole-document order, suppressions applied, sorted. */
  private assemble(calls: TelemetryCall[], ruleErrors: LintResult['ruleErrors']): void {
    const all: Finding[] = [];
    for (const p of this.pieces) for (const f of p.findings) all.push(f);
    for (const f of this.fileFindings) all.push(f);
    // which call a finding belongs to matters only to suppressions (looked up only when the text has one)
    let callOf: Map<Finding, TelemetryCall> | undefined;
    const callFor = (f: Finding) => {
      if (!callOf) {
        callOf = new Map();
        for (const p of this.pieces) for (const x of p.findings) callOf.set(x, p.call);
      }
      return callOf.get(f);
    };
    this.result = { calls, findings: finishFindings(all, this.source, callFor), skipped: false, ruleErrors };
  }

  /** Line starts after replacing lines (startLine, oldEndLine] by those of `text` inserted at `at` (`delta`: length change). */
  private editLineStarts(startLine: number, oldEndLine: number, at: number, text: string, delta: number): void {
    const starts = this.lineStarts;
    if (!starts) return;
    const inserted: number[] = [];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) inserted.push(at + i + 1);
    const removed = oldEndLine - startLine;
    for (let k = oldEndLine + 1; k < starts.length; k++) starts[k] += delta;
    starts.splice(startLine + 1, removed, ...inserted);
  }

  private computeLineStarts(): number[] {
    const starts = [0];
    const s = this.source;
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }

  private lineStart(line: number): number {
    this.lineStarts ??= this.computeLineStarts();
    if (line < 0) return 0;
    if (line >= this.lineStarts.length) return this.source.length;
    return this.lineStarts[line];
  }

  /** UTF-16 offset of an LSP position (clamped to the line). */
  offsetAt(p: Position): number {
    this.lineStarts ??= this.computeLineStarts();
    if (p.line >= this.lineStarts.length) return this.source.length;
    const start = this.lineStart(p.line);
    const next = p.line + 1 < this.lineStarts.length ? this.lineStarts[p.line + 1] - 1 : this.source.length;
    return Math.min(start + Math.max(0, p.character), next);
  }

  private pointAt(offset: number): { row: number; column: number } {
    this.lineStarts ??= this.computeLineStarts();
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: offset - this.lineStarts[lo] };
  }
}
