// The lint engine's data model. Pure data: no editor, LSP or tree-sitter types leak out of here.
import type { LevelName } from '../../protocol/levels';
import type { AttributeLookup, EventSpec, Schema } from '../schema/model';

/** 0-based line, 0-based column in UTF-16 code units (the LSP convention). CLI output adds 1. */
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface TextEdit {
  range: Range;
  newText: string;
}

export type SourceLanguage = 'python' | 'typescript' | 'javascript';
export type Library = 'logfire' | 'structlog' | 'loguru' | 'stdlib' | 'otel' | 'wrapper';
/** log: one record; span: a span with a name/template; instrument: decorator; event: span.addEvent; set-attribute: span.setAttribute(s). */
export type CallKind = 'log' | 'span' | 'instrument' | 'event' | 'set-attribute';

/** A statically analysed argument or attribute value. */
export interface ArgValue {
  kind:
    | 'string' // plain string literal (value holds its decoded content)
    | 'fstring' // Python f-string / JS template literal with substitutions
    | 'concat' // string concatenation or .format()/% formatting
    | 'int'
    | 'float'
    | 'bool'
    | 'none' // None / null / undefined
    | 'dict'
    | 'list'
    | 'identifier'
    | 'call'
    | 'other';
  /** Source text of the whole expression. */
  text: string;
  range: Range;
  /** Decoded literal value for string/int/float/bool/none. */
  value?: string | number | boolean | null;
  /** For 'fstring': the interpolated expressions in order, with their source text. */
  parts?: { expr: string; range: Range }[];
  /** For 'string'/'fstring': range of the content between the quotes. */
  contentRange?: Range;
}

export interface TelemetryAttribute {
  key: string;
  keyRange: Range;
  value: ArgValue;
  /** The whole `key=value` / `key: value` / `'key': value` item, for deletion fixes. */
  range: Range;
  source: 'keyword' | 'dict' | 'extra' | 'setAttribute' | 'bind';
}

export interface TelemetryCall {
  language: SourceLanguage;
  library: Library;
  kind: CallKind;
  /** The method as written: 'info', 'warn', 'span', 'log', 'startSpan', 'msg', 'log_info'... */
  method: string;
  /** Statically known level ('warn' for logfire.warn, from the first arg of logfire.log('warn', ...)). */
  level?: LevelName;
  /** Range to replace when changing the level (the method name, or the level string argument). */
  levelRange?: Range;
  /** The message template / event name argument. */
  message?: ArgValue;
  attributes: TelemetryAttribute[];
  /** `**kwargs`, `...spread`, a non-literal attributes object: the attribute set is not fully known. */
  hasSplat: boolean;
  /** Keyword arguments starting with an underscore (Logfire options such as `_tags`). */
  reservedKeywords: { name: string; range: Range }[];
  /** Whole call expression (or decorator). */
  range: Range;
  calleeRange: Range;
  /** Where a new attribute is inserted and the text that must precede it (e.g. ', ' or ',\n    '). */
  insertAttribute?: { position: Position; prefix: string; suffix: string; style: 'keyword' | 'object' };
  /** Context attributes bound earlier (structlog .bind(), loguru .bind(), contextualize). */
  boundKeys?: string[];
  /** Names the library itself gives the message's format besides the attributes (loguru `opt(record=True)`: `record`). */
  formatKeys?: string[];
  /**
   * The call names a level method the library does not have (`logfire.critical`, loguru `logger.warn`,
   * JS `logfire.warn`): it fails at runtime. The call is described as the method most likely meant.
   */
  unknownMethod?: { name: string; suggestion: string; range: Range };
  /** For 'set-attribute'/'event' calls: the message/name of the span they act on, when statically known. */
  spanMessage?: ArgValue;
}

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
