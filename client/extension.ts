// Telemetry Lens extension entry point. Activation only wires things up: the language server
// process does every piece of real work (parsing, linting, receiving, querying), and even the
// language client library is loaded after activate() has returned.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Lens } from './lens';
import { QueryPanel } from './query';
import { ReceiverStatusBar } from './statusBar';
import { EVENTS_VIEW, EventsTree } from './views/events';
import { HEALTH_VIEW, HealthView } from './views/health';
import { RUNS_VIEW, RunsTree } from './views/runs';
import { WaterfallPanels } from './views/waterfall';
import { WorkspaceTrustChanged } from '../protocol/protocol';
import { setIgnoredSettingListener } from './lsp';

let lens: Lens | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Telemetry Lens');
  const l = (lens = new Lens(context, output));

  const query = new QueryPanel(l);
  const health = new HealthView(l, (title, sql, result) => query.showResult(title, sql, result));
  const runs = new RunsTree(l);
  const events = new EventsTree(l);
  const waterfall = new WaterfallPanels(l);
  const statusBar = new ReceiverStatusBar(l);

  const runsView = vscode.window.createTreeView(RUNS_VIEW, { treeDataProvider: runs, showCollapseAll: true });
  const eventsView = vscode.window.createTreeView(EVENTS_VIEW, { treeDataProvider: events });
  context.subscriptions.push(
    output,
    l,
    health,
    runs,
    events,
    statusBar,
    runsView,
    eventsView,
    vscode.window.registerWebviewViewProvider(HEALTH_VIEW, health),
    ...registerCommands(l, { health, runs, events, query, waterfall, statusBar }),
    l.onStoreChanged(() => waterfall.refreshSoon()),
    l.onSchemaChanged(() => events.refresh()),
  );
  // Workspace settings Telemetry Lens will not act on: said once in the output.
  setIgnoredSettingListener((key, level, userOnly) =>
    output.appendLine(
      `[client] ignoring ${key} from the ${level === 'workspace' ? 'workspace' : 'folder'} settings: ` +
        (userOnly ? 'it is only read from your user settings' : 'the workspace is not trusted (Restricted Mode)'),
    ),
  );
  if (!vscode.workspace.isTrusted) output.appendLine('[client] Restricted Mode: workspace health SQL, agent runs and workspace backend/base URL/store path settings are off until you trust the workspace');
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      output.appendLine('[client] workspace trusted');
      void l.client.sendNotification(WorkspaceTrustChanged, { trusted: true }).catch(() => undefined);
      health.trustGranted();
      statusBar.refresh();
    }),
  );
  output.appendLine(`[client] activated in ${(performance.now() - started).toFixed(1)} ms`);

  // Start the server once activation has returned; requests made meanwhile wait for it.
  setImmediate(() => {
    const t = performance.now();
    l.start().then(
      () => {
        output.appendLine(`[client] language server ready in ${(performance.now() - t).toFixed(0)} ms`);
        void statusBar.load();
      },
      (err: unknown) => l.fail('the language server did not start', err),
    );
  });
}

export async function deactivate(): Promise<void> {
  const l = lens;
  lens = undefined;
  await l?.stop();
}
