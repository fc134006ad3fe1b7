// The lint model: findings, fixes, rules and the context they run in. Pure data: no editor, LSP or
// tree-sitter types leak out of here. Positions are in ../model/positions.ts, calls in ../model/calls.ts.
import type { SourceLanguage, TelemetryCall } from '../model/calls';
import type { Range, TextEdit } from '../model/positions';
import type { AttributeLookup, EventSpec, Schema } from '../schema/model';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Fix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
  /**
   * The fix inserts placeholder values (`None`, `undefined`) for you to replace: offered as a quick fix,
   * never applied by "Fix all" or `telemetry-lens lint --fix` (the result would not be finished code).
   */
  placeholder?: boolean;
  /**
   * The fix changes what readers of the telemetry see — an event's name or template, an attribute's key
   * or value, an attribute dropped, the SDK's configuration — so queries and dashboards built on the
   * old form stop matching: offered as a quick fix, applied in bulk only on request (`--unsafe-fixes`,
   * "Fix all <code> problems").
   */
  unsafe?: boolean;
}

export interface Finding {
  code: string; // 'TL001'
  rule: string; // 'unknown-event'
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
  tags?: ('deprecated' | 'unnecessary')[];
  /** Schema event id the call was matched to, when any. */
  eventId?: string;
}

/** The schema event a call was matched to, and near misses (for did-you-mean). */
export interface EventMatch {
  event?: EventSpec;
  /** How it matched: exact template/name, or by a normalised comparison. */
  how?: 'template' | 'name' | 'normalized';
  /** Near misses, best first, when no exact match. */
  candidates: { event: EventSpec; score: number }[];
}

/** How a name is written: `agent.created`, `tab_title_fetch_failed`, `tab-closed`, `tabClosed`, `TabClosed`. */
export type NameShape = 'dotted.snake_case' | 'snake_case' | 'kebab-case' | 'camelCase' | 'PascalCase' | 'other';

/**
 * What the project's own code does, inferred once per lint run / workspace from every file's event
 * names (server/lint/project-style.ts). Plain data: it travels to worker threads with the settings.
 */
export interface ProjectStyle {
  /** The shape most event names share, when one clearly dominates. */
  eventNameShape?: NameShape;
  /** Event names seen, and how many have that shape. */
  names: number;
  matching: number;
}

export interface FileContext {
  filePath: string;
  language: SourceLanguage;
  source: string;
  schema: Schema;
  calls: TelemetryCall[];
  /**
   * Attributes known by key beyond the matched event (the schema's Weaver registries, then the
   * built-in OpenTelemetry semantic conventions), first wins. Consulted for dotted keys only.
   */
  layers?: readonly AttributeLookup[];
  /** The project's inferred style, when the lint has workspace-level data (CLI, workspace lint, language server). */
  project?: ProjectStyle;
}

export interface CallContext extends FileContext {
  call: TelemetryCall;
  match: EventMatch;
}

export type FindingInput = Omit<Finding, 'code' | 'rule' | 'severity'> & { severity?: Severity };

export interface RuleMeta {
  code: string;
  name: string;
  /** Default severity; users override per code or name in settings or the schema. */
  severity: Severity | 'off';
  fixable: 'always' | 'sometimes' | 'never';
  /** One line for tables and hovers. */
  summary: string;
}

export interface Rule {
  meta: RuleMeta;
  /** Called once per telemetry call. */
  checkCall?(ctx: CallContext, report: (f: FindingInput) => void): void;
  /** Called once per file (rules that look beyond calls, e.g. hard-coded tokens). */
  checkFile?(ctx: FileContext, report: (f: FindingInput) => void): void;
  /**
   * Substrings that make `checkFile` worth running on a file the pre-filter skips (no telemetry
   * library mentioned), e.g. token prefixes. Without it, checkFile runs only on files that are parsed.
   */
  fileNeedles?: readonly string[];
}
