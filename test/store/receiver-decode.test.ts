// OTLP decoding and mapping as pure functions: table tests for the JSON rules (hex ids, int64 as
// strings or numbers, integer enums, unknown fields ignored), protobuf ⇄ JSON equivalence, metrics and
// logs, and a fuzz test: random mutations of valid bodies never crash the decoder with anything but an
// OtlpDecodeError, and never yield an invalid row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as generated from 'otlp-generated-root/build/src/generated/root';
import { decodeLogs, decodeMetrics, decodeTraces, encodeResponse, OtlpDecodeError, toBigInt } from '../../server/telemetry/otlp/decode';
import { logsTypes } from '../../server/telemetry/otlp/logsProto';
import { mapLogs, mapMetrics, mapTraces, spanLevel } from '../../server/telemetry/map';
import { TelemetryStore } from '../../server/telemetry/store';
import { seededRandom as rng } from '../../server/random';

type Codec = { fromObject(o: unknown): unknown; encode(m: unknown): { finish(): Uint8Array } };
const collector = (generated as unknown as { opentelemetry: { proto: { collector: Record<string, { v1: Record<string, Codec> }> } } }).opentelemetry.proto.collector;
const TraceReq = collector.trace.v1.ExportTraceServiceRequest;
const MetricsReq = collector.metrics.v1.ExportMetricsServiceRequest;

const json = (o: unknown) => Buffer.from(JSON.stringify(o));
const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

function oneSpan(span: Record<string, unknown>) {
  return { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans: [span] }] }] };
}

test('toBigInt accepts Long, number and decimal strings; rejects junk', () => {
  assert.equal(toBigInt({ low: -1, high: 0x7fffffff, unsigned: true }), 0x7fffffffffffffffn);
  assert.equal(toBigInt({ low: -1, high: -1, unsigned: false }, true), -1n);
  assert.equal(toBigInt('1700000000123456789'), 1700000000123456789n);
  assert.equal(toBigInt(42), 42n);
  assert.equal(toBigInt(undefined), 0n);
  assert.throws(() => toBigInt('12abc'), /decimal integer string/);
  assert.throws(() => toBigInt(1.5), /integer/);
});

const cases: { name: string; span: Record<string, unknown>; ok: boolean; check?: (s: ReturnType<typeof decodeTraces>['resources'][0]['scopes'][0]['items'][0]) => void; error?: RegExp }[] = [
  {
    name: 'hex ids upper case, int64 as strings',
    span: { traceId: TRACE.toUpperCase(), spanId: SPAN.toUpperCase(), name: 'a', startTimeUnixNano: '1700000000000000001', endTimeUnixNano: '1700000000000000002' },
    ok: true,
    check: (s) => {
      assert.equal(s.traceId, TRACE);
      assert.equal(s.spanId, SPAN);
      assert.equal(s.startTimeUnixNano, 1700000000000000001n);
    },
  },
  {
    name: 'int64 as JSON numbers, enums as integers, unknown fields ignored',
    span: { traceId: TRACE, spanId: SPAN, name: 'a', kind: 3, startTimeUnixNano: 1700000000000, endTimeUnixNano: 1700000000001, futureField: { x: 1 }, status: { code: 2, message: 'e' } },
    ok: true,
    check: (s) => {
      assert.equal(s.kind, 3);
      assert.equal(s.statusCode, 2);
    },
  },
  {
    name: 'AnyValue variants and unknown oneofs',
    span: {
      traceId: TRACE,
      spanId: SPAN,
      startTimeUnixNano: '1',
      endTimeUnixNano: '1',
      attributes: [
        { key: 's', value: { stringValue: 'x' } },
        { key: 'b', value: { boolValue: false } },
        { key: 'i', value: { intValue: '-5' } },
        { key: 'd', value: { doubleValue: 'NaN' } },
        { key: 'a', value: { arrayValue: { values: [{ intValue: 1 }, { stringValue: 'y' }] } } },
        { key: 'k', value: { kvlistValue: { values: [{ key: 'n', value: { doubleValue: 1.5 } }] } } },
        { key: 'y', value: { bytesValue: 'AAE=' } },
        { key: 'u', value: { stringValueStrindex: 3 } },
        { key: 'e', value: {} },
      ],
    },
    ok: true,
    check: (s) => {
      assert.equal(s.attributes.s, 'x');
      assert.equal(s.attributes.b, false);
      assert.equal(s.attributes.i, -5);
      assert.ok(Number.isNaN(s.attributes.d));
      assert.deepEqual(s.attributes.a, [1, 'y']);
      assert.deepEqual(s.attributes.k, { n: 1.5 });
      assert.equal(s.attributes.y, 'AAE=');
      assert.equal(s.attributes.u, null);
      assert.equal(s.attributes.e, null);
    },
  },
  { name: 'base64 trace id (not OTLP JSON) is rejected', span: { traceId: Buffer.from(TRACE, 'hex').toString('base64'), spanId: SPAN, startTimeUnixNano: '1' }, ok: false, error: /traceId must be a hex string|32 hex/ },
  { name: 'short span id', span: { traceId: TRACE, spanId: 'abc', startTimeUnixNano: '1' }, ok: false, error: /spanId must be 16 hex characters/ },
  { name: 'all-zero trace id', span: { traceId: '0'.repeat(32), spanId: SPAN, startTimeUnixNano: '1' }, ok: false, error: /all zero/ },
  { name: 'missing start time', span: { traceId: TRACE, spanId: SPAN }, ok: false, error: /startTimeUnixNano is missing/ },
  { name: 'enum given as a float', span: { traceId: TRACE, spanId: SPAN, startTimeUnixNano: '1', endTimeUnixNano: '1', kind: 1.5 }, ok: false, error: /integer enum/ },
  { name: 'timestamp beyond uint64', span: { traceId: TRACE, spanId: SPAN, startTimeUnixNano: '99999999999999999999999' }, ok: false, error: /out of range for a unsigned|out of range/ },
  { name: 'timestamp as junk string', span: { traceId: TRACE, spanId: SPAN, startTimeUnixNano: 'soon' }, ok: false, error: /decimal integer/ },
];

for (const c of cases) {
  test(`JSON span: ${c.name}`, () => {
    const d = decodeTraces(json(oneSpan(c.span)), 'json');
    if (c.ok) {
      assert.equal(d.rejected, 0, d.errors.join('; '));
      c.check?.(d.resources[0].scopes[0].items[0]);
    } else {
      assert.equal(d.rejected, 1);
      assert.match(d.errors[0], /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]: /);
      assert.match(d.errors[0], c.error!);
    }
  });
}

test('protobuf and JSON encodings of the same request map to identical rows', () => {
  const obj = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }, { key: 'process.pid', value: { intValue: '77' } }] },
        scopeSpans: [
          {
            scope: { name: 'logfire', version: '1' },
            spans: [
              {
                traceId: TRACE,
                spanId: SPAN,
                parentSpanId: '1111111111111111',
                name: 'tool {name}',
                kind: 2,
                startTimeUnixNano: '1700000000000001000',
                endTimeUnixNano: '1700000000500001000',
                attributes: [
                  { key: 'logfire.msg', value: { stringValue: 'tool grep' } },
                  { key: 'logfire.level_num', value: { intValue: '10' } },
                  { key: 'nested', value: { kvlistValue: { values: [{ key: 'a', value: { arrayValue: { values: [{ boolValue: true }] } } }] } } },
                ],
                events: [{ name: 'e1', timeUnixNano: '1700000000000002000', attributes: [{ key: 'x', value: { doubleValue: 2.5 } }] }],
                links: [{ traceId: TRACE, spanId: '2222222222222222', attributes: [] }],
                status: { code: 1 },
              },
            ],
          },
        ],
      },
    ],
  };
  const fromJson = mapTraces(decodeTraces(json(obj), 'json'));
  // The protobuf form: ids as bytes (protobufjs' fromObject takes base64 for bytes).
  const pbObj = structuredClone(obj) as typeof obj;
  const span = pbObj.resourceSpans[0].scopeSpans[0].spans[0] as Record<string, unknown>;
  for (const k of ['traceId', 'spanId', 'parentSpanId']) span[k] = Buffer.from(span[k] as string, 'hex').toString('base64');
  const link = (span.links as Record<string, unknown>[])[0];
  for (const k of ['traceId', 'spanId']) link[k] = Buffer.from(link[k] as string, 'hex').toString('base64');
  const pb = TraceReq.encode(TraceReq.fromObject(pbObj)).finish();
  const fromPb = mapTraces(decodeTraces(pb, 'protobuf'));
  assert.deepEqual(fromPb, fromJson);
  assert.equal(fromJson.length, 2);
  assert.equal(fromJson[0].level, 10);
  assert.equal(fromJson[0].message, 'tool grep');
  assert.equal(fromJson[0].duration, 0.5);
  assert.equal(fromJson[0].start_timestamp, 1700000000000001);
  assert.equal(fromJson[0].process_pid, 77);
  assert.deepEqual(fromJson[0].attributes, { nested: { a: [true] } });
  assert.deepEqual(fromJson[0].otel_links, [{ trace_id: TRACE, span_id: '2222222222222222', attributes: {} }]);
  assert.equal(fromJson[0].otel_status_code, 'OK');
  assert.equal(fromJson[1].kind, 'span_event');
});

test('span level rules: logfire level wins, then status, then HTTP codes by span kind', () => {
  assert.equal(spanLevel({ 'logfire.level_num': 5 }, 2, 2), 5);
  assert.equal(spanLevel({ 'logfire.level_name': 'warn' }, 0, 1), 13);
  assert.equal(spanLevel({}, 2, 1), 17);
  assert.equal(spanLevel({ 'http.response.status_code': 500 }, 0, 2), 17);
  assert.equal(spanLevel({ 'http.response.status_code': 404 }, 0, 2), 13);
  assert.equal(spanLevel({ 'http.status_code': 404 }, 0, 3), 17);
  assert.equal(spanLevel({ 'http.response.status_code': 404 }, 0, 1), 9, 'internal spans ignore HTTP codes');
  assert.equal(spanLevel({}, 0, 1), 9);
});

test('metrics: gauge, sum, histogram and exponential histogram rows; summaries rejected', () => {
  const t = '1700000000000000000';
  const req = {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'm' } }] },
        scopeMetrics: [
          {
            scope: { name: 'meter' },
            metrics: [
              { name: 'g', unit: '1', gauge: { dataPoints: [{ timeUnixNano: t, asDouble: 0.5, attributes: [{ key: 'k', value: { stringValue: 'v' } }] }] } },
              { name: 's', unit: 'By', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ timeUnixNano: t, startTimeUnixNano: '1699999999000000000', asInt: '42' }] } },
              { name: 'h', unit: 'ms', histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: t, count: '3', sum: 6, min: 1, max: 3, bucketCounts: ['1', '2', '0'], explicitBounds: [1, 2] }] } },
              { name: 'x', unit: 'ms', exponentialHistogram: { aggregationTemporality: 1, dataPoints: [{ timeUnixNano: t, count: '2', scale: 3, zeroCount: '1', positive: { offset: 2, bucketCounts: ['1'] } }] } },
              { name: 'bad', unit: '', histogram: { dataPoints: [{ timeUnixNano: t, bucketCounts: ['1'], explicitBounds: [1, 2] }] } },
              { name: 'sum', unit: '', summary: { dataPoints: [{ timeUnixNano: t }, { timeUnixNano: t }] } },
            ],
          },
        ],
      },
    ],
  };
  const d = decodeMetrics(json(req), 'json');
  assert.equal(d.rejected, 3, d.errors.join('; '));
  assert.ok(d.errors.some((e) => /bucketCounts has 1 entries/.test(e)));
  assert.ok(d.errors.some((e) => /summary metrics are not stored/.test(e)));
  const rows = mapMetrics(d);
  assert.deepEqual(
    rows.map((r) => [r.metric_name, r.metric_type, r.scalar_value ?? null, r.aggregation_temporality]),
    [
      ['g', 'gauge', 0.5, null],
      ['s', 'sum', 42, 'delta'],
      ['h', 'histogram', null, 'cumulative'],
      ['x', 'exponential_histogram', null, 'delta'],
    ],
  );
  assert.equal(rows[1].is_monotonic, true);
  assert.equal(rows[1].start_timestamp, 1699999999000000);
  assert.deepEqual(rows[2].histogram_bucket_counts, [1, 2, 0]);
  assert.equal(rows[2].histogram_count, 3);
  assert.deepEqual(rows[3].exp_histogram_positive_bucket_counts, [1]);
  assert.equal(rows[3].exp_histogram_zero_count, 1);
  // Protobuf round trip of the valid part gives the same rows.
  const valid = structuredClone(req);
  valid.resourceMetrics[0].scopeMetrics[0].metrics.splice(4, 2);
  const pb = MetricsReq.encode(MetricsReq.fromObject(valid)).finish();
  assert.deepEqual(mapMetrics(decodeMetrics(pb, 'protobuf')), rows);
});

test('logs: JSON and protobuf give the same rows; ids derived stably for de-duplication', () => {
  const req = {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'l' } }] },
        scopeLogs: [
          {
            scope: { name: 'loguru' },
            logRecords: [
              { timeUnixNano: '1700000000000000000', severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'db.error' }, attributes: [{ key: 'table', value: { stringValue: 't' } }], traceId: TRACE, spanId: SPAN },
              { observedTimeUnixNano: '1700000000000000500', severityText: 'warning', body: { kvlistValue: { values: [{ key: 'event', value: { stringValue: 'x' } }] } } },
            ],
          },
        ],
      },
    ],
  };
  const fromJson = mapLogs(decodeLogs(json(req), 'json'));
  const t = logsTypes().request;
  const pbObj = structuredClone(req) as typeof req;
  const rec = pbObj.resourceLogs[0].scopeLogs[0].logRecords[0] as Record<string, unknown>;
  rec.traceId = Buffer.from(TRACE, 'hex').toString('base64');
  rec.spanId = Buffer.from(SPAN, 'hex').toString('base64');
  const pb = t.encode(t.fromObject(pbObj)).finish();
  const fromPb = mapLogs(decodeLogs(pb, 'protobuf'));
  assert.deepEqual(fromPb, fromJson);
  assert.equal(fromJson[0].level, 17);
  assert.equal(fromJson[0].trace_id, TRACE);
  assert.equal(fromJson[0].parent_span_id, SPAN);
  assert.equal(fromJson[0].span_name, 'db.error');
  assert.match(fromJson[0].span_id, /^[0-9a-f]{16}$/);
  assert.equal(fromJson[1].level, 13, 'severity text when the number is missing');
  assert.equal(fromJson[1].start_timestamp, 1700000000000000, 'observed time when time is missing');
  assert.match(fromJson[1].trace_id, /^[0-9a-f]{32}$/, 'a log outside any span gets a trace of its own');
  assert.notEqual(fromJson[1].trace_id, '0'.repeat(32));
  assert.equal(fromJson[1].parent_span_id, null);
  assert.equal(mapLogs(decodeLogs(pb, 'protobuf'))[1].trace_id, fromJson[1].trace_id, 'derived stably (a retry de-duplicates)');
  assert.equal(fromJson[1].log_body, '{"event":"x"}');
  assert.notEqual(fromJson[0].span_id, fromJson[1].span_id);
});

test('responses: partial success encodes per signal in JSON and protobuf', () => {
  assert.deepEqual(JSON.parse(Buffer.from(encodeResponse('logs', 'json', 2, 'bad')).toString()), { partialSuccess: { rejectedLogRecords: '2', errorMessage: 'bad' } });
  assert.deepEqual(JSON.parse(Buffer.from(encodeResponse('metrics', 'json', 0, '')).toString()), {});
  assert.ok(encodeResponse('traces', 'protobuf', 1, 'x').length > 0);
  assert.equal(encodeResponse('traces', 'protobuf', 0, '').length, 0);
});

test('structural errors throw OtlpDecodeError with the location', () => {
  assert.throws(() => decodeTraces(json([1, 2]), 'json'), (e: unknown) => e instanceof OtlpDecodeError && /JSON object/.test((e as Error).message));
  assert.throws(() => decodeTraces(json({ resourceSpans: [{ scopeSpans: {} }] }), 'json'), /resourceSpans\[0\]: scopeSpans must be an array/);
  assert.throws(() => decodeTraces(Buffer.from('{"a":'), 'json'), /invalid JSON/);
  assert.throws(() => decodeTraces(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), 'protobuf'), /invalid protobuf ExportTraceServiceRequest/);
  assert.deepEqual(decodeTraces(Buffer.alloc(0), 'json').resources, []);
});

test('fuzz: mutated protobuf and JSON bodies either decode to valid rows or fail with OtlpDecodeError; the rows store', async () => {
  const base = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fz' } }] },
        scopeSpans: [
          {
            scope: { name: 'fz' },
            spans: Array.from({ length: 5 }, (_, i) => ({
              traceId: Buffer.from(TRACE, 'hex').toString('base64'),
              spanId: Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex').toString('base64'),
              name: `span ${i}`,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000000001000',
              attributes: [{ key: 'k', value: { kvlistValue: { values: [{ key: 'n', value: { intValue: String(i) } }] } } }],
              events: [{ name: 'ev', timeUnixNano: '1700000000000000500' }],
            })),
          },
        ],
      },
    ],
  };
  const pb = Buffer.from(TraceReq.encode(TraceReq.fromObject(base)).finish());
  const js = Buffer.from(
    JSON.stringify(oneSpan({ traceId: TRACE, spanId: SPAN, name: 'x', startTimeUnixNano: '1700000000000000005', endTimeUnixNano: '1700000000000000006', attributes: [{ key: 'a', value: { intValue: '1' } }] })),
  );
  const rand = rng(20261123);
  let decoded = 0;
  let failed = 0;
  const allRows: ReturnType<typeof mapTraces> = [];
  for (let iter = 0; iter < 3000; iter++) {
    const src = iter % 2 ? pb : js;
    const buf = Buffer.from(src);
    const mutations = 1 + Math.floor(rand() * 4);
    let body: Buffer = buf;
    for (let m = 0; m < mutations; m++) {
      const op = Math.floor(rand() * 4);
      const pos = Math.floor(rand() * body.length);
      if (op === 0) body[pos] = Math.floor(rand() * 256);
      else if (op === 1) body = body.subarray(0, pos);
      else if (op === 2) body = Buffer.concat([body.subarray(0, pos), Buffer.from([Math.floor(rand() * 256)]), body.subarray(pos)]);
      else body = Buffer.concat([body.subarray(0, pos), body.subarray(Math.min(body.length, pos + 1 + Math.floor(rand() * 8)))]);
    }
    try {
      const d = decodeTraces(body, iter % 2 ? 'protobuf' : 'json');
      const rows = mapTraces(d);
      for (const r of rows) {
        assert.match(r.trace_id, /^[0-9a-f]{32}$/);
        assert.match(r.span_id, /^[0-9a-f]{16}$/);
        assert.ok(Number.isFinite(r.start_timestamp) && r.start_timestamp >= 0);
        // Within DuckDB's TIMESTAMP range (a value outside it would poison the write).
        assert.ok(r.end_timestamp < 9.2e18);
        assert.ok(r.end_timestamp >= r.start_timestamp);
        JSON.stringify(r.attributes);
        allRows.push(r);
      }
      decoded++;
    } catch (e) {
      if (!(e instanceof OtlpDecodeError)) throw new Error(`iteration ${iter}: ${e instanceof Error ? e.stack : String(e)}`);
      failed++;
    }
  }
  assert.ok(decoded > 100 && failed > 100, `both outcomes exercised (${decoded} decoded, ${failed} failed)`);
  // Whatever decodes must also be storable: no row may poison a write transaction.
  const store = await TelemetryStore.open({ path: ':memory:' });
  try {
    const weird = { ...allRows[0], span_id: 'ffffffffffffff01', span_name: 'lone \ud800 surrogate \u0000 nul 😀', message: '\u0000', attributes: { '\ud800': '\udfff', nested: { a: [null, 1e308, -0] } } };
    const res = await store.insertBatch({ records: [...allRows, weird] });
    const keys = new Set([...allRows, weird].map((r) => `${r.trace_id}|${r.span_id}|${r.kind}|${r.start_timestamp}|${r.span_name}`));
    assert.equal(res.records, keys.size);
    assert.equal(await store.count(), keys.size);
  } finally {
    await store.close();
  }
});
