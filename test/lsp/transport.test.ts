// The stdio transport of the language server: messages encoded by encodeMessage are the text
// JSON.stringify gives (publications reuse each diagnostic's cached JSON), and StdioMessageWriter frames
// them so that vscode-jsonrpc's own reader reads back the same messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { StreamMessageReader, type Message } from 'vscode-jsonrpc/node';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { findingToDiagnostic, diagnosticJson } from '../../server/lsp/diagnostics';
import { encodeMessage, StdioMessageWriter } from '../../server/lsp/transport';
import { lintSource } from '../../server/lint/linter';
import { bundledSchema } from '../../server/schema/loader';
import { SERVER_NODE_ARGS } from '../../protocol/settings';
import { makeWorkspace, TestClient } from './client';

const SOURCE = [
  'import logfire',
  '',
  'def route(a, m):',
  '    logfire.info("Workload routing: {agent} → {workload} → {model}", agent=a, workload="BAKING")',
  '    logfire.info("Failover: {from_model} → {to_model}", from_model=a, to_model="quote \\" and \\\\ back")',
  '',
].join('\n');

async function findingDiagnostics(): Promise<Diagnostic[]> {
  const r = await lintSource({ source: SOURCE, filePath: '/tmp/route.py', language: 'python', schema: bundledSchema() });
  assert.ok(r.findings.length >= 3, `findings: ${r.findings.length}`);
  return r.findings.map(findingToDiagnostic);
}

const runtime: Diagnostic = {
  range: { start: { line: 3, character: 4 }, end: { line: 3, character: 16 } },
  severity: DiagnosticSeverity.Information,
  code: 'TL101',
  source: 'Telemetry Lens (runtime)',
  message: 'Seen 3 times with "workload" = \u2028 "BAKING" \ud83d\ude00',
  data: { rule: 'runtime', runtime: { count: 3, lastSeen: '2026-11-23T10:00:00Z' } },
};

function publication(params: Record<string, unknown>): Message {
  return { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params } as Message;
}

test('encodeMessage: the same text as JSON.stringify for publications (cached or not) and any other message', async () => {
  const diags = await findingDiagnostics();
  const uri = 'file:///tmp/r%C3%A9sum%C3%A9/route.py';
  const messages: Message[] = [
    publication({ uri, version: 7, diagnostics: diags }),
    publication({ uri, version: 8, diagnostics: [...diags, runtime] }),
    publication({ uri, diagnostics: [runtime] }),
    publication({ uri, version: undefined, diagnostics: diags }),
    publication({ uri, diagnostics: [] }),
    publication({ uri, version: 2, diagnostics: diags, extra: { a: 1 } }),
    { jsonrpc: '2.0', id: 3, method: 'textDocument/publishDiagnostics', params: { uri, diagnostics: diags } } as Message,
    { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'a "quoted" → line\n' } } as Message,
    { jsonrpc: '2.0', id: 1, result: { capabilities: { hoverProvider: true } } } as Message,
    { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'Unhandled method x' } } as Message,
  ];
  for (const m of messages) {
    // twice: the second encoding of a finding's diagnostic comes from the cache
    assert.equal(encodeMessage(m), JSON.stringify(m));
    assert.equal(encodeMessage(m), JSON.stringify(m));
  }
  for (const d of diags) assert.equal(diagnosticJson(d), JSON.stringify(d));
  // a diagnostic that is not a finding's is encoded anew each time (it may change)
  const changing: Diagnostic = { ...runtime };
  assert.equal(diagnosticJson(changing), JSON.stringify(changing));
  changing.message = 'changed';
  assert.equal(diagnosticJson(changing), JSON.stringify(changing));
});

test('StdioMessageWriter: one frame per message, Content-Length in bytes, read back by vscode-jsonrpc in order', async () => {
  const diags = await findingDiagnostics();
  const pipe = new PassThrough();
  const frames: Buffer[] = [];
  pipe.on('data', (b: Buffer) => frames.push(b));
  const writer = new StdioMessageWriter(pipe);
  const reader = new StreamMessageReader(pipe);
  const got: Message[] = [];
  reader.listen((m) => got.push(m));
  const sent: Message[] = [
    publication({ uri: 'file:///tmp/route.py', version: 2, diagnostics: diags }),
    { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'é → 😀' } } as Message,
    publication({ uri: 'file:///tmp/route.py', version: 3, diagnostics: [...diags.slice(1), runtime] }),
  ];
  for (const m of sent) await writer.write(m);
  assert.equal(frames.length, sent.length, 'one write per message');
  for (const [i, f] of frames.entries()) {
    const text = f.toString('utf8');
    const sep = text.indexOf('\r\n\r\n');
    assert.match(text.slice(0, sep), /^Content-Length: \d+$/);
    assert.equal(Number(text.slice(16, sep)), f.length - sep - 4, 'Content-Length counts bytes');
    assert.equal(text.slice(sep + 4), JSON.stringify(sent[i]));
  }
  for (let i = 0; i < 50 && got.length < sent.length; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, JSON.parse(JSON.stringify(sent)));
  reader.dispose();
  writer.dispose();
});

test('stdio server: console output goes to the client as log messages, never onto the protocol stream', { timeout: 60_000 }, async () => {
  const ws = makeWorkspace({ 'a.py': 'import logfire\nlogfire.info("Failover: {from_model} → {to_model}", from_model=a, to_model=b)\n' });
  // code in the server process that writes to the console (as a dependency might)
  const preload = path.join(ws, 'noisy.cjs');
  fs.writeFileSync(preload, "setTimeout(() => { console.log('noisy log', { n: 1 }); console.info('noisy info'); console.error('noisy error'); }, 0);\n");
  const { client } = await TestClient.start({ workspace: ws, nodeArgs: ['-r', preload], settings: { receiver: { autoStart: false } } });
  try {
    const uri = await client.open('a.py', 'python');
    const diags = await client.diagnostics(uri, 1);
    assert.ok(diags.some((d) => d.code === 'TL001'), 'the protocol still works');
    const logs = () => client.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { type: number; message: string }));
    for (let i = 0; i < 100 && !logs().some((l) => l.message.includes('noisy error')); i++) await new Promise((r) => setTimeout(r, 20));
    const got = logs();
    assert.ok(got.some((l) => l.message === "noisy log { n: 1 }" && l.type === 4), JSON.stringify(got));
    assert.ok(got.some((l) => l.message === 'noisy info' && l.type === 4));
    assert.ok(got.some((l) => l.message === 'noisy error' && l.type === 1));
  } finally {
    assert.equal(await client.stop(), 0, 'clean exit after shutdown/exit');
    fs.rmSync(ws, { recursive: true, force: true });
  }
});

test('IPC server (as the VS Code client starts it): diagnostics, edits and a clean exit over Node IPC', { timeout: 60_000 }, async () => {
  const ws = makeWorkspace({ 'a.py': 'import logfire\nlogfire.info("Failover: {from_model} → {to_model}", from_model=a, to_model=b)\n' });
  const { client } = await TestClient.start({ workspace: ws, transport: 'ipc', nodeArgs: [...SERVER_NODE_ARGS], settings: { receiver: { autoStart: false } } });
  try {
    assert.notEqual(client.proc.channel, undefined, 'spoken over the IPC channel');
    const uri = await client.open('a.py', 'python');
    assert.ok((await client.diagnostics(uri, 1)).some((d) => d.code === 'TL001'));
    // fix the template: the TL001 finding goes away in the next version's publication
    const fixed = 'Failover triggered: {from_model} → {to_model} ({error_type})';
    const old = 'Failover: {from_model} → {to_model}';
    const at = 'logfire.info("'.length;
    const v = await client.change(uri, [{ range: { start: { line: 1, character: at }, end: { line: 1, character: at + old.length } }, text: fixed }]);
    const after = await client.diagnostics(uri, v);
    assert.ok(!after.some((d) => d.code === 'TL001'), JSON.stringify(after));
  } finally {
    assert.equal(await client.stop(), 0, 'clean exit after shutdown/exit');
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
