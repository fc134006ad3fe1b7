// The language server's incremental document lint must equal a fresh whole-document lint after any
// sequence of edits: random insertions and deletions inside calls, line insertions and deletions,
// edits to imports and logger/span bindings, set_attribute calls, suppression comments, syntax errors
// and multi-change batches. Compared after every edit: the calls (deeply), the findings (code,
// severity, range, message, tags, event) and, every few edits, the findings with their fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LintDocument, type ContentChange } from '../../server/lint/document';
import { lintSource } from '../../server/lint/linter';
import type { Finding } from '../../server/lint/types';
import type { Position } from '../../server/model/positions';
import { bundledSchema } from '../../server/schema/loader';
import { seededRandom as rng } from '../../server/random';

const CALLS = [
  'logfire.info("Workload routing: {agent} → {workload} → {model}", agent=a, workload="CODING", model=m, orchestrated_model=m, default_model=d)',
  'logfire.warn("Failover triggered: {from_model} → {to_model} ({error_type})", from_model=a, to_model=b, error_type="timeout", workload="CODING")',
  'logfire.info("Failover: {from_model} → {to_model}", from_model=a, to_model=b)',
  'logfire.info("Workload routing: {agent} → {workload} → {model}", agent=a, workload="BAKING")',
  'log.info("agent.Created", agent_id=a)',
  'logfire.warn(\n        "Capacity warning: {model} at {pct}% ({limit_type})",\n        model=m,\n        pct=85.0,\n    )',
  'span.set_attribute("workload", "CODING")',
  'logfire.info("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m)  # telemetry-lens: ignore[TL002]',
];

function basePython(spans = true): string {
  const lines = ['import logfire', 'import structlog', '', 'log = structlog.get_logger()', ''];
  for (let i = 0; i < 36; i++) {
    if (i % 9 === 4) {
      lines.push('@logfire.instrument', `def traced_${i}(a, m):`, '    return a', '');
      continue;
    }
    lines.push(`def handler_${i}(a, b, m, d):`);
    if (spans && i % 6 === 1) lines.push('    with logfire.span("Workload routing: {agent} → {workload} → {model}", agent=a) as span:');
    const indent = spans && i % 6 === 1 ? '        ' : '    ';
    lines.push(`${indent}total = a + ${i}`);
    lines.push(`${indent}${CALLS[i % CALLS.length]}`);
    if (spans && i % 6 === 1) lines.push(`${indent}span.set_attribute("model", m)`);
    lines.push(`${indent}return total`, '');
  }
  return lines.join('\n') + '\n';
}

/** Snippets typed into the file: calls, bindings, imports, setters, junk that breaks the syntax. */
const SNIPPETS = [
  'x',
  '"',
  '(',
  ')',
  ', ',
  '{',
  'model=m, ',
  '\n',
  '    model = 1\n',
  '    logfire.info("Failover: {from_model} → {to_model}", from_model=a)\n',
  '    span.set_attribute("to_model", b)\n',
  '    span.set_attribute("workload", "CODING")\n',
  'import logfire as lf\n',
  'from logfire import info\n',
  '    info("Failover success: now using {model}", model=m)\n',
  '    lf.warn("Rate limit: {model}", model=m)\n',
  'span = logfire.span("Failover: {from_model} → {to_model}")\n',
  '    with logfire.span("EAR phase: {from_phase} → {to_phase}") as span:\n        span.set_attribute("loop_id", 1)\n',
  '  # telemetry-lens: ignore[TL001]',
  '#',
  'def ',
];

function offsetOf(text: string, p: Position): number {
  let off = 0;
  for (let l = 0; l < p.line; l++) off = text.indexOf('\n', off) + 1;
  return off + p.character;
}

function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

function apply(text: string, c: ContentChange): string {
  if (!c.range) return c.text;
  return text.slice(0, offsetOf(text, c.range.start)) + c.text + text.slice(offsetOf(text, c.range.end));
}

/** One random edit of `text`. */
function randomChange(text: string, r: () => number): ContentChange {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const lines = text.split('\n');
  const kind = r();
  if (kind < 0.35) {
    // inside a call: insert or delete a character or two in a line holding a call
    const callLines = lines.map((l, i) => (/\w\.\w+\(|\binfo\(/.test(l) ? i : -1)).filter((i) => i >= 0);
    const line = callLines.length ? pick(callLines) : Math.floor(r() * lines.length);
    const len = lines[line].length;
    const col = Math.floor(r() * (len + 1));
    if (r() < 0.5 && col < len) {
      const end = Math.min(len, col + 1 + Math.floor(r() * 2));
      return { range: { start: { line, character: col }, end: { line, character: end } }, text: '' };
    }
    return { range: { start: { line, character: col }, end: { line, character: col } }, text: pick(SNIPPETS.slice(0, 8)) };
  }
  if (kind < 0.55) {
    // insert a line (code, binding, import, setter) at the start of a random line
    const line = Math.floor(r() * lines.length);
    const snippet = pick(SNIPPETS.slice(8));
    const text2 = snippet.endsWith('\n') ? snippet : `${snippet}\n`;
    return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: text2 };
  }
  if (kind < 0.7) {
    // delete one to three whole lines
    const line = Math.floor(r() * Math.max(1, lines.length - 1));
    const end = Math.min(lines.length - 1, line + 1 + Math.floor(r() * 3));
    return { range: { start: { line, character: 0 }, end: { line: end, character: 0 } }, text: '' };
  }
  if (kind < 0.8) {
    // edit the imports at the top
    const line = Math.floor(r() * 5);
    const choices = ['import logfire as lf\n', 'from logfire import info\n', 'import loguru\n', ''];
    const t = pick(choices);
    if (t === '' && lines.length > 1) return { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' };
    return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: t };
  }
  if (kind < 0.9) {
    // end-of-line suppression or comment
    const line = Math.floor(r() * lines.length);
    const col = lines[line].length;
    return { range: { start: { line, character: col }, end: { line, character: col } }, text: pick(['  # telemetry-lens: ignore[TL002]', '  # telemetry-lens: ignore', '  # note']) };
  }
  // any character anywhere, or a random span replaced
  const a = Math.floor(r() * text.length);
  const b = Math.min(text.length, a + Math.floor(r() * 40));
  return { range: { start: positionOf(text, a), end: positionOf(text, r() < 0.5 ? a : b) }, text: r() < 0.5 ? '' : pick(SNIPPETS) };
}

/** One random edit that keeps the file free of syntax errors (the path that parses only the edited statements). */
function validChange(text: string, r: () => number, n: number): ContentChange {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const lines = text.split('\n');
  const at = (line: number, character: number, t: string, endLine = line, endCharacter = character): ContentChange => ({
    range: { start: { line, character }, end: { line: endLine, character: endCharacter } },
    text: t,
  });
  const linesWhere = (re: RegExp) => lines.map((l, i) => (re.test(l) ? i : -1)).filter((i) => i >= 0);
  const kind = r();
  if (kind < 0.45) {
    // type into, or delete from, a string literal
    const line = pick(linesWhere(/"[^"]{3,}"/));
    const open = lines[line].indexOf('"');
    const close = lines[line].indexOf('"', open + 1);
    const col = open + 1 + Math.floor(r() * (close - open - 1));
    if (r() < 0.4 && col < close - 1) return at(line, col, '', line, col + 1);
    return at(line, col, pick(['x', ' ', '{model}', 'Failover', '→', 'é']));
  }
  if (kind < 0.6) {
    // a statement line inside a function body
    const line = pick(linesWhere(/^    (?![ )])/));
    const indent = /^ */.exec(lines[line])![0];
    return at(line, 0, `${indent}${pick(['total = total + 1', 'logfire.info("Failover: {from_model} → {to_model}", from_model=a)', 'span.set_attribute("workload", "CODING")', 'log.info("agent.Created", agent_id=a)', 'logfire.warn("Rate limit: {model}", model=m)  # telemetry-lens: ignore[TL002]'])}\n`);
  }
  if (kind < 0.7) {
    // delete a plain statement line of a body
    const ls = linesWhere(/^ +total = a \+/);
    if (ls.length) {
      const line = pick(ls);
      return at(line, 0, '', line + 1, 0);
    }
  }
  if (kind < 0.8) {
    // a new function before a top-level statement
    const line = pick(linesWhere(/^(def |@)/));
    return at(line, 0, `def extra_${n}(a, m):\n    ${pick(CALLS.slice(0, 5))}\n    return a\n\n`);
  }
  if (kind < 0.88) {
    // delete a whole undecorated function
    const defs = linesWhere(/^def /).filter((i) => i === 0 || !lines[i - 1].startsWith('@'));
    if (defs.length > 3) {
      const line = pick(defs);
      let end = line + 1;
      while (end < lines.length && (lines[end].startsWith(' ') || lines[end] === '')) end++;
      return at(line, 0, '', end, 0);
    }
  }
  if (kind < 0.93) {
    // an import or a binding
    if (r() < 0.5) return at(0, 0, pick(['import logfire as lf\n', 'from logfire import info\n', 'import loguru\n', 'import json\n']));
    const line = pick(linesWhere(/^    (?![ )])/));
    return at(line, 0, pick(['    model = 1\n', '    log = structlog.get_logger()\n']));
  }
  // end-of-line comment or suppression on a line that is not inside a string
  const line = pick(linesWhere(/^(def |    [a-z])/));
  return at(line, lines[line].length, pick(['  # telemetry-lens: ignore[TL002]', '  # telemetry-lens: ignore', '  # note']));
}

const findingKey = (f: Finding) =>
  JSON.stringify([f.code, f.severity, f.range, f.message, f.tags ?? [], f.eventId ?? null]);

async function check(seed: number, steps: number, batchEvery: number, valid = false, spans = !valid): Promise<{ incremental: number; regionOnly: number; total: number }> {
  const schema = bundledSchema();
  const r = rng(seed);
  let text = basePython(spans);
  const doc = await LintDocument.open({ filePath: 'big.py', language: 'python', text, schema });
  let incremental = 0;
  let regionOnly = 0;
  try {
    for (let step = 0; step < steps; step++) {
      const changes: ContentChange[] = [];
      const n = step % batchEvery === batchEvery - 1 ? 2 + Math.floor(r() * 2) : 1;
      for (let k = 0; k < n; k++) {
        const c = valid ? validChange(text, r, step) : randomChange(text, r);
        changes.push(c);
        text = apply(text, c);
      }
      await doc.update(changes, step + 2);
      assert.equal(doc.text, text, `text after step ${step}`);
      if (doc.lastStats.mode === 'incremental') incremental++;
      if (doc.lastStats.parsed === 'region') regionOnly++;
      const fresh = await lintSource({ source: text, filePath: 'big.py', language: 'python', schema });
      const ctx = `seed ${seed}, step ${step}: ${JSON.stringify(changes)}`;
      assert.equal(JSON.stringify(doc.calls), JSON.stringify(fresh.calls), `calls, ${ctx}`);
      assert.deepEqual(doc.findings.map(findingKey), fresh.findings.map(findingKey), `findings, ${ctx}`);
      if (step % 7 === 0) assert.equal(JSON.stringify(doc.findingsWithFixes()), JSON.stringify(fresh.findings), `fixes, ${ctx}`);
    }
  } finally {
    doc.dispose();
  }
  return { incremental, regionOnly, total: steps };
}

test('incremental lint equals a fresh whole-document lint after each of many random edits', async () => {
  let incremental = 0;
  let regionOnly = 0;
  let total = 0;
  for (const seed of [1, 2, 3, 4]) {
    const r = await check(seed, 150, 10);
    incremental += r.incremental;
    regionOnly += r.regionOnly;
    total += r.total;
  }
  // both incremental paths ran for many edits (the rest changed bindings or left the file broken)
  assert.ok(incremental > total / 2, `incremental lints: ${incremental} of ${total}`);
});

test('edits that keep the file valid: the lint parsing only the edited statements equals a fresh lint', async () => {
  let regionOnly = 0;
  let total = 0;
  for (const seed of [11, 12, 13]) {
    const r = await check(seed, 150, 12, true);
    regionOnly += r.regionOnly;
    total += r.total;
  }
  // most edits took the keystroke path (the others touched imports or bindings)
  assert.ok(regionOnly > total / 2, `lints that parsed only the edited statements: ${regionOnly} of ${total}`);
  // with span bindings in the file (`with logfire.span(...) as span:`): statements that do not use the
  // span's name still take the keystroke path
  const withSpans = await check(14, 150, 12, true, true);
  assert.ok(withSpans.regionOnly > withSpans.total / 4, `with span bindings: ${withSpans.regionOnly} of ${withSpans.total}`);
});

test('TypeScript: findings reused for unchanged calls equal a fresh whole-document lint after random edits', async () => {
  const schema = bundledSchema();
  const parts = ["import * as logfire from '@pydantic/logfire-node';", ''];
  for (let i = 0; i < 30; i++) {
    parts.push(`export function handler${i}(a: string, m: string) {`);
    if (i % 5 === 2) parts.push("  logfire.span('Workload routing: {agent} → {workload} → {model}', { agent: a }, (span) => {", "    span.setAttribute('model', m);", '  });');
    else if (i % 3 === 0) parts.push("  logfire.info('Workload routing: {agent} → {workload} → {model}', { agent: a, workload: 'BAKING' });");
    else parts.push("  logfire.warn('Failover: {from_model} → {to_model}', { from_model: a, to_model: m });");
    parts.push('  return a;', '}', '');
  }
  const snippets = ['x', "'", '(', ')', '{', ', workload: m', '\n', "  logfire.info('Failover success: now using {model}', { model: m });\n", "    span.setAttribute('workload', 'CODING');\n", '// note\n', "import { info } from '@pydantic/logfire-node';\n"];
  const r = rng(7);
  let text = parts.join('\n') + '\n';
  const doc = await LintDocument.open({ filePath: 'a.ts', language: 'typescript', text, schema });
  let reused = 0;
  try {
    for (let step = 0; step < 120; step++) {
      const lines = text.split('\n');
      const line = Math.floor(r() * lines.length);
      const col = Math.floor(r() * (lines[line].length + 1));
      const k = r();
      const c: ContentChange =
        k < 0.5
          ? { range: { start: { line, character: col }, end: { line, character: col } }, text: snippets[Math.floor(r() * snippets.length)] }
          : k < 0.8
            ? { range: { start: { line, character: col }, end: { line, character: Math.min(lines[line].length, col + 1 + Math.floor(r() * 3)) } }, text: '' }
            : { range: { start: { line, character: 0 }, end: { line: Math.min(lines.length - 1, line + 1), character: 0 } }, text: '' };
      text = apply(text, c);
      await doc.update([c], step + 2);
      if (doc.lastStats.mode === 'incremental' && doc.lastStats.callsChecked < doc.calls.length) reused++;
      const fresh = await lintSource({ source: text, filePath: 'a.ts', language: 'typescript', schema });
      const ctx = `step ${step}: ${JSON.stringify(c)}`;
      assert.equal(JSON.stringify(doc.calls), JSON.stringify(fresh.calls), `calls, ${ctx}`);
      assert.deepEqual(doc.findings.map(findingKey), fresh.findings.map(findingKey), `findings, ${ctx}`);
      if (step % 9 === 0) assert.equal(JSON.stringify(doc.findingsWithFixes()), JSON.stringify(fresh.findings), `fixes, ${ctx}`);
    }
  } finally {
    doc.dispose();
  }
  assert.ok(reused > 10, `lints that reused findings: ${reused} of 120`);
});

test('a binding edit elsewhere changes the fix of an untouched call (fixes are recomputed for the current text)', async () => {
  const schema = bundledSchema();
  const text = ['import logfire', '', 'def f(a, m):', '    logfire.info("Workload routing: {agent} → {workload} → {model}", agent=a)', '    return a', ''].join('\n');
  const doc = await LintDocument.open({ filePath: 'a.py', language: 'python', text, schema });
  try {
    const addWorkload = (fs: readonly Finding[]) => fs.find((f) => f.code === 'TL002')?.fixes[0]?.edits[0]?.newText ?? '';
    assert.match(addWorkload(doc.findingsWithFixes()), /workload=None/);
    // bind `workload` in a statement the call does not belong to
    await doc.update([{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'workload = "CODING"\n' }], 2);
    assert.equal(doc.lastStats.mode, 'incremental');
    const fresh = await lintSource({ source: doc.text, filePath: 'a.py', language: 'python', schema });
    assert.match(addWorkload(fresh.findings), /workload=workload/);
    assert.equal(JSON.stringify(doc.findingsWithFixes()), JSON.stringify(fresh.findings));
    assert.equal(doc.findings.map(findingKey).join('\n'), fresh.findings.map(findingKey).join('\n'));
  } finally {
    doc.dispose();
  }
});

test('editing a set_attribute call re-checks the span it acts on, elsewhere in its with block', async () => {
  const schema = bundledSchema();
  const text = [
    'import logfire',
    '',
    'def f(a, m):',
    '    with logfire.span("Workload routing: {agent} → {workload} → {model}", agent=a) as span:',
    '        x = a',
    '',
    '        span.set_attribute("model", m)',
    '        span.set_attribute("workload", "CODING")',
    '',
  ].join('\n');
  const doc = await LintDocument.open({ filePath: 'a.py', language: 'python', text, schema });
  try {
    const tl002 = () => doc.findings.filter((f) => f.code === 'TL002' && f.message.includes('`workload`')).map((f) => f.range.start.line);
    assert.deepEqual(tl002(), []);
    // "workload" → "workloadx": the span in f() now misses `workload`
    await doc.update([{ range: { start: { line: 7, character: 35 }, end: { line: 7, character: 35 } }, text: 'x' }], 2);
    assert.deepEqual(tl002(), [3]);
    const fresh = await lintSource({ source: doc.text, filePath: 'a.py', language: 'python', schema });
    assert.deepEqual(doc.findings.map(findingKey), fresh.findings.map(findingKey));
  } finally {
    doc.dispose();
  }
});

test('a keystroke inside one call of a large file re-checks only that call', async () => {
  const schema = bundledSchema();
  let text = basePython(false);
  while (text.split('\n').length < 2000) text += basePython(false).split('\n').slice(5).join('\n');
  const doc = await LintDocument.open({ filePath: 'big.py', language: 'python', text, schema });
  try {
    const line = text.split('\n').findIndex((l, i) => i > 1000 && l.includes('"Failover: {from_model}'));
    const col = text.split('\n')[line].indexOf('"') + 3;
    await doc.update([{ range: { start: { line, character: col }, end: { line, character: col } }, text: 'x' }], 2);
    assert.equal(doc.lastStats.mode, 'incremental');
    assert.equal(doc.lastStats.parsed, 'region');
    assert.equal(doc.lastStats.callsChecked, 1);
    assert.ok((doc.lastStats.regionLines ?? 0) < 10, `region: ${doc.lastStats.regionLines} lines`);
    await doc.update([{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '    total = 1\n' }], 3);
    assert.equal(doc.lastStats.mode, 'incremental');
    const fresh = await lintSource({ source: doc.text, filePath: 'big.py', language: 'python', schema });
    assert.equal(JSON.stringify(doc.calls), JSON.stringify(fresh.calls));
    assert.deepEqual(doc.findings.map(findingKey), fresh.findings.map(findingKey));
  } finally {
    doc.dispose();
  }
});
