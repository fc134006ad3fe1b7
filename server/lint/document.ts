// An open document for the language server: keeps the tree-sitter tree, applies LSP-style
// incremental edits (tree.edit + re-parse with the old tree) and re-lints.
import type { Parser, Tree } from 'web-tree-sitter';
import { grammarFor, parserFor } from '../languages';
import { TreeSitterRuntime } from '../languages/parser';
import type { Schema } from '../schema/model';
import { type LintResult, type LintSettings, lintSource, lintTree, needsParse } from './engine';
import type { Finding, Position, Range, Rule, SourceLanguage, TelemetryCall } from './types';

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
}

function contains(r: Range, p: Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

function rangeSize(r: Range): number {
  return (r.end.line - r.start.line) * 100000 + (r.end.character - r.start.character);
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
  private result: LintResult = { calls: [], findings: [], skipped: true, ruleErrors: [] };

  private constructor(opts: LintDocumentOptions) {
    this.filePath = opts.filePath;
    this.language = opts.language;
    this.version = opts.version ?? 0;
    this.source = opts.text;
    this.schema = opts.schema;
    this.settings = opts.settings;
    this.rules = opts.rules;
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
  get findings(): readonly Finding[] {
    return this.result.findings;
  }
  get lastResult(): LintResult {
    return this.result;
  }
  /** The current syntax tree (undefined when the pre-filter says there is nothing to parse). */
  get syntaxTree(): Tree | undefined {
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

  /** Replace the schema/settings/rules (e.g. the schema file changed) and re-lint. */
  async reconfigure(opts: { schema?: Schema; settings?: LintSettings; rules?: readonly Rule[] }): Promise<LintResult> {
    if (opts.schema) this.schema = opts.schema;
    if ('settings' in opts) this.settings = opts.settings;
    if ('rules' in opts) this.rules = opts.rules;
    return this.relint();
  }

  /**
   * Apply LSP content changes in order (positions in UTF-16 code units, like tree-sitter's), edit
   * the tree accordingly, re-parse incrementally and re-lint.
   */
  async update(changes: readonly ContentChange[], version?: number): Promise<LintResult> {
    for (const ch of changes) {
      if (!ch.range) {
        this.source = ch.text;
        this.lineStarts = undefined;
        this.tree?.delete();
        this.tree = undefined;
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
      this.lineStarts = undefined;
      this.tree?.edit(new TreeSitterRuntime.Edit({ startIndex, oldEndIndex, newEndIndex, startPosition, oldEndPosition, newEndPosition }));
    }
    if (version !== undefined) this.version = version;
    return this.relint();
  }

  /** Free the syntax tree. */
  dispose(): void {
    this.tree?.delete();
    this.tree = undefined;
  }

  private input() {
    return { source: this.source, filePath: this.filePath, language: this.language, schema: this.schema, settings: this.settings, rules: this.rules };
  }

  private async relint(): Promise<LintResult> {
    const input = this.input();
    if (!needsParse(input)) {
      this.tree?.delete();
      this.tree = undefined;
      this.result = await lintSource(input);
      return this.result;
    }
    if (!this.parser) this.parser = await parserFor(grammarFor(this.language, this.filePath));
    const old = this.tree;
    const next = this.parser.parse(this.source, old ?? null);
    if (!next) throw new Error(`telemetry-lens: could not parse ${this.filePath}`);
    old?.delete();
    this.tree = next;
    this.result = lintTree(next, input);
    return this.result;
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
