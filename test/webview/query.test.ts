// Query results table rendered in headless Chromium from a recorded QueryResult fixture.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { QueryResult } from '../../protocol/protocol';
import type { QueryToWebview } from '../../protocol/webview';
import { fixture, posted, problems, screenshot, send, startHarness, type Harness, skipReason } from './harness';

const skip = skipReason();

const { sql, result } = fixture<{ sql: string; result: QueryResult }>('query-result.json');
let h: Harness;
before(async () => {
  if (skip) return;
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

async function open(): Promise<Page> {
  const page = await h.open('query', { width: 900, height: 520 });
  await send(page, { type: 'running', sql } satisfies QueryToWebview);
  await send(page, { type: 'result', sql, result } satisfies QueryToWebview);
  await page.locator('#results').waitFor();
  return page;
}

const column = (page: Page, i: number): Promise<string[]> =>
  page.locator(`#results tbody tr`).evaluateAll((rows, i) => rows.map((r) => (r.children[i] as HTMLElement).innerText), i);

test('results render with column headers, row count, timing and NULLs', { skip }, async () => {
  const page = await open();
  assert.deepEqual(await page.locator('#results th').allInnerTexts(), ['workload', 'model', 'calls']);
  assert.equal(await page.locator('#results tbody tr').count(), result.rows.length);
  assert.equal(await page.locator('#meta').innerText(), '8 rows · 23 ms · local store');
  assert.deepEqual(await column(page, 2), ['321', '140', '96', '58', '44', '37', '33', 'NULL']);
  assert.equal(await page.locator('#results td.null').count(), 1);
  assert.equal(await page.locator('#sql').innerText(), sql);
  assert.deepEqual(await problems(page), []);
  await page.close();
});

test('clicking a header sorts numerically (NULLs last), again reverses, and aria-sort follows', { skip }, async () => {
  const page = await open();
  await page.locator('th button[data-col="2"]').click();
  assert.deepEqual(await column(page, 2), ['33', '37', '44', '58', '96', '140', '321', 'NULL']);
  assert.equal(await page.locator('th').nth(2).getAttribute('aria-sort'), 'ascending');
  await page.keyboard.press('Enter'); // focus stays on the header button
  assert.deepEqual(await column(page, 2), ['321', '140', '96', '58', '44', '37', '33', 'NULL']);
  assert.equal(await page.locator('th').nth(2).getAttribute('aria-sort'), 'descending');
  await page.locator('th button[data-col="0"]').click();
  assert.deepEqual(await column(page, 0), ['CODING', 'CODING', 'CODING', 'CODING', 'LIBRARIAN', 'ORCHESTRATOR', 'ORCHESTRATOR', 'REASONING']);
  assert.equal(await page.locator('th').nth(2).getAttribute('aria-sort'), 'none');
  await page.close();
});

test('copy sends the selected rows (or all) as tab-separated text; export sends the displayed order', { skip }, async () => {
  const page = await open();
  await page.locator('th button[data-col="2"]').click(); // ascending by calls
  await page.locator('#results tbody tr').nth(0).click();
  await page.locator('#results tbody tr').nth(2).click({ modifiers: ['Control'] });
  await page.locator('#copy').click();
  assert.equal(await page.locator('#status').innerText(), 'Copied 2 rows');
  // Keyboard: move to the last row, select it alone with Space, copy with Ctrl+C.
  await page.locator('#results tbody tr').nth(0).focus();
  await page.keyboard.press('End');
  await page.keyboard.press(' ');
  await page.keyboard.press('Control+c');
  await page.locator('#export-csv').click();
  const msgs = (await posted<Record<string, unknown>>(page)).filter((m) => m.type !== 'ready');
  assert.deepEqual(msgs, [
    { type: 'copy', text: 'workload\tmodel\tcalls\nCODING\tGLM-4.7\t33\nREASONING\tclaude-opus-4-1\t44'.replace('GLM-4.7', 'hf:zai-org/GLM-4.7') },
    { type: 'copy', text: 'workload\tmodel\tcalls\nCODING\tmodel, with "quotes" and newline\t' },
    { type: 'export', format: 'csv', order: [6, 5, 4, 3, 2, 1, 0, 7] },
  ]);
  await screenshot(page, 'query-results.png', 'query-results.png');
  await page.close();
});

test('errors, cancellation and empty results are shown with a way to run again', { skip }, async () => {
  const page = await h.open('query');
  await send(page, { type: 'running', sql: 'SELECT 1' } satisfies QueryToWebview);
  assert.equal(await page.locator('[role="status"]').innerText(), 'Running…');
  assert.equal(await page.locator('#app').getAttribute('aria-busy'), 'true');
  await send(page, { type: 'error', sql: 'SELECT nope FROM records', message: 'Binder Error: column "nope" not found (line 1, column 8)' } satisfies QueryToWebview);
  assert.equal(await page.locator('#error').innerText(), 'Binder Error: column "nope" not found (line 1, column 8)');
  await page.getByRole('button', { name: 'Run again' }).click();
  await send(page, { type: 'cancelled', sql: 'SELECT 1' } satisfies QueryToWebview);
  assert.equal(await page.locator('[role="status"]').innerText(), 'Cancelled.');
  await send(page, { type: 'result', sql: 'SELECT 1 WHERE false', result: { ...result, rows: [], rowCount: 0 } } satisfies QueryToWebview);
  assert.equal(await page.locator('#no-rows').innerText(), 'The query returned no rows.');
  const msgs = (await posted(page)).map((m) => m.type).filter((t) => t !== 'ready');
  assert.deepEqual(msgs, ['rerun']);
  await page.close();
});
