// The OTLP/HTTP receiver over loopback with a real DuckDB store: mapping, encodings, compression,
// partial success and every error status.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import http from 'node:http';
import * as generated from 'otlp-generated-root/build/src/generated/root';
import { TelemetryStore } from '../../server/telemetry/store';
import { IngestQueue } from '../../server/telemetry/ingest';
import { OtlpReceiver } from '../../server/telemetry/receiver';

type Codec = { fromObject(o: unknown): unknown; encode(m: unknown): { finish(): Uint8Array }; decode(b: Uint8Array): unknown; toObject(m: unknown, o?: unknown): Record<string, unknown> };
const root = generated as unknown as { opentelemetry: { proto: { collector: Record<string, { v1: Record<string, Codec> }> } } };
const TraceReq = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const TraceResp = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

let store: TelemetryStore;
let queue: IngestQueue;
let receiver: OtlpReceiver;
const committed: { records: number; runIds: string[] }[] = [];

before(async () => {
  store = await TelemetryStore.open({ path: ':memory:' });
  queue = new IngestQueue(store);
  receiver = await OtlpReceiver.start({ queue, port: 0, maxBodyBytes: 64 * 1024 * 1024 });
  receiver.onCommitted((b) => committed.push({ records: b.records, runIds: b.runIds }));
});
after(async () => {
  await receiver.close();
  await store.close();
});

const NOW_NS = BigInt(Date.now()) * 1_000_000n;
let idSeq = 1;
function ids(): { traceId: string; spanId: string } {
  const n = idSeq++;
  return { traceId: n.toString(16).padStart(32, 'a'), spanId: n.toString(16).padStart(16, 'b') };
}
const kv = (key: string, value: unknown) => ({
  key,
  value:
    typeof value === 'string'
      ? { stringValue: value }
      : typeof value === 'boolean'
        ? { boolValue: value }
        : Number.isInteger(value)
          ? { intValue: String(value) }
          : Array.isArray(value)
            ? { arrayValue: { values: value.map((v) => ({ stringValue: v })) } }
            : { doubleValue: value },
});

function jsonRequest(spans: object[], resource: Record<string, unknown> = { 'service.name': 'agent-svc' }) {
  return {
    resourceSpans: [
      {
        resource: { attributes: Object.entries(resource).map(([k, v]) => kv(k, v)) },
        scopeSpans: [{ scope: { name: 'logfire', version: '0.22.9' }, spans }],
      },
    ],
  };
}

interface Resp {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
function post(path: string, body: Uint8Array | string, headers: Record<string, string>, method = 'POST'): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: receiver.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      // The server may close the socket right after an early 413; that is the expected outcome.
      if (e.code === 'EPIPE' || e.code === 'ECONNRESET') reject(Object.assign(e, { early: true }));
      else reject(e);
    });
    req.end(body);
  });
}
const postJson = (path: string, obj: unknown, extra: Record<string, string> = {}) =>
  post(path, JSON.stringify(obj), { 'content-type': 'application/json', ...extra });

test('JSON spans map to records like Logfire: message, span_name, level, tags, kind, exceptions, events, resource', async () => {
  const a = ids();
  const b = ids();
  const c = ids();
  const d = ids();
  const start = NOW_NS.toString();
  const end = (NOW_NS + 2_500_000n).toString();
  const res = await postJson(
    '/v1/traces',
    jsonRequest(
      [
        {
          ...a,
          name: 'agent.run {agent_name}',
          kind: 1,
          startTimeUnixNano: start,
          endTimeUnixNano: end,
          attributes: [
            kv('logfire.msg_template', 'agent.run {agent_name}'),
            kv('logfire.msg', 'agent.run coder'),
            kv('logfire.level_num', 13),
            kv('logfire.tags', ['agent', 'ear']),
            kv('logfire.span_type', 'span'),
            kv('logfire.json_schema', '{"type":"object","properties":{"cfg":{"type":"object"}}}'),
            kv('cfg', '{"model":"glm-4.7"}'),
            kv('agent_name', 'coder'),
            kv('code.filepath', 'agent/run.py'),
            kv('code.lineno', 42),
            kv('code.function', 'run'),
          ],
          events: [
            { name: 'tool.called', timeUnixNano: (NOW_NS + 1000n).toString(), attributes: [kv('tool', 'grep')] },
            { name: 'exception', timeUnixNano: (NOW_NS + 2000n).toString(), attributes: [kv('exception.type', 'ValueError'), kv('exception.message', 'bad'), kv('exception.stacktrace', 'Traceback...')] },
          ],
          status: { code: 2, message: 'boom' },
        },
        // A log (zero duration) with no level: info.
        { ...b, parentSpanId: a.spanId, name: 'model.selected', startTimeUnixNano: start, endTimeUnixNano: start, attributes: [kv('logfire.span_type', 'log'), kv('model', 'glm-4.7')] },
        // HTTP server span 503 without logfire level → error; client 404 → error.
        { ...c, name: 'GET /x', kind: 2, startTimeUnixNano: start, endTimeUnixNano: end, attributes: [kv('http.response.status_code', 503), kv('http.request.method', 'GET'), kv('http.route', '/x'), kv('url.path', '/x')] },
        { ...d, name: 'GET upstream', kind: 2, startTimeUnixNano: start, endTimeUnixNano: end, attributes: [kv('http.status_code', 404)] },
      ],
      { 'service.name': 'agent-svc', 'service.version': '1.2.3', 'process.pid': 4242, 'deployment.environment.name': 'dev', 'telemetry_lens.run_id': 'run-42', 'telemetry.sdk.language': 'python' },
    ),
  );
  assert.equal(res.status, 200, res.body.toString());
  assert.equal(res.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(res.body.toString()), {});
  const rows = await store.queryObjects<Record<string, unknown>>(
    `SELECT span_id, kind, level, span_name, message, tags, attributes, attributes_json_schema, is_exception, exception_type, exception_message,
            exception_stacktrace, otel_status_code, otel_status_message, service_name, service_version, process_pid, deployment_environment,
            telemetry_sdk_language, run_id, duration, http_response_status_code, http_method, http_route, url_path, otel_scope_name,
            epoch_ns(start_timestamp) AS s, epoch_ns(end_timestamp) AS e, parent_span_id
     FROM records WHERE trace_id IN ('${a.traceId}', '${b.traceId}', '${c.traceId}', '${d.traceId}') ORDER BY span_id, kind`,
  );
  const by = (spanId: string, kind = 'span') => rows.find((r) => r.span_id === spanId && r.kind === kind)!;
  const span = by(a.spanId);
  assert.equal(span.span_name, 'agent.run {agent_name}');
  assert.equal(span.message, 'agent.run coder');
  assert.equal(span.level, 13);
  assert.deepEqual(span.tags, ['agent', 'ear']);
  const attrs = JSON.parse(span.attributes as string);
  assert.equal(attrs['logfire.msg'], undefined, 'logfire.msg removed');
  assert.equal(attrs['logfire.tags'], undefined, 'logfire.tags removed');
  assert.equal(attrs['logfire.level_num'], undefined, 'logfire.level_num removed');
  assert.equal(attrs['logfire.msg_template'], 'agent.run {agent_name}');
  assert.equal(attrs['code.filepath'], 'agent/run.py');
  assert.equal(attrs['code.lineno'], 42);
  assert.equal(attrs['code.function'], 'run');
  assert.deepEqual(attrs.cfg, { model: 'glm-4.7' }, 'JSON-serialised object restored from logfire.json_schema');
  assert.match(String(span.attributes_json_schema), /"cfg"/);
  assert.equal(span.is_exception, true);
  assert.equal(span.exception_type, 'ValueError');
  assert.equal(span.exception_message, 'bad');
  assert.equal(span.exception_stacktrace, 'Traceback...');
  assert.equal(span.otel_status_code, 'ERROR');
  assert.equal(span.otel_status_message, 'boom');
  assert.equal(span.service_name, 'agent-svc');
  assert.equal(span.service_version, '1.2.3');
  assert.equal(span.process_pid, 4242);
  assert.equal(span.deployment_environment, 'dev');
  assert.equal(span.telemetry_sdk_language, 'python');
  assert.equal(span.run_id, 'run-42');
  assert.equal(span.duration, 0.0025);
  assert.equal(span.otel_scope_name, 'logfire');
  assert.equal(String(span.s), start);
  assert.equal(BigInt(String(span.e)), NOW_NS + 2_500_000n);
  // The non-exception event is a row of its own; the exception event is not.
  // It is a child of its span with an id of its own: a parent/child join never pairs a row with itself.
  const ev = rows.find((r) => r.kind === 'span_event')!;
  assert.equal(ev.span_name, 'tool.called');
  assert.equal(JSON.parse(ev.attributes as string).tool, 'grep');
  assert.equal(ev.parent_span_id, a.spanId);
  assert.match(String(ev.span_id), /^[0-9a-f]{16}$/);
  assert.notEqual(ev.span_id, a.spanId);
  assert.equal(rows.filter((r) => r.span_id === a.spanId).length, 1);
  assert.equal(rows.filter((r) => r.parent_span_id === r.span_id).length, 0);
  const log = by(b.spanId, 'log');
  assert.equal(log.level, 9);
  assert.equal(log.duration, null);
  assert.equal(log.message, 'model.selected');
  assert.equal(log.parent_span_id, a.spanId);
  const http503 = by(c.spanId);
  assert.equal(http503.level, 17);
  assert.equal(http503.http_response_status_code, 503);
  assert.equal(http503.http_method, 'GET');
  assert.equal(http503.http_route, '/x');
  assert.equal(http503.url_path, '/x');
  assert.equal(by(d.spanId).level, 13, 'server 4xx → warn');
  assert.ok(committed.some((b) => b.runIds.includes('run-42')), 'committed event carries the run id');
  const runs = await store.listRuns();
  assert.ok(runs.some((r) => r.run_id === 'run-42'));
});

test('protobuf, gzip and deflate bodies are accepted; responses use the request content type', async () => {
  for (const enc of ['identity', 'gzip', 'deflate'] as const) {
    const { traceId, spanId } = ids();
    const msg = TraceReq.fromObject({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: `pb-${enc}` } }] },
          scopeSpans: [
            {
              scope: { name: 'test' },
              spans: [
                {
                  traceId: Buffer.from(traceId, 'hex').toString('base64'),
                  spanId: Buffer.from(spanId, 'hex').toString('base64'),
                  name: 'tool.call',
                  kind: 1,
                  startTimeUnixNano: NOW_NS.toString(),
                  endTimeUnixNano: (NOW_NS + 1000n).toString(),
                  attributes: [{ key: 'n', value: { intValue: '9007199254740993' } }],
                },
              ],
            },
          ],
        },
      ],
    });
    let body: Uint8Array = TraceReq.encode(msg).finish();
    if (enc === 'gzip') body = zlib.gzipSync(body);
    if (enc === 'deflate') body = zlib.deflateSync(body);
    const res = await post('/v1/traces', body, { 'content-type': 'application/x-protobuf', 'content-encoding': enc });
    assert.equal(res.status, 200, res.body.toString());
    assert.equal(res.headers['content-type'], 'application/x-protobuf');
    assert.equal(res.body.length, 0, 'empty ExportTraceServiceResponse');
    const [row] = await store.queryObjects<{ service_name: string; n: string }>(`SELECT service_name, attributes->>'n' AS n FROM records WHERE span_id = '${spanId}'`);
    assert.equal(row.service_name, `pb-${enc}`);
    assert.equal(row.n, '9007199254740993', 'int64 beyond 2^53 kept exactly');
  }
});

test('partial success: invalid spans are rejected and counted, valid ones stored (JSON and protobuf)', async () => {
  const good = ids();
  const res = await postJson(
    '/v1/traces',
    jsonRequest([
      { ...good, name: 'ok', startTimeUnixNano: NOW_NS.toString(), endTimeUnixNano: NOW_NS.toString() },
      { traceId: 'xyz', spanId: good.spanId, name: 'bad id', startTimeUnixNano: NOW_NS.toString() },
      { ...ids(), name: 'no start' },
      { ...ids(), name: 'ends before start', startTimeUnixNano: '2000', endTimeUnixNano: '1000' },
    ]),
  );
  assert.equal(res.status, 200);
  const body = JSON.parse(res.body.toString());
  assert.equal(body.partialSuccess.rejectedSpans, '3');
  assert.match(body.partialSuccess.errorMessage, /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]: traceId must be a hex string/);
  assert.match(body.partialSuccess.errorMessage, /spans\[2\]: startTimeUnixNano is missing/);
  assert.match(body.partialSuccess.errorMessage, /spans\[3\]: endTimeUnixNano/);
  assert.equal(await store.count({ includePending: true, runId: undefined }) > 0, true);
  const [{ n }] = await store.queryObjects<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM records WHERE trace_id = '${good.traceId}'`);
  assert.equal(n, 1);
  // Protobuf partial success is a real ExportTraceServiceResponse.
  const pb = TraceReq.encode(
    TraceReq.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.alloc(3).toString('base64'), spanId: Buffer.alloc(8, 1).toString('base64'), startTimeUnixNano: '5' }] }] }] }),
  ).finish();
  const r2 = await post('/v1/traces', pb, { 'content-type': 'application/x-protobuf' });
  assert.equal(r2.status, 200);
  const decoded = TraceResp.toObject(TraceResp.decode(r2.body), { longs: String }) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
  assert.equal(decoded.partialSuccess.rejectedSpans, '1');
  assert.match(decoded.partialSuccess.errorMessage, /traceId must be 16 bytes/);
});

test('retried requests do not duplicate rows', async () => {
  const s = ids();
  const req = jsonRequest([{ ...s, name: 'retry.me', startTimeUnixNano: NOW_NS.toString(), endTimeUnixNano: NOW_NS.toString() }]);
  assert.equal((await postJson('/v1/traces', req)).status, 200);
  assert.equal((await postJson('/v1/traces', req)).status, 200);
  const [{ n }] = await store.queryObjects<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM records_all WHERE trace_id = '${s.traceId}'`);
  assert.equal(n, 1);
});

test('bad input gets the right status and a clear google.rpc.Status message; the receiver keeps working', async () => {
  const malformed = await post('/v1/traces', '{"resourceSpans": [', { 'content-type': 'application/json' });
  assert.equal(malformed.status, 400);
  assert.match(JSON.parse(malformed.body.toString()).message, /invalid JSON/);

  const wrongShape = await postJson('/v1/traces', { resourceSpans: 5 });
  assert.equal(wrongShape.status, 400);
  assert.match(JSON.parse(wrongShape.body.toString()).message, /resourceSpans must be an array/);

  const full = TraceReq.encode(TraceReq.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x'.repeat(100), traceId: Buffer.alloc(16, 1).toString('base64') }] }] }] })).finish();
  const truncated = await post('/v1/traces', full.subarray(0, full.length - 20), { 'content-type': 'application/x-protobuf' });
  assert.equal(truncated.status, 400);
  assert.equal(truncated.headers['content-type'], 'application/x-protobuf');
  const status = decodeStatus(truncated.body);
  assert.match(status.message, /invalid protobuf ExportTraceServiceRequest: index out of range/);

  const text = await post('/v1/traces', 'hello', { 'content-type': 'text/plain' });
  assert.equal(text.status, 415);
  assert.match(JSON.parse(text.body.toString()).message, /unsupported content type "text\/plain"/);

  const brotli = await post('/v1/traces', '{}', { 'content-type': 'application/json', 'content-encoding': 'br' });
  assert.equal(brotli.status, 415);

  const badGzip = await post('/v1/traces', 'not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  assert.equal(badGzip.status, 400);
  assert.match(JSON.parse(badGzip.body.toString()).message, /cannot decompress gzip body/);

  const get = await post('/v1/traces', '', {}, 'GET');
  assert.equal(get.status, 405);
  assert.equal(get.headers.allow, 'POST');

  const unknown = await postJson('/v1/profiles', {});
  assert.equal(unknown.status, 404);
  assert.match(JSON.parse(unknown.body.toString()).message, /unknown path \/v1\/profiles/);

  const empty = await post('/v1/traces', '', { 'content-type': 'application/x-protobuf' });
  assert.equal(empty.status, 200, 'an empty request is a success');

  const ok = await postJson('/v1/traces', jsonRequest([{ ...ids(), name: 'still.alive', startTimeUnixNano: NOW_NS.toString(), endTimeUnixNano: NOW_NS.toString() }]));
  assert.equal(ok.status, 200);
});

function decodeStatus(b: Buffer): { code: number; message: string } {
  // google.rpc.Status: field 1 varint code, field 2 string message.
  let i = 0;
  let code = 0;
  let message = '';
  while (i < b.length) {
    const tag = b[i++];
    if (tag === 8) {
      code = b[i++];
    } else if (tag === 18) {
      let len = 0;
      let shift = 0;
      for (;;) {
        const x = b[i++];
        len |= (x & 0x7f) << shift;
        shift += 7;
        if (!(x & 0x80)) break;
      }
      message = b.subarray(i, i + len).toString('utf8');
      i += len;
    } else break;
  }
  return { code, message };
}

test('413 for a body over the cap, and for a gzip bomb cut off during decompression', async () => {
  // Declared length over the cap: refused before reading.
  const big = Buffer.alloc(64 * 1024 * 1024 + 1, 0x20);
  let r: Resp | undefined;
  try {
    r = await post('/v1/traces', big, { 'content-type': 'application/json' });
  } catch (e) {
    assert.ok((e as { early?: boolean }).early, String(e));
  }
  if (r) {
    assert.equal(r.status, 413);
    assert.match(JSON.parse(r.body.toString()).message, /exceeds the 67108864-byte limit/);
  }
  // 200 MiB of zeros gzip to ~200 KB: the inflater is stopped at 64 MiB.
  const bomb = zlib.gzipSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 });
  assert.ok(bomb.length < 1024 * 1024);
  const heapBefore = process.memoryUsage().arrayBuffers;
  const rb = await post('/v1/traces', bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  assert.equal(rb.status, 413);
  assert.match(JSON.parse(rb.body.toString()).message, /after decompression/);
  assert.ok(process.memoryUsage().arrayBuffers - heapBefore < 150 * 1024 * 1024, 'the bomb was never fully inflated');
  const ok = await postJson('/v1/traces', jsonRequest([{ ...ids(), name: 'after.bomb', startTimeUnixNano: NOW_NS.toString(), endTimeUnixNano: NOW_NS.toString() }]));
  assert.equal(ok.status, 200);
  assert.ok(receiver.stats.errors[413] >= 1);
});

test('503 + Retry-After when the write queue is full; every 200 is stored', async () => {
  const small = new IngestQueue(store, { maxQueuedRows: 50 });
  const rx = await OtlpReceiver.start({ queue: small, port: 0 });
  try {
    const traceId = 'feed'.repeat(8);
    let seq = 0;
    const reqs = Array.from({ length: 40 }, () => {
      const spans = Array.from({ length: 30 }, () => {
        seq++;
        return { traceId, spanId: seq.toString(16).padStart(16, '0'), name: 'load', startTimeUnixNano: (NOW_NS + BigInt(seq)).toString(), endTimeUnixNano: (NOW_NS + BigInt(seq)).toString() };
      });
      return new Promise<Resp>((resolve, reject) => {
        const body = JSON.stringify(jsonRequest(spans));
        const req = http.request({ host: '127.0.0.1', port: rx.port, path: '/v1/traces', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end(body);
      });
    });
    const results = await Promise.all(reqs);
    const busy = results.filter((r) => r.status === 503);
    const ok = results.filter((r) => r.status === 200);
    assert.ok(busy.length > 0, 'some requests were refused');
    assert.equal(busy[0].headers['retry-after'], '1');
    assert.match(JSON.parse(busy[0].body.toString()).message, /queue/);
    assert.equal(ok.length + busy.length, results.length);
    const [{ n }] = await store.queryObjects<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM records WHERE trace_id = '${traceId}'`);
    assert.equal(n, ok.length * 30, 'every acknowledged span is stored, nothing else');
  } finally {
    await rx.close();
  }
});

test('a taken port moves the receiver to the next free one', async () => {
  const blocker = http.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const taken = (blocker.address() as { port: number }).port;
  const rx = await OtlpReceiver.start({ queue, port: taken });
  try {
    assert.notEqual(rx.port, taken);
    assert.ok(rx.port > taken && rx.port <= taken + 20);
    assert.equal(rx.url, `http://127.0.0.1:${rx.port}`);
  } finally {
    await rx.close();
    blocker.close();
  }
});
