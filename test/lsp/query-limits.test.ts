// Over LSP (stdio, real DuckDB store): Run Query and health checks stop at telemetryLens.query.timeoutSeconds
// with a message naming the setting, and health checks on an empty store come back as "no data" (what
// the Health view shows), not as passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunHealthChecks, RunQuery } from '../../protocol/protocol';
import { makeWorkspace, TestClient } from './client';

const GUARD_MS = 120_000;
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still running after ${GUARD_MS / 1000} s`)), GUARD_MS);
  });
  return Promise.race([p, guard]).finally(() => clearTimeout(timer));
}

test('Run Query past telemetryLens.query.timeoutSeconds is stopped; health checks on an empty store say no data', async () => {
  const ws = makeWorkspace({ 'agent.py': 'print("hi")\n' });
  const { client } = await TestClient.start({ workspace: ws, settings: { receiver: { autoStart: false }, query: { timeoutSeconds: 1 } } });
  try {
    await assert.rejects(
      within(client.conn.sendRequest(RunQuery, { sql: 'SELECT count(*) FROM range(1000000000000)', backend: 'local' }), 'RunQuery'),
      /Query stopped: it ran longer than the 1 s time limit; to allow more, raise the setting telemetryLens\.query\.timeoutSeconds \(0 = no limit\)/,
    );
    const ok = await client.conn.sendRequest(RunQuery, { sql: 'SELECT 5 AS n', backend: 'local' });
    assert.equal(ok.rows[0][0], 5);

    const report = await within(client.conn.sendRequest(RunHealthChecks, { backend: 'local', timeRange: '6h' }), 'RunHealthChecks');
    assert.equal(report.checks.length, 8);
    for (const c of report.checks) {
      assert.equal(c.verdict, 'no-data', `${c.id}: ${c.verdict} ${c.figure ?? ''} ${c.error ?? ''}`);
      assert.equal(c.figure, 'no data in the last 6h');
    }
  } finally {
    await client.stop();
  }
});
