// Run comparison view: run A and run B side by side, one sortable table per aspect, rows that differ
// highlighted (worse in B: error colour; better: pass colour). Everything arrives as CompareToWebview.
import type { RunComparison } from '../../protocol/protocol';
import type { CompareFromWebview, CompareToWebview } from '../../protocol/webview';
import { formatDuration, formatNumber, formatPercent, plural, sortOrder } from '../../protocol/format';
import { getState, h, mount, onMessage, post, setState } from './lib/dom';

const send = (m: CompareFromWebview): void => post(m);
let last: CompareToWebview | undefined = getState<CompareToWebview>();
const sorts = new Map<string, { col: number; dir: 1 | -1 }>();

type Cell = string | number | null;
/** How a row changed from A to B: 'worse' (more errors, slower…), 'better', 'changed' or ''. */
type Change = 'worse' | 'better' | 'changed' | '';
interface Table {
  id: string;
  title: string;
  columns: string[];
  /** Formatter per column (raw values sort, formatted text shows). */
  format?: ((v: Cell) => string)[];
  rows: { cells: Cell[]; change: Change }[];
}

const ms = (v: Cell): string => (v === null ? '—' : formatDuration(Number(v)));
const n = (v: Cell): string => (v === null ? '—' : formatNumber(Number(v)));
const text = (v: Cell): string => (v === null ? '' : String(v));
const signed = (v: Cell): string => (v === null ? '—' : Number(v) === 0 ? '0' : `${Number(v) > 0 ? '+' : ''}${formatNumber(Number(v))}`);
const pct = (v: Cell): string => (v === null ? '—' : `${Number(v) > 0 ? '+' : ''}${formatPercent(Number(v)).replace(/^>|^</, '')}`);

/** More of something bad in B is worse; a difference of a neutral count is just a change. */
function change(a: number, b: number, badWhenMore: boolean): Change {
  if (a === b) return '';
  return badWhenMore ? (b > a ? 'worse' : 'better') : 'changed';
}

function tables(c: RunComparison): Table[] {
  const growth = (a: number | null, b: number | null): number | null => (a === null || b === null || a <= 0 ? null : ((b - a) / a) * 100);
  return [
    {
      id: 'spans', title: 'Span names: counts and durations',
      columns: ['span name', 'count A', 'count B', 'Δ count', 'p50 A', 'p50 B', 'p95 A', 'p95 B', 'Δ p95 %', 'errors A', 'errors B'],
      format: [text, n, n, signed, ms, ms, ms, ms, pct, n, n],
      rows: c.spans.map((s) => {
        const g = growth(s.p95A, s.p95B);
        const ch: Change = s.errorsB > s.errorsA || (g !== null && g > 10) ? 'worse'
          : s.errorsB < s.errorsA || (g !== null && g < -10) ? 'better' : s.countA !== s.countB ? 'changed' : '';
        return { cells: [s.spanName, s.countA, s.countB, s.countB - s.countA, s.p50A, s.p50B, s.p95A, s.p95B, g, s.errorsA, s.errorsB], change: ch };
      }),
    },
    {
      id: 'models', title: 'Failovers, rate limits and capacity warnings per model',
      columns: ['model', 'failovers A', 'failovers B', 'rate limits A', 'rate limits B', 'capacity warnings A', 'capacity warnings B'],
      format: [text, n, n, n, n, n, n],
      rows: c.models.map((m) => ({
        cells: [m.model, m.failoversA, m.failoversB, m.rateLimitsA, m.rateLimitsB, m.capacityWarningsA, m.capacityWarningsB],
        change: change(m.failoversA + m.rateLimitsA, m.failoversB + m.rateLimitsB, true) || change(m.capacityWarningsA, m.capacityWarningsB, false),
      })),
    },
    {
      id: 'errors', title: 'Errors and exceptions',
      columns: ['error', 'example', 'A', 'B', 'Δ'],
      format: [text, text, n, n, signed],
      rows: c.errors.map((e) => ({ cells: [e.key, e.detail ?? '', e.a, e.b, e.b - e.a], change: change(e.a, e.b, true) })),
    },
    {
      id: 'tokens', title: 'Token usage',
      columns: ['attribute', 'A', 'B', 'Δ'],
      format: [text, n, n, signed],
      rows: c.tokens.map((t) => ({ cells: [t.key, t.a, t.b, t.b - t.a], change: change(t.a, t.b, false) })),
    },
    {
      id: 'conformance', title: 'Runtime conformance findings',
      columns: ['rule', 'finding', 'A', 'B', 'Δ'],
      format: [text, text, n, n, signed],
      rows: c.conformance.map((f) => ({ cells: [f.key, f.detail ?? '', f.a, f.b, f.b - f.a], change: change(f.a, f.b, true) })),
    },
  ];
}

function renderTable(t: Table): HTMLElement {
  const sort = sorts.get(t.id);
  const raw = t.rows.map((r) => r.cells);
  const order = sort ? sortOrder(raw, sort.col, sort.dir) : raw.map((_, i) => i);
  const changed = t.rows.filter((r) => r.change).length;
  if (t.rows.length === 0) {
    return h('section', { class: 'compare-section', id: `section-${t.id}` }, h('h2', null, t.title), h('p', { class: 'muted' }, 'None in either run.'));
  }
  const head = h('tr', null, ...t.columns.map((c, i) => {
    const dir = sort?.col === i ? sort.dir : 0;
    return h('th', { scope: 'col', 'aria-sort': dir === 1 ? 'ascending' : dir === -1 ? 'descending' : 'none' },
      h('button', {
        class: 'sort', 'data-col': i, title: `Sort by ${c}`,
        onclick: () => {
          sorts.set(t.id, { col: i, dir: sort?.col === i && sort.dir === -1 ? 1 : -1 });
          render();
          document.querySelector<HTMLElement>(`#table-${t.id} th button[data-col="${i}"]`)?.focus();
        },
      }, c, h('span', { 'aria-hidden': 'true' }, dir === 1 ? ' ▲' : dir === -1 ? ' ▼' : '')));
  }));
  const body = h('tbody', null, ...order.map((i) => {
    const r = t.rows[i];
    return h('tr', { class: r.change ? `diff-${r.change}` : '', 'data-change': r.change || 'same' },
      ...r.cells.map((v, c) => h('td', { class: typeof v === 'number' || (v === null && c > 0) ? 'num' : '' }, (t.format?.[c] ?? text)(v))));
  }));
  return h('section', { class: 'compare-section', id: `section-${t.id}` },
    h('h2', null, t.title, h('span', { class: 'muted count' }, ` · ${plural(t.rows.length, 'row')}, ${changed} changed`)),
    h('div', { class: 'table-wrap' }, h('table', { id: `table-${t.id}`, 'aria-label': t.title }, h('thead', null, head), body)));
}

function render(): void {
  if (!last) {
    mount(h('p', { class: 'muted' }, 'Comparing…'));
    return;
  }
  if (last.type === 'error') {
    mount(h('p', { class: 'error-text', id: 'error', role: 'alert' }, last.message));
    return;
  }
  const c = last.comparison;
  const side = (name: string, s: RunComparison['a']) => h('div', { class: 'run-side', id: `run-${name.toLowerCase()}` },
    h('h2', null, `${name}: ${s.label}`),
    h('p', { class: 'muted' }, `${s.runId}${s.startedAt ? ` · started ${s.startedAt}` : ''}`),
    h('p', null, `${plural(s.records, 'record')} · ${plural(s.traces, 'trace')} · ${plural(s.errors, 'error')} (${formatPercent(s.errorRate * 100)})`));
  const names = (title: string, id: string, list: string[], cls: string) =>
    h('div', { class: `names ${cls}`, id }, h('h3', null, `${title} (${list.length})`), list.length ? h('ul', null, ...list.map((x) => h('li', null, x))) : h('p', { class: 'muted' }, 'None.'));
  mount(
    h('header', { class: 'compare-head' }, side('A', c.a), side('B', c.b)),
    c.thresholds.length ? h('section', { class: 'thresholds', id: 'thresholds', 'aria-label': 'Schema compare limits' },
      ...c.thresholds.map((t) => h('p', { class: t.crossed ? 'diff-worse' : 'diff-better' },
        h('span', { class: `codicon codicon-${t.crossed ? 'error' : 'pass'}`, 'aria-hidden': 'true' }),
        ` ${t.limit}: ${formatNumber(t.actual)} (allowed ${formatNumber(t.allowed)})${t.subject ? ` — ${t.subject}` : ''}${t.crossed ? ' — crossed' : ''}`))) : null,
    h('section', { class: 'appeared-vanished' }, names('Appeared in B', 'appeared', c.appeared, 'diff-changed'), names('Vanished from B', 'vanished', c.vanished, 'diff-changed')),
    ...tables(c).map(renderTable),
  );
}

onMessage<CompareToWebview>((m) => {
  last = m;
  sorts.clear();
  setState(last);
  render();
});
render();
send({ type: 'ready' });
