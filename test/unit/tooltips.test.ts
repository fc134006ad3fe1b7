// Tree-view tooltips are Markdown built from received telemetry and the workspace schema. Rendered by
// a real CommonMark renderer (markdown-it, with GFM-style linkify and raw HTML allowed, so anything
// left unescaped would show), hostile names produce no links, images, headings, HTML or extra emphasis,
// and the text still reads as sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentRun, EventSummary, SpanDetail } from '../../protocol/protocol';
import { codeBlock, escapeMarkdown, eventTooltip, runTooltip, spanTooltip } from '../../client/views/tooltips';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (opts: object) => { render(md: string): string };
const md = new MarkdownIt({ html: true, linkify: true });

const HOSTILE = [
  '[Open settings](command:workbench.action.openSettings?%5B%22x%22%5D)',
  '![pixel](https://tracker.example/p.png)',
  '<img src=x onerror=alert(1)> <a href="https://evil.example">login</a>',
  'visit https://evil.example or www.evil.example now',
  '**urgent** _act_ `code` ~~gone~~',
  '\n# Your token expired\n\n> re-enter it at evil.example',
  '$(error) fake icon &amp; entity \\ backslash',
];

function visibleText(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function assertInert(html: string, ownStrong: number): void {
  assert.doesNotMatch(html, /<a[\s>]/, html);
  assert.doesNotMatch(html, /<img[\s>]/, html);
  assert.doesNotMatch(html, /<h[1-6][\s>]/, html);
  assert.doesNotMatch(html, /<blockquote|<em>|<s>|<del>/, html);
  assert.equal((html.match(/<strong>/g) ?? []).length, ownStrong, html);
  assert.equal((html.match(/<code>/g) ?? []).length, 0, html);
}

test('escapeMarkdown leaves hostile text inert and readable', () => {
  for (const text of HOSTILE) {
    const html = md.render(escapeMarkdown(text));
    assertInert(html, 0);
    assert.equal(visibleText(html).trim(), text.replace(/\s*\n+\s*/g, ' ').trim());
  }
  assert.equal(escapeMarkdown('x'.repeat(600)).length, 501);
});

test('span tooltip: name, status, file, violations and exception text are shown as text', () => {
  const span = {
    traceId: 't',
    spanId: 's',
    name: HOSTILE[0],
    message: 'm',
    level: 17,
    kind: 'span',
    statusCode: HOSTILE[4],
    codeFilepath: 'src/`evil`.py',
    codeLineno: 3,
    violations: [HOSTILE[1]],
    exception: { type: HOSTILE[2], message: `${HOSTILE[3]}${HOSTILE[5]}` },
  } as unknown as SpanDetail;
  const html = md.render(spanTooltip(span));
  assertInert(html, 1);
  const text = visibleText(html);
  assert.ok(text.includes(HOSTILE[0]) && text.includes('src/`evil`.py:3') && text.includes(HOSTILE[1]) && text.includes(HOSTILE[2]), text);
});

test('run and event tooltips: labels, ids and a template that tries to close its code block', () => {
  const run = { runId: HOSTILE[6], label: HOSTILE[3], startedAt: HOSTILE[1], endedAt: undefined, live: true, traceCount: 1, spanCount: 1, errorCount: 0, violationCount: 0 } as unknown as AgentRun;
  const runHtml = md.render(runTooltip(run));
  assertInert(runHtml, 1);
  assert.ok(visibleText(runHtml).includes(HOSTILE[3]));

  const template = 'Order {id}\n```\n[click](https://evil.example) **x**\n````';
  const ev: EventSummary = { id: HOSTILE[0], level: HOSTILE[4], template, callSites: 1, runtimeCount: 2 };
  const evHtml = md.render(eventTooltip(ev));
  assertInert(evHtml.replace(/<pre><code[^>]*>[\s\S]*?<\/code><\/pre>/, ''), 1);
  // The whole template stays inside one code block, verbatim.
  const block = /<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/.exec(evHtml);
  assert.ok(block, evHtml);
  assert.equal(visibleText(block[1]).trimEnd(), template);
  assert.equal((evHtml.match(/<pre>/g) ?? []).length, 1);
  assert.match(codeBlock('a ``` b'), /^\n````text\n/);
});
