// The event schema: events, attributes, naming conventions, health checks and saved queries.
// Loaded from telemetry.schema.yaml/.json (see loader.ts) or the bundled default (Code Puppy's telemetry doc).
import type { LevelName } from '../../protocol/levels';

/** `any`: declared without a type (not type-checked). */
export type AttributeType = 'string' | 'int' | 'float' | 'bool' | 'enum' | 'array' | 'object' | 'any';

/** Where something was declared in the schema file (0-based line/character), for errors and go-to-definition. */
export interface SchemaLocation {
  file: string; // absolute path, or 'bundled:default'
  line: number;
  character: number;
}

export interface AttributeSpec {
  name: string;
  type: AttributeType;
  required: boolean;
  /** Allowed values. With `open: true` they are examples of an open set (not enforced). */
  allowed?: (string | number | boolean)[];
  open?: boolean;
  min?: number;
  max?: number;
  pattern?: string;
  sensitive?: boolean;
  description?: string;
  examples?: (string | number | boolean)[];
  deprecated?: { replacement?: string; reason?: string };
  location?: SchemaLocation;
  /** Weaver requirement level (registries and the semantic conventions); `required` mirrors it. */
  requirement?: RequirementLevel;
  /** Weaver stability: stable, development, alpha, beta, release_candidate, deprecated. */
  stability?: string;
  /** Element type of an array attribute (`string[]` → 'string'). */
  items?: 'string' | 'int' | 'float' | 'bool';
  /** A `template[...]` attribute: the name is a prefix, `name.<key>` keys are its instances. */
  template?: boolean;
  /** Enum values the registry marks deprecated, with the value that replaces each (null: none). */
  deprecatedValues?: Record<string, string | null>;
  /** Which layer declared it: a registry directory, or 'semconv:<release>' for the built-in conventions. */
  origin?: string;
}

/** The attributes of one Weaver registry (with the dependencies' attributes it references), by key. */
export interface RegistryLayer {
  /** For messages: 'registry <name>'. */
  label: string;
  attributes: Map<string, AttributeSpec>;
  /** The registry's directory and its dependencies' (an edit under them reloads the schema). */
  dirs?: string[];
}

export type RequirementLevel = 'required' | 'conditionally_required' | 'recommended' | 'opt_in';

/**
 * Attributes known by key across every event (Weaver registries, the OpenTelemetry semantic
 * conventions). Looked up only for keys the matched event does not declare.
 */
export interface AttributeLookup {
  /** Name of the layer for messages ('OpenTelemetry semantic conventions 1.41.1', a registry name). */
  readonly label: string;
  /** The spec for a key: exact, or the template attribute the key is an instance of. */
  get(key: string): AttributeSpec | undefined;
  /** Every attribute whose name starts with `prefix` (for completion). */
  withPrefix(prefix: string): AttributeSpec[];
}

export interface EventSpec {
  /** Stable id: the `name` if given, else the template. */
  id: string;
  /** Logfire message template with `{placeholder}` fields, e.g. 'Failover triggered: {from_model} → {to_model} ({error_type})'. */
  template?: string;
  /** Dotted event name, e.g. 'agent.created' (structlog/loguru/logfire dotted style). */
  name?: string;
  level?: LevelName;
  kind?: 'log' | 'span';
  description?: string;
  /** Source file that emits it, as documented (informational). */
  source?: string;
  attributes: AttributeSpec[];
  deprecated?: { replacement?: string; reason?: string };
  location?: SchemaLocation;
}

export interface WrapperSpec {
  /** Function name as called: 'log_info', 'telemetry.start_span', 'logInfo'. */
  name: string;
  kind: 'log' | 'span';
  /** Fixed level for log wrappers (log_error → 'error'). */
  level?: LevelName;
  /** Index of the message/event-name argument (default 0). */
  messageArg?: number;
  /** Languages the wrapper exists in (default: all). */
  languages?: ('python' | 'typescript' | 'javascript')[];
}

export type NameStyle = 'dotted.snake_case' | 'snake_case' | 'any';

export interface Conventions {
  /** Style for dotted event names (`category.action`). */
  eventNameStyle: NameStyle;
  /** Style for attribute keys. */
  attributeNameStyle: 'snake_case' | 'camelCase' | 'any';
  /** Past tense for completed (`agent.created`), present participle for ongoing (`agent.creating`). */
  tense: boolean;
  /** Error events end with one of these (`agent.error`, `session.load_error`). */
  errorSuffixes: string[];
  /** Limit on attributes per event (fewer than 50 by default). */
  maxAttributes: number;
  /**
   * Attribute names that must not be logged raw. Each entry is a regular expression
   * matched case-insensitively against the whole attribute name (`(.*_)?token` matches `auth_token`).
   */
  sensitiveNames: string[];
  /** Attributes every event must carry (e.g. session_id, call_id). Empty by default. */
  requiredContext: string[];
  wrappers: WrapperSpec[];
}

export type Verdict = 'pass' | 'warn' | 'fail';

export interface HealthCheckSpec {
  id: string;
  name: string;
  description?: string;
  /** Logfire SQL (Postgres flavoured), run verbatim on the local store or Logfire's query API. */
  sql: string;
  /**
   * How the result becomes a verdict. `sql` runs (locally, in DuckDB) over the check's result
   * exposed as a table named `result`, and returns one row with a `status` column
   * ('pass' | 'warn' | 'fail') and optionally `figure` (the number behind the verdict, as text).
   * Without a verdict, a `status` column in the result itself is used; else the check is 'pass'
   * when it ran.
   */
  verdict?: { sql: string };
  /** Expected outcome in words (the pass/fail criteria). */
  expectation?: string;
  location?: SchemaLocation;
}

/**
 * Limits for `telemetry-lens compare RUN_A RUN_B` (schema `compare:`): the command exits 1 when run B
 * crosses one of them against run A. Unset limits are not checked.
 */
export interface CompareThresholds {
  /** Largest allowed p95 duration increase of a span name present in both runs, in percent. */
  p95IncreasePct?: number;
  /** Largest allowed error-rate increase (errors per record), in percentage points. */
  errorRateIncrease?: number;
  /** How many more failovers run B may have than run A. */
  newFailovers?: number;
}

export interface SavedQuery {
  name: string;
  sql: string;
  description?: string;
}

export interface Schema {
  /** Absolute path of the file it came from, or 'bundled:default'. */
  source: string;
  version: number;
  /** Report every undeclared event (TL001), not only near misses. */
  strict: boolean;
  events: EventSpec[];
  conventions: Conventions;
  health: HealthCheckSpec[];
  queries: SavedQuery[];
  /** Per-rule severity overrides from the schema file, by code or name. */
  rules: Record<string, 'error' | 'warning' | 'info' | 'hint' | 'off'>;
  /**
   * Attribute layers from Weaver registries (the schema is one, or layers its own events over them),
   * first wins. Plain data (it crosses to lint worker threads); looked up through `attributeLayers`.
   */
  registries?: RegistryLayer[];
  /**
   * The `conventions` keys the project's own schema file sets (not those it inherits from the
   * bundled default or the built-in defaults). Absent for the bundled default schema.
   */
  declaredConventions?: string[];
  /** Run comparison limits (`compare:`), when declared. */
  compare?: CompareThresholds;
}

/** A problem in a schema file, with its position (0-based). */
export interface SchemaError {
  file: string;
  line: number;
  character: number;
  endLine?: number;
  endCharacter?: number;
  message: string;
  severity: 'error' | 'warning';
}
