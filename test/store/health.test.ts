import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import healthYaml from '../../server/schema/default-health.yaml';
import { generateDemoRecords, DEMO_EVENTS } from '../../server/telemetry/demo';
import { localBackend } from '../../server/telemetry/sql/index';
import { runHealthChecks, runHealthCheck, findDeadPattern, reportFailed, verdictFor } from '../../server/telemetry/health';
import { translateLogfireSql } from '../../server/telemetry/sql/index';
import type { HealthCheckSpec, EventSpec } from '../../server/schema/model';
import type { TelemetryStore } from '../../server/telemetry/store';
import { memoryStore, row, HOUR } from './sql-helpers';

const bundled = parse(healthYaml) as { health: HealthCheckSpec[] };
const events: EventSpec[] = Object.values(DEMO_EVENTS).map((e) => ({ id: e.template, template: e.template, attributes: [] }));
const check = (id: string) => bundled.health.find((h) => h.id === id)!;

describe('bundled checks on demo traffic', () => {
  for (const scenario of ['healthy', 'degraded'] as const) {
    test(`${scenario} traffic`, async () => {
      const store = await memoryStore(generateDemoRecords({ records: 8000, seed: 3, scenario }));
      try {
        const report = await runHealthChecks({ health: bundled.health, events }, localBackend(store), { timeRange: '24h' });
        assert.equal(report.backend, 'local');
        assert.equal(report.timeRange, '24h');
        assert.equal(report.checks.length, 8);
        const v = Object.fromEntries(report.checks.map((c) => [c.id, c.verdict]));
        for (const c of report.checks) {
          assert.notEqual(c.verdict, 'error', `${c.id}: ${c.error}`);
          assert.ok(c.figure, `${c.id} has a figure`);
          assert.equal(c.deadPattern, undefined, `${c.id} patterns match the seed events`);
          assert.ok(c.result && c.result.columns.length > 0);
        }
        if (scenario === 'healthy') {
          assert.deepEqual(v, {
            'workload-routing': 'pass',
            'failover-chain': 'pass',
            'capacity-utilization': 'warn', // the demo pushes some models to 95%+
            'ear-completion': 'pass',
            'coding-uses-glm': 'pass',
            'failover-respects-workload': 'pass',
            'format-errors': 'pass',
            'warnings-before-rate-limits': 'pass',
          });
          assert.equal(reportFailed(report), false);
        } else {
          assert.equal(v['workload-routing'], 'fail');
          assert.equal(v['coding-uses-glm'], 'fail');
          assert.equal(v['ear-completion'], 'fail');
          assert.equal(v['format-errors'], 'fail');
          assert.equal(v['failover-respects-workload'], 'fail');
          assert.equal(v['warnings-before-rate-limits'], 'fail');
          assert.notEqual(v['failover-chain'], 'pass');
          assert.equal(reportFailed(report), true);
        }
      } finally {
        await store.close();
      }
    });
  }
});

describe('verdict thresholds (seed criteria) on hand-made data', () => {
  const now = new Date();
  const at = (minsAgo: number) => new Date(now.getTime() - minsAgo * 60_000);
  const ear = (n: number, to: string) =>
    Array.from({ length: n }, (_, i) => row({ at: at(10 + i), message: `EAR phase: act → ${to}`, span_name: 'EAR phase: {from_phase} → {to_phase}', attributes: { from_phase: 'act', to_phase: to } }));
  const cases: [string, number, number, number, string][] = [
    ['>90% complete, <5% error', 95, 2, 3, 'pass'],
    ['between', 86, 6, 8, 'warn'],
    ['>10% error', 80, 9, 11, 'fail'],
  ];
  for (const [name, done, refused, errors, expected] of cases) {
    test(`EAR completion: ${name} → ${expected}`, async () => {
      const store = await memoryStore([...ear(done, 'complete'), ...ear(refused, 'refused'), ...ear(errors, 'error')]);
      try {
        const r = await runHealthCheck(check('ear-completion'), localBackend(store));
        assert.equal(r.verdict, expected, r.figure);
      } finally {
        await store.close();
      }
    });
  }

  test('failover chain: rate limits without any failover → fail; with recoveries → pass', async () => {
    // six rate limits inside one clock hour (10–15 minutes past it, about three hours ago), so the
    // per-hour grouping of the check never splits them across an hour boundary
    const hourStart = Math.floor((now.getTime() - 3 * 3_600_000) / 3_600_000) * 3_600_000;
    const limits = Array.from({ length: 6 }, (_, i) => row({ at: new Date(hourStart + (10 + i) * 60_000), message: 'Rate limit: m (CODING) - cooldown 30s' }));
    let store = await memoryStore(limits);
    try {
      const r = await runHealthCheck(check('failover-chain'), localBackend(store));
      assert.equal(r.verdict, 'fail');
      assert.equal(r.figure, '0 failovers, 0 recoveries, 6 rate limits');
    } finally {
      await store.close();
    }
    store = await memoryStore([
      ...limits,
      row({ at: at(20), message: 'Failover triggered: a → b (rate_limit)' }),
      row({ at: at(19), message: 'Failover success: now using b' }),
    ]);
    try {
      assert.equal((await runHealthCheck(check('failover-chain'), localBackend(store))).verdict, 'warn', 'an hour with 5+ rate limits and no failover');
    } finally {
      await store.close();
    }
  });

  test('warnings before rate limits: an unwarned rate limit among few → fail', async () => {
    const store = await memoryStore([
      row({ at: at(50), message: 'Capacity warning: A at 91% (day_requests)', attributes: { model: 'A', pct: 91 } }),
      row({ at: at(40), message: 'Rate limit: A (CODING) - cooldown 30s', attributes: { model: 'A' } }),
      row({ at: at(30), message: 'Rate limit: B (CODING) - cooldown 30s', attributes: { model: 'B' } }),
    ]);
    try {
      const r = await runHealthCheck(check('warnings-before-rate-limits'), localBackend(store));
      assert.equal(r.verdict, 'fail');
      assert.equal(r.figure, '1 of 2 rate limits had an earlier warning (median lead 10 min)');
    } finally {
      await store.close();
    }
  });

  test('warnings before rate limits: the median lead reads in seconds, minutes or hours', async () => {
    for (const [warnedAt, lead] of [
      [41, '60 s'],
      [130, '90 min'],
      [640, '10.0 h'],
    ] as const) {
      const store = await memoryStore([
        row({ at: at(warnedAt), message: 'Capacity warning: A at 91% (day_requests)', attributes: { model: 'A', pct: 91 } }),
        row({ at: at(40), message: 'Rate limit: A (CODING) - cooldown 30s', attributes: { model: 'A' } }),
      ]);
      try {
        const r = await runHealthCheck(check('warnings-before-rate-limits'), localBackend(store));
        assert.equal(r.verdict, 'pass');
        assert.equal(r.figure, `1 of 1 rate limits had an earlier warning (median lead ${lead})`);
      } finally {
        await store.close();
      }
    }
  });

  test('the panel time range narrows what a check sees', async () => {
    const store = await memoryStore([
      ...Array.from({ length: 5 }, (_, i) => row({ at: at(600 + i), message: 'Workload routing: husky → CODING → hf:moonshotai/Kimi-K2.5', attributes: { workload: 'CODING', orchestrated_model: 'hf:moonshotai/Kimi-K2.5' } })),
      ...Array.from({ length: 3 }, (_, i) => row({ at: at(5 + i), message: 'Workload routing: husky → CODING → Cerebras-GLM-4.7', attributes: { workload: 'CODING', orchestrated_model: 'Cerebras-GLM-4.7' } })),
    ]);
    try {
      assert.equal((await runHealthCheck(check('coding-uses-glm'), localBackend(store), { timeRange: '12h' })).verdict, 'fail');
      assert.equal((await runHealthCheck(check('coding-uses-glm'), localBackend(store), { timeRange: '1h' })).verdict, 'pass');
    } finally {
      await store.close();
    }
  });
});

describe('verdict mechanics and errors', () => {
  let store: TelemetryStore;
  before(async () => {
    store = await memoryStore([row({ at: new Date(Date.now() - HOUR / 2), message: 'x', level: 17 })]);
  });
  after(() => store.close());

  test('a status column in the result itself is the verdict when there is no verdict SQL', async () => {
    const r = await runHealthCheck({ id: 'errs', name: 'errors', sql: "SELECT CASE WHEN COUNT(*) > 0 THEN 'fail' ELSE 'pass' END AS status, COUNT(*) || ' errors' AS figure FROM records WHERE level >= 'error'" }, localBackend(store));
    assert.deepEqual([r.verdict, r.figure], ['fail', '1 errors']);
  });

  test('without verdict or status column: pass when it ran', async () => {
    const r = await runHealthCheck({ id: 'n', name: 'n', sql: 'SELECT * FROM records' }, localBackend(store));
    assert.deepEqual([r.verdict, r.figure], ['pass', '1 row']);
  });

  test('a broken check query → error with the message', async () => {
    const r = await runHealthCheck({ id: 'b', name: 'b', sql: 'SELECT FROM WHERE' }, localBackend(store));
    assert.equal(r.verdict, 'error');
    assert.match(r.error!, /syntax error/);
    const r2 = await runHealthCheck({ id: 'c', name: 'c', sql: 'DELETE FROM records' }, localBackend(store));
    assert.equal(r2.verdict, 'error');
    assert.match(r2.error!, /read-only/);
  });

  test('a verdict with a bad status → error', async () => {
    await assert.rejects(verdictFor({ verdict: { sql: "SELECT 'great' AS status" } }, { columns: [], rows: [], rowCount: 0, truncated: false, durationMs: 0, backend: 'local' }), /status must be/);
    const r = await runHealthCheck({ id: 'v', name: 'v', sql: 'SELECT 1 AS n', verdict: { sql: 'SELECT n AS figure FROM result' } }, localBackend(store));
    assert.equal(r.verdict, 'error');
    assert.match(r.error!, /no 'status' column/);
  });

  test('verdict SQL sees typed columns and may use Logfire idioms', async () => {
    const r = await runHealthCheck(
      { id: 't', name: 't', sql: "SELECT level, start_timestamp, attributes FROM records", verdict: { sql: "SELECT CASE WHEN COUNT(*) FILTER (WHERE level >= 'error') > 0 AND MAX(start_timestamp) > NOW() - INTERVAL '1 hour' THEN 'warn' ELSE 'pass' END AS status FROM result" } },
      localBackend(store),
    );
    assert.equal(r.verdict, 'warn', r.error);
  });
});

describe('dead LIKE patterns', () => {
  const patterns = async (sql: string) => (await translateLogfireSql(sql)).likePatterns;

  test('the seed checks match the seed events', async () => {
    for (const h of bundled.health) assert.equal(findDeadPattern(await patterns(h.sql), events, []), undefined, h.id);
  });

  test('a typo in the prefix matches nothing → reported', async () => {
    const msg = findDeadPattern(await patterns("SELECT * FROM records WHERE message LIKE 'Failover triggerd%'"), events, []);
    assert.match(msg!, /message LIKE 'Failover triggerd%' matches no event template/);
  });

  test('a call site found by the lint engine keeps a pattern alive', async () => {
    const p = await patterns("SELECT * FROM records WHERE message LIKE 'Cache miss%'");
    assert.ok(findDeadPattern(p, events, []));
    assert.equal(findDeadPattern(p, events, ['Cache miss for {key}']), undefined);
  });

  test('ILIKE, span_name equality semantics, negation and other columns', async () => {
    assert.equal(findDeadPattern(await patterns("SELECT 1 FROM records WHERE message ILIKE 'failover TRIGGERED%'"), events, []), undefined);
    assert.equal(findDeadPattern(await patterns("SELECT 1 FROM records WHERE span_name LIKE 'Rate limit: {model}%'"), events, []), undefined);
    assert.ok(findDeadPattern(await patterns("SELECT 1 FROM records WHERE span_name LIKE 'Rate limit: cerebras%'"), events, []), 'span_name holds the template, not the message');
    assert.equal(findDeadPattern(await patterns("SELECT 1 FROM records WHERE message NOT LIKE 'zzz%'"), events, []), undefined);
    assert.equal(findDeadPattern(await patterns("SELECT 1 FROM records WHERE service_name LIKE 'zzz%'"), events, []), undefined);
    // a template whose placeholder comes before the pattern's text can still match
    assert.equal(findDeadPattern(await patterns("SELECT 1 FROM records WHERE message LIKE 'EAR phase: observe%'"), events, []), undefined);
  });

  test('the report carries it next to the verdict', async () => {
    const store = await memoryStore([]);
    try {
      const r = await runHealthChecks({ health: [{ id: 'd', name: 'd', sql: "SELECT COUNT(*) FROM records WHERE message LIKE 'Nope%'" }], events }, localBackend(store), {});
      assert.match(r.checks[0].deadPattern!, /Nope%/);
      assert.equal(r.checks[0].verdict, 'no-data', 'an empty store is no data, not a pass');
    } finally {
      await store.close();
    }
  });
});
