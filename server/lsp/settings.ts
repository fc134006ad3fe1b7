// Settings pulled from the client per resource with workspace/configuration, cached per scope and
// dropped on workspace/didChangeConfiguration. Clients without the configuration capability (or that
// answer null) get the defaults, or whatever they pushed in didChangeConfiguration / initializationOptions.
import type { Connection } from 'vscode-languageserver';
import { normalizeSettings, type Settings } from '../../protocol/settings';

/** The parts of VS Code's `files.*` section the workspace lint honours. */
export interface FilesSettings {
  /** Glob → enabled (VS Code's `files.exclude` shape; `when` clauses are treated as enabled). */
  exclude: Record<string, boolean>;
}

export interface ResolvedSettings {
  settings: Settings;
  files: FilesSettings;
}

export class SettingsManager {
  private cache = new Map<string, Promise<ResolvedSettings>>();
  /** Settings pushed by the client (didChangeConfiguration with a payload, or initializationOptions). */
  private pushed: unknown;
  private generation = 0;

  constructor(
    private readonly connection: Connection,
    private readonly canPull: () => boolean,
  ) {}

  /** Settings for a resource (document URI or workspace folder URI); '' = the window scope. */
  get(scopeUri: string): Promise<ResolvedSettings> {
    const hit = this.cache.get(scopeUri);
    if (hit) return hit;
    const gen = this.generation;
    const p = this.pull(scopeUri).catch(() => this.fallback());
    this.cache.set(scopeUri, p);
    // a change that arrived while pulling invalidates this entry too
    void p.then(() => {
      if (gen !== this.generation) this.cache.delete(scopeUri);
    });
    return p;
  }

  /** Called on didChangeConfiguration: forget everything (the server re-lints afterwards). */
  invalidate(pushed?: unknown): void {
    this.generation++;
    if (pushed !== undefined && pushed !== null) this.pushed = pushed;
    this.cache.clear();
  }

  setInitial(pushed: unknown): void {
    if (pushed !== undefined && pushed !== null) this.pushed = pushed;
  }

  private fallback(): ResolvedSettings {
    const raw = this.pushed && typeof this.pushed === 'object' ? (this.pushed as Record<string, unknown>) : {};
    const section = 'telemetryLens' in raw ? raw.telemetryLens : raw;
    return { settings: normalizeSettings(section), files: normalizeFiles(undefined) };
  }

  private async pull(scopeUri: string): Promise<ResolvedSettings> {
    if (!this.canPull()) return this.fallback();
    const items = [
      { scopeUri: scopeUri || undefined, section: 'telemetryLens' },
      { scopeUri: scopeUri || undefined, section: 'files' },
    ];
    const [tl, files] = (await this.connection.workspace.getConfiguration(items)) as unknown[];
    if (tl === null || tl === undefined) {
      const fb = this.fallback();
      return { settings: fb.settings, files: normalizeFiles(files) };
    }
    return { settings: normalizeSettings(tl), files: normalizeFiles(files) };
  }
}

function normalizeFiles(raw: unknown): FilesSettings {
  const exclude: Record<string, boolean> = {};
  const ex = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).exclude : undefined;
  if (ex && typeof ex === 'object') {
    for (const [glob, v] of Object.entries(ex as Record<string, unknown>)) {
      // only plain `true` entries: `{ when: ... }` sibling conditions hide generated files next to
      // their sources, which are not Python/TS/JS sources the lint would read anyway
      if (v === true) exclude[glob] = true;
    }
  }
  return { exclude };
}
