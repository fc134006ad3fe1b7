// Schemas that are accepted but almost surely not what the author meant get a positioned warning:
// an empty file, `null`, an empty mapping, and `rules:` keys that name no rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSchemaFromText } from '../../server/schema/loader';
import { RULE_IDS } from '../../server/schema/rule-ids';
import { RULES } from '../../server/rules/index';
import { packageRoot } from '../../server/paths';

const FILE = '/ws/telemetry.schema.yaml';

test('an empty file, whitespace and comments only, null, ~, "" and {} each get one warning at the start', () => {
  for (const [text, what, line] of [
    ['', 'the schema file is empty', 0],
    ['\n# nothing yet\n', 'the schema file is empty', 0],
    ['null\n', 'the schema is null', 0],
    ['~', 'the schema is null', 0],
    ["''", 'the schema is an empty string', 0],
    ['# a comment\n{}\n', 'the schema is an empty mapping', 1],
  ] as const) {
    const r = loadSchemaFromText(text, FILE);
    assert.equal(r.errors.length, 1, `${JSON.stringify(text)}: ${JSON.stringify(r.errors)}`);
    const w = r.errors[0];
    assert.equal(w.severity, 'warning');
    assert.equal(w.line, line, JSON.stringify(text));
    assert.equal(w.character, 0);
    assert.match(w.message, new RegExp(`^${what}: it declares no events, health checks or conventions, so every telemetry call is accepted as is \\(add 'extends: default'`));
    assert.equal(r.schema.events.length, 0, 'still loads as an empty schema');
  }
  // JSON null too (JSON is read as YAML)
  assert.match(loadSchemaFromText('null', '/ws/telemetry.schema.json').errors[0].message, /^the schema is null/);
  // a schema that declares something gets no such warning
  assert.deepEqual(loadSchemaFromText('version: 1\n', FILE).errors, []);
  assert.deepEqual(loadSchemaFromText('extends: default\n', FILE).errors, []);
});

test('rules: keys naming no rule are warnings at the key with the nearest rule; known codes and names apply', () => {
  const r = loadSchemaFromText('version: 1\nrules:\n  TL999: error\n  unknown-evnt: off\n  TL001: error\n  wrong-level: warning\n  tl002: hint\n', FILE);
  const ws = r.errors.filter((e) => e.severity === 'warning');
  assert.equal(r.errors.length, 2, JSON.stringify(r.errors));
  assert.deepEqual(ws.map((w) => [w.line, w.character]), [[2, 2], [3, 2]]);
  assert.match(ws[0].message, /^unknown rule 'TL999' \(did you mean 'TL009'\?\); it is ignored \(rules are TL001–TL017, or their names such as 'unknown-event'\)$/);
  assert.match(ws[1].message, /^unknown rule 'unknown-evnt' \(did you mean 'unknown-event'\?\); it is ignored/);
  assert.deepEqual(r.schema.rules, { TL001: 'error', 'wrong-level': 'warning', tl002: 'hint' });
});

test('the schema layer knows every rule of the registry, by code and name', () => {
  assert.deepEqual(
    RULE_IDS.map((r) => [r.code, r.name]),
    RULES.map((r) => [r.meta.code, r.meta.name]),
  );
});

test('`telemetry-lens schema check` prints the warnings with file:line:column', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-schema-warn-'));
  try {
    const empty = path.join(dir, 'telemetry.schema.yaml');
    fs.writeFileSync(empty, 'null\n');
    const cli = path.join(packageRoot(), 'dist', 'server', 'cli.js');
    const a = spawnSync(process.execPath, [cli, 'schema', 'check', empty], { cwd: dir, encoding: 'utf8' });
    assert.match(a.stderr, /telemetry\.schema\.yaml:1:1: warning: the schema is null: it declares no events/);
    fs.writeFileSync(empty, 'version: 1\nrules:\n  TL999: error\n');
    const b = spawnSync(process.execPath, [cli, 'schema', 'check', empty], { cwd: dir, encoding: 'utf8' });
    assert.match(b.stderr, /telemetry\.schema\.yaml:3:3: warning: unknown rule 'TL999'/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
