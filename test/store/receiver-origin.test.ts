// DNS rebinding and web pages: the receiver (loopback, real DuckDB store) serves only requests addressed
// to a loopback name with its own port and carrying no browser `Origin`; real OTLP exporters, which
// send `Host: localhost:PORT` or `127.0.0.1:PORT` and no Origin, keep working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TelemetryStore } from '../../server/telemetry/store';
import { IngestQueue } from '../../server/telemetry/ingest';
import { OtlpReceiver } from '../../server/telemetry/receiver';

let store: TelemetryStore;
let receiver: OtlpReceiver;

before(async () => {
  store = await TelemetryStore.open({ path: ':memory:' });
  receiver = await OtlpReceiver.start({ queue: new IngestQueue(store), port: 0 });
});
after(async () => {
  await receiver.close();
  await store.close();
});

let seq = 0;
function spanBody(runId: string): string {
  seq++;
  const now = (BigInt(Date.now()) * 1_000_000n).toString();
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'telemetry_lens.run_id', value: { stringValue: runId } }] },
        scopeSpans: [
          {
            scope: { name: 't' },
            spans: [{ traceId: seq.toString(16).padStart(32, 'e'), spanId: seq.toString(16).padStart(16, 'f'), name: 'injected', kind: 1, startTimeUnixNano: now, endTimeUnixNano: now }],
          },
        ],
      },
    ],
  });
}

function send(headers: Record<string, string>, body: string, method = 'POST'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // setHost: false so the test controls the Host header exactly (a browser sends the page's host name).
    const req = http.request({ host: '127.0.0.1', port: receiver.port, path: '/v1/traces', method, setHost: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function stored(runId: string): Promise<number> {
  await receiver.queue.drain();
  return store.count({ runId });
}

test('a rebinding host name, a foreign port or no Host at all: refused with the reason, nothing stored', async () => {
  const port = receiver.port;
  for (const host of [`rebind.attacker.example:${port}`, `127.0.0.1.nip.io:${port}`, `127.0.0.1:${port + 1}`, 'localhost', `0.0.0.0:${port}`, `[::ffff:127.0.0.1]:${port}`]) {
    const r = await send({ host }, spanBody('run-rebind'));
    assert.equal(r.status, 403, host);
    assert.match(JSON.parse(r.body).message, /loopback name \(localhost, 127\.0\.0\.1 or \[::1\]\) and its port \d+, got Host: .*DNS rebinding/, host);
  }
  // HTTP/1.1 without Host: Node's HTTP server answers 400 before the receiver sees it.
  const none = await send({}, spanBody('run-rebind'));
  assert.equal(none.status, 400);
  assert.equal(await stored('run-rebind'), 0);
});

test('a request carrying a browser Origin (or Sec-Fetch-Site) is refused even with a loopback Host', async () => {
  const host = `127.0.0.1:${receiver.port}`;
  for (const origin of ['https://attacker.example', 'null', `http://127.0.0.1:${receiver.port}`]) {
    const r = await send({ host, origin }, spanBody('run-web'));
    assert.equal(r.status, 403, origin);
    assert.match(JSON.parse(r.body).message, /requests from web pages are refused \(this one carries Origin: .*\); the receiver accepts OTLP only from local processes/);
  }
  const preflight = await send({ host, origin: 'https://attacker.example', 'access-control-request-method': 'POST' }, '', 'OPTIONS');
  assert.equal(preflight.status, 403, 'a CORS preflight is refused too');
  const fetchMeta = await send({ host, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' }, spanBody('run-web'));
  assert.equal(fetchMeta.status, 403);
  assert.equal(await stored('run-web'), 0);
});

test('loopback names with the receiver port are served: localhost, 127.0.0.0/8, [::1], any case', async () => {
  const port = receiver.port;
  for (const host of [`localhost:${port}`, `LOCALHOST:${port}`, `127.0.0.1:${port}`, `127.4.5.6:${port}`, `[::1]:${port}`]) {
    const r = await send({ host }, spanBody('run-ok'));
    assert.equal(r.status, 200, `${host}: ${r.body}`);
  }
  assert.equal(await stored('run-ok'), 5);
});

test('real OpenTelemetry exporters to http://localhost:PORT and http://127.0.0.1:PORT keep working', async () => {
  for (const [name, url, Exporter] of [
    ['proto-localhost', `http://localhost:${receiver.port}/v1/traces`, ProtoTraceExporter],
    ['json-127', `http://127.0.0.1:${receiver.port}/v1/traces`, JsonTraceExporter],
  ] as const) {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'otel-agent', 'telemetry_lens.run_id': `run-${name}` }),
      spanProcessors: [new BatchSpanProcessor(new Exporter({ url }))],
    });
    provider.getTracer('t').startSpan('agent.step').end();
    await provider.forceFlush();
    await provider.shutdown();
    assert.equal(await stored(`run-${name}`), 1, name);
  }
});
