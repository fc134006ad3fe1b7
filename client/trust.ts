// Workspace Trust and the Logfire token's destination, on the client side.
//
// Restricted Mode (an untrusted workspace): linting works; the workspace schema's health SQL, the
// agent command and the workspace's backend / base URL / store path choices do not (see
// RESTRICTED_SETTINGS). Whatever is off says why and offers "Manage Workspace Trust".
//
// The Logfire read token goes over https to Logfire's API hosts, or to `telemetryLens.logfire.baseUrl`
// from the user's own settings once the user has allowed that host (remembered per origin in
// globalState, which no workspace can write).
import * as vscode from 'vscode';
import type { LogfireTarget } from '../protocol/protocol';
import { classifyTokenDestination } from '../protocol/logfire';
import { SECTION } from './lsp';

export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';
export const MANAGE_TRUST = 'Manage Workspace Trust';
const APPROVED_ORIGINS_KEY = 'telemetryLens.approvedLogfireOrigins';

/** Tells why `feature` is off in Restricted Mode and offers to manage trust. */
export function restrictedNotice(feature: string, why: string): void {
  void vscode.window
    .showWarningMessage(`Telemetry Lens: ${feature} is off in Restricted Mode: ${why}. Trust this workspace to use it.`, MANAGE_TRUST)
    .then((pick) => {
      if (pick === MANAGE_TRUST) void vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
    });
}

/** Origins the user declined this session (asked again after a reload, not on every refresh). */
const declined = new Set<string>();
const asking = new Map<string, Promise<boolean>>();

function approvedOrigins(context: vscode.ExtensionContext): string[] {
  const v = context.globalState.get<unknown>(APPROVED_ORIGINS_KEY);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

async function askToApprove(context: vscode.ExtensionContext, origin: string): Promise<boolean> {
  const allow = 'Send Token to This Host';
  const pick = await vscode.window.showWarningMessage(
    `Send your Logfire read token to ${origin}?`,
    {
      modal: true,
      detail:
        `telemetryLens.logfire.baseUrl in your user settings points to ${origin}, which is not one of Logfire's API hosts. ` +
        'Telemetry Lens sends the read token there only if you allow it; your answer is remembered for this host.',
    },
    allow,
  );
  if (pick !== allow) return false;
  await context.globalState.update(APPROVED_ORIGINS_KEY, [...new Set([...approvedOrigins(context), origin])]);
  return true;
}

/**
 * Where the server may send the Logfire token: the user's own `logfire.baseUrl` (never a workspace's),
 * marked approved once the user allowed its host. Throws with the reason when the token must not go out.
 */
export async function logfireTarget(context: vscode.ExtensionContext): Promise<LogfireTarget> {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<string>('logfire.baseUrl');
  const baseUrl = (inspected?.globalValue ?? '').trim();
  if (!baseUrl) return {};
  const d = classifyTokenDestination(baseUrl);
  if (d.kind === 'logfire') return { baseUrl };
  if (d.kind === 'refused') throw new Error(`telemetryLens.logfire.baseUrl (${baseUrl}) cannot be used: ${d.reason}`);
  const origin = d.origin;
  if (approvedOrigins(context).includes(origin)) return { baseUrl, baseUrlApproved: true };
  if (declined.has(origin)) throw new Error(`the Logfire read token is not sent to ${origin}: you did not allow that host (reload the window to be asked again)`);
  let pending = asking.get(origin);
  if (!pending) {
    pending = askToApprove(context, origin).finally(() => asking.delete(origin));
    asking.set(origin, pending);
  }
  if (await pending) return { baseUrl, baseUrlApproved: true };
  declined.add(origin);
  throw new Error(`the Logfire read token is not sent to ${origin}: you did not allow that host`);
}
