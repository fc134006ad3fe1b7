// Query results: a sortable, keyboard-navigable table with copy and CSV/JSON export.
// Data arrives as QueryToWebview messages; copy/export go back to the extension.
import type { QueryResult } from '../../protocol/protocol';
import type { QueryFromWebview, QueryToWebview } from '../../protocol/webview';
import { cellText, displayCell, formatDuration, plural, sortOrder, toTsv } from '../../protocol/format';
import { getState, h, mount, onMessage, post, rovingFocus, setState } from './lib/dom';

const send = (m: QueryFromWebview): void => post(m);
/** Rows rendered into the DOM; the rest are reachable through export. */
const MAX_RENDERED = 2000;

interface Saved {
  last?: QueryToWebview;
  sort?: { col: number; dir: 1 | -1 };
}
const saved = getState<Saved>() ?? {};
let last: QueryToWebview | undefined = saved.last;
let sort = saved.sort;
let order: number[] = [];
const selectedRows = new Set<number>();
let anchor: number | undefined;

function save(): void {
  setState<Saved>({ last, sort });
}

function copySelection(result: QueryResult): void {
  const idx = order.filter((i) => selectedRows.size === 0 || selectedRows.has(i));
  send({ type: 'copy', text: toTsv(result.columns.map((c) => c.name), idx.map((i) => result.rows[i])) });
  const s = document.getElementById('status');
  if (s) s.textContent = `Copied ${idx.length} row${idx.length === 1 ? '' : 's'}`;
}

function selectRow(i: number, e: MouseEvent | KeyboardEvent): void {
  if (e.shiftKey && anchor !== undefined) {
    const a = order.indexOf(anchor);
    const b = order.indexOf(i);
    for (const k of order.slice(Math.min(a, b), Math.max(a, b) + 1)) selectedRows.add(k);
  } else if (e.ctrlKey || e.metaKey) {
    if (selectedRows.has(i)) selectedRows.delete(i);
    else selectedRows.add(i);
    anchor = i;
  } else {
    const only = selectedRows.size === 1 && selectedRows.has(i);
    selectedRows.clear();
    if (!only) selectedRows.add(i);
    anchor = i;
  }
  paintSelection();
}

function paintSelection(): void {
  for (const tr of Array.from(document.querySelectorAll<HTMLElement>('tbody tr'))) {
    const on = selectedRows.has(Number(tr.dataset.row));
    tr.classList.toggle('selected', on);
    tr.setAttribute('aria-selected', String(on));
  }
}

function table(result: QueryResult): HTMLElement {
  order = sort ? sortOrder(result.rows, sort.col, sort.dir) : result.rows.map((_, i) => i);
  const head = h('tr', null, ...result.columns.map((c, i) => {
    const dir = sort?.col === i ? sort.dir : 0;
    return h('th', { scope: 'col', 'aria-sort': dir === 1 ? 'ascending' : dir === -1 ? 'descending' : 'none' },
      h('button', {
        class: 'sort', 'data-col': i, title: `${c.name} (${c.type}) — sort`,
        onclick: () => {
          sort = { col: i, dir: sort?.col === i && sort.dir === 1 ? -1 : 1 };
          save();
          render();
          document.querySelector<HTMLElement>(`th button[data-col="${i}"]`)?.focus();
        },
      }, c.name, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, dir === 1 ? ' ▲' : dir === -1 ? ' ▼' : '')));
  }));
  const body = h('tbody', null, ...order.slice(0, MAX_RENDERED).map((i) => h('tr', {
      'data-row': i, tabindex: -1, 'aria-selected': String(selectedRows.has(i)), class: selectedRows.has(i) ? 'selected' : '',
      onclick: (e: Event) => selectRow(i, e as MouseEvent),
    }, ...result.rows[i].map((v) => {
      // Floats are rounded for reading; the exact value is in the tooltip (and in copies and exports).
      const t = cellText(v);
      const shown = displayCell(v);
      return h('td', { class: typeof v === 'number' ? 'num' : v === null ? 'null' : '', title: t.length > 80 || shown !== t ? t : undefined }, v === null ? 'NULL' : shown);
    }))));
  const t = h('table', { id: 'results', role: 'grid', 'aria-rowcount': result.rows.length + 1, 'aria-label': 'Query results' }, h('thead', null, head), body);
  rovingFocus(body, 'tr', (tr, e) => selectRow(Number(tr.dataset.row), e));
  body.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c') {
      e.preventDefault();
      copySelection(result);
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      order.forEach((i) => selectedRows.add(i));
      paintSelection();
    }
  });
  return t;
}

function header(sql: string, title?: string): HTMLElement {
  return h('header', { class: 'query-head' },
    title ? h('h1', null, title) : null,
    h('details', { open: !title }, h('summary', null, 'SQL'), h('pre', { class: 'sql', id: 'sql', tabindex: 0 }, sql)));
}

function render(): void {
  const m = last;
  if (!m) {
    mount(h('p', { class: 'muted' }, 'No query yet.'));
    return;
  }
  if (m.type === 'running') {
    mount(header(m.sql), h('p', { class: 'muted', role: 'status' }, 'Running…'));
    document.getElementById('app')!.setAttribute('aria-busy', 'true');
    return;
  }
  if (m.type === 'error' || m.type === 'cancelled') {
    mount(header(m.sql), m.type === 'error'
      ? h('p', { class: 'error-text', id: 'error', role: 'alert' }, m.message)
      : h('p', { class: 'muted', role: 'status' }, 'Cancelled.'),
    h('button', { onclick: () => send({ type: 'rerun' }) }, 'Run again'));
    return;
  }
  const r = m.result;
  const meta = `${plural(r.rowCount, 'row')}${r.truncated ? ' (limit reached)' : ''} · ${formatDuration(r.durationMs)} · ${r.backend === 'logfire' ? 'Logfire' : 'local store'}`;
  mount(
    header(m.sql, m.title),
    h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Result actions' },
      h('span', { class: 'muted', id: 'meta' }, meta),
      h('button', { id: 'copy', onclick: () => copySelection(r), title: 'Copy selected rows (or all) as tab-separated text' }, 'Copy'),
      h('button', { id: 'export-csv', class: 'secondary', onclick: () => send({ type: 'export', format: 'csv', order }) }, 'Export CSV'),
      h('button', { id: 'export-json', class: 'secondary', onclick: () => send({ type: 'export', format: 'json', order }) }, 'Export JSON'),
      h('button', { id: 'rerun', class: 'secondary', onclick: () => send({ type: 'rerun' }) }, 'Run again'),
      h('span', { class: 'muted', id: 'status', role: 'status' })),
    r.rows.length === 0 ? h('p', { class: 'muted', id: 'no-rows' }, 'The query returned no rows.') : h('div', { class: 'table-wrap' }, table(r)),
    r.rows.length > MAX_RENDERED ? h('p', { class: 'muted' }, `Showing the first ${MAX_RENDERED} of ${r.rows.length} rows; export to get all of them.`) : null);
}

onMessage<QueryToWebview>((m) => {
  if (m.type === 'result') {
    selectedRows.clear();
    anchor = undefined;
    if (last?.type !== 'running' || last.sql !== m.sql || (sort && sort.col >= m.result.columns.length)) sort = undefined;
  }
  last = m;
  save();
  render();
});
render();
send({ type: 'ready' });
