// The project's naming style: inferred once per run from the workspace's event names, used by TL009
// when the project's schema declares no convention.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { countEventNames, inferProjectStyle, nameShape } from '../../server/lint/project-style';
import type { NameShape, ProjectStyle } from '../../server/lint/types';
import { lintFiles, listSourceFiles } from '../../server/lint/workspace';
import { bundledSchema, loadSchemaFromText } from '../../server/schema/loader';

test('name shapes', () => {
  assert.equal(nameShape('tab_title_fetch_failed'), 'snake_case');
  assert.equal(nameShape('agent.created'), 'dotted.snake_case');
  assert.equal(nameShape('tab-closed'), 'kebab-case');
  assert.equal(nameShape('tabClosed'), 'camelCase');
  assert.equal(nameShape('TabClosed'), 'PascalCase');
  assert.equal(nameShape('cli._internal.Started'), 'other');
});

test('counting reads first string arguments that look like event names, not messages', () => {
  const counts = new Map<NameShape, number>();
  countEventNames("log.info('tab_closed', n=1)\nlogfire.span(\"GET /users\")\nlog.error('Failed: {x}')\ntracer.startActiveSpan(`fetchUser`, fn)\n", counts);
  assert.deepEqual([...counts].sort(), [['camelCase', 1], ['snake_case', 1]]);
});

test('a dominant shape needs enough names and a clear majority; ties resolve the same way', () => {
  assert.deepEqual(inferProjectStyle(new Map([['snake_case', 9], ['PascalCase', 1]])), { eventNameShape: 'snake_case', names: 10, matching: 9 });
  assert.equal(inferProjectStyle(new Map([['snake_case', 5]])).eventNameShape, undefined, 'too few names');
  assert.equal(inferProjectStyle(new Map([['snake_case', 6], ['dotted.snake_case', 6]])).eventNameShape, undefined, 'no majority');
});

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-style-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

test('the workspace lint infers the style once and reports only the outlier', async () => {
  const events = Array.from({ length: 10 }, (_, i) => `log.info('step_${'abcdefghij'[i]}_finished')`).join('\n');
  const dir = workspace({
    'a.py': `import structlog\nlog = structlog.get_logger()\n${events}\n`,
    'b.py': "import structlog\nlog = structlog.get_logger()\nlog.info('StepFinished')\n",
  });
  try {
    let seen: ProjectStyle | undefined;
    const results = await lintFiles(listSourceFiles([dir]), { schema: bundledSchema(), workers: 0, onProjectStyle: (s) => (seen = s) });
    assert.deepEqual(seen, { eventNameShape: 'snake_case', names: 11, matching: 10 });
    const tl009 = results.flatMap((r) => r.findings.filter((f) => f.code === 'TL009').map((f) => `${path.basename(r.file)}: ${f.message}`));
    assert.deepEqual(tl009, ["b.py: Event name `StepFinished` is PascalCase, unlike this project's other event names (10 of 11 are snake_case)"]);

    // A convention declared by the project's schema applies instead, to every name.
    const own = loadSchemaFromText('version: 1\nextends: default\nconventions:\n  eventNameStyle: dotted.snake_case\n', path.join(dir, 'telemetry.schema.yaml')).schema;
    let called = false;
    const declared = await lintFiles(listSourceFiles([dir]), { schema: own, workers: 0, onProjectStyle: () => (called = true) });
    assert.equal(called, false, 'no inference when the schema declares the convention');
    assert.equal(declared.flatMap((r) => r.findings.filter((f) => f.code === 'TL009')).length, 11);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
