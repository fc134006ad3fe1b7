// Runs inside the VS Code extension host started by run.mjs (@vscode/test-electron). Same scenario
// as the code-server e2e (a), observed through the extension API instead of the DOM: the extension
// activates on a Python file, and the seed's workload-routing call gets TL007 at the call.
import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'telemetry-lens.telemetry-lens';

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c ?? '');
}

const cases: [string, () => Promise<void>][] = [
  [
    'the extension activates on a Python file and reports TL007 on the routing call',
    async () => {
      const workspace = process.env.TELEMETRY_LENS_E2E_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      assert.ok(workspace, 'no workspace folder open');
      const uri = vscode.Uri.file(path.join(workspace, 'agent_routing.py'));
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is not loaded`);
      await until('activation', () => (ext.isActive ? true : undefined), 30_000);
      const diag = await until('TL007 on agent_routing.py', () =>
        vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === 'TL007'),
      );
      assert.ok(diag.range.start.line >= 10 && diag.range.start.line <= 16, `TL007 at line ${diag.range.start.line + 1}`);
      assert.match(diag.message, /model/);
    },
  ],
  [
    'every contributed command is registered',
    async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      const contributed = ((ext?.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []).map((c) => c.command);
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
    },
  ],
];

/** Entry point called by VS Code's test runner; rejects when any case fails. */
export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, fn] of cases) {
    const started = Date.now();
    try {
      await fn();
      console.log(`ok - ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      console.error(`not ok - ${name}\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      failures.push(name);
    }
  }
  console.log(`${cases.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length) throw new Error(`${failures.length} of ${cases.length} cases failed: ${failures.join('; ')}`);
}
