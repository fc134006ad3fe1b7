// Sustained OTLP ingest over loopback: several sender processes create spans with the OpenTelemetry
// SDK and send them with @opentelemetry/exporter-trace-otlp-proto (protobuf, the exporter's own HTTP
// transport and retries) to the receiver, which commits them to a DuckDB file, while the bundled
// health checks run every second on the same store. Reports spans/s, exporter-observed batch latency,
// receiver RSS and count in (acknowledged) == count stored.
//
//   npm run bench -- ingest [--seconds 20] [--senders 3] [--batch 1024] [--inflight 4] [--health 0|1] [--conformance 0|1]
//   [--semi-space MB]  (the receiver's --max-semi-space-size, default 64; 0 = V8's default)
//   [--memory MB]  (the store's DuckDB memory limit, as telemetryLens.store.memoryLimitMB; default the store's)
//   [--queue ROWS] [--txn ROWS]  (the write queue's maxQueuedRows / maxBatchRows; default the receiver's)
//   [--pregen N]   (create N spans per sender before the clock starts, then send them all)
//   [--traffic demo|nonconforming]  (what the spans carry, see spanMaker; default demo)
//   --path N       (no HTTP, no sender processes: N requests of --batch spans serialised up front with the
//                  exporter's own protobuf serializer, then decoded, mapped, checked and committed one
//                  request per transaction in this process; CPU per span for each step)
//   --floor N      (the cheapest each unavoidable part can be here — senders against the sink, the generated
//                  decoder alone on N requests of --batch spans, DuckDB alone storing the converted rows, one
//                  health run — and the most spans/s those costs allow on this machine's cores; see floorRun)
//   --sink 1       (the same senders against a bare HTTP server that reads each body and answers 200 without
//                  decoding or storing anything: the most the exporters can send on this machine)
// The same compiled file is the sender (BENCH_INGEST_SENDER=1).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { SpanKind, type Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeTraces, TraceRequest } from '../server/telemetry/otlp/decode';
import { mapTraces } from '../server/telemetry/map';
import { TelemetryStore } from '../server/telemetry/store';
import { DEFAULT_MAX_BATCH_ROWS, DEFAULT_MAX_QUEUED_ROWS, IngestQueue, type CommittedBatch } from '../server/telemetry/ingest';
import type { RecordRow } from '../server/telemetry/store/types';
import { OtlpReceiver } from '../server/telemetry/receiver';
import { runHealthChecks } from '../server/telemetry/health';
import { localBackend } from '../server/telemetry/sql/index';
import { bundledSchema } from '../server/schema/loader';
import { createConformance } from '../server/telemetry/conformance';
import { generateDemoRecords } from '../server/telemetry/demo';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

function textArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

interface SenderReport {
  acked: number;
  failed: number;
  latencies: number[];
  /** CPU seconds the sender process used (span creation, serialisation, HTTP). */
  cpu: number;
}

async function sender(): Promise<void> {
  const url = process.env.BENCH_URL!;
  const seconds = Number(process.env.BENCH_SECONDS);
  const batch = Number(process.env.BENCH_BATCH);
  const inflight = Number(process.env.BENCH_INFLIGHT);
  const index = Number(process.env.BENCH_INDEX);
  const pregen = Number(process.env.BENCH_PREGEN ?? 0);
  const exporter = new OTLPTraceExporter({ url, timeoutMillis: 60_000, concurrencyLimit: inflight * 2 });
  const ended: ReadableSpan[] = [];
  const collect: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (s) => void ended.push(s),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-agent', 'telemetry_lens.run_id': `bench-${index}`, 'telemetry.sdk.language': 'nodejs' }),
    spanProcessors: [collect],
  });
  const tracer = provider.getTracer('logfire', '0.0.0');
  const report: SenderReport = { acked: 0, failed: 0, latencies: [], cpu: 0 };
  let cpuAtStart = 0;
  let running = 0;
  let wake: (() => void) | undefined;
  let n = 0;
  const makeBatch = (): ReadableSpan[] => {
    for (let i = 0; i < batch; i++, n++) {
      const { tmpl, attributes } = makeSpan(n);
      const span = tracer.startSpan(tmpl, { kind: SpanKind.INTERNAL, attributes });
      span.end();
    }
    return ended.splice(0);
  };
  const send = async (spans: ReadableSpan[]) => {
    while (running >= inflight) await new Promise<void>((r) => (wake = r));
    running++;
    const t0 = performance.now();
    exporter.export(spans, (res) => {
      report.latencies.push(performance.now() - t0);
      if (res.code === 0) report.acked += spans.length;
      else report.failed += spans.length;
      running--;
      wake?.();
    });
  };
  if (pregen > 0) {
    // Spans are created up front (SDK cost outside the measurement), then exported as fast as the
    // exporter and the receiver allow once the parent says GO.
    const batches: ReadableSpan[][] = [];
    for (let made = 0; made < pregen; made += batch) batches.push(makeBatch());
    process.stdout.write('READY\n');
    await new Promise<void>((r) => process.stdin.once('data', () => r()));
    process.stdin.destroy();
    cpuAtStart = cpuSeconds();
    for (const b of batches) await send(b);
  } else {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) await send(makeBatch());
  }
  while (running > 0) await new Promise<void>((r) => (wake = r));
  await exporter.shutdown();
  report.cpu = cpuSeconds() - cpuAtStart;
  process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
}

/**
 * What each span carries. `demo` (the default): the records of the Code Puppy demo generator
 * (`generateDemoRecords`, the same traffic `telemetry-lens demo` stores), sent as the Logfire SDK sends
 * them: span name = message template, `logfire.*` attributes for message, level and span type, the
 * event's attributes; it conforms to the bundled schema. `nonconforming`: four templates whose
 * attributes and levels do not match their events, so nearly every span has a conformance finding that
 * the receiver writes to `span_violations` (the worst case for the conformance path).
 */
type Traffic = 'demo' | 'nonconforming';

function trafficOf(name: string | undefined): Traffic {
  if (name === undefined || name === 'demo' || name === 'nonconforming') return name ?? 'demo';
  throw new Error(`--traffic must be demo or nonconforming, not ${name}`);
}

function spanMaker(traffic: Traffic): (n: number) => { tmpl: string; attributes: Attributes } {
  if (traffic === 'nonconforming') return (n) => nonconforming(n);
  const pool = generateDemoRecords({ seed: 1, now: new Date('2026-01-01T00:00:00Z') }).map((r) => ({
    tmpl: r.span_name,
    attributes: {
      'logfire.msg_template': r.span_name,
      'logfire.msg': r.message ?? r.span_name,
      'logfire.span_type': r.kind === 'span' ? 'span' : 'log',
      'logfire.level_num': r.level,
      ...(r.attributes as Attributes),
    } as Attributes,
  }));
  return (n) => pool[n % pool.length];
}

function nonconforming(n: number): { tmpl: string; attributes: Attributes } {
  const tmpl = NAMES[n % NAMES.length];
  return {
    tmpl,
    attributes: {
      'logfire.msg_template': tmpl,
      'logfire.msg': tmpl,
      'logfire.span_type': n % 3 === 0 ? 'span' : 'log',
      'logfire.level_num': n % 50 === 0 ? 13 : 9,
      agent: 'husky',
      workload: 'CODING',
      model: MODELS[n % MODELS.length],
      cooldown: n % 60,
    },
  };
}

const NAMES = ['Workload routing: {agent} → {workload} → {model}', 'Failover triggered: {from_model} → {to_model} ({error_type})', 'Rate limit: {model} ({workload}) - cooldown {cooldown}s', 'EAR loop complete'];
const MODELS = ['Cerebras-GLM-4.7', 'claude-opus-4', 'gpt-5.2-codex'];

const TRAFFIC = trafficOf(process.env.BENCH_TRAFFIC ?? textArg('traffic'));
let spanOf: ((n: number) => { tmpl: string; attributes: Attributes }) | undefined;
const makeSpan = (n: number) => (spanOf ??= spanMaker(TRAFFIC))(n);

function semiSpace(): string {
  const f = process.execArgv.find((a) => a.startsWith('--max-semi-space-size'));
  return f ? `${f.split('=')[1]} MB` : 'V8 default';
}

function cpuSeconds(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}

/** `requests` bodies of `batch` spans, as the receiver gets them: the exporter's serialised ExportTraceServiceRequest. */
function makeBodies(requests: number, batch: number): Buffer[] {
  const ended: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-agent', 'telemetry_lens.run_id': 'bench-0', 'telemetry.sdk.language': 'nodejs' }),
    spanProcessors: [{ onStart: () => undefined, onEnd: (s) => void ended.push(s), forceFlush: async () => undefined, shutdown: async () => undefined }],
  });
  const tracer = provider.getTracer('logfire', '0.0.0');
  const bodies: Buffer[] = [];
  let n = 0;
  for (let r = 0; r < requests; r++) {
    for (let i = 0; i < batch; i++, n++) {
      const { tmpl, attributes } = makeSpan(n);
      tracer.startSpan(tmpl, { kind: SpanKind.INTERNAL, attributes }).end();
    }
    bodies.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(ended.splice(0))!));
  }
  return bodies;
}

/** The receiver's work per request without HTTP or senders: decode → map → conformance → commit. */
async function receiverPath(requests: number, batch: number): Promise<void> {
  const bodies = makeBodies(requests, batch);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-ingest-bench-'));
  const dbPath = path.join(dir, 'bench.duckdb');
  const store = await TelemetryStore.open({ path: dbPath, retentionIntervalMs: 0 });
  const checker = createConformance(bundledSchema());
  const cpu = { decode: 0, map: 0, conformance: 0, store: 0 };
  let storeWall = 0;
  let violations = 0;
  const t0 = performance.now();
  const c0 = cpuSeconds();
  for (const body of bodies) {
    let c = cpuSeconds();
    const decoded = decodeTraces(body, 'protobuf');
    cpu.decode += cpuSeconds() - c;
    c = cpuSeconds();
    const records = mapTraces(decoded);
    cpu.map += cpuSeconds() - c;
    c = cpuSeconds();
    const found = checker.check(records);
    violations += found.length;
    cpu.conformance += cpuSeconds() - c;
    c = cpuSeconds();
    const w = performance.now();
    await store.insertBatch({ records, violations: found });
    storeWall += performance.now() - w;
    cpu.store += cpuSeconds() - c;
  }
  const wall = (performance.now() - t0) / 1000;
  const total = cpuSeconds() - c0;
  const stored = await store.count({});
  const spans = requests * batch;
  const us = (s: number) => ((s * 1e6) / spans).toFixed(1);
  const rows: [string, string][] = [
    ['requests × spans', `${requests} × ${batch}`],
    ['traffic', TRAFFIC],
    ['receiver young generation (--max-semi-space-size)', semiSpace()],
    ['spans sent / stored', `${spans} / ${stored}`],
    ['conformance findings written', String(violations)],
    ['CPU µs per span: protobuf decode', us(cpu.decode)],
    ['CPU µs per span: mapping', us(cpu.map)],
    ['CPU µs per span: conformance', us(cpu.conformance)],
    ['CPU µs per span: store (append or checking INSERT, violations, COMMIT; all threads)', us(cpu.store)],
    ['store wall µs per span', ((storeWall * 1000) / spans).toFixed(1)],
    ['spans per CPU-second (whole path)', Math.round(spans / total).toLocaleString('en-US')],
    ['spans/s wall clock (one request per transaction)', Math.round(spans / wall).toLocaleString('en-US')],
    ['machine load average (1 min) at end', os.loadavg()[0].toFixed(1)],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`| ${'metric'.padEnd(width)} | value |\n| ${'-'.repeat(width)} | ----- |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (stored !== spans) {
    console.error(`LOSS: ${spans} sent, ${stored} stored`);
    process.exitCode = 1;
  }
}

/**
 * The receiver runs with the young-generation size the server is started with
 * (`--max-semi-space-size`, default 64 MB here; `--semi-space 0` keeps V8's default): decoding
 * allocates many short-lived objects, and a larger young generation scavenges less often. V8 only
 * reads the flag at startup, so the bench re-executes itself with it.
 */
function reexecWithSemiSpace(): boolean {
  const mb = arg('semi-space', 64);
  if (mb <= 0 || process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) return false;
  const r = spawnSync(process.execPath, [...process.execArgv, `--max-semi-space-size=${mb}`, __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
  return true;
}

/** Sender processes as the main run starts them (`pregen` > 0: spans made first, sent on GO). */
function startSenders(url: string, senders: number, seconds: number, batch: number, inflight: number, pregen: number) {
  let readyCount = 0;
  let allReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (allReady = r));
  const procs: import('node:child_process').ChildProcess[] = [];
  const reports = Array.from({ length: senders }, (_, index) =>
    new Promise<SenderReport>((resolve, reject) => {
      const p = spawn(process.execPath, [__filename], {
        env: {
          ...process.env,
          BENCH_INGEST_SENDER: '1',
          BENCH_URL: url,
          BENCH_SECONDS: String(seconds),
          BENCH_BATCH: String(batch),
          BENCH_INFLIGHT: String(inflight),
          BENCH_INDEX: String(index),
          BENCH_PREGEN: String(pregen),
          BENCH_TRAFFIC: TRAFFIC,
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      procs.push(p);
      let out = '';
      p.stdout!.on('data', (c) => {
        out += c;
        if (pregen > 0 && /READY/.test(String(c)) && ++readyCount === senders) allReady();
      });
      p.on('exit', (code) => {
        const m = /REPORT (.*)/.exec(out);
        if (code === 0 && m) resolve(JSON.parse(m[1]) as SenderReport);
        else reject(new Error(`sender ${index} exited ${code}`));
      });
    }),
  );
  const go = async () => {
    if (pregen > 0) {
      await ready;
      for (const p of procs) p.stdin!.write('GO\n');
    }
  };
  return { reports, go };
}

/** The exporters alone: the same senders against a server that answers 200 to every body unread. */
async function sinkRun(seconds: number, senders: number, batch: number, inflight: number, pregen: number): Promise<{ senderUs: number; httpUs: number; spansPerSecond: number }> {
  let requests = 0;
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as import('node:net').AddressInfo).port;
  const s = startSenders(`http://127.0.0.1:${port}/v1/traces`, senders, seconds, batch, inflight, pregen);
  await s.go();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const reports = await Promise.all(s.reports);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const acked = reports.reduce((n, r) => n + r.acked, 0);
  const senderCpu = reports.reduce((n, r) => n + r.cpu, 0);
  const rows: [string, string][] = [
    ['senders × batch × in-flight', `${senders} × ${batch} × ${inflight}`],
    ['traffic', TRAFFIC],
    ['span creation', pregen > 0 ? `before the clock (${pregen.toLocaleString('en-US')} per sender)` : 'while sending'],
    ['duration (s)', wall.toFixed(1)],
    ['spans acknowledged by the sink', String(acked)],
    ['requests / MB received', `${requests} / ${(bytes / 1048576).toFixed(0)}`],
    ['throughput (spans/s, wall clock)', Math.round(acked / wall).toLocaleString('en-US')],
    ['sender processes CPU (s)', senderCpu.toFixed(1)],
    ['sender CPU µs per span', ((senderCpu * 1e6) / acked).toFixed(1)],
    ['sink process CPU (s; HTTP only)', ((cpu.user + cpu.system) / 1e6).toFixed(1)],
    ['CPU the machine had meanwhile (s; cores × duration)', (os.cpus().length * wall).toFixed(1)],
    ['machine load average (1 min) at end', os.loadavg()[0].toFixed(1)],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`| ${'metric'.padEnd(w)} | value |\n| ${'-'.repeat(w)} | ----- |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
  server.close();
  return { senderUs: (senderCpu * 1e6) / acked, httpUs: (cpu.user + cpu.system) / acked, spansPerSecond: acked / wall };
}

/**
 * --floor N: the least CPU each unavoidable part of sustained ingest costs per span on this machine,
 * and the highest rate those costs allow on its cores, whatever the receiver's design:
 * - senders: the same exporter processes against the sink (span creation, serialisation, HTTP);
 * - HTTP: the sink's own CPU for reading those requests and answering them;
 * - decode: the generated OTLP wire decoder alone on N exporter requests (nothing converted, mapped or checked);
 * - store: DuckDB alone appending the same rows, already converted (temporary in-memory tables of
 *   the store's own rows, kept columns included), into a fresh store file, then a checkpoint — no JS,
 *   no duplicate check, no conformance — at one request and at one row group per transaction;
 * - health: one run of the bundled health checks on that store, whose cost grows with its rows.
 * The bound leaves out converting decoded messages into rows, mapping, conformance and every other overhead,
 * so a real receiver can only be slower.
 */
async function floorRun(requests: number, batch: number, seconds: number): Promise<void> {
  const sink = await sinkRun(10, 3, 1024, 4, 0);
  const bodies = makeBodies(requests, batch);
  const spans = requests * batch;
  // Decode alone: three passes, the best counted (the first warms the decoder up). The wire decode
  // only; turning its objects into spans (hex ids, attribute values) is not counted.
  let decodeUs = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const c = cpuSeconds();
    for (const b of bodies) TraceRequest.decode(b);
    decodeUs = Math.min(decodeUs, ((cpuSeconds() - c) * 1e6) / spans);
  }
  // For comparison, not in the bound: the receiver's decode today, wire decode plus conversion into spans.
  let convertUs = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const c = cpuSeconds();
    for (const b of bodies) decodeTraces(b, 'protobuf');
    convertUs = Math.min(convertUs, ((cpuSeconds() - c) * 1e6) / spans);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-ingest-floor-'));
  try {
    // The rows as the store keeps them, written by the store's own path (not timed).
    const source = await TelemetryStore.open({ path: path.join(dir, 'source.duckdb'), retentionIntervalMs: 0 });
    for (const b of bodies) await source.insertBatch({ records: mapTraces(decodeTraces(b, 'protobuf')) });
    await source.close();
    bodies.length = 0;
    // Stored twice: one request per transaction, and a row group's worth of requests per transaction
    // (DuckDB writes a transaction of at least one row group, 122,880 rows, compressed straight into the
    // file instead of through the WAL); the cheaper counts.
    const storeRuns: { perTxn: number; us: number; wall: number }[] = [];
    let store: TelemetryStore | undefined;
    let c: Awaited<ReturnType<TelemetryStore['connect']>> | undefined;
    for (const perTxn of [1, Math.ceil(122_880 / batch)]) {
      if (store) {
        c!.closeSync();
        await store.close();
      }
      fs.rmSync(path.join(dir, 'floor.duckdb'), { force: true });
      store = await TelemetryStore.open({ path: path.join(dir, 'floor.duckdb'), retentionIntervalMs: 0 });
      c = await store.connect();
      // Each request's rows in a temporary (in-memory) table of their own, made before the clock starts.
      await c.run(`ATTACH '${path.join(dir, 'source.duckdb')}' AS src (READ_ONLY)`);
      for (let r = 0; r < requests; r++) {
        await c.run(`CREATE TEMP TABLE req_${r} AS SELECT * FROM src.records_all WHERE rowid >= ${r * batch} AND rowid < ${(r + 1) * batch}`);
      }
      await c.run('DETACH src');
      const c0 = cpuSeconds();
      const t0 = performance.now();
      for (let r = 0; r < requests; r += perTxn) {
        await c.run('BEGIN TRANSACTION');
        for (let q = r; q < Math.min(requests, r + perTxn); q++) await c.run(`INSERT INTO records_all SELECT * FROM req_${q}`);
        await c.run('COMMIT');
      }
      await c.run('CHECKPOINT');
      storeRuns.push({ perTxn, us: ((cpuSeconds() - c0) * 1e6) / spans, wall: (performance.now() - t0) / 1000 });
      for (let r = 0; r < requests; r++) await c.run(`DROP TABLE req_${r}`);
    }
    const storeUs = Math.min(...storeRuns.map((r) => r.us));
    const stored = await store!.count({});
    const schema = bundledSchema();
    const backend = localBackend(store!);
    await runHealthChecks(schema, backend, { includeRows: false });
    const health: number[] = [];
    for (let i = 0; i < 3; i++) {
      const h = cpuSeconds();
      await runHealthChecks(schema, backend, { includeRows: false });
      health.push(cpuSeconds() - h);
    }
    c!.closeSync();
    await store!.close();
    const healthRun = health.sort((a, b) => a - b)[1];
    const cores = os.cpus().length;
    const perSpan = (sink.senderUs + sink.httpUs + decodeUs + storeUs) / 1e6;
    // One health run per second over a run of `seconds` at rate R: the table holds R·t rows at second t,
    // so the runs cost healthRun/stored · R · seconds/2 CPU-seconds per second on average.
    const healthPerRowSecond = (healthRun / stored) * (seconds / 2);
    const bound = (extra: number) => Math.round(cores / (perSpan + extra)).toLocaleString('en-US');
    const rows: [string, string][] = [
      ['traffic; requests × spans', `${TRAFFIC}; ${requests} × ${batch}`],
      ['senders: CPU µs per span (exporters against the sink, 10 s)', sink.senderUs.toFixed(1)],
      ['HTTP: receiving CPU µs per span (the sink reading the requests and answering)', sink.httpUs.toFixed(1)],
      ['decode: CPU µs per span (generated OTLP wire decoder alone, best of 3 passes)', decodeUs.toFixed(1)],
      ['(not counted) decode as the receiver does it today, wire decode + conversion into spans: CPU µs per span', convertUs.toFixed(1)],
      ...storeRuns.map((r): [string, string] => [
        `store: CPU µs per span (DuckDB alone, rows converted, ${r.perTxn} request${r.perTxn > 1 ? 's' : ''} per transaction, checkpoint; all threads)`,
        `${r.us.toFixed(1)} (${r.wall.toFixed(2)} s wall)`,
      ]),
      ['rows stored', stored.toLocaleString('en-US')],
      ['health checks: CPU s per run on those rows (median of 3; all threads)', healthRun.toFixed(2)],
      ['cores', String(cores)],
      ['**highest spans/s these parts allow, no health checks**', bound(0)],
      [`**highest spans/s, health checks every second over ${seconds} s**`, bound(healthPerRowSecond)],
      ['machine load average (1 min) at end', os.loadavg()[0].toFixed(1)],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`| ${'metric'.padEnd(w)} | value |\n| ${'-'.repeat(w)} | ----- |`);
    for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (reexecWithSemiSpace()) return;
  const pathRequests = arg('path', 0);
  if (pathRequests > 0) return receiverPath(pathRequests, arg('batch', 4096));
  const seconds = arg('seconds', 20);
  const senders = arg('senders', 3);
  const batch = arg('batch', 1024);
  const inflight = arg('inflight', 4);
  const withHealth = arg('health', 1) !== 0;
  const withConformance = arg('conformance', 1) !== 0;
  const pregen = arg('pregen', 0);
  if (arg('sink', 0) !== 0) return void (await sinkRun(seconds, senders, batch, inflight, pregen));
  const floorRequests = arg('floor', 0);
  if (floorRequests > 0) return floorRun(floorRequests, arg('batch', 4096), seconds);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-ingest-bench-'));
  const dbPath = path.join(dir, 'bench.duckdb');
  const memory = arg('memory', -1);
  const store = await TelemetryStore.open({ path: dbPath, retentionIntervalMs: 0, ...(memory >= 0 ? { memoryLimitMb: memory } : {}) });
  const schema = bundledSchema();
  // As in the language server: every received record is checked against the (bundled) schema.
  const checker = createConformance(schema);
  const queueRows = arg('queue', 0);
  const txnRows = arg('txn', 0);
  const queue = new IngestQueue(store, {
    ...(withConformance ? { check: (rows: RecordRow[]) => checker.check(rows) } : {}),
    ...(queueRows > 0 ? { maxQueuedRows: queueRows } : {}),
    ...(txnRows > 0 ? { maxBatchRows: txnRows } : {}),
  });
  const receiver = await OtlpReceiver.start({ queue, port: 0 });
  const commits: CommittedBatch[] = [];
  receiver.onCommitted((b) => commits.push(b));
  const backend = localBackend(store);

  const started = startSenders(`${receiver.url}/v1/traces`, senders, seconds, batch, inflight, pregen);
  const children = started.reports;

  // Health checks every second while ingest runs; RSS sampled alongside.
  const healthMs: number[] = [];
  const rss: number[] = [];
  const heap: number[] = [];
  let healthErrors = 0;
  let sendersDone = false;
  await started.go();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const all = Promise.all(children).finally(() => (sendersDone = true));
  const healthLoop = (async () => {
    while (!sendersDone) {
      const h0 = performance.now();
      if (withHealth) {
        const report = await runHealthChecks(schema, backend, { includeRows: false });
        healthMs.push(performance.now() - h0);
        healthErrors += report.checks.filter((c) => c.verdict === 'error').length;
      }
      const m = process.memoryUsage();
      rss.push(m.rss);
      heap.push(m.heapUsed + m.external);
      const wait = 1000 - (performance.now() - h0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  const reports = await all;
  const sendSeconds = (performance.now() - t0) / 1000;
  await healthLoop;
  await queue.drain();
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const acked = reports.reduce((n, r) => n + r.acked, 0);
  const failed = reports.reduce((n, r) => n + r.failed, 0);
  const stored = await store.count({});
  const latencies = reports.flatMap((r) => r.latencies);
  const commitLat = commits.map((c) => c.latencyMs);
  const rows: [string, string][] = [
    ['senders × batch × in-flight', `${senders} × ${batch} × ${inflight}`],
    ['write queue rows / transaction rows at most', `${queueRows || DEFAULT_MAX_QUEUED_ROWS} / ${txnRows || DEFAULT_MAX_BATCH_ROWS}`],
    ['traffic', TRAFFIC],
    ['receiver young generation (--max-semi-space-size)', semiSpace()],
    ['span creation', pregen > 0 ? `before the clock (${pregen.toLocaleString('en-US')} per sender)` : 'while sending'],
    ['duration (s)', sendSeconds.toFixed(1)],
    ['spans acknowledged (count in)', String(acked)],
    ['spans stored (count stored)', String(stored)],
    ['lost', String(acked - stored)],
    ['exports failed (not acknowledged)', String(failed)],
    ['throughput (spans/s, wall clock)', Math.round(stored / sendSeconds).toLocaleString('en-US')],
    ['receiver process CPU (s; DuckDB threads, decode, conformance, health)', cpuSeconds.toFixed(1)],
    ['spans per receiver CPU-second', Math.round(stored / cpuSeconds).toLocaleString('en-US')],
    ['sender processes CPU while sending (s)', reports.reduce((n, r) => n + r.cpu, 0).toFixed(1)],
    ['CPU the machine had meanwhile (s; cores × duration)', (os.cpus().length * sendSeconds).toFixed(1)],
    ['conformance checks', withConformance ? 'on (bundled schema)' : 'off'],
    ['export latency p50 / p95 (ms)', `${pct(latencies, 50).toFixed(0)} / ${pct(latencies, 95).toFixed(0)}`],
    ['commit latency p50 / p95 (ms)', `${pct(commitLat, 50).toFixed(0)} / ${pct(commitLat, 95).toFixed(0)}`],
    ['transactions (requests merged)', `${commits.length} (${commits.reduce((n, c) => n + c.requests, 0)})`],
    ['503 answers (exporter retried)', String(receiver.stats.errors[503] ?? 0)],
    ['health runs / p50 / max (ms)', withHealth ? `${healthMs.length} / ${pct(healthMs, 50).toFixed(0)} / ${Math.max(...healthMs).toFixed(0)}` : 'off'],
    ['health checks in error', String(healthErrors)],
    ['store memory limit (DuckDB memory_limit)', String((await store.query(`SELECT current_setting('memory_limit')`)).rows[0][0])],
    ['receiver RSS p50 / max (MB; sampled each second)', `${(pct(rss, 50) / 1024 / 1024).toFixed(0)} / ${(Math.max(...rss) / 1024 / 1024).toFixed(0)}`],
    ['receiver JS heap + external max (MB; the rest of RSS is mostly DuckDB)', (Math.max(...heap) / 1024 / 1024).toFixed(0)],
    ['receiver peak RSS (MB; whole run)', (process.resourceUsage().maxRSS / 1024).toFixed(0)],
    ['machine load average (1 min) at end', os.loadavg()[0].toFixed(1)],
    ['database file + WAL (MB)', ((fs.statSync(dbPath).size + (fs.existsSync(`${dbPath}.wal`) ? fs.statSync(`${dbPath}.wal`).size : 0)) / 1024 / 1024).toFixed(0)],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`| ${'metric'.padEnd(w)} | value |\n| ${'-'.repeat(w)} | ----- |`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
  await receiver.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (acked !== stored) {
    console.error(`LOSS: ${acked} acknowledged, ${stored} stored`);
    process.exitCode = 1;
  }
}

if (process.env.BENCH_INGEST_SENDER) void sender();
else void main();
