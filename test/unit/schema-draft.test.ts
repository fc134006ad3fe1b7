// `schema init` drafts are self-consistent: linting code with the draft drafted from it reports no
// unknown event, missing or unknown attribute, or wrong level (TL001/TL002/TL003/TL006). A property
// over generated projects (odd calls included: f-string expressions, loguru `{}` positional
// templates, splats, bound context, span setters, ties between levels) and the bundled example.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { draftSchema } from '../../server/lint/schema-draft';
import { lintFiles, listSourceFiles } from '../../server/lint/workspace';
import { packageRoot } from '../../server/paths';
import { seededRandom } from '../../server/random';
import { RULES } from '../../server/rules/index';
import { bundledSchema, loadSchemaFromText } from '../../server/schema/loader';

const CHECKED = new Set(['TL001', 'TL002', 'TL003', 'TL006']);
const WORDS = ['alpha', 'bravo', 'cargo', 'delta', 'ember', 'fjord', 'gamma', 'harbor', 'indigo', 'jasper', 'kelvin', 'lumen', 'mosaic', 'nectar', 'orbit', 'prism'];
const LEVELS = ['debug', 'info', 'warning', 'error'];

let tmp: string;
before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-draft-'))));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A generated Python project: events emitted from several files with varying levels and attribute sets. */
function generateProject(dir: string, seed: number): void {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const events: ((level: string) => string)[] = [];
  for (let k = 0; k < 14; k++) {
    const w1 = `${pick(WORDS)}${k}`;
    const w2 = pick(WORDS);
    const attrs = ['user_id', 'model', 'count', 'job_id', 'region'].filter(() => r() < 0.5);
    const kw = () => attrs.filter(() => r() < 0.7).map((a) => `${a}=${a === 'count' ? Math.floor(r() * 9) : a}`).join(', ');
    switch (k % 7) {
      case 0:
        events.push((lv) => `logfire.${lv === 'warning' ? 'warn' : lv}("${w1} ${w2} {user_id}", ${kw()})`);
        break;
      case 1:
        events.push((lv) => `logfire.${lv === 'warning' ? 'warn' : lv}(f"${w1} job {job_id[:8]} left {blocks_cnt - 1} after {repr(e)} in {self} for {user_id}")`);
        break;
      case 2:
        events.push((lv) => `log.${lv}("${w1}.${w2}", ${kw()}${r() < 0.2 ? ', **extra' : ''})`);
        break;
      case 3:
        events.push((lv) => `logger.${lv}("${w1} ${w2} loaded {} rows from {}", count, region)`);
        break;
      case 4:
        events.push((lv) => `logger.${lv}("${w1} ${w2} for {user}", user=user_id, ${kw()})`);
        break;
      case 5:
        events.push(() => `with logfire.span("${w1} span {model}", model=model) as span:\n        span.set_attribute("${pick(attrs.length ? attrs : ['region'])}", 1)`);
        break;
      default:
        events.push((lv) => `stdlog.${lv}("${w1} ${w2}", extra={${attrs.map((a) => `"${a}": ${a}`).join(', ')}})`);
    }
  }
  const header = ['import logging', 'import logfire', 'import structlog', 'from loguru import logger', '', 'log = structlog.get_logger().bind(service="api")', 'stdlog = logging.getLogger(__name__)', ''];
  for (let f = 0; f < 6; f++) {
    const body: string[] = [...header];
    for (let c = 0; c < 10; c++) {
      const emit = pick(events);
      body.push(`def handler_${c}(self, user_id, model, count, job_id, region, blocks_cnt, e, extra):`, `    ${emit(pick(LEVELS))}`, '');
    }
    fs.mkdirSync(path.join(dir, 'pkg'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pkg', `mod_${f}.py`), body.join('\n'));
  }
}

/** Draft from `dir`, lint `dir` with the draft: the findings of the checked rules. */
async function lintWithOwnDraft(dir: string): Promise<{ draft: ReturnType<typeof draftSchema>; findings: string[] }> {
  const files = listSourceFiles([dir]);
  const off = Object.fromEntries(RULES.map((x) => [x.meta.code, 'off']));
  const extracted = await lintFiles(files, { schema: bundledSchema(), settings: { rules: off }, includeCalls: true, workers: 0 });
  const draft = draftSchema(extracted.map((x) => ({ file: x.file, calls: x.calls ?? [] })), dir);
  const loaded = loadSchemaFromText(draft.yaml, path.join(dir, 'telemetry.schema.yaml'));
  assert.deepEqual(loaded.errors.filter((e) => e.severity === 'error'), [], 'the draft loads without errors');
  const results = await lintFiles(files, { schema: loaded.schema, workers: 0 });
  const findings = results.flatMap((x) => x.findings.filter((f) => CHECKED.has(f.code)).map((f) => `${path.relative(dir, x.file)}:${f.range.start.line + 1} ${f.code} ${f.message}`));
  return { draft, findings };
}

describe('schema init drafts', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`are self-consistent on generated project #${seed}`, async () => {
      const dir = path.join(tmp, `gen-${seed}`);
      generateProject(dir, seed);
      const { draft, findings } = await lintWithOwnDraft(dir);
      assert.deepEqual(findings, []);
      assert.ok(draft.events >= 8, `events drafted: ${draft.events}`);
      // f-string expressions are not attributes; positional `{}` templates are left out, with a reason
      const names = loadSchemaFromText(draft.yaml, 'draft').schema.events.flatMap((ev) => ev.attributes.map((a) => a.name));
      for (const n of names) assert.match(n, /^[A-Za-z_]\w*$/);
      assert.ok(!names.includes('self') && !names.includes('blocks_cnt') && !names.includes('e'), 'expression roots are not attributes');
      for (const s of draft.skipped) assert.match(s.reason, /empty placeholder/);
    });
  }

  it('are self-consistent on the bundled example project', async () => {
    const { draft, findings } = await lintWithOwnDraft(path.join(packageRoot(), 'examples', 'code-puppy'));
    assert.deepEqual(findings, []);
    assert.ok(draft.events > 5);
  });

  it('declare a level only when the calls agree, and require only what every call passes', () => {
    const call = (level: string, keys: string[]) => ({
      language: 'python' as const,
      library: 'logfire' as const,
      kind: 'log' as const,
      method: level,
      level: level as 'info',
      message: { kind: 'string' as const, text: '"Job {job_id}"', value: 'Job {job_id}', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } },
      attributes: keys.map((key) => ({ key, keyRange: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, value: { kind: 'identifier' as const, text: key, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, source: 'keyword' as const })),
      hasSplat: false,
      reservedKeywords: [],
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      calleeRange: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    });
    const tie = draftSchema([{ file: '/p/a.py', calls: [call('info', ['job_id', 'host']), call('warn', ['host'])] }], '/p');
    const ev = loadSchemaFromText(tie.yaml, 'd').schema.events[0]!;
    assert.equal(ev.level, undefined, 'INFO once and WARN once: no level is picked');
    assert.deepEqual(ev.attributes.map((a) => [a.name, a.required]).sort(), [['host', true], ['job_id', false]]);
    const same = draftSchema([{ file: '/p/a.py', calls: [call('warn', []), call('warn', [])] }], '/p');
    assert.equal(loadSchemaFromText(same.yaml, 'd').schema.events[0]!.level, 'warn');
  });

  it('the CLI writes a draft despite odd calls, and says which events it left out', () => {
    const dir = path.join(tmp, 'odd');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'jobs.py'),
      'import logfire\nfrom loguru import logger\n\n\ndef run(job_id, n, src):\n    logfire.info(f"Job {job_id[:8]} started")\n    logger.info("Loaded {} rows from {}", n, src)\n',
    );
    const r = spawnSync(process.execPath, [path.join(packageRoot(), 'dist', 'server', 'cli.js'), 'schema', 'init', dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /jobs\.py:7: note: event 'Loaded \{\} rows from \{\}' left out of the draft: .*empty placeholder/);
    const written = loadSchemaFromText(fs.readFileSync(path.join(dir, 'telemetry.schema.yaml'), 'utf8'), 'd');
    assert.deepEqual(written.errors, []);
    assert.deepEqual(written.schema.events.map((e) => e.template), ['Job {job_id[:8]} started']);
    assert.equal(written.schema.events[0]!.attributes[0]?.required, false);
  });
});
