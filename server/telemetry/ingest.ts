// The write queue between the receiver and the store. Requests are queued; one writer loop merges
// whatever is waiting into a single transaction (group commit) and resolves every request of that
// transaction after COMMIT, so an acknowledgement always means "durable". When more rows are waiting
// than `maxQueuedRows`, submit() refuses with QueueFullError (the receiver answers 503 + Retry-After).
import { EventEmitter } from 'node:events';
import { trace, SpanStatusCode } from '@opentelemetry/api';
import type { TelemetryStore } from './store';
import type { InsertResult, MetricRow, RecordRow, ViolationRow } from './store/types';

export interface IngestItem {
  records?: RecordRow[];
  metrics?: MetricRow[];
  /** Skip runtime conformance (e.g. the server's own spans). */
  skipConformance?: boolean;
  /** Do not trace this write (used by the self-trace exporter to avoid tracing its own writes). */
  untraced?: boolean;
}

/** Emitted after every committed transaction. */
export interface CommittedBatch {
  requests: number;
  records: number;
  metrics: number;
  duplicates: number;
  violations: number;
  runIds: string[];
  /** Milliseconds from the oldest request entering the queue to COMMIT. */
  latencyMs: number;
}

export interface IngestOptions {
  /** Rows (records + metric points) allowed to wait; beyond that submit() throws QueueFullError. Default DEFAULT_MAX_QUEUED_ROWS. */
  maxQueuedRows?: number;
  /** Rows merged into one transaction at most (a single larger request still goes alone). Default DEFAULT_MAX_BATCH_ROWS. */
  maxBatchRows?: number;
  /** Runtime conformance: violations for the records about to be written (same transaction). */
  check?: (records: RecordRow[]) => ViolationRow[];
}

/** DuckDB errors caused by the data itself (retrying the same request cannot succeed). */
export function isDataError(e: unknown): boolean {
  return /\b(Conversion|Invalid Input|Constraint|Out of Range) Error\b/.test(e instanceof Error ? e.message : String(e));
}

export class QueueFullError extends Error {
  constructor(
    readonly queuedRows: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`the write queue is full (${queuedRows} rows waiting); retry after ${retryAfterSeconds}s`);
    this.name = 'QueueFullError';
  }
}

interface Pending {
  item: IngestItem;
  rows: number;
  enqueuedAt: number;
  resolve: (r: InsertResult) => void;
  reject: (e: unknown) => void;
}

const tracer = trace.getTracer('telemetry-lens');

/**
 * A queued record is a JS object of about 1 KB (measured on demo rows, which share their resource
 * objects as decoded requests do): the queue's bound is the receiver's memory bound. 50,000 rows (about
 * 50 MB) is several seconds of the fastest sustained ingest measured here; beyond it senders get 503
 * with Retry-After and send again (the OTel exporters retry 503). 500,000 let a fast sender grow the
 * receiver past 500 MB (BENCHMARKS.md, Ingest).
 */
export const DEFAULT_MAX_QUEUED_ROWS = 50_000;
/** Rows written by one transaction at most: held as JS rows while DuckDB stores them. */
export const DEFAULT_MAX_BATCH_ROWS = 20_000;

export class IngestQueue {
  private readonly queue: Pending[] = [];
  private queuedRows = 0;
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private readonly events = new EventEmitter();
  private readonly maxQueuedRows: number;
  private readonly maxBatchRows: number;
  private check: ((records: RecordRow[]) => ViolationRow[]) | undefined;
  /** Totals since construction. */
  readonly totals = { requests: 0, records: 0, metrics: 0, duplicates: 0, rejectedFull: 0, failedBatches: 0 };

  constructor(
    readonly store: TelemetryStore,
    opts: IngestOptions = {},
  ) {
    this.maxQueuedRows = opts.maxQueuedRows ?? DEFAULT_MAX_QUEUED_ROWS;
    this.maxBatchRows = opts.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS;
    this.check = opts.check;
  }

  /** Installs or replaces the runtime-conformance checker (e.g. after the schema changed). */
  setCheck(check: ((records: RecordRow[]) => ViolationRow[]) | undefined): void {
    this.check = check;
  }

  /** Whether a request of `rows` rows would be refused right now. */
  isFull(rows = 1): boolean {
    return this.queuedRows > 0 && this.queuedRows + rows > this.maxQueuedRows;
  }

  get depth(): { requests: number; rows: number } {
    return { requests: this.queue.length, rows: this.queuedRows };
  }

  /** Resolves after the item is committed; rejects with QueueFullError or the store's error. */
  submit(item: IngestItem): Promise<InsertResult> {
    const rows = (item.records?.length ?? 0) + (item.metrics?.length ?? 0);
    if (this.isFull(rows)) {
      this.totals.rejectedFull++;
      return Promise.reject(new QueueFullError(this.queuedRows, 1));
    }
    return new Promise<InsertResult>((resolve, reject) => {
      this.queue.push({ item, rows, enqueuedAt: performance.now(), resolve, reject });
      this.queuedRows += rows;
      if (!this.running) void this.loop();
    });
  }

  onCommitted(listener: (b: CommittedBatch) => void): () => void {
    this.events.on('committed', listener);
    return () => this.events.off('committed', listener);
  }

  /** Resolves when nothing is queued or being written. */
  drain(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        const group: Pending[] = [this.queue.shift()!];
        let rows = group[0].rows;
        const untraced = group[0].item.untraced === true;
        while (this.queue.length && rows + this.queue[0].rows <= this.maxBatchRows && (this.queue[0].item.untraced === true) === untraced) {
          const p = this.queue.shift()!;
          rows += p.rows;
          group.push(p);
        }
        this.queuedRows -= rows;
        if (untraced) await this.write(group);
        else {
          await tracer.startActiveSpan('telemetry.ingest.batch', async (span) => {
            span.setAttribute('telemetry_lens.requests', group.length);
            span.setAttribute('telemetry_lens.rows', rows);
            try {
              const ok = await this.write(group);
              if (!ok) span.setStatus({ code: SpanStatusCode.ERROR, message: 'write failed' });
            } finally {
              span.end();
            }
          });
        }
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters.splice(0);
      for (const w of waiters) w();
    }
  }

  private async write(group: Pending[]): Promise<boolean> {
    const records: RecordRow[] = [];
    const metrics: MetricRow[] = [];
    const toCheck: RecordRow[] = [];
    for (const p of group) {
      if (p.item.records) {
        for (const r of p.item.records) records.push(r);
        if (!p.item.skipConformance) for (const r of p.item.records) toCheck.push(r);
      }
      if (p.item.metrics) for (const m of p.item.metrics) metrics.push(m);
    }
    let violations: ViolationRow[] = [];
    if (this.check && toCheck.length) {
      try {
        violations = this.check(toCheck);
      } catch {
        // A conformance failure must never cost telemetry: store the records without findings.
        violations = [];
      }
    }
    const t0 = group[0].enqueuedAt;
    try {
      const res = await this.store.insertBatch({ records, metrics, violations });
      this.totals.requests += group.length;
      this.totals.records += res.records;
      this.totals.metrics += res.metrics;
      this.totals.duplicates += res.duplicates;
      for (const p of group) p.resolve(res);
      const batch: CommittedBatch = {
        requests: group.length,
        records: res.records,
        metrics: res.metrics,
        duplicates: res.duplicates,
        violations: res.violations,
        runIds: res.runIds,
        latencyMs: performance.now() - t0,
      };
      for (const l of this.events.listeners('committed') as ((b: CommittedBatch) => void)[]) {
        try {
          l(batch);
        } catch {
          // a listener's failure is not a write failure
        }
      }
      return true;
    } catch (e) {
      if (group.length > 1) {
        // One bad request must not fail the requests it was merged with: write them one by one.
        let ok = true;
        for (const p of group) ok = (await this.write([p])) && ok;
        return ok;
      }
      this.totals.failedBatches++;
      for (const p of group) p.reject(e);
      return false;
    }
  }
}
