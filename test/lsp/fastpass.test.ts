// The fast window pass for large documents must agree with a whole-document lint after each edit:
// same findings (code, range, message) and same call ranges, for edits inside calls, line insertions
// and deletions, and edits between functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintSource } from '../../server/lint/engine';
import type { Finding, Range, TelemetryCall } from '../../server/lint/types';
import { bundledSchema } from '../../server/schema/loader';
import { fastLint, FAST_PASS_MIN_LINES } from '../../server/lsp/fastPass';

function bigPython(): string {
  const lines = ['import logfire', 'import structlog', '', 'log = structlog.get_logger()', ''];
  for (let i = 0; lines.length < FAST_PASS_MIN_LINES + 300; i++) {
    lines.push(`def f${i}(a, m):`);
    for (let k = 0; k < 6; k++) lines.push(`    a = a + ${k}`);
    if (i % 3 === 0) lines.push('    logfire.info("Workload routing: {agent} → {workload} → {model}", agent=a, workload="BAKING")');
    else if (i % 3 === 1) lines.push('    logfire.warn(\n        "Failover: {from_model} → {to_model}",\n        from_model=m,\n        to_model=a,\n    )');
    else lines.push('    log.info("agent.Created", agent_id=a)');
    lines.push('    return a', '');
  }
  return lines.join('\n') + '\n';
}

function apply(text: string, range: Range, newText: string): string {
  const lines = text.split('\n');
  const off = (p: Range['start']) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, off(range.start)) + newText + text.slice(off(range.end));
}

const key = (f: Finding) => `${f.code}@${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character} ${f.message}`;
const callKey = (c: TelemetryCall) => `${c.range.start.line}:${c.range.start.character}-${c.range.end.line}:${c.range.end.character}`;

test('fast window pass agrees with a whole-document lint after single edits', async () => {
  const schema = bundledSchema();
  let text = bigPython();
  let prev = await lintSource({ source: text, filePath: 'big.py', language: 'python', schema });
  let calls = prev.calls;
  let findings = prev.findings;
  const lines = () => text.split('\n');
  const lineOf = (needle: string, nth: number) => {
    const ls = lines();
    let seen = 0;
    for (let i = 0; i < ls.length; i++) if (ls[i].includes(needle) && seen++ === nth) return i;
    throw new Error(`no ${needle}`);
  };
  const edits: { range: Range; text: string }[] = [];
  const mk: (() => { range: Range; text: string })[] = [
    () => {
      const l1 = lineOf('Workload routing', 40);
      const c1 = lines()[l1].indexOf('"') + 5;
      return { range: { start: { line: l1, character: c1 }, end: { line: l1, character: c1 } }, text: 'x' }; // inside a message
    },
    () => {
      const l2 = lineOf('Failover:', 20);
      return { range: { start: { line: l2, character: 0 }, end: { line: l2, character: 0 } }, text: '        # note\n        # more\n' }; // lines added inside a multi-line call
    },
    () => {
      const l3 = lineOf('def f100', 0);
      return { range: { start: { line: l3, character: 0 }, end: { line: l3 + 2, character: 0 } }, text: '' }; // lines deleted
    },
    () => ({ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '\n' }), // near the top
  ];
  for (let round = 0; round < 4; round++) {
    const e = mk[round]();
    edits.push(e);
    const next = apply(text, e.range, e.text);
    const fast = await fastLint({ text: next, filePath: 'big.py', language: 'python', schema, settings: {}, change: e, calls, findings });
    assert.ok(fast, 'the fast pass applies to a large document');
    const exact = await lintSource({ source: next, filePath: 'big.py', language: 'python', schema });
    assert.deepEqual(fast.findings.map(key), exact.findings.map(key), `round ${round}`);
    assert.deepEqual(fast.calls.map(callKey), exact.calls.map(callKey), `round ${round}`);
    assert.ok(fast.window[1] - fast.window[0] < 60, `a small window: ${fast.window}`);
    text = next;
    calls = fast.calls;
    findings = fast.findings;
  }
  assert.ok(findings.length > 100, 'the file has findings all over');
});
