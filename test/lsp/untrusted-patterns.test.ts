// A cloned repository's schema cannot hang the editor or CI with a catastrophic pattern: the language
// server (over stdio) lints, hovers and checks received spans against `^(a+)+$`, and `check` decides
// whether a crafted LIKE pattern can match, all in linear time. With a backtracking engine each of
// these ran for hours; the deadlines below only keep a regression from hanging the suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol';
import { GetReceiverStatus } from '../../protocol/protocol';
import { packageRoot } from '../../server/paths';
import { makeWorkspace, TestClient } from './client';

const EVIL = `${'a'.repeat(40)}!`;
const HANG_GUARD_MS = 60_000;

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${HANG_GUARD_MS / 1000} s (hung)`)), HANG_GUARD_MS);
  });
  return Promise.race([p, guard]).finally(() => clearTimeout(timer));
}

const SCHEMA = `version: 1
events:
  - template: 'Loop started {loop_id}'
    level: info
    attributes:
      loop_id:
        type: string
        required: true
        pattern: '^(a+)+$'
`;

const AGENT_PY = `import logfire


def start():
    logfire.info("Loop started {loop_id}", loop_id="${EVIL}")
`;

function postSpan(port: number, loopId: string): Promise<number> {
  const now = (BigInt(Date.now()) * 1_000_000n).toString();
  const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'agent')] },
        scopeSpans: [
          {
            scope: { name: 'logfire' },
            spans: [
              {
                traceId: 'ab'.repeat(16),
                spanId: 'cd'.repeat(8),
                name: 'Loop started {loop_id}',
                kind: 1,
                startTimeUnixNano: now,
                endTimeUnixNano: now,
                attributes: [
                  str('logfire.msg_template', 'Loop started {loop_id}'),
                  str('logfire.msg', `Loop started ${loopId}`),
                  str('logfire.span_type', 'log'),
                  { key: 'logfire.level_num', value: { intValue: '9' } },
                  str('loop_id', loopId),
                  str('code.filepath', 'agent.py'),
                  { key: 'code.lineno', value: { intValue: '5' } },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test('a catastrophic schema pattern: lint, hover and runtime conformance answer over LSP', async () => {
  const ws = makeWorkspace({ 'telemetry.schema.yaml': SCHEMA, 'agent.py': AGENT_PY });
  const { client } = await TestClient.start({ workspace: ws, settings: { receiver: { autoStart: true, port: 0 } } });
  try {
    const uri = await client.open('agent.py', 'python');
    const diags = await within(client.diagnostics(uri, 1), 'diagnostics');
    const d = diags.find((x) => x.code === 'TL005');
    assert.ok(d, JSON.stringify(diags));
    assert.match(d.message, /does not match the pattern `\^\(a\+\)\+\$`/);
    assert.equal(d.range.start.line, 4);

    const hover = await within(client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 20 } }), 'hover');
    assert.match((hover?.contents as MarkupContent).value, /Loop started \{loop_id\}/);

    const status = await client.conn.sendRequest(GetReceiverStatus);
    assert.ok(status.port);
    const before = client.published.length;
    assert.equal(await within(postSpan(status.port, EVIL), 'OTLP post'), 200);
    const runtime = await within(
      client.waitFor((p) => p.params.uri === uri && p.params.diagnostics.some((x) => x.source === 'Telemetry Lens (runtime)'), HANG_GUARD_MS, before),
      'runtime diagnostics',
    );
    const rd = runtime.params.diagnostics.find((x) => x.source === 'Telemetry Lens (runtime)')!;
    assert.equal(rd.code, 'TL005');
    assert.match(rd.message, /does not match the pattern/);
    // the server still answers afterwards
    const again = await within(client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 20 } }), 'second hover');
    assert.ok(again);
  } finally {
    await client.stop();
  }
});

test('check: a crafted LIKE pattern is judged dead without hanging', async () => {
  const ws = makeWorkspace({
    'telemetry.schema.yaml': `version: 1
events:
  - name: '${'a'.repeat(60)}'
health:
  - id: crafted
    name: Crafted pattern
    sql: SELECT count(*) AS n FROM records WHERE span_name LIKE '%a%a%a%a%a%a%a%a%a%a%a%a%b'
`,
  });
  const cli = path.join(packageRoot(), 'dist', 'server', 'cli.js');
  const child = spawn(process.execPath, [cli, 'check', '--db', ':memory:', '--schema', path.join(ws, 'telemetry.schema.yaml'), '--format', 'json', '--allow-empty'], { cwd: ws });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (err += b));
  try {
    await within(new Promise((resolve) => child.once('exit', resolve)), 'check');
  } finally {
    child.kill('SIGKILL');
  }
  const report = JSON.parse(out) as { checks: { id: string; deadPattern?: string }[] };
  const c = report.checks.find((x) => x.id === 'crafted');
  assert.ok(c, out + err);
  assert.match(c.deadPattern ?? '', /span_name LIKE '%a%a.*%b' matches no event template/);
});
