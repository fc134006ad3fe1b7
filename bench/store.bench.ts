// Store benchmark: 1M generated Code Puppy records in a file-backed DuckDB store; bulk load time, the
// bundled health queries through the Logfire SQL front end (p50 over repeated runs), the health-check run,
// RSS and database size. `npm run bench -- store [records]` (default 1,000,000). Bulk load is the
// `telemetry-lens import` path (importRecordFiles) in a child process on files generated beforehand
// (NDJSON, and the same records as Parquet), next to DuckDB's own Parquet → table copy as a floor.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import healthYaml from '../server/schema/default-health.yaml';
import { generateDemoRecords } from '../server/telemetry/demo';
import { spawnSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { RECORD_COLUMNS } from '../server/telemetry/records';
import { TelemetryStore } from '../server/telemetry/store';
import { importRecordFiles, recordLine } from '../server/telemetry/bulk';
import { localBackend, runLogfireQuery } from '../server/telemetry/sql/index';
import { runHealthChecks } from '../server/telemetry/health';
import { chartData } from '../server/telemetry/views';

const N = Number(process.argv[2] ?? 1_000_000);
/** BENCH_MEMORY_MB: the store's DuckDB memory limit (as telemetryLens.store.memoryLimitMB); default the store's own. */
const MEMORY = process.env.BENCH_MEMORY_MB ? { memoryLimitMb: Number(process.env.BENCH_MEMORY_MB) } : {};
const CHILD = '--import-child';
const FLOOR = '--floor-child';

interface ChildResult {
  rows: number;
  duplicates: number;
  seconds: number;
  cpu: number;
  rss: number;
  peak: number;
}

/** Child mode: open the store, time importRecordFiles (the CLI's path, checkpoint included), report. */
async function childImport(file: string, db: string): Promise<void> {
  const store = await TelemetryStore.open({ path: db, retentionIntervalMs: 0, ...MEMORY });
  const c0 = process.cpuUsage();
  const t = performance.now();
  const r = await importRecordFiles(store, [file]);
  const seconds = (performance.now() - t) / 1000;
  const c1 = process.cpuUsage(c0);
  const out: ChildResult = { rows: r.rows, duplicates: r.duplicates, seconds, cpu: (c1.user + c1.system) / 1e6, rss: process.memoryUsage().rss, peak: process.resourceUsage().maxRSS * 1024 };
  await store.close();
  process.stdout.write(JSON.stringify(out) + '\n');
}

/**
 * Child mode: DuckDB alone copies a Parquet file into a new file-backed table with the records
 * columns (no checks, no duplicate handling, no kept attribute columns, insertion order not kept):
 * what the hardware and DuckDB's storage cost before any of the import's own work.
 */
async function childFloor(file: string, db: string): Promise<void> {
  const inst = await DuckDBInstance.create(db);
  const c = await inst.connect();
  await c.run(`CREATE TABLE t (${RECORD_COLUMNS.filter(([n]) => n !== 'created_at').map(([n, t]) => `${n} ${t}`).join(', ')})`);
  await c.run('SET preserve_insertion_order = false');
  const c0 = process.cpuUsage();
  const t = performance.now();
  const r = await c.run(`INSERT INTO t SELECT * FROM read_parquet('${file}')`);
  await c.run('CHECKPOINT');
  const seconds = (performance.now() - t) / 1000;
  const c1 = process.cpuUsage(c0);
  c.closeSync();
  const out: ChildResult = { rows: r.rowsChanged, duplicates: 0, seconds, cpu: (c1.user + c1.system) / 1e6, rss: process.memoryUsage().rss, peak: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(JSON.stringify(out) + '\n');
}

/** Writes the NDJSON records file's rows as Parquet with DuckDB (the store's column types). */
async function writeParquet(ndjson: string, out: string): Promise<void> {
  const cols = RECORD_COLUMNS.filter(([n]) => n !== 'created_at');
  const spec = `{${cols.map(([n, t]) => `${n}: '${t.replace(/\s+NOT NULL.*$/, '')}'`).join(', ')}}`;
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  await c.run(`SET TimeZone = 'UTC'`);
  await c.run(`COPY (SELECT * FROM read_json('${ndjson}', format = 'newline_delimited', columns = ${spec})) TO '${out}' (FORMAT parquet)`);
  c.closeSync();
}

function importInChild(file: string, db: string, mode = CHILD): ChildResult {
  const r = spawnSync(process.execPath, [process.argv[1], mode, file, db], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`import child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}
const RUNS = 7;
const bundled = parse(healthYaml) as { health: { id: string; name: string; sql: string; verdict?: { sql: string } }[] };

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-store-bench-'));
  const dbPath = path.join(dir, 'bench.duckdb');
  const results: [string, string, string][] = [];
  try {
    let t = performance.now();
    const rows = generateDemoRecords({ records: N, seed: 1 });
    results.push(['generate records (JS)', `${rows.length.toLocaleString()} rows`, `${((performance.now() - t) / 1000).toFixed(2)} s`]);

    // The user's bulk path: `telemetry-lens import FILE` (importRecordFiles) on an NDJSON records file in
    // the import format (ISO timestamps, NULL columns left out), written beforehand and timed separately.
    const ndjson = path.join(dir, 'records.ndjson');
    t = performance.now();
    const fd = fs.openSync(ndjson, 'w');
    let buf: string[] = [];
    for (const r of rows) {
      buf.push(recordLine(r));
      if (buf.length === 50_000) {
        fs.writeSync(fd, buf.join('\n') + '\n');
        buf = [];
      }
    }
    if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
    fs.closeSync(fd);
    results.push(['write NDJSON records file (JS)', mb(fs.statSync(ndjson).size), `${((performance.now() - t) / 1000).toFixed(2)} s`]);
    const sample = rows.slice(rows.length - 100_000);
    rows.length = 0;
    // The import runs in a fresh process (as the CLI does), so its RSS is the import's own.
    const parquet = path.join(dir, 'records.parquet');
    t = performance.now();
    await writeParquet(ndjson, parquet);
    results.push(['write the same records as Parquet (DuckDB)', mb(fs.statSync(parquet).size), `${((performance.now() - t) / 1000).toFixed(2)} s`]);
    const other = path.join(dir, 'parquet.duckdb');
    const fromParquet = importInChild(parquet, other);
    fs.rmSync(other);
    const floor = importInChild(parquet, other, FLOOR);
    fs.rmSync(other);
    fs.rmSync(parquet);
    const child = importInChild(ndjson, dbPath);
    results.push([`bulk load: import ${fromParquet.rows.toLocaleString()} records, 1 Parquet file`, `target ≤ 3 s; CPU ${fromParquet.cpu.toFixed(2)} s`, `${fromParquet.seconds.toFixed(2)} s`]);
    results.push([`bulk load: import ${child.rows.toLocaleString()} records, 1 NDJSON file`, `target ≤ 3 s; CPU ${child.cpu.toFixed(2)} s`, `${child.seconds.toFixed(2)} s`]);
    results.push(['DuckDB alone: Parquet → table, same rows', `no checks or extras; CPU ${floor.cpu.toFixed(2)} s`, `${floor.seconds.toFixed(2)} s`]);
    results.push(['import process RSS after load / peak', 'NDJSON; store open, DuckDB buffers', `${mb(child.rss)} / ${mb(child.peak)}`]);
    const again = importInChild(ndjson, dbPath);
    results.push(['re-import the same file (all duplicates)', `${again.duplicates.toLocaleString()} skipped; CPU ${again.cpu.toFixed(2)} s`, `${again.seconds.toFixed(2)} s`]);
    fs.rmSync(ndjson);
    const store = await TelemetryStore.open({ path: dbPath, retentionIntervalMs: 0, ...MEMORY });
    // The receiver's path (JS rows → de-duplicating insert) on top of the loaded table, for comparison.
    const shifted = sample.map((r) => ({ ...r, span_id: `z${r.span_id.slice(1)}` }));
    t = performance.now();
    await store.insertBatch({ records: shifted });
    const s = (performance.now() - t) / 1000;
    results.push([`store.insertBatch, 100k rows into ${(N / 1e6).toFixed(1)}M`, `${Math.round(100_000 / s).toLocaleString()} rows/s`, `${s.toFixed(2)} s`]);

    const queries: [string, string][] = [
      ['Q1 workload routing', bundled.health[0].sql],
      ['Q2 failover chain per hour', bundled.health[1].sql],
      ['Q3 capacity utilization', bundled.health[2].sql],
      ['Q4 EAR completion', bundled.health[3].sql],
      ['plan 1 CODING uses GLM-4.7', bundled.health[4].sql],
      ['plan 2 failover respects workload', bundled.health[5].sql],
      ['plan 3 format errors', bundled.health[6].sql],
      ['plan 4 warnings before rate limits (join)', bundled.health[7].sql],
    ];
    (globalThis as { gc?: () => void }).gc?.();
    results.push(['RSS with the store open (after load)', '', mb(process.memoryUsage().rss)]);
    for (const [name, sql] of queries) {
      const times: number[] = [];
      const cpu: number[] = [];
      let rowsOut = 0;
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        const c0 = process.cpuUsage();
        const r = await runLogfireQuery(store, sql);
        const c1 = process.cpuUsage(c0);
        times.push(performance.now() - s);
        cpu.push((c1.user + c1.system) / 1000);
        rowsOut = r.rowCount;
      }
      const target = name.includes('join') ? '≤ 1000 ms' : name.startsWith('Q') ? '≤ 100 ms' : '';
      results.push([`${name} (p50 of ${RUNS})`, `${rowsOut} rows, CPU ${p50(cpu).toFixed(0)} ms ${target}`.trim(), `${p50(times).toFixed(0)} ms`]);
    }
    // The same four queries with the kept attribute columns off (every key parsed from the JSON text).
    const fromJson: string[] = [];
    for (const [, sql] of queries.slice(0, 4)) {
      const ts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const s = performance.now();
        await runLogfireQuery(store, sql, { attributeColumns: new Map() });
        ts.push(performance.now() - s);
      }
      fromJson.push(p50(ts).toFixed(0));
    }
    results.push(['Q1–Q4 reading the JSON text instead (p50 of 3)', 'kept attribute columns off', `${fromJson.join(' / ')} ms`]);
    const verbatim: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      await runLogfireQuery(store, bundled.health[7].sql, { optimize: false });
      verbatim.push(performance.now() - s);
    }
    results.push(['plan 4 join without the MIN-join rewrite (p50 of 3)', 'DuckDB plan of the verbatim SQL', `${p50(verbatim).toFixed(0)} ms`]);

    let times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      await runHealthChecks({ health: bundled.health as never, events: [] }, localBackend(store), { includeRows: false });
      times.push(performance.now() - s);
    }
    results.push(['all 8 health checks incl. verdicts (p50 of 3)', '', `${p50(times).toFixed(0)} ms`]);
    times = [];
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      await chartData(localBackend(store), '24h');
      times.push(performance.now() - s);
    }
    results.push(['Health panel chart data (p50 of 3)', '', `${p50(times).toFixed(0)} ms`]);

    const count = await store.count();
    await store.close();
    results.push(['records in store', '', count.toLocaleString()]);
    const size = fs.readdirSync(dir).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
    results.push(['database size on disk', '', mb(size)]);
    results.push(['peak RSS (bench process, incl. generating the JS rows)', '', mb(process.resourceUsage().maxRSS * 1024)]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const w0 = Math.max(...results.map((r) => r[0].length));
  const w1 = Math.max(...results.map((r) => r[1].length));
  console.log(`store benchmark, ${N.toLocaleString()} records, node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`| ${'measure'.padEnd(w0)} | ${'note'.padEnd(w1)} | result |`);
  console.log(`| ${'-'.repeat(w0)} | ${'-'.repeat(w1)} | ------ |`);
  for (const [a, b, c] of results) console.log(`| ${a.padEnd(w0)} | ${b.padEnd(w1)} | ${c} |`);
}

(process.argv[2] === CHILD ? childImport(process.argv[3], process.argv[4]) : process.argv[2] === FLOOR ? childFloor(process.argv[3], process.argv[4]) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
