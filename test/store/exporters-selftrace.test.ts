// The server's own spans written into the store through StoreSpanExporter, with a globally
// registered provider (its own test process): ingest batches are traced without feedback loops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { trace, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TelemetryStore } from '../../server/telemetry/store';
import { IngestQueue } from '../../server/telemetry/ingest';
import { OtlpReceiver } from '../../server/telemetry/receiver';
import { StoreSpanExporter } from '../../server/telemetry/selftrace';

test('self-trace: server spans and traced ingest batches land in the store, once each', async () => {
  const store = await TelemetryStore.open({ path: ':memory:' });
  const queue = new IngestQueue(store);
  const exporter = new StoreSpanExporter(queue);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'telemetry-lens', 'service.version': '0.1.0' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  trace.setGlobalTracerProvider(provider);
  const rx = await OtlpReceiver.start({ queue, port: 0 });
  try {
    const tracer = trace.getTracer('telemetry-lens');
    tracer.startActiveSpan('lint.file', { attributes: { 'telemetry_lens.file': 'a.py', 'telemetry_lens.findings': 2 } }, (span) => {
      span.addEvent('parsed', { ms: 3 });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'rule crashed' });
      span.end();
    });
    // A received request: its ingest batch is traced by the queue, and the trace is itself stored.
    const now = BigInt(Date.now()) * 1_000_000n;
    const body = JSON.stringify({
      resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'agent' } }] }, scopeSpans: [{ spans: [{ traceId: 'ef'.repeat(16), spanId: '1'.repeat(16), name: 'x', startTimeUnixNano: now.toString(), endTimeUnixNano: now.toString() }] }] }],
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: rx.port, path: '/v1/traces', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 200);
    await provider.forceFlush();
    await exporter.forceFlush();
    await queue.drain();
    const rows = await store.queryObjects<Record<string, unknown>>(
      `SELECT kind, span_name, level, service_name, service_version, otel_status_code, attributes::VARCHAR AS attributes, otel_scope_name FROM records WHERE service_name = 'telemetry-lens' ORDER BY start_timestamp`,
    );
    const lint = rows.find((r) => r.span_name === 'lint.file' && r.kind === 'span')!;
    assert.ok(lint);
    assert.equal(lint.level, 17);
    assert.equal(lint.service_version, '0.1.0');
    assert.equal(JSON.parse(lint.attributes as string)['telemetry_lens.findings'], 2);
    assert.ok(rows.some((r) => r.span_name === 'parsed' && r.kind === 'span_event'));
    const batches = rows.filter((r) => r.span_name === 'telemetry.ingest.batch');
    // Self-trace writes are untraced, so storing the batch span does not create another one.
    await new Promise((r) => setTimeout(r, 200));
    await queue.drain();
    const again = await store.count({});
    await new Promise((r) => setTimeout(r, 200));
    await queue.drain();
    assert.equal(await store.count({}), again, 'no feedback loop: the store stops growing');
    assert.ok(batches.length >= 1, 'the ingest batch of the received request was traced');
    assert.equal(JSON.parse(batches[0].attributes as string)['telemetry_lens.rows'], 1);
  } finally {
    await rx.close();
    await provider.shutdown();
    await store.close();
  }
});
