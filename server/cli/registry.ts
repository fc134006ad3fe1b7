// The `telemetry-lens` subcommands, one file each in server/cli/ (like the rule registry in
// server/rules/index.ts). Loaded on demand: a command loads only what it uses (`lint` never loads DuckDB).
import type { Command } from './command';

export interface CommandEntry {
  name: string;
  load: () => Promise<{ default: Command }>;
}

/** One entry per subcommand, sorted by name; `name` is the command's own `name`. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'check', load: () => import('./check') },
  { name: 'compare', load: () => import('./compare') },
  { name: 'demo', load: () => import('./demo') },
  { name: 'export', load: () => import('./export') },
  { name: 'import', load: () => import('./import') },
  { name: 'ingest', load: () => import('./ingest') },
  { name: 'lint', load: () => import('./lint') },
  { name: 'live-check', load: () => import('./live-check') },
  { name: 'lsp', load: () => import('./lsp') },
  { name: 'query', load: () => import('./query') },
  { name: 'schema', load: () => import('./schema') },
  { name: 'serve', load: () => import('./serve') },
];

/** The command called `name`, or undefined. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  const entry = COMMANDS.find((c) => c.name === name);
  return entry ? (await entry.load()).default : undefined;
}

/** Every command, in registry order. */
export function loadCommands(): Promise<Command[]> {
  return Promise.all(COMMANDS.map(async (c) => (await c.load()).default));
}
