// Run comparison: pick two agent runs (Agent Runs context menu "Compare with…", or the command), the
// server compares them (CompareRuns), and a webview shows the two side by side.
import * as vscode from 'vscode';
import { CompareRuns, ListRuns, type AgentRun } from '../../protocol/protocol';
import type { CompareFromWebview, CompareToWebview } from '../../protocol/webview';
import type { Lens } from '../lens';
import { renderPage, webviewOptions } from '../webview/host';

export const COMPARE_PANEL = 'telemetryLens.compareRuns';

async function pickRun(lens: Lens, title: string, exclude?: string): Promise<string | undefined> {
  let runs: AgentRun[];
  try {
    runs = await lens.client.sendRequest(ListRuns);
  } catch (err) {
    return lens.fail('could not list the agent runs', err);
  }
  const items = runs.filter((r) => r.runId !== exclude).map((r) => ({
    label: r.label,
    description: r.runId !== r.label ? r.runId : undefined,
    detail: `${r.startedAt} · ${r.spanCount} record${r.spanCount === 1 ? '' : 's'}${r.errorCount ? ` · ${r.errorCount} error${r.errorCount === 1 ? '' : 's'}` : ''}`,
    runId: r.runId,
  }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`Telemetry Lens: ${exclude ? 'no other agent run' : 'no agent runs'} in the local store to compare.`);
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title, placeHolder: 'Agent run', matchOnDescription: true, matchOnDetail: true }))?.runId;
}

export class ComparePanel {
  private panel: vscode.WebviewPanel | undefined;
  private last: CompareToWebview | undefined;

  constructor(private readonly lens: Lens) {}

  /** Compare `runA` (picked when not given) with a second run picked from the list. */
  async compare(runA?: string, runB?: string): Promise<void> {
    const a = runA ?? (await pickRun(this.lens, 'Telemetry Lens: Compare Runs — first run (A)'));
    if (!a) return;
    const b = runB ?? (await pickRun(this.lens, `Telemetry Lens: Compare ${a} with…`, a));
    if (!b) return;
    let msg: CompareToWebview;
    try {
      msg = { type: 'comparison', comparison: await this.lens.client.sendRequest(CompareRuns, { runA: a, runB: b }) };
    } catch (err) {
      msg = { type: 'error', message: err instanceof Error ? err.message : String(err) };
    }
    this.last = msg;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(COMPARE_PANEL, 'Compare Runs', { viewColumn: vscode.ViewColumn.Active }, {
        ...webviewOptions(this.lens.context.extensionUri),
        retainContextWhenHidden: true,
      });
      this.panel.iconPath = vscode.Uri.joinPath(this.lens.context.extensionUri, 'media', 'telemetry-lens.svg');
      renderPage(this.panel.webview, this.lens.context.extensionUri, 'compare', 'Compare Runs');
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage(async (m: CompareFromWebview) => {
        if (m.type === 'ready' && this.last) void this.panel?.webview.postMessage(this.last);
        else if (m.type === 'copy') await vscode.env.clipboard.writeText(m.text);
      });
    } else {
      this.panel.reveal(undefined, false);
      void this.panel.webview.postMessage(msg);
    }
    this.panel.title = msg.type === 'comparison' ? `Compare: ${msg.comparison.a.label} ↔ ${msg.comparison.b.label}` : 'Compare Runs';
  }
}
