// Fuzz: thousands of mutated and truncated sources (from the example workspace and hand-written
// telemetry snippets) through the full lint pipeline. Seeded PRNG, so every run is the same.
// Guards: no crash, no rule error, no file over 1 s (a guard against pathological blow-ups).
// Time is this process's CPU time (process.cpuUsage), so other jobs on the machine do not count.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lintSource } from '../../server/lint/linter';
import type { SourceLanguage } from '../../server/model/calls';
import { listSourceFiles } from '../../server/lint/workspace';
import { packageRoot } from '../../server/paths';
import { bundledSchema } from '../../server/schema/loader';
import { seededRandom as rng } from '../../server/random';

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const PY_EXTRA = `import logfire, structlog, logging
from loguru import logger
from opentelemetry import trace
log = structlog.get_logger().bind(session_id="s")
tracer = trace.get_tracer(__name__)
logfire.log('warning', 'Thing {x}', {'x': 1})
with logfire.span("EAR phase: {from_phase} → {to_phase}", from_phase="a", to_phase="b", _tags=["t"]) as s:
    s.set_attribute("confidence", 1.5)
logger.opt(exception=True).info("done {x}", x=1, extra={"call_id": "c"})
logging.getLogger().warning("w", extra={"user_id": uid, "api_key": "k"})
@logfire.instrument("Calling {a}")
def f(a, *args, **kw): ...
with tracer.start_as_current_span("http.request", attributes={"password": p}) as span:
    span.add_event("retry", {"n": 1})
logfire.info(f"Failover: {a} → {b}", **kw)
logfire.configure(token="pylf_v1_us_abcdefghijklmnopqrstuvwxyz0123456789")
`;
const TS_EXTRA = `import * as logfire from '@pydantic/logfire-node';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
logfire.info(\`Failover: \${a} → \${b}\`, { from_model: a, ...rest });
logfire.span('EAR phase: {from_phase} → {to_phase}', { attributes: { from_phase: 'a' }, callback: (s) => s.setAttribute('x', 1) });
tracer.startActiveSpan('work', (sp) => { sp.setAttributes({ token: 'lf_live_abc' }); sp.end(); });
logfire.reportError('Failed', err, { password: 'p' });
`;
const TOKENS = ['(', ')', '[', ']', '{', '}', '"', "'", '"""', '`', '${', 'f"{', '\\', ',', ':', '=', '**', '...', '\n', '\n    ', '\t', '#', '//', '/*', '→', '🎉', '\u0000', '\r\n', 'logfire.info(', 'logger.', '.bind(', 'with ', 'as s:', 'lambda', '@logfire.instrument', '{model}', 'extra={', 'attributes: {', '=>', 'async ', 'await '];

function mutate(src: string, rand: () => number): string {
  let s = src;
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rand() * (s.length + 1));
    const op = rand();
    if (op < 0.25) s = s.slice(0, at); // truncate
    else if (op < 0.45) s = s.slice(0, at) + s.slice(Math.min(s.length, at + 1 + Math.floor(rand() * 40))); // delete a span
    else if (op < 0.8) s = s.slice(0, at) + TOKENS[Math.floor(rand() * TOKENS.length)] + s.slice(at); // insert a token
    else if (op < 0.9) {
      const from = Math.floor(rand() * s.length);
      s = s.slice(0, at) + s.slice(from, from + Math.floor(rand() * 200)) + s.slice(at); // duplicate a chunk
    } else {
      const lines = s.split('\n');
      const a = Math.floor(rand() * lines.length);
      const b = Math.floor(rand() * lines.length);
      [lines[a], lines[b]] = [lines[b], lines[a]];
      s = lines.join('\n'); // swap lines
    }
  }
  return s;
}

function corpus(): { text: string; language: SourceLanguage; file: string }[] {
  const root = path.join(packageRoot(), 'examples');
  const files = fs.existsSync(root) ? listSourceFiles([root]) : [];
  const out = files.map((f) => ({ text: fs.readFileSync(f.path, 'utf8'), language: f.language, file: f.path }));
  out.push({ text: PY_EXTRA, language: 'python', file: 'extra.py' }, { text: TS_EXTRA, language: 'typescript', file: 'extra.tsx' });
  return out;
}

describe('fuzz: mutated and truncated sources through the full lint', () => {
  it('never crashes, never trips a rule, and no file takes over 1 s', async () => {
    const schema = bundledSchema();
    const base = corpus();
    assert.ok(base.length >= 5);
    // Warm up (grammar loading is not what this measures).
    for (const b of base) await lintSource({ source: b.text, filePath: b.file, language: b.language, schema });
    const rand = rng(20261123);
    const times: { file: string; ms: number; wallMs: number; bytes: number }[] = [];
    const ruleErrors: string[] = [];
    const ITER = 3000;
    for (let i = 0; i < ITER; i++) {
      const b = base[i % base.length];
      const text = mutate(b.text, rand);
      const t0 = cpuMs();
      const w0 = performance.now();
      const r = await lintSource({ source: text, filePath: b.file, language: b.language, schema });
      times.push({ file: `${path.basename(b.file)}#${i}`, ms: cpuMs() - t0, wallMs: performance.now() - w0, bytes: text.length });
      for (const e of r.ruleErrors) if (ruleErrors.length < 20) ruleErrors.push(`${e.code} on mutation ${i} of ${path.basename(b.file)}: ${e.message}`);
      for (const f of r.findings) {
        assert.ok(f.range.start.line >= 0 && f.range.end.line >= f.range.start.line, `bad range from ${f.code}`);
      }
    }
    fs.mkdirSync(path.join(packageRoot(), 'test-artifacts'), { recursive: true });
    const sorted = [...times].sort((a, b) => b.ms - a.ms);
    fs.writeFileSync(
      path.join(packageRoot(), 'test-artifacts', 'fuzz-lint-times.json'),
      JSON.stringify({ iterations: ITER, totalMs: times.reduce((n, t) => n + t.ms, 0), slowest: sorted.slice(0, 20) }, null, 2),
    );
    assert.deepEqual(ruleErrors, []);
    assert.ok(sorted[0].ms < 1000, `slowest file took ${sorted[0].ms.toFixed(0)} ms (${sorted[0].file})`);
  });

  it('pathological shapes stay bounded', async () => {
    const schema = bundledSchema();
    const cases: { text: string; language: SourceLanguage }[] = [
      { text: 'import logfire\nlogfire.info(' + '('.repeat(5000) + ')'.repeat(5000) + ')\n', language: 'python' },
      { text: 'import logfire\nlogfire.info("x", ' + Array.from({ length: 5000 }, (_, i) => `a${i}=${i}`).join(', ') + ')\n', language: 'python' },
      { text: 'import logfire\n' + 'logfire.info("Failover: {a} → {b}", a=1)\n'.repeat(2000), language: 'python' },
      { text: 'import logfire\nlogfire.info("' + 'x{y}'.repeat(20000) + '")\n', language: 'python' },
      { text: "import { info } from 'logfire';\ninfo('x', " + '{ a: '.repeat(3000) + '1' + ' }'.repeat(3000) + ');\n', language: 'typescript' },
      { text: 'import logfire\n' + '"""'.repeat(3001), language: 'python' },
    ];
    for (const c of cases) {
      const t0 = cpuMs();
      const r = await lintSource({ source: c.text, filePath: c.language === 'python' ? 'p.py' : 'p.ts', language: c.language, schema });
      const ms = cpuMs() - t0;
      assert.deepEqual(r.ruleErrors, []);
      assert.ok(ms < 1000, `pathological case took ${ms.toFixed(0)} ms: ${c.text.slice(0, 60)}`);
    }
  });
});
