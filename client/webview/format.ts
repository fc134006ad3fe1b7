// Pure formatting and tabular helpers shared by the extension and the webview scripts.
// No `vscode`, no DOM: unit-testable in Node and bundled into the browser scripts as-is.
import type { QueryResult, SpanSummary } from '../../protocol/protocol';

const LEVELS: [number, string][] = [
  [21, 'fatal'],
  [17, 'error'],
  [13, 'warn'],
  [10, 'notice'],
  [9, 'info'],
  [5, 'debug'],
  [1, 'trace'],
];

/** Logfire level number → name (`13` → `warn`); numbers between levels round down. */
export function levelName(level: number): string {
  for (const [n, name] of LEVELS) if (level >= n) return name;
  return 'trace';
}

/** `1234` → `1.23 s`, `0.4` → `0.40 ms`, `null` → `—` (still open). */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m < 60 ? `${m}m ${s}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** `12345` → `12.3k`, `2500000` → `2.5M`. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 999_500) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0).replace(/\.0$/, '')}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
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
