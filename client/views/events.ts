// Events tree: the schema's events with call-site and runtime counts; click → find call sites.
import * as vscode from 'vscode';
import { FindCallSites, ListEvents, type EventSummary, type Location } from '../../protocol/protocol';
import type { Lens } from '../lens';
import { Throttle } from '../throttle';
import { formatCount } from '../../protocol/format';
import { untrustedMarkdown } from './runs';
import { eventTooltip } from './tooltips';

export const EVENTS_VIEW = 'telemetryLens.events';

export class EventsTree implements vscode.TreeDataProvider<EventSummary>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<EventSummary | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly throttle = new Throttle(() => this.refresh());
  private readonly sub: vscode.Disposable;

  constructor(private readonly lens: Lens) {
    this.sub = lens.onStoreChanged(() => {
      this.throttle.request(3000);
    });
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(e: EventSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(e.name ?? e.template ?? e.id, vscode.TreeItemCollapsibleState.None);
    item.id = `event:${e.id}`;
    item.contextValue = 'event';
    item.description = `${e.callSites} call site${e.callSites === 1 ? '' : 's'} · ${formatCount(e.runtimeCount)} at runtime`;
    const unused = e.callSites === 0;
    item.iconPath = unused
      ? new vscode.ThemeIcon('circle-outline', new vscode.ThemeColor('descriptionForeground'))
      : new vscode.ThemeIcon('symbol-event', e.runtimeCount ? new vscode.ThemeColor('charts.green') : undefined);
    item.tooltip = untrustedMarkdown(eventTooltip(e));
    item.command = { command: 'telemetryLens.findCallSites', title: 'Find Call Sites', arguments: [e.id] };
    return item;
  }

  async getChildren(e?: EventSummary): Promise<EventSummary[]> {
    if (e) return [];
    try {
      return await this.lens.client.sendRequest(ListEvents);
    } catch (err) {
      this.lens.output.appendLine(`[client] events: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  }

  dispose(): void {
    this.throttle.cancel();
    this.sub.dispose();
    this.changed.dispose();
  }
}

function toVsLocation(l: Location): vscode.Location {
  const r = l.range;
  return new vscode.Location(vscode.Uri.parse(l.uri), new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character));
}

/** Call sites of a schema event: one opens directly, several in a quick pick that previews as you move. */
export async function findCallSites(lens: Lens, eventId: string): Promise<void> {
  let locs: Location[];
  try {
    locs = await lens.client.sendRequest(FindCallSites, { eventId });
  } catch (err) {
    lens.fail('could not find call sites', err);
    return;
  }
  if (locs.length === 0) {
    void vscode.window.showInformationMessage(`Telemetry Lens: no call sites of ${eventId} in the workspace.`);
    return;
  }
  const show = (l: vscode.Location, preserveFocus: boolean): Thenable<unknown> =>
    vscode.window.showTextDocument(l.uri, { selection: l.range, preserveFocus, preview: true });
  const vs = locs.map(toVsLocation);
  if (vs.length === 1) {
    await show(vs[0], false);
    return;
  }
  type Item = vscode.QuickPickItem & { loc: vscode.Location };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = `Call sites of ${eventId}`;
  qp.matchOnDescription = true;
  qp.items = vs.map((loc) => ({ label: `$(symbol-event) ${vscode.workspace.asRelativePath(loc.uri)}:${loc.range.start.line + 1}`, description: eventId, loc }));
  qp.onDidChangeActive((a) => a[0] && void show(a[0].loc, true));
  qp.onDidAccept(() => {
    const a = qp.selectedItems[0];
    qp.hide();
    if (a) void show(a.loc, false);
  });
  qp.onDidHide(() => qp.dispose());
  qp.show();
}
