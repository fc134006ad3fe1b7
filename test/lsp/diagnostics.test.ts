// Diagnostics over the real protocol: the bundled server spawned with --stdio, a real JSON-RPC client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CodeAction, CodeActionRequest, DiagnosticSeverity, DiagnosticTag, DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol';
import { LintWorkspace } from '../../protocol/protocol';
import { SEED_PY, SCHEMA_YAML, SHOP_PY } from './fixtures';
import { applyEdits, makeWorkspace, TestClient } from './client';

const NO_RECEIVER = { receiver: { autoStart: false } };

test('workspace lint on start: closed files get diagnostics; .gitignore and files.exclude are honoured; progress is reported', async () => {
  const ws = makeWorkspace({
    'agents/route.py': SEED_PY,
    'ignored/gen.py': SEED_PY,
    'build/out.py': SEED_PY,
    'web/client.ts': `import * as logfire from '@pydantic/logfire-node';\nlogfire.info('Workload routing: {agent} → {workload} → {model}', { agent: 'a', workload: 'CODING' });\n`,
    '.gitignore': 'ignored/\n',
  });
  const { client } = await TestClient.start({ workspace: ws, settings: NO_RECEIVER, files: { exclude: { '**/build': true } } });
  try {
    const d = await client.diagnostics(client.uri('agents/route.py'));
    const tl007 = d.find((x) => x.code === 'TL007');
    assert.ok(tl007, `TL007 for the placeholder without attribute: ${JSON.stringify(d)}`);
    assert.equal(tl007.source, 'Telemetry Lens');
    assert.equal(tl007.range.start.line, 5);
    // the lint request waits for the running pass and reports the totals
    const summary = await client.conn.sendRequest(LintWorkspace);
    assert.equal(client.latest(client.uri('web/client.ts'))?.some((x) => x.code === 'TL007'), true, 'TypeScript files are linted too');
    assert.equal(summary.files, 2, 'route.py and client.ts; the ignored and excluded files are not linted');
    assert.equal(client.latest(client.uri('ignored/gen.py')), undefined, '.gitignore respected');
    assert.equal(client.latest(client.uri('build/out.py')), undefined, 'files.exclude respected');
    const kinds = client.progress.map((p) => (p as { value: { kind: string } }).value.kind);
    assert.ok(kinds.includes('begin') && kinds.includes('end'), `workDoneProgress begin/end: ${kinds}`);
    // file watchers and configuration were registered dynamically
    const methods = client.registrations.map((r) => (r as { method: string }).method);
    assert.ok(methods.includes('workspace/didChangeWatchedFiles'));
    const watchers = (client.registrations.find((r) => (r as { method: string }).method === 'workspace/didChangeWatchedFiles') as {
      registerOptions: { watchers: { globPattern: string }[] };
    }).registerOptions.watchers.map((w) => w.globPattern);
    assert.ok(watchers.some((g) => g.includes('py') && g.includes('tsx')));
    assert.ok(watchers.some((g) => g.includes('telemetry.schema')));
  } finally {
    await client.stop();
  }
});

test('open document: code, source, severity, doc link, rule in data (fixes come with code actions); an edit that fixes the call clears it', async () => {
  const ws = makeWorkspace({ 'route.py': SEED_PY });
  const { client } = await TestClient.start({ workspace: ws, settings: NO_RECEIVER });
  try {
    const uri = await client.open('route.py', 'python');
    const d = await client.diagnostics(uri, 1);
    const tl007 = d.find((x) => x.code === 'TL007')!;
    assert.ok(tl007);
    assert.equal(tl007.severity, DiagnosticSeverity.Error);
    assert.match(tl007.message, /\{model\}/);
    assert.ok(tl007.codeDescription?.href.endsWith('TL007.md'), `doc link: ${tl007.codeDescription?.href}`);
    assert.ok(fs.existsSync(new URL(tl007.codeDescription!.href)), 'the linked doc exists');
    const data = tl007.data as { rule: string; fixes?: unknown };
    assert.equal(data.rule, 'placeholder-without-attribute');
    assert.equal(data.fixes, undefined, 'fixes do not travel with every publication');
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: tl007.range,
      context: { diagnostics: [tl007] },
    })) as CodeAction[];
    assert.ok(actions.some((a) => a.isPreferred && a.diagnostics?.[0]?.code === 'TL007'), 'a preferred quick fix is offered for it');
    // rename {model} → {orchestrated_model}: line 5, the placeholder range of the diagnostic
    const v = await client.change(uri, [{ range: tl007.range, text: 'orchestrated_model' }]);
    const after = await client.diagnostics(uri, v);
    assert.equal(after.some((x) => x.code === 'TL007'), false, JSON.stringify(after));
  } finally {
    await client.stop();
  }
});

test('rapid edits: every publication carries a version, versions never go backwards, the last one matches the text', async () => {
  const ws = makeWorkspace({ 'route.py': SEED_PY });
  const { client } = await TestClient.start({ workspace: ws, settings: NO_RECEIVER });
  try {
    const uri = await client.open('route.py', 'python');
    await client.diagnostics(uri, 1);
    const from = client.published.length;
    // type ", model=m1" one character at a time after `default_model=m2,` (line 9) without waiting
    const line = 9;
    const base = '        default_model=m2,'.length;
    const typed = ' model=m1,';
    let last = 0;
    for (let i = 0; i < typed.length; i++) {
      last = await client.change(uri, [{ range: { start: { line, character: base + i }, end: { line, character: base + i } }, text: typed[i] }]);
    }
    const final = await client.diagnostics(uri, last, from);
    assert.equal(final.some((x) => x.code === 'TL007'), false, 'model= now present');
    const versions = client.published.slice(from).filter((p) => p.params.uri === uri).map((p) => p.params.version!);
    assert.ok(versions.every((v, i) => i === 0 || v >= versions[i - 1]), `monotonic: ${versions}`);
    assert.ok(versions.length <= typed.length, 'bursts are coalesced, never more publications than edits');
    // let any straggler arrive: nothing older than the last version is published afterwards
    await new Promise((r) => setTimeout(r, 300));
    const tail = client.published.slice(from).filter((p) => p.params.uri === uri).map((p) => p.params.version!);
    assert.equal(tail.at(-1), last);
  } finally {
    await client.stop();
  }
});

test('deprecated attributes are tagged; files created and deleted on disk are picked up through watched-file events', async () => {
  const ws = makeWorkspace({ 'telemetry.schema.yaml': SCHEMA_YAML, 'shop.py': SHOP_PY });
  const { client } = await TestClient.start({ workspace: ws, settings: NO_RECEIVER });
  try {
    await client.conn.sendRequest(LintWorkspace);
    assert.deepEqual(client.latest(client.uri('shop.py')) ?? [], [], 'the fixture conforms to its schema (nothing published for clean files)');
    const file = path.join(ws, 'legacy.py');
    fs.writeFileSync(file, 'import logfire\nlogfire.info("Order placed: {order_id}", order_id=1, legacy_ref="x")\n');
    const from = client.published.length;
    await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(file).toString(), type: FileChangeType.Created }] });
    const d = await client.diagnostics(pathToFileURL(file).toString(), undefined, from);
    const dep = d.find((x) => x.code === 'TL003');
    assert.ok(dep, JSON.stringify(d));
    assert.deepEqual(dep.tags, [DiagnosticTag.Deprecated]);
    fs.unlinkSync(file);
    const from2 = client.published.length;
    await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(file).toString(), type: FileChangeType.Deleted }] });
    assert.deepEqual(await client.diagnostics(pathToFileURL(file).toString(), undefined, from2), []);
  } finally {
    await client.stop();
  }
});

test('telemetry-lens lsp --stdio (dist/server/cli.js) serves the same diagnostics', async () => {
  const ws = makeWorkspace({ 'route.py': SEED_PY });
  const { client, init } = await TestClient.start({ workspace: ws, settings: NO_RECEIVER, viaCli: true });
  try {
    assert.equal(init.serverInfo?.name, 'telemetry-lens');
    const uri = await client.open('route.py', 'python');
    const d = await client.diagnostics(uri, 1);
    assert.ok(d.some((x) => x.code === 'TL007'));
  } finally {
    assert.equal(await client.stop(), 0, 'clean exit after shutdown/exit');
  }
});

test('large documents: each keystroke is answered once, exactly, and its quick fix applies', async () => {
  const body: string[] = ['import logfire', ''];
  for (let i = 0; body.length < 1700; i++) {
    body.push(`def f${i}(o):`, '    o = o + 1', `    logfire.info("Order placed: {order_id}", order_id=o)`, '    return o', '');
  }
  const ws = makeWorkspace({ 'telemetry.schema.yaml': SCHEMA_YAML, 'big.py': body.join('\n') + '\n' });
  const { client } = await TestClient.start({ workspace: ws, settings: NO_RECEIVER });
  try {
    const uri = await client.open('big.py', 'python');
    assert.deepEqual(await client.diagnostics(uri, 1), []);
    // turn the template of the call in f200 into a near miss (TL001)
    const line = body.indexOf('def f200(o):') + 2;
    const col = body[line].indexOf('placed');
    const from = client.published.length;
    const v = await client.change(uri, [{ range: { start: { line, character: col }, end: { line, character: col + 6 } }, text: 'place' }]);
    const diags = await client.diagnostics(uri, v, from);
    assert.deepEqual(diags.map((d) => `${d.code}@${d.range.start.line}`), [`TL001@${line}`]);
    // no second publication of that version follows (the incremental lint is the exact one)
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(client.published.slice(from).filter((p) => p.params.uri === uri && p.params.version === v).length, 1);
    // the quick fix (computed when asked) restores the template
    const acts = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diags[0].range, context: { diagnostics: [diags[0]] } })) as CodeAction[];
    const preferred = acts.find((a) => a.isPreferred);
    assert.ok(preferred, JSON.stringify(acts.map((a) => a.title)));
    const dc = preferred.edit?.documentChanges?.[0];
    assert.ok(dc && 'edits' in dc);
    const edited = body.map((l, i) => (i === line ? l.replace('placed', 'place') : l)).join('\n') + '\n';
    assert.equal(applyEdits(edited, dc.edits), body.join('\n') + '\n');
  } finally {
    await client.stop();
  }
});
