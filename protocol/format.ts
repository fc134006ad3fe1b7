// Pure formatting and tabular helpers shared by the extension, the webview scripts and the CLI (compare).
// No `vscode`, no DOM: unit-testable in Node and bundled into the browser scripts as-is.
import type { QueryResult, SpanSummary } from './protocol';

export { levelName } from './levels';

/** `1234` → `1.23 s`, `0.4` → `0.40 ms`, `3599999` → `1h 0m` (never `59m 60s`), `null` → `—` (still open). */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 9_995) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  // Round once, to whole seconds (or minutes past an hour), then split: carries go into the larger unit.
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m ${totalS % 60}s`;
  const totalM = Math.round(ms / 60_000);
  if (totalM < 24 * 60) return `${Math.floor(totalM / 60)}h ${totalM % 60}m`;
  const totalH = Math.round(ms / 3_600_000);
  return `${Math.floor(totalH / 24)}d ${totalH % 24}h`;
}

/** `1` + `error` → `1 error`, `2` → `2 errors`, `1234` → `1,234 errors`; irregular plurals as the third argument. */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${formatNumber(n)} ${n === 1 ? word : pluralWord}`;
}

/**
 * A number as people read it: integers with thousands separators, other values with at most
 * `decimals` (default 2) decimals and no trailing zeros (`88.17916666666667` → `88.18`); values
 * below 1 keep three significant digits (`0.0001234` → `0.000123`).
 */
export function formatNumber(n: number, decimals = 2): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? '—' : n > 0 ? '∞' : '-∞';
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const abs = Math.abs(n);
  if (abs < 1) return n.toLocaleString('en-US', { maximumSignificantDigits: 3 });
  return n.toLocaleString('en-US', { maximumFractionDigits: decimals });
}

/**
 * A percentage (0–100 scale): one decimal at most (`88.179` → `88.2%`), `<0.1%` for tiny non-zero
 * values, never `100%` for less than all (`99.96` → `>99.9%`).
 */
export function formatPercent(pct: number): string {
  if (!Number.isFinite(pct)) return '—';
  if (pct > 0 && pct < 0.05) return '<0.1%';
  if (pct < 100 && pct >= 99.95) return '>99.9%';
  return `${formatNumber(Math.round(pct * 10) / 10, 1)}%`;
}

/** `12345` → `12.3k`, `2500000` → `2.5M`. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 999_500) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0).replace(/\.0$/, '')}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/**
 * The 0-based editor line for a span's 1-based `code.lineno` in a file of `lineCount` lines, or why
 * there is none (a line past the end: the file changed since the span was recorded).
 */
export function sourceLine(lineno: number | undefined, lineCount: number): { line: number } | { problem: string } {
  if (lineno === undefined || !Number.isFinite(lineno)) return { line: 0 };
  if (lineno < 1 || lineno > lineCount) {
    return { problem: `has ${plural(lineCount, 'line')}; the span was recorded at line ${lineno} (the file changed since, or the span comes from other code)` };
  }
  return { line: Math.floor(lineno) - 1 };
}


/** How long ago `iso` was, relative to `now` (ms since epoch): `just now`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function relativeTime(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  // Small negative differences are clock skew between the server and the view.
  if (s < -60) return 'in the future';
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** Text of one cell as the table shows it: strings as-is, objects as compact JSON, null as empty. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** A cell as the table shows it: like `cellText`, but non-integer numbers rounded for reading (`88.18`). */
export function displayCell(v: unknown): string {
  return typeof v === 'number' && !Number.isInteger(v) && Number.isFinite(v) ? formatNumber(v, 4) : cellText(v);
}

/** Sort comparator for query cells: nulls last, numbers numerically, numeric strings too, else by locale. */
export function compareCells(a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  const na = typeof a === 'number' ? a : typeof a === 'string' && a.trim() !== '' ? Number(a) : NaN;
  const nb = typeof b === 'number' ? b : typeof b === 'string' && b.trim() !== '' ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return cellText(a).localeCompare(cellText(b), undefined, { numeric: true });
}

/** Row indices of `rows` sorted by column `col` (stable); `dir` 1 ascending, -1 descending; NULLs last either way. */
export function sortOrder(rows: unknown[][], col: number, dir: 1 | -1): number[] {
  const isNull = (v: unknown): boolean => v === null || v === undefined;
  const idx = rows.map((_, i) => i);
  return idx.sort((i, j) => {
    const a = rows[i][col];
    const b = rows[j][col];
    if (isNull(a) || isNull(b)) return Number(isNull(a)) - Number(isNull(b)) || i - j;
    return dir * compareCells(a, b) || i - j;
  });
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV (CRLF line ends) of the result, rows in `order` (default: as returned). */
export function toCsv(result: Pick<QueryResult, 'columns' | 'rows'>, order?: number[]): string {
  const rows = (order ?? result.rows.map((_, i) => i)).map((i) => result.rows[i]);
  const lines = [result.columns.map((c) => csvField(c.name)).join(',')];
  for (const r of rows) lines.push(r.map((v) => csvField(cellText(v))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** Tab-separated text for the clipboard (pastes into spreadsheets); tabs/newlines inside cells become spaces. */
export function toTsv(columns: string[], rows: unknown[][]): string {
  const clean = (v: unknown): string => cellText(v).replace(/[\t\r\n]+/g, ' ');
  return [columns.join('\t'), ...rows.map((r) => r.map(clean).join('\t'))].join('\n');
}

/** JSON array of row objects keyed by column name, rows in `order`. Duplicate column names get `_2`, `_3`. */
export function toJson(result: Pick<QueryResult, 'columns' | 'rows'>, order?: number[]): string {
  const seen = new Map<string, number>();
  const keys = result.columns.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    return n === 1 ? c.name : `${c.name}_${n}`;
  });
  const rows = (order ?? result.rows.map((_, i) => i)).map((i) =>
    Object.fromEntries(keys.map((k, c) => [k, result.rows[i][c] ?? null])),
  );
  return JSON.stringify(rows, null, 2) + '\n';
}

export interface SpanNode<S extends SpanSummary = SpanSummary> {
  span: S;
  children: SpanNode<S>[];
  depth: number;
}

/**
 * Spans of one trace as a forest ordered by start time: children under their parent; spans whose
 * parent is missing (not received yet, or pending) become roots so nothing is hidden.
 */
export function buildSpanTree<S extends SpanSummary>(spans: S[]): SpanNode<S>[] {
  const byId = new Map<string, SpanNode<S>>();
  for (const s of spans) byId.set(s.spanId, { span: s, children: [], depth: 0 });
  const roots: SpanNode<S>[] = [];
  for (const node of byId.values()) {
    const p = node.span.parentSpanId ? byId.get(node.span.parentSpanId) : undefined;
    if (p && p !== node) p.children.push(node);
    else roots.push(node);
  }
  const byStart = (a: SpanNode<S>, b: SpanNode<S>): number =>
    Date.parse(a.span.start) - Date.parse(b.span.start) || a.span.spanId.localeCompare(b.span.spanId);
  const visit = (nodes: SpanNode<S>[], depth: number, seen: Set<SpanNode<S>>): void => {
    nodes.sort(byStart);
    for (const n of nodes) {
      if (seen.has(n)) continue;
      seen.add(n);
      n.depth = depth;
      visit(n.children, depth + 1, seen);
    }
  };
  const seen = new Set<SpanNode<S>>();
  visit(roots, 0, seen);
  // Parent cycles (malformed input) leave nodes unreachable: cut them loose as extra roots.
  for (const node of byId.values()) {
    if (seen.has(node)) continue;
    for (const other of byId.values()) other.children = other.children.filter((c) => c !== node);
    roots.push(node);
    visit([node], 0, seen);
  }
  roots.sort(byStart);
  return roots;
}

/** Depth-first flattening of a span forest (the waterfall's row order). */
export function flattenSpanTree<S extends SpanSummary>(roots: SpanNode<S>[]): SpanNode<S>[] {
  const out: SpanNode<S>[] = [];
  const walk = (n: SpanNode<S>): void => {
    out.push(n);
    n.children.forEach(walk);
  };
  roots.forEach(walk);
  return out;
}
