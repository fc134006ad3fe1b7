// Seed 000's own code blocks against the bundled default schema, through the whole engine with every
// registered rule: the `Workload routing` call (placeholder `{model}`, attributes orchestrated_model /
// default_model) is flagged by TL007, and nothing else in the seed is reported by any rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { lintSource } from '../../server/lint/linter';
import { packageRoot } from '../../server/paths';
import { bundledSchema } from '../../server/schema/loader';
import { RULES } from '../../server/rules/index';
import { applyEdits } from '../rules/ruleTester';

const file = path.join(packageRoot(), 'test/fixtures/seed000.py');
const source = fs.readFileSync(file, 'utf8');

test('seed 000: every code block is recognised and matched to its schema event', async () => {
  const r = await lintSource({ source, filePath: file, language: 'python', schema: bundledSchema() });
  assert.deepEqual(r.ruleErrors, []);
  assert.equal(r.calls.length, 6);
  const templates = bundledSchema().events.map((e) => e.template);
  assert.deepEqual(
    r.calls.map((c) => c.message?.value),
    templates,
  );
});

test('seed 000: only the Workload routing call is reported, by TL007, on `{model}`', async () => {
  assert.ok(RULES.some((r) => r.meta.code === 'TL007'));
  const r = await lintSource({ source, filePath: file, language: 'python', schema: bundledSchema() });
  const lines = source.split('\n');
  const list = r.findings.map((f) => `${f.range.start.line + 1}:${f.range.start.character + 1} ${f.code} ${f.message}`).join('\n');
  assert.equal(r.findings.length, 1, list);
  const f = r.findings[0]!;
  assert.equal(f.code, 'TL007');
  assert.equal(f.severity, 'error');
  assert.equal(lines[f.range.start.line]!.slice(f.range.start.character, f.range.end.character), 'model');
  assert.match(lines[f.range.start.line]!, /Workload routing/);
  assert.match(f.message, /`\{model\}` has no attribute `model`/);
  assert.equal(f.eventId, 'Workload routing: {agent} \u2192 {workload} \u2192 {model}');
  // Fixes: add `model=` with the orchestrator's model (keeps the declared template), or rename the placeholder.
  assert.deepEqual(
    f.fixes.map((x) => x.title),
    ['Add `model=model_from_orchestrator`', 'Rename `{model}` to `{orchestrated_model}`', 'Rename `{model}` to `{default_model}`'],
  );
  const added = applyEdits(source, f.fixes[0]!.edits);
  assert.match(added, /default_model=fallback_model,\n {4}model=model_from_orchestrator,\n\)/);
  const renamed = applyEdits(source, f.fixes[1]!.edits);
  assert.match(renamed, /"Workload routing: \{agent\} → \{workload\} → \{orchestrated_model\}"/);
  // After either fix the file is clean (a renamed placeholder still matches the declared event,
  // whose template has the same shape).
  for (const fixed of [added, renamed]) {
    const again = await lintSource({ source: fixed, filePath: file, language: 'python', schema: bundledSchema() });
    assert.deepEqual(again.findings.map((x) => `${x.code} ${x.message}`), []);
    assert.equal(again.calls.length, 6);
  }
});
