// Telemetry Lens extension entry point. Activation only wires things up: the language server
// process does every piece of real work (parsing, linting, receiving, querying).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SchemaChanged } from '../protocol/protocol';
import { registerCommands } from './commands';
import { Lens } from './lens';
import { createClient } from './lsp';
import { QueryPanel } from './query';
import { ReceiverStatusBar } from './statusBar';
import { EVENTS_VIEW, EventsTree } from './views/events';
import { HEALTH_VIEW, HealthView } from './views/health';
import { RUNS_VIEW, RunsTree } from './views/runs';
import { WaterfallPanels } from './views/waterfall';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Telemetry Lens');
  client = createClient(context, output);
  const lens = new Lens(context, client, output);

  const query = new QueryPanel(lens);
  const health = new HealthView(lens, (title, sql, result) => query.showResult(title, sql, result));
  const runs = new RunsTree(lens);
  const events = new EventsTree(lens);
  const waterfall = new WaterfallPanels(lens);
  const statusBar = new ReceiverStatusBar(lens);

  const runsView = vscode.window.createTreeView(RUNS_VIEW, { treeDataProvider: runs, showCollapseAll: true });
  const eventsView = vscode.window.createTreeView(EVENTS_VIEW, { treeDataProvider: events });
  context.subscriptions.push(
    output,
    lens,
    health,
    runs,
    events,
    statusBar,
    runsView,
    eventsView,
    vscode.window.registerWebviewViewProvider(HEALTH_VIEW, health),
    ...registerCommands(lens, { health, runs, events, query, waterfall, statusBar }),
    lens.onStoreChanged(() => waterfall.refreshSoon()),
  );
  client.onNotification(SchemaChanged, () => events.refresh());

  // Start the server without holding up activation; requests made meanwhile wait for it.
  client.start().then(
    () => void statusBar.load(),
    (err: unknown) => lens.fail('the language server did not start', err),
  );
  output.appendLine(`[client] activated in ${(performance.now() - started).toFixed(1)} ms`);
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop().catch(() => undefined);
}
