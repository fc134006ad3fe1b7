// Weaver registries as schemas: hand-written registries (a two-registry dependency, a deprecated
// attribute with a rename, templates, closed and open enums) through the real loader and linter.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { lintSource } from '../../server/lint/linter';
import { packageRoot } from '../../server/paths';
import { loadSchemaFile } from '../../server/schema/loader';
import { loadRegistry } from '../../server/schema/registry';
import { registryLookup, semconvLayer } from '../../server/schema/semconv';

const dir = (name: string) => path.join(packageRoot(), 'test/fixtures/registries', name);
const PY = 'from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\n';

describe('Weaver registry loader', () => {
  test('a registry with a dependency: refs, extends, imports, types, deprecations', () => {
    const r = loadRegistry(dir('app'));
    assert.deepEqual(r.errors, []);
    assert.equal(r.name, 'app');
    // Own spans, and the dependency's events only where imported (acme.* events), not its spans.
    assert.deepEqual(r.events.map((e) => `${e.kind} ${e.name}`).sort(), ['log acme.audit', 'span agent.run']);
    const run = r.events.find((e) => e.name === 'agent.run')!;
    const levels = Object.fromEntries(run.attributes.map((a) => [a.name, a.requirement ?? 'recommended']));
    // extends attributes.acme.common (from the dependency) + its own refs
    assert.deepEqual(levels, { 'acme.tenant.id': 'required', 'acme.tier': 'recommended', 'app.step': 'conditionally_required', 'app.mode': 'opt_in' });
    assert.equal(run.attributes.find((a) => a.name === 'acme.tenant.id')!.required, true);
    // The lookup: own definitions, and the dependency's attributes the registry references.
    const get = (k: string) => registryLookup(r.attributes).get(k);
    assert.equal(get('app.ratio')?.type, 'float');
    assert.deepEqual([get('app.tags')?.type, get('app.tags')?.items], ['array', 'string']);
    assert.deepEqual([get('app.mode')?.type, get('app.mode')?.open], ['enum', true]);
    assert.deepEqual([get('acme.tier')?.allowed, get('acme.tier')?.open], [['free', 'pro'], false]);
    assert.equal(get('acme.tenant.id')?.stability, 'stable');
    // Not referenced by the app registry: not part of it (Weaver resolves dependencies on reference).
    assert.equal(get('acme.legacy_tenant'), undefined);
  });

  test('the dependency itself: deprecated with renamed_to, template attributes', () => {
    const r = loadRegistry(dir('acme'));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(registryLookup(r.attributes).get('acme.legacy_tenant')?.deprecated, { reason: 'renamed', replacement: 'acme.tenant.id' });
    const t = registryLookup(r.attributes).get('acme.header.x_request_id');
    assert.equal(t?.name, 'acme.header');
    assert.equal(t?.template, true);
    assert.deepEqual(r.events.map((e) => e.name).sort(), ['acme.audit', 'acme.internal']);
  });

  test('problems carry file, line and column', () => {
    const r = loadRegistry(dir('broken'));
    const show = r.errors.map((e) => `${path.basename(e.file)}:${e.line + 1}:${e.character + 1} ${e.message}`);
    const has = (re: RegExp) => assert.ok(show.some((s) => re.test(s)), `no error like ${re} in\n${show.join('\n')}`);
    has(/^manifest\.yaml:4:20 registry_path .* is remote/);
    has(/^manifest\.yaml:6:20 dependency registry '\.\/nowhere' not found/);
    has(/^bad\.yaml:6:15 unknown type 'integer' for 'bad\.count'/);
    has(/^bad\.yaml:7:9 attribute 'nothing\.here' is not defined in this registry or its dependencies/);
    has(/^bad\.yaml:10:14 group 'span\.bad' extends 'attributes\.missing', which is not defined/);
    has(/^syntax\.yaml:4:\d+ YAML syntax error/);
  });

  test("Weaver's version 2 files: attributes by key, attribute groups, spans by type with ref_group", () => {
    const r = loadRegistry(dir('v2'));
    assert.deepEqual(r.errors, []);
    const span = r.events.find((e) => e.name === 'shop.checkout');
    assert.equal(span?.kind, 'span');
    assert.deepEqual(span?.attributes.map((a) => `${a.name}:${a.requirement ?? '-'}`), ['shop.order.id:required', 'shop.channel:-']);
    assert.deepEqual(registryLookup(r.attributes).get('shop.channel')?.allowed, ['web', 'app']);
  });

  test('a circular dependency is an error, not a hang', () => {
    const r = loadRegistry(dir('loop-a'));
    assert.ok(r.errors.some((e) => /circular registry dependency: loop-a → loop-b → loop-a/.test(e.message)), JSON.stringify(r.errors));
  });
});

describe('registries wherever a schema is', () => {
  test('a registry directory is a schema: lint findings from its requirement levels, types, enums', async () => {
    const { schema, errors } = loadSchemaFile(dir('app'));
    assert.deepEqual(errors, []);
    const source = `${PY}with tracer.start_as_current_span("agent.run", attributes={"acme.tier": "gold", "app.ratio": "high"}):\n    pass\n`;
    const r = await lintSource({ source, language: 'python', filePath: 'a.py', schema });
    const got = r.findings.map((f) => `${f.code} ${f.severity} ${f.message}`).sort();
    assert.deepEqual(got, [
      'TL002 info Missing conditionally required attribute `app.step` for event `agent.run`',
      'TL002 warning Missing required attribute `acme.tenant.id` for event `agent.run`',
      // app.ratio is not listed for the span, but the registry defines it: typed, not unknown (no TL003).
      "TL004 error Attribute `app.ratio` (registry app) should be float, got str `\"high\"`",
      "TL005 warning Value `\"gold\"` of attribute `acme.tier` for event `agent.run` is not an allowed value (expected one of 'free', 'pro')",
    ]);
  });

  test('a deprecated registry attribute gets TL017 with the rename', async () => {
    const { schema } = loadSchemaFile(dir('acme'));
    const source = `${PY}with tracer.start_as_current_span("work") as span:\n    span.set_attribute("acme.legacy_tenant", tid)\n`;
    const r = await lintSource({ source, language: 'python', filePath: 'a.py', schema });
    const f = r.findings.find((x) => x.code === 'TL017');
    assert.equal(f?.message, 'Attribute `acme.legacy_tenant` is deprecated in the registry acme; use `acme.tenant.id`');
    assert.deepEqual(f?.fixes.map((x) => x.edits[0]!.newText), ['acme.tenant.id']);
  });

  test('registries: in telemetry.schema.yaml layers the project schema over them', async () => {
    const { schema, errors } = loadSchemaFile(path.join(dir('layered'), 'telemetry.schema.yaml'));
    assert.deepEqual(errors, []);
    // The project's agent.run wins over the registry's; the registry's acme.audit is added.
    assert.deepEqual(schema.events.map((e) => e.name), ['agent.run', 'plan.ready', 'acme.audit']);
    assert.equal(schema.events[0]!.attributes.length, 1);
    assert.equal(schema.registries?.length, 1);
    // Registry attributes still type dotted keys the project event leaves open.
    const source = `${PY}with tracer.start_as_current_span("agent.run", attributes={"app.step": 1, "acme.tenant.id": 7}):\n    pass\n`;
    const r = await lintSource({ source, language: 'python', filePath: 'a.py', schema });
    assert.deepEqual(r.findings.filter((f) => f.code === 'TL004').map((f) => f.message), ['Attribute `acme.tenant.id` (registry app) should be str, got int `7`']);
  });

  test('a registries: entry that is not a directory is a positioned error', () => {
    const { loadSchemaFromText } = require('../../server/schema/loader') as typeof import('../../server/schema/loader');
    const r = loadSchemaFromText('version: 1\nregistries:\n  - ./missing\n', path.join(dir('layered'), 'x.yaml'));
    assert.equal(r.errors.length, 1);
    assert.deepEqual([r.errors[0]!.line, r.errors[0]!.character], [2, 4]);
    assert.match(r.errors[0]!.message, /registry '\.\/missing' is not a directory/);
  });

  test('a registry schema survives the copy to lint worker threads', async () => {
    const { schema } = loadSchemaFile(dir('acme'));
    const copy = structuredClone(schema);
    const source = `${PY}with tracer.start_as_current_span("work") as span:\n    span.set_attribute("acme.legacy_tenant", tid)\n`;
    const r = await lintSource({ source, language: 'python', filePath: 'a.py', schema: copy });
    assert.deepEqual(r.ruleErrors, []);
    assert.deepEqual(r.findings.map((f) => f.code), ['TL017']);
  });

  test('registry layers come before the built-in conventions', async () => {
    const { schema } = loadSchemaFile(dir('app'));
    const source = `${PY}with tracer.start_as_current_span("x") as span:\n    span.set_attribute("gen_ai.usage.prompt_tokens", 1)\n`;
    const on = await lintSource({ source, language: 'python', filePath: 'a.py', schema });
    assert.deepEqual(on.findings.map((f) => f.code), ['TL017']);
    const off = await lintSource({ source, language: 'python', filePath: 'a.py', schema, settings: { semconv: { enabled: false } } });
    assert.deepEqual(off.findings.map((f) => f.code), []);
  });
});

describe('built-in semantic conventions', () => {
  test('releases load with the GenAI, HTTP, DB, RPC, messaging, exception/error, code and service namespaces', () => {
    const l = semconvLayer('1.41.1')!;
    assert.equal(l.release, '1.41.1');
    for (const k of ['gen_ai.usage.input_tokens', 'http.request.method', 'db.query.text', 'rpc.method', 'messaging.system', 'exception.type', 'error.type', 'code.function.name', 'service.name']) assert.ok(l.get(k), k);
    assert.deepEqual(l.get('gen_ai.system')?.deprecated, { reason: 'renamed', replacement: 'gen_ai.provider.name' });
    assert.equal(l.get('http.request.header.x-forwarded-for')?.name, 'http.request.header');
    assert.ok(l.usedBy('gen_ai.operation.name').some((u) => u.level === 'required'));
    assert.ok(l.withPrefix('gen_ai.usage.').some((a) => a.name === 'gen_ai.usage.output_tokens'));
    // 1.44.0: the GenAI conventions moved out; the old names remain as deprecated entries.
    assert.ok(semconvLayer('1.44.0')!.get('gen_ai.usage.prompt_tokens')?.deprecated);
    // 1.44.0 defines some namespaces in Weaver's version 2 format (server.* among them)
    assert.equal(semconvLayer('1.44.0')!.get('server.address')?.type, 'string');
    assert.equal(semconvLayer('0.0.1'), undefined);
  });
});

describe('telemetry-lens lint with registries and the built-in conventions', () => {
  const CLI = path.join(packageRoot(), 'dist', 'server', 'cli.js');
  const run = (args: string[], cwd: string) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-semconv-'));
  fs.writeFileSync(
    path.join(tmp, 'agent.py'),
    `${PY}with tracer.start_as_current_span("work") as span:\n    span.set_attribute("acme.legacy_tenant", tid)\n    span.set_attribute("gen_ai.usage.prompt_tokens", 3)\n`,
  );

  test('--schema DIR reads a Weaver registry; the built-in conventions apply unless --no-semconv', () => {
    const r = run(['lint', '--schema', dir('acme'), '--format', 'json', 'agent.py'], tmp);
    assert.equal(r.stderr, '');
    const found = (JSON.parse(r.stdout) as { code: string; message: string }[]).map((f) => `${f.code} ${f.message}`);
    assert.deepEqual(found, [
      'TL017 Attribute `acme.legacy_tenant` is deprecated in the registry acme; use `acme.tenant.id`',
      'TL017 Attribute `gen_ai.usage.prompt_tokens` is deprecated in the OpenTelemetry semantic conventions 1.41.1; use `gen_ai.usage.input_tokens`',
    ]);
    const off = run(['lint', '--schema', dir('acme'), '--no-semconv', '--format', 'json', 'agent.py'], tmp);
    assert.equal((JSON.parse(off.stdout) as unknown[]).length, 1);
    const bad = run(['lint', '--semconv-release', '9.9.9', 'agent.py'], tmp);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown release '9\.9\.9'/);
  });

  test('a broken registry is a schema error with its position (exit 2)', () => {
    const r = run(['lint', '--schema', dir('broken'), 'agent.py'], tmp);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:7:9: error: attribute 'nothing\.here' is not defined/);
  });
});
