// Real OTLP clients against the receiver over loopback: @pydantic/logfire-node (in a child process, it
// installs global providers), and the OpenTelemetry JS exporters (protobuf and JSON, traces and logs)
// on private providers in-process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { TelemetryStore } from '../../server/telemetry/store';
import { IngestQueue, type CommittedBatch } from '../../server/telemetry/ingest';
import { OtlpReceiver } from '../../server/telemetry/receiver';
import { packageRoot } from '../../server/paths';

let store: TelemetryStore;
let receiver: OtlpReceiver;
const batches: CommittedBatch[] = [];

before(async () => {
  store = await TelemetryStore.open({ path: ':memory:' });
  receiver = await OtlpReceiver.start({ queue: new IngestQueue(store), port: 0 });
  receiver.onCommitted((b) => batches.push(b));
});
after(async () => {
  await receiver.close();
  await store.close();
});

function runAgent(mode: 'base-url' | 'processor', runId: string): Promise<void> {
  const script = path.join(packageRoot(), 'test', 'fixtures', 'store', 'logfire-agent.cjs');
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('OTEL_') || k.startsWith('LOGFIRE_')) delete env[k];
    const child = spawn(process.execPath, [script, receiver.url, mode, runId], { cwd: packageRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`logfire agent exited ${code}: ${out}`))));
  });
}

type Row = Record<string, unknown>;
async function rowsOfRun(runId: string): Promise<Row[]> {
  return store.queryObjects<Row>(
    `SELECT kind, level, span_name, message, tags, attributes, span_id, parent_span_id, is_exception, exception_type, exception_message,
            service_name, service_version, deployment_environment, telemetry_sdk_language, otel_scope_name, duration, otel_status_code
     FROM records WHERE run_id = '${runId}' ORDER BY start_timestamp, span_name`,
  );
}

function assertLogfireRows(rows: Row[]): void {
  const by = (name: string) => {
    const r = rows.find((x) => x.span_name === name);
    assert.ok(r, `row ${name} in ${JSON.stringify(rows.map((x) => x.span_name))}`);
    return r;
  };
  const info = by('model.selected {model}');
  assert.equal(info.kind, 'log');
  assert.equal(info.level, 9);
  assert.equal(info.message, 'model.selected glm-4.7');
  assert.deepEqual(info.tags, ['routing']);
  assert.equal(info.duration, null);
  const infoAttrs = JSON.parse(info.attributes as string);
  assert.equal(infoAttrs.model, 'glm-4.7');
  assert.equal(infoAttrs.workload, 'CODING');
  assert.equal(infoAttrs['logfire.msg_template'], 'model.selected {model}');
  for (const k of ['logfire.msg', 'logfire.level_num', 'logfire.tags']) assert.equal(infoAttrs[k], undefined, `${k} removed`);
  const span = by('agent.run {agent}');
  assert.equal(span.kind, 'span');
  assert.equal(span.message, 'agent.run coder');
  assert.deepEqual(JSON.parse(span.attributes as string).config, { retries: 3, models: ['a', 'b'] });
  assert.ok(typeof span.duration === 'number' && span.duration >= 0);
  const warn = by('rate_limit.hit');
  assert.equal(warn.kind, 'log');
  assert.equal(warn.level, 13);
  assert.equal(warn.parent_span_id, span.span_id, 'the warning is nested in the span');
  const err = by('tool.failed');
  assert.equal(err.level, 17);
  assert.equal(err.is_exception, true);
  assert.equal(err.exception_type, 'Error');
  assert.equal(err.exception_message, 'grep exploded');
  assert.equal(err.otel_status_code, 'ERROR');
  for (const r of rows) {
    assert.equal(r.service_name, 'lf-agent');
    assert.equal(r.service_version, '0.0.1');
    assert.equal(r.deployment_environment, 'test');
    assert.equal(r.telemetry_sdk_language, 'nodejs');
    assert.equal(r.otel_scope_name, 'logfire');
  }
}

test('@pydantic/logfire-node via its documented base URL: protobuf traces with pending spans, and metrics', async () => {
  const before = batches.length;
  await runAgent('base-url', 'run-lf-base');
  await receiver.queue.drain();
  const rows = await rowsOfRun('run-lf-base');
  assertLogfireRows(rows);
  assert.equal(rows.length, 4);
  const mine = batches.slice(before);
  // The SDK sends each pending span as a child of its span; the store gives it the span's own ids and
  // keeps it next to the final span, as Logfire does: same trace_id and span_id, same parent.
  const pairs = await store.queryObjects<{ pending_parent: string | null; span_parent: string | null; name: string; final: string | null }>(
    `SELECT p.parent_span_id AS pending_parent, s.parent_span_id AS span_parent, p.span_name AS name, s.kind AS final
     FROM records_all p LEFT JOIN records_all s ON s.trace_id = p.trace_id AND s.span_id = p.span_id AND s.kind = 'span'
     WHERE p.run_id = 'run-lf-base' AND p.kind = 'pending_span'`,
  );
  assert.ok(pairs.length >= 1, 'pending spans arrived');
  for (const p of pairs) {
    assert.equal(p.final, 'span', `pending ${p.name} has the final span's span_id`);
    assert.equal(p.pending_parent, p.span_parent, `pending ${p.name} has the final span's parent`);
  }
  const [{ n, names }] = await store.queryObjects<{ n: number; names: number }>(
    `SELECT count(*)::INTEGER AS n, count(DISTINCT metric_name)::INTEGER AS names FROM metrics WHERE run_id = 'run-lf-base' AND service_name = 'lf-agent'`,
  );
  assert.ok(n > 0 && names > 1, `metrics stored (${n} points, ${names} names)`);
  const types = await store.queryObjects<{ metric_type: string }>(`SELECT DISTINCT metric_type FROM metrics WHERE run_id = 'run-lf-base'`);
  assert.ok(types.some((t) => t.metric_type === 'gauge' || t.metric_type === 'sum'));
  assert.ok(mine.some((b) => b.runIds.includes('run-lf-base')));
});

test('@pydantic/logfire-node with sendToLogfire false and an extra OTLPTraceExporter span processor', async () => {
  await runAgent('processor', 'run-lf-proc');
  await receiver.queue.drain();
  const rows = await rowsOfRun('run-lf-proc');
  assertLogfireRows(rows);
  assert.equal(rows.length, 4);
});

async function otelSpans(provider: BasicTracerProvider | NodeTracerProvider, runId: string): Promise<void> {
  const tracer = provider.getTracer('agent-lib', '2.0.0');
  {
    const root = tracer.startSpan('ear.loop', { kind: SpanKind.INTERNAL, attributes: { 'loop.iteration': 3, 'loop.ok': true, ratio: 0.25, names: ['a', 'b'] } });
    // Explicit parent context: these providers are not registered globally.
    const parent = trace.setSpan(context.active(), root);
    const child = tracer.startSpan('http.client', { kind: SpanKind.CLIENT, attributes: { 'http.response.status_code': 429, 'url.full': 'https://api/x?q=1' } }, parent);
    child.addEvent('retry.scheduled', { delay_ms: 500 });
    child.recordException(new TypeError('too many'));
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
    child.end();
    root.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
  void runId;
}

function assertOtelRows(rows: Row[], runId: string): void {
  const loop = rows.find((r) => r.span_name === 'ear.loop' && r.kind === 'span')!;
  assert.ok(loop, runId);
  assert.equal(loop.level, 9);
  const a = JSON.parse(loop.attributes as string);
  assert.deepEqual(a, { 'loop.iteration': 3, 'loop.ok': true, ratio: 0.25, names: ['a', 'b'] });
  assert.equal(loop.otel_scope_name, 'agent-lib');
  assert.equal(loop.service_name, 'otel-agent');
  const client = rows.find((r) => r.span_name === 'http.client' && r.kind === 'span')!;
  assert.equal(client.level, 17, 'status ERROR → error');
  assert.equal(client.parent_span_id, loop.span_id);
  assert.equal(client.is_exception, true);
  assert.equal(client.exception_type, 'TypeError');
  assert.equal(client.exception_message, 'too many');
  const ev = rows.find((r) => r.kind === 'span_event')!;
  assert.equal(ev.span_name, 'retry.scheduled');
  assert.equal(ev.parent_span_id, client.span_id, 'the event row is a child of its span');
  assert.notEqual(ev.span_id, client.span_id, 'with an id of its own');
  assert.equal(JSON.parse(ev.attributes as string).delay_ms, 500);
  assert.equal(rows.length, 3, 'two spans + one non-exception event');
}

test('@opentelemetry/exporter-trace-otlp-proto (gzip) from a BasicTracerProvider', async () => {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'otel-agent', 'telemetry_lens.run_id': 'run-otel-proto' }),
    spanProcessors: [new BatchSpanProcessor(new ProtoTraceExporter({ url: `${receiver.url}/v1/traces`, compression: CompressionAlgorithm.GZIP }))],
  });
  await otelSpans(provider, 'run-otel-proto');
  await receiver.queue.drain();
  const rows = await store.queryObjects<Row>(`SELECT * EXCLUDE (attributes), attributes::VARCHAR AS attributes FROM records WHERE run_id = 'run-otel-proto'`);
  assertOtelRows(rows, 'proto');
});

test('@opentelemetry/exporter-trace-otlp-http (JSON) from a NodeTracerProvider', async () => {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'otel-agent', 'telemetry_lens.run_id': 'run-otel-json' }),
    spanProcessors: [new BatchSpanProcessor(new JsonTraceExporter({ url: `${receiver.url}/v1/traces` }))],
  });
  await otelSpans(provider, 'run-otel-json');
  await receiver.queue.drain();
  const rows = await store.queryObjects<Row>(`SELECT * EXCLUDE (attributes), attributes::VARCHAR AS attributes FROM records WHERE run_id = 'run-otel-json'`);
  assertOtelRows(rows, 'json');
});

test('@opentelemetry/exporter-logs-otlp-proto: OTel LogRecords become kind=log rows with log_body and severity levels', async () => {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'otel-logger', 'telemetry_lens.run_id': 'run-otel-logs' }),
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${receiver.url}/v1/logs` }) })],
  });
  const logger = provider.getLogger('structlog-bridge');
  logger.emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: 'capacity.exceeded', attributes: { provider: 'zai', capacity_pct: 97.5 } });
  logger.emit({ severityNumber: SeverityNumber.ERROR, body: { event: 'tool.failed', tool: 'grep' }, attributes: { 'exception.type': 'OSError', 'exception.message': 'disk' } });
  logger.emit({ severityText: 'debug', body: 'cache.hit', eventName: 'cache.hit' });
  await provider.forceFlush();
  await provider.shutdown();
  await receiver.queue.drain();
  const rows = await store.queryObjects<Row>(
    `SELECT kind, level, span_name, message, log_body, attributes::VARCHAR AS attributes, is_exception, exception_type, otel_scope_name, service_name, duration
     FROM records WHERE run_id = 'run-otel-logs' ORDER BY level`,
  );
  assert.equal(rows.length, 3);
  const [dbg, warn, err] = rows;
  assert.equal(dbg.level, 5);
  assert.equal(dbg.span_name, 'cache.hit');
  assert.equal(warn.kind, 'log');
  assert.equal(warn.level, 13);
  assert.equal(warn.log_body, 'capacity.exceeded');
  assert.equal(warn.message, 'capacity.exceeded');
  assert.equal(warn.duration, null);
  assert.deepEqual(JSON.parse(warn.attributes as string), { provider: 'zai', capacity_pct: 97.5 });
  assert.equal(warn.otel_scope_name, 'structlog-bridge');
  assert.equal(err.level, 17);
  assert.deepEqual(JSON.parse(err.log_body as string), { event: 'tool.failed', tool: 'grep' });
  assert.equal(err.is_exception, true);
  assert.equal(err.exception_type, 'OSError');
  // Emitted outside any span: each log is a trace of its own, not one all-zero trace for every such log.
  const traces = await store.queryObjects<{ trace_id: string }>(`SELECT trace_id FROM records WHERE run_id = 'run-otel-logs'`);
  assert.equal(new Set(traces.map((t) => t.trace_id)).size, 3);
  for (const t of traces) assert.match(t.trace_id, /^(?!0{32})[0-9a-f]{32}$/);
});
