// The telemetry side of the server process: the DuckDB store, the ingest queue, the OTLP receiver,
// health checks and queries (local or Logfire), demo data, agent runs, StoreChanged notifications,
// CodeLens counts and runtime-conformance diagnostics.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CodeLensRefreshRequest, DiagnosticSeverity } from 'vscode-languageserver';
import type { AgentRun, ChartData, HealthReport, ImportSummary, LogfireTarget, QueryResult, ReceiverStatus, RunComparison, TraceDetail, TraceSummary } from '../../protocol/protocol';
import { bundledSchema } from '../schema/loader';
import { StoreChanged, ShowOutput } from '../../protocol/protocol';
import type { Backend, Settings } from '../../protocol/settings';
import type { EventSpec } from '../schema/model';
import { TelemetryStore } from '../telemetry/store';
import { IngestQueue, type CommittedBatch } from '../telemetry/ingest';
import { OtlpReceiver } from '../telemetry/receiver';
import { runHealthChecks, schemaAttributeKeys } from '../telemetry/health';
import { localBackend, parseTimeRange, type QueryBackend } from '../telemetry/sql/index';
import { settingTimeLimit } from '../telemetry/sql/time-limit';
import { logfireBackend, validateToken } from '../telemetry/logfire-client';
import { generateDemoRecords } from '../telemetry/demo';
import { importRecordFiles } from '../telemetry/bulk';
import { exportRecords, formatOf, type ExportFormat } from '../telemetry/export';
import { chartData, getTrace, listRuns, listTraces, runtimeCounts } from '../telemetry/views';
import { compareRuns } from '../telemetry/compare';
import { createConformance } from '../telemetry/conformance';
import { StoreSpanExporter } from '../telemetry/selftrace';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { effectiveTemplate } from '../lint/linter';
import { RUNTIME_SOURCE, ruleDocHref, toSeverity } from './diagnostics';
import type { ClientCapabilities, Connection } from 'vscode-languageserver';
import type { Schema } from '../schema/model';
import type { AnalyzedCall } from './lint-adapter';
import type { SettingsManager } from './settings';
import type { FolderState, RuntimeDiagnostic } from './state';
import { errorText } from '../errors';

/** What the telemetry service needs of the language server's state (LanguageServerState provides it). */
export interface TelemetryHost {
  readonly connection: Connection;
  readonly version: string;
  readonly clientCapabilities: ClientCapabilities | undefined;
  readonly settings: SettingsManager;
  readonly folders: readonly FolderState[];
  /** False in VS Code's Restricted Mode: the workspace schema's health SQL is not run. */
  readonly workspaceTrusted: boolean;
  log(message: string): void;
  primaryFolder(): FolderState | undefined;
  schemaFor(filePath: string): Schema;
  allCalls(): Iterable<{ path: string; uri: string; call: AnalyzedCall }>;
  setRuntimeDiagnostics(next: Map<string, RuntimeDiagnostic[]>): void;
}

const STORE_CHANGED_THROTTLE_MS = 250;
const DUMMY_LOGFIRE_TOKEN = 'telemetry-lens-local-receiver';

/** Does a command line start a Node.js program (npm/npx/node/tsx…)? */
export function looksLikeNode(command: string | undefined): boolean {
  if (!command) return false;
  const first = command.trim().split(/\s+/)[0]?.split(/[\\/]/).pop() ?? '';
  return /^(node|nodejs|npm|npx|pnpm|yarn|tsx|ts-node|bun|deno)(\.exe|\.cmd)?$/i.test(first);
}

/**
 * Environment for an editor-launched agent run. Python's Logfire SDK adds an OTLP/HTTP protobuf
 * exporter for OTEL_EXPORTER_OTLP_ENDPOINT and honours LOGFIRE_SEND_TO_LOGFIRE=false. The Node SDK
 * (@pydantic/logfire-node) ignores the OTEL endpoint and sends nothing at all when
 * LOGFIRE_SEND_TO_LOGFIRE is false, so for Node commands the Logfire exporter itself is pointed at
 * the receiver (LOGFIRE_BASE_URL + a placeholder token): data still never leaves the machine.
 */
export function runEnvironment(opts: { port: number; runId: string; command?: string; sendToLogfire?: boolean }): Record<string, string> {
  const base = `http://127.0.0.1:${opts.port}`;
  const env: Record<string, string> = {
    OTEL_EXPORTER_OTLP_ENDPOINT: base,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_RESOURCE_ATTRIBUTES: `telemetry_lens.run_id=${opts.runId}`,
    TELEMETRY_LENS_RUN_ID: opts.runId,
  };
  if (opts.sendToLogfire) return env; // the user's own token and Logfire settings stay in charge
  if (looksLikeNode(opts.command)) {
    env.LOGFIRE_SEND_TO_LOGFIRE = 'true';
    env.LOGFIRE_BASE_URL = base;
    env.LOGFIRE_TOKEN = DUMMY_LOGFIRE_TOKEN;
  } else {
    env.LOGFIRE_SEND_TO_LOGFIRE = 'false';
    env.LOGFIRE_BASE_URL = base;
    env.LOGFIRE_TOKEN = DUMMY_LOGFIRE_TOKEN;
  }
  return env;
}

/** '14:02' for today, else '2026-11-21 14:02' (local time of the server process). */
export function formatSeen(iso: string | undefined, now: Date = new Date()): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toDateString() === now.toDateString() ? hm : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

interface EventCount {
  count: number;
  last: string;
}

export class TelemetryService {
  store: TelemetryStore | undefined;
  queue: IngestQueue | undefined;
  receiver: OtlpReceiver | undefined;
  private opening: Promise<TelemetryStore> | undefined;
  private storeError: string | undefined;
  private receiverError: string | undefined;
  private pendingAdded = 0;
  private pendingRuns = new Set<string>();
  private pendingViolations = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private counts: { range: string; byMessage: Map<string, EventCount>; at: number } | undefined;
  private countsLoading: Promise<void> | undefined;
  private stopped = false;
  private selfTrace: BasicTracerProvider | undefined;

  constructor(private readonly state: TelemetryHost) {}

  private async settings(): Promise<Settings> {
    return (await this.state.settings.get(this.state.primaryFolder()?.uri ?? '')).settings;
  }

  /** Opens the store and starts the receiver when `receiver.autoStart` is on. */
  async start(): Promise<void> {
    const s = await this.settings();
    await this.ensureStore().catch(() => undefined);
    if (s['receiver.autoStart']) await this.startReceiver();
    if (s.runtimeConformance) await this.refreshRuntimeDiagnostics();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.receiver?.close().catch(() => undefined);
    this.receiver = undefined;
    await this.disableSelfTrace();
    await this.queue?.drain().catch(() => undefined);
    await this.store?.close().catch(() => undefined);
    this.store = undefined;
  }

  storePath(s: Settings): string {
    const folder = this.state.primaryFolder();
    if (s['store.path']) return folder ? path.resolve(folder.path, s['store.path']) : path.resolve(s['store.path']);
    return folder ? path.join(folder.path, '.telemetry-lens', 'telemetry.duckdb') : ':memory:';
  }

  ensureStore(): Promise<TelemetryStore> {
    if (this.store) return Promise.resolve(this.store);
    if (this.opening) return this.opening;
    this.opening = (async () => {
      const s = await this.settings();
      const file = this.storePath(s);
      const retention = { maxAgeDays: s['store.retentionDays'], maxSizeMb: s['store.maxSizeMB'] };
      const attributeKeys = await this.schemaKeys();
      let store: TelemetryStore;
      try {
        if (!s['store.path'] && file !== ':memory:') ignoreStoreFolder(path.dirname(file));
        store = await TelemetryStore.open({ path: file, retention, attributeKeys, memoryLimitMb: s['store.memoryLimitMB'] });
        this.storeError = undefined;
      } catch (e) {
        // another window holds the file lock, or the path is unusable: keep working in memory
        this.storeError = `${errorText(e)}; using an in-memory store`;
        this.state.log(`store: ${this.storeError}`);
        this.state.connection.sendNotification(ShowOutput, { reason: `Telemetry store: ${this.storeError}` });
        store = await TelemetryStore.open({ path: ':memory:', retention, attributeKeys });
      }
      this.store = store;
      this.queue = new IngestQueue(store);
      this.queue.onCommitted((b) => this.committed(b));
      this.applyConformance(s);
      await this.applySelfTrace(s);
      return store;
    })();
    this.opening.finally(() => (this.opening = undefined)).catch(() => undefined);
    return this.opening;
  }

  private committed(b: CommittedBatch): void {
    if (this.stopped) return;
    this.pendingAdded += b.records;
    for (const r of b.runIds) this.pendingRuns.add(r);
    this.pendingViolations += b.violations;
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flushStoreChanged(), STORE_CHANGED_THROTTLE_MS);
  }

  private async flushStoreChanged(): Promise<void> {
    this.flushTimer = undefined;
    const added = this.pendingAdded;
    const runIds = [...this.pendingRuns];
    const violations = this.pendingViolations;
    this.pendingAdded = 0;
    this.pendingRuns.clear();
    this.pendingViolations = 0;
    let recordCount = 0;
    try {
      recordCount = (await this.store?.count()) ?? 0;
    } catch (e) {
      this.state.log(`store count failed: ${errorText(e)}`);
    }
    const params: { recordCount: number; added: number; port?: number; runIds: string[] } = { recordCount, added, runIds };
    if (this.receiver) params.port = this.receiver.port;
    this.state.connection.sendNotification(StoreChanged, params);
    this.counts = undefined;
    this.refreshCodeLens();
    if (violations > 0) await this.refreshRuntimeDiagnostics();
  }

  // ---------- receiver ----------

  async startReceiver(): Promise<ReceiverStatus> {
    if (!this.receiver) {
      try {
        const queue = (await this.ensureStore(), this.queue!);
        const s = await this.settings();
        this.receiver = await OtlpReceiver.start({ queue, port: s['receiver.port'] });
        this.receiverError = undefined;
        this.state.log(`OTLP receiver listening on ${this.receiver.url}`);
      } catch (e) {
        this.receiverError = errorText(e);
        this.state.log(`receiver: ${this.receiverError}`);
      }
    }
    return this.status();
  }

  async stopReceiver(): Promise<ReceiverStatus> {
    const r = this.receiver;
    this.receiver = undefined;
    await r?.close();
    return this.status();
  }

  async status(): Promise<ReceiverStatus> {
    let recordCount = 0;
    let dbPath = ':memory:';
    try {
      const store = await this.ensureStore();
      recordCount = await store.count();
      dbPath = store.path;
    } catch (e) {
      this.storeError ??= errorText(e);
    }
    const st: ReceiverStatus = { running: !!this.receiver, recordCount, dbPath };
    if (this.receiver) st.port = this.receiver.port;
    const error = [this.receiverError, this.storeError].filter(Boolean).join('; ');
    if (error) st.error = error;
    return st;
  }

  async clear(): Promise<ReceiverStatus> {
    const store = await this.ensureStore();
    await this.queue?.drain();
    await store.clear();
    this.counts = undefined;
    this.state.connection.sendNotification(StoreChanged, { recordCount: 0, added: 0, runIds: [], ...(this.receiver ? { port: this.receiver.port } : {}) });
    this.refreshCodeLens();
    await this.refreshRuntimeDiagnostics();
    return this.status();
  }

  /** Imports records files into the local store (one transaction, between the receiver's batches). */
  async importFiles(files: string[]): Promise<ImportSummary> {
    const store = await this.ensureStore();
    await this.queue?.drain();
    const r = await importRecordFiles(store, files, { checkpoint: false });
    if (r.inserted > 0) {
      await store.checkpoint();
      for (const id of r.runIds) this.pendingRuns.add(id);
      this.pendingAdded += r.inserted;
      if (this.flushTimer) clearTimeout(this.flushTimer);
      await this.flushStoreChanged();
    }
    return r;
  }

  /** Writes the local store's records to a file (Parquet, NDJSON or CSV). */
  async exportFile(params: { file: string; format?: ExportFormat; since?: string; runId?: string }): Promise<{ file: string; format: ExportFormat; rows: number }> {
    const store = await this.ensureStore();
    const format = params.format ?? formatOf(params.file);
    if (!format) throw new Error(`cannot tell the format from '${path.basename(params.file)}': name it .parquet, .ndjson or .csv`);
    await this.queue?.drain();
    const since = params.since ? parseTimeRange(params.since).min : undefined;
    const r = await exportRecords(store, params.file, { format, ...(since ? { since } : {}), ...(params.runId ? { runId: params.runId } : {}) });
    return { file: params.file, format, rows: r.rows };
  }

  async demo(records: number | undefined): Promise<{ records: number }> {
    await this.ensureStore();
    const rows = generateDemoRecords({ records: records ?? 5000, seed: Date.now() % 100000 });
    const r = await this.queue!.submit({ records: rows });
    return { records: r.records };
  }

  async prepareRun(params: { label: string; command?: string; sendToLogfire?: boolean }): Promise<{ runId: string; env: Record<string, string> }> {
    const store = await this.ensureStore();
    if (!this.receiver) await this.startReceiver();
    if (!this.receiver) throw new Error(`the OTLP receiver is not running: ${this.receiverError ?? 'unknown error'}`);
    const runId = `run-${new Date().toISOString().replace(/[-:TZ.]/g, '').slice(0, 14)}-${crypto.randomBytes(3).toString('hex')}`;
    await store.startRun({ runId, label: params.label, ...(params.command ? { command: params.command } : {}) });
    const env = runEnvironment({ port: this.receiver.port, runId, command: params.command ?? params.label, sendToLogfire: params.sendToLogfire === true });
    return { runId, env };
  }

  /** Marks a run ended once what it already sent is committed; views refresh through StoreChanged. */
  async endRun(params: { runId: string; exitCode?: number }): Promise<void> {
    const store = await this.ensureStore();
    await this.queue?.drain();
    await store.endRun(params.runId);
    this.state.log(`run ${params.runId} ended${params.exitCode !== undefined ? ` (exit code ${params.exitCode})` : ''}`);
    if (this.stopped) return;
    this.pendingRuns.add(params.runId);
    this.flushTimer ??= setTimeout(() => void this.flushStoreChanged(), STORE_CHANGED_THROTTLE_MS);
  }

  // ---------- queries ----------

  /**
   * The query backend. The Logfire base URL comes from the request (the client passes only the user's
   * own setting, and says when the user confirmed it); a base URL from pulled settings is used only when
   * it is one of Logfire's API hosts, and the Logfire client refuses every unapproved host in any case.
   */
  async backend(kind: Backend, token: string | undefined, target: LogfireTarget = {}): Promise<QueryBackend> {
    if (kind === 'logfire') {
      if (!token) throw new Error('no Logfire read token: run "Telemetry Lens: Set Logfire Read Token" first');
      return logfireBackend(token, await this.logfireTarget(target));
    }
    return localBackend(await this.ensureStore());
  }

  private async logfireTarget(target: LogfireTarget): Promise<{ baseUrl?: string; baseUrlApproved?: boolean }> {
    if (target.baseUrl) return { baseUrl: target.baseUrl, baseUrlApproved: target.baseUrlApproved === true };
    const configured = (await this.settings())['logfire.baseUrl'];
    return configured ? { baseUrl: configured } : {};
  }

  async query(params: { sql: string; backend: Backend; limit?: number; token?: string } & LogfireTarget, signal: AbortSignal): Promise<QueryResult> {
    const b = await this.backend(params.backend, params.token, params);
    return b.query(params.sql, { ...(params.limit ? { limit: params.limit } : {}), signal, timeLimit: settingTimeLimit((await this.settings())['query.timeoutSeconds']) });
  }

  /**
   * Runs the primary folder's schema health checks. In an untrusted workspace the workspace schema's
   * SQL is not run: the bundled default checks run instead and the report says so.
   */
  async health(params: { backend: Backend; timeRange: string; token?: string } & LogfireTarget, signal: AbortSignal): Promise<HealthReport> {
    const b = await this.backend(params.backend, params.token, params);
    const restricted = !this.state.workspaceTrusted;
    const schema = restricted ? bundledSchema() : this.state.schemaFor(this.state.primaryFolder()?.path ?? '');
    const templates = new Set<string>();
    for (const c of this.state.allCalls()) {
      const t = effectiveTemplate(c.call.call);
      if (t) templates.add(t);
    }
    const timeLimit = settingTimeLimit((await this.settings())['query.timeoutSeconds']);
    const report = await runHealthChecks(schema, b, { timeRange: params.timeRange, callSiteTemplates: [...templates], signal, timeLimit });
    return restricted ? { ...report, restricted: true } : report;
  }

  async validateToken(params: { token: string } & LogfireTarget) {
    return validateToken(params.token, await this.logfireTarget(params));
  }

  // ---------- counts for CodeLens / hover ----------

  /** Runtime counts of an event (by template or name) in the configured range, when loaded. */
  runtimeCountFor(ev: EventSpec): (EventCount & { range: string }) | undefined {
    const c = this.counts;
    if (!c) {
      void this.loadCounts();
      return undefined;
    }
    for (const key of [ev.template, ev.name]) {
      const hit = key !== undefined ? c.byMessage.get(key) : undefined;
      if (hit) return { ...hit, range: c.range };
    }
    return undefined;
  }

  countForTemplate(template: string): (EventCount & { range: string }) | undefined {
    const c = this.counts;
    if (!c) return undefined;
    const hit = c.byMessage.get(template);
    return hit ? { ...hit, range: c.range } : undefined;
  }

  /** Loads runtime counts for every schema event and call-site template (E's view query, local store). */
  loadCounts(): Promise<void> {
    if (this.countsLoading) return this.countsLoading;
    this.countsLoading = (async () => {
      try {
        const s = await this.settings();
        const store = await this.ensureStore();
        let range = s['health.timeRange'] || '24h';
        try {
          parseTimeRange(range);
        } catch {
          range = '24h';
        }
        const keys = new Set<string>();
        for (const f of this.state.folders) for (const ev of f.load.schema.events) keys.add(ev.template ?? ev.name ?? ev.id);
        for (const c of this.state.allCalls()) {
          const t = effectiveTemplate(c.call.call);
          if (t) keys.add(t);
        }
        const counts = await runtimeCounts(localBackend(store), [...keys], range);
        const byMessage = new Map<string, EventCount>();
        for (const [k, v] of counts) if (v.count > 0) byMessage.set(k, { count: v.count, last: formatSeen(v.lastSeen) });
        this.counts = { range, byMessage, at: Date.now() };
      } catch (e) {
        this.state.log(`counts: ${errorText(e)}`);
      } finally {
        this.countsLoading = undefined;
      }
    })();
    return this.countsLoading;
  }

  // ---------- views ----------

  async listRuns(): Promise<AgentRun[]> {
    return listRuns(await this.ensureStore());
  }

  /** Run B against run A, with the workspace schema's `compare:` limits. */
  async compareRuns(runA: string, runB: string): Promise<RunComparison> {
    const schema = this.state.schemaFor(this.state.primaryFolder()?.path ?? '');
    return compareRuns(await this.ensureStore(), runA, runB, schema.compare ?? {});
  }

  async listTraces(runId: string): Promise<TraceSummary[]> {
    return listTraces(await this.ensureStore(), runId);
  }

  async getTrace(traceId: string): Promise<TraceDetail | null> {
    return getTrace(await this.ensureStore(), traceId);
  }

  async chartData(params: { backend: Backend; timeRange: string; token?: string } & LogfireTarget): Promise<ChartData> {
    return chartData(await this.backend(params.backend, params.token, params), params.timeRange || '24h');
  }

  refreshCodeLens(): void {
    if (this.state.clientCapabilities?.workspace?.codeLens?.refreshSupport) {
      void this.state.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    }
  }

  // ---------- runtime conformance ----------

  /** Maps the store's conformance violations to diagnostics at the emitting lines. */
  async refreshRuntimeDiagnostics(): Promise<void> {
    const s = await this.settings();
    if (!s.runtimeConformance || !this.store) {
      this.state.setRuntimeDiagnostics(new Map());
      return;
    }
    let rows: {
      key: string;
      code: string;
      rule: string;
      severity: string;
      message: string;
      event_id: string | null;
      span_name: string;
      code_filepath: string | null;
      code_lineno: number | null;
      count: number | string;
      last: string;
    }[];
    try {
      rows = await this.store.queryObjects(
        `SELECT key, code, rule, severity, message, event_id, span_name, code_filepath, code_lineno, count,
                strftime(last_seen, '%H:%M') AS last
         FROM conformance_violations ORDER BY last_seen DESC LIMIT 5000`,
      );
    } catch (e) {
      this.state.log(`runtime diagnostics: ${errorText(e)}`);
      return;
    }
    const next = new Map<string, RuntimeDiagnostic[]>();
    const add = (file: string, line: number, startChar: number, endChar: number, r: (typeof rows)[number]) => {
      const list = next.get(file) ?? [];
      const d: RuntimeDiagnostic = {
        key: `${r.key}@${line}`,
        range: { start: { line, character: startChar }, end: { line, character: endChar } },
        severity: toSeverity(r.severity) ?? DiagnosticSeverity.Warning,
        code: r.code,
        source: RUNTIME_SOURCE,
        message: `${r.message} (seen at runtime: ${Number(r.count)}×, last ${r.last})`,
        data: { rule: r.rule, runtime: { count: Number(r.count), lastSeen: r.last }, ...(r.event_id ? { eventId: r.event_id } : {}) },
      };
      const href = ruleDocHref(r.code);
      if (href) d.codeDescription = { href };
      list.push(d);
      next.set(file, list);
    };
    for (const r of rows) {
      const file = r.code_filepath ? this.resolveFile(r.code_filepath) : undefined;
      if (file && r.code_lineno) {
        add(file, Math.max(0, Number(r.code_lineno) - 1), 0, 1000, r);
        continue;
      }
      // no code.* attributes: every call site whose template is the record's span name
      for (const c of this.state.allCalls()) {
        const t = effectiveTemplate(c.call.call);
        if (t === r.span_name || (r.event_id && c.call.eventId === r.event_id)) {
          const range = c.call.call.message?.range ?? c.call.call.range;
          add(c.path, range.start.line, range.start.character, range.start.line === range.end.line ? range.end.character : 1000, r);
        }
      }
    }
    this.state.setRuntimeDiagnostics(next);
  }

  /** `code.filepath` as recorded (often relative to the process's cwd/root) → a workspace file. */
  private resolveFile(p: string): string | undefined {
    if (path.isAbsolute(p)) return path.normalize(p);
    for (const f of this.state.folders) {
      const abs = path.join(f.path, p);
      if (f.index.has(abs) || f.listed.has(abs)) return abs;
    }
    // a suffix match (the agent ran from a sub-directory or another checkout)
    const suffix = path.sep + path.normalize(p);
    for (const f of this.state.folders) for (const file of f.listed) if (file.endsWith(suffix)) return file;
    return undefined;
  }

  // ---------- runtime conformance checker and self-tracing ----------

  /** Every ingested record is checked against the primary folder's schema, with the user's severities. */
  applyConformance(s: Settings): void {
    if (!this.queue) return;
    if (!s.runtimeConformance) {
      this.queue.setCheck(undefined);
      return;
    }
    const schema = this.state.schemaFor(this.state.primaryFolder()?.path ?? '');
    const checker = createConformance(schema, { ruleSeverities: s.rules, semconv: { enabled: s['semconv.enabled'], release: s['semconv.release'] } });
    this.queue.setCheck((records) => checker.check(records));
  }

  /** `debug.selfTrace`: the server's own spans (lint, ingest, queries) go into the store as service 'telemetry-lens'. */
  async applySelfTrace(s: Settings): Promise<void> {
    if (s['debug.selfTrace'] && !this.selfTrace && this.queue) {
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'telemetry-lens', 'service.version': this.state.version }),
        spanProcessors: [new BatchSpanProcessor(new StoreSpanExporter(this.queue), { scheduledDelayMillis: 500 })],
      });
      trace.setGlobalTracerProvider(provider);
      this.selfTrace = provider;
      this.state.log('self-tracing into the local store');
    } else if (!s['debug.selfTrace'] && this.selfTrace) {
      await this.disableSelfTrace();
    }
  }

  private async disableSelfTrace(): Promise<void> {
    const p = this.selfTrace;
    if (!p) return;
    this.selfTrace = undefined;
    trace.disable();
    await p.shutdown().catch(() => undefined);
  }

  /** Attribute keys the primary folder's schema queries read (kept as store columns). */
  private schemaKeys(): Promise<string[]> {
    return schemaAttributeKeys(this.state.schemaFor(this.state.primaryFolder()?.path ?? ''));
  }

  /** Schema reloaded: runtime checks follow it, and the store keeps the keys its health checks read. */
  schemaChanged(): void {
    void this.settings().then((s) => this.applyConformance(s));
    const store = this.store;
    if (store) {
      void this.schemaKeys()
        .then((keys) => store.keepMoreAttributeKeys(keys))
        .catch((e) => this.state.log(`store: ${errorText(e)}`));
    }
  }

  // ---------- state hooks ----------

  onWorkspaceLinted(): void {
    if (this.store) void this.refreshRuntimeDiagnostics();
  }

  settingsChanged(): void {
    this.counts = undefined;
    void this.settings().then(async (s) => {
      this.store?.setRetention({ maxAgeDays: s['store.retentionDays'], maxSizeMb: s['store.maxSizeMB'] });
      await this.store?.setMemoryLimit(s['store.memoryLimitMB']).catch((e) => this.state.log(`store: ${errorText(e)}`));
      this.applyConformance(s);
      await this.applySelfTrace(s);
      if (s['receiver.autoStart'] && !this.receiver) await this.startReceiver();
      await this.refreshRuntimeDiagnostics();
      this.refreshCodeLens();
    });
  }
}

/** The default store lives in the workspace; keep it out of version control without touching the user's .gitignore. */
function ignoreStoreFolder(dir: string): void {
  const marker = path.join(dir, '.gitignore');
  if (fs.existsSync(marker)) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(marker, '# Created by Telemetry Lens: the local telemetry store is not source.\n*\n');
}
