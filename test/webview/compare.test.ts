// Run comparison view in headless Chromium: both runs side by side, differences highlighted, sortable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunComparison } from '../../protocol/protocol';
import type { CompareToWebview } from '../../protocol/webview';
import { posted, problems, screenshot, send, startHarness, type Harness, skipReason } from './harness';

const skip = skipReason();
let h: Harness;
before(async () => {
  if (skip) return;
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const comparison: RunComparison = {
  a: { runId: 'demo-a1-000', label: 'python agent.py (before)', records: 812, traces: 160, errors: 3, errorRate: 3 / 812, startedAt: '2026-11-23T10:00:00.000Z' },
  b: { runId: 'demo-b2-000', label: 'python agent.py (after)', records: 790, traces: 158, errors: 31, errorRate: 31 / 790, startedAt: '2026-11-23T11:00:00.000Z' },
  spans: [
    { spanName: 'agent run {agent}', countA: 160, countB: 158, p50A: 1200, p50B: 1500, p95A: 9000, p95B: 15000, errorsA: 3, errorsB: 31 },
    { spanName: 'Workload routing: {agent} → {workload} → {model}', countA: 160, countB: 158, p50A: null, p50B: null, p95A: null, p95B: null, errorsA: 0, errorsB: 0 },
    { spanName: 'Capacity warning: {model} at {pct}% ({limit_type})', countA: 22, countB: 0, p50A: null, p50B: null, p95A: null, p95B: null, errorsA: 0, errorsB: 0 },
  ],
  models: [{ model: 'Cerebras-GLM-4.7', failoversA: 2, failoversB: 9, rateLimitsA: 2, rateLimitsB: 12, capacityWarningsA: 10, capacityWarningsB: 0 }],
  errors: [{ key: 'agent run {agent}', detail: 'the EAR loop of this turn ended in error', a: 3, b: 31 }],
  tokens: [],
  conformance: [{ key: 'TL003', detail: 'Unknown attribute `retries`', a: 0, b: 1 }],
  appeared: [],
  vanished: ['Capacity warning: {model} at {pct}% ({limit_type})'],
  thresholds: [{ limit: 'error_rate_increase', allowed: 1, actual: 3.55, crossed: true }, { limit: 'new_failovers', allowed: 10, actual: 7, crossed: false }],
};

test('both runs side by side; worse rows highlighted; tables sort by a column; limits shown', { skip }, async () => {
  const page = await h.open('compare', { width: 1280, height: 800 });
  await send(page, { type: 'comparison', comparison } satisfies CompareToWebview);
  await page.locator('#table-spans').waitFor();
  assert.match(await page.locator('#run-a').innerText(), /A: python agent\.py \(before\)[\s\S]*812 records · 160 traces · 3 errors \(0\.4%\)/);
  assert.match(await page.locator('#run-b').innerText(), /31 errors \(3\.9%\)/);
  const first = page.locator('#table-spans tbody tr').first();
  assert.equal(await first.getAttribute('data-change'), 'worse');
  assert.match(await first.innerText(), /agent run \{agent\}\s+160\s+158\s+-2\s+1\.20 s\s+1\.50 s\s+9\.00 s\s+15\.0 s\s+\+66\.7%\s+3\s+31/);
  assert.match(await page.locator('#vanished').innerText(), /Capacity warning/);
  assert.match(await page.locator('#thresholds').innerText(), /error_rate_increase: 3\.55 \(allowed 1\) — crossed/);
  assert.equal(await page.locator('#table-conformance tbody tr').first().getAttribute('data-change'), 'worse');
  assert.match(await page.locator('#section-tokens').innerText(), /None in either run/);
  // Sort spans by count B (descending first, then ascending).
  await page.locator('#table-spans th button[data-col="2"]').click();
  const countsDesc = await page.locator('#table-spans tbody tr td:nth-child(3)').allInnerTexts();
  assert.deepEqual(countsDesc, ['158', '158', '0']);
  await page.locator('#table-spans th button[data-col="2"]').click();
  assert.deepEqual(await page.locator('#table-spans tbody tr td:nth-child(3)').allInnerTexts(), ['0', '158', '158']);
  assert.equal(await page.locator('#table-spans th[aria-sort="ascending"]').count(), 1);
  await screenshot(page, 'compare.png');
  assert.deepEqual((await posted<{ type: string }>(page)).map((m) => m.type), ['ready']);
  assert.deepEqual(await problems(page), []);
  await page.close();
});

test('an error from the server is shown', { skip }, async () => {
  const page = await h.open('compare', { width: 800, height: 600 });
  await send(page, { type: 'error', message: "run 'x' has no records in the local store" } satisfies CompareToWebview);
  assert.match(await page.locator('#error').innerText(), /run 'x' has no records/);
  await page.close();
});
