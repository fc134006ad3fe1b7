import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lintWorkspace } from '../../server/lint/workspace';
import { packageRoot } from '../../server/paths';
import { bundledSchema } from '../../server/schema/loader';

const root = path.join(packageRoot(), 'examples', 'code-puppy');

describe('examples/code-puppy with the bundled schema', () => {
  it('reports exactly the deliberate violations; the seed calls otherwise pass', async () => {
    const results = await lintWorkspace([root], { schema: bundledSchema(), workers: 0, includeCalls: true });
    const found = results
      .flatMap((r) => r.findings.map((f) => [path.relative(root, r.file).split(path.sep).join('/'), f.range.start.line + 1, f.code]))
      .sort();
    assert.deepEqual(found, [
      ['code_puppy/agents/base_agent.py', 37, 'TL007'],
      ['code_puppy/core/model_capacity.py', 41, 'TL006'],
      ['code_puppy/epistemic/ear-runtime/src/ear/core/ralph_loop.py', 46, 'TL008'],
      ['code_puppy/webhooks.py', 32, 'TL003'],
      ['code_puppy/webhooks.py', 8, 'TL011'],
    ]);
    // Every library style in the example is recognised.
    const libs = new Set(results.flatMap((r) => (r.calls ?? []).map((c) => c.library)));
    assert.deepEqual([...libs].sort(), ['logfire', 'loguru', 'structlog']);
    const ts = results.find((r) => r.file.endsWith('telemetry.ts'));
    assert.equal(ts?.calls?.length, 3);
  });
});
