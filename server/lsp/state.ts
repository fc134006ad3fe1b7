// Server state shared by every LSP feature: workspace folders, settings, the schema of each folder,
// open documents with their latest lint, the workspace index (call sites and findings of every file),
// runtime-conformance diagnostics, and the telemetry service (store + receiver).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  FileChangeType,
  type ClientCapabilities,
  type Connection,
  type Diagnostic,
  type FileEvent,
  type InitializeParams,
  type TextDocumentContentChangeEvent,
  type WorkspaceFolder,
} from 'vscode-languageserver';
import type { Settings } from '../../protocol/settings';
import { LintTiming, SchemaChanged } from '../../protocol/protocol';
import type { Finding, ProjectStyle } from '../lint/types';
import type { TelemetryCall } from '../model/calls';
import type { EventSpec, Schema } from '../schema/model';
import { bundledSchema, findSchemaFile, loadSchemaFile, loadSchemaFromText, SCHEMA_FILE_NAMES, type LoadResult } from '../schema/loader';
import { packageRoot } from '../paths';
import { MAX_FILE_BYTES } from '../lint/workspace';
import { DocumentStore, languageOfPath, uriToPath, type OpenDoc } from './documents';
import { findingToDiagnostic, schemaErrorToDiagnostic } from './diagnostics';
import { SettingsManager, type ResolvedSettings } from './settings';
import { createEngineDocument, lintFiles, lintText, listWorkspaceFiles, type AnalyzedCall } from './lint-adapter';
import { errorText } from '../errors';
import { WorkspaceHandles } from './handles';

/** One file's entry in the workspace index. */
export interface FileEntry {
  path: string;
  findings: Finding[];
  calls: AnalyzedCall[];
  /** True when the entry comes from an open document (unsaved text) rather than the disk. */
  live: boolean;
}

export interface FolderState {
  uri: string;
  path: string;
  /** The schema file in use (absent = bundled default). */
  schemaFile?: string;
  load: LoadResult;
  /** Files of the folder with their calls and findings. */
  index: Map<string, FileEntry>;
  /** Files the last workspace lint saw (for clearing diagnostics of files that went away). */
  listed: Set<string>;
  /** The folder's naming style, inferred by its last workspace lint. */
  projectStyle?: ProjectStyle;
  /** Telemetry handles defined in project modules and who imports them. */
  handles: WorkspaceHandles;
  /** Weaver registry files that got schema diagnostics (cleared on the next schema load). */
  registryFiles?: Set<string>;
}

export interface RuntimeDiagnostic extends Diagnostic {
  /** Stable key for merging. */
  key: string;
}

/** What the state tells the telemetry service (store + receiver), which main.ts creates and attaches. */
export interface TelemetryHooks {
  start(): Promise<void>;
  stop(): Promise<void>;
  schemaChanged(): void;
  refreshCodeLens(): void;
  onWorkspaceLinted(): void;
  settingsChanged(): void;
  /** How often the event was received in the configured range, and when last (undefined: not counted yet). */
  runtimeCountFor(ev: EventSpec): { count: number; last: string; range: string } | undefined;
}

export class LanguageServerState {
  readonly docs = new DocumentStore();
  readonly settings: SettingsManager;
  readonly version: string;
  clientCapabilities: ClientCapabilities | undefined;
  folders: FolderState[] = [];
  /** Schema used for files outside every workspace folder. */
  private looseSchema: LoadResult = { schema: bundledSchema(), errors: [] };
  /** Runtime-conformance diagnostics by file path. */
  private runtime = new Map<string, RuntimeDiagnostic[]>();
  /** URIs we published diagnostics for (so they can be cleared). */
  private published = new Set<string>();
  /** Schema files we published schema diagnostics for. */
  private schemaDiagnosticFiles = new Set<string>();
  /** Milliseconds between a change and its lint; 0 = next turn of the event loop (bursts still coalesce). */
  debounceMs = 0;
  /** Send LintTiming notifications (initializationOptions.reportTiming). */
  private reportTiming = false;
  private workspaceLintRunning: Promise<{ files: number; findings: number; durationMs: number }> | undefined;
  private workspaceLintAgain = false;
  private pendingFileEvents: FileEvent[] = [];
  private fileEventTimer: NodeJS.Timeout | undefined;
  private schemaReloadTimer: NodeJS.Timeout | undefined;
  private workspaceLintTimer: NodeJS.Timeout | undefined;
  private initialized = false;
  private shuttingDown = false;
  /** Set once main.ts has created the telemetry service (after `initialized`). */
  telemetry: TelemetryHooks | undefined;
  /**
   * Does the user trust the workspace? VS Code tells (initializationOptions.workspaceTrusted and the
   * WorkspaceTrustChanged notification); editors without Workspace Trust send nothing and count as trusted.
   * Untrusted: the workspace schema's health SQL is not run (the bundled checks run instead).
   */
  workspaceTrusted = true;

  constructor(readonly connection: Connection) {
    this.settings = new SettingsManager(connection, () => !!this.clientCapabilities?.workspace?.configuration);
    let version = '0.0.0';
    try {
      version = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version ?? version;
    } catch {
      // keep the placeholder
    }
    this.version = version;
  }

  log(message: string): void {
    this.connection.console.log(`[${new Date().toISOString().slice(11, 23)}] ${message}`);
  }

  // ---------- lifecycle ----------

  initialize(params: InitializeParams): void {
    this.clientCapabilities = params.capabilities;
    const opts = (params.initializationOptions ?? {}) as { debounceMs?: unknown; settings?: unknown; reportTiming?: unknown; workspaceTrusted?: unknown };
    this.workspaceTrusted = opts.workspaceTrusted !== false;
    if (typeof opts.debounceMs === 'number' && opts.debounceMs >= 0) this.debounceMs = opts.debounceMs;
    this.reportTiming = opts.reportTiming === true;
    const env = Number(process.env.TELEMETRY_LENS_DEBOUNCE_MS);
    if (process.env.TELEMETRY_LENS_DEBOUNCE_MS && Number.isFinite(env) && env >= 0) this.debounceMs = env;
    // `settings`, or the whole options object when it is `{ telemetryLens: {...} }` (Helix sends its `config` so)
    this.settings.setInitial(opts.settings ?? ('telemetryLens' in opts ? opts : undefined));
    const folders: WorkspaceFolder[] =
      params.workspaceFolders ??
      (params.rootUri ? [{ uri: params.rootUri, name: path.basename(uriToPath(params.rootUri)) }] : params.rootPath ? [{ uri: pathToFileURL(params.rootPath).toString(), name: path.basename(params.rootPath) }] : []);
    for (const f of folders) this.addFolder(f);
  }

  /** `createTelemetry` builds the telemetry service once the open documents are linted (it loads DuckDB). */
  async afterInitialized(createTelemetry: () => Promise<TelemetryHooks>): Promise<void> {
    this.initialized = true;
    await this.reloadAllSchemas(false);
    // open documents first: their diagnostics are what the user is looking at
    for (const d of this.docs.all()) this.scheduleLint(d);
    await new Promise((r) => setTimeout(r, 0));
    const telemetry = await createTelemetry();
    this.telemetry = telemetry;
    // the store and receiver start after the workspace lint, or after 1.5 s when that takes longer
    let started = false;
    const start = () => {
      if (started || this.shuttingDown) return;
      started = true;
      void telemetry.start().catch((e) => this.log(`telemetry: ${errorText(e)}`));
    };
    setTimeout(start, 1500).unref();
    void this.lintWorkspace()
      .catch((e) => this.log(`workspace lint failed: ${errorText(e)}`))
      .finally(start);
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.telemetry?.stop();
  }

  // ---------- folders and schemas ----------

  private addFolder(f: WorkspaceFolder): void {
    const p = uriToPath(f.uri);
    if (!p || this.folders.some((x) => x.path === p)) return;
    this.folders.push({ uri: f.uri, path: p, load: { schema: bundledSchema(), errors: [] }, index: new Map(), listed: new Set(), handles: new WorkspaceHandles() });
    this.folders.sort((a, b) => b.path.length - a.path.length); // longest prefix first
  }

  changeFolders(added: WorkspaceFolder[], removed: WorkspaceFolder[]): void {
    for (const r of removed) {
      const p = uriToPath(r.uri);
      const f = this.folders.find((x) => x.path === p);
      if (!f) continue;
      for (const file of f.index.keys()) if (!this.docs.byPath(file)) this.clearDiagnostics(pathToFileURL(file).toString());
      this.folders = this.folders.filter((x) => x !== f);
    }
    for (const a of added) this.addFolder(a);
    void this.reloadAllSchemas(true);
  }

  folderOf(filePath: string): FolderState | undefined {
    if (!filePath) return this.folders[this.folders.length - 1];
    return this.folders.find((f) => filePath === f.path || filePath.startsWith(f.path + path.sep));
  }

  /** The first (outermost) folder: home of the store and the default for non-file documents. */
  primaryFolder(): FolderState | undefined {
    return [...this.folders].sort((a, b) => a.path.length - b.path.length)[0];
  }

  schemaFor(filePath: string): Schema {
    return (this.folderOf(filePath)?.load ?? this.looseSchema).schema;
  }

  projectStyleFor(filePath: string): ProjectStyle | undefined {
    return this.folderOf(filePath)?.projectStyle;
  }

  /** Is this path the schema file of some folder? */
  schemaFolderOf(filePath: string): FolderState | undefined {
    return this.folders.find((f) => f.schemaFile === filePath);
  }

  async reloadAllSchemas(relint: boolean): Promise<void> {
    for (const f of this.folders) await this.reloadSchema(f);
    this.connection.sendNotification(SchemaChanged, {
      source: this.primaryFolder()?.load.schema.source ?? 'bundled:default',
      errors: this.folders.reduce((n, f) => n + f.load.errors.length, 0),
    });
    this.telemetry?.schemaChanged();
    if (relint) this.relintEverything();
  }

  private async reloadSchema(f: FolderState): Promise<void> {
    const { settings } = await this.settings.get(f.uri);
    const file = findSchemaFile(f.path, settings.schemaPath);
    const previous = f.schemaFile;
    if (file) {
      const open = this.docs.byPath(file);
      f.load = open ? loadSchemaFromText(open.text.getText(), file) : loadSchemaFile(file);
      f.schemaFile = file;
    } else {
      f.load = { schema: bundledSchema(), errors: [] };
      delete f.schemaFile;
    }
    if (previous && previous !== file) this.publishSchemaDiagnostics(previous, []);
    // Problems in Weaver registry files (a registry as the schema, or `registries:`) go to those files.
    const registryFiles = new Set(f.load.errors.map((e) => e.file).filter((p) => p !== file && !p.startsWith('bundled:') && /\.ya?ml$/.test(p)));
    for (const old of f.registryFiles ?? []) if (!registryFiles.has(old)) this.publishSchemaDiagnostics(old, []);
    for (const rf of registryFiles) this.publishSchemaDiagnostics(rf, f.load.errors.filter((e) => e.file === rf).map(schemaErrorToDiagnostic));
    f.registryFiles = registryFiles;
    if (file) {
      // The editor keeps linting: with the bundled default when the file cannot be used at all, and says so.
      const note = f.load.unusable ? ` (${EDITOR_FALLBACK})` : '';
      const errs = f.load.errors.filter((e) => path.resolve(e.file) === file || e.file === file).map((e) => (e.severity === 'error' && note ? { ...e, message: e.message + note } : e));
      if (fs.existsSync(file) || this.docs.byPath(file)) this.publishSchemaDiagnostics(file, errs.map(schemaErrorToDiagnostic));
      else if (f.load.errors.length) {
        const msg = f.load.errors.map((e) => e.message).join('; ');
        void this.connection.window.showWarningMessage(`Telemetry Lens: schema ${file}: ${msg}${note}`);
      }
    }
    this.log(`schema for ${f.path}: ${f.load.schema.source} (${f.load.schema.events.length} events, ${f.load.errors.length} problems)`);
  }

  private publishSchemaDiagnostics(file: string, diagnostics: Diagnostic[]): void {
    const uri = this.docs.byPath(file)?.uri ?? pathToFileURL(file).toString();
    if (diagnostics.length) this.schemaDiagnosticFiles.add(file);
    else this.schemaDiagnosticFiles.delete(file);
    void this.connection.sendDiagnostics({ uri, diagnostics });
  }

  private isSchemaFileName(p: string): boolean {
    return (SCHEMA_FILE_NAMES as readonly string[]).includes(path.basename(p)) || !!this.schemaFolderOf(p) || this.inRegistry(p);
  }

  /** A YAML file under a Weaver registry some folder's schema reads (its edits reload the schema). */
  private inRegistry(p: string): boolean {
    if (!/\.ya?ml$/.test(p)) return false;
    for (const f of this.folders) {
      for (const r of f.load.schema.registries ?? []) if (r.dirs?.some((d) => p.startsWith(d + path.sep))) return true;
    }
    return false;
  }

  private scheduleSchemaReload(delay = 60): void {
    if (this.schemaReloadTimer) clearTimeout(this.schemaReloadTimer);
    this.schemaReloadTimer = setTimeout(() => {
      this.schemaReloadTimer = undefined;
      void this.reloadAllSchemas(true);
    }, delay);
  }

  /** Re-lint open documents now and the workspace shortly (after a schema or settings change). */
  relintEverything(): void {
    for (const d of this.docs.all()) this.scheduleLint(d);
    if (this.workspaceLintTimer) clearTimeout(this.workspaceLintTimer);
    this.workspaceLintTimer = setTimeout(() => {
      this.workspaceLintTimer = undefined;
      void this.lintWorkspace().catch((e) => this.log(`workspace lint failed: ${errorText(e)}`));
    }, 250);
    this.telemetry?.refreshCodeLens();
  }

  // ---------- documents ----------

  didOpen(uri: string, languageId: string, version: number, text: string): void {
    const doc = this.docs.open(uri, languageId, version, text);
    if (doc.path && this.isSchemaFileName(doc.path) && this.initialized) {
      this.scheduleSchemaReload(0);
      return;
    }
    if (!doc.language) return;
    if (text.length > MAX_FILE_BYTES) {
      // generated or minified code: linting it on every keystroke would stall the server
      this.log(`not linting ${uri}: ${text.length} characters (limit ${MAX_FILE_BYTES})`);
      return;
    }
    void this.attachEngine(doc);
  }

  private async attachEngine(doc: OpenDoc): Promise<void> {
    if (!doc.language) return;
    const version = doc.text.version;
    const text = doc.text.getText();
    try {
      const { settings } = await this.settings.get(doc.uri);
      const engine = await createEngineDocument(doc.path || doc.uri, doc.language, text, { schema: this.schemaFor(doc.path), settings, projectStyle: this.projectStyleFor(doc.path) });
      if (this.docs.get(doc.uri) !== doc) {
        engine.dispose();
        return;
      }
      // changes that arrived while the document was being parsed
      if (doc.text.version !== version) engine.queue([{ text: doc.text.getText() }], doc.text.version, doc.text.getText());
      doc.engine = engine;
      this.scheduleLint(doc);
    } catch (e) {
      this.log(`cannot parse ${doc.uri}: ${errorText(e)}`);
    }
  }

  didChange(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void {
    const doc = this.docs.change(uri, version, changes);
    if (!doc) return;
    if (doc.path && this.schemaFolderOf(doc.path)) {
      this.scheduleSchemaReload();
      return;
    }
    this.scheduleLint(doc);
  }

  didClose(uri: string): void {
    const doc = this.docs.close(uri);
    if (!doc) return;
    if (doc.path && this.schemaFolderOf(doc.path)) {
      // the file on disk is the schema again
      this.scheduleSchemaReload(0);
      return;
    }
    if (!doc.path || !doc.language || !fs.existsSync(doc.path) || !this.isInWorkspaceLint(doc.path)) {
      const f = this.folderOf(doc.path);
      f?.index.delete(doc.path);
      this.clearDiagnostics(uri);
      return;
    }
    // back to the on-disk content for the Problems panel
    void this.lintFileFromDisk(doc.path);
  }

  private isInWorkspaceLint(p: string): boolean {
    return !!this.folderOf(p)?.listed.has(p);
  }

  scheduleLint(doc: OpenDoc): void {
    if (!this.initialized || !doc.engine || doc.timer) return;
    const queuedAt = performance.now();
    const run = () => {
      doc.timer = undefined;
      void this.lintDocument(doc, queuedAt);
    };
    doc.timer = this.debounceMs > 0 ? setTimeout(run, this.debounceMs) : setImmediate(run);
  }

  private async lintDocument(doc: OpenDoc, queuedAt?: number): Promise<void> {
    if (!doc.engine || !doc.language || this.docs.get(doc.uri) !== doc) return;
    const version = doc.text.version;
    const { settings } = await this.settings.get(doc.uri);
    // a newer version arrived while we waited: its own scheduled lint will publish
    if (doc.text.version !== version || this.docs.get(doc.uri) !== doc || !doc.engine) return;
    if (!settings.languages.includes(doc.language)) {
      delete doc.result;
      this.folderOf(doc.path)?.index.delete(doc.path);
      this.publish(doc.uri);
      return;
    }
    const schema = this.schemaFor(doc.path);
    const t0 = performance.now();
    const handles = doc.path ? this.folderOf(doc.path)?.handles : undefined;
    const changed = handles ? handles.update(doc.path, doc.language, doc.text.getText(), true) : [];
    const imports = handles?.importsFor(doc.path);
    let out: { findings: Finding[]; calls: AnalyzedCall[] };
    try {
      out = await doc.engine.lint({ schema, settings, projectStyle: this.projectStyleFor(doc.path), imports });
    } catch (e) {
      this.log(`lint failed for ${doc.uri}: ${errorText(e)}`);
      return;
    }
    const durationMs = performance.now() - t0;
    if (doc.text.version !== version || this.docs.get(doc.uri) !== doc) return;
    doc.result = { version, findings: out.findings, calls: out.calls.map((c) => c.call), durationMs };
    doc.analyzed = out.calls;
    const folder = this.folderOf(doc.path);
    if (folder && doc.path) folder.index.set(doc.path, { path: doc.path, findings: out.findings, calls: out.calls, live: true });
    this.publish(doc.uri, version);
    this.relintDependents(changed);
    if (this.reportTiming) {
      void this.connection.sendNotification(LintTiming, { uri: doc.uri, version, durationMs, queuedMs: queuedAt === undefined ? 0 : t0 - queuedAt });
    }
  }

  /** The lint result of an open document for its current version (lints now when stale). */
  async currentResult(doc: OpenDoc): Promise<OpenDoc['result']> {
    if (doc.result?.version === doc.text.version) return doc.result;
    if (doc.timer) {
      clearTimeout(doc.timer as NodeJS.Timeout);
      clearImmediate(doc.timer as NodeJS.Immediate);
      doc.timer = undefined;
    }
    await this.lintDocument(doc);
    return doc.result?.version === doc.text.version ? doc.result : undefined;
  }

  // ---------- diagnostics ----------

  /** Publishes static findings + runtime diagnostics of a URI (open document or indexed file). */
  publish(uri: string, version?: number): void {
    const doc = this.docs.get(uri);
    const p = doc?.path ?? uriToPath(uri);
    const diagnostics: Diagnostic[] = [];
    if (doc) {
      if (doc.result && doc.result.version === doc.text.version) diagnostics.push(...doc.result.findings.map(findingToDiagnostic));
    } else {
      const entry = this.folderOf(p)?.index.get(p);
      if (entry) diagnostics.push(...entry.findings.map(findingToDiagnostic));
    }
    const runtime = p ? this.runtime.get(p) : undefined;
    if (runtime) diagnostics.push(...runtime.map(({ key: _key, ...d }) => d));
    if (diagnostics.length === 0 && !this.published.has(uri) && !doc) return;
    if (diagnostics.length) this.published.add(uri);
    else this.published.delete(uri);
    const v = version ?? doc?.text.version;
    void this.connection.sendDiagnostics(v === undefined ? { uri, diagnostics } : { uri, version: v, diagnostics });
  }

  private clearDiagnostics(uri: string): void {
    const p = uriToPath(uri);
    if (p && this.runtime.has(p)) {
      this.publish(uri);
      return;
    }
    if (this.published.delete(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** Replaces all runtime-conformance diagnostics (by file path) and republishes what changed. */
  setRuntimeDiagnostics(next: Map<string, RuntimeDiagnostic[]>): void {
    const touched = new Set<string>([...this.runtime.keys(), ...next.keys()]);
    const before = this.runtime;
    this.runtime = next;
    for (const p of touched) {
      const a = before.get(p) ?? [];
      const b = next.get(p) ?? [];
      if (a.length === b.length && a.every((d, i) => d.key === b[i].key && d.message === b[i].message)) continue;
      this.publish(this.docs.byPath(p)?.uri ?? pathToFileURL(p).toString());
    }
  }

  runtimeDiagnosticsFor(p: string): RuntimeDiagnostic[] {
    return this.runtime.get(p) ?? [];
  }

  // ---------- workspace ----------

  /** Lints every workspace file (background, with progress); concurrent calls share one run. */
  lintWorkspace(): Promise<{ files: number; findings: number; durationMs: number }> {
    if (this.workspaceLintRunning) {
      this.workspaceLintAgain = true;
      return this.workspaceLintRunning;
    }
    const run = (async () => {
      try {
        let result = await this.lintWorkspaceOnce();
        while (this.workspaceLintAgain && !this.shuttingDown) {
          this.workspaceLintAgain = false;
          result = await this.lintWorkspaceOnce();
        }
        return result;
      } finally {
        this.workspaceLintRunning = undefined;
      }
    })();
    this.workspaceLintRunning = run;
    return run;
  }

  private async lintWorkspaceOnce(): Promise<{ files: number; findings: number; durationMs: number }> {
    const t0 = performance.now();
    const progress = await this.connection.window.createWorkDoneProgress();
    progress.begin('Telemetry Lens', 0, 'Listing files…', false);
    let files = 0;
    let findings = 0;
    try {
      for (const folder of this.folders) {
        const resolved = await this.settings.get(folder.uri);
        const listed = listWorkspaceFiles(folder.path, this.workspaceListOptions(resolved, folder));
        const previous = folder.listed;
        folder.listed = new Set(listed);
        // files that left the workspace (deleted, newly ignored): clear them
        for (const p of previous) {
          if (folder.listed.has(p) || this.docs.byPath(p)) continue;
          folder.handles.remove(p);
          folder.index.delete(p);
          this.clearDiagnostics(pathToFileURL(p).toString());
        }
        const toLint = listed.filter((p) => !this.docs.byPath(p));
        // open documents take part in the handle index with their unsaved text
        for (const p of listed) {
          const doc = this.docs.byPath(p);
          if (doc?.language) folder.handles.update(p, doc.language, doc.text.getText(), true);
        }
        const total = listed.length;
        let done = listed.length - toLint.length;
        progress.report(0, `Linting ${total} files in ${path.basename(folder.path)}…`);
        await lintFiles(toLint, { schema: folder.load.schema, settings: resolved.settings, handles: folder.handles.index }, (file, out) => {
          done++;
          if (this.docs.byPath(file)) return; // opened meanwhile: the live lint wins
          folder.index.set(file, { path: file, findings: out.findings, calls: out.calls, live: false });
          this.publish(pathToFileURL(file).toString());
          if (done % 50 === 0 || done === total) progress.report(Math.round((done / Math.max(total, 1)) * 100), `${done}/${total} files`);
        }, (style) => {
          // Open documents follow the style on their next lint (unchanged styles keep their settings).
          const prev = folder.projectStyle;
          if (!prev || prev.eventNameShape !== style.eventNameShape || prev.names !== style.names || prev.matching !== style.matching) folder.projectStyle = style;
        });
        files += listed.length;
        for (const p of listed) findings += folder.index.get(p)?.findings.length ?? 0;
        // open documents linted before the index knew every module: their imported handles may have changed
        for (const p of listed) {
          const doc = this.docs.byPath(p);
          if (doc) this.scheduleLint(doc);
        }
      }
    } finally {
      progress.done();
    }
    const durationMs = Math.round(performance.now() - t0);
    this.log(`workspace lint: ${files} files, ${findings} findings in ${durationMs} ms`);
    this.telemetry?.onWorkspaceLinted();
    return { files, findings, durationMs };
  }

  workspaceListOptions(resolved: ResolvedSettings, _folder: FolderState): { exclude: string[]; languages: Settings['languages'] } {
    const exclude: string[] = [];
    for (const g of [...resolved.settings.exclude, ...Object.keys(resolved.files.exclude)]) {
      const glob = g.replace(/^\.\//, '');
      exclude.push(glob);
      // `**/dist` in files.exclude means the directory and everything below it
      if (!glob.endsWith('/**') && !/\.[A-Za-z0-9]+$/.test(glob)) exclude.push(`${glob.replace(/\/$/, '')}/**`);
    }
    return { exclude, languages: resolved.settings.languages };
  }

  /** Resolves when no workspace lint is running. */
  async workspaceLintDone(): Promise<void> {
    while (this.workspaceLintRunning) await this.workspaceLintRunning.catch(() => undefined);
  }

  private async lintFileFromDisk(p: string): Promise<void> {
    const folder = this.folderOf(p);
    const lang = languageOfPath(p);
    if (!folder || !lang) return;
    let text: string;
    try {
      text = await fs.promises.readFile(p, 'utf8');
    } catch {
      this.relintDependents(folder.handles.remove(p));
      folder.index.delete(p);
      folder.listed.delete(p);
      this.clearDiagnostics(pathToFileURL(p).toString());
      return;
    }
    const { settings } = await this.settings.get(folder.uri);
    if (this.docs.byPath(p)) return;
    if (!settings.languages.includes(lang)) return;
    const changed = folder.handles.update(p, lang, text);
    const out = await lintText(p, lang, text, { schema: folder.load.schema, settings, projectStyle: folder.projectStyle, imports: folder.handles.importsFor(p) });
    if (this.docs.byPath(p)) return;
    folder.index.set(p, { path: p, findings: out.findings, calls: out.calls, live: false });
    this.publish(pathToFileURL(p).toString());
    this.relintDependents(changed);
  }

  /** Lint again the files whose imported handles changed (an edit of the module defining them). */
  private relintDependents(files: readonly string[]): void {
    for (const p of files) {
      const doc = this.docs.byPath(p);
      if (doc) this.scheduleLint(doc);
      else if (this.isInWorkspaceLint(p)) void this.lintFileFromDisk(p);
    }
  }

  watchedFilesChanged(changes: FileEvent[]): void {
    this.pendingFileEvents.push(...changes);
    if (this.fileEventTimer) return;
    this.fileEventTimer = setTimeout(() => {
      this.fileEventTimer = undefined;
      const events = this.pendingFileEvents;
      this.pendingFileEvents = [];
      void this.processFileEvents(events);
    }, 50);
  }

  private async processFileEvents(events: FileEvent[]): Promise<void> {
    let schemaTouched = false;
    let ignoreTouched = false;
    const sources = new Map<string, FileChangeType>();
    for (const e of events) {
      const p = uriToPath(e.uri);
      if (!p) continue;
      if (this.isSchemaFileName(p)) schemaTouched = true;
      else if (path.basename(p) === '.gitignore') ignoreTouched = true;
      else if (languageOfPath(p)) sources.set(p, e.type);
    }
    if (schemaTouched) {
      // an open schema document is the source of truth while open
      this.scheduleSchemaReload(0);
      return;
    }
    if (ignoreTouched) {
      this.relintEverything();
      return;
    }
    const relisted = new Set<FolderState>();
    for (const [p, type] of sources) {
      if (this.docs.byPath(p)) continue;
      const folder = this.folderOf(p);
      if (!folder) continue;
      if (type === FileChangeType.Deleted) {
        this.relintDependents(folder.handles.remove(p));
        folder.index.delete(p);
        folder.listed.delete(p);
        this.clearDiagnostics(pathToFileURL(p).toString());
        continue;
      }
      if (type === FileChangeType.Created && !folder.listed.has(p)) {
        // is the new file excluded (.gitignore, excludes)? re-list the folder once per batch
        if (!relisted.has(folder)) {
          const resolved = await this.settings.get(folder.uri);
          for (const f of listWorkspaceFiles(folder.path, this.workspaceListOptions(resolved, folder))) folder.listed.add(f);
          relisted.add(folder);
        }
      }
      if (!folder.listed.has(p)) continue;
      await this.lintFileFromDisk(p);
    }
    this.telemetry?.onWorkspaceLinted();
  }

  configurationChanged(pushed: unknown): void {
    const payload = pushed && typeof pushed === 'object' ? (pushed as Record<string, unknown>) : undefined;
    this.settings.invalidate(payload && Object.keys(payload).length ? payload : undefined);
    this.telemetry?.settingsChanged();
    void this.reloadAllSchemas(true);
  }

  /** All indexed call sites of the workspace (open documents included, with their unsaved text). */
  *allCalls(): Generator<{ path: string; uri: string; call: AnalyzedCall }> {
    for (const f of this.folders) {
      for (const entry of f.index.values()) {
        const uri = this.docs.byPath(entry.path)?.uri ?? pathToFileURL(entry.path).toString();
        for (const call of entry.calls) yield { path: entry.path, uri, call };
      }
    }
  }
}

/** What the editor does with a schema file it cannot use (said on the file's error). */
export const EDITOR_FALLBACK = 'linting with the bundled default schema until this is fixed';

export type { TelemetryCall };
