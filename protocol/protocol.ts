// Custom LSP messages between the extension (client) and the Telemetry Lens server.
// Every method is prefixed `telemetryLens/`; the JSDoc says which side sends it.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { Backend } from './settings';

// ---------- shared shapes ----------

/** 'no-data': the check's query saw no records in the time range, so it says nothing (not a pass). */
export type Verdict = 'pass' | 'warn' | 'fail' | 'error' | 'no-data';

export interface QueryColumn {
  name: string;
  /** DuckDB or Arrow type name as reported by the backend. */
  type: string;
}
export interface QueryResult {
  columns: QueryColumn[];
  /** Row-major values; timestamps as ISO strings, big integers as numbers when safe else strings. */
  rows: unknown[][];
  rowCount: number;
  /** True when the row limit cut the result. */
  truncated: boolean;
  durationMs: number;
  backend: Backend;
}

export interface HealthCheckResult {
  id: string;
  name: string;
  description?: string;
  expectation?: string;
  verdict: Verdict;
  /** The figure behind the verdict, e.g. '92% of CODING calls on GLM-4.7'. */
  figure?: string;
  /** Error text when verdict is 'error'. */
  error?: string;
  /** Set when the check's LIKE pattern cannot match any schema event or call site. */
  deadPattern?: string;
  result?: QueryResult;
  ranAt: string; // ISO
  durationMs: number;
  /**
   * The time window the check's rows come from: its own `NOW() - INTERVAL …` filter (`own`, e.g. '12h')
   * intersected with the panel's range (`effective`), so a card can say it looks at 12 h when the
   * charts show 24 h.
   */
  window?: { own?: string; effective: string };
}
export interface HealthReport {
  backend: Backend;
  timeRange: string;
  checks: HealthCheckResult[];
  ranAt: string;
  /**
   * Set when the workspace is not trusted: the workspace schema's health checks were not run and
   * these are the bundled default checks instead.
   */
  restricted?: boolean;
}

/** Data behind the Health panel charts. */
export interface ChartData {
  /** Model routing per workload: calls per (workload, model). */
  routing: { workload: string; model: string; calls: number }[];
  /** Per-hour counts over the range. */
  failoverTimeline: { hour: string; failovers: number; recoveries: number; rateLimits: number }[];
  /** Capacity max/avg percentage per provider and model. */
  capacity: { provider: string; model: string; maxPct: number; avgPct: number }[];
  /** EAR loop outcomes (complete/refused/error). */
  earOutcomes: { outcome: string; count: number; pct: number }[];
}

export interface ReceiverStatus {
  running: boolean;
  port?: number;
  /** Total records in the store. */
  recordCount: number;
  /** Database file path or ':memory:'. */
  dbPath: string;
  error?: string;
}

export interface AgentRun {
  runId: string;
  /** Command line or service name. */
  label: string;
  startedAt: string;
  endedAt?: string;
  live: boolean;
  traceCount: number;
  spanCount: number;
  errorCount: number;
  violationCount: number;
}

export interface SpanSummary {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string; // span_name
  message: string;
  kind: string; // span | log | span_event
  level: number;
  start: string; // ISO
  durationMs: number | null;
  statusCode?: string;
  /** The span status description (why it failed), when recorded. */
  statusMessage?: string;
  isException: boolean;
  codeFilepath?: string;
  codeLineno?: number;
  violations: string[]; // rule codes
}
export interface TraceSummary {
  traceId: string;
  rootName: string;
  start: string;
  durationMs: number | null;
  spanCount: number;
  errorCount: number;
}
export interface SpanDetail extends SpanSummary {
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  events: { name: string; time: string; attributes: Record<string, unknown> }[];
  exception?: { type?: string; message?: string; stacktrace?: string };
  tags: string[];
  serviceName: string;
}
export interface TraceDetail {
  traceId: string;
  spans: SpanDetail[];
}

export interface EventSummary {
  id: string;
  template?: string;
  name?: string;
  level?: string;
  callSites: number;
  runtimeCount: number;
  lastSeen?: string;
  location?: { uri: string; line: number; character: number };
}

export interface Location {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

// ---------- client → server requests ----------

/** client → server: lint every file of the workspace now (progress is reported with $/progress). */
export const LintWorkspace = new RequestType0<{ files: number; findings: number; durationMs: number }, void>(
  'telemetryLens/lintWorkspace',
);
/** client → server: draft a schema from the calls found in the workspace. The client shows/saves it. */
export const DraftSchema = new RequestType0<{ text: string; suggestedPath: string; events: number }, void>(
  'telemetryLens/draftSchema',
);
/** client → server: where the active schema comes from. */
export const SchemaInfo = new RequestType0<{ source: string; bundled: boolean; events: number; errors: number }, void>(
  'telemetryLens/schemaInfo',
);
/**
 * Where the Logfire token may go, decided by the client: `baseUrl` only from the user's own settings,
 * `baseUrlApproved` once the user confirmed that host. Without `baseUrl` the token's region decides.
 */
export interface LogfireTarget {
  baseUrl?: string;
  baseUrlApproved?: boolean;
}
/** client → server: run the schema's health checks. The Logfire token travels per call, never stored. */
export const RunHealthChecks = new RequestType<
  { backend: Backend; timeRange: string; token?: string } & LogfireTarget,
  HealthReport,
  void
>('telemetryLens/runHealthChecks');
/** client → server: data for the Health panel charts. */
export const GetChartData = new RequestType<{ backend: Backend; timeRange: string; token?: string } & LogfireTarget, ChartData, void>(
  'telemetryLens/chartData',
);
/** client → server: run a read-only query (cancellable via $/cancelRequest). */
export const RunQuery = new RequestType<{ sql: string; backend: Backend; limit?: number; token?: string } & LogfireTarget, QueryResult, void>(
  'telemetryLens/query',
);
/** client → server: the schema's saved queries, for the Run Query quick pick. */
export const SavedQueries = new RequestType0<{ name: string; sql: string; description?: string }[], void>(
  'telemetryLens/savedQueries',
);
/** client → server: check a Logfire read token with a cheap query; the token is not kept. */
export const ValidateToken = new RequestType<
  { token: string } & LogfireTarget,
  { ok: boolean; region: string; baseUrl: string; project?: string; error?: string },
  void
>('telemetryLens/validateToken');
/** client → server: start the OTLP receiver (no-op when running). */
export const StartReceiver = new RequestType0<ReceiverStatus, void>('telemetryLens/startReceiver');
/** client → server: stop the OTLP receiver. */
export const StopReceiver = new RequestType0<ReceiverStatus, void>('telemetryLens/stopReceiver');
/** client → server: receiver and store status. */
export const GetReceiverStatus = new RequestType0<ReceiverStatus, void>('telemetryLens/receiverStatus');
/** client → server: delete every record in the local store (the client asks for confirmation first). */
export const ClearLocalData = new RequestType0<ReceiverStatus, void>('telemetryLens/clearLocalData');
/** What an import of records files did (`telemetry-lens import`'s numbers). */
export interface ImportSummary {
  files: number;
  /** Rows read from the files. */
  rows: number;
  /** Rows added to the store. */
  inserted: number;
  /** Rows already stored, or repeated inside the files. */
  duplicates: number;
  runIds: string[];
}
/**
 * client → server: load records files (NDJSON, Logfire query answers, CSV, Parquet) into the local store
 * in one transaction. A bad file fails the request with `file:line: reason` and imports nothing.
 */
export const ImportRecords = new RequestType<{ files: string[] }, ImportSummary, void>('telemetryLens/importRecords');
/**
 * client → server: write the local store's records to `file` (Parquet, NDJSON or CSV: `format`, else the
 * file name's extension), optionally one time window (`since`, e.g. `24h`) or one agent run.
 */
export const ExportRecords = new RequestType<
  { file: string; format?: 'parquet' | 'ndjson' | 'csv'; since?: string; runId?: string },
  { file: string; format: 'parquet' | 'ndjson' | 'csv'; rows: number },
  void
>('telemetryLens/exportRecords');
/** client → server: write demo Code Puppy-style traffic into the local store. */
export const GenerateDemoData = new RequestType<{ records?: number }, { records: number }, void>('telemetryLens/demo');
/**
 * client → server: register a run about to start; returns the env the run's process needs.
 * `command` (the command line) picks the route for the Logfire SDKs: for Node commands (node, npm, npx,
 * tsx, …) @pydantic/logfire-node is pointed at the receiver with LOGFIRE_BASE_URL and a placeholder token
 * (it sends nothing when LOGFIRE_SEND_TO_LOGFIRE=false); otherwise LOGFIRE_SEND_TO_LOGFIRE=false and the
 * OTLP endpoint are used (Python SDK). `sendToLogfire: true` (user opt-in) leaves the Logfire variables alone.
 */
export const PrepareRun = new RequestType<
  { label: string; command?: string; sendToLogfire?: boolean },
  { runId: string; env: Record<string, string> },
  void
>(
  'telemetryLens/prepareRun',
);
/**
 * client → server: the process of a run started with PrepareRun has exited. The run stops being live at
 * once (runs nobody ends stay live until no data arrived for 2 minutes); `exitCode` is the process's code.
 */
export const EndRun = new RequestType<{ runId: string; exitCode?: number }, void, void>('telemetryLens/endRun');
/** client → server: agent runs, newest first. */
export const ListRuns = new RequestType0<AgentRun[], void>('telemetryLens/listRuns');
/** One side's figures for a span name in a run comparison (durations in ms; null for logs). */
export interface CompareSpanRow {
  spanName: string;
  countA: number;
  countB: number;
  p50A: number | null;
  p50B: number | null;
  p95A: number | null;
  p95B: number | null;
  errorsA: number;
  errorsB: number;
}
export interface CompareModelRow {
  model: string;
  failoversA: number;
  failoversB: number;
  rateLimitsA: number;
  rateLimitsB: number;
  capacityWarningsA: number;
  capacityWarningsB: number;
}
/** A count per kind in both runs: errors/exceptions by type, tokens by attribute, conformance findings by rule and message. */
export interface CompareCountRow {
  key: string;
  detail?: string;
  a: number;
  b: number;
}
export interface CompareRunSide {
  runId: string;
  label: string;
  records: number;
  traces: number;
  errors: number;
  /** Error records per record, 0–1. */
  errorRate: number;
  startedAt: string | null;
}
/** A schema `compare:` limit crossed (or kept) by run B against run A. */
export interface CompareThresholdResult {
  limit: 'p95_increase_pct' | 'error_rate_increase' | 'new_failovers';
  allowed: number;
  actual: number;
  crossed: boolean;
  /** What crossed it: the span name for p95. */
  subject?: string;
}
export interface RunComparison {
  a: CompareRunSide;
  b: CompareRunSide;
  spans: CompareSpanRow[];
  models: CompareModelRow[];
  errors: CompareCountRow[];
  tokens: CompareCountRow[];
  conformance: CompareCountRow[];
  /** Span names only in run B / only in run A. */
  appeared: string[];
  vanished: string[];
  thresholds: CompareThresholdResult[];
}
/** client → server: compare two agent runs of the local store (run B against run A). */
export const CompareRuns = new RequestType<{ runA: string; runB: string }, RunComparison, void>('telemetryLens/compareRuns');
/** client → server: traces of a run. */
export const ListTraces = new RequestType<{ runId: string }, TraceSummary[], void>('telemetryLens/listTraces');
/** client → server: one trace with all its spans. */
export const GetTrace = new RequestType<{ traceId: string }, TraceDetail | null, void>('telemetryLens/getTrace');
/** client → server: schema events with call-site and runtime counts. */
export const ListEvents = new RequestType0<EventSummary[], void>('telemetryLens/listEvents');
/** client → server: call sites of a schema event. */
export const FindCallSites = new RequestType<{ eventId: string }, Location[], void>('telemetryLens/callSites');

// ---------- server → client notifications ----------

/** server → client: the store received data (drives refresh of views and the status bar). */
export const StoreChanged = new NotificationType<{ recordCount: number; added: number; port?: number; runIds: string[] }>(
  'telemetryLens/storeChanged',
);
/** server → client: schema reloaded (views that list events refresh). */
export const SchemaChanged = new NotificationType<{ source: string; errors: number }>('telemetryLens/schemaChanged');
/**
 * server → client: time the server spent linting one document version (sent only when the client
 * passes `initializationOptions.reportTiming: true`; used by the benchmark).
 */
export const LintTiming = new NotificationType<{ uri: string; version: number; durationMs: number; queuedMs: number }>(
  'telemetryLens/lintTiming',
);
/** server → client: show the output channel (e.g. after an error the user should read). */
export const ShowOutput = new NotificationType<{ reason: string }>('telemetryLens/showOutput');
/**
 * client → server: whether the user trusts the workspace (VS Code Workspace Trust; also sent as
 * initializationOptions.workspaceTrusted). Untrusted: the workspace schema's health SQL is not run.
 */
export const WorkspaceTrustChanged = new NotificationType<{ trusted: boolean }>('telemetryLens/workspaceTrust');
