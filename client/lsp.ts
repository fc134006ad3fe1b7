// The language client: starts dist/server/server.js over IPC and answers the server's
// `workspace/configuration` pulls for `telemetryLens` with the flat settings object.
import * as vscode from 'vscode';
import type { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { DEFAULT_SETTINGS, RESTRICTED_SETTINGS, SERVER_NODE_ARGS, USER_ONLY_SETTINGS, trustedSettingValue, type Settings } from '../protocol/settings';

export const SCHEMA_GLOB = '**/telemetry.schema.{yaml,yml,json}';
export const SECTION = 'telemetryLens';

const GUARDED = new Set<keyof Settings>([...USER_ONLY_SETTINGS, ...RESTRICTED_SETTINGS]);
const reportedIgnored = new Set<string>();
/** Called once per setting and level whose workspace value is ignored (the extension logs it). */
let onIgnoredSetting: ((key: string, level: 'workspace' | 'workspaceFolder', userOnly: boolean) => void) | undefined;
export function setIgnoredSettingListener(fn: typeof onIgnoredSetting): void {
  onIgnoredSetting = fn;
}

/**
 * `telemetryLens.*` for one resource as a flat object keyed like DEFAULT_SETTINGS. Settings that decide
 * where the Logfire token goes, what runs and where files are written are read level by level
 * (`inspect()`): user-only settings never take a workspace value, restricted ones only in a trusted
 * workspace. This object is also what the language server receives.
 */
export function readSettings(scope?: vscode.Uri | null): Settings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope ?? undefined);
  const trusted = vscode.workspace.isTrusted;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    if (!GUARDED.has(key)) {
      out[key] = cfg.get(key, DEFAULT_SETTINGS[key]);
      continue;
    }
    const r = trustedSettingValue(key, cfg.inspect(key), trusted);
    out[key] = r.value ?? DEFAULT_SETTINGS[key];
    if (r.ignored && !reportedIgnored.has(`${key}:${r.ignored}`)) {
      reportedIgnored.add(`${key}:${r.ignored}`);
      onIgnoredSetting?.(`${SECTION}.${key}`, r.ignored, USER_ONLY_SETTINGS.includes(key));
    }
  }
  return out as unknown as Settings;
}

/** Builds the client; the library is loaded here, on first use, not while the extension activates. */
export function createClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): LanguageClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LanguageClient, TransportKind } = require('vscode-languageclient/node') as typeof import('vscode-languageclient/node');
  const module = context.asAbsolutePath('dist/server/server.js');
  const execArgv = [...SERVER_NODE_ARGS];
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...execArgv, '--nolazy', '--inspect=6011'] } },
  };
  const languages = ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...languages.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      { scheme: 'file', pattern: SCHEMA_GLOB },
    ],
    outputChannel: output,
    diagnosticCollectionName: 'telemetry-lens',
    // No `synchronize`: the server registers for configuration changes (telemetryLens, files) and the
    // file watchers it needs itself, so a static section here would only double the startup lint.
    initializationOptions: {
      storagePath: context.storageUri?.fsPath,
      globalStoragePath: context.globalStorageUri.fsPath,
      extensionVersion: String(context.extension.packageJSON.version ?? ''),
      // Untrusted: the server runs no health SQL from the workspace schema (WorkspaceTrustChanged updates it).
      workspaceTrusted: vscode.workspace.isTrusted,
    },
    markdown: { isTrusted: false, supportHtml: false },
    middleware: {
      workspace: {
        configuration: (params, token, next) => {
          if (!params.items.some((i) => i.section === SECTION)) return next(params, token);
          return params.items.map((item) => {
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
            if (item.section === SECTION) return readSettings(scope);
            if (!item.section) return null;
            const v = vscode.workspace.getConfiguration(undefined, scope).get(item.section);
            return v === undefined ? null : JSON.parse(JSON.stringify(v));
          });
        },
      },
    },
  };
  return new LanguageClient('telemetryLens', 'Telemetry Lens', serverOptions, clientOptions);
}
