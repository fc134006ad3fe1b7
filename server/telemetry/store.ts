// The local telemetry store: one DuckDB database per workspace (or `:memory:`), shaped like Logfire's
// `records` / `metrics` tables. This file opens the database and answers reads; the rest lives in
// store/: types.ts (row types), schema.ts (migrations, kept attribute columns), chunks.ts (staging
// rows into DuckDB), recent-keys.ts (the de-duplication key and window), write.ts (the one write
// path), retention.ts (retention and runs).
//
// Writes go through a single write connection guarded by a promise chain (one transaction at a time);
// reads use a fresh connection per query so a long query never blocks ingest and can be interrupted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { KEPT_ATTRIBUTE_KEYS } from './records';
import { deleteAll, endRun, enforceRetention, LIST_RUNS_SQL, startRun, usedBytes } from './store/retention';
import { keepable, keepAttributeKeys, migrate } from './store/schema';
import { sqlString } from './store/sqltext';
import type { AttributeColumn, InsertResult, MetricRow, RecordRow, StoreRows, RetentionOptions, RetentionResult, RunInfo, StoreOptions, ViolationRow } from './store/types';
import { RecordWriter, type SelectInsertResult } from './store/write';

export type * from './store/types';
export { MAX_KEPT_KEYS, SCHEMA_VERSION } from './store/schema';
export { RecentKeys } from './store/recent-keys';
export type { SelectInsertResult } from './store/write';

/**
 * DuckDB's own default memory limit is 80% of RAM, and it keeps what it read cached up to it: after
 * a 1M-record import the process held 1.2 GB (376 MB with this limit, at the same speed; the health
 * checks are as fast, an all-duplicates re-import of those records is slower — BENCHMARKS.md, Store).
 */
export const DEFAULT_MEMORY_LIMIT_MB = 1024;

/**
 * DuckDB checkpoints when the WAL passes 16 MB by default, inside the COMMIT that crosses it: at
 * ingest rates that is a checkpoint every few batches, on the acknowledgement path. A larger
 * threshold keeps commits to a WAL append; the periodic maintenance timer and close() checkpoint.
 */
const CHECKPOINT_THRESHOLD = '128MB';

function scratchDir(): string {
  // tmpfs when available: the batch file is written and read once per transaction.
  try {
    if (process.platform === 'linux' && fs.statSync('/dev/shm').isDirectory()) {
      fs.accessSync('/dev/shm', fs.constants.W_OK);
      return '/dev/shm';
    }
  } catch {
    // fall through to the OS temp dir
  }
  return os.tmpdir();
}

let scratchSeq = 0;

export class TelemetryStore {
  private writeChain: Promise<unknown> = Promise.resolve();
  private retentionTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly scratchFile: string;
  private readonly rows: RecordWriter;
  private retention: RetentionOptions;
  /** Attribute keys kept as columns, in table order (after the Logfire columns). */
  private kept: AttributeColumn[] = [];
  private keptByKey: ReadonlyMap<string, string> = new Map();

  /** Database file path, or ':memory:'. */
  readonly path: string;

  private constructor(
    dbPath: string,
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    opts: StoreOptions,
  ) {
    this.path = dbPath;
    this.retention = { ...opts.retention };
    this.scratchFile = path.join(scratchDir(), `telemetry-lens-${process.pid}-${++scratchSeq}-${Date.now()}.ndjson`);
    this.rows = new RecordWriter(writer, this.scratchFile);
  }

  /** Opens (creating and migrating when needed) the store, then enforces retention once. */
  static async open(opts: StoreOptions): Promise<TelemetryStore> {
    const p = opts.path || ':memory:';
    if (p !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(p)), { recursive: true });
    const config: Record<string, string> = {};
    if (opts.threads) config.threads = String(opts.threads);
    const memory = opts.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    if (p !== ':memory:' && memory > 0) config.memory_limit = `${memory}MB`;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(p, config);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const held = /Could not set lock on file[\s\S]*?\(PID (\d+)\)/.exec(message);
      if (held) {
        throw new Error(
          `cannot open telemetry store ${p}: another process (PID ${held[1]}) has it open — VS Code with Telemetry Lens, or \`telemetry-lens serve\`; ` +
            `a store file has one user at a time: use the editor's commands (Run Query, Import Records…, Export Records…) or stop that process`,
        );
      }
      throw new Error(`cannot open telemetry store ${p}: ${message}`);
    }
    const writer = await instance.connect();
    await writer.run(`SET GLOBAL TimeZone = 'UTC'`);
    await writer.run(`SET GLOBAL checkpoint_threshold = '${CHECKPOINT_THRESHOLD}'`);
    const store = new TelemetryStore(p, instance, writer, opts);
    await migrate(writer, p);
    await store.keepAttributeKeys([...KEPT_ATTRIBUTE_KEYS, ...(opts.attributeKeys ?? [])]);
    await store.rows.prepare(store.kept);
    await store.enforceRetention();
    const every = opts.retentionIntervalMs ?? 10 * 60_000;
    if (every > 0) {
      store.retentionTimer = setInterval(() => {
        store
          .enforceRetention()
          .then(() => store.checkpoint())
          .catch(() => undefined);
      }, every);
      store.retentionTimer.unref();
    }
    return store;
  }

  private async keepAttributeKeys(keys: readonly string[]): Promise<void> {
    this.kept = await keepAttributeKeys(this.writer, this.path, keys);
    this.keptByKey = new Map(this.kept.map((a) => [a.key, a.column]));
    this.rows.setKept(this.kept);
  }

  /**
   * Keeps more attribute keys as columns on an open store (e.g. after the schema's health checks
   * changed): adds and backfills the missing ones between writes. Keys are never dropped.
   */
  keepMoreAttributeKeys(keys: readonly string[]): Promise<void> {
    if (keys.every((k) => this.keptByKey.has(k) || !keepable(k))) return Promise.resolve();
    return this.exclusive(() => this.keepAttributeKeys(keys));
  }

  /**
   * Attribute keys kept as columns of records_all (key → column; the column holds exactly
   * `attributes->>'key'`). The SQL front end reads them through the `_records_keyed` view.
   */
  get attributeColumns(): ReadonlyMap<string, string> {
    return this.keptByKey;
  }

  /** Applied migration versions, oldest first. */
  async migrations(): Promise<number[]> {
    const r = await this.query(`SELECT version FROM schema_migrations ORDER BY version`);
    return r.rows.map((row) => Number(row[0]));
  }

  /** Serialises write work on the write connection. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('telemetry store is closed'));
    const next = this.writeChain.then(fn, fn);
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  /**
   * Writes records, metrics and violations in ONE transaction; resolves after COMMIT (the data is in
   * DuckDB's write-ahead log, so it survives the process being killed). Duplicates of rows already
   * stored (at-least-once retries) are skipped; pending spans whose real span is in the batch or in
   * the store are removed / never inserted.
   */
  insertBatch(batch: { records?: RecordRow[]; metrics?: MetricRow[]; violations?: ViolationRow[] }): Promise<InsertResult> {
    return this.exclusive(() => this.rows.insertBatch(batch.records ?? [], batch.metrics ?? [], batch.violations ?? []));
  }

  /**
   * Inserts the rows a SELECT produces (records columns `names`; e.g. over files, see bulk.ts) in one
   * transaction with insertBatch's rules, between the receiver's writes. A DuckDB error is rethrown
   * as is after the rollback.
   */
  insertSelect(select: string, names: readonly string[]): Promise<SelectInsertResult> {
    return this.exclusive(() => this.rows.insertSelect(select, names));
  }

  /**
   * Runs SQL on its own connection (never inside an ingest transaction) and returns JSON-friendly
   * rows. The caller is responsible for only passing read-only SQL from users (the SQL front end
   * checks statements before they get here). `signal` interrupts a running query.
   */
  async query(sql: string, params?: unknown[] | Record<string, unknown>, opts: { signal?: AbortSignal } = {}): Promise<StoreRows> {
    if (this.closed) throw new Error('telemetry store is closed');
    const conn = await this.instance.connect();
    const onAbort = () => conn.interrupt();
    opts.signal?.addEventListener('abort', onAbort);
    try {
      if (opts.signal?.aborted) throw new Error('query cancelled');
      const reader = await conn.runAndReadAll(sql, params as never);
      const names = reader.columnNames();
      const types = reader.columnTypes();
      return { columns: names.map((name, i) => ({ name, type: types[i].toString() })), rows: reader.getRowsJson() as unknown[][] };
    } catch (e) {
      if (opts.signal?.aborted) throw new Error('query cancelled');
      throw e;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      conn.closeSync();
    }
  }

  /** Like query(), rows as objects keyed by column name. */
  async queryObjects<T = Record<string, unknown>>(sql: string, params?: unknown[] | Record<string, unknown>, opts: { signal?: AbortSignal } = {}): Promise<T[]> {
    const r = await this.query(sql, params, opts);
    return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])) as T);
  }

  /**
   * A dedicated connection on this database for callers that read DuckDB directly (prepared
   * statements, streaming, describing files). The caller must close it. Writes go through
   * insertBatch / insertSelect, never through such a connection.
   */
  connect(): Promise<DuckDBConnection> {
    if (this.closed) return Promise.reject(new Error('telemetry store is closed'));
    return this.instance.connect();
  }

  /** Records in the `records` view (pending spans excluded unless asked). */
  async count(opts: { includePending?: boolean; runId?: string } = {}): Promise<number> {
    const where: string[] = [];
    if (!opts.includePending) where.push(`kind <> 'pending_span'`);
    if (opts.runId) where.push(`run_id = ${sqlString(opts.runId)}`);
    const r = await this.query(`SELECT count(*) FROM records_all${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`);
    return Number(r.rows[0][0]);
  }

  /** Deletes every record, metric, run and violation (the schema stays). */
  clear(): Promise<void> {
    return this.exclusive(async () => {
      await deleteAll(this.writer);
      this.rows.forgetAll();
      await this.writer.run('CHECKPOINT');
    });
  }

  /** Folds the write-ahead log into the database file (runs between ingest transactions). */
  checkpoint(): Promise<void> {
    return this.exclusive(async () => {
      if (this.path !== ':memory:') await this.writer.run('CHECKPOINT');
    });
  }

  /** Changes the memory limit of a file-backed store (see StoreOptions.memoryLimitMb; 0 = DuckDB's default). */
  setMemoryLimit(mb: number): Promise<void> {
    if (this.path === ':memory:') return Promise.resolve();
    return this.exclusive(async () => {
      await this.writer.run(mb > 0 ? `SET GLOBAL memory_limit = '${Math.round(mb)}MB'` : `RESET GLOBAL memory_limit`);
    });
  }

  setRetention(r: RetentionOptions): void {
    this.retention = { ...r };
  }

  /** Used bytes of the database (blocks in use × block size; WAL included for file databases). */
  async sizeBytes(): Promise<number> {
    const conn = await this.connect();
    try {
      return await usedBytes(conn);
    } finally {
      conn.closeSync();
    }
  }

  /** Deletes records older than maxAgeDays, then the oldest records until the size cap holds. */
  enforceRetention(): Promise<RetentionResult> {
    return this.exclusive(() => enforceRetention(this.writer, this.retention));
  }

  /** Registers (or relabels) an editor-launched run. */
  startRun(run: { runId: string; label?: string; command?: string; startedAt?: Date }): Promise<void> {
    return this.exclusive(() => startRun(this.writer, run));
  }

  endRun(runId: string, endedAt: Date = new Date()): Promise<void> {
    return this.exclusive(() => endRun(this.writer, runId, endedAt));
  }

  listRuns(): Promise<RunInfo[]> {
    return this.queryObjects<RunInfo>(LIST_RUNS_SQL);
  }

  /** Waits for queued writes, checkpoints and closes. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.writeChain;
    this.closed = true;
    try {
      if (this.path !== ':memory:') await this.writer.run('CHECKPOINT');
    } finally {
      this.writer.closeSync();
      this.instance.closeSync();
      fs.rmSync(this.scratchFile, { force: true });
    }
  }
}
