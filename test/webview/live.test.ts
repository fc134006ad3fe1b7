// The webviews fed by the real language server: demo traffic goes into a real DuckDB store, the
// server answers the same telemetryLens/* requests the extension sends, and each page renders the
// answers. This pins the server's response shapes to what the pages need. The answers are saved
// as recordings under test-artifacts/recorded/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  GenerateDemoData, GetChartData, GetReceiverStatus, GetTrace, ListRuns, ListTraces, RunHealthChecks, RunQuery, SavedQueries,
  type ChartData, type HealthReport, type QueryResult, type TraceDetail,
} from '../../protocol/protocol';
import type { HealthToWebview, QueryToWebview, WaterfallToWebview } from '../../protocol/webview';
import { makeWorkspace, TestClient } from '../lsp/client';
import { artifacts, canvasPixels, problems, screenshot, send, startHarness, type Harness, skipReason } from './harness';

const skip = skipReason();

let h: Harness;
let server: TestClient;
let workspace: string;
const recorded = path.join(artifacts, 'recorded');

function record(name: string, data: unknown): void {
  fs.mkdirSync(recorded, { recursive: true });
  fs.writeFileSync(path.join(recorded, name), JSON.stringify(data, null, 2));
}

before(async () => {
  if (skip) return;
  workspace = makeWorkspace({ 'agent.py': 'import logfire\n\nlogfire.info("Workload routing: {agent} → {workload} → {model}", agent="husky", workload="CODING", model="glm")\n' }, 'tl-webview-live-');
  ({ client: server } = await TestClient.start({ workspace, settings: { receiver: { autoStart: false } } }));
  const demo = await server.conn.sendRequest(GenerateDemoData, { records: 3000 });
  assert.ok(demo.records > 0, `demo wrote ${demo.records} records`);
  h = await startHarness();
});
after(async () => {
  await h?.close();
  await server?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

test('Health view renders the server’s health report and chart data from demo traffic', { skip }, async () => {
  const receiver = await server.conn.sendRequest(GetReceiverStatus);
  assert.ok(receiver.recordCount > 0);
  const report: HealthReport = await server.conn.sendRequest(RunHealthChecks, { backend: 'local', timeRange: '24h' });
  const charts: ChartData = await server.conn.sendRequest(GetChartData, { backend: 'local', timeRange: '24h' });
  record('health-report.json', report);
  record('chart-data.json', charts);
  assert.ok(report.checks.length >= 4, `${report.checks.length} checks`);

  const page = await h.open('health', { width: 900, height: 1100, realClock: true });
  await send(page, { type: 'settings', backend: 'local', timeRange: '24h', hasToken: false, refreshSeconds: 60 } satisfies HealthToWebview);
  await send(page, { type: 'report', report, charts, receiver } satisfies HealthToWebview);
  const withData = [charts.routing, charts.failoverTimeline, charts.capacity, charts.earOutcomes].filter((a) => a.length > 0).length;
  await page.waitForFunction((n) => document.body.dataset.chartsRendered === String(n), withData);
  assert.equal(withData, 4, 'demo traffic fills all four charts');
  for (const c of report.checks) {
    const card = page.locator(`article[data-check="${c.id}"]`);
    assert.equal(await card.count(), 1, c.id);
    assert.ok(await card.evaluate((el, v) => el.classList.contains(`verdict-${v}`), c.verdict), `${c.id}: ${c.verdict}`);
    if (c.figure) assert.ok((await card.innerText()).includes(c.figure), `${c.id} figure`);
  }
  for (const sel of ['#chart-routing', '#chart-failovers', '#chart-capacity', '#chart-ear']) {
    const px = await canvasPixels(page, sel);
    assert.ok(px.painted > px.total * 0.02, `${sel} painted ${px.painted}/${px.total}`);
  }
  assert.equal(await page.locator('article.card time', { hasText: /in the future|d ago/ }).count(), 0, 'checks ran just now');
  assert.deepEqual(await problems(page), []);
  await screenshot(page, 'live-health.png');
  await page.close();
});

test('Query results table renders a real query and a saved query from the schema', { skip }, async () => {
  const saved = await server.conn.sendRequest(SavedQueries);
  record('saved-queries.json', saved);
  const sql = "SELECT level, COUNT(*) AS n FROM records WHERE start_timestamp > NOW() - INTERVAL '1 day' GROUP BY level ORDER BY n DESC";
  const result: QueryResult = await server.conn.sendRequest(RunQuery, { sql, backend: 'local' });
  record('query-result.json', { sql, result });
  assert.ok(result.rowCount > 0);
  const page = await h.open('query');
  await send(page, { type: 'result', sql, result } satisfies QueryToWebview);
  assert.deepEqual(await page.locator('#results th').allInnerTexts(), ['level', 'n']);
  assert.equal(await page.locator('#results tbody tr').count(), result.rows.length);
  const firstN = await page.locator('#results tbody tr').first().locator('td').nth(1).innerText();
  assert.equal(firstN, String(result.rows[0][1]));
  if (saved.length) {
    const q = saved[0];
    const r: QueryResult = await server.conn.sendRequest(RunQuery, { sql: q.sql, backend: 'local' });
    await send(page, { type: 'result', sql: q.sql, result: r, title: q.name } satisfies QueryToWebview);
    assert.equal(await page.locator('h1').innerText(), q.name);
    assert.equal(await page.locator('#results tbody tr').count(), Math.min(r.rows.length, 2000));
  }
  assert.deepEqual(await problems(page), []);
  await page.close();
});

test('Trace waterfall renders a trace the server returns', { skip }, async () => {
  const runs = await server.conn.sendRequest(ListRuns);
  let traceId: string | undefined;
  if (runs.length) {
    const traces = await server.conn.sendRequest(ListTraces, { runId: runs[0].runId });
    traceId = traces[0]?.traceId;
  }
  if (!traceId) {
    const r = await server.conn.sendRequest(RunQuery, { sql: 'SELECT trace_id, COUNT(*) AS n FROM records GROUP BY trace_id ORDER BY n DESC LIMIT 1', backend: 'local' });
    traceId = String(r.rows[0][0]);
  }
  const trace = (await server.conn.sendRequest(GetTrace, { traceId })) as TraceDetail;
  assert.ok(trace && trace.spans.length > 0, `trace ${traceId} has spans`);
  record('trace-detail.json', trace);
  const page = await h.open('waterfall', { width: 1100, height: 800 });
  await send(page, { type: 'trace', trace } satisfies WaterfallToWebview);
  await page.locator('.span-row').first().waitFor();
  assert.equal(await page.locator('.span-row').count(), trace.spans.length);
  await page.locator('.span-row').last().click();
  assert.equal(await page.locator('.span-row.selected').count(), 1);
  assert.deepEqual(await problems(page), []);
  await screenshot(page, 'live-waterfall.png');
  await page.close();
});
