import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkCalls,
  effectiveTemplate,
  lintSource,
  matchEvent,
  matchMessage,
  normalizeMessage,
  parseSuppressions,
  resolveSeverity,
  suppressionEdit,
  wrappersFor,
} from '../../server/lint/linter';
import type { Rule } from '../../server/lint/types';
import type { TextEdit } from '../../server/model/positions';
import type { TelemetryCall } from '../../server/model/calls';
import { bundledSchema } from '../../server/schema/loader';
import type { Schema } from '../../server/schema/model';

/** A real rule used to observe the engine: reports every call whose message matched no event. */
const probe: Rule = {
  meta: { code: 'TL900', name: 'probe-unmatched', severity: 'warning', fixable: 'never', summary: 'test probe' },
  checkCall(ctx, report) {
    if (!ctx.match.event) report({ message: `unmatched ${String(ctx.call.message?.value)}`, range: ctx.call.range, fixes: [] });
  },
};
/** A file rule with needles, like a hard-coded token rule. */
const tokenProbe: Rule = {
  meta: { code: 'TL901', name: 'probe-token', severity: 'error', fixable: 'never', summary: 'test token probe' },
  fileNeedles: ['pylf_v1_'],
  checkFile(ctx, report) {
    const i = ctx.source.indexOf('pylf_v1_');
    if (i < 0) return;
    const line = ctx.source.slice(0, i).split('\n').length - 1;
    report({ message: 'token', range: { start: { line, character: 0 }, end: { line, character: 1 } }, fixes: [] });
  },
};
const throwing: Rule = {
  meta: { code: 'TL902', name: 'probe-throws', severity: 'error', fixable: 'never', summary: 'throws' },
  checkCall() {
    throw new Error('boom');
  },
};

function applyEdit(source: string, e: TextEdit): string {
  const lines = source.split('\n');
  const off = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return source.slice(0, off(e.range.start)) + e.newText + source.slice(off(e.range.end));
}

const schema = bundledSchema();

describe('matchEvent', () => {
  it('matches the exact template, a dotted name and a normalised variant', () => {
    assert.equal(matchMessage('Failover triggered: {from_model} → {to_model} ({error_type})', schema).how, 'template');
    const norm = matchMessage('failover triggered:  {a} -> {b} ({c})', schema);
    assert.equal(norm.how, 'normalized');
    assert.equal(norm.event?.template, 'Failover triggered: {from_model} → {to_model} ({error_type})');
    const withName: Schema = { ...schema, events: [...schema.events, { id: 'agent.created', name: 'agent.created', attributes: [] }] };
    const m = matchMessage('agent.created', withName);
    assert.equal(m.how, 'name');
    assert.equal(m.event?.id, 'agent.created');
  });

  it('offers near misses for did-you-mean, best first', () => {
    const m = matchMessage('Failover: {a} → {b}', schema);
    assert.equal(m.event, undefined);
    assert.ok(m.candidates.length >= 1);
    assert.equal(m.candidates[0].event.template, 'Failover triggered: {from_model} → {to_model} ({error_type})');
    for (let i = 1; i < m.candidates.length; i++) assert.ok(m.candidates[i - 1].score >= m.candidates[i].score);
  });

  it('offers nothing for unrelated messages', () => {
    const m = matchMessage('Starting agent execution', schema);
    assert.equal(m.event, undefined);
    assert.deepEqual(m.candidates, []);
  });

  it('normalises arrows, whitespace, case and placeholder names', () => {
    assert.equal(normalizeMessage('EAR phase: {from_phase} → {to_phase}'), normalizeMessage('ear  phase: {x}->{y}'));
  });

  it('rebuilds f-string and template-literal templates like Logfire', () => {
    const call = { language: 'python' as const, message: { kind: 'fstring' as const, text: "f'Rate limit: {model!r} ({workload}) - cooldown {cooldown:.0f}s'", range: r0() } };
    assert.equal(effectiveTemplate(call), 'Rate limit: {model} ({workload}) - cooldown {cooldown}s');
    const ts = { language: 'typescript' as const, message: { kind: 'fstring' as const, text: '`EAR phase: ${a} → ${b}`', range: r0() } };
    assert.equal(effectiveTemplate(ts), 'EAR phase: {a} → {b}');
    // a slice or a string inside the expression is not a format spec; `!=` is not a conversion
    const fs = (text: string) => effectiveTemplate({ language: 'python', message: { kind: 'fstring', text, range: r0() } });
    assert.equal(fs("f'Job {job_id[:8]} took {t:.1f}s'"), 'Job {job_id[:8]} took {t}s');
    assert.equal(fs('f"Key {d[\'a:b\']!r} same {a != b} {n=}"'), "Key {d['a:b']} same {a != b} {n}");
    assert.equal(fs("f'{{literal}} {x}'"), '{{literal}} {x}');
  });

  it('matches attribute setters through their span', () => {
    const call = { language: 'python' as const, kind: 'set-attribute' as const, message: undefined, spanMessage: { kind: 'string' as const, text: "'x'", value: 'EAR phase: {from_phase} → {to_phase}', range: r0() } };
    assert.equal(matchEvent(call, schema).event?.template, 'EAR phase: {from_phase} → {to_phase}');
  });
});

describe('severity resolution', () => {
  it('rule default ← schema rules ← settings rules, by code or name', () => {
    assert.equal(resolveSeverity(probe.meta), 'warning');
    assert.equal(resolveSeverity(probe.meta, { rules: { TL900: 'error' } }), 'error');
    assert.equal(resolveSeverity(probe.meta, { rules: { 'probe-unmatched': 'info' } }), 'info');
    assert.equal(resolveSeverity(probe.meta, { rules: { TL900: 'error' } }, { rules: { 'probe-unmatched': 'off' } }), 'off');
    assert.equal(resolveSeverity(probe.meta, { rules: {} }, { rules: { TL900: 'bogus' } }), 'warning');
  });
});

describe('lintSource', () => {
  const src = [
    'import logfire',
    'logfire.info("Totally new thing {x}", x=1)',
    'logfire.info("Failover success: now using {model}", model=m, workload=w, attempts=1)',
    'logfire.info("Another {y}", y=2)  # telemetry-lens: ignore[TL900]',
    '# telemetry-lens: ignore',
    'logfire.info("Line below comment", y=2)',
    'logfire.info(  # telemetry-lens: ignore[probe-unmatched]',
    '    "Multi-line call",',
    ')',
    '',
  ].join('\n');

  it('runs call rules, matches events and honours suppressions on the line and the line above', async () => {
    const r = await lintSource({ source: src, filePath: 'a.py', language: 'python', schema, rules: [probe] });
    assert.equal(r.calls.length, 5);
    assert.deepEqual(
      r.findings.map((f) => [f.code, f.range.start.line, f.severity]),
      [['TL900', 1, 'warning']],
    );
  });

  it('applies severity overrides and drops rules set to off', async () => {
    const errs = await lintSource({ source: src, filePath: 'a.py', language: 'python', schema, rules: [probe], settings: { rules: { TL900: 'error' } } });
    assert.equal(errs.findings[0].severity, 'error');
    const off = await lintSource({ source: src, filePath: 'a.py', language: 'python', schema: { ...schema, rules: { 'probe-unmatched': 'off' } }, rules: [probe] });
    assert.equal(off.findings.length, 0);
  });

  it('skips files without telemetry before parsing, but runs needle file rules on them', async () => {
    const plain = await lintSource({ source: 'def f():\n    return 1\n', filePath: 'b.py', language: 'python', schema, rules: [probe, tokenProbe] });
    assert.equal(plain.skipped, true);
    assert.equal(plain.findings.length, 0);
    const token = await lintSource({ source: 'X = 1\nTOKEN = "pylf_v1_us_abc"\n', filePath: 'c.py', language: 'python', schema, rules: [probe, tokenProbe] });
    assert.equal(token.skipped, true);
    assert.deepEqual(token.findings.map((f) => [f.code, f.range.start.line]), [['TL901', 1]]);
  });

  it('keeps linting when a rule throws and reports the rule error', async () => {
    const r = await lintSource({ source: src, filePath: 'a.py', language: 'python', schema, rules: [throwing, probe] });
    assert.equal(r.findings.length, 1);
    assert.ok(r.ruleErrors.some((e) => e.code === 'TL902' && e.message === 'boom'));
  });

  it('recognises configured wrappers from schema conventions and settings', async () => {
    const s: Schema = { ...schema, conventions: { ...schema.conventions, wrappers: [{ name: 'log_info', kind: 'log', level: 'info' }] } };
    const code = 'from weaver_ai.telemetry import log_info, start_span\nlog_info("Starting agent execution", task_id=t)\nwith start_span("agent.execute", task_id=1):\n    pass\n';
    const r1 = await lintSource({ source: code, filePath: 'w.py', language: 'python', schema: s, rules: [] });
    assert.deepEqual(r1.calls.map((c) => [c.library, c.method, c.kind]), [['wrapper', 'log_info', 'log']]);
    const r2 = await lintSource({ source: code, filePath: 'w.py', language: 'python', schema: s, rules: [], settings: { wrappers: [{ name: 'start_span', kind: 'span' }] } });
    assert.deepEqual(r2.calls.map((c) => [c.method, c.kind]), [['log_info', 'log'], ['start_span', 'span']]);
    assert.equal(wrappersFor(s, { wrappers: [{ name: 'log_info', kind: 'span' }] })[0].kind, 'span');
  });
});

describe('suppressionEdit', () => {
  it('appends a Python comment that the engine then honours', async () => {
    const src = 'import logfire\nlogfire.info("Brand new {x}", x=1)\n';
    const e = suppressionEdit(src, 'python', 1, 'TL900');
    const fixed = applyEdit(src, e);
    assert.equal(fixed.split('\n')[1], 'logfire.info("Brand new {x}", x=1)  # telemetry-lens: ignore[TL900]');
    const r = await lintSource({ source: fixed, filePath: 'a.py', language: 'python', schema, rules: [probe] });
    assert.equal(r.findings.length, 0);
  });

  it('extends an existing ignore list and uses // in TypeScript', () => {
    const py = 'x = 1  # telemetry-lens: ignore[TL001]\n';
    assert.equal(applyEdit(py, suppressionEdit(py, 'python', 0, 'TL007')), 'x = 1  # telemetry-lens: ignore[TL001, TL007]\n');
    const ts = "logfire.info('x');\n";
    assert.equal(applyEdit(ts, suppressionEdit(ts, 'typescript', 0, 'TL001')), "logfire.info('x');  // telemetry-lens: ignore[TL001]\n");
    assert.deepEqual([...(parseSuppressions("a // telemetry-lens: ignore[TL001, unknown-event]\n").get(0) ?? [])], ['TL001', 'unknown-event']);
  });

  it('puts the comment above a line that leaves a string open', () => {
    const src = 'logfire.info("""Multi\nline {x}""", x=1)\n';
    assert.equal(applyEdit(src, suppressionEdit(src, 'python', 0, 'TL001')), '# telemetry-lens: ignore[TL001]\n' + src);
    const ts = 'info(`a\nb`);\n';
    assert.equal(applyEdit(ts, suppressionEdit(ts, 'typescript', 0, 'TL001')), '// telemetry-lens: ignore[TL001]\n' + ts);
  });

  it('puts the comment on its own line after a line continuation', () => {
    const src = 'x = a + \\\n    b\n';
    const e = suppressionEdit(src, 'python', 0, 'TL001');
    assert.equal(applyEdit(src, e), '# telemetry-lens: ignore[TL001]\nx = a + \\\n    b\n');
  });
});

describe('checkCalls (calls without source)', () => {
  it('runs call rules on synthetic calls', () => {
    const call: TelemetryCall = {
      language: 'python',
      library: 'logfire',
      kind: 'log',
      method: 'info',
      level: 'info',
      message: { kind: 'string', text: '', value: 'Something unheard of', range: r0() },
      attributes: [],
      hasSplat: false,
      reservedKeywords: [],
      range: r0(),
      calleeRange: r0(),
    };
    const f = checkCalls([call], schema, { rules: [probe, tokenProbe] });
    assert.deepEqual(f.map((x) => x.code), ['TL900']);
  });
});

function r0() {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}
