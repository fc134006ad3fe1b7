// Code actions (applied and compared), hover, completion, go to definition and find references over LSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  HoverRequest,
  ReferencesRequest,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type Location,
  type MarkupContent,
  type TextEdit,
} from 'vscode-languageserver-protocol';
import { FindCallSites, LintWorkspace } from '../../protocol/protocol';
import { applyEdits, makeWorkspace, TestClient } from './client';
import { SCHEMA_YAML, SEED_PY, SHOP_PY } from './fixtures';

const NO_RECEIVER = { receiver: { autoStart: false } };

function editsOf(a: CodeAction): TextEdit[] {
  const dc = a.edit?.documentChanges?.[0];
  assert.ok(dc && 'edits' in dc, `action ${a.title} carries a text document edit`);
  return dc.edits as TextEdit[];
}

async function actions(client: TestClient, uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return (await client.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range,
    context: { diagnostics, ...(only ? { only } : {}) },
  })) as CodeAction[];
}

test('code actions: preferred quick fix, fix all in file, disable for this line, source.fixAll', async () => {
  const twice = `${SEED_PY}\n\ndef again(a, w, m1, m2):\n    logfire.info("Workload routing: {agent} → {workload} → {model}", agent=a, workload=w, orchestrated_model=m1, default_model=m2)\n`;
  const ws = makeWorkspace({ 'route.py': twice });
  const { client } = await TestClient.start({ workspace: ws, settings: NO_RECEIVER });
  try {
    const uri = await client.open('route.py', 'python');
    const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'TL007');
    assert.equal(diags.length, 2, 'both calls miss `model`');

    const acts = await actions(client, uri, [diags[0]]);
    const preferred = acts.find((a) => a.isPreferred);
    assert.ok(preferred, `a preferred fix among ${acts.map((a) => a.title)}`);
    const fixed = applyEdits(twice, editsOf(preferred));
    assert.match(fixed.split('\n').slice(4, 12).join('\n'), /model=m1/);
    // applying the fix and re-linting leaves one TL007 (the other call)
    const v = await client.change(uri, [{ text: fixed }]);
    assert.equal((await client.diagnostics(uri, v)).filter((d) => d.code === 'TL007').length, 1);
    const v2 = await client.change(uri, [{ text: twice }]);
    const again = (await client.diagnostics(uri, v2)).filter((d) => d.code === 'TL007');

    const all = (await actions(client, uri, [again[0]])).find((a) => a.title === 'Fix all TL007 problems in file');
    assert.ok(all, 'fix-all offered when the file has the problem twice');
    const allFixed = applyEdits(twice, editsOf(all));
    const v3 = await client.change(uri, [{ text: allFixed }]);
    assert.equal((await client.diagnostics(uri, v3)).some((d) => d.code === 'TL007'), false, allFixed);

    const v4 = await client.change(uri, [{ text: twice }]);
    const fresh = (await client.diagnostics(uri, v4)).filter((d) => d.code === 'TL007');
    const disable = (await actions(client, uri, [fresh[1]])).find((a) => a.title === 'Disable TL007 for this line');
    assert.ok(disable);
    const disabled = applyEdits(twice, editsOf(disable));
    assert.match(disabled.split('\n')[fresh[1].range.start.line], /# telemetry-lens: ignore\[TL007\]$/);
    const v5 = await client.change(uri, [{ text: disabled }]);
    assert.equal((await client.diagnostics(uri, v5)).filter((d) => d.code === 'TL007').length, 1, 'the disabled line is silent, the other still reported');

    const source = await actions(client, uri, [], ['source.fixAll']);
    const fixAll = source.find((a) => a.kind === 'source.fixAll.telemetryLens');
    assert.ok(fixAll, JSON.stringify(source.map((a) => a.kind)));
    const v6 = await client.change(uri, [{ text: applyEdits(disabled, editsOf(fixAll)) }]);
    assert.equal((await client.diagnostics(uri, v6)).some((d) => d.code === 'TL007'), false);
    // no quick fixes are offered when only source actions are asked for
    assert.equal(source.some((a) => a.kind === 'quickfix'), false);
  } finally {
    await client.stop();
  }
});

test('hover: event doc with attributes, allowed values and health checks; attribute hover; near misses', async () => {
  const ws = makeWorkspace({
    'telemetry.schema.yaml': SCHEMA_YAML,
    'shop.py': `${SHOP_PY}\n\ndef typo(o):\n    logfire.info("Order place: {order_id}", order_id=o)\n`,
  });
  const { client } = await TestClient.start({ workspace: ws, settings: NO_RECEIVER });
  try {
    const uri = await client.open('shop.py', 'python');
    await client.diagnostics(uri, 1);
    const hover = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 20 } });
    const md = (hover?.contents as MarkupContent).value;
    assert.match(md, /Order placed: \{order_id\}/);
    assert.match(md, /`info`/);
    assert.match(md, /\| `channel` \| enum \| no \| `web`, `app`, `phone` \|/);
    assert.match(md, /\| `order_id` \| string \| yes \|/);
    assert.match(md, /Queried by health checks: \*\*Orders per hour\*\*/);
    assert.match(md, /telemetry\.schema\.yaml:3/);
    const attr = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 4, character: 64 } });
    assert.match((attr?.contents as MarkupContent).value, /\*\*channel\*\*: `enum` · optional/);
    const miss = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 12, character: 22 } });
    assert.match((miss?.contents as MarkupContent).value, /Did you mean:\n- `Order placed: \{order_id\}`/);
    const none = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 2 } });
    assert.equal(none, null);
  } finally {
    await client.stop();
  }
});

function labels(r: CompletionList | CompletionItem[] | null): string[] {
  const items = Array.isArray(r) ? r : (r?.items ?? []);
  return items.map((i) => i.label);
}
function item(r: CompletionList | CompletionItem[] | null, label: string): CompletionItem {
  const items = Array.isArray(r) ? r : (r?.items ?? []);
  const it = items.find((i) => i.label === label);
  assert.ok(it, `completion ${label} in ${items.map((i) => i.label)}`);
  return it;
}

test('completion: event templates with attribute snippets, missing attribute keywords, enum values', async () => {
  const src = [
    'import logfire',
    '',
    'def a(o):',
    '    logfire.info("")',
    '    logfire.info("Order placed: {order_id}", order_id=o, )',
    '    logfire.info("Order placed: {order_id}", order_id=o, channel="")',
    '    logfire.error("payment.failed", reason=)',
    '',
  ].join('\n');
  const ws = makeWorkspace({ 'telemetry.schema.yaml': SCHEMA_YAML, 'c.py': src, 'c.ts': "import * as logfire from 'logfire';\nlogfire.info('', {});\n" });
  const { client } = await TestClient.start({ workspace: ws, settings: NO_RECEIVER });
  try {
    const uri = await client.open('c.py', 'python');
    await client.diagnostics(uri, 1);
    const templates = await client.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 3, character: 18 } });
    assert.deepEqual(labels(templates), ['Order placed: {order_id}', 'payment.failed']);
    const order = item(templates, 'Order placed: {order_id}');
    const edit = order.textEdit as TextEdit;
    assert.equal(edit.newText, '"Order placed: {order_id\\}", order_id=${1:order_id}');
    assert.equal(order.insertTextFormat, 2);
    assert.deepEqual(edit.range, { start: { line: 3, character: 17 }, end: { line: 3, character: 19 } });

    const attrs = await client.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 4, character: 58 } });
    assert.deepEqual(labels(attrs).sort(), ['channel', 'legacy_ref']);
    const channel = item(attrs, 'channel');
    assert.equal(channel.insertText, 'channel=${1}');
    assert.match(String(channel.detail), /^enum · e?.*web/);

    const values = await client.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 5, character: 67 } });
    assert.deepEqual(labels(values), ['web', 'app', 'phone']);
    assert.equal((item(values, 'app').textEdit as TextEdit).newText, 'app');

    const bare = await client.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 6, character: 43 } });
    assert.deepEqual(labels(bare), ['declined', 'timeout']);
    assert.equal((item(bare, 'timeout').textEdit as TextEdit).newText, '"timeout"');

    const ts = await client.open('c.ts', 'typescript');
    await client.diagnostics(ts, 1);
    const tsItems = await client.conn.sendRequest(CompletionRequest.type, { textDocument: { uri: ts }, position: { line: 1, character: 14 } });
    assert.ok(labels(tsItems).includes('payment.failed'));
    assert.equal((item(tsItems, 'payment.failed').textEdit as TextEdit).newText, "'payment.failed'", 'the literal is replaced whole; the call already has an attributes object');
  } finally {
    await client.stop();
  }
});

test('definition from a call to the schema entry; references from the schema entry to every call site', async () => {
  const ws = makeWorkspace({
    'telemetry.schema.yaml': SCHEMA_YAML,
    'shop.py': SHOP_PY,
    'more/retry.py': 'import logfire\n\nlogfire.info("Order placed: {order_id}", order_id="x")\n',
    'web/pay.ts': "import * as logfire from '@pydantic/logfire-node';\nlogfire.error('payment.failed', { reason: 'timeout' });\n",
  });
  const { client } = await TestClient.start({ workspace: ws, settings: NO_RECEIVER });
  try {
    await client.conn.sendRequest(LintWorkspace);
    const uri = await client.open('shop.py', 'python');
    await client.diagnostics(uri, 1);
    const schemaUri = client.uri('telemetry.schema.yaml');
    const def = (await client.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: { line: 4, character: 22 } })) as Location;
    assert.equal(def.uri, schemaUri);
    assert.equal(def.range.start.line, 2, 'the `- template:` line of the event');
    const attrDef = (await client.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: { line: 4, character: 47 } })) as Location;
    assert.equal(attrDef.range.start.line, 6, 'the order_id attribute');

    const schemaText = fs.readFileSync(path.join(ws, 'telemetry.schema.yaml'), 'utf8');
    await client.open('telemetry.schema.yaml', 'yaml', schemaText);
    const refs = (await client.conn.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: schemaUri },
      position: { line: 3, character: 8 },
      context: { includeDeclaration: false },
    })) as Location[];
    assert.deepEqual(
      refs.map((r) => `${path.relative(ws, new URL(r.uri).pathname)}:${r.range.start.line}`).sort(),
      ['more/retry.py:2', 'shop.py:4'],
    );
    const payRefs = (await client.conn.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: schemaUri },
      position: { line: 21, character: 6 },
      context: { includeDeclaration: true },
    })) as Location[];
    assert.deepEqual(
      payRefs.map((r) => path.relative(ws, new URL(r.uri).pathname)),
      ['telemetry.schema.yaml', 'shop.py', 'web/pay.ts'],
    );
    const sites = await client.conn.sendRequest(FindCallSites, { eventId: 'payment.failed' });
    assert.equal(sites.length, 2);
  } finally {
    await client.stop();
  }
});
