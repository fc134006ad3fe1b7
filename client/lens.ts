// Shared state of the extension: the language client, output channel, Logfire token access and
// an event fired when the store changes. Every view and command gets this one object.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SchemaChanged, ShowOutput, StoreChanged, type ReceiverStatus } from '../protocol/protocol';
import type { Backend } from '../protocol/settings';
import { createClient, readSettings } from './lsp';

export const TOKEN_KEY = 'telemetryLens.logfireReadToken';

export type StoreChange = { recordCount: number; added: number; port?: number; runIds: string[] };

export class Lens implements vscode.Disposable {
  private readonly storeEmitter = new vscode.EventEmitter<StoreChange>();
  private readonly receiverEmitter = new vscode.EventEmitter<ReceiverStatus>();
  private readonly schemaEmitter = new vscode.EventEmitter<void>();
  private languageClient: LanguageClient | undefined;
  /** Fires when the server reports new or deleted records. */
  readonly onStoreChanged = this.storeEmitter.event;
  /** Fires when this extension learns a new receiver status (start/stop/clear). */
  readonly onReceiverStatus = this.receiverEmitter.event;
  /** Fires when the server reloaded the schema. */
  readonly onSchemaChanged = this.schemaEmitter.event;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly output: vscode.OutputChannel,
  ) {}

  /** The language client, created on first use (requests made before `start()` wait for the server). */
  get client(): LanguageClient {
    if (this.languageClient) return this.languageClient;
    const client = (this.languageClient = createClient(this.context, this.output));
    client.onNotification(StoreChanged, (e) => this.storeEmitter.fire(e));
    client.onNotification(SchemaChanged, () => this.schemaEmitter.fire());
    client.onNotification(ShowOutput, (e) => {
      this.output.appendLine(`[client] ${e.reason}`);
      this.output.show(true);
    });
    return client;
  }

  /** Start the server process. */
  start(): Promise<void> {
    return this.client.start();
  }

  /** Stop the server process if it was ever started. */
  async stop(): Promise<void> {
    const c = this.languageClient;
    this.languageClient = undefined;
    if (c) await c.stop().catch(() => undefined);
  }

  get backend(): Backend {
    return readSettings().backend;
  }

  /** The stored Logfire read token (SecretStorage only). */
  async token(): Promise<string | undefined> {
    return (await this.context.secrets.get(TOKEN_KEY)) || undefined;
  }

  /** Token to send with a request: only for the Logfire backend. */
  async tokenFor(backend: Backend): Promise<string | undefined> {
    return backend === 'logfire' ? this.token() : undefined;
  }

  receiverChanged(status: ReceiverStatus): void {
    void vscode.commands.executeCommand('setContext', 'telemetryLens.receiverRunning', status.running);
    this.receiverEmitter.fire(status);
  }

  /** Log an error to the output channel and show it; returns undefined for `await`-chains. */
  fail(what: string, err: unknown): undefined {
    const msg = err instanceof Error ? err.message : String(err);
    this.output.appendLine(`[client] ${what}: ${msg}`);
    void vscode.window.showErrorMessage(`Telemetry Lens: ${what}: ${msg}`, 'Show Output').then((pick) => {
      if (pick) this.output.show(true);
    });
    return undefined;
  }

  dispose(): void {
    this.storeEmitter.dispose();
    this.receiverEmitter.dispose();
    this.schemaEmitter.dispose();
  }
}

/** True when `err` is the language client's answer to a cancelled request. */
export function isCancellation(err: unknown): boolean {
  const e = err as { code?: number; name?: string } | undefined;
  return e?.code === -32800 || e?.name === 'Canceled' || e?.name === 'CancellationError';
}
