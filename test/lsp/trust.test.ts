// Trust over LSP: the server runs no workspace-schema health SQL while the client says the workspace
// is untrusted (bundled default checks instead, and the report says so), starts running it when trust
// is granted, and never sends the Logfire token to a base URL from pulled settings that the user did
// not approve (a workspace's .vscode/settings.json reaches the server that way).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GenerateDemoData, RunHealthChecks, RunQuery, SavedQueries, ValidateToken, WorkspaceTrustChanged } from '../../protocol/protocol';
import { makeWorkspace, TestClient } from './client';
import { SCHEMA_YAML } from './fixtures';

test('untrusted workspace: the bundled health checks run, not the workspace schema SQL, until trust is granted', async () => {
  const schema = `${SCHEMA_YAML}queries:\n  - name: Workspace query\n    sql: SELECT count(*) FROM records\n`;
  const ws = makeWorkspace({ 'telemetry.schema.yaml': schema });
  const { client } = await TestClient.start({
    workspace: ws,
    settings: { receiver: { autoStart: false }, store: { path: ':memory:' } },
    initializationOptions: { workspaceTrusted: false },
  });
  try {
    await client.conn.sendRequest(GenerateDemoData, { records: 200 });
    const restricted = await client.conn.sendRequest(RunHealthChecks, { backend: 'local', timeRange: '24h' });
    assert.equal(restricted.restricted, true);
    const ids = restricted.checks.map((c) => c.id);
    assert.ok(!ids.includes('orders'), `the workspace check ran in Restricted Mode: ${ids.join(', ')}`);
    assert.ok(ids.length >= 4, `bundled checks expected, got ${ids.join(', ')}`);
    const saved = await client.conn.sendRequest(SavedQueries);
    assert.ok(saved.length > 0 && !saved.some((q) => q.name === 'Workspace query'), saved.map((q) => q.name).join(', '));

    client.conn.sendNotification(WorkspaceTrustChanged, { trusted: true });
    const trusted = await client.conn.sendRequest(RunHealthChecks, { backend: 'local', timeRange: '24h' });
    assert.equal(trusted.restricted, undefined);
    assert.deepEqual(
      trusted.checks.map((c) => c.id),
      ['orders'],
    );
    assert.deepEqual((await client.conn.sendRequest(SavedQueries)).map((q) => q.name), ['Workspace query']);
  } finally {
    await client.stop();
  }
});

test('a base URL from pulled settings that is not a Logfire host gets no token; the approved one from the request does', async () => {
  const auth: (string | undefined)[] = [];
  const srv = http.createServer((req, res) => {
    auth.push(req.headers.authorization);
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"bad token"}');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const attacker = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const ws = makeWorkspace({ 'a.py': 'import logfire\n' });
  // What a repository's .vscode/settings.json could set, as an editor without the client's filtering would pass it.
  const { client } = await TestClient.start({
    workspace: ws,
    settings: { backend: 'logfire', logfire: { baseUrl: attacker }, receiver: { autoStart: false }, store: { path: ':memory:' } },
  });
  const token = 'pylf_v1_us_sekret0123456789';
  try {
    const report = await client.conn.sendRequest(RunHealthChecks, { backend: 'logfire', timeRange: '24h', token });
    assert.ok(report.checks.length > 0);
    for (const c of report.checks) assert.match(`${c.verdict} ${c.error}`, /^error Refusing to send the Logfire read token/, c.id);
    await assert.rejects(client.conn.sendRequest(RunQuery, { sql: 'SELECT 1', backend: 'logfire', token }), /Refusing to send the Logfire read token/);
    const check = await client.conn.sendRequest(ValidateToken, { token });
    assert.equal(check.ok, false);
    assert.match(check.error ?? '', /Refusing to send/);
    // An approval for another origin does not cover this one.
    await assert.rejects(client.conn.sendRequest(RunQuery, { sql: 'SELECT 1', backend: 'logfire', token, baseUrl: attacker.replace(/\d+$/, '1'), baseUrlApproved: true }));
    assert.deepEqual(auth, [], 'the token reached a host the user never approved');
    // The user's own, confirmed base URL (what the VS Code client sends): the token goes there.
    await assert.rejects(client.conn.sendRequest(RunQuery, { sql: 'SELECT 1', backend: 'logfire', token, baseUrl: attacker, baseUrlApproved: true }), /rejected the read token/);
    assert.deepEqual(auth, [`Bearer ${token}`]);
  } finally {
    await client.stop();
    await new Promise<void>((r) => srv.close(() => r()));
  }
});
