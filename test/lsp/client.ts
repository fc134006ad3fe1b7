// A real LSP client for the tests and the benchmark: spawns the bundled server (dist/server/server.js
// or `dist/server/cli.js lsp`) with --stdio and speaks JSON-RPC over its stdin/stdout, or (transport
// 'ipc') with --node-ipc over Node's IPC channel, as the VS Code extension starts it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  WorkDoneProgressCreateRequest,
  CodeLensRefreshRequest,
  type Diagnostic,
  type InitializeResult,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import { packageRoot } from '../../server/paths';

export interface StartOptions {
  workspace: string;
  /** `telemetryLens` settings the client answers workspace/configuration with (null = unset). */
  settings?: Record<string, unknown> | null;
  files?: Record<string, unknown>;
  /** Run `dist/server/cli.js lsp --stdio` instead of `dist/server/server.js --stdio`. */
  viaCli?: boolean;
  initializationOptions?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Node options for the server process (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** 'stdio' (default; Neovim, Helix, Zed) or 'ipc' (Node's IPC channel, as the VS Code client uses). */
  transport?: 'stdio' | 'ipc';
  /** Advertise dynamic registration / workDoneProgress / configuration (default true). */
  fullCapabilities?: boolean;
  /**
   * Keep every publication in `published` (default, for tests that look back), or only the latest per URI
   * (`latest`, as an editor does: a new publication replaces the file's diagnostics). Waiters see every
   * publication either way.
   */
  keepPublished?: 'all' | 'latest';
}

export interface Published {
  params: PublishDiagnosticsParams;
  at: number;
}

export class TestClient {
  readonly conn: MessageConnection;
  readonly proc: ChildProcess;
  readonly published: Published[] = [];
  readonly notifications: { method: string; params: unknown; at: number }[] = [];
  readonly configurationRequests: unknown[] = [];
  readonly registrations: unknown[] = [];
  readonly progress: unknown[] = [];
  codeLensRefreshes = 0;
  settings: Record<string, unknown> | null;
  files: Record<string, unknown>;
  stderr = '';
  private waiters: { pred: (p: Published) => boolean; resolve: (p: Published) => void }[] = [];
  private versions = new Map<string, number>();
  private latestByUri = new Map<string, Published>();

  private constructor(readonly opts: StartOptions) {
    this.settings = opts.settings === undefined ? {} : opts.settings;
    this.files = opts.files ?? {};
    const root = packageRoot();
    const ipc = opts.transport === 'ipc';
    const flag = ipc ? '--node-ipc' : '--stdio';
    const args = opts.viaCli
      ? [path.join(root, 'dist', 'server', 'cli.js'), 'lsp', flag]
      : [path.join(root, 'dist', 'server', 'server.js'), flag];
    this.proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...args], {
      cwd: opts.workspace,
      env: { ...process.env, ...opts.env },
      stdio: ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.conn = ipc
      ? createMessageConnection(new IPCMessageReader(this.proc), new IPCMessageWriter(this.proc))
      : createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    const keepAll = opts.keepPublished !== 'latest';
    this.conn.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const p = { params, at: performance.now() };
      if (keepAll) this.published.push(p);
      else this.latestByUri.set(params.uri, p);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    this.conn.onNotification((method, params) => this.notifications.push({ method, params, at: performance.now() }));
    this.conn.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests.push(params);
      return params.items.map((i) => (i.section === 'telemetryLens' ? this.settings : i.section === 'files' ? this.files : null));
    });
    this.conn.onRequest(RegistrationRequest.type, (p) => {
      this.registrations.push(...p.registrations);
    });
    this.conn.onRequest(WorkDoneProgressCreateRequest.type, () => null);
    this.conn.onRequest(CodeLensRefreshRequest.type, () => {
      this.codeLensRefreshes++;
    });
    this.conn.onNotification('$/progress', (p) => this.progress.push(p));
    this.conn.listen();
  }

  static async start(opts: StartOptions): Promise<{ client: TestClient; init: InitializeResult }> {
    const client = new TestClient(opts);
    const full = opts.fullCapabilities !== false;
    const init = await client.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(opts.workspace).toString(),
      workspaceFolders: [{ uri: pathToFileURL(opts.workspace).toString(), name: path.basename(opts.workspace) }],
      initializationOptions: opts.initializationOptions ?? null,
      capabilities: full
        ? {
            workspace: {
              configuration: true,
              workspaceFolders: true,
              didChangeWatchedFiles: { dynamicRegistration: true },
              didChangeConfiguration: { dynamicRegistration: true },
              codeLens: { refreshSupport: true },
            },
            window: { workDoneProgress: true },
            textDocument: {
              publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true, tagSupport: { valueSet: [1, 2] } },
              completion: { completionItem: { snippetSupport: true } },
              hover: { contentFormat: ['markdown', 'plaintext'] },
            },
          }
        : {},
    });
    await client.conn.sendNotification(InitializedNotification.type, {});
    return { client, init };
  }

  uri(rel: string): string {
    return pathToFileURL(path.join(this.opts.workspace, rel)).toString();
  }

  async open(rel: string, languageId: string, text?: string): Promise<string> {
    const uri = this.uri(rel);
    const content = text ?? fs.readFileSync(path.join(this.opts.workspace, rel), 'utf8');
    this.versions.set(uri, 1);
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text: content } });
    return uri;
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async changeConfiguration(settings: Record<string, unknown> | null): Promise<void> {
    this.settings = settings;
    await this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  /** Resolves with the first publication (already received or future) that satisfies `pred`. */
  waitFor(pred: (p: Published) => boolean, timeoutMs = 20_000, fromIndex = 0): Promise<Published> {
    const hit = this.opts.keepPublished === 'latest' ? [...this.latestByUri.values()].find(pred) : this.published.slice(fromIndex).find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out waiting for diagnostics; got ${JSON.stringify(this.published.slice(-3).map((p) => p.params), null, 1).slice(0, 2000)}\nstderr: ${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      const done = (p: Published) => {
        clearTimeout(timer);
        resolve(p);
      };
      this.waiters.push({ pred, resolve: done });
    });
  }

  /** Diagnostics for a URI at (at least) a document version. */
  async diagnostics(uri: string, version?: number, fromIndex = 0): Promise<Diagnostic[]> {
    const p = await this.waitFor((x) => x.params.uri === uri && (version === undefined || x.params.version === version), 20_000, fromIndex);
    return p.params.diagnostics;
  }

  /** The latest diagnostics published for a URI (undefined when none yet). */
  latest(uri: string): Diagnostic[] | undefined {
    if (this.opts.keepPublished === 'latest') return this.latestByUri.get(uri)?.params.diagnostics;
    for (let i = this.published.length - 1; i >= 0; i--) if (this.published[i].params.uri === uri) return this.published[i].params.diagnostics;
    return undefined;
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.proc.exitCode !== null) resolve(this.proc.exitCode);
      else this.proc.once('exit', (code) => resolve(code));
    });
    try {
      await Promise.race([this.conn.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 5000))]);
      await this.conn.sendNotification(ExitNotification.type);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    const code = await exited;
    clearTimeout(timer);
    this.conn.dispose();
    return code;
  }
}

/** A temporary workspace with the given files (relative path → content). */
export function makeWorkspace(files: Record<string, string>, name = 'tl-lsp-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), name)));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

/** Apply LSP text edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => {
    let o = 0;
    for (let i = 0; i < p.line; i++) o += lines[i].length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
