import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import healthYaml from '../../server/schema/default-health.yaml';
import { generateDemoRecords } from '../../server/telemetry/demo';
import { logfireQuery, regionFromToken, validateToken, LogfireError, logfireBackend } from '../../server/telemetry/logfire-client';
import { runLogfireQuery } from '../../server/telemetry/sql/index';
import { runHealthChecks } from '../../server/telemetry/health';
import type { TelemetryStore } from '../../server/telemetry/store';
import { startFakeLogfire, type FakeLogfire } from './fake-logfire';
import { memoryStore, awayFromWindowEdges } from './sql-helpers';

const TOKEN = 'pylf_v1_eu_0123456789abcdefSECRETsecret';
const bundled = parse(healthYaml) as { health: { id: string; name: string; sql: string; verdict?: { sql: string } }[] };

test('region from the token prefix; unknown or missing region → US', () => {
  assert.deepEqual(regionFromToken('pylf_v1_eu_abc'), { region: 'eu', baseUrl: 'https://logfire-eu.pydantic.dev', known: true });
  assert.deepEqual(regionFromToken('pylf_v2_us_abc'), { region: 'us', baseUrl: 'https://logfire-us.pydantic.dev', known: true });
  assert.equal(regionFromToken('pylf_v1_xx_abc').baseUrl, 'https://logfire-us.pydantic.dev');
  assert.equal(regionFromToken('pylf_v1_xx_abc').known, false);
  assert.equal(regionFromToken('oldstyletoken').region, 'us');
});

describe('against a server honouring the query API contract', () => {
  let store: TelemetryStore;
  let fake: FakeLogfire;
  before(async () => {
    // the remote and the local run read NOW() a moment apart: no rows sit on a window edge
    const now = new Date();
    store = await memoryStore(awayFromWindowEdges(generateDemoRecords({ records: 3000, seed: 5, now }), now));
    fake = await startFakeLogfire({ token: TOKEN, store });
  });
  after(async () => {
    await fake.close();
    await store.close();
  });

  test('POST /v2/query: Bearer auth, JSON body with min_timestamp and limit, rows mapped to the protocol', async () => {
    const min = new Date(Date.now() - 6 * 3600_000);
    const r = await logfireQuery(TOKEN, "SELECT message, level FROM records WHERE level = 'warn' ORDER BY start_timestamp", { baseUrl: fake.url, baseUrlApproved: true, minTimestamp: min, limit: 20 });
    const req = fake.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/v2/query');
    assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(req.headers.accept, 'application/json');
    const body = JSON.parse(req.body);
    assert.equal(body.min_timestamp, min.toISOString());
    assert.equal(body.limit, 20);
    assert.equal(r.backend, 'logfire');
    assert.deepEqual(r.columns, [
      { name: 'message', type: 'Utf8' },
      { name: 'level', type: 'Int32' },
    ]);
    assert.equal(r.rowCount, 20);
    assert.equal(r.truncated, true);
    for (const row of r.rows) assert.equal(row[1], 13);
    // same rows as the local store over the same window
    const local = await runLogfireQuery(store, "SELECT message, level FROM records WHERE level = 'warn' ORDER BY start_timestamp", { minTimestamp: min, limit: 20 });
    assert.deepEqual(r.rows, local.rows);
  });

  test('limit is capped at 10,000 and min_timestamp is always sent', async () => {
    await logfireQuery(TOKEN, 'SELECT 1', { baseUrl: fake.url, baseUrlApproved: true, limit: 50_000 });
    const body = JSON.parse(fake.requests.at(-1)!.body);
    assert.equal(body.limit, 10_000);
    assert.ok(Date.parse(body.min_timestamp) < Date.now());
  });

  test('the server enforces min_timestamp (422) — and the client maps 422 to an invalid-request message', async () => {
    const res = await fetch(`${fake.url}/v2/query`, { method: 'POST', headers: { authorization: TOKEN, 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'SELECT 1' }) });
    assert.equal(res.status, 422);
    await assert.rejects(logfireQuery(TOKEN, 'SELECT 1', { baseUrl: fake.url, baseUrlApproved: true, timezone: 'Mars/Olympus_Mons' }), (e: unknown) => {
      assert.ok(e instanceof LogfireError);
      assert.equal(e.status, 422);
      assert.match(e.message, /rejected the request as invalid: body\.timezone: /);
      return true;
    });
  });

  test('400 carries the server detail; the token never appears in errors', async () => {
    const echo = await startFakeLogfire({ token: TOKEN, store, echoAuthInErrors: true });
    try {
      await assert.rejects(logfireQuery(TOKEN, 'SELECT nope FROM records', { baseUrl: echo.url, baseUrlApproved: true }), (e: unknown) => {
        assert.ok(e instanceof LogfireError);
        assert.equal(e.status, 400);
        assert.match(e.message, /Logfire could not run the query: .*nope/);
        assert.ok(!e.message.includes(TOKEN), 'token scrubbed');
        assert.ok(!String(e.stack).includes(TOKEN));
        return true;
      });
    } finally {
      await echo.close();
    }
  });

  test('401 → clear message without the token', async () => {
    await assert.rejects(logfireQuery('pylf_v1_eu_wrongtoken', 'SELECT 1', { baseUrl: fake.url, baseUrlApproved: true }), (e: unknown) => {
      assert.ok(e instanceof LogfireError);
      assert.equal(e.status, 401);
      assert.match(e.message, /Logfire rejected the read token/);
      assert.ok(!e.message.includes('wrongtoken'));
      return true;
    });
  });

  test('429 → rate limited with Retry-After', async () => {
    const limited = await startFakeLogfire({ token: TOKEN, store, rateLimited: { retryAfter: '37' } });
    try {
      await assert.rejects(logfireQuery(TOKEN, 'SELECT 1', { baseUrl: limited.url, baseUrlApproved: true }), (e: unknown) => {
        assert.ok(e instanceof LogfireError);
        assert.equal(e.status, 429);
        assert.equal(e.retryAfterSeconds, 37);
        assert.match(e.message, /rate limit.*Rate limit exceeded \(minute\).*retry in 37 s/i);
        return true;
      });
    } finally {
      await limited.close();
    }
  });

  test('legacy fallback: v2 answers 404 → GET /v1/query with json_rows=true', async () => {
    const old = await startFakeLogfire({ token: TOKEN, store, mode: 'v1-only' });
    try {
      const r = await logfireQuery(TOKEN, "SELECT COUNT(*) AS n FROM records WHERE message LIKE 'EAR phase%'", { baseUrl: old.url, baseUrlApproved: true, minTimestamp: new Date(0) });
      assert.deepEqual(old.requests.map((q) => `${q.method} ${q.path}`), ['POST /v2/query', 'GET /v1/query']);
      const local = await runLogfireQuery(store, "SELECT COUNT(*) AS n FROM records WHERE message LIKE 'EAR phase%'");
      assert.deepEqual(r.rows, local.rows);
      assert.deepEqual(r.columns, [{ name: 'n', type: 'Int64' }]);
    } finally {
      await old.close();
    }
  });

  test('timeouts and cancellation', async () => {
    const slow = await startFakeLogfire({ token: TOKEN, store, delayMs: 2000 });
    try {
      await assert.rejects(logfireQuery(TOKEN, 'SELECT 1', { baseUrl: slow.url, baseUrlApproved: true, timeoutMs: 200 }), /did not answer within/);
      const ac = new AbortController();
      const p = logfireQuery(TOKEN, 'SELECT 1', { baseUrl: slow.url, baseUrlApproved: true, signal: ac.signal });
      setTimeout(() => ac.abort(), 50);
      await assert.rejects(p, /cancelled/);
    } finally {
      await slow.close();
    }
  });

  test('unreachable server → clear error without the token', async () => {
    const srv = http.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as AddressInfo;
    await new Promise<void>((r) => srv.close(() => r()));
    await assert.rejects(logfireQuery(TOKEN, 'SELECT 1', { baseUrl: `http://127.0.0.1:${port}`, baseUrlApproved: true }), (e: unknown) => {
      assert.match((e as Error).message, /Cannot reach Logfire at http:\/\/127\.0\.0\.1/);
      assert.ok(!(e as Error).message.includes(TOKEN));
      return true;
    });
  });

  test('validateToken: read-token-info, raw token without Bearer also accepted by the server', async () => {
    const ok = await validateToken(TOKEN, { baseUrl: fake.url, baseUrlApproved: true });
    assert.deepEqual(ok, { ok: true, region: 'custom', baseUrl: fake.url, project: 'acme/code-puppy' });
    const bad = await validateToken('pylf_v1_eu_nope', { baseUrl: fake.url, baseUrlApproved: true });
    assert.equal(bad.ok, false);
    assert.match(bad.error!, /rejected the read token/);
    const raw = await fetch(`${fake.url}/v1/read-token-info`, { headers: { authorization: TOKEN } });
    assert.equal(raw.status, 200);
  });

  test('health checks run on the remote backend give the same verdicts as locally', async () => {
    const schema = { health: bundled.health.map((h) => ({ ...h })), events: [] };
    const remote = await runHealthChecks(schema, logfireBackend(TOKEN, { baseUrl: fake.url, baseUrlApproved: true }), { includeRows: false });
    const { localBackend } = await import('../../server/telemetry/sql/index');
    const local = await runHealthChecks(schema, localBackend(store), { includeRows: false });
    assert.equal(remote.backend, 'logfire');
    assert.deepEqual(
      remote.checks.map((c) => [c.id, c.verdict, c.figure]),
      local.checks.map((c) => [c.id, c.verdict, c.figure]),
    );
    for (const c of remote.checks) assert.notEqual(c.verdict, 'error', `${c.id}: ${c.error}`);
  });
});
