// Row and option types of the local telemetry store: the lowest floor, imported by the OTLP mapping,
// the write queue, the store's parts and its callers alike. No runtime code.
import type { MetricColumn } from '../records';
import type { QueryColumn } from '../../../protocol/protocol';

export type RecordKind = 'span' | 'log' | 'span_event' | 'pending_span';

/** One row of `records_all`. Timestamps are epoch microseconds (UTC). `created_at` is set by the store. */
export interface RecordRow {
  start_timestamp: number;
  end_timestamp: number;
  duration: number | null;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  kind: RecordKind;
  level: number;
  span_name: string;
  message: string;
  log_body: string | null;
  attributes: Record<string, unknown>;
  attributes_json_schema: string | null;
  tags: string[];
  is_exception: boolean;
  exception_type: string | null;
  exception_message: string | null;
  exception_stacktrace: string | null;
  otel_status_code: string | null;
  otel_status_message: string | null;
  otel_events: unknown[] | null;
  otel_links: unknown[] | null;
  otel_scope_name: string | null;
  otel_scope_version: string | null;
  otel_scope_attributes: Record<string, unknown> | null;
  otel_resource_attributes: Record<string, unknown> | null;
  service_name: string;
  service_version: string | null;
  service_namespace: string | null;
  service_instance_id: string | null;
  process_pid: number | null;
  deployment_environment: string | null;
  telemetry_sdk_name: string | null;
  telemetry_sdk_language: string | null;
  telemetry_sdk_version: string | null;
  http_response_status_code: number | null;
  http_method: string | null;
  http_route: string | null;
  url_full: string | null;
  url_path: string | null;
  url_query: string | null;
  run_id: string | null;
}

/** One row of `metrics`; timestamps are epoch microseconds. Missing keys are NULL. */
export type MetricRow = Partial<Record<Exclude<MetricColumn, 'created_at'>, unknown>> & {
  recorded_timestamp: number;
  metric_name: string;
  metric_type: string;
  unit: string;
  service_name: string;
};

/** A runtime-conformance finding on one record (see conformance.ts). */
export interface ViolationRow {
  code: string;
  rule: string;
  severity: string;
  message: string;
  event_id: string | null;
  span_name: string;
  service_name: string;
  code_filepath: string | null;
  code_lineno: number | null;
  /** epoch microseconds of the record */
  seen_at: number;
  trace_id: string;
  span_id: string;
  run_id: string | null;
}

export interface RetentionOptions {
  /** Delete records older than this many days (by start_timestamp). 0/undefined = keep forever. */
  maxAgeDays?: number;
  /** Keep the database's used size under this many MB by deleting the oldest records. 0/undefined = no cap. */
  maxSizeMb?: number;
}

export interface StoreOptions {
  /** Database file, or ':memory:'. The directory is created when missing. */
  path: string;
  retention?: RetentionOptions;
  /** How often retention runs while open (ms); default 10 minutes; 0 disables the timer. */
  retentionIntervalMs?: number;
  /** DuckDB worker threads; default: DuckDB's own choice. */
  threads?: number;
  /**
   * Memory DuckDB may use for a file-backed store, in MB: its buffer cache and large operators, which
   * spill to the store's temporary directory beyond it (default DEFAULT_MEMORY_LIMIT_MB; 0 = DuckDB's
   * default, 80% of RAM). An in-memory store keeps DuckDB's default: its data lives in that memory.
   */
  memoryLimitMb?: number;
  /**
   * Attribute keys to keep as columns besides KEPT_ATTRIBUTE_KEYS (e.g. those the schema's own health
   * checks read); keys past MAX_KEPT_KEYS in all are not kept.
   */
  attributeKeys?: readonly string[];
}

export interface InsertResult {
  /** Rows written to records_all (after de-duplication). */
  records: number;
  /** Rows skipped because an identical (trace_id, span_id, kind, start, name) row exists. */
  duplicates: number;
  metrics: number;
  violations: number;
  /** Distinct run ids touched by this batch. */
  runIds: string[];
}

/** Rows of a plain store query (`TelemetryStore.query`); the protocol's QueryResult adds limits and timing. */
export interface StoreRows {
  columns: QueryColumn[];
  /** JSON-friendly values: timestamps as ISO-like strings, BIGINT as number or string, lists as arrays. */
  rows: unknown[][];
}

export interface RunInfo {
  run_id: string;
  label: string | null;
  command: string | null;
  started_at: string | null;
  ended_at: string | null;
}

export interface RetentionResult {
  deletedByAge: number;
  deletedBySize: number;
}
/** An attribute key kept as a column of records_all (see KEPT_ATTRIBUTE_KEYS). */
export interface AttributeColumn {
  key: string;
  column: string;
}
