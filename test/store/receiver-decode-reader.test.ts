// The protobuf trace decoder reads the wire with protobufjs' Reader directly; it must give exactly
// what the generated message classes + the generic walker give (its reference), for valid requests of
// every shape, for requests with invalid items (same rejections and reasons) and for corrupted bodies
// (the same OtlpDecodeError, or the same result when the corruption still parses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as generated from 'otlp-generated-root/build/src/generated/root';
import { decodeTraces, decodeTracesGenerated, OtlpDecodeError } from '../../server/telemetry/otlp/decode';

type Codec = { fromObject(o: unknown): unknown; encode(m: unknown): { finish(): Uint8Array } };
const TraceReq = (generated as unknown as { opentelemetry: { proto: { collector: { trace: { v1: Record<string, Codec> } } } } }).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bytes(rand: () => number, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
}

function anyValue(rand: () => number, depth: number): Record<string, unknown> {
  const k = Math.floor(rand() * (depth > 3 ? 5 : 7));
  switch (k) {
    case 0:
      return { stringValue: ['', 'x', 'naïve → ✓', 'a'.repeat(40)][Math.floor(rand() * 4)] };
    case 1:
      return { boolValue: rand() < 0.5 };
    case 2:
      return { intValue: [0, -1, 42, 2 ** 53 + 1, -(2 ** 60), '9223372036854775807'][Math.floor(rand() * 6)] };
    case 3:
      return { doubleValue: [0.5, -1e300, Number.NaN, 3][Math.floor(rand() * 4)] };
    case 4:
      return { bytesValue: bytes(rand, Math.floor(rand() * 5)) };
    case 5:
      return { arrayValue: { values: Array.from({ length: Math.floor(rand() * 3) }, () => anyValue(rand, depth + 1)) } };
    default:
      return { kvlistValue: { values: attrs(rand, depth + 1, 3) } };
  }
}

function attrs(rand: () => number, depth = 0, max = 5): Record<string, unknown>[] {
  return Array.from({ length: Math.floor(rand() * max) }, (_, i) => (rand() < 0.1 ? { key: `k${i}` } : { key: rand() < 0.1 ? 'dup' : `k${i}`, value: anyValue(rand, depth) }));
}

function span(rand: () => number): Record<string, unknown> {
  const bad = rand();
  const start = 1_700_000_000_000_000_000n + BigInt(Math.floor(rand() * 1e9));
  return {
    traceId: bad < 0.05 ? bytes(rand, 3) : bad < 0.08 ? Buffer.alloc(16) : bytes(rand, 16),
    spanId: bad > 0.97 ? undefined : bytes(rand, 8),
    parentSpanId: rand() < 0.5 ? bytes(rand, 8) : rand() < 0.5 ? Buffer.alloc(8) : undefined,
    traceState: rand() < 0.2 ? 'vendor=1' : undefined,
    name: `span ${Math.floor(rand() * 10)}`,
    kind: Math.floor(rand() * 6),
    startTimeUnixNano: bad > 0.94 && bad <= 0.97 ? undefined : start.toString(),
    endTimeUnixNano: (bad > 0.9 && bad <= 0.94 ? start - 5n : start + 1000n).toString(),
    attributes: attrs(rand),
    events: Array.from({ length: Math.floor(rand() * 3) }, () => ({ name: rand() < 0.3 ? 'exception' : 'ev', timeUnixNano: start.toString(), attributes: attrs(rand) })),
    links: Array.from({ length: Math.floor(rand() * 2) }, () => ({ traceId: bytes(rand, rand() < 0.1 ? 4 : 16), spanId: bytes(rand, 8), traceState: 'x', attributes: attrs(rand) })),
    status: rand() < 0.5 ? { code: Math.floor(rand() * 3), message: rand() < 0.5 ? 'boom' : '' } : undefined,
    flags: rand() < 0.5 ? 0x100 : undefined,
  };
}

function request(rand: () => number): Uint8Array {
  const body = {
    resourceSpans: Array.from({ length: 1 + Math.floor(rand() * 2) }, () => ({
      resource: rand() < 0.9 ? { attributes: attrs(rand) } : undefined,
      scopeSpans: Array.from({ length: Math.floor(rand() * 3) }, () => ({
        scope: rand() < 0.9 ? { name: 'logfire', version: rand() < 0.5 ? '1.0' : '', attributes: attrs(rand, 0, 2) } : undefined,
        spans: Array.from({ length: Math.floor(rand() * 6) }, () => span(rand)),
        schemaUrl: 'https://x',
      })),
      schemaUrl: 'https://y',
    })),
  };
  return TraceReq.encode(TraceReq.fromObject(body)).finish();
}

function outcome(f: () => unknown): unknown {
  try {
    return { ok: f() };
  } catch (e) {
    assert.ok(e instanceof OtlpDecodeError, `only OtlpDecodeError escapes, got ${String(e)}`);
    return { error: e.message };
  }
}

test('valid and partly invalid requests decode exactly as with the generated classes', () => {
  const rand = rng(20261123);
  let spans = 0;
  let rejected = 0;
  for (let i = 0; i < 300; i++) {
    const body = Buffer.from(request(rand));
    const fast = decodeTraces(body, 'protobuf');
    assert.deepEqual(fast, decodeTracesGenerated(body), `request ${i}`);
    spans += fast.resources.reduce((n, r) => n + r.scopes.reduce((m, s) => m + s.items.length, 0), 0);
    rejected += fast.rejected;
  }
  // The generator really produced both kinds.
  assert.ok(spans > 500 && rejected > 50, `${spans} spans, ${rejected} rejected`);
});

test('nesting deeper than 32 levels: the span is rejected, in the resource the request is refused, with the same reasons', () => {
  let v: Record<string, unknown> = { stringValue: 'leaf' };
  for (let i = 0; i < 40; i++) v = { arrayValue: { values: [v] } };
  const deep = [{ key: 'deep', value: v }];
  const good = { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'ok', startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000000000001' };
  const inSpan = Buffer.from(TraceReq.encode(TraceReq.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...good, attributes: deep }, good] }] }] })).finish());
  const a = decodeTraces(inSpan, 'protobuf');
  assert.deepEqual(a, decodeTracesGenerated(inSpan));
  assert.equal(a.rejected, 1);
  assert.match(a.errors[0], /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]: AnyValue nested deeper than 32 levels/);
  const inResource = Buffer.from(TraceReq.encode(TraceReq.fromObject({ resourceSpans: [{ resource: { attributes: deep }, scopeSpans: [{ spans: [good] }] }] })).finish());
  assert.deepEqual(outcome(() => decodeTraces(inResource, 'protobuf')), outcome(() => decodeTracesGenerated(inResource)));
  assert.throws(() => decodeTraces(inResource, 'protobuf'), /resourceSpans\[0\]: AnyValue nested deeper than 32 levels/);
});

test('corrupted and truncated bodies: the same error or the same result', () => {
  const rand = rng(7);
  let errors = 0;
  for (let i = 0; i < 400; i++) {
    const body = Buffer.from(request(rand));
    if (body.length === 0) continue;
    const bad = Buffer.from(body);
    const mode = i % 3;
    let input: Buffer;
    if (mode === 0) input = bad.subarray(0, Math.floor(rand() * bad.length));
    else {
      for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
      input = mode === 1 ? bad : Buffer.concat([bad, bytes(rand, 3)]);
    }
    const fast = outcome(() => decodeTraces(input, 'protobuf'));
    assert.deepEqual(fast, outcome(() => decodeTracesGenerated(input)), `case ${i}`);
    if ((fast as { error?: string }).error) errors++;
  }
  assert.ok(errors > 50, `${errors} corrupted bodies refused`);
});
