// The extraction model: what server/languages/ finds in source code (telemetry calls, their
// arguments and attributes with statically known values). Plain data: no tree-sitter, editor or lint types.
import type { LevelName } from '../../protocol/levels';
import type { Position, Range } from './positions';

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
