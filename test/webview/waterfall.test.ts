// Trace waterfall rendered in headless Chromium from a recorded TraceDetail fixture.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TraceDetail } from '../../protocol/protocol';
import type { WaterfallToWebview } from '../../protocol/webview';
import { fixture, posted, problems, screenshot, send, startHarness, type Harness, skipReason } from './harness';

const skip = skipReason();

const trace = fixture<TraceDetail>('trace-detail.json');
let h: Harness;
before(async () => {
  if (skip) return;
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

async function open(selectedSpanId?: string): Promise<Page> {
  const page = await h.open('waterfall', { width: 1100, height: 900 });
  await send(page, { type: 'trace', trace, selectedSpanId } satisfies WaterfallToWebview);
  await page.locator('.span-row').first().waitFor();
  return page;
}

const rowIds = (page: Page): Promise<string[]> => page.locator('.span-row').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.span!));

test('spans render as a tree in start order with levels, durations and violation markers', { skip }, async () => {
  const page = await open();
  assert.deepEqual(await rowIds(page), [
    'a000000000000001', 'a000000000000002', 'a000000000000003', 'a000000000000004',
    'a000000000000005', 'a000000000000006', 'a000000000000007', 'a000000000000008',
  ]);
  const levels = await page.locator('.span-row').evaluateAll((els) => els.map((e) => e.getAttribute('aria-level')));
  assert.deepEqual(levels, ['1', '2', '2', '3', '2', '2', '2', '2']);
  const failed = page.locator('.span-row[data-span="a000000000000003"]');
  assert.ok(await failed.evaluate((e) => e.classList.contains('level-error')), 'the 429 request is an error row');
  assert.equal(await failed.locator('.span-duration').innerText(), '2.21 s');
  assert.ok(await page.locator('.span-row[data-span="a000000000000005"]').evaluate((e) => e.classList.contains('level-warn')));
  assert.equal(await page.locator('.span-row[data-span="a000000000000005"] .violation').innerText(), '⚠ TL003');
  assert.match((await page.locator('.span-row[data-span="a000000000000005"]').getAttribute('aria-label'))!, /violations TL003$/);
  assert.match(await page.locator('.trace-head').innerText(), /trace 4bf92f3577b34da6a3ce929d0e0e4736 · 8 spans · 8\.42 s · 1 with errors/);
  assert.deepEqual(await problems(page), []);
  await page.close();
});

test('timing bars are placed by start and duration relative to the trace', { skip }, async () => {
  const page = await open();
  const geom = async (id: string): Promise<{ left: number; width: number }> =>
    page.locator(`.span-row[data-span="${id}"] .span-timeline`).evaluate((tl) => {
      const box = tl.getBoundingClientRect();
      const bar = (tl.querySelector('.bar, .marker') as HTMLElement).getBoundingClientRect();
      const isMarker = tl.querySelector('.marker') !== null;
      return { left: ((isMarker ? bar.left + bar.width / 2 : bar.left) - box.left) / box.width, width: bar.width / box.width };
    });
  const root = await geom('a000000000000001');
  assert.ok(root.left < 0.01 && root.width > 0.99, `root spans the whole trace: ${JSON.stringify(root)}`);
  const second = await geom('a000000000000006'); // starts at 2300 ms, lasts 4980 ms of 8420.5 ms
  assert.ok(Math.abs(second.left - 2300 / 8420.5) < 0.01, `left ${second.left}`);
  assert.ok(Math.abs(second.width - 4980 / 8420.5) < 0.01, `width ${second.width}`);
  const log = await geom('a000000000000008'); // a log at 8400 ms is a point marker
  assert.ok(Math.abs(log.left - 8400 / 8420.5) < 0.01, `marker at ${log.left}`);
  await page.close();
});

test('selecting a span shows its attributes, events and exception and asks to open the source', { skip }, async () => {
  const page = await open();
  await page.locator('.span-row[data-span="a000000000000003"]').click();
  const details = page.locator('#details');
  assert.equal(await details.locator('h2').innerText(), 'chat Cerebras-GLM-4.7');
  assert.match(await page.locator('#exception h3').innerText(), /^RateLimitError: 429 Too Many Requests: daily request limit reached$/);
  assert.match(await page.locator('#exception pre').innerText(), /failover_model\.py", line 88/);
  const attrs = await page.locator('#attributes tr').evaluateAll((rows) => rows.map((r) => [r.querySelector('th')!.textContent, r.querySelector('td')!.textContent]));
  assert.deepEqual(attrs, [['gen_ai.request.model', 'Cerebras-GLM-4.7'], ['http.status_code', '429']]);
  assert.match(await page.locator('#events').innerText(), /Events \(1\)[\s\S]*exception/);
  assert.equal(await page.locator('#open-source').innerText(), 'code_puppy/failover_model.py:88');
  await page.locator('#open-source').click();
  await page.locator('#copy-trace').click();
  const msgs = (await posted<Record<string, unknown>>(page)).filter((m) => m.type !== 'ready');
  assert.deepEqual(msgs, [
    { type: 'selectSpan', spanId: 'a000000000000003' },
    { type: 'openSource', filepath: 'code_puppy/failover_model.py', lineno: 88 },
    { type: 'copy', text: trace.traceId },
  ]);
  await screenshot(page, 'trace-waterfall.png', 'trace-waterfall.png');
  await page.close();
});

test('rows are keyboard navigable with a single tab stop', { skip }, async () => {
  const page = await open('a000000000000002');
  assert.equal(await page.locator('.span-row[tabindex="0"]').count(), 1);
  assert.equal(await page.locator('.span-row[tabindex="0"]').getAttribute('data-span'), 'a000000000000002');
  await page.locator('.span-row[data-span="a000000000000002"]').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('.span-row.selected').getAttribute('data-span'), 'a000000000000004');
  assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.span), 'a000000000000004');
  await page.keyboard.press('End');
  await page.keyboard.press(' ');
  assert.equal(await page.locator('.span-row.selected').getAttribute('data-span'), 'a000000000000008');
  assert.equal(await page.locator('.span-row[aria-selected="true"]').count(), 1);
  const msgs = (await posted<{ type: string; spanId?: string }>(page)).filter((m) => m.type === 'selectSpan').map((m) => m.spanId);
  assert.deepEqual(msgs, ['a000000000000004', 'a000000000000008']);
  await page.close();
});

test('an unknown trace says so; a live update keeps the selection', { skip }, async () => {
  const page = await open('a000000000000006');
  const grown: TraceDetail = {
    ...trace,
    spans: [...trace.spans, { ...trace.spans[1], spanId: 'a000000000000009', start: trace.spans[7].start, message: 'Workload routing: husky → CODING → late' }],
  };
  await send(page, { type: 'trace', trace: grown } satisfies WaterfallToWebview);
  assert.equal(await page.locator('.span-row').count(), 9);
  assert.equal(await page.locator('.span-row.selected').getAttribute('data-span'), 'a000000000000006');
  await send(page, { type: 'notFound', traceId: 'ffffffffffffffffffffffffffffffff' } satisfies WaterfallToWebview);
  assert.equal(await page.locator('[role="alert"]').innerText(), 'Trace ffffffffffffffffffffffffffffffff was not found in the store.');
  await page.close();
});

test('an error span says why (status message, or the error inside it, or that nothing was recorded)', { skip }, async () => {
  const root = trace.spans.find((s) => !s.parentSpanId)!;
  const child = trace.spans.find((s) => s.parentSpanId === root.spanId)!;
  const spans = trace.spans.map((s) => {
    if (s === root) return { ...s, level: 17, statusCode: 'ERROR', statusMessage: 'the EAR loop of this turn ended in error', exception: undefined, isException: false };
    if (s === child) return { ...s, level: 17, exception: undefined, isException: false, statusCode: undefined, statusMessage: undefined };
    return s;
  });
  const page = await h.open('waterfall', { width: 420, height: 800 });
  await send(page, { type: 'trace', trace: { ...trace, spans }, selectedSpanId: root.spanId } satisfies WaterfallToWebview);
  const reason = page.locator('#error-reason');
  await reason.waitFor();
  assert.match(await reason.innerText(), /Status: the EAR loop of this turn ended in error/);
  assert.match(await reason.innerText(), new RegExp(`Error inside: ${(child.message || child.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await reason.locator('button.link').first().click();
  await page.locator('#error-reason').waitFor();
  assert.match(await page.locator('#error-reason').innerText(), /No exception or status message was recorded; the span is marked as an error by its level \(error\)/);
  // At 420 px attribute names are never split inside a word.
  const names = await page.locator('#attributes th').evaluateAll((els) => els.map((e) => ({ text: e.textContent ?? '', lines: Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight || '16')) })));
  for (const n of names) assert.ok(n.lines <= 1 || /[\s]/.test(n.text), `attribute name ${n.text} wraps over ${n.lines} lines`);
  await page.close();
});
