// The local store's tables, shaped like Logfire's `records` and `metrics` (see
// https://logfire.pydantic.dev/docs/reference/sql/). Migrations are versioned: append, never edit.

export const RECORD_COLUMNS = [
  ['start_timestamp', 'TIMESTAMPTZ NOT NULL'],
  ['end_timestamp', 'TIMESTAMPTZ NOT NULL'],
  ['duration', 'DOUBLE'],
  ['created_at', 'TIMESTAMPTZ NOT NULL DEFAULT now()'],
  ['trace_id', 'VARCHAR NOT NULL'],
  ['span_id', 'VARCHAR NOT NULL'],
  ['parent_span_id', 'VARCHAR'],
  ['kind', 'VARCHAR NOT NULL'], // span | log | span_event | pending_span
  ['level', 'INTEGER NOT NULL'],
  ['span_name', 'VARCHAR NOT NULL'],
  ['message', 'VARCHAR NOT NULL'],
  ['log_body', 'VARCHAR'],
  ['attributes', 'JSON'],
  ['attributes_json_schema', 'VARCHAR'],
  ['tags', 'VARCHAR[]'],
  ['is_exception', 'BOOLEAN'],
  ['exception_type', 'VARCHAR'],
  ['exception_message', 'VARCHAR'],
  ['exception_stacktrace', 'VARCHAR'],
  ['otel_status_code', 'VARCHAR'],
  ['otel_status_message', 'VARCHAR'],
  ['otel_events', 'JSON'],
  ['otel_links', 'JSON'],
  ['otel_scope_name', 'VARCHAR'],
  ['otel_scope_version', 'VARCHAR'],
  ['otel_scope_attributes', 'JSON'],
  ['otel_resource_attributes', 'JSON'],
  ['service_name', 'VARCHAR NOT NULL'],
  ['service_version', 'VARCHAR'],
  ['service_namespace', 'VARCHAR'],
  ['service_instance_id', 'VARCHAR'],
  ['process_pid', 'INTEGER'],
  ['deployment_environment', 'VARCHAR'],
  ['telemetry_sdk_name', 'VARCHAR'],
  ['telemetry_sdk_language', 'VARCHAR'],
  ['telemetry_sdk_version', 'VARCHAR'],
  ['http_response_status_code', 'INTEGER'],
  ['http_method', 'VARCHAR'],
  ['http_route', 'VARCHAR'],
  ['url_full', 'VARCHAR'],
  ['url_path', 'VARCHAR'],
  ['url_query', 'VARCHAR'],
  /** The editor-launched run this record belongs to (resource attribute `telemetry_lens.run_id`). */
  ['run_id', 'VARCHAR'],
] as const;

export type RecordColumn = (typeof RECORD_COLUMNS)[number][0];

/**
 * Attribute keys the local store also keeps as columns of their own (hidden from `records`): every
 * `attributes->>'key'` the bundled health checks and the Health panel charts read. The SQL front end
 * reads such a key from its column instead of decompressing and parsing the JSON text of every
 * matching row. A store file remembers its keys (table `attribute_columns`); adding one here adds its
 * column to existing stores when they are opened (one backfill from the JSON).
 */
export const KEPT_ATTRIBUTE_KEYS: readonly string[] = [
  'workload',
  'orchestrated_model',
  'provider',
  'model',
  'pct',
  'to_phase',
  'from_model',
  'to_model',
  'error_type',
];

/** The store's view of `records` that also shows the kept attribute columns (same rows as `records`). */
export const KEYED_RECORDS = '_records_keyed';

/**
 * The local `metrics` table: the subset of Logfire's `metrics` columns that OTLP gauges,
 * sums and histograms fill. Exponential histograms keep their buckets; summaries are dropped as in Logfire.
 */
export const METRIC_COLUMNS = [
  ['recorded_timestamp', 'TIMESTAMPTZ NOT NULL'],
  ['start_timestamp', 'TIMESTAMPTZ'],
  ['created_at', 'TIMESTAMPTZ NOT NULL DEFAULT now()'],
  ['metric_name', 'VARCHAR NOT NULL'],
  ['metric_type', 'VARCHAR NOT NULL'], // gauge | sum | histogram | exponential_histogram
  ['unit', 'VARCHAR NOT NULL'],
  ['metric_description', 'VARCHAR'],
  ['aggregation_temporality', 'VARCHAR'], // delta | cumulative
  ['is_monotonic', 'BOOLEAN'],
  ['scalar_value', 'DOUBLE'],
  ['histogram_min', 'DOUBLE'],
  ['histogram_max', 'DOUBLE'],
  ['histogram_sum', 'DOUBLE'],
  ['histogram_count', 'BIGINT'],
  ['histogram_bucket_counts', 'BIGINT[]'],
  ['histogram_explicit_bounds', 'DOUBLE[]'],
  ['exp_histogram_scale', 'INTEGER'],
  ['exp_histogram_zero_count', 'BIGINT'],
  ['exp_histogram_zero_threshold', 'DOUBLE'],
  ['exp_histogram_positive_bucket_counts', 'BIGINT[]'],
  ['exp_histogram_positive_bucket_counts_offset', 'INTEGER'],
  ['exp_histogram_negative_bucket_counts', 'BIGINT[]'],
  ['exp_histogram_negative_bucket_counts_offset', 'INTEGER'],
  ['exemplars', 'JSON'],
  ['attributes', 'JSON'],
  ['otel_scope_name', 'VARCHAR'],
  ['otel_scope_version', 'VARCHAR'],
  ['otel_scope_attributes', 'JSON'],
  ['otel_resource_attributes', 'JSON'],
  ['service_name', 'VARCHAR NOT NULL'],
  ['service_version', 'VARCHAR'],
  ['service_namespace', 'VARCHAR'],
  ['service_instance_id', 'VARCHAR'],
  ['process_pid', 'INTEGER'],
  ['deployment_environment', 'VARCHAR'],
  ['telemetry_sdk_name', 'VARCHAR'],
  ['telemetry_sdk_language', 'VARCHAR'],
  ['telemetry_sdk_version', 'VARCHAR'],
  ['run_id', 'VARCHAR'],
] as const;

export type MetricColumn = (typeof METRIC_COLUMNS)[number][0];

/**
 * ISO 8601 UTC with microseconds for epoch microseconds (what Logfire's query API returns). A bigint keeps
 * every digit beyond 2^53 µs; the result must be a JS Date (±8.64e18 µs).
 */
export function isoMicros(us: number | bigint): string {
  let ms: number;
  let frac: number;
  if (typeof us === 'number' && Number.isSafeInteger(Math.round(us))) {
    const u = Math.round(us);
    ms = Math.floor(u / 1000);
    frac = u - ms * 1000;
  } else {
    const u = typeof us === 'bigint' ? us : BigInt(Math.round(us));
    const m = u >= 0n ? u / 1000n : -((-u + 999n) / 1000n);
    ms = Number(m);
    frac = Number(u - m * 1000n);
  }
  return `${new Date(ms).toISOString().slice(0, -1)}${String(frac).padStart(3, '0')}Z`;
}
