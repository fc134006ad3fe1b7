// The trace waterfall panel (one per trace) and jump-to-source for spans carrying code.* attributes.
import * as vscode from 'vscode';
import { GetTrace, type TraceDetail } from '../../protocol/protocol';
import type { WaterfallFromWebview, WaterfallToWebview } from '../../protocol/webview';
import type { Lens } from '../lens';
import { sourceLine } from '../../protocol/format';
import { renderPage, webviewOptions } from '../webview/host';

export const WATERFALL_PANEL = 'telemetryLens.traceWaterfall';

/**
 * The workspace file a span's `code.filepath` names: absolute paths as-is when inside a folder,
 * relative ones against each workspace folder, else the longest matching path suffix found by search.
 */
export async function resolveSourceFile(filepath: string): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const exists = async (u: vscode.Uri): Promise<boolean> => {
    try {
      return (await vscode.workspace.fs.stat(u)).type === vscode.FileType.File;
    } catch {
      return false;
    }
  };
  const norm = filepath.replace(/\\/g, '/');
  if (/^(\/|[A-Za-z]:\/)/.test(norm)) {
    const u = vscode.Uri.file(filepath);
    if (vscode.workspace.getWorkspaceFolder(u) && (await exists(u))) return u;
  } else {
    for (const f of folders) {
      const u = vscode.Uri.joinPath(f.uri, norm);
      if (await exists(u)) return u;
    }
  }
  // Paths recorded on another machine or relative to a sub-package: match by trailing segments.
  const parts = norm.split('/').filter(Boolean);
  for (let i = Math.max(0, parts.length - 4); i < parts.length; i++) {
    const tail = parts.slice(i).join('/');
    const found = await vscode.workspace.findFiles(`**/${tail}`, '**/node_modules/**', 2);
    if (found.length === 1) return found[0];
    if (found.length > 1) return found.sort((a, b) => a.fsPath.length - b.fsPath.length)[0];
  }
  return undefined;
}

/**
 * Opens the file a span names at its `code.lineno`. A line past the end of the file (the file changed
 * since the span was recorded, or the span comes from other code) is said in a warning, and the
 * editor is not moved to some other line. False when the file is not in the workspace.
 */
export async function openSource(filepath: string, lineno: number | undefined, preserveFocus: boolean): Promise<boolean> {
  const uri = await resolveSourceFile(filepath);
  if (!uri) return false;
  const doc = await vscode.workspace.openTextDocument(uri);
  const target = sourceLine(lineno, doc.lineCount);
  if ('problem' in target) {
    void vscode.window.showWarningMessage(`Telemetry Lens: ${vscode.workspace.asRelativePath(uri)} ${target.problem}.`);
    return true;
  }
  const range = new vscode.Range(target.line, 0, target.line, 0);
  await vscode.window.showTextDocument(doc, { selection: range, preserveFocus, preview: true, viewColumn: vscode.ViewColumn.One });
  return true;
}

export class WaterfallPanels {
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; last?: WaterfallToWebview }>();

  constructor(private readonly lens: Lens) {}

  /** Open (or reveal) the waterfall of `traceId`, selecting `spanId`. Resolves to the trace, or undefined when unknown. */
  async open(traceId: string, spanId?: string): Promise<TraceDetail | undefined> {
    let trace: TraceDetail | null;
    try {
      trace = await this.lens.client.sendRequest(GetTrace, { traceId });
    } catch (err) {
      return this.lens.fail('could not load the trace', err);
    }
    if (!trace) {
      void vscode.window.showWarningMessage(`Telemetry Lens: trace ${traceId} is not in the store.`);
      return undefined;
    }
    const msg: WaterfallToWebview = { type: 'trace', trace, selectedSpanId: spanId };
    const existing = this.panels.get(traceId);
    if (existing) {
      existing.last = msg;
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      void existing.panel.webview.postMessage(msg);
      return trace;
    }
    const root = trace.spans.find((s) => !s.parentSpanId) ?? trace.spans[0];
    const panel = vscode.window.createWebviewPanel(
      WATERFALL_PANEL,
      `Trace: ${root?.message || root?.name || traceId.slice(0, 8)}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { ...webviewOptions(this.lens.context.extensionUri), retainContextWhenHidden: true },
    );
    panel.iconPath = vscode.Uri.joinPath(this.lens.context.extensionUri, 'media', 'telemetry-lens.svg');
    const entry: { panel: vscode.WebviewPanel; last?: WaterfallToWebview } = { panel, last: msg };
    this.panels.set(traceId, entry);
    renderPage(panel.webview, this.lens.context.extensionUri, 'waterfall', `Trace ${traceId}`);
    panel.onDidDispose(() => this.panels.delete(traceId));
    panel.webview.onDidReceiveMessage(async (m: WaterfallFromWebview) => {
      if (m.type === 'ready' && entry.last) void panel.webview.postMessage(entry.last);
      else if (m.type === 'copy') await vscode.env.clipboard.writeText(m.text);
      else if (m.type === 'openSource') {
        if (!(await openSource(m.filepath, m.lineno, false))) {
          void vscode.window.showWarningMessage(`Telemetry Lens: ${m.filepath} is not in this workspace.`);
        }
      } else if (m.type === 'selectSpan') {
        const span = entry.last?.type === 'trace' ? entry.last.trace.spans.find((s) => s.spanId === m.spanId) : undefined;
        if (entry.last?.type === 'trace') entry.last = { ...entry.last, selectedSpanId: m.spanId };
        if (span?.codeFilepath) await openSource(span.codeFilepath, span.codeLineno, true);
      }
    });
    return trace;
  }

  private refreshTimer: NodeJS.Timeout | undefined;

  /** Reload every open waterfall (live runs grow while the panel is open), at most once a second. */
  refreshSoon(): void {
    if (this.refreshTimer || this.panels.size === 0) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refreshAll();
    }, 1000);
  }

  private async refreshAll(): Promise<void> {
    for (const [traceId, entry] of this.panels) {
      const trace = await this.lens.client.sendRequest(GetTrace, { traceId }).catch(() => null);
      if (!trace) continue;
      const selectedSpanId = entry.last?.type === 'trace' ? entry.last.selectedSpanId : undefined;
      entry.last = { type: 'trace', trace, selectedSpanId };
      void entry.panel.webview.postMessage(entry.last);
    }
  }
}
