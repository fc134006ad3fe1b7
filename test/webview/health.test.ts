// Health view rendered in headless Chromium from recorded HealthReport/ChartData fixtures.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ChartData, HealthReport, ReceiverStatus } from '../../protocol/protocol';
import type { HealthToWebview } from '../../protocol/webview';
import { canvasPixels, fixture, hexToRgb, posted, problems, screenshot, send, setTheme, startHarness, type Harness, skipReason } from './harness';

const skip = skipReason();

const report = fixture<HealthReport>('health-report.json');
const charts = fixture<ChartData>('chart-data.json');
const receiver: ReceiverStatus = { running: true, port: 4318, recordCount: 12873, dbPath: '/tmp/telemetry.duckdb' };
const settings: HealthToWebview = { type: 'settings', backend: 'local', timeRange: '24h', hasToken: false, refreshSeconds: 60 };
const CANVASES = ['#chart-routing', '#chart-failovers', '#chart-capacity', '#chart-ear'];

let h: Harness;
before(async () => {
  if (skip) return;
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

async function withReport(width = 900): Promise<Page> {
  const page = await h.open('health', { width, height: 1080 });
  await send(page, settings);
  await send(page, { type: 'report', report, charts, receiver } satisfies HealthToWebview);
  await page.waitForFunction(() => document.body.dataset.chartsRendered === '4');
  return page;
}

test('health cards show each check with its verdict, figure and when it ran', { skip }, async () => {
  const page = await withReport();
  const cards = page.locator('#cards article.card');
  assert.equal(await cards.count(), report.checks.length);
  for (const c of report.checks) {
    const card = page.locator(`article[data-check="${c.id}"]`);
    assert.ok(await card.evaluate((el, v) => el.classList.contains(`verdict-${v}`), c.verdict), `${c.id} has class verdict-${c.verdict}`);
    const text = await card.innerText();
    assert.ok(text.includes(c.name), `${c.id} shows its name`);
    if (c.figure) assert.ok(text.includes(c.figure), `${c.id} shows its figure`);
    if (c.error) assert.ok(text.includes(c.error), `${c.id} shows its error`);
    // ranAt is 11:58:30, the page clock 12:00:00.
    assert.match(text, /ran 2 min ago/);
  }
  assert.equal(await page.locator('#summary').innerText(), '4 passed · 2 warnings · 1 failed · 1 error');
  assert.match(await page.locator('article[data-check="no-422"]').innerText(), /Pattern Failover triggered% matches no schema event/);
  assert.equal(await page.locator('article[data-check="capacity"]').getAttribute('aria-label'),
    'Capacity Utilization: Fail. Cerebras-GLM-4.7 peaked at 99% of its daily requests');
  assert.match(await page.locator('#receiver').innerText(), /Receiver on 127\.0\.0\.1:4318 · 13k records/);
  assert.deepEqual(await problems(page), []);
  await screenshot(page, 'health-panel.png', 'health-panel.png');
  // The sidebar is narrow: cards and charts stack into one column.
  await page.setViewportSize({ width: 340, height: 1400 });
  const widths = await page.locator('#cards article').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
  assert.ok(widths.every((w) => w > 280 && w < 340), `one card per row at 340 px: ${widths.join(', ')}`);
  await screenshot(page, 'health-sidebar.png');
  await page.close();
});

test('the four charts render non-empty pixels in theme colours and describe their data', { skip }, async () => {
  const page = await withReport();
  for (const sel of CANVASES) {
    const px = await canvasPixels(page, sel);
    assert.ok(px.total > 10_000, `${sel} has a sized canvas (${px.total} px)`);
    assert.ok(px.painted > px.total * 0.02, `${sel} painted ${px.painted} of ${px.total} pixels`);
  }
  assert.match((await page.locator('#chart-routing').getAttribute('aria-label'))!, /CODING: Cerebras-GLM-4\.7 77\.9%, hf:moonshotai\/Kimi-K2\.5 14\.1%, hf:zai-org\/GLM-4\.7 8%/);
  assert.match((await page.locator('#chart-ear').getAttribute('aria-label'))!, /complete 318 \(9\d(\.\d)?%\), refused 14 \(\d(\.\d)?%\), error 7 \(\d(\.\d)?%\)/);
  const f = charts.failoverTimeline.reduce((s, p) => s + p.failovers, 0);
  assert.match((await page.locator('#chart-failovers').getAttribute('aria-label'))!, new RegExp(`over 24 hours: ${f} failovers`));
  // Okabe–Ito per theme kind: the first workload's bars are sky blue on dark, blue on light (contrast).
  const skyBlue = hexToRgb('#56B4E9');
  const blue = hexToRgb('#0072B2');
  assert.ok((await canvasPixels(page, '#chart-routing', skyBlue)).matching > 200, 'routing bars use sky blue on the dark theme');
  // Counts per hour are bars in three colours: rate limits (yellow), failovers (vermillion), recoveries (bluish green).
  for (const c of ['#F0E442', '#D55E00', '#009E73']) assert.ok((await canvasPixels(page, '#chart-failovers', hexToRgb(c))).matching > 20, `failover chart draws ${c}`);
  await setTheme(page, 'light');
  await page.waitForFunction(() => document.body.dataset.chartsRendered === '4');
  await page.waitForFunction(
    ([sel, r, g, b]) => {
      const c = document.querySelector<HTMLCanvasElement>(sel as string);
      if (!c) return false;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) if (d[i] === r && d[i + 1] === g && d[i + 2] === b && d[i + 3] === 255) return true;
      return false;
    },
    ['#chart-routing', ...blue],
  );
  assert.equal((await canvasPixels(page, '#chart-routing', skyBlue)).matching, 0, 'no dark-theme sky blue left after switching to light');
  // Yellow is unreadable on white: the light theme draws rate limits in dark orange instead.
  assert.equal((await canvasPixels(page, '#chart-failovers', hexToRgb('#F0E442'))).matching, 0);
  assert.ok((await canvasPixels(page, '#chart-failovers', hexToRgb('#B07800'))).matching > 20);
  await page.close();
});

test('charts with no rows say so instead of drawing empty axes', { skip }, async () => {
  const page = await h.open('health');
  await send(page, settings);
  await send(page, { type: 'report', report, charts: { ...charts, capacity: [], earOutcomes: [] }, receiver } satisfies HealthToWebview);
  await page.waitForFunction(() => document.body.dataset.chartsRendered === '2');
  assert.equal(await page.locator('canvas').count(), 2);
  assert.equal(await page.locator('figure[data-chart="chart-capacity"] .no-data').innerText(), 'No data in this range');
  assert.equal(await page.locator('figure[data-chart="chart-ear"] .no-data').innerText(), 'No data in this range');
  await page.close();
});

test('cards and toolbar work from the keyboard and post the right messages', { skip }, async () => {
  const page = await withReport();
  // Tab order: backend select, range select, refresh, then the cards.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'backend');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'timeRange');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Refresh health checks');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-check')), 'workload-routing');
  await page.keyboard.press('Enter');
  for (let i = 0; i < 7; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-check')), 'warnings-precede-limits');
  await page.keyboard.press('Enter'); // an errored check has no rows: nothing to open
  await page.selectOption('#backend', 'logfire');
  await page.selectOption('#timeRange', '7d');
  const msgs = (await posted<Record<string, unknown>>(page)).filter((m) => m.type !== 'ready');
  assert.deepEqual(msgs, [
    { type: 'refresh' },
    { type: 'showCheck', checkId: 'workload-routing' },
    { type: 'setBackend', backend: 'logfire' },
    { type: 'setTimeRange', timeRange: '7d' },
  ]);
  await page.close();
});

test('empty store shows how to send data and offers demo traffic', { skip }, async () => {
  const page = await h.open('health', { height: 600 });
  await send(page, settings);
  await send(page, { type: 'empty', receiver: { running: true, port: 4320, recordCount: 0, dbPath: ':memory:' } } satisfies HealthToWebview);
  const text = await page.locator('#empty').innerText();
  assert.match(text, /No telemetry yet/);
  assert.match(text, /OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:4320/);
  assert.match(text, /LOGFIRE_SEND_TO_LOGFIRE=false/);
  assert.equal(await page.locator('#start-receiver').count(), 0, 'no start button while the receiver runs');
  await page.locator('#run-demo').click();
  await send(page, { type: 'empty', receiver: { running: false, recordCount: 0, dbPath: ':memory:' } } satisfies HealthToWebview);
  await page.locator('#start-receiver').click();
  const msgs = (await posted(page)).map((m) => m.type).filter((t) => t !== 'ready');
  assert.deepEqual(msgs, ['runDemo', 'startReceiver']);
  await screenshot(page, 'health-empty.png');
  await page.close();
});

test('Logfire without a token asks for one; errors offer a retry; refresh keeps the last report', { skip }, async () => {
  const page = await h.open('health');
  await send(page, { ...settings, backend: 'logfire' });
  await send(page, { type: 'needsToken' } satisfies HealthToWebview);
  assert.equal(await page.locator('#backend').inputValue(), 'logfire');
  await page.locator('#set-token').click();
  await send(page, { type: 'error', message: 'Logfire query API: 401 Unauthorized' } satisfies HealthToWebview);
  assert.equal(await page.locator('#error .error-text').innerText(), 'Logfire query API: 401 Unauthorized');
  await page.locator('#error button').click();
  await send(page, { type: 'report', report, charts, receiver } satisfies HealthToWebview);
  await page.waitForFunction(() => document.body.dataset.chartsRendered === '4');
  await send(page, { type: 'loading' } satisfies HealthToWebview);
  assert.equal(await page.locator('#status').innerText(), 'Refreshing…');
  assert.equal(await page.locator('#cards article').count(), report.checks.length, 'the old cards stay while refreshing');
  assert.equal(await page.locator('#app').getAttribute('aria-busy'), 'true');
  const msgs = (await posted(page)).map((m) => m.type).filter((t) => t !== 'ready');
  assert.deepEqual(msgs, ['setToken', 'refresh']);
  assert.deepEqual(await problems(page), []);
  await page.close();
});

test('the view restores its last report from webview state after being hidden', { skip }, async () => {
  const state = { settings, last: { type: 'report', report, charts, receiver } };
  const page = await h.open('health', { state });
  await page.waitForFunction(() => document.body.dataset.chartsRendered === '4');
  assert.equal(await page.locator('#cards article').count(), report.checks.length);
  await page.close();
});

test('a short side bar (1280×800 window, Health beside Agent Runs and Events): every verdict and the demo button are visible', { skip }, async () => {
  // About 300 × 250 px is what the Health view gets in the side bar of a 1280×800 window.
  const page = await h.open('health', { width: 300, height: 250 });
  await send(page, settings);
  await send(page, { type: 'empty', receiver } satisfies HealthToWebview);
  const demo = await page.locator('#run-demo').boundingBox();
  assert.ok(demo && demo.y + demo.height <= 250, `the demo button is below the fold (${JSON.stringify(demo)})`);
  await send(page, { type: 'report', report, charts, receiver } satisfies HealthToWebview);
  await page.waitForFunction(() => document.body.dataset.chartsRendered === '4');
  const boxes = await page.locator('#cards article.card').evaluateAll((els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { bottom: r.bottom, right: r.right, title: e.querySelector('.card-title')!.getBoundingClientRect().width };
  }));
  await screenshot(page, 'health-short-sidebar.png');
  assert.equal(boxes.length, report.checks.length);
  for (const b of boxes) {
    assert.ok(b.bottom <= 250, `a card ends at ${b.bottom} px, below the 250 px view`);
    assert.ok(b.right <= 300, `a card is cut off on the right (${b.right} px)`);
    assert.ok(b.title > 60, `a card title is squeezed to ${b.title} px`);
  }
  await page.close();
});

test('a card whose SQL looks at fewer hours than the panel range says so', { skip }, async () => {
  const page = await h.open('health', { width: 600, height: 900 });
  await send(page, settings);
  const checks = report.checks.map((c, i) => (i === 0 ? { ...c, window: { own: '12h', effective: '12h' } } : { ...c, window: { own: '24h', effective: '24h' } }));
  await send(page, { type: 'report', report: { ...report, checks }, charts, receiver } satisfies HealthToWebview);
  const pills = page.locator('#cards .pill.window');
  assert.equal(await pills.count(), 1, 'only the 12-hour check gets a window mark');
  assert.equal(await pills.first().innerText(), 'last 12h');
  assert.match((await pills.first().getAttribute('title'))!, /last 12h only; the panel range \(and the charts\) cover 24h/);
  assert.match((await page.locator('#cards article.card').first().getAttribute('aria-label'))!, /Over the last 12h/);
  // The seed's ✅/❌ marks are codicons, not emoji.
  const expectation = page.locator('#cards .expectation').first();
  if (await expectation.count()) assert.doesNotMatch(await expectation.innerText(), /✅|❌/u);
  await page.close();
});
