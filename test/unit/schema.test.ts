import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BUNDLED_SOURCE,
  MAX_SCHEMA_BYTES,
  bundledSchema,
  bundledSchemaErrors,
  findSchemaFile,
  loadSchemaFile,
  loadSchemaFromText,
} from '../../server/schema/loader';
import type { SchemaError } from '../../server/schema/model';

const F = '/ws/telemetry.schema.yaml';

function only(errors: SchemaError[], re: RegExp): SchemaError {
  const hits = errors.filter((e) => re.test(e.message));
  assert.equal(hits.length, 1, `expected one error matching ${re}, got: ${JSON.stringify(errors, null, 1)}`);
  return hits[0]!;
}

test('bundled default: the six events of seed 000 with exact templates and levels', () => {
  const s = bundledSchema();
  assert.deepEqual(bundledSchemaErrors(), []);
  assert.equal(s.source, BUNDLED_SOURCE);
  assert.equal(s.strict, false);
  assert.deepEqual(
    s.events.map((e) => [e.template, e.level]),
    [
      ['Workload routing: {agent} \u2192 {workload} \u2192 {model}', 'info'],
      ['Failover triggered: {from_model} \u2192 {to_model} ({error_type})', 'warn'],
      ['Failover success: now using {model}', 'info'],
      ['Rate limit: {model} ({workload}) - cooldown {cooldown}s', 'warn'],
      ['Capacity warning: {model} at {pct}% ({limit_type})', 'warn'],
      ['EAR phase: {from_phase} \u2192 {to_phase}', 'info'],
    ],
  );
  const byT = (prefix: string) => s.events.find((e) => e.template!.startsWith(prefix))!;
  const attr = (prefix: string, name: string) => byT(prefix).attributes.find((a) => a.name === name)!;
  assert.deepEqual(
    byT('Workload routing').attributes.map((a) => [a.name, a.type, a.required]),
    [
      ['agent', 'string', true],
      ['workload', 'enum', true],
      ['orchestrated_model', 'string', true],
      ['default_model', 'string', true],
    ],
  );
  assert.deepEqual(attr('Workload routing', 'workload').allowed, ['CODING', 'ORCHESTRATOR', 'REASONING', 'LIBRARIAN']);
  const et = attr('Failover triggered', 'error_type');
  assert.equal(et.open, true);
  assert.deepEqual(et.allowed, ['rate_limit', 'format_error', 'timeout']);
  assert.equal(attr('Failover success', 'attempts').type, 'int');
  assert.equal(attr('Rate limit', 'consecutive_429s').type, 'int');
  assert.equal(attr('Rate limit', 'cooldown').type, 'int');
  const pct = attr('Capacity warning', 'pct');
  assert.deepEqual([pct.type, pct.min, pct.max], ['float', 0, 100]);
  assert.deepEqual(attr('Capacity warning', 'limit_type').allowed, ['window_tokens', 'day_requests', 'minute_tokens']);
  assert.equal(attr('Capacity warning', 'used').type, 'int');
  assert.equal(attr('Capacity warning', 'limit').type, 'int');
  const conf = attr('EAR phase', 'confidence');
  assert.deepEqual([conf.type, conf.min, conf.max, conf.required], ['float', 0, 1, false]);
  assert.equal(attr('EAR phase', 'decision_type').required, false);
  assert.deepEqual(attr('EAR phase', 'decision_type').allowed, ['action', 'test', 'interaction', 'refusal', 'wait']);
  assert.deepEqual(attr('EAR phase', 'to_phase').allowed, ['observe', 'orient', 'decide', 'act', 'complete', 'refused', 'error']);
  assert.ok(new RegExp(attr('EAR phase', 'loop_id').pattern!).test('1a2b3c4d'));
  assert.ok(!new RegExp(attr('EAR phase', 'loop_id').pattern!).test('1a2b3c4d5'));
  // seed 002/003 conventions
  assert.equal(s.conventions.eventNameStyle, 'dotted.snake_case');
  assert.equal(s.conventions.maxAttributes, 50);
  assert.deepEqual(s.conventions.requiredContext, []);
  assert.ok(s.conventions.errorSuffixes.includes('_error'));
  // the seed's eight health checks, merged from default-health.yaml, each with SQL and a location
  assert.equal(s.health.length, 8);
  assert.equal(new Set(s.health.map((h) => h.id)).size, 8);
  for (const h of s.health) {
    assert.match(h.sql, /FROM records/);
    assert.ok(h.location && h.location.file.startsWith(BUNDLED_SOURCE));
  }
  assert.ok(s.health.some((h) => /Workload routing%/.test(h.sql)));
  // every event and attribute has a location inside the bundled file
  for (const e of s.events) {
    assert.equal(e.location?.file, BUNDLED_SOURCE);
    for (const a of e.attributes) assert.ok(a.location && a.location.line > e.location!.line);
  }
});

test('bundled sensitive-name patterns match secrets but not counts or hashed ids', () => {
  const res = bundledSchema().conventions.sensitiveNames.map((p) => new RegExp(`^(?:${p})$`, 'i'));
  const hit = (n: string) => res.some((r) => r.test(n));
  for (const n of ['password', 'api_key', 'apiKey', 'auth_token', 'prompt', 'user_prompt', 'user_id', 'Authorization']) assert.ok(hit(n), n);
  for (const n of ['prompt_length', 'tokens_used', 'max_tokens', 'user_id_hash', 'model', 'session_id']) assert.ok(!hit(n), n);
});

test('locations: events, attributes and health checks record file, line and character', () => {
  const text = [
    'version: 1', // 0
    'events:', // 1
    "  - name: agent.created", // 2
    '    attributes:', // 3
    '      model: {type: string, required: true}', // 4
    "  - template: 'Rate: {x}'", // 5
    'health:', // 6
    '  - id: rate', // 7
    '    name: Rates', // 8
    '    sql: SELECT 1', // 9
  ].join('\n');
  const { schema, errors } = loadSchemaFromText(text, F);
  assert.deepEqual(errors, []);
  assert.deepEqual(schema.events[0]!.location, { file: F, line: 2, character: 10 });
  assert.deepEqual(schema.events[0]!.attributes[0]!.location, { file: F, line: 4, character: 6 });
  assert.deepEqual(schema.events[1]!.location, { file: F, line: 5, character: 14 });
  assert.equal(schema.events[1]!.id, 'Rate: {x}');
  assert.equal(schema.events[0]!.id, 'agent.created');
  assert.deepEqual(schema.health[0]!.location, { file: F, line: 7, character: 4 });
});

test('unknown keys are warnings with position and did-you-mean; the rest still loads', () => {
  const text = ['version: 1', 'evnets: []', 'events:', '  - name: a.b', '    levle: info', '    attributes:', '      x: {type: int, requird: true}'].join('\n');
  const { schema, errors } = loadSchemaFromText(text, F);
  const top = only(errors, /unknown top-level key 'evnets'/);
  assert.deepEqual([top.line, top.character, top.severity], [1, 0, 'warning']);
  assert.match(top.message, /did you mean 'events'/);
  const ev = only(errors, /unknown event key 'levle'/);
  assert.deepEqual([ev.line, ev.character], [4, 4]);
  assert.match(ev.message, /did you mean 'level'/);
  const at = only(errors, /requird/);
  assert.deepEqual([at.line, at.character, at.severity], [6, 21, 'warning']);
  assert.equal(schema.events.length, 1);
  assert.equal(schema.events[0]!.attributes[0]!.type, 'int');
});

test('wrong types, unknown attribute types, min > max, bad regex, enum without values', () => {
  const text = [
    'strict: yes please', // 0
    'events:', // 1
    '  - template: "A {x}"', // 2
    '    level: loud', // 3
    '    attributes:', // 4
    '      x: {type: integr}', // 5
    '      y: {type: int, min: 10, max: 1}', // 6
    "      z: {type: string, pattern: '([a-z'}", // 7
    '      w: {type: enum}', // 8
    '      v: {type: int, values: [1, two]}', // 9
    '      u: {type: string, required: maybe}', // 10
  ].join('\n');
  const { schema, errors } = loadSchemaFromText(text, F);
  const strict = only(errors, /'strict' must be true or false/);
  assert.deepEqual([strict.line, strict.character, strict.severity], [0, 8, 'error']);
  assert.deepEqual([only(errors, /unknown level 'loud'/).line, only(errors, /unknown level/).character], [3, 11]);
  const ty = only(errors, /unknown attribute type 'integr'/);
  assert.match(ty.message, /did you mean 'int'/);
  assert.deepEqual([ty.line, ty.character], [5, 16]);
  assert.equal(only(errors, /min \(10\) is greater than max \(1\)/).line, 6);
  const re = only(errors, /not a valid regular expression/);
  assert.deepEqual([re.line, re.character], [7, 33]);
  assert.equal(only(errors, /'w' is an enum without values/).line, 8);
  assert.equal(only(errors, /'v' is int but its allowed values include "two"/).line, 9);
  assert.equal(only(errors, /'required' must be true or false, got the string 'maybe'/).line, 10);
  assert.equal(schema.strict, false);
  assert.equal(schema.events.length, 1, 'the event with bad parts still loads');
  assert.ok(errors.every((e) => e.file === F && typeof e.endLine === 'number'));
});

test('duplicate event templates and names, events without template or name, health without sql', () => {
  const text = [
    'events:', // 0
    "  - template: 'Rate limit: {model}'", // 1
    "  - template: 'Rate limit: {model}'", // 2
    '  - name: agent.created', // 3
    '  - name: agent.created', // 4
    '  - level: info', // 5
    'health:', // 6
    '  - name: No SQL', // 7
    '  - name: Fine', // 8
    '    sql: SELECT 1', // 9
    '    verdict: {}', // 10
    'queries:', // 11
    '  - name: q', // 12
  ].join('\n');
  const { schema, errors } = loadSchemaFromText(text, F);
  assert.equal(only(errors, /duplicate event template 'Rate limit: \{model\}' \(first declared at line 2\)/).line, 2);
  assert.equal(only(errors, /duplicate event name 'agent.created' \(first declared at line 4\)/).line, 4);
  assert.equal(only(errors, /an event needs a 'template'/).line, 5);
  assert.equal(only(errors, /health check 'No SQL' has no 'sql'/).line, 7);
  assert.equal(only(errors, /'verdict' needs 'sql'/).line, 10);
  assert.equal(only(errors, /a saved query needs 'sql'/).line, 12);
  assert.equal(schema.events.length, 2);
  assert.deepEqual(schema.health.map((h) => h.id), ['fine']);
});

test('template syntax problems are reported at the template', () => {
  const { errors } = loadSchemaFromText("events:\n  - template: 'Bad {x'\n  - template: 'Also bad x}'\n", F);
  assert.equal(only(errors, /unclosed '\{'/).line, 1);
  assert.equal(only(errors, /single '\}'/).line, 2);
});

test('a YAML alias bomb is refused with a position and the bundled default is used', () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(9).fill('*' + prev).join(',')}]`);
  }
  lines.push('events: *i');
  const { schema, errors, unusable } = loadSchemaFromText(lines.join('\n'), F);
  const e = only(errors, /alias bomb/);
  assert.equal(e.severity, 'error');
  assert.equal(unusable, true);
  assert.doesNotMatch(e.message, /bundled default/, 'the caller says what happens next (CLI: stop; editor: default)');
  assert.equal(e.line, 1, 'points at the first alias');
  assert.equal(schema.source, BUNDLED_SOURCE);
  assert.equal(schema.events.length, 6);
});

test('small aliases (shared attribute specs) are fine', () => {
  const text = [
    'events:',
    '  - name: a.created',
    '    attributes:',
    '      workload: &wl {type: enum, values: [CODING, REASONING]}',
    '  - name: b.created',
    '    attributes:',
    '      workload: *wl',
  ].join('\n');
  const { schema, errors } = loadSchemaFromText(text, F);
  assert.deepEqual(errors, []);
  assert.deepEqual(schema.events[1]!.attributes[0]!.allowed, ['CODING', 'REASONING']);
});

test('YAML syntax errors and non-mapping roots fall back to the bundled default, with position', () => {
  const r = loadSchemaFromText('version: 1\nevents:\n  - name: a\n bad: x\nstrict: true\n', F);
  assert.equal(r.schema.source, BUNDLED_SOURCE);
  const e = r.errors[0]!;
  assert.match(e.message, /^YAML syntax error: All mapping items must start at the same column$/);
  assert.equal(r.unusable, true);
  assert.deepEqual([e.line, e.character], [3, 0]);
  const unterminated = loadSchemaFromText('version: 1\nevents:\n  - name: "unterminated\n', F);
  assert.match(unterminated.errors[0]!.message, /Missing closing "quote/);
  const r2 = loadSchemaFromText('- just\n- a list\n', F);
  assert.match(r2.errors[0]!.message, /must be a mapping/);
  assert.equal(r2.schema.source, BUNDLED_SOURCE);
  const r3 = loadSchemaFromText('a: 1\na: 2\n', F);
  assert.match(r3.errors[0]!.message, /unique/);
  assert.equal(r3.errors[0]!.line, 1);
});

test('empty file: an empty schema with default conventions, no errors (a warning says it is empty)', () => {
  const r = loadSchemaFromText('# nothing yet\n', F);
  assert.deepEqual(r.errors.filter((e) => e.severity === 'error'), []);
  assert.deepEqual(r.errors.map((e) => e.severity), ['warning']);
  assert.equal(r.schema.source, F);
  assert.equal(r.schema.events.length, 0);
  assert.equal(r.schema.conventions.maxAttributes, 50);
});

test('huge files are refused with a clear message', () => {
  const r = loadSchemaFromText('#'.repeat(MAX_SCHEMA_BYTES + 10), F);
  assert.match(r.errors[0]!.message, /the limit is 2\.0 MiB$/);
  assert.equal(r.unusable, true);
  assert.equal(r.schema.source, BUNDLED_SOURCE);
});

test('JSON schema files load with positions too', () => {
  const text = '{\n  "version": 1,\n  "events": [\n    {"name": "agent.created", "level": "nope"}\n  ]\n}\n';
  const { schema, errors } = loadSchemaFromText(text, '/ws/telemetry.schema.json');
  const e = only(errors, /unknown level 'nope'/);
  assert.deepEqual([e.line, e.character], [3, 39]);
  assert.equal(schema.events[0]!.name, 'agent.created');
});

test('conventions, wrappers, rules and type shorthands', () => {
  const text = [
    'conventions:',
    '  maxAttributes: 20',
    '  requiredContext: [session_id]',
    "  sensitiveNames: ['(.*_)?token', '([bad']",
    '  eventNameStyle: dotted',
    '  wrappers:',
    '    - {name: log_info, level: info}',
    '    - {name: start_span, kind: span}',
    '    - log_event',
    '    - {kind: log}',
    'rules:',
    '  TL001: error',
    '  missing-attribute: off',
    '  TL005: warn',
    '  TL006: loud',
    '  Not A Rule: error',
    'events:',
    '  - name: agent.created',
    '    attributes:',
    '      model: str',
    '      note:',
    '      count: {values: [1, 2, 3]}',
    '      deprecated_field: {type: string, deprecated: {replacement: model, reason: renamed}}',
  ].join('\n');
  const { schema, errors } = loadSchemaFromText(text, F);
  assert.equal(schema.conventions.maxAttributes, 20);
  assert.deepEqual(schema.conventions.requiredContext, ['session_id']);
  assert.deepEqual(schema.conventions.sensitiveNames, ['(.*_)?token']);
  only(errors, /not a valid regular expression/);
  assert.match(only(errors, /'eventNameStyle' must be one of/).message, /dotted\.snake_case/);
  assert.deepEqual(schema.conventions.wrappers, [
    { name: 'log_info', kind: 'log', level: 'info' },
    { name: 'start_span', kind: 'span' },
    { name: 'log_event', kind: 'log' },
  ]);
  only(errors, /a wrapper needs a 'name'/);
  assert.deepEqual(schema.rules, { TL001: 'error', 'missing-attribute': 'off', TL005: 'warning' });
  only(errors, /severity for 'TL006' must be one of/);
  only(errors, /'Not A Rule' is neither a rule code/);
  const attrs = schema.events[0]!.attributes;
  assert.deepEqual(
    attrs.map((a) => [a.name, a.type]),
    [
      ['model', 'string'],
      ['note', 'any'],
      ['count', 'int'],
      ['deprecated_field', 'string'],
    ],
  );
  assert.deepEqual(attrs[3]!.deprecated, { replacement: 'model', reason: 'renamed' });
});

test('extends: default merges the bundled events; own events with the same id win', () => {
  const text = [
    'extends: default',
    'events:',
    "  - template: 'Failover success: now using {model}'",
    '    level: notice',
    '  - name: agent.created',
  ].join('\n');
  const { schema, errors } = loadSchemaFromText(text, F);
  assert.deepEqual(errors, []);
  assert.equal(schema.events.length, 7);
  assert.equal(schema.events.find((e) => e.id.startsWith('Failover success'))!.level, 'notice');
  assert.equal(schema.source, F);
  assert.equal(schema.health.length, bundledSchema().health.length);
  // conventions come from the bundled schema unless the file sets them
  assert.deepEqual(schema.conventions.sensitiveNames, bundledSchema().conventions.sensitiveNames);
  const own = loadSchemaFromText('extends: default\nconventions:\n  maxAttributes: 10\n  sensitiveNames: []\n', F).schema;
  assert.equal(own.conventions.maxAttributes, 10);
  assert.deepEqual(own.conventions.sensitiveNames, []);
  assert.deepEqual(own.conventions.errorSuffixes, bundledSchema().conventions.errorSuffixes);
});

test('findSchemaFile: configured path wins, else yaml, yml, json in that order; loadSchemaFile reads it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-schema-'));
  try {
    assert.equal(findSchemaFile(dir), undefined);
    fs.writeFileSync(path.join(dir, 'telemetry.schema.json'), '{"events": [{"name": "a.created"}]}');
    assert.equal(findSchemaFile(dir), path.join(dir, 'telemetry.schema.json'));
    fs.writeFileSync(path.join(dir, 'telemetry.schema.yml'), 'events: []');
    assert.equal(findSchemaFile(dir), path.join(dir, 'telemetry.schema.yml'));
    fs.writeFileSync(path.join(dir, 'telemetry.schema.yaml'), 'events:\n  - name: b.created\n');
    assert.equal(findSchemaFile(dir), path.join(dir, 'telemetry.schema.yaml'));
    assert.equal(findSchemaFile(dir, 'conf/my.yaml'), path.join(dir, 'conf/my.yaml'));
    const r = loadSchemaFile(findSchemaFile(dir)!);
    assert.deepEqual(r.errors, []);
    assert.equal(r.schema.events[0]!.name, 'b.created');
    assert.equal(r.schema.events[0]!.location!.file, path.join(dir, 'telemetry.schema.yaml'));
    const missing = loadSchemaFile(path.join(dir, 'nope.yaml'));
    assert.match(missing.errors[0]!.message, /cannot read schema file: file not found$/);
    assert.equal(missing.unusable, true);
    assert.equal(missing.schema.source, BUNDLED_SOURCE);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('never throws on garbage input', () => {
  const samples = ['', '{', '[[[', ': :', 'events: 5', 'events: [1, "x", null, [1]]', 'events:\n  - attributes: [a, b]', '\u0000\u0001', 'version: 99', '&a [*a]', 'rules: [1]', 'conventions: 3', 'health: {a: 1}'];
  for (const s of samples) {
    const r = loadSchemaFromText(s, F);
    assert.ok(r.schema && Array.isArray(r.errors), s);
    for (const e of r.errors) assert.ok(Number.isInteger(e.line) && Number.isInteger(e.character) && e.message.length > 0, s);
  }
  assert.match(only(loadSchemaFromText('version: 99', F).errors, /unsupported schema version 99/).message, /supported: 1/);
});
