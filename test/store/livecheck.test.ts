// Runtime checks against the built-in OpenTelemetry semantic conventions and a Weaver registry, on
// traffic from the real OpenTelemetry JS SDK and OTLP exporter: violations stored by the receiver's
// conformance check, and `telemetry-lens live-check` / `check --conformance` writing a report in
// Weaver's live-check shape.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { packageRoot } from '../../server/paths';
import { bundledSchema, loadSchemaFile } from '../../server/schema/loader';
import { createConformance } from '../../server/telemetry/conformance';
import { IngestQueue } from '../../server/telemetry/ingest';
import { liveCheckReport, recordsSince } from '../../server/telemetry/livecheck';
import { OtlpReceiver } from '../../server/telemetry/receiver';
import { TelemetryStore } from '../../server/telemetry/store';

const CLI = path.join(packageRoot(), 'dist', 'server', 'cli.js');

async function sendAgentSpans(url: string): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'genai-agent' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${url}/v1/traces` }))],
  });
  const tracer = provider.getTracer('agent', '1.0.0');
  const chat = tracer.startSpan('chat gpt-4o', {
    kind: SpanKind.CLIENT,
    attributes: {
      'gen_ai.system': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.prompt_tokens': 12,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.request.model': 4,
      'my_app.step': 'plan',
    },
  });
  chat.end();
  tracer.startSpan('work', { attributes: { 'acme.legacy_tenant': 't-1', 'acme.tier': 'gold' } }).end();
  await provider.forceFlush();
  await provider.shutdown();
}

test('received GenAI spans: stored conformance violations and a Weaver-shaped live-check report', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-livecheck-'));
  const db = path.join(dir, 'telemetry.duckdb');
  const store = await TelemetryStore.open({ path: db });
  const registry = loadSchemaFile(path.join(packageRoot(), 'test/fixtures/registries/acme'));
  assert.deepEqual(registry.errors, []);
  const conformance = createConformance(registry.schema);
  const rx = await OtlpReceiver.start({ queue: new IngestQueue(store, { check: (rows) => conformance.check(rows) }), port: 0 });
  try {
    await sendAgentSpans(rx.url);
    await rx.queue.drain();
    const rows = await store.queryObjects<{ code: string; message: string; span_name: string }>('SELECT code, message, span_name FROM conformance_violations ORDER BY span_name, code, message');
    assert.deepEqual(
      rows.map((r) => `${r.span_name} ${r.code} ${r.message}`),
      [
        'chat gpt-4o TL004 Attribute `gen_ai.request.model` (OpenTelemetry semantic conventions 1.41.1) should be str, got int `4`',
        'chat gpt-4o TL017 Attribute `gen_ai.system` is deprecated in the OpenTelemetry semantic conventions 1.41.1; use `gen_ai.provider.name`',
        'chat gpt-4o TL017 Attribute `gen_ai.usage.prompt_tokens` is deprecated in the OpenTelemetry semantic conventions 1.41.1; use `gen_ai.usage.input_tokens`',
        'work TL005 Value `"gold"` of attribute `acme.tier` (registry acme) is not an allowed value (expected one of \'free\', \'pro\')',
        'work TL017 Attribute `acme.legacy_tenant` is deprecated in the registry acme; use `acme.tenant.id`',
      ],
    );
    // The report, straight from the store's records.
    const rep = liveCheckReport(await recordsSince(store, 0), bundledSchema());
    const chat = rep.samples.map((s) => s.span as { name: string; attributes: { name: string; type: string; live_check_result: { all_advice: { id: string; level: string }[] } }[] }).find((s) => s?.name === 'chat gpt-4o')!;
    const advice = Object.fromEntries(chat.attributes.map((a) => [a.name, a.live_check_result.all_advice.map((x) => `${x.id}:${x.level}`)]));
    assert.deepEqual(advice['gen_ai.system'], ['deprecated:violation']);
    assert.deepEqual(advice['gen_ai.usage.prompt_tokens'], ['deprecated:violation']);
    assert.deepEqual(advice['gen_ai.request.model'], ['type_mismatch:violation', 'not_stable:improvement']);
    assert.deepEqual(advice['gen_ai.operation.name'], ['not_stable:improvement']);
    assert.deepEqual(advice['my_app.step'], ['missing_attribute:violation']);
    assert.equal(chat.attributes.find((a) => a.name === 'gen_ai.usage.output_tokens')!.type, 'int');
  } finally {
    await rx.close();
    await store.close();
  }

  // The CLI on the same store: live-check JSON against the registry, exit 1 on violations.
  const out = path.join(dir, 'report.json');
  const r = spawnSync(process.execPath, [CLI, 'live-check', '--db', db, '--schema', path.join(packageRoot(), 'test/fixtures/registries/acme'), '--output', out], { encoding: 'utf8' });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 1);
  const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { samples: Record<string, { name: string; live_check_result: unknown }>[]; statistics: Record<string, unknown> };
  assert.deepEqual(report.samples.map((s) => Object.keys(s)[0]), ['span', 'span']);
  const stats = report.statistics as { total_entities_by_type: Record<string, number>; advice_type_counts: Record<string, number>; seen_registry_attributes: Record<string, number>; registry_coverage: number };
  assert.deepEqual(stats.total_entities_by_type, { attribute: 8, span: 2 });
  assert.equal(stats.advice_type_counts.deprecated, 3);
  assert.equal(stats.advice_type_counts.undefined_enum_variant, 1);
  assert.equal(stats.seen_registry_attributes['acme.legacy_tenant'], 1);
  assert.ok(stats.registry_coverage > 0 && stats.registry_coverage < 1);
  // The text summary of `check --conformance`, without the built-in conventions.
  const t = spawnSync(process.execPath, [CLI, 'check', '--conformance', '--no-semconv', '--db', db, '--schema', path.join(packageRoot(), 'test/fixtures/registries/acme')], { encoding: 'utf8' });
  assert.equal(t.status, 1);
  assert.match(t.stdout, /^10 entities checked, \d+ findings \(\d+ violation/);
  assert.match(t.stdout, /missing_attribute: 6/);
});
