// "A 200 means durable": a child process runs the receiver on a database file; the parent streams
// protobuf batches at it from several connections and SIGKILLs the child right after a 200 while
// other requests are still in flight. Reopening the file must show every acknowledged span.
// The same compiled file is the child (TL_DURABILITY_CHILD=<db path>).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { spawn } from 'node:child_process';
import * as generated from 'otlp-generated-root/build/src/generated/root';
import { TelemetryStore } from '../../server/telemetry/store';
import { IngestQueue } from '../../server/telemetry/ingest';
import { OtlpReceiver } from '../../server/telemetry/receiver';

type Codec = { fromObject(o: unknown): unknown; encode(m: unknown): { finish(): Uint8Array } };
const TraceReq = (generated as unknown as { opentelemetry: { proto: { collector: { trace: { v1: Record<string, Codec> } } } } }).opentelemetry.proto.collector.trace.v1
  .ExportTraceServiceRequest;

async function child(dbPath: string): Promise<void> {
  const store = await TelemetryStore.open({ path: dbPath });
  const rx = await OtlpReceiver.start({ queue: new IngestQueue(store), port: 0 });
  process.stdout.write(`PORT ${rx.port}\n`);
  // Runs until killed.
  setInterval(() => undefined, 1 << 30);
}

function batch(traceHex: string, first: number, n: number): Uint8Array {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = [];
  for (let i = first; i < first + n; i++) {
    spans.push({
      traceId: Buffer.from(traceHex, 'hex').toString('base64'),
      spanId: Buffer.from(i.toString(16).padStart(16, '0'), 'hex').toString('base64'),
      name: 'durable.span',
      kind: 1,
      startTimeUnixNano: (now + BigInt(i)).toString(),
      endTimeUnixNano: (now + BigInt(i) + 1000n).toString(),
      attributes: [{ key: 'i', value: { intValue: String(i) } }],
    });
  }
  return TraceReq.encode(TraceReq.fromObject({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'durable' } }] }, scopeSpans: [{ spans }] }] })).finish();
}

function send(port: number, body: Uint8Array): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0)); // killed mid-request: not acknowledged
    req.end(body);
  });
}

if (process.env.TL_DURABILITY_CHILD) {
  void child(process.env.TL_DURABILITY_CHILD);
} else {
  test('every span acknowledged with 200 survives kill -9 of the receiver process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-durable-'));
    const db = path.join(dir, 'store.duckdb');
    const traceHex = 'd0'.repeat(16);
    const acked = new Set<number>();
    for (let round = 0; round < 2; round++) {
      const proc = spawn(process.execPath, [__filename], { env: { ...process.env, TL_DURABILITY_CHILD: db }, stdio: ['ignore', 'pipe', 'inherit'] });
      const port = await new Promise<number>((resolve, reject) => {
        let buf = '';
        proc.stdout.on('data', (c) => {
          buf += c;
          const m = /PORT (\d+)/.exec(buf);
          if (m) resolve(Number(m[1]));
        });
        proc.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
      });
      const exited = new Promise<NodeJS.Signals | null>((r) => proc.on('exit', (_c, sig) => r(sig)));
      const per = 200;
      let next = round * 1_000_000 + 1; // span id 0 would be invalid
      let killed = false;
      let okCount = 0;
      const killAfter = 15 + round * 10;
      // Four concurrent senders; the kill lands right after the killAfter-th 200, with others in flight.
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (!killed) {
            const first = next;
            next += per;
            const status = await send(port, batch(traceHex, first, per));
            if (status === 200) {
              for (let i = first; i < first + per; i++) acked.add(i);
              okCount++;
              if (okCount >= killAfter && !killed) {
                killed = true;
                process.kill(proc.pid!, 'SIGKILL');
              }
            }
          }
        }),
      );
      assert.equal(await exited, 'SIGKILL');
      // Reopen (WAL replay) and check every acknowledged span is there.
      const store = await TelemetryStore.open({ path: db, retentionIntervalMs: 0 });
      try {
        const rows = await store.queryObjects<{ i: number }>(`SELECT CAST(attributes->>'i' AS BIGINT)::DOUBLE AS i FROM records WHERE trace_id = '${traceHex}'`);
        const stored = new Set(rows.map((r) => Number(r.i)));
        const missing = [...acked].filter((i) => !stored.has(i));
        assert.equal(missing.length, 0, `${missing.length} acknowledged spans lost after kill -9 (round ${round})`);
        assert.equal(rows.length, stored.size, 'no duplicates');
        assert.ok(acked.size >= killAfter * per);
      } finally {
        await store.close();
      }
    }
  });
}
