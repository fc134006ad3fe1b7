// Mutated and truncated schema files never make the loader throw, and every error it reports has a
// position inside the document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../server/paths';
import { loadSchemaFromText } from '../../server/schema/loader';
import defaultYaml from '../../server/schema/default.schema.yaml';
import { seededRandom as rng } from '../../server/random';

const TOKENS = [':', '- ', '  ', '\n', '{', '}', '[', ']', '&a ', '*a', '"', "'", '#', 'type: ', 'enum', 'min: ', '-1', 'null', '~', '!!str ', '? ', '|', '>', '\t', 'values: [', 'events:', '<<: *a'];

function mutate(src: string, r: () => number): string {
  let s = src;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * (s.length + 1));
    const op = r();
    if (op < 0.3) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 20));
    else if (op < 0.7) s = s.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)] + s.slice(at);
    else if (op < 0.85) s = s.slice(0, at);
    else {
      const from = Math.floor(r() * s.length);
      s = s.slice(0, at) + s.slice(from, from + 40) + s.slice(at);
    }
  }
  return s;
}

test('mutated schema files: no throw, every error positioned inside the document', () => {
  const docs = fs.readFileSync(path.join(packageRoot(), 'docs/schema.md'), 'utf8');
  const seeds = [defaultYaml, ...[...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!)];
  const r = rng(7);
  let withErrors = 0;
  for (let i = 0; i < 1500; i++) {
    const text = mutate(seeds[i % seeds.length]!, r);
    const lines = text.split('\n');
    const res = loadSchemaFromText(text, '/fuzz.yaml');
    assert.ok(res.schema && Array.isArray(res.schema.events), `case ${i}`);
    if (res.errors.length) withErrors++;
    for (const e of res.errors) {
      assert.ok(Number.isInteger(e.line) && e.line >= 0 && e.line < lines.length, `case ${i}: line ${e.line} of ${lines.length}: ${e.message}`);
      assert.ok(Number.isInteger(e.character) && e.character >= 0 && e.character <= lines[e.line]!.length, `case ${i}: character ${e.character} line ${e.line} ${JSON.stringify(lines[e.line])}: ${e.message}`);
      assert.ok(e.message.length > 10 && !/undefined|\[object/.test(e.message), `case ${i}: message ${e.message}`);
    }
  }
  assert.ok(withErrors > 300, `mutations should produce errors (got ${withErrors})`);
});
