// Shared state of the extension: the language client, output channel, Logfire token access and
// an event fired when the store changes. Every view and command gets this one object.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ShowOutput, StoreChanged, type ReceiverStatus } from '../protocol/protocol';
import type { Backend } from '../protocol/settings';
import { readSettings } from './lsp';

export const TOKEN_KEY = 'telemetryLens.logfireReadToken';

export type StoreChange = { recordCount: number; added: number; port?: number; runIds: string[] };

export class Lens implements vscode.Disposable {
  private readonly storeEmitter = new vscode.EventEmitter<StoreChange>();
  private readonly receiverEmitter = new vscode.EventEmitter<ReceiverStatus>();
  /** Fires when the server reports new or deleted records. */
  readonly onStoreChanged = this.storeEmitter.event;
  /** Fires when this extension learns a new receiver status (start/stop/clear). */
  readonly onReceiverStatus = this.receiverEmitter.event;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly client: LanguageClient,
    readonly output: vscode.OutputChannel,
  ) {
    client.onNotification(StoreChanged, (e) => this.storeEmitter.fire(e));
    client.onNotification(ShowOutput, (e) => {
      output.appendLine(`[client] ${e.reason}`);
      output.show(true);
    });
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
  }
}

/** True when `err` is the language client's answer to a cancelled request. */
export function isCancellation(err: unknown): boolean {
  const e = err as { code?: number; name?: string } | undefined;
  return e?.code === -32800 || e?.name === 'Canceled' || e?.name === 'CancellationError';
}
