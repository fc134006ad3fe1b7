// The de-duplication key of a record, and the recent-keys window: which keys the store has seen
// lately, so a batch that cannot hold a stored row skips the de-duplicating INSERT.
import type { RecordRow } from './types';

/**
 * Two rows with equal values in these columns are the same record (an at-least-once retry, or the same
 * record imported twice): the store keeps one. keyString/sameKey/keyHash are its JS forms.
 */
export const DEDUP_KEY = ['trace_id', 'span_id', 'kind', 'start_timestamp', 'span_name'] as const;

/** A record's de-duplication key (DEDUP_KEY) as text. */
export function keyString(r: RecordRow): string {
  return `${r.trace_id}|${r.span_id}|${r.kind}|${r.start_timestamp}|${r.span_name}`;
}

export function sameKey(a: RecordRow, b: RecordRow): boolean {
  return a.trace_id === b.trace_id && a.span_id === b.span_id && a.kind === b.kind && a.start_timestamp === b.start_timestamp && a.span_name === b.span_name;
}

/**
 * A hash of a record's de-duplication key (trace_id, span_id, kind, start_timestamp; span_name is
 * left out, so equal keys always hash equal). 52 bits: a safe integer.
 */
export function keyHash(r: RecordRow): number {
  const start = r.start_timestamp;
  let a = Math.imul(0x811c9dc5 ^ (start | 0), 0x01000193);
  let b = Math.imul(0x9e3779b9 ^ Math.floor(start / 4294967296), 0x5bd1e995) ^ r.kind.length;
  const t = r.trace_id;
  const sp = r.span_id;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  for (let i = 0; i < sp.length; i++) {
    const c = sp.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= r.kind.charCodeAt(0) << 8;
  return (a >>> 0) * 1048576 + ((b >>> 0) & 0xfffff);
}

/**
 * The keys of the recently stored records, so a batch that cannot contain a duplicate is appended
 * directly instead of going through the de-duplicating INSERT.
 *
 * Invariant: every row of records_all whose start_timestamp is >= `low` has its key hash in `keys`
 * (rows deleted since only make `keys` a superset). A batch whose rows all start at or after `low`
 * and whose hashes are all absent therefore has no row in the store. Anything else (a retry, a
 * hash collision, an old timestamp, the first batches after a restart that overlap stored rows)
 * takes the de-duplicating path, so the window is an optimisation only. It is bounded: beyond
 * `max` keys the oldest seconds of start_timestamp are forgotten and `low` moves past them.
 */
export class RecentKeys {
  low = -Infinity;
  /** key hash → the newest start second it was seen in */
  private readonly keys = new Map<number, number>();
  private readonly seconds = new Map<number, number[]>();
  /** the seconds present, ascending */
  private order: number[] = [];

  /** The default bound: 500,000 keys take about 25 MB (a Map of 52-bit numbers plus a list per second). */
  constructor(private readonly max = 500_000) {}

  get size(): number {
    return this.keys.size;
  }

  /** Whether none of the rows can already be stored (`hashes`: their keyHash values). */
  excludes(rows: readonly RecordRow[], hashes: readonly number[] = rows.map(keyHash)): boolean {
    for (let i = 0; i < rows.length; i++) {
      if (!(rows[i].start_timestamp >= this.low) || this.keys.has(hashes[i])) return false;
    }
    return true;
  }

  /** Records rows now in the store (call after COMMIT). */
  add(rows: readonly RecordRow[], hashes: readonly number[] = rows.map(keyHash)): void {
    for (let i = 0; i < rows.length; i++) {
      const start = rows[i].start_timestamp;
      if (!(start >= this.low)) continue;
      const sec = Math.floor(start / 1e6);
      const h = hashes[i];
      const prev = this.keys.get(h);
      if (prev !== undefined && prev >= sec) continue;
      this.keys.set(h, sec);
      let list = this.seconds.get(sec);
      if (!list) {
        list = [];
        this.seconds.set(sec, list);
        this.insertSecond(sec);
      }
      list.push(h);
    }
    while (this.keys.size > this.max && this.order.length) {
      const sec = this.order.shift()!;
      for (const h of this.seconds.get(sec)!) if (this.keys.get(h) === sec) this.keys.delete(h);
      this.seconds.delete(sec);
      this.low = Math.max(this.low, (sec + 1) * 1e6);
    }
  }

  /** Forget everything; only rows starting at or after `low` can take the direct path. */
  reset(low: number): void {
    this.keys.clear();
    this.seconds.clear();
    this.order = [];
    this.low = low;
  }

  private insertSecond(sec: number): void {
    const o = this.order;
    if (o.length === 0 || o[o.length - 1] < sec) {
      o.push(sec);
      return;
    }
    let lo = 0;
    let hi = o.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (o[mid] < sec) lo = mid + 1;
      else hi = mid;
    }
    o.splice(lo, 0, sec);
  }
}
