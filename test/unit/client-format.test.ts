// Pure client helpers: formatting, tabular export, span trees, query history and the webview HTML shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildSpanTree, cellText, compareCells, flattenSpanTree, formatCount, formatDuration, levelName, relativeTime, sortOrder, toCsv, toJson, toTsv,
} from '../../protocol/format';
import { buildWebviewHtml, contentSecurityPolicy, escapeHtml, makeNonce } from '../../client/webview/html';
import { pushHistory } from '../../client/history';
import type { SpanSummary } from '../../protocol/protocol';

test('levelName maps Logfire level numbers, rounding down between levels', () => {
  assert.deepEqual([1, 5, 9, 10, 13, 17, 21, 12, 0].map(levelName), ['trace', 'debug', 'info', 'notice', 'warn', 'error', 'fatal', 'notice', 'trace']);
});

test('formatDuration, formatCount and relativeTime', () => {
  assert.deepEqual([0.4, 12.4, 999, 1234, 15_000, 61_000, 3_725_000, null].map(formatDuration),
    ['0.40 ms', '12 ms', '999 ms', '1.23 s', '15.0 s', '1m 1s', '1h 2m', '—']);
  assert.deepEqual([0, 999, 1000, 1234, 12_873, 999_999, 2_500_000].map(formatCount), ['0', '999', '1k', '1.2k', '13k', '1M', '2.5M']);
  const now = Date.parse('2026-11-23T12:00:00Z');
  assert.equal(relativeTime('2026-11-23T11:59:50Z', now), 'just now');
  assert.equal(relativeTime('2026-11-23T11:58:30Z', now), '2 min ago');
  assert.equal(relativeTime('2026-11-23T09:00:00Z', now), '3 h ago');
  assert.equal(relativeTime('2026-11-20T12:00:00Z', now), '3 d ago');
  assert.equal(relativeTime('2026-11-23T12:00:20Z', now), 'just now', 'small clock skew');
  assert.equal(relativeTime('2026-11-23T12:05:00Z', now), 'in the future');
  assert.equal(relativeTime('not a date', now), 'not a date');
});

test('compareCells and sortOrder: numbers numerically (also numeric strings), text naturally, NULLs last both ways', () => {
  assert.ok(compareCells(9, 10) < 0);
  assert.ok(compareCells('9', '10') < 0, 'numeric strings (big integers) compare as numbers');
  assert.ok(compareCells('a2', 'a10') < 0);
  const rows = [[3], [null], ['10'], [1], [undefined]];
  assert.deepEqual(sortOrder(rows, 0, 1), [3, 0, 2, 1, 4]);
  assert.deepEqual(sortOrder(rows, 0, -1), [2, 0, 3, 1, 4]);
});

test('toCsv quotes per RFC 4180 and follows the given row order; toTsv flattens cells', () => {
  const r = {
    columns: [{ name: 'name', type: 'VARCHAR' }, { name: 'attrs', type: 'JSON' }, { name: 'n', type: 'BIGINT' }],
    rows: [['a,b', { k: 'v "q"' }, 1], ['line\nbreak', null, 2], [' padded', 'x', null]],
  };
  assert.equal(toCsv(r), 'name,attrs,n\r\n"a,b","{""k"":""v \\""q\\""""}",1\r\n"line\nbreak",,2\r\n" padded",x,\r\n');
  assert.equal(toCsv(r, [2, 0]).split('\r\n')[1], '" padded",x,');
  assert.equal(toTsv(['a', 'b'], [['x\ty', 'z\nw'], [null, 3]]), 'a\tb\nx y\tz w\n\t3');
  assert.equal(cellText({ a: [1] }), '{"a":[1]}');
});

test('toJson keys rows by column name and disambiguates duplicate names', () => {
  const r = { columns: [{ name: 'model', type: 'VARCHAR' }, { name: 'model', type: 'VARCHAR' }, { name: 'calls', type: 'BIGINT' }], rows: [['a', 'b', 3], ['c', 'd', null]] };
  assert.deepEqual(JSON.parse(toJson(r, [1, 0])), [{ model: 'c', model_2: 'd', calls: null }, { model: 'a', model_2: 'b', calls: 3 }]);
});

function span(spanId: string, parentSpanId: string | undefined, startMs: number): SpanSummary {
  return {
    traceId: 't', spanId, parentSpanId, name: spanId, message: spanId, kind: 'span', level: 9,
    start: new Date(Date.UTC(2026, 0, 1) + startMs).toISOString(), durationMs: 1, isException: false, violations: [],
  };
}

test('buildSpanTree nests by parent in start order; orphans and parent cycles become roots', () => {
  const spans = [span('c', 'a', 20), span('b', 'a', 10), span('a', undefined, 0), span('orphan', 'missing', 5), span('x', 'y', 30), span('y', 'x', 40)];
  const flat = flattenSpanTree(buildSpanTree(spans)).map((n) => `${'-'.repeat(n.depth)}${n.span.spanId}`);
  assert.deepEqual(flat, ['a', '-b', '-c', 'orphan', 'x', '-y']);
  assert.equal(flattenSpanTree(buildSpanTree([])).length, 0);
});

test('pushHistory puts the newest first, drops whitespace-equivalent duplicates and caps the list', () => {
  let h: string[] = [];
  h = pushHistory(h, 'SELECT 1');
  h = pushHistory(h, 'SELECT 2');
  h = pushHistory(h, '  SELECT   1 ');
  assert.deepEqual(h, ['SELECT   1', 'SELECT 2']);
  assert.deepEqual(pushHistory(h, '   '), h);
  const many = Array.from({ length: 40 }, (_, i) => `q${i}`).reduce<string[]>((acc, q) => pushHistory(acc, q, 5), []);
  assert.deepEqual(many, ['q39', 'q38', 'q37', 'q36', 'q35']);
});

test('the webview HTML carries a strict CSP with a fresh nonce and escapes what it embeds', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.match(a, /^[A-Za-z0-9_-]{22}$/);
  assert.notEqual(a, b);
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', a);
  assert.equal(csp, `default-src 'none'; style-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net data:; font-src https://x.vscode-cdn.net; script-src 'nonce-${a}'; connect-src 'none'; base-uri 'none'; form-action 'none'`);
  assert.throws(() => contentSecurityPolicy("x; script-src 'unsafe-inline'", a), /invalid CSP source/);
  assert.throws(() => contentSecurityPolicy("'unsafe-inline'", a), /invalid CSP source/);
  assert.match(contentSecurityPolicy("'self' https://x.test", a), /^default-src 'none'; style-src 'self' https:\/\/x\.test;/);
  // code-server's webview.cspSource
  assert.match(contentSecurityPolicy("'self' https://*.vscode-cdn.net", a), /style-src 'self' https:\/\/\*\.vscode-cdn\.net;/);
  assert.throws(() => contentSecurityPolicy("'unsafe-inline' x", a), /invalid CSP source/);
  assert.throws(() => contentSecurityPolicy('x', "n' 'unsafe-eval"), /invalid nonce/);
  const html = buildWebviewHtml({ title: 'A <b>"x"</b>', cspSource: 'https://x.vscode-cdn.net', nonce: a, scriptUri: 'https://x/q.js?a=1&b=2', styleUris: ['https://x/s.css'], page: 'query' });
  assert.ok(html.includes(`<script nonce="${a}" src="https://x/q.js?a=1&amp;b=2"></script>`));
  assert.ok(html.includes('<title>A &lt;b&gt;&quot;x&quot;&lt;/b&gt;</title>'));
  assert.ok(html.includes(`content="${escapeHtml(csp)}"`));
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'exactly one script, the nonced bundle');
  assert.ok(!/style="/.test(html), 'no inline style attributes');
});

test('Throttle coalesces a burst into one call and keeps firing under a steady stream', async (t) => {
  const { Throttle } = await import('../../client/throttle');
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let calls = 0;
  const th = new Throttle(() => calls++);
  for (let i = 0; i < 50; i++) th.request(1000);
  assert.equal(calls, 0);
  t.mock.timers.tick(1000);
  assert.equal(calls, 1, 'one call for the burst');
  // A request every 100 ms for 3 s: a debounce would never fire; the throttle fires every second.
  for (let i = 0; i < 30; i++) {
    th.request(1000);
    t.mock.timers.tick(100);
  }
  assert.equal(calls, 4);
  th.request(1000);
  th.request(0);
  assert.equal(calls, 5, 'ms = 0 runs now');
  assert.equal(th.pending, false, 'and drops the pending run');
  t.mock.timers.tick(2000);
  assert.equal(calls, 5);
});
