// Store pass — the time window. Logfire's query API restricts `records` to `min_timestamp` ≤
// start_timestamp < `max_timestamp`; here each `records` table reference (not a CTE of that name) becomes
// `(SELECT * FROM records WHERE start_timestamp >= min AND start_timestamp < max) AS records`, which keeps
// the name visible to the rest of the query, so every row the query reads from `records` is in the window
// and nothing else changes. A query's own time filter still applies (the intersection).
import type { PgNode } from '../ast';
import { parsePg } from '../pg';
import { KEYED_RECORDS } from '../../records';
import type { Pass, RewriteOptions } from '../pass';

/** Replaces each `records` table reference (not a CTE of that name) by a time-filtered subquery. */
function applyWindow(stmt: PgNode, opts: RewriteOptions, cteNames: Set<string>): void {
  const conds: string[] = [];
  if (opts.minTimestamp) conds.push(`start_timestamp >= CAST('${opts.minTimestamp.toISOString()}' AS timestamptz)`);
  if (opts.maxTimestamp) conds.push(`start_timestamp < CAST('${opts.maxTimestamp.toISOString()}' AS timestamptz)`);
  const subFor = (rel: string) => parsePg(`SELECT * FROM ${rel} WHERE ${conds.join(' AND ')}`).stmts[0].stmt;
  const walk = (n: unknown, parent: PgNode | unknown[] | undefined, key: string | number | undefined): void => {
    if (Array.isArray(n)) {
      n.forEach((x, i) => walk(x, n, i));
      return;
    }
    if (!n || typeof n !== 'object') return;
    const rv = (n as PgNode).RangeVar;
    const rel = rv ? String(rv.relname).toLowerCase() : '';
    if (rv && parent !== undefined && key !== undefined && !rv.schemaname && (rel === 'records' || rel === KEYED_RECORDS) && !cteNames.has(rel)) {
      (parent as Record<string | number, unknown>)[key] = {
        RangeSubselect: { subquery: subFor(rel), alias: rv.alias ?? { aliasname: 'records' } },
      };
      return;
    }
    for (const [k, v] of Object.entries(n)) walk(v, n as PgNode, k);
  };
  walk(stmt, undefined, undefined);
}

export const timeWindow: Pass = {
  name: 'time window',
  applies: (opts) => !!(opts.minTimestamp || opts.maxTimestamp),
  run: (stmt, ctx) => applyWindow(stmt, ctx.opts, ctx.cteNames),
};
