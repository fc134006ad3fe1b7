// Settings shared by the client (reads `telemetryLens.*`) and the server (pulls them per resource).
// package.json `contributes.configuration` must match DEFAULT_SETTINGS key for key (a test checks).

export type SeverityOverride = 'error' | 'warning' | 'info' | 'hint' | 'off';
export type Backend = 'local' | 'logfire';

export interface WrapperSetting {
  name: string;
  kind: 'log' | 'span';
  level?: 'trace' | 'debug' | 'info' | 'notice' | 'warn' | 'error' | 'fatal';
  messageArg?: number;
}

export interface Settings {
  /** Path of the schema file; empty = telemetry.schema.yaml/.json at the workspace root, else the bundled default. */
  schemaPath: string;
  /** Languages to lint: any of python, typescript, javascript. */
  languages: ('python' | 'typescript' | 'javascript')[];
  /** Severity per rule code (TL001) or name (unknown-event). */
  rules: Record<string, SeverityOverride>;
  /** Extra wrapper functions treated as telemetry calls (merged with the schema's). */
  wrappers: WrapperSetting[];
  /** Globs excluded from workspace linting, in addition to .gitignore and files.exclude. */
  exclude: string[];
  /** Start the OTLP receiver when the extension activates. */
  'receiver.autoStart': boolean;
  /** Preferred receiver port (the next free port is used when taken). */
  'receiver.port': number;
  /** DuckDB file for the local store; empty = .telemetry-lens/telemetry.duckdb in the first workspace folder. */
  'store.path': string;
  /** Records older than this many days are deleted (0 = keep). */
  'store.retentionDays': number;
  /** Oldest records are deleted above this database size in MB (0 = no limit). */
  'store.maxSizeMB': number;
  /** Memory the store's database engine may use for a file-backed store, in MB (0 = its default, 80% of RAM). */
  'store.memoryLimitMB': number;
  /** Where health checks and queries run. */
  backend: Backend;
  /** Logfire API base URL override (default: from the token's region). */
  'logfire.baseUrl': string;
  /** Command run by "Trace Agent Run…"; empty = pick a task. */
  agentCommand: string;
  /** Health panel refresh interval in seconds (0 = only on new data and on demand). */
  'health.refreshSeconds': number;
  /** Time range for health checks and charts, e.g. '1h', '24h', '7d'. */
  'health.timeRange': string;
  /** Seconds an editor query or a health check may run on the local store before it is stopped (0 = no limit). */
  'query.timeoutSeconds': number;
  /** Show "fired N times" CodeLens above telemetry calls. */
  codeLens: boolean;
  /** Check received records against the schema and show violations at the emitting line. */
  runtimeConformance: boolean;
  /** Check dotted attribute keys against the built-in OpenTelemetry semantic conventions. */
  'semconv.enabled': boolean;
  /** Release of the built-in OpenTelemetry semantic conventions (one of the shipped releases). */
  'semconv.release': string;
  /** Trace the server's own lint passes, ingest batches and queries into the local store. */
  'debug.selfTrace': boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  schemaPath: '',
  languages: ['python', 'typescript', 'javascript'],
  rules: {},
  wrappers: [],
  exclude: [],
  'receiver.autoStart': true,
  'receiver.port': 4318,
  'store.path': '',
  'store.retentionDays': 7,
  'store.maxSizeMB': 1024,
  'store.memoryLimitMB': 1024,
  backend: 'local',
  'logfire.baseUrl': '',
  agentCommand: '',
  'health.refreshSeconds': 60,
  'health.timeRange': '24h',
  'query.timeoutSeconds': 30,
  codeLens: true,
  runtimeConformance: true,
  'semconv.enabled': true,
  'semconv.release': '1.41.1',
  'debug.selfTrace': false,
};

/** Fill a partial, possibly malformed settings object (from a client or a config file) with defaults. */
export function normalizeSettings(raw: unknown): Settings {
  const out: Settings = { ...DEFAULT_SETTINGS, languages: [...DEFAULT_SETTINGS.languages] };
  if (!raw || typeof raw !== 'object') return out;
  const r = raw as Record<string, unknown>;
  // VS Code hands nested objects for dotted keys ({ receiver: { port } }); accept both shapes.
  const get = (key: string): unknown => {
    if (key in r) return r[key];
    const [a, b] = key.split('.');
    const nested = b !== undefined ? r[a] : undefined;
    return nested && typeof nested === 'object' ? (nested as Record<string, unknown>)[b] : undefined;
  };
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    const v = get(key);
    const def = DEFAULT_SETTINGS[key];
    if (v === undefined || v === null) continue;
    if (Array.isArray(def)) {
      if (Array.isArray(v)) (out as unknown as Record<string, unknown>)[key] = v;
    } else if (typeof def === typeof v) {
      (out as unknown as Record<string, unknown>)[key] = v;
    }
  }
  return out;
}

/**
 * Node options the extension starts the language server with (also used by the LSP benchmark, so it
 * measures the same process). A larger young generation: OTLP decoding allocates many short-lived objects,
 * and V8 grows the semi-space up to this bound only under that pressure (an idle server is unaffected).
 */
export const SERVER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=64'];

// ---------- trust ----------

/**
 * Settings that only the user's own (user/global) settings may set: a workspace or folder value is
 * ignored, trusted workspace or not. `logfire.baseUrl` decides where the Logfire read token goes.
 */
export const USER_ONLY_SETTINGS: readonly (keyof Settings)[] = ['logfire.baseUrl'];

/**
 * Settings a workspace may set only once the user trusts it (package.json
 * `capabilities.untrustedWorkspaces.restrictedConfigurations`): what runs (agentCommand), where queries
 * go (backend, logfire.baseUrl) and where the store is written (store.path).
 */
export const RESTRICTED_SETTINGS: readonly (keyof Settings)[] = ['backend', 'logfire.baseUrl', 'agentCommand', 'store.path', 'query.timeoutSeconds'];

/** The values of one setting per level, as VS Code's `WorkspaceConfiguration.inspect()` reports them. */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The value of `key` Telemetry Lens may act on: the folder/workspace/user value as VS Code would pick it,
 * except that user-only settings never take a workspace or folder value, and restricted settings do not
 * while the workspace is untrusted. `ignored` names the level whose value was passed over.
 */
export function trustedSettingValue<T>(key: keyof Settings, inspected: InspectedSetting<T> | undefined, trusted: boolean): { value: T | undefined; ignored?: 'workspace' | 'workspaceFolder' } {
  const i = inspected ?? {};
  const userOnly = USER_ONLY_SETTINGS.includes(key) || (!trusted && RESTRICTED_SETTINGS.includes(key));
  if (!userOnly) return { value: i.workspaceFolderValue ?? i.workspaceValue ?? i.globalValue ?? i.defaultValue };
  const ignored = i.workspaceFolderValue !== undefined ? 'workspaceFolder' : i.workspaceValue !== undefined ? 'workspace' : undefined;
  return { value: i.globalValue ?? i.defaultValue, ...(ignored ? { ignored } : {}) };
}
