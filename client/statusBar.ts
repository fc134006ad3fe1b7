// Status bar: receiver port and record count; click for receiver quick actions.
import * as vscode from 'vscode';
import { GetReceiverStatus, type ReceiverStatus } from '../protocol/protocol';
import type { Lens } from './lens';
import { formatCount } from '../protocol/format';

export class ReceiverStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('telemetryLens.receiver', vscode.StatusBarAlignment.Left, 20);
  private status: ReceiverStatus | undefined;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly lens: Lens) {
    this.item.name = 'Telemetry Lens Receiver';
    this.item.command = 'telemetryLens.statusBarActions';
    this.item.text = '$(radio-tower) Telemetry Lens';
    this.item.tooltip = 'Telemetry Lens: starting…';
    this.subs = [
      lens.onStoreChanged((e) => {
        this.status = { ...(this.status ?? { running: e.port !== undefined, dbPath: '' }), recordCount: e.recordCount, port: e.port ?? this.status?.port };
        this.render();
      }),
      lens.onReceiverStatus((s) => {
        this.status = s;
        this.render();
      }),
    ];
    this.item.show();
  }

  /** Ask the server once the client is up. */
  async load(): Promise<void> {
    try {
      this.lens.receiverChanged(await this.lens.client.sendRequest(GetReceiverStatus));
    } catch (err) {
      this.item.text = '$(radio-tower) Telemetry Lens $(warning)';
      this.item.tooltip = `Telemetry Lens: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /** Re-render (e.g. after Workspace Trust was granted). */
  refresh(): void {
    this.render();
  }

  get current(): ReceiverStatus | undefined {
    return this.status;
  }

  private render(): void {
    const s = this.status;
    if (!s) return;
    const count = formatCount(s.recordCount);
    this.item.text = s.running ? `$(radio-tower) :${s.port} · ${count}` : `$(circle-slash) receiver off · ${count}`;
    this.item.tooltip = new vscode.MarkdownString(
      (s.running ? `OTLP receiver on \`http://127.0.0.1:${s.port}\`` : 'OTLP receiver stopped') +
        `\n\n${s.recordCount} records in \`${s.dbPath}\`${s.error ? `\n\n$(error) ${s.error}` : ''}` +
        (vscode.workspace.isTrusted ? '' : '\n\n$(shield) Restricted Mode: workspace health checks and agent runs are off until you trust the workspace') +
        '\n\nClick for actions',
      true,
    );
    this.item.backgroundColor = s.error ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = {
      label: s.running ? `Telemetry Lens receiver on port ${s.port}, ${s.recordCount} records` : `Telemetry Lens receiver stopped, ${s.recordCount} records`,
    };
  }

  /** Quick actions behind the status bar item. */
  async actions(): Promise<void> {
    const running = this.status?.running ?? false;
    const items: (vscode.QuickPickItem & { command: string })[] = [
      running
        ? { label: '$(debug-stop) Stop Receiver', command: 'telemetryLens.stopReceiver' }
        : { label: '$(play) Start Receiver', command: 'telemetryLens.startReceiver' },
      { label: '$(pulse) Open Health', command: 'telemetryLens.runHealthChecks' },
      { label: '$(terminal) Trace Agent Run…', command: 'telemetryLens.traceAgentRun' },
      { label: '$(database) Run Query…', command: 'telemetryLens.runQuery' },
      { label: '$(beaker) Run Demo Traffic', command: 'telemetryLens.runDemo' },
      { label: '$(copy) Copy OTLP Endpoint', command: 'telemetryLens.copyEndpoint' },
      { label: '$(output) Show Output', command: 'telemetryLens.showOutput' },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'Telemetry Lens', placeHolder: this.item.accessibilityInformation?.label });
    if (pick) await vscode.commands.executeCommand(pick.command);
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
    this.item.dispose();
  }
}
