// Runtime conformance: records checked with the lint engine's rules, violations stored with counts,
// last-seen time and the emitting location; end to end through the receiver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { loadSchemaFromText, bundledSchema } from '../../server/schema/loader';
import { createConformance, recordTemplate } from '../../server/telemetry/conformance';
import { levelName } from '../../protocol/levels';
import { TelemetryStore, type RecordRow } from '../../server/telemetry/store';
import { IngestQueue } from '../../server/telemetry/ingest';
import { OtlpReceiver } from '../../server/telemetry/receiver';
import { recordRow } from './sql-helpers';

const SCHEMA = `
version: 1
strict: true
events:
  - template: 'model.selected {model}'
    level: info
    kind: log
    attributes:
      model: { type: string, required: true }
      workload: { type: enum, required: true, values: [CODING, ORCHESTRATOR] }
      attempts: { type: int, required: false, min: 1 }
  - name: agent.run
    kind: span
    attributes:
      agent: { type: string, required: true }
`;

function schema() {
  const r = loadSchemaFromText(SCHEMA, '/ws/telemetry.schema.yaml');
  assert.deepEqual(r.errors.filter((e) => e.severity === 'error'), []);
  return r.schema;
}

const NOW = Date.now() * 1000;
let seq = 0;
function rec(over: Partial<RecordRow> & { attributes: Record<string, unknown> }): RecordRow {
  seq++;
  return recordRow({
    start_timestamp: NOW + seq,
    end_timestamp: NOW + seq,
    trace_id: 'ab'.repeat(16),
    span_id: seq.toString(16).padStart(16, '0'),
    span_name: 'model.selected {model}',
    message: 'm',
    service_name: 'svc',
    telemetry_sdk_language: 'python',
    run_id: 'run-c',
    ...over,
  });
}

test('levelName maps level numbers to names', () => {
  assert.deepEqual([1, 5, 9, 10, 13, 15, 17, 21].map(levelName), ['trace', 'debug', 'info', 'notice', 'warn', 'warn', 'error', 'fatal']);
});

test('conformance reports unknown events, missing/wrong-typed/out-of-range attributes and wrong levels, with the emitting location', () => {
  const c = createConformance(schema());
  const tmpl = 'model.selected {model}';
  const good = rec({ attributes: { 'logfire.msg_template': tmpl, model: 'glm', workload: 'CODING', 'code.filepath': 'a.py', 'code.lineno': 3 } });
  const missing = rec({ attributes: { 'logfire.msg_template': tmpl, model: 'glm', 'code.filepath': 'agent/route.py', 'code.lineno': 41, 'code.function': 'route' } });
  const wrongType = rec({ attributes: { 'logfire.msg_template': tmpl, model: 7, workload: 'CODING' } });
  const badValue = rec({ attributes: { 'logfire.msg_template': tmpl, model: 'glm', workload: 'LIBRARIAN', attempts: 0 } });
  const wrongLevel = rec({ level: 13, attributes: { 'logfire.msg_template': tmpl, model: 'glm', workload: 'CODING' } });
  const unknown = rec({ span_name: 'modle.selected {model}', attributes: { 'logfire.msg_template': 'modle.selected {model}', model: 'x' } });
  const spanMissing = rec({ kind: 'span', level: 9, span_name: 'agent.run', attributes: {} });
  const plainHttp = rec({ kind: 'span', span_name: 'GET /health', otel_scope_name: '@opentelemetry/instrumentation-http', attributes: { 'http.route': '/health' } });
  const v = c.check([good, missing, wrongType, badValue, wrongLevel, unknown, spanMissing, plainHttp]);
  const by = (r: RecordRow) => v.filter((x) => x.span_id === r.span_id);
  assert.deepEqual(by(good), []);
  assert.deepEqual(by(plainHttp), [], 'instrumentation spans that match no event are not checked');
  assert.equal(recordTemplate(plainHttp, c.schema), undefined);

  const [m] = by(missing);
  assert.equal(m.code, 'TL002');
  assert.equal(m.rule, 'missing-attribute');
  assert.match(m.message, /workload/);
  assert.equal(m.event_id, tmpl);
  assert.equal(m.code_filepath, 'agent/route.py');
  assert.equal(m.code_lineno, 41);
  assert.equal(m.run_id, 'run-c');
  assert.equal(m.seen_at, missing.start_timestamp);

  const t = by(wrongType);
  assert.deepEqual(t.map((x) => x.code), ['TL004']);
  assert.match(t[0].message, /model/);
  assert.equal(t[0].code_filepath, null, 'no code.* attributes → no location');

  const bv = by(badValue).map((x) => x.code).sort();
  assert.deepEqual(bv, ['TL005', 'TL005'], 'enum value outside the set and attempts below min');

  const wl = by(wrongLevel);
  assert.deepEqual(wl.map((x) => x.code), ['TL006']);
  assert.match(wl[0].message, /WARN.*INFO/);

  assert.deepEqual(by(unknown).map((x) => x.code), ['TL001']);
  const sm = by(spanMissing);
  assert.deepEqual(sm.map((x) => x.code), ['TL002']);
  assert.match(sm[0].message, /agent/);
});

test('Python Logfire nulls (\'null\' + {"type":"null"} schema) and JS logfire.null_args count as None', () => {
  const c = createConformance(schema());
  const tmpl = 'model.selected {model}';
  const py = rec({ attributes: { 'logfire.msg_template': tmpl, model: 'null', workload: 'CODING' }, attributes_json_schema: '{"type":"object","properties":{"model":{"type":"null"}}}' });
  const js = rec({ telemetry_sdk_language: 'nodejs', attributes: { 'logfire.msg_template': tmpl, workload: 'CODING', 'logfire.null_args': ['model'] } });
  const v = c.check([py, js]);
  assert.deepEqual(v.filter((x) => x.span_id === py.span_id).map((x) => x.code), ['TL004']);
  assert.deepEqual(v.filter((x) => x.span_id === js.span_id).map((x) => x.code), ['TL004']);
});

test('cached shapes give the same findings as fresh checks', () => {
  const c = createConformance(schema());
  const mk = () => rec({ attributes: { 'logfire.msg_template': 'model.selected {model}', model: 'glm' } });
  const first = c.check([mk(), mk()]);
  const second = c.check([mk()]);
  assert.equal(first.length, 2);
  assert.equal(second.length, 1);
  assert.equal(second[0].message, first[0].message);
});

test('the bundled default schema checks Code Puppy events at runtime', () => {
  const c = createConformance(bundledSchema());
  const r = rec({
    level: 9,
    span_name: 'Failover triggered: {from_model} → {to_model} ({error_type})',
    attributes: { 'logfire.msg_template': 'Failover triggered: {from_model} → {to_model} ({error_type})', from_model: 'a', to_model: 'b', error_type: 'rate_limit', workload: 'CODING' },
  });
  const v = c.check([r]);
  assert.deepEqual(v.map((x) => x.code), ['TL006'], 'declared warn, sent at info');
});

test('end to end: violations of received records are stored with count, first/last seen and per-span marks', async () => {
  const store = await TelemetryStore.open({ path: ':memory:' });
  const c = createConformance(schema());
  const queue = new IngestQueue(store, { check: (rows) => c.check(rows) });
  const rx = await OtlpReceiver.start({ queue, port: 0 });
  const violationsSeen: number[] = [];
  rx.onCommitted((b) => violationsSeen.push(b.violations));
  try {
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = (i: number, attrs: [string, object][]) => ({
      traceId: 'cd'.repeat(16),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: 'model.selected {model}',
      startTimeUnixNano: (now + BigInt(i)).toString(),
      endTimeUnixNano: (now + BigInt(i)).toString(),
      attributes: [
        { key: 'logfire.span_type', value: { stringValue: 'log' } },
        { key: 'logfire.level_num', value: { intValue: '9' } },
        { key: 'logfire.msg_template', value: { stringValue: 'model.selected {model}' } },
        { key: 'code.filepath', value: { stringValue: 'agent/route.py' } },
        { key: 'code.lineno', value: { intValue: '41' } },
        ...attrs.map(([key, value]) => ({ key, value })),
      ],
    });
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }, { key: 'telemetry_lens.run_id', value: { stringValue: 'run-e2e' } }] },
          scopeSpans: [{ scope: { name: 'logfire' }, spans: [span(0, [['model', { stringValue: 'glm' }]]), span(1, [['model', { stringValue: 'glm' }]]), span(2, [['model', { stringValue: 'glm' }], ['workload', { stringValue: 'CODING' }]])] }],
        },
      ],
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
    const rows = await store.queryObjects<Record<string, unknown>>(
      `SELECT code, rule, severity, message, event_id, span_name, code_filepath, code_lineno, count, last_run_id,
              epoch_us(first_seen) AS first_us, epoch_us(last_seen) AS last_us FROM conformance_violations`,
    );
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.equal(row.code, 'TL002');
    assert.equal(row.rule, 'missing-attribute');
    assert.equal(Number(row.count), 2);
    assert.equal(row.code_filepath, 'agent/route.py');
    assert.equal(row.code_lineno, 41);
    assert.equal(row.event_id, 'model.selected {model}');
    assert.equal(row.last_run_id, 'run-e2e');
    assert.equal(Number(row.first_us), Number(now / 1000n));
    assert.equal(Number(row.last_us), Number(now / 1000n));
    const marks = await store.queryObjects<{ span_id: string; code: string }>(`SELECT span_id, code FROM span_violations ORDER BY span_id`);
    assert.deepEqual(marks.map((m) => m.span_id), ['0000000000000001', '0000000000000002']);
    assert.deepEqual(violationsSeen, [2]);
  } finally {
    await rx.close();
    await store.close();
  }
});
