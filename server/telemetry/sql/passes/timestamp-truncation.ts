// Optimisation — truncating the stored UTC timestamps (plan only, never the result).
//
// DATE_TRUNC / time_bucket on TIMESTAMPTZ go through ICU calendars (DuckDB): ~0.8 s (and far more for
// time_bucket) per million rows. Queries run with TimeZone = 'UTC', where truncating to a second,
// minute, hour or day is plain arithmetic on epoch microseconds. Applied only to the records'
// TIMESTAMPTZ columns, so the result type stays TIMESTAMP WITH TIME ZONE (to_timestamp() builds it
// directly; a cast from TIMESTAMP would go through ICU again).
import { columnName, constString, funcName, type PgNode, template } from '../ast';
import type { Pass } from '../pass';

const UNIT_US: Record<string, number> = { second: 1e6, minute: 6e7, hour: 3.6e9, day: 8.64e10 };
const TZ_COLUMNS = new Set(['start_timestamp', 'end_timestamp', 'created_at']);

function bucketUs(fc: PgNode): number | undefined {
  const name = funcName(fc);
  const args = (fc.args ?? []) as PgNode[];
  if (args.length !== 2 || !TZ_COLUMNS.has(columnName(args[1]) ?? '')) return undefined;
  if (name === 'date_trunc') {
    const unit = constString(args[0])?.toLowerCase();
    return unit ? UNIT_US[unit] : undefined;
  }
  if (name === 'time_bucket') {
    // time_bucket('1 hour', ts) became time_bucket('1 hour'::interval, ts) above.
    const lit = constString(args[0]?.TypeCast?.arg ?? args[0])?.trim().toLowerCase();
    const m = lit ? /^1 (second|minute|hour|day)s?$/.exec(lit) : null;
    return m ? UNIT_US[m[1]] : undefined;
  }
  return undefined;
}

function optimizeTimestampTruncation(root: PgNode): void {
  const walk = (n: unknown, parent: Record<string | number, unknown> | undefined, key: string | number | undefined): void => {
    if (Array.isArray(n)) return n.forEach((x, i) => walk(x, n as unknown as Record<number, unknown>, i));
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n)) walk(v, n as Record<string, unknown>, k);
    const fc = (n as PgNode).FuncCall;
    if (!fc || fc.over || parent === undefined || key === undefined) return;
    const us = bucketUs(fc);
    if (us === undefined) return;
    parent[key] = template(
      `to_timestamp(CAST(floor(epoch_us(__ts) / ${us}.0) AS BIGINT) * ${us / 1e6})`,
      { __ts: (fc.args as PgNode[])[1] },
    );
  };
  walk(root, undefined, undefined);
}

export const timestampTruncation: Pass = {
  name: 'timestamp truncation by epoch arithmetic',
  applies: (opts) => opts.optimize !== false,
  run: (stmt) => optimizeTimestampTruncation(stmt),
};
