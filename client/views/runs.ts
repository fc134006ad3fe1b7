// Agent Runs tree: runs → traces → spans (nested by parent), live while a run is in progress.
import * as vscode from 'vscode';
import { GetTrace, ListRuns, ListTraces, type AgentRun, type SpanDetail, type TraceSummary } from '../../protocol/protocol';
import type { Lens } from '../lens';
import { Throttle } from '../throttle';
import { buildSpanTree, formatDuration, levelName, plural, type SpanNode } from '../../protocol/format';
import { runTooltip, spanTooltip } from './tooltips';

export const RUNS_VIEW = 'telemetryLens.runs';

/** Markdown built from escaped telemetry: no command links, no HTML, no theme icons. */
export function untrustedMarkdown(md: string): vscode.MarkdownString {
  const m = new vscode.MarkdownString(md, false);
  m.isTrusted = false;
  m.supportHtml = false;
  return m;
}

export type RunNode =
  | { kind: 'run'; run: AgentRun }
  | { kind: 'trace'; trace: TraceSummary; runId: string }
  | { kind: 'span'; node: SpanNode<SpanDetail>; traceId: string };

function spanIcon(s: SpanDetail): vscode.ThemeIcon {
  if (s.isException || s.statusCode === 'ERROR' || s.level >= 17) return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  if (s.violations.length) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'));
  if (s.level >= 13) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'));
  if (s.kind !== 'span') return new vscode.ThemeIcon('note', new vscode.ThemeColor('descriptionForeground'));
  if (s.durationMs === null) return new vscode.ThemeIcon('loading~spin');
  return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
}

export class RunsTree implements vscode.TreeDataProvider<RunNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly traceCache = new Map<string, Promise<SpanNode<SpanDetail>[]>>();
  private readonly throttle = new Throttle(() => this.refresh());
  private liveTimer: NodeJS.Timeout | undefined;
  private readonly sub: vscode.Disposable;

  constructor(private readonly lens: Lens) {
    this.sub = lens.onStoreChanged(() => {
      this.throttle.request(750);
    });
  }

  refresh(): void {
    this.traceCache.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(n: RunNode): vscode.TreeItem {
    if (n.kind === 'run') {
      const r = n.run;
      const item = new vscode.TreeItem(r.label || r.runId, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `run:${r.runId}`;
      item.contextValue = r.live ? 'run.live' : 'run';
      const end = r.endedAt ? Date.parse(r.endedAt) : undefined;
      const dur = end !== undefined ? formatDuration(end - Date.parse(r.startedAt)) : 'running';
      item.description = `${plural(r.traceCount, 'trace')} · ${plural(r.spanCount, 'span')} · ${dur}`;
      item.iconPath = r.live
        ? new vscode.ThemeIcon('sync~spin')
        : r.errorCount
          ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
          : r.violationCount
            ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'))
            : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
      item.tooltip = untrustedMarkdown(runTooltip(r));
      return item;
    }
    if (n.kind === 'trace') {
      const t = n.trace;
      const item = new vscode.TreeItem(t.rootName || t.traceId, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `trace:${t.traceId}`;
      item.contextValue = 'trace';
      item.description = `${formatDuration(t.durationMs)} · ${plural(t.spanCount, 'span')}${t.errorCount ? ` · ${plural(t.errorCount, 'error')}` : ''}`;
      item.iconPath = t.errorCount ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')) : new vscode.ThemeIcon('symbol-event');
      item.tooltip = `trace ${t.traceId}\nstarted ${t.start}`;
      item.command = { command: 'telemetryLens.openTrace', title: 'Open Trace', arguments: [t.traceId] };
      return item;
    }
    const s = n.node.span;
    const item = new vscode.TreeItem(s.message || s.name, n.node.children.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `span:${n.traceId}:${s.spanId}`;
    item.contextValue = s.codeFilepath ? 'span.withSource' : 'span';
    const marks = s.violations.length ? ` · ⚠ ${s.violations.join(' ')}` : '';
    item.description = `${s.kind === 'span' ? formatDuration(s.durationMs) : levelName(s.level)}${marks}`;
    item.iconPath = spanIcon(s);
    item.tooltip = untrustedMarkdown(spanTooltip(s));
    item.command = { command: 'telemetryLens.openSpan', title: 'Open Span', arguments: [n.traceId, s.spanId] };
    return item;
  }

  async getChildren(n?: RunNode): Promise<RunNode[]> {
    try {
      if (!n) {
        const runs = await this.lens.client.sendRequest(ListRuns);
        // A run stops being live after a quiet spell without new data: poll while any run is live.
        if (this.liveTimer) clearTimeout(this.liveTimer);
        this.liveTimer = runs.some((r) => r.live) ? setTimeout(() => this.refresh(), 30_000) : undefined;
        return runs.map((run) => ({ kind: 'run' as const, run }));
      }
      if (n.kind === 'run') {
        const traces = await this.lens.client.sendRequest(ListTraces, { runId: n.run.runId });
        return traces.map((trace) => ({ kind: 'trace' as const, trace, runId: n.run.runId }));
      }
      if (n.kind === 'trace') {
        const roots = await this.spanTree(n.trace.traceId);
        return roots.map((node) => ({ kind: 'span' as const, node, traceId: n.trace.traceId }));
      }
      return n.node.children.map((node) => ({ kind: 'span' as const, node, traceId: n.traceId }));
    } catch (err) {
      this.lens.output.appendLine(`[client] agent runs: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  }

  private spanTree(traceId: string): Promise<SpanNode<SpanDetail>[]> {
    let p = this.traceCache.get(traceId);
    if (!p) {
      p = this.lens.client.sendRequest(GetTrace, { traceId }).then((t) => buildSpanTree(t?.spans ?? []));
      this.traceCache.set(traceId, p);
      p.catch(() => this.traceCache.delete(traceId));
    }
    return p;
  }

  dispose(): void {
    this.throttle.cancel();
    if (this.liveTimer) clearTimeout(this.liveTimer);
    this.sub.dispose();
    this.changed.dispose();
  }
}
