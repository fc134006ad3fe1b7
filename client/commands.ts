// Every command the extension registers, in one table. Ids are literal so the manifest check can
// match them against package.json `contributes.commands`.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ClearLocalData,
  DraftSchema,
  ExportRecords,
  ImportRecords,
  LintWorkspace,
  SchemaInfo,
  StartReceiver,
  StopReceiver,
  ValidateToken,
  type ReceiverStatus,
} from '../protocol/protocol';
import type { Backend } from '../protocol/settings';
import { traceAgentRun } from './agentRun';
import { TOKEN_KEY, type Lens } from './lens';
import { pickQuery, type QueryPanel } from './query';
import { logfireTarget } from './trust';
import type { ReceiverStatusBar } from './statusBar';
import { findCallSites, type EventsTree } from './views/events';
import { HealthView } from './views/health';
import { RUNS_VIEW, type RunNode, type RunsTree } from './views/runs';
import { openSource, type WaterfallPanels } from './views/waterfall';
import { ComparePanel } from './views/compare';

export interface Parts {
  health: HealthView;
  runs: RunsTree;
  events: EventsTree;
  query: QueryPanel;
  waterfall: WaterfallPanels;
  statusBar: ReceiverStatusBar;
}

const folderUri = (): vscode.Uri | undefined => vscode.workspace.workspaceFolders?.[0]?.uri;

async function receiver(lens: Lens, action: () => Promise<ReceiverStatus>, verb: string): Promise<void> {
  try {
    const s = await action();
    lens.receiverChanged(s);
    if (s.error) void vscode.window.showWarningMessage(`Telemetry Lens: receiver: ${s.error}`);
    else void vscode.window.setStatusBarMessage(`Telemetry Lens: receiver ${s.running ? `listening on 127.0.0.1:${s.port}` : 'stopped'}`, 4000);
  } catch (err) {
    lens.fail(`could not ${verb} the receiver`, err);
  }
}

async function createSchema(lens: Lens): Promise<void> {
  const draft = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Drafting schema…' }, () =>
    lens.client.sendRequest(DraftSchema).then((d) => d, (err: unknown) => lens.fail('could not draft a schema', err)),
  );
  if (!draft) return;
  const folder = folderUri();
  const target = path.isAbsolute(draft.suggestedPath) ? vscode.Uri.file(draft.suggestedPath) : folder ? vscode.Uri.joinPath(folder, draft.suggestedPath) : undefined;
  const language = draft.suggestedPath.endsWith('.json') ? 'json' : 'yaml';
  const exists = target ? await vscode.workspace.fs.stat(target).then(() => true, () => false) : true;
  let write = false;
  if (target && !exists) {
    const name = vscode.workspace.asRelativePath(target);
    const pick = await vscode.window.showInformationMessage(
      `Create ${name} with ${draft.events} events found in the workspace?`, { modal: true }, 'Write File', 'Open Unsaved Draft');
    if (!pick) return;
    write = pick === 'Write File';
  }
  if (write && target) {
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(draft.text));
    await vscode.window.showTextDocument(target);
    return;
  }
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: draft.text, language }));
  if (exists && target) void vscode.window.showInformationMessage(`${vscode.workspace.asRelativePath(target)} already exists; the draft is open unsaved.`);
}

async function openSchema(lens: Lens): Promise<void> {
  const info = await lens.client.sendRequest(SchemaInfo).then((i) => i, (err: unknown) => lens.fail('could not read the schema', err));
  if (!info) return;
  const uri = /^[a-z][\w+.-]+:\/\//i.test(info.source) ? vscode.Uri.parse(info.source) : vscode.Uri.file(info.source);
  const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
  if (exists) await vscode.window.showTextDocument(uri);
  if (info.bundled) {
    const pick = await vscode.window.showInformationMessage(
      `Telemetry Lens uses the bundled default schema (${info.events} events). Create one for this workspace?`, 'Create Schema from Workspace');
    if (pick) await vscode.commands.executeCommand('telemetryLens.createSchema');
  } else if (!exists) {
    void vscode.window.showWarningMessage(`Telemetry Lens: schema ${info.source} cannot be opened.`);
  }
}

async function setToken(lens: Lens): Promise<void> {
  const token = await vscode.window.showInputBox({
    title: 'Telemetry Lens: Logfire Read Token',
    prompt: 'A Logfire read token (project settings → Read tokens). Stored in VS Code secret storage only.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Paste a read token'),
  });
  if (!token) return;
  type Validation = { ok: boolean; region: string; baseUrl: string; project?: string; error?: string };
  const res: Validation = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Checking the Logfire token…' }, () =>
    logfireTarget(lens.context)
      .then((target) => lens.client.sendRequest(ValidateToken, { token: token.trim(), ...target }))
      .then((r) => r, (err: unknown) => ({ ok: false, region: '', baseUrl: '', error: String(err instanceof Error ? err.message : err) })),
  );
  if (!res.ok) {
    const pick = await vscode.window.showWarningMessage(`Telemetry Lens: the token did not work: ${res.error ?? 'unknown error'}`, 'Store Anyway');
    if (pick !== 'Store Anyway') return;
  }
  await lens.context.secrets.store(TOKEN_KEY, token.trim());
  void vscode.window.showInformationMessage(
    `Telemetry Lens: Logfire token stored${res.ok ? ` (${res.region} region${res.project ? `, project ${res.project}` : ''})` : ''}.`);
}

const RECORD_FILES = { 'Records (NDJSON, Parquet, CSV, Logfire answers)': ['ndjson', 'jsonl', 'json', 'parquet', 'csv'], 'All files': ['*'] };

async function importRecords(lens: Lens, p: Parts): Promise<void> {
  const files = await vscode.window.showOpenDialog({
    title: 'Telemetry Lens: Import Records into the Local Store',
    openLabel: 'Import',
    canSelectMany: true,
    filters: RECORD_FILES,
    ...(folderUri() ? { defaultUri: folderUri() } : {}),
  });
  if (!files?.length) return;
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Telemetry Lens: importing ${files.length === 1 ? path.basename(files[0].fsPath) : `${files.length} files`}…` },
    () => lens.client.sendRequest(ImportRecords, { files: files.map((f) => f.fsPath) }).then((x) => x, (err: unknown) => lens.fail('import failed, nothing was imported', err)),
  );
  if (!r) return;
  const skipped = r.duplicates ? [`${r.duplicates.toLocaleString()} already stored or repeated`] : [];
  void vscode.window.showInformationMessage(
    `Telemetry Lens: imported ${r.inserted.toLocaleString()} of ${r.rows.toLocaleString()} records from ${r.files} file${r.files === 1 ? '' : 's'}${skipped.length ? ` (${skipped.join(', ')})` : ''}.`,
  );
  p.runs.refresh();
  p.events.refresh();
}

async function exportRecords(lens: Lens, run?: RunNode): Promise<void> {
  const runId = run?.kind === 'run' ? run.run.runId : undefined;
  const base = folderUri();
  const name = `${runId ?? 'telemetry-records'}.parquet`;
  const target = await vscode.window.showSaveDialog({
    title: runId ? `Telemetry Lens: Export Run ${runId}` : 'Telemetry Lens: Export Records from the Local Store',
    saveLabel: 'Export',
    filters: { Parquet: ['parquet'], NDJSON: ['ndjson', 'jsonl'], CSV: ['csv'] },
    ...(base ? { defaultUri: vscode.Uri.joinPath(base, name) } : {}),
  });
  if (!target) return;
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Telemetry Lens: exporting records…' }, () =>
    lens.client.sendRequest(ExportRecords, { file: target.fsPath, ...(runId ? { runId } : {}) }).then((x) => x, (err: unknown) => lens.fail('export failed', err)),
  );
  if (!r) return;
  const pick = await vscode.window.showInformationMessage(
    `Telemetry Lens: exported ${r.rows.toLocaleString()} records to ${vscode.workspace.asRelativePath(target)} (${r.format}).`, 'Open Containing Folder');
  if (pick) await vscode.commands.executeCommand('revealFileInOS', target);
}

async function switchBackend(lens: Lens, to?: Backend): Promise<void> {
  let backend = to;
  if (backend !== 'local' && backend !== 'logfire') {
    const cur = lens.backend;
    const pick = await vscode.window.showQuickPick(
      [
        { label: '$(database) Local store', description: cur === 'local' ? 'current' : 'DuckDB fed by the OTLP receiver', backend: 'local' as Backend },
        { label: '$(cloud) Logfire', description: cur === 'logfire' ? 'current' : 'query API with your read token', backend: 'logfire' as Backend },
      ],
      { title: 'Telemetry Lens: Switch Backend' },
    );
    backend = pick?.backend;
  }
  if (!backend) return;
  // An untrusted workspace's backend setting is ignored, so the choice goes to the user's settings there.
  const target = vscode.workspace.workspaceFolders && vscode.workspace.isTrusted ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('telemetryLens').update('backend', backend, target);
  if (backend === 'logfire' && !(await lens.token())) {
    const pick = await vscode.window.showInformationMessage('Telemetry Lens: set a Logfire read token to query Logfire.', 'Set Logfire Read Token');
    if (pick) await setToken(lens);
  }
}

export function registerCommands(lens: Lens, p: Parts): vscode.Disposable[] {
  const compare = new ComparePanel(lens);
  const table: [string, (...args: never[]) => unknown][] = [
    ['telemetryLens.compareRuns', () => compare.compare()],
    ['telemetryLens.compareWith', (n?: RunNode) => compare.compare(n?.kind === 'run' ? n.run.runId : undefined)],
    ['telemetryLens.lintWorkspace', () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Telemetry Lens: linting workspace…' }, async () => {
        const r = await lens.client.sendRequest(LintWorkspace).then((x) => x, (err: unknown) => lens.fail('lint failed', err));
        if (r) void vscode.window.showInformationMessage(`Telemetry Lens: ${r.files} files, ${r.findings} findings (${Math.round(r.durationMs)} ms).`);
      })],
    ['telemetryLens.createSchema', () => createSchema(lens)],
    ['telemetryLens.openSchema', () => openSchema(lens)],
    ['telemetryLens.showOutput', () => lens.output.show(true)],
    ['telemetryLens.runHealthChecks', () => p.health.runNow()],
    ['telemetryLens.runQuery', async (sql?: string) => {
      const q = typeof sql === 'string' && sql.trim() ? sql : await pickQuery(lens);
      if (q) await p.query.run(q);
    }],
    ['telemetryLens.traceAgentRun', () => traceAgentRun(lens, () => {
      p.runs.refresh();
      void vscode.commands.executeCommand(`${RUNS_VIEW}.focus`);
    })],
    ['telemetryLens.openTrace', async (arg?: string | RunNode) => {
      const given = typeof arg === 'string' ? arg : arg?.kind === 'trace' ? arg.trace.traceId : undefined;
      const id = given ?? await vscode.window.showInputBox({
        title: 'Telemetry Lens: Open Trace', prompt: 'Trace id (32 hex digits)', ignoreFocusOut: true,
        validateInput: (v) => (/^[0-9a-fA-F]{32}$/.test(v.trim()) ? undefined : 'A trace id is 32 hexadecimal digits'),
      });
      if (id) await p.waterfall.open(id.trim().toLowerCase());
    }],
    ['telemetryLens.openSpan', async (traceId: string, spanId: string) => {
      const trace = await p.waterfall.open(traceId, spanId);
      const span = trace?.spans.find((s) => s.spanId === spanId);
      if (span?.codeFilepath) await openSource(span.codeFilepath, span.codeLineno, true);
    }],
    ['telemetryLens.setLogfireToken', () => setToken(lens)],
    ['telemetryLens.clearLogfireToken', async () => {
      await lens.context.secrets.delete(TOKEN_KEY);
      void vscode.window.showInformationMessage('Telemetry Lens: Logfire token removed.');
    }],
    ['telemetryLens.switchBackend', (to?: Backend) => switchBackend(lens, to)],
    ['telemetryLens.startReceiver', () => receiver(lens, () => lens.client.sendRequest(StartReceiver), 'start')],
    ['telemetryLens.stopReceiver', () => receiver(lens, () => lens.client.sendRequest(StopReceiver), 'stop')],
    ['telemetryLens.clearLocalData', async () => {
      const n = p.statusBar.current?.recordCount;
      const pick = await vscode.window.showWarningMessage(
        `Delete ${n === undefined ? 'all' : `all ${n}`} records from the local telemetry store?`,
        { modal: true, detail: 'Agent runs, traces and health history in the local store are removed. Logfire is not affected.' }, 'Delete');
      if (pick !== 'Delete') return;
      await receiver(lens, () => lens.client.sendRequest(ClearLocalData), 'clear');
      p.runs.refresh();
      p.events.refresh();
    }],
    ['telemetryLens.runDemo', () => HealthView.runDemo(lens)],
    ['telemetryLens.restartServer', async () => {
      await lens.client.restart().then(() => p.statusBar.load(), (err: unknown) => lens.fail('restart failed', err));
    }],
    ['telemetryLens.refreshRuns', () => p.runs.refresh()],
    ['telemetryLens.refreshEvents', () => p.events.refresh()],
    ['telemetryLens.findCallSites', (eventId: string | { id: string }) => findCallSites(lens, typeof eventId === 'string' ? eventId : eventId.id)],
    ['telemetryLens.statusBarActions', () => p.statusBar.actions()],
    ['telemetryLens.copyEndpoint', async () => {
      const port = p.statusBar.current?.port;
      if (!p.statusBar.current?.running || !port) return void vscode.window.showWarningMessage('Telemetry Lens: the receiver is not running.');
      await vscode.env.clipboard.writeText(`http://127.0.0.1:${port}`);
    }],
    ['telemetryLens.importRecords', () => importRecords(lens, p)],
    ['telemetryLens.exportRecords', (n?: RunNode) => exportRecords(lens, n)],
    ['telemetryLens.copyId', async (n: RunNode) => {
      const id = n.kind === 'run' ? n.run.runId : n.kind === 'trace' ? n.trace.traceId : n.node.span.spanId;
      await vscode.env.clipboard.writeText(id);
    }],
  ];
  return table.map(([id, fn]) => vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
}
