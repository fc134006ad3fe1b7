// Language-server latency over the real protocol: the bundled server spawned as VS Code starts it (Node IPC)
// and as other editors do (--stdio), a
// 5,000-line Python file with 200 telemetry calls opened, then single-character edits typed one at a
// time. Measured in the client: didChange sent → publishDiagnostics for that version received, and
// process spawn → first diagnostics. The server also reports its own lint time per version
// (initializationOptions.reportTiming), so protocol/IPC overhead and debounce are visible separately.
//
//   npm run bench -- lsp [--edits 300] [--warmup 20] [--debounce 0] [--transport vscode|stdio] [--file sparse|dense] [--cpu-prof DIR]
//   (DIR: the server's CPU profile; without --transport both are run, without --debounce 0 and 20 ms)
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LintTiming } from '../protocol/protocol';
import { SERVER_NODE_ARGS } from '../protocol/settings';
import { makeWorkspace, TestClient } from '../test/lsp/client';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const TEMPLATES = [
  ['logfire.info', 'Workload routing: {agent} → {workload} → {model}', 'agent=a, workload="CODING", model=m, orchestrated_model=m, default_model=d'],
  ['logfire.warn', 'Failover triggered: {from_model} → {to_model} ({error_type})', 'from_model=a, to_model=b, error_type="timeout", workload="CODING"'],
  ['logfire.info', 'Failover success: now using {model}', 'model=m, workload="CODING", attempts=2'],
  ['logfire.warn', 'Rate limit: {model} ({workload}) - cooldown {cooldown}s', 'model=m, workload="CODING", cooldown=30, consecutive_429s=1'],
  ['logfire.warn', 'Capacity warning: {model} at {pct}% ({limit_type})', 'model=m, pct=85.0, limit_type="day_requests", used=1, limit=2, provider="cerebras"'],
  ['logfire.info', 'EAR phase: {from_phase} → {to_phase}', 'loop_id=l, agent_id=a, from_phase="observe", to_phase="orient"'],
  ['logfire.info', 'Failover: {from_model} → {to_model}', 'from_model=a, to_model=b'], // near miss (TL001)
  ['logfire.info', 'Workload routing: {agent} → {workload} → {model}', 'agent=a, workload="BAKING"'], // several findings
];

/** 5,000 lines, 200 calls: functions of 25 lines, each with one telemetry call among plain code. */
function generate(): { text: string; callLines: number[] } {
  const lines: string[] = ['import logfire', 'import math', ''];
  const callLines: number[] = [];
  for (let i = 0; lines.length < 5000; i++) {
    lines.push(`def handler_${i}(a, b, m, d, l):`);
    lines.push(`    """Handle case ${i}."""`);
    lines.push(`    total = 0`);
    for (let k = 0; k < 8; k++) lines.push(`    total += math.sqrt(${k} + ${i}) * (a or 1)`);
    if (callLines.length < 200) {
      const [fn, template, attrs] = TEMPLATES[i % TEMPLATES.length];
      callLines.push(lines.length);
      lines.push(`    ${fn}("${template}", ${attrs})`);
    } else lines.push('    total -= 1');
    for (let k = 0; k < 10; k++) lines.push(`    if total > ${k * 100}:\n        total = total / 2`.split('\n')[k % 2]);
    lines.push('    return total');
    lines.push('');
  }
  return { text: lines.slice(0, 5000).join('\n') + '\n', callLines };
}

/**
 * The dense case: 5,000 lines that are almost all telemetry calls (4,581 calls, about 2,000 findings), as in a
 * generated or heavily instrumented module. Every edit changes one call's findings; the rest stay as they were.
 */
function generateDense(): { text: string; callLines: number[] } {
  const lines: string[] = ['import logfire', ''];
  const callLines: number[] = [];
  for (let i = 0; lines.length < 5000; i++) {
    if (i % 12 === 0) {
      lines.push(`def handler_${i}(a, b, m, d, l):`);
      continue;
    }
    const [fn, template, attrs] = TEMPLATES[i % TEMPLATES.length];
    if (callLines.length < 4581) {
      callLines.push(lines.length);
      lines.push(`    ${fn}("${template}", ${attrs})`);
    } else lines.push('    pass');
  }
  return { text: lines.slice(0, 5000).join('\n') + '\n', callLines };
}

type Transport = 'vscode' | 'stdio';
type FileKind = 'sparse' | 'dense';

async function run(debounceMs: number, edits: number, warmup: number, transport: Transport, kind: FileKind): Promise<Record<string, number>> {
  const { text, callLines } = kind === 'dense' ? generateDense() : generate();
  const ws = makeWorkspace({ 'big.py': text }, 'tl-lsp-bench-');
  const spawnAt = performance.now();
  const profDir = process.argv.indexOf('--cpu-prof');
  const { client } = await TestClient.start({
    workspace: ws,
    // 'vscode': Node IPC and the node options the extension starts its server with; 'stdio': as
    // `telemetry-lens lsp --stdio` is started by Neovim, Helix or Zed (plain node, stdin/stdout).
    transport: transport === 'vscode' ? 'ipc' : 'stdio',
    nodeArgs: [
      ...(transport === 'vscode' ? SERVER_NODE_ARGS : []),
      ...(profDir >= 0 ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.argv[profDir + 1])}`] : []),
    ],
    settings: { receiver: { autoStart: false }, codeLens: false },
    initializationOptions: { reportTiming: true, debounceMs },
    // as an editor: each publication replaces the file's diagnostics (the client still decodes all of it)
    keepPublished: 'latest',
  });
  const timings = new Map<number, { durationMs: number; queuedMs: number }>();
  client.conn.onNotification(LintTiming, (t) => timings.set(t.version, t));
  try {
    const uri = await client.open('big.py', 'python');
    const openAt = performance.now();
    const first = await client.waitFor((p) => p.params.uri === uri && p.params.version === 1, 60_000);
    const startToFirst = first.at - spawnAt;
    const openToFirst = first.at - openAt;
    const findings = first.params.diagnostics.length;

    const latencies: number[] = [];
    const cold: number[] = [];
    const server: number[] = [];
    const queued: number[] = [];
    const versions: number[] = [];
    const lines = text.split('\n');
    let serverCpu0 = processCpuMs(client.proc.pid);
    let clientCpu0 = process.cpuUsage();
    for (let i = 0; i < warmup + edits; i++) {
      if (i === warmup) {
        serverCpu0 = processCpuMs(client.proc.pid);
        clientCpu0 = process.cpuUsage();
      }
      // alternately type a character into a call's message and delete it again
      const line = callLines[((i >> 1) * 37) % callLines.length]; // spread over the whole file
      const col = lines[line].indexOf('"') + 3;
      const change =
        i % 2 === 0
          ? { range: { start: { line, character: col }, end: { line, character: col } }, text: 'x' }
          : { range: { start: { line, character: col }, end: { line, character: col + 1 } }, text: '' };
      const version = i + 2;
      const measured = i >= warmup;
      const published = client.waitFor((x) => x.params.uri === uri && x.params.version === version, 30_000);
      const t0 = performance.now();
      if ((await client.change(uri, [change])) !== version) throw new Error('unexpected document version');
      const p = await published;
      if (!measured) {
        cold.push(p.at - t0);
        continue;
      }
      latencies.push(p.at - t0);
      versions.push(version);
    }
    const serverCpu1 = processCpuMs(client.proc.pid);
    const clientCpu = process.cpuUsage(clientCpu0);
    // the timing notification follows its publication: collect them at the end
    await new Promise((r) => setTimeout(r, 200));
    for (const v of versions) {
      const t = timings.get(v);
      if (t) {
        server.push(t.durationMs);
        queued.push(t.queuedMs);
      }
    }
    return {
      startToFirst,
      openToFirst,
      findings,
      p50: pct(latencies, 50),
      p95: pct(latencies, 95),
      max: Math.max(...latencies),
      coldP50: cold.length ? pct(cold, 50) : NaN,
      coldMax: cold.length ? Math.max(...cold) : NaN,
      serverP50: pct(server, 50),
      serverP95: pct(server, 95),
      queuedP95: pct(queued, 95),
      serverCpu: serverCpu0 === undefined || serverCpu1 === undefined ? NaN : (serverCpu1 - serverCpu0) / edits,
      clientCpu: (clientCpu.user + clientCpu.system) / 1000 / edits,
    };
  } finally {
    await client.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const edits = arg('edits', 300);
  const warmup = arg('warmup', 20);
  const debounces = process.argv.includes('--debounce') ? [arg('debounce', 0)] : [0, 20];
  const ti = process.argv.indexOf('--transport');
  const transports: Transport[] = ti >= 0 ? [process.argv[ti + 1] as Transport] : ['vscode', 'stdio'];
  for (const t of transports) if (t !== 'vscode' && t !== 'stdio') throw new Error(`--transport must be vscode or stdio, got '${t}'`);
  const fi = process.argv.indexOf('--file');
  const kinds: FileKind[] = fi >= 0 ? [process.argv[fi + 1] as FileKind] : ['sparse', 'dense'];
  for (const k of kinds) if (k !== 'sparse' && k !== 'dense') throw new Error(`--file must be sparse or dense, got '${k}'`);
  const f = (n: number) => n.toFixed(2);
  console.log(
    `${edits} single-character edits measured (one at a time, each waits for its diagnostics) after ${warmup} warm-up edits on the fresh server (shown apart). ` +
      `sparse: 5,000-line Python file with 200 telemetry calls; dense: 5,000 lines with 4,581 calls\n`,
  );
  console.log('| file | server started as | debounce | keystroke→diagnostics p50 | p95 | max | server lint p50 | server lint p95 | debounce wait p95 | server CPU / keystroke | client CPU / keystroke | warm-up edits p50 / max | open→first diagnostics | spawn→first diagnostics | findings |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const k of kinds) {
    for (const t of transports) {
      for (const d of debounces) {
        const r = await run(d, edits, warmup, t, k);
        console.log(
          `| ${k} | ${t === 'vscode' ? 'VS Code (IPC)' : '--stdio'} | ${d === 0 ? '0 (next tick)' : `${d} ms`} | ${f(r.p50)} ms | ${f(r.p95)} ms | ${f(r.max)} ms | ${f(r.serverP50)} ms | ${f(r.serverP95)} ms | ${f(r.queuedP95)} ms | ${f(r.serverCpu)} ms | ${f(r.clientCpu)} ms | ${warmup ? `${f(r.coldP50)} / ${f(r.coldMax)} ms` : '–'} | ${r.openToFirst.toFixed(0)} ms | ${r.startToFirst.toFixed(0)} ms | ${r.findings} |`,
        );
      }
    }
  }
  console.log(`\nnode ${process.version}, ${path.basename(process.execPath)}; targets with the default debounce (0): p95 ≤ 10 ms (sparse), ≤ 20 ms (dense); dense open→first diagnostics ≤ 500 ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
