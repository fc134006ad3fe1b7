// Pass 5 — NULL ordering. Postgres and DataFusion sort NULLs as if larger than any value: last in
// ascending order, first in descending order (PostgreSQL manual, 7.5 "Sorting Rows"). DuckDB sorts them
// last either way, so `ORDER BY duration DESC LIMIT 10` would skip the logs (NULL duration) that Logfire
// returns first. Every ORDER BY item without NULLS FIRST/LAST (in queries, window definitions and ordered
// aggregates) gets the Postgres default written out; an explicit choice is kept.
import type { PgNode } from '../ast';
import type { Pass } from '../pass';

function walk(n: unknown): void {
  if (Array.isArray(n)) return n.forEach(walk);
  if (!n || typeof n !== 'object') return;
  const s = (n as PgNode).SortBy;
  if (s && (s.sortby_nulls === undefined || s.sortby_nulls === 'SORTBY_NULLS_DEFAULT') && s.sortby_dir !== 'SORTBY_USING') {
    s.sortby_nulls = s.sortby_dir === 'SORTBY_DESC' ? 'SORTBY_NULLS_FIRST' : 'SORTBY_NULLS_LAST';
  }
  for (const v of Object.values(n)) walk(v);
}

export const nullOrder: Pass = {
  name: 'NULL ordering',
  run: (stmt) => walk(stmt),
};
