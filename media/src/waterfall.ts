// Trace waterfall: spans as an indented tree with timing bars, and the selected span's details
// (attributes, events, exception, source location). Data arrives as WaterfallToWebview messages.
import type { SpanDetail, TraceDetail } from '../../protocol/protocol';
import type { WaterfallFromWebview, WaterfallToWebview } from '../../protocol/webview';
import { buildSpanTree, cellText, flattenSpanTree, formatDuration, levelName, type SpanNode } from '../../protocol/format';
import { getState, h, mount, onMessage, post, rovingFocus, setState } from './lib/dom';

const send = (m: WaterfallFromWebview): void => post(m);

interface Saved {
  trace?: TraceDetail;
  selected?: string;
}
const saved = getState<Saved>() ?? {};
let trace: TraceDetail | undefined = saved.trace;
let selected: string | undefined = saved.selected;

function bounds(spans: SpanDetail[]): { t0: number; total: number } {
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const s of spans) {
    const a = Date.parse(s.start);
    if (Number.isNaN(a)) continue;
    t0 = Math.min(t0, a);
    t1 = Math.max(t1, a + (s.durationMs ?? 0));
  }
  if (!Number.isFinite(t0)) return { t0: 0, total: 1 };
  return { t0, total: Math.max(1, t1 - t0) };
}

function statusClass(s: SpanDetail): string {
  if (s.isException || s.statusCode === 'ERROR' || s.level >= 17) return 'level-error';
  if (s.level >= 13) return 'level-warn';
  if (s.level < 9) return 'level-debug';
  return 'level-info';
}

function row(n: SpanNode<SpanDetail>, t0: number, total: number): HTMLElement {
  const s = n.span;
  const start = Date.parse(s.start) - t0;
  const left = Math.max(0, Math.min(100, (100 * start) / total));
  const isPoint = s.kind !== 'span' || !s.durationMs;
  const width = isPoint ? 0 : Math.max(0.4, Math.min(100 - left, (100 * (s.durationMs ?? 0)) / total));
  const open = s.durationMs === null && s.kind === 'span';
  const label = `${s.message || s.name}, ${levelName(s.level)}, ${open ? 'still running' : formatDuration(s.durationMs)}${s.violations.length ? `, violations ${s.violations.join(' ')}` : ''}`;
  return h('div', {
      class: `span-row ${statusClass(s)}${s.spanId === selected ? ' selected' : ''}`,
      role: 'treeitem',
      'aria-level': n.depth + 1,
      'aria-selected': String(s.spanId === selected),
      'aria-label': label,
      'data-span': s.spanId,
      tabindex: -1,
      onclick: () => select(s.spanId),
    },
    h('div', { class: 'span-name' },
      h('span', { class: 'indent', 'data-depth': n.depth, 'aria-hidden': 'true' }, '\u00a0'.repeat(n.depth * 2)),
      h('span', { class: `dot ${statusClass(s)}`, 'aria-hidden': 'true' }, s.kind === 'span' ? '●' : '◆'),
      s.violations.length ? h('span', { class: 'violation', title: `Schema violations: ${s.violations.join(', ')}` }, `⚠ ${s.violations.join(' ')}`) : null,
      h('span', { class: 'name-text', title: s.name }, s.message || s.name)),
    h('div', { class: 'span-timeline', 'aria-hidden': 'true' },
      isPoint
        ? h('span', { class: `marker ${statusClass(s)}`, 'data-left': left.toFixed(2) })
        : h('span', { class: `bar ${statusClass(s)}${open ? ' open' : ''}`, 'data-left': left.toFixed(2), 'data-width': width.toFixed(2) })),
    h('div', { class: 'span-duration' }, open ? 'running' : isPoint ? '' : formatDuration(s.durationMs)));
}

/** Bars are positioned through CSSOM (the CSP forbids inline style attributes). */
function positionBars(root: HTMLElement): void {
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('[data-left]'))) {
    el.style.left = `${el.dataset.left}%`;
    if (el.dataset.width) el.style.width = `${el.dataset.width}%`;
  }
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('.indent'))) el.style.paddingLeft = `${Number(el.dataset.depth) * 12}px`;
}

function kv(title: string, obj: Record<string, unknown>, id: string): HTMLElement | null {
  const keys = Object.keys(obj).sort();
  if (!keys.length) return null;
  return h('section', { class: 'kv', id },
    h('h3', null, title),
    h('table', null, h('tbody', null, ...keys.map((k) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, cellText(obj[k])))))));
}

/**
 * Why a span shows as an error: its status message, and the error records under it (a failed agent
 * turn is often red because of one log inside it). Says so when nothing was recorded.
 */
function errorReason(s: SpanDetail): HTMLElement | null {
  if (statusClass(s) !== 'level-error') return null;
  const under = trace ? descendants(s.spanId).filter((c) => statusClass(c) === 'level-error') : [];
  const lines: (HTMLElement | null)[] = [
    s.statusMessage ? h('p', null, h('strong', null, 'Status: '), s.statusMessage) : null,
    ...under.slice(0, 5).map((c) => h('p', null, h('strong', null, 'Error inside: '),
      h('button', { class: 'link', onclick: () => select(c.spanId) }, c.message || c.name))),
  ];
  if (!s.statusMessage && !s.exception && under.length === 0) {
    lines.push(h('p', { class: 'muted' }, `No exception or status message was recorded; the span is marked as an error by its ${s.statusCode === 'ERROR' ? 'status code (ERROR)' : `level (${levelName(s.level)})`}.`));
  }
  if (s.exception && lines.every((l) => l === null)) return null;
  return h('section', { class: 'error-reason', id: 'error-reason', role: 'group', 'aria-label': 'Why this is an error' },
    h('h3', null, h('span', { class: 'codicon codicon-error', 'aria-hidden': 'true' }), ' Why this is an error'), ...lines);
}

function descendants(spanId: string): SpanDetail[] {
  const spans = trace?.spans ?? [];
  const out: SpanDetail[] = [];
  const stack = [spanId];
  while (stack.length) {
    const id = stack.pop()!;
    for (const c of spans) if (c.parentSpanId === id && c.spanId !== spanId && !out.includes(c)) { out.push(c); stack.push(c.spanId); }
  }
  return out;
}

function details(s: SpanDetail): HTMLElement {
  const code = s.codeFilepath;
  return h('section', { class: 'details', id: 'details', 'aria-label': 'Span details', tabindex: -1 },
    h('h2', null, s.message || s.name),
    h('p', { class: 'meta' },
      h('span', { class: `pill ${statusClass(s)}` }, levelName(s.level)), ' ',
      s.statusCode ? h('span', { class: 'pill' }, s.statusCode) : null, ' ',
      `${s.kind} · ${s.name} · ${s.serviceName} · started ${s.start} · ${formatDuration(s.durationMs)}`),
    code ? h('p', null, h('button', {
        id: 'open-source', class: 'link',
        onclick: () => send({ type: 'openSource', filepath: code, lineno: s.codeLineno }),
        'aria-label': `Open ${code}${s.codeLineno ? ` line ${s.codeLineno}` : ''}`,
      }, `${code}${s.codeLineno ? `:${s.codeLineno}` : ''}`)) : null,
    h('p', { class: 'ids muted' }, `span ${s.spanId}${s.parentSpanId ? ` · parent ${s.parentSpanId}` : ''} `,
      h('button', { class: 'link', onclick: () => send({ type: 'copy', text: s.spanId }), 'aria-label': 'Copy span id' }, 'copy id')),
    s.violations.length ? h('p', { class: 'violation' }, `Schema violations: ${s.violations.join(', ')}`) : null,
    s.tags.length ? h('p', null, ...s.tags.map((t) => h('span', { class: 'pill tag' }, t))) : null,
    errorReason(s),
    s.exception ? h('section', { class: 'exception', id: 'exception', role: 'group', 'aria-label': 'Exception' },
      h('h3', null, `${s.exception.type ?? 'Exception'}${s.exception.message ? `: ${s.exception.message}` : ''}`),
      s.exception.stacktrace ? h('pre', { tabindex: 0 }, s.exception.stacktrace) : null) : null,
    kv('Attributes', s.attributes, 'attributes'),
    s.events.length ? h('section', { class: 'events', id: 'events' }, h('h3', null, `Events (${s.events.length})`),
      h('ul', null, ...s.events.map((e) => h('li', null, h('strong', null, e.name), ` ${e.time}`,
        Object.keys(e.attributes).length ? h('code', { class: 'muted' }, ` ${JSON.stringify(e.attributes)}`) : null)))) : null,
    (() => {
      const r = kv('Resource', s.resource, 'resource');
      return r ? h('details', null, h('summary', null, 'Resource attributes'), r) : null;
    })());
}

function select(spanId: string, notify = true): void {
  selected = spanId;
  setState<Saved>({ trace, selected });
  render();
  const rowEl = document.querySelector<HTMLElement>(`.span-row[data-span="${CSS.escape(spanId)}"]`);
  rowEl?.focus();
  if (notify) send({ type: 'selectSpan', spanId });
}

function render(): void {
  if (!trace) {
    mount(h('p', { class: 'muted' }, 'Loading trace…'));
    return;
  }
  const { t0, total } = bounds(trace.spans);
  const nodes = flattenSpanTree(buildSpanTree(trace.spans));
  const root = nodes[0]?.span;
  const errors = trace.spans.filter((s) => statusClass(s) === 'level-error').length;
  const sel = trace.spans.find((s) => s.spanId === selected) ?? root;
  const tree = h('div', { class: 'waterfall', role: 'tree', id: 'spans', 'aria-label': `Spans of trace ${trace.traceId}` },
    ...nodes.map((n) => row(n, t0, total)));
  const app = mount(
    h('header', { class: 'trace-head' },
      h('h1', null, root ? root.message || root.name : 'Trace'),
      h('p', { class: 'muted' }, `trace ${trace.traceId} · ${trace.spans.length} spans · ${formatDuration(total)}${errors ? ` · ${errors} with errors` : ''} `,
        h('button', { class: 'link', id: 'copy-trace', onclick: () => send({ type: 'copy', text: trace!.traceId }), 'aria-label': 'Copy trace id' }, 'copy id'))),
    h('div', { class: 'scale muted', 'aria-hidden': 'true' }, h('span', null, '0'), h('span', null, formatDuration(total / 2)), h('span', null, formatDuration(total))),
    tree,
    sel ? details(sel) : null);
  positionBars(app);
  rovingFocus(tree, '.span-row', (r) => select(r.dataset.span!));
  const cur = tree.querySelector<HTMLElement>('.span-row.selected');
  if (cur) {
    for (const r of Array.from(tree.querySelectorAll<HTMLElement>('.span-row'))) r.tabIndex = r === cur ? 0 : -1;
  }
}

onMessage<WaterfallToWebview>((m) => {
  if (m.type === 'trace') {
    trace = m.trace;
    selected = m.selectedSpanId ?? selected;
    if (selected && !trace.spans.some((s) => s.spanId === selected)) selected = undefined;
    setState<Saved>({ trace, selected });
    render();
    if (m.selectedSpanId) document.querySelector<HTMLElement>('.span-row.selected')?.scrollIntoView({ block: 'nearest' });
  } else if (m.type === 'notFound') {
    trace = undefined;
    mount(h('p', { class: 'error-text', role: 'alert' }, `Trace ${m.traceId} was not found in the store.`));
  }
});
render();
send({ type: 'ready' });
