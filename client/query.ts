// "Run Query…": saved queries from the schema, history and free SQL; results in one reusable
// webview panel with sort, copy and CSV/JSON export. Long queries show progress and can be cancelled.
import * as vscode from 'vscode';
import { RunQuery, SavedQueries, type QueryResult } from '../protocol/protocol';
import type { QueryFromWebview, QueryToWebview } from '../protocol/webview';
import { pushHistory } from './history';
import { isCancellation, type Lens } from './lens';
import { readSettings } from './lsp';
import { logfireTarget } from './trust';
import { toCsv, toJson } from '../protocol/format';
import { renderPage, webviewOptions } from './webview/host';

const HISTORY_KEY = 'telemetryLens.queryHistory';
export const QUERY_PANEL = 'telemetryLens.queryResults';

export class QueryPanel {
  private panel: vscode.WebviewPanel | undefined;
  private last: QueryToWebview | undefined;
  private lastResult: QueryResult | undefined;
  private lastSql = '';

  constructor(private readonly lens: Lens) {}

  private show(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(QUERY_PANEL, 'Query Results', { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, {
      ...webviewOptions(this.lens.context.extensionUri),
      retainContextWhenHidden: true,
    });
    panel.iconPath = vscode.Uri.joinPath(this.lens.context.extensionUri, 'media', 'telemetry-lens.svg');
    renderPage(panel.webview, this.lens.context.extensionUri, 'query', 'Query Results');
    panel.webview.onDidReceiveMessage((m: QueryFromWebview) => this.onMessage(m));
    panel.onDidDispose(() => (this.panel = undefined));
    return (this.panel = panel);
  }

  private post(m: QueryToWebview): void {
    this.last = m;
    if (m.type === 'result') this.lastResult = m.result;
    void this.panel?.webview.postMessage(m);
  }

  /** Show an already computed result (e.g. the rows behind a health check). */
  showResult(title: string, sql: string, result: QueryResult): void {
    this.show();
    this.lastSql = sql;
    this.post({ type: 'result', sql, result, title });
  }

  /** Run `sql` on the current backend with a cancellable progress notification. */
  async run(sql: string): Promise<QueryResult | undefined> {
    const backend = readSettings().backend;
    const token = await this.lens.tokenFor(backend);
    if (backend === 'logfire' && !token) {
      const pick = await vscode.window.showWarningMessage('Telemetry Lens: the Logfire backend needs a read token.', 'Set Logfire Read Token');
      if (pick) await vscode.commands.executeCommand('telemetryLens.setLogfireToken');
      return undefined;
    }
    this.lastSql = sql;
    const history = pushHistory(this.lens.context.globalState.get<string[]>(HISTORY_KEY, []), sql);
    await this.lens.context.globalState.update(HISTORY_KEY, history);
    this.show();
    this.post({ type: 'running', sql });
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Telemetry Lens: running query…', cancellable: true },
      async (_progress, cancel) => {
        try {
          const target = backend === 'logfire' ? await logfireTarget(this.lens.context) : {};
          const result = await this.lens.client.sendRequest(RunQuery, { sql, backend, token, ...target }, cancel);
          this.post({ type: 'result', sql, result });
          return result;
        } catch (err) {
          if (cancel.isCancellationRequested || isCancellation(err)) {
            this.post({ type: 'cancelled', sql });
            return undefined;
          }
          const message = err instanceof Error ? err.message : String(err);
          this.lens.output.appendLine(`[client] query failed: ${message}`);
          this.post({ type: 'error', sql, message });
          return undefined;
        }
      },
    );
  }

  private async onMessage(m: QueryFromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        if (this.last) void this.panel?.webview.postMessage(this.last);
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        return;
      case 'rerun':
        if (this.lastSql && !this.lastSql.startsWith('-- health check')) await this.run(this.lastSql);
        else await vscode.commands.executeCommand('telemetryLens.runHealthChecks');
        return;
      case 'export': {
        const r = this.lastResult;
        if (!r) return;
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const name = `query-results.${m.format}`;
        const target = await vscode.window.showSaveDialog({
          defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
          filters: m.format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
          saveLabel: `Export ${m.format.toUpperCase()}`,
        });
        if (!target) return;
        const order = m.order.filter((i) => Number.isInteger(i) && i >= 0 && i < r.rows.length);
        const text = m.format === 'csv' ? toCsv(r, order.length === r.rows.length ? order : undefined) : toJson(r, order.length === r.rows.length ? order : undefined);
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
        void vscode.window.showInformationMessage(`Telemetry Lens: exported ${r.rows.length} rows to ${vscode.workspace.asRelativePath(target)}.`);
        return;
      }
    }
  }
}

interface SqlPick extends vscode.QuickPickItem {
  sql?: string;
}

/** The Run Query… quick pick: typed SQL, saved queries and history. Resolves to the SQL to run. */
export async function pickQuery(lens: Lens): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<SqlPick>();
  qp.title = 'Telemetry Lens: Run Query';
  qp.placeholder = 'Type SQL (Logfire records table) or pick a saved query';
  qp.matchOnDetail = true;
  qp.busy = true;
  const history = lens.context.globalState.get<string[]>(HISTORY_KEY, []);
  let saved: SqlPick[] = [];
  const items = (): SqlPick[] => {
    const typed = qp.value.trim();
    const out: SqlPick[] = [];
    if (typed) out.push({ label: `$(play) Run: ${typed}`, sql: typed, alwaysShow: true });
    if (saved.length) out.push({ label: 'Saved queries', kind: vscode.QuickPickItemKind.Separator }, ...saved);
    if (history.length) {
      out.push({ label: 'History', kind: vscode.QuickPickItemKind.Separator });
      out.push(...history.map((sql) => ({ label: `$(history) ${sql.replace(/\s+/g, ' ').slice(0, 120)}`, detail: sql.length > 120 ? sql : undefined, sql })));
    }
    return out;
  };
  qp.items = items();
  qp.onDidChangeValue(() => (qp.items = items()));
  lens.client.sendRequest(SavedQueries).then(
    (qs) => {
      saved = qs.map((q) => ({ label: `$(database) ${q.name}`, description: q.description, detail: q.sql.replace(/\s+/g, ' '), sql: q.sql }));
      qp.items = items();
      qp.busy = false;
    },
    (err: unknown) => {
      qp.busy = false;
      lens.output.appendLine(`[client] saved queries: ${err instanceof Error ? err.message : String(err)}`);
    },
  );
  return new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const pick = qp.selectedItems[0];
      const sql = pick?.sql ?? (qp.value.trim() || undefined);
      qp.hide();
      resolve(sql);
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}
