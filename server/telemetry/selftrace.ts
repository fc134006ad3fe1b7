// An OpenTelemetry SpanExporter that writes the server's own spans (lint runs, ingest batches, SQL
// queries) into the local store, so Telemetry Lens can be inspected with itself. Spans go through the
// same mapping as received OTLP spans, skip runtime conformance, and are written untraced (the write
// of a self-trace batch does not produce another span).
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { HrTime } from '@opentelemetry/api';
import type { Attributes, AttrValue, OtlpSpan, ResourceItems } from './otlp/decode';
import { mapTraces } from './map';
import type { IngestQueue } from './ingest';

// ExportResultCode from @opentelemetry/core: SUCCESS = 0, FAILED = 1.
const SUCCESS = 0;
const FAILED = 1;

function ns(t: HrTime): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}

function attrs(a: Record<string, unknown> | undefined): Attributes {
  const out: Attributes = {};
  if (!a) return out;
  for (const [k, v] of Object.entries(a)) if (v !== undefined) out[k] = v as AttrValue;
  return out;
}

function toOtlp(s: ReadableSpan): OtlpSpan {
  const ctx = s.spanContext();
  const parent = (s as ReadableSpan & { parentSpanContext?: { spanId: string }; parentSpanId?: string }).parentSpanContext?.spanId ?? (s as { parentSpanId?: string }).parentSpanId;
  const start = ns(s.startTime);
  const end = ns(s.endTime);
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: parent || null,
    traceState: '',
    name: s.name,
    // OTel JS SpanKind is 0-based (INTERNAL = 0); OTLP's enum is 1-based.
    kind: s.kind + 1,
    startTimeUnixNano: start,
    endTimeUnixNano: end < start ? start : end,
    attributes: attrs(s.attributes),
    events: s.events.map((e) => ({ name: e.name, timeUnixNano: ns(e.time), attributes: attrs(e.attributes) })),
    links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, traceState: '', attributes: attrs(l.attributes) })),
    statusCode: s.status.code,
    statusMessage: s.status.message ?? '',
  };
}

export class StoreSpanExporter implements SpanExporter {
  private stopped = false;
  private inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly queue: IngestQueue,
    /** Resource attributes for spans whose resource lacks a service name. */
    private readonly defaults: Attributes = { 'service.name': 'telemetry-lens' },
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) return resultCallback({ code: FAILED, error: new Error('exporter is shut down') });
    // Group by resource and scope, as OTLP does.
    const resources = new Map<object, ResourceItems<OtlpSpan>>();
    for (const s of spans) {
      const resKey = s.resource as object;
      let r = resources.get(resKey);
      if (!r) {
        r = { resource: { ...this.defaults, ...attrs(s.resource?.attributes as Record<string, unknown>) }, scopes: [] };
        resources.set(resKey, r);
      }
      const scope = (s as ReadableSpan & { instrumentationScope?: { name: string; version?: string } }).instrumentationScope ?? { name: 'telemetry-lens' };
      let sc = r.scopes.find((x) => x.scope.name === scope.name && x.scope.version === (scope.version ?? ''));
      if (!sc) {
        sc = { scope: { name: scope.name, version: scope.version ?? '', attributes: {} }, items: [] };
        r.scopes.push(sc);
      }
      sc.items.push(toOtlp(s));
    }
    const records = mapTraces({ resources: [...resources.values()], rejected: 0, errors: [] });
    const p = this.queue.submit({ records, skipConformance: true, untraced: true }).then(
      () => resultCallback({ code: SUCCESS }),
      (error: unknown) => resultCallback({ code: FAILED, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.inflight]);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.forceFlush();
  }
}
