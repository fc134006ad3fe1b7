// Health webview view: runs the checks and chart queries on the server and posts the results.
// Refreshes on a timer (health.refreshSeconds) and, throttled, when the store changes.
import * as vscode from 'vscode';
import {
  GenerateDemoData,
  GetChartData,
  GetReceiverStatus,
  RunHealthChecks,
  type HealthReport,
  type QueryResult,
  type ReceiverStatus,
} from '../../protocol/protocol';
import type { HealthFromWebview, HealthToWebview } from '../../protocol/webview';
import type { Backend } from '../../protocol/settings';
import { isCancellation, type Lens } from '../lens';
import { Throttle } from '../throttle';
import { readSettings } from '../lsp';
import { renderPage, webviewOptions } from '../webview/host';
import { MANAGE_TRUST_COMMAND, logfireTarget } from '../trust';

export const HEALTH_VIEW = 'telemetryLens.health';

export class HealthView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly throttle = new Throttle(() => void this.refresh());
  private running: vscode.CancellationTokenSource | undefined;
  private lastReport: HealthReport | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly lens: Lens, private readonly showRows: (title: string, sql: string, result: QueryResult) => void) {
    this.disposables.push(
      lens.onStoreChanged(() => this.scheduleRefresh(2000)),
      lens.onReceiverStatus(() => this.scheduleRefresh(200)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('telemetryLens.backend') || e.affectsConfiguration('telemetryLens.health')) {
          void this.postSettings();
          this.resetTimer();
          this.scheduleRefresh(0);
        }
      }),
      lens.context.secrets.onDidChange(() => {
        void this.postSettings();
        if (readSettings().backend === 'logfire') this.scheduleRefresh(0);
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.lens.context.extensionUri);
    renderPage(view.webview, this.lens.context.extensionUri, 'health', 'Telemetry Lens Health');
    view.webview.onDidReceiveMessage((m: HealthFromWebview) => this.onMessage(m), undefined, this.disposables);
    view.onDidChangeVisibility(() => {
      this.resetTimer();
      if (view.visible) this.scheduleRefresh(0);
    }, undefined, this.disposables);
    view.onDidDispose(() => {
      this.view = undefined;
      this.resetTimer();
    }, undefined, this.disposables);
    this.resetTimer();
  }

  /** The user granted Workspace Trust: the banner goes, the workspace's checks run. */
  trustGranted(): void {
    void this.postSettings();
    this.scheduleRefresh(0);
  }

  /** Run the checks now and reveal the view. */
  async runNow(): Promise<HealthReport | undefined> {
    await vscode.commands.executeCommand(`${HEALTH_VIEW}.focus`);
    return this.refresh();
  }

  private post(m: HealthToWebview): void {
    void this.view?.webview.postMessage(m);
  }

  private async postSettings(): Promise<void> {
    const s = readSettings();
    this.post({
      type: 'settings',
      backend: s.backend,
      timeRange: s['health.timeRange'],
      hasToken: !!(await this.lens.token()),
      refreshSeconds: s['health.refreshSeconds'],
      restricted: !vscode.workspace.isTrusted,
    });
  }

  private async onMessage(m: HealthFromWebview): Promise<void> {
    const cfg = vscode.workspace.getConfiguration('telemetryLens');
    switch (m.type) {
      case 'ready':
        await this.postSettings();
        return void this.refresh();
      case 'refresh':
        return void this.refresh();
      case 'setBackend':
        return void vscode.commands.executeCommand('telemetryLens.switchBackend', m.backend);
      case 'setTimeRange':
        return void cfg.update('health.timeRange', m.timeRange, vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
      case 'runDemo':
        return void vscode.commands.executeCommand('telemetryLens.runDemo');
      case 'setToken':
        return void vscode.commands.executeCommand('telemetryLens.setLogfireToken');
      case 'startReceiver':
        return void vscode.commands.executeCommand('telemetryLens.startReceiver');
      case 'manageTrust':
        return void vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
      case 'showCheck': {
        const check = this.lastReport?.checks.find((c) => c.id === m.checkId);
        if (check?.result) this.showRows(check.name, `-- health check ${check.id}${check.description ? `: ${check.description}` : ''}`, check.result);
        return;
      }
    }
  }

  private resetTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const secs = readSettings()['health.refreshSeconds'];
    if (this.view?.visible && secs > 0) this.timer = setInterval(() => void this.refresh(), Math.max(5, secs) * 1000);
  }

  private scheduleRefresh(ms: number): void {
    if (!this.view?.visible) return;
    this.throttle.request(ms);
  }

  /** Ask the server for checks, charts and receiver status; post the outcome to the webview. */
  async refresh(): Promise<HealthReport | undefined> {
    this.running?.cancel();
    const cts = (this.running = new vscode.CancellationTokenSource());
    const s = readSettings();
    const backend: Backend = s.backend;
    const timeRange = s['health.timeRange'];
    const token = await this.lens.tokenFor(backend);
    if (backend === 'logfire' && !token) {
      this.post({ type: 'needsToken' });
      return undefined;
    }
    this.post({ type: 'loading' });
    const c = this.lens.client;
    try {
      // The user's own base URL, once allowed; computed once for both requests (it may ask).
      const target = backend === 'logfire' ? await logfireTarget(this.lens.context) : {};
      let receiver: ReceiverStatus | undefined;
      if (backend === 'local') {
        receiver = await c.sendRequest(GetReceiverStatus, cts.token);
        if (receiver.recordCount === 0) {
          this.post({ type: 'empty', receiver });
          return undefined;
        }
      }
      const [report, charts] = await Promise.all([
        c.sendRequest(RunHealthChecks, { backend, timeRange, token, ...target }, cts.token),
        c.sendRequest(GetChartData, { backend, timeRange, token, ...target }, cts.token).catch((err: unknown) => {
          if (!isCancellation(err)) this.lens.output.appendLine(`[client] chart data: ${err instanceof Error ? err.message : String(err)}`);
          return null;
        }),
      ]);
      if (cts.token.isCancellationRequested) return undefined;
      this.lastReport = report;
      this.post({ type: 'report', report, charts, receiver });
      return report;
    } catch (err) {
      if (isCancellation(err) || cts.token.isCancellationRequested) return undefined;
      const message = err instanceof Error ? err.message : String(err);
      this.lens.output.appendLine(`[client] health checks: ${message}`);
      this.post({ type: 'error', message });
      return undefined;
    }
  }

  /** Generate demo traffic into the local store, then refresh. */
  static async runDemo(lens: Lens): Promise<void> {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Telemetry Lens: writing demo traffic…' }, async () => {
      try {
        const r = await lens.client.sendRequest(GenerateDemoData, {});
        void vscode.window.showInformationMessage(`Telemetry Lens: wrote ${r.records} demo records to the local store.`);
        lens.receiverChanged(await lens.client.sendRequest(GetReceiverStatus));
      } catch (err) {
        lens.fail('demo traffic failed', err);
      }
    });
  }

  dispose(): void {
    this.view = undefined;
    this.resetTimer();
    this.throttle.cancel();
    this.running?.cancel();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
