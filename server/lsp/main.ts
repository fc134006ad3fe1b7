// The Telemetry Lens language server: one process per editor window, started by the VS Code client
// (IPC or stdio) or as `telemetry-lens lsp --stdio` for any other LSP client.
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  WatchKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { LanguageServerState } from './state';
import { registerCodeActions, FIX_ALL_KIND } from './codeActions';
import { registerHover } from './hover';
import { registerCompletion } from './completion';
import { registerNavigation } from './navigation';
import { registerCodeLens } from './codeLens';
import { registerCustomRequests } from './requests';
import { createServerConnection } from './transport';
import type { TelemetryService } from './telemetry';

export interface StartOptions {
  /** An existing connection (tests); default: from the process arguments (--stdio / --node-ipc / --socket). */
  connection?: Connection;
}

export function startLanguageServer(opts: StartOptions = {}): Connection {
  const own = opts.connection ? undefined : createServerConnection();
  const connection = opts.connection ?? own!.connection;
  const state = new LanguageServerState(connection);
  // The telemetry service (store + receiver) is created after `initialized`, once the open documents are
  // linted: loading it brings in DuckDB. Requests that need it wait for it; CodeLens has none before.
  let telemetry: TelemetryService | undefined;
  let telemetryCreated!: (t: TelemetryService) => void;
  const telemetryReady = new Promise<TelemetryService>((resolve) => (telemetryCreated = resolve));
  const createTelemetry = async (): Promise<TelemetryService> => {
    const { TelemetryService } = await import('./telemetry');
    telemetry = new TelemetryService(state);
    telemetryCreated(telemetry);
    return telemetry;
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    state.initialize(params);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, CodeActionKind.SourceFixAll] },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['"', "'", '`', '(', ',', '=', '{'], resolveProvider: false },
        definitionProvider: true,
        referencesProvider: true,
        codeLensProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'telemetry-lens', version: state.version },
    };
  });

  connection.onInitialized(() => {
    const caps = state.clientCapabilities;
    if (caps?.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.{py,pyi,ts,tsx,mts,cts,js,jsx,mjs,cjs}', kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
          { globPattern: '**/telemetry.schema.{yaml,yml,json}', kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
          // Weaver registry files (a registry as the schema or under `registries:`); others are ignored.
          { globPattern: '**/*.{yaml,yml}', kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
          { globPattern: '**/.gitignore', kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
        ],
      });
    }
    if (caps?.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: ['telemetryLens', 'files'] });
    }
    if (caps?.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => state.changeFolders(e.added, e.removed));
    }
    void state.afterInitialized(createTelemetry);
  });

  connection.onDidOpenTextDocument((p) => state.didOpen(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text));
  connection.onDidChangeTextDocument((p) => state.didChange(p.textDocument.uri, p.textDocument.version, p.contentChanges));
  connection.onDidCloseTextDocument((p) => state.didClose(p.textDocument.uri));
  connection.onDidSaveTextDocument(() => undefined);
  connection.onDidChangeConfiguration((p) => state.configurationChanged(p.settings));
  connection.onDidChangeWatchedFiles((p) => state.watchedFilesChanged(p.changes));

  registerCodeActions(connection, state);
  registerHover(connection, state);
  registerCompletion(connection, state);
  registerNavigation(connection, state);
  registerCodeLens(connection, state, () => telemetry);
  registerCustomRequests(connection, state, telemetryReady);

  connection.onShutdown(() => {
    own?.shutdownReceived();
    return state.shutdown();
  });
  connection.listen();
  return connection;
}
