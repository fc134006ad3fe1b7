// Where the Logfire read token may go: Logfire's own API hosts over https; any other base URL only
// when the user configured and confirmed it; plain http only to this machine. The server-side client
// enforces this on its own: a workspace setting that slipped past the client still gets nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyTokenDestination, tokenDestinationProblem } from '../../protocol/logfire';
import { logfireQuery, validateToken, LogfireError } from '../../server/telemetry/logfire-client';

const TOKEN = 'pylf_v1_us_0123456789abcdefSECRET';

test("Logfire's API hosts over https need no confirmation", () => {
  for (const url of ['https://logfire-us.pydantic.dev', 'https://logfire-eu.pydantic.dev/', 'https://logfire-api.pydantic.dev/v1/query', 'https://LOGFIRE-EU.pydantic.dev']) {
    assert.equal(classifyTokenDestination(url).kind, 'logfire', url);
    assert.equal(tokenDestinationProblem(url), null, url);
  }
});

test('look-alike hosts, other ports and other schemes are not Logfire', () => {
  for (const url of [
    'https://logfire-us.pydantic.dev.evil.example',
    'https://evil.example/logfire-us.pydantic.dev',
    'https://logfire-us.pydantic.dev:8443',
    'https://xlogfire-us.pydantic.dev',
    'https://pydantic.dev',
  ]) {
    assert.equal(classifyTokenDestination(url).kind, 'needsApproval', url);
    assert.match(tokenDestinationProblem(url) ?? '', /Refusing to send the Logfire read token/, url);
  }
});

test('plain http to Logfire or any remote host is refused even when approved; loopback http needs approval', () => {
  for (const url of ['http://logfire-us.pydantic.dev', 'http://10.0.0.5:8000', 'http://attacker.example', 'http://127.0.0.1.nip.io:9000']) {
    const d = classifyTokenDestination(url);
    assert.equal(d.kind, 'refused', url);
    assert.match(tokenDestinationProblem(url, new URL(url).origin) ?? '', /unencrypted/, url);
  }
  for (const url of ['http://127.0.0.1:4999', 'http://localhost:8080', 'http://[::1]:7000', 'http://127.1.2.3']) {
    assert.equal(classifyTokenDestination(url).kind, 'needsApproval', url);
    assert.notEqual(tokenDestinationProblem(url), null, url);
    assert.equal(tokenDestinationProblem(url, new URL(url).origin), null, url);
  }
});

test('an approval is for one origin only; URLs with credentials or other schemes are refused', () => {
  assert.notEqual(tokenDestinationProblem('https://logs.example.com:8443', 'https://logs.example.com'), null);
  assert.equal(tokenDestinationProblem('https://logs.example.com/api/v2/query', 'https://logs.example.com'), null);
  assert.equal(classifyTokenDestination('https://user:pw@logs.example.com').kind, 'refused');
  assert.equal(classifyTokenDestination('file:///etc/passwd').kind, 'refused');
  assert.equal(classifyTokenDestination('not a url').kind, 'refused');
});

/** A loopback server that records every request (standing in for an attacker's host). */
async function recorder(): Promise<{ url: string; auth: (string | undefined)[]; close(): Promise<void> }> {
  const auth: (string | undefined)[] = [];
  const srv = http.createServer((req, res) => {
    auth.push(req.headers.authorization);
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"no"}');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, auth, close: () => new Promise((r) => srv.close(() => r())) };
}

test('the server-side client sends nothing to a host the user did not approve', async () => {
  const rec = await recorder();
  try {
    await assert.rejects(logfireQuery(TOKEN, 'SELECT 1', { baseUrl: rec.url }), (e: unknown) => {
      assert.ok(e instanceof LogfireError);
      assert.match(e.message, /Refusing to send the Logfire read token to http:\/\/127\.0\.0\.1:\d+/);
      assert.ok(!e.message.includes(TOKEN));
      return true;
    });
    const check = await validateToken(TOKEN, { baseUrl: rec.url });
    assert.equal(check.ok, false);
    assert.match(check.error ?? '', /Refusing to send/);
    assert.deepEqual(rec.auth, [], 'no request may reach an unapproved host');
    // Approved by the user: the same host now gets the token.
    await assert.rejects(logfireQuery(TOKEN, 'SELECT 1', { baseUrl: rec.url, baseUrlApproved: true }), /rejected the read token/);
    assert.deepEqual(rec.auth, [`Bearer ${TOKEN}`]);
  } finally {
    await rec.close();
  }
});
