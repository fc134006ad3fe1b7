import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LintDocument } from '../../server/lint/document';
import { lintSource } from '../../server/lint/linter';
import type { Position } from '../../server/model/positions';
import type { TelemetryCall } from '../../server/model/calls';
import { bundledSchema } from '../../server/schema/loader';
import { seededRandom as rng } from '../../server/random';

const schema = bundledSchema();

function summary(calls: readonly TelemetryCall[]) {
  return calls.map((c) => ({ m: c.method, msg: c.message?.text, keys: c.attributes.map((a) => a.key), range: c.range, ins: c.insertAttribute }));
}

function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

const PY = `import logfire

def route(agent_name, workload_type):
    logfire.info(
        "Workload routing: {agent} → {workload} → {model}",
        agent=agent_name,
        workload=workload_type,
    )
    with logfire.span("EAR phase: {from_phase} → {to_phase}", from_phase="a", to_phase="b") as s:
        s.set_attribute("confidence", 0.5)
`;

describe('LintDocument', () => {
  it('applies incremental edits and ends up exactly where a fresh lint would', async () => {
    const doc = await LintDocument.open({ filePath: 'a.py', language: 'python', text: PY, schema, rules: [] });
    assert.equal(doc.calls.length, 3);
    // Insert an attribute in the multi-line call, the way an editor would.
    const at = positionAt(doc.text, doc.text.indexOf('        workload=workload_type,') + '        workload=workload_type,'.length);
    await doc.update([{ range: { start: at, end: at }, text: '\n        model="gpt-5",' }], 2);
    assert.equal(doc.version, 2);
    assert.deepEqual(doc.calls[0].attributes.map((a) => a.key), ['agent', 'workload', 'model']);
    const fresh = await lintSource({ source: doc.text, filePath: 'a.py', language: 'python', schema, rules: [] });
    assert.deepEqual(summary(doc.calls), summary(fresh.calls));
  });

  it('finds the innermost call at a position', async () => {
    const doc = await LintDocument.open({ filePath: 'a.py', language: 'python', text: PY, schema, rules: [] });
    const p = positionAt(PY, PY.indexOf('agent=agent_name'));
    assert.equal(doc.callAt(p)?.method, 'info');
    const q = positionAt(PY, PY.indexOf('"confidence"'));
    assert.equal(doc.callAt(q)?.kind, 'set-attribute');
    assert.equal(doc.callAt({ line: 0, character: 0 }), undefined);
  });

  it('stays consistent with a full re-parse over hundreds of random edits (UTF-16 text included)', async () => {
    const base = PY + '\n# ünïcødé → 🎉\nlogfire.warn("Rate limit: {model}", model="m→n")\n';
    const doc = await LintDocument.open({ filePath: 'a.py', language: 'python', text: base, schema, rules: [] });
    const rand = rng(42);
    const snippets = ['x', '\n', ')', '(', '"', 'logfire.info("a {b}", b=1)\n', 'é', '🎉', '    ', ',', 'model=m, '];
    for (let i = 0; i < 300; i++) {
      const text = doc.text;
      const a = Math.floor(rand() * (text.length + 1));
      const len = rand() < 0.5 ? 0 : Math.floor(rand() * 6);
      let b = Math.min(text.length, a + len);
      // never split a surrogate pair
      const isLow = (k: number) => k > 0 && k < text.length && /[\uDC00-\uDFFF]/.test(text[k]);
      let s = a;
      if (isLow(s)) s--;
      if (isLow(b)) b++;
      const ins = rand() < 0.3 ? '' : snippets[Math.floor(rand() * snippets.length)];
      await doc.update([{ range: { start: positionAt(text, s), end: positionAt(text, b) }, text: ins }]);
      assert.equal(doc.text, text.slice(0, s) + ins + text.slice(b));
      if (i % 25 === 0 || i === 299) {
        const fresh = await lintSource({ source: doc.text, filePath: 'a.py', language: 'python', schema, rules: [] });
        assert.deepEqual(summary(doc.calls), summary(fresh.calls), `edit ${i}`);
      }
    }
    doc.dispose();
  });

  it('handles full-text replacement and documents that stop containing telemetry', async () => {
    const doc = await LintDocument.open({ filePath: 'a.ts', language: 'typescript', text: "import * as logfire from 'logfire';\nlogfire.info('x', { a: 1 });\n", schema, rules: [] });
    assert.equal(doc.calls.length, 1);
    await doc.update([{ text: 'const a = 1;\n' }]);
    assert.equal(doc.calls.length, 0);
    assert.equal(doc.syntaxTree, undefined);
    await doc.update([{ text: "import { info } from '@pydantic/logfire-node';\ninfo('y');\n" }]);
    assert.deepEqual(doc.calls.map((c) => c.method), ['info']);
  });
});
