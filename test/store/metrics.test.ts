// Metrics as Logfire's `metrics` table: points from the real OpenTelemetry JS metrics SDK (OTLP
// protobuf and JSON exporters) through the receiver over loopback, queried with the metric queries of
// Logfire's documentation (https://logfire.pydantic.dev/docs/how-to-guides/write-dashboard-queries/,
// https://logfire.pydantic.dev/docs/guides/web-ui/explore/) through the same SQL front end as records.
// Expected values are worked out by hand in the comments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider, PeriodicExportingMetricReader, AggregationType } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter, AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TelemetryStore, type MetricRow } from '../../server/telemetry/store';
import { IngestQueue } from '../../server/telemetry/ingest';
import { OtlpReceiver } from '../../server/telemetry/receiver';
import { runLogfireQuery } from '../../server/telemetry/sql';

let store: TelemetryStore;
let receiver: OtlpReceiver;

after(async () => {
  await receiver.close();
  await store.close();
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const r = await runLogfireQuery(store, sql);
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}

const near = (actual: unknown, expected: number, tol = 1e-9) => assert.ok(Math.abs(Number(actual) - expected) <= tol, `${actual} ≈ ${expected}`);

function provider(runId: string, exporter: ProtoMetricExporter | JsonMetricExporter): { mp: MeterProvider; flush: () => Promise<void> } {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const mp = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'metrics-agent', 'telemetry_lens.run_id': runId }),
    readers: [reader],
    views: [{ instrumentName: 'latency.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  return {
    mp,
    flush: async () => {
      await reader.forceFlush();
      await receiver.queue.drain();
    },
  };
}

before(async () => {
  store = await TelemetryStore.open({ path: ':memory:', retentionIntervalMs: 0 });
  receiver = await OtlpReceiver.start({ queue: new IngestQueue(store), port: 0 });
  // Cumulative temporality (the SDK's default), protobuf: a counter and a gauge.
  const cum = provider('run-metrics-cum', new ProtoMetricExporter({ url: `${receiver.url}/v1/metrics` }));
  const meter = cum.mp.getMeter('telemetry-lens-test', '1.0.0');
  const io = meter.createCounter('system.network.io', { unit: 'By' });
  const cpu = meter.createGauge('process.cpu.utilization', { unit: '1' });
  io.add(100, { direction: 'receive' });
  cpu.record(0.25);
  await cum.flush();
  io.add(50, { direction: 'receive' });
  cpu.record(0.75);
  await cum.flush();
  await cum.mp.shutdown();
  // Delta temporality (what Logfire's SDKs prefer for counters and histograms), JSON.
  const delta = provider('run-metrics-delta', new JsonMetricExporter({ url: `${receiver.url}/v1/metrics`, temporalityPreference: AggregationTemporalityPreference.DELTA }));
  const dm = delta.mp.getMeter('telemetry-lens-test', '1.0.0');
  const duration = dm.createHistogram('http.server.duration', { unit: 's', description: 'request time', advice: { explicitBucketBoundaries: [0.1, 0.5, 1] } });
  for (const v of [0.05, 0.2, 0.3, 0.7, 2]) duration.record(v, { 'http.route': '/x' });
  const exp = dm.createHistogram('latency.exp', { unit: 'ms' });
  for (const v of [1, 2, 3, 4]) exp.record(v);
  const cpuTime = dm.createCounter('system.cpu.time', { unit: 's' });
  cpuTime.add(2);
  await delta.flush();
  cpuTime.add(3);
  await delta.flush();
  await delta.mp.shutdown();
});

test("the metrics table has Logfire's columns, filled from the SDK's points", async () => {
  const r = await rows(
    `SELECT recorded_timestamp, metric_name, metric_type, unit, start_timestamp, aggregation_temporality, is_monotonic, metric_description,
            scalar_value, histogram_min, histogram_max, histogram_count, histogram_sum, histogram_bucket_counts, histogram_explicit_bounds,
            exp_histogram_scale, exp_histogram_zero_count, exp_histogram_zero_threshold, exp_histogram_positive_bucket_counts,
            exp_histogram_positive_bucket_counts_offset, exp_histogram_negative_bucket_counts, exp_histogram_negative_bucket_counts_offset,
            attributes, otel_scope_name, otel_scope_version, otel_scope_attributes, service_namespace, service_name, service_version,
            service_instance_id, process_pid, value
     FROM metrics WHERE run_id IN ('run-metrics-cum', 'run-metrics-delta') ORDER BY metric_name, recorded_timestamp`,
  );
  const by = (name: string) => r.filter((x) => x.metric_name === name);
  const [h1] = by('http.server.duration');
  assert.equal(h1.metric_type, 'histogram');
  assert.equal(h1.unit, 's');
  assert.equal(h1.metric_description, 'request time');
  assert.equal(h1.aggregation_temporality, 'delta');
  assert.equal(h1.histogram_count, 5);
  near(h1.histogram_sum, 3.25);
  assert.deepEqual(h1.histogram_bucket_counts, [1, 2, 1, 1]);
  assert.deepEqual(h1.histogram_explicit_bounds, [0.1, 0.5, 1]);
  assert.equal(JSON.parse(String(h1.attributes))['http.route'], '/x');
  assert.equal(h1.otel_scope_name, 'telemetry-lens-test');
  assert.equal(h1.service_name, 'metrics-agent');
  const io = by('system.network.io');
  // Cumulative: each collection re-exports the running total (the provider's shutdown collects once more).
  assert.deepEqual(io.map((x) => x.scalar_value).slice(0, 2), [100, 150]);
  assert.ok(io.slice(2).every((x) => x.scalar_value === 150));
  assert.equal(io[0].is_monotonic, true);
  assert.deepEqual(by('process.cpu.utilization').map((x) => [x.metric_type, x.scalar_value]).slice(0, 2), [['gauge', 0.25], ['gauge', 0.75]]);
  const [e] = by('latency.exp');
  assert.equal(e.metric_type, 'exponential_histogram');
  assert.equal(e.histogram_count, 4);
  assert.ok(Number(e.exp_histogram_scale) <= 20);
});

test('Explore: SELECT * FROM metrics WHERE metric_name = … AND recorded_timestamp > now() - interval …', async () => {
  const r = await rows(`SELECT * FROM metrics WHERE metric_name = 'system.cpu.time' AND recorded_timestamp > now() - interval '1 hour'`);
  // Two delta points: 2, then 3.
  assert.deepEqual(r.map((x) => x.scalar_value).sort(), [2, 3]);
  assert.ok(r.every((x) => x.aggregation_temporality === 'delta'));
});

test('Explore / dashboards: metric_quantile(0.95, value) per time bucket from a histogram and from a gauge', async () => {
  const q = (name: string) =>
    rows(`SELECT
    time_bucket('1 day', recorded_timestamp) AS x,
    metric_quantile(0.95, value) AS p95
FROM metrics
WHERE metric_name = '${name}'
GROUP BY x
ORDER BY x`);
  // The 5 observations of http.server.duration: buckets [0.05, 0.1] 1, (0.1, 0.5] 2, (0.5, 1] 1, (1, 2] 1
  // (open ends closed by min 0.05 and max 2). 95% of 5 is 4.75: the last bucket runs from 4 to 5, so
  // 1 + (2 - 1) × (4.75 - 4) / 1 = 1.75.
  const h = await q('http.server.duration');
  assert.equal(h.length, 1);
  near(h[0].p95, 1.75);
  // A gauge's quantiles are those of its readings (0.25, then 0.75 as often as it was collected): the
  // same as DuckDB's quantile_disc over scalar_value.
  const [{ d95, d50, d05 }] = await rows(
    `SELECT quantile_disc(scalar_value, 0.95) AS d95, quantile_disc(scalar_value, 0.5) AS d50, quantile_disc(scalar_value, 0.05) AS d05 FROM metrics WHERE metric_name = 'process.cpu.utilization'`,
  );
  near((await q('process.cpu.utilization'))[0].p95, Number(d95));
  const [g] = await rows(`SELECT metric_quantile(0.5, value) AS p50, metric_quantile(0.05, value) AS p05 FROM metrics WHERE metric_name = 'process.cpu.utilization'`);
  near(g.p50, Number(d50));
  near(g.p05, Number(d05));
  near(g.p05, 0.25);
  // Exponential buckets of 1, 2, 3, 4: the median lies within one bucket (≤ 2^(1/2^scale)) of 2.
  const [{ p50, scale }] = await rows(`SELECT metric_quantile(0.5, value) AS p50, max(exp_histogram_scale) AS scale FROM metrics WHERE metric_name = 'latency.exp'`);
  const width = 2 ** 2 ** -Number(scale);
  assert.ok(Number(p50) >= 2 / width && Number(p50) <= 2 * width, `p50 ${p50} within a bucket of 2 (scale ${scale})`);
});

test('dashboards: summary statistics from the per-row metric_* functions', async () => {
  const [r] = await rows(`SELECT
    time_bucket('1 day', recorded_timestamp) AS x,
    SUM(metric_count(value)) AS total_count,
    SUM(metric_sum(value)) AS total_sum,
    SUM(metric_sum(value)) / NULLIF(SUM(metric_count(value)), 0) AS average,
    MIN(metric_min(value)) AS min,
    MAX(metric_max(value)) AS max
FROM metrics
WHERE metric_name = 'latency.exp'
GROUP BY x`);
  // One point: 4 observations summing to 10, from 1 to 4.
  assert.equal(Number(r.total_count), 4);
  near(r.total_sum, 10);
  near(r.average, 2.5);
  near(r.min, 1);
  near(r.max, 4);
  const [g] = await rows(
    `SELECT avg(metric_avg(value)) AS a, sum(metric_count(value)) AS n, avg(scalar_value) AS plain, count(*) AS points FROM metrics WHERE metric_name = 'process.cpu.utilization'`,
  );
  near(g.a, Number(g.plain));
  assert.equal(Number(g.n), Number(g.points), 'a gauge reading counts 1');
});

test('dashboards: metric_rate and metric_increase for cumulative and delta counters', async () => {
  const rate = (name: string) =>
    rows(`SELECT
    time_bucket('1 day', recorded_timestamp) AS x,
    metric_rate(value, recorded_timestamp) AS bytes_per_second,
    metric_increase(value, recorded_timestamp) AS increase
FROM metrics
WHERE metric_name = '${name}'
GROUP BY x
ORDER BY x`);
  // Cumulative 100 then 150 (then 150 again): an increase of 50 over the time the points span.
  const [io] = await rate('system.network.io');
  near(io.increase, 50);
  const [{ span: ioSpan }] = await rows(`SELECT epoch(max(recorded_timestamp)) - epoch(min(recorded_timestamp)) AS span FROM metrics WHERE metric_name = 'system.network.io'`);
  near(io.bytes_per_second, 50 / Number(ioSpan), 1e-6);
  // Delta 2 then 3: an increase of 5 over the time from the first point's start to the last point.
  const [cpu] = await rate('system.cpu.time');
  near(cpu.increase, 5);
  const [{ span: cpuSpan }] = await rows(`SELECT epoch(max(recorded_timestamp)) - epoch(min(start_timestamp)) AS span FROM metrics WHERE metric_name = 'system.cpu.time'`);
  near(cpu.bytes_per_second, 5 / Number(cpuSpan), 1e-6);
});

test('metric functions on hand-made points: resets, series, explicit and exponential buckets, metric_merge', async () => {
  const base = { service_name: 'hand', unit: '', attributes: {}, otel_resource_attributes: {}, run_id: 'run-hand' };
  const t = Date.UTC(2026, 0, 1) * 1000;
  const points: MetricRow[] = [
    // cumulative 10 → 25 → 5 (a reset): 15 + 5; a second series 1 → 4: 3. Over 20 s.
    ...[10, 25, 5].map((v, i) => ({ ...base, metric_name: 'c', metric_type: 'sum', aggregation_temporality: 'cumulative', is_monotonic: true, recorded_timestamp: t + i * 10e6, start_timestamp: t - 10e6, scalar_value: v })),
    ...[1, 4].map((v, i) => ({ ...base, attributes: { k: 'other' }, metric_name: 'c', metric_type: 'sum', aggregation_temporality: 'cumulative', is_monotonic: true, recorded_timestamp: t + i * 10e6, start_timestamp: t - 10e6, scalar_value: v })),
    // explicit buckets (-inf, 0] 0, (0, 2] 2, (2, 5] 2, (5, inf) 0; min 1, max 4.
    { ...base, metric_name: 'h', metric_type: 'histogram', aggregation_temporality: 'delta', recorded_timestamp: t, histogram_count: 4, histogram_sum: 10, histogram_min: 1, histogram_max: 4, histogram_bucket_counts: [0, 2, 2, 0], histogram_explicit_bounds: [0, 2, 5] },
    // scale 0 (base 2), offset -1: (0.5, 1] 1, (1, 2] 1, (2, 4] 1; min 1, max 4.
    { ...base, metric_name: 'e', metric_type: 'exponential_histogram', aggregation_temporality: 'delta', recorded_timestamp: t, histogram_count: 3, histogram_sum: 7, histogram_min: 1, histogram_max: 4, exp_histogram_scale: 0, exp_histogram_zero_count: 0, exp_histogram_positive_bucket_counts: [1, 1, 1], exp_histogram_positive_bucket_counts_offset: -1, exp_histogram_negative_bucket_counts: [], exp_histogram_negative_bucket_counts_offset: 0 },
  ];
  await store.insertBatch({ metrics: points });
  const r = await rows(
    `SELECT metric_name, metric_increase(value, recorded_timestamp) AS inc, metric_rate(value, recorded_timestamp) AS rate,
            metric_quantile(0.5, value) AS p50, metric_quantile(0.95, value) AS p95
     FROM metrics WHERE run_id = 'run-hand' GROUP BY metric_name ORDER BY metric_name`,
  );
  const [c, e, h] = r;
  near(c.inc, 23);
  near(c.rate, 23 / 20);
  // h: buckets [1, 2] 2 and [2, 4] 2 (clamped to min/max). 50% of 4 = 2: end of the first, 2.
  // 95% = 3.8: 2 + (4 - 2) × (3.8 - 2) / 2 = 3.8.
  near(h.p50, 2);
  near(h.p95, 3.8);
  // e: buckets [1, 1] 1 (clamped), [1, 2] 1, [2, 4] 1. 50% of 3 = 1.5: 1 + (2 - 1) × 0.5 = 1.5.
  near(e.p50, 1.5);
  const [m] = await rows(`SELECT metric_sum(metric_merge(value)) AS s, metric_count(metric_merge(value)) AS n, metric_avg(metric_merge(value)) AS a FROM metrics WHERE run_id = 'run-hand' AND metric_name IN ('h', 'e')`);
  near(m.s, 17);
  assert.equal(Number(m.n), 7);
  near(m.a, 17 / 7);
});
