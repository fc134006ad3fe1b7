// Logfire's `metrics` table as users query it: the stored points (table metrics_points) plus the
// `value` column and the `metric_*` functions Logfire's docs use on it
// (https://logfire.pydantic.dev/docs/how-to-guides/write-dashboard-queries/#working-with-metrics):
//   per row: metric_sum, metric_count, metric_min, metric_max, metric_avg;
//   aggregates: metric_quantile(p, value), metric_increase(value, ts), metric_rate(value, ts), metric_merge(value).
// Logfire does not document the layout of `value` nor the exact estimators; the local choices are:
// - value is a STRUCT: type, temporality, monotonic, start (the point's start_timestamp), series (a hash
//   of the metric name, its attributes and resource: one time series), count, sum, min, max, and
//   buckets — a list of {lo, hi, n}: gauges and sums one bucket [v, v] holding 1, explicit histograms
//   their buckets with the open ends closed by histogram_min/max, exponential histograms their
//   buckets at their own scale (negative, zero, positive), each clamped to [min, max].
// - metric_quantile merges the group's buckets (sorted by lower bound) and interpolates linearly inside
//   the bucket where the cumulative count reaches p × total: exact for gauges' readings at the bucket
//   edges, an estimate within one bucket for histograms (also when flavours or scales are mixed).
// - metric_increase: delta points add their sums; cumulative points (and gauges) add, per series, the
//   rise from one point to the next in time order, a drop counting as a reset (the new value is the
//   rise). The first point of a series in the group adds nothing.
// - metric_rate: metric_increase per second of the span the group covers (from the earliest delta
//   point's start, or the earliest point, to the latest point); NULL when that span is empty.
// All are DuckDB macros stored in the database (migration 3), so every connection has them.

/** The value STRUCT for one row of metrics_points. */
const VALUE = `struct_pack(
  type := metric_type,
  temporality := aggregation_temporality,
  monotonic := is_monotonic,
  start := start_timestamp,
  series := hash(metric_name, attributes::VARCHAR, otel_resource_attributes::VARCHAR),
  count := (CASE WHEN scalar_value IS NOT NULL THEN 1 ELSE histogram_count END)::DOUBLE,
  sum := coalesce(scalar_value, histogram_sum),
  min := coalesce(scalar_value, histogram_min),
  max := coalesce(scalar_value, histogram_max),
  buckets := list_filter(list_transform(CASE
    WHEN scalar_value IS NOT NULL THEN [{'lo': scalar_value, 'hi': scalar_value, 'n': 1::DOUBLE}]
    WHEN metric_type = 'histogram' THEN list_transform(range(1, len(histogram_bucket_counts) + 1), i -> {
      'lo': CASE WHEN i = 1 THEN coalesce(histogram_min, histogram_explicit_bounds[1]) ELSE histogram_explicit_bounds[i - 1] END,
      'hi': CASE WHEN i = len(histogram_bucket_counts) THEN coalesce(histogram_max, histogram_explicit_bounds[i - 1]) ELSE histogram_explicit_bounds[i] END,
      'n': histogram_bucket_counts[i]::DOUBLE})
    WHEN metric_type = 'exponential_histogram' THEN list_concat(
      list_transform(range(1, len(exp_histogram_negative_bucket_counts) + 1), i -> {
        'lo': -pow(pow(2.0, pow(2.0, -exp_histogram_scale)), exp_histogram_negative_bucket_counts_offset + i),
        'hi': -pow(pow(2.0, pow(2.0, -exp_histogram_scale)), exp_histogram_negative_bucket_counts_offset + i - 1),
        'n': exp_histogram_negative_bucket_counts[i]::DOUBLE}),
      [{'lo': 0::DOUBLE, 'hi': 0::DOUBLE, 'n': coalesce(exp_histogram_zero_count, 0)::DOUBLE}],
      list_transform(range(1, len(exp_histogram_positive_bucket_counts) + 1), i -> {
        'lo': pow(pow(2.0, pow(2.0, -exp_histogram_scale)), exp_histogram_positive_bucket_counts_offset + i - 1),
        'hi': pow(pow(2.0, pow(2.0, -exp_histogram_scale)), exp_histogram_positive_bucket_counts_offset + i),
        'n': exp_histogram_positive_bucket_counts[i]::DOUBLE}))
    END, b -> {
      'lo': least(greatest(b.lo, coalesce(histogram_min, b.lo)), coalesce(histogram_max, b.lo)),
      'hi': greatest(least(b.hi, coalesce(histogram_max, b.hi)), coalesce(histogram_min, b.hi)),
      'n': b.n}), b -> b.n > 0)
)`;

/** Columns of metrics_points as the view shows them (all), then value. */
export const METRICS_VIEW = `CREATE VIEW metrics AS SELECT *, ${VALUE} AS value FROM metrics_points`;

export const METRIC_MACROS: string[] = [
  `CREATE MACRO metric_sum(v) AS v.sum`,
  `CREATE MACRO metric_count(v) AS v.count`,
  `CREATE MACRO metric_min(v) AS v.min`,
  `CREATE MACRO metric_max(v) AS v.max`,
  `CREATE MACRO metric_avg(v) AS v.sum / nullif(v.count, 0)`,
  // p-quantile of merged buckets {lo, hi, n}: walk the buckets in order to where the running count
  // reaches p × total, then interpolate inside that bucket.
  `CREATE MACRO _metric_buckets_quantile(p, bs) AS (
     WITH s AS (SELECT list_transform(list_sort(bs), b -> {'lo': b.lo, 'hi': b.hi, 'n': b.n, 'cum': b.n}) AS l),
     t AS (SELECT l, p * list_sum(list_transform(l, x -> x.n)) AS target FROM s WHERE len(l) > 0),
     f AS (SELECT target, list_reduce(l, (a, b) -> CASE WHEN a.cum >= target THEN a ELSE {'lo': b.lo, 'hi': b.hi, 'n': b.n, 'cum': a.cum + b.n} END) AS hit FROM t)
     SELECT hit.lo + (hit.hi - hit.lo) * greatest(0::DOUBLE, least(1::DOUBLE, (target - (hit.cum - hit.n)) / hit.n)) FROM f)`,
  `CREATE MACRO metric_quantile(p, v) AS _metric_buckets_quantile(p, flatten(list(v.buckets)))`,
  // Rise of cumulative points {series, ts, v} per series in time order; a drop is a reset.
  `CREATE MACRO _metric_cumulative_increase(points) AS list_reduce(
     list_transform(list_sort(points), x -> {'series': x.series, 'ts': x.ts, 'v': x.v, 'total': 0::DOUBLE}),
     (a, b) -> {'series': b.series, 'ts': b.ts, 'v': b.v,
                'total': a.total + CASE WHEN a.series = b.series THEN CASE WHEN b.v >= a.v THEN b.v - a.v ELSE b.v END ELSE 0::DOUBLE END}).total`,
  `CREATE MACRO metric_increase(v, ts) AS
     CASE WHEN count(*) > 0 THEN
       coalesce(sum(v.sum) FILTER (WHERE v.temporality = 'delta'), 0::DOUBLE)
       + coalesce(_metric_cumulative_increase(list({'series': v.series, 'ts': ts, 'v': v.sum}) FILTER (WHERE v.temporality IS DISTINCT FROM 'delta')), 0::DOUBLE)
     END`,
  `CREATE MACRO metric_rate(v, ts) AS
     metric_increase(v, ts) / nullif(epoch(max(ts)) - epoch(min(CASE WHEN v.temporality = 'delta' THEN coalesce(v.start, ts) ELSE ts END)), 0)`,
  `CREATE MACRO metric_merge(v) AS struct_pack(
     type := any_value(v.type), temporality := any_value(v.temporality), monotonic := any_value(v.monotonic),
     start := min(v.start), series := NULL::UBIGINT, count := sum(v.count), sum := sum(v.sum), min := min(v.min), max := max(v.max),
     buckets := flatten(list(v.buckets)))`,
];
