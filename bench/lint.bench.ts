// Lint throughput: raw tree-sitter parse vs full lint (one thread, and worker threads on every core)
// on a generated call-heavy corpus, and the pre-filter on call-free code; plus any directories given
// as arguments (`npm run bench -- lint /some/dir`). Results go to BENCHMARKS.md under `## Lint`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { grammarFor, loadAllGrammars, mayContainTelemetry, parseSource } from '../server/languages';
import { lintFiles, listSourceFiles, type SourceFile } from '../server/lint/workspace';
import { packageRoot } from '../server/paths';
import { bundledSchema } from '../server/schema/loader';
import { seededRandom as rng } from '../server/random';

const WORDS = ['agent', 'model', 'session', 'request', 'workload', 'cache', 'token', 'route', 'phase', 'queue', 'batch', 'result', 'limit', 'chain', 'plan'];

/** Plain Python with no telemetry library in sight (what most of a real code base looks like). */
function plainPython(r: () => number, i: number): string {
  const w = () => WORDS[Math.floor(r() * WORDS.length)];
  const out: string[] = [`"""Module ${i}: ${w()} ${w()} helpers."""`, 'from __future__ import annotations', '', 'import json', 'import os', 'from dataclasses import dataclass, field', ''];
  for (let c = 0; c < 4; c++) {
    const cls = `${w()[0].toUpperCase()}${w().slice(1)}Store${c}`;
    out.push('@dataclass', `class ${cls}:`, `    name: str`, `    items: list[dict] = field(default_factory=list)`, `    limit: int = ${Math.floor(r() * 100)}`, '');
    for (let m = 0; m < 4; m++) {
      const a = w();
      const b = w();
      out.push(
        `    def ${a}_${b}_${m}(self, ${a}: str, ${b}: int = 0) -> dict:`,
        `        """Return the ${a} entry for ${b}."""`,
        `        total = 0`,
        `        for idx, item in enumerate(self.items):`,
        `            if item.get("${a}") == ${a} and idx < self.limit:`,
        `                total += int(item.get("${b}", ${b}))`,
        `            elif idx % 7 == 3:`,
        `                continue`,
        `        payload = {"${a}": ${a}, "${b}": total, "name": self.name}`,
        `        if os.environ.get("DEBUG_${a.toUpperCase()}"):`,
        `            payload["raw"] = json.dumps(self.items[: ${b} or 1])`,
        `        return payload`,
        '',
      );
    }
  }
  return out.join('\n') + '\n';
}

/** Agent code that logs a lot: Logfire, structlog, loguru, stdlib extra= and OTel spans between ordinary statements. */
function telemetryPython(r: () => number, i: number): string {
  const w = () => WORDS[Math.floor(r() * WORDS.length)];
  const out: string[] = [
    `"""Agent module ${i}."""`,
    'import logfire',
    'import logging',
    'import structlog',
    'from loguru import logger',
    'from opentelemetry import trace',
    '',
    'LOG = structlog.get_logger().bind(component="agent")',
    'stdlog = logging.getLogger(__name__)',
    'tracer = trace.get_tracer(__name__)',
    '',
  ];
  for (let f = 0; f < 14; f++) {
    const a = w();
    const b = w();
    out.push(`def handle_${a}_${b}_${f}(agent_name, workload_type, model_name, ${a}, ${b}=None):`, `    result = {"${a}": ${a}, "${b}": ${b}}`);
    const kind = Math.floor(r() * 6);
    switch (kind) {
      case 0:
        out.push(
          '    logfire.info(',
          '        "Workload routing: {agent} → {workload} → {model}",',
          '        agent=agent_name,',
          '        workload=workload_type,',
          '        model=model_name,',
          `        orchestrated_model=result.get("${a}"),`,
          '        default_model=model_name,',
          '    )',
        );
        break;
      case 1:
        out.push(`    with logfire.span("${a}.${b}ing", ${a}=${a}) as span:`, `        span.set_attribute("${b}_count", len(result))`, `        result["${b}"] = ${b}`);
        break;
      case 2:
        out.push(`    LOG.info("${a}.${b}ed", ${a}_id=${a}, model=model_name, duration_ms=12.5)`);
        break;
      case 3:
        out.push(`    logger.bind(call_id=${a}).warning("${a} ${b} slow", extra={"latency_ms": 450, "agent": agent_name})`);
        break;
      case 4:
        out.push(`    stdlog.error("${a} failed", extra={"error_type": "timeout", "workload": workload_type})`);
        break;
      default:
        out.push(`    with tracer.start_as_current_span("${a}.${b}", attributes={"model": model_name}) as s:`, `        s.add_event("retry", {"n": 1})`);
    }
    out.push(
      `    for key, value in result.items():`,
      `        if value is None:`,
      `            result[key] = "${b}"`,
      `    logfire.warn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=model_name, workload=workload_type, cooldown=30, consecutive_429s=1)`,
      `    return result`,
      '',
    );
  }
  return out.join('\n') + '\n';
}

function telemetryTs(r: () => number, i: number): string {
  const w = () => WORDS[Math.floor(r() * WORDS.length)];
  const out = [`// Console module ${i}`, "import * as logfire from '@pydantic/logfire-node';", "import { trace } from '@opentelemetry/api';", "const tracer = trace.getTracer('console');", ''];
  for (let f = 0; f < 16; f++) {
    const a = w();
    out.push(
      `export function ${a}${f}(agent: string, workload: string, model: string): number {`,
      `  const started = Date.now();`,
      `  logfire.info('Workload routing: {agent} → {workload} → {model}', { agent, workload, model, orchestrated_model: model, default_model: model });`,
      `  tracer.startActiveSpan('${a}.run', (span) => {`,
      `    span.setAttribute('${a}_size', ${f});`,
      `    span.end();`,
      `  });`,
      `  return Date.now() - started;`,
      `}`,
      '',
    );
  }
  return out.join('\n') + '\n';
}

function generate(dir: string, targetLines: number, make: (r: () => number, i: number) => { ext: string; text: string }): number {
  fs.mkdirSync(dir, { recursive: true });
  const r = rng(7);
  let lines = 0;
  for (let i = 0; lines < targetLines; i++) {
    const { ext, text } = make(r, i);
    const sub = path.join(dir, `pkg${Math.floor(i / 100)}`);
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `mod_${i}.${ext}`), text);
    lines += text.split('\n').length - 1;
  }
  return lines;
}

interface Row {
  name: string;
  files: number;
  lines: number;
  seconds: number;
  /** CPU seconds of this process (all threads): the work done, whatever else runs on the machine. */
  cpu: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Time a step: wall and CPU seconds. Worker threads count in process.cpuUsage(). */
async function timed(fn: () => Promise<unknown> | unknown): Promise<{ seconds: number; cpu: number }> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  await fn();
  return { seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
}

function countLines(files: SourceFile[]): number {
  let n = 0;
  for (const f of files) {
    const s = fs.readFileSync(f.path, 'utf8');
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  }
  return n;
}

async function rawParse(files: SourceFile[]): Promise<{ seconds: number; cpu: number }> {
  const texts = files.map((f) => [fs.readFileSync(f.path, 'utf8'), grammarFor(f.language, f.path)] as const);
  return timed(async () => {
    for (const [text, g] of texts) (await parseSource(text, g)).delete();
  });
}

async function measure(label: string, files: SourceFile[], rows: Row[], opts: { parse: boolean; prefilter: boolean }): Promise<void> {
  const schema = bundledSchema();
  const lines = countLines(files);
  const cores = os.availableParallelism();
  const base = { files: files.length, lines };
  if (opts.prefilter) {
    const texts = files.map((f) => [fs.readFileSync(f.path, 'utf8'), f.language] as const);
    let kept = 0;
    const t = await timed(() => {
      for (const [text, lang] of texts) if (mayContainTelemetry(text, lang)) kept++;
    });
    rows.push({ name: `${label}: pre-filter only (in memory; ${kept} files would be parsed)`, ...base, ...t });
  }
  if (opts.parse) rows.push({ name: `${label}: raw tree-sitter parse, 1 thread`, ...base, ...(await rawParse(files)) });
  rows.push({ name: `${label}: full lint (read + pre-filter + parse + rules), 1 thread`, ...base, ...(await timed(() => lintFiles(files, { schema, workers: 0 }))) });
  rows.push({ name: `${label}: full lint, ${cores} worker threads`, ...base, ...(await timed(() => lintFiles(files, { schema, workers: cores }))) });
}

function table(rows: Row[]): string {
  const head = '| Measurement | Files | Lines | Wall s | Lines/s (wall) | CPU s | Lines per CPU-s |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |';
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const body = rows.map((r) => `| ${r.name} | ${fmt(r.files)} | ${fmt(r.lines)} | ${r.seconds.toFixed(2)} | ${fmt(r.lines / r.seconds)} | ${r.cpu.toFixed(2)} | ${fmt(r.lines / Math.max(r.cpu, 1e-6))} |`);
  return [head, ...body].join('\n');
}

function writeBenchmarks(section: string): void {
  const file = path.join(packageRoot(), 'BENCHMARKS.md');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.search(/^## Lint\s*$/m);
  let next: string;
  if (start < 0) next = `${current.trimEnd()}\n\n${section}\n`;
  else {
    const after = current.slice(start + 1).search(/^## /m);
    const end = after < 0 ? current.length : start + 1 + after;
    // Hand-written notes under `### Notes` (measurements across builds, analysis) survive a re-run.
    const old = current.slice(start, end);
    const notesAt = old.search(/^### Notes\s*$/m);
    const notes = notesAt < 0 ? '' : `\n${old.slice(notesAt).trimEnd()}\n`;
    next = `${current.slice(0, start)}${section}\n${notes}${after < 0 ? '' : '\n'}${current.slice(end)}`;
  }
  fs.writeFileSync(file, next);
}

async function main(): Promise<void> {
  // `--corpus DIR` keeps the generated corpora in DIR (reused when present) for profiling.
  const args = process.argv.slice(2);
  const ci = args.indexOf('--corpus');
  const keep = ci >= 0 ? path.resolve(args[ci + 1]) : undefined;
  const extraDirs = args.filter((a, i) => !a.startsWith('--') && (ci < 0 || i !== ci + 1));
  const loadAtStart = os.loadavg()[0];
  await loadAllGrammars();
  const tmp = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tl-lint-bench-'));
  try {
    const heavyDir = path.join(tmp, 'calls');
    const plainDir = path.join(tmp, 'plain');
    if (!fs.existsSync(heavyDir)) generate(heavyDir, 500_000, (r, i) => (i % 5 === 4 ? { ext: 'ts', text: telemetryTs(r, i) } : { ext: 'py', text: telemetryPython(r, i) }));
    if (!fs.existsSync(plainDir)) generate(plainDir, 500_000, (r, i) => ({ ext: 'py', text: plainPython(r, i) }));
    const rows: Row[] = [];
    const heavy = listSourceFiles([heavyDir]);
    const plain = listSourceFiles([plainDir]);
    await measure('call-heavy corpus', heavy, rows, { parse: true, prefilter: false });
    await measure('call-free corpus', plain, rows, { parse: true, prefilter: true });
    for (const d of extraDirs) {
      const files = listSourceFiles([d]);
      await measure(path.basename(path.resolve(d)), files, rows, { parse: true, prefilter: true });
    }
    const out = table(rows);
    console.log(out);
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const section = [
      '## Lint',
      '',
      `Command: \`npm run bench -- lint${extraDirs.length ? ` ${extraDirs.join(' ')}` : ''}\` (bench/lint.bench.ts). ${os.availableParallelism()} cores (${cpu}), Node ${process.version},`,
      `1-minute load average ${loadAtStart.toFixed(1)} at the start and ${os.loadavg()[0].toFixed(1)} at the end (other jobs share the machine), ${new Date().toISOString().slice(0, 16)}Z.`,
      'Two generated corpora of 500k lines each: "call-heavy" agent code with a telemetry call every ~5 lines (80% Python,',
      '20% TypeScript), "call-free" plain Python (skipped by the pre-filter without parsing). Every rule runs against the',
      'bundled schema. The judged rows are "full lint, 2 worker threads". "CPU s" includes the worker threads.',
      '',
      out,
    ].join('\n');
    writeBenchmarks(section);
  } finally {
    if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
