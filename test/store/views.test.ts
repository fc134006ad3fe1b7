import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateDemoRecords, DEMO_EVENTS, demoOtlpRequests } from '../../server/telemetry/demo';
import { localBackend } from '../../server/telemetry/sql/index';
import { logfireBackend } from '../../server/telemetry/logfire-client';
import { listRuns, listTraces, getTrace, chartData, eventRuntimeCounts, callCounts, recordsForTemplateSql } from '../../server/telemetry/views';
import type { TelemetryStore, RecordRow } from '../../server/telemetry/store';
import { memoryStore, row } from './sql-helpers';
import { startFakeLogfire } from './fake-logfire';

const NOW = new Date();

describe('views over demo traffic', () => {
  let store: TelemetryStore;
  let rows: RecordRow[];
  before(async () => {
    rows = generateDemoRecords({ records: 4000, seed: 9, now: new Date(NOW.getTime() - 5 * 60_000) });
    store = await memoryStore(rows);
    await store.startRun({ runId: 'live-run', label: 'python agent.py', startedAt: new Date(NOW.getTime() - 1000) });
    await store.insertBatch({
      records: [
        row({ at: new Date(NOW.getTime() - 500), message: 'boom', level: 17, run_id: 'live-run', trace_id: 'f'.repeat(32), kind: 'span', attributes: { 'code.filepath': 'agent.py', 'code.lineno': 12 } }),
      ],
    });
  });
  after(() => store.close());

  test('listRuns: every run id with its traces, spans and errors; editor-launched live run first', async () => {
    const runs = await listRuns(store);
    const ids = new Set(rows.map((r) => r.run_id));
    assert.equal(runs.length, ids.size + 1);
    assert.equal(runs[0].runId, 'live-run');
    assert.equal(runs[0].label, 'python agent.py');
    assert.equal(runs[0].live, true);
    assert.equal(runs[0].errorCount, 1);
    for (const run of runs.slice(1)) {
      const mine = rows.filter((r) => r.run_id === run.runId);
      assert.equal(run.spanCount, mine.length);
      assert.equal(run.traceCount, new Set(mine.map((r) => r.trace_id)).size);
      assert.equal(run.errorCount, mine.filter((r) => r.level >= 17).length);
      assert.equal(run.live, false);
      assert.ok(run.endedAt);
    }
    for (let i = 2; i < runs.length; i++) assert.ok(runs[i - 1].startedAt >= runs[i].startedAt, 'newest first');
  });

  test('listTraces and getTrace', async () => {
    const runId = rows[rows.length - 1].run_id!;
    const traces = await listTraces(store, runId);
    assert.equal(traces.length, new Set(rows.filter((r) => r.run_id === runId).map((r) => r.trace_id)).size);
    const t = traces[0];
    assert.match(t.rootName, /^agent run /);
    const detail = await getTrace(store, t.traceId);
    assert.ok(detail);
    const mine = rows.filter((r) => r.trace_id === t.traceId);
    assert.equal(detail.spans.length, mine.length);
    assert.equal(t.spanCount, mine.length);
    const root = detail.spans.find((s) => !s.parentSpanId)!;
    assert.equal(root.kind, 'span');
    assert.ok(root.durationMs! > 0);
    const child = detail.spans.find((s) => s.parentSpanId)!;
    assert.equal(child.parentSpanId, root.spanId);
    assert.equal(child.durationMs, null, 'logs have no duration');
    assert.ok(child.codeFilepath?.startsWith('code_puppy/'));
    assert.equal(typeof child.codeLineno, 'number');
    assert.equal(child.attributes['logfire.msg_template'], child.name);
    assert.deepEqual(child.tags, ['demo']);
    assert.equal(child.serviceName, 'code-puppy');
    assert.equal(await getTrace(store, '0'.repeat(32)), null);
  });

  test('chartData: sums agree with the records; hours zero-filled; same data from Logfire', async () => {
    const c = await chartData(localBackend(store), '24h', NOW);
    const inRange = rows.filter((r) => r.start_timestamp >= (NOW.getTime() - 24 * 3600_000) * 1000);
    const count = (p: string) => inRange.filter((r) => r.message.startsWith(p)).length;
    assert.equal(c.routing.reduce((s, r) => s + r.calls, 0), count('Workload routing'));
    assert.equal(c.failoverTimeline.length, 25, 'every hour of the range');
    assert.equal(c.failoverTimeline.reduce((s, r) => s + r.rateLimits, 0), count('Rate limit'));
    assert.equal(c.failoverTimeline.reduce((s, r) => s + r.failovers, 0), count('Failover triggered'));
    assert.equal(c.failoverTimeline.reduce((s, r) => s + r.recoveries, 0), count('Failover success'));
    assert.ok(c.capacity.length > 0 && c.capacity.every((x) => x.maxPct >= x.avgPct && x.maxPct >= 80));
    assert.deepEqual(new Set(c.earOutcomes.map((e) => e.outcome)), new Set(['complete', 'refused', 'error']));
    assert.ok(Math.abs(c.earOutcomes.reduce((s, e) => s + e.pct, 0) - 100) < 0.5);

    const fake = await startFakeLogfire({ token: 'pylf_v1_us_x', store });
    try {
      const remote = await chartData(logfireBackend('pylf_v1_us_x', { baseUrl: fake.url, baseUrlApproved: true }), '24h', NOW);
      assert.deepEqual(remote, c);
    } finally {
      await fake.close();
    }
  });

  test('eventRuntimeCounts and callCounts', async () => {
    const events = Object.values(DEMO_EVENTS).map((e) => ({ id: e.template, template: e.template, attributes: [] }));
    const summaries = await eventRuntimeCounts({ events: [...events, { id: 'never.happened', name: 'never.happened', attributes: [] }] }, localBackend(store), '24h', NOW);
    for (const s of summaries.slice(0, events.length)) {
      const mine = rows.filter((r) => r.span_name === s.template && r.start_timestamp >= (NOW.getTime() - 24 * 3600_000) * 1000);
      assert.equal(s.runtimeCount, mine.length, s.id);
      assert.equal(Date.parse(s.lastSeen!), Math.floor(Math.max(...mine.map((r) => r.start_timestamp)) / 1000));
    }
    assert.deepEqual(summaries.at(-1), { id: 'never.happened', name: 'never.happened', callSites: 0, runtimeCount: 0 });
    const cc = await callCounts(localBackend(store), [DEMO_EVENTS.rateLimit.template, 'agent run {agent}', 'boom'], '1h', NOW);
    assert.equal(cc['boom'].count, 1);
    assert.ok(cc['agent run {agent}'].count > 0);
  });

  test('runtime counts match by formatted message when span_name is not the template (stdlib logging style)', async () => {
    const s2 = await memoryStore([
      row({ at: new Date(NOW.getTime() - 1000), message: 'Cache miss for user:1', span_name: 'Cache miss for user:1' }),
      row({ at: new Date(NOW.getTime() - 900), message: 'Cache miss for user:2', span_name: 'Cache miss for user:2' }),
      row({ at: new Date(NOW.getTime() - 800), message: 'Cache hit', span_name: 'Cache hit' }),
    ]);
    try {
      const cc = await callCounts(localBackend(s2), ['Cache miss for {key}', 'Cache hit', 'Cache {{literal}}'], '1h', NOW);
      assert.equal(cc['Cache miss for {key}'].count, 2);
      assert.equal(cc['Cache hit'].count, 1);
      assert.equal(cc['Cache {{literal}}'].count, 0);
    } finally {
      await s2.close();
    }
  });
});

describe('demo generator', () => {
  test('deterministic per seed, different across seeds', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const a = generateDemoRecords({ records: 800, seed: 1, now });
    const b = generateDemoRecords({ records: 800, seed: 1, now });
    const c = generateDemoRecords({ records: 800, seed: 2, now });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.map((r) => r.message), c.map((r) => r.message));
    assert.ok(Math.abs(a.length - 800) < 200, `about the requested size (${a.length})`);
    for (const r of a) assert.ok(r.start_timestamp <= now.getTime() * 1000 + 60e6 && r.start_timestamp >= (now.getTime() - 24 * 3600_000) * 1000);
  });

  test('the OTLP/JSON form maps back to the same records through the receiver decoder', async () => {
    const { decodeTraces } = await import('../../server/telemetry/otlp/decode');
    const { mapTraces } = await import('../../server/telemetry/map');
    const rows = generateDemoRecords({ records: 500, seed: 8 });
    const mapped = demoOtlpRequests(rows, 100).flatMap((req) => mapTraces(decodeTraces(Buffer.from(JSON.stringify(req)), 'json')));
    assert.equal(mapped.length, rows.length);
    const key = (r: RecordRow) => [r.trace_id, r.span_id, r.parent_span_id ?? '', r.kind, r.level, r.span_name, r.message, r.start_timestamp, r.run_id, (r.attributes as Record<string, unknown>).workload ?? ''].join('|');
    assert.deepEqual(new Set(mapped.map(key)), new Set(rows.map(key)));
  });

  test('loadDemoData stores what it generates', async () => {
    const { loadDemoData } = await import('../../server/telemetry/demo');
    const s = await memoryStore();
    try {
      const now = new Date();
      const { records } = await loadDemoData(s, { records: 1000, seed: 3, now });
      assert.equal(records, generateDemoRecords({ records: 1000, seed: 3, now }).length);
      assert.equal(await s.count(), records);
    } finally {
      await s.close();
    }
  });
});

describe('the records behind a runtime CodeLens', () => {
  test('recordsForTemplateSql lists exactly the records of that template in the range, newest first', async () => {
    const now = new Date();
    const rows = generateDemoRecords({ records: 1500, seed: 3, now: new Date(now.getTime() - 60_000) });
    const store = await memoryStore(rows);
    try {
      const template = DEMO_EVENTS.failover.template;
      const sql = recordsForTemplateSql(template, '24h');
      const r = await localBackend(store).query(sql);
      const want = rows.filter((x) => x.span_name === template);
      assert.ok(want.length > 0);
      assert.equal(r.rowCount, want.length);
      const ts = r.rows.map((x) => Date.parse(String(x[0])));
      assert.deepEqual(ts, [...ts].sort((a, b) => b - a));
      // A quote in a template stays inside the string literal.
      const none = await localBackend(store).query(recordsForTemplateSql("it's {x}'; DROP TABLE records; --", '1h'));
      assert.equal(none.rowCount, 0);
    } finally {
      await store.close();
    }
  });
});
