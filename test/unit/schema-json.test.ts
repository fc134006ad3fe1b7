// The JSON Schema for telemetry.schema.yaml (schema/telemetry.schema.json) agrees with the loader:
// the bundled default and every YAML example in docs/schema.md validate against it and load without
// errors, and documents the loader rejects are rejected by the JSON Schema too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../server/paths';
import { loadSchemaFromText } from '../../server/schema/loader';
import defaultYaml from '../../server/schema/default.schema.yaml';
import healthYaml from '../../server/schema/default-health.yaml';

type J = Record<string, unknown>;
const root = packageRoot();
const jsonSchema = JSON.parse(fs.readFileSync(path.join(root, 'schema/telemetry.schema.json'), 'utf8')) as J;

/** A small draft-07 validator for the keywords our schema uses. Returns error paths. */
function validate(value: unknown, schema: J, at = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const target = (schema.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((o, k) => (o as J)[k], jsonSchema) as J;
    return validate(value, target, at);
  }
  const errs: string[] = [];
  const t = schema.type;
  if (t !== undefined) {
    const types = Array.isArray(t) ? t : [t];
    const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
    const ok = types.some((x) => x === actual || (x === 'number' && actual === 'integer'));
    if (!ok) return [`${at}: expected ${types.join('|')}, got ${actual}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errs.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum) errs.push(`${at}: below minimum`);
  if (typeof schema.minLength === 'number' && typeof value === 'string' && value.length < schema.minLength) errs.push(`${at}: too short`);
  if (Array.isArray(schema.required) && value && typeof value === 'object') {
    for (const k of schema.required as string[]) if (!(k in (value as J))) errs.push(`${at}: missing ${k}`);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const props = (schema.properties ?? {}) as J;
    for (const [k, v] of Object.entries(value as J)) {
      if (schema.propertyNames && !new RegExp(((schema.propertyNames as J).pattern as string) ?? '').test(k)) errs.push(`${at}.${k}: bad name`);
      if (k in props) errs.push(...validate(v, props[k] as J, `${at}.${k}`));
      else if (schema.additionalProperties === false) errs.push(`${at}: unexpected property ${k}`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') errs.push(...validate(v, schema.additionalProperties as J, `${at}.${k}`));
    }
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errs.push(...validate(v, schema.items as J, `${at}[${i}]`)));
  if (Array.isArray(schema.anyOf) && !(schema.anyOf as J[]).some((s) => validate(value, s, at).length === 0)) errs.push(`${at}: matches no anyOf branch`);
  if (Array.isArray(schema.oneOf)) {
    const n = (schema.oneOf as J[]).filter((s) => validate(value, s, at).length === 0).length;
    if (n !== 1) errs.push(`${at}: matches ${n} oneOf branches`);
  }
  return errs;
}

function docExamples(): string[] {
  const md = fs.readFileSync(path.join(root, 'docs/schema.md'), 'utf8');
  return [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

test('every property in the JSON Schema has a description', () => {
  const missing: string[] = [];
  const walk = (s: unknown, at: string) => {
    if (!s || typeof s !== 'object') return;
    const o = s as J;
    if (o.properties) for (const [k, v] of Object.entries(o.properties as J)) {
      if (!(v as J).description && !(v as J).$ref) missing.push(`${at}.${k}`);
      walk(v, `${at}.${k}`);
    }
    for (const k of ['items', 'additionalProperties']) if (o[k] && typeof o[k] === 'object') walk(o[k], `${at}[${k}]`);
    for (const k of ['oneOf', 'anyOf']) if (Array.isArray(o[k])) (o[k] as unknown[]).forEach((x, i) => walk(x, `${at}.${k}${i}`));
    if (o.definitions) for (const [k, v] of Object.entries(o.definitions as J)) {
      if (!(v as J).description) missing.push(`#/definitions/${k}`);
      walk(v, `#/definitions/${k}`);
    }
  };
  walk(jsonSchema, '$');
  assert.deepEqual(missing, []);
});

test('the bundled default schema validates against the JSON Schema', () => {
  assert.deepEqual(validate(parse(defaultYaml), jsonSchema), []);
  assert.deepEqual(validate(parse(healthYaml), jsonSchema), []);
});

test('docs/schema.md examples validate against the JSON Schema and load without errors', () => {
  const examples = docExamples();
  assert.ok(examples.length >= 4, 'docs have YAML examples');
  for (const ex of examples) {
    assert.deepEqual(validate(parse(ex), jsonSchema), [], ex);
    assert.deepEqual(loadSchemaFromText(ex, '/docs/example.yaml').errors, [], ex);
  }
});

test('documents the loader rejects are rejected by the JSON Schema too', () => {
  const bad = [
    'strict: maybe',
    'events:\n  - level: info',
    'events:\n  - name: a.b\n    level: loud',
    'events:\n  - name: a.b\n    attributes:\n      x: {type: integr}',
    'events:\n  - name: a.b\n    attributes:\n      x: {type: int, requird: true}',
    'health:\n  - name: x',
    'queries:\n  - name: x',
    'rules:\n  TL001: loud',
    'conventions:\n  eventNameStyle: dotted',
    'conventions:\n  maxAttributes: 0',
    'version: 2',
    'bogus: 1',
  ];
  for (const text of bad) {
    assert.ok(validate(parse(text), jsonSchema).length > 0, `JSON Schema accepts: ${text}`);
    assert.ok(loadSchemaFromText(text, '/x.yaml').errors.length > 0, `loader accepts: ${text}`);
  }
});
