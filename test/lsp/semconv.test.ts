// The built-in OpenTelemetry semantic conventions and Weaver registries over LSP: diagnostics with
// rename fixes, hover and completion on dotted keys, the settings that turn the layer off.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { CodeActionRequest, CompletionRequest, DidChangeWatchedFilesNotification, FileChangeType, HoverRequest, type CodeAction, type CompletionItem, type CompletionList, type MarkupContent, type TextEdit } from 'vscode-languageserver-protocol';
import { packageRoot } from '../../server/paths';
import { applyEdits, makeWorkspace, TestClient } from './client';

const NO_RECEIVER = { receiver: { autoStart: false } };
const PY = [
  'from opentelemetry import trace',
  'tracer = trace.get_tracer(__name__)',
  'with tracer.start_as_current_span("chat") as span:',
  '    span.set_attribute("gen_ai.usage.prompt_tokens", 3)',
  '    span.set_attribute("gen_ai.usage.",  1)',
  '',
].join('\n');
const TS = [
  "import { trace } from '@opentelemetry/api';",
  "const tracer = trace.getTracer('agent');",
  "tracer.startActiveSpan('chat', { attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.' } }, (span) => span.end());",
  '',
].join('\n');

function items(r: CompletionList | CompletionItem[] | null): CompletionItem[] {
  return Array.isArray(r) ? r : (r?.items ?? []);
}

test('semantic conventions over LSP: TL017 with its rename, hover, key completion in Python and TS', async () => {
  const ws = makeWorkspace({ 'agent.py': PY, 'agent.ts': TS });
  const { client } = await TestClient.start({ workspace: ws, settings: NO_RECEIVER });
  try {
    const uri = await client.open('agent.py', 'python');
    const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'TL017');
    assert.equal(diags.length, 1);
    assert.match(diags[0]!.message, /`gen_ai.usage.prompt_tokens` is deprecated in the OpenTelemetry semantic conventions 1\.41\.1; use `gen_ai.usage.input_tokens`/);
    assert.deepEqual(diags[0]!.tags, [2]);
    const acts = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: diags[0]!.range, context: { diagnostics: diags } })) as CodeAction[];
    const rename = acts.find((a) => a.isPreferred);
    assert.equal(rename?.title, 'Rename `gen_ai.usage.prompt_tokens` to `gen_ai.usage.input_tokens`');
    const dc = rename!.edit!.documentChanges![0]!;
    assert.ok('edits' in dc);
    assert.match(applyEdits(PY, dc.edits as TextEdit[]), /span\.set_attribute\("gen_ai\.usage\.input_tokens", 3\)/);

    // hover: the deprecated key, then a current one with its requirement levels
    const h1 = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 30 } });
    const md1 = (h1?.contents as MarkupContent).value;
    assert.match(md1, /\*\*gen_ai\.usage\.prompt_tokens\*\*: `int` · stability `development`/);
    assert.match(md1, /⚠ Deprecated: use `gen_ai\.usage\.input_tokens`/);
    assert.match(md1, /From the OpenTelemetry semantic conventions 1\.41\.1/);

    // completion inside set_attribute("gen_ai.usage.|")
    const c1 = items(await client.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 4, character: 37 } }));
    const labels = c1.map((i) => i.label);
    assert.ok(labels.includes('gen_ai.usage.input_tokens') && labels.includes('gen_ai.usage.output_tokens'), labels.join(', '));
    assert.ok(labels.every((l) => l.startsWith('gen_ai.usage.')));
    const dep = c1.find((i) => i.label === 'gen_ai.usage.prompt_tokens')!;
    assert.deepEqual(dep.tags, [1]);
    assert.equal(dep.detail, 'int · development · deprecated → gen_ai.usage.input_tokens');
    const input = c1.find((i) => i.label === 'gen_ai.usage.input_tokens')!;
    assert.deepEqual((input.textEdit as TextEdit).range, { start: { line: 4, character: 24 }, end: { line: 4, character: 37 } });

    // TS: inside `attributes: { 'gen_ai.|' }`, and hover with enum values on a key of startActiveSpan
    const turi = await client.open('agent.ts', 'typescript');
    await client.diagnostics(turi, 1);
    const c2 = items(await client.conn.sendRequest(CompletionRequest.type, { textDocument: { uri: turi }, position: { line: 2, character: 89 } }));
    assert.ok(c2.some((i) => i.label === 'gen_ai.provider.name'), c2.map((i) => i.label).slice(0, 10).join(', '));
    assert.ok(c2.every((i) => i.label.startsWith('gen_ai.')));
    const h2 = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: turi }, position: { line: 2, character: 54 } });
    const md2 = (h2?.contents as MarkupContent).value;
    assert.match(md2, /\*\*gen_ai\.request\.model\*\*: `string`/);
    assert.match(md2, /Requirement level: .*required on `/);
  } finally {
    await client.stop();
  }
});

test('telemetryLens.semconv.enabled: false turns the layer off; schemaPath may name a Weaver registry', async () => {
  const ws = makeWorkspace({ 'agent.py': `${PY}    span.set_attribute("acme.legacy_tenant", "t")\n` });
  const registry = path.join(packageRoot(), 'test/fixtures/registries/acme');
  const { client } = await TestClient.start({ workspace: ws, settings: { ...NO_RECEIVER, schemaPath: registry, semconv: { enabled: false } } });
  try {
    const uri = await client.open('agent.py', 'python');
    const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'TL017');
    assert.deepEqual(diags.map((d) => d.message), ['Attribute `acme.legacy_tenant` is deprecated in the registry acme; use `acme.tenant.id`']);
    const h = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 5, character: 28 } });
    const md = (h?.contents as MarkupContent).value;
    assert.match(md, /\*\*acme\.legacy_tenant\*\*: `string` · stability `development`/);
    assert.match(md, /From the registry acme/);
  } finally {
    await client.stop();
  }
});

test('editing a file of the registry used as the schema reloads it', async () => {
  const reg = 'name: mini\n';
  const attrs = (deprecated: boolean) =>
    `groups:\n  - id: registry.mini\n    type: attribute_group\n    attributes:\n      - id: mini.old\n        type: string\n${deprecated ? '        deprecated:\n          reason: renamed\n          renamed_to: mini.new\n' : ''}      - id: mini.new\n        type: string\n`;
  const ws = makeWorkspace({ 'agent.py': `${PY}    span.set_attribute("mini.old", "x")\n`, 'registry/manifest.yaml': reg, 'registry/attrs.yaml': attrs(false) });
  const { client } = await TestClient.start({ workspace: ws, settings: { ...NO_RECEIVER, schemaPath: 'registry' } });
  try {
    const uri = await client.open('agent.py', 'python');
    assert.deepEqual((await client.diagnostics(uri, 1)).filter((d) => d.message.includes('mini.old')), []);
    const file = path.join(ws, 'registry/attrs.yaml');
    fs.writeFileSync(file, attrs(true));
    await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(file).href, type: FileChangeType.Changed }] });
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      found = client.published.filter((p) => p.params.uri === uri).flatMap((p) => p.params.diagnostics.filter((d) => d.code === 'TL017' && d.message.includes('mini.old')).map((d) => d.message));
    }
    assert.deepEqual([...new Set(found)], ['Attribute `mini.old` is deprecated in the registry mini; use `mini.new`']);
  } finally {
    await client.stop();
  }
});
