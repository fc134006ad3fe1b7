// Demo traffic names where each record was emitted (code.filepath / code.lineno / code.function), so that
// jump-to-source, runtime CodeLens and runtime diagnostics land on a call. Those locations must be the
// real telemetry calls of the bundled example: this test extracts the example's calls with the lint
// engine and checks every location the demo writes against them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lintWorkspace } from '../../server/lint/workspace';
import { packageRoot } from '../../server/paths';
import { bundledSchema } from '../../server/schema/loader';
import { DEMO_EVENTS, DEMO_ROOT_SPAN, generateDemoRecords } from '../../server/telemetry/demo';

const root = path.join(packageRoot(), 'examples', 'code-puppy');

/** `Class.method` (or `function`) enclosing 1-based `line` of a Python file, from its indentation. */
function enclosingFunction(lines: string[], line: number): string | undefined {
  let indent = /^\s*/.exec(lines[line - 1])![0].length;
  const names: string[] = [];
  for (let i = line - 2; i >= 0; i--) {
    const m = /^(\s*)(?:async\s+)?(def|class)\s+(\w+)/.exec(lines[i]);
    if (m && m[1].length < indent) {
      names.unshift(m[3]);
      indent = m[1].length;
    }
  }
  return names.length ? names.join('.') : undefined;
}

describe('demo traffic points at the example\'s real telemetry calls', () => {
  it('each demo location is the first line of a call with that template, inside that function', async () => {
    const results = await lintWorkspace([root], { schema: bundledSchema(), workers: 0, includeCalls: true });
    const calls = results.flatMap((r) =>
      (r.calls ?? []).map((c) => ({
        file: path.relative(root, r.file).split(path.sep).join('/'),
        line: c.range.start.line + 1,
        template: c.message?.value,
        kind: c.kind,
        level: c.level,
      })),
    );
    const levelOf: Record<number, string> = { 9: 'info', 13: 'warn' };
    const locations = [
      ...Object.values(DEMO_EVENTS).map((e) => ({ ...e, kind: 'log', levelName: levelOf[e.level] })),
      { ...DEMO_ROOT_SPAN, kind: 'span', levelName: undefined },
    ];
    for (const loc of locations) {
      const call = calls.find((c) => c.file === loc.file && c.line === loc.line);
      assert.ok(call, `${loc.file}:${loc.line} (${loc.template}) is not a telemetry call; calls in that file start on lines ${calls.filter((c) => c.file === loc.file).map((c) => c.line).join(', ')}`);
      assert.equal(call.template, loc.template, `${loc.file}:${loc.line}`);
      assert.equal(call.kind, loc.kind, `${loc.file}:${loc.line}`);
      if (loc.levelName) assert.equal(call.level, loc.levelName, `${loc.file}:${loc.line} level`);
      const text = fs.readFileSync(path.join(root, loc.file), 'utf8').split('\n');
      assert.equal(enclosingFunction(text, loc.line), loc.fn, `${loc.file}:${loc.line} function`);
    }
  });

  it('every demo record carries one of those locations', () => {
    const known = new Set([...Object.values(DEMO_EVENTS), DEMO_ROOT_SPAN].map((e) => `${e.file}:${e.line}:${e.fn}:${e.template}`));
    const rows = generateDemoRecords({ records: 400, seed: 7, now: new Date('2026-01-01T00:00:00Z') });
    assert.ok(rows.length > 100);
    for (const r of rows) {
      const a = r.attributes as Record<string, unknown>;
      const key = `${a['code.filepath']}:${a['code.lineno']}:${a['code.function']}:${a['logfire.msg_template']}`;
      assert.ok(known.has(key), `unexpected demo location ${key}`);
    }
  });
});
