// The extension manifest against the client code: commands, views, activation, settings, icons,
// and the shipped client bundle staying free of server-only dependencies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS } from '../../protocol/settings';
import { packageRoot } from '../../server/paths';

const root = packageRoot();
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const clientSources = (dir: string): string =>
  fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? clientSources(p) : p.endsWith('.ts') ? fs.readFileSync(p, 'utf8') : '';
  }).join('\n');
const client = clientSources(path.join(root, 'client'));

test('every contributed command is registered by the client and vice versa, all in the Telemetry Lens category', () => {
  const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);
  const table = fs.readFileSync(path.join(root, 'client/commands.ts'), 'utf8');
  const registered = [...table.matchAll(/^\s*\['(telemetryLens\.[A-Za-z.]+)'/gm)].map((m) => m[1]);
  assert.deepEqual([...registered].sort(), [...contributed].sort());
  assert.equal(new Set(contributed).size, contributed.length, 'no duplicate command ids');
  for (const c of pkg.contributes.commands) assert.equal(c.category, 'Telemetry Lens', c.command);
  for (const required of ['lintWorkspace', 'createSchema', 'openSchema', 'showOutput', 'runHealthChecks', 'runQuery', 'traceAgentRun', 'openTrace',
    'setLogfireToken', 'clearLogfireToken', 'switchBackend', 'startReceiver', 'stopReceiver', 'clearLocalData', 'runDemo', 'restartServer']) {
    assert.ok(contributed.includes(`telemetryLens.${required}`), required);
  }
  // Menus only name contributed commands.
  for (const [where, items] of Object.entries(pkg.contributes.menus as Record<string, { command: string }[]>)) {
    for (const i of items) assert.ok(contributed.includes(i.command), `${where}: ${i.command}`);
  }
});

test('views live in the Telemetry Lens activity bar container and the client provides each of them', () => {
  const [container] = pkg.contributes.viewsContainers.activitybar;
  assert.equal(container.id, 'telemetryLens');
  assert.ok(fs.existsSync(path.join(root, container.icon)), container.icon);
  const views = pkg.contributes.views.telemetryLens as { id: string; type?: string }[];
  assert.deepEqual(views.map((v) => v.id), ['telemetryLens.health', 'telemetryLens.runs', 'telemetryLens.events']);
  assert.equal(views[0].type, 'webview');
  for (const v of views) assert.ok(client.includes(`'${v.id}'`), `client code names ${v.id}`);
});

test('activation is limited to the relevant languages, the schema file, the views and the commands', () => {
  const ev: string[] = pkg.activationEvents;
  for (const lang of ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact']) assert.ok(ev.includes(`onLanguage:${lang}`), lang);
  assert.ok(ev.includes('workspaceContains:**/telemetry.schema.{yaml,yml,json}'));
  assert.ok(!ev.includes('*') && !ev.includes('onStartupFinished'), 'no eager activation');
  for (const e of ev) assert.match(e, /^(onLanguage|workspaceContains|onView|onCommand|onWebviewPanel):/);
});

test('contributed settings are exactly DEFAULT_SETTINGS with matching defaults and types', () => {
  const props = pkg.contributes.configuration.properties as Record<string, { type: string; default: unknown; description?: string; markdownDescription?: string }>;
  assert.deepEqual(Object.keys(props).sort(), Object.keys(DEFAULT_SETTINGS).map((k) => `telemetryLens.${k}`).sort());
  for (const [k, def] of Object.entries(DEFAULT_SETTINGS)) {
    const p = props[`telemetryLens.${k}`];
    assert.deepEqual(p.default, def, k);
    const t = Array.isArray(def) ? 'array' : typeof def === 'object' ? 'object' : typeof def === 'number' ? (Number.isInteger(def) ? 'integer' : 'number') : typeof def;
    assert.equal(p.type, t, `${k} type`);
    assert.ok(p.description || p.markdownDescription, `${k} has a description`);
  }
});

test('the marketplace icon is a 128×128 PNG and the grammar and schema validation point at shipped paths', () => {
  const png = fs.readFileSync(path.join(root, pkg.icon));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.equal(png.readUInt32BE(16), 128);
  assert.equal(png.readUInt32BE(20), 128);
  const [grammar] = pkg.contributes.grammars;
  assert.equal(grammar.scopeName, 'telemetry-lens.template.injection');
  assert.deepEqual(grammar.injectTo, ['source.python', 'source.ts', 'source.tsx', 'source.js', 'source.js.jsx']);
  assert.equal(pkg.contributes.jsonValidation[0].url, './schema/telemetry.schema.json');
  assert.equal(pkg.contributes.yamlValidation[0].url, './schema/telemetry.schema.json');
});

test('the bundled client keeps server-only dependencies out of the extension host', () => {
  const bundle = path.join(root, 'dist/client/extension.js');
  assert.ok(fs.existsSync(bundle), 'npm run build produced dist/client/extension.js');
  const js = fs.readFileSync(bundle, 'utf8');
  for (const heavy of ['@duckdb/node-api', 'web-tree-sitter', 'libpg-query', 'protobufjs', 'chart.js']) {
    assert.ok(!js.includes(`require("${heavy}")`) && !js.includes(`node_modules/${heavy}/`), `${heavy} is not in the client bundle`);
  }
  assert.ok(js.includes('require("vscode")'), 'vscode stays external');
  // The HTML builder and formatters are shared with the browser tests and webview bundles.
  for (const f of ['client/webview/html.ts', 'protocol/format.ts', 'client/history.ts', 'client/throttle.ts']) {
    assert.ok(!/from ['"]vscode['"]/.test(fs.readFileSync(path.join(root, f), 'utf8')), `${f} does not import vscode`);
  }
});
