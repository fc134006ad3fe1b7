// "Trace Agent Run…": run the configured agent command (or a picked task) with the OTLP env the
// server prepares (endpoint of the live receiver, protocol, run id), so the run shows in Agent Runs.
import * as vscode from 'vscode';
import { EndRun, PrepareRun } from '../protocol/protocol';
import type { Lens } from './lens';
import { readSettings } from './lsp';
import { restrictedNotice } from './trust';

type Target = { kind: 'command'; command: string } | { kind: 'task'; task: vscode.Task };

/** A copy of `task` whose process gets `env` on top of its own environment; undefined when impossible. */
export function withEnv(task: vscode.Task, env: Record<string, string>): vscode.Task | undefined {
  const exec = task.execution;
  let execution: vscode.ShellExecution | vscode.ProcessExecution;
  if (exec instanceof vscode.ShellExecution) {
    const options = { ...exec.options, env: { ...exec.options?.env, ...env } };
    execution = exec.commandLine !== undefined ? new vscode.ShellExecution(exec.commandLine, options) : new vscode.ShellExecution(exec.command, exec.args, options);
  } else if (exec instanceof vscode.ProcessExecution) {
    execution = new vscode.ProcessExecution(exec.process, exec.args, { ...exec.options, env: { ...exec.options?.env, ...env } });
  } else {
    return undefined;
  }
  const copy = new vscode.Task(task.definition, task.scope ?? vscode.TaskScope.Workspace, task.name, task.source, execution, task.problemMatchers);
  copy.presentationOptions = task.presentationOptions;
  copy.group = task.group;
  return copy;
}

async function pickTarget(): Promise<Target | undefined> {
  const configured = readSettings(vscode.workspace.workspaceFolders?.[0]?.uri).agentCommand.trim();
  if (configured) return { kind: 'command', command: configured };
  type Item = vscode.QuickPickItem & { target?: Target; enter?: boolean };
  const tasks = await vscode.tasks.fetchTasks().then((t) => t, () => [] as vscode.Task[]);
  const items: Item[] = [
    { label: '$(edit) Enter a command…', description: 'run it in a terminal', enter: true, alwaysShow: true },
    ...(tasks.length ? [{ label: 'Tasks', kind: vscode.QuickPickItemKind.Separator } as Item] : []),
    ...tasks.map((task) => ({ label: `$(tools) ${task.name}`, description: task.source, detail: task.detail, target: { kind: 'task' as const, task } })),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Telemetry Lens: Trace Agent Run',
    placeHolder: 'Pick what to run (set telemetryLens.agentCommand to skip this)',
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  if (pick.target) return pick.target;
  const command = await vscode.window.showInputBox({
    title: 'Telemetry Lens: Trace Agent Run',
    prompt: 'Command that starts your agent (it gets OTEL_EXPORTER_OTLP_ENDPOINT for the local receiver)',
    placeHolder: 'python -m my_agent "fix the failing test"',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Enter a command'),
  });
  return command ? { kind: 'command', command: command.trim() } : undefined;
}

/** Returns the run id, or undefined when the user cancelled or the run could not start. */
export async function traceAgentRun(lens: Lens, onStarted: (runId: string) => void): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) {
    lens.output.appendLine('[client] Trace Agent Run refused: the workspace is not trusted (Restricted Mode)');
    restrictedNotice('Trace Agent Run', "it runs the workspace's agent command or tasks, which could run any code");
    return undefined;
  }
  const target = await pickTarget();
  if (!target) return undefined;
  const label = target.kind === 'command' ? target.command : target.task.name;
  let prepared: { runId: string; env: Record<string, string> };
  try {
    prepared = await lens.client.sendRequest(PrepareRun, { label });
  } catch (err) {
    return lens.fail('could not prepare the run', err);
  }
  let task: vscode.Task | undefined;
  if (target.kind === 'task') {
    task = withEnv(target.task, prepared.env);
    if (!task) {
      void vscode.window.showWarningMessage(`Telemetry Lens: task "${label}" uses a custom execution; its environment cannot be set. Run it as a command instead.`);
      return undefined;
    }
  } else {
    // A shell task rather than text typed into a terminal: it runs in a terminal all the same, and its
    // process end is reported, so the run stops being live as soon as the agent exits.
    const name = label.length > 40 ? `${label.slice(0, 39)}…` : label;
    task = new vscode.Task(
      { type: 'telemetryLens', runId: prepared.runId },
      vscode.workspace.workspaceFolders?.[0] ?? vscode.TaskScope.Workspace,
      name,
      'Telemetry Lens',
      new vscode.ShellExecution(target.command, {
        env: prepared.env,
        ...(vscode.workspace.workspaceFolders?.[0] ? { cwd: vscode.workspace.workspaceFolders[0].uri.fsPath } : {}),
      }),
      [],
    );
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.New, focus: false, clear: false };
  }
  const runId = prepared.runId;
  let execution: vscode.TaskExecution | undefined;
  const ended = vscode.tasks.onDidEndTaskProcess((e) => {
    if (e.execution !== execution && e.execution.task.definition.runId !== runId) return;
    ended.dispose();
    lens.output.appendLine(`[client] run ${runId} ended${e.exitCode !== undefined ? ` with exit code ${e.exitCode}` : ''}`);
    lens.client.sendRequest(EndRun, { runId, ...(e.exitCode !== undefined ? { exitCode: e.exitCode } : {}) }).then(undefined, (err) =>
      lens.output.appendLine(`[client] could not end run ${runId}: ${err instanceof Error ? err.message : String(err)}`),
    );
  });
  try {
    execution = await vscode.tasks.executeTask(task);
  } catch (err) {
    ended.dispose();
    return lens.fail(`could not start "${label}"`, err);
  }
  lens.context.subscriptions.push(ended);
  lens.output.appendLine(`[client] run ${prepared.runId} started: ${label}`);
  onStarted(prepared.runId);
  return prepared.runId;
}
