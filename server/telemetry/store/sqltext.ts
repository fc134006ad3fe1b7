// Small text helpers shared by the store's parts: SQL literals, DuckDB's size strings, and JSON text
// DuckDB accepts.

export const HOUR_US = 3600e6;
export const DAY_US = 86400e6;

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A TIMESTAMPTZ literal for epoch microseconds (UTC). */
export function tsLiteral(us: number): string {
  const u = Math.round(us);
  const ms = Math.floor(u / 1000);
  const micro = String(u - ms * 1000).padStart(3, '0');
  return `'${new Date(ms).toISOString().replace('Z', `${micro}+00`)}'::TIMESTAMPTZ`;
}

export function listLiteral(values: string[]): string {
  return `[${values.map(sqlString).join(', ')}]::VARCHAR[]`;
}

/** A column type without NOT NULL / DEFAULT. */
export function bareType(t: string): string {
  return t.replace(/\s+NOT NULL.*$/, '').replace(/\s+DEFAULT.*$/, '');
}

/** Parses DuckDB's human sizes ('12.3 MiB', '0 bytes'). */
export function parseSize(s: string): number {
  const m = /^([\d.]+)\s*(bytes|[KMGT]i?B)?/i.exec(s.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'bytes').toUpperCase();
  const pow: Record<string, number> = { BYTES: 0, KB: 1, KIB: 1, MB: 2, MIB: 2, GB: 3, GIB: 3, TB: 4, TIB: 4 };
  return n * 1024 ** (pow[unit] ?? 0);
}

export const LONE_SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/i;

export function wellFormed(v: unknown): unknown {
  if (typeof v === 'string') return (v as string & { toWellFormed(): string }).toWellFormed();
  if (Array.isArray(v)) return v.map(wellFormed);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[wellFormed(k) as string] = wellFormed(x);
    return out;
  }
  return v;
}

/**
 * JSON text DuckDB accepts: JSON.stringify escapes lone UTF-16 surrogates (\udXXX), which DuckDB's
 * JSON parser refuses; such values are made well-formed (U+FFFD) instead of failing the transaction.
 */
export function jsonText(v: unknown): string {
  const s = JSON.stringify(v);
  return s.includes('\\u') && LONE_SURROGATE_ESCAPE.test(s) ? JSON.stringify(wellFormed(v)) : s;
}
